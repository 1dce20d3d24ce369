/**
 * Server-side apply and managedFields as kube-apiserver's field manager does them.
 *
 * No real kube-apiserver exists here, so these cases are ported from upstream's tests
 * (k8s.io/apimachinery/pkg/util/managedfields/internal: conflict_test, skipnonapplied_test, fieldmanager_test,
 * capmanagers_test) and the Server-Side Apply documentation's examples; the field sets underneath were checked
 * against structured-merge-diff itself (see ssa-fieldset.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SchemaNode } from "../src/schema.js";
import {
  applyServerSide,
  describeConflicts,
  lastAppliedAnnotation,
  makePath,
  type ApplyOptions,
  type JsonObject,
  type ManagedFieldsEntry,
  SsaError,
  updateManagedFields,
} from "../src/ssa/index.js";

const S: SchemaNode = { type: "scalar" };
const stringMap: SchemaNode = { type: "map", additional: S };
const struct = (fields: Record<string, SchemaNode>, extra: Partial<Extract<SchemaNode, { type: "map" }>> = {}): SchemaNode => ({
  type: "map",
  fields,
  ...extra,
});
const mapList = (keys: string[], items: SchemaNode): SchemaNode => ({ type: "list", listType: "map", keys, items });

/** apps/v1 Deployment, only the parts these tests touch; `metadata` comes from the field manager's ObjectMeta. */
const deploymentSchema = struct({
  apiVersion: S,
  kind: S,
  spec: struct({
    replicas: S,
    paused: S,
    selector: struct({ matchLabels: stringMap }, { mapType: "atomic" }),
    template: struct({
      metadata: struct({ labels: stringMap, annotations: stringMap }),
      spec: struct({
        containers: mapList(
          ["name"],
          struct({
            name: S,
            image: S,
            args: { type: "list", listType: "atomic", items: S },
            ports: mapList(["containerPort", "protocol"], struct({ containerPort: S, protocol: { type: "scalar", default: "TCP" } as SchemaNode, name: S })),
          }),
        ),
      }),
    }),
  }),
  status: { type: "untyped" },
});

const configMapSchema = struct({ apiVersion: S, kind: S, data: stringMap, binaryData: stringMap, immutable: S });

function deployment(overrides: { replicas?: number; image?: string; labels?: Record<string, string>; ports?: JsonObject[] } = {}): JsonObject {
  const container: JsonObject = { name: "nginx", image: overrides.image ?? "nginx:1.25" };
  if (overrides.ports) container.ports = overrides.ports;
  const spec: JsonObject = {
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [container] } },
  };
  if (overrides.replicas !== undefined) spec.replicas = overrides.replicas;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: overrides.labels ?? { app: "web" } },
    spec,
  };
}

const t0 = "2024-05-01T10:00:00Z";
const t1 = "2024-05-01T10:05:00Z";
const t2 = "2024-05-01T10:10:00Z";

function apply(opts: Partial<ApplyOptions> & Pick<ApplyOptions, "live" | "applied" | "manager">) {
  return applyServerSide({ schema: deploymentSchema, apiVersion: "apps/v1", kind: "Deployment", now: t0, ...opts });
}

function applyOk(opts: Partial<ApplyOptions> & Pick<ApplyOptions, "live" | "applied" | "manager">) {
  const r = apply(opts);
  if ("conflicts" in r) assert.fail(`unexpected conflicts: ${r.message}`);
  return r;
}

/** The stored object after a write: the apiserver gives it a uid on create. */
function stored(obj: JsonObject): JsonObject {
  const meta = obj.metadata as JsonObject;
  return { ...obj, metadata: { uid: "5b1e6c1c-0000-4000-8000-000000000001", ...meta } };
}

