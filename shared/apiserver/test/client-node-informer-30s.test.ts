/**
 * Acceptance: a @kubernetes/client-node 1.4.0 informer kept running across the 30 s mark of its watch request, with
 * writes landing just before and just after it. client-node's Watch (dist/watch.js) builds
 * `AbortSignal.any([controller.signal, AbortSignal.timeout(30000)])` but then overwrites `requestInit.signal` with
 * `controller.signal`, so in 1.4.0 the 30 s abort never fires and one watch request spans the mark. The server must
 * keep that stream open (kube-apiserver holds watches 30-60 min) and deliver each write exactly once, in order, so the
 * informer's cache ends equal to the server's state.
 *
 * This test necessarily takes ~35 s; it is the only one of its kind and sits in its own file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { eventually, startTestCluster } from "./harness.js";
import { freshNamespace } from "./acceptance-helpers.js";

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

test("an informer spanning client-node's 30 s watch timeout misses nothing and repeats nothing", { timeout: 90_000 }, async (t) => {
  const c = await startTestCluster();
  try {
    const ns = await freshNamespace(c, "span");
    const kc = c.kubeConfig();
    const api = kc.makeApiClient(k8s.CoreV1Api);
    await api.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "counter" }, data: { n: "0" } } });

    const seen: Array<[string, string, string]> = [];
    let lists = 0;
    let connects = 0;
    const errors: unknown[] = [];
    const inf = k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/configmaps`, () => {
      lists++;
      return api.listNamespacedConfigMap({ namespace: ns });
    });
    for (const verb of ["add", "update", "delete"] as const) inf.on(verb, (o) => seen.push([verb, o.metadata!.name!, `${o.data?.n}@${o.metadata!.resourceVersion}`]));
    inf.on("connect", () => connects++);
    inf.on("error", (e) => errors.push(e));

    await inf.start();
    // The watch request goes out right after the initial list; the 30 s clock starts about now.
    const watchStart = Date.now();
    await eventually(() => seen.length === 1 && c.server.openWatches() === 1);

    // Writes over HTTP (as another client would make them) around the 30 s mark, and a few in-process ones
    // landing in the same millisecond as the mark.
    const expected: Array<[string, string, string]> = [["add", "counter", ""]];
    const record = (verb: string, name: string, o: k8s.V1ConfigMap) => expected.push([verb, name, `${o.data?.n}@${o.metadata!.resourceVersion}`]);
    let n = 0;
    const bump = async () => {
      n++;
      const o = await api.patchNamespacedConfigMap(
        { namespace: ns, name: "counter", body: { data: { n: String(n) } } },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
      );
      record("update", "counter", o);
    };
    for (const at of [1_000, 28_500, 29_500, 29_900]) {
      await sleepUntil(watchStart + at);
      await bump();
    }
    await sleepUntil(watchStart + 30_000);
    const made = c.server.client.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "at-the-mark", namespace: ns }, data: { n: "x" } });
    expected.push(["add", "at-the-mark", `x@${made.metadata!.resourceVersion}`]);
    for (const at of [30_050, 30_300, 31_000]) {
      await sleepUntil(watchStart + at);
      await bump();
    }
    await sleepUntil(watchStart + 31_500);
    await api.deleteNamespacedConfigMap({ namespace: ns, name: "at-the-mark" });
    expected.push(["delete", "at-the-mark", "x@"]);
    await sleepUntil(watchStart + 33_000);
    await bump();

    await eventually(() => seen.length >= expected.length, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    t.diagnostic(`watch connects: ${connects}, lists: ${lists}, events: ${seen.length}`);

    // The first add comes from the list (its RV is known only then); deletes carry the deletion RV, so compare the
    // fields a write determines.
    expected[0]![2] = seen[0]![2];
    const normalize = (e: [string, string, string]) => (e[0] === "delete" ? [e[0], e[1], e[2].split("@")[0]] : e);
    assert.deepEqual(seen.map(normalize), expected.map(normalize));
    assert.equal(new Set(seen.map((e) => e.join("|"))).size, seen.length, "no event processed twice");
    const server = (await api.listNamespacedConfigMap({ namespace: ns })).items.map((o) => `${o.metadata!.name}=${o.data?.n}@${o.metadata!.resourceVersion}`);
    assert.deepEqual(inf.list().map((o) => `${o.metadata!.name}=${o.data?.n}@${o.metadata!.resourceVersion}`), server);
    assert.deepEqual(errors, []);
    assert.equal(connects, 1, "the server kept the one watch open across the mark");
    assert.equal(lists, 1);
    await inf.stop();
  } finally {
    await c.stop();
  }
});
