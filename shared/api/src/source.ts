/**
 * source.toolkit.fluxcd.io/v1: GitRepository, OCIRepository, HelmRepository, HelmChart and Bucket, field for field
 * as source-controller's CRDs declare them (v1 is the only served version since Flux 2.8).
 */
import type { Static } from "@sinclair/typebox";
import { str, bool, enumOf, obj, opt, listOf, DURATION_PATTERN, TIMEOUT_PATTERN } from "./schema.js";
import { namespacedKind, storageVersion, type KindDefinition } from "./kind.js";
import {
  ArtifactSchema,
  accessFromSchema,
  certSecretRefDescription,
  LocalObjectReferenceSchema,
  conditionsField,
  describe,
  fluxRoot,
  fluxPrinterColumns,
  lastHandledReconcileAtField,
  observedGenerationField,
  AGE_COLUMN,
  READY_COLUMN,
  STATUS_COLUMN,
} from "./meta.js";

export const SOURCE_GROUP = "source.toolkit.fluxcd.io";
export const SOURCE_VERSION = "v1";
export const SOURCE_API_VERSION = `${SOURCE_GROUP}/${SOURCE_VERSION}`;
const SOURCE_CATEGORIES = ["all", "fluxcd", "fluxcd-sources"];

export { TIMEOUT_PATTERN };
const interval = (description: string) => str({ pattern: DURATION_PATTERN, description });
const localRef = (description: string) => describe(LocalObjectReferenceSchema, description);
const artifact = (description: string) => describe(ArtifactSchema, description);

/** The status fields every source kind has, each described in that kind's words. */
const sourceStatusFields = (kind: string, artifactDescription: string, observedGenerationDescription?: string) => ({
  artifact: opt(artifact(artifactDescription)),
  conditions: opt(conditionsField(kind)),
  lastHandledReconcileAt: lastHandledReconcileAtField(),
  observedGeneration: observedGenerationField(observedGenerationDescription),
});
/** `status.url` of the kinds that still publish one, naming their status type. */
const artifactURLField = (statusType: string) =>
  opt(
    str({
      description:
        "URL is the dynamic fetch link for the latest Artifact.\n" +
        'It is provided on a "best effort" basis, and using the precise\n' +
        `${statusType}.Artifact data is recommended.`,
    }),
  );

const IGNORE_DESCRIPTION =
  "Ignore overrides the set of excluded patterns in the .sourceignore format\n" +
  "(which is the same as .gitignore). If not provided, a default will be used,\n" +
  "consult the documentation for your version to find out what those are.";
const OBSERVED_IGNORE_DESCRIPTION =
  "ObservedIgnore is the observed exclusion patterns used for constructing\nthe source artifact.";

/** The namespace ACL Flux declares on HelmRepository but never implemented. */
export const AccessFromSchema = accessFromSchema(
  "AccessFrom specifies an Access Control List for allowing cross-namespace\n" +
    "references to this object.\n" +
    "NOTE: Not implemented, provisional as of https://github.com/fluxcd/flux2/pull/2092",
);
export type AccessFrom = Static<typeof AccessFromSchema>;

/** Cosign/Notation verification of OCI artifacts (OCIRepository and HelmChart). */
const ociVerificationSchema = (description: string, withTrustedRoot: boolean) =>
  obj(
    {
      matchOIDCIdentity: opt(
        listOf(
          obj(
            {
              issuer: str({
                description:
                  "Issuer specifies the regex pattern to match against to verify\n" +
                  "the OIDC issuer in the Fulcio certificate. The pattern must be a\n" +
                  "valid Go regular expression.",
              }),
              subject: str({
                description:
                  "Subject specifies the regex pattern to match against to verify\n" +
                  "the identity subject in the Fulcio certificate. The pattern must\n" +
                  "be a valid Go regular expression.",
              }),
            },
            {
              description:
                "OIDCIdentityMatch specifies options for verifying the certificate identity,\ni.e. the issuer and the subject of the certificate.",
            },
          ),
          {
            description:
              "MatchOIDCIdentity specifies the identity matching criteria to use\n" +
              "while verifying an OCI artifact which was signed using Cosign keyless\n" +
              "signing. The artifact's identity is deemed to be verified if any of the\n" +
              "specified matchers match against the identity.",
          },
        ),
      ),
      provider: enumOf(["cosign", "notation"] as const, {
        default: "cosign",
        description: "Provider specifies the technology used to sign the OCI Artifact.",
      }),
      secretRef: opt(localRef("SecretRef specifies the Kubernetes Secret containing the\ntrusted public keys.")),
      ...(withTrustedRoot
        ? {
            trustedRootSecretRef: opt(
              localRef(
                "TrustedRootSecretRef specifies the Kubernetes Secret containing a\n" +
                  "Sigstore trusted_root.json file. This enables verification against\n" +
                  "self-hosted Sigstore infrastructure (custom Fulcio CA, self-hosted\n" +
                  'Rekor instance). The Secret must contain a key named "trusted_root.json".',
              ),
            ),
          }
        : {}),
    },
    { description },
  );

