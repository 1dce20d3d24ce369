/**
 * Server-side apply: a port of the essentials of sigs.k8s.io/structured-merge-diff and of kube-apiserver's field
 * manager. `applyServerSide` and `updateManagedFields` are what the API server calls; the field sets, FieldsV1
 * codec and the updater underneath are exported for tests and for tools that reason about ownership.
 */
export {
  applyServerSide,
  updateManagedFields,
  managedFieldsAfterUpdate,
  fieldSetOf,
  managerIdentifier,
  objectMetaNode,
  SsaError,
  describeConflicts,
  beforeFirstApplyManager,
  ancientChangesManager,
  maxUpdateManagers,
  lastAppliedAnnotation,
  type ApplyOptions,
  type ApplyResult,
  type UpdateOptions,
  type ManagedFieldsEntry,
  type FieldConflict,
  type SsaErrorReason,
} from "./fieldmanager.js";
export { FieldSet, encodeFieldsV1, decodeFieldsV1, FieldsV1Error } from "./fieldset.js";
export {
  type PathElement,
  type Path,
  fieldElement,
  keyElement,
  valueElement,
  indexElement,
  makePath,
  pathString,
  comparePathElements,
  serializePathElement,
  deserializePathElement,
} from "./path.js";
export { applyManagers, updateManagers, ConflictsError, type Conflict, type VersionedSet, type ManagedFieldSets, type ApplyOutcome } from "./updater.js";
export { mergeValues, compareTyped, toFieldSet, removeItems, validateKeys, TypedValueError, type Comparison } from "./typed.js";
export { type JsonValue, type JsonObject } from "./value.js";
