/**
 * OpenAPI v2/v3 documents. The properties checked are the ones kubectl 1.32 reads:
 * - cli-runtime QueryParamVerifierV3: a PATCH operation whose `x-kubernetes-group-version-kind` is the GVK and
 *   whose own `parameters` include `fieldValidation` (else client-side validation against protobuf v2);
 * - kubectl/pkg/cmd/apply patcher: SMP from v3 only when the PATCH requestBody lists
 *   application/strategic-merge-patch+json;
 * - kubectl/pkg/explain/v2 templates: an operation on `/apis/<g>/<v>/namespaces/{namespace}/<plural>` (or the
 *   cluster path) carrying the GVK, and a component schema whose GVK list contains it.
 * The end-to-end check with the real kubectl against the server is in openapi-kubectl.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildOpenAPIV2, buildOpenAPIV3GroupVersion, buildOpenAPIV3Index, unknownFieldWarning, type OpenAPIResource } from "../src/crd/index.js";
import { fluxSchema } from "./crd-fixtures.js";

const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const gitRepoSchema = fluxSchema("gitrepositories");

const resources: OpenAPIResource[] = [
  { group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false, verbs: ["create", "delete", "get", "list", "patch", "update", "watch"], builtin: true },
  { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true, verbs: ALL_VERBS, builtin: true },
  { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true, verbs: ALL_VERBS, builtin: true, subresources: ["status"] },
  {
    group: "source.toolkit.fluxcd.io",
    version: "v1",
    kind: "GitRepository",
    plural: "gitrepositories",
    namespaced: true,
    verbs: ALL_VERBS,
    builtin: false,
    openAPIV3Schema: gitRepoSchema,
    subresources: ["status"],
  },
];

type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };

/** QueryParamVerifierV3.HasSupport, as cli-runtime implements it, over our document. */
function supportsFieldValidation(doc: Doc, gvk: { group: string; version: string; kind: string }): boolean {
  for (const item of Object.values(doc.paths)) {
    const op = item.patch;
    const ext = op?.["x-kubernetes-group-version-kind"];
    if (!op || !ext || ext.group !== gvk.group || ext.version !== gvk.version || ext.kind !== gvk.kind) continue;
    return (op.parameters ?? []).some((p: { name: string }) => p.name === "fieldValidation");
  }
  return false;
}

function patchContentTypes(doc: Doc, kind: string): string[] {
  const op = Object.values(doc.paths).find((i) => i.patch?.["x-kubernetes-group-version-kind"]?.kind === kind)?.patch;
  return Object.keys(op.requestBody.content).sort();
}

function allRefs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => allRefs(x, out));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (k === "$ref" && typeof x === "string") out.push(x);
      else allRefs(x, out);
    }
  }
  return out;
}

test("v3 index lists every group-version with a content hash", () => {
  const index = buildOpenAPIV3Index(resources) as { paths: Record<string, { serverRelativeURL: string }> };
  assert.deepEqual(Object.keys(index.paths), ["api/v1", "apis/apps/v1", "apis/source.toolkit.fluxcd.io/v1"]);
  assert.match(index.paths["apis/source.toolkit.fluxcd.io/v1"]!.serverRelativeURL, /^\/openapi\/v3\/apis\/source\.toolkit\.fluxcd\.io\/v1\?hash=[0-9A-F]{128}$/);

  const again = buildOpenAPIV3Index(resources) as typeof index;
  assert.deepEqual(again, index, "stable for the same resources");
  const changedSchema = structuredClone(gitRepoSchema) as any;
  changedSchema.properties.spec.properties.url.description = "changed";
  const changed = buildOpenAPIV3Index(resources.map((r) => (r.kind === "GitRepository" ? { ...r, openAPIV3Schema: changedSchema } : r))) as typeof index;
  assert.notEqual(changed.paths["apis/source.toolkit.fluxcd.io/v1"]!.serverRelativeURL, index.paths["apis/source.toolkit.fluxcd.io/v1"]!.serverRelativeURL);
  assert.equal(changed.paths["api/v1"]!.serverRelativeURL, index.paths["api/v1"]!.serverRelativeURL);
});

test("v3: PATCH operations declare fieldValidation for CRs and built-ins (server-side field validation)", () => {
  const flux = buildOpenAPIV3GroupVersion("source.toolkit.fluxcd.io", "v1", resources) as Doc;
  const core = buildOpenAPIV3GroupVersion("", "v1", resources) as Doc;
  assert.ok(supportsFieldValidation(flux, { group: "source.toolkit.fluxcd.io", version: "v1", kind: "GitRepository" }));
  assert.ok(supportsFieldValidation(core, { group: "", version: "v1", kind: "ConfigMap" }));
  // kubectl checks core/v1 Namespace for CRDs whose group-version it cannot find.
  assert.ok(supportsFieldValidation(core, { group: "", version: "v1", kind: "Namespace" }));
  assert.ok(!supportsFieldValidation(core, { group: "", version: "v1", kind: "Secret" }));
});

