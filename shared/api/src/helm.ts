/**
 * HelmRelease (`helm.toolkit.fluxcd.io/v2`), field for field as helm-controller v1.6 (Flux 2.9) declares it: the
 * descriptions, defaults, enums, patterns, bounds and CEL rules are Flux's own, so the generated CRD validates exactly
 * what Flux's does.
 */
import { type Static, str, int, bool, enumOf, duration, time, obj, opt, listOf, mapOf, anyJSON } from "./schema.js";
import {
  describe,
  LocalObjectReferenceSchema,
  KubeConfigReferenceSchema,
  conditionsField,
  lastHandledReconcileAtField,
  observedGenerationField,
  fluxRoot,
  fluxPrinterColumns,
} from "./meta.js";
import { namespacedKind, storageVersion } from "./kind.js";
import {
  CommonMetadataSchema,
  CustomHealthCheckSchema,
  DependencyReferenceSchema,
  ImageSchema,
  PatchSchema,
  ResourceRefSchema,
  IMAGES_DESCRIPTION,
  PATCHES_DESCRIPTION,
  ignoreRuleSchema,
  ignoreTargetDescription,
  resourceInventorySchema,
  selectorSchema,
} from "./kustomize-shared.js";

export const HELM_GROUP = "helm.toolkit.fluxcd.io";
export const HELM_VERSION = "v2";

export const HelmChartTemplateObjectMetaSchema = obj(
  {
    annotations: opt(
      mapOf(str(), {
        description:
          "Annotations is an unstructured key value map stored with a resource that may be\n" +
          "set by external tools to store and retrieve arbitrary metadata. They are not\n" +
          "queryable and should be preserved when modifying objects.\n" +
          "More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/",
      }),
    ),
    labels: opt(
      mapOf(str(), {
        description:
          "Map of string keys and values that can be used to organize and categorize\n" +
          "(scope and select) objects.\n" +
          "More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/",
      }),
    ),
  },
  { description: "ObjectMeta holds the template for metadata like labels and annotations." },
);
export type HelmChartTemplateObjectMeta = Static<typeof HelmChartTemplateObjectMetaSchema>;

export const HelmChartSourceRefSchema = obj(
  {
    apiVersion: opt(str({ description: "APIVersion of the referent." })),
    kind: enumOf(["HelmRepository", "GitRepository", "Bucket"] as const, { description: "Kind of the referent." }),
    name: str({ description: "Name of the referent.", maxLength: 253, minLength: 1 }),
    namespace: opt(str({ description: "Namespace of the referent.", maxLength: 63, minLength: 1 })),
  },
  { description: "The name and namespace of the v1.Source the chart is available at." },
);
export type HelmChartSourceRef = Static<typeof HelmChartSourceRefSchema>;

export const HelmChartTemplateVerificationSchema = obj(
  {
    provider: enumOf(["cosign", "notation"] as const, {
      default: "cosign",
      description: "Provider specifies the technology used to sign the OCI Helm chart.",
    }),
    secretRef: opt(
      describe(
        LocalObjectReferenceSchema,
        "SecretRef specifies the Kubernetes Secret containing the\ntrusted public keys.",
      ),
    ),
  },
  {
    description:
      "Verify contains the secret name containing the trusted public keys\n" +
      "used to verify the signature and specifies which provider to use to check\n" +
      "whether OCI image is authentic.\n" +
      "This field is only supported for OCI sources.\n" +
      "Chart dependencies, which are not bundled in the umbrella chart artifact,\n" +
      "are not verified.",
  },
);
export type HelmChartTemplateVerification = Static<typeof HelmChartTemplateVerificationSchema>;

export const HelmChartTemplateSpecSchema = obj(
  {
    chart: str({
      description: "The name or path the Helm chart is available at in the SourceRef.",
      maxLength: 2048,
      minLength: 1,
    }),
    ignoreMissingValuesFiles: opt(
      bool({
        description:
          "IgnoreMissingValuesFiles controls whether to silently ignore missing values files rather than failing.",
      }),
    ),
    interval: opt(
      duration({
        description: "Interval at which to check the v1.Source for updates. Defaults to\n'HelmReleaseSpec.Interval'.",
      }),
    ),
    reconcileStrategy: opt(
      enumOf(["ChartVersion", "Revision"] as const, {
        default: "ChartVersion",
        description:
          "Determines what enables the creation of a new artifact. Valid values are\n" +
          "('ChartVersion', 'Revision').\n" +
          "See the documentation of the values for an explanation on their behavior.\n" +
          "Defaults to ChartVersion when omitted.",
      }),
    ),
    sourceRef: HelmChartSourceRefSchema,
    valuesFiles: opt(
      listOf(str(), {
        description:
          "Alternative list of values files to use as the chart values (values.yaml\n" +
          "is not included by default), expected to be a relative path in the SourceRef.\n" +
          "Values files are merged in the order of this list with the last file overriding\n" +
          "the first. Ignored when omitted.",
      }),
    ),
    verify: opt(HelmChartTemplateVerificationSchema),
    version: opt(
      str({
        default: "*",
        description:
          "Version semver expression, ignored for charts from v1.GitRepository and\n" +
          "v1beta2.Bucket sources. Defaults to latest when omitted.",
      }),
    ),
  },
  { description: "Spec holds the template for the v1.HelmChartSpec for this HelmRelease." },
);
export type HelmChartTemplateSpec = Static<typeof HelmChartTemplateSpecSchema>;

