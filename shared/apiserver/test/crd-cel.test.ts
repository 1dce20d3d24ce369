/**
 * x-kubernetes-validations: the CEL subset evaluator, and every rule in Flux's CRDs evaluated through the
 * compiled schema. Rule failures render as upstream's CEL validator does: `<path>: Invalid value: "<schema
 * type>": <message>`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CelEvalError, CelSyntaxError, compileCel, compileVersionSchema, evaluateCel, formatCause } from "../src/crd/index.js";
import { FLUX_CRDS_DIR, fluxCrdFiles, fluxSchema } from "./crd-fixtures.js";

const ev = (src: string, vars: Record<string, unknown> = {}) => evaluateCel(compileCel(src), vars);

test("CEL: literals, arithmetic, comparison, logic, ternary", () => {
  assert.equal(ev("1 + 2 * 3 == 7"), true);
  assert.equal(ev("7 / 2"), 3);
  assert.equal(ev("7 % 3"), 1);
  assert.equal(ev("-3 < -2 && 2.5 > 2"), true);
  assert.equal(ev("'abc' < 'abd' && 'b' > 'abc'"), true);
  assert.equal(ev("!true || false"), false);
  assert.equal(ev("true ? 'yes' : 'no'"), "yes");
  assert.equal(ev('"a\\tb" == \'a\tb\''), true);
  assert.equal(ev("r'\\d' == '\\\\d'"), true);
  assert.equal(ev("[1, 2] + [3] == [1, 2, 3]"), true);
  assert.equal(ev("{'a': 1}.a == 1"), true);
  assert.equal(ev("null == null"), true);
  assert.equal(ev("0x10 == 16 && 3u == 3"), true);
});

test("CEL: field selection, has(), size(), in", () => {
  const self = { spec: { name: "x", list: [1, 2, 3], labels: { app: "web" } }, empty: "" };
  assert.equal(ev("self.spec.name == 'x'", { self }), true);
  assert.equal(ev("has(self.spec.name) && !has(self.spec.missing)", { self }), true);
  assert.equal(ev("size(self.spec.list) == 3 && self.spec.list.size() == 3", { self }), true);
  assert.equal(ev("size('héllo') == 5"), true, "size counts code points");
  assert.equal(ev("2 in self.spec.list && 'app' in self.spec.labels && !('db' in self.spec.labels)", { self }), true);
  assert.equal(ev("self.spec.list[1] == 2 && self.spec.labels['app'] == 'web'", { self }), true);
});

test("CEL: missing keys are errors, absorbed by && and || on either side", () => {
  const self = { a: 1 };
  assert.throws(() => ev("self.b == 1", { self }), (e: unknown) => e instanceof CelEvalError && e.message === "no such key: b");
  assert.equal(ev("self.b == 1 || true", { self }), true);
  assert.equal(ev("false && self.b == 1", { self }), false);
  assert.equal(ev("self.b == 1 && false", { self }), false);
  assert.throws(() => ev("self.b == 1 && true", { self }), CelEvalError);
  assert.throws(() => ev("self.a + 'x'", { self }), (e: unknown) => e instanceof CelEvalError && e.message.startsWith("no such overload"));
});

test("CEL: string functions and macros", () => {
  assert.equal(ev("'flux-system'.startsWith('flux') && 'a.yaml'.endsWith('.yaml') && 'abc'.contains('b')"), true);
  assert.equal(ev("'v1.2.3'.matches('^v[0-9]+\\\\.[0-9]+')"), true);
  assert.equal(ev("matches('ABC', '(?i)^abc$')"), true, "RE2 inline flags");
  assert.equal(ev("'ABC'.lowerAscii() == 'abc' && '  x '.trim() == 'x'"), true);
  assert.equal(ev("'a,b,c'.split(',') == ['a', 'b', 'c'] && ['a', 'b'].join('-') == 'a-b'"), true);
  assert.equal(ev("'hello'.indexOf('l') == 2 && 'hello'.lastIndexOf('l') == 3 && 'hello'.substring(1, 3) == 'el'"), true);
  const self = { items: [{ n: 1 }, { n: 2 }, { n: 3 }] };
  assert.equal(ev("self.items.all(i, i.n > 0)", { self }), true);
  assert.equal(ev("self.items.exists(i, i.n == 2)", { self }), true);
  assert.equal(ev("self.items.exists_one(i, i.n > 2)", { self }), true);
  assert.deepEqual(ev("self.items.map(i, i.n * 2)", { self }), [2, 4, 6]);
  assert.deepEqual(ev("self.items.filter(i, i.n != 2).map(i, i.n)", { self }), [1, 3]);
  assert.equal(ev("{'a': 1, 'b': 2}.all(k, k.size() == 1)"), true);
});

test("CEL: syntax errors and functions outside the subset are refused at compile time", () => {
  assert.throws(() => compileCel("self.a =="), CelSyntaxError);
  assert.throws(() => compileCel("'abc"), CelSyntaxError);
  assert.throws(() => compileCel("quantity(self.cpu).isGreaterThan(quantity('1'))"), /unsupported function 'quantity'/);
  assert.throws(() => compileCel("self.x.isSorted()"), /unsupported function 'isSorted'/);
  assert.throws(() => compileCel("other == 1"), /undeclared reference to 'other'/);
  assert.equal(compileCel("self == oldSelf").usesOldSelf, true);
  assert.equal(compileCel("has(self.x)").usesOldSelf, false);
});

/** The x-kubernetes-validations rules of one schema, with their locations (`.spec`, `.spec.items[*]`). */
function rulesOf(schema: unknown): string[] {
  const out: string[] = [];
  const walk = (s: any, path: string) => {
    if (!s || typeof s !== "object") return;
    for (const r of s["x-kubernetes-validations"] ?? []) out.push(`${path || "."} ${r.rule}`);
    for (const [k, c] of Object.entries(s.properties ?? {})) walk(c, `${path}.${k}`);
    if (s.items) walk(s.items, `${path}[*]`);
    if (typeof s.additionalProperties === "object") walk(s.additionalProperties, `${path}{*}`);
  };
  walk(schema, "");
  return out.sort();
}

