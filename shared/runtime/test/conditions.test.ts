import { test } from "node:test";
import assert from "node:assert/strict";
import {
  getCondition,
  setCondition,
  deleteCondition,
  markTrue,
  markFalse,
  markUnknown,
  markReconciling,
  markStalled,
  summarize,
  checkStatus,
  nowTime,
  type ConditionedObject,
} from "../src/conditions.js";

const T0 = "2026-01-01T00:00:00Z";
const T1 = "2026-01-01T00:05:00Z";
const at = (t: string) => ({ now: () => t });
const obj = (generation: number, observedGeneration = -1): ConditionedObject => ({
  metadata: { generation },
  status: { observedGeneration },
});
const types = (o: ConditionedObject) => (o.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).sort();

test("nowTime is RFC 3339 with second precision like metav1.Time", () => {
  assert.equal(nowTime(new Date("2026-03-04T05:06:07.891Z")), "2026-03-04T05:06:07Z");
});

test("setCondition: lastTransitionTime moves only when status changes", () => {
  const cases: { name: string; from: "True" | "False" | "Unknown"; to: "True" | "False" | "Unknown"; want: string }[] = [
    { name: "same status, new reason keeps time", from: "True", to: "True", want: T0 },
    { name: "False -> True moves time", from: "False", to: "True", want: T1 },
    { name: "True -> Unknown moves time", from: "True", to: "Unknown", want: T1 },
    { name: "Unknown -> Unknown keeps time", from: "Unknown", to: "Unknown", want: T0 },
  ];
  for (const c of cases) {
    const a = setCondition(obj(1), { type: "Ready", status: c.from, reason: "A", message: "a" }, at(T0));
    const b = setCondition(a, { type: "Ready", status: c.to, reason: "B", message: "b" }, at(T1));
    const got = getCondition(b, "Ready")!;
    assert.equal(got.lastTransitionTime, c.want, c.name);
    assert.equal(got.reason, "B", c.name);
    assert.equal(got.message, "b", c.name);
    assert.equal(b.status?.conditions?.length, 1, c.name);
  }
});

test("setCondition records the object's generation and does not mutate its input", () => {
  const before = markTrue(obj(3), "Ready", "Succeeded", "ok", at(T0));
  const snapshot = JSON.stringify(before);
  const after = markFalse({ ...before, metadata: { generation: 4 } }, "Ready", "Failed", "bad", at(T1));
  assert.equal(JSON.stringify(before), snapshot);
  assert.equal(getCondition(before, "Ready")!.observedGeneration, 3);
  assert.equal(getCondition(after, "Ready")!.observedGeneration, 4);
  assert.equal(after.status?.observedGeneration, -1, "root observedGeneration untouched");
});

test("set keeps other conditions and their order; delete removes only the named one", () => {
  let o = markTrue(obj(1), "ArtifactInStorage", "Succeeded", "", at(T0));
  o = markUnknown(o, "Ready", "Progressing", "", at(T0));
  o = markTrue(o, "ArtifactInStorage", "Succeeded", "again", at(T1));
  assert.deepEqual(o.status?.conditions?.map((c) => c.type), ["ArtifactInStorage", "Ready"]);
  const d = deleteCondition(o, "ArtifactInStorage");
  assert.deepEqual(d.status?.conditions?.map((c) => c.type), ["Ready"]);
  assert.equal(deleteCondition(d, "Nope"), d);
});

test("markReconciling: Progressing, or ProgressingWithRetry after a failure; drops Stalled", () => {
  const cases: { name: string; prior: (o: ConditionedObject) => ConditionedObject; reason: string }[] = [
    { name: "fresh object", prior: (o) => o, reason: "Progressing" },
    { name: "after success", prior: (o) => markTrue(o, "Ready", "Succeeded", "", at(T0)), reason: "Progressing" },
    { name: "after Ready=False", prior: (o) => markFalse(o, "Ready", "Failed", "x", at(T0)), reason: "ProgressingWithRetry" },
    { name: "after Stalled", prior: (o) => markStalled(o, "InvalidURL", "bad", at(T0)), reason: "ProgressingWithRetry" },
  ];
  for (const c of cases) {
    const o = markReconciling(c.prior(obj(2)), "reconciling", at(T1));
    const rec = getCondition(o, "Reconciling")!;
    assert.equal(rec.status, "True", c.name);
    assert.equal(rec.reason, c.reason, c.name);
    assert.equal(getCondition(o, "Stalled"), undefined, c.name);
  }
});

