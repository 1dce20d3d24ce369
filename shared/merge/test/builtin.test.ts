import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtinKinds, builtinSchema, objectMetaSchema } from "../src/builtin.js";
import { type SchemaNode, fieldNode, itemNode } from "../src/schema.js";

/** The built-in kinds the API server serves (the project's list), each with the group version it is served at. */
const servedKinds: [string, string][] = [
  ["v1", "Namespace"],
  ["v1", "ConfigMap"],
  ["v1", "Secret"],
  ["v1", "ServiceAccount"],
  ["v1", "Service"],
  ["v1", "Endpoints"],
  ["v1", "Event"],
  ["events.k8s.io/v1", "Event"],
  ["v1", "Pod"],
  ["apps/v1", "Deployment"],
  ["apps/v1", "ReplicaSet"],
  ["apps/v1", "StatefulSet"],
  ["apps/v1", "DaemonSet"],
  ["batch/v1", "Job"],
  ["batch/v1", "CronJob"],
  ["networking.k8s.io/v1", "Ingress"],
  ["networking.k8s.io/v1", "IngressClass"],
  ["networking.k8s.io/v1", "NetworkPolicy"],
  ["v1", "PersistentVolumeClaim"],
  ["storage.k8s.io/v1", "StorageClass"],
  ["rbac.authorization.k8s.io/v1", "Role"],
  ["rbac.authorization.k8s.io/v1", "RoleBinding"],
  ["rbac.authorization.k8s.io/v1", "ClusterRole"],
  ["rbac.authorization.k8s.io/v1", "ClusterRoleBinding"],
  ["coordination.k8s.io/v1", "Lease"],
  ["apiextensions.k8s.io/v1", "CustomResourceDefinition"],
  ["autoscaling/v2", "HorizontalPodAutoscaler"],
  ["policy/v1", "PodDisruptionBudget"],
  ["scheduling.k8s.io/v1", "PriorityClass"],
  ["admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"],
  ["admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"],
];

function at(node: SchemaNode | undefined, ...path: string[]): SchemaNode {
  let cur: SchemaNode | undefined = node;
  for (const p of path) cur = p === "[]" ? itemNode(cur) : fieldNode(cur, p);
  return cur ?? { type: "untyped" };
}

/** Every list node in a schema tree, with a readable path. */
function lists(node: SchemaNode, path = ""): [string, SchemaNode][] {
  if (node.type === "map") {
    return Object.entries(node.fields ?? {}).flatMap(([k, v]) => lists(v, `${path}.${k}`));
  }
  if (node.type === "list") return [[path, node], ...lists(node.items, `${path}[]`)];
  return [];
}

describe("builtinSchema", () => {
  it("covers every kind the API server serves, and builtinKinds lists exactly those", () => {
    for (const [apiVersion, kind] of servedKinds) {
      const schema = builtinSchema(apiVersion, kind);
      assert.ok(schema, `${apiVersion} ${kind} has no schema`);
      assert.equal(fieldNode(schema, "metadata"), objectMetaSchema, `${apiVersion} ${kind} metadata`);
    }
    const listed = builtinKinds().map(({ apiVersion, kind }) => `${apiVersion} ${kind}`).sort();
    assert.deepEqual(listed, servedKinds.map(([a, k]) => `${a} ${k}`).sort());
  });

  it("knows nothing of kinds it does not serve, group versions it does not serve, or prototype keys", () => {
    assert.equal(builtinSchema("source.toolkit.fluxcd.io/v1", "GitRepository"), undefined);
    assert.equal(builtinSchema("apps/v1beta1", "Deployment"), undefined);
    assert.equal(builtinSchema("batch/v1", "Deployment"), undefined);
    assert.equal(builtinSchema("v1", "toString"), undefined);
    assert.equal(builtinSchema("constructor", "name"), undefined);
  });

  it("gives object metadata the ObjectMeta semantics", () => {
    const finalizers = at(objectMetaSchema, "finalizers");
    assert.deepEqual([finalizers.type, finalizers.type === "list" && finalizers.listType], ["list", "set"]);
    const owners = at(objectMetaSchema, "ownerReferences");
    assert.ok(owners.type === "list" && owners.listType === "map" && owners.patchMergeKey === "uid");
    const managed = at(objectMetaSchema, "managedFields");
    assert.ok(managed.type === "list" && managed.listType === "atomic" && !managed.patchStrategy);
    for (const m of ["labels", "annotations"]) {
      const node = at(objectMetaSchema, m);
      assert.ok(node.type === "map" && node.mapType !== "atomic" && at(node, "anything").type === "scalar");
    }
  });

  it("keeps SMP and SSA list semantics consistent in every kind", () => {
    for (const { apiVersion, kind } of builtinKinds()) {
      for (const [path, node] of lists(builtinSchema(apiVersion, kind)!)) {
        if (node.type !== "list") continue;
        const where = `${apiVersion} ${kind} ${path}`;
        if (node.listType === "map") assert.ok(node.keys && node.keys.length > 0, `${where}: map list without keys`);
        else assert.equal(node.keys, undefined, `${where}: keys on a ${node.listType} list`);
        const strategies = node.patchStrategy?.split(",") ?? [];
        assert.ok(strategies.every((s) => s === "merge" || s === "retainKeys"), `${where}: ${node.patchStrategy}`);
        if (strategies.includes("merge") && node.items.type !== "scalar") {
          assert.ok(node.patchMergeKey, `${where}: merging a list of structs needs a merge key`);
        }
        // Upstream derives SSA keys from the merge key; where both exist the merge key is the first SSA key.
        if (node.patchMergeKey && node.listType === "map") assert.equal(node.keys?.[0], node.patchMergeKey, where);
        if (node.listType === "set") assert.equal(node.items.type, "scalar", `${where}: a set of non-scalars`);
      }
    }
  });

  it("shares the pod template between the workload kinds", () => {
    const template = at(builtinSchema("apps/v1", "Deployment"), "spec", "template");
    for (const [apiVersion, kind] of [["apps/v1", "ReplicaSet"], ["apps/v1", "StatefulSet"], ["apps/v1", "DaemonSet"], ["batch/v1", "Job"]] as const) {
      assert.equal(at(builtinSchema(apiVersion, kind), "spec", "template"), template, kind);
    }
    assert.equal(at(builtinSchema("batch/v1", "CronJob"), "spec", "jobTemplate", "spec", "template"), template);
    assert.equal(at(builtinSchema("v1", "Pod"), "spec"), at(template, "spec"));
  });
});
