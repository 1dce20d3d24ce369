/** A list-map key with a schema default may be omitted by items: SSA identifies such items by the default. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyServerSide, type JsonObject } from "@flotilla/merge";
import { toSchemaNode } from "../src/crd/index.js";

const schema = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      properties: {
        ports: {
          type: "array",
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["port", "protocol"],
          items: {
            type: "object",
            required: ["port"],
            properties: { port: { type: "integer" }, protocol: { type: "string", default: "TCP" }, name: { type: "string" } },
          },
        },
      },
    },
  },
};

test("list-map key defaults come from the item schema and let SSA accept items that omit the key", () => {
  const node = toSchemaNode(schema);
  assert.ok(node.type === "map");
  const ports = node.fields?.spec?.type === "map" ? node.fields.spec.fields?.ports : undefined;
  assert.ok(ports?.type === "list");
  assert.deepEqual(ports.keyDefaults, { protocol: "TCP" });

  const applied: JsonObject = { apiVersion: "example.com/v1", kind: "Thing", metadata: { name: "t" }, spec: { ports: [{ port: 80, name: "http" }, { port: 80, protocol: "UDP", name: "dns" }] } };
  const result = applyServerSide({ live: undefined, applied, manager: "m", schema: node, apiVersion: "example.com/v1", now: new Date() });
  assert.ok("object" in result, JSON.stringify(result));
  const fields = JSON.stringify(result.managedFields[0]?.fieldsV1);
  assert.match(fields, /k:\{\\"port\\":80,\\"protocol\\":\\"TCP\\"\}/);
  assert.match(fields, /k:\{\\"port\\":80,\\"protocol\\":\\"UDP\\"\}/);
});
