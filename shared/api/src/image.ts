/**
 * The image automation kinds as Flux 2.9 serves them (`image.toolkit.fluxcd.io/v1`; image-reflector-controller and
 * image-automation-controller v1.2): ImageRepository, ImagePolicy and ImageUpdateAutomation, field for field.
 *
 * Flux 2.9 no longer serves the older versions, but Flotilla still does, deprecated, so that manifests written for
 * earlier releases (the project's seed among them) apply verbatim: ImageRepository and ImagePolicy `v1beta2` (schema
 * of Flux 2.8, the last release serving it) and ImageUpdateAutomation `v1beta1` (schema of Flux 2.6). `v1` is the
 * storage version; the API server converts by rewriting apiVersion only (strategy None), which is lossless for
 * ImageRepository and ImagePolicy (their `v1beta2` and `v1` schemas have the same fields) but not for
 * ImageUpdateAutomation: see the note on {@link ImageUpdateAutomationSpecV1beta1Schema}.
 */
import {
  type Static,
  type TSchema,
  str,
  int,
  bool,
  enumOf,
  duration,
  time,
  obj,
  opt,
  listOf,
  mapOf,
  TIMEOUT_PATTERN,
  type PrinterColumn,
} from "./schema.js";
import {
  describe,
  accessFromSchema,
  certSecretRefDescription,
  NamespaceSelectorSchema,
  ConditionSchema,
  LocalObjectReferenceSchema,
  NamespacedObjectReferenceSchema,
  lastHandledReconcileAtField,
  observedGenerationField,
  fluxRoot,
  AGE_COLUMN,
  READY_COLUMN,
  STATUS_COLUMN,
} from "./meta.js";
import { namespacedKind, storageVersion, deprecatedVersion } from "./kind.js";

export const IMAGE_GROUP = "image.toolkit.fluxcd.io";
export const IMAGE_VERSION = "v1";

const categories = ["all", "fluxcd", "fluxcd-images"];

// ---------------------------------------------------------------------------------------------------------------
// ImageRepository

export const ImageRepositoryNamespaceSelectorSchema = NamespaceSelectorSchema;
export type ImageRepositoryNamespaceSelector = Static<typeof ImageRepositoryNamespaceSelectorSchema>;

export const ImageRepositoryAccessFromSchema = accessFromSchema(
  "AccessFrom defines an ACL for allowing cross-namespace references\n" +
    "to the ImageRepository object based on the caller's namespace labels.",
);
export type ImageRepositoryAccessFrom = Static<typeof ImageRepositoryAccessFromSchema>;

export const ImageRepositorySpecSchema = obj(
  {
    accessFrom: opt(ImageRepositoryAccessFromSchema),
    certSecretRef: opt(
      describe(
        LocalObjectReferenceSchema,
        certSecretRefDescription(
          "registry",
          "\n\nNote: Support for the `caFile`, `certFile` and `keyFile` keys has\nbeen deprecated.",
        ),
      ),
    ),
    exclusionList: opt(
      listOf(str(), {
        default: ["^.*\\.sig$"],
        description:
          "ExclusionList is a list of regex strings used to exclude certain tags\n" +
          "from being stored in the database.",
        maxItems: 25,
      }),
    ),
    image: str({ description: "Image is the name of the image repository" }),
    insecure: opt(bool({ description: "Insecure allows connecting to a non-TLS HTTP container registry." })),
    interval: duration({
      description: "Interval is the length of time to wait between\nscans of the image repository.",
    }),
    provider: opt(
      enumOf(["generic", "aws", "azure", "gcp"] as const, {
        default: "generic",
        description:
          "The provider used for authentication, can be 'aws', 'azure', 'gcp' or 'generic'.\n" +
          "When not specified, defaults to 'generic'.",
      }),
    ),
    proxySecretRef: opt(
      describe(
        LocalObjectReferenceSchema,
        "ProxySecretRef specifies the Secret containing the proxy configuration\n" +
          "to use while communicating with the container registry.",
      ),
    ),
    secretRef: opt(
      describe(
        LocalObjectReferenceSchema,
        "SecretRef can be given the name of a secret containing\n" +
          "credentials to use for the image registry. The secret should be\n" +
          "created with `kubectl create secret docker-registry`, or the\n" +
          "equivalent.",
      ),
    ),
    serviceAccountName: opt(
      str({
        description:
          "ServiceAccountName is the name of the Kubernetes ServiceAccount used to authenticate\n" +
          "the image pull if the service account has attached pull secrets.",
        maxLength: 253,
      }),
    ),
    suspend: opt(
      bool({
        description:
          "This flag tells the controller to suspend subsequent image scans.\n" +
          "It does not apply to already started scans. Defaults to false.",
      }),
    ),
    timeout: opt(
      str({
        description: "Timeout for image scanning.\nDefaults to 'Interval' duration.",
        pattern: TIMEOUT_PATTERN,
      }),
    ),
  },
  {
    description: "ImageRepositorySpec defines the parameters for scanning an image\nrepository, e.g., `fluxcd/flux`.",
  },
);
export type ImageRepositorySpec = Static<typeof ImageRepositorySpecSchema>;

