/**
 * JSON values with the semantics structured-merge-diff's `value` package gives them: a total order across types
 * (numbers < strings < booleans < lists < maps < null), numeric equality between integers and floats, and Go's
 * printing (`value.ToString`) and JSON encoding (sorted keys, HTML-safe escapes), which end up in FieldsV1 keys,
 * conflict messages and the last-applied annotation.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** The own property `key`, never an inherited one. */
export function own(obj: JsonObject, key: string): JsonValue | undefined {
  return hasOwn(obj, key) ? obj[key] : undefined;
}

/** Assignment that keeps a `__proto__` key an own property instead of replacing the prototype. */
export function setOwn(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

export function deepClone<T extends JsonValue | undefined>(v: T): T {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    const out: JsonValue[] = new Array<JsonValue>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = deepClone(v[i] as JsonValue);
    return out as T;
  }
  const out: JsonObject = {};
  for (const k of Object.keys(v)) setOwn(out, k, deepClone((v as JsonObject)[k] as JsonValue));
  return out as T;
}

/** True for an object without own keys, without listing them. */
export function hasNoKeys(obj: JsonObject): boolean {
  for (const k in obj) if (hasOwn(obj, k)) return false;
  return true;
}

/**
 * Go compares strings bytewise on UTF-8, which is code point order. JS `<` compares UTF-16 units, which agrees
 * except where a surrogate meets a unit at or above U+E000, so only that case looks at code points.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if ((ca & 0xf800) === 0xd800 || (cb & 0xf800) === 0xd800) {
      const pa = a.codePointAt(i)!;
      const pb = b.codePointAt(i)!;
      return pa < pb ? -1 : 1;
    }
    return ca < cb ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function rank(v: JsonValue): number {
  if (typeof v === "number") return 0;
  if (typeof v === "string") return 1;
  if (typeof v === "boolean") return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null) return 4;
  return 5;
}

/** `value.Compare`: a total order over all values. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 1:
      return compareStrings(a as string, b as string);
    case 2:
      return a === b ? 0 : a === false ? -1 : 1;
    case 3: {
      const la = a as JsonValue[];
      const lb = b as JsonValue[];
      for (let i = 0; i < Math.min(la.length, lb.length); i++) {
        const c = compareValues(la[i]!, lb[i]!);
        if (c !== 0) return c;
      }
      return la.length < lb.length ? -1 : la.length > lb.length ? 1 : 0;
    }
    case 4:
      return compareMaps(a as JsonObject, b as JsonObject);
    default:
      return 0;
  }
}

/** `value.MapCompare`: keys in lexical order; a key missing on one side makes that side greater. */
function compareMaps(a: JsonObject, b: JsonObject): number {
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length === 0 && bk.length === 0) return 0;
  const keys = [...new Set([...ak, ...bk])].sort(compareStrings);
  let i = 0;
  for (const k of keys) {
    let c: number;
    if (i === ak.length) c = -1;
    else if (i === bk.length) c = 1;
    else if (!hasOwn(a, k)) c = 1;
    else if (!hasOwn(b, k)) c = -1;
    else c = compareValues(a[k]!, b[k]!);
    i++;
    if (c !== 0) return c;
  }
  return 0;
}

/** `value.Equals`: deep, key order insensitive, integers equal to floats of the same value. */
export function valuesEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a);
  let bn = 0;
  for (const k in b) if (hasOwn(b, k)) bn++;
  if (ak.length !== bn) return false;
  for (const k of ak) if (!hasOwn(b, k) || !valuesEqual(a[k], b[k])) return false;
  return true;
}

/** Go's `%q` for the strings that occur in keys and set values (printable text; JSON escapes otherwise). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go's `%v` of a float64 that is not integral. */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
  const abs = Math.abs(n);
  const s = String(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const e = n.toExponential();
    return e.replace(/e([+-])(\d)$/, "e$10$2");
  }
  return s;
}

/** `value.ToString`, as used by `PathElement.String()` in paths of conflicts and errors. */
export function goString(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return "[" + v.map(goString).join(",") + "]";
  return Object.keys(v)
    .sort(compareStrings)
    .map((k) => `${k}=${goString(v[k]!)}`)
    .join("");
}

const htmlUnsafe = /[<>&\u2028\u2029]/g;

/**
 * Go `encoding/json` string escaping (HTML-safe, as both encoding/json and json-iterator's std config do). Most
 * strings need no escape at all; they are quoted without calling the JSON encoder.
 */
export function goJsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 || (c >= 0x2028 && (c <= 0x2029 || (c >= 0xd800 && c <= 0xdfff)))) {
      return JSON.stringify(s).replace(htmlUnsafe, (u) => "\\u" + u.charCodeAt(0).toString(16).padStart(4, "0"));
    }
  }
  return '"' + s + '"';
}

/** Go `json.Marshal` of decoded JSON: map keys sorted, compact, HTML-safe. */
export function goJson(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "number") return Number.isFinite(v) ? JSON.stringify(v) : "null";
  if (typeof v === "string") return goJsonString(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  let out: string;
  if (Array.isArray(v)) {
    out = "[";
    for (let i = 0; i < v.length; i++) out += (i > 0 ? "," : "") + goJson(v[i]!);
    return out + "]";
  }
  const keys = Object.keys(v).sort(compareStrings);
  out = "{";
  for (let i = 0; i < keys.length; i++) out += (i > 0 ? "," : "") + goJsonString(keys[i]!) + ":" + goJson(v[keys[i]!]!);
  return out + "}";
}
