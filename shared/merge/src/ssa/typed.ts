/**
 * The value walkers of structured-merge-diff's `typed` package, over JSON values described by a SchemaNode:
 * merge (`TypedValue.Merge`), compare (`TypedValue.Compare`), the field set of a value (`ToFieldSet`), removal of
 * a set (`RemoveItems`), `EnsureNamedFieldsAreMembers`, and the key validation that turns a bad list item into the
 * same error text upstream reports.
 *
 * Untyped nodes behave like upstream's deduced type: maps are granular (every key is a member of the field set),
 * lists are atomic, everything else is a scalar. `undefined` stands for Go's nil (absent) and `null` for JSON null.
 *
 * The walkers name path elements by id (their FieldsV1 key, see path.ts) and carry paths as links, so a step
 * costs a string and a small object, never a copied array. Merge returns the live (left) value itself wherever
 * the result equals it, so compare and the final equality check stop at the first shared subtree: an apply that
 * changes one field walks one path, not the whole object, after the merge. Walkers never modify their inputs;
 * results may share unchanged subtrees with them.
 */
import { FieldSet, type PathLink } from "./fieldset.js";
import { elementOfId, fieldId, type Path, pathElementString } from "./path.js";
import { compareStrings, goJson, goJsonString, hasNoKeys, hasOwn, isObject, type JsonObject, type JsonValue, setOwn, valuesEqual } from "./value.js";
import { type ListNode, type SchemaNode, untyped } from "../schema.js";

// --- shapes -------------------------------------------------------------------------------------------------------

const SCALAR = 0;
const MAP = 1;
const LIST = 2;
type Shape = typeof SCALAR | typeof MAP | typeof LIST;

/**
 * Which of the node's shapes applies to `v` (upstream's `deduceAtom` + `handleAtom`). Nil and null take the node's
 * own shape (a map for untyped nodes). A value whose shape contradicts the schema is handled as a scalar leaf:
 * upstream rejects such objects in validation before merging, and a leaf keeps the request's value.
 */
function shapeOf(node: SchemaNode, v: JsonValue | undefined): Shape {
  const nil = v === undefined || v === null;
  switch (node.type) {
    case "map":
      return nil || isObject(v) ? MAP : SCALAR;
    case "list":
      return nil || Array.isArray(v) ? LIST : SCALAR;
    case "scalar":
      return SCALAR;
    case "untyped":
      if (nil || isObject(v)) return MAP;
      return Array.isArray(v) ? LIST : SCALAR;
  }
}

/** Deduced (untyped) maps are granular. */
function isAtomicMap(node: SchemaNode): boolean {
  return node.type === "map" && node.mapType === "atomic";
}

/** Deduced (untyped) lists are atomic. */
function isAtomicList(node: SchemaNode): boolean {
  return node.type !== "list" || node.listType === "atomic";
}

/** The schema of map key `key`. */
function childNode(node: SchemaNode, key: string): SchemaNode {
  if (node.type !== "map") return untyped;
  const fields = node.fields;
  if (fields && hasOwn(fields, key)) return fields[key]!;
  return node.additional ?? untyped;
}

/** Whether `key` is a named (struct) field, which is never a member of a field set by itself. */
function isNamedField(node: SchemaNode, key: string): boolean {
  return node.type === "map" && node.fields !== undefined && hasOwn(node.fields, key);
}

function itemsNode(node: SchemaNode): SchemaNode {
  return node.type === "list" ? node.items : untyped;
}

function link(parent: PathLink | undefined, id: string): PathLink {
  return { parent, id };
}

// --- list items ---------------------------------------------------------------------------------------------------

/** A validation failure with upstream's path prefix and message (`ValidationError`). */
export class TypedValueError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(path ? `${path}: ${detail}` : detail);
  }
}

/**
 * Default of a list-map key field, for items that omit it (`getAssociativeKeyDefault`), e.g. `protocol: TCP` of
 * container ports. Taken from `keyDefaults` on the list node or `default` on the key field's node.
 */
function keyDefault(list: ListNode, key: string): JsonValue | undefined {
  const fromList = list.keyDefaults;
  if (fromList && hasOwn(fromList, key)) return fromList[key];
  const items = list.items;
  if (items.type === "map" && items.fields && hasOwn(items.fields, key)) {
    const d = (items.fields[key] as { default?: JsonValue }).default;
    if (d !== undefined && d !== null) return d;
  }
  return undefined;
}

function keyValue(list: ListNode, item: JsonObject, key: string): JsonValue {
  if (hasOwn(item, key)) return item[key]!;
  const d = keyDefault(list, key);
  if (d === undefined) {
    throw new Error(`associative list with keys has an element that omits key field ${JSON.stringify(key)} (and doesn't have default value)`);
  }
  return d;
}

