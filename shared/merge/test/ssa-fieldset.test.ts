/**
 * Field sets and their FieldsV1 encoding.
 *
 * No kube-apiserver exists here. The expected FieldsV1 texts below were produced by the real
 * structured-merge-diff (v4.1.2, `Set.ToJSON`) through test/ssa-oracle/main.go for the same objects and schema;
 * the set algebra cases are ported from its fieldpath/set_test.go.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SchemaNode } from "../src/schema.js";
import {
  decodeFieldsV1,
  encodeFieldsV1,
  FieldSet,
  FieldsV1Error,
  fieldSetOf,
  indexElement,
  keyElement,
  makePath,
  pathString,
  valueElement,
  type JsonObject,
} from "../src/ssa/index.js";

const S: SchemaNode = { type: "scalar" };
const stringMap: SchemaNode = { type: "map", additional: S };
const podLike: SchemaNode = {
  type: "map",
  fields: {
    metadata: { type: "map", fields: { labels: stringMap, finalizers: { type: "list", listType: "set", items: S } } },
    spec: {
      type: "map",
      fields: {
        replicas: S,
        selector: { type: "map", mapType: "atomic", fields: { matchLabels: stringMap } },
        containers: {
          type: "list",
          listType: "map",
          keys: ["name"],
          items: {
            type: "map",
            fields: {
              name: S,
              image: S,
              args: { type: "list", listType: "atomic", items: S },
              ports: {
                type: "list",
                listType: "map",
                keys: ["containerPort", "protocol"],
                items: { type: "map", fields: { containerPort: S, protocol: { type: "scalar", default: "TCP" } as SchemaNode } },
              },
            },
          },
        },
      },
    },
  },
};

const podObject: JsonObject = {
  metadata: { labels: { app: "web", tier: "a<b&c" }, finalizers: ["example.com/x", "b"] },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "web" } },
    containers: [
      { name: "app", image: "i:1", args: ["--x"], ports: [{ containerPort: 80 }, { containerPort: 53, protocol: "UDP" }] },
      { name: "s<d>e&", image: "i:2" },
    ],
  },
};

// Set.ToJSON of the applied object's field set (oracle). Keys sort as path elements: field names, then keys (by
// name, then value: 53 before 80), then values; "." first; key JSON escapes <, > and & as Go does.
const podFieldsV1 =
  '{"f:metadata":{"f:finalizers":{"v:\\"b\\"":{},"v:\\"example.com/x\\"":{}},"f:labels":{"f:app":{},"f:tier":{}}},' +
  '"f:spec":{"f:containers":{"k:{\\"name\\":\\"app\\"}":{".":{},"f:args":{},"f:image":{},"f:name":{},"f:ports":{' +
  '"k:{\\"containerPort\\":53,\\"protocol\\":\\"UDP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}},' +
  '"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}},' +
  '"k:{\\"name\\":\\"s\\\\u003cd\\\\u003ee\\\\u0026\\"}":{".":{},"f:image":{},"f:name":{}}},"f:replicas":{},"f:selector":{}}}';

// Set.ToJSON of what an Update adding spec.paused and spec.template.metadata.labels.a owns (oracle).
const updateFieldsV1 = '{"f:spec":{"f:paused":{},"f:template":{".":{},"f:metadata":{".":{},"f:labels":{".":{},"f:a":{}}}}}}';

describe("ssa FieldsV1", () => {
  it("encodes the field set of an object exactly as upstream serializes it", () => {
    const set = fieldSetOf(podObject, podLike);
    assert.equal(JSON.stringify(encodeFieldsV1(set)), podFieldsV1);
  });

  it("decodes upstream's encoding back to the same set, and re-encodes it byte for byte", () => {
    for (const text of [podFieldsV1, updateFieldsV1]) {
      const decoded = decodeFieldsV1(text);
      assert.equal(JSON.stringify(encodeFieldsV1(decoded)), text);
      assert.ok(decodeFieldsV1(JSON.parse(text)).equals(decoded), "object and text forms decode alike");
    }
    assert.ok(decodeFieldsV1(podFieldsV1).equals(fieldSetOf(podObject, podLike)));
  });

  it("a node that is both owned and a parent carries '.'", () => {
    const set = decodeFieldsV1(updateFieldsV1);
    assert.ok(set.has(makePath("spec", "template")));
    assert.ok(set.has(makePath("spec", "template", "metadata", "labels", "a")));
    assert.ok(!set.has(makePath("spec")));
  });

  it("round-trips index elements and drops unknown element types, as upstream's reader does", () => {
    const set = decodeFieldsV1({ "f:list": { "i:0": {}, "i:12": { "f:x": {} } }, "x:future": {} });
    assert.deepEqual(
      [...set.paths()].map(pathString),
      [".list[0]", ".list[12].x"],
    );
    assert.deepEqual(encodeFieldsV1(set), { "f:list": { "i:0": {}, "i:12": { "f:x": {} } } });
  });

  it("rejects malformed input", () => {
    assert.throws(() => decodeFieldsV1("{not json"), FieldsV1Error);
    assert.throws(() => decodeFieldsV1({ "k:[1]": {} }), FieldsV1Error);
    assert.throws(() => decodeFieldsV1({ "i:x": {} }), FieldsV1Error);
    assert.throws(() => decodeFieldsV1({ "f:a": "b" }), FieldsV1Error);
    assert.throws(() => decodeFieldsV1([]), FieldsV1Error);
  });

  it("keeps a __proto__ field an own key", () => {
    const set = FieldSet.of(makePath("__proto__", "x"));
    const encoded = encodeFieldsV1(set);
    assert.deepEqual(Object.keys(encoded), ["f:__proto__"]);
    assert.equal(Object.getPrototypeOf(encoded), Object.prototype);
    assert.ok(decodeFieldsV1(JSON.stringify(encoded)).has(makePath("__proto__", "x")));
  });
});

describe("ssa paths", () => {
  it("print as upstream's Path.String()", () => {
    assert.equal(
      pathString(makePath("spec", "containers", keyElement({ name: "app" }), "ports", keyElement({ protocol: "TCP", containerPort: 80 }), "name")),
      '.spec.containers[name="app"].ports[containerPort=80,protocol="TCP"].name',
    );
    assert.equal(pathString(makePath("metadata", "finalizers", valueElement("a"))), '.metadata.finalizers[=\"a\"]');
    assert.equal(pathString(makePath("list", indexElement(3))), ".list[3]");
    assert.equal(pathString(makePath("list", valueElement(1.5), "x")), ".list[=1.5].x");
  });
});

describe("ssa field set algebra (fieldpath/set_test)", () => {
  const a = makePath("a");
  const ab = makePath("a", "b");
  const abc = makePath("a", "b", "c");
  const x = makePath("x");

  it("union, intersection", () => {
    const s1 = FieldSet.of(a, ab, x);
    const s2 = FieldSet.of(ab, abc);
    assert.deepEqual([...s1.union(s2)].map(pathString), [".a", ".x", ".a.b", ".a.b.c"]);
    assert.deepEqual([...s1.intersection(s2)].map(pathString), [".a.b"]);
    assert.equal(s1.union(s2).size, 4);
  });

  it("difference removes members only; recursiveDifference removes whole subtrees", () => {
    const s = FieldSet.of(a, ab, abc, x);
    assert.deepEqual([...s.difference(FieldSet.of(ab))].map(pathString), [".a", ".x", ".a.b.c"]);
    assert.deepEqual([...s.recursiveDifference(FieldSet.of(ab))].map(pathString), [".a", ".x"]);
    assert.ok(s.difference(s).isEmpty());
  });

  it("has and withPrefix", () => {
    const s = FieldSet.of(abc, x);
    assert.ok(s.has(abc));
    assert.ok(!s.has(ab), "a parent of a member is not itself a member");
    assert.ok(!s.has([]), "nobody owns the whole object");
    assert.deepEqual([...s.withPrefix(a[0]!)].map(pathString), [".b.c"]);
    assert.ok(s.withPrefix(makePath("nope")[0]!).isEmpty());
  });

  it("iterates a node's members before its children, in path-element order", () => {
    const s = FieldSet.of(makePath("b"), makePath("a", "z"), makePath("l", valueElement("v")), makePath("l", keyElement({ k: 1 })), makePath("a"));
    assert.deepEqual([...s].map(pathString), [".a", ".b", ".a.z", '.l[k=1]', '.l[="v"]']);
  });

  it("orders values across types as upstream: numbers, strings, booleans, lists, maps, null", () => {
    const s = FieldSet.of(...[null, { a: 1 }, [1], true, "s", 2].map((val) => makePath("l", valueElement(val))));
    assert.deepEqual(Object.keys(encodeFieldsV1(s)["f:l"] as object), ["v:2", 'v:"s"', "v:true", "v:[1]", 'v:{"a":1}', "v:null"]);
  });
});
