/** The real kubectl against the embedded server: discovery, CRUD, apply, get output formats, selectors, watch. */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestCluster, type TestCluster } from "./harness.js";

let c: TestCluster;
before(async () => {
  c = await startTestCluster();
});
after(async () => {
  await c.stop();
});

// No `labels: {}` when there are none: the server drops empty maps as Go does, so kubectl's three-way patch would
// re-add them on every apply and print "configured" (as against a real cluster).
const cm = (name: string, data: Record<string, string>, labels: Record<string, string> = {}) =>
  JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: Object.keys(labels).length ? { name, labels } : { name }, data });

describe("kubectl basics", () => {
  test("version reports the server's v1.32 version", async () => {
    const out = JSON.parse(await c.kubectlOk(["version", "-o", "json"]));
    assert.match(out.serverVersion.gitVersion, /^v1\.32\.\d+$/);
    assert.equal(out.serverVersion.minor, "32");
  });

  test("the four initial namespaces exist and print as Active", async () => {
    const out = await c.kubectlOk(["get", "namespaces"]);
    assert.match(out, /^NAME\s+STATUS\s+AGE\n/);
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) assert.match(out, new RegExp(`^${ns}\\s+Active\\s+\\d+s`, "m"));
  });

  test("api-resources lists short names, namespaced flags and kinds from discovery", async () => {
    const out = await c.kubectlOk(["api-resources"]);
    assert.match(out, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(out, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    assert.match(out, /^customresourcedefinitions\s+crd,crds\s+apiextensions\.k8s\.io\/v1\s+false\s+CustomResourceDefinition$/m);
    const all = await c.kubectlOk(["api-resources", "--categories=all", "-o", "name"]);
    assert.deepEqual(all.trim().split("\n").sort(), [
      "cronjobs.batch",
      "daemonsets.apps",
      "deployments.apps",
      "horizontalpodautoscalers.autoscaling",
      "jobs.batch",
      "pods",
      "replicasets.apps",
      "services",
      "statefulsets.apps",
    ]);
  });

  test("client-side apply creates, then configures with a strategic merge patch", async () => {
    const first = await c.kubectlOk(["apply", "-f", "-"], { input: cm("csa", { a: "1" }) });
    assert.equal(first.trim(), "configmap/csa created");
    const again = await c.kubectlOk(["apply", "-f", "-"], { input: cm("csa", { a: "1" }) });
    assert.equal(again.trim(), "configmap/csa unchanged");
    const changed = await c.kubectlOk(["apply", "-f", "-"], { input: cm("csa", { b: "2" }) });
    assert.equal(changed.trim(), "configmap/csa configured");
    const obj = JSON.parse(await c.kubectlOk(["get", "configmap", "csa", "-o", "json"]));
    // the three-way merge removes the key the previous apply set and this one does not
    assert.deepEqual(obj.data, { b: "2" });
    assert.ok(obj.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]);
  });

  test("an unchanged apply does not move the resourceVersion", async () => {
    await c.kubectlOk(["apply", "-f", "-"], { input: cm("stable", { a: "1" }) });
    const rv1 = await c.kubectlOk(["get", "cm", "stable", "-o", "jsonpath={.metadata.resourceVersion}"]);
    await c.kubectlOk(["apply", "-f", "-"], { input: cm("stable", { a: "1" }) });
    const rv2 = await c.kubectlOk(["get", "cm", "stable", "-o", "jsonpath={.metadata.resourceVersion}"]);
    assert.equal(rv2, rv1);
  });

  test("get prints the ConfigMap table (NAME DATA AGE) and -o name / wide", async () => {
    await c.kubectlOk(["create", "-f", "-"], { input: cm("tbl", { x: "1", y: "2" }) });
    const out = await c.kubectlOk(["get", "cm", "tbl"]);
    assert.match(out, /^NAME\s+DATA\s+AGE\ntbl\s+2\s+\d+s\n$/);
    assert.equal((await c.kubectlOk(["get", "cm", "tbl", "-o", "name"])).trim(), "configmap/tbl");
  });

  test("get -o yaml and patch --type strategic on a built-in list merged by key", async () => {
    const dep = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "smp" },
      spec: {
        selector: { matchLabels: { app: "smp" } },
        template: { metadata: { labels: { app: "smp" } }, spec: { containers: [{ name: "a", image: "nginx:1" }, { name: "b", image: "redis:7" }] } },
      },
    };
    await c.kubectlOk(["apply", "-f", "-"], { input: JSON.stringify(dep) });
    await c.kubectlOk(["patch", "deployment", "smp", "--type=strategic", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"redis:8"}]}}}}']);
    const yaml = await c.kubectlOk(["get", "deployment", "smp", "-o", "yaml"]);
    assert.match(yaml, /^kind: Deployment$/m);
    assert.match(yaml, /- image: nginx:1\n\s+imagePullPolicy: IfNotPresent\n\s+name: a/);
    assert.match(yaml, /- image: redis:8\n\s+imagePullPolicy: IfNotPresent\n\s+name: b/);
    assert.match(yaml, /^  generation: 2$/m);
  });

  test("missing objects are NotFound with upstream's wording", async () => {
    const r = await c.kubectl(["get", "cm", "does-not-exist"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(NotFound\): configmaps "does-not-exist" not found/);
  });

  test("creating a duplicate is AlreadyExists", async () => {
    await c.kubectlOk(["create", "-f", "-"], { input: cm("dup", {}) });
    const r = await c.kubectl(["create", "-f", "-"], { input: cm("dup", {}) });
    assert.match(r.stderr, /Error from server \(AlreadyExists\): (error when creating "STDIN": )?configmaps "dup" already exists/);
  });

  test("invalid names are rejected as Invalid (DNS-1123)", async () => {
    const r = await c.kubectl(["create", "-f", "-"], { input: cm("Not_Valid", {}) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ConfigMap "Not_Valid" is invalid: metadata\.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain/);
  });

  test("creating in a missing namespace is NotFound for the namespace", async () => {
    const r = await c.kubectl(["create", "-n", "nope", "-f", "-"], { input: cm("x", {}) });
    assert.match(r.stderr, /Error from server \(NotFound\): (error when creating "STDIN": )?namespaces "nope" not found/);
  });

  test("label selectors: equality and set-based; malformed is a 400", async () => {
    await c.kubectlOk(["apply", "-f", "-"], { input: cm("sel-a", {}, { app: "web", tier: "front" }) });
    await c.kubectlOk(["apply", "-f", "-"], { input: cm("sel-b", {}, { app: "api", tier: "back" }) });
    await c.kubectlOk(["apply", "-f", "-"], { input: cm("sel-c", {}, { app: "db" }) });
    const names = async (sel: string) => (await c.kubectlOk(["get", "cm", "-l", sel, "-o", "name"])).trim().split("\n").filter(Boolean).sort();
    assert.deepEqual(await names("app=web"), ["configmap/sel-a"]);
    assert.deepEqual(await names("app in (web,api)"), ["configmap/sel-a", "configmap/sel-b"]);
    assert.deepEqual(await names("app notin (web,api),app"), ["configmap/sel-c"]);
    assert.deepEqual(await names("app,!tier"), ["configmap/sel-c"]);
    assert.deepEqual(await names("app!=web,tier"), ["configmap/sel-b"]);
    const bad = await c.kubectl(["get", "cm", "-l", "app in (web"]);
    assert.notEqual(bad.code, 0);
  });

  test("field selectors: metadata.name works, unsupported labels are a 400", async () => {
    await c.kubectlOk(["create", "-f", "-"], { input: cm("fs-one", {}) });
    const out = await c.kubectlOk(["get", "cm", "--field-selector", "metadata.name=fs-one", "-o", "name"]);
    assert.equal(out.trim(), "configmap/fs-one");
    const bad = await c.kubectl(["get", "cm", "--field-selector", "spec.nothing=1"]);
    assert.match(bad.stderr, /BadRequest.*field label not supported: spec\.nothing/);
  });

  test("get -w prints the table rows of changes as they happen", async () => {
    await c.kubectlOk(["create", "-f", "-"], { input: cm("watched", { a: "1" }) });
    const w = c.kubectlBackground(["get", "cm", "watched", "-w"]);
    await w.waitForLine(/^watched\s+1\s+/);
    await c.kubectlOk(["patch", "cm", "watched", "--type=merge", "-p", '{"data":{"b":"2"}}']);
    await w.waitForLine(/^watched\s+2\s+/);
    assert.match(w.lines[0]!, /^NAME\s+DATA\s+AGE$/);
    await w.stop();
  });

  test("delete waits for the object to be gone", async () => {
    await c.kubectlOk(["create", "-f", "-"], { input: cm("bye", {}) });
    const out = await c.kubectlOk(["delete", "cm", "bye", "--wait=true"]);
    assert.equal(out.trim(), 'configmap "bye" deleted');
    const r = await c.kubectl(["get", "cm", "bye"]);
    assert.equal(r.code, 1);
  });
});
