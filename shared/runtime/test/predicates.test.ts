import { test } from "node:test";
import assert from "node:assert/strict";
import {
  shouldReconcile,
  reconcileRequested,
  requestedAt,
  handledReconcileAt,
  withHandledReconcileAt,
  isSuspended,
  isDeleting,
  hasFinalizer,
  withFinalizer,
  withoutFinalizer,
  kstatusOf,
  type FluxMetaObject,
} from "../src/predicates.js";

const ANN = "reconcile.fluxcd.io/requestedAt";
const mk = (o: { gen?: number; og?: number; token?: string; handled?: string; suspend?: boolean }): FluxMetaObject => ({
  kind: "GitRepository",
  metadata: { generation: o.gen ?? 1, ...(o.token !== undefined ? { annotations: { [ANN]: o.token } } : {}) },
  spec: o.suspend === undefined ? {} : { suspend: o.suspend },
  status: { observedGeneration: o.og ?? 1, ...(o.handled !== undefined ? { lastHandledReconcileAt: o.handled } : {}) },
});

test("shouldReconcile on update events: generation change or a new, unhandled request token", () => {
  const cases: { name: string; old: FluxMetaObject; obj: FluxMetaObject; want: boolean }[] = [
    { name: "nothing changed", old: mk({}), obj: mk({}), want: false },
    { name: "generation changed", old: mk({ gen: 1 }), obj: mk({ gen: 2 }), want: true },
    { name: "status-only update", old: mk({ og: 0 }), obj: mk({ og: 1 }), want: false },
    { name: "request annotation added", old: mk({}), obj: mk({ token: "t1" }), want: true },
    { name: "request token changed", old: mk({ token: "t1", handled: "t1" }), obj: mk({ token: "t2", handled: "t1" }), want: true },
    { name: "request token unchanged", old: mk({ token: "t1" }), obj: mk({ token: "t1" }), want: false },
    { name: "new token already handled", old: mk({ token: "t1" }), obj: mk({ token: "t2", handled: "t2" }), want: false },
    { name: "annotation removed", old: mk({ token: "t1" }), obj: mk({}), want: false },
  ];
  for (const c of cases) assert.equal(shouldReconcile(c.obj, c.old), c.want, c.name);
});

test("shouldReconcile without an old object compares with the object's own status", () => {
  const cases: { name: string; obj: FluxMetaObject; want: boolean }[] = [
    { name: "fresh object (observedGeneration -1)", obj: mk({ gen: 1, og: -1 }), want: true },
    { name: "generation observed", obj: mk({ gen: 3, og: 3 }), want: false },
    { name: "generation not observed", obj: mk({ gen: 4, og: 3 }), want: true },
    { name: "requestedAt not handled", obj: mk({ token: "2026-01-01T00:00:00Z" }), want: true },
    { name: "requestedAt handled", obj: mk({ token: "a", handled: "a" }), want: false },
    { name: "requestedAt differs from handled", obj: mk({ token: "b", handled: "a" }), want: true },
  ];
  for (const c of cases) assert.equal(shouldReconcile(c.obj), c.want, c.name);
});

test("requestedAt / handledReconcileAt / withHandledReconcileAt", () => {
  const o = mk({ token: "now", handled: "before" });
  assert.equal(requestedAt(o), "now");
  assert.equal(handledReconcileAt(o), "before");
  assert.equal(reconcileRequested(o), true);
  const h = withHandledReconcileAt(o);
  assert.equal(handledReconcileAt(h), "now");
  assert.equal(reconcileRequested(h), false);
  assert.equal(handledReconcileAt(o), "before", "input not mutated");
  assert.equal(h.status?.observedGeneration, 1, "rest of status kept");
  const none = mk({});
  assert.equal(requestedAt(none), undefined);
  assert.equal(withHandledReconcileAt(none), none);
});

test("isSuspended", () => {
  const cases: { name: string; obj: FluxMetaObject; want: boolean }[] = [
    { name: "suspend true", obj: mk({ suspend: true }), want: true },
    { name: "suspend false", obj: mk({ suspend: false }), want: false },
    { name: "suspend absent", obj: mk({}), want: false },
    { name: "no spec", obj: { metadata: {} }, want: false },
    { name: "string 'true' is not a boolean", obj: { spec: { suspend: "true" } }, want: false },
  ];
  for (const c of cases) assert.equal(isSuspended(c.obj), c.want, c.name);
});

test("finalizer helpers add and remove finalizers.fluxcd.io without touching others", () => {
  const o: FluxMetaObject = { metadata: { finalizers: ["other.io/x"] } };
  assert.equal(hasFinalizer(o), false);
  const added = withFinalizer(o);
  assert.deepEqual(added.metadata?.finalizers, ["other.io/x", "finalizers.fluxcd.io"]);
  assert.equal(withFinalizer(added), added, "idempotent");
  assert.deepEqual(o.metadata?.finalizers, ["other.io/x"], "input not mutated");
  const removed = withoutFinalizer(added);
  assert.deepEqual(removed.metadata?.finalizers, ["other.io/x"]);
  assert.equal(hasFinalizer(removed), false);
  assert.equal(withoutFinalizer(removed), removed);
  assert.deepEqual(withFinalizer<FluxMetaObject>({}).metadata?.finalizers, ["finalizers.fluxcd.io"]);
  assert.equal(hasFinalizer(added, "other.io/x"), true);
});

test("kstatusOf follows kstatus' generic rules for custom resources", () => {
  const c = (type: string, status: "True" | "False" | "Unknown", message = "") => ({
    type,
    status,
    reason: "R",
    message,
    lastTransitionTime: "2026-01-01T00:00:00Z",
  });
  const o = (gen: number, og: number | undefined, conditions: ReturnType<typeof c>[], deleting = false): FluxMetaObject => ({
    kind: "Kustomization",
    metadata: { generation: gen, ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
    status: { ...(og !== undefined ? { observedGeneration: og } : {}), conditions },
  });
  const cases: { name: string; obj: FluxMetaObject; want: string; message?: string }[] = [
    { name: "deleting", obj: o(1, 1, [c("Ready", "True")], true), want: "Terminating" },
    {
      name: "unobserved generation",
      obj: o(2, 1, [c("Ready", "True")]),
      want: "InProgress",
      message: "Kustomization generation is 2, but latest observed generation is 1",
    },
    { name: "CRD default observedGeneration -1", obj: o(1, -1, []), want: "InProgress" },
    { name: "Reconciling True", obj: o(1, 1, [c("Reconciling", "True", "working"), c("Ready", "Unknown")]), want: "InProgress", message: "working" },
    { name: "Stalled True", obj: o(1, 1, [c("Stalled", "True", "bad spec"), c("Ready", "False")]), want: "Failed", message: "bad spec" },
    { name: "Ready True", obj: o(1, 1, [c("Ready", "True")]), want: "Current" },
    { name: "Ready False without Stalled is Current for kstatus", obj: o(1, 1, [c("Ready", "False")]), want: "Current" },
    { name: "Reconciling False ignored", obj: o(1, 1, [c("Reconciling", "False"), c("Ready", "True")]), want: "Current" },
    { name: "no observedGeneration", obj: o(5, undefined, [c("Ready", "True")]), want: "Current" },
  ];
  for (const k of cases) {
    const got = kstatusOf(k.obj);
    assert.equal(got.status, k.want, k.name);
    if (k.message !== undefined) assert.equal(got.message, k.message, k.name);
  }
  assert.equal(isDeleting(o(1, 1, [], true)), true);
});
