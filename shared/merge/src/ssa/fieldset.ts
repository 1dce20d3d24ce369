/**
 * `fieldpath.Set`: a trie of path elements. `members` are the paths that end at this node; `children` hold the
 * longer paths. Both lists stay sorted by `comparePathElements`, which is also the order of the FieldsV1 encoding.
 *
 * Operations return new sets. As upstream, `difference` is not recursive (removing `a` leaves `a.b`), while
 * `recursiveDifference` drops every path under a member of the other set.
 */
import {
  comparePathElements,
  deserializePathElement,
  type Path,
  type PathElement,
  pathString,
  serializePathElement,
  UnknownPathElementType,
} from "./path.js";
import { isObject, type JsonObject, type JsonValue, setOwn } from "./value.js";

interface Child {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

function search<T>(items: readonly T[], pe: PathElement, peOf: (item: T) => PathElement): { found: boolean; at: number } {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = comparePathElements(peOf(items[mid]!), pe);
    if (c === 0) return { found: true, at: mid };
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return { found: false, at: lo };
}

const self = (pe: PathElement) => pe;
const childPe = (c: Child) => c.pe;

export class FieldSet {
  private readonly members: PathElement[];
  private readonly children: Child[];

  private constructor(members: PathElement[], children: Child[]) {
    this.members = members;
    this.children = children;
  }

  static empty(): FieldSet {
    return new FieldSet([], []);
  }

  static of(...paths: Path[]): FieldSet {
    const s = FieldSet.empty();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path in place (builders only; the set operations never mutate their operands). */
  insert(path: Path): void {
    if (path.length === 0) return; // nobody owns the whole object
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.descend(path[i]!);
    const last = path[path.length - 1]!;
    const { found, at } = search(node.members, last, self);
    if (!found) node.members.splice(at, 0, last);
  }

  private descend(pe: PathElement): FieldSet {
    const { found, at } = search(this.children, pe, childPe);
    if (found) return this.children[at]!.set;
    const set = FieldSet.empty();
    this.children.splice(at, 0, { pe, set });
    return set;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1; i++) {
      node = node.child(path[i]!);
      if (!node) return false;
    }
    return search(node.members, path[path.length - 1]!, self).found;
  }

  private child(pe: PathElement): FieldSet | undefined {
    const { found, at } = search(this.children, pe, childPe);
    return found ? this.children[at]!.set : undefined;
  }

  hasMember(pe: PathElement): boolean {
    return search(this.members, pe, self).found;
  }

  /** The paths below `pe`, relative to it (`Set.WithPrefix`). */
  withPrefix(pe: PathElement): FieldSet {
    return this.child(pe) ?? FieldSet.empty();
  }

  isEmpty(): boolean {
    return this.members.length === 0 && this.children.every((c) => c.set.isEmpty());
  }

  get size(): number {
    let n = this.members.length;
    for (const c of this.children) n += c.set.size;
    return n;
  }

  /** The direct members and children, for walkers that follow a value's shape. */
  memberElements(): readonly PathElement[] {
    return this.members;
  }

  childEntries(): ReadonlyArray<{ readonly pe: PathElement; readonly set: FieldSet }> {
    return this.children;
  }

  union(other: FieldSet): FieldSet {
    const members = mergeSorted(this.members, other.members, self, (a) => a);
    const children = mergeSorted(this.children, other.children, childPe, (a, b) => ({ pe: a.pe, set: a.set.union(b.set) }));
    return new FieldSet(members, children);
  }

  intersection(other: FieldSet): FieldSet {
    const members = this.members.filter((pe) => other.hasMember(pe));
    const children: Child[] = [];
    for (const c of this.children) {
      const o = other.child(c.pe);
      if (!o) continue;
      const set = c.set.intersection(o);
      if (!set.isEmpty()) children.push({ pe: c.pe, set });
    }
    return new FieldSet(members, children);
  }

  difference(other: FieldSet): FieldSet {
    const members = this.members.filter((pe) => !other.hasMember(pe));
    const children: Child[] = [];
    for (const c of this.children) {
      const o = other.child(c.pe);
      if (!o) {
        children.push(c);
        continue;
      }
      const set = c.set.difference(o);
      if (!set.isEmpty()) children.push({ pe: c.pe, set });
    }
    return new FieldSet(members, children);
  }

  recursiveDifference(other: FieldSet): FieldSet {
    const members = this.members.filter((pe) => !other.hasMember(pe));
    const children: Child[] = [];
    for (const c of this.children) {
      if (other.hasMember(c.pe)) continue;
      const o = other.child(c.pe);
      if (!o) {
        children.push(c);
        continue;
      }
      const set = c.set.recursiveDifference(o);
      if (!set.isEmpty()) children.push({ pe: c.pe, set });
    }
    return new FieldSet(members, children);
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }

