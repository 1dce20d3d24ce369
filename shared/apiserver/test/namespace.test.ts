/**
 * The namespace controller, driven by the real kubectl: deleting a Namespace removes everything in it,
 * custom resources included; content held by finalizers keeps it Terminating (with upstream's status
 * conditions) until the finalizers are removed; a namespace restored Terminating from state is finished.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import YAML from "yaml";
import { eventually, startTestCluster, type TestCluster } from "./harness.js";
import type { KubeObject } from "../src/index.js";

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ simulateWorkloads: true });
  await c.kubectlOk(["apply", "-f", "-"], { input: JSON.stringify(widgetCrd) });
  await c.kubectlOk(["wait", "--for=condition=established", "crd/widgets.example.com", "--timeout=10s"]);
});
after(async () => {
  await c.stop();
});

const widgetCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer" } } } } } },
      },
    ],
  },
};

const deployment = (name: string) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } },
  },
});

/** Several objects for one `kubectl apply -f -`, as a multi-document YAML stream. */
const list = (...items: object[]) => items.map((o) => YAML.stringify(o)).join("---\n");

async function namespaceJson(name: string): Promise<KubeObject | undefined> {
  const r = await c.kubectl(["get", "namespace", name, "-o", "json", "--ignore-not-found"]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
}

describe("namespace deletion", () => {
  test("kubectl delete namespace --wait removes ConfigMaps, Deployments (with their ReplicaSets and Pods) and custom resources", async () => {
    await c.kubectlOk(["create", "namespace", "doomed"]);
    await c.kubectlOk(["apply", "-n", "doomed", "-f", "-"], {
      input: list(
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { a: "1" } },
        { apiVersion: "v1", kind: "Secret", metadata: { name: "token" }, stringData: { t: "x" } },
        deployment("web"),
        { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1" }, spec: { size: 1 } },
        { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w2" }, spec: { size: 2 } },
      ),
    });
    await c.kubectlOk(["rollout", "status", "-n", "doomed", "deployment/web", "--timeout=20s"]);
    const before = await c.kubectlOk(["get", "pods,replicasets", "-n", "doomed", "-o", "name"]);
    assert.equal(before.trim().split("\n").length, 3, before);

    const out = await c.kubectlOk(["delete", "namespace", "doomed", "--wait", "--timeout=20s"]);
    assert.equal(out.trim(), 'namespace "doomed" deleted');
    assert.equal(await namespaceJson("doomed"), undefined);
    for (const kind of ["configmaps", "secrets", "deployments", "replicasets", "pods", "widgets"]) {
      const r = await c.kubectlOk(["get", kind, "-n", "doomed", "-o", "name"]);
      assert.equal(r.trim(), "", `${kind} left in the deleted namespace`);
    }
    // Other namespaces are untouched.
    assert.match(await c.kubectlOk(["get", "namespace", "default", "-o", "name"]), /namespace\/default/);
  });

  test("an object with a finalizer keeps the namespace Terminating until the finalizer is removed", async () => {
    await c.kubectlOk(["create", "namespace", "held"]);
    await c.kubectlOk(["apply", "-n", "held", "-f", "-"], {
      input: list(
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "free" } },
        { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "stuck", finalizers: ["example.com/cleanup"] }, spec: { size: 3 } },
      ),
    });
    await c.kubectlOk(["delete", "namespace", "held", "--wait=false"]);

    const ns = await eventually(async () => {
      const o = await namespaceJson("held");
      const conds = (o?.status as { conditions?: Array<Record<string, string>> } | undefined)?.conditions ?? [];
      return conds.find((x) => x.type === "NamespaceFinalizersRemaining" && x.status === "True") ? o : undefined;
    });
    assert.equal((ns!.status as { phase: string }).phase, "Terminating");
    assert.deepEqual((ns!.spec as { finalizers: string[] }).finalizers, ["kubernetes"]);
    const conds = new Map(((ns!.status as { conditions: Array<Record<string, string>> }).conditions ?? []).map((x) => [x.type, x]));
    assert.deepEqual(
      [...conds.keys()],
      ["NamespaceDeletionDiscoveryFailure", "NamespaceDeletionGroupVersionParsingFailure", "NamespaceDeletionContentFailure", "NamespaceContentRemaining", "NamespaceFinalizersRemaining"],
    );
    assert.equal(conds.get("NamespaceContentRemaining")!.reason, "SomeResourcesRemain");
    assert.equal(conds.get("NamespaceContentRemaining")!.message, "Some resources are remaining: widgets.example.com has 1 resource instances");
    assert.equal(conds.get("NamespaceFinalizersRemaining")!.message, "Some content in the namespace has finalizers remaining: example.com/cleanup in 1 resource instances");
    assert.equal(conds.get("NamespaceDeletionContentFailure")!.status, "False");
    assert.equal(conds.get("NamespaceDeletionContentFailure")!.reason, "ContentDeleted");

    // Everything without a finalizer went; the widget is being deleted; nothing new may be created.
    assert.equal((await c.kubectlOk(["get", "configmaps", "-n", "held", "-o", "name"])).trim(), "");
    const widget = JSON.parse(await c.kubectlOk(["get", "widget", "stuck", "-n", "held", "-o", "json"])) as KubeObject;
    assert.ok(widget.metadata!.deletionTimestamp);
    const refused = await c.kubectl(["create", "configmap", "late", "-n", "held"]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /forbidden: unable to create new content in namespace held because it is being terminated/);

    await c.kubectlOk(["patch", "widget", "stuck", "-n", "held", "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
    await c.kubectlOk(["wait", "--for=delete", "namespace/held", "--timeout=10s"]);
  });

  test("kubectl get namespace shows Terminating while content remains", async () => {
    await c.kubectlOk(["create", "namespace", "slow"]);
    await c.kubectlOk(["create", "-n", "slow", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "pin", finalizers: ["example.com/pin"] } }) });
    await c.kubectlOk(["delete", "namespace", "slow", "--wait=false"]);
    const out = await c.kubectlOk(["get", "namespace", "slow"]);
    assert.match(out, /^slow\s+Terminating\s+/m);
    await c.kubectlOk(["patch", "configmap", "pin", "-n", "slow", "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]']);
    await c.kubectlOk(["wait", "--for=delete", "namespace/slow", "--timeout=10s"]);
  });
});

