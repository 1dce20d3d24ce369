/**
 * Strategic merge patch, applied the way kube-apiserver and `kubectl patch` apply it: a port of the apply half of
 * k8s.io/apimachinery/pkg/util/strategicpatch (patch.go, with MergeParallelList and IgnoreUnmatchedNulls on, as
 * `StrategicMergeMapPatch` sets them), reading patch strategies and merge keys from a SchemaNode instead of Go struct
 * tags.
 *
 * The port keeps upstream's quirks on purpose, because clients depend on the exact results:
 * - items a merge list gains are placed by `normalizeElementOrder`: patch items in patch order, interleaved with the
 *   untouched items in their old order, so new items land *before* untouched ones (not appended);
 * - ordering uses Go's `sort.SliceStable` with upstream's inconsistent comparator, reproduced exactly;
 * - a value the original lacks is taken from the patch with nulls dropped and every map carrying `$patch` removed;
 * - `$patch` directives inside newly added list items are kept as data.
 * SMP ignores `x-kubernetes-map-type`: atomic maps (a Service selector, a nodeSelector) still merge key by key.
 */
import { PatchError } from "./errors.js";
import {
  GoPanic,
  type JsonMap,
  deepClone,
  goEqual,
  goFormat,
  goFormatS,
  goKind,
  goTypeName,
  hasOwn,
  isMap,
  own,
  put,
  scalarKey,
} from "./gojson.js";
import { type SchemaNode, fieldNode, untyped } from "./schema.js";

const directiveMarker = "$patch";
const deleteDirective = "delete";
const replaceDirective = "replace";
const mergeDirective = "merge";
const retainKeysStrategy = "retainKeys";
const deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";
const retainKeysDirective = "$retainKeys";
const setElementOrderPrefix = "$setElementOrder";

// The sentinel errors of k8s.io/apimachinery/pkg/util/mergepatch that the API server maps to a status of their own
// (interpretStrategicMergePatchError); every other failure reaches the client as a 500.
const errBadJSONDoc = "invalid JSON document";
const errNoListOfLists = "lists of lists are not supported";
const errBadPatchFormatForPrimitiveList = "invalid patch format of primitive list";
const errBadPatchFormatForRetainKeys = "invalid patch format of retainKeys";
const errBadPatchFormatForSetElementOrderList = "invalid patch format of setElementOrder list";
const badRequestSentinels = new Set([
  errBadJSONDoc,
  errBadPatchFormatForPrimitiveList,
  errBadPatchFormatForRetainKeys,
  errBadPatchFormatForSetElementOrderList,
  "strategic merge patch format is not supported",
]);
const invalidSentinels = new Set([errNoListOfLists, "patch content doesn't match retainKeys list"]);

/** A failure inside the algorithm, carrying upstream's message; classified into a PatchError at the boundary. */
class SmpFailure extends Error {}

