/**
 * Acceptance: kubectl against the server's in-process controllers — one kubectl-level scenario each for
 * ownerReference garbage collection and namespace deletion (the controllers' own tests cover the rest), and the
 * workload simulator behind `kubectl rollout status`, `set image`, `rollout history` and `scale`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, startTestCluster, type TestCluster } from "./harness.js";
import { configMap, deployment, freshNamespace, installWidgetCRD, names, widget } from "./acceptance-helpers.js";

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ simulateWorkloads: true });
  await installWidgetCRD(c);
});
after(async () => {
  await c.stop();
});

const gone = async (ns: string, what: string) => (await c.kubectl(["get", "-n", ns, what])).code === 1;

describe("kubectl with the garbage collector, namespace controller and workload simulator", { concurrency: 3 }, () => {
  test("ownerReferences: background delete removes dependents, --cascade=orphan strips the reference, foreground waits", async () => {
    const ns = await freshNamespace(c, "gc");
    const ownerRef = async (owner: string) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      name: owner,
      uid: await c.kubectlOk(["get", "-n", ns, "cm", owner, "-o", "jsonpath={.metadata.uid}"]),
      blockOwnerDeletion: true,
    });
    const dependent = async (name: string, owner: string, w = false) => {
      const obj = JSON.parse(w ? widget(name, { size: 1 }) : configMap(name, {}));
      obj.metadata.ownerReferences = [await ownerRef(owner)];
      await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: JSON.stringify(obj) });
    };
    for (const o of ["bg", "orphan", "fg"]) await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap(o, {}) });
    await dependent("bg-dep", "bg", true);
    await dependent("orphan-dep", "orphan");
    await dependent("fg-dep", "fg");

    await c.kubectlOk(["delete", "-n", ns, "cm", "bg"]);
    const waited = await c.kubectl(["wait", "-n", ns, "widget/bg-dep", "--for=delete", "--timeout=20s"]);
    assert.equal(waited.code, 0, waited.stderr);

    await c.kubectlOk(["delete", "-n", ns, "cm", "orphan", "--cascade=orphan"]);
    assert.ok(await gone(ns, "cm/orphan"));
    await eventually(async () => (await c.kubectlOk(["get", "-n", ns, "cm", "orphan-dep", "-o", "jsonpath={.metadata.ownerReferences}"])) === "");

    // Foreground: kubectl's delete returns only once the owner is gone, which needs the dependent gone first.
    const out = await c.kubectlOk(["delete", "-n", ns, "cm", "fg", "--cascade=foreground", "--timeout=20s"]);
    assert.equal(out.trim(), 'configmap "fg" deleted');
    assert.ok(await gone(ns, "cm/fg-dep"));
    assert.deepEqual(names(await c.kubectlOk(["get", "-n", ns, "cm,widgets", "-o", "name"])), ["configmap/orphan-dep"]);
  });

  test("namespace deletion: Terminating while content has finalizers, creation there is Forbidden, then everything goes", async () => {
    const ns = await freshNamespace(c, "nsdel");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap("plain", {}) });
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: deployment("app") });
    const held = JSON.parse(widget("held", { size: 1 }));
    held.metadata.finalizers = ["acceptance.flotilla.dev/hold"];
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: JSON.stringify(held) });

    assert.equal((await c.kubectlOk(["delete", "namespace", ns, "--wait=false"])).trim(), `namespace "${ns}" deleted`);
    await eventually(async () => /Terminating/.test(await c.kubectlOk(["get", "namespace", ns])));
    await eventually(async () => (await c.kubectlOk(["get", "-n", ns, "cm,deploy,widgets", "-o", "name"])).trim() === "widget.acceptance.flotilla.dev/held");
    const late = await c.kubectl(["create", "-n", ns, "-f", "-"], { input: configMap("late", {}) });
    assert.equal(late.code, 1);
    assert.match(late.stderr, new RegExp(`Error from server \\(Forbidden\\): error when creating "STDIN": configmaps "late" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`));
    const status = JSON.parse(await c.kubectlOk(["get", "namespace", ns, "-o", "json"]));
    assert.equal(status.status.phase, "Terminating");
    assert.ok(status.status.conditions.some((x: { type: string; status: string }) => x.type === "NamespaceFinalizersRemaining" && x.status === "True"));

    const waiting = c.kubectl(["wait", "namespace", ns, "--for=delete", "--timeout=20s"]);
    await c.kubectlOk(["patch", "-n", ns, "widget", "held", "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
    const w = await waiting;
    assert.equal(w.code, 0, w.stderr);
    assert.match((await c.kubectl(["get", "namespace", ns])).stderr, new RegExp(`Error from server \\(NotFound\\): namespaces "${ns}" not found`));
  });

  test("workloads: rollout status on create and after set image; history; scale down removes pods", async () => {
    const ns = await freshNamespace(c, "roll");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: deployment("web", { replicas: 3, image: "nginx:1.25" }) });
    const first = await c.kubectl(["rollout", "status", "-n", ns, "deployment/web", "--timeout=30s"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /deployment "web" successfully rolled out\n$/);
    assert.match(await c.kubectlOk(["get", "-n", ns, "deploy", "web"]), /\nweb\s+3\/3\s+3\s+3\s+\d+s\n$/);
    const pods = await c.kubectlOk(["get", "-n", ns, "pods", "-l", "app=web", "--no-headers"]);
    assert.equal(pods.trim().split("\n").filter((l) => /^web-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+/.test(l)).length, 3, pods);

    assert.equal((await c.kubectlOk(["set", "image", "-n", ns, "deployment/web", "main=nginx:1.26"])).trim(), "deployment.apps/web image updated");
    const second = await c.kubectl(["rollout", "status", "-n", ns, "deployment/web", "--timeout=30s"]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /deployment "web" successfully rolled out\n$/);
    const rs = await c.kubectlOk(["get", "-n", ns, "rs", "-l", "app=web", "-o", "custom-columns=IMG:.spec.template.spec.containers[0].image,DESIRED:.spec.replicas,REV:.metadata.annotations.deployment\\.kubernetes\\.io/revision", "--no-headers", "--sort-by=.metadata.annotations.deployment\\.kubernetes\\.io/revision"]);
    assert.deepEqual(rs.trim().split("\n").map((l) => l.trim().split(/\s+/)), [
      ["nginx:1.25", "0", "1"],
      ["nginx:1.26", "3", "2"],
    ]);
    const history = await c.kubectlOk(["rollout", "history", "-n", ns, "deployment/web"]);
    assert.match(history, /^REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/m);
    const rev2 = await c.kubectlOk(["rollout", "history", "-n", ns, "deployment/web", "--revision=2"]);
    assert.match(rev2, /Image:\s+nginx:1\.26/);

    // Undo goes back to revision 1's template: the Deployment controller reuses that ReplicaSet as revision 3.
    assert.equal((await c.kubectlOk(["rollout", "undo", "-n", ns, "deployment/web"])).trim(), "deployment.apps/web rolled back");
    const undone = await c.kubectl(["rollout", "status", "-n", ns, "deployment/web", "--timeout=30s"]);
    assert.equal(undone.code, 0, undone.stderr);
    const afterUndo = await c.kubectlOk(["get", "-n", ns, "rs", "-l", "app=web", "-o", "custom-columns=IMG:.spec.template.spec.containers[0].image,DESIRED:.spec.replicas,REV:.metadata.annotations.deployment\\.kubernetes\\.io/revision", "--no-headers", "--sort-by=.metadata.annotations.deployment\\.kubernetes\\.io/revision"]);
    assert.deepEqual(afterUndo.trim().split("\n").map((l) => l.trim().split(/\s+/)), [
      ["nginx:1.26", "0", "2"],
      ["nginx:1.25", "3", "3"],
    ]);

    await c.kubectlOk(["scale", "-n", ns, "deployment/web", "--replicas=1"]);
    await eventually(async () => (await c.kubectlOk(["get", "-n", ns, "pods", "-l", "app=web", "-o", "name"])).trim().split("\n").length === 1, 20_000);
    const done = await c.kubectl(["rollout", "status", "-n", ns, "deployment/web", "--timeout=30s"]);
    assert.equal(done.code, 0, done.stderr);
  });
});