function entry(obj: JsonObject, manager: string, operation = "Apply"): ManagedFieldsEntry {
  const entries = (obj.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? [];
  const found = entries.find((e) => e.manager === manager && e.operation === operation);
  assert.ok(found, `no ${operation} entry for ${manager} in ${JSON.stringify(entries)}`);
  return found;
}

const deploymentFields = {
  "f:metadata": { "f:labels": { "f:app": {} } },
  "f:spec": {
    "f:replicas": {},
    "f:selector": {},
    "f:template": {
      "f:metadata": { "f:labels": { "f:app": {} } },
      "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {} } } },
    },
  },
};

describe("ssa apply: create and re-apply", () => {
  it("creates the object and records exactly the applied fields, without apiVersion, kind, name or namespace", () => {
    const r = applyOk({ live: undefined, applied: deployment({ replicas: 2 }), manager: "kubectl" });
    assert.deepEqual(r.managedFields, [
      { manager: "kubectl", operation: "Apply", apiVersion: "apps/v1", time: t0, fieldsType: "FieldsV1", fieldsV1: deploymentFields },
    ]);
    const { metadata, ...rest } = r.object as { metadata: JsonObject };
    assert.deepEqual(metadata.managedFields, r.managedFields);
    const applied = deployment({ replicas: 2 });
    assert.deepEqual({ ...rest, metadata: { ...metadata, managedFields: undefined } }, { ...applied, metadata: { ...(applied.metadata as JsonObject), managedFields: undefined } });
  });

  it("matches the documentation's ConfigMap example", () => {
    const r = applyServerSide({
      live: undefined,
      applied: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "test-cm", namespace: "default", labels: { "test-label": "test" } }, data: { key: "some value" } },
      manager: "kubectl",
      schema: configMapSchema,
      apiVersion: "v1",
      now: new Date("2010-10-10T00:00:00.123Z"),
    });
    assert.ok(!("conflicts" in r));
    assert.deepEqual(r.managedFields, [
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "v1",
        time: "2010-10-10T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:data": { "f:key": {} }, "f:metadata": { "f:labels": { "f:test-label": {} } } },
      },
    ]);
  });

  it("applying the same configuration again changes nothing, not even the entry's time", () => {
    const first = stored(applyOk({ live: undefined, applied: deployment({ replicas: 2 }), manager: "kubectl" }).object);
    const again = applyOk({ live: first, applied: deployment({ replicas: 2 }), manager: "kubectl", now: t1 });
    assert.deepEqual(again.object, first);
  });

  it("a changed configuration updates the object and the entry's time", () => {
    const first = stored(applyOk({ live: undefined, applied: deployment({ replicas: 2 }), manager: "kubectl" }).object);
    const r = applyOk({ live: first, applied: deployment({ replicas: 3 }), manager: "kubectl", now: t1 });
    assert.equal((r.object.spec as JsonObject).replicas, 3);
    assert.equal(entry(r.object, "kubectl").time, t1);
  });

  it("server-set metadata in the configuration is never owned", () => {
    const applied = deployment();
    Object.assign(applied.metadata as JsonObject, { uid: "u", resourceVersion: "7", generation: 3, creationTimestamp: "2024-01-01T00:00:00Z", selfLink: "/x" });
    const r = applyOk({ live: undefined, applied, manager: "kubectl" });
    assert.deepEqual(entry(r.object, "kubectl").fieldsV1!["f:metadata"], { "f:labels": { "f:app": {} } });
  });

  it("a configuration of nothing but identity leaves no entry", () => {
    const r = applyOk({ live: undefined, applied: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } }, manager: "kubectl" });
    assert.deepEqual(r.managedFields, []);
    assert.equal((r.object.metadata as JsonObject).managedFields, undefined);
  });
});

