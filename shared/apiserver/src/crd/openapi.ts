/**
 * OpenAPI documents for `/openapi/v2` and `/openapi/v3`, in the shape kubectl reads:
 *
 * - v3 index `{paths: {"apis/<g>/<v>": {serverRelativeURL: "/openapi/v3/apis/<g>/<v>?hash=<HASH>"}}}`.
 * - per group-version documents whose path operations carry `x-kubernetes-group-version-kind` and declare
 *   their query parameters. kubectl's QueryParamVerifierV3 (cli-runtime/pkg/resource) looks for a PATCH
 *   operation with the resource's GVK and a `fieldValidation` parameter to decide that the server validates
 *   fields itself (otherwise `kubectl apply` validates client-side, against OpenAPI v2 in protobuf). For a CRD
 *   whose group-version it cannot find, it checks core/v1 Namespace instead.
 * - `components.schemas` entries with `x-kubernetes-group-version-kind: [{group, kind, version}]`, which
 *   `kubectl explain` (kubectl/pkg/explain/v2 templates) matches against the GVK of an operation under
 *   `/apis/<g>/<v>[/namespaces/{namespace}]/<plural>[/{name}]`.
 *
 * Strategic merge patch: kubectl's client-side apply builds SMP from the v3 schema only when the PATCH
 * requestBody lists `application/strategic-merge-patch+json` (kubectl/pkg/cmd/apply/patcher.go,
 * gvkSupportsPatchOpenAPIV3). Built-in kinds without a full published schema therefore do not list it, so
 * kubectl falls back to its compiled-in Go types with their real patch strategies; a minimal schema would
 * otherwise turn merging lists (containers, env, ...) into replaced ones. Custom resources never list it,
 * matching the server, which rejects SMP for them.
 */
import { createHash } from "node:crypto";
import {
  API_VERSION_DESCRIPTION,
  DELETE_OPTIONS,
  KIND_DESCRIPTION,
  LIST_META,
  LIST_METADATA_DESCRIPTION,
  METADATA_DESCRIPTION,
  metaSchemas,
  OBJECT_META,
  PATCH,
  referencedSchemas,
  STATUS,
} from "./openapi-meta.js";
import { deepCopy, isObject, type JSONObject, type JSONSchemaProps } from "./schema-types.js";

export interface OpenAPIResource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** Discovery verbs: get, list, watch, create, update, patch, delete, deletecollection. */
  verbs: string[];
  /** The CRD version's openAPIV3Schema; for a built-in, a full schema if the server has one. */
  openAPIV3Schema?: object;
  builtin: boolean;
  /** Subresources served under `{name}/`, e.g. ["status"]. */
  subresources?: string[];
}

const KUBERNETES_VERSION = "v1.32.0";

/** `api/v1` or `apis/<group>/<version>`: the key of a group-version in the v3 index. */
export function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** The warning text upstream sends for an unknown field (fieldValidation=Warn), from a `.spec.foo` path. */
export function unknownFieldWarning(path: string): string {
  return `unknown field "${path.replace(/^\./, "")}"`;
}

// ---------------------------------------------------------------------------------------------------------
// Names

