/**
 * The apimachinery schemas that resource schemas and operations refer to (ObjectMeta, ListMeta, Status,
 * DeleteOptions, Patch), written as OpenAPI v3 component schemas. Descriptions are Flotilla's own wording.
 */
import type { JSONSchemaProps } from "./schema-types.js";

export const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
export const OBJECT_META = `${META}.ObjectMeta`;
export const LIST_META = `${META}.ListMeta`;
export const STATUS = `${META}.Status`;
export const DELETE_OPTIONS = `${META}.DeleteOptions`;
export const PATCH = `${META}.Patch`;

const ref = (name: string): JSONSchemaProps => ({ $ref: `#/components/schemas/${name}` });
const refAllOf = (name: string, extra: JSONSchemaProps = {}): JSONSchemaProps => ({ allOf: [ref(name)], ...extra });
const str = (description: string, extra: JSONSchemaProps = {}): JSONSchemaProps => ({ type: "string", default: "", description, ...extra });
const time = (description: string): JSONSchemaProps => refAllOf(`${META}.Time`, { description });
const stringMap = (description: string): JSONSchemaProps => ({ type: "object", description, additionalProperties: { type: "string", default: "" } });

export const API_VERSION_DESCRIPTION =
  "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.";
export const KIND_DESCRIPTION =
  "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.";
export const METADATA_DESCRIPTION = "Standard object's metadata.";
export const LIST_METADATA_DESCRIPTION = "Standard list metadata.";