const OCI_VERIFY_DESCRIPTION =
  "Verify contains the secret name containing the trusted public keys\n" +
  "used to verify the signature and specifies which provider to use to check\n" +
  "whether OCI image is authentic.";

export const OCIRepositoryVerificationSchema = ociVerificationSchema(OCI_VERIFY_DESCRIPTION, true);
export type OCIRepositoryVerification = Static<typeof OCIRepositoryVerificationSchema>;

// ---------------------------------------------------------------------------------------------------------------
// GitRepository

const GitRepositoryIncludeSchema = obj(
  {
    fromPath: opt(str({ description: "FromPath specifies the path to copy contents from, defaults to the root\nof the Artifact." })),
    repository: localRef("GitRepositoryRef specifies the GitRepository which Artifact contents\nmust be included."),
    toPath: opt(str({ description: "ToPath specifies the path to copy contents to, defaults to the name of\nthe GitRepositoryRef." })),
  },
  {
    description:
      "GitRepositoryInclude specifies a local reference to a GitRepository which\n" +
      "Artifact (sub-)contents must be included, and where they should be placed.",
  },
);
export type GitRepositoryInclude = Static<typeof GitRepositoryIncludeSchema>;

export const GitRepositoryRefSchema = obj(
  {
    branch: opt(str({ description: "Branch to check out, defaults to 'master' if no other field is defined." })),
    commit: opt(
      str({
        description:
          "Commit SHA to check out, takes precedence over all reference fields.\n\n" +
          "This can be combined with Branch to shallow clone the branch, in which\n" +
          "the commit is expected to exist.",
      }),
    ),
    name: opt(
      str({
        description:
          "Name of the reference to check out; takes precedence over Branch, Tag and SemVer.\n\n" +
          "It must be a valid Git reference: https://git-scm.com/docs/git-check-ref-format#_description\n" +
          'Examples: "refs/heads/main", "refs/tags/v0.1.0", "refs/pull/420/head", "refs/merge-requests/1/head"',
      }),
    ),
    semver: opt(str({ description: "SemVer tag expression to check out, takes precedence over Tag." })),
    tag: opt(str({ description: "Tag to check out, takes precedence over Branch." })),
  },
  { description: "Reference specifies the Git reference to resolve and monitor for\nchanges, defaults to the 'master' branch." },
);
export type GitRepositoryRef = Static<typeof GitRepositoryRefSchema>;

export const GIT_VERIFICATION_MODES = ["head", "HEAD", "Tag", "TagAndHEAD"] as const;
export const GIT_PROVIDERS = ["generic", "aws", "azure", "github"] as const;