/** Upstream's definition name: reversed group for CRDs, Go package path for built-ins. */
export function definitionName(r: Pick<OpenAPIResource, "group" | "version" | "kind" | "builtin">, kind = r.kind): string {
  if (r.builtin) {
    if (r.group === "apiextensions.k8s.io") return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${r.version}.${kind}`;
    if (r.group === "apiregistration.k8s.io") return `io.k8s.kube-aggregator.pkg.apis.apiregistration.${r.version}.${kind}`;
    const pkg = r.group ? r.group.replace(/\.k8s\.io$/, "").split(".")[0]! : "core";
    return `io.k8s.api.${pkg}.${r.version}.${kind}`;
  }
  return [...r.group.split(".").reverse(), r.version, kind].join(".");
}

const camel = (s: string) => s.split(/[.-]/).map((p) => (p ? p[0]!.toUpperCase() + p.slice(1) : "")).join("");

function operationPrefix(r: OpenAPIResource): string {
  return `${r.group ? camel(r.group) : "Core"}${camel(r.version)}`;
}

function tag(r: OpenAPIResource): string {
  const g = r.group ? camel(r.group) : "Core";
  return `${g[0]!.toLowerCase()}${g.slice(1)}_${r.version}`;
}

// ---------------------------------------------------------------------------------------------------------
// Operations (a neutral model rendered as v2 or v3)

type ParamName =
  | "allowWatchBookmarks"
  | "continue"
  | "dryRun"
  | "fieldManager"
  | "fieldSelector"
  | "fieldValidation"
  | "force"
  | "gracePeriodSeconds"
  | "labelSelector"
  | "limit"
  | "orphanDependents"
  | "propagationPolicy"
  | "resourceVersion"
  | "resourceVersionMatch"
  | "sendInitialEvents"
  | "timeoutSeconds"
  | "watch";

const PARAMS: Record<ParamName, { type: "string" | "boolean" | "integer"; description: string }> = {
  allowWatchBookmarks: { type: "boolean", description: "Ask for BOOKMARK watch events; the server may or may not send them." },
  continue: { type: "string", description: "The continue token of a previous chunked list response." },
  dryRun: { type: "string", description: "When present (value All), process the request fully but persist nothing." },
  fieldManager: { type: "string", description: "The name of the actor making the change, recorded in managedFields. Required for apply patches." },
  fieldSelector: { type: "string", description: "Restrict the returned objects by their fields (metadata.name=x)." },
  fieldValidation: {
    type: "string",
    description:
      "How the server treats unknown and duplicate fields in the request body: Ignore drops them silently, Warn (the default) drops them and adds a Warning header per field, Strict fails the request with BadRequest.",
  },
  force: { type: "boolean", description: "For apply patches: take ownership of fields that conflict with other managers. Must be unset for other patch types." },
  gracePeriodSeconds: { type: "integer", description: "Seconds before the object is deleted; zero means immediately." },
  labelSelector: { type: "string", description: "Restrict the returned objects by their labels." },
  limit: { type: "integer", description: "The maximum number of items to return; more are available through continue." },
  orphanDependents: { type: "boolean", description: "Deprecated: use propagationPolicy." },
  propagationPolicy: { type: "string", description: "Garbage collection of dependents: Orphan, Background or Foreground." },
  resourceVersion: { type: "string", description: "Constrains which resource version a list or watch is served from." },
  resourceVersionMatch: { type: "string", description: "How resourceVersion applies to a list: Exact or NotOlderThan." },
  sendInitialEvents: { type: "boolean", description: "For watches: begin with synthetic events for the current state, ending with a bookmark." },
  timeoutSeconds: { type: "integer", description: "Timeout for list and watch calls." },
  watch: { type: "boolean", description: "Stream add, update and delete events instead of returning a list." },
};

const LIST_PARAMS: ParamName[] = [
  "allowWatchBookmarks",
  "continue",
  "fieldSelector",
  "labelSelector",
  "limit",
  "resourceVersion",
  "resourceVersionMatch",
  "sendInitialEvents",
  "timeoutSeconds",
  "watch",
];
const WRITE_PARAMS: ParamName[] = ["dryRun", "fieldManager", "fieldValidation"];
const PATCH_PARAMS: ParamName[] = ["dryRun", "fieldManager", "fieldValidation", "force"];
const DELETE_PARAMS: ParamName[] = ["dryRun", "gracePeriodSeconds", "orphanDependents", "propagationPolicy"];
const DELETE_COLLECTION_PARAMS: ParamName[] = [
  "continue",
  "dryRun",
  "fieldSelector",
  "gracePeriodSeconds",
  "labelSelector",
  "limit",
  "orphanDependents",
  "propagationPolicy",
  "resourceVersion",
  "resourceVersionMatch",
  "sendInitialEvents",
  "timeoutSeconds",
];

type Method = "get" | "post" | "put" | "patch" | "delete";

interface Operation {
  method: Method;
  action: "list" | "post" | "get" | "put" | "patch" | "delete" | "deletecollection";
  operationId: string;
  description: string;
  params: ParamName[];
  body?: "kind" | "patch" | "deleteOptions";
  response: "kind" | "list" | "status";
  created?: boolean;
  accepted?: boolean;
}

interface PathEntry {
  path: string;
  pathParams: Array<"name" | "namespace">;
  resource: OpenAPIResource;
  ops: Operation[];
}

function resourcePaths(r: OpenAPIResource): PathEntry[] {
  const has = (v: string) => r.verbs.includes(v);
  const prefix = `/${groupVersionPath(r.group, r.version)}`;
  const ns = r.namespaced ? "Namespaced" : "";
  const id = (verb: string, suffix = "") => `${verb}${operationPrefix(r)}${ns}${r.kind}${suffix}`;
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
  const nsParams: Array<"namespace"> = r.namespaced ? ["namespace"] : [];
  const out: PathEntry[] = [];

  const collOps: Operation[] = [];
  if (has("list")) collOps.push({ method: "get", action: "list", operationId: id("list"), description: `list or watch objects of kind ${r.kind}`, params: LIST_PARAMS, response: "list" });
  if (has("create")) {
    collOps.push({ method: "post", action: "post", operationId: id("create"), description: `create a ${r.kind}`, params: WRITE_PARAMS, body: "kind", response: "kind", created: true, accepted: true });
  }
  if (has("deletecollection")) {
    collOps.push({
      method: "delete",
      action: "deletecollection",
      operationId: `delete${operationPrefix(r)}Collection${ns}${r.kind}`,
      description: `delete collection of ${r.kind}`,
      params: DELETE_COLLECTION_PARAMS,
      body: "deleteOptions",
      response: "status",
    });
  }
  if (collOps.length) out.push({ path: collection, pathParams: nsParams, resource: r, ops: collOps });

  const itemOps: Operation[] = [];
  if (has("get")) itemOps.push({ method: "get", action: "get", operationId: id("read"), description: `read the specified ${r.kind}`, params: [], response: "kind" });
  if (has("update")) itemOps.push({ method: "put", action: "put", operationId: id("replace"), description: `replace the specified ${r.kind}`, params: WRITE_PARAMS, body: "kind", response: "kind", created: true });
  if (has("delete")) {
    itemOps.push({ method: "delete", action: "delete", operationId: id("delete"), description: `delete a ${r.kind}`, params: DELETE_PARAMS, body: "deleteOptions", response: "status", accepted: true });
  }
  if (has("patch")) itemOps.push({ method: "patch", action: "patch", operationId: id("patch"), description: `partially update the specified ${r.kind}`, params: PATCH_PARAMS, body: "patch", response: "kind", created: true });
  if (itemOps.length) out.push({ path: `${collection}/{name}`, pathParams: ["name", ...nsParams], resource: r, ops: itemOps });

  for (const sub of r.subresources ?? []) {
    if (sub !== "status") continue;
    const subOps: Operation[] = [];
    if (has("get")) subOps.push({ method: "get", action: "get", operationId: id("read", "Status"), description: `read status of the specified ${r.kind}`, params: [], response: "kind" });
    if (has("update")) subOps.push({ method: "put", action: "put", operationId: id("replace", "Status"), description: `replace status of the specified ${r.kind}`, params: WRITE_PARAMS, body: "kind", response: "kind", created: true });
    if (has("patch")) subOps.push({ method: "patch", action: "patch", operationId: id("patch", "Status"), description: `partially update status of the specified ${r.kind}`, params: PATCH_PARAMS, body: "patch", response: "kind", created: true });
    if (subOps.length) out.push({ path: `${collection}/{name}/status`, pathParams: ["name", ...nsParams], resource: r, ops: subOps });
  }

  if (r.namespaced && has("list")) {
    out.push({
      path: `${prefix}/${r.plural}`,
      pathParams: [],
      resource: r,
      ops: [{ method: "get", action: "list", operationId: `list${operationPrefix(r)}${r.kind}ForAllNamespaces`, description: `list or watch objects of kind ${r.kind}`, params: LIST_PARAMS, response: "list" }],
    });
  }
  return out;
}

const PATCH_TYPES = ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"];
const SMP = "application/strategic-merge-patch+json";

/** Built-ins get SMP advertised only with a full schema; see the module comment. */
function patchTypes(r: OpenAPIResource): string[] {
  return r.builtin && r.openAPIV3Schema ? [...PATCH_TYPES, SMP] : PATCH_TYPES;
}

const gvk = (r: OpenAPIResource) => ({ group: r.group, kind: r.kind, version: r.version });

// ---------------------------------------------------------------------------------------------------------
// Schemas

/** The component schemas (v3 flavour) for a resource's kind and list kind. */
function kindSchemas(r: OpenAPIResource): Record<string, JSONSchemaProps> {
  const name = definitionName(r);
  const listName = definitionName(r, `${r.kind}List`);
  const given = r.openAPIV3Schema ? (deepCopy(r.openAPIV3Schema) as JSONSchemaProps) : undefined;
  const schema: JSONSchemaProps = given ?? {
    type: "object",
    description: `${r.kind} (${r.group || "core"}/${r.version}). This server publishes only the common fields of built-in kinds.`,
  };
  schema.type ??= "object";
  const props: Record<string, JSONSchemaProps> = { ...(schema.properties ?? {}) };
  props.apiVersion = { type: "string", description: API_VERSION_DESCRIPTION, ...(props.apiVersion ?? {}) };
  props.kind = { type: "string", description: KIND_DESCRIPTION, ...(props.kind ?? {}) };
  props.metadata = { allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }], description: METADATA_DESCRIPTION, default: {} };
  schema.properties = sortKeys(props);
  (schema as JSONObject)["x-kubernetes-group-version-kind"] = [gvk(r)];

  const list: JSONSchemaProps = {
    type: "object",
    description: `${r.kind}List is a list of ${r.kind}`,
    required: ["items"],
    properties: {
      apiVersion: { type: "string", description: API_VERSION_DESCRIPTION },
      items: { type: "array", description: `List of ${r.plural}.`, items: { allOf: [{ $ref: `#/components/schemas/${name}` }], default: {} } },
      kind: { type: "string", description: KIND_DESCRIPTION },
      metadata: { allOf: [{ $ref: `#/components/schemas/${LIST_META}` }], description: LIST_METADATA_DESCRIPTION, default: {} },
    },
  };
  (list as JSONObject)["x-kubernetes-group-version-kind"] = [{ ...gvk(r), kind: `${r.kind}List` }];
  return { [name]: schema, [listName]: list };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ---------------------------------------------------------------------------------------------------------
