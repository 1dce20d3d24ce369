/**
 * Acceptance: the real kubectl's write paths against the embedded server — client-side and server-side apply
 * (conflicts, --force-conflicts), patch of every type, edit through KUBE_EDITOR, diff exit codes, server dry-run and
 * replace with a stale resourceVersion. `kubectl patch --local` (kubectl's compiled-in strategic merge) is the oracle
 * for what a strategic patch must produce.
 */
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { startTestCluster, type TestCluster } from "./harness.js";
import { configMap, deployment, freshNamespace, installWidgetCRD, kubectlEnv, widget, writeScript } from "./acceptance-helpers.js";

let c: TestCluster;
before(async () => {
  c = await startTestCluster();
  await installWidgetCRD(c);
});
after(async () => {
  await c.stop();
});

interface Obj {
  metadata: {
    resourceVersion: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: Array<{ manager: string; operation: string; fieldsV1?: Record<string, unknown> }>;
  };
  spec?: Record<string, any>;
  data?: Record<string, string>;
}

async function getJSON(ns: string, ...what: string[]): Promise<Obj> {
  return JSON.parse(await c.kubectlOk(["get", "-n", ns, ...what, "-o", "json", "--show-managed-fields"]));
}

const containers = (o: Obj) => (o.spec!.template.spec.containers as Array<{ name: string; image: string }>).map((x) => `${x.name}=${x.image}`);