test("every CEL rule in Flux's CRDs (current and legacy versions) is enforced", () => {
  let total = 0;
  for (const file of fluxCrdFiles(true)) {
    const crd = parse(readFileSync(join(FLUX_CRDS_DIR, file), "utf8"));
    for (const v of crd.spec.versions) {
      const c = compileVersionSchema(v.schema.openAPIV3Schema);
      assert.deepEqual(c.unenforcedRules, [], `${file} ${v.name}`);
      const expected = rulesOf(v.schema.openAPIV3Schema);
      assert.deepEqual(c.enforcedRules.map((r) => `${r.path} ${r.rule}`).sort(), expected, `${file} ${v.name}`);
      total += expected.length;
    }
  }
  assert.ok(total >= 25, `found ${total} rules`);
});

function causes(plural: string, spec: Record<string, unknown>): string[] {
  const c = compileVersionSchema(fluxSchema(plural));
  const obj = c.applyDefaults(c.prune({ apiVersion: "x/v1", kind: "X", metadata: { name: "a" }, spec }).object);
  return c.validate(obj).map(formatCause);
}
const ruleFailure = (path: string, message: string) => `${path}: Invalid value: "object": ${message}`;

test("Flux rules: GitRepository serviceAccountName only with azure or aws", () => {
  const base = { url: "https://github.com/org/repo", interval: "1m" };
  assert.deepEqual(causes("gitrepositories", { ...base, provider: "azure", serviceAccountName: "sa" }), []);
  assert.deepEqual(causes("gitrepositories", { ...base, provider: "aws", serviceAccountName: "sa" }), []);
  assert.deepEqual(causes("gitrepositories", { ...base, serviceAccountName: "sa" }), [
    ruleFailure("spec", "serviceAccountName can only be set when provider is 'azure' or 'aws'"),
  ]);
  assert.deepEqual(causes("gitrepositories", { ...base, provider: "github", serviceAccountName: "sa" }).length, 1);
});

