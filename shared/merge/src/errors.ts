/**
 * Patch failures as typed values. Each carries the Kubernetes `reason` (and HTTP code) that kube-apiserver answers
 * with for the same failure, so the API server can turn one into a `Status` without guessing.
 */

export type PatchErrorReason =
  | "BadRequest"
  | "Invalid"
  | "InternalError"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType";

const codeByReason: Record<PatchErrorReason, number> = {
  BadRequest: 400,
  Invalid: 422,
  InternalError: 500,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
};

/** One `details.causes[]` entry of a Kubernetes Status. */
export interface PatchErrorCause {
  type: string;
  message: string;
  field?: string;
}

const brand = Symbol.for("flotilla.merge.PatchError");

export class PatchError extends Error {
  readonly reason: PatchErrorReason;
  readonly code: number;
  readonly causes: PatchErrorCause[];

  constructor(reason: PatchErrorReason, message: string, causes: PatchErrorCause[] = []) {
    super(message);
    this.name = "PatchError";
    this.reason = reason;
    this.code = codeByReason[reason];
    this.causes = causes;
    Object.defineProperty(this, brand, { value: true });
  }

  /** Branded, so errors thrown by another copy of this module still match `instanceof`. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}