const fail = (message: string): never => {
  throw new SmpFailure(message);
};
const errNoMergeKey = (m: unknown, key: string): never => fail(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
const errBadArgType = (expected: "map" | "slice", actual: unknown): never =>
  fail(`expected a ${expected === "map" ? "map[string]interface {}" : "[]interface {}"}, but received a ${goTypeName(actual)}`);
const errBadPatchType = (t: unknown, m: unknown): never => fail(`unknown patch type: ${goFormatS(t)} in map: ${goFormat(m)}`);

/**
 * Applies `patch` to `original` with strategic merge patch semantics, reading list strategies from `schema` (the
 * object's root node). Neither input is modified. Throws PatchError with the reason kube-apiserver would answer with.
 */
export function strategicMergePatch(original: object, patch: unknown, schema: SchemaNode): JsonMap {
  if (!isMap(original)) throw new PatchError("BadRequest", errBadJSONDoc);
  if (patch === null || patch === undefined) return deepClone(original);
  if (!isMap(patch)) {
    const jsonKind = Array.isArray(patch) ? "array" : typeof patch === "boolean" ? "bool" : typeof patch;
    throw new PatchError("BadRequest", `json: cannot unmarshal ${jsonKind} into Go value of type map[string]interface {}`);
  }
  try {
    return mergeMap(deepClone(original), deepClone(patch), schema);
  } catch (err) {
    if (err instanceof SmpFailure) {
      if (badRequestSentinels.has(err.message)) throw new PatchError("BadRequest", err.message);
      if (invalidSentinels.has(err.message)) throw new PatchError("Invalid", err.message);
      throw new PatchError("InternalError", err.message);
    }
    if (err instanceof GoPanic) throw new PatchError("InternalError", err.message);
    throw err;
  }
}

interface SliceMeta {
  items: SchemaNode;
  strategy: string;
  mergeKey: string;
}

function lookupSlice(schema: SchemaNode, key: string): SliceMeta {
  const node = fieldNode(schema, key);
  if (node.type !== "list") return { items: untyped, strategy: "", mergeKey: "" };
  const strategies = node.patchStrategy ? node.patchStrategy.split(",") : [];
  return { items: node.items, strategy: extractPatchStrategy(strategies), mergeKey: node.patchMergeKey ?? "" };
}

/** The strategy besides `retainKeys`, which only matters when computing patches, never when applying them. */
function extractPatchStrategy(strategies: string[]): string {
  if (strategies.length === 0) return "";
  if (strategies.length === 1) return strategies[0] === retainKeysStrategy ? "" : (strategies[0] ?? "");
  if (strategies.length === 2) {
    if (strategies[0] === retainKeysStrategy) return strategies[1] ?? "";
    if (strategies[1] === retainKeysStrategy) return strategies[0] ?? "";
  }
  return fail(`unexpected patch strategy: [${strategies.join(" ")}]`);
}

function mergeMap(original: JsonMap, patch: JsonMap, schema: SchemaNode): JsonMap {
  if (hasOwn(patch, directiveMarker)) return handleDirectiveInMergeMap(patch[directiveMarker], patch);

  applyRetainKeysDirective(original, patch);
  mergePatchIntoOriginal(original, patch, schema);

  for (const patchKey of Object.keys(patch)) {
    const patchV = patch[patchKey];
    let k = patchKey;
    let isDeleteList = false;
    if (patchKey.startsWith(deleteFromPrimitiveListPrefix)) {
      k = extractKey(patchKey, deleteFromPrimitiveListPrefix);
      isDeleteList = true;
    }

    if (patchV === null) {
      delete original[k];
      continue;
    }

    const takePatchValue = (): void => {
      if (isDeleteList) return;
      discardNullValues(patchV);
      const [v, keep] = removeDirectives(patchV);
      if (keep) put(original, k, v);
      else delete original[k];
    };

    if (!hasOwn(original, k)) {
      takePatchValue();
      continue;
    }
    const originalV = original[k];
    const kind = goKind(originalV);
    if (kind !== goKind(patchV)) {
      takePatchValue();
      continue;
    }
    if (kind === "map") {
      put(original, k, mergeMap(originalV as JsonMap, patchV as JsonMap, fieldNode(schema, k)));
    } else if (kind === "slice") {
      const meta = lookupSlice(schema, k);
      put(original, k, mergeSliceHandler(originalV as unknown[], patchV as unknown[], meta, isDeleteList));
    } else {
      put(original, k, patchV);
    }
  }
  return original;
}

function handleDirectiveInMergeMap(directive: unknown, patch: JsonMap): JsonMap {
  if (directive === replaceDirective) {
    delete patch[directiveMarker];
    return patch;
  }
  if (directive === deleteDirective) return {};
  return errBadPatchType(directive, patch);
}

function discardNullValues(v: unknown): void {
  if (Array.isArray(v)) {
    for (const item of v) discardNullValues(item);
  } else if (isMap(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNullValues(v[k]);
    }
  }
}

/** Drops every map that carries `$patch` (and the field or item holding it); returns [value, keep]. */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const [nv, keep] = removeDirectives(item);
      if (keep) out.push(nv);
    }
    return [out, true];
  }
  if (isMap(v)) {
    if (hasOwn(v, directiveMarker)) return [null, false];
    for (const k of Object.keys(v)) {
      const [nv, keep] = removeDirectives(v[k]);
      if (keep) put(v, k, nv);
      else delete v[k];
    }
    return [v, true];
  }
  return [v, true];
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf("/");
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    return fail(prefix === deleteFromPrimitiveListPrefix ? errBadPatchFormatForPrimitiveList : errBadPatchFormatForSetElementOrderList);
  }
  return s.slice(slash + 1);
}

