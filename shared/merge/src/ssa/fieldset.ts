/**
 * `fieldpath.Set`: a trie of path elements. A node's `members` are the paths that end at it, its `children` hold
 * the longer paths. Both are keyed by the element's id (its FieldsV1 key, see path.ts), so lookups are hash
 * lookups and the FieldsV1 encoding needs no serialization; the element order upstream iterates and encodes in
 * (`comparePathElements`) is computed only when a set is printed or encoded.
 *
 * Operations return new sets and may share unchanged subtrees with their operands, so `insert` is for builders of
 * a new set only. As upstream, `difference` is not recursive (removing `a` leaves `a.b`), while
 * `recursiveDifference` drops every path under a member of the other set. No node holds an empty child.
 */
import { canonicalId, compareIds, elementOfId, type Path, type PathElement, pathString, serializePathElement, sortIds, UnknownPathElementType } from "./path.js";
import { hasNoKeys, hasOwn, isObject, type JsonObject, type JsonValue } from "./value.js";

/** A path as the walkers build it: one link per element, from the leaf up, so extending a path allocates one link. */
export interface PathLink {
  readonly parent: PathLink | undefined;
  readonly id: string;
}

export class FieldSet {
  private members: Set<string> | undefined;
  private children: Map<string, FieldSet> | undefined;
  /** Member and child ids in element order, computed on demand; builders reset it. */
  private ordered: string[] | undefined;
  /**
   * The frozen FieldsV1 (sub-)object this node was read from or encoded to (see `encodeSharedFieldsV1`), holding a
   * `"."` if the node was a member where it came from; builders reset it. Internal to this module (public only
   * because the codec functions live outside the class).
   */
  source: JsonObject | undefined;
  /**
   * A frozen FieldsV1 node this module emitted, not read yet: members and children are read from it one level at a
   * time, when first needed, so that checks which touch a few paths of a stored set do not decode all of it.
   */
  private raw: JsonObject | undefined;

  private constructor(members?: Set<string>, children?: Map<string, FieldSet>, ordered?: string[]) {
    this.members = members && members.size > 0 ? members : undefined;
    this.children = children && children.size > 0 ? children : undefined;
    this.ordered = ordered;
  }

  /** A set read lazily from canonical, frozen FieldsV1 (see `raw`). */
  static fromCanonical(raw: JsonObject): FieldSet {
    const set = new FieldSet();
    set.raw = raw;
    set.source = raw;
    return set;
  }

  /** Reads this node's level of `raw`: keys are canonical ids, in order, without duplicates or unknown kinds. */
  private load(): void {
    const raw = this.raw;
    if (raw === undefined) return;
    this.raw = undefined;
    let members: Set<string> | undefined;
    let children: Map<string, FieldSet> | undefined;
    const ordered: string[] = [];
    for (const id in raw) {
      if (id === ".") continue;
      ordered.push(id);
      const sub = raw[id] as JsonObject;
      const leaf = sub === emptyFields;
      if (leaf || hasOwn(sub, ".")) (members ??= new Set()).add(id);
      if (!leaf) (children ??= new Map()).set(id, FieldSet.fromCanonical(sub));
    }
    this.members = members;
    this.children = children;
    this.ordered = ordered;
  }

  static empty(): FieldSet {
    return new FieldSet();
  }

  static of(...paths: Path[]): FieldSet {
    const s = FieldSet.empty();
    for (const p of paths) s.insert(p);
    return s;
  }

  // --- builders (a set under construction, not yet shared) --------------------------------------------------------

  /** Adds a path in place. */
  insert(path: Path): void {
    if (path.length === 0) return; // nobody owns the whole object
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.childForInsert(serializePathElement(path[i]!));
    node.addMember(serializePathElement(path[path.length - 1]!));
  }

  /** Adds the path a link names. */
  insertLink(link: PathLink): void {
    const node = link.parent ? this.nodeForInsert(link.parent) : this;
    node.addMember(link.id);
  }