describe("ssa apply: conflicts, force, shared and released fields", () => {
  const base = () => stored(applyOk({ live: undefined, applied: deployment({ replicas: 2 }), manager: "flux" }).object);

  it("another applier changing an owned value gets a 409 with upstream's message and causes", () => {
    const r = apply({ live: base(), applied: deployment({ replicas: 5 }), manager: "kubectl", now: t1 });
    assert.ok("conflicts" in r);
    assert.equal(r.message, 'Apply failed with 1 conflict: conflict with "flux": .spec.replicas');
    assert.deepEqual(r.conflicts, [{ manager: "flux", field: ".spec.replicas", message: 'conflict with "flux"' }]);
  });

  it("equal values are not conflicts: the second applier co-owns them", () => {
    const r = applyOk({ live: base(), applied: deployment({ replicas: 2 }), manager: "kubectl", now: t1 });
    assert.deepEqual(entry(r.object, "kubectl").fieldsV1, deploymentFields);
    assert.deepEqual(entry(r.object, "flux").fieldsV1, deploymentFields);
    // Nothing changed, so the new entry carries no time (upstream stamps entries only when the object changes).
    assert.equal(entry(r.object, "kubectl").time, undefined);
  });

  it("force takes the field: the previous owner loses it", () => {
    const r = applyOk({ live: base(), applied: deployment({ replicas: 5 }), manager: "kubectl", now: t1, force: true });
    assert.equal((r.object.spec as JsonObject).replicas, 5);
    assert.equal(((entry(r.object, "flux").fieldsV1!["f:spec"] as JsonObject)["f:replicas"]), undefined);
    assert.deepEqual(entry(r.object, "kubectl").fieldsV1, deploymentFields);
    assert.deepEqual(r.managedFields.map((e) => e.manager), ["flux", "kubectl"], "sorted by time within Apply");
  });

  it("conflicts on list-map items name the item by key", () => {
    const r = apply({ live: base(), applied: deployment({ replicas: 2, image: "nginx:1.26" }), manager: "kubectl", now: t1 });
    assert.ok("conflicts" in r);
    assert.deepEqual(r.conflicts.map((c) => c.field), ['.spec.template.spec.containers[name="nginx"].image']);
  });

  it("fields the applier stops sending are removed unless someone else owns them", () => {
    let live = stored(applyOk({ live: undefined, applied: deployment({ replicas: 2, labels: { app: "web", team: "a", tier: "fe" } }), manager: "flux" }).object);
    live = applyOk({ live, applied: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { tier: "fe" } } }, manager: "other", now: t1 }).object;
    const r = applyOk({ live, applied: deployment({ labels: { app: "web" } }), manager: "flux", now: t2 });
    assert.deepEqual((r.object.metadata as JsonObject).labels, { app: "web", tier: "fe" });
    assert.equal((r.object.spec as JsonObject).replicas, undefined, "replicas was flux's alone");
    assert.deepEqual(entry(r.object, "flux").fieldsV1!["f:metadata"], { "f:labels": { "f:app": {} } });
  });

  it("a configuration dropping a whole struct removes it when nothing else in it is owned", () => {
    const live = stored(applyOk({ live: undefined, applied: { ...deployment(), spec: { ...(deployment().spec as JsonObject), paused: true } }, manager: "flux" }).object);
    const without = deployment();
    delete (without.spec as JsonObject).template;
    const r = applyOk({ live, applied: without, manager: "flux", now: t1 });
    assert.deepEqual(Object.keys(r.object.spec as JsonObject).sort(), ["selector"]);
  });

  it("groups several conflicts by manager as upstream's message does", () => {
    let live = base();
    live = updateManagedFields({
      live,
      updated: { ...live, metadata: { ...(live.metadata as JsonObject), labels: { app: "web", x: "1" } } },
      manager: "labeler",
      schema: deploymentSchema,
      apiVersion: "apps/v1",
      now: t1,
    }).object;
    const r = apply({ live, applied: deployment({ replicas: 9, labels: { app: "web", x: "2" } }), manager: "kubectl", now: t2 });
    assert.ok("conflicts" in r);
    assert.equal(r.message, 'Apply failed with 2 conflicts: conflicts with "flux":\n- .spec.replicas\nconflicts with "labeler" using apps/v1:\n- .metadata.labels.x');
  });
});

