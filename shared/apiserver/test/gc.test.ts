/**
 * The garbage collector, driven by the real kubectl: `kubectl delete --cascade=background|foreground|orphan`
 * over ConfigMaps (and a cluster-scoped owner) linked by ownerReferences, the namespace rules for owners,
 * and the sweep over state loaded from a state directory.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { eventually, startTestCluster, type TestCluster } from "./harness.js";
import type { KubeObject } from "../src/index.js";

let c: TestCluster;
before(async () => {
  c = await startTestCluster();
});
after(async () => {
  await c.stop();
});

type Ref = { apiVersion: string; kind: string; name: string; uid: string; blockOwnerDeletion?: boolean; controller?: boolean };

async function create(obj: object, namespace = "default"): Promise<KubeObject> {
  return JSON.parse(await c.kubectlOk(["create", "-n", namespace, "-o", "json", "-f", "-"], { input: JSON.stringify(obj) }));
}

const ref = (owner: KubeObject, extra: Partial<Ref> = {}): Ref => ({
  apiVersion: String(owner.apiVersion),
  kind: String(owner.kind),
  name: owner.metadata!.name!,
  uid: owner.metadata!.uid!,
  ...extra,
});

function cm(name: string, owners: Ref[] = [], finalizers?: string[]): object {
  const metadata: Record<string, unknown> = { name };
  if (owners.length) metadata.ownerReferences = owners;
  if (finalizers) metadata.finalizers = finalizers;
  return { apiVersion: "v1", kind: "ConfigMap", metadata, data: { k: name } };
}

async function getJson(kind: string, name: string, namespace = "default"): Promise<KubeObject | undefined> {
  const r = await c.kubectl(["get", kind, name, "-n", namespace, "-o", "json", "--ignore-not-found"]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
}

async function waitDeleted(kind: string, name: string, namespace = "default"): Promise<void> {
  await c.kubectlOk(["wait", "--for=delete", `${kind}/${name}`, "-n", namespace, "--timeout=10s"]);
}

/**
 * The collector works through its queue in order, so once a dependent created after `names` is collected,
 * those were looked at too. Used before asserting that something was NOT collected.
 */
async function barrier(namespace = "default"): Promise<void> {
  const name = `barrier-${Math.random().toString(36).slice(2, 8)}`;
  await create(cm(name, [{ apiVersion: "v1", kind: "ConfigMap", name: "never-existed", uid: "00000000-0000-0000-0000-000000000000" }]), namespace);
  await waitDeleted("configmap", name, namespace);
}

