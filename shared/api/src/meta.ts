/**
 * The types every Flux API shares (`github.com/fluxcd/pkg/apis/meta` plus `metav1.Condition`), and the helpers that
 * give each Flux kind the same root object, status default and printer columns.
 */
import { Type, type TSchema, type TObject, type Static } from "@sinclair/typebox";
import { str, int, enumOf, time, obj, opt, listOf, mapOf, type FieldOptions, type PrinterColumn } from "./schema.js";

// ---------------------------------------------------------------------------------------------------------------
// Condition (metav1.Condition), with the validation Kubernetes' own types carry.

export const CONDITION_TYPE_PATTERN =
  "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$";
export const CONDITION_REASON_PATTERN = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$";

export const ConditionSchema = obj(
  {
    lastTransitionTime: time({
      description:
        "lastTransitionTime is the last time the condition transitioned from one status to another.\n" +
        "This should be when the underlying condition changed.  If that is not known, then using the time when the API field changed is acceptable.",
    }),
    message: str({
      maxLength: 32768,
      description: "message is a human readable message indicating details about the transition.\nThis may be an empty string.",
    }),
    observedGeneration: opt(
      int({
        format: "int64",
        minimum: 0,
        description:
          "observedGeneration represents the .metadata.generation that the condition was set based upon.\n" +
          "For instance, if .metadata.generation is currently 12, but the .status.conditions[x].observedGeneration is 9, the condition is out of date\n" +
          "with respect to the current state of the instance.",
      }),
    ),
    reason: str({
      maxLength: 1024,
      minLength: 1,
      pattern: CONDITION_REASON_PATTERN,
      description:
        "reason contains a programmatic identifier indicating the reason for the condition's last transition.\n" +
        "Producers of specific condition types may define expected values and meanings for this field,\n" +
        "and whether the values are considered a guaranteed API.\n" +
        "The value should be a CamelCase string.\n" +
        "This field may not be empty.",
    }),
    status: enumOf(["True", "False", "Unknown"] as const, {
      description: "status of the condition, one of True, False, Unknown.",
    }),
    type: str({
      maxLength: 316,
      pattern: CONDITION_TYPE_PATTERN,
      description: "type of condition in CamelCase or in foo.example.com/CamelCase.",
    }),
  },
  { description: "Condition contains details for one aspect of the current state of this API Resource." },
);
export type Condition = Static<typeof ConditionSchema>;
export type ConditionStatus = Condition["status"];

/**
 * `status.conditions` as Flux kinds declare it (no list-type annotation, like Flux's CRDs). Most describe it as
 * "Conditions holds the conditions for the <kind>."; pass no kind where the CRD has no description (Kustomization).
 */
export const conditionsField = (kind?: string, o: FieldOptions = {}) =>
  listOf(ConditionSchema, kind === undefined ? o : { description: `Conditions holds the conditions for the ${kind}.`, ...o });

// ---------------------------------------------------------------------------------------------------------------
// Artifact (meta.Artifact)

export const ARTIFACT_DIGEST_PATTERN = "^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$";

export const ArtifactSchema = obj(
  {
    digest: str({
      pattern: ARTIFACT_DIGEST_PATTERN,
      description: "Digest is the digest of the file in the form of '<algorithm>:<checksum>'.",
    }),
    lastUpdateTime: time({
      description: "LastUpdateTime is the timestamp corresponding to the last update of the\nArtifact.",
    }),
    metadata: opt(mapOf(str(), { description: "Metadata holds upstream information such as OCI annotations." })),
    path: str({
      description:
        "Path is the relative file path of the Artifact. It can be used to locate\n" +
        "the file in the root of the Artifact storage on the local file system of\n" +
        "the controller managing the Source.",
    }),
    revision: str({
      description:
        "Revision is a human-readable identifier traceable in the origin source\n" +
        "system. It can be a Git commit SHA, Git tag, a Helm chart version, etc.",
    }),
    size: opt(int({ format: "int64", description: "Size is the number of bytes in the file." })),
    url: str({
      description:
        "URL is the HTTP address of the Artifact as exposed by the controller\n" +
        "managing the Source. It can be used to retrieve the Artifact for\n" +
        "consumption, e.g. by another controller applying the Artifact contents.",
    }),
  },
  { description: "Artifact represents the output of a Source reconciliation." },
);
export type Artifact = Static<typeof ArtifactSchema>;

