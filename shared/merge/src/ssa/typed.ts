/**
 * The value walkers of structured-merge-diff's `typed` package, over JSON values described by a SchemaNode:
 * merge (`TypedValue.Merge`), compare (`TypedValue.Compare`), the field set of a value (`ToFieldSet`), removal of
 * a set (`RemoveItems`), `EnsureNamedFieldsAreMembers`, and the key validation that turns a bad list item into the
 * same error text upstream reports.
 *
 * Untyped nodes behave like upstream's deduced type: maps are granular (every key is a member of the field set),
 * lists are atomic, everything else is a scalar. `undefined` stands for Go's nil (absent) and `null` for JSON null.
 */
import { FieldSet } from "./fieldset.js";
import { fieldElement, keyElement, type Path, type PathElement, pathElementString, serializePathElement, valueElement } from "./path.js";
import { hasOwn, isObject, type JsonObject, type JsonValue, own, setOwn, valuesEqual } from "./value.js";
import { type ListNode, type MapNode, type SchemaNode, untyped } from "../schema.js";

type Resolved =
  | { kind: "map"; atomic: boolean; node: MapNode | undefined }
  | { kind: "list"; atomic: boolean; node: ListNode | undefined }
  | { kind: "scalar" };

const deducedMap: Resolved = { kind: "map", atomic: false, node: undefined };
const deducedList: Resolved = { kind: "list", atomic: true, node: undefined };
const scalarKind: Resolved = { kind: "scalar" };

/**
 * Which of the node's shapes applies to `v` (upstream's `deduceAtom` + `handleAtom`). Nil and null take the node's
 * own shape (a map for untyped nodes). A value whose shape contradicts the schema is handled as a scalar leaf:
 * upstream rejects such objects in validation before merging, and a leaf keeps the request's value.
 */
function resolve(node: SchemaNode, v: JsonValue | undefined): Resolved {
  const nil = v === undefined || v === null;
  switch (node.type) {
    case "map":
      return nil || isObject(v) ? { kind: "map", atomic: node.mapType === "atomic", node } : scalarKind;
    case "list":
      return nil || Array.isArray(v) ? { kind: "list", atomic: node.listType === "atomic", node } : scalarKind;
    case "scalar":
      return scalarKind;
    case "untyped":
      if (nil || isObject(v)) return deducedMap;
      return Array.isArray(v) ? deducedList : scalarKind;
  }
}

function sameShape(a: Resolved, b: Resolved): boolean {
  return a.kind === b.kind;
}

/** The schema of map key `key`, and whether it is a named (struct) field, which is never a member by itself. */
function mapChild(r: Resolved & { kind: "map" }, key: string): { node: SchemaNode; named: boolean } {
  const n = r.node;
  if (n?.fields && hasOwn(n.fields, key)) return { node: n.fields[key]!, named: true };
  return { node: n?.additional ?? untyped, named: false };
}

function listItems(r: Resolved & { kind: "list" }): SchemaNode {
  return r.node?.items ?? untyped;
}

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

