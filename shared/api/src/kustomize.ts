/**
 * kustomize.toolkit.fluxcd.io/v1 Kustomization, field for field as kustomize-controller's CRD declares it (v1 is the
 * only served version since Flux 2.8).
 */
import type { Static } from "@sinclair/typebox";
import { str, int, bool, enumOf, time, obj, opt, listOf, mapOf, DURATION_PATTERN } from "./schema.js";
import type { KindDefinition } from "./kind.js";
import {
  KubeConfigReferenceSchema,
  LocalObjectReferenceSchema,
  NamespacedObjectKindReferenceSchema,
  conditionsField,
  describe,
  fluxRoot,
  fluxPrinterColumns,
  lastHandledReconcileAtField,
  observedGenerationField,
} from "./meta.js";

export const KUSTOMIZE_GROUP = "kustomize.toolkit.fluxcd.io";
export const KUSTOMIZE_VERSION = "v1";
export const KUSTOMIZE_API_VERSION = `${KUSTOMIZE_GROUP}/${KUSTOMIZE_VERSION}`;

const GROUP_DESCRIPTION =
  "Group is the API group to select resources from.\n" +
  "Together with Version and Kind it is capable of unambiguously identifying and/or selecting resources.\n" +
  "https://github.com/kubernetes/community/blob/master/contributors/design-proposals/api-machinery/api-group.md";
const KIND_DESCRIPTION =
  "Kind of the API Group to select resources from.\n" +
  "Together with Group and Version it is capable of unambiguously\n" +
  "identifying and/or selecting resources.\n" +
  "https://github.com/kubernetes/community/blob/master/contributors/design-proposals/api-machinery/api-group.md";
const VERSION_DESCRIPTION =
  "Version of the API Group to select resources from.\n" +
  "Together with Group and Kind it is capable of unambiguously identifying and/or selecting resources.\n" +
  "https://github.com/kubernetes/community/blob/master/contributors/design-proposals/api-machinery/api-group.md";

/** kustomize's resource selector (`kustomize.Selector` in fluxcd/pkg/apis/kustomize). */
const selectorSchema = (description: string) =>
  obj(
    {
      annotationSelector: opt(
        str({
          description:
            "AnnotationSelector is a string that follows the label selection expression\n" +
            "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#api\n" +
            "It matches with the resource annotations.",
        }),
      ),
      group: opt(str({ description: GROUP_DESCRIPTION })),
      kind: opt(str({ description: KIND_DESCRIPTION })),
      labelSelector: opt(
        str({
          description:
            "LabelSelector is a string that follows the label selection expression\n" +
            "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#api\n" +
            "It matches with the resource labels.",
        }),
      ),
      name: opt(str({ description: "Name to match resources with." })),
      namespace: opt(str({ description: "Namespace to select resources from." })),
      version: opt(str({ description: VERSION_DESCRIPTION })),
    },
    { description },
  );
export const SelectorSchema = selectorSchema("Target points to the resources that the patch document should be applied to.");
export type Selector = Static<typeof SelectorSchema>;

export const PatchSchema = obj(
  {
    patch: str({
      description: "Patch contains an inline StrategicMerge patch or an inline JSON6902 patch with\nan array of operation objects.",
    }),
    target: opt(SelectorSchema),
  },
  {
    description:
      "Patch contains an inline StrategicMerge or JSON6902 patch, and the target the patch should\nbe applied to.",
  },
);
export type Patch = Static<typeof PatchSchema>;

export const ImageSchema = obj(
  {
    digest: opt(str({ description: "Digest is the value used to replace the original image tag.\nIf digest is present NewTag value is ignored." })),
    name: str({ description: "Name is a tag-less image name." }),
    newName: opt(str({ description: "NewName is the value used to replace the original name." })),
    newTag: opt(str({ description: "NewTag is the value used to replace the original tag." })),
  },
  { description: "Image contains an image name, a new name, a new tag or digest, which will replace the original name and tag." },
);
export type Image = Static<typeof ImageSchema>;

export const CustomHealthCheckSchema = obj(
  {
    apiVersion: str({ description: "APIVersion of the custom resource under evaluation." }),
    current: str({
      description: "Current is the CEL expression that determines if the status\nof the custom resource has reached the desired state.",
    }),
    failed: opt(
      str({
        description: "Failed is the CEL expression that determines if the status\nof the custom resource has failed to reach the desired state.",
      }),
    ),
    inProgress: opt(
      str({
        description:
          "InProgress is the CEL expression that determines if the status\nof the custom resource has not yet reached the desired state.",
      }),
    ),
    kind: opt(str({ description: "Kind of the custom resource under evaluation." })),
  },
  { description: "CustomHealthCheck defines the health check for custom resources." },
);
export type CustomHealthCheck = Static<typeof CustomHealthCheckSchema>;

