/**
 * Structural OpenAPI v3 schemas of the built-in kinds, derived from their protobuf descriptors (the field
 * names of k8s.io/api's generated.proto are the JSON names). They have no descriptions, defaults or
 * validations: they give the server what decoding into Go structs gives kube-apiserver — which fields exist —
 * so unknown fields of built-ins are dropped and reported (fieldValidation), and `kubectl explain` and
 * OpenAPI-driven clients see the real shape of each kind. The merge semantics (patch strategies and merge
 * keys for kubectl's client-side apply, list and map types for SSA) come from @flotilla/merge's built-in
 * SchemaNodes, as the x-kubernetes-* extensions upstream's OpenAPI carries.
 */
import { createRequire } from "node:module";
import { builtinSchema, type SchemaNode } from "@flotilla/merge";

type FieldRow = [number, string, number, string, 0 | 1];
type MessageDesc = FieldRow[] | { map: [FieldRow, FieldRow] };

import { INLINE_FIELDS } from "./inline.js";

const require = createRequire(import.meta.url);
const table = require("./descriptors.json") as { messages: Record<string, MessageDesc> };

const META = "k8s.io.apimachinery.pkg.apis.meta.v1";

type Schema = Record<string, unknown>;

const SPECIAL: Record<string, () => Schema> = {
  [`${META}.Time`]: () => ({ type: "string", format: "date-time" }),
  [`${META}.MicroTime`]: () => ({ type: "string", format: "date-time" }),
  [`${META}.Duration`]: () => ({ type: "string" }),
  [`${META}.FieldsV1`]: () => ({ type: "object", "x-kubernetes-preserve-unknown-fields": true }),
  "k8s.io.apimachinery.pkg.util.intstr.IntOrString": () => ({ "x-kubernetes-int-or-string": true }),
  "k8s.io.apimachinery.pkg.api.resource.Quantity": () => ({ "x-kubernetes-int-or-string": true }),
  "k8s.io.apimachinery.pkg.runtime.RawExtension": () => ({ type: "object", "x-kubernetes-preserve-unknown-fields": true }),
};

function scalarSchema(type: number): Schema {
  switch (type) {
    case 1:
    case 2:
      return { type: "number", format: "double" };
    case 3:
    case 4:
    case 6:
    case 16:
    case 18:
      return { type: "integer", format: "int64" };
    case 5:
    case 7:
    case 13:
    case 15:
    case 17:
      return { type: "integer", format: "int32" };
    case 8:
      return { type: "boolean" };
    case 12:
      return { type: "string", format: "byte" };
    default:
      return { type: "string" };
  }
}

function fieldSchema(row: FieldRow, stack: string[]): Schema {
  const [, , type, typeName, repeated] = row;
  let item: Schema;
  if (type === 11) {
    const desc = table.messages[typeName];
    if (desc && !Array.isArray(desc)) {
      const [, v] = desc.map;
      return { type: "object", additionalProperties: v[2] === 11 ? messageSchema(v[3], stack) : scalarSchema(v[2]) };
    }
    item = messageSchema(typeName, stack);
  } else item = scalarSchema(type);
  return repeated ? { type: "array", items: item } : item;
}

function messageSchema(name: string, stack: string[]): Schema {
  const special = SPECIAL[name];
  if (special) return special();
  const desc = table.messages[name];
  // a cycle or an unknown message: keep whatever is there
  if (!desc || !Array.isArray(desc) || stack.includes(name)) return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const properties: Record<string, Schema> = {};
  const next = [...stack, name];
  for (const row of desc) {
    if (INLINE_FIELDS.has(`${name}.${row[1]}`)) {
      const inner = messageSchema(row[3], next);
      Object.assign(properties, inner.properties as Record<string, Schema>);
    } else properties[row[1]] = fieldSchema(row, next);
  }
  return { type: "object", properties };
}

function packageFor(group: string, version: string): string {
  return group === "" ? `k8s.io.api.core.${version}` : `k8s.io.api.${group.split(".")[0]}.${version}`;
}

/** Copies the merge semantics of a SchemaNode onto the matching OpenAPI schema (in place). */
function annotate(schema: Schema, node: SchemaNode | undefined): void {
  if (!node || node.type === "untyped" || node.type === "scalar") return;
  if (node.type === "list") {
    if (schema.type !== "array") return;
    schema["x-kubernetes-list-type"] = node.listType;
    if (node.listType === "map" && node.keys) schema["x-kubernetes-list-map-keys"] = node.keys;
    if (node.patchStrategy) schema["x-kubernetes-patch-strategy"] = node.patchStrategy;
    if (node.patchMergeKey) schema["x-kubernetes-patch-merge-key"] = node.patchMergeKey;
    annotate(schema.items as Schema, node.items);
    return;
  }
  if (schema.type !== "object") return;
  if (node.mapType === "atomic") schema["x-kubernetes-map-type"] = "atomic";
  if (node.retainKeys) schema["x-kubernetes-patch-strategy"] = "retainKeys";
  const props = schema.properties as Record<string, Schema> | undefined;
  if (props) for (const [k, v] of Object.entries(props)) annotate(v, node.fields?.[k] ?? node.additional);
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") annotate(schema.additionalProperties as Schema, node.additional);
}