export const metaSchemas: Record<string, JSONSchemaProps> = {
  [`${META}.Time`]: { type: "string", format: "date-time", description: "Time is an RFC 3339 timestamp with second precision, serialized as a string." },
  [`${META}.MicroTime`]: { type: "string", format: "date-time", description: "MicroTime is an RFC 3339 timestamp with microsecond precision." },
  [`${META}.FieldsV1`]: { type: "object", description: "FieldsV1 is the set of fields a manager owns, encoded as a trie of f:, k:, v: and i: keys." },
  [`${META}.OwnerReference`]: {
    type: "object",
    description: "OwnerReference names an object that owns this one; the owner must be in the same namespace or be cluster-scoped.",
    required: ["apiVersion", "kind", "name", "uid"],
    properties: {
      apiVersion: str("API version of the owner."),
      blockOwnerDeletion: { type: "boolean", description: "If true, and the owner has the foregroundDeletion finalizer, the owner cannot be deleted from storage until this reference is removed." },
      controller: { type: "boolean", description: "If true, this reference points to the managing controller." },
      kind: str("Kind of the owner."),
      name: str("Name of the owner."),
      uid: str("UID of the owner."),
    },
    "x-kubernetes-map-type": "atomic",
  },
  [`${META}.ManagedFieldsEntry`]: {
    type: "object",
    description: "ManagedFieldsEntry records which manager owns which fields, through which operation and API version.",
    properties: {
      apiVersion: { type: "string", description: "The version of the resource the fieldset applies to." },
      fieldsType: { type: "string", description: "The format of fieldsV1; only FieldsV1 exists." },
      fieldsV1: refAllOf(`${META}.FieldsV1`, { description: "The fields owned by this manager." }),
      manager: { type: "string", description: "The name of the workflow managing these fields." },
      operation: { type: "string", description: "Apply or Update." },
      subresource: { type: "string", description: "The subresource the fields were written through, empty for the main resource." },
      time: time("When the fields were last changed by this manager."),
    },
  },
  [OBJECT_META]: {
    type: "object",
    description: "ObjectMeta is the metadata every persisted object carries.",
    properties: {
      annotations: stringMap("Annotations: unstructured key/value data that tools and controllers attach to the object; not queryable."),
      creationTimestamp: time("The time the object was created, set by the server. Read-only."),
      deletionGracePeriodSeconds: { type: "integer", format: "int64", description: "Seconds allowed for graceful termination before the object is removed. Read-only." },
      deletionTimestamp: time("The time after which the object will be deleted; set by the server when deletion is requested. Read-only."),
      finalizers: {
        type: "array",
        description: "Finalizers must be empty before the object is removed from storage; each entry names a component that still has cleanup to do.",
        items: { type: "string", default: "" },
        "x-kubernetes-list-type": "set",
        "x-kubernetes-patch-strategy": "merge",
      } as JSONSchemaProps,
      generateName: { type: "string", description: "A prefix from which the server generates a unique name when name is empty." },
      generation: { type: "integer", format: "int64", description: "A sequence number for the desired state, set by the server. Read-only." },
      labels: stringMap("Labels: key/value pairs used to organize and select objects."),
      managedFields: {
        type: "array",
        description: "Field ownership recorded by server-side apply and updates.",
        items: { ...refAllOf(`${META}.ManagedFieldsEntry`), default: {} },
        "x-kubernetes-list-type": "atomic",
      },
      name: { type: "string", description: "Name, unique within a namespace. Cannot be updated." },
      namespace: { type: "string", description: "The namespace the object lives in; empty for cluster-scoped objects. Cannot be updated." },
      ownerReferences: {
        type: "array",
        description: "Objects this object depends on; when all owners are deleted, this object is garbage collected.",
        items: { ...refAllOf(`${META}.OwnerReference`), default: {} },
        "x-kubernetes-list-map-keys": ["uid"],
        "x-kubernetes-list-type": "map",
        "x-kubernetes-patch-merge-key": "uid",
        "x-kubernetes-patch-strategy": "merge",
      } as JSONSchemaProps,
      resourceVersion: { type: "string", description: "An opaque value identifying the object's version, used for optimistic concurrency and watches. Read-only." },
      selfLink: { type: "string", description: "Deprecated and no longer set." },
      uid: { type: "string", description: "A unique identifier for this object across time, set by the server. Read-only." },
    },
  },
  [LIST_META]: {
    type: "object",
    description: "ListMeta is the metadata of a list response.",
    properties: {
      continue: { type: "string", description: "Set when more results are available; pass it back to continue the list." },
      remainingItemCount: { type: "integer", format: "int64", description: "The number of items left after this chunk, when known." },
      resourceVersion: { type: "string", description: "The resource version the list was served at." },
      selfLink: { type: "string", description: "Deprecated and no longer set." },
    },
  },
  [`${META}.StatusCause`]: {
    type: "object",
    description: "StatusCause describes one reason for a failure, often tied to a field.",
    properties: {
      field: { type: "string", description: "The field that caused the error, in JSON path notation." },
      message: { type: "string", description: "A human-readable description of the cause." },
      reason: { type: "string", description: "A machine-readable cause type." },
    },
  },
  [`${META}.StatusDetails`]: {
    type: "object",
    description: "StatusDetails carries extra data about a failure.",
    properties: {
      causes: { type: "array", items: { ...refAllOf(`${META}.StatusCause`), default: {} }, "x-kubernetes-list-type": "atomic" },
      group: { type: "string" },
      kind: { type: "string" },
      name: { type: "string" },
      retryAfterSeconds: { type: "integer", format: "int32" },
      uid: { type: "string" },
    },
  },
  [STATUS]: {
    type: "object",
    description: "Status is the result of an operation that does not return an object.",
    properties: {
      apiVersion: { type: "string", description: API_VERSION_DESCRIPTION },
      code: { type: "integer", format: "int32", description: "The HTTP status code." },
      details: refAllOf(`${META}.StatusDetails`),
      kind: { type: "string", description: KIND_DESCRIPTION },
      message: { type: "string", description: "A human-readable description of the status." },
      metadata: refAllOf(LIST_META, { default: {} }),
      reason: { type: "string", description: "A machine-readable reason." },
      status: { type: "string", description: "Success or Failure." },
    },
    "x-kubernetes-group-version-kind": [{ group: "", kind: "Status", version: "v1" }],
  } as JSONSchemaProps,
  [`${META}.Preconditions`]: {
    type: "object",
    description: "Preconditions a delete must satisfy.",
    properties: { resourceVersion: { type: "string" }, uid: { type: "string" } },
  },
  [DELETE_OPTIONS]: {
    type: "object",
    description: "DeleteOptions may be sent with a delete request.",
    properties: {
      apiVersion: { type: "string", description: API_VERSION_DESCRIPTION },
      dryRun: { type: "array", items: { type: "string", default: "" }, "x-kubernetes-list-type": "atomic" },
      gracePeriodSeconds: { type: "integer", format: "int64" },
      kind: { type: "string", description: KIND_DESCRIPTION },
      orphanDependents: { type: "boolean" },
      preconditions: refAllOf(`${META}.Preconditions`),
      propagationPolicy: { type: "string" },
    },
  },
  [PATCH]: { type: "object", description: "Patch is the body of a PATCH request; its format is given by the Content-Type." },
};

/** The component names `name` refers to, transitively, within `schemas`. */
export function referencedSchemas(roots: unknown[], schemas: Record<string, unknown>): Set<string> {
  const seen = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (typeof v !== "object" || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if ((k === "$ref") && typeof x === "string") {
        const name = x.replace(/^#\/(components\/schemas|definitions)\//, "");
        if (!seen.has(name) && schemas[name] !== undefined) {
          seen.add(name);
          visit(schemas[name]);
        }
      } else visit(x);
    }
  };
  roots.forEach(visit);
  return seen;
}
