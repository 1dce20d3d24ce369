/**
 * Structural-schema rules: the generated CRDs obey them (checked by an independent checker that Flux's own CRDs
 * also pass), and the TypeBox-to-CRD conversion maps or refuses each construct as Kubernetes requires.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Type } from "@sinclair/typebox";
import { allCRDs, structuralSchema, CRDGenerationError, intOrString, anyJSON, obj, opt, str, mapOf } from "../src/index.js";
import { structuralViolations } from "./helpers/structural.js";
import { loadOracles } from "./helpers/oracles.js";

test("every generated CRD version has a structural schema", () => {
  const violations = allCRDs().flatMap((crd) =>
    crd.spec.versions.flatMap((v) => structuralViolations(v.schema.openAPIV3Schema).map((m) => `${crd.metadata.name} ${v.name} ${m}`)),
  );
  assert.deepEqual(violations, []);
});

test("the checker accepts Flux's own CRDs (no false positives on real structural schemas)", () => {
  const violations = loadOracles().flatMap((o) =>
    o.crd.spec.versions.flatMap((v) => structuralViolations(v.schema.openAPIV3Schema).map((m) => `${o.file} ${v.name} ${m}`)),
  );
  assert.deepEqual(violations, []);
});

test("the checker flags each kind of non-structural schema", () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ["untyped field", { type: "object", properties: { a: { description: "x" } } }, /\.a: missing type/],
    ["map with properties", { type: "object", properties: { a: { type: "string" } }, additionalProperties: { type: "string" } }, /mutually exclusive/],
    ["$ref", { type: "object", properties: { a: { $ref: "#/x", type: "string" } } }, /\$ref/],
    ["type inside anyOf", { type: "object", properties: { a: { type: "string", anyOf: [{ type: "string" }, { type: "integer" }] } } }, /type is not allowed inside anyOf/],
    ["array without items", { type: "object", properties: { a: { type: "array" } } }, /array without items/],
    ["list-type map without keys", { type: "object", properties: { a: { type: "array", items: { type: "object" }, "x-kubernetes-list-type": "map" } } }, /needs x-kubernetes-list-map-keys/],
    ["restricted metadata", { type: "object", properties: { metadata: { type: "object", properties: { labels: { type: "object" } } } } }, /only name and generateName/],
    ["additionalProperties false", { type: "object", additionalProperties: false }, /additionalProperties: false/],
  ];
  for (const [name, schema, expected] of cases) {
    assert.match(structuralViolations(schema).join("\n"), expected, name);
  }
  const fine = { type: "object", properties: { port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] }, values: { "x-kubernetes-preserve-unknown-fields": true } } };
  assert.deepEqual(structuralViolations(fine), []);
});

test("structuralSchema turns maps, literal unions and int-or-string into their CRD forms and drops TypeBox-only keys", () => {
  const schema = Type.Object(
    {
      labels: opt(mapOf(str(), { description: "labels" })),
      mode: Type.Union([Type.Literal("a"), Type.Literal("b")]),
      port: opt(intOrString()),
      values: opt(anyJSON()),
      nested: opt(obj({ z: str(), a: str() })),
    },
    { $id: "Root", additionalProperties: false },
  );
  const out = structuralSchema(schema);
  assert.deepEqual(JSON.parse(JSON.stringify(out)), out, "plain JSON, no symbols");
  assert.equal("$id" in out, false);
  assert.equal("additionalProperties" in out, false);
  const props = out.properties as Record<string, Record<string, unknown>>;
  assert.deepEqual(props.labels, { description: "labels", type: "object", additionalProperties: { type: "string" } });
  assert.deepEqual(props.mode, { type: "string", enum: ["a", "b"] });
  assert.deepEqual(props.port, { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] });
  assert.deepEqual(props.values, { "x-kubernetes-preserve-unknown-fields": true });
  assert.deepEqual(props.nested!.required, ["a", "z"], "required is sorted, as controller-gen writes it");
  assert.deepEqual(out.required, ["mode"]);
  assert.deepEqual(structuralViolations(out), []);
});

test("structuralSchema refuses what a structural schema cannot say", () => {
  const refused = [
    Type.Object({ a: Type.Any() }),
    Type.Object({ a: Type.Union([Type.String(), Type.Number()]) }),
    Type.Object({ a: Type.Record(Type.String({ pattern: "^x" }), Type.String()) }),
    Type.Object({ a: Type.Tuple([Type.String(), Type.String()]) }),
    Type.Object({ a: Type.Intersect([Type.Object({ b: Type.String() }), Type.Object({ c: Type.String() })]) }),
  ];
  for (const schema of refused) {
    assert.throws(() => structuralSchema(schema, "Test"), (err: unknown) => err instanceof CRDGenerationError && err.path === ".a" && err.reason === "Invalid");
  }
});