// v3

function v3Param(name: ParamName): JSONObject {
  const p = PARAMS[name];
  return { name, in: "query", description: p.description, schema: { type: p.type, uniqueItems: true } };
}

function v3PathParam(name: "name" | "namespace", kind: string): JSONObject {
  return {
    name,
    in: "path",
    description: name === "name" ? `name of the ${kind}` : "object name and auth scope, such as for teams and projects",
    required: true,
    schema: { type: "string", uniqueItems: true },
  };
}

const refV3 = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonYaml = (schema: unknown) => ({ "application/json": { schema }, "application/yaml": { schema } });

function v3Operation(e: PathEntry, op: Operation): JSONObject {
  const r = e.resource;
  const responseSchema = refV3(op.response === "kind" ? definitionName(r) : op.response === "list" ? definitionName(r, `${r.kind}List`) : STATUS);
  const out: JSONObject = {
    tags: [tag(r)],
    description: op.description,
    operationId: op.operationId,
  };
  if (op.params.length) out.parameters = op.params.map(v3Param);
  if (op.body === "kind") out.requestBody = { content: { "*/*": { schema: refV3(definitionName(r)) } }, required: true };
  else if (op.body === "patch") out.requestBody = { content: Object.fromEntries(patchTypes(r).map((t) => [t, { schema: refV3(PATCH) }])), required: true };
  else if (op.body === "deleteOptions") out.requestBody = { content: { "*/*": { schema: refV3(DELETE_OPTIONS) } } };
  const responses: JSONObject = { "200": { description: "OK", content: jsonYaml(responseSchema) } };
  if (op.created) responses["201"] = { description: "Created", content: jsonYaml(responseSchema) };
  if (op.accepted) responses["202"] = { description: "Accepted", content: jsonYaml(responseSchema) };
  responses["401"] = { description: "Unauthorized" };
  out.responses = responses;
  out["x-kubernetes-action"] = op.action;
  out["x-kubernetes-group-version-kind"] = gvk(r);
  return out;
}