/** The same schema under another description (Flux describes each use of a shared struct in place). */
export function describe<S extends TSchema>(schema: S, description: string): S {
  return { ...schema, description };
}

// ---------------------------------------------------------------------------------------------------------------
// References

export const LocalObjectReferenceSchema = obj(
  { name: str({ description: "Name of the referent." }) },
  { description: "LocalObjectReference contains enough information to locate the referenced Kubernetes resource object." },
);
export type LocalObjectReference = Static<typeof LocalObjectReferenceSchema>;

export const SecretKeyReferenceSchema = obj(
  {
    key: opt(str({ description: "Key in the Secret, when not specified an implementation-specific default key is used." })),
    name: str({ description: "Name of the Secret." }),
  },
  { description: "SecretKeyReference contains enough information to locate the referenced Kubernetes Secret object in the same\nnamespace. Optionally a key can be specified.\nUse this type instead of core/v1 SecretKeySelector when the Key is optional and the Optional is not applicable." },
);
export type SecretKeyReference = Static<typeof SecretKeyReferenceSchema>;

export const NamespacedObjectReferenceSchema = obj(
  {
    name: str({ description: "Name of the referent." }),
    namespace: opt(str({ description: "Namespace of the referent, when not specified it acts as LocalObjectReference." })),
  },
  { description: "NamespacedObjectReference contains enough information to locate the referenced Kubernetes resource object in any\nnamespace." },
);
export type NamespacedObjectReference = Static<typeof NamespacedObjectReferenceSchema>;

export const NamespacedObjectKindReferenceSchema = obj(
  {
    apiVersion: opt(str({ description: "API version of the referent, if not specified the Kubernetes preferred version will be used." })),
    kind: str({ description: "Kind of the referent." }),
    name: str({ description: "Name of the referent." }),
    namespace: opt(str({ description: "Namespace of the referent, when not specified it acts as LocalObjectReference." })),
  },
  { description: "NamespacedObjectKindReference contains enough information to locate the typed referenced Kubernetes resource object\nin any namespace." },
);
export type NamespacedObjectKindReference = Static<typeof NamespacedObjectKindReferenceSchema>;

export const KubeConfigReferenceSchema = obj(
  {
    configMapRef: opt(
      describe(
        LocalObjectReferenceSchema,
        "ConfigMapRef holds an optional name of a ConfigMap that contains\n" +
          "the following keys:\n\n" +
          "- `provider`: the provider to use. One of `aws`, `azure`, `gcp`, or\n" +
          "   `generic`. Required.\n" +
          "- `cluster`: the fully qualified resource name of the Kubernetes\n" +
          "   cluster in the cloud provider API. Not used by the `generic`\n" +
          "   provider. Required when one of `address` or `ca.crt` is not set.\n" +
          "- `address`: the address of the Kubernetes API server. Required\n" +
          "   for `generic`. For the other providers, if not specified, the\n" +
          "   first address in the cluster resource will be used, and if\n" +
          "   specified, it must match one of the addresses in the cluster\n" +
          "   resource.\n" +
          "   If audiences is not set, will be used as the audience for the\n" +
          "   `generic` provider.\n" +
          "- `ca.crt`: the optional PEM-encoded CA certificate for the\n" +
          "   Kubernetes API server. If not set, the controller will use the\n" +
          "   CA certificate from the cluster resource.\n" +
          "- `audiences`: the optional audiences as a list of\n" +
          "   line-break-separated strings for the Kubernetes ServiceAccount\n" +
          "   token. Defaults to the `address` for the `generic` provider, or\n" +
          "   to specific values for the other providers depending on the\n" +
          "   provider.\n" +
          "-  `serviceAccountName`: the optional name of the Kubernetes\n" +
          "   ServiceAccount in the same namespace that should be used\n" +
          "   for authentication. If not specified, the controller\n" +
          "   ServiceAccount will be used.\n\n" +
          "Mutually exclusive with SecretRef.",
      ),
    ),
    secretRef: opt(
      describe(
        SecretKeyReferenceSchema,
        "SecretRef holds an optional name of a secret that contains a key with\n" +
          "the kubeconfig file as the value. If no key is set, the key will default\n" +
          "to 'value'. Mutually exclusive with ConfigMapRef.\n" +
          "It is recommended that the kubeconfig is self-contained, and the secret\n" +
          "is regularly updated if credentials such as a cloud-access-token expire.\n" +
          "Cloud specific `cmd-path` auth helpers will not function without adding\n" +
          "binaries and credentials to the Pod that is responsible for reconciling\n" +
          "Kubernetes resources. Supported only for the generic provider.",
      ),
    ),
  },
  {
    description: "KubeConfigReference contains enough information build a kubeconfig\nin memory for connecting to remote Kubernetes clusters.",
    "x-kubernetes-validations": [
      { message: "exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified", rule: "has(self.configMapRef) || has(self.secretRef)" },
      { message: "exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified", rule: "!has(self.configMapRef) || !has(self.secretRef)" },
    ],
  },
);
export type KubeConfigReference = Static<typeof KubeConfigReferenceSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Cross-namespace access (`github.com/fluxcd/pkg/apis/acl`) and the TLS Secret reference the source and image
// controllers describe alike.

