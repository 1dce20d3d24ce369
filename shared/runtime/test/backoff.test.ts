import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ItemExponentialBackoff, DEFAULT_MIN_RETRY_DELAY_MS, DEFAULT_MAX_RETRY_DELAY_MS } from '../src/backoff.js';
import { jitteredInterval, JitterError } from '../src/jitter.js';

test('defaults are Flux --min-retry-delay 750ms and --max-retry-delay 15m', () => {
  const b = new ItemExponentialBackoff();
  assert.equal(b.minRetryDelayMs, 750);
  assert.equal(b.maxRetryDelayMs, 900_000);
  assert.equal(DEFAULT_MIN_RETRY_DELAY_MS, 750);
  assert.equal(DEFAULT_MAX_RETRY_DELAY_MS, 900_000);
});

test('without jitter the delay doubles from min and stops at max', () => {
  // rand 0.5 is the middle of the jitter range, i.e. no displacement.
  const b = new ItemExponentialBackoff({ minRetryDelayMs: 100, maxRetryDelayMs: 1000, rand: () => 0.5 });
  const delays = Array.from({ length: 7 }, () => b.when('k'));
  assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000, 1000]);
  assert.equal(b.numRequeues('k'), 7);
});

test('jittered delays stay within ±percent of the doubled delay and within [min, max]', () => {
  const min = 100;
  const max = 10_000;
  const percent = 10;
  let seed = 12345;
  // A small LCG, so the sequence is reproducible but covers the whole [0, 1) range.
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let round = 0; round < 50; round++) {
    const b = new ItemExponentialBackoff({ minRetryDelayMs: min, maxRetryDelayMs: max, jitterPercent: percent, rand });
    let base = min;
    for (let n = 0; n < 10; n++) {
      const d = b.when('k');
      assert.ok(d >= Math.max(min, base * 0.9) && d <= Math.min(max, base * 1.1), `failure ${n}: ${d} vs base ${base}`);
      base = Math.min(max, base * 2);
    }
  }
});

test('the extremes of the random source are clamped to min and max', () => {
  const low = new ItemExponentialBackoff({ minRetryDelayMs: 100, maxRetryDelayMs: 1000, jitterPercent: 10, rand: () => 0 });
  assert.equal(low.when('k'), 100, 'below min is raised to min');
  assert.equal(low.when('k'), 180);
  const high = new ItemExponentialBackoff({ minRetryDelayMs: 100, maxRetryDelayMs: 1000, jitterPercent: 10, rand: () => 0.999999 });
  for (let i = 0; i < 4; i++) high.when('k');
  assert.equal(high.when('k'), 1000, 'above max is lowered to max');
});

test('forget resets the backoff of one key only', () => {
  const b = new ItemExponentialBackoff({ minRetryDelayMs: 100, maxRetryDelayMs: 1000, rand: () => 0.5 });
  b.when('a');
  b.when('a');
  b.when('a');
  b.when('b');
  b.forget('a');
  assert.equal(b.numRequeues('a'), 0);
  assert.equal(b.when('a'), 100);
  assert.equal(b.when('b'), 200);
});

test('many failures do not overflow past max', () => {
  const b = new ItemExponentialBackoff({ minRetryDelayMs: 1, maxRetryDelayMs: 5000, rand: () => 0.5 });
  let last = 0;
  for (let i = 0; i < 2000; i++) last = b.when('k');
  assert.equal(last, 5000);
});

test('invalid retry delays are rejected', () => {
  assert.throws(() => new ItemExponentialBackoff({ minRetryDelayMs: 0 }), RangeError);
  assert.throws(() => new ItemExponentialBackoff({ minRetryDelayMs: 10, maxRetryDelayMs: 5 }), RangeError);
});

test('jitteredInterval moves the interval within ±percent', () => {
  assert.equal(jitteredInterval(60_000, 5, () => 0), 57_000);
  assert.equal(jitteredInterval(60_000, 5, () => 0.5), 60_000);
  assert.ok(jitteredInterval(60_000, 5, () => 0.999999) < 63_000);
  assert.ok(jitteredInterval(60_000, 5, () => 0.999999) > 62_999);
  assert.equal(jitteredInterval(60_000, 0, () => 0), 60_000);
  for (let i = 0; i < 200; i++) {
    const v = jitteredInterval(10_000);
    assert.ok(v >= 9_500 && v < 10_500, String(v));
  }
});

test('jitteredInterval rejects nonsense', () => {
  assert.throws(() => jitteredInterval(-1, 5), JitterError);
  assert.throws(() => jitteredInterval(Number.NaN, 5), JitterError);
  assert.throws(() => jitteredInterval(1000, 100), JitterError);
  assert.throws(() => jitteredInterval(1000, -1), JitterError);
});
