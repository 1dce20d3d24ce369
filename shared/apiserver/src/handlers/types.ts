/** Transport-neutral request and result shapes shared by the verb handlers (HTTP and in-process callers). */
import type { Status } from "../errors.js";
import type { KubeObject, ResourceType } from "../registry.js";
import type { StoredEntry } from "../store.js";

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

export interface Scope {
  type: ResourceType;
  /** The requested version (objects are converted to and from it). */
  version: string;
  /** The namespace from the path; undefined for cluster-scoped types and all-namespace lists/watches. */
  namespace?: string;
  name?: string;
  subresource?: string;
}

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export interface WriteOptions {
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation: FieldValidation;
  userAgent?: string;
  force?: boolean;
}

export interface Result {
  status: number;
  object: KubeObject | Status;
  warnings: string[];
  /** The stored entry when `object` is exactly its object (its cached encoding can be reused). */
  entry?: StoredEntry;
}

export const PATCH_TYPES = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
  applyCbor: "application/apply-patch+cbor",
} as const;
