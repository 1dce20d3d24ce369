/**
 * Acceptance: @kubernetes/client-node 1.4.0 (its Watch, ListWatch/makeInformer and KubernetesObjectApi code, unmodified)
 * against the embedded server — list, watch, informers, server-side apply on a built-in and on a custom resource, a
 * watch resumed after the server ends it, and the 410 Expired path that makes an informer relist.
 *
 * The last two drive the server's test hooks (server.dropWatches, hooks.latencyMs) so that writes land while the
 * informer is between two watch requests; each uses its own server so the added latency and the small watch history
 * never touch the other tests.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { eventually, startTestCluster, type TestCluster } from "./harness.js";
import { freshNamespace, installWidgetCRD } from "./acceptance-helpers.js";

let c: TestCluster;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let objects: k8s.KubernetesObjectApi;
before(async () => {
  c = await startTestCluster();
  await installWidgetCRD(c);
  kc = c.kubeConfig();
  core = kc.makeApiClient(k8s.CoreV1Api);
  objects = k8s.KubernetesObjectApi.makeApiClient(kc);
});
after(async () => {
  await c.stop();
});

interface ApiFailure {
  code: number;
  body: { reason?: string; message?: string; details?: { causes?: Array<{ type: string; field: string; message: string }> } };
}

async function failure(p: Promise<unknown>): Promise<ApiFailure> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: number; body?: unknown };
    assert.equal(typeof err.code, "number", `not an ApiException: ${String(e)}`);
    return { code: err.code!, body: (typeof err.body === "string" ? JSON.parse(err.body) : err.body) as ApiFailure["body"] };
  }
  throw new Error("expected the call to fail");
}

const cm = (name: string, data: Record<string, string>, labels?: Record<string, string>): k8s.V1ConfigMap => ({ metadata: { name, labels }, data });
const rvOf = (o: k8s.KubernetesObject) => Number(o.metadata!.resourceVersion);

type Seen = Array<[string, string, string | undefined]>;

/** An informer over a namespace's ConfigMaps that records every callback and counts list calls and connects. */
function configMapInformer(cfg: k8s.KubeConfig, ns: string, labelSelector?: string) {
  const api = cfg.makeApiClient(k8s.CoreV1Api);
  const counters = { lists: 0, connects: 0, errors: [] as unknown[] };
  const seen: Seen = [];
  const inf = k8s.makeInformer(
    cfg,
    `/api/v1/namespaces/${ns}/configmaps`,
    () => {
      counters.lists++;
      return api.listNamespacedConfigMap({ namespace: ns, labelSelector });
    },
    labelSelector,
  );
  inf.on("add", (o) => seen.push(["add", o.metadata!.name!, o.data?.v]));
  inf.on("update", (o) => seen.push(["update", o.metadata!.name!, o.data?.v]));
  inf.on("delete", (o) => seen.push(["delete", o.metadata!.name!, o.data?.v]));
  inf.on("connect", () => counters.connects++);
  inf.on("error", (e) => counters.errors.push(e));
  return { inf, seen, counters };
}