export const HelmChartTemplateSchema = obj(
  {
    metadata: opt(HelmChartTemplateObjectMetaSchema),
    spec: HelmChartTemplateSpecSchema,
  },
  { description: "Chart defines the template of the v1.HelmChart that should be created\nfor this HelmRelease." },
);
export type HelmChartTemplate = Static<typeof HelmChartTemplateSchema>;

export const HelmChartRefSchema = obj(
  {
    apiVersion: opt(str({ description: "APIVersion of the referent." })),
    kind: enumOf(["OCIRepository", "HelmChart", "ExternalArtifact"] as const, { description: "Kind of the referent." }),
    name: str({ description: "Name of the referent.", maxLength: 253, minLength: 1 }),
    namespace: opt(
      str({
        description:
          "Namespace of the referent, defaults to the namespace of the Kubernetes\n" +
          "resource object that contains the reference.",
        maxLength: 63,
        minLength: 1,
      }),
    ),
  },
  {
    description: "ChartRef holds a reference to a source controller resource containing the\nHelm chart artifact.",
  },
);
export type HelmChartRef = Static<typeof HelmChartRefSchema>;

export const ReleaseCommonMetadataSchema = CommonMetadataSchema;
export type ReleaseCommonMetadata = Static<typeof ReleaseCommonMetadataSchema>;

export const HelmReleaseDependencySchema = DependencyReferenceSchema;
export type HelmReleaseDependency = Static<typeof HelmReleaseDependencySchema>;

export const HelmTargetSelectorSchema = selectorSchema(ignoreTargetDescription("Helm release"));
export type HelmTargetSelector = Static<typeof HelmTargetSelectorSchema>;

export const DriftIgnoreRuleSchema = ignoreRuleSchema(HelmTargetSelectorSchema);
export type DriftIgnoreRule = Static<typeof DriftIgnoreRuleSchema>;

export const DriftDetectionSchema = obj(
  {
    ignore: opt(
      listOf(DriftIgnoreRuleSchema, {
        description: "Ignore contains a list of rules for specifying which changes to ignore\nduring diffing.",
      }),
    ),
    mode: opt(
      enumOf(["enabled", "warn", "disabled"] as const, {
        description:
          "Mode defines how differences should be handled between the Helm manifest\n" +
          "and the manifest currently applied to the cluster.\n" +
          "If not explicitly set, it defaults to DiffModeDisabled.",
      }),
    ),
  },
  {
    description:
      "DriftDetection holds the configuration for detecting and handling\n" +
      "differences between the manifest in the Helm storage and the resources\n" +
      "currently existing in the cluster.",
  },
);
export type DriftDetection = Static<typeof DriftDetectionSchema>;

export const HelmHealthCheckSchema = CustomHealthCheckSchema;
export type HelmHealthCheck = Static<typeof HelmHealthCheckSchema>;

/** The fields Install, Upgrade and Rollback declare alike but for the action their descriptions name. */
const actionFields = (action: "install" | "upgrade" | "rollback") => ({
  disableHooks: opt(bool({ description: `DisableHooks prevents hooks from running during the Helm ${action} action.` })),
  disableWait: opt(
    bool({ description: `DisableWait disables the waiting for resources to be ready after a Helm\n${action} has been performed.` }),
  ),
  disableWaitForJobs: opt(
    bool({ description: `DisableWaitForJobs disables waiting for jobs to complete after a Helm\n${action} has been performed.` }),
  ),
  timeout: opt(
    duration({
      description:
        "Timeout is the time to wait for any individual Kubernetes operation (like\n" +
        `Jobs for hooks) during the performance of a Helm ${action} action. Defaults to\n` +
        "'HelmReleaseSpec.Timeout'.",
    }),
  ),
});

/** The validation and ownership switches of Install and Upgrade. */
const validationFields = (action: "install" | "upgrade") => ({
  disableOpenAPIValidation: opt(
    bool({
      description:
        `DisableOpenAPIValidation prevents the Helm ${action} action from validating\n` +
        "rendered templates against the Kubernetes OpenAPI Schema.",
    }),
  ),
  disableSchemaValidation: opt(
    bool({
      description: `DisableSchemaValidation prevents the Helm ${action} action from validating\nthe values against the JSON Schema.`,
    }),
  ),
  disableTakeOwnership: opt(
    bool({
      description:
        "DisableTakeOwnership disables taking ownership of existing resources\n" + `during the Helm ${action} action. Defaults to false.`,
    }),
  ),
});

/** The fields of the actions that apply over an existing release (Upgrade and Rollback). */
const reapplyFields = (action: "upgrade" | "rollback") => ({
  cleanupOnFail: opt(
    bool({
      description: `CleanupOnFail allows deletion of new resources created during the Helm\n${action} action when it fails.`,
    }),
  ),
  force: opt(
    bool({
      description:
        "Force forces resource updates through a replacement strategy\n" +
        "that avoids 3-way merge conflicts on client-side apply.\n" +
        "This field is ignored for server-side apply (which always\n" +
        "forces conflicts with other field managers).",
    }),
  ),
  serverSideApply: opt(
    enumOf(["enabled", "disabled", "auto"] as const, {
      description:
        `ServerSideApply enables server-side apply for resources during ${action}.\n` +
        'Can be "enabled", "disabled", or "auto".\n' +
        'When "auto", server-side apply usage will be based on the release\'s previous usage.\n' +
        'Defaults to "auto".',
    }),
  ),
});