export const ScanResultSchema = obj(
  {
    latestTags: opt(
      listOf(str(), {
        description:
          "LatestTags is a small sample of the tags found in the last scan.\n" +
          "It's the first 10 tags when sorting all the tags in descending\n" +
          "alphabetical order.",
      }),
    ),
    revision: opt(str({ description: "Revision is a stable hash of the scanned tags." })),
    scanTime: opt(time({ description: "ScanTime is the time when the last scan was performed." })),
    tagCount: int({ description: "TagCount is the number of tags found in the last scan." }),
  },
  { description: "LastScanResult contains the number of fetched tags." },
);
export type ScanResult = Static<typeof ScanResultSchema>;

export const ImageRepositoryStatusSchema = obj(
  {
    canonicalImageName: opt(
      str({
        description:
          "CanonicalName is the name of the image repository with all the\n" +
          "implied bits made explicit; e.g., `docker.io/library/alpine`\n" +
          "rather than `alpine`.",
      }),
    ),
    conditions: opt(listOf(ConditionSchema)),
    lastHandledReconcileAt: lastHandledReconcileAtField(),
    lastScanResult: opt(ScanResultSchema),
    observedExclusionList: opt(
      listOf(str(), {
        description:
          "ObservedExclusionList is a list of observed exclusion list. It reflects\n" +
          "the exclusion rules used for the observed scan result in\n" +
          "status.lastScanResult.",
      }),
    ),
    observedGeneration: observedGenerationField("ObservedGeneration is the last reconciled generation."),
  },
  { description: "ImageRepositoryStatus defines the observed state of ImageRepository" },
);
export type ImageRepositoryStatus = Static<typeof ImageRepositoryStatusSchema>;

/**
 * `v1beta2` status: the same fields as `v1`; only Flux 2.8's description of observedExclusionList differs
 * (it still said "spec.lastScanResult").
 */
export const ImageRepositoryStatusV1beta2Schema = obj(
  {
    ...ImageRepositoryStatusSchema.properties,
    observedExclusionList: opt(
      listOf(str(), {
        description:
          "ObservedExclusionList is a list of observed exclusion list. It reflects\n" +
          "the exclusion rules used for the observed scan result in\n" +
          "spec.lastScanResult.",
      }),
    ),
  },
  { description: ImageRepositoryStatusSchema.description },
);

export const ImageRepositorySchema = fluxRoot({
  description: "ImageRepository is the Schema for the imagerepositories API",
  spec: ImageRepositorySpecSchema,
  status: ImageRepositoryStatusSchema,
});
export type ImageRepository = Static<typeof ImageRepositorySchema>;

export const ImageRepositoryV1beta2Schema = fluxRoot({
  description: "ImageRepository is the Schema for the imagerepositories API",
  spec: ImageRepositorySpecSchema,
  status: ImageRepositoryStatusV1beta2Schema,
});

const imageRepositoryColumns: PrinterColumn[] = [
  { jsonPath: ".spec.image", name: "Image", type: "string" },
  { jsonPath: ".status.lastScanResult.tagCount", name: "Tags", type: "string" },
  READY_COLUMN,
  STATUS_COLUMN,
  { jsonPath: ".status.lastScanResult.scanTime", name: "Last scan", priority: 1, type: "string" },
  AGE_COLUMN,
];

