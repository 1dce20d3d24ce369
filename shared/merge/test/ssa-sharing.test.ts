/**
 * Properties the fast paths of the SSA engine must keep: the walkers share unchanged subtrees between the live
 * object, the configuration and the merge result internally, so the public calls must neither modify their inputs
 * nor return objects that alias them (but for the frozen FieldsV1 of managedFields, which are reused by identity and
 * must then give the same results as their JSON copies); and pruning skips its passes when the applier's previous fields are all in
 * its new configuration, which must never drop fields that nobody owns (Server-Side Apply documentation: an apply
 * removes only fields the applier owned and stopped applying).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtinSchema } from "../src/builtin.js";
import { decodeSharedFieldsV1, encodeSharedFieldsV1 } from "../src/ssa/fieldset.js";
import {
  applyServerSide,
  encodeFieldsV1,
  FieldSet,
  type JsonObject,
  type JsonValue,
  keyElement,
  makePath,
  managedFieldsAfterUpdate,
  type ManagedFieldsEntry,
  updateManagedFields,
} from "../src/ssa/index.js";

const schema = builtinSchema("apps/v1", "Deployment")!;
const now = "2024-05-01T10:00:00Z";

function deployment(image: string, extraEnv: number): JsonObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: { app: "web" }, annotations: { "example.com/rev": image } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              name: "app",
              image,
              ports: [{ containerPort: 8080 }],
              env: Array.from({ length: extraEnv }, (_, i) => ({ name: `E${i}`, value: String(i) })),
            },
          ],
        },
      },
    },
  };
}

function apply(live: JsonObject | undefined, applied: JsonObject, manager = "tool"): { object: JsonObject; managedFields: ManagedFieldsEntry[] } {
  const r = applyServerSide({ live, applied, manager, schema, apiVersion: "apps/v1", kind: "Deployment", now });
  if ("conflicts" in r) throw new Error(r.message);
  return r;
}

/**
 * Every object and array reachable from `v`, except frozen ones: the FieldsV1 objects of managedFields are frozen
 * and shared on purpose (the next write of the object decodes them by identity).
 */
function containers(v: JsonValue | undefined, out = new Set<object>()): Set<object> {
  if (typeof v === "object" && v !== null && !Object.isFrozen(v)) {
    out.add(v);
    for (const child of Array.isArray(v) ? v : Object.values(v)) containers(child, out);
  }
  return out;
}

function assertNoAliasing(result: JsonObject, ...inputs: JsonObject[]): void {
  const inputObjects = new Set<object>();
  for (const input of inputs) containers(input, inputObjects);
  for (const o of containers(result)) assert.ok(!inputObjects.has(o), "the result shares an object or array with an input");
}

describe("ssa results and inputs", () => {
  it("an apply that changes one field returns a fresh object and leaves live and configuration untouched", () => {
    const live = apply(undefined, deployment("app:1", 3)).object;
    const applied = deployment("app:2", 3);
    const liveBefore = structuredClone(live);
    const appliedBefore = structuredClone(applied);
    const r = apply(live, applied);
    assert.deepEqual(live, liveBefore);
    assert.deepEqual(applied, appliedBefore);
    assertNoAliasing(r.object, live, applied);
    const container = ((r.object.spec as JsonObject).template as JsonObject).spec as JsonObject;
    assert.equal(((container.containers as JsonObject[])[0] as JsonObject).image, "app:2");
  });

  it("a no-op re-apply returns a copy of the live object, not the live object", () => {
    const live = apply(undefined, deployment("app:1", 3)).object;
    const applied = deployment("app:1", 3);
    const r = apply(live, applied);
    assert.deepEqual(r.object, live);
    assertNoAliasing(r.object, live, applied);
    assert.deepEqual(r.managedFields, live.metadata && (live.metadata as JsonObject).managedFields);
  });

  it("updateManagedFields returns a fresh object and leaves its inputs untouched", () => {
    const live = apply(undefined, deployment("app:1", 3)).object;
    const updated = structuredClone(live);
    (updated.spec as JsonObject).replicas = 5;
    const liveBefore = structuredClone(live);
    const updatedBefore = structuredClone(updated);
    const r = updateManagedFields({ live, updated, manager: "scaler", schema, apiVersion: "apps/v1", now });
    assert.deepEqual(live, liveBefore);
    assert.deepEqual(updated, updatedBefore);
    assertNoAliasing(r.object, live, updated);
    assert.deepEqual(
      r.managedFields.map((e) => e.manager),
      ["tool", "scaler"],
    );
  });
});