test("Flux rules: HelmChart verify only for HelmRepository sources", () => {
  const base = { chart: "podinfo", interval: "5m", verify: { provider: "cosign" } };
  assert.deepEqual(causes("helmcharts", { ...base, sourceRef: { kind: "HelmRepository", name: "r" } }), []);
  assert.deepEqual(causes("helmcharts", { ...base, sourceRef: { kind: "GitRepository", name: "r" } }), [
    ruleFailure("spec", "spec.verify is only supported when spec.sourceRef.kind is 'HelmRepository'"),
  ]);
});

test("Flux rules: HelmRelease chart xor chartRef, strategy retryInterval, kubeConfig exactly one ref", () => {
  const chart = { spec: { chart: "podinfo", sourceRef: { kind: "HelmRepository", name: "r" } } };
  const chartRef = { kind: "OCIRepository", name: "podinfo" };
  const msg = "either chart or chartRef must be set";
  assert.deepEqual(causes("helmreleases", { interval: "5m", chart }), []);
  assert.deepEqual(causes("helmreleases", { interval: "5m", chartRef }), []);
  assert.deepEqual(causes("helmreleases", { interval: "5m" }), [ruleFailure("spec", msg)]);
  assert.deepEqual(causes("helmreleases", { interval: "5m", chart, chartRef }), [ruleFailure("spec", msg)]);

  assert.deepEqual(causes("helmreleases", { interval: "5m", chartRef, install: { strategy: { name: "RetryOnFailure", retryInterval: "1m" } } }), []);
  assert.deepEqual(causes("helmreleases", { interval: "5m", chartRef, install: { strategy: { name: "RemediateOnFailure", retryInterval: "1m" } } }), [
    ruleFailure("spec.install.strategy", ".retryInterval cannot be set when .name is 'RemediateOnFailure'"),
  ]);
  assert.deepEqual(causes("helmreleases", { interval: "5m", chartRef, upgrade: { strategy: { name: "RemediateOnFailure", retryInterval: "1m" } } }), [
    ruleFailure("spec.upgrade.strategy", ".retryInterval can only be set when .name is 'RetryOnFailure'"),
  ]);

  const kc = "exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified";
  assert.deepEqual(causes("helmreleases", { interval: "5m", chartRef, kubeConfig: { secretRef: { name: "kc" } } }), []);
  assert.deepEqual(causes("helmreleases", { interval: "5m", chartRef, kubeConfig: {} }), [ruleFailure("spec.kubeConfig", kc)]);
  assert.deepEqual(causes("helmreleases", { interval: "5m", chartRef, kubeConfig: { secretRef: { name: "a" }, configMapRef: { name: "b" } } }), [
    ruleFailure("spec.kubeConfig", kc),
  ]);
});

test("Flux rules: Kustomization kubeConfig exactly one ref", () => {
  const base = { interval: "10m", prune: true, sourceRef: { kind: "GitRepository", name: "flux-system" } };
  const kc = "exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified";
  assert.deepEqual(causes("kustomizations", { ...base, kubeConfig: { configMapRef: { name: "kc" } } }), []);
  assert.deepEqual(causes("kustomizations", { ...base, kubeConfig: {} }), [ruleFailure("spec.kubeConfig", kc)]);
});

