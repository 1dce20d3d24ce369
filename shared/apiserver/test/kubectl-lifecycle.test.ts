/**
 * Acceptance: kubectl commands that follow an object over time — wait (conditions set through the status
 * subresource, jsonpath, delete), rollout status, and deletion with finalizers.
 *
 * rollout status: this server runs without the workload simulator (simulateWorkloads is off by default), so the test
 * plays the Deployment controller itself and writes each rollout stage through the status subresource.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestCluster, type TestCluster } from "./harness.js";
import { configMap, deployment, freshNamespace, installWidgetCRD, widget } from "./acceptance-helpers.js";

let c: TestCluster;
before(async () => {
  c = await startTestCluster();
  await installWidgetCRD(c);
});
after(async () => {
  await c.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves to "pending" if `p` has not settled after `ms`. The first such check after starting a kubectl also gives it
 * time to have made its initial GET and watch, so what the test writes next reaches it as a change.
 */
async function stillPending<T>(p: Promise<T>, ms: number): Promise<T | "pending"> {
  return Promise.race([p, sleep(ms).then(() => "pending" as const)]);
}

async function setStatus(ns: string, resource: string, status: unknown) {
  await c.kubectlOk(["patch", "-n", ns, resource, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status })]);
}

describe("kubectl wait, rollout status and finalizers", { concurrency: 4 }, () => {
  test("wait --for=condition blocks until the status subresource reports the condition", async () => {
    const ns = await freshNamespace(c, "wait");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: widget("w", { size: 1 }) });
    const waiting = c.kubectl(["wait", "-n", ns, "widget/w", "--for=condition=Ready", "--timeout=30s"]);
    assert.equal(await stillPending(waiting, 1500), "pending");
    await setStatus(ns, "widget/w", { conditions: [{ type: "Ready", status: "False", reason: "Progressing" }] });
    assert.equal(await stillPending(waiting, 500), "pending", "Ready=False does not satisfy --for=condition=Ready");
    await setStatus(ns, "widget/w", { observedGeneration: 1, conditions: [{ type: "Ready", status: "True", reason: "Succeeded" }] });
    const r = await waiting;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "widget.acceptance.flotilla.dev/w condition met");

    // Already satisfied: returns at once; a value other than True can be waited for too.
    assert.equal((await c.kubectlOk(["wait", "-n", ns, "widget/w", "--for=condition=Ready=True", "--timeout=5s"])).trim(), "widget.acceptance.flotilla.dev/w condition met");
    assert.equal((await c.kubectlOk(["wait", "-n", ns, "widget/w", "--for=jsonpath={.status.observedGeneration}=1", "--timeout=5s"])).trim(), "widget.acceptance.flotilla.dev/w condition met");
    const timeout = await c.kubectl(["wait", "-n", ns, "widget/w", "--for=condition=Stalled", "--timeout=1s"]);
    assert.equal(timeout.code, 1);
    assert.match(timeout.stderr, /error: timed out waiting for the condition on widgets\/w/);
  });

  test("wait on several objects (-l and --all) returns when the last one is ready, printing one line each", async () => {
    const ns = await freshNamespace(c, "wait-many");
    for (const n of ["a", "b", "c"]) {
      const w = JSON.parse(widget(n, { size: 1 }));
      w.metadata.labels = { batch: n === "c" ? "other" : "one" };
      await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: JSON.stringify(w) });
    }
    const ready = { conditions: [{ type: "Ready", status: "True", reason: "Done" }] };
    const byLabel = c.kubectl(["wait", "-n", ns, "widgets", "-l", "batch=one", "--for=condition=Ready", "--timeout=30s"]);
    const all = c.kubectl(["wait", "-n", ns, "widgets", "--all", "--for=condition=Ready", "--timeout=30s"]);
    await setStatus(ns, "widget/a", ready);
    assert.equal(await stillPending(byLabel, 600), "pending");
    await setStatus(ns, "widget/b", ready);
    const r = await byLabel;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n").sort(), ["widget.acceptance.flotilla.dev/a condition met", "widget.acceptance.flotilla.dev/b condition met"]);
    assert.equal(await stillPending(all, 300), "pending", "--all also waits for c");
    await setStatus(ns, "widget/c", ready);
    const r2 = await all;
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(r2.stdout.trim().split("\n").length, 3);
  });

  test("wait --for=delete returns once a finalizer is released; delete leaves a deletionTimestamp until then", async () => {
    const ns = await freshNamespace(c, "fin");
    const held = JSON.parse(widget("held", { size: 2 }));
    held.metadata.finalizers = ["acceptance.flotilla.dev/hold"];
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: JSON.stringify(held) });
    const gen0 = Number(await c.kubectlOk(["get", "-n", ns, "widget", "held", "-o", "jsonpath={.metadata.generation}"]));

    const deleted = await c.kubectlOk(["delete", "-n", ns, "widget", "held", "--wait=false"]);
    assert.equal(deleted.trim(), 'widget.acceptance.flotilla.dev "held" deleted');
    const terminating = JSON.parse(await c.kubectlOk(["get", "-n", ns, "widget", "held", "-o", "json"]));
    assert.match(terminating.metadata.deletionTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(terminating.metadata.deletionGracePeriodSeconds, 0);
    assert.deepEqual(terminating.metadata.finalizers, ["acceptance.flotilla.dev/hold"]);
    assert.equal(terminating.metadata.generation, gen0 + 1, "setting deletionTimestamp bumps generation");

    const addMore = await c.kubectl(["patch", "-n", ns, "widget", "held", "--type=json", "-p", '[{"op":"add","path":"/metadata/finalizers/-","value":"other.io/x"}]']);
    assert.equal(addMore.code, 1);
    assert.match(
      addMore.stderr,
      /The Widget "held" is invalid: metadata\.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers \[\]string\{"other\.io\/x"\}/,
    );

    const waitGone = c.kubectl(["wait", "-n", ns, "widget/held", "--for=delete", "--timeout=30s"]);
    const deleteWaiting = c.kubectl(["delete", "-n", ns, "widget", "held", "--timeout=30s"]);
    assert.equal(await stillPending(waitGone, 1500), "pending");
    assert.equal(await stillPending(deleteWaiting, 10), "pending", "delete --wait (the default) waits for the finalizer too");
    await c.kubectlOk(["patch", "-n", ns, "widget", "held", "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]']);
    const w = await waitGone;
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stdout.trim(), "widget.acceptance.flotilla.dev/held condition met");
    const d = await deleteWaiting;
    assert.equal(d.code, 0, d.stderr);
    assert.equal((await c.kubectl(["get", "-n", ns, "widget", "held"])).code, 1);
  });

  test("a watch sees the finalizer dance: MODIFIED with deletionTimestamp, then DELETED when released", async () => {
    const ns = await freshNamespace(c, "fin-watch");
    const cm = JSON.parse(configMap("kept", { a: "1" }));
    cm.metadata.finalizers = ["acceptance.flotilla.dev/hold"];
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: JSON.stringify(cm) });
    const w = c.kubectlBackground(["get", "-n", ns, "cm", "kept", "-w", "--output-watch-events", "-o", 'jsonpath={.type} {.object.metadata.deletionTimestamp}{"\\n"}']);
    try {
      await w.waitForLine(/^ADDED $/);
      await c.kubectlOk(["delete", "-n", ns, "cm", "kept", "--wait=false"]);
      await w.waitForLine(/^MODIFIED \d{4}-/);
      const timedOut = await c.kubectl(["delete", "-n", ns, "cm", "kept", "--timeout=1s"]);
      assert.equal(timedOut.code, 1);
      assert.match(timedOut.stderr, /error: timed out waiting for the condition on configmaps\/kept/);
      await c.kubectlOk(["patch", "-n", ns, "cm", "kept", "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
      await w.waitForLine(/^DELETED \d{4}-/);
      assert.equal(w.lines.length, 3, w.lines.join("\n"));
    } finally {
      await w.stop();
    }
  });

  test("rollout status follows a Deployment's status through each stage (status written by the test)", async () => {
    const ns = await freshNamespace(c, "rollout");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: deployment("web", { replicas: 2 }) });
    const rs = c.kubectlBackground(["rollout", "status", "-n", ns, "deployment/web", "--timeout=30s"]);
    try {
      await rs.waitForLine(/^Waiting for deployment spec update to be observed\.\.\.$/);
      await setStatus(ns, "deploy/web", { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 0 });
      await rs.waitForLine(/^Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated\.\.\.$/);
      await setStatus(ns, "deploy/web", { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1, readyReplicas: 1 });
      await rs.waitForLine(/^Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available\.\.\.$/);
      await setStatus(ns, "deploy/web", { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 });
      await rs.waitForLine(/^deployment "web" successfully rolled out$/);
      assert.equal(await rs.exited, 0);
    } finally {
      await rs.stop();
    }
    const get = await c.kubectlOk(["get", "-n", ns, "deploy", "web"]);
    assert.match(get, /\nweb\s+2\/2\s+2\s+2\s+\d+s\n$/);

    // A new template bumps generation; rollout status waits for the controller to observe it again.
    await c.kubectlOk(["patch", "-n", ns, "deploy", "web", "--type=strategic", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"nginx:1.28"}]}}}}']);
    assert.equal(await c.kubectlOk(["get", "-n", ns, "deploy", "web", "-o", "jsonpath={.metadata.generation}"]), "2");
    const again = await c.kubectl(["rollout", "status", "-n", ns, "deployment/web", "--timeout=1s"]);
    assert.equal(again.code, 1);
    assert.match(again.stdout, /Waiting for deployment spec update to be observed\.\.\./);
    assert.match(again.stderr, /error: timed out waiting for the condition/);
    await setStatus(ns, "deploy/web", {
      observedGeneration: 2,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
      conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "timed out" }],
    });
    const failed = await c.kubectl(["rollout", "status", "-n", ns, "deployment/web", "--timeout=5s"]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /error: deployment "web" exceeded its progress deadline/);
  });

  test("the status subresource ignores spec; the main resource ignores status", async () => {
    const ns = await freshNamespace(c, "subres");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: widget("s", { size: 1 }) });
    await c.kubectlOk(["patch", "-n", ns, "widget", "s", "--subresource=status", "--type=merge", "-p", '{"spec":{"size":9},"status":{"observedGeneration":1}}']);
    await c.kubectlOk(["patch", "-n", ns, "widget", "s", "--type=merge", "-p", '{"spec":{"size":2},"status":{"observedGeneration":7}}']);
    const got = JSON.parse(await c.kubectlOk(["get", "-n", ns, "widget", "s", "-o", "json"]));
    assert.equal(got.spec.size, 2);
    assert.equal(got.status.observedGeneration, 1);
    assert.equal(got.metadata.generation, 2);
  });
});