/** The OpenAPI v3 document for one group-version (served at `/openapi/v3/apis/<g>/<v>` or `/openapi/v3/api/v1`). */
export function buildOpenAPIV3GroupVersion(group: string, version: string, resources: OpenAPIResource[]): object {
  const mine = sortResources(resources.filter((r) => r.group === group && r.version === version));
  const paths: JSONObject = {};
  const gvPath = `/${groupVersionPath(group, version)}/`;
  paths[gvPath] = {
    get: {
      tags: [mine[0] ? tag(mine[0]) : `${group || "core"}_${version}`],
      description: "get available resources",
      operationId: `get${group ? camel(group) : "Core"}${camel(version)}APIResources`,
      responses: { "200": { description: "OK", content: jsonYaml({ $ref: `#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList` }) }, "401": { description: "Unauthorized" } },
    },
  };
  const schemas: Record<string, unknown> = { ...metaSchemas, [`io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList`]: API_RESOURCE_LIST };
  for (const r of mine) {
    Object.assign(schemas, kindSchemas(r));
    for (const e of resourcePaths(r)) {
      const item: JSONObject = {};
      for (const op of e.ops) item[op.method] = v3Operation(e, op);
      item.parameters = [
        ...e.pathParams.map((p) => v3PathParam(p, r.kind)),
        { name: "pretty", in: "query", description: "If 'true', the output is pretty printed.", schema: { type: "string", uniqueItems: true } },
      ];
      paths[e.path] = item;
    }
  }
  const used = referencedSchemas([paths], schemas);
  for (const r of mine) {
    used.add(definitionName(r));
    used.add(definitionName(r, `${r.kind}List`));
  }
  const components = Object.fromEntries([...used].sort().map((n) => [n, schemas[n]]));
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: KUBERNETES_VERSION },
    paths,
    components: { schemas: components, securitySchemes: { BearerToken: { type: "apiKey", description: "Bearer Token authentication", name: "authorization", in: "header" } } },
    security: [{ BearerToken: [] }],
  };
}

