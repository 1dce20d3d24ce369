/** CustomResourceDefinitions through kubectl: registration, discovery, versions, printer columns, status, deletion. */
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

const schema = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      properties: {
        size: { type: "integer", minimum: 1, default: 3 },
        color: { type: "string", enum: ["red", "blue"] },
        replicas: { type: "integer" },
      },
    },
    status: {
      type: "object",
      properties: {
        replicas: { type: "integer" },
        conditions: {
          type: "array",
          items: { type: "object", properties: { type: { type: "string" }, status: { type: "string" } } },
        },
      },
    },
  },
};

const widgetCRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", shortNames: ["wdg"], categories: ["all"] },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: schema },
        subresources: { status: {}, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" } },
        additionalPrinterColumns: [
          { name: "Size", type: "integer", jsonPath: ".spec.size" },
          { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
          { name: "Color", type: "string", jsonPath: ".spec.color", priority: 1 },
          { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
        ],
      },
      { name: "v1beta1", served: true, storage: false, deprecated: true, schema: { openAPIV3Schema: schema } },
    ],
  },
};

const widget = (name: string, spec: Record<string, unknown>, apiVersion = "example.com/v1") => JSON.stringify({ apiVersion, kind: "Widget", metadata: { name }, spec });

describe("custom resources", () => {
  before(async () => {
    await c.kubectlOk(["apply", "-f", "-"], { input: JSON.stringify(widgetCRD) });
    await c.kubectlOk(["wait", "--for=condition=established", "crd/widgets.example.com", "--timeout=10s"]);
  });

  test("the CRD reports Established and NamesAccepted, acceptedNames and storedVersions", async () => {
    const crd = JSON.parse(await c.kubectlOk(["get", "crd", "widgets.example.com", "-o", "json"]));
    const cond = (t: string) => crd.status.conditions.find((x: { type: string }) => x.type === t)?.status;
    assert.equal(cond("Established"), "True");
    assert.equal(cond("NamesAccepted"), "True");
    assert.equal(crd.status.acceptedNames.kind, "Widget");
    assert.deepEqual(crd.status.storedVersions, ["v1"]);
  });

  test("discovery lists the new resource at once, with short names and subresources", async () => {
    const out = await c.kubectlOk(["api-resources", "--api-group=example.com"]);
    assert.match(out, /^widgets\s+wdg\s+example\.com\/v1\s+true\s+Widget$/m);
    const raw = JSON.parse(await c.kubectlOk(["get", "--raw", "/apis/example.com/v1"]));
    const names = raw.resources.map((r: { name: string }) => r.name).sort();
    assert.deepEqual(names, ["widgets", "widgets/scale", "widgets/status"]);
  });

  test("objects are defaulted and validated by the version schema", async () => {
    await c.kubectlOk(["apply", "-f", "-"], { input: widget("w1", { color: "red" }) });
    const w = JSON.parse(await c.kubectlOk(["get", "widget", "w1", "-o", "json"]));
    assert.equal(w.spec.size, 3);
    assert.equal(w.metadata.generation, 1);
    const bad = await c.kubectl(["apply", "-f", "-"], { input: widget("w-bad", { color: "green", size: 0 }) });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /The Widget "w-bad" is invalid/);
    assert.match(bad.stderr, /spec\.color: Unsupported value: "green"/);
  });

  test("unknown fields are rejected by kubectl's strict field validation", async () => {
    const r = await c.kubectl(["apply", "-f", "-"], { input: widget("w-unknown", { color: "red", shape: "round" }) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unknown field "spec\.shape"/);
  });

  test("printer columns: Name, additionalPrinterColumns with JSONPath filters, wide-only columns", async () => {
    await c.kubectlOk(["apply", "-f", "-"], { input: widget("w-print", { color: "blue", size: 7 }) });
    await c.kubectlOk(["patch", "widget", "w-print", "--subresource=status", "--type=merge", "-p", '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}']);
    const out = await c.kubectlOk(["get", "widgets", "w-print"]);
    assert.match(out, /^NAME\s+SIZE\s+READY\s+AGE\nw-print\s+7\s+True\s+\d+s\n$/);
    const wide = await c.kubectlOk(["get", "widgets", "w-print", "-o", "wide"]);
    assert.match(wide, /^NAME\s+SIZE\s+READY\s+COLOR\s+AGE\nw-print\s+7\s+True\s+blue\s+\d+s\n$/);
  });

  test("status subresource: main writes ignore .status, /status writes ignore the rest, generation tracks spec", async () => {
    await c.kubectlOk(["apply", "-f", "-"], { input: widget("w-status", { color: "red" }) });
    await c.kubectlOk(["patch", "widget", "w-status", "--type=merge", "-p", '{"status":{"replicas":5}}']);
    let w = JSON.parse(await c.kubectlOk(["get", "widget", "w-status", "-o", "json"]));
    assert.equal(w.status, undefined);
    await c.kubectlOk(["patch", "widget", "w-status", "--subresource=status", "--type=merge", "-p", '{"status":{"replicas":5},"spec":{"size":99}}']);
    w = JSON.parse(await c.kubectlOk(["get", "widget", "w-status", "-o", "json"]));
    assert.equal(w.status.replicas, 5);
    assert.equal(w.spec.size, 3);
    assert.equal(w.metadata.generation, 1);
    await c.kubectlOk(["patch", "widget", "w-status", "--type=merge", "-p", '{"spec":{"size":4}}']);
    w = JSON.parse(await c.kubectlOk(["get", "widget", "w-status", "-o", "json"]));
    assert.equal(w.metadata.generation, 2);
  });

  test("strategic merge patch is refused for custom resources (415)", async () => {
    await c.kubectlOk(["apply", "-f", "-"], { input: widget("w-smp", { color: "red" }) });
    const r = await c.kubectl(["patch", "widget", "w-smp", "--type=strategic", "-p", '{"spec":{"size":5}}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /UnsupportedMediaType|the body of the request was in an unknown format/);
  });

  test("a deprecated version is served with a Warning and stored at the storage version", async () => {
    const r = await c.kubectl(["apply", "-f", "-"], { input: widget("w-old", { color: "blue" }, "example.com/v1beta1") });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: example\.com\/v1beta1 Widget is deprecated/);
    const asV1 = JSON.parse(await c.kubectlOk(["get", "widgets.v1.example.com", "w-old", "-o", "json"]));
    assert.equal(asV1.apiVersion, "example.com/v1");
    const asBeta = JSON.parse(await c.kubectlOk(["get", "widgets.v1beta1.example.com", "w-old", "-o", "json"]));
    assert.equal(asBeta.apiVersion, "example.com/v1beta1");
  });

  test("scale subresource maps to the CRD's replica paths", async () => {
    await c.kubectlOk(["apply", "-f", "-"], { input: widget("w-scale", { color: "red", replicas: 1 }) });
    await c.kubectlOk(["scale", "widget", "w-scale", "--replicas=4"]);
    const w = JSON.parse(await c.kubectlOk(["get", "widget", "w-scale", "-o", "json"]));
    assert.equal(w.spec.replicas, 4);
  });

  test("kubectl get all includes custom resources in the 'all' category", async () => {
    const out = await c.kubectlOk(["get", "all", "-o", "name"]);
    assert.match(out, /^widget\.example\.com\/w1$/m);
  });

  test("deleting the CRD deletes its objects and removes the resource from discovery", async () => {
    const crd2 = structuredClone(widgetCRD);
    crd2.metadata.name = "gadgets.example.com";
    Object.assign(crd2.spec.names, { plural: "gadgets", singular: "gadget", kind: "Gadget", shortNames: ["gdg"], categories: [] });
    await c.kubectlOk(["apply", "-f", "-"], { input: JSON.stringify(crd2) });
    await c.kubectlOk(["wait", "--for=condition=established", "crd/gadgets.example.com", "--timeout=10s"]);
    await c.kubectlOk(["apply", "-f", "-"], { input: JSON.stringify({ apiVersion: "example.com/v1", kind: "Gadget", metadata: { name: "g1" }, spec: {} }) });
    const w = c.kubectlBackground(["get", "gadgets", "-w", "--output-watch-events"]);
    await w.waitForLine(/^ADDED\s+g1\s/);
    await c.kubectlOk(["delete", "crd", "gadgets.example.com", "--wait=true", "--timeout=20s"]);
    await w.waitForLine(/^DELETED\s+g1\s/);
    await eventually(async () => {
      const r = await c.kubectl(["get", "--raw", "/apis/example.com/v1"]);
      const names = JSON.parse(r.stdout).resources.map((x: { name: string }) => x.name);
      return !names.includes("gadgets");
    });
    assert.equal(c.server.store.count("example.com/gadgets"), 0);
  });
});
