import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { WorkQueue, ManualClock, type Result } from '../src/queue.js';

interface Gate {
  promise: Promise<void>;
  open: () => void;
}

function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Lets pending promise callbacks (handler completions) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await tick();
}

const noJitter = { rand: () => 0.5 };

test('a key added many times while waiting is queued and processed once', async () => {
  const blocker = gate();
  const runs: string[] = [];
  const q = new WorkQueue<string>({
    clock: new ManualClock(),
    handler: async (key) => {
      runs.push(key);
      if (key === 'block') await blocker.promise;
      return {};
    },
  });
  q.add('block');
  q.add('x');
  q.add('x');
  q.add('y');
  q.add('x');
  assert.equal(q.len(), 2);
  blocker.open();
  await q.whenIdle();
  assert.deepEqual(runs, ['block', 'x', 'y']);
});

test('one key is never handled by two workers at once', async () => {
  const running = new Map<string, number>();
  let maxPerKey = 0;
  let runs = 0;
  const q = new WorkQueue<string>({
    concurrency: 4,
    clock: new ManualClock(),
    handler: async (key) => {
      runs++;
      const n = (running.get(key) ?? 0) + 1;
      running.set(key, n);
      maxPerKey = Math.max(maxPerKey, n);
      await tick();
      await tick();
      running.set(key, (running.get(key) ?? 1) - 1);
    },
  });
  for (let i = 0; i < 30; i++) {
    q.add('a');
    q.add(i % 2 === 0 ? 'b' : 'a');
    await tick();
  }
  await q.whenIdle();
  assert.equal(maxPerKey, 1);
  assert.ok(runs > 2, `expected repeated runs, got ${runs}`);
});

test('a key re-added while it is being handled runs exactly once more afterwards', async () => {
  const first = gate();
  const started = gate();
  let runs = 0;
  const q = new WorkQueue<string>({
    concurrency: 2,
    clock: new ManualClock(),
    handler: async () => {
      runs++;
      if (runs === 1) {
        started.open();
        await first.promise;
      }
    },
  });
  q.add('a');
  await started.promise;
  q.add('a');
  q.add('a');
  assert.equal(q.len(), 0, 'kept out of the queue while in flight, so an idle worker cannot take it');
  assert.equal(q.active(), 1);
  await settle();
  assert.equal(runs, 1);
  first.open();
  await q.whenIdle();
  assert.equal(runs, 2);
});

test('N workers handle N keys in parallel', async () => {
  const release = gate();
  let running = 0;
  let maxRunning = 0;
  const q = new WorkQueue<string>({
    concurrency: 3,
    clock: new ManualClock(),
    handler: async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await release.promise;
      running--;
    },
  });
  for (const k of ['a', 'b', 'c', 'd', 'e']) q.add(k);
  await settle();
  assert.equal(q.active(), 3);
  assert.equal(q.len(), 2);
  assert.equal(running, 3);
  release.open();
  await q.whenIdle();
  assert.equal(maxRunning, 3);
});

test('a failing handler is retried with doubling backoff, and success forgets the failures', async () => {
  const clock = new ManualClock();
  const runTimes: number[] = [];
  const errors: unknown[] = [];
  let failuresLeft = 3;
  const q = new WorkQueue<string>({
    clock,
    minRetryDelayMs: 100,
    maxRetryDelayMs: 10_000,
    ...noJitter,
    onError: (_key, e) => errors.push(e),
    handler: async () => {
      runTimes.push(clock.now());
      if (failuresLeft-- > 0) throw new Error('boom');
    },
  });
  q.add('a');
  await settle();
  assert.equal(q.numRequeues('a'), 1);
  assert.equal(q.delayed(), 1);
  clock.advance(99);
  await settle();
  assert.deepEqual(runTimes, [0]);
  clock.advance(1);
  await settle();
  assert.deepEqual(runTimes, [0, 100]);
  clock.advance(200);
  await settle();
  clock.advance(400);
  await settle();
  assert.deepEqual(runTimes, [0, 100, 300, 700], 'delays 100, 200, 400');
  assert.equal(errors.length, 3);
  assert.equal(q.numRequeues('a'), 0, 'success forgets the backoff');
  assert.equal(q.delayed(), 0, 'success without requeueAfter does not requeue');
  // After the reset, the next failure starts again from the minimum delay.
  failuresLeft = 1;
  q.add('a');
  await settle();
  clock.advance(100);
  await settle();
  assert.deepEqual(runTimes, [0, 100, 300, 700, 700, 800]);
});