const API_RESOURCE_LIST: JSONSchemaProps = {
  type: "object",
  description: "APIResourceList lists the resources of a group-version and what can be done with them.",
  required: ["groupVersion", "resources"],
  properties: {
    apiVersion: { type: "string", description: API_VERSION_DESCRIPTION },
    groupVersion: { type: "string", default: "", description: "The group and version of the listed resources." },
    kind: { type: "string", description: KIND_DESCRIPTION },
    resources: { type: "array", description: "The resources.", items: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
  },
};

/** The group-versions present, with the hash of their document, as `/openapi/v3` lists them. */
export function buildOpenAPIV3Index(resources: OpenAPIResource[]): object {
  const gvs = new Map<string, { group: string; version: string }>();
  for (const r of resources) gvs.set(groupVersionPath(r.group, r.version), { group: r.group, version: r.version });
  const paths: JSONObject = {};
  for (const key of [...gvs.keys()].sort()) {
    const { group, version } = gvs.get(key)!;
    const doc = JSON.stringify(buildOpenAPIV3GroupVersion(group, version, resources));
    const hash = createHash("sha512").update(doc).digest("hex").toUpperCase();
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { paths };
}

function sortResources(rs: OpenAPIResource[]): OpenAPIResource[] {
  return [...rs].sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------------------
// v2

/** A v3 component schema in Swagger 2.0 terms: refs to #/definitions, no nullable/anyOf/oneOf/not. */
function toV2Schema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toV2Schema);
  if (!isObject(s)) return s;
  const allOf = s.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0]) && typeof allOf[0].$ref === "string") {
    // Swagger 2.0 ignores siblings of $ref, so upstream publishes the bare reference.
    return { $ref: (allOf[0].$ref as string).replace("#/components/schemas/", "#/definitions/") };
  }
  const out: JSONObject = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "nullable" || k === "anyOf" || k === "oneOf" || k === "not" || k === "allOf") continue;
    if (k === "$ref" && typeof v === "string") out[k] = v.replace("#/components/schemas/", "#/definitions/");
    else if (k === "properties" && isObject(v)) out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, toV2Schema(pv)]));
    else if (k === "items" || k === "additionalProperties") out[k] = toV2Schema(v);
    else if (k === "x-kubernetes-validations" || k === "default" || k === "enum" || k === "example") out[k] = v;
    else out[k] = isObject(v) || Array.isArray(v) ? deepCopy(v) : v;
  }
  if (out["x-kubernetes-int-or-string"]) delete out.type;
  return out;
}