export const InstallRemediationSchema = obj(
  {
    ignoreTestFailures: opt(
      bool({
        description:
          "IgnoreTestFailures tells the controller to skip remediation when the Helm\n" +
          "tests are run after an install action but fail. Defaults to\n" +
          "'Test.IgnoreFailures'.",
      }),
    ),
    remediateLastFailure: opt(
      bool({
        description:
          "RemediateLastFailure tells the controller to remediate the last failure, when\n" +
          "no retries remain. Defaults to 'false'.",
      }),
    ),
    retries: opt(
      int({
        description:
          "Retries is the number of retries that should be attempted on failures before\n" +
          "bailing. Remediation, using an uninstall, is performed between each attempt.\n" +
          "Defaults to '0', a negative integer equals to unlimited retries.",
      }),
    ),
  },
  {
    description:
      "Remediation holds the remediation configuration for when the Helm install\n" +
      "action for the HelmRelease fails. The default is to not perform any action.",
  },
);
export type InstallRemediation = Static<typeof InstallRemediationSchema>;

/**
 * The retry strategy of Install and Upgrade. Flux words the CEL rule differently for each (same meaning, different
 * rule text and message), so the caller passes it.
 */
const actionStrategySchema = (action: "install" | "upgrade", retryIntervalRule: { message: string; rule: string }) =>
  obj(
    {
      name: enumOf(["RemediateOnFailure", "RetryOnFailure"] as const, { description: `Name of the ${action} strategy.` }),
      retryInterval: opt(
        duration({
          description:
            `RetryInterval is the interval at which to retry a failed ${action}.\n` +
            "Can be used only when Name is set to RetryOnFailure.\n" +
            "Defaults to '5m'.",
        }),
      ),
    },
    {
      description:
        `Strategy defines the ${action} strategy to use for this HelmRelease.\n` +
        "Defaults to 'RemediateOnFailure', or 'RetryOnFailure' when the\n" +
        "DefaultToRetryOnFailure feature gate is enabled.",
      "x-kubernetes-validations": [retryIntervalRule],
    },
  );

export const InstallStrategySchema = actionStrategySchema("install", {
  message: ".retryInterval cannot be set when .name is 'RemediateOnFailure'",
  rule: "!has(self.retryInterval) || self.name != 'RemediateOnFailure'",
});
export type InstallStrategy = Static<typeof InstallStrategySchema>;

export const InstallSchema = obj(
  {
    ...actionFields("install"),
    ...validationFields("install"),
    crds: opt(
      enumOf(["Skip", "Create", "CreateReplace"] as const, {
        description:
          "CRDs upgrade CRDs from the Helm Chart's crds directory according\n" +
          "to the CRD upgrade policy provided here. Valid values are `Skip`,\n" +
          "`Create` or `CreateReplace`. Default is `Create` and if omitted\n" +
          "CRDs are installed but not updated.\n" +
          "\n" +
          "Skip: do neither install nor replace (update) any CRDs.\n" +
          "\n" +
          "Create: new CRDs are created, existing CRDs are neither updated nor deleted.\n" +
          "\n" +
          "CreateReplace: new CRDs are created, existing CRDs are updated (replaced)\n" +
          "but not deleted.\n" +
          "\n" +
          "By default, CRDs are applied (installed) during Helm install action.\n" +
          "With this option users can opt in to CRD replace existing CRDs on Helm\n" +
          "install actions, which is not (yet) natively supported by Helm.\n" +
          "https://helm.sh/docs/chart_best_practices/custom_resource_definitions.",
      }),
    ),
    createNamespace: opt(
      bool({
        description:
          "CreateNamespace tells the Helm install action to create the\n" +
          "HelmReleaseSpec.TargetNamespace if it does not exist yet.\n" +
          "On uninstall, the namespace will not be garbage collected.",
      }),
    ),
    remediation: opt(InstallRemediationSchema),
    replace: opt(
      bool({
        description:
          "Replace tells the Helm install action to re-use the 'ReleaseName', but only\n" +
          "if that name is a deleted release which remains in the history.",
      }),
    ),
    serverSideApply: opt(
      bool({
        description:
          "ServerSideApply enables server-side apply for resources during install.\n" +
          "Defaults to true (or false when UseHelm3Defaults feature gate is enabled).",
      }),
    ),
    skipCRDs: opt(
      bool({
        description:
          "SkipCRDs tells the Helm install action to not install any CRDs. By default,\n" +
          "CRDs are installed if not already present.\n" +
          "\n" +
          "Deprecated use CRD policy (`crds`) attribute with value `Skip` instead.",
      }),
    ),
    strategy: opt(InstallStrategySchema),
  },
  { description: "Install holds the configuration for Helm install actions for this HelmRelease." },
);
export type Install = Static<typeof InstallSchema>;