export const DependencyReferenceSchema = obj(
  {
    name: str({ description: "Name of the referent." }),
    namespace: opt(
      str({ description: "Namespace of the referent, defaults to the namespace of the resource\nobject that contains the reference." }),
    ),
    readyExpr: opt(
      str({
        description:
          "ReadyExpr is a CEL expression that can be used to assess the readiness\n" +
          "of a dependency. When specified, the built-in readiness check\n" +
          "is replaced by the logic defined in the CEL expression.\n" +
          "To make the CEL expression additive to the built-in readiness check,\n" +
          "the feature gate `AdditiveCELDependencyCheck` must be set to `true`.",
      }),
    ),
  },
  {
    description:
      "DependencyReference contains enough information to locate the referenced Kubernetes resource object\nand optional CEL expression to assess its readiness.",
  },
);
export type DependencyReference = Static<typeof DependencyReferenceSchema>;

export const IgnoreRuleSchema = obj(
  {
    paths: listOf(str(), {
      description: "Paths is a list of JSON Pointer (RFC 6901) paths to be excluded from\nconsideration in a Kubernetes object.",
    }),
    target: opt(
      selectorSchema(
        "Target is a selector for specifying Kubernetes objects to which this\n" +
          "rule applies.\n" +
          "If Target is not set, the Paths will be ignored for all Kubernetes\n" +
          "objects within the manifest of the Kustomization.",
      ),
    ),
  },
  { description: "IgnoreRule defines a rule to selectively disregard specific changes during\nthe drift detection process." },
);
export type IgnoreRule = Static<typeof IgnoreRuleSchema>;

export const SUBSTITUTE_REFERENCE_KINDS = ["Secret", "ConfigMap"] as const;
export const SUBSTITUTE_STRATEGIES = ["WithVariables", "Always"] as const;

export const SubstituteReferenceSchema = obj(
  {
    kind: enumOf(SUBSTITUTE_REFERENCE_KINDS, { description: "Kind of the values referent, valid values are ('Secret', 'ConfigMap')." }),
    name: str({
      maxLength: 253,
      minLength: 1,
      description: "Name of the values referent. Should reside in the same namespace as the\nreferring resource.",
    }),
    optional: opt(
      bool({
        default: false,
        description:
          "Optional indicates whether the referenced resource must exist, or whether to\n" +
          "tolerate its absence. If true and the referenced resource is absent, proceed\n" +
          "as if the resource was present but empty, without any variables defined.",
      }),
    ),
  },
  { description: "SubstituteReference contains a reference to a resource containing\nthe variables name and value." },
);
export type SubstituteReference = Static<typeof SubstituteReferenceSchema>;

export const PostBuildSchema = obj(
  {
    substitute: opt(
      mapOf(str(), {
        description:
          "Substitute holds a map of key/value pairs.\n" +
          "The variables defined in your YAML manifests that match any of the keys\n" +
          "defined in the map will be substituted with the set value.\n" +
          "Includes support for bash string replacement functions\n" +
          "e.g. ${var:=default}, ${var:position} and ${var/substring/replacement}.",
      }),
    ),
    substituteFrom: opt(
      listOf(SubstituteReferenceSchema, {
        description:
          "SubstituteFrom holds references to ConfigMaps and Secrets containing\n" +
          "the variables and their values to be substituted in the YAML manifests.\n" +
          "The ConfigMap and the Secret data keys represent the var names, and they\n" +
          "must match the vars declared in the manifests for the substitution to\n" +
          "happen.",
      }),
    ),
    substituteStrategy: opt(
      enumOf(SUBSTITUTE_STRATEGIES, {
        description:
          "SubstituteStrategy defines the strategy for substituting variables in the YAML manifests.\n" +
          "Valid values are:\n\n" +
          " - WithVariables (the default): require at least one variable to be defined,\n" +
          "   either through the inline map or through the resolved references to ConfigMaps\n" +
          "   and Secrets.\n" +
          " - Always: perform the substitution even if no variables are defined.",
      }),
    ),
  },
  { description: "PostBuild describes which actions to perform on the YAML manifest\ngenerated by building the kustomize overlay." },
);
export type PostBuild = Static<typeof PostBuildSchema>;

