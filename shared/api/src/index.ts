/**
 * Flux's API, one source of truth: the kinds, their TypeScript types, and the CRDs generated from them.
 *
 * Shared pieces (schema builders, meta types, CRD generation) are exported flat. Each API group is also exported as a
 * namespace (`source`, `kustomize`, `helm`, `notification`, `image`) because groups reuse Go type names
 * (DependencyReference, Selector, ...); the kind definitions and root object types are re-exported flat for
 * convenience. A group's module can also be imported directly, e.g. `@flotilla/api/source`.
 */
import type { KindDefinition } from "./kind.js";
import { crdFor, type CustomResourceDefinition } from "./crd.js";
import { bucketKind, gitRepositoryKind, helmChartKind, helmRepositoryKind, ociRepositoryKind } from "./source.js";
import { kustomizationKind } from "./kustomize.js";
import { helmReleaseKind } from "./helm.js";
import { alertKind, providerKind, receiverKind } from "./notification.js";
import { imagePolicyKind, imageRepositoryKind, imageUpdateAutomationKind } from "./image.js";

export * from "./schema.js";
export * from "./kind.js";
export * from "./meta.js";
export * from "./crd.js";

export * as source from "./source.js";
export * as kustomize from "./kustomize.js";
export * as helm from "./helm.js";
export * as notification from "./notification.js";
export * as image from "./image.js";

export {
  gitRepositoryKind,
  ociRepositoryKind,
  helmRepositoryKind,
  helmChartKind,
  bucketKind,
  type GitRepository,
  type OCIRepository,
  type HelmRepository,
  type HelmChart,
  type Bucket,
} from "./source.js";
export { kustomizationKind, type Kustomization } from "./kustomize.js";
export { helmReleaseKind, type HelmRelease } from "./helm.js";
export { alertKind, providerKind, receiverKind, type Alert, type Provider, type Receiver } from "./notification.js";
export {
  imageRepositoryKind,
  imagePolicyKind,
  imageUpdateAutomationKind,
  type ImageRepository,
  type ImagePolicy,
  type ImageUpdateAutomation,
} from "./image.js";

/** Every Flux kind Flotilla serves, in a stable order. */
export const allKinds: readonly KindDefinition[] = [
  gitRepositoryKind,
  ociRepositoryKind,
  helmRepositoryKind,
  helmChartKind,
  bucketKind,
  kustomizationKind,
  helmReleaseKind,
  alertKind,
  providerKind,
  receiverKind,
  imageRepositoryKind,
  imagePolicyKind,
  imageUpdateAutomationKind,
];

/** The CRD of every kind in `allKinds`. */
export function allCRDs(): CustomResourceDefinition[] {
  return allKinds.map(crdFor);
}
