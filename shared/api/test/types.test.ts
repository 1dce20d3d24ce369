/**
 * The TypeBox schemas behind the static types accept objects as Flux documents them and reject what Flux's CRDs
 * reject. (The full CRD-level comparison is in crd-parity.test.ts; this checks the schemas as runtime validators.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FormatRegistry } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import {
  ConditionSchema,
  STATUS_DEFAULT,
  fluxRoot,
  obj,
  str,
  type GitRepository,
  type Kustomization,
  source,
  kustomize,
} from "../src/index.js";

// TypeBox leaves formats to the caller; RFC 3339 as metav1.Time serialises it.
FormatRegistry.Set("date-time", (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v));

test("a GitRepository and a Kustomization from Flux's docs satisfy their schemas", () => {
  const repo: GitRepository = {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    metadata: { name: "podinfo", namespace: "default" },
    spec: { interval: "5m0s", url: "https://github.com/stefanprodan/podinfo", ref: { branch: "master" } },
  };
  const ks: Kustomization = {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: { name: "podinfo", namespace: "default" },
    spec: {
      interval: "10m",
      targetNamespace: "default",
      sourceRef: { kind: "GitRepository", name: "podinfo" },
      path: "./kustomize",
      prune: true,
      timeout: "1m",
      postBuild: { substitute: { cluster_env: "prod" }, substituteFrom: [{ kind: "ConfigMap", name: "cluster-vars" }] },
    },
  };
  assert.deepEqual([...Value.Errors(source.GitRepositorySchema, repo)].map((e) => e.path), []);
  assert.deepEqual([...Value.Errors(kustomize.KustomizationSchema, ks)].map((e) => e.path), []);
});

test("schemas reject values Flux's CRDs reject", () => {
  const spec = { interval: "5m", url: "https://example.com/repo" };
  assert.equal(Value.Check(source.GitRepositorySpecSchema, spec), true);
  assert.equal(Value.Check(source.GitRepositorySpecSchema, { ...spec, url: "ftp://example.com" }), false, "url pattern");
  assert.equal(Value.Check(source.GitRepositorySpecSchema, { ...spec, interval: "5 minutes" }), false, "duration pattern");
  assert.equal(Value.Check(source.GitRepositorySpecSchema, { url: spec.url }), false, "interval is required");
  assert.equal(Value.Check(source.GitRepositorySpecSchema, { ...spec, timeout: "1h" }), false, "git timeouts have no hours");
  assert.equal(Value.Check(source.GitRepositorySpecSchema, { ...spec, provider: "gitlab" }), false, "provider enum");
  const ks = { interval: "1m", prune: true, sourceRef: { kind: "GitRepository", name: "x" } };
  assert.equal(Value.Check(kustomize.KustomizationSpecSchema, ks), true);
  assert.equal(Value.Check(kustomize.KustomizationSpecSchema, { ...ks, sourceRef: { kind: "HelmRepository", name: "x" } }), false);
  assert.equal(Value.Check(kustomize.KustomizationSpecSchema, { ...ks, targetNamespace: "" }), false, "minLength 1");
});

test("Condition enforces metav1.Condition's validation", () => {
  const ok = { type: "Ready", status: "True", reason: "Succeeded", message: "", lastTransitionTime: "2024-01-01T00:00:00Z" };
  assert.equal(Value.Check(ConditionSchema, ok), true);
  assert.equal(Value.Check(ConditionSchema, { ...ok, observedGeneration: 3 }), true);
  assert.equal(Value.Check(ConditionSchema, { ...ok, status: "true" }), false, "status is True/False/Unknown");
  assert.equal(Value.Check(ConditionSchema, { ...ok, reason: "" }), false, "reason may not be empty");
  assert.equal(Value.Check(ConditionSchema, { ...ok, reason: "Not a reason" }), false, "reason is CamelCase-ish");
  assert.equal(Value.Check(ConditionSchema, { ...ok, type: "example.com/Ready" }), true, "prefixed types are allowed");
  assert.equal(Value.Check(ConditionSchema, { ...ok, type: "-Ready" }), false);
  assert.equal(Value.Check(ConditionSchema, { ...ok, message: "x".repeat(32769) }), false, "message maxLength");
  assert.equal(Value.Check(ConditionSchema, { ...ok, observedGeneration: -1 }), false, "observedGeneration minimum 0");
  const { lastTransitionTime: _omitted, ...missing } = ok;
  assert.equal(Value.Check(ConditionSchema, missing), false, "lastTransitionTime is required");
});

test("fluxRoot gives status Flux's default unless told not to", () => {
  const withDefault = fluxRoot({ description: "d", spec: obj({ a: str() }), status: obj({}) });
  const without = fluxRoot({ description: "d", spec: obj({ a: str() }), status: obj({}), statusDefault: false });
  assert.deepEqual(withDefault.properties.status.default, STATUS_DEFAULT);
  assert.equal("default" in without.properties.status, false);
  assert.deepEqual(withDefault.required ?? [], [], "nothing is required at the root, as controller-gen emits it");
});
