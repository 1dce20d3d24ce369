/**
 * The OpenAPI documents and CRD schema processing, end to end through the server with the real kubectl 1.32:
 * `kubectl explain` on a Flux CRD's fields, `kubectl apply` with its default (strict) validation for custom
 * resources (server-side: pruning, defaulting, OpenAPI and CEL errors), and client-side apply of a built-in,
 * whose strategic merge patch kubectl must still compute from its compiled-in types.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startTestCluster, type TestCluster } from "./harness.js";
import { FLUX_CRDS_DIR } from "./crd-fixtures.js";

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ namespace: "default" });
  const crd = await c.writeFile("gitrepositories.yaml", readFileSync(join(FLUX_CRDS_DIR, "source.toolkit.fluxcd.io_gitrepositories.yaml"), "utf8"));
  await c.kubectlOk(["apply", "-f", crd]);
  await c.kubectlOk(["wait", "--for", "condition=established", "--timeout=30s", "crd/gitrepositories.source.toolkit.fluxcd.io"]);
});
after(async () => {
  await c.stop();
});

const gitRepo = (spec: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: default
spec:
${spec}`;

test("kubectl explain prints a CRD field's description from the OpenAPI v3 document", async () => {
  const out = await c.kubectlOk(["explain", "gitrepository.spec.url"]);
  assert.match(out, /^GROUP:\s+source\.toolkit\.fluxcd\.io$/m);
  assert.match(out, /^KIND:\s+GitRepository$/m);
  assert.match(out, /^FIELD: url <string>$/m);
  assert.match(out, /URL specifies the Git repository URL, it can be an HTTP\/S or SSH address\./);

  const ref = await c.kubectlOk(["explain", "gitrepositories.spec.ref"]);
  assert.match(ref, /^FIELD: ref <Object>$/m);
  for (const field of ["branch", "commit", "name", "semver", "tag"]) assert.match(ref, new RegExp(`^  ${field}\\t<string>$`, "m"));

  const missing = await c.kubectl(["explain", "gitrepository.spec.nope"]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /field "nope" does not exist/);
});

test("kubectl apply (default validation) creates a CR, with schema defaults applied by the server", async () => {
  const file = await c.writeFile("repo.yaml", gitRepo("  interval: 1m\n  url: https://github.com/stefanprodan/podinfo\n"));
  const r = await c.kubectl(["apply", "-f", file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /gitrepository\.source\.toolkit\.fluxcd\.io\/podinfo created/);
  assert.doesNotMatch(r.stderr, /openapi/i);
  const obj = JSON.parse(await c.kubectlOk(["get", "gitrepository", "podinfo", "-o", "json"]));
  assert.equal(obj.spec.timeout, "60s");

  const again = await c.kubectl(["apply", "-f", file]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /unchanged/);
});

test("kubectl apply: an unknown field is refused by the server (strict field validation)", async () => {
  const file = await c.writeFile("unknown.yaml", gitRepo("  interval: 1m\n  url: https://example.com/repo\n  bogus: 1\n"));
  const r = await c.kubectl(["apply", "-f", file]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /unknown field "spec\.bogus"/);
  const accepted = await c.kubectl(["apply", "--validate=false", "-f", file]);
  assert.equal(accepted.code, 0, accepted.stderr);
  const obj = JSON.parse(await c.kubectlOk(["get", "gitrepository", "podinfo", "-o", "json"]));
  assert.equal(obj.spec.bogus, undefined, "pruned");
});

test("kubectl apply: OpenAPI and CEL errors come back as 422 with upstream messages", async () => {
  const badInterval = await c.writeFile("bad-interval.yaml", gitRepo("  interval: 1x\n  url: https://example.com/repo\n"));
  const r = await c.kubectl(["apply", "-f", badInterval]);
  assert.notEqual(r.code, 0);
  // kubectl words Invalid errors itself ("The <kind> <name> is invalid: <causes>").
  assert.match(r.stderr, /The GitRepository "podinfo" is invalid: spec\.interval: Invalid value: "1x": spec\.interval in body should match '\^\(\[0-9\]\+/);

  const cel = await c.writeFile("bad-sa.yaml", gitRepo("  interval: 1m\n  url: https://example.com/repo\n  serviceAccountName: sa\n"));
  const r2 = await c.kubectl(["apply", "-f", cel]);
  assert.notEqual(r2.code, 0);
  assert.match(r2.stderr, /spec: Invalid value: "object": serviceAccountName can only be set when provider is 'azure' or 'aws'/);
});

test("client-side apply of a built-in still merges lists by key (SMP from kubectl's compiled-in types)", async () => {
  const deployment = (env: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        env:
${env}`;
  const first = await c.writeFile("deploy1.yaml", deployment("        - {name: A, value: '1'}\n        - {name: B, value: '1'}\n"));
  await c.kubectlOk(["apply", "-f", first]);
  // Someone else adds a sidecar; a later apply must merge the containers list by name, and dropping env B
  // must become a `$patch: delete` for B (kubectl only knows env is keyed by name from the Go types; with a
  // schema lacking patch metadata it would send the whole env list and the server would keep B).
  await c.kubectlOk(["patch", "deployment", "web", "--type=strategic", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}']);
  const second = await c.writeFile("deploy2.yaml", deployment("        - {name: A, value: '2'}\n"));
  const r = await c.kubectl(["apply", "-f", second]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /error calculating patch/);
  const obj = JSON.parse(await c.kubectlOk(["get", "deployment", "web", "-o", "json"]));
  const containers = obj.spec.template.spec.containers as Array<{ name: string; env?: unknown[] }>;
  assert.deepEqual(containers.map((x) => x.name).sort(), ["app", "sidecar"]);
  assert.deepEqual(containers.find((x) => x.name === "app")!.env, [{ name: "A", value: "2" }]);
});
