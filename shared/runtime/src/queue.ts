import { ItemExponentialBackoff, type BackoffOptions } from './backoff.js';

/** Time source for the queue, injectable so tests need not wait for real delays. */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // Pending requeues must not keep a process alive that has nothing else to do.
    t.unref();
    return t;
  },
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** A clock that moves only when told to; timers fire in due order during advance(). */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  pendingTimers(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].at <= target && (next === undefined || entry[1].at < next[1].at)) next = entry;
      }
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].fn();
    }
    this.time = target;
  }
}

export interface Result {
  /** Process the key again after this many milliseconds (Flux's requeueAfter). */
  requeueAfterMs?: number;
}

/** The signal is aborted when the queue shuts down, so long reconciles can stop early. */
export type Handler<K extends string> = (key: K, signal: AbortSignal) => Promise<Result | void>;

export interface WorkQueueOptions<K extends string> extends BackoffOptions {
  handler: Handler<K>;
  /** Number of workers (Flux's `--concurrent`). */
  concurrency?: number;
  clock?: Clock;
  /** Told of every handler failure; the key is retried with backoff regardless. */
  onError?: (key: K, error: unknown) => void;
}

export class QueueError extends Error {
  constructor(
    readonly reason: 'BadRequest',
    message: string,
  ) {
    super(message);
    this.name = 'QueueError';
  }
}

/**
 * The controller work queue with client-go workqueue semantics: a key waiting is queued once ("dirty" set), a key
 * is never handled by two workers at once, and a key added while it is being handled runs once more afterwards.
 */
export class WorkQueue<K extends string> {
  private readonly handler: Handler<K>;
  private readonly concurrency: number;
  private readonly clock: Clock;
  private readonly onError: ((key: K, error: unknown) => void) | undefined;
  private readonly backoff: ItemExponentialBackoff<K>;
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiting = new Map<K, { readyAt: number; handle: unknown }>();
  private readonly abort = new AbortController();
  private idleWaiters: Array<() => void> = [];
  private shuttingDown = false;

  constructor(options: WorkQueueOptions<K>) {
    this.handler = options.handler;
    this.concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new QueueError('BadRequest', `concurrency must be a positive integer, got ${this.concurrency}`);
    }
    this.clock = options.clock ?? realClock;
    this.onError = options.onError;
    this.backoff = new ItemExponentialBackoff<K>(options);
  }

  /** Queues `key` unless it is already waiting; false once the queue is shutting down. */
  add(key: K): boolean {
    if (this.shuttingDown) return false;
    if (!this.dirty.has(key)) {
      this.dirty.add(key);
      if (!this.processing.has(key)) this.queue.push(key);
      this.pump();
    }
    return true;
  }

  /** Queues `key` after `ms`; of several pending delays for one key the earliest wins, as in client-go. */
  addAfter(key: K, ms: number): boolean {
    if (this.shuttingDown) return false;
    if (!(ms > 0)) return this.add(key);
    const readyAt = this.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending !== undefined) {
      if (pending.readyAt <= readyAt) return true;
      this.clock.clearTimer(pending.handle);
    }
    const handle = this.clock.setTimer(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { readyAt, handle });
    return true;
  }

  /** Queues `key` after its next exponential backoff delay. */
  addRateLimited(key: K): boolean {
    if (this.shuttingDown) return false;
    return this.addAfter(key, this.backoff.when(key));
  }

  /** Resets the backoff of `key` (after a successful reconcile). */
  forget(key: K): void {
    this.backoff.forget(key);
  }

  numRequeues(key: K): number {
    return this.backoff.numRequeues(key);
  }

  /** Keys ready and waiting for a worker (queue depth). */
  len(): number {
    return this.queue.length;
  }

  /** Keys whose handler is running now. */
  active(): number {
    return this.processing.size;
  }

  /** Keys waiting for a delay (requeueAfter or backoff) to pass. */
  delayed(): number {
    return this.waiting.size;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Resolves once nothing is queued or running (delayed keys do not count). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking work: queued and delayed keys are dropped, handlers are signalled to stop, and in-flight handlers
   * are awaited up to `timeoutMs` (on the queue's clock). Resolves true when they all finished in time.
   */
  async shutdown(options: { timeoutMs?: number } = {}): Promise<boolean> {
    this.shuttingDown = true;
    for (const { handle } of this.waiting.values()) this.clock.clearTimer(handle);
    this.waiting.clear();
    for (const key of this.queue) this.dirty.delete(key);
    this.queue.length = 0;
    this.abort.abort(new QueueError('BadRequest', 'work queue is shutting down'));
    this.notifyIdle();
    if (this.inFlight.size === 0) return true;
    const allDone = Promise.all([...this.inFlight]).then(() => true);
    if (options.timeoutMs === undefined) return allDone;
    let handle: unknown;
    const timedOut = new Promise<boolean>((resolve) => {
      handle = this.clock.setTimer(() => resolve(false), options.timeoutMs ?? 0);
    });
    try {
      return await Promise.race([allDone, timedOut]);
    } finally {
      this.clock.clearTimer(handle);
    }
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.processing.size === 0;
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private pump(): void {
    while (!this.shuttingDown && this.processing.size < this.concurrency && this.queue.length > 0) {
      const key = this.queue.shift() as K;
      this.dirty.delete(key);
      this.processing.add(key);
      const run = this.run(key);
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }
  }

  private async run(key: K): Promise<void> {
    try {
      const result = await this.handler(key, this.abort.signal);
      this.forget(key);
      const after = result?.requeueAfterMs;
      if (after !== undefined && after > 0) this.addAfter(key, after);
    } catch (error) {
      try {
        this.onError?.(key, error);
      } catch {
        // A failing error reporter must not stop the worker.
      }
      this.addRateLimited(key);
    } finally {
      this.processing.delete(key);
      // Re-added while it ran: dirty but kept out of the queue until now.
      if (this.dirty.has(key) && !this.shuttingDown) this.queue.push(key);
      this.pump();
      this.notifyIdle();
    }
  }
}
