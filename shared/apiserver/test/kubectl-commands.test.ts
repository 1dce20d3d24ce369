/**
 * More of kubectl's commands against the embedded server: typed `create` subcommands (protobuf request
 * bodies), describe with events, label/annotate, scale, wait, dry-run=server, delete of objects with finalizers.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, startTestCluster, type TestCluster } from "./harness.js";

let c: TestCluster;
before(async () => {
  c = await startTestCluster();
});
after(async () => {
  await c.stop();
});

const get = async (...args: string[]) => JSON.parse(await c.kubectlOk(["get", ...args, "-o", "json"]));

describe("kubectl commands", () => {
  test("typed create subcommands (protobuf bodies) produce the objects kubectl describes", async () => {
    assert.equal((await c.kubectlOk(["create", "namespace", "team-a"])).trim(), "namespace/team-a created");
    await c.kubectlOk(["create", "configmap", "settings", "-n", "team-a", "--from-literal=mode=fast", "--from-literal=level=3"]);
    const cm = await get("configmap", "settings", "-n", "team-a");
    assert.deepEqual(cm.data, { level: "3", mode: "fast" });
    await c.kubectlOk(["create", "secret", "generic", "creds", "-n", "team-a", "--from-literal=password=s3cret"]);
    const secret = await get("secret", "creds", "-n", "team-a");
    assert.equal(secret.type, "Opaque");
    assert.equal(Buffer.from(secret.data.password, "base64").toString(), "s3cret");
    await c.kubectlOk(["create", "deployment", "web", "-n", "team-a", "--image=nginx:1.27", "--replicas=2", "--port=8080"]);
    const dep = await get("deployment", "web", "-n", "team-a");
    assert.equal(dep.spec.replicas, 2);
    assert.deepEqual(dep.spec.selector, { matchLabels: { app: "web" } });
    assert.equal(dep.spec.strategy.type, "RollingUpdate");
    assert.equal(dep.spec.template.spec.containers[0].ports[0].containerPort, 8080);
    assert.equal(dep.spec.template.spec.containers[0].imagePullPolicy, "IfNotPresent");
    await c.kubectlOk(["create", "service", "clusterip", "web", "-n", "team-a", "--tcp=80:8080"]);
    const svc = await get("service", "web", "-n", "team-a");
    assert.equal(svc.spec.ports[0].targetPort, 8080);
    assert.match(svc.spec.clusterIP, /^10\.96\./);
    await c.kubectlOk(["create", "serviceaccount", "bot", "-n", "team-a"]);
    await c.kubectlOk(["create", "role", "reader", "-n", "team-a", "--verb=get,list", "--resource=pods,configmaps"]);
    await c.kubectlOk(["create", "rolebinding", "bot-reader", "-n", "team-a", "--role=reader", "--serviceaccount=team-a:bot"]);
    const rb = await get("rolebinding", "bot-reader", "-n", "team-a");
    assert.deepEqual(rb.subjects, [{ kind: "ServiceAccount", name: "bot", namespace: "team-a" }]);
    await c.kubectlOk(["create", "job", "once", "-n", "team-a", "--image=busybox", "--", "echo", "hi"]);
    const job = await get("job", "once", "-n", "team-a");
    assert.equal(job.spec.template.spec.restartPolicy, "Never");
    assert.deepEqual(job.spec.template.spec.containers[0].command, ["echo", "hi"]);
    assert.ok(job.spec.selector.matchLabels["batch.kubernetes.io/controller-uid"]);
    await c.kubectlOk(["create", "cronjob", "nightly", "-n", "team-a", "--image=busybox", "--schedule=0 3 * * *"]);
    await c.kubectlOk(["create", "ingress", "web", "-n", "team-a", "--rule=app.example.com/*=web:80"]);
    await c.kubectlOk(["create", "poddisruptionbudget", "web", "-n", "team-a", "--selector=app=web", "--min-available=1"]);
    await c.kubectlOk(["create", "priorityclass", "high", "--value=1000"]);
    const all = await c.kubectlOk(["get", "all", "-n", "team-a"]);
    assert.match(all, /service\/web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP/);
    assert.match(all, /deployment\.apps\/web\s+0\/2\s+0\s+0/);
    assert.match(all, /cronjob\.batch\/nightly\s+0 3 \* \* \*\s+<none>\s+False\s+0\s+<none>/);
  });

  test("describe shows the object and the events about it", async () => {
    await c.kubectlOk(["create", "namespace", "desc"]);
    await c.kubectlOk(["create", "configmap", "described", "-n", "desc", "--from-literal=k=v"]);
    const cm = await get("configmap", "described", "-n", "desc");
    const event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "described.1", namespace: "desc" },
      involvedObject: { apiVersion: "v1", kind: "ConfigMap", name: "described", namespace: "desc", uid: cm.metadata.uid },
      reason: "Reconciled",
      message: "all good here",
      type: "Normal",
      source: { component: "tester" },
      firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      count: 1,
    };
    await c.kubectlOk(["create", "-f", "-"], { input: JSON.stringify(event) });
    const out = await c.kubectlOk(["describe", "configmap", "described", "-n", "desc"]);
    assert.match(out, /^Name:\s+described$/m);
    assert.match(out, /^Namespace:\s+desc$/m);
    assert.match(out, /Normal\s+Reconciled\s+\S+\s+tester\s+all good here/);
    const events = await c.kubectlOk(["events", "-n", "desc"]);
    assert.match(events, /Normal\s+Reconciled\s+ConfigMap\/described\s+all good here/);
  });

  test("label and annotate, including removal and --overwrite", async () => {
    await c.kubectlOk(["create", "configmap", "tagged"]);
    await c.kubectlOk(["label", "configmap", "tagged", "env=dev", "team=a"]);
    await c.kubectlOk(["annotate", "configmap", "tagged", "note=hello"]);
    let cm = await get("configmap", "tagged");
    assert.deepEqual(cm.metadata.labels, { env: "dev", team: "a" });
    assert.equal(cm.metadata.annotations.note, "hello");
    const clash = await c.kubectl(["label", "configmap", "tagged", "env=prod"]);
    assert.notEqual(clash.code, 0);
    await c.kubectlOk(["label", "configmap", "tagged", "env=prod", "--overwrite"]);
    await c.kubectlOk(["label", "configmap", "tagged", "team-"]);
    cm = await get("configmap", "tagged");
    assert.deepEqual(cm.metadata.labels, { env: "prod" });
    assert.equal((await c.kubectlOk(["get", "cm", "-l", "env=prod", "-o", "name"])).trim(), "configmap/tagged");
  });

  test("scale a Deployment through the scale subresource; generation moves", async () => {
    await c.kubectlOk(["create", "deployment", "scaled", "--image=nginx"]);
    await c.kubectlOk(["scale", "deployment", "scaled", "--replicas=5"]);
    const dep = await get("deployment", "scaled");
    assert.equal(dep.spec.replicas, 5);
    assert.equal(dep.metadata.generation, 2);
    const stale = await c.kubectl(["scale", "deployment", "scaled", "--replicas=1", "--resource-version=1"]);
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /Expected resource version to be 1, was \d+/);
  });

  test("dry-run=server validates and returns the object but stores nothing", async () => {
    const out = await c.kubectlOk(["create", "configmap", "ghost", "--from-literal=a=1", "--dry-run=server", "-o", "json"]);
    assert.equal(JSON.parse(out).data.a, "1");
    const r = await c.kubectl(["get", "configmap", "ghost"]);
    assert.notEqual(r.code, 0);
    const invalid = await c.kubectl(["create", "deployment", "Bad_Name", "--image=nginx", "--dry-run=server"]);
    assert.notEqual(invalid.code, 0);
    assert.match(invalid.stderr, /Invalid value: "Bad_Name"/);
  });

  test("delete --wait returns once a finalizer is released; wait --for=delete", async () => {
    await c.kubectlOk(["apply", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "held", finalizers: ["test.io/hold"] } }) });
    await c.kubectlOk(["delete", "configmap", "held", "--wait=false"]);
    const cm = await get("configmap", "held");
    assert.ok(cm.metadata.deletionTimestamp);
    const waiter = c.kubectlBackground(["wait", "--for=delete", "configmap/held", "--timeout=20s"]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(waiter.lines.length, 0);
    await c.kubectlOk(["patch", "configmap", "held", "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]']);
    assert.equal(await waiter.exited, 0);
    await eventually(async () => (await c.kubectl(["get", "configmap", "held"])).code !== 0);
  });

  test("auth can-i and whoami are answered (no authorization: everything is allowed)", async () => {
    assert.equal((await c.kubectlOk(["auth", "can-i", "delete", "deployments", "-n", "kube-system"])).trim(), "yes");
    assert.match(await c.kubectlOk(["auth", "whoami"]), /Username\s+flotilla/);
  });

  test("get -o wide shows priority columns; pods field selectors by phase", async () => {
    await c.kubectlOk(["apply", "-f", "-"], {
      input: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "p1", labels: { app: "p" } }, spec: { containers: [{ name: "c", image: "busybox:1.36" }] } }),
    });
    const wide = await c.kubectlOk(["get", "pods", "p1", "-o", "wide"]);
    assert.match(wide, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\n/);
    const pending = await c.kubectlOk(["get", "pods", "--field-selector=status.phase=Pending", "-o", "name"]);
    assert.match(pending, /^pod\/p1$/m);
    const running = await c.kubectlOk(["get", "pods", "--field-selector=status.phase=Running", "-o", "name"]);
    assert.doesNotMatch(running, /pod\/p1/);
  });
});
