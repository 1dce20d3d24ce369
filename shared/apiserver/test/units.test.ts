/** Unit tests of the small algorithms, against upstream's own test vectors where they exist. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { humanDuration } from "../src/util.js";
import { parseLabelSelector, parseFieldSelector, SelectorParseError, labelSelectorString } from "../src/selectors.js";
import { compileJsonPath } from "../src/jsonpath.js";
import { goDuration } from "../src/protobuf/decode.js";
import { compareKubeVersions } from "../src/registry.js";

describe("humanDuration (k8s.io/apimachinery/pkg/util/duration test vectors)", () => {
  const s = 1000;
  const m = 60 * s;
  const h = 60 * m;
  for (const [ms, want] of [
    [s, "1s"],
    [70 * s, "70s"],
    [190 * s, "3m10s"],
    [70 * m, "70m"],
    [47 * h, "47h"],
    [49 * h, "2d1h"],
    [(8 * 24 + 2) * h, "8d"],
    [367 * 24 * h, "367d"],
    [(365 * 2 * 24 + 25) * h, "2y1d"],
    [(365 * 8 * 24 + 2) * h, "8y"],
  ] as const)
    test(`${ms}ms -> ${want}`, () => assert.equal(humanDuration(ms), want));
});

describe("label selectors", () => {
  const labels = { app: "web", tier: "front", version: "3" };
  const cases: Array<[string, boolean]> = [
    ["app=web", true],
    ["app==web", true],
    ["app!=web", false],
    ["app in (web, api)", true],
    ["app notin (web)", false],
    ["missing notin (x)", true],
    ["app", true],
    ["!app", false],
    ["!missing", true],
    ["app=web,tier=back", false],
    ["app=web,tier in (front,back)", true],
    ["version>2", true],
    ["version<3", false],
    ["", true],
  ];
  for (const [sel, want] of cases) test(`"${sel}" ${want ? "matches" : "does not match"}`, () => assert.equal(parseLabelSelector(sel).matches(labels), want));

  for (const bad of ["app in (web", "app=web,", "=web", "app in web", "app notin", "x=y=z", "a b"])
    test(`"${bad}" is rejected`, () => assert.throws(() => parseLabelSelector(bad), SelectorParseError));

  test("metav1.LabelSelector renders as the string form the scale subresource reports", () => {
    assert.equal(
      labelSelectorString({ matchLabels: { b: "2", a: "1" }, matchExpressions: [{ key: "c", operator: "In", values: ["y", "x"] }, { key: "d", operator: "DoesNotExist" }] }),
      "!d,a=1,b=2,c in (x,y)",
    );
  });
});

describe("field selectors", () => {
  test("escapes, operators and multiple terms", () => {
    const sel = parseFieldSelector("metadata.name=a\\,b,spec.x!=y,status.phase==Running");
    assert.deepEqual(sel.requirements, [
      { field: "metadata.name", op: "=", value: "a,b" },
      { field: "spec.x", op: "!=", value: "y" },
      { field: "status.phase", op: "=", value: "Running" },
    ]);
    assert.throws(() => parseFieldSelector("nooperator"), SelectorParseError);
  });
});

describe("JSONPath for printer columns", () => {
  const obj = {
    metadata: { name: "x", labels: { "app.kubernetes.io/name": "n" } },
    status: { conditions: [{ type: "Reconciling", status: "False" }, { type: "Ready", status: "True", message: "ok" }], replicas: 3 },
    spec: { items: [{ v: 1 }, { v: 2 }] },
  };
  for (const [path, want] of [
    [".status.replicas", [3]],
    ['.status.conditions[?(@.type=="Ready")].status', ["True"]],
    [".status.conditions[?(@.type=='Ready')].message", ["ok"]],
    [".spec.items[*].v", [1, 2]],
    [".spec.items[-1].v", [2]],
    [".metadata.labels['app.kubernetes.io/name']", ["n"]],
    [".metadata.labels.app\\.kubernetes\\.io/name", ["n"]],
    ["{.metadata.name}", ["x"]],
    [".status.missing", []],
  ] as const)
    test(path, () => assert.deepEqual(compileJsonPath(path)(obj), want));
});

describe("Go time.Duration strings (protobuf metav1.Duration)", () => {
  for (const [ns, want] of [
    [0n, "0s"],
    [1500n, "1.5µs"],
    [2_000_000n, "2ms"],
    [90_000_000_000n, "1m30s"],
    [3_600_000_000_000n, "1h0m0s"],
    [5_400_500_000_000n, "1h30m0.5s"],
  ] as const)
    test(`${ns}ns -> ${want}`, () => assert.equal(goDuration(ns), want));
});

describe("version priority", () => {
  test("GA before beta before alpha, higher first, others last", () => {
    const sorted = ["v1alpha1", "v11alpha2", "foo1", "v10beta3", "v1", "v2beta1", "v12alpha1", "v10", "v3beta1", "v2", "foo10", "v11beta2"].sort(compareKubeVersions);
    // upstream's example order (apiextensions version priority docs)
    assert.deepEqual(sorted, ["v10", "v2", "v1", "v11beta2", "v10beta3", "v3beta1", "v2beta1", "v12alpha1", "v11alpha2", "v1alpha1", "foo1", "foo10"]);
  });
});

describe("store history", () => {
  test("count-bounded and time-bounded; resuming from before the horizon is refused", async () => {
    const { Store } = await import("../src/store.js");
    const s = new Store({ historySize: 1000, historyMaxAgeMs: 5 });
    const first = s.create("b", "k0", { apiVersion: "v1", kind: "X", metadata: { name: "k0" } }).rv;
    for (let i = 1; i < 10; i++) s.create("b", `k${i}`, { apiVersion: "v1", kind: "X", metadata: { name: `k${i}` } });
    assert.equal(s.eventsSince("b", first)?.length, 9);
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 10; i < 64; i++) s.create("b", `k${i}`, { apiVersion: "v1", kind: "X", metadata: { name: `k${i}` } });
    assert.equal(s.eventsSince("b", first), undefined);
    assert.equal(s.eventsSince("b", s.horizon("b"))?.length, 54);
    const small = new Store({ historySize: 4 });
    const rv = small.create("b", "a", { apiVersion: "v1", kind: "X", metadata: { name: "a" } }).rv;
    for (let i = 0; i < 10; i++) small.update("b", "a", { apiVersion: "v1", kind: "X", metadata: { name: "a" }, data: { i } });
    assert.equal(small.eventsSince("b", rv), undefined);
    assert.deepEqual(small.eventsSince("b", small.rv - 2)?.map((e) => e.type), ["MODIFIED", "MODIFIED"]);
  });
});
