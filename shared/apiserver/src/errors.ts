/**
 * Typed API errors. Every failure the server reports is an ApiError, rendered as a Kubernetes `Status` object
 * with the same reason, code and message wording as k8s.io/apimachinery/pkg/api/errors, because kubectl prints
 * them verbatim and controllers branch on reason/code (and sometimes on message text, e.g. "field is immutable").
 */

export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Expired"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "Invalid"
  | "TooManyRequests"
  | "InternalError"
  | "ServiceUnavailable"
  | "Timeout"
  /** Upstream's non-Status errors: kubectl prints "Error from server: <message>". */
  | "";

export interface StatusCause {
  type?: string;
  field?: string;
  message?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, unknown>;
  status: "Success" | "Failure";
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code?: number;
}

/** A failure with a Kubernetes reason and HTTP code. */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details?: StatusDetails;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers?: Record<string, string>;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails, headers?: Record<string, string>) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.headers = headers;
  }

  toStatus(): Status {
    const s: Status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      code: this.code,
    };
    if (this.reason) s.reason = this.reason;
    if (this.details) s.details = this.details;
    return s;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** A group-qualified resource, as used in messages: `configmaps`, `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(404, "NotFound", `${qualifiedResource(gr)} "${name}" not found`, {
    name,
    group: gr.group || undefined,
    kind: gr.resource,
  });
}

export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(409, "AlreadyExists", `${qualifiedResource(gr)} "${name}" already exists`, {
    name,
    group: gr.group || undefined,
    kind: gr.resource,
  });
}

export const OBJECT_MODIFIED = "the object has been modified; please apply your changes to the latest version and try again";

export function conflict(gr: GroupResource, name: string, reason: string, causes?: StatusCause[]): ApiError {
  return new ApiError(409, "Conflict", `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${reason}`, {
    name,
    group: gr.group || undefined,
    kind: gr.resource,
    causes,
  });
}

export function forbidden(gr: GroupResource, name: string, reason: string): ApiError {
  const what = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
  return new ApiError(403, "Forbidden", `${what} is forbidden: ${reason}`, {
    name: name || undefined,
    group: gr.group || undefined,
    kind: gr.resource,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

export function notAcceptable(message: string): ApiError {
  return new ApiError(406, "NotAcceptable", message);
}

export function unsupportedMediaType(accepted: string[]): ApiError {
  return new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
  );
}

export function expired(message: string): ApiError {
  return new ApiError(410, "Expired", message);
}

export function tooLarge(limit: number): ApiError {
  return new ApiError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`);
}

export function internalError(message: string): ApiError {
  return new ApiError(500, "InternalError", `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, "TooManyRequests", message, { retryAfterSeconds }, { "Retry-After": String(retryAfterSeconds) });
}

/** Field error types (k8s.io/apimachinery/pkg/util/validation/field), as cause `type` values. */
export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "InternalError"
  | "FieldValueTypeInvalid";

const FIELD_ERROR_TEXT: Record<FieldErrorType, string> = {
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

const NO_VALUE = Symbol("no value");

/** A single field error; `cause()` renders it as upstream's `ErrorBody()` would. */
export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly detail: string,
    readonly value: unknown = NO_VALUE,
  ) {}

  body(): string {
    let s = FIELD_ERROR_TEXT[this.type];
    const showsValue = !["FieldValueRequired", "FieldValueForbidden", "FieldValueTooLong", "InternalError"].includes(this.type);
    if (showsValue && this.value !== NO_VALUE) s += `: ${formatValue(this.value)}`;
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }

  cause(): StatusCause {
    return { type: this.type, message: this.body(), field: this.field };
  }

  toString(): string {
    return `${this.field}: ${this.body()}`;
  }
}

function formatValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || v === undefined) return "null";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

export const fieldInvalid = (field: string, value: unknown, detail: string): FieldError =>
  new FieldError("FieldValueInvalid", field, detail, value);
export const fieldRequired = (field: string, detail = ""): FieldError => new FieldError("FieldValueRequired", field, detail);
export const fieldForbidden = (field: string, detail: string): FieldError => new FieldError("FieldValueForbidden", field, detail);
export const fieldNotSupported = (field: string, value: unknown, valid: string[]): FieldError =>
  new FieldError("FieldValueNotSupported", field, `supported values: ${valid.map((v) => JSON.stringify(v)).join(", ")}`, value);
export const fieldDuplicate = (field: string, value: unknown): FieldError => new FieldError("FieldValueDuplicate", field, "", value);
export const fieldImmutable = (field: string, value: unknown): FieldError => fieldInvalid(field, value, "field is immutable");

/** A Kind qualified by group, as used in Invalid messages: `ConfigMap`, `Deployment.apps`. */
export interface GroupKind {
  group: string;
  kind: string;
}

/**
 * 422 Invalid. Accepts FieldErrors or pre-rendered causes (the CRD schema module produces causes whose
 * `message` is already the error body).
 */
export function invalid(gk: GroupKind, name: string, errors: Array<FieldError | StatusCause>): ApiError {
  const causes: StatusCause[] = errors.map((e) => (e instanceof FieldError ? e.cause() : e));
  const strings = errors.map((e) => (e instanceof FieldError ? e.toString() : e.field ? `${e.field}: ${e.message ?? ""}` : (e.message ?? "")));
  const qk = gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
  let message = `${qk} "${name}" is invalid`;
  if (strings.length === 1) message += `: ${strings[0]}`;
  else if (strings.length > 1) message += `: [${strings.join(", ")}]`;
  return new ApiError(422, "Invalid", message, {
    name,
    group: gk.group || undefined,
    kind: gk.kind,
    causes,
  });
}

/** The Status a generic registry returns for a completed delete (upstream leaves `code` unset). */
export function successStatus(details?: StatusDetails): Status {
  const s: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success" };
  if (details) s.details = details;
  return s;
}