export const DecryptionSchema = obj(
  {
    provider: enumOf(["sops"] as const, { description: "Provider is the name of the decryption engine." }),
    secretRef: opt(
      describe(
        LocalObjectReferenceSchema,
        "The secret name containing the private OpenPGP keys used for decryption.\n" +
          "A static credential for a cloud provider defined inside the Secret\n" +
          "takes priority to secret-less authentication with the ServiceAccountName\n" +
          "field.",
      ),
    ),
    serviceAccountName: opt(
      str({
        description:
          "ServiceAccountName is the name of the service account used to\n" +
          "authenticate with KMS services from cloud providers. If a\n" +
          "static credential for a given cloud provider is defined\n" +
          "inside the Secret referenced by SecretRef, that static\n" +
          "credential takes priority.",
      }),
    ),
  },
  { description: "Decrypt Kubernetes secrets before applying them on the cluster." },
);
export type Decryption = Static<typeof DecryptionSchema>;

export const KUSTOMIZATION_SOURCE_KINDS = ["OCIRepository", "GitRepository", "Bucket", "ExternalArtifact"] as const;
export const DELETION_POLICIES = ["MirrorPrune", "Delete", "WaitForTermination", "Orphan"] as const;
export const BUILD_METADATA_OPTIONS = ["originAnnotations", "transformerAnnotations"] as const;

export const CrossNamespaceSourceReferenceSchema = obj(
  {
    apiVersion: opt(str({ description: "API version of the referent." })),
    kind: enumOf(KUSTOMIZATION_SOURCE_KINDS, { description: "Kind of the referent." }),
    name: str({ description: "Name of the referent." }),
    namespace: opt(
      str({
        description: "Namespace of the referent, defaults to the namespace of the Kubernetes\nresource object that contains the reference.",
      }),
    ),
  },
  { description: "Reference of the source where the kustomization file is." },
);
export type CrossNamespaceSourceReference = Static<typeof CrossNamespaceSourceReferenceSchema>;

const durationField = (description: string) => str({ pattern: DURATION_PATTERN, description });

