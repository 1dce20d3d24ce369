/**
 * Structs that kustomize-controller and helm-controller both embed: kustomize's Selector/Patch/Image
 * (`fluxcd/pkg/apis/kustomize`), DependencyReference (`fluxcd/pkg/apis/meta`), CustomHealthCheck, and the
 * IgnoreRule, ResourceInventory and CommonMetadata shapes each controller declares alike. Where the two CRDs describe
 * a struct differently, the builder takes that description.
 */
import type { Static } from "@sinclair/typebox";
import { str, obj, opt, listOf, mapOf } from "./schema.js";

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

/** kustomize's resource selector (`kustomize.Selector`). */
export const selectorSchema = (description: string) =>
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

export const PATCHES_DESCRIPTION =
  "Strategic merge and JSON patches, defined as inline YAML objects,\ncapable of targeting objects based on kind, label and annotation selectors.";
export const IMAGES_DESCRIPTION =
  "Images is a list of (image name, new name, new tag or digest)\n" +
  "for changing image names, tags or digests. This can also be achieved with a\n" +
  "patch, but this operator is simpler to specify.";

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

/**
 * A drift-detection ignore rule; the controllers differ only in how they describe the target ("...the manifest of
 * the Kustomization" / "...of the Helm release"), so the builder takes the target selector.
 */
export const ignoreRuleSchema = <T extends ReturnType<typeof selectorSchema>>(target: T) =>
  obj(
    {
      paths: listOf(str(), {
        description: "Paths is a list of JSON Pointer (RFC 6901) paths to be excluded from\nconsideration in a Kubernetes object.",
      }),
      target: opt(target),
    },
    { description: "IgnoreRule defines a rule to selectively disregard specific changes during\nthe drift detection process." },
  );

/** The target description of an ignore rule, naming what the manifest belongs to. */
export const ignoreTargetDescription = (manifestOwner: string) =>
  "Target is a selector for specifying Kubernetes objects to which this\n" +
  "rule applies.\n" +
  "If Target is not set, the Paths will be ignored for all Kubernetes\n" +
  `objects within the manifest of the ${manifestOwner}.`;

export const CommonMetadataSchema = obj(
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
);
export type CommonMetadata = Static<typeof CommonMetadataSchema>;

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

/** The applied-objects inventory; each controller describes it in its own words. */
export const resourceInventorySchema = (description: string) =>
  obj({ entries: listOf(ResourceRefSchema, { description: "Entries of Kubernetes resource object references." }) }, { description });