function applyRetainKeysDirective(original: JsonMap, patch: JsonMap): void {
  if (!hasOwn(patch, retainKeysDirective)) return;
  const retainKeys = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(retainKeys)) fail(errBadPatchFormatForRetainKeys);
  const retained = new Set<string>();
  for (const key of retainKeys as unknown[]) {
    scalarKey(key);
    if (typeof key === "string") retained.add(key);
  }
  for (const k of Object.keys(patch)) {
    if (patch[k] === null || k.startsWith(deleteFromPrimitiveListPrefix) || k.startsWith(setElementOrderPrefix)) continue;
    if (!retained.has(k)) fail(errBadPatchFormatForRetainKeys);
  }
  for (const k of Object.keys(original)) {
    if (!retained.has(k)) delete original[k];
  }
}

/** Applies each `$setElementOrder/<list>` together with its list, then removes both from the patch. */
function mergePatchIntoOriginal(original: JsonMap, patch: JsonMap, schema: SchemaNode): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(setElementOrderPrefix) || !hasOwn(patch, key)) continue;
    const setOrder = patch[key];
    delete patch[key];
    if (!Array.isArray(setOrder)) return errBadArgType("slice", setOrder);
    const originalKey = extractKey(key, setElementOrderPrefix);

    const foundOriginal = hasOwn(original, originalKey);
    const foundPatch = hasOwn(patch, originalKey);
    const originalList = own(original, originalKey);
    const patchList = own(patch, originalKey);
    if (foundOriginal && !Array.isArray(originalList)) return errBadArgType("slice", originalList);
    if (foundPatch && !Array.isArray(patchList)) return errBadArgType("slice", patchList);
    const originalItems = foundOriginal ? (originalList as unknown[]) : [];
    const patchItemsRaw = foundPatch ? (patchList as unknown[]) : [];

    const meta = lookupSlice(schema, originalKey);
    validatePatchWithSetOrderList(patchItemsRaw, setOrder, meta.mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalItems;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchItemsRaw)[0] as unknown[];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalItems, patchItemsRaw, meta, false);
    else continue;

    const [patchItems, serverOnly] = meta.mergeKey
      ? partitionMapsByPresentInList(merged, setOrder, meta.mergeKey)
      : partitionPrimitivesByPresentInList(merged, setOrder);
    const kind = sliceElementType(originalItems, patchItemsRaw);
    put(original, originalKey, normalizeElementOrder(patchItems, serverOnly, setOrder, originalItems, meta.mergeKey, kind));
    delete patch[originalKey];
  }
}

