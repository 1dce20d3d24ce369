/**
 * Interval jitter as Flux's `--interval-jitter-percentage` (default 5): each scheduled reconcile is moved by a
 * random amount within ±percent of the interval, so objects created together do not stay in lock-step.
 */
export const DEFAULT_INTERVAL_JITTER_PERCENT = 5;

export class JitterError extends Error {
  readonly reason = 'BadRequest';
  constructor(message: string) {
    super(message);
    this.name = 'JitterError';
  }
}

/** `ms` moved uniformly within [ms·(1−p/100), ms·(1+p/100)); `rand` returns values in [0, 1) like Math.random. */
export function jitteredInterval(ms: number, percent: number = DEFAULT_INTERVAL_JITTER_PERCENT, rand: () => number = Math.random): number {
  if (!Number.isFinite(ms) || ms < 0) throw new JitterError(`interval must be a finite non-negative number of milliseconds, got ${ms}`);
  if (!Number.isFinite(percent) || percent < 0 || percent >= 100) {
    throw new JitterError(`jitter percentage must be in [0, 100), got ${percent}`);
  }
  const spread = (ms * percent) / 100;
  return ms + spread * (2 * rand() - 1);
}
