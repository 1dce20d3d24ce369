/** openAPIV3Schema → SchemaNode, the tree SSA and the merge code read. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fieldNode, itemNode, type SchemaNode } from "@flotilla/merge/schema";
import { compileVersionSchema, toSchemaNode } from "../src/crd/index.js";
import { fluxSchema } from "./crd-fixtures.js";

const at = (node: SchemaNode, ...path: Array<string | number>): SchemaNode =>
  path.reduce<SchemaNode>((n, seg) => (typeof seg === "number" ? itemNode(n) : fieldNode(n, seg)), node);

test("list types: absent means atomic; set; map with keys", () => {
  const node = toSchemaNode({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          plain: { type: "array", items: { type: "string" } },
          tags: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
          ports: {
            type: "array",
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["name", "protocol"],
            items: { type: "object", properties: { name: { type: "string" }, protocol: { type: "string" }, port: { type: "integer" } } },
          },
        },
      },
    },
  });
  assert.deepEqual(at(node, "spec", "plain"), { type: "list", listType: "atomic", items: { type: "scalar" } });
  assert.deepEqual(at(node, "spec", "tags"), { type: "list", listType: "set", items: { type: "scalar" } });
  const ports = at(node, "spec", "ports");
  assert.equal(ports.type, "list");
  assert.equal(ports.type === "list" && ports.listType, "map");
  assert.deepEqual(ports.type === "list" && ports.keys, ["name", "protocol"]);
  assert.deepEqual(at(node, "spec", "ports", 0, "port"), { type: "scalar" });
});

test("maps: additionalProperties become the value type; map-type atomic; preserve-unknown", () => {
  const node = toSchemaNode({
    type: "object",
    properties: {
      labels: { type: "object", additionalProperties: { type: "string" } },
      selector: { type: "object", "x-kubernetes-map-type": "atomic", properties: { app: { type: "string" } } },
      values: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      anything: { "x-kubernetes-preserve-unknown-fields": true },
      port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
    },
  });
  assert.deepEqual(at(node, "labels"), { type: "map", additional: { type: "scalar" } });
  assert.deepEqual(at(node, "labels", "any-key"), { type: "scalar" });
  assert.deepEqual(at(node, "selector"), { type: "map", fields: { app: { type: "scalar" } }, mapType: "atomic" });
  assert.deepEqual(at(node, "values"), { type: "map", preserveUnknown: true });
  assert.deepEqual(at(node, "values", "x", "y"), { type: "untyped" });
  assert.deepEqual(at(node, "anything"), { type: "untyped" });
  assert.deepEqual(at(node, "port"), { type: "scalar" });
});

test("the resource root gets ObjectMeta, with upstream's list semantics for finalizers and ownerReferences", () => {
  const node = toSchemaNode({ type: "object", properties: { metadata: { type: "object" }, spec: { type: "object" } } });
  assert.deepEqual(at(node, "apiVersion"), { type: "scalar" });
  assert.deepEqual(at(node, "metadata", "labels", "app"), { type: "scalar" });
  const finalizers = at(node, "metadata", "finalizers");
  assert.equal(finalizers.type === "list" && finalizers.listType, "set");
  const owners = at(node, "metadata", "ownerReferences");
  assert.deepEqual(owners.type === "list" && [owners.listType, owners.keys], ["map", ["uid"]]);
});

test("embedded resources get apiVersion, kind and ObjectMeta", () => {
  const node = toSchemaNode({
    type: "object",
    properties: { tmpl: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true } },
  });
  assert.deepEqual(at(node, "tmpl", "kind"), { type: "scalar" });
  assert.deepEqual(at(node, "tmpl", "metadata", "annotations", "a"), { type: "scalar" });
  assert.deepEqual(at(node, "tmpl", "spec"), { type: "untyped" });
});

test("Flux CRDs: Receiver oidcProviders is a map list keyed by issuerURL; ImageUpdateAutomation policySelector is atomic", () => {
  const receiver = compileVersionSchema(fluxSchema("receivers")).schemaNode;
  const oidc = at(receiver, "spec", "oidcProviders");
  assert.deepEqual(oidc.type === "list" && [oidc.listType, oidc.keys], ["map", ["issuerURL"]]);
  assert.equal(at(receiver, "spec", "resources").type === "list" && (at(receiver, "spec", "resources") as { listType: string }).listType, "atomic");

  const iua = compileVersionSchema(fluxSchema("imageupdateautomations")).schemaNode;
  const selector = at(iua, "spec", "policySelector");
  assert.equal(selector.type === "map" && selector.mapType, "atomic");
  const hr = compileVersionSchema(fluxSchema("helmreleases")).schemaNode;
  // `values` carries only x-kubernetes-preserve-unknown-fields (no type): arbitrary JSON, deduced by SSA.
  assert.deepEqual(at(hr, "spec", "values"), { type: "untyped" });
});
