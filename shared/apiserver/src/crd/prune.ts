/**
 * Pruning of fields the schema does not specify, after apiextensions-apiserver's structural pruning
 * (pkg/apiserver/schema/pruning): unknown fields are dropped unless `x-kubernetes-preserve-unknown-fields`
 * is set; `x-kubernetes-embedded-resource` objects (and the resource root) keep `apiVersion`/`kind` strings
 * and a `metadata` object. The root's metadata is left to the server core (it owns ObjectMeta); embedded
 * metadata is cut down to ObjectMeta's fields as upstream's ObjectMeta round trip does.
 */
import { additionalSchema, isObject, itemsSchema, type JSONObject, type JSONSchemaProps } from "./schema-types.js";

/** The fields of metav1.ObjectMeta; anything else under an embedded resource's metadata is unknown. */
export const OBJECT_META_FIELDS = new Set([
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
]);

const META_FIELDS = new Set(["apiVersion", "kind", "metadata"]);

class PrunePaths {
  readonly paths: string[] = [];
  record(path: string): void {
    this.paths.push(path);
  }
}

const child = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);
const index = (parent: string, i: number) => `${parent}[${i}]`;

/**
 * Prunes `obj` in place and returns the pruned paths, sorted, as upstream reports them (`spec.foo`,
 * `spec.items[0].bar`). The root is treated as an embedded resource.
 */
export function pruneInPlace(obj: unknown, schema: JSONSchemaProps | undefined, asResourceRoot = true): string[] {
  const root: JSONSchemaProps = asResourceRoot ? { ...(schema ?? {}), "x-kubernetes-embedded-resource": true } : (schema ?? {});
  const paths = new PrunePaths();
  prune(obj, root, "", paths, asResourceRoot);
  return paths.paths.sort();
}

function prune(x: unknown, s: JSONSchemaProps | undefined, path: string, out: PrunePaths, isRoot = false): void {
  if (s?.["x-kubernetes-preserve-unknown-fields"]) {
    skipPrune(x, s, path, out, isRoot);
    return;
  }
  if (Array.isArray(x)) {
    x.forEach((v, i) => prune(v, s ? itemsSchema(s) : undefined, index(path, i), out));
    return;
  }
  if (!isObject(x)) return;
  if (!s) {
    for (const k of Object.keys(x)) {
      out.record(child(path, k));
      delete x[k];
    }
    return;
  }
  const embedded = !!s["x-kubernetes-embedded-resource"];
  const additional = additionalSchema(s);
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (embedded && keepsMetaField(k, v)) {
      if (k === "metadata" && !isRoot) pruneEmbeddedMetadata(v as JSONObject, child(path, k), out);
      continue;
    }
    const prop = s.properties && Object.prototype.hasOwnProperty.call(s.properties, k) ? s.properties[k] : undefined;
    if (prop) prune(v, prop, child(path, k), out);
    else if (additional) prune(v, additional, child(path, k), out);
    else if (s.additionalProperties === true) continue;
    else {
      if (!(isRoot && META_FIELDS.has(k))) out.record(child(path, k));
      delete x[k];
    }
  }
}

function skipPrune(x: unknown, s: JSONSchemaProps, path: string, out: PrunePaths, isRoot: boolean): void {
  if (Array.isArray(x)) {
    const items = itemsSchema(s);
    if (items) x.forEach((v, i) => skipPrune(v, items, index(path, i), out, false));
    return;
  }
  if (!isObject(x)) return;
  const embedded = !!s["x-kubernetes-embedded-resource"];
  const additional = additionalSchema(s);
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (embedded && META_FIELDS.has(k)) {
      if (k === "metadata" && !isRoot && isObject(v)) pruneEmbeddedMetadata(v, child(path, k), out);
      continue;
    }
    const prop = s.properties && Object.prototype.hasOwnProperty.call(s.properties, k) ? s.properties[k] : undefined;
    if (prop) prune(v, prop, child(path, k), out);
    else if (additional) prune(v, additional, child(path, k), out);
  }
}

function keepsMetaField(k: string, v: unknown): boolean {
  if (k === "apiVersion" || k === "kind") return typeof v === "string";
  if (k === "metadata") return isObject(v);
  return false;
}

function pruneEmbeddedMetadata(meta: JSONObject, path: string, out: PrunePaths): void {
  for (const k of Object.keys(meta)) {
    if (!OBJECT_META_FIELDS.has(k)) {
      out.record(child(path, k));
      delete meta[k];
    }
  }
}