export const PostRendererImageSchema = ImageSchema;
export type PostRendererImage = Static<typeof PostRendererImageSchema>;

export const PostRendererPatchSchema = PatchSchema;
export type PostRendererPatch = Static<typeof PostRendererPatchSchema>;

export const PostRendererKustomizeSchema = obj(
  {
    images: opt(listOf(PostRendererImageSchema, { description: IMAGES_DESCRIPTION })),
    patches: opt(listOf(PostRendererPatchSchema, { description: PATCHES_DESCRIPTION })),
  },
  { description: "Kustomization to apply as PostRenderer." },
);
export type PostRendererKustomize = Static<typeof PostRendererKustomizeSchema>;

export const PostRendererSchema = obj(
  {
    kustomize: opt(PostRendererKustomizeSchema),
  },
  { description: "PostRenderer contains a Helm PostRenderer specification." },
);
export type PostRenderer = Static<typeof PostRendererSchema>;

export const RollbackSchema = obj(
  {
    ...actionFields("rollback"),
    ...reapplyFields("rollback"),
    recreate: opt(
      bool({
        description:
          "Recreate performs pod restarts for any managed workloads.\n" +
          "\n" +
          "Deprecated: This behavior was deprecated in Helm 3:\n" +
          "  - Deprecation: https://github.com/helm/helm/pull/6463\n" +
          "  - Removal: https://github.com/helm/helm/pull/31023\n" +
          "After helm-controller was upgraded to the Helm 4 SDK,\n" +
          "this field is no longer functional and will print a\n" +
          "warning if set to true. It will also be removed in a\n" +
          "future release.",
      }),
    ),
  },
  { description: "Rollback holds the configuration for Helm rollback actions for this HelmRelease." },
);
export type Rollback = Static<typeof RollbackSchema>;

export const ReleaseTestFilterSchema = obj(
  {
    exclude: opt(bool({ description: "Exclude specifies whether the named test should be excluded." })),
    name: str({ description: "Name is the name of the test.", maxLength: 253, minLength: 1 }),
  },
  { description: "Filter holds the configuration for individual Helm test filters." },
);
export type ReleaseTestFilter = Static<typeof ReleaseTestFilterSchema>;

export const ReleaseTestSchema = obj(
  {
    enable: opt(
      bool({
        description:
          "Enable enables Helm test actions for this HelmRelease after an Helm install\n" +
          "or upgrade action has been performed.",
      }),
    ),
    filters: opt(
      listOf(ReleaseTestFilterSchema, { description: "Filters is a list of tests to run or exclude from running." }),
    ),
    ignoreFailures: opt(
      bool({
        description:
          "IgnoreFailures tells the controller to skip remediation when the Helm tests\n" +
          "are run but fail. Can be overwritten for tests run after install or upgrade\n" +
          "actions in 'Install.IgnoreTestFailures' and 'Upgrade.IgnoreTestFailures'.",
      }),
    ),
    timeout: opt(
      duration({
        description:
          "Timeout is the time to wait for any individual Kubernetes operation during\n" +
          "the performance of a Helm test action. Defaults to 'HelmReleaseSpec.Timeout'.",
      }),
    ),
  },
  { description: "Test holds the configuration for Helm test actions for this HelmRelease." },
);
export type ReleaseTest = Static<typeof ReleaseTestSchema>;

export const UninstallSchema = obj(
  {
    deletionPropagation: opt(
      enumOf(["background", "foreground", "orphan"] as const, {
        default: "background",
        description:
          "DeletionPropagation specifies the deletion propagation policy when\na Helm uninstall is performed.",
      }),
    ),
    disableHooks: opt(
      bool({ description: "DisableHooks prevents hooks from running during the Helm rollback action." }),
    ),
    disableWait: opt(
      bool({
        description:
          "DisableWait disables waiting for all the resources to be deleted after\na Helm uninstall is performed.",
      }),
    ),
    keepHistory: opt(
      bool({
        description:
          "KeepHistory tells Helm to remove all associated resources and mark the\n" +
          "release as deleted, but retain the release history.",
      }),
    ),
    timeout: opt(
      duration({
        description:
          "Timeout is the time to wait for any individual Kubernetes operation (like\n" +
          "Jobs for hooks) during the performance of a Helm uninstall action. Defaults\n" +
          "to 'HelmReleaseSpec.Timeout'.",
      }),
    ),
  },
  { description: "Uninstall holds the configuration for Helm uninstall actions for this HelmRelease." },
);
export type Uninstall = Static<typeof UninstallSchema>;

export const UpgradeRemediationSchema = obj(
  {
    ignoreTestFailures: opt(
      bool({
        description:
          "IgnoreTestFailures tells the controller to skip remediation when the Helm\n" +
          "tests are run after an upgrade action but fail.\n" +
          "Defaults to 'Test.IgnoreFailures'.",
      }),
    ),
    remediateLastFailure: opt(
      bool({
        description:
          "RemediateLastFailure tells the controller to remediate the last failure, when\n" +
          "no retries remain. Defaults to 'false' unless 'Retries' is greater than 0.",
      }),
    ),
    retries: opt(
      int({
        description:
          "Retries is the number of retries that should be attempted on failures before\n" +
          "bailing. Remediation, using 'Strategy', is performed between each attempt.\n" +
          "Defaults to '0', a negative integer equals to unlimited retries.",
      }),
    ),
    strategy: opt(
      enumOf(["rollback", "uninstall"] as const, {
        description: "Strategy to use for failure remediation. Defaults to 'rollback'.",
      }),
    ),
  },
  {
    description:
      "Remediation holds the remediation configuration for when the Helm upgrade\n" +
      "action for the HelmRelease fails. The default is to not perform any action.",
  },
);
export type UpgradeRemediation = Static<typeof UpgradeRemediationSchema>;