test("Flux rules: Bucket STS and credentials", () => {
  const base = { bucketName: "b", endpoint: "minio.example.com", interval: "5m" };
  assert.deepEqual(causes("buckets", { ...base, provider: "aws", sts: { provider: "aws", endpoint: "https://sts.amazonaws.com" } }), []);
  assert.deepEqual(causes("buckets", { ...base, provider: "gcp", sts: { provider: "aws", endpoint: "https://sts.amazonaws.com" } }), [
    ruleFailure("spec", "STS configuration is only supported for the 'aws' and 'generic' Bucket providers"),
  ]);
  assert.deepEqual(causes("buckets", { ...base, provider: "generic", sts: { provider: "aws", endpoint: "https://sts.example.com" } }), [
    ruleFailure("spec", "'ldap' is the only supported STS provider for the 'generic' Bucket provider"),
  ]);
  assert.deepEqual(causes("buckets", { ...base, provider: "aws", sts: { provider: "aws", endpoint: "https://sts.amazonaws.com", secretRef: { name: "s" } } }), [
    ruleFailure("spec", "spec.sts.secretRef is not required for the 'aws' STS provider"),
  ]);
  assert.deepEqual(causes("buckets", { ...base, serviceAccountName: "sa" }), [
    ruleFailure("spec", "ServiceAccountName is not supported for the 'generic' Bucket provider"),
  ]);
  assert.deepEqual(causes("buckets", { ...base, provider: "aws", secretRef: { name: "s" }, serviceAccountName: "sa" }), [
    ruleFailure("spec", "cannot set both .spec.secretRef and .spec.serviceAccountName"),
  ]);
});

test("Flux rules: Receiver secretRef and OIDC providers", () => {
  const base = { resources: [{ kind: "GitRepository", name: "flux-system" }] };
  assert.deepEqual(causes("receivers", { ...base, type: "github", secretRef: { name: "token" } }), []);
  assert.deepEqual(causes("receivers", { ...base, type: "github" }), [ruleFailure("spec", "secretRef is required when type is not generic-oidc")]);
  assert.deepEqual(causes("receivers", { ...base, type: "generic-oidc" }), [ruleFailure("spec", "generic-oidc receivers must define at least one oidcProvider")]);
  const oidc = [{ issuerURL: "https://token.actions.githubusercontent.com", validations: [{ expression: "claims.repository_owner == 'org'", message: "wrong owner" }] }];
  const got = causes("receivers", { ...base, type: "generic", secretRef: { name: "t" }, oidcProviders: oidc });
  assert.deepEqual(got, [ruleFailure("spec", "oidcProviders can only be set when type is generic-oidc")]);
});

test("Flux rules: Provider commitStatusExpr only for git providers", () => {
  assert.deepEqual(causes("providers", { type: "github", commitStatusExpr: "event.metadata.x" }), []);
  assert.deepEqual(causes("providers", { type: "slack", commitStatusExpr: "event.metadata.x" }), [
    ruleFailure("spec", "spec.commitStatusExpr is only supported for the 'github', 'gitlab', 'gitea', 'bitbucketserver', 'bitbucket', 'azuredevops' provider types"),
  ]);
});

test("Flux rules: ImagePolicy interval with digestReflectionPolicy Always", () => {
  const base = { imageRepositoryRef: { name: "podinfo" }, policy: { semver: { range: ">=1.0.0" } } };
  assert.deepEqual(causes("imagepolicies", { ...base, digestReflectionPolicy: "Always", interval: "5m" }), []);
  assert.deepEqual(causes("imagepolicies", { ...base, digestReflectionPolicy: "Always" }), [
    ruleFailure("spec", "spec.interval must be set when spec.digestReflectionPolicy is set to 'Always'"),
  ]);
  assert.deepEqual(causes("imagepolicies", { ...base, interval: "5m" }), [
    ruleFailure("spec", "spec.interval is only accepted when spec.digestReflectionPolicy is set to 'Always'"),
  ]);
});

