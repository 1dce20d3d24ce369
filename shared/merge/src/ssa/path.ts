/**
 * Path elements of structured-merge-diff's `fieldpath` package: how one step into an object is named in a field set,
 * ordered, printed (`.spec.ports[containerPort=80,protocol="TCP"]`) and serialized as a FieldsV1 key
 * (`f:<name>`, `k:<json>`, `v:<json>`, `i:<index>`).
 */
import { compareStrings, compareValues, goJson, goJsonString, goString, isObject, type JsonValue, valuesEqual } from "./value.js";

export type PathElement =
  | { readonly field: string }
  /** Key fields of an associative-list item, sorted by name. */
  | { readonly key: ReadonlyArray<readonly [string, JsonValue]> }
  | { readonly value: JsonValue }
  | { readonly index: number };

export type Path = readonly PathElement[];

export function fieldElement(name: string): PathElement {
  return { field: name };
}

export function keyElement(fields: Record<string, JsonValue>): PathElement {
  const entries = Object.keys(fields).map((k) => [k, fields[k]!] as const);
  entries.sort((a, b) => compareStrings(a[0], b[0]));
  return { key: entries };
}

export function valueElement(v: JsonValue): PathElement {
  return { value: v };
}

export function indexElement(i: number): PathElement {
  return { index: i };
}

/** A path from readable parts: strings are field names, anything else must already be a PathElement. */
export function makePath(...parts: Array<string | PathElement>): PathElement[] {
  return parts.map((p) => (typeof p === "string" ? fieldElement(p) : p));
}

function kindRank(pe: PathElement): number {
  if ("field" in pe) return 0;
  if ("key" in pe) return 1;
  if ("value" in pe) return 2;
  return 3;
}

function compareKeys(a: PathElement & { key: unknown }, b: PathElement & { key: unknown }): number {
  const ka = a.key as ReadonlyArray<readonly [string, JsonValue]>;
  const kb = b.key as ReadonlyArray<readonly [string, JsonValue]>;
  for (let i = 0; ; i++) {
    if (i >= ka.length && i >= kb.length) return 0;
    if (i >= ka.length) return -1;
    if (i >= kb.length) return 1;
    const c = compareStrings(ka[i]![0], kb[i]![0]) || compareValues(ka[i]![1], kb[i]![1]);
    if (c !== 0) return c;
  }
}

/** `PathElement.Compare`: field names < keys < values < indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const ra = kindRank(a);
  const rb = kindRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if ("field" in a) return compareStrings(a.field, (b as { field: string }).field);
  if ("key" in a) return compareKeys(a, b as PathElement & { key: unknown });
  if ("value" in a) return compareValues(a.value, (b as { value: JsonValue }).value);
  const ia = a.index;
  const ib = (b as { index: number }).index;
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

export function pathElementsEqual(a: PathElement, b: PathElement): boolean {
  const ra = kindRank(a);
  if (ra !== kindRank(b)) return false;
  if ("field" in a) return a.field === (b as { field: string }).field;
  if ("key" in a) {
    const kb = (b as { key: ReadonlyArray<readonly [string, JsonValue]> }).key;
    return a.key.length === kb.length && a.key.every(([n, v], i) => n === kb[i]![0] && valuesEqual(v, kb[i]![1]));
  }
  if ("value" in a) return valuesEqual(a.value, (b as { value: JsonValue }).value);
  return a.index === (b as { index: number }).index;
}

/** `PathElement.String()`. */
export function pathElementString(pe: PathElement): string {
  if ("field" in pe) return "." + pe.field;
  if ("key" in pe) return "[" + pe.key.map(([n, v]) => `${n}=${goString(v)}`).join(",") + "]";
  if ("value" in pe) return `[=${goString(pe.value)}]`;
  return `[${pe.index}]`;
}

/** `Path.String()`, e.g. `.spec.template.spec.containers[name="app"].image`. */
export function pathString(path: Path): string {
  return path.map(pathElementString).join("");
}

/** The FieldsV1 key of a path element (`SerializePathElement`). */
export function serializePathElement(pe: PathElement): string {
  if ("field" in pe) return "f:" + pe.field;
  if ("key" in pe) return "k:{" + pe.key.map(([n, v]) => goJsonString(n) + ":" + goJson(v)).join(",") + "}";
  if ("value" in pe) return "v:" + goJson(pe.value);
  return "i:" + String(pe.index);
}

export class UnknownPathElementType extends Error {}

/** `DeserializePathElement`. Unknown prefixes throw UnknownPathElementType, which readers skip. */
export function deserializePathElement(s: string): PathElement {
  if (s.length < 2) throw new Error(`key must be 2 characters long: ${JSON.stringify(s)}`);
  if (s[1] !== ":") throw new Error(`missing colon: ${s}`);
  const rest = s.slice(2);
  switch (s[0]) {
    case "f":
      return { field: rest };
    case "v":
      return { value: JSON.parse(rest) as JsonValue };
    case "k": {
      const parsed: unknown = JSON.parse(rest);
      if (!isObject(parsed)) throw new Error(`key path element must be a JSON object: ${s}`);
      return keyElement(parsed);
    }
    case "i": {
      if (!/^[+-]?\d+$/.test(rest)) throw new Error(`invalid index path element: ${s}`);
      return { index: Number.parseInt(rest, 10) };
    }
    default:
      throw new UnknownPathElementType(`unknown path element type: ${s}`);
  }
}