export const UpgradeStrategySchema = actionStrategySchema("upgrade", {
  message: ".retryInterval can only be set when .name is 'RetryOnFailure'",
  rule: "!has(self.retryInterval) || self.name == 'RetryOnFailure'",
});
export type UpgradeStrategy = Static<typeof UpgradeStrategySchema>;

export const UpgradeSchema = obj(
  {
    ...actionFields("upgrade"),
    ...validationFields("upgrade"),
    ...reapplyFields("upgrade"),
    chartNameChangeStrategy: opt(
      enumOf(["InPlaceUpdate", "Reinstall"] as const, {
        description:
          "ChartNameChangeStrategy defines the strategy to use when a Helm chart name changes.\n" +
          "Valid values are 'Reinstall' or 'InPlaceUpdate'. Defaults to 'Reinstall' if omitted.\n" +
          "\n" +
          "Reinstall: Reinstall the Helm release, uninstalling the existing Helm release.\n" +
          "\n" +
          "InPlaceUpdate: Update the Helm release in place.",
      }),
    ),
    crds: opt(
      enumOf(["Skip", "Create", "CreateReplace"] as const, {
        description:
          "CRDs upgrade CRDs from the Helm Chart's crds directory according\n" +
          "to the CRD upgrade policy provided here. Valid values are `Skip`,\n" +
          "`Create` or `CreateReplace`. Default is `Skip` and if omitted\n" +
          "CRDs are neither installed nor upgraded.\n" +
          "\n" +
          "Skip: do neither install nor replace (update) any CRDs.\n" +
          "\n" +
          "Create: new CRDs are created, existing CRDs are neither updated nor deleted.\n" +
          "\n" +
          "CreateReplace: new CRDs are created, existing CRDs are updated (replaced)\n" +
          "but not deleted.\n" +
          "\n" +
          "By default, CRDs are not applied during Helm upgrade action. With this\n" +
          "option users can opt-in to CRD upgrade, which is not (yet) natively supported by Helm.\n" +
          "https://helm.sh/docs/chart_best_practices/custom_resource_definitions.",
      }),
    ),
    preserveValues: opt(
      bool({
        description:
          "PreserveValues will make Helm reuse the last release's values and merge in\n" +
          "overrides from 'Values'. Setting this flag makes the HelmRelease\n" +
          "non-declarative.",
      }),
    ),
    remediation: opt(UpgradeRemediationSchema),
    strategy: opt(UpgradeStrategySchema),
  },
  { description: "Upgrade holds the configuration for Helm upgrade actions for this HelmRelease." },
);
export type Upgrade = Static<typeof UpgradeSchema>;

export const ValuesReferenceSchema = obj(
  {
    kind: enumOf(["Secret", "ConfigMap"] as const, {
      description: "Kind of the values referent, valid values are ('Secret', 'ConfigMap').",
    }),
    literal: opt(
      bool({
        description:
          "Literal marks this ValuesReference as a literal value. When set in\n" +
          "combination with TargetPath, the referenced value is merged at the target\n" +
          "path without interpreting Helm's `--set` syntax (commas, brackets, dots,\n" +
          "equal signs, etc.), mirroring the behavior of `helm --set-literal`. This\n" +
          "is the only safe way to inject arbitrary file content (config files, JSON\n" +
          "blobs, multi-line strings containing special characters) through\n" +
          "`valuesFrom`. Has no effect when TargetPath is empty: in that mode the\n" +
          "referenced value is always YAML-merged at the root.",
      }),
    ),
    name: str({
      description: "Name of the values referent. Should reside in the same namespace as the\nreferring resource.",
      maxLength: 253,
      minLength: 1,
    }),
    optional: opt(
      bool({
        description:
          "Optional marks this ValuesReference as optional. When set, a not found error\n" +
          "for the values reference is ignored, but any ValuesKey, TargetPath or\n" +
          "transient error will still result in a reconciliation failure.",
      }),
    ),
    targetPath: opt(
      str({
        description:
          "TargetPath is the YAML dot notation path the value should be merged at. When\n" +
          "set, the ValuesKey is expected to be a single flat value. Defaults to 'None',\n" +
          "which results in the values getting merged at the root.",
        maxLength: 250,
        pattern: "^([a-zA-Z0-9_\\-.\\\\\\/]|\\[[0-9]{1,5}\\])+$",
      }),
    ),
    valuesKey: opt(
      str({
        description:
          "ValuesKey is the data key where the values.yaml or a specific value can be\n" +
          "found at. Defaults to 'values.yaml'.",
        maxLength: 253,
        pattern: "^[\\-._a-zA-Z0-9]+$",
      }),
    ),
  },
  {
    description:
      "ValuesReference contains a reference to a resource containing Helm values,\n" +
      "and optionally the key they can be found at.",
  },
);
export type ValuesReference = Static<typeof ValuesReferenceSchema>;

