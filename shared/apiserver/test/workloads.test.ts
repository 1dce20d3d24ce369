/**
 * The workload simulation, driven by the real kubectl: `rollout status`, `wait --for=condition=...`,
 * `scale`, `set image`, `rollout undo`, `delete` behave as on a one-node cluster. Expected texts (status
 * messages, condition reasons) are upstream's, as kubectl and the controllers print them.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import YAML from "yaml";
import { eventually, startTestCluster, type TestCluster } from "./harness.js";
import { defaultControllers } from "../src/controllers/index.js";
import { startApiServer } from "../src/index.js";

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ simulateWorkloads: true });
});
after(async () => {
  await c.stop();
});

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let nsCounter = 0;
async function namespace(): Promise<string> {
  const ns = `wl-${++nsCounter}`;
  await c.kubectlOk(["create", "namespace", ns]);
  return ns;
}

function deployment(name: string, o: { replicas?: number; image?: string; strategy?: object } = {}): string {
  const d: Obj = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas: o.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image: o.image ?? "nginx:1.27" }] } },
    },
  };
  if (o.strategy) d.spec.strategy = o.strategy;
  return YAML.stringify(d);
}

async function json(ns: string, ...args: string[]): Promise<Obj> {
  return JSON.parse(await c.kubectlOk(["get", "-n", ns, ...args, "-o", "json"]));
}

const cond = (o: Obj, type: string): Obj | undefined => (o.status?.conditions ?? []).find((x: Obj) => x.type === type);

describe("Deployments", () => {
  test("kubectl rollout status follows a new Deployment until it has rolled out", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("web", { replicas: 3 }) });
    const out = await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/web", "--timeout=20s"]);
    assert.match(out, /deployment "web" successfully rolled out\n$/);
    assert.match(out, /^Waiting for deployment "web" rollout to finish: /m, "it waited for the rollout at least once");

    const d = await json(ns, "deployment", "web");
    assert.equal(d.status.observedGeneration, d.metadata.generation);
    assert.equal(d.status.replicas, 3);
    assert.equal(d.status.updatedReplicas, 3);
    assert.equal(d.status.readyReplicas, 3);
    assert.equal(d.status.availableReplicas, 3);
    assert.equal(d.status.unavailableReplicas, undefined);
    assert.deepEqual(
      d.status.conditions.map((x: Obj) => [x.type, x.status, x.reason]),
      [
        ["Available", "True", "MinimumReplicasAvailable"],
        ["Progressing", "True", "NewReplicaSetAvailable"],
      ],
    );
    assert.equal(cond(d, "Available")!.message, "Deployment has minimum availability.");
    assert.equal(d.metadata.annotations["deployment.kubernetes.io/revision"], "1");

    // The ReplicaSet: <deployment>-<pod-template-hash>, owned by the Deployment.
    const rsList = await json(ns, "replicasets");
    assert.equal(rsList.items.length, 1);
    const rs = rsList.items[0];
    const hash = rs.metadata.labels["pod-template-hash"];
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.equal(cond(d, "Progressing")!.message, `ReplicaSet "web-${hash}" has successfully progressed.`);
    assert.deepEqual(rs.spec.selector.matchLabels, { app: "web", "pod-template-hash": hash });
    assert.deepEqual(rs.metadata.ownerReferences, [
      { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    assert.equal(rs.metadata.annotations["deployment.kubernetes.io/revision"], "1");
    assert.equal(rs.metadata.annotations["deployment.kubernetes.io/desired-replicas"], "3");
    assert.equal(rs.metadata.annotations["deployment.kubernetes.io/max-replicas"], "4");
    assert.equal(rs.status.readyReplicas, 3);

    // Its Pods run on the simulated node and are Ready.
    const pods = (await json(ns, "pods")).items as Obj[];
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.match(p.metadata.name, new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.equal(p.metadata.ownerReferences[0].uid, rs.metadata.uid);
      assert.equal(p.spec.nodeName, "flotilla-node");
      assert.equal(p.status.phase, "Running");
      assert.equal(cond(p, "Ready")!.status, "True");
      assert.equal(p.status.containerStatuses[0].ready, true);
      assert.equal(p.status.containerStatuses[0].image, "docker.io/library/nginx:1.27");
    }
    assert.equal(new Set(pods.map((p) => p.status.podIP)).size, 3, "every pod has its own IP");
    const table = await c.kubectlOk(["get", "pods", "-n", ns]);
    assert.equal(table.match(/\s1\/1\s+Running\s+0\s/g)?.length, 3, table);
  });

  test("kubectl wait --for=condition=Available", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("api") });
    const out = await c.kubectlOk(["wait", "-n", ns, "--for=condition=Available", "deployment/api", "--timeout=20s"]);
    assert.equal(out.trim(), "deployment.apps/api condition met");
    const d = await json(ns, "deployment", "api");
    assert.equal(d.status.availableReplicas, 2);
  });

  test("kubectl scale, then rollout status, up and down", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("scaled", { replicas: 1 }) });
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/scaled", "--timeout=20s"]);
    assert.equal((await c.kubectlOk(["scale", "-n", ns, "deployment/scaled", "--replicas=4"])).trim(), "deployment.apps/scaled scaled");
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/scaled", "--timeout=20s"]);
    let d = await json(ns, "deployment", "scaled");
    assert.equal(d.status.availableReplicas, 4);
    assert.equal((await json(ns, "pods")).items.length, 4);
    const rs = (await json(ns, "replicasets")).items;
    assert.equal(rs.length, 1, "scaling does not create a ReplicaSet");
    assert.equal(rs[0].spec.replicas, 4);

    await c.kubectlOk(["scale", "-n", ns, "deployment/scaled", "--replicas=2"]);
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/scaled", "--timeout=20s"]);
    d = (await eventually(async () => {
      const x = await json(ns, "deployment", "scaled");
      return x.status.replicas === 2 ? x : undefined;
    }))!;
    assert.equal(d.status.availableReplicas, 2);
    assert.equal((await json(ns, "pods")).items.length, 2);
  });

  test("a template change rolls out a new ReplicaSet; rollout history and undo use the revisions", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("app", { image: "nginx:1.27" }) });
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/app", "--timeout=20s"]);
    const first = (await json(ns, "replicasets")).items[0];

    await c.kubectlOk(["set", "image", "-n", ns, "deployment/app", "web=nginx:1.28"]);
    const out = await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/app", "--timeout=20s"]);
    assert.match(out, /deployment "app" successfully rolled out\n$/);
    const rss = (await json(ns, "replicasets")).items as Obj[];
    assert.equal(rss.length, 2);
    const second = rss.find((r) => r.metadata.name !== first.metadata.name)!;
    assert.notEqual(second.metadata.labels["pod-template-hash"], first.metadata.labels["pod-template-hash"]);
    assert.equal(second.metadata.annotations["deployment.kubernetes.io/revision"], "2");
    assert.equal(rss.find((r) => r.metadata.name === first.metadata.name)!.spec.replicas, 0, "the old ReplicaSet is scaled to 0");
    const pods = (await json(ns, "pods")).items as Obj[];
    assert.equal(pods.length, 2);
    for (const p of pods) assert.equal(p.spec.containers[0].image, "nginx:1.28");
    assert.match(await c.kubectlOk(["rollout", "history", "-n", ns, "deployment/app"]), /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);

    await c.kubectlOk(["rollout", "undo", "-n", ns, "deployment/app"]);
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/app", "--timeout=20s"]);
    const back = await eventually(async () => {
      const x = await json(ns, "replicaset", first.metadata.name);
      return x.metadata.annotations["deployment.kubernetes.io/revision"] === "3" ? x : undefined;
    });
    assert.equal(back!.spec.replicas, 2, "undo scales the first ReplicaSet back up");
    const d = await json(ns, "deployment", "app");
    assert.equal(d.metadata.annotations["deployment.kubernetes.io/revision"], "3");
    for (const p of (await json(ns, "pods")).items as Obj[]) assert.equal(p.spec.containers[0].image, "nginx:1.27");
  });

  test("kubectl rollout pause holds a template change back until rollout resume; rollout restart rolls new pods", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("paused") });
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/paused", "--timeout=20s"]);
    await c.kubectlOk(["rollout", "pause", "-n", ns, "deployment/paused"]);
    await c.kubectlOk(["set", "image", "-n", ns, "deployment/paused", "web=nginx:1.28"]);
    const held = await eventually(async () => {
      const d = await json(ns, "deployment", "paused");
      return d.status.observedGeneration === d.metadata.generation ? d : undefined;
    });
    assert.deepEqual(
      [cond(held!, "Progressing")!.status, cond(held!, "Progressing")!.reason, cond(held!, "Progressing")!.message],
      ["Unknown", "DeploymentPaused", "Deployment is paused"],
    );
    assert.equal((await json(ns, "replicasets")).items.length, 1, "no ReplicaSet for the new template while paused");

    await c.kubectlOk(["rollout", "resume", "-n", ns, "deployment/paused"]);
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/paused", "--timeout=20s"]);
    for (const p of (await json(ns, "pods")).items as Obj[]) assert.equal(p.spec.containers[0].image, "nginx:1.28");
    assert.equal(cond(await json(ns, "deployment", "paused"), "Progressing")!.reason, "NewReplicaSetAvailable");

    const before = new Set(((await json(ns, "pods")).items as Obj[]).map((p) => p.metadata.name));
    await c.kubectlOk(["rollout", "restart", "-n", ns, "deployment/paused"]);
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/paused", "--timeout=20s"]);
    const after = ((await json(ns, "pods")).items as Obj[]).map((p) => p.metadata.name);
    assert.equal(after.length, 2);
    for (const name of after) assert.ok(!before.has(name), `${name} was replaced`);
    assert.equal((await json(ns, "replicasets")).items.length, 3);
  });

  test("the same template gives the same ReplicaSet name (the hash is a function of the template)", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("same") });
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/same", "--timeout=20s"]);
    const before = (await json(ns, "replicasets")).items[0].metadata.name;
    await c.kubectlOk(["delete", "-n", ns, "deployment/same"]);
    await eventually(async () => (await json(ns, "replicasets")).items.length === 0);
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("same") });
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/same", "--timeout=20s"]);
    assert.equal((await json(ns, "replicasets")).items[0].metadata.name, before);
  });

  test("Recreate: the old pods go before the new ReplicaSet scales up", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("rec", { strategy: { type: "Recreate" } }) });
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/rec", "--timeout=20s"]);
    const watch = c.kubectlBackground(["get", "pods", "-n", ns, "--watch", "--output-watch-events", "-o", "custom-columns=EVENT:.type,NAME:.object.metadata.name,IMAGE:.object.spec.containers[0].image"]);
    await watch.waitForLine(/ADDED\s+rec-.*nginx:1\.27/);
    await c.kubectlOk(["set", "image", "-n", ns, "deployment/rec", "web=nginx:1.28"]);
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/rec", "--timeout=20s"]);
    await watch.waitForLine(/ADDED\s+rec-.*nginx:1\.28/);
    await watch.stop();
    const events = watch.lines.filter((l) => /^(ADDED|DELETED)/.test(l));
    const firstNew = events.findIndex((l) => /^ADDED\s.*nginx:1\.28/.test(l));
    const lastOldDeleted = events.map((l) => /^DELETED\s.*nginx:1\.27/.test(l)).lastIndexOf(true);
    assert.ok(lastOldDeleted >= 0 && lastOldDeleted < firstNew, events.join("\n"));
  });

  test("kubectl delete deployment removes its ReplicaSets and Pods through the garbage collector", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("doomed", { replicas: 3 }) });
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/doomed", "--timeout=20s"]);
    await c.kubectlOk(["set", "image", "-n", ns, "deployment/doomed", "web=nginx:1.28"]);
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/doomed", "--timeout=20s"]);
    assert.equal((await json(ns, "replicasets")).items.length, 2);
    assert.equal((await c.kubectlOk(["delete", "-n", ns, "deployment/doomed"])).trim(), 'deployment.apps "doomed" deleted');
    await eventually(async () => (await c.kubectlOk(["get", "replicasets,pods", "-n", ns, "-o", "name"])).trim() === "");
  });

  test("kubectl delete --cascade=foreground keeps the Deployment until its Pods are gone", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("fg") });
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/fg", "--timeout=20s"]);
    const pod = (await json(ns, "pods")).items[0].metadata.name;
    await c.kubectlOk(["patch", "-n", ns, "pod", pod, "--type=merge", "-p", '{"metadata":{"finalizers":["example.com/hold"]}}']);
    await c.kubectlOk(["delete", "-n", ns, "deployment/fg", "--cascade=foreground", "--wait=false"]);
    const rs = await eventually(async () => {
      const x = (await json(ns, "replicasets")).items[0];
      return x?.metadata.deletionTimestamp ? x : undefined;
    });
    assert.deepEqual(rs.metadata.finalizers, ["foregroundDeletion"]);
    const d = await json(ns, "deployment", "fg");
    assert.deepEqual(d.metadata.finalizers, ["foregroundDeletion"]);
    await c.kubectlOk(["patch", "-n", ns, "pod", pod, "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]']);
    await c.kubectlOk(["wait", "-n", ns, "--for=delete", "deployment/fg", "--timeout=10s"]);
    assert.equal((await c.kubectlOk(["get", "replicasets,pods", "-n", ns, "-o", "name"])).trim(), "");
  });

  test("kubectl delete --cascade=orphan leaves the ReplicaSet running; a new Deployment adopts it", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("adopt") });
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/adopt", "--timeout=20s"]);
    const rsName = (await json(ns, "replicasets")).items[0].metadata.name;
    await c.kubectlOk(["delete", "-n", ns, "deployment/adopt", "--cascade=orphan"]);
    const orphan = await json(ns, "replicaset", rsName);
    assert.equal(orphan.metadata.ownerReferences, undefined);
    assert.equal((await json(ns, "pods")).items.length, 2);

    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("adopt") });
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/adopt", "--timeout=20s"]);
    const d = await json(ns, "deployment", "adopt");
    const adopted = await eventually(async () => {
      const x = await json(ns, "replicaset", rsName);
      return x.metadata.ownerReferences?.[0]?.uid === d.metadata.uid ? x : undefined;
    });
    assert.equal(adopted!.metadata.ownerReferences[0].controller, true);
    assert.equal((await json(ns, "replicasets")).items.length, 1);
  });
});

describe("Jobs", () => {
  test("kubectl wait --for=condition=complete; status as Kubernetes 1.32 reports it", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], {
      input: YAML.stringify({
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "pi" },
        spec: {
          completions: 3,
          parallelism: 2,
          template: { spec: { restartPolicy: "Never", containers: [{ name: "pi", image: "perl:5.34", command: ["perl", "-e", "print 1"] }] } },
        },
      }),
    });
    const out = await c.kubectlOk(["wait", "-n", ns, "--for=condition=complete", "job/pi", "--timeout=20s"]);
    assert.equal(out.trim(), "job.batch/pi condition met");
    const job = await json(ns, "job", "pi");
    assert.equal(job.status.succeeded, 3);
    assert.equal(job.status.active, undefined);
    assert.equal(job.status.ready, 0);
    assert.equal(job.status.terminating, 0);
    assert.deepEqual(job.status.uncountedTerminatedPods, {});
    assert.ok(job.status.startTime && job.status.completionTime);
    assert.deepEqual(
      job.status.conditions.map((x: Obj) => [x.type, x.status, x.reason, x.message]),
      [
        ["SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods"],
        ["Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods"],
      ],
    );
    const pods = (await json(ns, "pods", "-l", "job-name=pi")).items as Obj[];
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.equal(p.status.phase, "Succeeded");
      assert.equal(p.status.containerStatuses[0].state.terminated.reason, "Completed");
      assert.equal(p.status.containerStatuses[0].state.terminated.exitCode, 0);
    }
    assert.equal((await c.kubectlOk(["get", "pods", "-n", ns])).match(/\s0\/1\s+Completed\s/g)?.length, 3);
    // printJob checks Complete before the other conditions (SuccessCriteriaMet is not one of them)
    assert.match(await c.kubectlOk(["get", "job", "-n", ns, "pi"]), /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\npi\s+Complete\s+3\/3\s/);
    // deleting the Job takes its pods with it
    await c.kubectlOk(["delete", "-n", ns, "job/pi"]);
    await eventually(async () => (await json(ns, "pods")).items.length === 0);
  });

  test("an Indexed Job runs one pod per index and reports completedIndexes", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], {
      input: YAML.stringify({
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "idx" },
        spec: { completions: 4, parallelism: 4, completionMode: "Indexed", template: { spec: { restartPolicy: "Never", containers: [{ name: "w", image: "busybox" }] } } },
      }),
    });
    await c.kubectlOk(["wait", "-n", ns, "--for=condition=complete", "job/idx", "--timeout=20s"]);
    const job = await json(ns, "job", "idx");
    assert.equal(job.status.completedIndexes, "0-3");
    const indexes = ((await json(ns, "pods")).items as Obj[]).map((p) => p.metadata.annotations["batch.kubernetes.io/job-completion-index"]).sort();
    assert.deepEqual(indexes, ["0", "1", "2", "3"]);
  });

  test("ttlSecondsAfterFinished removes the finished Job", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], {
      input: YAML.stringify({
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "brief" },
        spec: { ttlSecondsAfterFinished: 0, template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "w", image: "busybox" }] } } },
      }),
    });
    await c.kubectlOk(["wait", "-n", ns, "--for=delete", "job/brief", "--timeout=20s"]);
    await eventually(async () => (await json(ns, "pods")).items.length === 0);
  });
});

describe("StatefulSets, DaemonSets and Pods", () => {
  test("a StatefulSet creates ordered pods and claims, and rolls an update out", async () => {
    const ns = await namespace();
    const sts = (image: string) =>
      YAML.stringify({
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "db" },
        spec: {
          replicas: 3,
          serviceName: "db",
          selector: { matchLabels: { app: "db" } },
          template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "pg", image }] } },
          volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
        },
      });
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: sts("postgres:16") });
    const out = await c.kubectlOk(["rollout", "status", "-n", ns, "statefulset/db", "--timeout=20s"]);
    assert.match(out, /partitioned roll out complete: 3 new pods have been updated\.\.\.\n$/);
    assert.match(out, /^Waiting for 3 pods to be ready\.\.\.$/m);

    const pods = ((await json(ns, "pods")).items as Obj[]).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    assert.deepEqual(
      pods.map((p) => p.metadata.name),
      ["db-0", "db-1", "db-2"],
    );
    // OrderedReady: each pod was created after the previous one was ready
    for (let i = 1; i < 3; i++) assert.ok(pods[i]!.metadata.creationTimestamp >= pods[i - 1]!.metadata.creationTimestamp);
    assert.deepEqual(
      pods.map((p) => p.spec.volumes.find((v: Obj) => v.name === "data").persistentVolumeClaim.claimName),
      ["data-db-0", "data-db-1", "data-db-2"],
    );
    assert.deepEqual(
      pods.map((p) => [p.spec.hostname, p.spec.subdomain, p.metadata.labels["apps.kubernetes.io/pod-index"]]),
      [
        ["db-0", "db", "0"],
        ["db-1", "db", "1"],
        ["db-2", "db", "2"],
      ],
    );
    const pvcs = (await json(ns, "pvc")).items as Obj[];
    assert.deepEqual(pvcs.map((p) => [p.metadata.name, p.status.phase]).sort(), [
      ["data-db-0", "Bound"],
      ["data-db-1", "Bound"],
      ["data-db-2", "Bound"],
    ]);
    let s = await json(ns, "statefulset", "db");
    const rev1 = s.status.updateRevision;
    assert.equal(s.status.currentRevision, rev1);
    assert.equal(pods[0]!.metadata.labels["controller-revision-hash"], rev1);
    assert.equal(s.status.readyReplicas, 3);
    const crs = (await json(ns, "controllerrevisions")).items as Obj[];
    assert.deepEqual(
      crs.map((r) => [r.metadata.name, r.revision]),
      [[rev1, 1]],
    );

    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: sts("postgres:17") });
    await c.kubectlOk(["rollout", "status", "-n", ns, "statefulset/db", "--timeout=20s"]);
    s = (await eventually(async () => {
      const x = await json(ns, "statefulset", "db");
      return x.status.currentRevision === x.status.updateRevision && x.status.updateRevision !== rev1 ? x : undefined;
    }))!;
    assert.equal(s.status.updatedReplicas, 3);
    for (const p of (await json(ns, "pods")).items as Obj[]) assert.equal(p.spec.containers[0].image, "postgres:17");
    assert.match(await c.kubectlOk(["rollout", "history", "-n", ns, "statefulset/db"]), /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);

    await c.kubectlOk(["scale", "-n", ns, "statefulset/db", "--replicas=1"]);
    await eventually(async () => ((await json(ns, "pods")).items as Obj[]).map((p) => p.metadata.name).join() === "db-0");
  });

  test("a DaemonSet runs one pod on the simulated node", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], {
      input: YAML.stringify({
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: "agent" },
        spec: {
          selector: { matchLabels: { app: "agent" } },
          template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "a", image: "busybox" }] } },
        },
      }),
    });
    const out = await c.kubectlOk(["rollout", "status", "-n", ns, "daemonset/agent", "--timeout=20s"]);
    assert.match(out, /daemon set "agent" successfully rolled out\n$/);
    const ds = await json(ns, "daemonset", "agent");
    assert.equal(ds.status.desiredNumberScheduled, 1);
    assert.equal(ds.status.numberReady, 1);
    assert.equal(ds.status.numberAvailable, 1);
    assert.equal(ds.status.updatedNumberScheduled, 1);
    const pods = (await json(ns, "pods")).items as Obj[];
    assert.equal(pods.length, 1);
    assert.equal(pods[0]!.spec.nodeName, "flotilla-node");
    assert.match(await c.kubectlOk(["get", "daemonset", "-n", ns, "agent"]), /^agent\s+1\s+1\s+1\s+1\s+1\s+/m);
  });

  test("a pod created directly becomes Running and Ready; a run-once pod Succeeds", async () => {
    const ns = await namespace();
    await c.kubectlOk(["run", "-n", ns, "solo", "--image=nginx:1.27"]);
    assert.equal((await c.kubectlOk(["wait", "-n", ns, "--for=condition=Ready", "pod/solo", "--timeout=20s"])).trim(), "pod/solo condition met");
    await c.kubectlOk(["run", "-n", ns, "once", "--image=busybox", "--restart=Never", "--", "true"]);
    await c.kubectlOk(["wait", "-n", ns, "--for=jsonpath={.status.phase}=Succeeded", "pod/once", "--timeout=20s"]);
    const solo = await json(ns, "pod", "solo");
    assert.equal(solo.status.phase, "Running");
  });

  test("the controllers record core/v1 Events: ScalingReplicaSet, SuccessfulCreate/SuccessfulDelete, Completed", async () => {
    const ns = await namespace();
    await c.kubectlOk(["apply", "-n", ns, "-f", "-"], { input: deployment("ev", { replicas: 2 }) });
    await c.kubectlOk(["rollout", "status", "-n", ns, "deployment/ev", "--timeout=30s"]);
    const rs = (await json(ns, "rs", "-l", "app=ev")).items[0] as Obj;
    const rsName = rs.metadata.name as string;
    const described = await c.kubectlOk(["describe", "-n", ns, "deploy", "ev"]);
    assert.match(described, new RegExp(`Events:\\n\\s+Type\\s+Reason\\s+Age\\s+From\\s+Message\\n.*\\n\\s+Normal\\s+ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled up replica set ${rsName} to 2 from 0\\n`));
    await c.kubectlOk(["scale", "-n", ns, "deployment/ev", "--replicas=1"]);
    await eventually(async () => /Scaled down replica set \S+ to 1 from 2/.test(await c.kubectlOk(["events", "-n", ns, "--for", "deployment/ev"])));
    await eventually(async () => (await c.kubectlOk(["events", "-n", ns, "--for", `replicaset/${rsName}`])).includes("SuccessfulDelete"));
    const rsEvents = (await json(ns, "events", "--field-selector", `involvedObject.name=${rsName}`)).items as Obj[];
    const pods = ((await json(ns, "pods", "-l", "app=ev")).items as Obj[]).map((p) => p.metadata.name as string);
    const created = rsEvents.filter((e) => e.reason === "SuccessfulCreate").map((e) => e.message);
    assert.equal(created.length, 2);
    for (const p of pods) assert.ok(created.includes(`Created pod: ${p}`), `${p} in ${created}`);
    const e = rsEvents[0]!;
    assert.deepEqual([e.type, e.source, e.reportingComponent, e.count, e.involvedObject.kind, e.involvedObject.uid], ["Normal", { component: "replicaset-controller" }, "replicaset-controller", 1, "ReplicaSet", rs.metadata.uid]);
    assert.match(e.metadata.name, new RegExp(`^${rsName}\\.[0-9a-f]+$`));

    await c.kubectlOk(["create", "job", "-n", ns, "once", "--image=busybox"]);
    await c.kubectlOk(["wait", "-n", ns, "--for=condition=complete", "job/once", "--timeout=20s"]);
    await eventually(async () => {
      const out = await c.kubectlOk(["events", "-n", ns, "--for", "job/once"]);
      return /Normal\s+SuccessfulCreate\s+Job\/once\s+Created pod: once-[a-z0-9]{5}\n/.test(out) && /Normal\s+Completed\s+Job\/once\s+Job completed\n/.test(out);
    });
  });

  test("ApiServerOptions.workloadDelayMs reaches the simulator: with a long delay nothing happens yet", async () => {
    const server = await startApiServer({ simulateWorkloads: true, workloadDelayMs: 600_000 });
    try {
      server.client.create({ ...YAML.parse(deployment("slow", { replicas: 1 })), metadata: { name: "slow", namespace: "default" } });
      // the default (50 ms) would have created the ReplicaSet well within this wait
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(server.client.list("apps/v1", "ReplicaSet", { namespace: "default" }), []);
    } finally {
      await server.stop();
    }
  });

  test("without simulateWorkloads no simulator is started", () => {
    assert.ok(!defaultControllers({ simulateWorkloads: false }).some((x) => x.name === "workload-simulator"));
    assert.ok(defaultControllers({ simulateWorkloads: true }).some((x) => x.name === "workload-simulator"));
  });
});