  private nodeForInsert(link: PathLink): FieldSet {
    const parent = link.parent ? this.nodeForInsert(link.parent) : this;
    return parent.childForInsert(link.id);
  }

  addMember(id: string): void {
    this.load();
    if (!this.members) this.members = new Set();
    else if (this.members.has(id)) return;
    this.members.add(id);
    this.ordered = undefined;
    this.source = undefined;
  }

  /** The child node for `id`, created if missing; the caller must put a path in it or call `dropIfEmpty`. */
  childForInsert(id: string): FieldSet {
    this.load();
    if (!this.children) this.children = new Map();
    let child = this.children.get(id);
    if (!child) {
      child = new FieldSet();
      this.children.set(id, child);
      this.ordered = undefined;
    }
    this.source = undefined;
    return child;
  }

  dropIfEmpty(id: string): void {
    this.load();
    const child = this.children?.get(id);
    if (child && child.isEmpty()) {
      this.children!.delete(id);
      if (this.children!.size === 0) this.children = undefined;
      this.ordered = undefined;
      this.source = undefined;
    }
  }

  // --- queries ---------------------------------------------------------------------------------------------------

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.childById(serializePathElement(path[i]!));
    return node !== undefined && node.hasMemberId(serializePathElement(path[path.length - 1]!));
  }

  hasMember(pe: PathElement): boolean {
    return this.hasMemberId(serializePathElement(pe));
  }

  hasMemberId(id: string): boolean {
    this.load();
    return this.members !== undefined && this.members.has(id);
  }

  childById(id: string): FieldSet | undefined {
    this.load();
    return this.children?.get(id);
  }

  /** The paths below `pe`, relative to it (`Set.WithPrefix`). */
  withPrefix(pe: PathElement): FieldSet {
    return this.childById(serializePathElement(pe)) ?? FieldSet.empty();
  }

  isEmpty(): boolean {
    if (this.raw !== undefined) return !hasEntries(this.raw);
    if (this.members) return false;
    if (this.children) for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  get size(): number {
    if (this.raw !== undefined) return rawSize(this.raw);
    let n = this.members ? this.members.size : 0;
    if (this.children) for (const c of this.children.values()) n += c.size;
    return n;
  }

  /** Member ids (unordered). */
  memberIds(): Iterable<string> {
    this.load();
    return this.members ?? noIds;
  }

  /** Child ids and sets (unordered). */
  childEntries(): Iterable<[string, FieldSet]> {
    this.load();
    return this.children ?? noChildren;
  }

  /** Every member and child id once, in element order (the order of FieldsV1 keys and of `Set.Iterate`). */
  orderedIds(): readonly string[] {
    this.load();
    if (this.ordered) return this.ordered;
    const ids: string[] = this.members ? [...this.members] : [];
    if (this.children) for (const id of this.children.keys()) if (!this.members?.has(id)) ids.push(id);
    this.ordered = sortIds(ids);
    return this.ordered;
  }

  /** True when every path of this set is in `other`. */
  isSubsetOf(other: FieldSet): boolean {
    if (this === other) return true;
    if (this.raw !== undefined) return rawSubsetOf(this.raw, other);
    other.load();
    if (this.members) {
      if (!other.members) return false;
      for (const id of this.members) if (!other.members.has(id)) return false;
    }
    if (this.children) {
      for (const [id, c] of this.children) {
        const o = other.children?.get(id);
        if (o ? !c.isSubsetOf(o) : !c.isEmpty()) return false;
      }
    }
    return true;
  }

  equals(other: FieldSet): boolean {
    return this.isSubsetOf(other) && other.isSubsetOf(this);
  }

  // --- set algebra -----------------------------------------------------------------------------------------------

  union(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    this.load();
    other.load();
    let members = this.members;
    if (other.members) {
      if (!members) members = other.members;
      else {
        let added: Set<string> | undefined;
        for (const id of other.members) {
          if (members.has(id)) continue;
          if (!added) added = new Set(members);
          added.add(id);
        }
        if (added) members = added;
      }
    }
    let children = this.children;
    if (other.children) {
      if (!children) children = other.children;
      else {
        const merged = new Map(children);
        for (const [id, c] of other.children) {
          const mine = merged.get(id);
          merged.set(id, mine ? mine.union(c) : c);
        }
        children = merged;
      }
    }
    return new FieldSet(members, children);
  }

  intersection(other: FieldSet): FieldSet {
    this.load();
    other.load();
    let members: Set<string> | undefined;
    if (this.members && other.members) {
      const [small, large] = this.members.size <= other.members.size ? [this.members, other.members] : [other.members, this.members];
      for (const id of small) {
        if (!large.has(id)) continue;
        if (!members) members = new Set();
        members.add(id);
      }
    }
    let children: Map<string, FieldSet> | undefined;
    if (this.children && other.children) {
      const [small, large] = this.children.size <= other.children.size ? [this.children, other.children] : [other.children, this.children];
      for (const [id, c] of small) {
        const o = large.get(id);
        if (!o) continue;
        const set = c.intersection(o);
        if (set.isEmpty()) continue;
        if (!children) children = new Map();
        children.set(id, set);
      }
    }
    return new FieldSet(members, children);
  }

  difference(other: FieldSet): FieldSet {
    return this.subtract(other, false);
  }

  recursiveDifference(other: FieldSet): FieldSet {
    return this.subtract(other, true);
  }

  private subtract(other: FieldSet, recursive: boolean): FieldSet {
    if (other.isEmpty()) return this;
    this.load();
    other.load();
    const members = this.members && other.members ? withoutIds(this.members, other.members) : this.members;
    let children = this.children;
    if (children) {
      let changed: Map<string, FieldSet> | undefined;
      // Only ids the other set names can change; walk whichever side has fewer of them.
      const otherCount = (other.children?.size ?? 0) + (recursive ? (other.members?.size ?? 0) : 0);
      if (children.size <= otherCount) {
        for (const id of children.keys()) changed = this.subtractChild(id, other, recursive, changed);
      } else {
        if (other.children) for (const id of other.children.keys()) changed = this.subtractChild(id, other, recursive, changed);
        if (recursive && other.members) {
          for (const id of other.members) if (!other.children?.has(id)) changed = this.subtractChild(id, other, recursive, changed);
        }
      }
      if (changed) children = changed;
    }
    if (members === this.members && children === this.children) return this;
    return new FieldSet(members, children);
  }

  /** The children after subtracting `other` below `id`; `changed` is the copy made so far, if any. */
  private subtractChild(id: string, other: FieldSet, recursive: boolean, changed: Map<string, FieldSet> | undefined): Map<string, FieldSet> | undefined {
    const c = this.children!.get(id);
    if (!c) return changed;
    let set: FieldSet;
    if (recursive && other.members?.has(id)) set = FieldSet.empty();
    else {
      const o = other.children?.get(id);
      if (!o) return changed;
      set = c.subtract(o, recursive);
      if (set === c) return changed;
    }
    changed ??= new Map(this.children);
    if (set.isEmpty()) changed.delete(id);
    else changed.set(id, set);
    return changed;
  }

  // --- iteration and printing ------------------------------------------------------------------------------------

  /** Every path in the set, in upstream's order (`Set.Iterate`: a node's members, then its children). */
  *paths(prefix: PathElement[] = []): Generator<PathElement[]> {
    this.load();
    const ids = this.orderedIds();
    if (this.members) for (const id of ids) if (this.members.has(id)) yield [...prefix, elementOfId(id)];
    if (this.children) {
      for (const id of ids) {
        const c = this.children.get(id);
        if (c) yield* c.paths([...prefix, elementOfId(id)]);
      }
    }
  }

  [Symbol.iterator](): Generator<PathElement[]> {
    return this.paths();
  }

  /** One path per line, as `Set.String()` prints them. */
  toString(): string {
    return [...this.paths()].map(pathString).join("\n");
  }

  /**
   * A set from parts keyed by id; empty children are dropped (used by the decoder and the schema-aware helpers).
   * `ordered`, if given, must be every member and child id once, in element order.
   */
  static fromIds(members: Set<string> | undefined, children: Map<string, FieldSet> | undefined, ordered?: string[]): FieldSet {
    if (children) {
      for (const [id, c] of children) {
        if (!c.isEmpty()) continue;
        children.delete(id);
        ordered = undefined;
      }
    }
    return new FieldSet(members, children, ordered);
  }
}