describe("ssa managedFieldsAfterUpdate", () => {
  it("gives the managedFields updateManagedFields returns, for updates, resets, subresources and untyped objects", () => {
    const live = apply(undefined, deployment("app:1", 2)).object;
    const reset = withReplicas(live, 3);
    (reset.metadata as JsonObject).managedFields = [];
    const badList = withReplicas(live, 3);
    ((((badList.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[]).push({ image: "no-name" });
    const cases = [
      { live, updated: withReplicas(live, 3) },
      { live, updated: reset },
      { live, updated: withReplicas(live, 5), subresource: "status" },
      { live, updated: badList },
      { live: undefined, updated: deployment("app:1", 1) },
    ];
    for (const c of cases) {
      const options = { ...c, manager: "writer", schema, apiVersion: "apps/v1", now };
      assert.deepEqual(managedFieldsAfterUpdate(options), updateManagedFields(options).managedFields);
    }
  });
});

describe("ssa managedFields reused by identity", () => {
  it("FieldsV1 objects are frozen all the way down", () => {
    const created = apply(undefined, deployment("app:1", 2));
    const fields = created.managedFields[0]!.fieldsV1 as JsonObject;
    assert.throws(() => {
      (fields as Record<string, unknown>)["f:extra"] = {};
    }, TypeError);
    for (const o of containersIncludingFrozen(fields)) assert.ok(Object.isFrozen(o));
  });

  it("an object whose managedFields came through JSON gets the same results as the object returned", () => {
    const created = apply(undefined, deployment("app:1", 2));
    const scaled = updateManagedFields({ live: created.object, updated: withReplicas(created.object, 3), manager: "scaler", schema, apiVersion: "apps/v1", now }).object;
    const viaJson = JSON.parse(JSON.stringify(scaled)) as JsonObject;
    const configs = [deployment("app:2", 2), deployment("app:1", 1), withReplicas(deployment("app:1", 2), 4)];
    for (const applied of configs) {
      for (const force of [false, true]) {
        // With force, the scaler loses spec.replicas: its stored set changes in one place only.
        const a = applyServerSide({ live: scaled, applied, manager: "tool", force, schema, apiVersion: "apps/v1", kind: "Deployment", now });
        const b = applyServerSide({ live: viaJson, applied, manager: "tool", force, schema, apiVersion: "apps/v1", kind: "Deployment", now });
        assert.deepEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
        assert.equal(JSON.stringify(a), JSON.stringify(b), "same key order");
      }
    }
  });
});

describe("ssa stored FieldsV1 reused in part", () => {
  it("a set derived from a stored one encodes as a fresh encoding would, whether or not a subtree's membership changed", () => {
    const item = makePath("spec", "containers", keyElement({ name: "app" }));
    const stored = encodeSharedFieldsV1(FieldSet.of(item, [...item, ...makePath("image")], [...item, ...makePath("ports")], makePath("spec", "replicas")));
    const read = decodeSharedFieldsV1(stored);
    for (const removed of [FieldSet.of(item), FieldSet.of(makePath("spec", "replicas")), FieldSet.of([...item, ...makePath("image")])]) {
      const derived = read.difference(removed);
      assert.equal(JSON.stringify(encodeSharedFieldsV1(derived)), JSON.stringify(encodeFieldsV1(derived)));
    }
  });
});

function withReplicas(obj: JsonObject, replicas: number): JsonObject {
  const o = structuredClone(obj);
  (o.spec as JsonObject).replicas = replicas;
  return o;
}

function containersIncludingFrozen(v: JsonValue, out: object[] = []): object[] {
  if (typeof v === "object" && v !== null) {
    out.push(v);
    for (const child of Array.isArray(v) ? v : Object.values(v)) containersIncludingFrozen(child, out);
  }
  return out;
}

describe("ssa re-apply of the same fields", () => {
  it("reuses nothing of a stored entry that owns metadata the field manager never records", () => {
    const created = apply(undefined, deployment("app:1", 2));
    const live = structuredClone(created.object);
    const entry = ((live.metadata as JsonObject).managedFields as JsonObject[])[0]!;
    ((entry.fieldsV1 as JsonObject)["f:metadata"] as JsonObject)["f:name"] = {};
    const r = apply(live, deployment("app:2", 2));
    assert.deepEqual(r.managedFields[0]!.fieldsV1, created.managedFields[0]!.fieldsV1);
  });

  it("records a changed set of fields, not the stored one", () => {
    const created = apply(undefined, deployment("app:1", 2));
    const r = apply(created.object, deployment("app:1", 3));
    const env = ((((r.managedFields[0]!.fieldsV1 as JsonObject)["f:spec"] as JsonObject)["f:template"] as JsonObject)["f:spec"] as JsonObject)["f:containers"] as JsonObject;
    const container = env['k:{"name":"app"}'] as JsonObject;
    assert.deepEqual(Object.keys(container["f:env"] as JsonObject), ['k:{"name":"E0"}', 'k:{"name":"E1"}', 'k:{"name":"E2"}']);
  });
});

describe("ssa pruning of fields nobody owns", () => {
  /** The applied object plus a label and an env entry that no managedFields entry mentions. */
  function withUnownedFields(live: JsonObject): JsonObject {
    const o = structuredClone(live);
    ((o.metadata as JsonObject).labels as JsonObject).unowned = "yes";
    const container = (((o.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[];
    (container[0]!.env as JsonObject[]).push({ name: "UNOWNED", value: "1" });
    return o;
  }

  it("re-applying the same fields keeps unowned siblings of owned fields", () => {
    const live = withUnownedFields(apply(undefined, deployment("app:1", 2)).object);
    const r = apply(live, deployment("app:2", 2));
    assert.equal(((r.object.metadata as JsonObject).labels as JsonObject).unowned, "yes");
    const env = ((((r.object.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0]!.env as JsonObject[];
    assert.deepEqual(
      env.map((e) => e.name),
      ["E0", "E1", "UNOWNED"],
    );
  });

  it("dropping a field removes it but keeps unowned siblings", () => {
    const live = withUnownedFields(apply(undefined, deployment("app:1", 2)).object);
    const r = apply(live, deployment("app:1", 1));
    assert.equal(((r.object.metadata as JsonObject).labels as JsonObject).unowned, "yes");
    const env = ((((r.object.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0]!.env as JsonObject[];
    assert.deepEqual(
      env.map((e) => e.name),
      ["E0", "UNOWNED"],
    );
  });
});
