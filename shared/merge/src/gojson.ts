/**
 * JSON values as Go's `map[string]interface{}` decoding sees them, so the patch algorithms ported from Go behave the
 * same on type checks, `==` comparisons and error texts. Kubernetes decodes integral numbers as int64 and others as
 * float64; those are different Go types, which matters where the algorithms compare element types.
 *
 * Objects are written through `put`, never `obj[key] = v`, because a JSON key `__proto__` must stay an own property
 * and never reach the prototype.
 */

export type JsonMap = { [key: string]: unknown };

export type GoKind = "map" | "slice" | "string" | "int64" | "float64" | "bool" | "nil";

export function isMap(v: unknown): v is JsonMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function goKind(v: unknown): GoKind {
  if (v === null || v === undefined) return "nil";
  if (Array.isArray(v)) return "slice";
  switch (typeof v) {
    case "object":
      return "map";
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(v) ? "int64" : "float64";
    default:
      return "nil";
  }
}

const goTypeNames: Record<GoKind, string> = {
  map: "map[string]interface {}",
  slice: "[]interface {}",
  string: "string",
  int64: "int64",
  float64: "float64",
  bool: "bool",
  nil: "%!s(<nil>)",
};

/** `reflect.TypeOf(v)` printed with `%s`. */
export function goTypeName(v: unknown): string {
  return goTypeNames[goKind(v)];
}

export function hasOwn(obj: JsonMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** The own value at `key` (never an inherited one); undefined when absent. */
export function own(obj: JsonMap, key: string): unknown {
  return hasOwn(obj, key) ? obj[key] : undefined;
}

export function put(obj: JsonMap, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map((item) => deepClone(item)) as T;
  if (isMap(v)) {
    const out: JsonMap = {};
    for (const k of Object.keys(v)) put(out, k, deepClone(v[k]));
    return out as T;
  }
  return v;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const ak = Object.keys(a);
    if (ak.length !== Object.keys(b).length) return false;
    return ak.every((k) => hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Raised where Go itself would panic (kube-apiserver recovers and answers 500). */
export class GoPanic extends Error {}

/** Go's `==` on two `interface{}` values: false across types, a panic on maps and slices of the same type. */
export function goEqual(a: unknown, b: unknown): boolean {
  const ka = goKind(a);
  if (ka !== goKind(b)) return false;
  if (ka === "map" || ka === "slice") {
    throw new GoPanic(`runtime error: comparing uncomparable type ${goTypeNames[ka]}`);
  }
  if (ka === "nil") return true;
  return a === b;
}

/** A hashable identity for a scalar, as a Go `map[interface{}]` key; maps and slices panic like in Go. */
export function scalarKey(v: unknown): string {
  const k = goKind(v);
  if (k === "map" || k === "slice") throw new GoPanic(`runtime error: hash of unhashable type ${goTypeNames[k]}`);
  return k === "nil" ? "nil" : `${k}:${String(v)}`;
}

function formatFloat(f: number): string {
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : f < 0 ? "-Inf" : "NaN";
  // %v on a float64 is strconv's shortest %g: an exponent once it is below -4 or at least 6.
  const [mantissa, expText] = f.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? "-" : "+";
    const digits = String(Math.abs(exp)).padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  return String(f);
}

/** Go's `fmt.Sprintf("%v", v)` for decoded JSON: `map[k:v ...]` with sorted keys, `[a b]`, `<nil>`. */
export function goFormat(v: unknown): string {
  switch (goKind(v)) {
    case "nil":
      return "<nil>";
    case "slice":
      return `[${(v as unknown[]).map(goFormat).join(" ")}]`;
    case "map": {
      const m = v as JsonMap;
      const keys = Object.keys(m).sort(compareGoStrings);
      return `map[${keys.map((k) => `${k}:${goFormat(m[k])}`).join(" ")}]`;
    }
    case "float64":
      return formatFloat(v as number);
    default:
      return String(v);
  }
}

/** Go's `%s` verb: strings as they are, other scalars flagged as a bad verb the way fmt does. */
export function goFormatS(v: unknown): string {
  const k = goKind(v);
  switch (k) {
    case "string":
      return v as string;
    case "nil":
      return "%!s(<nil>)";
    case "slice":
      return `[${(v as unknown[]).map(goFormatS).join(" ")}]`;
    case "map": {
      const m = v as JsonMap;
      const keys = Object.keys(m).sort(compareGoStrings);
      return `map[${keys.map((key) => `${key}:${goFormatS(m[key])}`).join(" ")}]`;
    }
    default:
      return `%!s(${k}=${goFormat(v)})`;
  }
}

/** Go compares strings bytewise (UTF-8); this matches for the BMP and keeps sorting stable elsewhere. */
export function compareGoStrings(a: string, b: string): number {
  const ba = Buffer.from(a, "utf8");
  const bb = Buffer.from(b, "utf8");
  return Buffer.compare(ba, bb);
}