/** Throws, with the bare message, what makes a list item unusable (`listItemToPathElement`'s errors). */
function checkItem(list: SchemaNode, item: JsonValue): void {
  if (list.type !== "list" || list.listType === "atomic") return;
  const keys = list.keys;
  if (list.listType === "map" && keys && keys.length > 0) {
    if (item === null) throw new Error("associative list with keys may not have a null element");
    if (!isObject(item)) throw new Error("associative list with keys may not have non-map elements");
    for (const k of keys) keyValue(list, item, k);
    return;
  }
  if (isObject(item)) throw new Error("associative list without keys has an element that's a map type");
  if (Array.isArray(item)) throw new Error("not supported: associative list with lists as elements");
  if (item === null) throw new Error("associative list without keys has an element that's an explicit null");
}

/**
 * Ids of items of single-key lists by key name and string value (`name` → `app` → `k:{"name":"app"}`), kept across
 * calls: the same items come back in every apply of an object, and building an id means encoding its value.
 * Bounded; an id depends on nothing but the name and the value.
 */
const singleKeyIds = new Map<string, { prefix: string; ids: Map<string, string> }>();
const maxSingleKeyIds = 20_000;
let singleKeyIdCount = 0;

function singleKeyId(key: string, value: JsonValue): string {
  let byName = singleKeyIds.get(key);
  if (!byName) {
    if (singleKeyIds.size >= 1000) singleKeyIds.clear();
    byName = { prefix: "k:{" + goJsonString(key) + ":", ids: new Map() };
    singleKeyIds.set(key, byName);
  }
  if (typeof value !== "string") return byName.prefix + goJson(value) + "}";
  let id = byName.ids.get(value);
  if (id === undefined) {
    id = byName.prefix + goJsonString(value) + "}";
    if (singleKeyIdCount >= maxSingleKeyIds) {
      for (const other of singleKeyIds.values()) other.ids.clear();
      singleKeyIdCount = 0;
    }
    byName.ids.set(value, id);
    singleKeyIdCount++;
  }
  return id;
}

/**
 * The id of a list item's path element (`listItemToPathElement` + `SerializePathElement`), built directly as the
 * FieldsV1 key: `k:{"name":"app"}` with key names sorted, `v:"x"` for sets, `i:3` for atomic lists. Throws as
 * `checkItem`.
 */
function itemId(list: SchemaNode, index: number, item: JsonValue): string {
  if (list.type !== "list" || list.listType === "atomic") return "i:" + String(index);
  const keys = list.keys;
  if (list.listType === "map" && keys && keys.length > 0) {
    if (!isObject(item)) checkItem(list, item);
    if (keys.length === 1) return singleKeyId(keys[0]!, keyValue(list, item as JsonObject, keys[0]!));
    return multiKeyId(list, keys, item as JsonObject);
  }
  checkItem(list, item);
  return "v:" + goJson(item);
}

/** `k:{"containerPort":80,"protocol":"TCP"}`: missing keys are reported in declaration order, the id lists keys sorted. */
function multiKeyId(list: ListNode, keys: readonly string[], item: JsonObject): string {
  const values: JsonValue[] = [];
  for (const k of keys) values.push(keyValue(list, item, k));
  // Key positions in name order (insertion sort: lists have two or three keys).
  const order: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    let at = order.length;
    while (at > 0 && compareStrings(keys[order[at - 1]!]!, keys[i]!) > 0) at--;
    order.splice(at, 0, i);
  }
  let id = "k:{";
  let previous: string | undefined;
  for (const i of order) {
    if (keys[i] === previous) continue; // a key listed twice is one field of the element
    id += (previous === undefined ? "" : ",") + goJsonString(keys[i]!) + ":" + goJson(values[i]!);
    previous = keys[i];
  }
  return id + "}";
}

/** Items of a list that share one id (a live list may hold duplicates); never a JsonValue. */
class Duplicates {
  constructor(readonly items: JsonValue[]) {}
}

/**
 * What matches items of two lists: the item's id, or, where every item of both lists allows it, its scalar key
 * value (the usual `name`), a string of its scalar key values, or the scalar item of a set. Those identify an item
 * exactly as its id would and are cheaper to build; ids are then only built for items whose paths are recorded.
 */
type MatchKey = string | number | boolean | null;

/** A list's items by match key, in first-seen order. */
interface IndexedItems {
  order: MatchKey[];
  byKey: Map<MatchKey, JsonValue | Duplicates>;
}

const noItems: JsonValue[] = [];