test("v3: strategic merge patch is not advertised for CRs, nor for built-ins without a full schema", () => {
  const flux = buildOpenAPIV3GroupVersion("source.toolkit.fluxcd.io", "v1", resources) as Doc;
  const core = buildOpenAPIV3GroupVersion("", "v1", resources) as Doc;
  const noSmp = ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"];
  assert.deepEqual(patchContentTypes(flux, "GitRepository"), noSmp);
  assert.deepEqual(patchContentTypes(core, "ConfigMap"), noSmp);
  const full = buildOpenAPIV3GroupVersion("", "v1", [{ ...resources[1]!, openAPIV3Schema: { type: "object", properties: { data: { type: "object" } } } }]) as Doc;
  assert.deepEqual(patchContentTypes(full, "ConfigMap"), [...noSmp, "application/strategic-merge-patch+json"].sort());
});

test("v3: the paths and component schemas kubectl explain uses", () => {
  const doc = buildOpenAPIV3GroupVersion("source.toolkit.fluxcd.io", "v1", resources) as Doc;
  const gvk = { group: "source.toolkit.fluxcd.io", kind: "GitRepository", version: "v1" };
  const list = doc.paths["/apis/source.toolkit.fluxcd.io/v1/namespaces/{namespace}/gitrepositories"]!;
  assert.deepEqual(list.get["x-kubernetes-group-version-kind"], gvk);
  assert.equal(list.get["x-kubernetes-action"], "list");
  assert.deepEqual(doc.paths["/apis/source.toolkit.fluxcd.io/v1/namespaces/{namespace}/gitrepositories/{name}/status"]!.patch["x-kubernetes-group-version-kind"], gvk);
  assert.ok(doc.paths["/apis/source.toolkit.fluxcd.io/v1/gitrepositories"]!.get, "list across namespaces");

  const kinds = Object.entries(doc.components.schemas).filter(([, s]) => Array.isArray(s["x-kubernetes-group-version-kind"]));
  const gr = kinds.find(([, s]) => s["x-kubernetes-group-version-kind"].some((g: any) => g.kind === "GitRepository"));
  assert.ok(gr, "a component carries the GitRepository GVK");
  assert.equal(gr[0], "io.fluxcd.toolkit.source.v1.GitRepository");
  assert.deepEqual(gr[1]["x-kubernetes-group-version-kind"], [gvk]);
  assert.equal(gr[1].properties.spec.properties.url.description, (gitRepoSchema as any).properties.spec.properties.url.description);
  assert.deepEqual(gr[1].properties.metadata.allOf, [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }]);
  assert.ok(doc.components.schemas["io.fluxcd.toolkit.source.v1.GitRepositoryList"]);

  for (const ref of allRefs(doc)) {
    const name = ref.replace("#/components/schemas/", "");
    assert.ok(doc.components.schemas[name], `dangling ${ref}`);
  }
  assert.ok(!doc.components.schemas["io.k8s.api.core.v1.ConfigMap"], "only this group-version's kinds");
});

test("v3: cluster-scoped and built-in kinds", () => {
  const core = buildOpenAPIV3GroupVersion("", "v1", resources) as Doc;
  assert.ok(core.paths["/api/v1/namespaces/{name}"]!.patch);
  assert.ok(core.paths["/api/v1/namespaces/{namespace}/configmaps/{name}"]!.put);
  assert.equal(core.paths["/api/v1/namespaces/{namespace}/configmaps"]!.post.operationId, "createCoreV1NamespacedConfigMap");
  const cm = core.components.schemas["io.k8s.api.core.v1.ConfigMap"];
  assert.deepEqual(cm["x-kubernetes-group-version-kind"], [{ group: "", kind: "ConfigMap", version: "v1" }]);
  const apps = buildOpenAPIV3GroupVersion("apps", "v1", resources) as Doc;
  assert.equal(apps.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!.patch.operationId, "patchAppsV1NamespacedDeployment");
});

test("v2: Swagger 2.0 definitions and paths with GVKs, refs to #/definitions, no OpenAPI-3-only keywords", () => {
  const nullableSchema = { type: "object", properties: { spec: { type: "object", properties: { note: { type: "string", nullable: true } } } } };
  const doc = buildOpenAPIV2([...resources, { group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: false, verbs: ALL_VERBS, builtin: false, openAPIV3Schema: nullableSchema }]) as any;
  assert.equal(doc.swagger, "2.0");
  const gr = doc.definitions["io.fluxcd.toolkit.source.v1.GitRepository"];
  assert.deepEqual(gr["x-kubernetes-group-version-kind"], [{ group: "source.toolkit.fluxcd.io", kind: "GitRepository", version: "v1" }]);
  assert.deepEqual(gr.properties.metadata, { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" });
  assert.deepEqual(doc.definitions["com.example.v1.Widget"].properties.spec.properties.note, { type: "string" });
  const patch = doc.paths["/apis/source.toolkit.fluxcd.io/v1/namespaces/{namespace}/gitrepositories/{name}"].patch;
  assert.deepEqual(patch.consumes, ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"]);
  assert.ok(patch.parameters.some((p: any) => p.name === "fieldValidation" && p.in === "query"));
  assert.ok(patch.parameters.some((p: any) => p.name === "body" && p.in === "body"));
  for (const ref of allRefs(doc)) {
    assert.ok(ref.startsWith("#/definitions/"), ref);
    assert.ok(doc.definitions[ref.slice("#/definitions/".length)], `dangling ${ref}`);
  }
  assert.ok(!JSON.stringify(doc).includes('"nullable"'));
});

test("unknown-field warning text", () => {
  assert.equal(unknownFieldWarning(".spec.foo"), 'unknown field "spec.foo"');
});