export const KustomizationSpecSchema = obj(
  {
    buildMetadata: opt(
      listOf(enumOf(BUILD_METADATA_OPTIONS, { description: "BuildMetadataOption defines the supported buildMetadata options." }), {
        description:
          "BuildMetadata specifies which kustomize build metadata should be added\n" +
          "to the built resources. The allowed values are 'originAnnotations' to\n" +
          "annotate resources with their source origin, and 'transformerAnnotations'\n" +
          "to annotate resources with the transformers that produced them.",
      }),
    ),
    commonMetadata: opt(
      obj(
        {
          annotations: opt(mapOf(str(), { description: "Annotations to be added to the object's metadata." })),
          labels: opt(mapOf(str(), { description: "Labels to be added to the object's metadata." })),
        },
        {
          description:
            "CommonMetadata specifies the common labels and annotations that are\n" +
            "applied to all resources. Any existing label or annotation will be\n" +
            "overridden if its key matches a common one.",
        },
      ),
    ),
    components: opt(listOf(str(), { description: "Components specifies relative paths to kustomize Components." })),
    decryption: opt(DecryptionSchema),
    deletionPolicy: opt(
      enumOf(DELETION_POLICIES, {
        description:
          "DeletionPolicy can be used to control garbage collection when this\n" +
          "Kustomization is deleted. Valid values are ('MirrorPrune', 'Delete',\n" +
          "'WaitForTermination', 'Orphan'). 'MirrorPrune' mirrors the Prune field\n" +
          "(orphan if false, delete if true). Defaults to 'MirrorPrune'.",
      }),
    ),
    dependsOn: opt(
      listOf(DependencyReferenceSchema, {
        description:
          "DependsOn may contain a DependencyReference slice\n" +
          "with references to Kustomization resources that must be ready before this\n" +
          "Kustomization can be reconciled.",
      }),
    ),
    force: opt(
      bool({
        default: false,
        description: "Force instructs the controller to recreate resources\nwhen patching fails due to an immutable field change.",
      }),
    ),
    healthCheckExprs: opt(
      listOf(CustomHealthCheckSchema, {
        description:
          "HealthCheckExprs is a list of healthcheck expressions for evaluating the\n" +
          "health of custom resources using Common Expression Language (CEL).\n" +
          "The expressions are evaluated only when Wait or HealthChecks are specified.",
      }),
    ),
    healthChecks: opt(listOf(NamespacedObjectKindReferenceSchema, { description: "A list of resources to be included in the health assessment." })),
    ignore: opt(
      listOf(IgnoreRuleSchema, {
        description:
          "Ignore is a list of rules for specifying which changes to ignore\n" +
          "during drift detection. These rules are applied to the resources managed\n" +
          "by the Kustomization and are used to exclude specific JSON pointer paths\n" +
          "from the drift detection and apply process.",
      }),
    ),
    ignoreMissingComponents: opt(
      bool({
        description:
          "IgnoreMissingComponents instructs the controller to ignore Components paths\n" +
          "not found in source by removing them from the generated kustomization.yaml\n" +
          "before running kustomize build.",
      }),
    ),
    images: opt(
      listOf(ImageSchema, {
        description:
          "Images is a list of (image name, new name, new tag or digest)\n" +
          "for changing image names, tags or digests. This can also be achieved with a\n" +
          "patch, but this operator is simpler to specify.",
      }),
    ),
    interval: durationField(
      "The interval at which to reconcile the Kustomization.\n" +
        "This interval is approximate and may be subject to jitter to ensure\n" +
        "efficient use of resources.",
    ),
    kubeConfig: opt(
      describe(
        KubeConfigReferenceSchema,
        "The KubeConfig for reconciling the Kustomization on a remote cluster.\n" +
          "When used in combination with KustomizationSpec.ServiceAccountName,\n" +
          "forces the controller to act on behalf of that Service Account at the\n" +
          "target cluster.\n" +
          "If the --default-service-account flag is set, its value will be used as\n" +
          "a controller level fallback for when KustomizationSpec.ServiceAccountName\n" +
          "is empty.",
      ),
    ),
    namePrefix: opt(str({ maxLength: 200, minLength: 1, description: "NamePrefix will prefix the names of all managed resources." })),
    nameSuffix: opt(str({ maxLength: 200, minLength: 1, description: "NameSuffix will suffix the names of all managed resources." })),
    patches: opt(
      listOf(PatchSchema, {
        description:
          "Strategic merge and JSON patches, defined as inline YAML objects,\ncapable of targeting objects based on kind, label and annotation selectors.",
      }),
    ),
    path: opt(
      str({
        description:
          "Path to the directory containing the kustomization.yaml file, or the\n" +
          "set of plain YAMLs a kustomization.yaml should be generated for.\n" +
          "Defaults to 'None', which translates to the root path of the SourceRef.",
      }),
    ),
    postBuild: opt(PostBuildSchema),
    prune: bool({ description: "Prune enables garbage collection." }),
    retryInterval: opt(
      durationField(
        "The interval at which to retry a previously failed reconciliation.\n" +
          "When not specified, the controller uses the KustomizationSpec.Interval\n" +
          "value to retry failures.",
      ),
    ),
    serviceAccountName: opt(
      str({ description: "The name of the Kubernetes service account to impersonate\nwhen reconciling this Kustomization." }),
    ),
    sourceRef: CrossNamespaceSourceReferenceSchema,
    suspend: opt(
      bool({
        description:
          "This flag tells the controller to suspend subsequent kustomize executions,\n" +
          "it does not apply to already started executions. Defaults to false.",
      }),
    ),
    targetNamespace: opt(
      str({
        maxLength: 63,
        minLength: 1,
        description: "TargetNamespace sets or overrides the namespace in the\nkustomization.yaml file.",
      }),
    ),
    timeout: opt(durationField("Timeout for validation, apply and health checking operations.\nDefaults to 'Interval' duration.")),
    wait: opt(
      bool({
        description:
          "Wait instructs the controller to check the health of all the reconciled\n" +
          "resources. When enabled, the HealthChecks are ignored. Defaults to false.",
      }),
    ),
  },
  { description: "KustomizationSpec defines the configuration to calculate the desired state\nfrom a Source using Kustomize." },
);
export type KustomizationSpec = Static<typeof KustomizationSpecSchema>;

export const ResourceRefSchema = obj(
  {
    id: str({
      description:
        "ID is the string representation of the Kubernetes resource object's metadata,\nin the format '<namespace>_<name>_<group>_<kind>'.",
    }),
    v: str({ description: "Version is the API version of the Kubernetes resource object's kind." }),
  },
  { description: "ResourceRef contains the information necessary to locate a resource within a cluster." },
);
export type ResourceRef = Static<typeof ResourceRefSchema>;

export const ResourceInventorySchema = obj(
  { entries: listOf(ResourceRefSchema, { description: "Entries of Kubernetes resource object references." }) },
  { description: "Inventory contains the list of Kubernetes resource object references that\nhave been successfully applied." },
);
export type ResourceInventory = Static<typeof ResourceInventorySchema>;

