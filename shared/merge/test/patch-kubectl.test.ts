/**
 * JSON merge patch and JSON patch, differential against the real kubectl (`kubectl patch --local --type merge|json`),
 * which applies them with gopkg.in/evanphx/json-patch.v4 exactly as kube-apiserver does.
 */
import { before, describe, it } from "node:test";
import { applyJsonPatch, jsonMergePatch } from "../src/jsonpatch.js";
import { type OracleCase, type OracleResult, assertSameOutcome, kubectlPatchAll } from "./patch-oracle.js";
import { configMap, deployment } from "./smp-fixtures.js";

const cm = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "c", labels: { a: "1" } },
  data: { k: "v", n: null },
  list: [1, 2, 3],
  objs: [{ name: "x", v: 1 }, { name: "y", v: 2 }],
};

const mergeCases: OracleCase[] = [
  { name: "merge and delete keys", original: cm, patch: { data: { k: null, added: "z" }, metadata: { labels: { b: "2" } } } },
  { name: "nulls are pruned from inserted objects", original: cm, patch: { data: { fresh: { a: null, b: 1, c: { d: null } } } } },
  { name: "arrays replace; nulls inside objects in them are pruned, null elements kept", original: cm, patch: { list: [1, null, { a: null, b: 2 }] } },
  { name: "an array replacing an object is kept as is", original: cm, patch: { data: [1, null, { a: null }] } },
  { name: "an object replacing an array is pruned", original: cm, patch: { list: { q: null, r: 1 } } },
  { name: "an object replacing a scalar", original: cm, patch: { metadata: { labels: { a: { x: null, y: 1 } } } } },
  { name: "an object replacing null", original: cm, patch: { data: { n: { x: null, y: 2 } } } },
  { name: "an array replacing null", original: cm, patch: { data: { n: [{ z: null }] } } },
  { name: "lists are never merged", original: deployment, patch: { spec: { template: { spec: { containers: [{ name: "a", image: "nginx:2" }] } } } } },
  { name: "empty patch", original: configMap, patch: {} },
  { name: "__proto__ is a plain key", original: configMap, patch: { data: { ["__proto__"]: "p" } } },
  { name: "null patch is refused", original: cm, patch: null },
  { name: "string patch is refused", original: cm, patch: "str" },
];

