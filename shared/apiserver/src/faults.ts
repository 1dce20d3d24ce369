/** Test hooks: added latency, injected failures, dropped watches. */
import { ApiError, conflict, internalError, tooManyRequests } from "./errors.js";
import type { Verb } from "./handlers/types.js";

/** What a failure rule sees of a request. */
export interface RequestInfo {
  method: string;
  path: string;
  verb?: Verb;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface FailureRule {
  match: (r: RequestInfo) => boolean;
  /** 409 (Conflict), 429 (TooManyRequests, with Retry-After), 500 (InternalError), or any other code. */
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  retryAfterSeconds?: number;
  message?: string;
}

export class TestHooks {
  /** Milliseconds added before every request is handled. */
  latencyMs = 0;
  private rules: Array<FailureRule & { left: number }> = [];

  /** Makes the next `times` matching requests fail; returns a function that removes the rule. */
  failRequests(rule: FailureRule): () => void {
    const r = { ...rule, left: rule.times ?? 1 };
    this.rules.push(r);
    return () => {
      this.rules = this.rules.filter((x) => x !== r);
    };
  }

  clearFailures(): void {
    this.rules = [];
  }

  /** The injected error for this request, if a rule matches (consuming one of its uses). */
  takeFailure(info: RequestInfo): ApiError | undefined {
    for (const r of this.rules) {
      if (r.left <= 0 || !r.match(info)) continue;
      r.left--;
      if (r.left <= 0) this.rules = this.rules.filter((x) => x !== r);
      const gr = { group: info.group ?? "", resource: info.resource ?? "" };
      switch (r.status) {
        case 409:
          return conflict(gr, info.name ?? "", r.message ?? "the object has been modified; please apply your changes to the latest version and try again");
        case 429:
          return tooManyRequests(r.message ?? "Too many requests, please try again later.", r.retryAfterSeconds ?? 1);
        case 500:
          return internalError(r.message ?? "injected failure");
        default:
          return new ApiError(r.status, r.status === 503 ? "ServiceUnavailable" : r.status === 504 ? "Timeout" : "InternalError", r.message ?? "injected failure");
      }
    }
    return undefined;
  }
}