export const WaitStrategySchema = obj(
  {
    name: enumOf(["poller", "legacy"] as const, {
      description:
        "Name is Helm's wait strategy for waiting for applied resources to\n" +
        "become ready. One of 'poller' or 'legacy'. The 'poller' strategy uses\n" +
        "kstatus to poll resource statuses, while the 'legacy' strategy uses\n" +
        "Helm v3's waiting logic.\n" +
        "Defaults to 'poller', or to 'legacy' when UseHelm3Defaults feature\n" +
        "gate is enabled.",
    }),
  },
  { description: "WaitStrategy defines Helm's wait strategy for waiting for applied\nresources to become ready." },
);
export type WaitStrategy = Static<typeof WaitStrategySchema>;

export const HelmReleaseSpecSchema = obj(
  {
    chart: opt(HelmChartTemplateSchema),
    chartRef: opt(HelmChartRefSchema),
    commonMetadata: opt(ReleaseCommonMetadataSchema),
    dependsOn: opt(
      listOf(HelmReleaseDependencySchema, {
        description:
          "DependsOn may contain a DependencyReference slice with\n" +
          "references to HelmRelease resources that must be ready before this HelmRelease\n" +
          "can be reconciled.",
      }),
    ),
    driftDetection: opt(DriftDetectionSchema),
    healthCheckExprs: opt(
      listOf(HelmHealthCheckSchema, {
        description:
          "HealthCheckExprs is a list of healthcheck expressions for evaluating the\n" +
          "health of custom resources using Common Expression Language (CEL).\n" +
          "The expressions are evaluated only when the specific Helm action\n" +
          "taking place has wait enabled, i.e. DisableWait is false, and the\n" +
          "'poller' WaitStrategy is used.",
      }),
    ),
    install: opt(InstallSchema),
    interval: duration({ description: "Interval at which to reconcile the Helm release." }),
    kubeConfig: opt(
      describe(
        KubeConfigReferenceSchema,
        "KubeConfig for reconciling the HelmRelease on a remote cluster.\n" +
          "When used in combination with HelmReleaseSpec.ServiceAccountName,\n" +
          "forces the controller to act on behalf of that Service Account at the\n" +
          "target cluster.\n" +
          "If the --default-service-account flag is set, its value will be used as\n" +
          "a controller level fallback for when HelmReleaseSpec.ServiceAccountName\n" +
          "is empty.",
      ),
    ),
    maxHistory: opt(
      int({
        description:
          "MaxHistory is the number of revisions saved by Helm for this HelmRelease.\n" +
          "Use '0' for an unlimited number of revisions; defaults to '5'.",
      }),
    ),
    persistentClient: opt(
      bool({
        description:
          "PersistentClient tells the controller to use a persistent Kubernetes\n" +
          "client for this release. When enabled, the client will be reused for the\n" +
          "duration of the reconciliation, instead of being created and destroyed\n" +
          "for each (step of a) Helm action.\n" +
          "\n" +
          "This can improve performance, but may cause issues with some Helm charts\n" +
          "that for example do create Custom Resource Definitions during installation\n" +
          "outside Helm's CRD lifecycle hooks, which are then not observed to be\n" +
          "available by e.g. post-install hooks.\n" +
          "\n" +
          "If not set, it defaults to true.",
      }),
    ),
    postRenderStrategy: opt(
      enumOf(["nohooks", "combined", "separate"] as const, {
        description:
          "PostRenderStrategy defines the strategy for sending hooks to post-renderers.\n" +
          "Valid values are 'nohooks' (hooks not sent to post-renderers, Helm 3 behavior),\n" +
          "'combined' (hooks and templates sent together, Helm 4 default), and 'separate'\n" +
          "(hooks and templates sent in separate streams, Helm 4.2 opt-in).\n" +
          "Defaults to 'combined', or 'nohooks' when the UseHelm3Defaults feature gate is enabled.",
      }),
    ),
    postRenderers: opt(
      listOf(PostRendererSchema, {
        description:
          "PostRenderers holds an array of Helm PostRenderers, which will be applied in order\n" +
          "of their definition.",
      }),
    ),
    releaseName: opt(
      str({
        description: "ReleaseName used for the Helm release. Defaults to a composition of\n'[TargetNamespace-]Name'.",
        maxLength: 53,
        minLength: 1,
      }),
    ),
    rollback: opt(RollbackSchema),
    serviceAccountName: opt(
      str({
        description: "The name of the Kubernetes service account to impersonate\nwhen reconciling this HelmRelease.",
        maxLength: 253,
        minLength: 1,
      }),
    ),
    storageNamespace: opt(
      str({
        description: "StorageNamespace used for the Helm storage.\nDefaults to the namespace of the HelmRelease.",
        maxLength: 63,
        minLength: 1,
      }),
    ),
    suspend: opt(
      bool({
        description:
          "Suspend tells the controller to suspend reconciliation for this HelmRelease,\n" +
          "it does not apply to already started reconciliations. Defaults to false.",
      }),
    ),
    targetNamespace: opt(
      str({
        description:
          "TargetNamespace to target when performing operations for the HelmRelease.\n" +
          "Defaults to the namespace of the HelmRelease.",
        maxLength: 63,
        minLength: 1,
      }),
    ),
    test: opt(ReleaseTestSchema),
    timeout: opt(
      duration({
        description:
          "Timeout is the time to wait for any individual Kubernetes operation (like Jobs\n" +
          "for hooks) during the performance of a Helm action. Defaults to '5m0s'.",
      }),
    ),
    uninstall: opt(UninstallSchema),
    upgrade: opt(UpgradeSchema),
    values: opt(anyJSON({ description: "Values holds the values for this Helm release." })),
    valuesFrom: opt(
      listOf(ValuesReferenceSchema, {
        description:
          "ValuesFrom holds references to resources containing Helm values for this HelmRelease,\n" +
          "and information about how they should be merged.",
      }),
    ),
    waitStrategy: opt(WaitStrategySchema),
  },
  {
    description: "HelmReleaseSpec defines the desired state of a Helm release.",
    "x-kubernetes-validations": [
      {
        message: "either chart or chartRef must be set",
        rule: "(has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))",
      },
    ],
  },
);
export type HelmReleaseSpec = Static<typeof HelmReleaseSpecSchema>;