describe("@kubernetes/client-node 1.4.0", { concurrency: 4 }, () => {
  test("list: typed and generic (KubernetesObjectApi), label selectors, list resourceVersion", async () => {
    const ns = await freshNamespace(c, "list");
    for (const [n, tier] of [["a", "web"], ["b", "web"], ["c", "db"]] as const) await core.createNamespacedConfigMap({ namespace: ns, body: cm(n, { v: n }, { tier }) });
    const typed = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: "tier in (web)" });
    assert.deepEqual(typed.items.map((i) => i.metadata!.name).sort(), ["a", "b"]);
    assert.match(typed.metadata!.resourceVersion!, /^\d+$/);
    assert.ok(rvOf(typed as k8s.KubernetesObject) >= Math.max(...typed.items.map(rvOf)), "the list RV is at least every item's RV");

    const generic = await objects.list("v1", "ConfigMap", ns, undefined, undefined, undefined, undefined, "tier=db");
    assert.deepEqual(generic.items.map((i) => i.metadata!.name), ["c"]);
    const fields = await objects.list("v1", "ConfigMap", ns, undefined, undefined, undefined, "metadata.name!=a");
    assert.deepEqual(fields.items.map((i) => i.metadata!.name).sort(), ["b", "c"]);

    await objects.create({ apiVersion: "acceptance.flotilla.dev/v1", kind: "Widget", metadata: { name: "w1", namespace: ns }, spec: { size: 1 } } as k8s.KubernetesObject);
    const widgets = await objects.list("acceptance.flotilla.dev/v1", "Widget", ns);
    assert.deepEqual(widgets.items.map((i) => [i.kind, i.metadata!.name]), [["Widget", "w1"]]);

    const missing = await failure(core.readNamespacedConfigMap({ namespace: ns, name: "nope" }));
    assert.equal(missing.code, 404);
    assert.equal(missing.body.reason, "NotFound");
    assert.equal(missing.body.message, 'configmaps "nope" not found');
  });

  test("watch from a list RV: ADDED, MODIFIED, DELETED in order; selector transitions become ADDED/DELETED", async () => {
    const ns = await freshNamespace(c, "watch");
    const start = await core.listNamespacedConfigMap({ namespace: ns });
    const all: Array<[string, string, number]> = [];
    const selected: Array<[string, string]> = [];
    const watch = new k8s.Watch(kc);
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const ends: unknown[] = [];
    const w1 = await watch.watch(path, { resourceVersion: start.metadata!.resourceVersion }, (type, o) => all.push([type, o.metadata.name, rvOf(o)]), (e) => ends.push(e));
    const w2 = await watch.watch(path, { resourceVersion: start.metadata!.resourceVersion, labelSelector: "pick=yes" }, (type, o) => selected.push([type, o.metadata.name]), (e) => ends.push(e));
    try {
      await core.createNamespacedConfigMap({ namespace: ns, body: cm("x", { v: "1" }) });
      await core.patchNamespacedConfigMap({ namespace: ns, name: "x", body: { metadata: { labels: { pick: "yes" } } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
      await core.patchNamespacedConfigMap({ namespace: ns, name: "x", body: { data: { v: "2" } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
      await core.patchNamespacedConfigMap({ namespace: ns, name: "x", body: { metadata: { labels: { pick: "no" } } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
      await core.deleteNamespacedConfigMap({ namespace: ns, name: "x" });
      await eventually(() => all.length === 5 && selected.length === 3);
      assert.deepEqual(all.map(([t]) => t), ["ADDED", "MODIFIED", "MODIFIED", "MODIFIED", "DELETED"]);
      for (let i = 1; i < all.length; i++) assert.ok(all[i]![2] > all[i - 1]![2], "resourceVersions increase");
      assert.deepEqual(selected, [["ADDED", "x"], ["MODIFIED", "x"], ["DELETED", "x"]]);
      assert.deepEqual(ends, [], "the watches stay open");
    } finally {
      w1.abort();
      w2.abort();
    }
  });

  test("makeInformer: add, update, delete callbacks and the cache; a label-selected informer", async () => {
    const ns = await freshNamespace(c, "informer");
    await core.createNamespacedConfigMap({ namespace: ns, body: cm("pre", { v: "0" }, { keep: "yes" }) });
    const { inf, seen, counters } = configMapInformer(kc, ns);
    const sel = configMapInformer(kc, ns, "keep=yes");
    await inf.start();
    await sel.inf.start();
    try {
      await eventually(() => seen.length === 1 && sel.seen.length === 1);
      await core.createNamespacedConfigMap({ namespace: ns, body: cm("new", { v: "1" }) });
      await core.replaceNamespacedConfigMap({ namespace: ns, name: "pre", body: cm("pre", { v: "2" }, { keep: "yes" }) });
      await core.patchNamespacedConfigMap({ namespace: ns, name: "new", body: { metadata: { labels: { keep: "yes" } } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.StrategicMergePatch));
      await core.deleteNamespacedConfigMap({ namespace: ns, name: "pre" });
      await eventually(() => seen.length === 5 && sel.seen.length === 4);
      assert.deepEqual(seen, [
        ["add", "pre", "0"],
        ["add", "new", "1"],
        ["update", "pre", "2"],
        ["update", "new", "1"],
        ["delete", "pre", "2"],
      ]);
      assert.deepEqual(sel.seen, [
        ["add", "pre", "0"],
        ["update", "pre", "2"],
        ["add", "new", "1"],
        ["delete", "pre", "2"],
      ]);
      assert.deepEqual(inf.list().map((o) => o.metadata!.name), ["new"]);
      assert.equal(inf.get("new", ns)!.metadata!.labels!.keep, "yes");
      assert.equal(counters.lists, 1);
      assert.deepEqual(counters.errors, []);
    } finally {
      await inf.stop();
      await sel.inf.stop();
    }
  });

  test("server-side apply via KubernetesObjectApi.patch on a built-in: create, ownership, 409 conflict with causes, force, removal", async () => {
    const ns = await freshNamespace(c, "ssa");
    const dep = (replicas: number, extraLabel?: string): k8s.V1Deployment & k8s.KubernetesObject => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "app", namespace: ns, labels: { app: "app", ...(extraLabel ? { extra: extraLabel } : {}) } },
      spec: { replicas, selector: { matchLabels: { app: "app" } }, template: { metadata: { labels: { app: "app" } }, spec: { containers: [{ name: "c", image: "nginx:1" }] } } },
    });
    const created = await objects.patch(dep(2, "x"), undefined, undefined, "flotilla-mgr", true, k8s.PatchStrategy.ServerSideApply);
    assert.equal(created.spec!.replicas, 2);
    assert.equal(created.spec!.strategy!.type, "RollingUpdate", "the server defaults what the applier left out");
    const entry = created.metadata!.managedFields!.find((m) => m.manager === "flotilla-mgr")!;
    assert.equal(entry.operation, "Apply");
    assert.equal(entry.apiVersion, "apps/v1");
    assert.equal(entry.fieldsType, "FieldsV1");
    assert.ok((entry.fieldsV1 as any)["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"c"}']["f:image"], "containers are keyed by name");

    const conflict = await failure(objects.patch(dep(5), undefined, undefined, "other-mgr", false, k8s.PatchStrategy.ServerSideApply));
    assert.equal(conflict.code, 409);
    assert.equal(conflict.body.reason, "Conflict");
    assert.equal(conflict.body.message, 'Apply failed with 1 conflict: conflict with "flotilla-mgr": .spec.replicas');
    assert.deepEqual(conflict.body.details!.causes, [{ type: "FieldManagerConflict", field: ".spec.replicas", message: 'conflict with "flotilla-mgr"' }]);

    const dry = await objects.patch(dep(7), undefined, "All", "other-mgr", true, k8s.PatchStrategy.ServerSideApply);
    assert.equal(dry.spec!.replicas, 7);
    const stored = await objects.read<k8s.V1Deployment & k8s.KubernetesObject>({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "app", namespace: ns } });
    assert.equal(stored.spec!.replicas, 2, "dryRun=All persists nothing");

    const forced = await objects.patch(dep(5), undefined, undefined, "other-mgr", true, k8s.PatchStrategy.ServerSideApply);
    assert.equal(forced.spec!.replicas, 5);
    // flotilla-mgr re-applies without the label it alone owned and without replicas (now owned by other-mgr).
    const { replicas: _r, ...specWithoutReplicas } = dep(0).spec!;
    const trimmed = await objects.patch({ ...dep(0), spec: specWithoutReplicas } as k8s.KubernetesObject, undefined, undefined, "flotilla-mgr", false, k8s.PatchStrategy.ServerSideApply);
    assert.deepEqual(trimmed.metadata!.labels, { app: "app" });
    assert.equal((trimmed as k8s.V1Deployment).spec!.replicas, 5);
  });

  test("server-side apply via KubernetesObjectApi.patch on a custom resource; the default (strategic) patch is 415 there", async () => {
    const ns = await freshNamespace(c, "ssa-cr");
    const w = (spec: Record<string, unknown>) => ({ apiVersion: "acceptance.flotilla.dev/v1", kind: "Widget", metadata: { name: "gear", namespace: ns }, spec }) as k8s.KubernetesObject & { spec: Record<string, unknown> };
    const created = await objects.patch(w({ size: 3, tags: ["a", "b"] }), undefined, undefined, "flux-like", true, k8s.PatchStrategy.ServerSideApply);
    assert.deepEqual((created as any).spec, { size: 3, tags: ["a", "b"] });
    assert.equal(created.metadata!.generation, 1);
    const conflict = await failure(objects.patch(w({ size: 4 }), undefined, undefined, "intruder", false, k8s.PatchStrategy.ServerSideApply));
    assert.equal(conflict.code, 409);
    assert.deepEqual(conflict.body.details!.causes!.map((x) => x.field), [".spec.size"]);
    const updated = await objects.patch(w({ size: 4, tags: ["a"] }), undefined, undefined, "flux-like", false, k8s.PatchStrategy.ServerSideApply);
    assert.deepEqual((updated as any).spec, { size: 4, tags: ["a"] });
    assert.equal(updated.metadata!.generation, 2);
    const smp = await failure(objects.patch(w({ size: 5 })));
    assert.equal(smp.code, 415);
    assert.equal(smp.body.reason, "UnsupportedMediaType");
    const merged = await objects.patch(w({ size: 5 }), undefined, undefined, "merger", undefined, k8s.PatchStrategy.MergePatch);
    assert.equal((merged as any).spec.size, 5);
  });

  test("an informer resumes from its last RV when the server ends the watch, with writes racing the reconnect: nothing missed or repeated", async () => {
    const own = await startTestCluster();
    try {
      const ns = await freshNamespace(own, "resume");
      const api = own.kubeConfig().makeApiClient(k8s.CoreV1Api);
      await api.createNamespacedConfigMap({ namespace: ns, body: cm("pre", { v: "0" }) });
      await api.createNamespacedConfigMap({ namespace: ns, body: cm("gone", { v: "0" }) });
      const { inf, seen, counters } = configMapInformer(own.kubeConfig(), ns);
      await inf.start();
      try {
        await eventually(() => seen.length === 2 && own.server.openWatches() === 1);
        // Hold the informer's next watch request while the writes happen, so they fall between two watches.
        own.server.hooks.latencyMs = 300;
        assert.equal(own.server.dropWatches(), 1);
        const client = own.server.client;
        client.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "new", namespace: ns }, data: { v: "1" } });
        client.patch("v1", "ConfigMap", ns, "pre", "merge", { data: { v: "2" } });
        client.delete("v1", "ConfigMap", ns, "gone");
        own.server.hooks.latencyMs = 0;
        await eventually(() => seen.length === 5 && own.server.openWatches() === 1);
        client.patch("v1", "ConfigMap", ns, "new", "merge", { data: { v: "3" } });
        await eventually(() => seen.length === 6);
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(seen.slice(2), [
          ["add", "new", "1"],
          ["update", "pre", "2"],
          ["delete", "gone", "0"],
          ["update", "new", "3"],
        ]);
        assert.equal(counters.lists, 1, "resumed from the last RV, no relist");
        assert.equal(counters.connects, 2);
        assert.deepEqual(counters.errors, []);
      } finally {
        await inf.stop();
      }
    } finally {
      await own.stop();
    }
  });

  test("410 Expired: an informer whose RV fell out of the watch history relists and reconciles its cache", async () => {
    const own = await startTestCluster({ watchHistorySize: 4 });
    try {
      const ns = await freshNamespace(own, "expired");
      const api = own.kubeConfig().makeApiClient(k8s.CoreV1Api);
      for (const n of ["keep", "change", "gone"]) await api.createNamespacedConfigMap({ namespace: ns, body: cm(n, { v: "0" }) });
      const { inf, seen, counters } = configMapInformer(own.kubeConfig(), ns);
      await inf.start();
      try {
        await eventually(() => seen.length === 3 && own.server.openWatches() === 1);
        own.server.hooks.latencyMs = 300;
        own.server.dropWatches();
        const client = own.server.client;
        // More events than the history keeps, so the informer's RV is older than what the server can replay.
        for (let i = 0; i < 8; i++) client.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `n${i}`, namespace: ns }, data: { v: "1" } });
        client.patch("v1", "ConfigMap", ns, "change", "merge", { data: { v: "2" } });
        client.delete("v1", "ConfigMap", ns, "gone");
        own.server.hooks.latencyMs = 0;
        await eventually(() => counters.lists === 2 && inf.list().length === 10 && own.server.openWatches() === 1);
        await new Promise((r) => setTimeout(r, 200));
        const after = seen.slice(3);
        assert.deepEqual(after.filter(([t]) => t === "delete"), [["delete", "gone", "0"]]);
        assert.deepEqual(after.filter(([t]) => t === "update"), [["update", "change", "2"]], "unchanged objects get no update on relist");
        assert.deepEqual(after.filter(([t]) => t === "add").map(([, n]) => n).sort(), ["n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7"]);
        assert.equal(after.length, 10);
        const server = (await api.listNamespacedConfigMap({ namespace: ns })).items.map((o) => `${o.metadata!.name}@${o.metadata!.resourceVersion}`).sort();
        assert.deepEqual(inf.list().map((o) => `${o.metadata!.name}@${o.metadata!.resourceVersion}`).sort(), server);
        // And the informer keeps working after the relist.
        client.patch("v1", "ConfigMap", ns, "keep", "merge", { data: { v: "9" } });
        await eventually(() => seen.at(-1)?.[1] === "keep");
        assert.deepEqual(seen.at(-1), ["update", "keep", "9"]);
        assert.deepEqual(counters.errors, []);
      } finally {
        await inf.stop();
      }
    } finally {
      await own.stop();
    }
  });
});