describe("ssa apply and updates", () => {
  it("an Update takes what it changed; a later apply conflicts with it `using` its version", () => {
    const live = stored(applyOk({ live: undefined, applied: deployment({ replicas: 2 }), manager: "flux" }).object);
    const scaled = updateManagedFields({
      live,
      updated: { ...live, spec: { ...(live.spec as JsonObject), replicas: 4 } },
      manager: "kube-controller-manager",
      schema: deploymentSchema,
      apiVersion: "apps/v1",
      now: t1,
    });
    assert.deepEqual(entry(scaled.object, "kube-controller-manager", "Update"), {
      manager: "kube-controller-manager",
      operation: "Update",
      apiVersion: "apps/v1",
      time: t1,
      fieldsType: "FieldsV1",
      fieldsV1: { "f:spec": { "f:replicas": {} } },
    });
    assert.equal((entry(scaled.object, "flux").fieldsV1!["f:spec"] as JsonObject)["f:replicas"], undefined, "flux lost replicas");
    assert.deepEqual(scaled.managedFields.map((e) => e.operation), ["Apply", "Update"]);

    const r = apply({ live: scaled.object, applied: deployment({ replicas: 2 }), manager: "flux", now: t2 });
    assert.ok("conflicts" in r);
    assert.equal(r.message, 'Apply failed with 1 conflict: conflict with "kube-controller-manager" using apps/v1: .spec.replicas');
  });

  it("an applier that leaves a field an updater took does not remove it", () => {
    const live = stored(applyOk({ live: undefined, applied: deployment({ replicas: 2 }), manager: "flux" }).object);
    const scaled = updateManagedFields({ live, updated: { ...live, spec: { ...(live.spec as JsonObject), replicas: 4 } }, manager: "hpa", schema: deploymentSchema, apiVersion: "apps/v1", now: t1 }).object;
    const r = applyOk({ live: scaled, applied: deployment(), manager: "flux", now: t2 });
    assert.equal((r.object.spec as JsonObject).replicas, 4);
  });

  it("an object created by a non-apply write is tracked from creation (unstructured baseline: new maps are owned)", () => {
    const created = updateManagedFields({
      live: undefined,
      updated: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", labels: { app: "x" } }, spec: { size: 1 } },
      manager: "kubectl-create",
      schema: { type: "untyped" },
      apiVersion: "example.com/v1",
      now: t0,
    });
    assert.deepEqual(created.managedFields, [
      {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "example.com/v1",
        time: t0,
        fieldsType: "FieldsV1",
        fieldsV1: { "f:metadata": { "f:labels": { ".": {}, "f:app": {} } }, "f:spec": { ".": {}, "f:size": {} } },
      },
    ]);
  });

  it("a write that changes nothing leaves managedFields alone", () => {
    const live = stored(applyOk({ live: undefined, applied: deployment({ replicas: 2 }), manager: "flux" }).object);
    const r = updateManagedFields({ live, updated: live, manager: "someone", schema: deploymentSchema, apiVersion: "apps/v1", now: t1 });
    assert.deepEqual(r.object, live);
  });

  it("the same updater's later changes merge into its entry and restamp it", () => {
    const live = stored(applyOk({ live: undefined, applied: deployment({ replicas: 2 }), manager: "flux" }).object);
    const a = updateManagedFields({ live, updated: { ...live, spec: { ...(live.spec as JsonObject), replicas: 3 } }, manager: "ctl", schema: deploymentSchema, apiVersion: "apps/v1", now: t1 }).object;
    const b = updateManagedFields({ live: a, updated: { ...a, spec: { ...(a.spec as JsonObject), paused: true } }, manager: "ctl", schema: deploymentSchema, apiVersion: "apps/v1", now: t2 }).object;
    assert.deepEqual(entry(b, "ctl", "Update"), {
      manager: "ctl",
      operation: "Update",
      apiVersion: "apps/v1",
      time: t2,
      fieldsType: "FieldsV1",
      fieldsV1: { "f:spec": { "f:paused": {}, "f:replicas": {} } },
    });
  });

  it("status and other reset fields are not tracked", () => {
    const live = stored(applyOk({ live: undefined, applied: deployment({ replicas: 2 }), manager: "flux" }).object);
    const r = updateManagedFields({
      live,
      updated: { ...live, status: { replicas: 2, conditions: [] } },
      manager: "kube-controller-manager",
      schema: deploymentSchema,
      apiVersion: "apps/v1",
      now: t1,
      ignoredPaths: [["status"]],
    });
    assert.deepEqual(r.object, { ...live, status: { replicas: 2, conditions: [] } });
    const applied = applyOk({ live: undefined, applied: { ...deployment(), status: { replicas: 1 } }, manager: "x", ignoredPaths: [["status"]] });
    assert.equal(entry(applied.object, "x").fieldsV1!["f:status"], undefined);
  });

  it("writes through a subresource are recorded with it and cannot rewrite managedFields", () => {
    const live = stored(applyOk({ live: undefined, applied: deployment({ replicas: 2 }), manager: "flux" }).object);
    const r = updateManagedFields({
      live,
      updated: { ...live, metadata: { ...(live.metadata as JsonObject), managedFields: [] }, status: { readyReplicas: 2 } },
      manager: "kube-controller-manager",
      schema: deploymentSchema,
      apiVersion: "apps/v1",
      subresource: "status",
      now: t1,
      ignoredPaths: [["spec"]],
    });
    assert.deepEqual(entry(r.object, "kube-controller-manager", "Update"), {
      manager: "kube-controller-manager",
      operation: "Update",
      apiVersion: "apps/v1",
      time: t1,
      fieldsType: "FieldsV1",
      fieldsV1: { "f:status": { ".": {}, "f:readyReplicas": {} } },
      subresource: "status",
    });
    assert.ok(entry(r.object, "flux"), "the request's empty managedFields were ignored");
    const conflict = apply({ live: r.object, applied: { ...deployment({ replicas: 2 }), status: { readyReplicas: 0 } }, manager: "flux", now: t2 });
    assert.ok("conflicts" in conflict);
    assert.equal(conflict.conflicts[0]!.message, 'conflict with "kube-controller-manager" with subresource "status" using apps/v1');
  });
});