export const ReleaseTestHookStatusSchema = obj(
  {
    lastCompleted: opt(time({ description: "LastCompleted is the time the test hook last completed." })),
    lastStarted: opt(time({ description: "LastStarted is the time the test hook was last started." })),
    phase: opt(str({ description: "Phase the test hook was observed to be in." })),
  },
  {
    description:
      "TestHookStatus holds the status information for a test hook as observed\nto be run by the controller.",
  },
);
export type ReleaseTestHookStatus = Static<typeof ReleaseTestHookStatusSchema>;

export const ReleaseSnapshotSchema = obj(
  {
    action: opt(str({ description: "Action is the action that resulted in this snapshot being created." })),
    apiVersion: opt(
      str({
        description:
          "APIVersion is the API version of the Snapshot.\n" +
          "When the calculation method of the Digest field is changed, this\n" +
          "field will be used to distinguish between the old and new methods.",
      }),
    ),
    appVersion: opt(str({ description: "AppVersion is the chart app version of the release object in storage." })),
    chartName: str({ description: "ChartName is the chart name of the release object in storage." }),
    chartVersion: str({ description: "ChartVersion is the chart version of the release object in\nstorage." }),
    configDigest: str({
      description:
        "ConfigDigest is the checksum of the config (better known as\n" +
        '"values") of the release object in storage.\n' +
        "It has the format of `<algo>:<checksum>`.",
    }),
    deleted: opt(time({ description: "Deleted is when the release was deleted." })),
    digest: str({
      description:
        "Digest is the checksum of the release object in storage.\nIt has the format of `<algo>:<checksum>`.",
    }),
    firstDeployed: time({ description: "FirstDeployed is when the release was first deployed." }),
    lastDeployed: time({ description: "LastDeployed is when the release was last deployed." }),
    name: str({ description: "Name is the name of the release." }),
    namespace: str({ description: "Namespace is the namespace the release is deployed to." }),
    ociDigest: opt(str({ description: "OCIDigest is the digest of the OCI artifact associated with the release." })),
    status: str({ description: "Status is the current state of the release." }),
    testHooks: opt(
      mapOf(ReleaseTestHookStatusSchema, {
        description: "TestHooks is the list of test hooks for the release as observed to be\nrun by the controller.",
      }),
    ),
    version: int({ description: "Version is the version of the release object in storage." }),
  },
  {
    description:
      "Snapshot captures a point-in-time copy of the status information for a Helm release,\n" +
      "as managed by the controller.",
  },
);
export type ReleaseSnapshot = Static<typeof ReleaseSnapshotSchema>;

export const ReleaseInventoryEntrySchema = ResourceRefSchema;
export type ReleaseInventoryEntry = Static<typeof ReleaseInventoryEntrySchema>;

export const ReleaseInventorySchema = resourceInventorySchema(
  "Inventory contains the list of Kubernetes resource object references\nthat have been applied for this release.",
);
export type ReleaseInventory = Static<typeof ReleaseInventorySchema>;