/** The scalar that identifies `item` in `list` (see MatchKey), or undefined when its id must be used. */
function scalarKey(list: SchemaNode, item: JsonValue): MatchKey | undefined {
  if (list.type !== "list" || list.listType === "atomic") return undefined;
  const keys = list.keys;
  if (!(list.listType === "map" && keys && keys.length > 0)) return isScalar(item) ? item : undefined;
  if (!isObject(item)) return undefined;
  if (keys.length === 1) {
    const v = hasOwn(item, keys[0]!) ? item[keys[0]!] : keyDefault(list, keys[0]!);
    return isScalar(v) ? v : undefined;
  }
  // Several keys (`containerPort` and `protocol`): their values in one string, typed and JSON-quoted so that no
  // two tuples collide; "\u0001" never occurs in JSON text.
  let tuple = "";
  for (const k of keys) {
    const v = hasOwn(item, k) ? item[k] : keyDefault(list, k);
    if (!isScalar(v)) return undefined;
    tuple += (typeof v === "string" ? JSON.stringify(v) : typeof v === "number" ? "n" + String(v) : String(v)) + "\u0001";
  }
  return tuple;
}

function isScalar(v: JsonValue | undefined): v is string | number | boolean {
  return v !== undefined && v !== null && typeof v !== "object";
}

/** Indexes by scalar key, or returns undefined as soon as an item has none. */
function indexByScalar(list: SchemaNode, items: JsonValue[] | undefined): IndexedItems | undefined {
  const order: MatchKey[] = [];
  const byKey = new Map<MatchKey, JsonValue | Duplicates>();
  const values = items ?? noItems;
  for (let i = 0; i < values.length; i++) {
    const item = values[i]!;
    const key = scalarKey(list, item);
    if (key === undefined) return undefined;
    addItem(order, byKey, key, item);
  }
  return { order, byKey };
}

function indexById(list: SchemaNode, items: JsonValue[] | undefined): IndexedItems {
  const order: MatchKey[] = [];
  const byKey = new Map<MatchKey, JsonValue | Duplicates>();
  const values = items ?? noItems;
  for (let i = 0; i < values.length; i++) addItem(order, byKey, itemId(list, i, values[i]!), values[i]!);
  return { order, byKey };
}

function addItem(order: MatchKey[], byKey: Map<MatchKey, JsonValue | Duplicates>, key: MatchKey, item: JsonValue): void {
  const seen = byKey.get(key);
  if (seen === undefined) {
    byKey.set(key, item);
    order.push(key);
  } else if (seen instanceof Duplicates) {
    seen.items.push(item);
  } else {
    byKey.set(key, new Duplicates([seen, item]));
  }
}

/** Both lists indexed the same way, by scalar key when all their items allow it. Id errors come from the right side first. */
function indexBoth(list: SchemaNode, ll: JsonValue[] | undefined, rl: JsonValue[] | undefined): { lhs: IndexedItems; rhs: IndexedItems } {
  const rhs = indexByScalar(list, rl);
  const lhs = rhs && indexByScalar(list, ll);
  if (rhs && lhs) return { lhs, rhs };
  return { rhs: indexById(list, rl), lhs: indexById(list, ll) };
}

/** The id of an item of a list walked item by item (so never an `i:` index). */
function keyedItemId(list: SchemaNode, l: JsonValue | Duplicates | undefined, r: JsonValue | Duplicates | undefined): string {
  const item = r ?? l!;
  return itemId(list, -1, item instanceof Duplicates ? item.items[0]! : item);
}

/**
 * Where the validator is, as parallel stacks rather than path objects: a map key, or a list item by index. The
 * path is only printed when validation fails.
 */
class ValidationPath {
  private readonly nodes: SchemaNode[] = [];
  private readonly values: JsonValue[] = [];
  private readonly steps: Array<string | number> = [];

  push(node: SchemaNode, value: JsonValue, step: string | number): void {
    this.nodes.push(node);
    this.values.push(value);
    this.steps.push(step);
  }

  pop(): void {
    this.nodes.pop();
    this.values.pop();
    this.steps.pop();
  }

  toString(): string {
    let out = "";
    for (let i = 0; i < this.steps.length; i++) {
      const step = this.steps[i]!;
      if (typeof step === "string") out += "." + step;
      else out += pathElementString(elementOfId(itemId(this.nodes[i]!, step, (this.values[i] as JsonValue[])[step]!)));
    }
    return out;
  }
}

/**
 * Checks that every associative-list item has its keys and (unless `allowDuplicates`) that no key repeats, with
 * upstream's error text (e.g. `.spec.ports: element 0: associative list with keys has an element that omits key
 * field "protocol" (and doesn't have default value)`). The walkers below assume a value that passed this check.
 */
