/**
 * Custom resource schema processing on Flux's real CRDs: pruning, defaulting and OpenAPI validation.
 * Expected causes follow kube-openapi's validator messages as apiextensions-apiserver maps them to field
 * errors (kubeOpenAPIResultToFieldErrors), e.g. `spec.interval: Invalid value: "1x": spec.interval in body
 * should match '...'`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { compileVersionSchema, formatCause, type CompiledSchema } from "../src/crd/index.js";
import { fluxSchema } from "./crd-fixtures.js";

const gitRepo = compileVersionSchema(fluxSchema("gitrepositories"));
const helmRelease = compileVersionSchema(fluxSchema("helmreleases"));

function repo(spec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", metadata: { name: "podinfo", namespace: "flux-system" }, spec, ...extra };
}

const CEL_SKIPPED =
  '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

/** prune → default → validate, as the server runs a write. */
function admit(c: CompiledSchema, obj: object, old?: object): string[] {
  const pruned = c.prune(obj).object;
  return c.validate(c.applyDefaults(pruned), old ? c.applyDefaults(c.prune(old).object) : undefined).map(formatCause);
}

test("prune drops unspecified fields, reports them sorted as .paths, and leaves the root's metadata alone", () => {
  const input = repo(
    { url: "https://example.com/repo", interval: "1m", zzz: 1, ref: { branch: "main", bogus: true }, include: [{ repository: { name: "x" }, extra: 1 }] },
    { status: { observedGeneration: 1, other: "x" }, top: 1 },
  );
  const { object, unknownFields } = gitRepo.prune(input);
  assert.deepEqual(unknownFields, [".spec.include[0].extra", ".spec.ref.bogus", ".spec.zzz", ".status.other", ".top"]);
  assert.deepEqual(object, {
    ...repo({ url: "https://example.com/repo", interval: "1m", ref: { branch: "main" }, include: [{ repository: { name: "x" } }] }),
    status: { observedGeneration: 1 },
  });
  assert.equal((input.spec as Record<string, unknown>).zzz, 1, "the input is not modified");

  const withMeta = gitRepo.prune({ ...repo({ url: "u", interval: "1m" }), metadata: { name: "a", labels: { x: "y" }, whatever: 1 } });
  assert.deepEqual(withMeta.unknownFields, []);
  assert.deepEqual((withMeta.object as Record<string, unknown>).metadata, { name: "a", labels: { x: "y" }, whatever: 1 });
});

test("prune keeps x-kubernetes-preserve-unknown-fields subtrees (HelmRelease values)", () => {
  const hr = {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name: "podinfo" },
    spec: { interval: "5m", chartRef: { kind: "OCIRepository", name: "podinfo" }, values: { replicaCount: 2, nested: { any: ["thing"] } }, nope: 1 },
  };
  const { object, unknownFields } = helmRelease.prune(hr);
  assert.deepEqual(unknownFields, [".spec.nope"]);
  assert.deepEqual((object as any).spec.values, { replicaCount: 2, nested: { any: ["thing"] } });
});

test("prune: embedded resources keep apiVersion/kind/metadata, with metadata cut to ObjectMeta", () => {
  const c = compileVersionSchema({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          template: {
            type: "object",
            "x-kubernetes-embedded-resource": true,
            properties: { spec: { type: "object", properties: { replicas: { type: "integer" } } } },
          },
        },
      },
    },
  });
  const { object, unknownFields } = c.prune({
    spec: { template: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x", labels: { a: "b" }, color: "red" }, spec: { replicas: 1, paused: true }, extra: 1 } },
  });
  assert.deepEqual(unknownFields, [".spec.template.extra", ".spec.template.metadata.color", ".spec.template.spec.paused"]);
  assert.deepEqual(object, { spec: { template: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x", labels: { a: "b" } }, spec: { replicas: 1 } } } });
});

test("defaults apply to missing fields, including status defaults of Flux CRDs", () => {
  const out = gitRepo.applyDefaults(repo({ url: "https://example.com/repo", interval: "1m", verify: { secretRef: { name: "k" } } })) as any;
  assert.equal(out.spec.timeout, "60s");
  assert.equal(out.spec.verify.mode, "HEAD");
  assert.deepEqual(out.status, { observedGeneration: -1 });
  const kept = gitRepo.applyDefaults(repo({ url: "u", interval: "1m", timeout: "5s" })) as any;
  assert.equal(kept.spec.timeout, "5s");
});

test("defaults inside array items and additionalProperties; nulls: non-nullable replaced or dropped, nullable kept", () => {
  const c = compileVersionSchema({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          ports: { type: "array", items: { type: "object", properties: { protocol: { type: "string", default: "TCP" }, port: { type: "integer" } } } },
          limits: { type: "object", additionalProperties: { type: "object", properties: { max: { type: "integer", default: 10 } } } },
          mode: { type: "string", default: "auto" },
          note: { type: "string", nullable: true, default: "hello" },
          gone: { type: "string" },
          inner: { type: "object", default: {}, properties: { level: { type: "integer", default: 3 } } },
        },
      },
    },
  });
  const out = c.applyDefaults({ spec: { ports: [{ port: 80 }, { port: 53, protocol: "UDP" }], limits: { cpu: {}, mem: { max: 2 } }, mode: null, note: null, gone: null } });
  assert.deepEqual(out, {
    spec: {
      ports: [
        { port: 80, protocol: "TCP" },
        { port: 53, protocol: "UDP" },
      ],
      limits: { cpu: { max: 10 }, mem: { max: 2 } },
      mode: "auto",
      note: null,
      inner: { level: 3 },
    },
  });
});