export const SnapshotSchema = obj(
  {
    digest: str({ description: "Digest is the checksum in the format `<algo>:<hex>` of the resources in this snapshot." }),
    firstReconciled: time({ description: "FirstReconciled is the time when this revision was first reconciled to the cluster." }),
    lastReconciled: time({ description: "LastReconciled is the time when this revision was last reconciled to the cluster." }),
    lastReconciledDuration: str({ description: "LastReconciledDuration is time it took to reconcile the resources in this revision." }),
    lastReconciledStatus: str({ description: "LastReconciledStatus is the status of the last reconciliation." }),
    metadata: opt(mapOf(str(), { description: "Metadata contains additional information about the snapshot." })),
    totalReconciliations: int({
      format: "int64",
      description: "TotalReconciliations is the total number of reconciliations that have occurred for this snapshot.",
    }),
  },
  {
    description:
      "Snapshot represents a point-in-time record of a group of resources reconciliation,\n" +
      "including timing information, status, and a unique digest identifier.",
  },
);
export type Snapshot = Static<typeof SnapshotSchema>;

export const KustomizationStatusSchema = obj(
  {
    conditions: opt(conditionsField()),
    history: opt(
      listOf(SnapshotSchema, {
        description:
          "History contains a set of snapshots of the last reconciliation attempts\n" +
          "tracking the revision, the state and the duration of each attempt.",
      }),
    ),
    inventory: opt(ResourceInventorySchema),
    lastAppliedOriginRevision: opt(
      str({
        description:
          "The last successfully applied origin revision.\n" +
          "Equals the origin revision of the applied Artifact from the referenced Source.\n" +
          "Usually present on the Metadata of the applied Artifact and depends on the\n" +
          "Source type, e.g. for OCI it's the value associated with the key\n" +
          '"org.opencontainers.image.revision".',
      }),
    ),
    lastAppliedRevision: opt(
      str({
        description: "The last successfully applied revision.\nEquals the Revision of the applied Artifact from the referenced Source.",
      }),
    ),
    lastAttemptedRevision: opt(str({ description: "LastAttemptedRevision is the revision of the last reconciliation attempt." })),
    lastHandledReconcileAt: lastHandledReconcileAtField(),
    observedGeneration: observedGenerationField("ObservedGeneration is the last reconciled generation."),
  },
  { description: "KustomizationStatus defines the observed state of a kustomization." },
);
export type KustomizationStatus = Static<typeof KustomizationStatusSchema>;

export const KustomizationSchema = fluxRoot({
  description: "Kustomization is the Schema for the kustomizations API.",
  spec: KustomizationSpecSchema,
  status: KustomizationStatusSchema,
});
export type Kustomization = Static<typeof KustomizationSchema>;

export const kustomizationKind: KindDefinition = {
  group: KUSTOMIZE_GROUP,
  kind: "Kustomization",
  listKind: "KustomizationList",
  plural: "kustomizations",
  singular: "kustomization",
  shortNames: ["ks"],
  categories: ["all", "fluxcd", "fluxcd-appliers"],
  scope: "Namespaced",
  versions: [
    {
      name: KUSTOMIZE_VERSION,
      served: true,
      storage: true,
      schema: KustomizationSchema,
      printerColumns: fluxPrinterColumns(),
      statusSubresource: true,
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// Labels, annotations and reasons of kustomize-controller.

export const KustomizeNameLabel = "kustomize.toolkit.fluxcd.io/name";
export const KustomizeNamespaceLabel = "kustomize.toolkit.fluxcd.io/namespace";
/** `kustomize.toolkit.fluxcd.io/prune: disabled` keeps an object out of garbage collection. */
export const PruneAnnotation = "kustomize.toolkit.fluxcd.io/prune";
/** `Override` (default) | `Merge` | `IfNotPresent` | `Ignore`. */
export const SSAAnnotation = "kustomize.toolkit.fluxcd.io/ssa";
export const ForceAnnotation = "kustomize.toolkit.fluxcd.io/force";
export const ReconcileAnnotation = "kustomize.toolkit.fluxcd.io/reconcile";
/** On objects (or CRDs, as Flux's own carry it) to opt out of post-build substitution. */
export const SubstituteAnnotation = "kustomize.toolkit.fluxcd.io/substitute";
export const DecryptAnnotation = "kustomize.toolkit.fluxcd.io/decrypt";
export const DisabledValue = "disabled";
export const EnabledValue = "enabled";

export const PruneFailedReason = "PruneFailed";
export const ArtifactFailedReason = "ArtifactFailed";
export const KustomizeBuildFailedReason = "BuildFailed";
// HealthCheckFailed, ReconciliationSucceeded/Failed and DependencyNotReady are shared: see meta.ts.