describe("kubectl apply, patch, edit, diff, dry-run and replace", { concurrency: 4 }, () => {
  test("client-side apply: a three-way strategic merge keeps others' containers and drops what the last apply set", async () => {
    const ns = await freshNamespace(c, "csa");
    const v1 = JSON.parse(deployment("web", { labels: { tier: "front" } }));
    assert.equal((await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: JSON.stringify(v1) })).trim(), "deployment.apps/web created");
    const created = await getJSON(ns, "deploy", "web");
    assert.equal(JSON.parse(created.metadata.annotations!["kubectl.kubernetes.io/last-applied-configuration"]!).metadata.labels.tier, "front");
    assert.ok(created.metadata.managedFields!.some((m) => m.manager === "kubectl-client-side-apply" && m.operation === "Update"));

    // Someone else adds a sidecar; it is not in last-applied, so the next apply must leave it alone.
    await c.kubectlOk(["patch", "-n", ns, "deploy", "web", "-p", JSON.stringify({ spec: { template: { spec: { containers: [{ name: "sidecar", image: "busybox:1" }] } } } })]);
    const v2 = JSON.parse(deployment("web", { image: "nginx:1.26" }));
    assert.equal((await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: JSON.stringify(v2) })).trim(), "deployment.apps/web configured");
    const got = await getJSON(ns, "deploy", "web");
    assert.deepEqual(containers(got).sort(), ["main=nginx:1.26", "sidecar=busybox:1"]);
    assert.equal(got.metadata.labels!.tier, undefined, "the label the previous apply set and this one omits is removed");
    assert.equal(got.metadata.labels!.app, "web");
    assert.equal(got.metadata.generation, 3);
  });

  test("server-side apply: create, conflict naming the field and the Apply manager, --force-conflicts takes ownership", async () => {
    const ns = await freshNamespace(c, "ssa");
    const out = await c.kubectlOk(["apply", "--server-side", "-n", ns, "-f", "-"], { input: deployment("api", { replicas: 2 }) });
    assert.equal(out.trim(), "deployment.apps/api serverside-applied");
    const created = await getJSON(ns, "deploy", "api");
    const mine = created.metadata.managedFields!.find((m) => m.manager === "kubectl" && m.operation === "Apply");
    assert.ok(mine, "kubectl's apply is recorded as manager kubectl, operation Apply");
    assert.ok((mine.fieldsV1 as any)["f:spec"]["f:replicas"], "kubectl owns .spec.replicas");

    const conflict = await c.kubectl(["apply", "--server-side", "--field-manager=autoscaler", "-n", ns, "-f", "-"], { input: deployment("api", { replicas: 5 }) });
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /error: Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas\n/);
    assert.match(conflict.stderr, /re-run the apply\s+command with the `--force-conflicts` flag/);
    assert.equal((await getJSON(ns, "deploy", "api")).spec!.replicas, 2, "a conflicting apply changes nothing");

    // Same value: no conflict, the field becomes shared.
    await c.kubectlOk(["apply", "--server-side", "--field-manager=observer", "-n", ns, "-f", "-"], { input: deployment("api", { replicas: 2 }) });

    const forced = await c.kubectlOk(["apply", "--server-side", "--force-conflicts", "--field-manager=autoscaler", "-n", ns, "-f", "-"], {
      input: deployment("api", { replicas: 5 }),
    });
    assert.equal(forced.trim(), "deployment.apps/api serverside-applied");
    const after = await getJSON(ns, "deploy", "api");
    assert.equal(after.spec!.replicas, 5);
    const owners = after.metadata.managedFields!.filter((m) => (m.fieldsV1 as any)?.["f:spec"]?.["f:replicas"]).map((m) => m.manager);
    assert.deepEqual(owners, ["autoscaler"], "forcing moves .spec.replicas away from every other manager");
  });

  test("server-side apply: conflict with an Update manager names it with its API version; dropped fields are removed", async () => {
    const ns = await freshNamespace(c, "ssa-upd");
    await c.kubectlOk(["apply", "--server-side", "-n", ns, "-f", "-"], { input: configMap("cfg", { a: "1", b: "2" }) });
    await c.kubectlOk(["patch", "-n", ns, "cm", "cfg", "--type=merge", "-p", '{"data":{"a":"patched"}}']);
    const r = await c.kubectl(["apply", "--server-side", "-n", ns, "-f", "-"], { input: configMap("cfg", { a: "1", b: "2" }) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: \.data\.a\n/);
    // Applying without b: kubectl is b's only manager, so b goes away; a stays with kubectl-patch.
    await c.kubectlOk(["apply", "--server-side", "-n", ns, "-f", "-"], { input: configMap("cfg", {}) });
    assert.deepEqual((await getJSON(ns, "cm", "cfg")).data, { a: "patched" });
  });

  test("client-side apply, then apply --server-side: kubectl migrates managed fields and re-applies without a warning", async () => {
    const ns = await freshNamespace(c, "migrate");
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("m", { replicas: 2 }) });
    const r = await c.kubectl(["apply", "--server-side", "-n", ns, "-f", "-"], { input: deployment("m", { replicas: 3 }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "deployment.apps/m serverside-applied");
    assert.equal(r.stderr, "", "no 'failed to re-apply configuration after performing Server-Side Apply migration' warning");
    const obj = await getJSON(ns, "deploy", "m");
    assert.equal(obj.spec!.replicas, 3);
    const managers = obj.metadata.managedFields!.map((m) => `${m.manager}/${m.operation}`);
    assert.ok(!managers.includes("kubectl-client-side-apply/Update"), managers.join(","));
    assert.ok(managers.includes("kubectl/Apply"), managers.join(","));
    // kubectl now owns what client-side apply set: dropping a field from the manifest removes it.
    await c.kubectlOk(["apply", "--server-side", "-n", ns, "-f", "-"], { input: deployment("m", { replicas: 3, labels: { extra: "x" } }) });
    await c.kubectlOk(["apply", "--server-side", "-n", ns, "-f", "-"], { input: deployment("m", { replicas: 3 }) });
    assert.deepEqual((await getJSON(ns, "deploy", "m")).metadata.labels, { app: "m" });
  });

  test("server-side apply on a custom resource: conflict and force", async () => {
    const ns = await freshNamespace(c, "ssa-cr");
    assert.equal((await c.kubectlOk(["apply", "--server-side", "-n", ns, "-f", "-"], { input: widget("w", { size: 1, color: "red" }) })).trim(), "widget.acceptance.flotilla.dev/w serverside-applied");
    const r = await c.kubectl(["apply", "--server-side", "--field-manager=painter", "-n", ns, "-f", "-"], { input: widget("w", { color: "blue" }) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.color/);
    await c.kubectlOk(["apply", "--server-side", "--force-conflicts", "--field-manager=painter", "-n", ns, "-f", "-"], { input: widget("w", { color: "blue" }) });
    assert.deepEqual((await getJSON(ns, "widget", "w")).spec, { size: 1, color: "blue" });
  });

  test("patch --type strategic matches kubectl's own strategic merge (patch --local); merge replaces lists; json patch ops", async () => {
    const ns = await freshNamespace(c, "patch");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], {
      input: deployment("p", { containers: [{ name: "a", image: "img:1", env: [{ name: "X", value: "1" }] }, { name: "b", image: "img:2" }] }),
    });
    const before = await c.kubectlOk(["get", "-n", ns, "deploy", "p", "-o", "json"]);
    const smp = JSON.stringify({
      metadata: { labels: { added: "yes" } },
      spec: { template: { spec: { containers: [{ name: "b", image: "img:3" }, { name: "c", image: "img:4" }, { name: "a", env: [{ name: "Y", value: "2" }] }] } } },
    });
    const file = await c.writeFile(`${ns}-before.json`, before);
    const expected = JSON.parse(await c.kubectlOk(["patch", "--local", "-f", file, "--type=strategic", "-p", smp, "-o", "json"]));
    const patched = JSON.parse(await c.kubectlOk(["patch", "-n", ns, "deploy", "p", "--type=strategic", "-p", smp, "-o", "json"]));
    // The server additionally defaults new containers; compare what the patch itself decides: names, order, images, env.
    const shape = (o: any) => o.spec.template.spec.containers.map((x: any) => ({ name: x.name, image: x.image, env: x.env }));
    assert.deepEqual(shape(patched), shape(expected));
    assert.equal(patched.metadata.labels.added, "yes");

    const merged = JSON.parse(
      await c.kubectlOk(["patch", "-n", ns, "deploy", "p", "--type=merge", "-p", JSON.stringify({ spec: { template: { spec: { containers: [{ name: "only", image: "img:9" }] } } } }), "-o", "json"]),
    );
    assert.deepEqual(containers(merged), ["only=img:9"], "a JSON merge patch replaces the whole list");

    const json = JSON.stringify([
      { op: "test", path: "/spec/replicas", value: 1 },
      { op: "replace", path: "/spec/replicas", value: 3 },
      { op: "add", path: "/metadata/annotations", value: { note: "x" } },
      { op: "remove", path: "/metadata/labels/added" },
    ]);
    const jp = JSON.parse(await c.kubectlOk(["patch", "-n", ns, "deploy", "p", "--type=json", "-p", json, "-o", "json"]));
    assert.equal(jp.spec.replicas, 3);
    assert.equal(jp.metadata.annotations.note, "x");
    assert.equal(jp.metadata.labels.added, undefined);
    const failedTest = await c.kubectl(["patch", "-n", ns, "deploy", "p", "--type=json", "-p", '[{"op":"test","path":"/spec/replicas","value":99}]']);
    assert.equal(failedTest.code, 1);
    assert.match(failedTest.stderr, /testing value \/spec\/replicas failed: test failed/);
  });

  test("patch: strategic merge on a custom resource is 415; merge patch works there", async () => {
    const ns = await freshNamespace(c, "patch-cr");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: widget("w", { size: 1, tags: ["a"] }) });
    const r = await c.kubectl(["patch", "-n", ns, "widget", "w", "--type=strategic", "-p", '{"spec":{"size":2}}']);
    assert.equal(r.code, 1);
    // kubectl wraps the server's 415 with the GVK (patch.go). 1.32 lists apply-patch+cbor only behind an alpha gate
    // (off by default), so the list ends at apply-patch+yaml.
    assert.match(
      r.stderr,
      /^error: application\/strategic-merge-patch\+json is not supported by acceptance\.flotilla\.dev\/v1, Kind=Widget: the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/apply-patch\+yaml$/m,
    );
    const ok = JSON.parse(await c.kubectlOk(["patch", "-n", ns, "widget", "w", "--type=merge", "-p", '{"spec":{"size":2,"tags":["b","c"]}}', "-o", "json"]));
    assert.deepEqual(ok.spec, { size: 2, tags: ["b", "c"] });
  });

  test("edit through KUBE_EDITOR: a script that rewrites the file; an untouched file cancels the edit", async () => {
    const ns = await freshNamespace(c, "edit");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap("ed", { color: "red", keep: "1" }) });
    const editor = await writeScript(c, `editor-${ns}.sh`, `sed -i 's/color: red/color: green/' "$1"`);
    const r = await kubectlEnv(c, ["edit", "-n", ns, "cm", "ed"], { KUBE_EDITOR: editor });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "configmap/ed edited");
    const got = await getJSON(ns, "cm", "ed");
    assert.deepEqual(got.data, { color: "green", keep: "1" });
    assert.ok(got.metadata.managedFields!.some((m) => m.manager === "kubectl-edit"));

    const noop = await writeScript(c, `noop-${ns}.sh`, "true");
    const r2 = await kubectlEnv(c, ["edit", "-n", ns, "cm", "ed"], { KUBE_EDITOR: noop });
    assert.equal(r2.code, 0, r2.stderr);
    assert.match(r2.stderr, /Edit cancelled, no changes made\./);
    assert.equal((await getJSON(ns, "cm", "ed")).metadata.resourceVersion, got.metadata.resourceVersion);
  });

  test("edit that the server rejects reopens the editor with the server's reasons and leaves the object unchanged", async () => {
    const ns = await freshNamespace(c, "edit-bad");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: deployment("d") });
    const seen = `${c.dir}/edit-rounds-${ns}.log`;
    // The selector of a Deployment is immutable. kubectl reopens the editor with the errors as comments; the second
    // round changes nothing more, so kubectl gives up.
    const editor = await writeScript(c, `editor-${ns}.sh`, `cat "$1" >> ${seen}\nsed -i 's/^      app: d$/      app: other/' "$1"`);
    const r = await kubectlEnv(c, ["edit", "-n", ns, "deploy", "d"], { KUBE_EDITOR: editor });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: deployments\.apps "d" is invalid/);
    assert.match(r.stderr, /Edit cancelled, no valid changes were saved/);
    const { readFile } = await import("node:fs/promises");
    const rounds = await readFile(seen, "utf8");
    assert.match(rounds, /^# deployments\.apps "d" was not valid:$/m);
    assert.match(rounds, /^# \* spec\.selector: Invalid value: \{"matchLabels":\{"app":"other"\}\}: field is immutable$/m);
    const got = await getJSON(ns, "deploy", "d");
    assert.deepEqual(got.spec!.selector, { matchLabels: { app: "d" } });
  });

  test("diff exits 0 when nothing would change and 1 with a unified diff when something would, client- and server-side", async () => {
    const ns = await freshNamespace(c, "diff");
    for (const mode of [[], ["--server-side"]]) {
      const name = mode.length ? "df-ssa" : "df-csa";
      const same = deployment(name, { replicas: 2 });
      await c.kubectlOk(["apply", ...mode, "-n", ns, "-f", "-"], { input: same });
      const none = await c.kubectl(["diff", ...mode, "-n", ns, "-f", "-"], { input: same });
      assert.equal(none.code, 0, `diff ${mode.join(" ")}: ${none.stdout}${none.stderr}`);
      assert.equal(none.stdout, "");
      const changed = await c.kubectl(["diff", ...mode, "-n", ns, "-f", "-"], { input: deployment(name, { replicas: 4 }) });
      assert.equal(changed.code, 1, `diff ${mode.join(" ")}: ${changed.stderr}`);
      assert.match(changed.stdout, /^-  replicas: 2$/m);
      assert.match(changed.stdout, /^\+  replicas: 4$/m);
      // the dry-run result is the would-be object, whose generation moves with the spec change
      assert.match(changed.stdout, /^-  generation: 1\n\+  generation: 2$/m);
      const created = await c.kubectl(["diff", ...mode, "-n", ns, "-f", "-"], { input: configMap("new-one", { k: "v" }) });
      assert.equal(created.code, 1);
      assert.match(created.stdout, /^\+  name: new-one$/m);
      assert.equal((await getJSON(ns, "deploy", name)).spec!.replicas, 2, "diff never writes");
    }
    assert.equal((await c.kubectl(["get", "-n", ns, "cm", "new-one"])).code, 1);
  });

  test("--dry-run=server: create, apply (both kinds) and delete change nothing", async () => {
    const ns = await freshNamespace(c, "dry");
    const created = await c.kubectlOk(["create", "--dry-run=server", "-n", ns, "-f", "-", "-o", "json"], { input: configMap("ghost", { a: "1" }) });
    const ghost = JSON.parse(created);
    assert.equal(ghost.metadata.name, "ghost");
    assert.ok(ghost.metadata.uid, "the would-be object is returned as the server would store it");
    assert.equal((await c.kubectl(["get", "-n", ns, "cm", "ghost"])).code, 1);

    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: configMap("real", { a: "1" }) });
    const before = await getJSON(ns, "cm", "real");
    const out = await c.kubectlOk(["apply", "--dry-run=server", "-n", ns, "-f", "-"], { input: configMap("real", { a: "2" }) });
    assert.equal(out.trim(), "configmap/real configured (server dry run)");
    const ssa = await c.kubectlOk(["apply", "--server-side", "--dry-run=server", "-n", ns, "-f", "-", "-o", "json"], { input: configMap("real", { a: "3" }) });
    assert.equal(JSON.parse(ssa).data.a, "3");
    const del = await c.kubectlOk(["delete", "--dry-run=server", "-n", ns, "cm", "real"]);
    assert.equal(del.trim(), 'configmap "real" deleted (server dry run)');
    const after = await getJSON(ns, "cm", "real");
    assert.deepEqual(after.data, { a: "1" });
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  });

  test("kubectl's typed create commands (protobuf request bodies): namespace, configmap, secret, deployment, expose", async () => {
    const ns = `typed-${process.pid}`;
    assert.equal((await c.kubectlOk(["create", "namespace", ns])).trim(), `namespace/${ns} created`);
    assert.equal((await c.kubectlOk(["create", "configmap", "lit", "-n", ns, "--from-literal=a=1", "--from-literal=b=two"])).trim(), "configmap/lit created");
    assert.deepEqual(JSON.parse(await c.kubectlOk(["get", "-n", ns, "cm", "lit", "-o", "jsonpath={.data}"])), { a: "1", b: "two" });
    assert.equal((await c.kubectlOk(["create", "secret", "generic", "sec", "-n", ns, "--from-literal=token=s3cr3t"])).trim(), "secret/sec created");
    const secret = JSON.parse(await c.kubectlOk(["get", "-n", ns, "secret", "sec", "-o", "json"]));
    assert.equal(secret.type, "Opaque");
    assert.equal(Buffer.from(secret.data.token, "base64").toString(), "s3cr3t");
    assert.equal((await c.kubectlOk(["create", "deployment", "dep", "-n", ns, "--image=nginx:1.27", "--replicas=2", "--port=8080"])).trim(), "deployment.apps/dep created");
    const dep = JSON.parse(await c.kubectlOk(["get", "-n", ns, "deploy", "dep", "-o", "json"]));
    assert.equal(dep.spec.replicas, 2);
    assert.deepEqual(dep.spec.selector, { matchLabels: { app: "dep" } });
    assert.equal(dep.spec.template.spec.containers[0].ports[0].containerPort, 8080);
    assert.equal((await c.kubectlOk(["expose", "deployment", "dep", "-n", ns, "--port=80", "--target-port=8080"])).trim(), "service/dep exposed");
    const svc = JSON.parse(await c.kubectlOk(["get", "-n", ns, "svc", "dep", "-o", "json"]));
    assert.deepEqual(svc.spec.selector, { app: "dep" });
    assert.match(svc.spec.clusterIP, /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(svc.spec.ports[0].targetPort, 8080);
    const dup = await c.kubectl(["create", "configmap", "lit", "-n", ns]);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /error: failed to create configmap: configmaps "lit" already exists/);
  });

  test("field validation: unknown fields are a strict decoding error under Strict (built-in and CR); Warn drops them with a warning", async () => {
    const ns = await freshNamespace(c, "validate");
    const bad = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "uf" }, foo: 1, data: { a: "b" } });
    const r = await c.kubectl(["create", "-n", ns, "-f", "-"], { input: bad });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "foo"');
    const dep = JSON.parse(deployment("ud"));
    dep.spec.foo = 1;
    const r2 = await c.kubectl(["create", "-n", ns, "-f", "-"], { input: JSON.stringify(dep) });
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.foo"/);
    const cr = await c.kubectl(["create", "-n", ns, "-f", "-"], { input: JSON.stringify({ apiVersion: "acceptance.flotilla.dev/v1", kind: "Widget", metadata: { name: "u" }, spec: { size: 1, foo: 1 } }) });
    assert.equal(cr.code, 1);
    assert.equal(cr.stderr.trim(), 'Error from server (BadRequest): error when creating "STDIN": Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.foo"');

    const warn = await c.kubectl(["create", "--validate=warn", "-n", ns, "-f", "-"], { input: bad });
    assert.equal(warn.code, 0, warn.stderr);
    assert.match(warn.stderr, /Warning: unknown field "foo"/);
    const stored = JSON.parse(await c.kubectlOk(["get", "-n", ns, "cm", "uf", "-o", "json"]));
    assert.equal(stored.foo, undefined);
    assert.deepEqual(stored.data, { a: "b" });

    // Server-side apply types the configuration first (structured-merge-diff): an undeclared field is an untyped
    // error there, a 500 without a reason, whatever the field validation (kubernetes#122480).
    for (const validate of ["strict", "false"]) {
      const ssa = await c.kubectl(["apply", "--server-side", `--validate=${validate}`, "-n", ns, "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "uf2" }, foo: 1 }) });
      assert.equal(ssa.code, 1);
      assert.equal(ssa.stderr, `Error from server: failed to create typed patch object (${ns}/uf2; /v1, Kind=ConfigMap): .foo: field not declared in schema\n`);
    }
    const deep = JSON.parse(deployment("ud2"));
    deep.spec.template.spec.containers[0].bar = 2;
    const ssaDeep = await c.kubectl(["apply", "--server-side", "-n", ns, "-f", "-"], { input: JSON.stringify(deep) });
    assert.match(ssaDeep.stderr, /^Error from server: failed to create typed patch object \(\S+\/ud2; apps\/v1, Kind=Deployment\): \.spec\.template\.spec\.containers\[name="\w+"\]\.bar: field not declared in schema\n$/);
    assert.equal((await c.kubectl(["get", "-n", ns, "cm", "uf2"])).code, 1);
  });

  test("empty Go maps and omitempty slices of built-ins do not survive a write; empty structs do", async () => {
    const ns = await freshNamespace(c, "empties");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap("e", { a: "1" }) });
    const before = (await getJSON(ns, "cm", "e")).metadata.resourceVersion;
    assert.equal((await c.kubectlOk(["patch", "-n", ns, "cm", "e", "-p", '{"metadata":{"annotations":{},"finalizers":[]}}'])).trim(), "configmap/e patched (no change)");
    assert.equal((await getJSON(ns, "cm", "e")).metadata.resourceVersion, before);

    // kubectl diff sends `annotations: {}` (the last-applied annotation taken out) in its dry-run patch
    const file = await c.writeFile(`empties-${ns}.yaml`, deployment("d"));
    await c.kubectlOk(["apply", "--server-side", "-n", ns, "-f", file]);
    const diff = await c.kubectl(["diff", "-n", ns, "-f", file]);
    assert.equal(diff.code, 0, diff.stdout + diff.stderr);

    const dep = JSON.parse(deployment("r"));
    dep.spec.template.spec.containers[0].resources = {};
    dep.spec.template.spec.containers[0].env = [];
    dep.spec.template.spec.nodeSelector = {};
    const created = JSON.parse(await c.kubectlOk(["create", "-n", ns, "-o", "json", "-f", "-"], { input: JSON.stringify(dep) }));
    const container = created.spec.template.spec.containers[0];
    assert.deepEqual(container.resources, {});
    assert.equal("env" in container, false);
    assert.equal("nodeSelector" in created.spec.template.spec, false);
    // `rules` of a ClusterRole has no omitempty: an empty list stays
    const role = JSON.parse(await c.kubectlOk(["create", "-o", "json", "-f", "-"], { input: JSON.stringify({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: `empty-${ns}` }, rules: [] }) }));
    assert.deepEqual(role.rules, []);
  });

  test("status subresource writes: each kind's status strategy decides which metadata passes", async () => {
    const ns = await freshNamespace(c, "status-meta");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: deployment("d", { replicas: 1 }) });
    const patch = JSON.stringify({ metadata: { annotations: { note: "x" }, labels: { extra: "y" } }, spec: { replicas: 7 }, status: { observedGeneration: 1 } });
    await c.kubectlOk(["patch", "-n", ns, "deploy", "d", "--subresource=status", "--type=merge", "-p", patch]);
    const d = await getJSON(ns, "deploy", "d");
    // deploymentStatusStrategy keeps spec and labels, lets annotations through
    assert.equal(d.metadata.annotations?.note, "x");
    assert.equal(d.metadata.labels?.extra, undefined);
    assert.equal(d.spec!.replicas, 1);
    assert.equal(d.metadata.generation, 1);

    const rs = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "r" },
      spec: { replicas: 0, selector: { matchLabels: { app: "r" } }, template: { metadata: { labels: { app: "r" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
    };
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: JSON.stringify(rs) });
    await c.kubectlOk(["patch", "-n", ns, "rs", "r", "--subresource=status", "--type=merge", "-p", patch]);
    const r = await getJSON(ns, "rs", "r");
    // rsStatusStrategy keeps only spec
    assert.equal(r.metadata.annotations?.note, "x");
    assert.equal(r.metadata.labels?.extra, "y");
    assert.equal(r.spec!.replicas, 0);

    // a custom resource's status strategy keeps everything but status
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: widget("w", { size: 1 }) });
    await c.kubectlOk(["patch", "-n", ns, "widget", "w", "--subresource=status", "--type=merge", "-p", JSON.stringify({ metadata: { annotations: { note: "x" } }, spec: { size: 5 }, status: { phase: "Ready" } })]);
    const w = await getJSON(ns, "widget", "w");
    assert.equal(w.metadata.annotations?.note, undefined);
    assert.equal(w.spec!.size, 1);
  });

  test("replace with a stale resourceVersion is a Conflict with upstream's message", async () => {
    const ns = await freshNamespace(c, "replace");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap("stale", { v: "1" }) });
    const snapshot = JSON.parse(await c.kubectlOk(["get", "-n", ns, "cm", "stale", "-o", "json"]));
    await c.kubectlOk(["patch", "-n", ns, "cm", "stale", "--type=merge", "-p", '{"data":{"v":"2"}}']);
    snapshot.data.v = "3";
    const r = await c.kubectl(["replace", "-n", ns, "-f", "-"], { input: JSON.stringify(snapshot) });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again',
    );
    assert.equal((await getJSON(ns, "cm", "stale")).data!.v, "2");
    // With the current resourceVersion the same replace goes through.
    snapshot.metadata.resourceVersion = (await getJSON(ns, "cm", "stale")).metadata.resourceVersion;
    assert.equal((await c.kubectlOk(["replace", "-n", ns, "-f", "-"], { input: JSON.stringify(snapshot) })).trim(), "configmap/stale replaced");
    assert.equal((await getJSON(ns, "cm", "stale")).data!.v, "3");
  });

  test("apply of a kind the server does not serve: kubectl's client-side validation (OpenAPI v2, protobuf) lets it through to the REST mapping error", async () => {
    const r = await c.kubectl(["apply", "-f", "-"], { input: '{"apiVersion":"apps/v1beta2","kind":"Deployment","metadata":{"name":"x"}}' });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: resource mapping not found for name: "x" namespace: "" from "STDIN": no matches for kind "Deployment" in version "apps/v1beta2"\nensure CRDs are installed first\n');
    // the repo's crds/ folder: every CRD is created, then the kustomization.yaml there is named in the same error
    const crds = fileURLToPath(new URL("../../../crds/", import.meta.url));
    const dir = await c.kubectl(["apply", "-f", crds]);
    assert.equal(dir.code, 1);
    assert.equal(dir.stdout.trim().split("\n").filter((l) => /^customresourcedefinition\.apiextensions\.k8s\.io\/\S+ created$/.test(l)).length, 13, dir.stdout);
    assert.equal(dir.stderr, `error: resource mapping not found for name: "" namespace: "" from "${crds}kustomization.yaml": no matches for kind "Kustomization" in version "kustomize.config.k8s.io/v1beta1"\nensure CRDs are installed first\n`);
  });
});
