export { WorkQueue, ManualClock, realClock, QueueError } from './queue.js';
export type { Clock, Handler, Result, WorkQueueOptions } from './queue.js';
export {
  ItemExponentialBackoff,
  DEFAULT_MIN_RETRY_DELAY_MS,
  DEFAULT_MAX_RETRY_DELAY_MS,
  DEFAULT_RETRY_JITTER_PERCENT,
} from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { jitteredInterval, JitterError, DEFAULT_INTERVAL_JITTER_PERCENT } from './jitter.js';
// Flux's condition contract and reconcile predicates, the consumer-side artifact helper (fetch, verify, safe
// extraction) and Lease-based leader election; also importable one by one as "@flotilla/runtime/<module>".
export * as conditions from "./conditions.js";
export * as predicates from "./predicates.js";
export * as artifact from "./artifact.js";
export { LeaderElector, LeaderElectionError } from "./leader-election.js";
