/**
 * What the kubectl comparison cannot show for merge and JSON patches: the statuses kube-apiserver answers with
 * (a failed operation is a 422 whose cause carries the library's message), the operation limit, atomicity, and that
 * hostile keys stay data.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PatchError } from "../src/errors.js";
import { applyJsonPatch, jsonMergePatch, maxJsonPatchOperations } from "../src/jsonpatch.js";

const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { k: "v" }, list: [1, 2] };

function caught(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PatchError, `not a PatchError: ${String(err)}`);
    return err;
  }
  assert.fail("no error");
}

describe("applyJsonPatch", () => {
  it("reports a failed operation as 422 Invalid with the operation's message as the cause", () => {
    const err = caught(() => applyJsonPatch(cm, [{ op: "test", path: "/data/k", value: "x" }]));
    assert.equal(err.reason, "Invalid");
    assert.equal(err.code, 422);
    assert.equal(err.message, "the server rejected our request due to an error in our request");
    assert.deepEqual(err.causes, [{ type: "UnexpectedServerResponse", message: "testing value /data/k failed: test failed" }]);
  });

  it("refuses a body that is not a list of operations as BadRequest", () => {
    assert.equal(caught(() => applyJsonPatch(cm, { op: "add" })).reason, "BadRequest");
    assert.equal(caught(() => applyJsonPatch(cm, [1])).reason, "BadRequest");
  });

  it("refuses more than 10000 operations as RequestEntityTooLarge", () => {
    const ops = Array.from({ length: maxJsonPatchOperations + 1 }, () => ({ op: "test", path: "/kind", value: "ConfigMap" }));
    const err = caught(() => applyJsonPatch(cm, ops));
    assert.equal(err.reason, "RequestEntityTooLarge");
    assert.equal(err.code, 413);
    assert.equal(err.message, `The allowed maximum operations in a JSON patch is 10000, got ${ops.length}`);
    assert.deepEqual(applyJsonPatch(cm, ops.slice(1)), cm);
  });

  it("is atomic and leaves the original untouched", () => {
    const original = structuredClone(cm);
    const ops = [{ op: "add", path: "/data/x", value: { deep: 1 } }, { op: "remove", path: "/list/0" }, { op: "remove", path: "/nope" }];
    caught(() => applyJsonPatch(original, ops));
    assert.deepEqual(original, cm);
    const result = applyJsonPatch(original, ops.slice(0, 2)) as typeof cm & { data: { x: { deep: number } } };
    result.data.x.deep = 2;
    assert.deepEqual(ops[0], { op: "add", path: "/data/x", value: { deep: 1 } });
    assert.deepEqual(original, cm);
  });

  it("keeps __proto__ a plain key without touching any prototype", () => {
    const result = applyJsonPatch(cm, [
      { op: "add", path: "/data/__proto__", value: {} },
      { op: "add", path: "/data/__proto__/polluted", value: "yes" },
      { op: "copy", from: "/data/__proto__", path: "/__proto__" },
    ]) as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(result), Object.prototype);
    const data = result.data as Record<string, unknown>;
    assert.deepEqual(Object.getOwnPropertyDescriptor(data, "__proto__")?.value, { polluted: "yes" });
    assert.deepEqual(Object.getOwnPropertyDescriptor(result, "__proto__")?.value, { polluted: "yes" });
  });

  it("a null body changes nothing", () => {
    assert.deepEqual(applyJsonPatch(cm, null), cm);
  });
});

describe("jsonMergePatch", () => {
  it("refuses a patch that is neither object nor array as BadRequest", () => {
    for (const patch of [null, "x", 1, true]) {
      const err = caught(() => jsonMergePatch(cm, patch));
      assert.equal(err.reason, "BadRequest");
      assert.equal(err.message, "Invalid JSON Patch");
    }
  });

  it("leaves both inputs untouched and keeps __proto__ a plain key", () => {
    const original = structuredClone(cm);
    const patch = JSON.parse('{"data":{"k":null,"__proto__":{"polluted":"yes","n":null}},"__proto__":{"polluted":"yes"}}');
    const patchCopy = structuredClone(patch);
    const result = jsonMergePatch(original, patch) as Record<string, unknown>;
    assert.deepEqual(original, cm);
    assert.deepEqual(patch, patchCopy);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(result), Object.prototype);
    const data = result.data as Record<string, unknown>;
    assert.deepEqual(Object.getOwnPropertyDescriptor(data, "__proto__")?.value, { polluted: "yes" });
    assert.equal(Object.hasOwn(data, "k"), false);
  });
});
