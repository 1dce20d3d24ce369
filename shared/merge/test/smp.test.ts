/**
 * What the kubectl comparison cannot show: the status each failure maps to on kube-apiserver
 * (interpretStrategicMergePatchError: sentinel format errors are 400, lists of lists 422, everything else a 500),
 * that inputs stay untouched, and that hostile keys stay data.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtinSchema } from "../src/builtin.js";
import { PatchError } from "../src/errors.js";
import { strategicMergePatch } from "../src/smp.js";
import { untyped } from "../src/schema.js";
import { configMap, deployment } from "./smp-fixtures.js";

const deploymentSchema = builtinSchema("apps/v1", "Deployment")!;

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PatchError, `not a PatchError: ${String(err)}`);
    assert.equal(err.code, { BadRequest: 400, Invalid: 422, InternalError: 500 }[err.reason as string]);
    return err.reason;
  }
  assert.fail("no error");
}

describe("strategicMergePatch errors carry kube-apiserver's reason", () => {
  it("format errors of the directives are BadRequest", () => {
    const patches = [
      { metadata: { $deleteFromPrimitiveListfinalizers: ["f1"] } },
      { metadata: { $setElementOrderfinalizers: ["f1"] } },
      { spec: { strategy: { $retainKeys: "type" } } },
      { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: {} } } },
    ];
    for (const patch of patches) assert.equal(reasonOf(() => strategicMergePatch(deployment, patch, deploymentSchema)), "BadRequest");
  });

  it("lists of lists are Invalid", () => {
    const original = { ...configMap, metadata: { name: "cfg", finalizers: [] } };
    const schema = builtinSchema("v1", "ConfigMap")!;
    assert.equal(reasonOf(() => strategicMergePatch(original, { metadata: { finalizers: [["x"]] } }, schema)), "Invalid");
  });

  it("other failures (missing merge key, unknown directive) are InternalError", () => {
    const noKey = { spec: { template: { spec: { containers: [{ image: "x" }] } } } };
    assert.equal(reasonOf(() => strategicMergePatch(deployment, noKey, deploymentSchema)), "InternalError");
    assert.equal(reasonOf(() => strategicMergePatch(deployment, { spec: { $patch: "merge" } }, deploymentSchema)), "InternalError");
  });

  it("a patch that is not an object is BadRequest, a null patch changes nothing", () => {
    assert.equal(reasonOf(() => strategicMergePatch(deployment, [1], deploymentSchema)), "BadRequest");
    assert.equal(reasonOf(() => strategicMergePatch(deployment, "x", deploymentSchema)), "BadRequest");
    assert.deepEqual(strategicMergePatch(deployment, null, deploymentSchema), deployment);
  });
});

describe("strategicMergePatch", () => {
  it("leaves both inputs untouched", () => {
    const original = structuredClone(deployment);
    const patch = {
      metadata: { labels: { app: null }, "$deleteFromPrimitiveList/finalizers": ["f1"] },
      spec: {
        strategy: { $retainKeys: ["type"], type: "Recreate" },
        template: { spec: { "$setElementOrder/containers": [{ name: "b" }, { name: "a" }], containers: [{ name: "a", env: [{ name: "A", $patch: "delete" }] }] } },
      },
    };
    const patchCopy = structuredClone(patch);
    const result = strategicMergePatch(original, patch, deploymentSchema);
    assert.deepEqual(original, deployment);
    assert.deepEqual(patch, patchCopy);
    assert.notEqual((result as typeof deployment).spec.template.spec.containers, original.spec.template.spec.containers);
  });

  it("keeps __proto__ and constructor as plain keys without touching any prototype", () => {
    const patch = JSON.parse('{"data":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}},"__proto__":{"polluted":"yes"}}');
    const result = strategicMergePatch(configMap, patch, untyped) as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(result), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(result, "__proto__")?.value, { polluted: "yes" });
    const data = result.data as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(data, "__proto__")?.value, { polluted: "yes" });
    assert.equal(data.keep, "1");
  });

  it("merges maps and replaces lists where the schema says nothing (custom resources)", () => {
    const original = { apiVersion: "x/v1", kind: "Thing", spec: { items: [{ name: "a" }], nested: { a: 1, b: 2 } } };
    const result = strategicMergePatch(original, { spec: { items: [{ name: "b" }], nested: { b: null, c: 3 } } }, untyped);
    assert.deepEqual(result, { apiVersion: "x/v1", kind: "Thing", spec: { items: [{ name: "b" }], nested: { a: 1, c: 3 } } });
  });
});
