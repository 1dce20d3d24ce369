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

/** Serialized keys of key and value elements, which cost a Go-JSON encoding each time otherwise. */
const serialized = new WeakMap<PathElement, string>();

/** The FieldsV1 key of a path element (`SerializePathElement`); field sets are keyed by it. */
export function serializePathElement(pe: PathElement): string {
  if ("field" in pe) return fieldId(pe.field);
  if ("index" in pe) return "i:" + String(pe.index);
  let id = serialized.get(pe);
  if (id === undefined) {
    id = "key" in pe ? "k:{" + pe.key.map(([n, v]) => goJsonString(n) + ":" + goJson(v)).join(",") + "}" : "v:" + goJson(pe.value);
    serialized.set(pe, id);
  }
  return id;
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

// --- element ids ------------------------------------------------------------------------------------------------
//
// Field sets and the walkers name path elements by their serialized FieldsV1 key (the element's "id"): it is unique
// per element, it is what FieldsV1 stores, and a string is cheap to hash, compare for equality and keep. Elements
// as objects are only needed to order ids (FieldsV1 and `Set.Iterate` order) and to print paths; those come from
// a bounded cache, since the same keys (`k:{"name":"app"}`) recur in every request.

const maxCachedElements = 20_000;
const elementById = new Map<string, PathElement>();
/** Raw FieldsV1 keys that are not their canonical id (other key order, spacing, escapes), mapped to it. */
const canonicalByKey = new Map<string, string>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= maxCachedElements) cache.clear();
  cache.set(key, value);
  return value;
}

const fieldIds = new Map<string, string>();

/**
 * `f:<name>`, the same string object for the same name while cached: a fresh concatenation would be hashed
 * (and flattened) again by every Map and Set it meets, and map keys repeat across requests.
 */
export function fieldId(name: string): string {
  let id = fieldIds.get(name);
  if (id === undefined) {
    id = "f:" + name;
    remember(fieldIds, name, id);
  }
  return id;
}

/** The element an id names (the id must be canonical, as produced by `serializePathElement` or `canonicalId`). */
export function elementOfId(id: string): PathElement {
  if (id.charCodeAt(0) === 102 /* f */) return { field: id.slice(2) };
  const cached = elementById.get(id);
  if (cached) return cached;
  const pe = deserializePathElement(id);
  serialized.set(pe, id);
  return remember(elementById, id, pe);
}

/**
 * The canonical id of a FieldsV1 key read from a stored object. Field keys are canonical as they are; other kinds
 * are parsed and re-serialized once per distinct key. Throws as `deserializePathElement` does.
 */
export function canonicalId(key: string): string {
  if (key.charCodeAt(0) === 102 /* f */ && key.charCodeAt(1) === 58 /* : */) return key;
  const known = canonicalByKey.get(key);
  if (known !== undefined) return known;
  const pe = deserializePathElement(key);
  const id = serializePathElement(pe);
  if (!elementById.has(id)) remember(elementById, id, pe);
  return remember(canonicalByKey, key, id);
}

function idRank(id: string): number {
  switch (id.charCodeAt(0)) {
    case 102: // f
      return 0;
    case 107: // k
      return 1;
    case 118: // v
      return 2;
    default: // i
      return 3;
  }
}

/** `comparePathElements` on ids. Field ids compare as their names do, since they share the `f:` prefix. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const ra = idRank(a);
  const rb = idRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (ra === 0) return compareStrings(a, b);
  const pa = elementOfId(a);
  const pb = elementOfId(b);
  if (ra === 1) {
    // Keys of one list usually share a single key name: then the values decide.
    const ka = (pa as { key: ReadonlyArray<readonly [string, JsonValue]> }).key;
    const kb = (pb as { key: ReadonlyArray<readonly [string, JsonValue]> }).key;
    if (ka.length === 1 && kb.length === 1 && ka[0]![0] === kb[0]![0]) return compareValues(ka[0]![1], kb[0]![1]);
  }
  return comparePathElements(pa, pb);
}

const surrogate = /[\ud800-\udfff]/;

/**
 * Ids in element order. Sorting calls back into JS for every comparison, which dominates encoding, so the common
 * cases use the engine's own string sort, exact where no surrogates are involved (UTF-16 order is code point order
 * then): field ids (they share the `f:` prefix, so they sort as their names), and key ids of one list, which name
 * the same single key and differ only in a string value.
 */
export function sortIds(ids: string[]): string[] {
  if (ids.length < 2) return ids;
  let fieldsOnly = true;
  let keysOnly = true;
  for (const id of ids) {
    const kind = id.charCodeAt(0);
    if (kind !== 102) fieldsOnly = false;
    if (kind !== 107) keysOnly = false;
  }
  if (fieldsOnly) return noSurrogates(ids) ? ids.sort() : ids.sort(compareStrings);
  if (keysOnly && sortBySingleStringKey(ids)) return ids;
  const decorated: DecoratedId[] = [];
  for (const id of ids) decorated.push({ id, rank: idRank(id), pe: elementOfId(id) });
  decorated.sort(compareDecorated);
  for (let i = 0; i < ids.length; i++) ids[i] = decorated[i]!.id;
  return ids;
}

interface DecoratedId {
  id: string;
  rank: number;
  pe: PathElement;
}

function compareDecorated(x: DecoratedId, y: DecoratedId): number {
  if (x.rank !== y.rank) return x.rank - y.rank;
  return x.rank === 0 ? compareStrings(x.id, y.id) : comparePathElements(x.pe, y.pe);
}

function noSurrogates(strings: readonly string[]): boolean {
  for (const s of strings) if (surrogate.test(s)) return false;
  return true;
}

/** Sorts key ids in place by their value when all have one key, the same name, and string values; else false. */
function sortBySingleStringKey(ids: string[]): boolean {
  let name: string | undefined;
  const byValue = new Map<string, string>();
  for (const id of ids) {
    const pe = elementOfId(id) as { key: ReadonlyArray<readonly [string, JsonValue]> };
    if (pe.key.length !== 1) return false;
    const [n, v] = pe.key[0]!;
    if (typeof v !== "string" || (name !== undefined && n !== name)) return false;
    name = n;
    byValue.set(v, id);
  }
  const values = [...byValue.keys()];
  if (!noSurrogates(values)) return false;
  values.sort();
  for (let i = 0; i < values.length; i++) ids[i] = byValue.get(values[i]!)!;
  return true;
}
