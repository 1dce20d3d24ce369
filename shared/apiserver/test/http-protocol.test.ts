/**
 * Wire-level behaviour over raw HTTP (no client library in between): Status errors, content negotiation,
 * body limits, dry-run, finalizers, generation, no-op writes, watch semantics, persistence and test hooks.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { startApiServer, type ApiServer } from "../src/index.js";
import { eventually } from "./harness.js";

let s: ApiServer;
before(async () => {
  s = await startApiServer({ port: 0 });
});
after(async () => {
  await s.stop();
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function req(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, server: ApiServer = s): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string | number> = { ...headers };
    if (body !== undefined) {
      h["content-type"] ??= "application/json";
      h["content-length"] = Buffer.byteLength(body);
    }
    const r = http.request(server.url + path, { method, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    r.on("error", reject);
    if (body !== undefined) r.write(body);
    r.end();
  });
}

const json = (o: unknown) => JSON.stringify(o);
const CM = "/api/v1/namespaces/default/configmaps";

interface WatchStream {
  events: Array<{ type: string; object: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  status: Promise<number>;
  close(): void;
  ended: Promise<void>;
}

function watch(path: string, headers: Record<string, string> = {}, server: ApiServer = s): WatchStream {
  const events: WatchStream["events"] = [];
  let close = () => {};
  let resolveStatus!: (n: number) => void;
  let resolveEnded!: () => void;
  const status = new Promise<number>((r) => (resolveStatus = r));
  const ended = new Promise<void>((r) => (resolveEnded = r));
  const r = http.get(server.url + path, { headers }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    res.on("error", () => {});
    res.on("end", () => resolveEnded());
    res.on("close", () => resolveEnded());
    const rl = createInterface({ input: res });
    rl.on("error", () => {}); // closing the stream on purpose aborts it
    rl.on("line", (l) => events.push(JSON.parse(l)));
  });
  r.on("error", () => resolveEnded());
  close = () => r.destroy();
  return { events, status, close: () => close(), ended };
}

describe("errors and negotiation", () => {
  test("unknown paths are a NotFound Status", async () => {
    const r = await req("GET", "/apis/nope.example.com/v1/things");
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server could not find the requested resource", reason: "NotFound", details: {}, code: 404 });
  });

  test("NotFound details carry name, group and resource", async () => {
    const r = await req("GET", "/apis/apps/v1/namespaces/default/deployments/missing");
    assert.equal(r.status, 404);
    assert.equal(r.json.message, 'deployments.apps "missing" not found');
    assert.deepEqual(r.json.details, { name: "missing", group: "apps", kind: "deployments" });
  });

  test("a body of an unsupported media type is 415; an unknown Accept is 406", async () => {
    const r = await req("POST", CM, "a: b", { "content-type": "text/plain" });
    assert.equal(r.status, 415);
    assert.equal(r.json.reason, "UnsupportedMediaType");
    const n = await req("GET", CM, undefined, { accept: "application/vnd.kubernetes.protobuf" });
    assert.equal(n.status, 406);
  });

  test("bodies over the limit are 413", async () => {
    const big = json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "big" }, data: { x: "y".repeat(4 * 1024 * 1024) } });
    const r = await req("POST", CM, big);
    assert.equal(r.status, 413);
    assert.equal(r.json.reason, "RequestEntityTooLarge");
  });

  test("__proto__ keys are refused; YAML alias bombs are refused", async () => {
    const r = await req("POST", CM, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"proto"},"data":{"__proto__":{"polluted":"yes"}}}');
    assert.equal(r.status, 400);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");
    const y = await req("PATCH", `${CM}/bomb?fieldManager=t`, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n${bomb}\n`, { "content-type": "application/apply-patch+yaml" });
    assert.equal(y.status, 400);
  });

  test("Invalid carries causes with field, type and message", async () => {
    const r = await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "Bad Name", labels: { "bad key!": "x" } } }));
    assert.equal(r.status, 422);
    assert.equal(r.json.reason, "Invalid");
    assert.equal(r.json.details.kind, "ConfigMap");
    const fields = r.json.details.causes.map((c: { field: string; type: string }) => `${c.type} ${c.field}`);
    assert.ok(fields.includes("FieldValueInvalid metadata.name"), fields.join());
    assert.ok(fields.includes("FieldValueInvalid metadata.labels"), fields.join());
  });

  test("Table output for get and list, with includeObject", async () => {
    await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "tbl" }, data: { a: "1", b: "2" } }));
    const accept = { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" };
    const one = await req("GET", `${CM}/tbl`, undefined, accept);
    assert.equal(one.json.kind, "Table");
    assert.deepEqual(one.json.columnDefinitions.map((c: { name: string }) => c.name), ["Name", "Data", "Age"]);
    assert.equal(one.json.rows[0].cells[0], "tbl");
    assert.equal(one.json.rows[0].cells[1], 2);
    assert.equal(one.json.rows[0].object.kind, "PartialObjectMetadata");
    const full = await req("GET", `${CM}?includeObject=Object`, undefined, accept);
    const row = full.json.rows.find((r: { cells: unknown[] }) => r.cells[0] === "tbl");
    assert.deepEqual(row.object.data, { a: "1", b: "2" });
    const none = await req("GET", `${CM}?includeObject=None`, undefined, accept);
    assert.equal(none.json.rows[0].object, undefined);
  });

  test("built-in list items omit apiVersion/kind; the list carries them", async () => {
    const r = await req("GET", CM);
    assert.equal(r.json.kind, "ConfigMapList");
    assert.equal(r.json.apiVersion, "v1");
    assert.ok(r.json.items.length > 0);
    for (const item of r.json.items) {
      assert.equal(item.kind, undefined);
      assert.equal(item.apiVersion, undefined);
    }
  });

  test("PartialObjectMetadata lists", async () => {
    const r = await req("GET", CM, undefined, { accept: "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io" });
    assert.equal(r.json.kind, "PartialObjectMetadataList");
    assert.equal(r.json.items[0].kind, "PartialObjectMetadata");
    assert.equal(r.json.items[0].data, undefined);
  });
});

describe("write semantics", () => {
  test("uid, second-precision creationTimestamp, generateName, ignored client-set server fields", async () => {
    const r = await req(
      "POST",
      CM,
      json({ apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "gen-", uid: "client-uid", creationTimestamp: "2001-01-01T00:00:00Z" } }),
    );
    assert.equal(r.status, 201);
    assert.match(r.json.metadata.name, /^gen-[a-z0-9]{5}$/);
    assert.notEqual(r.json.metadata.uid, "client-uid");
    assert.match(r.json.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(r.json.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.notEqual(r.json.metadata.creationTimestamp, "2001-01-01T00:00:00Z");
    const withRV = await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "with-rv", resourceVersion: "999" } }));
    assert.equal(withRV.status, 500);
    assert.equal(withRV.json.message, "resourceVersion should not be set on objects to be created");
  });

  test("one global resourceVersion counter across types; lists report it", async () => {
    const a = await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "rv-a" } }));
    const b = await req("POST", "/api/v1/namespaces/default/secrets", json({ apiVersion: "v1", kind: "Secret", metadata: { name: "rv-b" } }));
    assert.equal(Number(b.json.metadata.resourceVersion), Number(a.json.metadata.resourceVersion) + 1);
    const list = await req("GET", "/api/v1/namespaces/default/serviceaccounts");
    assert.equal(list.json.metadata.resourceVersion, b.json.metadata.resourceVersion);
  });

  test("a PUT that changes nothing keeps the resourceVersion and emits no event", async () => {
    const created = await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "noop" }, data: { a: "1" } }));
    const w = watch(`${CM}?watch=true&resourceVersion=${created.json.metadata.resourceVersion}&fieldSelector=metadata.name=noop`);
    await w.status;
    const again = await req("PUT", `${CM}/noop`, json(created.json));
    assert.equal(again.status, 200);
    assert.equal(again.json.metadata.resourceVersion, created.json.metadata.resourceVersion);
    await req("PUT", `${CM}/noop`, json({ ...created.json, data: { a: "2" } }));
    await eventually(() => w.events.length >= 1);
    w.close();
    assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.data.a}`), ["MODIFIED 2"]);
  });

  test("a resourceVersion in a merge patch is a precondition", async () => {
    const created = await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "pre" } }));
    const r = await req("PATCH", `${CM}/pre`, json({ metadata: { resourceVersion: "1" }, data: { x: "1" } }), { "content-type": "application/merge-patch+json" });
    assert.equal(r.status, 409);
    const ok = await req("PATCH", `${CM}/pre`, json({ metadata: { resourceVersion: created.json.metadata.resourceVersion }, data: { x: "1" } }), {
      "content-type": "application/merge-patch+json",
    });
    assert.equal(ok.status, 200);
  });

  test("PUT with another uid is a precondition Conflict; a patch changing uid is Invalid (immutable)", async () => {
    const created = await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "uid-x" } }));
    const put = await req("PUT", `${CM}/uid-x`, json({ ...created.json, metadata: { ...created.json.metadata, uid: "0000" } }));
    assert.equal(put.status, 409);
    assert.match(put.json.message, /Precondition failed: UID in precondition: 0000/);
    const patch = await req("PATCH", `${CM}/uid-x`, json({ metadata: { uid: "0000" } }), { "content-type": "application/merge-patch+json" });
    assert.equal(patch.status, 422);
    assert.match(patch.json.message, /metadata\.uid: Invalid value: "0000": field is immutable/);
  });

  test("apply: fieldManager is required; force is refused on other patch types; apply upserts with 201", async () => {
    const body = json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa-up" }, data: { a: "1" } });
    const noMgr = await req("PATCH", `${CM}/ssa-up`, body, { "content-type": "application/apply-patch+yaml" });
    assert.equal(noMgr.status, 422);
    assert.match(noMgr.json.message, /fieldManager: Required value: is required for apply patch/);
    const created = await req("PATCH", `${CM}/ssa-up?fieldManager=t`, body, { "content-type": "application/apply-patch+yaml" });
    assert.equal(created.status, 201);
    const updated = await req("PATCH", `${CM}/ssa-up?fieldManager=t`, body, { "content-type": "application/apply-patch+yaml" });
    assert.equal(updated.status, 200);
    const forced = await req("PATCH", `${CM}/ssa-up?force=true`, json({ data: { b: "1" } }), { "content-type": "application/merge-patch+json" });
    assert.equal(forced.status, 422);
    const missing = await req("PATCH", `${CM}/nothing-here`, json({ data: { b: "1" } }), { "content-type": "application/merge-patch+json" });
    assert.equal(missing.status, 404);
  });

  test("dryRun=All: the would-be object is returned, nothing is stored, no RV is consumed", async () => {
    const before = (await req("GET", CM)).json.metadata.resourceVersion;
    const r = await req("POST", `${CM}?dryRun=All`, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dry" }, data: { a: "1" } }));
    assert.equal(r.status, 201);
    assert.equal(r.json.metadata.name, "dry");
    assert.equal((await req("GET", `${CM}/dry`)).status, 404);
    const after = (await req("GET", CM)).json.metadata.resourceVersion;
    assert.equal(after, before);
    const bad = await req("POST", `${CM}?dryRun=Some`, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dry2" } }));
    assert.equal(bad.status, 422);
  });

  test("fieldValidation=Warn answers with a Warning header for unknown fields of custom resources", async () => {
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "things.test.io" },
      spec: {
        group: "test.io",
        scope: "Namespaced",
        names: { plural: "things", singular: "thing", kind: "Thing" },
        versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { a: { type: "string" } } } } } } }],
      },
    };
    assert.equal((await req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json(crd))).status, 201);
    const thing = json({ apiVersion: "test.io/v1", kind: "Thing", metadata: { name: "t1" }, spec: { a: "x", b: "y" } });
    const warn = await req("POST", "/apis/test.io/v1/namespaces/default/things?fieldValidation=Warn", thing);
    assert.equal(warn.status, 201);
    assert.equal(warn.headers.warning, '299 - "unknown field \\"spec.b\\""');
    assert.deepEqual(warn.json.spec, { a: "x" });
    const strict = await req("POST", "/apis/test.io/v1/namespaces/default/things?fieldValidation=Strict", thing.replace('"t1"', '"t2"'));
    assert.equal(strict.status, 400);
    // CR lists carry apiVersion/kind on items
    const list = await req("GET", "/apis/test.io/v1/namespaces/default/things");
    assert.equal(list.json.items[0].kind, "Thing");
    // strategic merge patch is for built-ins only
    const smp = await req("PATCH", "/apis/test.io/v1/namespaces/default/things/t1", json({ spec: { a: "z" } }), { "content-type": "application/strategic-merge-patch+json" });
    assert.equal(smp.status, 415);
  });

  test("Deployment: generation follows spec, status writes go through /status only, selector is immutable", async () => {
    const dep = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d1" },
      spec: { selector: { matchLabels: { app: "d1" } }, template: { metadata: { labels: { app: "d1" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
      status: { replicas: 9 },
    };
    const D = "/apis/apps/v1/namespaces/default/deployments";
    const created = await req("POST", D, json(dep));
    assert.equal(created.json.metadata.generation, 1);
    assert.equal(created.json.spec.replicas, 1);
    assert.equal(created.json.status.replicas, undefined);
    const labelOnly = await req("PATCH", `${D}/d1`, json({ metadata: { labels: { x: "y" } } }), { "content-type": "application/merge-patch+json" });
    assert.equal(labelOnly.json.metadata.generation, 1);
    const specChange = await req("PATCH", `${D}/d1`, json({ spec: { replicas: 3 }, status: { replicas: 7 } }), { "content-type": "application/merge-patch+json" });
    assert.equal(specChange.json.metadata.generation, 2);
    assert.equal(specChange.json.status.replicas, undefined);
    const status = await req("PATCH", `${D}/d1/status`, json({ spec: { replicas: 5 }, status: { replicas: 3, observedGeneration: 2 } }), { "content-type": "application/merge-patch+json" });
    assert.equal(status.json.status.replicas, 3);
    assert.equal(status.json.spec.replicas, 3);
    assert.equal(status.json.metadata.generation, 2);
    const sel = await req("PATCH", `${D}/d1`, json({ spec: { selector: { matchLabels: { app: "other" } }, template: { metadata: { labels: { app: "other" } } } } }), {
      "content-type": "application/strategic-merge-patch+json",
    });
    assert.equal(sel.status, 422);
    assert.match(sel.json.message, /spec\.selector: Invalid value: .*field is immutable/);
    const scale = await req("GET", `${D}/d1/scale`);
    assert.deepEqual([scale.json.kind, scale.json.apiVersion, scale.json.spec.replicas, scale.json.status.selector], ["Scale", "autoscaling/v1", 3, "app=d1"]);
  });

  test("Service gets a cluster IP that cannot change; Job template is immutable", async () => {
    const S = "/api/v1/namespaces/default/services";
    const svc = await req("POST", S, json({ apiVersion: "v1", kind: "Service", metadata: { name: "s1" }, spec: { selector: { app: "x" }, ports: [{ port: 80 }] } }));
    assert.equal(svc.status, 201);
    assert.match(svc.json.spec.clusterIP, /^10\.96\.\d+\.\d+$/);
    assert.equal(svc.json.spec.ports[0].targetPort, 80);
    const change = await req("PATCH", `${S}/s1`, json({ spec: { clusterIP: "10.96.200.200" } }), { "content-type": "application/merge-patch+json" });
    assert.equal(change.status, 422);
    assert.match(change.json.message, /spec\.clusterIP: Invalid value: "10\.96\.200\.200": field is immutable/);
    const J = "/apis/batch/v1/namespaces/default/jobs";
    const job = await req("POST", J, json({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "j1" }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } } }));
    assert.equal(job.status, 201, job.text);
    const img = await req("PATCH", `${J}/j1`, json({ spec: { template: { spec: { containers: [{ name: "c", image: "alpine" }] } } } }), { "content-type": "application/strategic-merge-patch+json" });
    assert.equal(img.status, 422);
    assert.match(img.json.message, /spec\.template: Invalid value: .*field is immutable/);
  });

  test("finalizers: delete marks, MODIFIED carries deletionTimestamp, removing the last finalizer deletes", async () => {
    const created = await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "fin", finalizers: ["example.com/hold"] } }));
    const w = watch(`${CM}?watch=true&resourceVersion=${created.json.metadata.resourceVersion}&fieldSelector=metadata.name=fin`);
    await w.status;
    const del = await req("DELETE", `${CM}/fin`);
    assert.equal(del.status, 200);
    assert.equal(del.json.kind, "ConfigMap");
    assert.ok(del.json.metadata.deletionTimestamp);
    assert.equal(del.json.metadata.deletionGracePeriodSeconds, 0);
    const add = await req("PATCH", `${CM}/fin`, json({ metadata: { finalizers: ["example.com/hold", "example.com/more"] } }), { "content-type": "application/merge-patch+json" });
    assert.equal(add.status, 422);
    assert.match(add.json.message, /no new finalizers can be added if the object is being deleted/);
    const release = await req("PATCH", `${CM}/fin`, json({ metadata: { finalizers: null } }), { "content-type": "application/merge-patch+json" });
    assert.equal(release.status, 200);
    assert.equal((await req("GET", `${CM}/fin`)).status, 404);
    await eventually(() => w.events.length >= 2);
    w.close();
    assert.deepEqual(w.events.map((e) => e.type), ["MODIFIED", "DELETED"]);
  });

  test("delete: preconditions, Status answer, propagation finalizers, deletecollection by label", async () => {
    const created = await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "del1", labels: { batch: "x" } } }));
    const bad = await req("DELETE", `${CM}/del1`, json({ preconditions: { uid: "nope" } }));
    assert.equal(bad.status, 409);
    const ok = await req("DELETE", `${CM}/del1`, json({ preconditions: { uid: created.json.metadata.uid } }));
    assert.deepEqual(ok.json, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name: "del1", kind: "configmaps", uid: created.json.metadata.uid } });
    await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "del2" } }));
    const orphan = await req("DELETE", `${CM}/del2?propagationPolicy=Orphan`);
    assert.deepEqual(orphan.json.metadata.finalizers, ["orphan"]);
    for (const n of ["dc1", "dc2", "dc3"]) await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: n, labels: { dc: n === "dc3" ? "keep" : "go" } } }));
    const coll = await req("DELETE", `${CM}?labelSelector=dc%3Dgo`);
    assert.equal(coll.status, 200);
    assert.equal((await req("GET", `${CM}?labelSelector=dc`)).json.items.map((i: { metadata: { name: string } }) => i.metadata.name).join(), "dc3");
  });

  test("delete with dryRun=All reports the deletion but keeps the object", async () => {
    await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dry-del" } }));
    const r = await req("DELETE", `${CM}/dry-del?dryRun=All`);
    assert.equal(r.status, 200);
    assert.equal(r.json.status, "Success");
    assert.equal((await req("GET", `${CM}/dry-del`)).status, 200);
  });

  test("an expired continue token is 410 Expired", async () => {
    const small = await startApiServer({ port: 0, watchHistorySize: 2 });
    try {
      for (let i = 0; i < 4; i++) await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `page-${i}` } }), {}, small);
      const first = await req("GET", `${CM}?limit=2`, undefined, {}, small);
      assert.ok(first.json.metadata.continue);
      assert.equal(first.json.metadata.remainingItemCount, 2);
      for (let i = 0; i < 6; i++) await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `churn-${i}` } }), {}, small);
      const next = await req("GET", `${CM}?limit=2&continue=${encodeURIComponent(first.json.metadata.continue)}`, undefined, {}, small);
      assert.equal(next.status, 410);
      assert.equal(next.json.reason, "Expired");
    } finally {
      await small.stop();
    }
  });

  test("namespaces: deletion sets Terminating; creating inside is Forbidden; finalize releases it", async () => {
    await req("POST", "/api/v1/namespaces", json({ apiVersion: "v1", kind: "Namespace", metadata: { name: "doomed" } }));
    const ns = await req("GET", "/api/v1/namespaces/doomed");
    assert.deepEqual(ns.json.spec.finalizers, ["kubernetes"]);
    assert.equal(ns.json.metadata.labels["kubernetes.io/metadata.name"], "doomed");
    // content with a finalizer keeps the namespace Terminating while it exists
    await req("POST", "/api/v1/namespaces/doomed/configmaps", json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "held", finalizers: ["test.io/hold"] } }));
    const del = await req("DELETE", "/api/v1/namespaces/doomed");
    assert.equal(del.json.status.phase, "Terminating");
    assert.ok(del.json.metadata.deletionTimestamp);
    const inside = await req("POST", "/api/v1/namespaces/doomed/configmaps", json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }));
    assert.equal(inside.status, 403);
    assert.equal(inside.json.reason, "Forbidden");
    assert.match(inside.json.message, /unable to create new content in namespace doomed because it is being terminated/);
    await req("PATCH", "/api/v1/namespaces/doomed/configmaps/held", json({ metadata: { finalizers: null } }), { "content-type": "application/merge-patch+json" });
    // the namespace controller (when running) finalizes; the finalize subresource is what it uses
    const fin = await req("PUT", "/api/v1/namespaces/doomed/finalize", json({ apiVersion: "v1", kind: "Namespace", metadata: { name: "doomed" }, spec: { finalizers: [] } }));
    assert.ok(fin.status === 200 || fin.status === 404, fin.text);
    await eventually(async () => (await req("GET", "/api/v1/namespaces/doomed")).status === 404);
  });
});

describe("built-in schemas", () => {
  test("fields of inline-embedded structs and deep pod specs survive strict decoding unchanged", async () => {
    const podSpec = {
      containers: [
        {
          name: "app",
          image: "nginx:1.27",
          env: [
            { name: "A", valueFrom: { secretKeyRef: { name: "s", key: "k", optional: true } } },
            { name: "B", valueFrom: { configMapKeyRef: { name: "c", key: "k" } } },
            { name: "C", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          ],
          envFrom: [{ configMapRef: { name: "c" } }, { secretRef: { name: "s" }, prefix: "S_" }],
          readinessProbe: { httpGet: { path: "/ready", port: "http" }, periodSeconds: 5 },
          livenessProbe: { exec: { command: ["true"] }, initialDelaySeconds: 3 },
          startupProbe: { tcpSocket: { port: 8080 } },
          lifecycle: { preStop: { exec: { command: ["sleep", "1"] } } },
          securityContext: { capabilities: { drop: ["ALL"] }, runAsNonRoot: true },
          volumeMounts: [{ name: "cfg", mountPath: "/cfg" }],
          resources: { limits: { cpu: "1", memory: "128Mi" }, requests: { cpu: 0.5 } },
        },
      ],
      volumes: [
        { name: "cfg", configMap: { name: "c", items: [{ key: "k", path: "p" }] } },
        { name: "sec", secret: { secretName: "s" } },
        { name: "data", persistentVolumeClaim: { claimName: "pvc" } },
        { name: "proj", projected: { sources: [{ configMap: { name: "c" } }, { secret: { name: "s" } }, { serviceAccountToken: { path: "t", expirationSeconds: 3600 } }] } },
        { name: "tmp", emptyDir: { medium: "Memory" } },
      ],
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: "x" } } } }] } },
      tolerations: [{ key: "k", operator: "Exists", effect: "NoSchedule" }],
      nodeSelector: { "kubernetes.io/os": "linux" },
    };
    const dep = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "deep" },
      spec: { selector: { matchLabels: { app: "deep" } }, template: { metadata: { labels: { app: "deep" } }, spec: podSpec } },
    };
    const r = await req("POST", "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict", json(dep));
    assert.equal(r.status, 201, r.text);
    const got = r.json.spec.template.spec;
    assert.deepEqual(got.volumes, podSpec.volumes);
    assert.deepEqual(got.containers[0].env, podSpec.containers[0].env);
    assert.deepEqual(got.containers[0].envFrom, podSpec.containers[0].envFrom);
    assert.deepEqual(got.containers[0].readinessProbe, podSpec.containers[0].readinessProbe);
    assert.deepEqual(got.affinity, podSpec.affinity);
    const ing = {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: "deep" },
      spec: { rules: [{ host: "a.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "s", port: { number: 80 } } } }] } }] },
    };
    const ir = await req("POST", "/apis/networking.k8s.io/v1/namespaces/default/ingresses?fieldValidation=Strict", json(ing));
    assert.equal(ir.status, 201, ir.text);
    assert.deepEqual(ir.json.spec.rules, ing.spec.rules);
    const hook = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingWebhookConfiguration",
      metadata: { name: "deep" },
      webhooks: [
        {
          name: "v.example.com",
          admissionReviewVersions: ["v1"],
          sideEffects: "None",
          clientConfig: { service: { name: "s", namespace: "default", path: "/v" } },
          rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"], scope: "Namespaced" }],
        },
      ],
    };
    const hr = await req("POST", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations?fieldValidation=Strict", json(hook));
    assert.equal(hr.status, 201, hr.text);
    assert.deepEqual(hr.json.webhooks[0].rules, hook.webhooks[0].rules);
  });

  test("unknown fields of built-ins are dropped, reported per fieldValidation", async () => {
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "extra" }, data: { a: "1" }, spec: { nope: true } };
    const strict = await req("POST", `${CM}?fieldValidation=Strict`, json(cm));
    assert.equal(strict.status, 400);
    assert.equal(strict.json.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"');
    const warn = await req("POST", `${CM}?fieldValidation=Warn`, json(cm));
    assert.equal(warn.status, 201);
    assert.equal(warn.headers.warning, '299 - "unknown field \\"spec\\""');
    assert.equal(warn.json.spec, undefined);
  });

  test("kubectl-facing OpenAPI carries the built-in shapes with patch merge keys", async () => {
    const doc = (await req("GET", "/openapi/v3/apis/apps/v1")).json;
    const text = JSON.stringify(doc);
    assert.match(text, /"x-kubernetes-patch-merge-key":"name"/);
    assert.match(text, /"replicas"/);
  });
});

describe("custom resource field selectors", () => {
  test("selectableFields become field labels for list and watch", async () => {
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "paints.test.io" },
      spec: {
        group: "test.io",
        scope: "Namespaced",
        names: { plural: "paints", singular: "paint", kind: "Paint" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            selectableFields: [{ jsonPath: ".spec.color" }],
            schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { color: { type: "string" } } } } } },
          },
        ],
      },
    };
    const created = await req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json(crd));
    assert.equal(created.status, 201, created.text);
    const P = "/apis/test.io/v1/namespaces/default/paints";
    for (const [n, color] of [["p1", "red"], ["p2", "blue"], ["p3", "red"]]) await req("POST", P, json({ apiVersion: "test.io/v1", kind: "Paint", metadata: { name: n }, spec: { color } }));
    const red = await req("GET", `${P}?fieldSelector=spec.color%3Dred`);
    assert.deepEqual(red.json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ["p1", "p3"]);
    const notRed = await req("GET", `${P}?fieldSelector=spec.color!%3Dred`);
    assert.deepEqual(notRed.json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ["p2"]);
    assert.equal((await req("GET", `${P}?fieldSelector=spec.shade%3Dred`)).status, 400);
  });

  test("deleting the CRD ends open watches on its resource after the DELETED events", async () => {
    const P = "/apis/test.io/v1/namespaces/default/paints";
    const w = watch(`${P}?watch=true`);
    await eventually(() => w.events.length >= 3);
    const del = await req("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/paints.test.io");
    assert.equal(del.status, 200);
    await w.ended;
    assert.deepEqual(w.events.filter((e) => e.type === "DELETED").map((e) => e.object.metadata.name).sort(), ["p1", "p2", "p3"]);
    await eventually(async () => (await req("GET", P)).status === 404);
    assert.equal((await req("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/paints.test.io")).status, 404);
  });
});

describe("custom resource defaults on read", () => {
  test("a default added to the CRD shows on stored objects without a new resourceVersion", async () => {
    const crd = (withDefault: boolean) => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "tools.test.io" },
      spec: {
        group: "test.io",
        scope: "Namespaced",
        names: { plural: "tools", singular: "tool", kind: "Tool" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: "object",
                properties: { spec: { type: "object", properties: { size: { type: "integer" }, mode: withDefault ? { type: "string", default: "auto" } : { type: "string" } } } },
              },
            },
          },
        ],
      },
    });
    const C = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    assert.equal((await req("PATCH", `${C}/tools.test.io?fieldManager=t`, json(crd(false)), { "content-type": "application/apply-patch+yaml" })).status, 201);
    const T = "/apis/test.io/v1/namespaces/default/tools";
    const made = await req("POST", T, json({ apiVersion: "test.io/v1", kind: "Tool", metadata: { name: "t1" }, spec: { size: 1 } }));
    assert.equal(made.json.spec.mode, undefined);
    assert.equal((await req("PATCH", `${C}/tools.test.io?fieldManager=t`, json(crd(true)), { "content-type": "application/apply-patch+yaml" })).status, 200);
    const read = await req("GET", `${T}/t1`);
    assert.equal(read.json.spec.mode, "auto");
    assert.equal(read.json.metadata.resourceVersion, made.json.metadata.resourceVersion);
  });
});

describe("watch", () => {
  test("RV unset sends synthetic ADDED for current objects; label selector transitions become ADDED/DELETED", async () => {
    await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "wt1", labels: { team: "a" } } }));
    const w = watch(`${CM}?watch=true&labelSelector=team%3Da`);
    await eventually(() => w.events.some((e) => e.object.metadata.name === "wt1"));
    assert.equal(w.events[0]!.type, "ADDED");
    await req("PATCH", `${CM}/wt1`, json({ metadata: { labels: { team: "b" } } }), { "content-type": "application/merge-patch+json" });
    await req("PATCH", `${CM}/wt1`, json({ metadata: { labels: { team: "a" } } }), { "content-type": "application/merge-patch+json" });
    await eventually(() => w.events.length >= 3);
    w.close();
    assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.labels.team}`), ["ADDED a", "DELETED a", "ADDED a"]);
    assert.ok(Number(w.events[1]!.object.metadata.resourceVersion) > Number(w.events[0]!.object.metadata.resourceVersion));
  });

  test("resume from an RV replays later events; bookmarks and sendInitialEvents end markers", async () => {
    const a = await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "rs1", labels: { rs: "1" } } }));
    await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "rs2", labels: { rs: "1" } } }));
    const w = watch(`${CM}?watch=true&labelSelector=rs&resourceVersion=${a.json.metadata.resourceVersion}`);
    await eventually(() => w.events.length >= 1);
    w.close();
    assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), ["ADDED rs2"]);
    const init = watch(`${CM}?watch=true&labelSelector=rs&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    await eventually(() => init.events.some((e) => e.type === "BOOKMARK"));
    init.close();
    const bm = init.events.find((e) => e.type === "BOOKMARK")!;
    assert.equal(bm.object.metadata.annotations["k8s.io/initial-events-end"], "true");
    assert.deepEqual(init.events.filter((e) => e.type === "ADDED").map((e) => e.object.metadata.name).sort(), ["rs1", "rs2"]);
  });

  test("timeoutSeconds ends the stream; Table watches carry headers once", async () => {
    const w = watch(`${CM}?watch=true&timeoutSeconds=1&fieldSelector=metadata.name=wt-table`, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
    await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "wt-table" } }));
    await req("PATCH", `${CM}/wt-table`, json({ data: { a: "b" } }), { "content-type": "application/merge-patch+json" });
    await w.ended;
    assert.equal(w.events.length, 2);
    assert.equal(w.events[0]!.object.kind, "Table");
    assert.ok(Array.isArray(w.events[0]!.object.columnDefinitions));
    assert.equal(w.events[1]!.object.columnDefinitions, null);
    assert.equal(w.events[1]!.object.rows[0].cells[1], 1);
  });

  test("malformed selectors are 400; unsupported field labels are 400", async () => {
    assert.equal((await req("GET", `${CM}?labelSelector=a%20in%20(b`)).status, 400);
    const f = await req("GET", `${CM}?watch=true&fieldSelector=spec.foo%3Dbar`);
    assert.equal(f.status, 400);
    assert.equal(f.json.message, "field label not supported: spec.foo");
  });

  test("events support involvedObject field selectors in both API groups", async () => {
    const ev = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "ev1" },
      involvedObject: { kind: "ConfigMap", name: "tbl", namespace: "default", uid: "u1" },
      reason: "Tested",
      message: "hello",
      type: "Normal",
      source: { component: "test" },
    };
    assert.equal((await req("POST", "/api/v1/namespaces/default/events", json(ev))).status, 201);
    const core = await req("GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dtbl,involvedObject.uid%3Du1");
    assert.deepEqual(core.json.items.map((e: { metadata: { name: string } }) => e.metadata.name), ["ev1"]);
    const other = await req("GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dnope");
    assert.equal(other.json.items.length, 0);
    const v1 = await req("GET", "/apis/events.k8s.io/v1/namespaces/default/events/ev1");
    assert.equal(v1.json.apiVersion, "events.k8s.io/v1");
    assert.equal(v1.json.note, "hello");
    assert.equal(v1.json.regarding.name, "tbl");
  });
});

describe("persistence and test hooks", () => {
  test("with stateDir, objects and the RV counter survive a restart", async () => {
    const dir = await mkdtemp(join("/dev/shm", "apiserver-state-"));
    try {
      let p = await startApiServer({ port: 0, stateDir: dir });
      await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kept" }, data: { a: "1" } }), {}, p);
      const crd = {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "keeps.test.io" },
        spec: { group: "test.io", scope: "Namespaced", names: { plural: "keeps", singular: "keep", kind: "Keep" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }] },
      };
      await req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json(crd), {}, p);
      await req("POST", "/apis/test.io/v1/namespaces/default/keeps", json({ apiVersion: "test.io/v1", kind: "Keep", metadata: { name: "k1" }, spec: { x: 1 } }), {}, p);
      const rv = (await req("GET", CM, undefined, {}, p)).json.metadata.resourceVersion;
      await p.stop();
      p = await startApiServer({ port: 0, stateDir: dir });
      const got = await req("GET", `${CM}/kept`, undefined, {}, p);
      assert.equal(got.json.data.a, "1");
      assert.equal((await req("GET", "/apis/test.io/v1/namespaces/default/keeps/k1", undefined, {}, p)).json.spec.x, 1);
      const next = await req("POST", CM, json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "after" } }), {}, p);
      assert.equal(Number(next.json.metadata.resourceVersion), Number(rv) + 1);
      await p.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("injected failures: 429 with Retry-After, N times, then success", async () => {
    const remove = s.hooks.failRequests({ match: (r) => r.verb === "create" && r.resource === "configmaps", status: 429, times: 2, retryAfterSeconds: 3 });
    const body = json({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "flaky" } });
    const first = await req("POST", CM, body);
    assert.equal(first.status, 429);
    assert.equal(first.headers["retry-after"], "3");
    assert.equal(first.json.reason, "TooManyRequests");
    assert.equal((await req("POST", CM, body)).status, 429);
    assert.equal((await req("POST", CM, body)).status, 201);
    remove();
    s.hooks.failRequests({ match: (r) => r.verb === "get" && r.name === "flaky", status: 500 });
    const e = await req("GET", `${CM}/flaky`);
    assert.equal(e.status, 500);
    assert.equal(e.json.reason, "InternalError");
  });

  test("added latency delays responses; dropWatches ends open streams", async () => {
    s.hooks.latencyMs = 150;
    const t0 = Date.now();
    await req("GET", "/version");
    assert.ok(Date.now() - t0 >= 140);
    s.hooks.latencyMs = 0;
    const w = watch(`${CM}?watch=true`);
    await w.status;
    await eventually(() => s.openWatches() > 0);
    assert.ok(s.dropWatches() >= 1);
    await w.ended;
  });
});