export const GitRepositorySpecSchema = obj(
  {
    ignore: opt(str({ description: IGNORE_DESCRIPTION })),
    include: opt(
      listOf(GitRepositoryIncludeSchema, {
        description:
          "Include specifies a list of GitRepository resources which Artifacts\nshould be included in the Artifact produced for this GitRepository.",
      }),
    ),
    interval: interval(
      "Interval at which the GitRepository URL is checked for updates.\n" +
        "This interval is approximate and may be subject to jitter to ensure\n" +
        "efficient use of resources.",
    ),
    provider: opt(
      enumOf(GIT_PROVIDERS, {
        description: "Provider used for authentication, can be 'aws', 'azure', 'github', 'generic'.\nWhen not specified, defaults to 'generic'.",
      }),
    ),
    proxySecretRef: opt(
      localRef("ProxySecretRef specifies the Secret containing the proxy configuration\nto use while communicating with the Git server."),
    ),
    recurseSubmodules: opt(
      bool({
        description:
          "RecurseSubmodules enables the initialization of all submodules within\nthe GitRepository as cloned from the URL, using their default settings.",
      }),
    ),
    ref: opt(GitRepositoryRefSchema),
    secretRef: opt(
      localRef(
        "SecretRef specifies the Secret containing authentication credentials for\n" +
          "the GitRepository.\n" +
          "For HTTPS repositories the Secret must contain 'username' and 'password'\n" +
          "fields for basic auth or 'bearerToken' field for token auth.\n" +
          "For SSH repositories the Secret must contain 'identity'\n" +
          "and 'known_hosts' fields.",
      ),
    ),
    serviceAccountName: opt(
      str({
        description:
          "ServiceAccountName is the name of the Kubernetes ServiceAccount used to\n" +
          "authenticate to the GitRepository. This field is only supported for 'azure' and 'aws' providers.",
      }),
    ),
    sparseCheckout: opt(
      listOf(str(), {
        description:
          "SparseCheckout specifies a list of directories to checkout when cloning\n" +
          "the repository. If specified, only these directories are included in the\n" +
          "Artifact produced for this GitRepository.",
      }),
    ),
    suspend: opt(bool({ description: "Suspend tells the controller to suspend the reconciliation of this\nGitRepository." })),
    timeout: opt(str({ default: "60s", pattern: TIMEOUT_PATTERN, description: "Timeout for Git operations like cloning, defaults to 60s." })),
    url: str({ pattern: "^(http|https|ssh)://.*$", description: "URL specifies the Git repository URL, it can be an HTTP/S or SSH address." }),
    verify: opt(
      obj(
        {
          mode: opt(
            enumOf(GIT_VERIFICATION_MODES, {
              default: "HEAD",
              description:
                "Mode specifies which Git object(s) should be verified.\n\n" +
                'The variants "head" and "HEAD" both imply the same thing, i.e. verify\n' +
                "the commit that the HEAD of the Git repository points to. The variant\n" +
                '"head" solely exists to ensure backwards compatibility.',
            }),
          ),
          secretRef: localRef(
            "SecretRef specifies the Secret containing the public keys of trusted Git\n" +
              "authors. PGP public keys must be stored under keys with the .asc suffix,\n" +
              "and SSH public keys must be stored under keys with the .sshpub suffix.",
          ),
        },
        { description: "Verification specifies the configuration to verify the Git commit\nsignature(s)." },
      ),
    ),
  },
  {
    description: "GitRepositorySpec specifies the required configuration to produce an\nArtifact for a Git repository.",
    "x-kubernetes-validations": [
      {
        message: "serviceAccountName can only be set when provider is 'azure' or 'aws'",
        rule: "!has(self.serviceAccountName) || (has(self.provider) && (self.provider == 'azure' || self.provider == 'aws'))",
      },
    ],
  },
);
export type GitRepositorySpec = Static<typeof GitRepositorySpecSchema>;

export const GitRepositoryStatusSchema = obj(
  {
    ...sourceStatusFields(
      "GitRepository",
      "Artifact represents the last successful GitRepository reconciliation.",
      "ObservedGeneration is the last observed generation of the GitRepository\nobject.",
    ),
    includedArtifacts: opt(
      listOf(ArtifactSchema, {
        description:
          "IncludedArtifacts contains a list of the last successfully included\nArtifacts as instructed by GitRepositorySpec.Include.",
      }),
    ),
    observedIgnore: opt(str({ description: OBSERVED_IGNORE_DESCRIPTION })),
    observedInclude: opt(
      listOf(GitRepositoryIncludeSchema, {
        description: "ObservedInclude is the observed list of GitRepository resources used to\nproduce the current Artifact.",
      }),
    ),
    observedRecurseSubmodules: opt(
      bool({ description: "ObservedRecurseSubmodules is the observed resource submodules\nconfiguration used to produce the current Artifact." }),
    ),
    observedSparseCheckout: opt(
      listOf(str(), { description: "ObservedSparseCheckout is the observed list of directories used to\nproduce the current Artifact." }),
    ),
    sourceVerificationMode: opt(
      str({ description: "SourceVerificationMode is the last used verification mode indicating\nwhich Git object(s) have been verified." }),
    ),
  },
  { description: "GitRepositoryStatus records the observed state of a Git repository." },
);
export type GitRepositoryStatus = Static<typeof GitRepositoryStatusSchema>;

export const GitRepositorySchema = fluxRoot({
  description: "GitRepository is the Schema for the gitrepositories API.",
  spec: GitRepositorySpecSchema,
  status: GitRepositoryStatusSchema,
});
export type GitRepository = Static<typeof GitRepositorySchema>;