export const NamespaceSelectorSchema = obj(
  {
    matchLabels: opt(
      mapOf(str(), {
        description:
          "MatchLabels is a map of {key,value} pairs. A single {key,value} in the matchLabels\n" +
          'map is equivalent to an element of matchExpressions, whose key field is "key", the\n' +
          'operator is "In", and the values array contains only "value". The requirements are ANDed.',
      }),
    ),
  },
  {
    description:
      "NamespaceSelector selects the namespaces to which this ACL applies.\n" +
      "An empty map of MatchLabels matches all namespaces in a cluster.",
  },
);
export type NamespaceSelector = Static<typeof NamespaceSelectorSchema>;

/** `acl.AccessFrom`; each kind that declares it describes it in its own words. */
export const accessFromSchema = (description: string) =>
  obj(
    {
      namespaceSelectors: listOf(NamespaceSelectorSchema, {
        description:
          "NamespaceSelectors is the list of namespace selectors to which this ACL applies.\n" +
          "Items in this list are evaluated using a logical OR operation.",
      }),
    },
    { description },
  );

/**
 * How Flux describes a `certSecretRef`: the same paragraphs naming what is connected to (`target`), then anything a
 * kind adds (`tail`).
 */
export const certSecretRefDescription = (target: string, tail = "") =>
  "CertSecretRef can be given the name of a Secret containing\n" +
  "either or both of\n\n" +
  "- a PEM-encoded client certificate (`tls.crt`) and private\n" +
  "key (`tls.key`);\n" +
  "- a PEM-encoded CA certificate (`ca.crt`)\n\n" +
  "and whichever are supplied, will be used for connecting to the\n" +
  `${target}. The client cert and key are useful if you are\n` +
  "authenticating with a certificate; the CA cert is useful if\n" +
  "you are using a self-signed server certificate. The Secret must\n" +
  "be of type `Opaque` or `kubernetes.io/tls`." +
  tail;

// ---------------------------------------------------------------------------------------------------------------
// Object metadata. A CRD may only say `metadata: {type: object}` (the API server validates ObjectMeta itself), so the
// schema is that and the static type is the ObjectMeta shape the server fills in.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: "Apply" | "Update";
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
}

/** `{type: object}` in the CRD; checked at run time as an object with any fields (TypeBox `Object` kind). */
export const ObjectMetaSchema = Type.Unsafe<ObjectMeta>({ ...Type.Object({}) });

const API_VERSION_DESCRIPTION =
  "APIVersion defines the versioned schema of this representation of an object.\n" +
  "Servers should convert recognized schemas to the latest internal value, and\n" +
  "may reject unrecognized values.\n" +
  "More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DESCRIPTION =
  "Kind is a string value representing the REST resource this object represents.\n" +
  "Servers may infer this from the endpoint the client submits requests to.\n" +
  "Cannot be updated.\n" +
  "In CamelCase.\n" +
  "More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/** The status default every Flux kind declares, so a fresh object reads as "never observed". */