/** `listItemToPathElement`; throws the bare message, callers add `element <i>: ` and the path. */
function itemElement(r: Resolved & { kind: "list" }, index: number, item: JsonValue): PathElement {
  const list = r.node;
  if (!list || list.listType === "atomic") return { index };
  if (list.listType === "map" && list.keys && list.keys.length > 0) {
    if (item === null) throw new Error("associative list with keys may not have a null element");
    if (!isObject(item)) throw new Error("associative list with keys may not have non-map elements");
    const fields: Record<string, JsonValue> = {};
    for (const k of list.keys) {
      const v = own(item, k);
      if (v !== undefined) {
        setOwn(fields as JsonObject, k, v);
        continue;
      }
      const d = keyDefault(list, k);
      if (d === undefined) {
        throw new Error(`associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
      }
      setOwn(fields as JsonObject, k, d);
    }
    return keyElement(fields);
  }
  if (isObject(item)) throw new Error("associative list without keys has an element that's a map type");
  if (Array.isArray(item)) throw new Error("not supported: associative list with lists as elements");
  if (item === null) throw new Error("associative list without keys has an element that's an explicit null");
  return valueElement(item);
}

/**
 * Checks that every associative-list item has its keys and (unless `allowDuplicates`) that no key repeats, with
 * upstream's error text (e.g. `.spec.ports: element 0: associative list with keys has an element that omits key
 * field "protocol" (and doesn't have default value)`). The walkers below assume a value that passed this check.
 */
export function validateKeys(node: SchemaNode, v: JsonValue | undefined, allowDuplicates: boolean): void {
  validateAt(node, v, allowDuplicates, "");
}

function validateAt(node: SchemaNode, v: JsonValue | undefined, allowDuplicates: boolean, path: string): void {
  const r = resolve(node, v);
  if (r.kind === "map" && isObject(v)) {
    for (const key of Object.keys(v)) validateAt(mapChild(r, key).node, v[key], allowDuplicates, path + "." + key);
  } else if (r.kind === "list" && Array.isArray(v)) {
    const seen = new Set<string>();
    const items = listItems(r);
    v.forEach((item, i) => {
      let pe: PathElement;
      try {
        pe = itemElement(r, i, item);
      } catch (e) {
        throw new TypedValueError(path, `element ${i}: ${(e as Error).message}`);
      }
      if (!("index" in pe)) {
        const id = serializePathElement(pe);
        if (seen.has(id) && !allowDuplicates) throw new TypedValueError(path, `duplicate entries for key ${pathElementString(pe)}`);
        seen.add(id);
      }
      validateAt(items, item, allowDuplicates, path + pathElementString(pe));
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Merging walker: `merge(lhs, rhs, rule, postItemHook)`. Merge and Compare are both instances of it.

interface Walker {
  readonly path: PathElement[];
  readonly lhs: JsonValue | undefined;
  readonly rhs: JsonValue | undefined;
  /** The output (`w.out`); undefined when the walker produced nothing. */
  out: { v: JsonValue } | undefined;
  inLeaf: boolean;
}

interface Rules {
  /** Called on leaves: scalars, atomic lists and maps, and empty/null lists and maps. */
  leaf(w: Walker): void;
  /** Called after a non-leaf node (granular map, associative list, list item) was walked. */
  post?(w: Walker): void;
}

function mergeWalk(path: PathElement[], node: SchemaNode, lhs: JsonValue | undefined, rhs: JsonValue | undefined, rules: Rules): Walker {
  const w: Walker = { path, lhs, rhs, out: undefined, inLeaf: false };
  const rl = resolve(node, lhs);
  const rr = resolve(node, rhs);
  if (sameShape(rl, rr)) {
    handle(rr, w, rules);
  } else {
    handle(rl, { ...w }, rules);
    handle(rr, w, rules);
  }
  if (!w.inLeaf && rules.post) rules.post(w);
  return w;
}

function handle(r: Resolved, w: Walker, rules: Rules): void {
  if (r.kind === "scalar") doLeaf(w, rules);
  else if (r.kind === "map") doMap(r, w, rules);
  else doList(r, w, rules);
}

function doLeaf(w: Walker, rules: Rules): void {
  if (w.inLeaf) return;
  w.inLeaf = true;
  rules.leaf(w);
}

function doMap(r: Resolved & { kind: "map" }, w: Walker, rules: Rules): void {
  const lm = isObject(w.lhs) ? w.lhs : undefined;
  const rm = isObject(w.rhs) ? w.rhs : undefined;
  const emptyPromoteToLeaf = (!lm || Object.keys(lm).length === 0) && (!rm || Object.keys(rm).length === 0);
  if (r.atomic || emptyPromoteToLeaf) {
    doLeaf(w, rules);
    return;
  }
  const out: JsonObject = {};
  let any = false;
  const visit = (key: string) => {
    const child = mapChild(r, key);
    const cw = mergeWalk([...w.path, fieldElement(key)], child.node, lm ? own(lm, key) : undefined, rm ? own(rm, key) : undefined, rules);
    if (cw.out) {
      setOwn(out, key, cw.out.v);
      any = true;
    }
  };
  if (lm) for (const key of Object.keys(lm)) visit(key);
  if (rm) for (const key of Object.keys(rm)) if (!lm || !hasOwn(lm, key)) visit(key);
  if (any) w.out = { v: out };
}

interface IndexedItems {
  order: PathElement[];
  /** Items by serialized path element; more than one when the list holds duplicates. */
  byId: Map<string, JsonValue[]>;
}

function indexItems(r: Resolved & { kind: "list" }, list: JsonValue[] | undefined): IndexedItems {
  const order: PathElement[] = [];
  const byId = new Map<string, JsonValue[]>();
  (list ?? []).forEach((item, i) => {
    const pe = itemElement(r, i, item);
    const id = serializePathElement(pe);
    const seen = byId.get(id);
    if (seen) seen.push(item);
    else {
      byId.set(id, [item]);
      order.push(pe);
    }
  });
  return { order, byId };
}

function doList(r: Resolved & { kind: "list" }, w: Walker, rules: Rules): void {
  const ll = Array.isArray(w.lhs) ? w.lhs : undefined;
  const rl = Array.isArray(w.rhs) ? w.rhs : undefined;
  const emptyPromoteToLeaf = (!ll || ll.length === 0) && (!rl || rl.length === 0);
  if (r.atomic || emptyPromoteToLeaf) {
    doLeaf(w, rules);
    return;
  }
  visitListItems(r, w, ll, rl, rules);
}

/**
 * Upstream's current ordering: items of both sides keep the order the applied list gives them, items only in the
 * live list stay where they were relative to their neighbours, and new items come in the applied list's order.
 */
function visitListItems(r: Resolved & { kind: "list" }, w: Walker, ll: JsonValue[] | undefined, rl: JsonValue[] | undefined, rules: Rules): void {
  const items = listItems(r);
  const rhs = indexItems(r, rl);
  const lhs = indexItems(r, ll);
  const out: JsonValue[] = [];
  const idOf = (pe: PathElement) => serializePathElement(pe);

  const mergeItem = (pe: PathElement, lItems: JsonValue[] | undefined, rItems: JsonValue[] | undefined) => {
    if ((lItems && lItems.length > 1) || (rItems && rItems.length > 1)) {
      // Duplicate keys in the live list: the item is one leaf; the applied item replaces all its duplicates.
      const lw: Walker = { path: [...w.path, pe], lhs: lItems, rhs: rItems, out: undefined, inLeaf: true };
      rules.leaf(lw);
      if (lw.out) out.push(...(lw.out.v as JsonValue[]));
      return;
    }
    const cw = mergeWalk([...w.path, pe], items, lItems?.[0], rItems?.[0], rules);
    if (cw.out) out.push(cw.out.v);
  };

  const shared = rhs.order.filter((pe) => lhs.byId.has(idOf(pe)));
  let sharedAt = 0;
  let nextShared: string | undefined = shared[0] ? idOf(shared[0]) : undefined;
  const advanceShared = () => {
    sharedAt++;
    nextShared = sharedAt < shared.length ? idOf(shared[sharedAt]!) : undefined;
  };

  let li = 0;
  let ri = 0;
  while (li < lhs.order.length || ri < rhs.order.length) {
    if (li < lhs.order.length && ri < rhs.order.length) {
      const lid = idOf(lhs.order[li]!);
      const rid = idOf(rhs.order[ri]!);
      if (lid === rid) {
        mergeItem(lhs.order[li]!, lhs.byId.get(lid), rhs.byId.get(rid));
        li++;
        ri++;
        advanceShared();
        continue;
      }
      if (rhs.byId.has(lid) && nextShared !== undefined && nextShared !== lid) {
        li++; // a shared item, but not the one this round places
        continue;
      }
    }
    if (li < lhs.order.length) {
      const lid = idOf(lhs.order[li]!);
      if (!rhs.byId.has(lid)) {
        mergeItem(lhs.order[li]!, lhs.byId.get(lid), undefined);
        li++;
        continue;
      }
    }
    if (ri < rhs.order.length) {
      const pe = rhs.order[ri]!;
      const rid = idOf(pe);
      mergeItem(pe, lhs.byId.get(rid), rhs.byId.get(rid));
      ri++;
      if (nextShared !== undefined && nextShared === rid) advanceShared();
    } else {
      li++; // only shared items already placed remain on the left
    }
  }
  if (out.length > 0) w.out = { v: out };
}

/** `TypedValue.Merge` with `ruleKeepRHS`: the applied configuration wins on every leaf it sets. */
export function mergeValues(node: SchemaNode, lhs: JsonValue | undefined, rhs: JsonValue | undefined): JsonValue | undefined {
  if (lhs === undefined && rhs === undefined) return undefined;
  const w = mergeWalk([], node, lhs, rhs, {
    leaf(w) {
      if (w.rhs !== undefined) w.out = { v: w.rhs };
      else if (w.lhs !== undefined) w.out = { v: w.lhs };
    },
  });
  return w.out?.v;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** `TypedValue.Compare`: leaves and non-leaf items that appeared, changed value, or disappeared. */
export function compareTyped(node: SchemaNode, lhs: JsonValue | undefined, rhs: JsonValue | undefined): Comparison {
  const c: Comparison = { added: FieldSet.empty(), modified: FieldSet.empty(), removed: FieldSet.empty() };
  if (lhs === undefined && rhs === undefined) return c;
  mergeWalk([], node, lhs, rhs, {
    leaf(w) {
      if (w.lhs === undefined) c.added.insert(w.path);
      else if (w.rhs === undefined) c.removed.insert(w.path);
      else if (!valuesEqual(w.lhs, w.rhs)) c.modified.insert(w.path);
    },
    post(w) {
      if (w.lhs === undefined) c.added.insert(w.path);
      else if (w.rhs === undefined) c.removed.insert(w.path);
    },
  });
  return c;
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

/**
 * `TypedValue.ToFieldSet`: the paths a value sets. Scalars, atomic lists/maps and list items are members; map keys
 * are members unless they are named fields of a struct holding a non-empty value.
 */
export function toFieldSet(node: SchemaNode, v: JsonValue | undefined): FieldSet {
  const set = FieldSet.empty();
  if (v !== undefined) collect(node, v, [], set);
  return set;
}

function collect(node: SchemaNode, v: JsonValue, path: PathElement[], set: FieldSet): void {
  const r = resolve(node, v);
  if (r.kind === "scalar") {
    set.insert(path);
  } else if (r.kind === "list") {
    if (r.atomic) {
      set.insert(path);
      return;
    }
    if (!Array.isArray(v)) return;
    const items = listItems(r);
    v.forEach((item, i) => {
      const p = [...path, itemElement(r, i, item)];
      collect(items, item, p, set);
      set.insert(p);
    });
  } else {
    if (r.atomic) {
      set.insert(path);
      return;
    }
    if (!isObject(v)) return;
    for (const key of Object.keys(v)) {
      const child = mapChild(r, key);
      const val = v[key]!;
      const p = [...path, fieldElement(key)];
      collect(child.node, val, p, set);
      if (val === null || (isObject(val) && Object.keys(val).length === 0) || !child.named) set.insert(p);
    }
  }
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
  const r = resolve(node, v);
  if (r.kind === "scalar") return v;
  if (r.kind === "list") {
    if (!Array.isArray(v) || v.length === 0 || r.atomic) return null;
    const items = listItems(r);
    const out: JsonValue[] = [];
    v.forEach((item, i) => {
      const pe = itemElement(r, i, item);
      if (toRemove.has([pe])) return;
      const sub = toRemove.withPrefix(pe);
      out.push(sub.isEmpty() ? item : remove(items, item, sub));
    });
    return out.length > 0 ? out : null;
  }
  if (!isObject(v) || Object.keys(v).length === 0 || r.atomic) return null;
  const out: JsonObject = {};
  let any = false;
  for (const key of Object.keys(v)) {
    const pe = fieldElement(key);
    if (toRemove.has([pe])) continue;
    const sub = toRemove.withPrefix(pe);
    setOwn(out, key, sub.isEmpty() ? v[key]! : remove(mapChild(r, key).node, v[key]!, sub));
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
  const members = [...set.memberElements()];
  const children: Array<{ pe: PathElement; set: FieldSet }> = [];
  for (const c of set.childEntries()) {
    let childNode: SchemaNode | undefined;
    if ("field" in c.pe && mapNode) {
      const fields = mapNode.type === "map" ? mapNode.fields : undefined;
      if (fields && hasOwn(fields, c.pe.field)) {
        childNode = fields[c.pe.field];
        if (!members.some((m) => "field" in m && m.field === (c.pe as { field: string }).field)) members.push(c.pe);
      } else {
        childNode = mapNode.type === "map" ? (mapNode.additional ?? untyped) : untyped;
      }
    } else if ("key" in c.pe && node?.type === "list") {
      childNode = node.items;
    }
    children.push({ pe: c.pe, set: ensureNamedFieldsAreMembers(c.set, childNode) });
  }
  const withNamed = FieldSet.fromParts([], children);
  const result = FieldSet.empty();
  for (const m of members) result.insert([m]);
  return result.union(withNamed);
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
