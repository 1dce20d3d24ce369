import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { startApiServer, type ApiServer } from '@flotilla/apiserver';
import { LeaderElector, formatMicroTime } from '@flotilla/runtime/leader-election';

const NS = 'flux-system';
const TIMINGS = { leaseDurationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 100 };

let server: ApiServer;
let kc: KubeConfig;
before(async () => {
  server = await startApiServer({ port: 0 });
  server.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
});
after(async () => {
  await server.stop();
});

interface Events {
  started: number;
  stopped: number;
  signal?: AbortSignal;
}

/** A clock the test moves by hand, so takeover decisions do not depend on scheduling. */
class ManualClock {
  t = Date.now();
  now(): number {
    return this.t;
  }
}

function elector(name: string, identity: string, events: Events, releaseOnCancel = true, clock?: ManualClock): LeaderElector {
  return new LeaderElector({
    clock,
    kubeConfig: kc,
    namespace: NS,
    name,
    identity,
    ...TIMINGS,
    releaseOnCancel,
    onStartedLeading: (signal) => {
      events.started++;
      events.signal = signal;
    },
    onStoppedLeading: () => {
      events.stopped++;
    },
  });
}

async function until(cond: () => boolean | Promise<boolean>, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function readLease(name: string): Promise<{ spec: Record<string, unknown>; metadata: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/${name}`, {
    headers: { Authorization: 'Bearer flotilla' },
  });
  assert.equal(res.status, 200);
  return (await res.json()) as { spec: Record<string, unknown>; metadata: Record<string, unknown> };
}

const MICROTIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

test('formatMicroTime writes six fractional digits in UTC', () => {
  assert.equal(formatMicroTime(Date.UTC(2006, 0, 2, 15, 4, 5, 7)), '2006-01-02T15:04:05.007000Z');
});

test('rejects timings client-go rejects', () => {
  const base = { kubeConfig: kc, namespace: NS, name: 'x', identity: 'a', onStartedLeading: () => {} };
  assert.throws(() => new LeaderElector({ ...base, leaseDurationMs: 400, renewDeadlineMs: 400, retryPeriodMs: 100 }));
  assert.throws(() => new LeaderElector({ ...base, leaseDurationMs: 600, renewDeadlineMs: 110, retryPeriodMs: 100 }));
  assert.throws(() => new LeaderElector({ ...base, ...TIMINGS, identity: '' }));
});

test('one of two electors leads; releasing on stop hands over at once', async () => {
  const lease = 'release-leader-election';
  const ea: Events = { started: 0, stopped: 0 };
  const eb: Events = { started: 0, stopped: 0 };
  const a = elector(lease, 'a', ea);
  // b's clock never moves, so it can only take over because the holder was cleared, not by expiry.
  const b = elector(lease, 'b', eb, true, new ManualClock());
  const runA = a.run();
  await until(() => a.isLeader(), 'a to lead');
  const runB = b.run();
  // b must observe a's record and keep waiting across several retry periods while a renews.
  await until(() => b.getLeader() === 'a', 'b to observe a');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(b.isLeader(), false);
  assert.equal(eb.started, 0);
  assert.equal(ea.started, 1);

  const held = await readLease(lease);
  assert.equal(held.spec.holderIdentity, 'a');
  assert.equal(held.spec.leaseDurationSeconds, 1);
  assert.equal(held.spec.leaseTransitions, 0);
  assert.match(String(held.spec.renewTime), MICROTIME);
  assert.match(String(held.spec.acquireTime), MICROTIME);
  assert.ok(String(held.spec.renewTime) > String(held.spec.acquireTime), 'renewals advance renewTime');

  await a.stop();
  await runA;
  assert.equal(ea.stopped, 1);
  assert.equal(ea.signal?.aborted, true);

  await until(() => b.isLeader(), 'b to take over');
  const taken = await readLease(lease);
  assert.equal(taken.spec.holderIdentity, 'b');
  assert.equal(taken.spec.leaseTransitions, 1);
  assert.equal(eb.started, 1);

  await b.stop();
  await runB;
  const after = await readLease(lease);
  assert.equal(after.spec.holderIdentity, '');
  assert.equal(after.spec.leaseTransitions, 1);
  assert.equal(eb.stopped, 1);
});

test('a leader that goes away without releasing is replaced only after the lease expires', async () => {
  const lease = 'expire-leader-election';
  const ea: Events = { started: 0, stopped: 0 };
  const eb: Events = { started: 0, stopped: 0 };
  const a = elector(lease, 'a', ea, false);
  // b's clock is also an hour ahead of the server and of a: client-go never compares renewTime with
  // the local clock, so skew must not make a live lease look expired.
  const bClock = new ManualClock();
  bClock.t += 3_600_000;
  const b = elector(lease, 'b', eb, true, bClock);
  const runA = a.run();
  await until(() => a.isLeader(), 'a to lead');
  const runB = b.run();
  await until(() => b.getLeader() === 'a', 'b to observe a');

  await a.stop();
  await runA;
  const abandoned = await readLease(lease);
  assert.equal(abandoned.spec.holderIdentity, 'a', 'no release was written');
  // Expiry is judged by b's own clock since it last saw the record change, not by renewTime:
  // more than the 1 s lease passes in real time, but b's clock has not moved.
  await new Promise((r) => setTimeout(r, 1300));
  assert.equal(b.isLeader(), false);
  assert.equal(eb.started, 0);
  bClock.t += 999;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(b.isLeader(), false, 'not before the lease duration has passed');
  bClock.t += 2;
  await until(() => b.isLeader(), 'b to take over');
  const taken = await readLease(lease);
  assert.equal(taken.spec.holderIdentity, 'b');
  assert.equal(taken.spec.leaseTransitions, 1);
  await b.stop();
  await runB;
});

test('a leader that cannot renew stops leading after the renew deadline and is replaced', async () => {
  const lease = 'fail-leader-election';
  const ea: Events = { started: 0, stopped: 0 };
  const eb: Events = { started: 0, stopped: 0 };
  const aClock = new ManualClock();
  const a = elector(lease, 'a', ea, true, aClock);
  const runA = a.run();
  await until(() => a.isLeader(), 'a to lead');
  assert.equal(ea.started, 1);

  const clear = server.hooks.failRequests({
    match: (r) => r.resource === 'leases' && r.name === lease,
    status: 500,
    times: 1000,
  });
  // Failed renewals alone do not end leadership; only the renew deadline on a's clock does.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(ea.stopped, 0);
  assert.equal(ea.signal?.aborted, false);
  aClock.t += 401;
  await runA; // run() returns once leadership is lost
  assert.equal(ea.stopped, 1);
  assert.equal(ea.signal?.aborted, true);
  clear();

  const stale = await readLease(lease);
  assert.equal(stale.spec.holderIdentity, 'a', 'the lost leader could not write anything');

  const b = elector(lease, 'b', eb);
  const runB = b.run();
  await until(() => b.isLeader(), 'b to take over after expiry');
  const taken = await readLease(lease);
  assert.equal(taken.spec.holderIdentity, 'b');
  assert.equal(taken.spec.leaseTransitions, 1);
  await b.stop();
  await runB;
});

test('an update rejected with 409 Conflict is retried on the next period, not fatal', async () => {
  const lease = 'conflict-leader-election';
  const ea: Events = { started: 0, stopped: 0 };
  const a = elector(lease, 'a', ea);
  const runA = a.run();
  await until(() => a.isLeader(), 'a to lead');
  const before = String((await readLease(lease)).spec.renewTime);
  server.hooks.failRequests({ match: (r) => r.resource === 'leases' && r.verb === 'update', status: 409, times: 2 });
  await until(async () => String((await readLease(lease)).spec.renewTime) > before, 'a renewal after conflicts');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(a.isLeader(), true);
  assert.equal(ea.stopped, 0);
  await a.stop();
  await runA;
});

test('electors started together race for the create and exactly one leads', async () => {
  const lease = 'race-leader-election';
  const events = ['a', 'b', 'c'].map(() => ({ started: 0, stopped: 0 }) as Events);
  const electors = ['a', 'b', 'c'].map((id, i) => elector(lease, id, events[i]!));
  const runs = electors.map((e) => e.run());
  await until(() => electors.some((e) => e.isLeader()), 'someone to lead');
  await new Promise((r) => setTimeout(r, 700));
  const leaders = electors.filter((e) => e.isLeader());
  assert.equal(leaders.length, 1);
  assert.equal(events.reduce((n, e) => n + e.started, 0), 1);
  const held = await readLease(lease);
  assert.equal(held.spec.holderIdentity, leaders[0]!.identity);
  assert.equal(held.spec.leaseTransitions, 0);
  await Promise.all(electors.map((e) => e.stop()));
  await Promise.all(runs);
});
