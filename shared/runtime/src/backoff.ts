import { jitteredInterval } from './jitter.js';

/** Flux's `--min-retry-delay` / `--max-retry-delay` defaults. */
export const DEFAULT_MIN_RETRY_DELAY_MS = 750;
export const DEFAULT_MAX_RETRY_DELAY_MS = 15 * 60 * 1000;
/** Spreads retries of many objects that failed together (e.g. during an API server outage). */
export const DEFAULT_RETRY_JITTER_PERCENT = 10;

export interface BackoffOptions {
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  jitterPercent?: number;
  rand?: () => number;
}

/**
 * Per-key exponential failure backoff as client-go's ItemExponentialFailureRateLimiter (min·2^failures, capped at
 * max), with jitter; the jittered delay is kept within [min, max].
 */
export class ItemExponentialBackoff<K extends string = string> {
  readonly minRetryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly jitterPercent: number;
  private readonly rand: () => number;
  private readonly failures = new Map<K, number>();

  constructor(options: BackoffOptions = {}) {
    this.minRetryDelayMs = options.minRetryDelayMs ?? DEFAULT_MIN_RETRY_DELAY_MS;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
    this.jitterPercent = options.jitterPercent ?? DEFAULT_RETRY_JITTER_PERCENT;
    this.rand = options.rand ?? Math.random;
    if (!(this.minRetryDelayMs > 0) || !(this.maxRetryDelayMs >= this.minRetryDelayMs)) {
      throw new RangeError(`retry delays must satisfy 0 < min <= max, got min=${this.minRetryDelayMs} max=${this.maxRetryDelayMs}`);
    }
  }

  /** The delay before the next retry of `key`; counts one more failure. */
  when(key: K): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    // Past 2^60 the product only overflows towards Infinity; the cap applies long before.
    const base = failures >= 60 ? this.maxRetryDelayMs : Math.min(this.maxRetryDelayMs, this.minRetryDelayMs * 2 ** failures);
    const jittered = jitteredInterval(base, this.jitterPercent, this.rand);
    return Math.min(this.maxRetryDelayMs, Math.max(this.minRetryDelayMs, jittered));
  }

  /** Failures counted since the last forget. */
  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: K): void {
    this.failures.delete(key);
  }
}
