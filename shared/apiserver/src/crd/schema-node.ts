/**
 * openAPIV3Schema → SchemaNode, the shape SSA needs (what structured-merge-diff derives from a CRD schema):
 * `x-kubernetes-list-type` (absent means atomic), `-list-map-keys`, `-map-type`, `additionalProperties`
 * as the map's value type, `x-kubernetes-preserve-unknown-fields` as preserveUnknown. The resource root's
 * metadata is ObjectMeta whatever the CRD says about it.
 */
import { scalar, untyped, type ListNode, type MapNode, type SchemaNode } from "@flotilla/merge/schema";
import { additionalSchema, itemsSchema, type JSONSchemaProps } from "./schema-types.js";

const stringMap: MapNode = { type: "map", additional: scalar };

/** metav1.ObjectMeta as SSA sees it (k8s.io/apimachinery list-type and patch-strategy tags). */
export const objectMetaNode: MapNode = {
  type: "map",
  fields: {
    name: scalar,
    generateName: scalar,
    namespace: scalar,
    selfLink: scalar,
    uid: scalar,
    resourceVersion: scalar,
    generation: scalar,
    creationTimestamp: scalar,
    deletionTimestamp: scalar,
    deletionGracePeriodSeconds: scalar,
    labels: stringMap,
    annotations: stringMap,
    ownerReferences: {
      type: "list",
      listType: "map",
      keys: ["uid"],
      patchStrategy: "merge",
      patchMergeKey: "uid",
      items: {
        type: "map",
        fields: {
          apiVersion: scalar,
          kind: scalar,
          name: scalar,
          uid: scalar,
          controller: scalar,
          blockOwnerDeletion: scalar,
        },
        mapType: "atomic",
      },
    },
    finalizers: { type: "list", listType: "set", patchStrategy: "merge", items: scalar },
    managedFields: { type: "list", listType: "atomic", items: untyped },
  },
};

export function toSchemaNode(schema: JSONSchemaProps | undefined): SchemaNode {
  const root = convert(schema);
  if (root.type !== "map") return root;
  return { ...root, fields: { ...root.fields, apiVersion: scalar, kind: scalar, metadata: objectMetaNode } };
}

function convert(s: JSONSchemaProps | undefined): SchemaNode {
  if (!s) return untyped;
  if (s["x-kubernetes-int-or-string"]) return scalar;
  const preserve = !!s["x-kubernetes-preserve-unknown-fields"];
  const type = s.type ?? (s.properties || s.additionalProperties ? "object" : s.items ? "array" : undefined);
  switch (type) {
    case "object": {
      const node: MapNode = { type: "map" };
      if (s.properties) {
        node.fields = {};
        for (const [k, v] of Object.entries(s.properties)) node.fields[k] = convert(v);
      }
      const additional = additionalSchema(s);
      if (additional) node.additional = convert(additional);
      if (s["x-kubernetes-map-type"] === "atomic" || s["x-kubernetes-map-type"] === "granular") node.mapType = s["x-kubernetes-map-type"];
      if (preserve || s.additionalProperties === true) node.preserveUnknown = true;
      if (s["x-kubernetes-embedded-resource"]) {
        node.fields = { apiVersion: scalar, kind: scalar, metadata: objectMetaNode, ...node.fields };
      }
      if (!node.fields && !node.additional && !node.preserveUnknown) {
        // `type: object` with nothing specified is an empty struct; upstream deduces nothing else about it.
        node.fields = {};
      }
      return node;
    }
    case "array": {
      const listType = s["x-kubernetes-list-type"];
      const node: ListNode = {
        type: "list",
        items: convert(itemsSchema(s)),
        listType: listType === "set" || listType === "map" ? listType : "atomic",
      };
      if (node.listType === "map" && s["x-kubernetes-list-map-keys"]) {
        node.keys = [...s["x-kubernetes-list-map-keys"]];
        // Items may omit a key field that has a schema default; SSA identifies them by that default.
        const itemProps = (itemsSchema(s) as { properties?: Record<string, { default?: unknown }> }).properties ?? {};
        for (const key of node.keys) {
          const d = itemProps[key]?.default;
          if (typeof d === "string" || typeof d === "number" || typeof d === "boolean") (node.keyDefaults ??= {})[key] = d;
        }
      }
      return node;
    }
    case "string":
    case "integer":
    case "number":
    case "boolean":
      return scalar;
    default:
      // No type: only legal with preserve-unknown-fields, i.e. arbitrary JSON that SSA deduces.
      return untyped;
  }
}
