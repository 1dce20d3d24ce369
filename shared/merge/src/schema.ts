/**
 * The shape knowledge that strategic merge patch (SMP) and server-side apply (SSA) need, and nothing more.
 *
 * One tree serves both: built-in kinds carry their patch strategies and merge keys (the Go struct tags of
 * k8s.io/api, which also drive `x-kubernetes-list-type` in the upstream OpenAPI); custom resources get a tree
 * converted from their CRD's openAPIV3Schema. The kustomize engine and the API server read the same tree.
 */
export type SchemaNode = MapNode | ListNode | ScalarNode | UntypedNode;

export interface MapNode {
  type: "map";
  /** Named fields (a struct). */
  fields?: Record<string, SchemaNode>;
  /** The value type of keys not in `fields` (a Go map, or `additionalProperties`). */
  additional?: SchemaNode;
  /** `x-kubernetes-map-type`; "atomic" maps are owned (and replaced) whole by SSA. SMP ignores it and merges key by key, as kubectl does. */
  mapType?: "granular" | "atomic";
  /** `x-kubernetes-preserve-unknown-fields`: fields not in `fields` are kept (and typed as untyped). */
  preserveUnknown?: boolean;
  /** SMP `patchStrategy: retainKeys` on this struct (e.g. Deployment .spec.strategy, Pod volumes items). */
  retainKeys?: boolean;
}

export interface ListNode {
  type: "list";
  items: SchemaNode;
  /** `x-kubernetes-list-type`: how SSA merges and owns the list. */
  listType: "atomic" | "set" | "map";
  /** `x-kubernetes-list-map-keys` when listType is "map". */
  keys?: string[];
  /** Defaults of key fields that items may omit (container and Service ports omit `protocol`, which means TCP). */
  keyDefaults?: Record<string, string | number | boolean>;
  /** SMP `patchStrategy` ("merge", "replace", or "merge,retainKeys"); absent means replace. */
  patchStrategy?: string;
  /** SMP `patchMergeKey`; for lists of scalars with strategy merge there is none. */
  patchMergeKey?: string;
}

export interface ScalarNode {
  type: "scalar";
}

/** No schema known: SSA deduces (maps granular, lists atomic); SMP merges maps and replaces lists. */
export interface UntypedNode {
  type: "untyped";
}

export const untyped: UntypedNode = { type: "untyped" };
export const scalar: ScalarNode = { type: "scalar" };

/** The node for `field` inside a map node, or untyped where the schema says nothing. */
export function fieldNode(node: SchemaNode | undefined, field: string): SchemaNode {
  if (!node || node.type !== "map") return untyped;
  return node.fields?.[field] ?? node.additional ?? untyped;
}

/** The node for the items of a list node, or untyped. */
export function itemNode(node: SchemaNode | undefined): SchemaNode {
  return node && node.type === "list" ? node.items : untyped;
}
