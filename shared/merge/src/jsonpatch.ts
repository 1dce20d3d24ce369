/**
 * JSON merge patch (RFC 7386) and JSON patch (RFC 6902) with the semantics kube-apiserver and kubectl get from
 * gopkg.in/evanphx/json-patch.v4 (v4.12.0), which depart from the RFCs in ways clients rely on:
 * - merge patch drops nulls from values it inserts (also inside objects in arrays), but keeps a replacing array as is
 *   when the target was an object;
 * - JSON patch `replace` of a missing object key adds it, `copy` from a missing key copies null, `add` without
 *   `value` adds null, array indices may be negative (counted from the end) or have leading zeros, and `test` of a
 *   missing or null value against `null` passes.
 * These are ports, not wrappers: fast-json-patch (the JS reference) follows the RFC on each of those points, so the
 * kubectl-differential tests would fail with it. Every write goes through `put`, so `__proto__` is an ordinary key.
 */
import { PatchError } from "./errors.js";
import { GoPanic, type JsonMap, deepClone, deepEqual, hasOwn, isMap, own, put } from "./gojson.js";

/** kube-apiserver refuses JSON patches with more operations than this (413). */
export const maxJsonPatchOperations = 10000;

// --- JSON merge patch -------------------------------------------------------------------------------------------

/**
 * Applies an RFC 7386 merge patch. A patch that is not JSON object or array (null, a string...) is refused as
 * "Invalid JSON Patch" (BadRequest); an array or a non-object target turns the result into the (null-pruned) patch.
 */
export function jsonMergePatch(original: unknown, patch: unknown): unknown {
  if (Array.isArray(patch)) return pruneArrayNulls(deepClone(patch));
  if (!isMap(patch)) throw new PatchError("BadRequest", "Invalid JSON Patch");
  const patchCopy = deepClone(patch);
  if (!isMap(original)) return pruneMapNulls(patchCopy);
  const doc = deepClone(original);
  mergeDocs(doc, patchCopy);
  return doc;
}

function mergeDocs(doc: JsonMap, patch: JsonMap): void {
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = own(doc, k);
    if (cur === undefined || cur === null) put(doc, k, pruneNulls(v));
    else put(doc, k, mergeValue(cur, v));
  }
}

function mergeValue(cur: unknown, patch: unknown): unknown {
  if (!isMap(cur)) return pruneNulls(patch);
  if (!isMap(patch)) return patch;
  mergeDocs(cur, patch);
  return cur;
}

function pruneNulls(v: unknown): unknown {
  if (isMap(v)) return pruneMapNulls(v);
  if (Array.isArray(v)) return pruneArrayNulls(v);
  return v;
}

function pruneMapNulls(m: JsonMap): JsonMap {
  for (const k of Object.keys(m)) {
    if (m[k] === null) delete m[k];
    else pruneNulls(m[k]);
  }
  return m;
}

/** Null elements stay (only null fields of objects are pruned), as in evanphx v4.12. */
function pruneArrayNulls(a: unknown[]): unknown[] {
  for (const v of a) if (v !== null) pruneNulls(v);
  return a;
}

// --- JSON patch -------------------------------------------------------------------------------------------------

type Container = JsonMap | unknown[];

/** An operation failure with evanphx's message; reported as kube-apiserver reports failed JSON patches. */
class OpFailure extends Error {}

const missing = "missing value";
const invalidIndex = "invalid index referenced";

/**
 * Applies an RFC 6902 patch atomically: the original is never modified and any failure leaves no partial result.
 * `ops` is the decoded request body. Failures are PatchErrors: BadRequest for a body that is not a list of
 * operations, RequestEntityTooLarge beyond 10000 operations, and Invalid (422, the operation's message as the cause,
 * like kube-apiserver) when an operation does not apply.
 */