export function validateKeys(node: SchemaNode, v: JsonValue | undefined, allowDuplicates: boolean): void {
  validateAt(node, v, allowDuplicates, new ValidationPath());
}

/**
 * Whether values under `node` can hold an associative list, the only thing validation checks; untyped and scalar
 * subtrees cannot (deduced lists are atomic). Schema nodes are shared and never modified once built, so the answer
 * is kept per node; a node met again while its own answer is pending (a recursive schema) counts as yes.
 */
const holdsCheckedLists = new WeakMap<SchemaNode, boolean>();

function mayHoldCheckedLists(node: SchemaNode): boolean {
  if (node.type === "scalar" || node.type === "untyped") return false;
  const known = holdsCheckedLists.get(node);
  if (known !== undefined) return known;
  holdsCheckedLists.set(node, true);
  let answer = false;
  if (node.type === "list") answer = node.listType !== "atomic" || mayHoldCheckedLists(node.items);
  else {
    if (node.fields) for (const key of Object.keys(node.fields)) if (mayHoldCheckedLists(node.fields[key]!)) answer = true;
    if (node.additional && mayHoldCheckedLists(node.additional)) answer = true;
  }
  holdsCheckedLists.set(node, answer);
  return answer;
}

function validateAt(node: SchemaNode, v: JsonValue | undefined, allowDuplicates: boolean, path: ValidationPath): void {
  if (!mayHoldCheckedLists(node)) return;
  const shape = shapeOf(node, v);
  if (shape === MAP && isObject(v)) {
    for (const key of Object.keys(v)) {
      const child = v[key]!;
      // Only maps and lists can hold list items; scalars need no step.
      if (typeof child !== "object" || child === null) continue;
      path.push(node, v, key);
      validateAt(childNode(node, key), child, allowDuplicates, path);
      path.pop();
    }
  } else if (shape === LIST && Array.isArray(v)) {
    validateItems(node, v, allowDuplicates, path);
  }
}

function validateItems(node: SchemaNode, v: JsonValue[], allowDuplicates: boolean, path: ValidationPath): void {
  const items = itemsNode(node);
  const dedupe = !allowDuplicates && node.type === "list" && node.listType !== "atomic";
  const keys = node.type === "list" && node.listType === "map" && node.keys && node.keys.length > 0 ? node.keys : undefined;
  // Duplicates are found by id; a scalar item of a set, or the scalar value of a single key (the usual `name`),
  // stands for its id, which saves encoding it. Ids are only built for the rest.
  let seenScalars: Set<JsonValue> | undefined;
  let seenIds: Set<string> | undefined;
  for (let i = 0; i < v.length; i++) {
    const item = v[i]!;
    try {
      checkItem(node, item);
    } catch (e) {
      throw new TypedValueError(path.toString(), `element ${i}: ${(e as Error).message}`);
    }
    if (dedupe) {
      const scalar = keys ? (keys.length === 1 ? keyValue(node as ListNode, item as JsonObject, keys[0]!) : undefined) : item;
      let duplicate: boolean;
      if (scalar !== undefined && (typeof scalar !== "object" || scalar === null)) {
        seenScalars ??= new Set();
        duplicate = seenScalars.has(scalar);
        seenScalars.add(scalar);
      } else {
        const id = itemId(node, i, item);
        seenIds ??= new Set();
        duplicate = seenIds.has(id);
        seenIds.add(id);
      }
      if (duplicate) throw new TypedValueError(path.toString(), `duplicate entries for key ${pathElementString(elementOfId(itemId(node, i, item)))}`);
    }
    if (typeof item === "object" && item !== null) {
      path.push(node, v, i);
      validateAt(items, item, allowDuplicates, path);
      path.pop();
    }
  }
}

// --- merge --------------------------------------------------------------------------------------------------------

/** `TypedValue.Merge` with `ruleKeepRHS`: the applied configuration wins on every leaf it sets. */
export function mergeValues(node: SchemaNode, lhs: JsonValue | undefined, rhs: JsonValue | undefined): JsonValue | undefined {
  if (lhs === undefined && rhs === undefined) return undefined;
  return mergeAt(node, lhs, rhs, undefined);
}

/**
 * `mergeValues(node, live, config)` and `toFieldSet(node, config)` in one walk: the merge visits every part of the
 * configuration anyway, and list item ids, the costly part of both, are computed once.
 */
export function mergeAndCollect(node: SchemaNode, live: JsonValue | undefined, config: JsonValue | undefined): { merged: JsonValue | undefined; configSet: FieldSet } {
  const configSet = FieldSet.empty();
  if (live === undefined && config === undefined) return { merged: undefined, configSet };
  return { merged: mergeAt(node, live, config, config === undefined ? undefined : configSet), configSet };
}