function v2Param(name: ParamName): JSONObject {
  const p = PARAMS[name];
  return { uniqueItems: true, type: p.type, description: p.description, name, in: "query" };
}

function v2Operation(e: PathEntry, op: Operation): JSONObject {
  const r = e.resource;
  const ref = (n: string) => ({ $ref: `#/definitions/${n}` });
  const responseSchema = ref(op.response === "kind" ? definitionName(r) : op.response === "list" ? definitionName(r, `${r.kind}List`) : STATUS);
  const params: JSONObject[] = [];
  if (op.body === "kind") params.push({ name: "body", in: "body", required: true, schema: ref(definitionName(r)) });
  else if (op.body === "patch") params.push({ name: "body", in: "body", required: true, schema: ref(PATCH) });
  else if (op.body === "deleteOptions") params.push({ name: "body", in: "body", schema: ref(DELETE_OPTIONS) });
  params.push(...op.params.map(v2Param));
  const responses: JSONObject = { "200": { description: "OK", schema: responseSchema } };
  if (op.created) responses["201"] = { description: "Created", schema: responseSchema };
  if (op.accepted) responses["202"] = { description: "Accepted", schema: responseSchema };
  responses["401"] = { description: "Unauthorized" };
  const out: JSONObject = {
    description: op.description,
    consumes: op.body === "patch" ? patchTypes(r) : ["*/*"],
    produces: ["application/json", "application/yaml"],
    schemes: ["https"],
    tags: [tag(r)],
    operationId: op.operationId,
  };
  if (params.length) out.parameters = params;
  out.responses = responses;
  out["x-kubernetes-action"] = op.action;
  out["x-kubernetes-group-version-kind"] = gvk(r);
  return out;
}

/** The Swagger 2.0 document served at `/openapi/v2` (JSON). */
export function buildOpenAPIV2(resources: OpenAPIResource[]): object {
  const paths: JSONObject = {};
  const schemas: Record<string, unknown> = { ...metaSchemas };
  const sorted = [...resources].sort((a, b) => {
    const ka = `${a.group}/${a.version}/${a.plural}`;
    const kb = `${b.group}/${b.version}/${b.plural}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  for (const r of sorted) {
    Object.assign(schemas, kindSchemas(r));
    for (const e of resourcePaths(r)) {
      const item: JSONObject = {};
      for (const op of e.ops) item[op.method] = v2Operation(e, op);
      item.parameters = [
        ...e.pathParams.map((p) => ({
          uniqueItems: true,
          type: "string",
          description: p === "name" ? `name of the ${r.kind}` : "object name and auth scope, such as for teams and projects",
          name: p,
          in: "path",
          required: true,
        })),
        { uniqueItems: true, type: "string", description: "If 'true', the output is pretty printed.", name: "pretty", in: "query" },
      ];
      paths[e.path] = item;
    }
  }
  const definitions = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((n) => [n, toV2Schema(schemas[n])]),
  );
  return {
    swagger: "2.0",
    info: { title: "Kubernetes", version: KUBERNETES_VERSION },
    paths,
    definitions,
    securityDefinitions: { BearerToken: { description: "Bearer Token authentication", type: "apiKey", name: "authorization", in: "header" } },
    security: [{ BearerToken: [] }],
  };
}