const jsonCases: OracleCase[] = [
  { name: "add, replace, remove", original: cm, patch: [{ op: "add", path: "/data/x", value: "1" }, { op: "replace", path: "/data/k", value: "w" }, { op: "remove", path: "/metadata/labels/a" }] },
  { name: "test passes then applies", original: cm, patch: [{ op: "test", path: "/data/k", value: "v" }, { op: "add", path: "/data/t", value: true }] },
  { name: "test fails", original: cm, patch: [{ op: "test", path: "/data/k", value: "x" }] },
  { name: "test null against a missing key passes", original: cm, patch: [{ op: "test", path: "/data/zz", value: null }] },
  { name: "test null against a null value passes", original: cm, patch: [{ op: "test", path: "/data/n", value: null }] },
  { name: "test of an object compares deeply", original: cm, patch: [{ op: "test", path: "/metadata", value: { labels: { a: "1" }, name: "c" } }] },
  { name: "test of an object with an extra key fails", original: cm, patch: [{ op: "test", path: "/metadata", value: { labels: { a: "1" }, name: "c", x: 1 } }] },
  { name: "test of a subset fails", original: cm, patch: [{ op: "test", path: "/metadata", value: { name: "c" } }] },
  { name: "test under a missing parent", original: cm, patch: [{ op: "test", path: "/nope/zz", value: null }] },
  { name: "test without value of a null panics upstream", original: cm, patch: [{ op: "test", path: "/data/n" }] },
  { name: "remove of a missing key", original: cm, patch: [{ op: "remove", path: "/data/zz" }] },
  { name: "replace of a missing key adds it", original: cm, patch: [{ op: "replace", path: "/data/zz", value: 1 }] },
  { name: "add under a missing parent", original: cm, patch: [{ op: "add", path: "/nope/zz", value: 1 }] },
  { name: "add under a scalar", original: cm, patch: [{ op: "add", path: "/data/k/x", value: 1 }] },
  { name: "add under an array element that is a scalar", original: cm, patch: [{ op: "add", path: "/list/1/x", value: 1 }] },
  { name: "add into an array element object", original: cm, patch: [{ op: "add", path: "/objs/1/w", value: 3 }] },
  { name: "add without value adds null", original: cm, patch: [{ op: "add", path: "/a" }] },
  { name: "array add past the end", original: cm, patch: [{ op: "add", path: "/list/9", value: 1 }] },
  { name: "array add at the end and with -", original: cm, patch: [{ op: "add", path: "/list/3", value: 4 }, { op: "add", path: "/list/-", value: 5 }] },
  { name: "array add at a negative index", original: cm, patch: [{ op: "add", path: "/list/-1", value: 9 }, { op: "add", path: "/list/-5", value: 0 }] },
  { name: "array add with a leading zero", original: cm, patch: [{ op: "add", path: "/list/01", value: 9 }] },
  { name: "array add with a non-numeric index", original: cm, patch: [{ op: "add", path: "/list/x", value: 1 }] },
  { name: "array remove at a negative index", original: cm, patch: [{ op: "remove", path: "/list/-1" }] },
  { name: "array remove out of range", original: cm, patch: [{ op: "remove", path: "/list/3" }] },
  { name: "array replace at a negative index", original: cm, patch: [{ op: "replace", path: "/list/-1", value: 0 }] },
  { name: "array replace out of range", original: cm, patch: [{ op: "replace", path: "/list/7", value: 0 }] },
  { name: "move within and between containers", original: cm, patch: [{ op: "move", from: "/list/0", path: "/list/-" }, { op: "move", from: "/data/k", path: "/metadata/labels/k" }] },
  { name: "move from a missing key", original: cm, patch: [{ op: "move", from: "/data/zz", path: "/data/y" }] },
  { name: "copy deep-copies", original: cm, patch: [{ op: "copy", from: "/objs/0", path: "/objs/-" }, { op: "replace", path: "/objs/2/v", value: 9 }] },
  { name: "copy from a missing key copies null", original: cm, patch: [{ op: "copy", from: "/data/nope", path: "/data/y" }] },
  { name: "escaped path segments", original: cm, patch: [{ op: "add", path: "/data/a~1b", value: 1 }, { op: "add", path: "/data/c~0d", value: 2 }] },
  { name: "replace of the whole document", original: cm, patch: [{ op: "replace", path: "", value: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "z" } } }] },
  { name: "add at the root path", original: cm, patch: [{ op: "add", path: "", value: { kind: "ConfigMap" } }] },
  { name: "remove at the root path", original: cm, patch: [{ op: "remove", path: "" }] },
  { name: "a later failure fails the whole patch", original: cm, patch: [{ op: "add", path: "/data/x", value: "1" }, { op: "remove", path: "/data/missing" }] },
  { name: "unknown op", original: cm, patch: [{ op: "bogus", path: "/a" }] },
  { name: "missing op", original: cm, patch: [{ path: "/a" }] },
  { name: "add without path", original: cm, patch: [{ op: "add", value: 1 }] },
  { name: "remove without path", original: cm, patch: [{ op: "remove" }] },
  { name: "replace without path", original: cm, patch: [{ op: "replace", value: 1 }] },
  { name: "move without from", original: cm, patch: [{ op: "move", path: "/a" }] },
  { name: "__proto__ is a plain key", original: cm, patch: [{ op: "add", path: "/data/__proto__", value: "p" }, { op: "add", path: "/data/__proto__/x", value: 1 }] },
  { name: "a body that is not a list", original: cm, patch: { op: "add" } },
  { name: "an operation that is not an object", original: cm, patch: ["x"] },
];

/** kubectl (not the server) rewrites this one evanphx message before printing it (cmd/patch getPatchedJSON). */
function asKubectlPrints(message: string): string {
  const at = message.indexOf("doc is missing key");
  if (at < 0) return message;
  return `Object to be patched is missing field (${message.slice(message.indexOf("key:") + 5)})`;
}

describe("JSON merge patch matches kubectl patch --local --type merge", () => {
  let oracle: OracleResult[] = [];
  before(async () => {
    oracle = await kubectlPatchAll("merge", mergeCases);
  });
  mergeCases.forEach((c, i) => {
    it(c.name, () => assertSameOutcome(oracle[i]!, () => jsonMergePatch(c.original, c.patch)));
  });
});

describe("JSON patch matches kubectl patch --local --type json", () => {
  let oracle: OracleResult[] = [];
  before(async () => {
    oracle = await kubectlPatchAll("json", jsonCases);
  });
  jsonCases.forEach((c, i) => {
    it(c.name, () =>
      assertSameOutcome(oracle[i]!, () => applyJsonPatch(c.original, c.patch), (err) => asKubectlPrints(err.causes[0]?.message ?? err.message)),
    );
  });
});