  /** Every path in the set, in upstream's order (`Set.Iterate`: a node's members, then its children). */
  *paths(prefix: PathElement[] = []): Generator<PathElement[]> {
    for (const pe of this.members) yield [...prefix, pe];
    for (const c of this.children) yield* c.set.paths([...prefix, c.pe]);
  }

  [Symbol.iterator](): Generator<PathElement[]> {
    return this.paths();
  }

  /** One path per line, as `Set.String()` prints them. */
  toString(): string {
    return [...this.paths()].map(pathString).join("\n");
  }

  /** Builds a set from already sorted parts (used by the decoder and the schema-aware helpers). */
  static fromParts(members: PathElement[], children: Array<{ pe: PathElement; set: FieldSet }>): FieldSet {
    return new FieldSet(members, children);
  }
}

function mergeSorted<T>(a: readonly T[], b: readonly T[], peOf: (x: T) => PathElement, both: (x: T, y: T) => T): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c = comparePathElements(peOf(a[i]!), peOf(b[j]!));
    if (c < 0) out.push(a[i++]!);
    else if (c > 0) out.push(b[j++]!);
    else out.push(both(a[i++]!, b[j++]!));
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/**
 * The FieldsV1 form of a set (`Set.ToJSON`): members map to `{}`; a node that is both a member and a parent gets a
 * `"."` key, written before its children as upstream's serializer does.
 */
export function encodeFieldsV1(set: FieldSet): JsonObject {
  return emit(set, false);
}

function emit(set: FieldSet, includeSelf: boolean): JsonObject {
  const out: JsonObject = {};
  const members = set.memberElements();
  const children = set.childEntries();
  if (includeSelf && (members.length > 0 || children.length > 0)) out["."] = {};
  let mi = 0;
  let ci = 0;
  while (mi < members.length || ci < children.length) {
    const m = members[mi];
    const c = children[ci];
    const cmp = m === undefined ? 1 : c === undefined ? -1 : comparePathElements(m, c.pe);
    if (cmp < 0) {
      setOwn(out, serializePathElement(m!), {});
      mi++;
    } else if (cmp > 0) {
      setOwn(out, serializePathElement(c!.pe), emit(c!.set, false));
      ci++;
    } else {
      setOwn(out, serializePathElement(c!.pe), emit(c!.set, true));
      mi++;
      ci++;
    }
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
  return read(parsed).children ?? FieldSet.empty();
}

function read(obj: JsonObject): { children: FieldSet | undefined; isMember: boolean } {
  let isMember = false;
  const members: PathElement[] = [];
  const children: Array<{ pe: PathElement; set: FieldSet }> = [];
  for (const key of Object.keys(obj)) {
    if (key === ".") {
      isMember = true;
      continue;
    }
    let pe: PathElement;
    try {
      pe = deserializePathElement(key);
    } catch (e) {
      if (e instanceof UnknownPathElementType) continue; // a future version may know it; upstream drops it too
      throw new FieldsV1Error(`parsing key as path element: ${(e as Error).message}`);
    }
    const sub = obj[key] as JsonValue;
    if (!isObject(sub)) throw new FieldsV1Error(`FieldsV1 value for ${JSON.stringify(key)} must be an object`);
    const r = read(sub);
    if (r.isMember) members.push(pe);
    if (r.children) children.push({ pe, set: r.children });
  }
  const sortMembers = members.sort(comparePathElements);
  children.sort((a, b) => comparePathElements(a.pe, b.pe));
  const hasAny = sortMembers.length > 0 || children.length > 0;
  return { children: hasAny ? FieldSet.fromParts(dedupe(sortMembers), dedupeChildren(children)) : undefined, isMember: isMember || !hasAny };
}

function dedupe(sorted: PathElement[]): PathElement[] {
  return sorted.filter((pe, i) => i === 0 || comparePathElements(sorted[i - 1]!, pe) !== 0);
}

function dedupeChildren(sorted: Array<{ pe: PathElement; set: FieldSet }>): Array<{ pe: PathElement; set: FieldSet }> {
  const out: Array<{ pe: PathElement; set: FieldSet }> = [];
  for (const c of sorted) {
    const last = out[out.length - 1];
    if (last && comparePathElements(last.pe, c.pe) === 0) out[out.length - 1] = { pe: c.pe, set: last.set.union(c.set) };
    else out.push(c);
  }
  return out;
}