/**
 * Upstream walks a value whose shape differs on both sides once per shape, but only the pass in the right-hand
 * shape produces the output, so merging follows the right-hand side's shape.
 *
 * `into`, when given, is the node of the right-hand side's field set that receives the paths below this value
 * (what `toFieldSet` collects); the caller records the value's own path.
 */
function mergeAt(node: SchemaNode, lhs: JsonValue | undefined, rhs: JsonValue | undefined, into: FieldSet | undefined): JsonValue | undefined {
  const shape = shapeOf(node, rhs);
  if (shape === MAP) return mergeMap(node, lhs, rhs, into);
  if (shape === LIST) return mergeList(node, lhs, rhs, into);
  return mergeLeaf(lhs, rhs);
}

/** `mergeAt` for a right-hand value at `parent`/`id` whose paths are collected, as `collect` records them. */
function mergeCollecting(node: SchemaNode, lhs: JsonValue | undefined, rhs: JsonValue, parent: FieldSet, id: string, member: boolean): JsonValue | undefined {
  const shape = shapeOf(node, rhs);
  if (shape === SCALAR || (shape === MAP ? isAtomicMap(node) : isAtomicList(node))) {
    parent.addMember(id);
    return mergeAt(node, lhs, rhs, undefined);
  }
  if (member) parent.addMember(id);
  const nonEmpty = shape === MAP ? isObject(rhs) && !hasNoKeys(rhs) : Array.isArray(rhs) && rhs.length > 0;
  if (!nonEmpty) return mergeAt(node, lhs, rhs, undefined);
  const v = mergeAt(node, lhs, rhs, parent.childForInsert(id));
  parent.dropIfEmpty(id);
  return v;
}

/** The right-hand side's own membership of map key `key`, as `collectMap` decides it. */
function isMemberField(node: SchemaNode, key: string, v: JsonValue): boolean {
  return v === null || !isNamedField(node, key) || (isObject(v) && hasNoKeys(v));
}

/** The right-hand value if set; the left-hand one (the same object) when both are equal. */
function mergeLeaf(lhs: JsonValue | undefined, rhs: JsonValue | undefined): JsonValue | undefined {
  if (rhs === undefined) return lhs;
  if (lhs !== undefined && lhs !== rhs && typeof rhs === "object" && valuesEqual(lhs, rhs)) return lhs;
  return rhs;
}

function mergeMap(node: SchemaNode, lhs: JsonValue | undefined, rhs: JsonValue | undefined, into: FieldSet | undefined): JsonValue | undefined {
  const lm = isObject(lhs) ? lhs : undefined;
  const rm = isObject(rhs) ? rhs : undefined;
  if (isAtomicMap(node) || ((!lm || hasNoKeys(lm)) && (!rm || hasNoKeys(rm)))) return mergeLeaf(lhs, rhs);
  // The output is `lm` itself until a key's value differs; only then is a copy started.
  let out: JsonObject | undefined;
  if (lm) {
    const keys = Object.keys(lm);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const lv = lm[key]!;
      const v = mergeKey(node, key, lv, rm && hasOwn(rm, key) ? rm[key] : undefined, into);
      if (out) {
        if (v !== undefined) setOwn(out, key, v);
      } else if (v !== lv) {
        out = {};
        for (let j = 0; j < i; j++) setOwn(out, keys[j]!, lm[keys[j]!]!);
        if (v !== undefined) setOwn(out, key, v);
      }
    }
  }
  if (rm) {
    for (const key of Object.keys(rm)) {
      if (lm && hasOwn(lm, key)) continue;
      if (!out) out = lm ? copyObject(lm) : {};
      const v = mergeKey(node, key, undefined, rm[key], into);
      if (v !== undefined) setOwn(out, key, v);
    }
  }
  return out ?? lm;
}

function mergeKey(node: SchemaNode, key: string, lv: JsonValue | undefined, rv: JsonValue | undefined, into: FieldSet | undefined): JsonValue | undefined {
  if (into && rv !== undefined) return mergeCollecting(childNode(node, key), lv, rv, into, fieldId(key), isMemberField(node, key, rv));
  return mergeAt(childNode(node, key), lv, rv, undefined);
}

function copyObject(obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(obj)) setOwn(out, key, obj[key]!);
  return out;
}

function mergeList(node: SchemaNode, lhs: JsonValue | undefined, rhs: JsonValue | undefined, into: FieldSet | undefined): JsonValue | undefined {
  const ll = Array.isArray(lhs) ? lhs : undefined;
  const rl = Array.isArray(rhs) ? rhs : undefined;
  if (isAtomicList(node) || ((!ll || ll.length === 0) && (!rl || rl.length === 0))) return mergeLeaf(lhs, rhs);
  const out = mergeListItems(node, ll, rl, into);
  if (out.length === 0) return undefined;
  if (ll && sameItems(ll, out)) return ll;
  return out;
}