test("validation messages: pattern, required, enum, type, maxLength, minimum, format", () => {
  assert.deepEqual(admit(gitRepo, repo({ url: "https://example.com/repo", interval: "1x" })), [
    `spec.interval: Invalid value: "1x": spec.interval in body should match '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$'`,
  ]);
  assert.equal(admit(gitRepo, repo({ interval: "1m" }))[0], "spec.url: Required value");
  const got = admit(gitRepo, repo({ url: "https://example.com/repo", interval: 60, provider: "gitea" }));
  assert.deepEqual(got.slice(0, 2), [
    'spec.interval: Invalid value: "integer": spec.interval in body must be of type string: "integer"',
    'spec.provider: Unsupported value: "gitea": supported values: "generic", "aws", "azure", "github"',
  ]);

  const hr = (spec: Record<string, unknown>, status?: Record<string, unknown>) => ({
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name: "a" },
    spec: { interval: "5m", chartRef: { kind: "OCIRepository", name: "podinfo" }, ...spec },
    ...(status ? { status } : {}),
  });
  assert.deepEqual(admit(helmRelease, hr({ releaseName: "r".repeat(54) })), ["spec.releaseName: Too long: may not be longer than 53", CEL_SKIPPED]);
  const badCondition = { type: "Ready", status: "True", reason: "Ok", message: "", lastTransitionTime: "yesterday", observedGeneration: -2 };
  assert.deepEqual(admit(helmRelease, hr({}, { conditions: [badCondition] })), [
    'status.conditions[0].lastTransitionTime: Invalid value: "yesterday": status.conditions[0].lastTransitionTime in body must be of type date-time: "yesterday"',
    "status.conditions[0].observedGeneration: Invalid value: -2: status.conditions[0].observedGeneration in body should be greater than or equal to 0",
    CEL_SKIPPED,
  ]);
});

test("a required or type error blocks CEL rules, with upstream's root-level notice", () => {
  const got = admit(gitRepo, repo({ interval: "1m", serviceAccountName: "sa" }));
  assert.deepEqual(got, ["spec.url: Required value", CEL_SKIPPED]);
});

test("list-type set and map invariants report duplicates", () => {
  const c = compileVersionSchema({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          tags: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
          ports: {
            type: "array",
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["name"],
            items: { type: "object", required: ["name"], properties: { name: { type: "string" }, port: { type: "integer" } } },
          },
        },
      },
    },
  });
  const got = c.validate({ spec: { tags: ["a", "b", "a"], ports: [{ name: "http", port: 80 }, { name: "http", port: 8080 }] } }).map(formatCause);
  assert.deepEqual(got, ['spec.tags[2]: Duplicate value: "a"', 'spec.ports[1]: Duplicate value: map[string]interface {}{"name":"http"}']);
});

test("ratcheting: on update, errors on unchanged values are not reported, changed ones are", () => {
  const old = repo({ url: "https://example.com/repo", interval: "1x" });
  assert.deepEqual(admit(gitRepo, old, old), []);
  const changedElsewhere = repo({ url: "https://example.com/other", interval: "1x" });
  assert.deepEqual(admit(gitRepo, changedElsewhere, old), []);
  const changed = repo({ url: "https://example.com/repo", interval: "2x" });
  assert.equal(admit(gitRepo, changed, old).length, 1);
});

test("int-or-string and nullable fields", () => {
  const c = compileVersionSchema({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
          note: { type: "string", nullable: true },
        },
      },
    },
  });
  assert.deepEqual(c.validate({ spec: { port: 8080, note: null } }), []);
  assert.deepEqual(c.validate({ spec: { port: "http" } }), []);
  assert.deepEqual(c.validate({ spec: { port: true } }).map(formatCause), [
    'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
  ]);
});

test("a pattern that cannot be compiled is reported as a schema warning, not thrown", () => {
  const c = compileVersionSchema({ type: "object", properties: { spec: { type: "object", properties: { name: { type: "string", pattern: "([a-z" } } } } });
  assert.equal(c.schemaWarnings.length, 1);
  assert.match(c.schemaWarnings[0]!, /^pattern '\(\[a-z' is not checked/);
  assert.deepEqual(c.validate({ spec: { name: "anything" } }), []);
  assert.deepEqual(compileVersionSchema(fluxSchema("helmreleases")).schemaWarnings, []);
});
