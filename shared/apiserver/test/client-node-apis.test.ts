/**
 * Acceptance: more of @kubernetes/client-node 1.4.0's surface against the embedded server — version and health
 * probes, discovery-driven KubernetesObjectApi on a freshly created CRD, CustomObjectsApi with its status
 * subresource, typed scale subresource, deletes that return Status or the object, chunked lists, watch bookmarks,
 * and the two views of Events (core/v1 and events.k8s.io/v1).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { eventually, startTestCluster, type TestCluster } from "./harness.js";
import { freshNamespace, widgetCRD } from "./acceptance-helpers.js";

let c: TestCluster;
let kc: k8s.KubeConfig;
before(async () => {
  c = await startTestCluster({ bookmarkIntervalMs: 200 });
  kc = c.kubeConfig();
});
after(async () => {
  await c.stop();
});

const GROUP = "apis.flotilla.dev";

describe("@kubernetes/client-node 1.4.0 API surface", { concurrency: 4 }, () => {
  test("VersionApi and Health", async () => {
    const v = await kc.makeApiClient(k8s.VersionApi).getCode();
    assert.equal(v.major, "1");
    assert.equal(v.minor, "32");
    assert.match(v.gitVersion, /^v1\.32\.\d+/);
    const health = new k8s.Health(kc);
    assert.equal(await health.readyz({}), true);
    assert.equal(await health.livez({}), true);
  });

  test("a CRD created through ApiextensionsV1Api is usable at once through KubernetesObjectApi and CustomObjectsApi", async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    const crd = JSON.parse(widgetCRD(GROUP)) as k8s.V1CustomResourceDefinition;
    await ext.createCustomResourceDefinition({ body: crd });
    await eventually(async () => {
      const got = await ext.readCustomResourceDefinition({ name: `widgets.${GROUP}` });
      return got.status?.conditions?.some((x) => x.type === "Established" && x.status === "True");
    });
    const ns = await freshNamespace(c, "crd");
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const created = await objects.create({ apiVersion: `${GROUP}/v1`, kind: "Widget", metadata: { name: "w", namespace: ns }, spec: { size: 1 } } as k8s.KubernetesObject);
    assert.equal(created.metadata!.generation, 1);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const got = (await custom.getNamespacedCustomObject({ group: GROUP, version: "v1", namespace: ns, plural: "widgets", name: "w" })) as { spec: { size: number }; metadata: { resourceVersion: string } };
    assert.equal(got.spec.size, 1);
    const withStatus = (await custom.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: "v1", namespace: ns, plural: "widgets", name: "w", body: { status: { observedGeneration: 1, conditions: [{ type: "Ready", status: "True" }] }, spec: { size: 99 } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    )) as { spec: { size: number }; status: { observedGeneration: number } };
    assert.equal(withStatus.status.observedGeneration, 1);
    assert.equal(withStatus.spec.size, 1, "the status subresource ignores spec");
    const list = (await custom.listNamespacedCustomObject({ group: GROUP, version: "v1", namespace: ns, plural: "widgets" })) as { kind: string; items: unknown[] };
    assert.equal(list.kind, "WidgetList");
    assert.equal(list.items.length, 1);
  });

  test("typed scale subresource and deletes that return a Status or the terminating object", async () => {
    const ns = await freshNamespace(c, "scale");
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: { metadata: { name: "d" }, spec: { replicas: 1, selector: { matchLabels: { a: "d" } }, template: { metadata: { labels: { a: "d" } }, spec: { containers: [{ name: "c", image: "i" }] } } } },
    });
    const scale = await apps.readNamespacedDeploymentScale({ namespace: ns, name: "d" });
    assert.equal(scale.spec!.replicas, 1);
    assert.equal(scale.status!.selector, "a=d");
    const patched = await apps.patchNamespacedDeploymentScale({ namespace: ns, name: "d", body: { spec: { replicas: 4 } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
    assert.equal(patched.spec!.replicas, 4);
    assert.equal((await apps.readNamespacedDeployment({ namespace: ns, name: "d" })).spec!.replicas, 4);

    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "plain" } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "held", finalizers: ["example.com/hold"] } } });
    const status = await core.deleteNamespacedConfigMap({ namespace: ns, name: "plain" });
    assert.equal((status as k8s.V1Status).status, "Success");
    // The typed client deserializes either shape as V1Status (keeping kind); an object kept by a finalizer comes back
    // as itself, not as a Status.
    const held = await core.deleteNamespacedConfigMap({ namespace: ns, name: "held" });
    assert.equal(held.kind, "ConfigMap");
    assert.ok((await core.readNamespacedConfigMap({ namespace: ns, name: "held" })).metadata!.deletionTimestamp);
    const pre = await core.deleteNamespacedConfigMap({ namespace: ns, name: "held", body: { preconditions: { uid: "00000000-0000-0000-0000-000000000000" } } }).then(
      () => undefined,
      (e: { code: number }) => e.code,
    );
    assert.equal(pre, 409);
  });

  test("chunked list: limit and continue visit every item once", async () => {
    const ns = await freshNamespace(c, "chunks");
    const core = kc.makeApiClient(k8s.CoreV1Api);
    for (let i = 0; i < 7; i++) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `c${i}` } } });
    const seen: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({ namespace: ns, limit: 3, _continue: cont });
      pages++;
      seen.push(...page.items.map((i) => i.metadata!.name!));
      cont = page.metadata!._continue || undefined;
      if (cont) assert.equal(page.metadata!.remainingItemCount, 7 - seen.length);
    } while (cont);
    assert.equal(pages, 3);
    assert.deepEqual(seen.sort(), ["c0", "c1", "c2", "c3", "c4", "c5", "c6"]);
  });

  test("watch with allowWatchBookmarks receives BOOKMARK events carrying a resourceVersion", async () => {
    const ns = await freshNamespace(c, "bookmarks");
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    const events: Array<[string, string | undefined]> = [];
    const req = await new k8s.Watch(kc).watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: list.metadata!.resourceVersion, allowWatchBookmarks: true },
      (type, obj) => events.push([type, obj.metadata?.resourceVersion]),
      () => {},
    );
    try {
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "b" } } });
      // A bookmark that follows the ADDED event must not go back before it.
      const bookmarkAfterAdded = () => {
        const i = events.findIndex(([t]) => t === "ADDED");
        return i >= 0 && events.slice(i + 1).some(([t]) => t === "BOOKMARK");
      };
      await eventually(bookmarkAfterAdded, 10_000);
      const i = events.findIndex(([t]) => t === "ADDED");
      const added = Number(events[i]![1]);
      const marks = events.filter(([t]) => t === "BOOKMARK").map(([, rv]) => Number(rv));
      assert.ok(marks.every((rv) => Number.isInteger(rv) && rv > 0));
      const after = events.slice(i + 1).filter(([t]) => t === "BOOKMARK").map(([, rv]) => Number(rv));
      assert.ok(after.every((rv) => rv >= added), `bookmarks after ADDED@${added}: ${after.join(",")}`);
    } finally {
      req.abort();
    }
  });

  test("core/v1 Events and events.k8s.io/v1 Events are two views of the same objects", async () => {
    const ns = await freshNamespace(c, "events");
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const now = new Date();
    await core.createNamespacedEvent({
      namespace: ns,
      body: {
        metadata: { name: "e1" },
        involvedObject: { kind: "ConfigMap", name: "cfg", namespace: ns, apiVersion: "v1" },
        reason: "Synced",
        message: "done",
        type: "Normal",
        count: 2,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: "tester" },
      },
    });
    const ev = kc.makeApiClient(k8s.EventsV1Api);
    const viaNew = await ev.readNamespacedEvent({ namespace: ns, name: "e1" });
    assert.equal(viaNew.regarding!.name, "cfg");
    assert.equal(viaNew.note, "done");
    assert.equal(viaNew.reason, "Synced");
    assert.equal(viaNew.deprecatedCount, 2);
    assert.equal(viaNew.deprecatedSource!.component, "tester");

    await ev.createNamespacedEvent({
      namespace: ns,
      body: {
        metadata: { name: "e2" },
        eventTime: new k8s.V1MicroTime(now.getTime()),
        regarding: { kind: "ConfigMap", name: "cfg", namespace: ns, apiVersion: "v1" },
        reason: "Failed",
        note: "boom",
        type: "Warning",
        action: "Reconcile",
        reportingController: "example.com/ctrl",
        reportingInstance: "ctrl-1",
      },
    });
    const viaOld = await core.readNamespacedEvent({ namespace: ns, name: "e2" });
    assert.equal(viaOld.involvedObject.name, "cfg");
    assert.equal(viaOld.message, "boom");
    assert.equal(viaOld.reportingComponent, "example.com/ctrl");
    const selected = await core.listNamespacedEvent({ namespace: ns, fieldSelector: "type=Warning,involvedObject.name=cfg" });
    assert.deepEqual(selected.items.map((i) => i.metadata!.name), ["e2"]);
  });
});