function sameItems(a: JsonValue[], b: JsonValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Upstream's current ordering: items of both sides keep the order the applied list gives them, items only in the
 * live list stay where they were relative to their neighbours, and new items come in the applied list's order.
 */
function mergeListItems(node: SchemaNode, ll: JsonValue[] | undefined, rl: JsonValue[] | undefined, into: FieldSet | undefined): JsonValue[] {
  const items = itemsNode(node);
  const { lhs, rhs } = indexBoth(node, ll, rl);
  const out: JsonValue[] = [];
  // Items of both lists, in the applied list's order; `shared[sharedAt]` is the next one to place.
  const shared: MatchKey[] = [];
  for (const key of rhs.order) if (lhs.byKey.has(key)) shared.push(key);
  let sharedAt = 0;

  let li = 0;
  let ri = 0;
  while (li < lhs.order.length || ri < rhs.order.length) {
    if (li < lhs.order.length && ri < rhs.order.length) {
      const lk = lhs.order[li]!;
      const rk = rhs.order[ri]!;
      if (lk === rk) {
        mergeListItem(node, items, lhs.byKey.get(lk), rhs.byKey.get(rk), into, out);
        li++;
        ri++;
        sharedAt++;
        continue;
      }
      if (rhs.byKey.has(lk) && sharedAt < shared.length && shared[sharedAt] !== lk) {
        li++; // a shared item, but not the one this round places
        continue;
      }
    }
    if (li < lhs.order.length) {
      const lk = lhs.order[li]!;
      if (!rhs.byKey.has(lk)) {
        mergeListItem(node, items, lhs.byKey.get(lk), undefined, into, out);
        li++;
        continue;
      }
    }
    if (ri < rhs.order.length) {
      const rk = rhs.order[ri]!;
      mergeListItem(node, items, lhs.byKey.get(rk), rhs.byKey.get(rk), into, out);
      ri++;
      if (sharedAt < shared.length && shared[sharedAt] === rk) sharedAt++;
    } else {
      li++; // only shared items already placed remain on the left
    }
  }
  return out;
}

function mergeListItem(
  list: SchemaNode,
  items: SchemaNode,
  l: JsonValue | Duplicates | undefined,
  r: JsonValue | Duplicates | undefined,
  into: FieldSet | undefined,
  out: JsonValue[],
): void {
  const collecting = into !== undefined && r !== undefined;
  if (l instanceof Duplicates || r instanceof Duplicates) {
    // Duplicate keys in the live list: the item is one leaf; the applied item replaces all its duplicates.
    const chosen = r ?? l!;
    if (chosen instanceof Duplicates) for (const item of chosen.items) out.push(item);
    else out.push(chosen);
    if (collecting) {
      const id = keyedItemId(list, l, r);
      for (const item of r instanceof Duplicates ? r.items : [r!]) collect(items, item, into, id, true);
    }
    return;
  }
  const v = collecting ? mergeCollecting(items, l, r!, into, keyedItemId(list, l, r), true) : mergeAt(items, l, r, undefined);
  if (v !== undefined) out.push(v);
}

// --- compare ------------------------------------------------------------------------------------------------------

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** `TypedValue.Compare`: leaves and non-leaf items that appeared, changed value, or disappeared. */
export function compareTyped(node: SchemaNode, lhs: JsonValue | undefined, rhs: JsonValue | undefined): Comparison {
  const c: Comparison = { added: FieldSet.empty(), modified: FieldSet.empty(), removed: FieldSet.empty() };
  if (lhs === undefined && rhs === undefined) return c;
  compareAt(node, lhs, rhs, undefined, c);
  return c;
}

/**
 * One node of the comparison. The same value on both sides (in particular the same object, which merge leaves in
 * place) has nothing to report below it. When the shapes differ, upstream visits the node once per shape, and both
 * visits report; the node itself is reported as a non-leaf unless the right-hand visit ended in a leaf.
 */
function compareAt(node: SchemaNode, lhs: JsonValue | undefined, rhs: JsonValue | undefined, path: PathLink | undefined, c: Comparison): void {
  if (lhs === rhs) return;
  const sl = shapeOf(node, lhs);
  const sr = shapeOf(node, rhs);
  if (sl !== sr) compareShape(sl, node, lhs, rhs, path, c);
  const leaf = compareShape(sr, node, lhs, rhs, path, c);
  if (!leaf && path) {
    if (lhs === undefined) c.added.insertLink(path);
    else if (rhs === undefined) c.removed.insertLink(path);
  }
}

/** Visits the node as `shape`; true when that made it a leaf. */
function compareShape(shape: Shape, node: SchemaNode, lhs: JsonValue | undefined, rhs: JsonValue | undefined, path: PathLink | undefined, c: Comparison): boolean {
  if (shape === MAP) {
    const lm = isObject(lhs) ? lhs : undefined;
    const rm = isObject(rhs) ? rhs : undefined;
    if (isAtomicMap(node) || ((!lm || hasNoKeys(lm)) && (!rm || hasNoKeys(rm)))) {
      compareLeaf(lhs, rhs, path, c);
      return true;
    }
    if (lm) {
      for (const key of Object.keys(lm)) {
        const lv = lm[key];
        const rv = rm && hasOwn(rm, key) ? rm[key] : undefined;
        if (lv !== rv) compareAt(childNode(node, key), lv, rv, link(path, fieldId(key)), c);
      }
    }
    if (rm) {
      for (const key of Object.keys(rm)) {
        if (!lm || !hasOwn(lm, key)) compareAt(childNode(node, key), undefined, rm[key], link(path, fieldId(key)), c);
      }
    }
    return false;
  }
  if (shape === LIST) {
    const ll = Array.isArray(lhs) ? lhs : undefined;
    const rl = Array.isArray(rhs) ? rhs : undefined;
    if (isAtomicList(node) || ((!ll || ll.length === 0) && (!rl || rl.length === 0))) {
      compareLeaf(lhs, rhs, path, c);
      return true;
    }
    compareListItems(node, ll, rl, path, c);
    return false;
  }
  compareLeaf(lhs, rhs, path, c);
  return true;
}

function compareLeaf(lhs: JsonValue | JsonValue[] | undefined, rhs: JsonValue | JsonValue[] | undefined, path: PathLink | undefined, c: Comparison): void {
  if (!path) return; // nobody owns the whole object
  if (lhs === undefined) c.added.insertLink(path);
  else if (rhs === undefined) c.removed.insertLink(path);
  else if (!valuesEqual(lhs, rhs)) c.modified.insertLink(path);
}

/** Every item id of either side once; order does not matter to a comparison. */
function compareListItems(node: SchemaNode, ll: JsonValue[] | undefined, rl: JsonValue[] | undefined, path: PathLink | undefined, c: Comparison): void {
  const items = itemsNode(node);
  const { lhs, rhs } = indexBoth(node, ll, rl);
  for (const key of rhs.order) compareListItem(node, items, lhs.byKey.get(key), rhs.byKey.get(key), path, c);
  for (const key of lhs.order) if (!rhs.byKey.has(key)) compareListItem(node, items, lhs.byKey.get(key), undefined, path, c);
}

function compareListItem(
  list: SchemaNode,
  items: SchemaNode,
  l: JsonValue | Duplicates | undefined,
  r: JsonValue | Duplicates | undefined,
  path: PathLink | undefined,
  c: Comparison,
): void {
  if (l instanceof Duplicates || r instanceof Duplicates) {
    // Duplicates: one leaf, as in merge, whose value is the list of the id's items.
    const lItems = l instanceof Duplicates ? l.items : l === undefined ? undefined : [l];
    const rItems = r instanceof Duplicates ? r.items : r === undefined ? undefined : [r];
    compareLeaf(lItems, rItems, link(path, keyedItemId(list, l, r)), c);
    return;
  }
  if (l !== r) compareAt(items, l, r, link(path, keyedItemId(list, l, r)), c);
}

export function isSameComparison(c: Comparison): boolean {
  return c.added.isEmpty() && c.modified.isEmpty() && c.removed.isEmpty();
}

/** `Comparison.ExcludeFields`. */
export function excludeFields(c: Comparison, ignored: FieldSet | undefined): Comparison {
  if (!ignored || ignored.isEmpty()) return c;
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

// --- field sets of values -----------------------------------------------------------------------------------------

/**
 * `TypedValue.ToFieldSet`: the paths a value sets. Scalars, atomic lists/maps and list items are members; map keys
 * are members unless they are named fields of a struct holding a non-empty value.
 */
export function toFieldSet(node: SchemaNode, v: JsonValue | undefined): FieldSet {
  const set = FieldSet.empty();
  if (v === undefined) return set;
  // The root itself is never a member; only a granular map or list contributes paths.
  const shape = shapeOf(node, v);
  if (shape === MAP && !isAtomicMap(node) && isObject(v)) collectMap(node, v, set);
  else if (shape === LIST && !isAtomicList(node) && Array.isArray(v)) collectList(node, v, set);
  return set;
}

/** The paths of the value at `parent`/`id`; `member` says whether that path is a member itself. */
function collect(node: SchemaNode, v: JsonValue, parent: FieldSet, id: string, member: boolean): void {
  const shape = shapeOf(node, v);
  if (shape === SCALAR || (shape === MAP ? isAtomicMap(node) : isAtomicList(node))) {
    parent.addMember(id);
    return;
  }
  if (member) parent.addMember(id);
  if (shape === MAP) {
    if (isObject(v) && !hasNoKeys(v)) {
      collectMap(node, v, parent.childForInsert(id));
      parent.dropIfEmpty(id); // a struct whose only fields are empty lists adds nothing
    }
  } else if (Array.isArray(v) && v.length > 0) {
    collectList(node, v, parent.childForInsert(id));
  }
}

function collectMap(node: SchemaNode, v: JsonObject, set: FieldSet): void {
  for (const key of Object.keys(v)) {
    const val = v[key]!;
    collect(childNode(node, key), val, set, fieldId(key), isMemberField(node, key, val));
  }
}

function collectList(node: SchemaNode, v: JsonValue[], set: FieldSet): void {
  const items = itemsNode(node);
  for (let i = 0; i < v.length; i++) collect(items, v[i]!, set, itemId(node, i, v[i]!), true);
}

/**
 * `TypedValue.RemoveItems`: drops every member of `toRemove` from the value. A map or list emptied by the removal
 * becomes null, as upstream leaves it (pruning later removes such nulls only where a named field is removed).
 */
export function removeItems(node: SchemaNode, v: JsonValue | undefined, toRemove: FieldSet): JsonValue | undefined {
  if (v === undefined) return undefined;
  return remove(node, v, toRemove);
}

function remove(node: SchemaNode, v: JsonValue, toRemove: FieldSet): JsonValue {
  const shape = shapeOf(node, v);
  if (shape === SCALAR) return v;
  if (shape === LIST) {
    if (!Array.isArray(v) || v.length === 0 || isAtomicList(node)) return null;
    const items = itemsNode(node);
    const out: JsonValue[] = [];
    for (let i = 0; i < v.length; i++) {
      const item = v[i]!;
      const id = itemId(node, i, item);
      if (toRemove.hasMemberId(id)) continue;
      const sub = toRemove.childById(id);
      out.push(!sub || sub.isEmpty() ? item : remove(items, item, sub));
    }
    return out.length > 0 ? out : null;
  }
  if (!isObject(v) || hasNoKeys(v) || isAtomicMap(node)) return null;
  const out: JsonObject = {};
  let any = false;
  for (const key of Object.keys(v)) {
    const id = fieldId(key);
    if (toRemove.hasMemberId(id)) continue;
    const sub = toRemove.childById(id);
    setOwn(out, key, !sub || sub.isEmpty() ? v[key]! : remove(childNode(node, key), v[key]!, sub));
    any = true;
  }
  return any ? out : null;
}

/**
 * `Set.EnsureNamedFieldsAreMembers`: adds every named struct field that has descendants in the set as a member,
 * so that pruning removes a struct field whose last owned descendant went away (instead of leaving `{}` or null).
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, node: SchemaNode | undefined): FieldSet {
  const mapNode = node && (node.type === "map" || node.type === "untyped") ? node : undefined;
  let members: Set<string> | undefined;
  const children = new Map<string, FieldSet>();
  for (const [id, sub] of set.childEntries()) {
    let child: SchemaNode | undefined;
    if (id.charCodeAt(0) === 102 /* f */ && mapNode) {
      const name = id.slice(2);
      if (mapNode.type === "map" && mapNode.fields && hasOwn(mapNode.fields, name)) {
        child = mapNode.fields[name];
        (members ??= new Set(set.memberIds())).add(id);
      } else {
        child = mapNode.type === "map" ? (mapNode.additional ?? untyped) : untyped;
      }
    } else if (id.charCodeAt(0) === 107 /* k */ && node?.type === "list") {
      child = node.items;
    }
    children.set(id, ensureNamedFieldsAreMembers(sub, child));
  }
  return FieldSet.fromIds(members ?? new Set(set.memberIds()), children);
}

/** The sub-schema at a path, following fields, list items and map values (untyped where the schema says nothing). */
export function schemaAt(node: SchemaNode, path: Path): SchemaNode {
  let n = node;
  for (const pe of path) {
    if ("field" in pe) n = n.type === "map" ? (n.fields && hasOwn(n.fields, pe.field) ? n.fields[pe.field]! : (n.additional ?? untyped)) : untyped;
    else n = n.type === "list" ? n.items : untyped;
  }
  return n;
}