describe("ssa managedFields written by clients", () => {
  const live = () => stored(applyOk({ live: undefined, applied: deployment({ replicas: 2 }), manager: "flux" }).object);

  for (const reset of [[], [{}]]) {
    it(`managedFields: ${JSON.stringify(reset)} resets them, and the object stays untracked`, () => {
      const current = live();
      const r = updateManagedFields({
        live: current,
        updated: { ...current, metadata: { ...(current.metadata as JsonObject), managedFields: reset } },
        manager: "kubectl-edit",
        schema: deploymentSchema,
        apiVersion: "apps/v1",
        now: t1,
      });
      assert.deepEqual(r.managedFields, []);
      assert.equal("managedFields" in (r.object.metadata as JsonObject), false);
      const later = updateManagedFields({ live: r.object, updated: { ...r.object, spec: { ...(r.object.spec as JsonObject), replicas: 7 } }, manager: "x", schema: deploymentSchema, apiVersion: "apps/v1", now: t2 });
      assert.deepEqual(later.managedFields, [], "updates do not start tracking an existing object");
    });
  }

  it("managedFields in a write replace the stored ones", () => {
    const current = live();
    const custom: ManagedFieldsEntry[] = [{ manager: "me", operation: "Update", apiVersion: "apps/v1", time: t0, fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } } }];
    const r = updateManagedFields({ live: current, updated: { ...current, metadata: { ...(current.metadata as JsonObject), managedFields: custom as unknown as JsonObject[] } }, manager: "me", schema: deploymentSchema, apiVersion: "apps/v1", now: t1 });
    assert.deepEqual(r.managedFields, custom);
  });

  it("managedFields a write omits or cannot decode fall back to the stored ones", () => {
    const current = live();
    const { managedFields: _dropped, ...metaWithout } = current.metadata as JsonObject;
    const r1 = updateManagedFields({ live: current, updated: { ...current, metadata: metaWithout }, manager: "me", schema: deploymentSchema, apiVersion: "apps/v1", now: t1 });
    assert.deepEqual(r1.object, current);
    const bad = [{ manager: "x", operation: "Patch", apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1: {} }];
    const r2 = updateManagedFields({ live: current, updated: { ...current, metadata: { ...metaWithout, managedFields: bad } }, manager: "me", schema: deploymentSchema, apiVersion: "apps/v1", now: t1 });
    assert.deepEqual(r2.object, current);
  });

  it("an apply body carrying managedFields is a bad request", () => {
    const applied = deployment();
    (applied.metadata as JsonObject).managedFields = [];
    assert.throws(() => apply({ live: undefined, applied, manager: "x" }), (e: unknown) => e instanceof SsaError && e.code === 400 && e.message === "metadata.managedFields must be nil");
  });

  it("stored managedFields that cannot be decoded fail an apply", () => {
    const current = live();
    (current.metadata as JsonObject).managedFields = [{ manager: "x", operation: "Patch", apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1: {} }];
    assert.throws(() => apply({ live: current, applied: deployment(), manager: "x" }), {
      message: "failed to decode managed fields: operation must be `Apply` or `Update`",
    });
  });
});