const cache = new Map<string, Schema | undefined>();

/** The structural schema of a built-in kind, or undefined when its message is unknown. */
export function builtinOpenAPISchema(group: string, version: string, kind: string): Schema | undefined {
  const key = `${group}/${version}/${kind}`;
  if (cache.has(key)) return cache.get(key);
  const name = `${packageFor(group, version)}.${kind}`;
  let schema: Schema | undefined;
  if (Array.isArray(table.messages[name])) {
    schema = messageSchema(name, []);
    (schema.properties as Record<string, Schema>).apiVersion = { type: "string" };
    (schema.properties as Record<string, Schema>).kind = { type: "string" };
    annotate(schema, builtinSchema(group ? `${group}/${version}` : version, kind));
  }
  cache.set(key, schema);
  return schema;
}

/**
 * Drops the fields a built-in kind does not have (what decoding into its Go struct does) and returns their
 * paths, `.spec.foo` / `.spec.containers[0].bar` style, as the CRD pruner reports them. The object is
 * modified in place.
 */
export function pruneUnknownFields(obj: Record<string, unknown>, schema: Schema): string[] {
  const unknown: string[] = [];
  walk(obj, schema, "", unknown);
  return unknown.sort();
}

function walk(v: unknown, s: Schema, path: string, unknown: string[]): void {
  if (v === null || typeof v !== "object" || s["x-kubernetes-preserve-unknown-fields"]) return;
  if (Array.isArray(v)) {
    const items = s.items as Schema | undefined;
    if (items) v.forEach((x, i) => walk(x, items, `${path}[${i}]`, unknown));
    return;
  }
  const o = v as Record<string, unknown>;
  const props = s.properties as Record<string, Schema> | undefined;
  const additional = s.additionalProperties as Schema | undefined;
  for (const k of Object.keys(o)) {
    const child = props?.[k] ?? additional;
    if (!child) {
      if (props) {
        unknown.push(`${path}.${k}`);
        delete o[k];
      }
      continue;
    }
    walk(o[k], child, `${path}.${k}`, unknown);
  }
}

/**
 * Slices without `omitempty` in k8s.io/api (an empty one survives Go's JSON round trip), by the end of their
 * path with list indices left out. Every other slice and every Go map of a built-in is `omitempty`.
 */
const KEPT_WHEN_EMPTY_SUFFIXES = [
  ".containers",
  ".verbs",
  ".nodeSelectorTerms",
  ".admissionReviewVersions",
  ".storedVersions",
  ".http.paths",
  ".podFailurePolicy.rules",
  ".successPolicy.rules",
  ".onExitCodes.values",
  ".onPodConditions",
  ".matchLabelExpressions.values",
];
/** Top-level ones: Role/ClusterRole rules, EndpointSlice endpoints, CRD versions, LimitRange limits. */
const KEPT_WHEN_EMPTY_PATHS = new Set([".rules", ".endpoints", ".spec.versions", ".spec.limits"]);

/**
 * What decoding into the Go struct and encoding again does to empty collections: empty (or null) maps and
 * `omitempty` slices disappear, empty structs stay (`resources: {}`). The schema tells Go maps
 * (`additionalProperties` only) apart from structs. Modifies `obj` in place.
 */
export function dropEmptyCollections(obj: Record<string, unknown>, schema: Schema): void {
  dropIn(obj, schema, "");
}

function dropIn(v: unknown, s: Schema, path: string): void {
  if (v === null || typeof v !== "object" || s["x-kubernetes-preserve-unknown-fields"]) return;
  if (Array.isArray(v)) {
    const items = s.items as Schema | undefined;
    if (items) for (const x of v) dropIn(x, items, path);
    return;
  }
  const o = v as Record<string, unknown>;
  const props = s.properties as Record<string, Schema> | undefined;
  const additional = s.additionalProperties && typeof s.additionalProperties === "object" ? (s.additionalProperties as Schema) : undefined;
  for (const k of Object.keys(o)) {
    const child = props?.[k] ?? additional;
    if (!child) continue;
    const childPath = `${path}.${k}`;
    const value = o[k];
    dropIn(value, child, childPath);
    if (child.type === "array" && (value === null || (Array.isArray(value) && value.length === 0))) {
      if (!KEPT_WHEN_EMPTY_PATHS.has(childPath) && !KEPT_WHEN_EMPTY_SUFFIXES.some((x) => childPath.endsWith(x))) delete o[k];
    } else if (child.type === "object" && !child.properties && child.additionalProperties) {
      if (value === null || (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0)) delete o[k];
    }
  }
}
