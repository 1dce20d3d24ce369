/**
 * @flotilla/merge: how Kubernetes objects merge. One SchemaNode tree (schema.ts) describes list and map semantics;
 * strategic merge patch, JSON merge patch and JSON patch apply patches the way kube-apiserver does, and the
 * server-side apply engine (ssa/) manages fields on top of the same tree.
 */
export * from "./schema.js";
export { PatchError, type PatchErrorCause, type PatchErrorReason } from "./errors.js";
export { builtinSchema, builtinKinds, objectMetaSchema } from "./builtin.js";
export { strategicMergePatch } from "./smp.js";
export { jsonMergePatch, applyJsonPatch, maxJsonPatchOperations } from "./jsonpatch.js";
export * from "./ssa/index.js";