const noIds: ReadonlySet<string> = new Set();

/** Whether a canonical FieldsV1 node names any path (any key but "."). */
function hasEntries(raw: JsonObject): boolean {
  for (const id in raw) if (id !== ".") return true;
  return false;
}

/** `size` of a canonical FieldsV1 node, without reading it into a set. */
function rawSize(raw: JsonObject): number {
  let n = 0;
  for (const id in raw) {
    if (id === ".") continue;
    const sub = raw[id] as JsonObject;
    if (sub === emptyFields) n++;
    else n += (hasOwn(sub, ".") ? 1 : 0) + rawSize(sub);
  }
  return n;
}

/** `isSubsetOf` for a canonical FieldsV1 node, without reading it into a set. */
function rawSubsetOf(raw: JsonObject, other: FieldSet): boolean {
  for (const id in raw) {
    if (id === ".") continue;
    const sub = raw[id] as JsonObject;
    const leaf = sub === emptyFields;
    if ((leaf || hasOwn(sub, ".")) && !other.hasMemberId(id)) return false;
    if (!leaf) {
      const o = other.childById(id);
      if (!o || !rawSubsetOf(sub, o)) return false;
    }
  }
  return true;
}

/** `ids` minus `removed`; the same Set object when nothing is removed. */
function withoutIds(ids: Set<string>, removed: Set<string>): Set<string> {
  const [small, large] = ids.size <= removed.size ? [ids, removed] : [removed, ids];
  let any = false;
  for (const id of small) {
    if (large.has(id)) {
      any = true;
      break;
    }
  }
  if (!any) return ids;
  const kept = new Set<string>();
  for (const id of ids) if (!removed.has(id)) kept.add(id);
  return kept;
}
const noChildren: ReadonlyMap<string, FieldSet> = new Map();