test("rules: default message, messageExpression, reason, fieldPath, evaluation errors", () => {
  const c = compileVersionSchema({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: { min: { type: "integer" }, max: { type: "integer" }, items: { type: "array", items: { type: "string" } } },
        "x-kubernetes-validations": [
          { rule: "self.min <= self.max" },
          { rule: "self.min >= 0", messageExpression: "'min is ' + string(self.min)", reason: "FieldValueForbidden" },
          { rule: "!has(self.items) || size(self.items) < 3", message: "too many", fieldPath: ".items" },
        ],
      },
    },
  });
  assert.deepEqual(c.validate({ spec: { min: -5, max: -9, items: ["a", "b", "c"] } }).map(formatCause), [
    'spec: Invalid value: "object": failed rule: self.min <= self.max',
    "spec: Forbidden: min is -5",
    'spec.items: Invalid value: "object": too many',
  ]);
  assert.deepEqual(c.validate({ spec: { max: 1 } }).map(formatCause), [
    'spec: Invalid value: "object": no such key: min evaluating rule: self.min <= self.max',
    'spec: Invalid value: "object": no such key: min evaluating rule: self.min >= 0',
  ]);
});

test("rules on array items and map values; transition rules need a correlated old value", () => {
  const c = compileVersionSchema({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          mode: { type: "string", "x-kubernetes-validations": [{ rule: "self == oldSelf", message: "mode is immutable" }] },
          hosts: { type: "array", items: { type: "string", "x-kubernetes-validations": [{ rule: "self.endsWith('.com')", message: "must be a .com host" }] } },
          weights: { type: "object", additionalProperties: { type: "integer", "x-kubernetes-validations": [{ rule: "self <= 100" }] } },
        },
      },
    },
  });
  assert.deepEqual(c.enforcedRules.map((r) => [r.path, r.transition]), [
    [".spec.mode", true],
    [".spec.hosts[*]", false],
    [".spec.weights{*}", false],
  ]);
  assert.deepEqual(c.validate({ spec: { mode: "a", hosts: ["x.com", "y.org"], weights: { a: 5, b: 500 } } }).map(formatCause), [
    'spec.hosts[1]: Invalid value: "string": must be a .com host',
    'spec.weights[b]: Invalid value: "integer": failed rule: self <= 100',
  ]);
  assert.deepEqual(c.validate({ spec: { mode: "b" } }, { spec: { mode: "a" } }).map(formatCause), ['spec.mode: Invalid value: "string": mode is immutable']);
  assert.deepEqual(c.validate({ spec: { mode: "a" } }, { spec: { mode: "a" } }), []);
  assert.deepEqual(c.validate({ spec: { mode: "b" } }, { spec: {} }), [], "no old value: transition rule skipped");
});

test("ratcheting applies to rules: an unchanged failing value is accepted on update", () => {
  const c = compileVersionSchema(fluxSchema("gitrepositories"));
  const obj = { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", metadata: { name: "a" }, spec: { url: "https://x", interval: "1m", serviceAccountName: "sa" } };
  assert.equal(c.validate(obj).length, 1);
  assert.deepEqual(c.validate(obj, obj), []);
  const changed = { ...obj, spec: { ...obj.spec, interval: "2m" } };
  assert.equal(c.validate(changed, obj).length, 1, "the spec changed, so its rule runs again");
});

test("rules outside the subset are listed as not enforced and do not fail objects", () => {
  const c = compileVersionSchema({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: { cpu: { type: "string" } },
        "x-kubernetes-validations": [
          { rule: "quantity(self.cpu).isLessThan(quantity('4'))", message: "at most 4 CPUs" },
          { rule: "has(self.cpu)", message: "cpu is required" },
        ],
      },
    },
  });
  assert.equal(c.unenforcedRules.length, 1);
  assert.equal(c.unenforcedRules[0]!.path, ".spec");
  assert.equal(c.unenforcedRules[0]!.message, "at most 4 CPUs");
  assert.match(c.unenforcedRules[0]!.reason, /quantity/);
  assert.deepEqual(c.validate({ spec: { cpu: "64" } }), []);
  assert.deepEqual(c.validate({ spec: {} }).map(formatCause), ['spec: Invalid value: "object": cpu is required']);
});
