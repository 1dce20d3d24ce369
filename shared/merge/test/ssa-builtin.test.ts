/**
 * Server-side apply over the built-in schema table (builtinSchema), for the workload every Flux user applies.
 *
 * No kube-apiserver exists here; the expected managedFields are those kube-apiserver writes for
 * `kubectl apply --server-side` of this Deployment (the shape shown by `kubectl get --show-managed-fields`).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtinSchema } from "../src/builtin.js";
import { applyServerSide, type JsonObject, updateManagedFields } from "../src/ssa/index.js";

const schema = builtinSchema("apps/v1", "Deployment")!;

function manifest(replicas: number, image: string): JsonObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "podinfo", namespace: "default", labels: { app: "podinfo" } },
    spec: {
      replicas,
      selector: { matchLabels: { app: "podinfo" } },
      template: {
        metadata: { labels: { app: "podinfo" } },
        spec: { containers: [{ name: "podinfod", image, ports: [{ containerPort: 9898, name: "http", protocol: "TCP" }] }] },
      },
    },
  };
}

describe("ssa with the built-in Deployment schema", () => {
  it("records kube-apiserver's field set for a typical Deployment", () => {
    const r = applyServerSide({ live: undefined, applied: manifest(2, "ghcr.io/stefanprodan/podinfo:6.5.0"), manager: "kustomize-controller", schema, apiVersion: "apps/v1", kind: "Deployment", now: "2024-05-01T10:00:00Z" });
    assert.ok(!("conflicts" in r));
    assert.deepEqual(r.managedFields[0]!.fieldsV1, {
      "f:metadata": { "f:labels": { "f:app": {} } },
      "f:spec": {
        "f:replicas": {},
        "f:selector": {},
        "f:template": {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:containers": {
              'k:{"name":"podinfod"}': {
                ".": {},
                "f:image": {},
                "f:name": {},
                "f:ports": { 'k:{"containerPort":9898,"protocol":"TCP"}': { ".": {}, "f:containerPort": {}, "f:name": {}, "f:protocol": {} } },
              },
            },
          },
        },
      },
    });
  });

  it("kustomize-controller keeps the image, loses replicas to an autoscaler, and conflicts when it changes them back", () => {
    const created = applyServerSide({ live: undefined, applied: manifest(2, "podinfo:6.5.0"), manager: "kustomize-controller", schema, apiVersion: "apps/v1", kind: "Deployment", now: "2024-05-01T10:00:00Z" });
    assert.ok(!("conflicts" in created));
    const live: JsonObject = { ...created.object, metadata: { ...(created.object.metadata as JsonObject), uid: "u-1" } };
    const scaled = updateManagedFields({ live, updated: { ...live, spec: { ...(live.spec as JsonObject), replicas: 6 } }, manager: "hpa-controller", schema, apiVersion: "apps/v1", now: "2024-05-01T10:01:00Z" }).object;
    const r = applyServerSide({ live: scaled, applied: manifest(2, "podinfo:6.6.0"), manager: "kustomize-controller", schema, apiVersion: "apps/v1", kind: "Deployment", now: "2024-05-01T10:02:00Z" });
    assert.ok("conflicts" in r);
    assert.equal(r.message, 'Apply failed with 1 conflict: conflict with "hpa-controller" using apps/v1: .spec.replicas');
    const withoutReplicas = manifest(2, "podinfo:6.6.0");
    delete (withoutReplicas.spec as JsonObject).replicas;
    const ok = applyServerSide({ live: scaled, applied: withoutReplicas, manager: "kustomize-controller", schema, apiVersion: "apps/v1", kind: "Deployment", now: "2024-05-01T10:02:00Z" });
    assert.ok(!("conflicts" in ok));
    const spec = ok.object.spec as { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
    assert.equal(spec.replicas, 6);
    assert.equal(spec.template.spec.containers[0]!.image, "podinfo:6.6.0");
  });
});