function validatePatchWithSetOrderList(patchList: unknown[], setOrderList: unknown[], mergeKey: string): void {
  if (setOrderList.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(patchList)[0] : patchList;
  let patchIndex = 0;
  let setOrderIndex = 0;
  while (patchIndex < nonDelete.length && setOrderIndex < setOrderList.length) {
    const item = nonDelete[patchIndex];
    if (isMap(item) && hasOwn(item, directiveMarker)) {
      patchIndex++;
      continue;
    }
    if (mergeKeyValueEqual(item, setOrderList[setOrderIndex], mergeKey)) patchIndex++;
    setOrderIndex++;
  }
  if (patchIndex < nonDelete.length && setOrderIndex >= setOrderList.length) {
    fail(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${setElementOrderPrefix} list:\n${goFormat(setOrderList)}\n`);
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return goEqual(left, right);
  if (!isMap(left)) return errBadArgType("map", left);
  if (!isMap(right)) return errBadArgType("map", right);
  if (!hasOwn(left, mergeKey)) return errNoMergeKey(left, mergeKey);
  if (!hasOwn(right, mergeKey)) return errNoMergeKey(right, mergeKey);
  return goEqual(left[mergeKey], right[mergeKey]);
}

function mergeSliceHandler(original: unknown[], patch: unknown[], meta: SliceMeta, isDeleteList: boolean): unknown[] {
  // Upstream runs deletion lists through the merge path whatever the field's strategy is.
  if (meta.strategy === mergeDirective || isDeleteList) return mergeSlice(original, patch, meta, isDeleteList);
  return patch;
}

function mergeSlice(originalIn: unknown[], patchIn: unknown[], meta: SliceMeta, isDeleteList: boolean): unknown[] {
  let original = originalIn;
  let patch = patchIn;
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementType(original, patch);
  const { mergeKey } = meta;

  let merged: unknown[];
  if (kind !== "map") {
    if (isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) fail(`cannot merge lists without merge key for ${meta.items.type === "scalar" ? "string" : "struct"}`);
    [original, patch] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements(original, patch, mergeKey, meta.items);
  }

  const [patchItems, serverOnly] = mergeKey
    ? partitionMapsByPresentInList(merged, patch, mergeKey)
    : partitionPrimitivesByPresentInList(merged, patch);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

/** Handles `$patch: delete|replace` items; returns the updated original and the patch without special items. */
function mergeSliceWithSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let replace = false;
  let kept = original;
  for (const v of patch) {
    const item = v as JsonMap;
    if (!hasOwn(item, directiveMarker)) {
      plain.push(v);
      continue;
    }
    const directive = item[directiveMarker];
    if (directive === deleteDirective) {
      if (!hasOwn(item, mergeKey)) errNoMergeKey(item, mergeKey);
      const value = item[mergeKey];
      kept = kept.filter((o) => {
        if (!isMap(o)) return fail(`value for key ${kept.indexOf(o)} is not a map.`);
        return !(hasOwn(o, mergeKey) && goEqual(o[mergeKey], value));
      });
    } else if (directive === replaceDirective) {
      replace = true;
    } else if (directive === mergeDirective) {
      fail("merging lists cannot yet be specified in the patch");
    } else {
      errBadPatchType(directive, item);
    }
  }
  return replace ? [plain, []] : [kept, plain];
}

function mergeSliceWithoutSpecialElements(original: unknown[], patch: unknown[], mergeKey: string, items: SchemaNode): unknown[] {
  const result = [...original];
  for (const v of patch) {
    const item = v as JsonMap;
    if (!hasOwn(item, mergeKey)) errNoMergeKey(item, mergeKey);
    const index = findMapInSlice(result, mergeKey, item[mergeKey]);
    if (index >= 0) result[index] = mergeMap(result[index] as JsonMap, item, items);
    else result.push(v);
  }
  return result;
}

function findMapInSlice(list: unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    if (!isMap(m)) return fail(`value for key ${i} is not a map.`);
    if (hasOwn(m, key) && goEqual(m[key], value)) return i;
  }
  return -1;
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  const doomed = new Set(toDelete.map(scalarKey));
  return current.filter((v) => !doomed.has(scalarKey(v)));
}

/** Upstream's in-place deduplication, which moves the last element into each duplicate's slot. */
function deduplicateScalars(input: unknown[]): unknown[] {
  const s = [...input];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (goEqual(s[i], s[j])) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function sliceElementType(...slices: unknown[][]): "map" | "other" {
  let prev: string | undefined;
  for (const s of slices) {
    for (const v of s) {
      const kind = goKind(v);
      if (prev === undefined) {
        if (kind === "nil") throw new GoPanic("runtime error: invalid memory address or nil pointer dereference");
        if (kind === "slice") fail(errNoListOfLists);
        prev = kind;
      } else if (prev !== kind) {
        fail(`list element types are not identical: ${goFormat(slices)}`);
      }
    }
  }
  if (prev === undefined) return fail("no elements in any of the given slices");
  return prev === "map" ? "map" : "other";
}

function partitionPrimitivesByPresentInList(list: unknown[], partitionBy: unknown[]): [unknown[], unknown[]] {
  const present = new Set(partitionBy.map(scalarKey));
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) (present.has(scalarKey(v)) ? inPatch : serverOnly).push(v);
  return [inPatch, serverOnly];
}

function partitionMapsByPresentInList(list: unknown[], partitionBy: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (!isMap(v)) return errBadArgType("map", v);
    if (!hasOwn(v, mergeKey)) return errNoMergeKey(v, mergeKey);
    (findMapInSlice(partitionBy, mergeKey, v[mergeKey]) >= 0 ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

/**
 * Sorts the patch items by `patchOrder` and the server-only items by `serverOrder`, then interleaves them: a
 * server-only item goes first only when both it and the next patch item occur in `serverOrder` and it comes earlier.
 */
function normalizeElementOrder(
  patch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: "map" | "other",
): unknown[] {
  const sortedPatch = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const sortedServerOnly = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  const serverIndex = indexer(serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < sortedServerOnly.length && j < sortedPatch.length) {
    const li = serverIndex(sortedServerOnly[i]);
    const ri = serverIndex(sortedPatch[j]);
    if (li >= 0 && ri >= 0 && li < ri) out.push(sortedServerOnly[i++]);
    else out.push(sortedPatch[j++]);
  }
  return out.concat(sortedServerOnly.slice(i), sortedPatch.slice(j));
}

function normalizeSliceOrder(toSortIn: unknown[], order: unknown[], mergeKey: string, kind: "map" | "other"): unknown[] {
  let toSort = [...toSortIn];
  let toDelete: unknown[] = [];
  if (kind === "map") {
    validateMergeKeyInLists(mergeKey, toSort, order);
    [toSort, toDelete] = extractToDeleteItems(toSort);
  }
  const orderIndex = indexer(order, mergeKey, kind);
  goSliceStable(toSort, (a, b) => {
    const ia = orderIndex(a);
    if (ia >= 0) {
      const ib = orderIndex(b);
      if (ib >= 0) return ia < ib;
    }
    return true;
  });
  return toSort.concat(toDelete);
}

/** upstream `index()`: the first position in `list` whose merge key value (or scalar) equals the item's. */
function indexer(list: unknown[], mergeKey: string, kind: "map" | "other"): (item: unknown) => number {
  const valueOf = (item: unknown): unknown => (kind === "map" ? (isMap(item) ? (own(item, mergeKey) ?? null) : null) : item);
  const positions = new Map<string, number>();
  list.forEach((item, i) => {
    const key = scalarKey(valueOf(item));
    if (!positions.has(key)) positions.set(key, i);
  });
  return (item) => positions.get(scalarKey(valueOf(item))) ?? -1;
}

function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) errBadArgType("map", item);
      else if (!hasOwn(item, mergeKey)) errNoMergeKey(item, mergeKey);
    }
  }
}

function extractToDeleteItems(list: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const toDelete: unknown[] = [];
  for (const v of list) {
    if (!isMap(v)) return errBadArgType("map", v);
    (hasOwn(v, directiveMarker) && v[directiveMarker] === deleteDirective ? toDelete : keep).push(v);
  }
  return [keep, toDelete];
}

/**
 * Go's `sort.SliceStable` (insertion sort over blocks of 20, then SymMerge), step for step: upstream's comparator is
 * not a strict weak order, so only the identical sequence of comparisons yields kubectl's order.
 */
function goSliceStable(data: unknown[], less: (a: unknown, b: unknown) => boolean): void {
  const lessAt = (i: number, j: number): boolean => less(data[i], data[j]);
  const swap = (i: number, j: number): void => {
    const t = data[i];
    data[i] = data[j];
    data[j] = t;
  };
  const insertionSort = (a: number, b: number): void => {
    for (let i = a + 1; i < b; i++) {
      for (let j = i; j > a && lessAt(j, j - 1); j--) swap(j, j - 1);
    }
  };
  const swapRange = (a: number, b: number, n: number): void => {
    for (let i = 0; i < n; i++) swap(a + i, b + i);
  };
  const rotate = (a: number, m: number, b: number): void => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (lessAt(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!lessAt(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const n = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = n - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = n - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!lessAt(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = n - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };

  const n = data.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
}