test("markStalled sets Stalled=True and Ready=False with the same reason, removing Reconciling", () => {
  const o = markStalled(markReconciling(obj(1), "working", at(T0)), "InvalidCELExpression", "bad expr", at(T1));
  assert.deepEqual(types(o), ["Ready=False", "Stalled=True"]);
  assert.equal(getCondition(o, "Ready")!.reason, "InvalidCELExpression");
  assert.equal(getCondition(o, "Ready")!.message, "bad expr");
});

test("summarize follows Flux's Ready rules", () => {
  const neg = ["FetchFailed", "ArtifactOutdated"];
  const cases: {
    name: string;
    build: (o: ConditionedObject) => ConditionedObject;
    want: string[];
    ready: { status: string; reason: string };
  }[] = [
    {
      name: "no problems: Ready=True Succeeded",
      build: (o) => markTrue(o, "ArtifactInStorage", "Succeeded", "stored", at(T0)),
      want: ["ArtifactInStorage=True", "Ready=True"],
      ready: { status: "True", reason: "Succeeded" },
    },
    {
      name: "negative conditions removed when False or Unknown",
      build: (o) => markUnknown(markFalse(o, "FetchFailed", "GitOperationSucceeded", "", at(T0)), "ArtifactOutdated", "X", "", at(T0)),
      want: ["Ready=True"],
      ready: { status: "True", reason: "Succeeded" },
    },
    {
      name: "True negative condition makes Ready=False with its reason",
      build: (o) => markTrue(o, "FetchFailed", "AuthenticationFailed", "denied", at(T0)),
      want: ["FetchFailed=True", "Ready=False"],
      ready: { status: "False", reason: "AuthenticationFailed" },
    },
    {
      name: "negative conditions in priority order",
      build: (o) => markTrue(markTrue(o, "ArtifactOutdated", "NewRevision", "", at(T0)), "FetchFailed", "URLInvalid", "", at(T0)),
      want: ["ArtifactOutdated=True", "FetchFailed=True", "Ready=False"],
      ready: { status: "False", reason: "URLInvalid" },
    },
    {
      name: "Stalled wins over Reconciling and removes it",
      build: (o) => {
        const r = markTrue(o, "Reconciling", "Progressing", "", at(T0));
        const withStalled = { ...r, status: { ...r.status, conditions: [...r.status!.conditions!, { type: "Stalled", status: "True" as const, reason: "InvalidURL", message: "m", lastTransitionTime: T0 }] } };
        return markTrue(withStalled, "FetchFailed", "URLInvalid", "", at(T0));
      },
      want: ["FetchFailed=True", "Ready=False", "Stalled=True"],
      ready: { status: "False", reason: "InvalidURL" },
    },
    {
      name: "Reconciling still True makes Ready=False Progressing",
      build: (o) => markReconciling(o, "working", at(T0)),
      want: ["Ready=False", "Reconciling=True"],
      ready: { status: "False", reason: "Progressing" },
    },
    {
      name: "Reconciling/Stalled False are removed",
      build: (o) => markFalse(markFalse(o, "Reconciling", "Done", "", at(T0)), "Stalled", "No", "", at(T0)),
      want: ["Ready=True"],
      ready: { status: "True", reason: "Succeeded" },
    },
    {
      name: "False positive condition makes Ready=False",
      build: (o) => markFalse(o, "Healthy", "HealthCheckFailed", "pod crashloop", at(T0)),
      want: ["Healthy=False", "Ready=False"],
      ready: { status: "False", reason: "HealthCheckFailed" },
    },
  ];
  for (const c of cases) {
    const o = summarize(c.build(obj(1)), { negativePolarity: neg, positivePolarity: ["Healthy"], ...at(T1) });
    assert.deepEqual(types(o), c.want, c.name);
    const ready = getCondition(o, "Ready")!;
    assert.equal(ready.status, c.ready.status, c.name);
    assert.equal(ready.reason, c.ready.reason, c.name);
    assert.ok(!(getCondition(o, "Reconciling") && getCondition(o, "Stalled")), c.name);
  }
});

test("summarize keeps Ready's transition time when it stays True", () => {
  const first = summarize(obj(1), { successReason: "ReconciliationSucceeded", successMessage: "Applied revision: a", ...at(T0) });
  const second = summarize(first, { successReason: "ReconciliationSucceeded", successMessage: "Applied revision: b", ...at(T1) });
  assert.equal(getCondition(second, "Ready")!.lastTransitionTime, T0);
  assert.equal(getCondition(second, "Ready")!.message, "Applied revision: b");
});