export function applyJsonPatch(original: unknown, ops: unknown): unknown {
  if (ops === null) return deepClone(original);
  if (!Array.isArray(ops)) {
    throw new PatchError("BadRequest", `json: cannot unmarshal ${jsonTypeName(ops)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (op !== null && !isMap(op)) {
      throw new PatchError("BadRequest", `json: cannot unmarshal ${jsonTypeName(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (ops.length > maxJsonPatchOperations) {
    throw new PatchError(
      "RequestEntityTooLarge",
      `The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${ops.length}`,
    );
  }
  const root = { doc: deepClone(original) };
  try {
    for (const op of ops as (JsonMap | null)[]) applyOperation(root, op ?? {});
  } catch (err) {
    if (err instanceof OpFailure) {
      throw new PatchError("Invalid", "the server rejected our request due to an error in our request", [
        { type: "UnexpectedServerResponse", message: err.message },
      ]);
    }
    if (err instanceof GoPanic) throw new PatchError("InternalError", err.message);
    throw err;
  }
  return root.doc;
}

function jsonTypeName(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (isMap(v)) return "object";
  if (typeof v === "boolean") return "bool";
  return typeof v;
}

function opField(op: JsonMap, name: "path" | "from"): string | undefined {
  const v = own(op, name);
  return typeof v === "string" ? v : undefined;
}

/** Why a present-but-invalid `path`/`from` could not be read, as Go's decoder words it. */
function fieldError(op: JsonMap, name: "path" | "from"): string {
  const v = own(op, name);
  if (v === undefined || v === null) {
    return name === "path" ? `operation missing path field: ${missing}` : `operation, missing from field: ${missing}`;
  }
  return `json: cannot unmarshal ${jsonTypeName(v)} into Go value of type string`;
}

function applyOperation(root: { doc: unknown }, op: JsonMap): void {
  const kind = typeof own(op, "op") === "string" ? (op.op as string) : "unknown";
  // Values are copied in, so the result never shares structure with the request.
  const value = hasOwn(op, "value") ? deepClone(op.value) : undefined;
  switch (kind) {
    case "add": {
      const path = opField(op, "path");
      if (path === undefined) throw new OpFailure(`add operation failed to decode path: ${missing}`);
      const [con, key] = findObject(root.doc, path);
      if (!con) throw new OpFailure(`add operation does not apply: doc is missing path: "${path}": ${missing}`);
      wrap(`error in add for path: '${path}'`, () => addTo(con, key, value ?? null));
      return;
    }
    case "remove": {
      const path = opField(op, "path");
      if (path === undefined) throw new OpFailure(`remove operation failed to decode path: ${missing}`);
      const [con, key] = findObject(root.doc, path);
      if (!con) throw new OpFailure(`remove operation does not apply: doc is missing path: "${path}": ${missing}`);
      wrap(`error in remove for path: '${path}'`, () => removeFrom(con, key));
      return;
    }
    case "replace": {
      const path = opField(op, "path");
      if (path === undefined) throw new OpFailure(`replace operation failed to decode path: ${fieldError(op, "path")}`);
      if (path === "") {
        // Only an object or array replaces the whole document; anything else is silently ignored upstream.
        if (isMap(value) || Array.isArray(value)) root.doc = value;
        return;
      }
      const [con, key] = findObject(root.doc, path);
      if (!con) throw new OpFailure(`replace operation does not apply: doc is missing path: ${path}: ${missing}`);
      if (Array.isArray(con)) {
        const index = tryIndex(con, key);
        if (index === undefined) throw new OpFailure(`replace operation does not apply: doc is missing key: ${path}: ${missing}`);
        con[index] = value ?? null;
      } else {
        put(con, key, value ?? null);
      }
      return;
    }
    case "move": {
      const from = opField(op, "from");
      if (from === undefined) throw new OpFailure(`move operation failed to decode from: ${fieldError(op, "from")}`);
      const [fromCon, fromKey] = findObject(root.doc, from);
      if (!fromCon) throw new OpFailure(`move operation does not apply: doc is missing from path: ${from}: ${missing}`);
      const moved = wrap(`error in move for path: '${fromKey}'`, () => getFrom(fromCon, fromKey));
      wrap(`error in move for path: '${fromKey}'`, () => removeFrom(fromCon, fromKey));
      const path = opField(op, "path");
      if (path === undefined) throw new OpFailure(`move operation failed to decode path: ${fieldError(op, "path")}`);
      const [con, key] = findObject(root.doc, path);
      if (!con) throw new OpFailure(`move operation does not apply: doc is missing destination path: ${path}: ${missing}`);
      wrap(`error in move for path: '${path}'`, () => addTo(con, key, moved ?? null));
      return;
    }
    case "test": {
      const path = opField(op, "path");
      if (path === undefined) throw new OpFailure(`test operation failed to decode path: ${fieldError(op, "path")}`);
      const [con, key] = findObject(root.doc, path);
      if (!con) throw new OpFailure(`test operation does not apply: is missing path: ${path}: ${missing}`);
      const actual = wrap(`error in test for path: '${path}'`, () => getFrom(con, key));
      if (actual === undefined || actual === null) {
        if (value === undefined) throw new GoPanic("runtime error: invalid memory address or nil pointer dereference");
        if (value === null) return;
      } else if (value !== undefined && deepEqual(actual, value)) {
        return;
      }
      throw new OpFailure(`testing value ${path} failed: test failed`);
    }
    case "copy": {
      const from = opField(op, "from");
      if (from === undefined) throw new OpFailure(`copy operation failed to decode from: ${fieldError(op, "from")}`);
      const [fromCon, fromKey] = findObject(root.doc, from);
      if (!fromCon) throw new OpFailure(`copy operation does not apply: doc is missing from path: ${from}: ${missing}`);
      const copied = wrap(`error in copy for from: '${from}'`, () => getFrom(fromCon, fromKey));
      const path = opField(op, "path");
      if (path === undefined) throw new OpFailure(`copy operation failed to decode path: ${missing}`);
      const [con, key] = findObject(root.doc, path);
      if (!con) throw new OpFailure(`copy operation does not apply: doc is missing destination path: ${path}: ${missing}`);
      wrap("error while adding value during copy", () => addTo(con, key, deepClone(copied ?? null)));
      return;
    }
    default:
      throw new OpFailure(`Unexpected kind: ${kind}`);
  }
}

function wrap<T>(context: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof OpFailure) throw new OpFailure(`${context}: ${err.message}`);
    throw err;
  }
}

function decodePatchKey(k: string): string {
  return k.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** The container holding the pointer's last segment, and that segment; [undefined] when a parent is missing. */
function findObject(doc: unknown, path: string): [Container | undefined, string] {
  const split = path.split("/");
  if (split.length < 2 || !(isMap(doc) || Array.isArray(doc))) return [undefined, ""];
  let cur: Container = doc;
  for (const part of split.slice(1, -1)) {
    let next: unknown;
    try {
      next = getFrom(cur, decodePatchKey(part));
    } catch (err) {
      if (err instanceof OpFailure) return [undefined, ""];
      throw err;
    }
    if (!(isMap(next) || Array.isArray(next))) return [undefined, ""];
    cur = next;
  }
  return [cur, decodePatchKey(split[split.length - 1] ?? "")];
}

/** Go's strconv.Atoi: optional sign, decimal digits (leading zeros allowed), int64 range. */
function atoi(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) throw new OpFailure(`strconv.Atoi: parsing "${key}": invalid syntax`);
  const n = Number(key);
  if (!Number.isSafeInteger(n)) throw new OpFailure(`strconv.Atoi: parsing "${key}": value out of range`);
  return n;
}

/** An existing element's index (negative counts from the end); throws like evanphx's partialArray.get. */
function elementIndex(list: unknown[], key: string): number {
  const idx = atoi(key);
  if (idx >= list.length || idx < -list.length) throw new OpFailure(`Unable to access invalid index: ${idx}: ${invalidIndex}`);
  return idx < 0 ? idx + list.length : idx;
}

function tryIndex(list: unknown[], key: string): number | undefined {
  try {
    return elementIndex(list, key);
  } catch (err) {
    if (err instanceof OpFailure) return undefined;
    throw err;
  }
}

function getFrom(con: Container, key: string): unknown {
  if (Array.isArray(con)) return con[elementIndex(con, key)];
  return own(con, key);
}

function addTo(con: Container, key: string, value: unknown): void {
  if (!Array.isArray(con)) {
    put(con, key, value);
    return;
  }
  if (key === "-") {
    con.push(value);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (err) {
    if (err instanceof OpFailure) throw new OpFailure(`value was not a proper array index: '${key}': ${err.message}`);
    throw err;
  }
  const size = con.length + 1;
  if (idx >= size || idx < -size) throw new OpFailure(`Unable to access invalid index: ${idx}: ${invalidIndex}`);
  con.splice(idx < 0 ? idx + size : idx, 0, value);
}

function removeFrom(con: Container, key: string): void {
  if (Array.isArray(con)) {
    con.splice(elementIndex(con, key), 1);
    return;
  }
  if (!hasOwn(con, key)) throw new OpFailure(`Unable to remove nonexistent key: ${key}: ${missing}`);
  delete con[key];
}
