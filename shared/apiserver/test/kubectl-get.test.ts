/**
 * Acceptance: the real kubectl's read paths and metadata verbs against the embedded server — get in every output
 * format, get -w (a background kubectl whose lines are read as objects change), label and field selectors,
 * describe with core/v1 Events, label/annotate, api-resources columns, scale and delete --wait.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import YAML from "yaml";
import { startTestCluster, type TestCluster } from "./harness.js";
import { configMap, deployment, freshNamespace, installWidgetCRD, names, widget } from "./acceptance-helpers.js";

let c: TestCluster;
before(async () => {
  c = await startTestCluster();
  await installWidgetCRD(c);
});
after(async () => {
  await c.stop();
});

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d+Z$/, "Z");

function coreEvent(ns: string, name: string, involved: Record<string, string>, e: { reason: string; message: string; type: string; count: number; first: number; last: number }) {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace: ns },
    involvedObject: { namespace: ns, ...involved },
    reason: e.reason,
    message: e.message,
    type: e.type,
    count: e.count,
    firstTimestamp: ago(e.first),
    lastTimestamp: ago(e.last),
    source: { component: "acceptance-test" },
  });
}

describe("kubectl get, watch, selectors, describe and metadata verbs", { concurrency: 4 }, () => {
  test("get -o json / yaml / name / wide / custom-columns agree with each other", async () => {
    const ns = await freshNamespace(c, "out");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: deployment("web", { replicas: 2, image: "nginx:1.27" }) });
    const json = JSON.parse(await c.kubectlOk(["get", "-n", ns, "deploy", "web", "-o", "json"]));
    const yaml = YAML.parse(await c.kubectlOk(["get", "-n", ns, "deploy", "web", "-o", "yaml"]));
    assert.deepEqual(yaml, json);
    assert.equal(json.kind, "Deployment");
    assert.equal(json.spec.strategy.type, "RollingUpdate", "built-in defaults are applied");

    const list = JSON.parse(await c.kubectlOk(["get", "-n", ns, "deploy", "-o", "json"]));
    assert.equal(list.kind, "List");
    assert.equal(list.items[0].kind, "Deployment", "kubectl fills in kind on list items");

    assert.equal((await c.kubectlOk(["get", "-n", ns, "deploy", "-o", "name"])).trim(), "deployment.apps/web");
    const wide = await c.kubectlOk(["get", "-n", ns, "deploy", "web", "-o", "wide"]);
    assert.match(wide, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n/);
    assert.match(wide, /\nweb\s+\d+\/2\s+\d+\s+\d+\s+\d+s\s+main\s+nginx:1\.27\s+app=web\n$/);
    const narrow = await c.kubectlOk(["get", "-n", ns, "deploy", "web"]);
    assert.doesNotMatch(narrow, /CONTAINERS/, "priority>0 columns appear only with -o wide");

    const cols = await c.kubectlOk(["get", "-n", ns, "deploy", "web", "-o", "custom-columns=N:.metadata.name,R:.spec.replicas,I:.spec.template.spec.containers[0].image"]);
    assert.match(cols, /^N\s+R\s+I\nweb\s+2\s+nginx:1\.27\n$/);
  });

  test("get -w --output-watch-events: ADDED/MODIFIED/DELETED lines as objects change, selector transitions included", async () => {
    const ns = await freshNamespace(c, "watch");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap("pre", { a: "0" }) });
    // Matches the selector from the start, so its line shows the selector watch has listed (and watches from there).
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap("anchor", { a: "0" }, { labels: { app: "w" } }) });
    const table = c.kubectlBackground(["get", "cm", "-n", ns, "-w", "--output-watch-events"]);
    const sel = c.kubectlBackground(["get", "cm", "-n", ns, "-l", "app=w", "-w", "--output-watch-events", "-o", 'jsonpath={.type} {.object.metadata.name} {.object.data.a}{"\\n"}']);
    try {
      await table.waitForLine(/^ADDED\s+pre\s+1\s+/);
      await sel.waitForLine(/^ADDED anchor 0$/);
      await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap("y", { a: "1" }) });
      await table.waitForLine(/^ADDED\s+y\s+1\s+/);
      await c.kubectlOk(["label", "-n", ns, "cm", "y", "app=w"]);
      await sel.waitForLine(/^ADDED y 1$/);
      await c.kubectlOk(["patch", "-n", ns, "cm", "y", "--type=merge", "-p", '{"data":{"a":"2","b":"x"}}']);
      await table.waitForLine(/^MODIFIED\s+y\s+2\s+/);
      await sel.waitForLine(/^MODIFIED y 2$/);
      await c.kubectlOk(["label", "-n", ns, "cm", "y", "app-"]);
      await sel.waitForLine(/^DELETED y 2$/);
      await c.kubectlOk(["delete", "-n", ns, "cm", "y"]);
      await table.waitForLine(/^DELETED\s+y\s+2\s+/);
      assert.match(table.lines[0]!, /^EVENT\s+NAME\s+DATA\s+AGE$/);
      assert.deepEqual(sel.lines, ["ADDED anchor 0", "ADDED y 1", "MODIFIED y 2", "DELETED y 2"], "no event for the delete: y no longer matched");
      assert.deepEqual(
        table.lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(" ")).sort(),
        ["ADDED anchor", "ADDED pre", "ADDED y", "DELETED y", "MODIFIED y", "MODIFIED y", "MODIFIED y"],
      );
      assert.deepEqual(
        table.lines.slice(3).map((l) => l.split(/\s+/).slice(0, 2).join(" ")),
        ["ADDED y", "MODIFIED y", "MODIFIED y", "MODIFIED y", "DELETED y"],
        "after the two listed objects, the changes in order",
      );
    } finally {
      await table.stop();
      await sel.stop();
    }
  });

  test("get -w on one named object with -o json prints each new version", async () => {
    const ns = await freshNamespace(c, "watch-json");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: widget("w", { size: 1 }) });
    const w = c.kubectlBackground(["get", "-n", ns, "widget", "w", "-w", "-o", "jsonpath={.spec.size}/{.metadata.generation}{\"\\n\"}"]);
    try {
      await w.waitForLine(/^1\/1$/);
      await c.kubectlOk(["patch", "-n", ns, "widget", "w", "--type=merge", "-p", '{"spec":{"size":2}}']);
      await w.waitForLine(/^2\/2$/);
      await c.kubectlOk(["patch", "-n", ns, "widget", "w", "--type=json", "-p", '[{"op":"replace","path":"/spec/size","value":3}]']);
      await w.waitForLine(/^3\/3$/);
      assert.deepEqual(w.lines, ["1/1", "2/2", "3/3"]);
    } finally {
      await w.stop();
    }
  });

  test("label selectors: in, notin, exists, !exists, combined; across namespaces with -A", async () => {
    const ns = await freshNamespace(c, "labels");
    const put = (name: string, labels: Record<string, string>) => c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap(name, {}, { labels }) });
    await put("a", { env: "prod", tier: "web" });
    await put("b", { env: "dev", tier: "web" });
    await put("c", { env: "qa" });
    await put("d", { tier: "db" });
    const sel = async (s: string) => names(await c.kubectlOk(["get", "cm", "-n", ns, "-l", s, "-o", "name"])).map((n) => n.replace("configmap/", ""));
    assert.deepEqual(await sel("env in (prod,dev)"), ["a", "b"]);
    assert.deepEqual(await sel("env notin (prod,dev)"), ["c", "d"], "notin also matches objects without the key");
    assert.deepEqual(await sel("env"), ["a", "b", "c"]);
    assert.deepEqual(await sel("!env"), ["d"]);
    assert.deepEqual(await sel("tier=web,env!=prod"), ["b"]);
    assert.deepEqual(await sel("env,tier notin (web)"), ["c"]);
    const all = await c.kubectlOk(["get", "cm", "-A", "-l", "tier=db", "-o", "custom-columns=NS:.metadata.namespace,N:.metadata.name", "--no-headers"]);
    assert.equal(all.trim().replace(/\s+/g, " "), `${ns} d`);
    const bad = await c.kubectl(["get", "cm", "-n", ns, "-l", "env in prod"]);
    assert.equal(bad.code, 1);
  });

  test("field selectors: metadata.name, metadata.namespace, !=, and per-type fields (Event, Secret type)", async () => {
    const ns = await freshNamespace(c, "fields");
    for (const n of ["one", "two", "three"]) await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap(n, {}) });
    const got = async (...args: string[]) => names(await c.kubectlOk(["get", "-o", "name", ...args]));
    assert.deepEqual(await got("cm", "-n", ns, "--field-selector", "metadata.name!=one,metadata.name!=kube-root-ca.crt"), ["configmap/three", "configmap/two"]);
    assert.deepEqual(await got("cm", "-A", "--field-selector", `metadata.namespace=${ns},metadata.name==two`), ["configmap/two"]);
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "tls" }, type: "kubernetes.io/tls", data: { "tls.crt": "", "tls.key": "" } }) });
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "plain" }, stringData: { a: "b" } }) });
    assert.deepEqual(await got("secret", "-n", ns, "--field-selector", "type=kubernetes.io/tls"), ["secret/tls"]);
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], {
      input: coreEvent(ns, "ev1", { kind: "ConfigMap", name: "one", apiVersion: "v1" }, { reason: "R", message: "m", type: "Warning", count: 1, first: 1, last: 1 }),
    });
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], {
      input: coreEvent(ns, "ev2", { kind: "ConfigMap", name: "two", apiVersion: "v1" }, { reason: "R", message: "m", type: "Normal", count: 1, first: 1, last: 1 }),
    });
    assert.deepEqual(await got("events", "-n", ns, "--field-selector", "involvedObject.name=one"), ["event/ev1"]);
    assert.deepEqual(await got("events", "-n", ns, "--field-selector", "type=Normal,involvedObject.kind=ConfigMap"), ["event/ev2"]);
    const bad = await c.kubectl(["get", "cm", "-n", ns, "--field-selector", "data.x=1"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Error from server \(BadRequest\): Unable to find "\/v1, Resource=configmaps" that match label selector "", field selector "data\.x=1": field label not supported: data\.x/);
  });

  test("describe shows the object's core/v1 Events, matched by name, kind and uid", async () => {
    const ns = await freshNamespace(c, "describe");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap("target", { key: "value" }) });
    const uid = await c.kubectlOk(["get", "-n", ns, "cm", "target", "-o", "jsonpath={.metadata.uid}"]);
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], {
      input: coreEvent(ns, "target.1", { kind: "ConfigMap", name: "target", uid, apiVersion: "v1" }, { reason: "Synced", message: "all good", type: "Normal", count: 3, first: 80, last: 20 }),
    });
    // Same name, other uid (an earlier incarnation): describe must not show it.
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], {
      input: coreEvent(ns, "target.2", { kind: "ConfigMap", name: "target", uid: "00000000-0000-0000-0000-000000000000", apiVersion: "v1" }, {
        reason: "Stale",
        message: "old incarnation",
        type: "Warning",
        count: 1,
        first: 30,
        last: 30,
      }),
    });
    const out = await c.kubectlOk(["describe", "-n", ns, "cm", "target"]);
    assert.match(out, /^Name:\s+target\nNamespace:\s+describe-\d+\n/);
    assert.match(out, /\nData\n====\nkey:\n----\nvalue\n/);
    assert.match(out, /\nEvents:\n  Type\s+Reason\s+Age\s+From\s+Message\n  ----\s+------\s+----\s+----\s+-------\n  Normal\s+Synced\s+2\dm \(x3 over 8\dm\)\s+acceptance-test\s+all good\n$/);
    assert.doesNotMatch(out, /Stale/);

    // A custom resource goes through the generic describer, which lists events the same way.
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: widget("gizmo", { size: 4 }) });
    const wuid = await c.kubectlOk(["get", "-n", ns, "widget", "gizmo", "-o", "jsonpath={.metadata.uid}"]);
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], {
      input: coreEvent(ns, "gizmo.1", { kind: "Widget", name: "gizmo", uid: wuid, apiVersion: "acceptance.flotilla.dev/v1" }, {
        reason: "ReconciliationFailed",
        message: "size too small",
        type: "Warning",
        count: 1,
        first: 15,
        last: 15,
      }),
    });
    const wout = await c.kubectlOk(["describe", "-n", ns, "widget", "gizmo"]);
    assert.match(wout, /\nSpec:\n  Size:\s+4\n/);
    assert.match(wout, /\nEvents:\n.*\n.*\n  Warning\s+ReconciliationFailed\s+1\dm\s+acceptance-test\s+size too small\n$/);

    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap("quiet", {}) });
    assert.match(await c.kubectlOk(["describe", "-n", ns, "cm", "quiet"]), /\nEvents:\s+<none>\n$/);
  });

  test("label and annotate: add, refuse to change without --overwrite, overwrite, remove with key-", async () => {
    const ns = await freshNamespace(c, "meta");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap("m", {}) });
    assert.equal((await c.kubectlOk(["label", "-n", ns, "cm", "m", "team=blue", "env=dev"])).trim(), "configmap/m labeled");
    const refused = await c.kubectl(["label", "-n", ns, "cm", "m", "team=red"]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error: 'team' already has a value \(blue\), and --overwrite is false/);
    await c.kubectlOk(["label", "-n", ns, "cm", "m", "team=red", "--overwrite"]);
    assert.equal((await c.kubectlOk(["label", "-n", ns, "cm", "m", "env-"])).trim(), "configmap/m unlabeled");
    const labels = JSON.parse(await c.kubectlOk(["get", "-n", ns, "cm", "m", "-o", "jsonpath={.metadata.labels}"]));
    assert.deepEqual(labels, { team: "red" });

    assert.equal((await c.kubectlOk(["annotate", "-n", ns, "cm", "m", "note=first", "owner=me"])).trim(), "configmap/m annotated");
    const refusedA = await c.kubectl(["annotate", "-n", ns, "cm", "m", "note=second"]);
    assert.equal(refusedA.code, 1);
    assert.match(refusedA.stderr, /error: --overwrite is false but found the following declared annotation\(s\): 'note' already has a value \(first\)/);
    await c.kubectlOk(["annotate", "-n", ns, "cm", "m", "note=second", "--overwrite"]);
    await c.kubectlOk(["annotate", "-n", ns, "cm", "m", "owner-"]);
    const ann = JSON.parse(await c.kubectlOk(["get", "-n", ns, "cm", "m", "-o", "jsonpath={.metadata.annotations}"]));
    assert.deepEqual(ann, { note: "second" });

    // On a custom resource, kubectl sends a JSON merge patch for the same verbs.
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: widget("w", { size: 1 }) });
    await c.kubectlOk(["label", "-n", ns, "widget", "w", "color=green"]);
    await c.kubectlOk(["annotate", "-n", ns, "widget", "w", "x=y"]);
    assert.deepEqual(names(await c.kubectlOk(["get", "-n", ns, "widgets", "-l", "color=green", "-o", "name"])), ["widget.acceptance.flotilla.dev/w"]);
  });

  test("api-resources -o wide shows short names, verbs and categories; a CRD's category works with get", async () => {
    const out = await c.kubectlOk(["api-resources", "-o", "wide"]);
    assert.match(out, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\s+VERBS\s+CATEGORIES\n/);
    assert.match(out, /^pods\s+po\s+v1\s+true\s+Pod\s+create,delete,deletecollection,get,list,patch,update,watch\s+all\n/m);
    assert.match(out, /^widgets\s+wdg\s+acceptance\.flotilla\.dev\/v1\s+true\s+Widget\s+delete,deletecollection,get,list,patch,create,update,watch\s+gadgets\n/m);
    const cats = await c.kubectlOk(["api-resources", "--api-group=acceptance.flotilla.dev", "-o", "name"]);
    assert.equal(cats.trim(), "widgets.acceptance.flotilla.dev");
    const ns = await freshNamespace(c, "cats");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: widget("a", { size: 7 }) });
    const byCategory = await c.kubectlOk(["get", "gadgets", "-n", ns]);
    // One kind behind the category, so kubectl prints no kind prefix (it does for `get all`).
    assert.match(byCategory, /^NAME\s+SIZE\s+READY\s+AGE\na\s+7\s+\d+s\n$/);
    assert.equal((await c.kubectlOk(["get", "wdg", "-n", ns, "-o", "name"])).trim(), "widget.acceptance.flotilla.dev/a");
  });

  test("scale: sets spec.replicas through the scale subresource; --current-replicas is a precondition", async () => {
    const ns = await freshNamespace(c, "scale");
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: deployment("s", { replicas: 1 }) });
    assert.equal((await c.kubectlOk(["scale", "-n", ns, "deploy", "s", "--replicas=4"])).trim(), "deployment.apps/s scaled");
    assert.equal(await c.kubectlOk(["get", "-n", ns, "deploy", "s", "-o", "jsonpath={.spec.replicas}"]), "4");
    const pre = await c.kubectl(["scale", "-n", ns, "deploy", "s", "--current-replicas=2", "--replicas=6"]);
    assert.equal(pre.code, 1);
    assert.match(pre.stderr, /Expected replicas to be 2, was 4/);
    const scale = JSON.parse(await c.kubectlOk(["get", "--raw", `/apis/apps/v1/namespaces/${ns}/deployments/s/scale`]));
    assert.equal(scale.kind, "Scale");
    assert.equal(scale.apiVersion, "autoscaling/v1");
    assert.equal(scale.spec.replicas, 4);
    assert.equal(scale.status.selector, "app=s");
    // the server prints the Scale subresource with printScale's columns
    assert.match(await c.kubectlOk(["get", "-n", ns, "deploy", "s", "--subresource=scale"]), /^NAME\s+DESIRED\s+AVAILABLE\s+AGE\ns\s+4\s+0\s+\d+s\n$/);
  });

  test("delete --wait removes several objects and by label; a missing one is NotFound", async () => {
    const ns = await freshNamespace(c, "del");
    for (const n of ["d1", "d2", "d3"]) await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: configMap(n, {}, { labels: { group: n === "d3" ? "b" : "a" } }) });
    const out = await c.kubectlOk(["delete", "-n", ns, "cm", "-l", "group=a", "--wait=true"]);
    assert.deepEqual(out.trim().split("\n").sort(), ['configmap "d1" deleted', 'configmap "d2" deleted']);
    assert.deepEqual(names(await c.kubectlOk(["get", "-n", ns, "cm", "-l", "group", "-o", "name"])), ["configmap/d3"]);
    const r = await c.kubectl(["delete", "-n", ns, "cm", "d3", "nope", "--wait=true"]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /configmap "d3" deleted/);
    assert.match(r.stderr, /Error from server \(NotFound\): configmaps "nope" not found/);
  });
});