describe("namespace deletion of restored state", () => {
  test("a namespace restored Terminating is emptied and removed at startup", async () => {
    const dir = await mkdtemp("/dev/shm/flotilla-ns-state-");
    try {
      const first = await startTestCluster({ stateDir: dir, persistDebounceMs: 10 });
      await first.kubectlOk(["create", "namespace", "halfway"]);
      await first.kubectlOk(["create", "-n", "halfway", "-f", "-"], {
        input: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "pin", finalizers: ["example.com/pin"] } }),
      });
      await first.kubectlOk(["delete", "namespace", "halfway", "--wait=false"]);
      await eventually(async () => (await first.kubectlOk(["get", "namespace", "halfway", "-o", "jsonpath={.status.phase}"])) === "Terminating");
      await first.server.flush();
      await first.stop();

      // The finalizer is released while no server runs (as if its controller finished offline).
      const file = join(dir, "apiserver-state.json");
      const state = JSON.parse(await readFile(file, "utf8")) as { buckets: Record<string, KubeObject[]> };
      for (const o of state.buckets["/configmaps"] ?? []) if (o.metadata?.name === "pin") delete o.metadata.finalizers;
      await writeFile(file, JSON.stringify(state));

      const second = await startTestCluster({ stateDir: dir });
      try {
        await second.kubectlOk(["wait", "--for=delete", "namespace/halfway", "--timeout=10s"]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
