/**
 * The updater (apply/update ownership, conflicts, pruning) on small schemas.
 *
 * No kube-apiserver exists here, so these cases are ported from structured-merge-diff's own tests (merge/leaf_test,
 * set_test, key_test, nested_test, multiple_appliers_test, default_keys_test): same operations, same expected
 * objects and field sets. The cases marked "oracle" were run through the real structured-merge-diff v4.1.2 with
 * test/ssa-oracle/main.go and their results copied here.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SchemaNode } from "../src/schema.js";
import {
  applyManagers,
  ConflictsError,
  FieldSet,
  keyElement,
  makePath,
  type ManagedFieldSets,
  type PathElement,
  pathString,
  updateManagers,
  validateKeys,
  valueElement,
  type JsonValue,
} from "../src/ssa/index.js";

const S: SchemaNode = { type: "scalar" };
const U: SchemaNode = { type: "untyped" };
const set = (items: SchemaNode = S): SchemaNode => ({ type: "list", listType: "set", items });
const mapList = (keys: string[], items: SchemaNode): SchemaNode => ({ type: "list", listType: "map", keys, items });
const struct = (fields: Record<string, SchemaNode>): SchemaNode => ({ type: "map", fields });
const stringMap: SchemaNode = { type: "map", additional: S };

const k = (fields: Record<string, JsonValue>) => keyElement(fields);
const v = (value: JsonValue) => valueElement(value);
const P = (...parts: Array<string | PathElement>) => makePath(...parts);

type Op =
  | { apply: string; object: JsonValue; force?: boolean; apiVersion?: string; conflicts?: Array<[string, string]> }
  | { update: string; object: JsonValue; apiVersion?: string };

interface State {
  object: JsonValue;
  managers: ManagedFieldSets;
}

function run(schema: SchemaNode, ops: Op[]): State {
  let object: JsonValue = null;
  let managers: ManagedFieldSets = new Map();
  ops.forEach((op, i) => {
    if ("update" in op) {
      validateKeys(schema, op.object, true);
      managers = updateManagers({ schema, live: object, updated: op.object, apiVersion: op.apiVersion ?? "v1", managers, manager: op.update });
      object = op.object;
      return;
    }
    validateKeys(schema, op.object, false);
    try {
      const out = applyManagers({ schema, live: object, config: op.object, apiVersion: op.apiVersion ?? "v1", managers, manager: op.apply, force: op.force ?? false });
      assert.equal(op.conflicts, undefined, `operation ${i} should have conflicted`);
      managers = out.managers;
      if (out.object !== undefined) object = out.object;
    } catch (e) {
      if (!(e instanceof ConflictsError) || !op.conflicts) throw e;
      const got = e.conflicts.map((c) => [c.manager, pathString(c.path)]).sort();
      assert.deepEqual(got, [...op.conflicts].sort(), `conflicts of operation ${i}`);
    }
  });
  return { object, managers };
}

function assertManaged(state: State, expected: Record<string, { paths: PathElement[][]; apiVersion?: string }>): void {
  assert.deepEqual([...state.managers.keys()].sort(), Object.keys(expected).sort(), "managers");
  for (const [name, want] of Object.entries(expected)) {
    const got = state.managers.get(name)!;
    const wantSet = FieldSet.of(...want.paths);
    assert.ok(got.set.equals(wantSet), `${name} owns:\n${got.set.toString()}\nexpected:\n${wantSet.toString()}`);
    if (want.apiVersion) assert.equal(got.apiVersion, want.apiVersion, `${name} apiVersion`);
  }
}

const leafFields = struct({ numeric: S, string: S, bool: S });

describe("ssa updater: leaf fields (merge/leaf_test)", () => {
  it("apply twice: the second config replaces the recorded set", () => {
    const st = run(leafFields, [
      { apply: "default", object: { numeric: 1, string: "string" } },
      { apply: "default", object: { numeric: 2, string: "string", bool: false } },
    ]);
    assert.deepEqual(st.object, { numeric: 2, string: "string", bool: false });
    assertManaged(st, { default: { paths: [P("numeric"), P("string"), P("bool")] } });
  });

  it("apply, update of another field, apply: no conflict, the updater keeps its field", () => {
    const st = run(leafFields, [
      { apply: "default", object: { numeric: 1, string: "string" } },
      { update: "controller", object: { numeric: 1, string: "string", bool: true } },
      { apply: "default", object: { numeric: 2, string: "string" } },
    ]);
    assert.deepEqual(st.object, { numeric: 2, string: "string", bool: true });
    assertManaged(st, { default: { paths: [P("numeric"), P("string")] }, controller: { paths: [P("bool")] } });
  });

  it("an update takes a field, the applier conflicts on it, force takes it back", () => {
    const st = run(leafFields, [
      { apply: "default", object: { numeric: 1, string: "string" } },
      { update: "controller", object: { numeric: 1, string: "controller string", bool: true }, apiVersion: "v2" },
      { apply: "default", object: { numeric: 2, string: "user string" }, conflicts: [["controller", ".string"]] },
      { apply: "default", object: { numeric: 2, string: "user string" }, force: true },
    ]);
    assert.deepEqual(st.object, { numeric: 2, string: "user string", bool: true });
    assertManaged(st, { default: { paths: [P("numeric"), P("string")] }, controller: { paths: [P("bool")], apiVersion: "v2" } });
  });

  it("fields the applier no longer sends are removed", () => {
    const st = run(leafFields, [
      { apply: "default", object: { numeric: 1, string: "string", bool: false } },
      { apply: "default", object: { string: "new string" } },
    ]);
    assert.deepEqual(st.object, { string: "new string" });
    assertManaged(st, { default: { paths: [P("string")] } });
  });

  it("a field an updater changed after the apply stays when the applier drops it", () => {
    const st = run(leafFields, [
      { apply: "default", object: { numeric: 2 } },
      { update: "controller", object: { numeric: 1 } },
      { apply: "default", object: {} },
    ]);
    assert.deepEqual(st.object, { numeric: 1 });
    assertManaged(st, { controller: { paths: [P("numeric")] } });
  });

  it("the same value from two appliers is not a conflict; both own it", () => {
    const st = run(leafFields, [
      { apply: "one", object: { numeric: 1 } },
      { apply: "two", object: { numeric: 1, string: "x" } },
    ]);
    assertManaged(st, { one: { paths: [P("numeric")] }, two: { paths: [P("numeric"), P("string")] } });
  });

  it("a co-owned field stays when one owner stops applying it", () => {
    const st = run(leafFields, [
      { apply: "one", object: { numeric: 1, string: "x" } },
      { apply: "two", object: { numeric: 1 } },
      { apply: "one", object: { string: "x" } },
    ]);
    assert.deepEqual(st.object, { numeric: 1, string: "x" });
    assertManaged(st, { one: { paths: [P("string")] }, two: { paths: [P("numeric")] } });
  });
});

const sets = struct({ list: set() });

describe("ssa updater: sets (merge/set_test)", () => {
  it("items of an updater and an applier coexist, and the applier replaces only its own", () => {
    const st = run(sets, [
      { apply: "default", object: { list: ["a", "c"] } },
      { update: "controller", object: { list: ["a", "b", "c", "d"] } },
      { apply: "default", object: { list: ["a", "aprime", "c", "cprime"] } },
    ]);
    assert.deepEqual([...(st.object as { list: string[] }).list].sort(), ["a", "aprime", "b", "c", "cprime", "d"]);
    assertManaged(st, {
      default: { paths: [P("list", v("a")), P("list", v("aprime")), P("list", v("c")), P("list", v("cprime"))] },
      controller: { paths: [P("list", v("b")), P("list", v("d"))] },
    });
  });

  it("an item another manager owns is a conflict only when it changes: adding it again is not", () => {
    const st = run(sets, [
      { update: "controller", object: { list: ["a", "b"] } },
      { apply: "default", object: { list: ["b", "c"] } },
    ]);
    assert.deepEqual(st.object, { list: ["a", "b", "c"] });
    // oracle: the updater created the list, so it owns the list itself too
    assertManaged(st, { controller: { paths: [P("list"), P("list", v("a")), P("list", v("b"))] }, default: { paths: [P("list", v("b")), P("list", v("c"))] } });
  });
});

const assocList = struct({ list: mapList(["name"], struct({ name: S, value: S })) });

describe("ssa updater: associative lists (merge/key_test, multiple_appliers_test)", () => {
  it("removes the items the applier dropped", () => {
    const st = run(assocList, [
      { apply: "default", object: { list: [{ name: "a", value: 1 }, { name: "b", value: 2 }] } },
      { apply: "default", object: { list: [{ name: "a", value: 2 }] } },
    ]);
    assert.deepEqual(st.object, { list: [{ name: "a", value: 2 }] });
    assertManaged(st, { default: { paths: [P("list", k({ name: "a" })), P("list", k({ name: "a" }), "name"), P("list", k({ name: "a" }), "value")] } });
  });

  it("conflicts on a value inside another applier's item", () => {
    const st = run(assocList, [
      { apply: "apply-one", object: { list: [{ name: "a", value: 0 }] } },
      { apply: "apply-two", object: { list: [{ name: "a", value: 1 }] }, conflicts: [["apply-one", '.list[name="a"].value']] },
    ]);
    assert.deepEqual(st.object, { list: [{ name: "a", value: 0 }] });
    assertManaged(st, { "apply-one": { paths: [P("list", k({ name: "a" })), P("list", k({ name: "a" }), "name"), P("list", k({ name: "a" }), "value")] } });
  });

  it("remove one, keep the items other appliers own", () => {
    const st = run(assocList, [
      { apply: "apply-one", object: { list: [{ name: "a" }, { name: "b" }, { name: "c" }] } },
      { apply: "apply-two", object: { list: [{ name: "c" }, { name: "d" }] } },
      { apply: "apply-one", object: { list: [{ name: "a" }] } },
    ]);
    assert.deepEqual(st.object, { list: [{ name: "a" }, { name: "c" }, { name: "d" }] });
    assertManaged(st, {
      "apply-one": { paths: [P("list", k({ name: "a" })), P("list", k({ name: "a" }), "name")] },
      "apply-two": { paths: [P("list", k({ name: "c" })), P("list", k({ name: "c" }), "name"), P("list", k({ name: "d" })), P("list", k({ name: "d" }), "name")] },
    });
  });
});

const nested = (() => {
  const recursive: SchemaNode & { additional?: SchemaNode } = { type: "map" };
  recursive.additional = recursive;
  return struct({
    listOfLists: mapList(["name"], struct({ name: S, value: set() })),
    listOfMaps: mapList(["name"], struct({ name: S, value: stringMap })),
    mapOfLists: { type: "map", additional: set() },
    mapOfMaps: { type: "map", additional: stringMap },
    mapOfMapsRecursive: recursive,
    struct: struct({ name: S, value: S }),
  });
})();

describe("ssa updater: nested types (merge/nested_test, multiple_appliers_test)", () => {
  it("a set inside a list-map item changes value", () => {
    const st = run(nested, [
      { apply: "default", object: { listOfLists: [{ name: "a", value: ["b", "c"] }] } },
      { apply: "default", object: { listOfLists: [{ name: "a", value: ["a", "c"] }] } },
    ]);
    assertManaged(st, {
      default: {
        paths: [P("listOfLists", k({ name: "a" })), P("listOfLists", k({ name: "a" }), "name"), P("listOfLists", k({ name: "a" }), "value", v("a")), P("listOfLists", k({ name: "a" }), "value", v("c"))],
      },
    });
    assert.deepEqual(st.object, { listOfLists: [{ name: "a", value: ["a", "c"] }] });
  });

  it("a map inside a list-map item changes key and value", () => {
    const st = run(nested, [
      { apply: "default", object: { listOfMaps: [{ name: "a", value: { b: "x", c: "y" } }] } },
      { apply: "default", object: { listOfMaps: [{ name: "b", value: { a: "x", c: "z" } }] } },
    ]);
    assert.deepEqual(st.object, { listOfMaps: [{ name: "b", value: { a: "x", c: "z" } }] });
    assertManaged(st, {
      default: { paths: [P("listOfMaps", k({ name: "b" })), P("listOfMaps", k({ name: "b" }), "name"), P("listOfMaps", k({ name: "b" }), "value", "a"), P("listOfMaps", k({ name: "b" }), "value", "c")] },
    });
  });

  it("a struct whose every field the applier dropped disappears entirely", () => {
    const st = run(nested, [
      { apply: "default", object: { struct: { name: "a", value: 1 } } },
      { apply: "default", object: {} },
    ]);
    assert.equal(st.object, null);
    assert.equal(st.managers.size, 0);
  });

  it("applying a struct as null keeps it owned, empty", () => {
    const st = run(nested, [
      { apply: "default", object: { struct: { name: "a" } } },
      { apply: "default", object: { struct: null } },
    ]);
    assert.deepEqual(st.object, { struct: null });
    assertManaged(st, { default: { paths: [P("struct")] } });
  });

  it("a field an updater added keeps its struct alive when the applier leaves", () => {
    const st = run(nested, [
      { apply: "default", object: { struct: { name: "a" } } },
      { update: "controller", object: { struct: { name: "a", value: 1 } } },
      { apply: "default", object: {} },
    ]);
    assert.deepEqual(st.object, { struct: { value: 1 } });
  });

  it("an updater that took over a field keeps it when the applier leaves", () => {
    const st = run(nested, [
      { apply: "default", object: { struct: { name: "a" } } },
      { update: "controller", object: { struct: { name: "b", value: 1 } } },
      { apply: "default", object: { struct: null } },
    ]);
    assert.deepEqual(st.object, { struct: { name: "b", value: 1 } });
  });

  it("an item dropped by its applier goes, even with sub-items an updater owns (oracle)", () => {
    const st = run(nested, [
      { apply: "apply-one", object: { listOfLists: [{ name: "a" }, { name: "b", value: ["c"] }] } },
      { apply: "apply-two", object: { listOfLists: [{ name: "a", value: ["b"] }] } },
      { update: "controller", object: { listOfLists: [{ name: "a", value: ["b"] }, { name: "b", value: ["c", "d"] }] } },
      { apply: "apply-one", object: { listOfLists: [{ name: "a" }] } },
    ]);
    assert.deepEqual(st.object, { listOfLists: [{ name: "a", value: ["b"] }] });
    assertManaged(st, {
      "apply-one": { paths: [P("listOfLists", k({ name: "a" })), P("listOfLists", k({ name: "a" }), "name")] },
      "apply-two": { paths: [P("listOfLists", k({ name: "a" })), P("listOfLists", k({ name: "a" }), "name"), P("listOfLists", k({ name: "a" }), "value", v("b"))] },
    });
  });

  it("an item co-owned by another applier stays with the other applier's sub-items", () => {
    const st = run(nested, [
      { apply: "apply-one", object: { listOfLists: [{ name: "a" }, { name: "b", value: ["c"] }] } },
      { apply: "apply-two", object: { listOfLists: [{ name: "b", value: ["d"] }] } },
      { update: "controller", object: { listOfLists: [{ name: "a" }, { name: "b", value: ["c", "d", "e"] }] } },
      { apply: "apply-one", object: { listOfLists: [{ name: "a" }] } },
    ]);
    assert.deepEqual(st.object, { listOfLists: [{ name: "a" }, { name: "b", value: ["d", "e"] }] });
    assertManaged(st, {
      "apply-one": { paths: [P("listOfLists", k({ name: "a" })), P("listOfLists", k({ name: "a" }), "name")] },
      "apply-two": { paths: [P("listOfLists", k({ name: "b" })), P("listOfLists", k({ name: "b" }), "name"), P("listOfLists", k({ name: "b" }), "value", v("d"))] },
      controller: { paths: [P("listOfLists", k({ name: "b" }), "value", v("e"))] },
    });
  });

  it("recursive maps with several appliers and updaters", () => {
    const st = run(nested, [
      { apply: "apply-one", object: { mapOfMapsRecursive: { a: { b: null }, c: { d: null } } } },
      { apply: "apply-two", object: { mapOfMapsRecursive: { a: null, c: { d: null } } } },
      { update: "controller-one", object: { mapOfMapsRecursive: { a: { b: { c: null } }, c: { d: { e: null } } } } },
      { update: "controller-two", object: { mapOfMapsRecursive: { a: { b: { c: { d: null } } }, c: { d: { e: { f: null } } } } } },
      { update: "controller-one", object: { mapOfMapsRecursive: { a: { b: { c: { d: { e: null } } } }, c: { d: { e: { f: { g: null } } } } } } },
      { apply: "apply-one", object: { mapOfMapsRecursive: null } },
    ]);
    assert.deepEqual(st.object, { mapOfMapsRecursive: { a: null, c: { d: { e: { f: { g: null } } } } } });
    assertManaged(st, {
      "apply-one": { paths: [P("mapOfMapsRecursive")] },
      "apply-two": { paths: [P("mapOfMapsRecursive", "a"), P("mapOfMapsRecursive", "c"), P("mapOfMapsRecursive", "c", "d")] },
      "controller-one": { paths: [P("mapOfMapsRecursive", "c", "d", "e"), P("mapOfMapsRecursive", "c", "d", "e", "f", "g")] },
      "controller-two": { paths: [P("mapOfMapsRecursive", "c", "d", "e", "f")] },
    });
  });
});

describe("ssa updater: untyped (deduced) values (multiple_appliers_test)", () => {
  it("maps are granular, every key a member", () => {
    const st = run(U, [
      { apply: "apply-one", object: { a: { b: null }, c: { d: null } } },
      { apply: "apply-two", object: { a: null, c: { d: null } } },
      { update: "controller-one", object: { a: { b: { c: null } }, c: { d: { e: null } } } },
      { update: "controller-two", object: { a: { b: { c: { d: null } } }, c: { d: { e: { f: null } } } } },
      { update: "controller-one", object: { a: { b: { c: { d: { e: null } } } }, c: { d: { e: { f: { g: null } } } } } },
      { apply: "apply-one", object: {} },
    ]);
    assert.deepEqual(st.object, { a: null, c: { d: { e: { f: { g: null } } } } });
    assertManaged(st, {
      "apply-two": { paths: [P("a"), P("c"), P("c", "d")] },
      "controller-one": { paths: [P("c", "d", "e"), P("c", "d", "e", "f", "g")] },
      "controller-two": { paths: [P("c", "d", "e", "f")] },
    });
  });

  it("lists are atomic: any change conflicts on the whole list (oracle)", () => {
    const st = run(U, [
      { apply: "one", object: { l: [1, 2], m: { x: 1 } } },
      { apply: "two", object: { l: [1, 2, 3] }, conflicts: [["one", ".l"]] },
      { apply: "two", object: { l: [1, 2, 3] }, force: true },
    ]);
    assert.deepEqual(st.object, { l: [1, 2, 3], m: { x: 1 } });
    assertManaged(st, { one: { paths: [P("m"), P("m", "x")] }, two: { paths: [P("l")] } });
  });
});

describe("ssa updater: atomic maps (multiple_appliers_test)", () => {
  const atomicMap = struct({ atomicMap: { type: "map", mapType: "atomic", fields: { field1: S, field2: S } } });
  it("any change conflicts on the whole map; force replaces it and takes it", () => {
    const st = run(atomicMap, [
      { apply: "apply-one", object: { atomicMap: { field1: "a" } } },
      { apply: "apply-two", object: { atomicMap: { field2: "b" } }, conflicts: [["apply-one", ".atomicMap"]] },
      { apply: "apply-two", object: { atomicMap: { field2: "b" } }, force: true },
    ]);
    assert.deepEqual(st.object, { atomicMap: { field2: "b" } });
    assertManaged(st, { "apply-two": { paths: [P("atomicMap")] } });
  });
});

const ports = struct({
  containerPorts: mapList(["port", "protocol"], struct({ port: S, protocol: { type: "scalar", default: "TCP" } as SchemaNode, name: S })),
});

describe("ssa updater: list maps with two keys and key defaults (merge/default_keys_test)", () => {
  it("an item without the defaulted key is the item with the default", () => {
    const st = run(ports, [
      { apply: "default", object: { containerPorts: [{ port: 80 }, { port: 80, protocol: "UDP" }] } },
      { apply: "default", object: { containerPorts: [{ port: 80, protocol: "TCP", name: "http" }] } },
    ]);
    assert.deepEqual(st.object, { containerPorts: [{ port: 80, protocol: "TCP", name: "http" }] });
    const item = k({ port: 80, protocol: "TCP" });
    assertManaged(st, { default: { paths: [P("containerPorts", item), P("containerPorts", item, "port"), P("containerPorts", item, "protocol"), P("containerPorts", item, "name")] } });
  });

  it("conflict paths name both keys", () => {
    run(ports, [
      { apply: "one", object: { containerPorts: [{ port: 53, protocol: "UDP", name: "dns" }] } },
      { apply: "two", object: { containerPorts: [{ port: 53, protocol: "UDP", name: "other" }] }, conflicts: [["one", '.containerPorts[port=53,protocol="UDP"].name']] },
    ]);
  });

  it("an item missing a key without default is rejected with upstream's message", () => {
    assert.throws(() => validateKeys(assocList, { list: [{ value: 1 }] }, false), {
      message: '.list: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    });
  });

  it("duplicate keys are rejected in an applied configuration but accepted in a live object", () => {
    const dup: JsonValue = { list: [{ name: "a" }, { name: "a", value: 1 }] };
    assert.throws(() => validateKeys(assocList, dup, false), { message: '.list: duplicate entries for key [name="a"]' });
    assert.doesNotThrow(() => validateKeys(assocList, dup, true));
  });
});

const pod = struct({
  metadata: struct({ labels: stringMap }),
  spec: struct({
    replicas: S,
    containers: mapList(
      ["name"],
      struct({
        name: S,
        image: S,
        args: { type: "list", listType: "atomic", items: S },
        ports: mapList(["containerPort", "protocol"], struct({ containerPort: S, protocol: { type: "scalar", default: "TCP" } as SchemaNode })),
      }),
    ),
  }),
});
const c = (name: string) => k({ name });

describe("ssa updater: updates and applies on a pod-like schema (oracle)", () => {
  it("an Update owns what it changed, including the containers it created; Apply then conflicts and force takes the field", () => {
    const st = run(pod, [
      { update: "kubectl-edit", object: { spec: { replicas: 3, containers: [{ name: "c", image: "i:1" }] } } },
      { apply: "flux", object: { spec: { replicas: 2, containers: [{ name: "c", image: "i:1" }] } }, conflicts: [["kubectl-edit", ".spec.replicas"]] },
      { apply: "flux", object: { spec: { replicas: 2, containers: [{ name: "c", image: "i:1" }] } }, force: true },
    ]);
    assert.deepEqual(st.object, { spec: { replicas: 2, containers: [{ name: "c", image: "i:1" }] } });
    assertManaged(st, {
      flux: { paths: [P("spec", "replicas"), P("spec", "containers", c("c")), P("spec", "containers", c("c"), "name"), P("spec", "containers", c("c"), "image")] },
      "kubectl-edit": { paths: [P("spec"), P("spec", "containers"), P("spec", "containers", c("c")), P("spec", "containers", c("c"), "name"), P("spec", "containers", c("c"), "image")] },
    });
  });

  it("an Update after an Apply takes the field; the applier dropping it later leaves it alone", () => {
    const st = run(pod, [
      { apply: "flux", object: { spec: { replicas: 2, containers: [{ name: "c", image: "i:1" }] } } },
      { update: "hpa", object: { spec: { replicas: 5, containers: [{ name: "c", image: "i:1" }] } } },
      { apply: "flux", object: { spec: { containers: [{ name: "c", image: "i:1" }] } } },
    ]);
    assert.deepEqual(st.object, { spec: { replicas: 5, containers: [{ name: "c", image: "i:1" }] } });
    assertManaged(st, {
      flux: { paths: [P("spec", "containers", c("c")), P("spec", "containers", c("c"), "name"), P("spec", "containers", c("c"), "image")] },
      hpa: { paths: [P("spec", "replicas")] },
    });
  });

  it("atomic lists are owned and replaced whole", () => {
    const st = run(pod, [
      { apply: "one", object: { spec: { containers: [{ name: "c", args: ["a", "b"] }] } } },
      { update: "ctl", object: { spec: { containers: [{ name: "c", args: ["a", "b", "x"] }] } } },
      { apply: "one", object: { spec: { containers: [{ name: "c", args: ["z"] }] } }, conflicts: [["ctl", '.spec.containers[name="c"].args']] },
      { apply: "one", object: { spec: { containers: [{ name: "c", args: ["z"] }] } }, force: true },
    ]);
    assert.deepEqual(st.object, { spec: { containers: [{ name: "c", args: ["z"] }] } });
    assertManaged(st, { one: { paths: [P("spec", "containers", c("c")), P("spec", "containers", c("c"), "name"), P("spec", "containers", c("c"), "args")] } });
  });

  it("nested list maps keyed by containerPort+protocol: appliers share the container, each owns its port", () => {
    const st = run(pod, [
      { apply: "one", object: { spec: { containers: [{ name: "c", image: "i", ports: [{ containerPort: 80 }] }] } } },
      { apply: "two", object: { spec: { containers: [{ name: "c", ports: [{ containerPort: 53, protocol: "UDP" }] }] } } },
      { apply: "one", object: { spec: { containers: [{ name: "c", image: "i" }] } } },
    ]);
    assert.deepEqual(st.object, { spec: { containers: [{ name: "c", image: "i", ports: [{ containerPort: 53, protocol: "UDP" }] }] } });
    const udp = k({ containerPort: 53, protocol: "UDP" });
    assertManaged(st, {
      one: { paths: [P("spec", "containers", c("c")), P("spec", "containers", c("c"), "name"), P("spec", "containers", c("c"), "image")] },
      two: {
        paths: [
          P("spec", "containers", c("c")),
          P("spec", "containers", c("c"), "name"),
          P("spec", "containers", c("c"), "ports", udp),
          P("spec", "containers", c("c"), "ports", udp, "containerPort"),
          P("spec", "containers", c("c"), "ports", udp, "protocol"),
        ],
      },
    });
  });
});

describe("ssa updater: duplicate keys in a live list", () => {
  // Objects written before validation existed may hold duplicate keys; upstream accepts them in live objects,
  // leaves them alone when the configuration does not name the key, and replaces them when it does.
  const live: JsonValue = { list: [{ name: "a", value: 1 }, { name: "dup", value: 1 }, { name: "dup", value: 2 }] };
  const withLive = (config: JsonValue) =>
    applyManagers({ schema: assocList, live, config, apiVersion: "v1", managers: new Map(), manager: "m", force: false });

  it("keeps the duplicates when the configuration does not touch them", () => {
    assert.deepEqual(withLive({ list: [{ name: "a", value: 5 }] }).object, { list: [{ name: "a", value: 5 }, { name: "dup", value: 1 }, { name: "dup", value: 2 }] });
  });

  it("replaces them with the applied item when it names their key", () => {
    assert.deepEqual(withLive({ list: [{ name: "dup", value: 3 }] }).object, { list: [{ name: "a", value: 1 }, { name: "dup", value: 3 }] });
  });
});

describe("ssa updater: list order after a merge", () => {
  // Upstream's merge (typed/merge.go, visitListItems) keeps items both sides share in the applied order, keeps
  // live-only items next to the item they followed, and inserts new items where the configuration puts them.
  it("new items go where the configuration puts them", () => {
    const st = run(sets, [
      { apply: "default", object: { list: ["a", "c"] } },
      { apply: "default", object: { list: ["a", "b", "c", "d"] } },
    ]);
    assert.deepEqual(st.object, { list: ["a", "b", "c", "d"] });
  });

  it("shared items follow the configuration's order; items of others keep their place", () => {
    const st = run(assocList, [
      { apply: "one", object: { list: [{ name: "a" }, { name: "b" }, { name: "c" }] } },
      { apply: "two", object: { list: [{ name: "x" }, { name: "b" }] } },
      { apply: "one", object: { list: [{ name: "c" }, { name: "a" }, { name: "b" }] } },
    ]);
    // After two: a, x, b, c (x placed before the shared b). One then reorders a, b, c; x stays first.
    assert.deepEqual(
      (st.object as { list: Array<{ name: string }> }).list.map((i) => i.name),
      ["x", "c", "a", "b"],
    );
  });
});