export const HelmReleaseStatusSchema = obj(
  {
    conditions: opt(conditionsField("HelmRelease")),
    failures: opt(
      int({
        description:
          "Failures is the reconciliation failure count against the latest desired\n" +
          "state. It is reset after a successful reconciliation.",
        format: "int64",
      }),
    ),
    helmChart: opt(
      str({
        description:
          "HelmChart is the namespaced name of the HelmChart resource created by\n" +
          "the controller for the HelmRelease.",
      }),
    ),
    history: opt(
      listOf(ReleaseSnapshotSchema, {
        description:
          "History holds the history of Helm releases performed for this HelmRelease\n" +
          "up to the last successfully completed release.",
      }),
    ),
    installFailures: opt(
      int({
        description:
          "InstallFailures is the install failure count against the latest desired\n" +
          "state. It is reset after a successful reconciliation.",
        format: "int64",
      }),
    ),
    inventory: opt(ReleaseInventorySchema),
    lastAttemptedConfigDigest: opt(
      str({
        description:
          "LastAttemptedConfigDigest is the digest for the config (better known as\n" +
          '"values") of the last reconciliation attempt.',
      }),
    ),
    lastAttemptedGeneration: opt(
      int({
        description: "LastAttemptedGeneration is the last generation the controller attempted\nto reconcile.",
        format: "int64",
      }),
    ),
    lastAttemptedReleaseAction: opt(
      enumOf(["install", "upgrade"] as const, {
        description:
          "LastAttemptedReleaseAction is the last release action performed for this\n" +
          "HelmRelease. It is used to determine the active retry or remediation\n" +
          "strategy.",
      }),
    ),
    lastAttemptedReleaseActionDuration: opt(
      str({
        description:
          "LastAttemptedReleaseActionDuration is the duration of the last\n" +
          "release action performed for this HelmRelease.",
      }),
    ),
    lastAttemptedRevision: opt(
      str({
        description:
          "LastAttemptedRevision is the Source revision of the last reconciliation\n" +
          "attempt. For OCIRepository  sources, the 12 first characters of the digest are\n" +
          'appended to the chart version e.g. "1.2.3+1234567890ab".',
      }),
    ),
    lastAttemptedRevisionDigest: opt(
      str({
        description:
          "LastAttemptedRevisionDigest is the digest of the last reconciliation attempt.\n" +
          "This is only set for OCIRepository sources.",
      }),
    ),
    lastAttemptedValuesChecksum: opt(
      str({
        description:
          "LastAttemptedValuesChecksum is the SHA1 checksum for the values of the last\n" +
          "reconciliation attempt.\n" +
          "\n" +
          "Deprecated: Use LastAttemptedConfigDigest instead.",
      }),
    ),
    lastHandledForceAt: opt(
      str({
        description:
          "LastHandledForceAt holds the value of the most recent\n" +
          "force request value, so a change of the annotation value\n" +
          "can be detected.",
      }),
    ),
    lastHandledReconcileAt: lastHandledReconcileAtField(),
    lastHandledResetAt: opt(
      str({
        description:
          "LastHandledResetAt holds the value of the most recent reset request\n" +
          "value, so a change of the annotation value can be detected.",
      }),
    ),
    lastReleaseRevision: opt(
      int({
        description:
          "LastReleaseRevision is the revision of the last successful Helm release.\n" +
          "\n" +
          "Deprecated: Use History instead.",
      }),
    ),
    observedCommonMetadataDigest: opt(
      str({
        description:
          "ObservedCommonMetadataDigest is the digest for the common metadata of\n" +
          "the last successful reconciliation attempt.",
      }),
    ),
    observedGeneration: observedGenerationField(),
    observedPostRenderersDigest: opt(
      str({
        description:
          "ObservedPostRenderersDigest is the digest for the post-renderers of\n" +
          "the last successful reconciliation attempt.",
      }),
    ),
    storageNamespace: opt(
      str({
        description: "StorageNamespace is the namespace of the Helm release storage for the\ncurrent release.",
        maxLength: 63,
        minLength: 1,
      }),
    ),
    upgradeFailures: opt(
      int({
        description:
          "UpgradeFailures is the upgrade failure count against the latest desired\n" +
          "state. It is reset after a successful reconciliation.",
        format: "int64",
      }),
    ),
  },
  { description: "HelmReleaseStatus defines the observed state of a HelmRelease." },
);
export type HelmReleaseStatus = Static<typeof HelmReleaseStatusSchema>;

export const HelmReleaseSchema = fluxRoot({
  description: "HelmRelease is the Schema for the helmreleases API",
  spec: HelmReleaseSpecSchema,
  status: HelmReleaseStatusSchema,
});
export type HelmRelease = Static<typeof HelmReleaseSchema>;

export const helmReleaseKind = namespacedKind({
  group: HELM_GROUP,
  kind: "HelmRelease",
  plural: "helmreleases",
  shortNames: ["hr"],
  categories: ["all", "fluxcd", "fluxcd-appliers"],
  versions: [storageVersion(HELM_VERSION, HelmReleaseSchema, fluxPrinterColumns())],
});

// Condition types and reasons helm-controller sets on a HelmRelease, besides the shared ones in meta.ts.
export const ReleasedCondition = "Released";
export const TestSuccessCondition = "TestSuccess";
export const RemediatedCondition = "Remediated";
export const DriftedCondition = "Drifted";

export const InstallSucceededReason = "InstallSucceeded";
export const InstallFailedReason = "InstallFailed";
export const UpgradeSucceededReason = "UpgradeSucceeded";
export const UpgradeFailedReason = "UpgradeFailed";
export const TestSucceededReason = "TestSucceeded";
export const TestFailedReason = "TestFailed";
export const RollbackSucceededReason = "RollbackSucceeded";
export const RollbackFailedReason = "RollbackFailed";
export const UninstallSucceededReason = "UninstallSucceeded";
export const UninstallFailedReason = "UninstallFailed";
export const InitFailedReason = "InitFailed";
export const GetLastReleaseFailedReason = "GetLastReleaseFailed";
export const DriftDetectedReason = "DriftDetected";
export const NoDriftDetectedReason = "NoDriftDetected";
