/**
 * Defaulting after apiextensions-apiserver's structural defaulting (pkg/apiserver/schema/defaulting):
 * first nulls of non-nullable fields without a default are dropped, then every missing field with a
 * `default` gets a deep copy of it, as does a null in a non-nullable field (a null in a nullable field stays).
 * Defaults apply inside array items and `additionalProperties` values, and defaulted subtrees are defaulted
 * in turn. The root's metadata is not touched.
 */
import { additionalSchema, deepCopy, isObject, itemsSchema, setKey, type JSONSchemaProps } from "./schema-types.js";

export function defaultInPlace(obj: unknown, schema: JSONSchemaProps | undefined): void {
  pruneNonNullableNulls(obj, schema, true);
  applyDefaults(obj, schema, true);
}

const isNonNullableNull = (v: unknown, s: JSONSchemaProps | undefined) => v === null && !!s && !s.nullable;

function pruneNonNullableNulls(x: unknown, s: JSONSchemaProps | undefined, isRoot: boolean): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = itemsSchema(s);
    for (const v of x) pruneNonNullableNulls(v, items, false);
    return;
  }
  if (!isObject(x)) return;
  const additional = additionalSchema(s);
  for (const k of Object.keys(x)) {
    if (isRoot && k === "metadata") continue;
    const prop = s.properties && Object.prototype.hasOwnProperty.call(s.properties, k) ? s.properties[k] : additional;
    if (!prop) continue;
    if (x[k] === null && prop.default === undefined && !prop.nullable) delete x[k];
    else pruneNonNullableNulls(x[k], prop, false);
  }
}

function applyDefaults(x: unknown, s: JSONSchemaProps | undefined, isRoot: boolean): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = itemsSchema(s);
    if (!items) return;
    for (let i = 0; i < x.length; i++) {
      if (isNonNullableNull(x[i], items) && items.default !== undefined) x[i] = deepCopy(items.default);
      applyDefaults(x[i], items, false);
    }
    return;
  }
  if (!isObject(x)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default === undefined || (isRoot && k === "metadata")) continue;
    if (!Object.prototype.hasOwnProperty.call(x, k) || isNonNullableNull(x[k], prop)) setKey(x, k, deepCopy(prop.default));
  }
  const additional = additionalSchema(s);
  for (const k of Object.keys(x)) {
    if (isRoot && k === "metadata") continue;
    const prop = s.properties && Object.prototype.hasOwnProperty.call(s.properties, k) ? s.properties[k] : undefined;
    if (prop) applyDefaults(x[k], prop, false);
    else if (additional) {
      if (isNonNullableNull(x[k], additional) && additional.default !== undefined) x[k] = deepCopy(additional.default);
      applyDefaults(x[k], additional, false);
    }
  }
}