describe("ssa before-first-apply (skipnonapplied_test)", () => {
  // An object whose managedFields were never recorded (or were reset): its existing fields belong to nobody yet.
  const untracked = (): JsonObject => stored({ ...deployment({ replicas: 2, labels: { app: "my-nginx" } }) });

  it("an apply to an untracked object conflicts with before-first-apply; force then splits ownership", () => {
    const r = apply({ live: untracked(), applied: deployment({ replicas: 2, labels: { app: "nginx" } }), manager: "fieldmanager_test_apply", now: t1 });
    assert.ok("conflicts" in r);
    assert.deepEqual(r.conflicts, [{ manager: "before-first-apply", field: ".metadata.labels.app", message: 'conflict with "before-first-apply" using apps/v1' }]);

    const forced = applyOk({ live: untracked(), applied: deployment({ replicas: 2, labels: { app: "nginx" } }), manager: "fieldmanager_test_apply", now: t1, force: true });
    assert.deepEqual(forced.managedFields.map((e) => [e.manager, e.operation]), [
      ["fieldmanager_test_apply", "Apply"],
      ["before-first-apply", "Update"],
    ]);
    assert.equal(entry(forced.object, "before-first-apply", "Update").time, t1);
    assert.deepEqual(entry(forced.object, "before-first-apply", "Update").fieldsV1, {
      // It had the labels map and app; force took .metadata.labels.app and left the map itself.
      "f:metadata": { "f:labels": {} },
      "f:spec": {
        ".": {},
        "f:replicas": {},
        "f:selector": {},
        "f:template": { ".": {}, "f:metadata": { ".": {}, "f:labels": { ".": {}, "f:app": {} } }, "f:spec": { ".": {}, "f:containers": { ".": {}, 'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {} } } } },
      },
    });
  });

  it("creating by apply records no before-first-apply", () => {
    const r = applyOk({ live: undefined, applied: deployment(), manager: "fieldmanager_test_apply" });
    assert.deepEqual(r.managedFields.map((e) => e.manager), ["fieldmanager_test_apply"]);
  });
});

describe("ssa capping Update entries (capmanagers)", () => {
  it("folds the oldest Update entries into ancient-changes once there are more than ten", () => {
    let obj = stored(applyOk({ live: undefined, applied: deployment(), manager: "flux" }).object);
    for (let i = 0; i < 11; i++) {
      const time = new Date(Date.parse(t0) + (i + 1) * 60_000);
      const annotations = { ...(((obj.metadata as JsonObject).annotations as JsonObject) ?? {}), [`a${i}`]: "x" };
      obj = updateManagedFields({ live: obj, updated: { ...obj, metadata: { ...(obj.metadata as JsonObject), annotations } }, manager: `m${i}`, schema: deploymentSchema, apiVersion: "apps/v1", now: time }).object;
    }
    const entries = (obj.metadata as unknown as { managedFields: ManagedFieldsEntry[] }).managedFields;
    const updates = entries.filter((e) => e.operation === "Update");
    assert.equal(updates.length, 10);
    const ancient = entries.find((e) => e.manager === "ancient-changes")!;
    assert.deepEqual(ancient.fieldsV1, { "f:metadata": { "f:annotations": { ".": {}, "f:a0": {}, "f:a1": {} } } });
    assert.equal(ancient.time, "2024-05-01T10:02:00Z", "the bucket takes the time of the newest entry folded in");
    assert.deepEqual(updates.map((e) => e.manager), ["ancient-changes", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10"]);
  });
});

describe("ssa kubectl last-applied-configuration hand-over (lastappliedmanager)", () => {
  /** An object as `kubectl apply` (client-side) leaves it. */
  function clientSideApplied(replicas: number): JsonObject {
    const config = deployment({ replicas });
    const annotation = JSON.stringify(config) + "\n";
    const obj = deployment({ replicas });
    (obj.metadata as JsonObject).annotations = { [lastAppliedAnnotation]: annotation };
    return updateManagedFields({ live: undefined, updated: obj, manager: "kubectl-client-side-apply", schema: deploymentSchema, apiVersion: "apps/v1", now: t0 }).object;
  }

  it("kubectl --server-side takes over what the annotation says it applied, and rewrites the annotation", () => {
    const live = stored(clientSideApplied(2));
    const r = applyOk({ live, applied: deployment({ replicas: 3 }), manager: "kubectl", now: t1 });
    assert.equal((r.object.spec as JsonObject).replicas, 3);
    const annotations = (r.object.metadata as JsonObject).annotations as JsonObject;
    assert.equal(
      annotations[lastAppliedAnnotation],
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web","namespace":"default"},' +
        '"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.25","name":"nginx"}]}}}}\n',
    );
    assert.deepEqual(entry(r.object, "kubectl").fieldsV1, deploymentFields);
  });

  it("fields someone else changed since are still conflicts", () => {
    const live = stored(clientSideApplied(2));
    const scaled = updateManagedFields({ live, updated: { ...live, spec: { ...(live.spec as JsonObject), replicas: 4 } }, manager: "hpa", schema: deploymentSchema, apiVersion: "apps/v1", now: t1 }).object;
    const r = apply({ live: scaled, applied: deployment({ replicas: 3, image: "nginx:1.26" }), manager: "kubectl", now: t2 });
    assert.ok("conflicts" in r);
    assert.deepEqual(r.conflicts.map((c) => [c.manager, c.field]), [["hpa", ".spec.replicas"]]);
  });

  it("other managers get no such allowance", () => {
    const live = stored(clientSideApplied(2));
    const r = apply({ live, applied: deployment({ replicas: 3 }), manager: "flux", now: t1 });
    assert.ok("conflicts" in r);
    assert.deepEqual(r.conflicts.map((c) => c.manager), ["kubectl-client-side-apply"]);
  });
});

describe("ssa request errors", () => {
  it("a body of another kind or version is a bad request", () => {
    const applied = { ...deployment(), apiVersion: "apps/v1beta1" };
    assert.throws(() => apply({ live: undefined, applied, manager: "x" }), (e: unknown) => e instanceof SsaError && e.reason === "BadRequest" && e.message === "invalid object type: apps/v1beta1, Kind=Deployment");
    assert.throws(
      () => applyServerSide({ live: undefined, applied, manager: "x", schema: deploymentSchema, apiVersion: "apps/v1", now: t0 }),
      { message: "Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1" },
    );
  });

  it("list items without their key fail as upstream's typed conversion does (500)", () => {
    const applied = deployment();
    ((((applied.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0] = { image: "x" };
    assert.throws(
      () => apply({ live: undefined, applied, manager: "x" }),
      (e: unknown) =>
        e instanceof SsaError &&
        e.code === 500 &&
        e.message ===
          'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
  });

  it("a defaulted key may be omitted: containerPort alone means protocol TCP", () => {
    const r = applyOk({ live: undefined, applied: deployment({ ports: [{ containerPort: 80 }] }), manager: "x" });
    const containers = ((((entry(r.object, "x").fieldsV1!["f:spec"] as JsonObject)["f:template"] as JsonObject)["f:spec"] as JsonObject)["f:containers"] as JsonObject);
    assert.deepEqual((containers['k:{"name":"nginx"}'] as JsonObject)["f:ports"], { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } });
  });

  it("duplicate keys in a configuration are rejected", () => {
    const applied = deployment({ ports: [{ containerPort: 80 }, { containerPort: 80, protocol: "TCP" }] });
    assert.throws(() => apply({ live: undefined, applied, manager: "x" }), /duplicate entries for key \[containerPort=80,protocol="TCP"\]/);
  });
});

describe("ssa conflict text (conflict_test)", () => {
  it("formats managers with operation, subresource and time as upstream", () => {
    const update = '{"manager":"foo","operation":"Update","apiVersion":"v1","time":"2001-02-03T04:05:06Z"}';
    assert.deepEqual(describeConflicts([{ manager: update, path: makePath("spec", "replicas") }]), {
      conflicts: [{ manager: "foo", field: ".spec.replicas", message: 'conflict with "foo" using v1 at 2001-02-03T04:05:06Z' }],
      message: 'Apply failed with 1 conflict: conflict with "foo" using v1 at 2001-02-03T04:05:06Z: .spec.replicas',
    });
    const two = describeConflicts([
      { manager: update, path: makePath("spec", "replicas") },
      { manager: '{"manager":"bar","operation":"Apply"}', path: makePath("metadata", "labels", "app") },
    ]);
    assert.equal(two.message, 'Apply failed with 2 conflicts: conflicts with "bar":\n- .metadata.labels.app\nconflicts with "foo" using v1 at 2001-02-03T04:05:06Z:\n- .spec.replicas');
    assert.deepEqual(two.conflicts.map((c) => c.message), ['conflict with "foo" using v1 at 2001-02-03T04:05:06Z', 'conflict with "bar"']);
    const scale = describeConflicts([{ manager: '{"manager":"foo","operation":"Update","subresource":"scale","apiVersion":"v1","time":"2001-02-03T04:05:06Z"}', path: makePath("spec", "replicas") }]);
    assert.equal(scale.message, 'Apply failed with 1 conflict: conflict with "foo" with subresource "scale" using v1 at 2001-02-03T04:05:06Z: .spec.replicas');
  });
});