test("checkStatus reports fluxcd/pkg conditions/check FAIL rules", () => {
  const cond = (type: string, status: "True" | "False" | "Unknown", observedGeneration = 1) => ({
    type,
    status,
    reason: "R",
    message: "",
    lastTransitionTime: T0,
    observedGeneration,
  });
  const mk = (generation: number, og: number, ...conditions: ReturnType<typeof cond>[]): ConditionedObject => ({
    metadata: { generation },
    status: { observedGeneration: og, conditions },
  });
  const cases: { name: string; o: ConditionedObject; want: string[]; mid?: boolean }[] = [
    { name: "healthy Ready=True", o: mk(1, 1, cond("Ready", "True")), want: [] },
    { name: "failed Ready=False with negative condition", o: mk(1, 1, cond("FetchFailed", "True"), cond("Ready", "False")), want: [] },
    { name: "negative True with Ready True", o: mk(1, 1, cond("FetchFailed", "True"), cond("Ready", "True")), want: ["FAIL0001"] },
    { name: "no Ready", o: mk(1, 1), want: ["FAIL0002"] },
    { name: "Reconciling True, Ready Unknown", o: mk(2, 1, cond("Reconciling", "True", 2), cond("Ready", "Unknown", 2)), want: ["FAIL0003"] },
    { name: "same, mid-reconcile", o: mk(2, 1, cond("Reconciling", "True", 2), cond("Ready", "Unknown", 2)), want: [], mid: true },
    { name: "Stalled True, Ready True", o: mk(1, 1, cond("Stalled", "True"), cond("Ready", "True")), want: ["FAIL0004"] },
    {
      name: "Reconciling and Stalled both present",
      o: mk(2, 1, cond("Reconciling", "True", 2), cond("Stalled", "True", 2), cond("Ready", "False", 2)),
      want: ["FAIL0005"],
    },
    { name: "observedGeneration ahead of generation", o: mk(1, 2, cond("Ready", "False", 1)), want: ["FAIL0006"] },
    { name: "Ready True on an unobserved generation", o: mk(2, 1, cond("Ready", "True", 2)), want: ["FAIL0007", "FAIL0009"] },
    { name: "Ready True with a stale condition", o: mk(2, 2, cond("Ready", "True", 2), cond("Healthy", "True", 1)), want: ["FAIL0008", "FAIL0009"] },
    { name: "Reconciling not ahead of root generation", o: mk(1, 1, cond("Reconciling", "True", 1), cond("Ready", "False", 1)), want: ["FAIL0010"] },
  ];
  for (const c of cases) {
    const got = checkStatus(c.o, { negativePolarity: ["FetchFailed"], midReconcile: c.mid });
    assert.deepEqual(got.map((v) => v.check), c.want, c.name);
  }
});

test("a status built by the helpers passes checkStatus at each stage of a reconcile", () => {
  const neg = ["FetchFailed"];
  // A fresh object on its first reconcile (generation 1, observedGeneration -1 from the CRD default).
  let o = markReconciling(obj(1), "reconciliation in progress", at(T0));
  o = markUnknown(o, "Ready", "Progressing", "reconciliation in progress", at(T0));
  assert.deepEqual(checkStatus(o, { negativePolarity: neg, midReconcile: true }), []);
  // The fetch fails: summarized status is Ready=False with the failure's reason.
  o = markTrue(o, "FetchFailed", "AuthenticationFailed", "denied", at(T1));
  o = summarize({ ...o, status: { ...o.status, observedGeneration: 1 } }, { negativePolarity: neg, ...at(T1) });
  o = deleteCondition(o, "Reconciling");
  o = summarize(o, { negativePolarity: neg, ...at(T1) });
  assert.deepEqual(checkStatus(o, { negativePolarity: neg }), []);
  assert.equal(getCondition(o, "Ready")!.reason, "AuthenticationFailed");
  // The next attempt succeeds.
  o = markReconciling({ ...o, metadata: { generation: 2 } }, "retrying", at(T1));
  assert.equal(getCondition(o, "Reconciling")!.reason, "ProgressingWithRetry");
  o = deleteCondition(deleteCondition(o, "FetchFailed"), "Reconciling");
  o = summarize({ ...o, status: { ...o.status, observedGeneration: 2 } }, { negativePolarity: neg, ...at(T1) });
  assert.deepEqual(checkStatus(o, { negativePolarity: neg }), []);
  assert.equal(getCondition(o, "Ready")!.status, "True");
});
