/** @kubernetes/client-node 1.4.0 against the embedded server: typed CRUD, errors, list, watch, informer, SSA. */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { eventually, startTestCluster, type TestCluster } from "./harness.js";

let c: TestCluster;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
before(async () => {
  c = await startTestCluster();
  kc = c.kubeConfig();
  core = kc.makeApiClient(k8s.CoreV1Api);
});
after(async () => {
  await c.stop();
});

async function apiError(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: number; body: string | Record<string, unknown> };
    return { code: err.code, body: typeof err.body === "string" ? JSON.parse(err.body) : err.body };
  }
  throw new Error("expected the call to fail");
}

describe("client-node", () => {
  test("typed create, read, replace with a stale resourceVersion (409), delete", async () => {
    const created = await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "cn1" }, data: { a: "1" } } });
    assert.ok(created.metadata?.uid);
    assert.match(created.metadata!.creationTimestamp!.toISOString(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    const read = await core.readNamespacedConfigMap({ name: "cn1", namespace: "default" });
    assert.equal(read.data?.a, "1");
    const updated = await core.replaceNamespacedConfigMap({ name: "cn1", namespace: "default", body: { ...read, data: { a: "2" } } });
    assert.notEqual(updated.metadata?.resourceVersion, read.metadata?.resourceVersion);
    const stale = await apiError(core.replaceNamespacedConfigMap({ name: "cn1", namespace: "default", body: { ...read, data: { a: "3" } } }));
    assert.equal(stale.code, 409);
    assert.equal(stale.body.reason, "Conflict");
    assert.equal(
      stale.body.message,
      'Operation cannot be fulfilled on configmaps "cn1": the object has been modified; please apply your changes to the latest version and try again',
    );
    await core.deleteNamespacedConfigMap({ name: "cn1", namespace: "default" });
    const gone = await apiError(core.readNamespacedConfigMap({ name: "cn1", namespace: "default" }));
    assert.equal(gone.code, 404);
    assert.equal(gone.body.reason, "NotFound");
  });

  test("list returns a list resourceVersion and honours label selectors", async () => {
    for (const [n, tier] of [["l1", "a"], ["l2", "b"], ["l3", "a"]])
      await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: n, labels: { tier: tier!, suite: "list" } } } });
    const list = await core.listNamespacedConfigMap({ namespace: "default", labelSelector: "suite=list,tier=a" });
    assert.deepEqual(list.items.map((i) => i.metadata?.name).sort(), ["l1", "l3"]);
    assert.ok(Number(list.metadata?.resourceVersion) > 0);
  });

  test("list chunking: limit + continue walk every item exactly once", async () => {
    for (let i = 0; i < 7; i++) await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: `chunk-${i}`, labels: { suite: "chunk" } } } });
    const seen: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({ namespace: "default", labelSelector: "suite=chunk", limit: 3, _continue: cont });
      seen.push(...page.items.map((i) => i.metadata!.name!));
      cont = page.metadata?._continue || undefined;
      pages++;
    } while (cont);
    assert.equal(pages, 3);
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6].map((i) => `chunk-${i}`));
  });

  test("watch from a list RV delivers ADDED, MODIFIED, DELETED in order", async () => {
    const list = await core.listNamespacedConfigMap({ namespace: "default" });
    const events: string[] = [];
    const watch = new k8s.Watch(kc);
    const ctl = await watch.watch(
      "/api/v1/namespaces/default/configmaps",
      { resourceVersion: list.metadata!.resourceVersion, fieldSelector: "metadata.name=w1" },
      (type, obj) => events.push(`${type} ${obj.metadata.name} ${obj.data?.v ?? ""}`),
      () => {},
    );
    await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "w1" }, data: { v: "1" } } });
    await core.patchNamespacedConfigMap({ name: "w1", namespace: "default", body: { data: { v: "2" } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ name: "w1", namespace: "default" });
    await eventually(() => events.length >= 3);
    ctl.abort();
    assert.deepEqual(events, ["ADDED w1 1", "MODIFIED w1 2", "DELETED w1 2"]);
  });

  test("watch from an RV older than the retained history gets an ERROR 410 Expired", async () => {
    const small = await startTestCluster({ watchHistorySize: 4 });
    try {
      const skc = small.kubeConfig();
      const score = skc.makeApiClient(k8s.CoreV1Api);
      const start = (await score.listNamespacedConfigMap({ namespace: "default" })).metadata!.resourceVersion!;
      for (let i = 0; i < 10; i++) await score.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: `h${i}` } } });
      const got: Array<{ type: string; obj: { code?: number; reason?: string } }> = [];
      const ctl = await new k8s.Watch(skc).watch("/api/v1/namespaces/default/configmaps", { resourceVersion: start }, (type, obj) => got.push({ type, obj }), () => {});
      await eventually(() => got.length > 0);
      ctl.abort();
      assert.equal(got[0]!.type, "ERROR");
      assert.equal(got[0]!.obj.code, 410);
      assert.equal(got[0]!.obj.reason, "Expired");
    } finally {
      await small.stop();
    }
  });

  test("informer (makeInformer) sees add, update and delete", async () => {
    const seen: string[] = [];
    const informer = k8s.makeInformer(kc, "/api/v1/namespaces/inf/configmaps", () => core.listNamespacedConfigMap({ namespace: "inf" }));
    await core.createNamespace({ body: { metadata: { name: "inf" } } });
    informer.on("add", (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on("update", (o) => seen.push(`update ${o.metadata?.name} ${o.data?.x}`));
    informer.on("delete", (o) => seen.push(`delete ${o.metadata?.name}`));
    await informer.start();
    await core.createNamespacedConfigMap({ namespace: "inf", body: { metadata: { name: "i1" }, data: { x: "1" } } });
    await eventually(() => seen.includes("add i1"));
    await core.replaceNamespacedConfigMap({ name: "i1", namespace: "inf", body: { metadata: { name: "i1" }, data: { x: "2" } } });
    await eventually(() => seen.includes("update i1 2"));
    // a dropped watch is resumed from the last RV without losing events
    c.server.dropWatches();
    await core.deleteNamespacedConfigMap({ name: "i1", namespace: "inf" });
    await eventually(() => seen.includes("delete i1"));
    await informer.stop();
    assert.deepEqual(seen, ["add i1", "update i1 2", "delete i1"]);
  });

  test("server-side apply through KubernetesObjectApi: create (201), ownership, conflict (409), force", async () => {
    const api = k8s.KubernetesObjectApi.makeApiClient(kc);
    const spec = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa1", namespace: "default" }, data: { owner: "a", shared: "x" } };
    const created = (await api.patch(spec, undefined, undefined, "manager-a", false, k8s.PatchStrategy.ServerSideApply)) as k8s.V1ConfigMap;
    assert.equal(created.metadata?.managedFields?.[0]?.manager, "manager-a");
    assert.equal(created.metadata?.managedFields?.[0]?.operation, "Apply");
    const conflict = await apiError(
      api.patch({ ...spec, data: { shared: "y" } }, undefined, undefined, "manager-b", false, k8s.PatchStrategy.ServerSideApply),
    );
    assert.equal(conflict.code, 409);
    const causes = (conflict.body.details as { causes: Array<{ type: string; field: string }> }).causes;
    assert.deepEqual(causes.map((x) => [x.type, x.field]), [["FieldManagerConflict", ".data.shared"]]);
    const forced = (await api.patch({ ...spec, data: { shared: "y" } }, undefined, undefined, "manager-b", true, k8s.PatchStrategy.ServerSideApply)) as k8s.V1ConfigMap;
    assert.deepEqual(forced.data, { owner: "a", shared: "y" });
    // manager-a stops applying "owner": the field it alone owned is removed
    const shrunk = (await api.patch({ ...spec, data: {} }, undefined, undefined, "manager-a", false, k8s.PatchStrategy.ServerSideApply)) as k8s.V1ConfigMap;
    assert.deepEqual(shrunk.data, { shared: "y" });
  });

  test("apply without fieldManager is 422; strategic merge (the default patch) works on built-ins", async () => {
    const api = k8s.KubernetesObjectApi.makeApiClient(kc);
    await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "smp1" }, data: { a: "1" } } });
    const patched = (await api.patch({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "smp1", namespace: "default" }, data: { b: "2" } })) as k8s.V1ConfigMap;
    assert.deepEqual(patched.data, { a: "1", b: "2" });
    const noManager = await apiError(
      api.patch({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "smp1", namespace: "default" } }, undefined, undefined, undefined, undefined, k8s.PatchStrategy.ServerSideApply),
    );
    assert.equal(noManager.code, 422);
  });
});