test('requeueAfter schedules the key again after that delay, and resets backoff', async () => {
  const clock = new ManualClock();
  const runTimes: number[] = [];
  let fail = true;
  const q = new WorkQueue<string>({
    clock,
    minRetryDelayMs: 100,
    ...noJitter,
    handler: async (): Promise<Result> => {
      runTimes.push(clock.now());
      if (fail) {
        fail = false;
        throw new Error('first run fails');
      }
      return { requeueAfterMs: 5000 };
    },
  });
  q.add('a');
  await settle();
  clock.advance(100);
  await settle();
  assert.equal(q.numRequeues('a'), 0);
  clock.advance(4999);
  await settle();
  assert.deepEqual(runTimes, [0, 100]);
  clock.advance(1);
  await settle();
  assert.deepEqual(runTimes, [0, 100, 5100]);
});

test('of two pending delays for one key the earlier wins and the key runs once', async () => {
  const clock = new ManualClock();
  const runTimes: number[] = [];
  const q = new WorkQueue<string>({
    clock,
    handler: async () => {
      runTimes.push(clock.now());
    },
  });
  q.addAfter('a', 1000);
  q.addAfter('a', 300);
  q.addAfter('a', 2000);
  assert.equal(q.delayed(), 1);
  clock.advance(5000);
  await settle();
  assert.deepEqual(runTimes, [300]);
  assert.equal(clock.pendingTimers(), 0);
});

test('errors, including synchronous throws, do not stop the workers', async () => {
  const done: string[] = [];
  const q = new WorkQueue<string>({
    concurrency: 1,
    clock: new ManualClock(),
    onError: () => {
      throw new Error('the error reporter itself fails');
    },
    handler: ((key: string) => {
      if (key === 'sync') throw new Error('sync throw');
      if (key === 'async') return Promise.reject(new Error('rejection'));
      done.push(key);
      return Promise.resolve({});
    }) as (key: string) => Promise<Result>,
  });
  q.add('sync');
  q.add('async');
  q.add('good');
  await q.whenIdle();
  assert.deepEqual(done, ['good']);
  assert.equal(q.numRequeues('sync'), 1);
  assert.equal(q.numRequeues('async'), 1);
  q.add('later');
  await q.whenIdle();
  assert.deepEqual(done, ['good', 'later']);
});

test('shutdown waits for in-flight handlers, signals them, and refuses new work', async () => {
  const clock = new ManualClock();
  const release = gate();
  const started = gate();
  const ran: string[] = [];
  let signalled = false;
  const q = new WorkQueue<string>({
    concurrency: 1,
    clock,
    handler: async (key, signal) => {
      ran.push(key);
      started.open();
      await release.promise;
      signalled = signal.aborted;
      throw new Error('failing after shutdown must not requeue');
    },
  });
  q.add('a');
  q.add('queued');
  q.addAfter('delayed', 10);
  await started.promise;
  let finished: boolean | undefined;
  const stopping = q.shutdown({ timeoutMs: 1000 }).then((v) => {
    finished = v;
  });
  assert.equal(q.add('new'), false);
  assert.equal(q.addAfter('new', 5), false);
  assert.equal(q.addRateLimited('new'), false);
  assert.equal(q.len(), 0);
  await settle();
  assert.equal(finished, undefined, 'still waiting for the in-flight handler');
  release.open();
  await stopping;
  assert.equal(finished, true);
  assert.equal(signalled, true);
  clock.advance(100_000);
  await settle();
  assert.deepEqual(ran, ['a']);
  assert.equal(q.delayed(), 0);
  assert.equal(clock.pendingTimers(), 0);
});

test('shutdown gives up on handlers that outlive the timeout', async () => {
  const clock = new ManualClock();
  const started = gate();
  const q = new WorkQueue<string>({
    clock,
    handler: async () => {
      started.open();
      await new Promise(() => {});
    },
  });
  q.add('stuck');
  await started.promise;
  const stopping = q.shutdown({ timeoutMs: 30_000 });
  clock.advance(29_999);
  let finished: boolean | undefined;
  void stopping.then((v) => {
    finished = v;
  });
  await settle();
  assert.equal(finished, undefined);
  clock.advance(1);
  assert.equal(await stopping, false);
});

test('shutdown of an idle queue resolves true at once', async () => {
  const q = new WorkQueue<string>({ clock: new ManualClock(), handler: async () => ({}) });
  assert.equal(await q.shutdown({ timeoutMs: 10 }), true);
  assert.equal(q.isShuttingDown(), true);
});

test('concurrency must be a positive integer', () => {
  assert.throws(() => new WorkQueue<string>({ concurrency: 0, handler: async () => ({}) }), { reason: 'BadRequest' });
  assert.throws(() => new WorkQueue<string>({ concurrency: 1.5, handler: async () => ({}) }), { reason: 'BadRequest' });
});

test('the real clock drives delays too', async () => {
  const seen: string[] = [];
  const q = new WorkQueue<string>({
    handler: async (key) => {
      seen.push(key);
    },
  });
  q.addAfter('a', 5);
  await new Promise((r) => setTimeout(r, 40));
  await q.whenIdle();
  assert.deepEqual(seen, ['a']);
});