export const gitRepositoryKind = namespacedKind({
  group: SOURCE_GROUP,
  kind: "GitRepository",
  plural: "gitrepositories",
  shortNames: ["gitrepo"],
  categories: SOURCE_CATEGORIES,
  versions: [
    storageVersion(SOURCE_VERSION, GitRepositorySchema, fluxPrinterColumns({ jsonPath: ".spec.url", name: "URL", type: "string" })),
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// OCIRepository

export const OCILayerSelectorSchema = obj(
  {
    mediaType: opt(
      str({
        description:
          "MediaType specifies the OCI media type of the layer\n" +
          "which should be extracted from the OCI Artifact. The\n" +
          "first layer matching this type is selected.",
      }),
    ),
    operation: opt(
      enumOf(["extract", "copy"] as const, {
        description:
          "Operation specifies how the selected layer should be processed.\n" +
          "By default, the layer compressed content is extracted to storage.\n" +
          "When the operation is set to 'copy', the layer compressed content\n" +
          "is persisted to storage as it is.",
      }),
    ),
  },
  {
    description:
      "LayerSelector specifies which layer should be extracted from the OCI artifact.\n" +
      "When not specified, the first layer found in the artifact is selected.",
  },
);
export type OCILayerSelector = Static<typeof OCILayerSelectorSchema>;

export const OCIRepositoryRefSchema = obj(
  {
    digest: opt(
      str({ description: "Digest is the image digest to pull, takes precedence over SemVer.\nThe value should be in the format 'sha256:<HASH>'." }),
    ),
    semver: opt(
      str({ description: "SemVer is the range of tags to pull selecting the latest within\nthe range, takes precedence over Tag." }),
    ),
    semverFilter: opt(str({ description: "SemverFilter is a regex pattern to filter the tags within the SemVer range." })),
    tag: opt(str({ description: "Tag is the image tag to pull, defaults to latest." })),
  },
  { description: "The OCI reference to pull and monitor for changes,\ndefaults to the latest tag." },
);
export type OCIRepositoryRef = Static<typeof OCIRepositoryRefSchema>;

export const OCI_PROVIDERS = ["generic", "aws", "azure", "gcp"] as const;

export const OCIRepositorySpecSchema = obj(
  {
    certSecretRef: opt(localRef(certSecretRefDescription("registry"))),
    ignore: opt(str({ description: IGNORE_DESCRIPTION })),
    insecure: opt(bool({ description: "Insecure allows connecting to a non-TLS HTTP container registry." })),
    interval: interval(
      "Interval at which the OCIRepository URL is checked for updates.\n" +
        "This interval is approximate and may be subject to jitter to ensure\n" +
        "efficient use of resources.",
    ),
    layerSelector: opt(OCILayerSelectorSchema),
    provider: opt(
      enumOf(OCI_PROVIDERS, {
        default: "generic",
        description: "The provider used for authentication, can be 'aws', 'azure', 'gcp' or 'generic'.\nWhen not specified, defaults to 'generic'.",
      }),
    ),
    proxySecretRef: opt(
      localRef("ProxySecretRef specifies the Secret containing the proxy configuration\nto use while communicating with the container registry."),
    ),
    ref: opt(OCIRepositoryRefSchema),
    secretRef: opt(
      localRef(
        "SecretRef contains the secret name containing the registry login\n" +
          "credentials to resolve image metadata.\n" +
          "The secret must be of type kubernetes.io/dockerconfigjson.",
      ),
    ),
    serviceAccountName: opt(
      str({
        description:
          "ServiceAccountName is the name of the Kubernetes ServiceAccount used to authenticate\n" +
          "the image pull if the service account has attached pull secrets. For more information:\n" +
          "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#add-imagepullsecrets-to-a-service-account",
      }),
    ),
    suspend: opt(bool({ description: "This flag tells the controller to suspend the reconciliation of this source." })),
    timeout: opt(
      str({ default: "60s", pattern: TIMEOUT_PATTERN, description: "The timeout for remote OCI Repository operations like pulling, defaults to 60s." }),
    ),
    url: str({
      pattern: "^oci://.*$",
      description: "URL is a reference to an OCI artifact repository hosted\non a remote container registry.",
    }),
    verify: opt(OCIRepositoryVerificationSchema),
  },
  { description: "OCIRepositorySpec defines the desired state of OCIRepository" },
);
export type OCIRepositorySpec = Static<typeof OCIRepositorySpecSchema>;

export const OCIRepositoryStatusSchema = obj(
  {
    ...sourceStatusFields("OCIRepository", "Artifact represents the output of the last successful OCI Repository sync."),
    observedIgnore: opt(str({ description: OBSERVED_IGNORE_DESCRIPTION })),
    observedLayerSelector: opt(
      describe(OCILayerSelectorSchema, "ObservedLayerSelector is the observed layer selector used for constructing\nthe source artifact."),
    ),
    url: opt(str({ description: "URL is the download link for the artifact output of the last OCI Repository sync." })),
  },
  { description: "OCIRepositoryStatus defines the observed state of OCIRepository" },
);
export type OCIRepositoryStatus = Static<typeof OCIRepositoryStatusSchema>;

export const OCIRepositorySchema = fluxRoot({
  description: "OCIRepository is the Schema for the ocirepositories API",
  spec: OCIRepositorySpecSchema,
  status: OCIRepositoryStatusSchema,
});
export type OCIRepository = Static<typeof OCIRepositorySchema>;

export const ociRepositoryKind = namespacedKind({
  group: SOURCE_GROUP,
  kind: "OCIRepository",
  plural: "ocirepositories",
  shortNames: ["ocirepo"],
  categories: SOURCE_CATEGORIES,
  versions: [
    // OCIRepository is the one source kind that lists Age last.
    storageVersion(SOURCE_VERSION, OCIRepositorySchema, [{ jsonPath: ".spec.url", name: "URL", type: "string" }, READY_COLUMN, STATUS_COLUMN, AGE_COLUMN]),
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// HelmRepository

export const HELM_REPOSITORY_TYPES = ["default", "oci"] as const;

export const HelmRepositorySpecSchema = obj(
  {
    accessFrom: opt(AccessFromSchema),
    certSecretRef: opt(
      localRef(certSecretRefDescription("registry", "\n\nIt takes precedence over the values specified in the Secret referred\nto by `.spec.secretRef`.")),
    ),
    insecure: opt(
      bool({
        description:
          "Insecure allows connecting to a non-TLS HTTP container registry.\n" +
          "This field is only taken into account if the .spec.type field is set to 'oci'.",
      }),
    ),
    interval: opt(
      interval(
        "Interval at which the HelmRepository URL is checked for updates.\n" +
          "This interval is approximate and may be subject to jitter to ensure\n" +
          "efficient use of resources.",
      ),
    ),
    passCredentials: opt(
      bool({
        description:
          "PassCredentials allows the credentials from the SecretRef to be passed\n" +
          "on to a host that does not match the host as defined in URL.\n" +
          "This may be required if the host of the advertised chart URLs in the\n" +
          "index differ from the defined URL.\n" +
          "Enabling this should be done with caution, as it can potentially result\n" +
          "in credentials getting stolen in a MITM-attack.",
      }),
    ),
    provider: opt(
      enumOf(OCI_PROVIDERS, {
        default: "generic",
        description:
          "Provider used for authentication, can be 'aws', 'azure', 'gcp' or 'generic'.\n" +
          "This field is optional, and only taken into account if the .spec.type field is set to 'oci'.\n" +
          "When not specified, defaults to 'generic'.",
      }),
    ),
    secretRef: opt(
      localRef(
        "SecretRef specifies the Secret containing authentication credentials\n" +
          "for the HelmRepository.\n" +
          "For HTTP/S basic auth the secret must contain 'username' and 'password'\n" +
          "fields.\n" +
          "Support for TLS auth using the 'certFile' and 'keyFile', and/or 'caFile'\n" +
          "keys is deprecated. Please use `.spec.certSecretRef` instead.",
      ),
    ),
    suspend: opt(bool({ description: "Suspend tells the controller to suspend the reconciliation of this\nHelmRepository." })),
    timeout: opt(
      str({
        pattern: TIMEOUT_PATTERN,
        description:
          "Timeout is used for the index fetch operation for an HTTPS helm repository,\n" +
          "and for remote OCI Repository operations like pulling for an OCI helm\n" +
          "chart by the associated HelmChart.\n" +
          "Its default value is 60s.",
      }),
    ),
    type: opt(
      enumOf(HELM_REPOSITORY_TYPES, {
        description: 'Type of the HelmRepository.\nWhen this field is set to  "oci", the URL field value must be prefixed with "oci://".',
      }),
    ),
    url: str({
      pattern: "^(http|https|oci)://.*$",
      description: "URL of the Helm repository, a valid URL contains at least a protocol and\nhost.",
    }),
  },
  { description: "HelmRepositorySpec specifies the required configuration to produce an\nArtifact for a Helm repository index YAML." },
);
export type HelmRepositorySpec = Static<typeof HelmRepositorySpecSchema>;

export const HelmRepositoryStatusSchema = obj(
  {
    ...sourceStatusFields(
      "HelmRepository",
      "Artifact represents the last successful HelmRepository reconciliation.",
      "ObservedGeneration is the last observed generation of the HelmRepository\nobject.",
    ),
    url: artifactURLField("HelmRepositoryStatus"),
  },
  { description: "HelmRepositoryStatus records the observed state of the HelmRepository." },
);
export type HelmRepositoryStatus = Static<typeof HelmRepositoryStatusSchema>;

export const HelmRepositorySchema = fluxRoot({
  description: "HelmRepository is the Schema for the helmrepositories API.",
  spec: HelmRepositorySpecSchema,
  status: HelmRepositoryStatusSchema,
});
export type HelmRepository = Static<typeof HelmRepositorySchema>;

export const helmRepositoryKind = namespacedKind({
  group: SOURCE_GROUP,
  kind: "HelmRepository",
  plural: "helmrepositories",
  shortNames: ["helmrepo"],
  categories: SOURCE_CATEGORIES,
  versions: [
    storageVersion(SOURCE_VERSION, HelmRepositorySchema, fluxPrinterColumns({ jsonPath: ".spec.url", name: "URL", type: "string" })),
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// HelmChart

export const HELM_CHART_SOURCE_KINDS = ["HelmRepository", "GitRepository", "Bucket"] as const;
export const HELM_CHART_RECONCILE_STRATEGIES = ["ChartVersion", "Revision"] as const;

export const LocalHelmChartSourceReferenceSchema = obj(
  {
    apiVersion: opt(str({ description: "APIVersion of the referent." })),
    kind: enumOf(HELM_CHART_SOURCE_KINDS, {
      description: "Kind of the referent, valid values are ('HelmRepository', 'GitRepository',\n'Bucket').",
    }),
    name: str({ description: "Name of the referent." }),
  },
  { description: "SourceRef is the reference to the Source the chart is available at." },
);
export type LocalHelmChartSourceReference = Static<typeof LocalHelmChartSourceReferenceSchema>;

export const HelmChartSpecSchema = obj(
  {
    chart: str({ description: "Chart is the name or path the Helm chart is available at in the\nSourceRef." }),
    ignoreMissingValuesFiles: opt(
      bool({ description: "IgnoreMissingValuesFiles controls whether to silently ignore missing values\nfiles rather than failing." }),
    ),
    interval: interval(
      "Interval at which the HelmChart SourceRef is checked for updates.\n" +
        "This interval is approximate and may be subject to jitter to ensure\n" +
        "efficient use of resources.",
    ),
    reconcileStrategy: opt(
      enumOf(HELM_CHART_RECONCILE_STRATEGIES, {
        default: "ChartVersion",
        description:
          "ReconcileStrategy determines what enables the creation of a new artifact.\n" +
          "Valid values are ('ChartVersion', 'Revision').\n" +
          "See the documentation of the values for an explanation on their behavior.\n" +
          "Defaults to ChartVersion when omitted.",
      }),
    ),
    sourceRef: LocalHelmChartSourceReferenceSchema,
    suspend: opt(bool({ description: "Suspend tells the controller to suspend the reconciliation of this\nsource." })),
    valuesFiles: opt(
      listOf(str(), {
        description:
          "ValuesFiles is an alternative list of values files to use as the chart\n" +
          "values (values.yaml is not included by default), expected to be a\n" +
          "relative path in the SourceRef.\n" +
          "Values files are merged in the order of this list with the last file\n" +
          "overriding the first. Ignored when omitted.",
      }),
    ),
    verify: opt(
      ociVerificationSchema(
        OCI_VERIFY_DESCRIPTION +
          "\nThis field is only supported when using HelmRepository source with spec.type 'oci'.\n" +
          "Chart dependencies, which are not bundled in the umbrella chart artifact, are not verified.",
        false,
      ),
    ),
    version: opt(
      str({
        default: "*",
        description:
          "Version is the chart version semver expression, ignored for charts from\nGitRepository and Bucket sources. Defaults to latest when omitted.",
      }),
    ),
  },
  {
    description: "HelmChartSpec specifies the desired state of a Helm chart.",
    "x-kubernetes-validations": [
      {
        message: "spec.verify is only supported when spec.sourceRef.kind is 'HelmRepository'",
        rule: "!has(self.verify) || self.sourceRef.kind == 'HelmRepository'",
      },
    ],
  },
);
export type HelmChartSpec = Static<typeof HelmChartSpecSchema>;

export const HelmChartStatusSchema = obj(
  {
    ...sourceStatusFields(
      "HelmChart",
      "Artifact represents the output of the last successful reconciliation.",
      "ObservedGeneration is the last observed generation of the HelmChart\nobject.",
    ),
    observedChartName: opt(
      str({ description: "ObservedChartName is the last observed chart name as specified by the\nresolved chart reference." }),
    ),
    observedSourceArtifactRevision: opt(
      str({ description: "ObservedSourceArtifactRevision is the last observed Artifact.Revision\nof the HelmChartSpec.SourceRef." }),
    ),
    observedValuesFiles: opt(
      listOf(str(), {
        description:
          "ObservedValuesFiles are the observed value files of the last successful\n" +
          "reconciliation.\n" +
          "It matches the chart in the last successfully reconciled artifact.",
      }),
    ),
    url: artifactURLField("HelmChartStatus"),
  },
  { description: "HelmChartStatus records the observed state of the HelmChart." },
);
export type HelmChartStatus = Static<typeof HelmChartStatusSchema>;

export const HelmChartSchema = fluxRoot({
  description: "HelmChart is the Schema for the helmcharts API.",
  spec: HelmChartSpecSchema,
  status: HelmChartStatusSchema,
});
export type HelmChart = Static<typeof HelmChartSchema>;

export const helmChartKind = namespacedKind({
  group: SOURCE_GROUP,
  kind: "HelmChart",
  plural: "helmcharts",
  shortNames: ["hc"],
  categories: SOURCE_CATEGORIES,
  versions: [
    storageVersion(SOURCE_VERSION, HelmChartSchema, fluxPrinterColumns(
      { jsonPath: ".spec.chart", name: "Chart", type: "string" },
      { jsonPath: ".spec.version", name: "Version", type: "string" },
      { jsonPath: ".spec.sourceRef.kind", name: "Source Kind", type: "string" },
      { jsonPath: ".spec.sourceRef.name", name: "Source Name", type: "string" },
    )),
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// Bucket

export const BUCKET_PROVIDERS = ["generic", "aws", "gcp", "azure"] as const;

export const BucketSTSSpecSchema = obj(
  {
    certSecretRef: opt(localRef(certSecretRefDescription("STS endpoint", "\n\nThis field is only supported for the `ldap` provider."))),
    endpoint: str({
      pattern: "^(http|https)://.*$",
      description: "Endpoint is the HTTP/S endpoint of the Security Token Service from\nwhere temporary credentials will be fetched.",
    }),
    provider: enumOf(["aws", "ldap"] as const, { description: "Provider of the Security Token Service." }),
    secretRef: opt(
      localRef(
        "SecretRef specifies the Secret containing authentication credentials\n" +
          "for the STS endpoint. This Secret must contain the fields `username`\n" +
          "and `password` and is supported only for the `ldap` provider.",
      ),
    ),
  },
  {
    description:
      "STS specifies the required configuration to use a Security Token\n" +
      "Service for fetching temporary credentials to authenticate in a\n" +
      "Bucket provider.\n\n" +
      "This field is only supported for the `aws` and `generic` providers.",
  },
);
export type BucketSTSSpec = Static<typeof BucketSTSSpecSchema>;

export const BucketSpecSchema = obj(
  {
    bucketName: str({ description: "BucketName is the name of the object storage bucket." }),
    certSecretRef: opt(localRef(certSecretRefDescription("bucket", "\n\nThis field is only supported for the `generic` provider."))),
    endpoint: str({ description: "Endpoint is the object storage address the BucketName is located at." }),
    ignore: opt(str({ description: IGNORE_DESCRIPTION })),
    insecure: opt(bool({ description: "Insecure allows connecting to a non-TLS HTTP Endpoint." })),
    interval: interval(
      "Interval at which the Bucket Endpoint is checked for updates.\n" +
        "This interval is approximate and may be subject to jitter to ensure\n" +
        "efficient use of resources.",
    ),
    prefix: opt(str({ description: "Prefix to use for server-side filtering of files in the Bucket." })),
    provider: opt(
      enumOf(BUCKET_PROVIDERS, {
        default: "generic",
        description:
          "Provider of the object storage bucket.\nDefaults to 'generic', which expects an S3 (API) compatible object\nstorage.",
      }),
    ),
    proxySecretRef: opt(
      localRef("ProxySecretRef specifies the Secret containing the proxy configuration\nto use while communicating with the Bucket server."),
    ),
    region: opt(str({ description: "Region of the Endpoint where the BucketName is located in." })),
    secretRef: opt(localRef("SecretRef specifies the Secret containing authentication credentials\nfor the Bucket.")),
    serviceAccountName: opt(
      str({
        description:
          "ServiceAccountName is the name of the Kubernetes ServiceAccount used to authenticate\n" +
          "the bucket. This field is only supported for the 'gcp' and 'aws' providers.\n" +
          "For more information about workload identity:\n" +
          "https://fluxcd.io/flux/components/source/buckets/#workload-identity",
      }),
    ),
    sts: opt(BucketSTSSpecSchema),
    suspend: opt(bool({ description: "Suspend tells the controller to suspend the reconciliation of this\nBucket." })),
    timeout: opt(str({ default: "60s", pattern: TIMEOUT_PATTERN, description: "Timeout for fetch operations, defaults to 60s." })),
  },
  {
    description: "BucketSpec specifies the required configuration to produce an Artifact for\nan object storage bucket.",
    "x-kubernetes-validations": [
      {
        message: "STS configuration is only supported for the 'aws' and 'generic' Bucket providers",
        rule: "self.provider == 'aws' || self.provider == 'generic' || !has(self.sts)",
      },
      {
        message: "'aws' is the only supported STS provider for the 'aws' Bucket provider",
        rule: "self.provider != 'aws' || !has(self.sts) || self.sts.provider == 'aws'",
      },
      {
        message: "'ldap' is the only supported STS provider for the 'generic' Bucket provider",
        rule: "self.provider != 'generic' || !has(self.sts) || self.sts.provider == 'ldap'",
      },
      {
        message: "spec.sts.secretRef is not required for the 'aws' STS provider",
        rule: "!has(self.sts) || self.sts.provider != 'aws' || !has(self.sts.secretRef)",
      },
      {
        message: "spec.sts.certSecretRef is not required for the 'aws' STS provider",
        rule: "!has(self.sts) || self.sts.provider != 'aws' || !has(self.sts.certSecretRef)",
      },
      {
        message: "ServiceAccountName is not supported for the 'generic' Bucket provider",
        rule: "self.provider != 'generic' || !has(self.serviceAccountName)",
      },
      {
        message: "cannot set both .spec.secretRef and .spec.serviceAccountName",
        rule: "!has(self.secretRef) || !has(self.serviceAccountName)",
      },
    ],
  },
);
export type BucketSpec = Static<typeof BucketSpecSchema>;

export const BucketStatusSchema = obj(
  {
    ...sourceStatusFields(
      "Bucket",
      "Artifact represents the last successful Bucket reconciliation.",
      "ObservedGeneration is the last observed generation of the Bucket object.",
    ),
    observedIgnore: opt(str({ description: OBSERVED_IGNORE_DESCRIPTION })),
    url: artifactURLField("BucketStatus"),
  },
  { description: "BucketStatus records the observed state of a Bucket." },
);
export type BucketStatus = Static<typeof BucketStatusSchema>;

export const BucketSchema = fluxRoot({
  description: "Bucket is the Schema for the buckets API.",
  spec: BucketSpecSchema,
  status: BucketStatusSchema,
});
export type Bucket = Static<typeof BucketSchema>;

export const bucketKind = namespacedKind({
  group: SOURCE_GROUP,
  kind: "Bucket",
  plural: "buckets",
  categories: SOURCE_CATEGORIES,
  versions: [
    storageVersion(SOURCE_VERSION, BucketSchema, fluxPrinterColumns({ jsonPath: ".spec.endpoint", name: "Endpoint", type: "string" })),
  ],
});

export const sourceKinds: KindDefinition[] = [bucketKind, gitRepositoryKind, helmChartKind, helmRepositoryKind, ociRepositoryKind];

// ---------------------------------------------------------------------------------------------------------------
// Condition types and reasons (source-controller api/v1/condition_types.go and per-kind types).

/** Positive polarity: True once the current Artifact is in storage. */
export const ArtifactInStorageCondition = "ArtifactInStorage";
/** Negative polarity: present (True) while a newer revision awaits storage. */
export const ArtifactOutdatedCondition = "ArtifactOutdated";
/** Positive polarity: the source's signature was verified. */
export const SourceVerifiedCondition = "SourceVerified";
/** Negative polarity conditions: present only while True. */
export const FetchFailedCondition = "FetchFailed";
export const BuildFailedCondition = "BuildFailed";
export const StorageOperationFailedCondition = "StorageOperationFailed";
export const IncludeUnavailableCondition = "IncludeUnavailable";

export const URLInvalidReason = "URLInvalid";
export const AuthenticationFailedReason = "AuthenticationFailed";
export const VerificationErrorReason = "VerificationError";
export const DirCreationFailedReason = "DirectoryCreationFailed";
export const StatOperationFailedReason = "StatOperationFailed";
export const ReadOperationFailedReason = "ReadOperationFailed";
export const AcquireLockFailedReason = "AcquireLockFailed";
export const InvalidPathReason = "InvalidPath";
export const ArchiveOperationFailedReason = "ArchiveOperationFailed";
export const SymlinkUpdateFailedReason = "SymlinkUpdateFailed";
export const ArtifactUpToDateReason = "ArtifactUpToDate";
export const NewRevisionReason = "NewRevision";
export const InvalidProviderConfigurationReason = "InvalidProviderConfiguration";
export const InvalidSTSConfigurationReason = "InvalidSTSConfiguration";
export const GitOperationSucceedReason = "GitOperationSucceeded";
export const GitOperationFailedReason = "GitOperationFailed";
export const OCIPullFailedReason = "OCIArtifactPullFailed";
export const OCILayerOperationFailedReason = "OCIArtifactLayerOperationFailed";
export const IndexationFailedReason = "IndexationFailed";
export const ChartPullSucceededReason = "ChartPullSucceeded";
export const ChartPullFailedReason = "ChartPullFailed";
export const ChartPackageSucceededReason = "ChartPackageSucceeded";
export const ChartPackageFailedReason = "ChartPackageFailed";
export const BucketOperationSucceededReason = "BucketOperationSucceeded";
export const BucketOperationFailedReason = "BucketOperationFailed";