/**
 * The FieldsV1 form of a set (`Set.ToJSON`): members map to `{}`; a node that is both a member and a parent gets a
 * `"."` key, written before its children as upstream's serializer does.
 */
export function encodeFieldsV1(set: FieldSet): JsonObject {
  return emit(set, false);
}

function emit(set: FieldSet, includeSelf: boolean): JsonObject {
  const out: JsonObject = {};
  const ids = set.orderedIds();
  if (includeSelf && ids.length > 0) out["."] = {};
  // Ids always carry a kind prefix ("f:", "k:", ...), so plain assignment cannot hit `__proto__`.
  for (const id of ids) {
    const child = set.childById(id);
    out[id] = child ? emit(child, set.hasMemberId(id)) : {};
  }
  return out;
}

// --- FieldsV1 shared between calls --------------------------------------------------------------------------------
//
// The managedFields an apply or update returns are what the API server stores, and what the next write of the object
// hands back as the live object's managedFields. Their FieldsV1 objects are therefore emitted deeply frozen, with all
// leaves sharing one frozen `{}`, and marked as canonical: decoding one again skips canonicalizing and ordering keys,
// and when its set comes out of the write unchanged, the same object is returned instead of a new encoding. Nothing
// is cached beyond the call: a decoded set only remembers the object it came from.

const emptyFields: JsonObject = Object.freeze({}) as JsonObject;
/** Own, non-enumerable mark of a frozen FieldsV1 root this module emitted (JSON, copies and key lists skip it). */
const canonicalMark = Symbol("canonical FieldsV1");

function isCanonical(fields: JsonObject): boolean {
  return Object.isFrozen(fields) && Object.prototype.hasOwnProperty.call(fields, canonicalMark);
}