export const imageRepositoryKind = namespacedKind({
  group: IMAGE_GROUP,
  kind: "ImageRepository",
  plural: "imagerepositories",
  shortNames: ["imgrepo", "imagerepo"],
  categories,
  versions: [
    storageVersion(IMAGE_VERSION, ImageRepositorySchema, imageRepositoryColumns),
    deprecatedVersion(
      "v1beta2",
      "v1beta2 ImageRepository is deprecated, upgrade to v1",
      ImageRepositoryV1beta2Schema,
      imageRepositoryColumns,
    ),
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// ImagePolicy

export const TagFilterSchema = obj(
  {
    extract: opt(
      str({
        description:
          "Extract allows a capture group to be extracted from the specified regular\n" +
          "expression pattern, useful before tag evaluation.",
      }),
    ),
    pattern: opt(
      str({ description: "Pattern specifies a regular expression pattern used to filter for image\ntags." }),
    ),
  },
  {
    description:
      "FilterTags enables filtering for only a subset of tags based on a set of\n" +
      "rules. If no rules are provided, all the tags from the repository will be\n" +
      "ordered and compared.",
  },
);
export type TagFilter = Static<typeof TagFilterSchema>;

export const AlphabeticalPolicySchema = obj(
  {
    order: opt(
      enumOf(["asc", "desc"] as const, {
        default: "asc",
        description:
          "Order specifies the sorting order of the tags. Given the letters of the\n" +
          "alphabet as tags, ascending order would select Z, and descending order\n" +
          "would select A.",
      }),
    ),
  },
  { description: "Alphabetical set of rules to use for alphabetical ordering of the tags." },
);
export type AlphabeticalPolicy = Static<typeof AlphabeticalPolicySchema>;

export const NumericalPolicySchema = obj(
  {
    order: opt(
      enumOf(["asc", "desc"] as const, {
        default: "asc",
        description:
          "Order specifies the sorting order of the tags. Given the integer values\n" +
          "from 0 to 9 as tags, ascending order would select 9, and descending order\n" +
          "would select 0.",
      }),
    ),
  },
  { description: "Numerical set of rules to use for numerical ordering of the tags." },
);
export type NumericalPolicy = Static<typeof NumericalPolicySchema>;

export const SemVerPolicySchema = obj(
  {
    range: str({
      description:
        "Range gives a semver range for the image tag; the highest\n" +
        "version within the range that's a tag yields the latest image.",
    }),
  },
  { description: "SemVer gives a semantic version range to check against the tags\navailable." },
);
export type SemVerPolicy = Static<typeof SemVerPolicySchema>;

export const ImagePolicyChoiceSchema = obj(
  {
    alphabetical: opt(AlphabeticalPolicySchema),
    numerical: opt(NumericalPolicySchema),
    semver: opt(SemVerPolicySchema),
  },
  { description: "Policy gives the particulars of the policy to be followed in\nselecting the most recent image" },
);
export type ImagePolicyChoice = Static<typeof ImagePolicyChoiceSchema>;

export const ImagePolicySpecSchema = obj(
  {
    digestReflectionPolicy: opt(
      enumOf(["Always", "IfNotPresent", "Never"] as const, {
        default: "Never",
        description:
          "DigestReflectionPolicy governs the setting of the `.status.latestRef.digest` field.\n" +
          "\n" +
          "Never: The digest field will always be set to the empty string.\n" +
          "\n" +
          "IfNotPresent: The digest field will be set to the digest of the elected\n" +
          "latest image if the field is empty and the image did not change.\n" +
          "\n" +
          "Always: The digest field will always be set to the digest of the elected\n" +
          "latest image.\n" +
          "\n" +
          "Default: Never.",
      }),
    ),
    filterTags: opt(TagFilterSchema),
    imageRepositoryRef: describe(
      NamespacedObjectReferenceSchema,
      "ImageRepositoryRef points at the object specifying the image\nbeing scanned",
    ),
    interval: opt(
      duration({
        description:
          "Interval is the length of time to wait between\n" +
          "refreshing the digest of the latest tag when the\n" +
          'reflection policy is set to "Always".\n' +
          "\n" +
          "Defaults to 10m.",
      }),
    ),
    policy: ImagePolicyChoiceSchema,
    suspend: opt(
      bool({
        description:
          "This flag tells the controller to suspend subsequent policy reconciliations.\n" +
          "It does not apply to already started reconciliations. Defaults to false.",
      }),
    ),
  },
  {
    description: "ImagePolicySpec defines the parameters for calculating the\nImagePolicy.",
    "x-kubernetes-validations": [
      {
        message: "spec.interval is only accepted when spec.digestReflectionPolicy is set to 'Always'",
        rule: "!has(self.interval) || (has(self.digestReflectionPolicy) && self.digestReflectionPolicy == 'Always')",
      },
      {
        message: "spec.interval must be set when spec.digestReflectionPolicy is set to 'Always'",
        rule: "has(self.interval) || !has(self.digestReflectionPolicy) || self.digestReflectionPolicy != 'Always'",
      },
    ],
  },
);
export type ImagePolicySpec = Static<typeof ImagePolicySpecSchema>;

export const ImageRefSchema = obj(
  {
    digest: opt(str({ description: "Digest is the image's digest." })),
    name: str({ description: "Name is the bare image's name." }),
    tag: str({ description: "Tag is the image's tag." }),
  },
  {
    description:
      "LatestRef gives the first in the list of images scanned by\n" +
      "the image repository, when filtered and ordered according\n" +
      "to the policy.",
  },
);
export type ImageRef = Static<typeof ImageRefSchema>;

export const ImagePolicyStatusSchema = obj(
  {
    conditions: opt(listOf(ConditionSchema)),
    lastHandledReconcileAt: lastHandledReconcileAtField(),
    latestRef: opt(ImageRefSchema),
    observedGeneration: opt(int({ format: "int64" })),
    observedPreviousRef: opt(
      describe(
        ImageRefSchema,
        "ObservedPreviousRef is the observed previous LatestRef. It is used\n" +
          "to keep track of the previous and current images.",
      ),
    ),
  },
  { description: "ImagePolicyStatus defines the observed state of ImagePolicy" },
);
export type ImagePolicyStatus = Static<typeof ImagePolicyStatusSchema>;

export const ImagePolicySchema = fluxRoot({
  description: "ImagePolicy is the Schema for the imagepolicies API",
  spec: ImagePolicySpecSchema,
  status: ImagePolicyStatusSchema,
});
export type ImagePolicy = Static<typeof ImagePolicySchema>;

const imagePolicyColumns: PrinterColumn[] = [
  { jsonPath: ".status.latestRef.name", name: "Image", type: "string" },
  { jsonPath: ".status.latestRef.tag", name: "Tag", type: "string" },
  READY_COLUMN,
  STATUS_COLUMN,
  AGE_COLUMN,
];

export const imagePolicyKind = namespacedKind({
  group: IMAGE_GROUP,
  kind: "ImagePolicy",
  plural: "imagepolicies",
  shortNames: ["imgpol", "imagepol"],
  categories,
  versions: [
    storageVersion(IMAGE_VERSION, ImagePolicySchema, imagePolicyColumns),
    // Flux 2.8's v1beta2 schema is field for field (descriptions included) the v1 one.
    deprecatedVersion("v1beta2", "v1beta2 ImagePolicy is deprecated, upgrade to v1", ImagePolicySchema, imagePolicyColumns),
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// ImageUpdateAutomation

export const AutomationGitRefSchema = obj(
  {
    branch: opt(str({ description: "Branch to check out, defaults to 'master' if no other field is defined." })),
    commit: opt(
      str({
        description:
          "Commit SHA to check out, takes precedence over all reference fields.\n" +
          "\n" +
          "This can be combined with Branch to shallow clone the branch, in which\n" +
          "the commit is expected to exist.",
      }),
    ),
    name: opt(
      str({
        description:
          "Name of the reference to check out; takes precedence over Branch, Tag and SemVer.\n" +
          "\n" +
          "It must be a valid Git reference: https://git-scm.com/docs/git-check-ref-format#_description\n" +
          'Examples: "refs/heads/main", "refs/tags/v0.1.0", "refs/pull/420/head", "refs/merge-requests/1/head"',
      }),
    ),
    semver: opt(str({ description: "SemVer tag expression to check out, takes precedence over Tag." })),
    tag: opt(str({ description: "Tag to check out, takes precedence over Branch." })),
  },
  { description: "Reference gives a branch, tag or commit to clone from the Git\nrepository." },
);
export type AutomationGitRef = Static<typeof AutomationGitRefSchema>;

export const GitCheckoutSpecSchema = obj(
  {
    ref: AutomationGitRefSchema,
  },
  {
    description:
      "Checkout gives the parameters for cloning the git repository,\n" +
      "ready to make changes. If not present, the `spec.ref` field from the\n" +
      "referenced `GitRepository` or its default will be used.",
  },
);
export type GitCheckoutSpec = Static<typeof GitCheckoutSpecSchema>;

export const CommitUserSchema = obj(
  {
    email: str({ description: "Email gives the email to provide when making a commit." }),
    name: opt(str({ description: "Name gives the name to provide when making a commit." })),
  },
  { description: "Author gives the email and optionally the name to use as the\nauthor of commits." },
);
export type CommitUser = Static<typeof CommitUserSchema>;

export const SigningKeySchema = obj(
  {
    secretRef: describe(
      LocalObjectReferenceSchema,
      "SecretRef references a Secret containing the signing key. For type\n" +
        "'gpg', the Secret must contain a 'git.asc' (ASCII-armored OpenPGP\n" +
        "keypair) and may contain a 'passphrase'. For type 'ssh', the Secret\n" +
        "must contain an 'identity' (an SSH private key in any format\n" +
        "golang.org/x/crypto/ssh.ParsePrivateKey accepts; typically the\n" +
        "OpenSSH format produced by 'ssh-keygen') and may contain a 'password'\n" +
        "(the key's passphrase). The SSH conventions match the GitRepository\n" +
        "SSH transport-auth Secret format, allowing a single Secret to serve\n" +
        "both transport and signing when the ImageUpdateAutomation lives in\n" +
        "the same namespace as the GitRepository.\n" +
        "\n" +
        "The Secret itself must live in the same namespace as the\n" +
        "ImageUpdateAutomation.\n" +
        "\n" +
        "Supported SSH key algorithms: ed25519, ecdsa-sha2-nistp256/384/521,\n" +
        "and rsa (>= 2048-bit).",
    ),
    type: opt(
      enumOf(["gpg", "ssh"] as const, {
        description:
          "Type selects the signing-key format expected in the referenced\n" +
          "Secret. When empty, the controller defaults to 'gpg'.",
      }),
    ),
  },
  {
    description:
      "SigningKey provides the option to sign commits with an OpenPGP or\n" +
      "SSH signing key, referenced from a Secret. See SigningKey.",
  },
);
export type SigningKey = Static<typeof SigningKeySchema>;

export const CommitSpecSchema = obj(
  {
    author: CommitUserSchema,
    messageTemplate: opt(
      str({
        description:
          "MessageTemplate provides a template for the commit message,\n" +
          "into which will be interpolated the details of the change made.\n" +
          "Note: The `Updated` template field has been removed. Use `Changed` instead.",
      }),
    ),
    messageTemplateValues: opt(
      mapOf(str(), {
        description: "MessageTemplateValues provides additional values to be available to the\ntemplating rendering.",
      }),
    ),
    signingKey: opt(SigningKeySchema),
  },
  { description: "Commit specifies how to commit to the git repository." },
);
export type CommitSpec = Static<typeof CommitSpecSchema>;

/** The push fields v1 and v1beta1 share; their refspec differs (v1 rejects a leading `+` or `:`). */
const pushSpecFields = {
    branch: opt(
      str({
        description:
          "Branch specifies that commits should be pushed to the branch\n" +
          "named. The branch is created using `.spec.checkout.branch` as the\n" +
          "starting point, if it doesn't already exist.",
      }),
    ),
    options: opt(
      mapOf(str(), {
        description:
          "Options specifies the push options that are sent to the Git\n" +
          "server when performing a push operation. For details, see:\n" +
          "https://git-scm.com/docs/git-push#Documentation/git-push.txt---push-optionltoptiongt",
      }),
    ),
};
const PUSH_SPEC_DESCRIPTION =
  "Push specifies how and where to push commits made by the\n" +
  "automation. If missing, commits are pushed (back) to\n" +
  "`.spec.checkout.branch` or its default.";

export const PushSpecSchema = obj(
  {
    ...pushSpecFields,
    refspec: opt(
      str({
        description:
          "Refspec specifies the Git Refspec to use for a push operation.\n" +
          "If both Branch and Refspec are provided, then the commit is pushed\n" +
          "to the branch and also using the specified refspec.\n" +
          "Deletion refspecs and refspecs prefixed with '+' are not supported.\n" +
          "For more details about Git Refspecs, see:\n" +
          "https://git-scm.com/book/en/v2/Git-Internals-The-Refspec",
        pattern: "^$|^[^+:]",
      }),
    ),
  },
  { description: PUSH_SPEC_DESCRIPTION },
);
export type PushSpec = Static<typeof PushSpecSchema>;

const gitSpecSchema = <C extends TSchema, P extends TSchema>(commit: C, push: P) =>
  obj(
    { checkout: opt(GitCheckoutSpecSchema), commit, push: opt(push) },
    {
      description:
        "GitSpec contains all the git-specific definitions. This is\n" +
        "technically optional, but in practice mandatory until there are\n" +
        "other kinds of source allowed.",
    },
  );

export const GitSpecSchema = gitSpecSchema(CommitSpecSchema, PushSpecSchema);
export type GitSpec = Static<typeof GitSpecSchema>;

export const LabelSelectorRequirementSchema = obj(
  {
    key: str({ description: "key is the label key that the selector applies to." }),
    operator: str({
      description:
        "operator represents a key's relationship to a set of values.\n" +
        "Valid operators are In, NotIn, Exists and DoesNotExist.",
    }),
    values: opt(
      listOf(str(), {
        description:
          "values is an array of string values. If the operator is In or NotIn,\n" +
          "the values array must be non-empty. If the operator is Exists or DoesNotExist,\n" +
          "the values array must be empty. This array is replaced during a strategic\n" +
          "merge patch.",
        "x-kubernetes-list-type": "atomic",
      }),
    ),
  },
  {
    description:
      "A label selector requirement is a selector that contains values, a key, and an operator that\n" +
      "relates the key and values.",
  },
);
export type LabelSelectorRequirement = Static<typeof LabelSelectorRequirementSchema>;

export const LabelSelectorSchema = obj(
  {
    matchExpressions: opt(
      listOf(LabelSelectorRequirementSchema, {
        description: "matchExpressions is a list of label selector requirements. The requirements are ANDed.",
        "x-kubernetes-list-type": "atomic",
      }),
    ),
    matchLabels: opt(
      mapOf(str(), {
        description:
          "matchLabels is a map of {key,value} pairs. A single {key,value} in the matchLabels\n" +
          'map is equivalent to an element of matchExpressions, whose key field is "key", the\n' +
          'operator is "In", and the values array contains only "value". The requirements are ANDed.',
      }),
    ),
  },
  {
    description:
      "PolicySelector allows to filter applied policies based on labels.\n" +
      "By default includes all policies in namespace.",
    "x-kubernetes-map-type": "atomic",
  },
);
export type LabelSelector = Static<typeof LabelSelectorSchema>;

export const AutomationSourceRefSchema = obj(
  {
    apiVersion: opt(str({ description: "API version of the referent." })),
    kind: enumOf(["GitRepository"] as const, { default: "GitRepository", description: "Kind of the referent." }),
    name: str({ description: "Name of the referent." }),
    namespace: opt(
      str({
        description:
          "Namespace of the referent, defaults to the namespace of the Kubernetes resource object that contains the reference.",
      }),
    ),
  },
  { description: "SourceRef refers to the resource giving access details\nto a git repository." },
);
export type AutomationSourceRef = Static<typeof AutomationSourceRefSchema>;

const UPDATE_STRATEGY_PATH = opt(
  str({
    description:
      "Path to the directory containing the manifests to be updated.\n" +
      "Defaults to 'None', which translates to the root path\n" +
      "of the GitRepositoryRef.",
  }),
);
const UPDATE_STRATEGY_NAME = enumOf(["Setters"] as const, { default: "Setters", description: "Strategy names the strategy to be used." });
const UPDATE_STRATEGY_OPTIONS = {
  default: { strategy: "Setters" },
  description:
    "Update gives the specification for how to update the files in\n" +
    "the repository. This can be left empty, to use the default\n" +
    "value.",
};

export const UpdateStrategySchema = obj({ path: UPDATE_STRATEGY_PATH, strategy: opt(UPDATE_STRATEGY_NAME) }, UPDATE_STRATEGY_OPTIONS);
export type UpdateStrategy = Static<typeof UpdateStrategySchema>;

/** The spec fields v1 and v1beta1 share. */
const automationSpecFields = {
  interval: duration({
    description: "Interval gives an lower bound for how often the automation\nrun should be attempted.",
  }),
  sourceRef: AutomationSourceRefSchema,
  suspend: opt(
    bool({
      description:
        "Suspend tells the controller to not run this automation, until\n" +
        "it is unset (or set to false). Defaults to false.",
    }),
  ),
};
const AUTOMATION_SPEC_DESCRIPTION = "ImageUpdateAutomationSpec defines the desired state of ImageUpdateAutomation";

export const ImageUpdateAutomationSpecSchema = obj(
  {
    ...automationSpecFields,
    git: opt(GitSpecSchema),
    policySelector: opt(LabelSelectorSchema),
    update: opt(UpdateStrategySchema),
  },
  { description: AUTOMATION_SPEC_DESCRIPTION },
);
export type ImageUpdateAutomationSpec = Static<typeof ImageUpdateAutomationSpecSchema>;

/** The status fields v1 and v1beta1 share. */
const automationStatusFields = {
    conditions: opt(listOf(ConditionSchema)),
    lastAutomationRunTime: opt(
      time({
        description:
          "LastAutomationRunTime records the last time the controller ran\n" +
          "this automation through to completion (even if no updates were\n" +
          "made).",
      }),
    ),
    lastHandledReconcileAt: lastHandledReconcileAtField(),
    lastPushCommit: opt(
      str({
        description:
          "LastPushCommit records the SHA1 of the last commit made by the\ncontroller, for this automation object",
      }),
    ),
    lastPushTime: opt(time({ description: "LastPushTime records the time of the last pushed change." })),
    observedGeneration: opt(int({ format: "int64" })),
};
const AUTOMATION_STATUS_DESCRIPTION = "ImageUpdateAutomationStatus defines the observed state of ImageUpdateAutomation";

export const ImageUpdateAutomationStatusSchema = obj(
  {
    ...automationStatusFields,
    observedPolicies: opt(
      mapOf(describe(ImageRefSchema, "ImageRef represents an image reference."), {
        description:
          "ObservedPolicies is the list of observed ImagePolicies that were\n" +
          "considered by the ImageUpdateAutomation update process.",
      }),
    ),
    observedSourceRevision: opt(
      str({
        description:
          "ObservedSourceRevision is the last observed source revision. This can be\n" +
          "used to determine if the source has been updated since last observation.",
      }),
    ),
  },
  { description: AUTOMATION_STATUS_DESCRIPTION },
);
export type ImageUpdateAutomationStatus = Static<typeof ImageUpdateAutomationStatusSchema>;

export const ImageUpdateAutomationSchema = fluxRoot({
  description: "ImageUpdateAutomation is the Schema for the imageupdateautomations API",
  spec: ImageUpdateAutomationSpecSchema,
  status: ImageUpdateAutomationStatusSchema,
});
export type ImageUpdateAutomation = Static<typeof ImageUpdateAutomationSchema>;

// ImageUpdateAutomation v1beta1 (Flux 2.6), reusing the v1 structs that did not change.
export const SigningKeyV1beta1Schema = obj(
  {
    secretRef: describe(
      LocalObjectReferenceSchema,
      "SecretRef holds the name to a secret that contains a 'git.asc' key\n" +
        "corresponding to the ASCII Armored file containing the GPG signing\n" +
        "keypair as the value. It must be in the same namespace as the\n" +
        "ImageUpdateAutomation.",
    ),
  },
  { description: "SigningKey provides the option to sign commits with a GPG key" },
);
export type SigningKeyV1beta1 = Static<typeof SigningKeyV1beta1Schema>;

export const CommitSpecV1beta1Schema = obj(
  {
    author: CommitUserSchema,
    messageTemplate: opt(
      str({
        description:
          "MessageTemplate provides a template for the commit message,\n" +
          "into which will be interpolated the details of the change made.",
      }),
    ),
    signingKey: opt(SigningKeyV1beta1Schema),
  },
  { description: "Commit specifies how to commit to the git repository." },
);
export type CommitSpecV1beta1 = Static<typeof CommitSpecV1beta1Schema>;

export const PushSpecV1beta1Schema = obj(
  {
    ...pushSpecFields,
    refspec: opt(
      str({
        description:
          "Refspec specifies the Git Refspec to use for a push operation.\n" +
          "If both Branch and Refspec are provided, then the commit is pushed\n" +
          "to the branch and also using the specified refspec.\n" +
          "For more details about Git Refspecs, see:\n" +
          "https://git-scm.com/book/en/v2/Git-Internals-The-Refspec",
      }),
    ),
  },
  { description: PUSH_SPEC_DESCRIPTION },
);
export type PushSpecV1beta1 = Static<typeof PushSpecV1beta1Schema>;

export const GitSpecV1beta1Schema = gitSpecSchema(CommitSpecV1beta1Schema, PushSpecV1beta1Schema);
export type GitSpecV1beta1 = Static<typeof GitSpecV1beta1Schema>;

export const UpdateStrategyV1beta1Schema = obj({ path: UPDATE_STRATEGY_PATH, strategy: UPDATE_STRATEGY_NAME }, UPDATE_STRATEGY_OPTIONS);
export type UpdateStrategyV1beta1 = Static<typeof UpdateStrategyV1beta1Schema>;

/**
 * The v1beta1 spec. Objects are stored as v1 and served as v1beta1 by rewriting apiVersion only, so v1beta1 cannot
 * carry what v1 added: `spec.policySelector`, `spec.git.commit.messageTemplateValues`,
 * `spec.git.commit.signingKey.type` (v1beta1 keys are always GPG) and, in status, `observedPolicies` and
 * `observedSourceRevision`. A client that reads one of those objects at v1beta1 and writes it back drops them.
 * The other way round, v1beta1 accepted any `push.refspec` (v1 rejects one starting with `+` or `:`) and a
 * `messageTemplate` using `.Updated` (v1's controller refuses it); `update.strategy` is required in v1beta1 only,
 * which the default fills in anyway.
 */
export const ImageUpdateAutomationSpecV1beta1Schema = obj(
  { ...automationSpecFields, git: opt(GitSpecV1beta1Schema), update: opt(UpdateStrategyV1beta1Schema) },
  { description: AUTOMATION_SPEC_DESCRIPTION },
);
export type ImageUpdateAutomationSpecV1beta1 = Static<typeof ImageUpdateAutomationSpecV1beta1Schema>;

export const ImageUpdateAutomationStatusV1beta1Schema = obj(automationStatusFields, { description: AUTOMATION_STATUS_DESCRIPTION });
export type ImageUpdateAutomationStatusV1beta1 = Static<typeof ImageUpdateAutomationStatusV1beta1Schema>;

export const ImageUpdateAutomationV1beta1Schema = fluxRoot({
  description: "ImageUpdateAutomation is the Schema for the imageupdateautomations API",
  spec: ImageUpdateAutomationSpecV1beta1Schema,
  status: ImageUpdateAutomationStatusV1beta1Schema,
});
export type ImageUpdateAutomationV1beta1 = Static<typeof ImageUpdateAutomationV1beta1Schema>;

export const imageUpdateAutomationKind = namespacedKind({
  group: IMAGE_GROUP,
  kind: "ImageUpdateAutomation",
  plural: "imageupdateautomations",
  shortNames: ["iua", "imgupd", "imgauto"],
  categories,
  versions: [
    storageVersion(IMAGE_VERSION, ImageUpdateAutomationSchema, [
      READY_COLUMN,
      STATUS_COLUMN,
      { jsonPath: ".status.lastAutomationRunTime", name: "Last run", priority: 1, type: "string" },
      AGE_COLUMN,
    ]),
    deprecatedVersion(
      "v1beta1",
      "v1beta1 ImageUpdateAutomation is deprecated, upgrade to v1",
      ImageUpdateAutomationV1beta1Schema,
      [{ jsonPath: ".status.lastAutomationRunTime", name: "Last run", type: "string" }],
    ),
  ],
});

