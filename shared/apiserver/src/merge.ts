/**
 * The patch and server-side-apply algorithms of @flotilla/merge behind one small interface, and the mapping
 * of their typed errors (PatchError, SsaError) to ApiError.
 */
import { applyJsonPatch, builtinSchema, jsonMergePatch, strategicMergePatch, type SchemaNode } from "@flotilla/merge";
import { applyServerSide, managedFieldsAfterUpdate, type FieldConflict } from "@flotilla/merge/ssa/index";
import { ApiError, type StatusCause, type StatusReason } from "./errors.js";
import type { KubeObject, ManagedFieldsEntry } from "./registry.js";

export interface ApplyArgs {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  schema: SchemaNode;
  apiVersion: string;
  kind: string;
  subresource?: string;
  now: Date;
  /** Top-level fields the strategy resets (nobody may own them through this endpoint). */
  ignoredPaths?: string[][];
}

export type ApplyResult =
  | { object: KubeObject; managedFields: ManagedFieldsEntry[]; conflicts?: undefined }
  | { conflicts: FieldConflict[]; message: string; object?: undefined };

export interface UpdateManagedArgs {
  live: KubeObject | undefined;
  updated: KubeObject;
  manager: string;
  schema: SchemaNode;
  apiVersion: string;
  subresource?: string;
  now: Date;
  ignoredPaths?: string[][];
}

export interface MergeImpl {
  strategicMergePatch(original: object, patch: unknown, schema: SchemaNode): KubeObject;
  jsonMergePatch(original: unknown, patch: unknown): unknown;
  applyJsonPatch(doc: unknown, ops: unknown): unknown;
  builtinSchema(apiVersion: string, kind: string): SchemaNode | undefined;
  applyServerSide(args: ApplyArgs): ApplyResult;
  /** The managedFields after a non-apply write. */
  updateManagedFields(args: UpdateManagedArgs): ManagedFieldsEntry[];
}

export const merge: MergeImpl = {
  strategicMergePatch: (o, p, s) => strategicMergePatch(o, p, s) as KubeObject,
  jsonMergePatch,
  applyJsonPatch,
  builtinSchema,
  applyServerSide(args) {
    const r = applyServerSide({
      live: args.live as never,
      applied: args.applied as never,
      manager: args.manager,
      force: args.force,
      schema: args.schema,
      apiVersion: args.apiVersion,
      kind: args.kind,
      subresource: args.subresource,
      now: args.now,
      ignoredPaths: args.ignoredPaths,
    });
    if ("conflicts" in r) return { conflicts: r.conflicts, message: r.message };
    return { object: r.object as KubeObject, managedFields: r.managedFields as ManagedFieldsEntry[] };
  },
  updateManagedFields(args) {
    // Only the entries are needed: the variant that does not also copy the object.
    return managedFieldsAfterUpdate({
      live: args.live as never,
      updated: args.updated as never,
      manager: args.manager,
      schema: args.schema,
      apiVersion: args.apiVersion,
      subresource: args.subresource,
      now: args.now,
      ignoredPaths: args.ignoredPaths,
    }) as ManagedFieldsEntry[];
  },
};

/** Maps a PatchError / SsaError from @flotilla/merge to an ApiError; undefined for anything else. */
export function toApiError(e: unknown): ApiError | undefined {
  if (e instanceof ApiError) return e;
  if (!e || typeof e !== "object") return undefined;
  const name = (e as { name?: string }).name;
  if (name === "PatchError") {
    const pe = e as { reason: StatusReason; code: number; message: string; causes?: StatusCause[] };
    return new ApiError(pe.code, pe.reason, pe.message, pe.causes && pe.causes.length ? { causes: pe.causes } : undefined);
  }
  if (name === "SsaError") {
    const se = e as { reason: string; code: number; message: string };
    // "Unknown" is upstream's non-Status error: code 500 with no reason on the wire.
    return new ApiError(se.code, se.reason === "BadRequest" ? "BadRequest" : "", se.message);
  }
  return undefined;
}