/** `encodeFieldsV1` for managedFields entries: deeply frozen, and the set's own source when it has one. */
export function encodeSharedFieldsV1(set: FieldSet): JsonObject {
  // A root never holds "."; a source with one is a subtree of another set.
  let encoded = set.source && !hasOwn(set.source, ".") ? set.source : undefined;
  if (!encoded) {
    encoded = emitFrozen(set, false);
    Object.defineProperty(encoded, canonicalMark, { value: true });
    Object.freeze(encoded);
    set.source = encoded;
  }
  return encoded;
}

/** `decodeFieldsV1`; objects `encodeSharedFieldsV1` returned are read lazily and remembered as the set's source. */
export function decodeSharedFieldsV1(fields: unknown): FieldSet {
  if (isObject(fields) && isCanonical(fields)) {
    const set = FieldSet.fromCanonical(fields);
    set.source = fields;
    return set;
  }
  return decodeFieldsV1(fields);
}

/**
 * The members and children of one node; the root is frozen by the caller once marked. A child that still has its
 * frozen source (a part of a stored set that this write left alone) is that source, unless its membership changed.
 */
function emitFrozen(set: FieldSet, includeSelf: boolean): JsonObject {
  const out: JsonObject = {};
  const ids = set.orderedIds();
  if (includeSelf && ids.length > 0) out["."] = emptyFields;
  for (const id of ids) {
    const child = set.childById(id);
    if (!child) {
      out[id] = emptyFields;
      continue;
    }
    const member = set.hasMemberId(id);
    const source = child.source;
    out[id] = source && hasOwn(source, ".") === member ? source : Object.freeze(emitFrozen(child, member));
  }
  return out;
}

export class FieldsV1Error extends Error {}

/** Parses FieldsV1 (an object, or its JSON text) back into a set (`Set.FromJSON`). */
export function decodeFieldsV1(fields: unknown): FieldSet {
  let parsed: unknown = fields;
  if (typeof fields === "string") {
    try {
      parsed = JSON.parse(fields);
    } catch (e) {
      throw new FieldsV1Error(`invalid FieldsV1 JSON: ${(e as Error).message}`);
    }
  }
  if (parsed === null || parsed === undefined) return FieldSet.empty();
  if (!isObject(parsed)) throw new FieldsV1Error("FieldsV1 must be a JSON object");
  return read(parsed) ?? FieldSet.empty();
}

/**
 * The set below one FieldsV1 object, or undefined when it has no known keys (then the object only marks its own path
 * as a member, as `"."` does). Two keys that name the same element (`k:{"a":1,"b":2}` and `k:{"b":2,"a":1}`) are
 * merged. FieldsV1 that this package or kube-apiserver wrote lists keys in element order; the set keeps that order
 * (checked key by key) so that encoding it again needs no sort.
 */
function read(obj: JsonObject): FieldSet | undefined {
  let members: Set<string> | undefined;
  let children: Map<string, FieldSet> | undefined;
  let ordered: string[] | undefined = [];
  for (const key of Object.keys(obj)) {
    if (key === ".") continue;
    let id: string;
    try {
      id = canonicalId(key);
    } catch (e) {
      if (e instanceof UnknownPathElementType) continue; // a future version may know it; upstream drops it too
      throw new FieldsV1Error(`parsing key as path element: ${(e as Error).message}`);
    }
    const sub = obj[key] as JsonValue;
    if (!isObject(sub)) throw new FieldsV1Error(`FieldsV1 value for ${JSON.stringify(key)} must be an object`);
    // Most values are `{}`, a member without children.
    const below = hasNoKeys(sub) ? undefined : read(sub);
    if (below === undefined || hasOwn(sub, ".")) (members ??= new Set()).add(id);
    if (below !== undefined) {
      children ??= new Map();
      const seen = children.get(id);
      children.set(id, seen ? seen.union(below) : below);
    }
    if (ordered) {
      if (ordered.length === 0 || compareIds(ordered[ordered.length - 1]!, id) < 0) ordered.push(id);
      else ordered = undefined;
    }
  }
  if (!members && !children) return undefined;
  return FieldSet.fromIds(members, children, ordered);
}
