/**
 * Field errors as k8s.io/apimachinery/pkg/util/validation/field renders them. A Cause's `message` is the
 * error *body* (upstream `ErrorBody()`, what lands in `Status.details.causes[].message`); `formatCause` gives
 * the `field: body` form that upstream joins into the Status message.
 */

export interface Cause {
  /** FieldValueRequired | FieldValueInvalid | FieldValueNotSupported | FieldValueTooLong | ... */
  type: string;
  /** The field path as upstream formats it (`spec.interval`, `spec.items[0].name`, `<nil>` for the root). */
  field: string;
  message: string;
}

const TYPE_TEXT: Record<string, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  InternalError: "Internal error",
  FieldValueTypeInvalid: "Invalid value",
};

/** Upstream prints a nil *field.Path as `<nil>`; errors on the object root carry it. */
export const ROOT_FIELD = "<nil>";

/** Marks a value that upstream omits from the body (field.TooMany with an unknown count). */
export const OMIT_VALUE: unique symbol = Symbol("omit value");

const VALUELESS = new Set(["FieldValueRequired", "FieldValueForbidden", "FieldValueTooLong", "InternalError"]);

export function fieldError(type: string, field: string, value: unknown, detail: string): Cause {
  let s = TYPE_TEXT[type] ?? type;
  if (!VALUELESS.has(type) && value !== OMIT_VALUE) s += `: ${goValue(value)}`;
  if (detail) s += `: ${detail}`;
  return { type, field: field || ROOT_FIELD, message: s };
}

export const required = (field: string, detail = ""): Cause => fieldError("FieldValueRequired", field, OMIT_VALUE, detail);
export const invalid = (field: string, value: unknown, detail: string): Cause => fieldError("FieldValueInvalid", field, value, detail);
export const typeInvalid = (field: string, value: unknown, detail: string): Cause =>
  fieldError("FieldValueTypeInvalid", field, value, detail);
export const forbidden = (field: string, detail: string): Cause => fieldError("FieldValueForbidden", field, OMIT_VALUE, detail);
export const duplicate = (field: string, value: unknown): Cause => fieldError("FieldValueDuplicate", field, value, "");
export const notSupported = (field: string, value: unknown, valid: readonly string[]): Cause =>
  fieldError("FieldValueNotSupported", field, value, valid.length ? `supported values: ${valid.map(goQuote).join(", ")}` : "");
export const tooLong = (field: string, maxLength: number): Cause =>
  fieldError("FieldValueTooLong", field, OMIT_VALUE, maxLength >= 0 ? `may not be longer than ${maxLength}` : "value is too long");
export const tooMany = (field: string, actual: number, max: number): Cause =>
  fieldError("FieldValueTooMany", field, actual >= 0 ? actual : OMIT_VALUE, max >= 0 ? `must have at most ${max} items` : "has too many items");

/** `field: body`, the string upstream aggregates into `X "name" is invalid: [a, b]`. */
export function formatCause(c: Cause): string {
  return `${c.field}: ${c.message}`;
}

/** The Invalid (422) Status message upstream builds from a field error list. */
export function invalidMessage(qualifiedKind: string, name: string, causes: readonly Cause[]): string {
  const parts = causes.map(formatCause);
  const agg = parts.length === 1 ? parts[0] : `[${parts.join(", ")}]`;
  return `${qualifiedKind} "${name}" is invalid: ${agg}`;
}

/** Go's strconv.Quote for the strings we produce (JSON escaping matches it for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go's `%v` of a JSON number (float64 or int64 after decoding). */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  // %v of float64 is %g with the shortest representation; exponents are at least two digits.
  const s = String(n);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (m) return `${m[1]}e${m[2]}${m[3]!.padStart(2, "0")}`;
  return s;
}

/**
 * The bad value as `ErrorBody()` prints it: simple types with %v, strings with %q, and anything else with
 * %#v of the decoded JSON (`map[string]interface {}{...}`, `[]interface {}{...}`).
 */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '"null"';
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number") return goNumber(v);
  if (typeof v === "boolean") return String(v);
  return goSharpV(v);
}

function goSharpV(v: unknown): string {
  if (v === null || v === undefined) return "interface {}(nil)";
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : goNumber(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharpV).join(", ")}}`;
  const entries = Object.keys(v as object)
    .sort()
    .map((k) => `${goQuote(k)}:${goSharpV((v as Record<string, unknown>)[k])}`);
  return `map[string]interface {}{${entries.join(", ")}}`;
}