describe("garbage collection", () => {
  test("background (kubectl's default): the owner goes at once, its dependents after it", async () => {
    const owner = await create(cm("bg-owner"));
    const other = await create(cm("bg-other"));
    await create(cm("bg-dep1", [ref(owner)]));
    await create(cm("bg-dep2", [ref(owner, { controller: true, blockOwnerDeletion: true })]));
    await create(cm("bg-shared", [ref(owner), ref(other)]));
    const out = await c.kubectlOk(["delete", "configmap", "bg-owner", "--cascade=background"]);
    assert.equal(out.trim(), 'configmap "bg-owner" deleted');
    await waitDeleted("configmap", "bg-dep1");
    await waitDeleted("configmap", "bg-dep2");
    // A dependent with another live owner survives, and loses the reference to the owner that went.
    const shared = await eventually(async () => {
      const o = await getJson("configmap", "bg-shared");
      return o && o.metadata!.ownerReferences!.length === 1 ? o : undefined;
    });
    assert.deepEqual(
      shared!.metadata!.ownerReferences!.map((r) => r.name),
      ["bg-other"],
    );
  });

  test("foreground: the owner waits, with the foregroundDeletion finalizer, for dependents that block it", async () => {
    const owner = await create(cm("fg-owner"));
    await create(cm("fg-held", [ref(owner, { blockOwnerDeletion: true })], ["example.com/hold"]));
    await create(cm("fg-free", [ref(owner, { blockOwnerDeletion: false })]));
    await c.kubectlOk(["delete", "configmap", "fg-owner", "--cascade=foreground", "--wait=false"]);

    // Every dependent is deleted; the held one stays (its finalizer), and keeps the owner.
    await waitDeleted("configmap", "fg-free");
    const held = await eventually(async () => {
      const o = await getJson("configmap", "fg-held");
      return o?.metadata?.deletionTimestamp ? o : undefined;
    });
    assert.deepEqual(held!.metadata!.finalizers, ["example.com/hold"]);
    const waiting = await getJson("configmap", "fg-owner");
    assert.ok(waiting?.metadata?.deletionTimestamp, "the owner is being deleted");
    assert.deepEqual(waiting!.metadata!.finalizers, ["foregroundDeletion"]);

    await c.kubectlOk(["patch", "configmap", "fg-held", "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]']);
    await waitDeleted("configmap", "fg-held");
    await waitDeleted("configmap", "fg-owner");
  });

  test("foreground: a dependent that is an owner itself is deleted in the foreground, so the cascade runs bottom-up", async () => {
    const top = await create(cm("chain-top"));
    const middle = await create(cm("chain-middle", [ref(top, { blockOwnerDeletion: true })]));
    await create(cm("chain-leaf", [ref(middle, { blockOwnerDeletion: true })], ["example.com/hold"]));
    await c.kubectlOk(["delete", "configmap", "chain-top", "--cascade=foreground", "--wait=false"]);

    const mid = await eventually(async () => {
      const o = await getJson("configmap", "chain-middle");
      return o?.metadata?.deletionTimestamp ? o : undefined;
    });
    assert.deepEqual(mid!.metadata!.finalizers, ["foregroundDeletion"]);
    assert.ok((await getJson("configmap", "chain-top"))?.metadata?.deletionTimestamp);

    await c.kubectlOk(["patch", "configmap", "chain-leaf", "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
    await waitDeleted("configmap", "chain-leaf");
    await waitDeleted("configmap", "chain-middle");
    await waitDeleted("configmap", "chain-top");
  });

  test("kubectl delete --cascade=foreground returns once the owner and its dependents are gone", async () => {
    const owner = await create(cm("fgw-owner"));
    await create(cm("fgw-dep", [ref(owner, { blockOwnerDeletion: true })]));
    const out = await c.kubectlOk(["delete", "configmap", "fgw-owner", "--cascade=foreground"]);
    assert.equal(out.trim(), 'configmap "fgw-owner" deleted');
    assert.equal(await getJson("configmap", "fgw-owner"), undefined);
    assert.equal(await getJson("configmap", "fgw-dep"), undefined);
  });

  test("orphan: the owner goes, its dependents stay without the reference to it", async () => {
    const owner = await create(cm("or-owner"));
    const other = await create(cm("or-other"));
    await create(cm("or-dep", [ref(owner, { controller: true, blockOwnerDeletion: true })]));
    await create(cm("or-two", [ref(owner), ref(other)]));
    await c.kubectlOk(["delete", "configmap", "or-owner", "--cascade=orphan"]);
    assert.equal(await getJson("configmap", "or-owner"), undefined);
    const dep = await getJson("configmap", "or-dep");
    assert.ok(dep, "the dependent survives");
    assert.equal(dep.metadata!.ownerReferences, undefined);
    const two = await getJson("configmap", "or-two");
    assert.deepEqual(
      two!.metadata!.ownerReferences!.map((r) => r.name),
      ["or-other"],
    );
    await barrier();
    assert.ok(await getJson("configmap", "or-dep"), "an orphaned dependent is not collected later either");
  });

  test("a cluster-scoped owner of namespaced dependents", async () => {
    const role = await create({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "gc-owner-role" }, rules: [] });
    await c.kubectlOk(["create", "namespace", "gc-other"]);
    await create(cm("role-dep", [ref(role)]));
    await create(cm("role-dep", [ref(role)]), "gc-other");
    await c.kubectlOk(["delete", "clusterrole", "gc-owner-role"]);
    await waitDeleted("configmap", "role-dep");
    await waitDeleted("configmap", "role-dep", "gc-other");
  });

  test("a namespaced owner is looked up in the dependent's namespace only", async () => {
    await c.kubectlOk(["create", "namespace", "gc-elsewhere"]);
    const owner = await create(cm("ns-owner"), "gc-elsewhere");
    await create(cm("same-ns-dep", [ref(owner)]), "gc-elsewhere");
    // The same owner named from another namespace is absent there: the dependent is garbage.
    await create(cm("cross-ns-dep", [ref(owner)]));
    await waitDeleted("configmap", "cross-ns-dep");
    await barrier("gc-elsewhere");
    assert.ok(await getJson("configmap", "same-ns-dep", "gc-elsewhere"));
  });

  test("an owner recreated under the same name is a different owner (uids are compared)", async () => {
    const first = await create(cm("reborn"));
    await create(cm("reborn-dep", [ref(first)]));
    await c.kubectlOk(["delete", "configmap", "reborn", "--cascade=orphan"]);
    // orphaning removed the reference; point a new dependent at the old uid while the name is taken again
    await create(cm("reborn"));
    await create(cm("reborn-dep2", [ref(first)]));
    await waitDeleted("configmap", "reborn-dep2");
    assert.ok(await getJson("configmap", "reborn"));
  });

  test("a cluster-scoped dependent naming a namespaced owner kind is never collected", async () => {
    await create({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "gc-unresolvable", ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "nope", uid: "11111111-1111-1111-1111-111111111111" }] },
      rules: [],
    });
    await barrier();
    assert.ok(await getJson("clusterrole", "gc-unresolvable"));
  });

  test("objects created with references to owners that never existed are collected", async () => {
    await create(cm("dangling", [{ apiVersion: "v1", kind: "ConfigMap", name: "ghost", uid: "22222222-2222-2222-2222-222222222222" }]));
    await waitDeleted("configmap", "dangling");
  });
});

describe("garbage collection of restored state", () => {
  test("dependents whose owner is missing from a state directory are collected at startup", async () => {
    const dir = await mkdtemp("/dev/shm/flotilla-gc-state-");
    try {
      const first = await startTestCluster({ stateDir: dir, persistDebounceMs: 10 });
      const mk = async (obj: object) => JSON.parse(await first.kubectlOk(["create", "-o", "json", "-f", "-"], { input: JSON.stringify(obj) })) as KubeObject;
      const owner = await mk(cm("restored-owner"));
      const keep = await mk(cm("restored-keep"));
      await mk(cm("restored-dep", [ref(owner)]));
      await mk(cm("restored-kept-dep", [ref(keep)]));
      await first.server.flush();
      await first.stop();

      // The owner disappears from the state file while no server runs.
      const file = join(dir, "apiserver-state.json");
      const state = JSON.parse(await readFile(file, "utf8")) as { buckets: Record<string, KubeObject[]> };
      state.buckets["/configmaps"] = state.buckets["/configmaps"]!.filter((o) => o.metadata?.name !== "restored-owner");
      await writeFile(file, JSON.stringify(state));

      const second = await startTestCluster({ stateDir: dir });
      try {
        await second.kubectlOk(["wait", "--for=delete", "configmap/restored-dep", "--timeout=10s"]);
        const kept = await second.kubectl(["get", "configmap", "restored-kept-dep", "-o", "name"]);
        assert.equal(kept.stdout.trim(), "configmap/restored-kept-dep");
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