export const STATUS_DEFAULT = { observedGeneration: -1 } as const;

export interface RootOptions<Spec extends TSchema, Status extends TSchema> {
  description: string;
  spec: Spec;
  status: Status;
  /** Flux defaults `status` to `{observedGeneration: -1}` on every kind; pass false where a CRD does not. */
  statusDefault?: boolean;
}

/**
 * The root object schema of a Flux kind: apiVersion, kind, metadata ({type: object}), spec and status. None of them
 * is required at the root, exactly as controller-gen emits it, so the static type has them optional as well.
 */
export function fluxRoot<Spec extends TSchema, Status extends TSchema>(o: RootOptions<Spec, Status>) {
  const status = o.statusDefault === false ? o.status : ({ ...o.status, default: { ...STATUS_DEFAULT } } as Status);
  return obj(
    {
      apiVersion: opt(str({ description: API_VERSION_DESCRIPTION })),
      kind: opt(str({ description: KIND_DESCRIPTION })),
      metadata: opt(ObjectMetaSchema),
      spec: opt(o.spec),
      status: opt(status),
    },
    { description: o.description },
  );
}

/** A Flux root object type with `spec`/`status` of the given shapes (handy for generic controller code). */
export type FluxObject<Spec, Status> = {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: Spec;
  status?: Status;
};

export type RootSchema = TObject;

// ---------------------------------------------------------------------------------------------------------------
// Printer columns

export const AGE_COLUMN: PrinterColumn = { jsonPath: ".metadata.creationTimestamp", name: "Age", type: "date" };
export const READY_COLUMN: PrinterColumn = { jsonPath: '.status.conditions[?(@.type=="Ready")].status', name: "Ready", type: "string" };
export const STATUS_COLUMN: PrinterColumn = { jsonPath: '.status.conditions[?(@.type=="Ready")].message', name: "Status", type: "string" };

/** Flux's usual columns: the kind's own leading columns, then Age, Ready, Status. */
export const fluxPrinterColumns = (...leading: PrinterColumn[]): PrinterColumn[] => [...leading, AGE_COLUMN, READY_COLUMN, STATUS_COLUMN];

// ---------------------------------------------------------------------------------------------------------------
// Condition types, reasons, annotations and the finalizer (fluxcd/pkg/apis/meta).

export const ReadyCondition = "Ready";
export const ReconcilingCondition = "Reconciling";
export const StalledCondition = "Stalled";
export const HealthyCondition = "Healthy";

export const SucceededReason = "Succeeded";
export const FailedReason = "Failed";
export const ProgressingReason = "Progressing";
export const ProgressingWithRetryReason = "ProgressingWithRetry";
export const DependencyNotReadyReason = "DependencyNotReady";
export const ReconciliationSucceededReason = "ReconciliationSucceeded";
export const ReconciliationFailedReason = "ReconciliationFailed";
export const SuspendedReason = "Suspended";
export const InvalidCELExpressionReason = "InvalidCELExpression";
export const FeatureGateDisabledReason = "FeatureGateDisabled";
export const AccessDeniedReason = "AccessDenied";
export const HealthCheckFailedReason = "HealthCheckFailed";
export const HealthCheckCanceledReason = "HealthCheckCanceled";

export const ReconcileRequestAnnotation = "reconcile.fluxcd.io/requestedAt";
export const ForceRequestAnnotation = "reconcile.fluxcd.io/forceAt";
export const ResetRequestAnnotation = "reconcile.fluxcd.io/resetAt";
/** Label on Secrets/ConfigMaps that makes their referrers reconcile when they change. */
export const WatchLabel = "reconcile.fluxcd.io/watch";
export const WatchLabelValue = "Enabled";

export const Finalizer = "finalizers.fluxcd.io";

/** Status fields every Flux kind shares (`meta.ReconcileRequestStatus`). */
export const lastHandledReconcileAtField = () =>
  opt(
    str({
      description:
        "LastHandledReconcileAt holds the value of the most recent\nreconcile request value, so a change of the annotation value\ncan be detected.",
    }),
  );

export const observedGenerationField = (description = "ObservedGeneration is the last observed generation.") =>
  opt(int({ format: "int64", description }));
