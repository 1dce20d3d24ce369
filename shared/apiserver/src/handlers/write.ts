/**
 * create, update and patch (including server-side apply and the status/scale subresources), all funnelled
 * into two pipelines, `finishCreate` and `finishUpdate`, which apply the rules every write shares: server-set
 * metadata, status/spec separation, schema processing, validation, generation, managedFields, no-op detection,
 * finalizer-driven deletion and dry-run.
 *
 * Handlers may mutate the request body they are given (callers pass a fresh copy); stored objects are never
 * mutated — changes start from a deep copy.
 */
import {
  ApiError,
  OBJECT_MODIFIED,
  alreadyExists,
  badRequest,
  conflict,
  fieldForbidden,
  fieldInvalid,
  fieldRequired,
  invalid,
  methodNotAllowed,
  notFound,
  unsupportedMediaType,
  type FieldError,
  type StatusCause,
} from "../errors.js";
import type { Core } from "../core.js";
import { typedPatchError, undeclaredFields } from "./typed-apply.js";
import { builtinOpenAPISchema } from "../protobuf/schemas.js";
import { toApiError } from "../merge.js";
import { type KubeObject, type ManagedFieldsEntry, type ObjectMeta, type ResourceType, groupVersion } from "../registry.js";
import { objectKey } from "../store.js";
import { labelSelectorString } from "../selectors.js";
import { deepClone, getPath, isObject, newUid, randomSuffix, rfc3339, setPath } from "../util.js";
import { checkNamespaceForCreate, contentChanged, fieldsChanged, sameObject, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { PATCH_TYPES, type Result, type Scope, type WriteOptions } from "./types.js";

const gr = (t: ResourceType) => ({ group: t.group, resource: t.plural });
const gk = (t: ResourceType) => ({ group: t.group, kind: t.kind });

function requireObject(body: unknown): KubeObject {
  if (!isObject(body)) throw badRequest("the request body must be a JSON object");
  return body as KubeObject;
}

/** Upstream decodes the body into the endpoint's type; a different apiVersion/kind is a 400. */
function checkTypeMeta(obj: KubeObject, type: ResourceType, version: string, kind = type.kind): void {
  const want = groupVersion(type.group, version);
  if (obj.apiVersion !== undefined && obj.apiVersion !== want && !(type.view && obj.apiVersion === want))
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${want})`);
  if (obj.kind !== undefined && obj.kind !== kind) throw badRequest(`Object 'Kind' is ${JSON.stringify(obj.kind)} but should be ${JSON.stringify(kind)}`);
  obj.apiVersion = want;
  obj.kind = kind;
}

function meta(obj: KubeObject): ObjectMeta {
  if (!isObject(obj.metadata)) obj.metadata = {};
  return obj.metadata!;
}

/** The namespace on the object must agree with the path (cluster-scoped types have none). */
function settleNamespace(obj: KubeObject, scope: Scope): void {
  const m = meta(obj);
  if (!scope.type.namespaced) {
    delete m.namespace;
    return;
  }
  if (m.namespace && scope.namespace && m.namespace !== scope.namespace)
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  m.namespace = scope.namespace ?? m.namespace;
}

export function fieldManagerFor(opts: WriteOptions): string {
  if (opts.fieldManager) return opts.fieldManager;
  const ua = opts.userAgent ?? "";
  const prefix = ua.split("/")[0]!;
  return prefix || "unknown";
}

/**
 * Drops fields the kind does not have and reports them per fieldValidation (Strict: 400, Warn: a Warning
 * header), as decoding into Go structs does for built-ins and pruning does for custom resources, whose
 * schema defaults are applied too (request version schema).
 */
function pruneAndDefault(core: Core, type: ResourceType, version: string, obj: KubeObject, opts: WriteOptions, warnings: string[]): KubeObject {
  const compiled = type.builtin ? undefined : core.compiledSchema(type, version);
  if (!type.builtin && !compiled) return obj;
  const pruned = compiled ? compiled.prune(obj) : { object: obj, unknownFields: core.pruneBuiltin(type, version, obj) };
  if (pruned.unknownFields.length > 0 && opts.fieldValidation !== "Ignore") {
    const msgs = pruned.unknownFields.map((f) => `unknown field "${f.replace(/^\./, "")}"`);
    if (opts.fieldValidation === "Strict")
      throw badRequest(`${type.kind} in version ${JSON.stringify(version)} cannot be handled as a ${type.kind}: strict decoding error: ${msgs.join(", ")}`);
    warnings.push(...msgs);
  }
  if (!compiled) return pruned.object as KubeObject;
  return compiled.applyDefaults(pruned.object) as KubeObject;
}

function schemaCauses(core: Core, type: ResourceType, version: string, obj: KubeObject, old?: KubeObject): StatusCause[] {
  const compiled = core.compiledSchema(type, version);
  return compiled ? compiled.validate(obj, old) : [];
}

function throwIfInvalid(type: ResourceType, name: string, errs: Array<FieldError | StatusCause>): void {
  if (errs.length > 0) throw invalid(gk(type), name, errs);
}

function deprecationWarning(type: ResourceType, version: string, warnings: string[]): void {
  const v = type.crd?.versions.get(version);
  if (v?.deprecated) warnings.push(v.deprecationWarning ?? `${groupVersion(type.group, version)} ${type.kind} is deprecated`);
}

/**
 * The fields a write through this endpoint cannot set, so nobody owns them through it (upstream's
 * GetResetFields): .status for the main resource of a type with a status subresource, everything but
 * .status (and metadata) for the status subresource.
 */
/**
 * What statusStrategy.PrepareForUpdate restores from the live object, for the built-ins whose strategy does not
 * reset all metadata (pkg/registry/apps/*\/strategy.go). Paths: ["spec"] or ["metadata", field].
 */
const STATUS_STRATEGY_KEEPS: Record<string, string[][]> = {
  "apps/deployments": [["spec"], ["metadata", "labels"]],
  "apps/replicasets": [["spec"]],
  "apps/statefulsets": [["spec"]],
  "apps/daemonsets": [["spec"]],
};

function resetFields(type: ResourceType, subresource: string | undefined, a: KubeObject | undefined, b: KubeObject | undefined): string[][] | undefined {
  if (subresource === "status") {
    const keeps = type.builtin ? STATUS_STRATEGY_KEEPS[`${type.group}/${type.plural}`] : undefined;
    const metaKept = keeps?.filter((p) => p[0] === "metadata") ?? [];
    const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
    return [...[...keys].filter((k) => !["apiVersion", "kind", "metadata", "status"].includes(k)).map((k) => [k]), ...metaKept];
  }
  if (!subresource && type.status) return [["status"]];
  return undefined;
}

// ---------------------------------------------------------------------------------------------- create

export function createObject(core: Core, scope: Scope, body: unknown, opts: WriteOptions): Result {
  const { type, version } = scope;
  if (scope.subresource) throw methodNotAllowed();
  const obj = requireObject(body);
  checkTypeMeta(obj, type, version);
  settleNamespace(obj, scope);
  if (type.review) return { status: 201, object: { ...obj, metadata: { ...meta(obj), creationTimestamp: null }, status: type.review(obj) } as unknown as KubeObject, warnings: [] };
  const rv = meta(obj).resourceVersion;
  // etcd3's store refuses this (it surfaces as a 500, which kubectl prints verbatim)
  if (rv !== undefined && rv !== "" && rv !== "0") throw new ApiError(500, "", "resourceVersion should not be set on objects to be created");
  return finishCreate(core, scope, obj, opts, undefined);
}

/**
 * The create pipeline. `obj` is in the request version. `applied` carries the managedFields an apply
 * computed (otherwise they are derived as for an Update by the field manager).
 */
export function finishCreate(core: Core, scope: Scope, obj: KubeObject, opts: WriteOptions, applied: ManagedFieldsEntry[] | undefined): Result {
  const { type, version } = scope;
  const warnings: string[] = [];
  deprecationWarning(type, version, warnings);
  const m = meta(obj);
  if (type.crd && core.store.get("apiextensions.k8s.io/customresourcedefinitions", type.crd.name)?.object.metadata?.deletionTimestamp)
    throw new ApiError(405, "MethodNotAllowed", `create not allowed while custom resource definition is terminating`);
  checkNamespaceForCreate(core.store, type, m.namespace, m.name ?? m.generateName ?? "");
  if (!m.name && m.generateName && typeof m.generateName === "string") {
    for (let i = 0; i < 8; i++) {
      const candidate = m.generateName + randomSuffix();
      if (!core.store.get(type.storageKey, objectKey(m.namespace, candidate))) {
        m.name = candidate;
        break;
      }
    }
  }
  const now = new Date();
  m.uid = newUid();
  m.creationTimestamp = rfc3339(now);
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.resourceVersion;
  delete m.selfLink;
  if (type.generation) m.generation = 1;
  else delete m.generation;

  let o = pruneAndDefault(core, type, version, obj, opts, warnings);
  if (type.status) delete o.status;
  type.hooks?.prepareForCreate?.(o, core.hookCtx);

  const errs: Array<FieldError | StatusCause> = [...validateObjectMeta(type, meta(o))];
  if (type.hooks?.validate) errs.push(...type.hooks.validate(o, undefined));
  errs.push(...schemaCauses(core, type, version, o));
  throwIfInvalid(type, meta(o).name ?? "", errs);

  const manager = fieldManagerFor(opts);
  meta(o).managedFields =
    applied ??
    core.merge.updateManagedFields({
      live: undefined,
      updated: o,
      manager,
      schema: core.schemaNode(type, version),
      apiVersion: groupVersion(type.group, version),
      now,
      ignoredPaths: resetFields(type, undefined, undefined, o),
    });
  if (meta(o).managedFields!.length === 0) delete meta(o).managedFields;

  const key = objectKey(meta(o).namespace, meta(o).name!);
  if (core.store.get(type.storageKey, key)) throw alreadyExists(gr(type), meta(o).name!);
  if (opts.dryRun) return { status: 201, object: o, warnings };
  o = core.toStorage(type, o);
  const entry = core.store.create(type.storageKey, key, o);
  return { status: 201, object: core.fromStorage(type, version, entry.object), warnings, entry };
}

// ---------------------------------------------------------------------------------------------- update

function loadForWrite(core: Core, scope: Scope): { key: string; old: KubeObject } {
  const key = objectKey(scope.type.namespaced ? scope.namespace : undefined, scope.name!);
  const entry = core.store.get(scope.type.storageKey, key);
  if (!entry) throw notFound(gr(scope.type), scope.name!);
  return { key, old: core.fromStorage(scope.type, scope.version, entry.object) };
}

function checkResourceVersion(type: ResourceType, name: string, given: unknown, old: KubeObject): void {
  if (given !== undefined && given !== null && given !== "" && String(given) !== old.metadata?.resourceVersion)
    throw conflict(gr(type), name, OBJECT_MODIFIED);
}

export function updateObject(core: Core, scope: Scope, body: unknown, opts: WriteOptions): Result {
  const { type, version } = scope;
  const obj = requireObject(body);
  if (scope.subresource === "scale") return updateScale(core, scope, obj, opts);
  if (scope.subresource === "finalize") return finalizeNamespace(core, scope, obj, opts);
  if (scope.subresource && scope.subresource !== "status") throw notFound(gr(type), scope.name!);
  checkTypeMeta(obj, type, version);
  const m = meta(obj);
  if (m.name && m.name !== scope.name) throw badRequest(`the name of the object (${m.name}) does not match the name on the URL (${scope.name})`);
  m.name = scope.name;
  settleNamespace(obj, scope);
  const { key, old } = loadForWrite(core, scope);
  if (m.uid && m.uid !== old.metadata?.uid)
    throw conflict(gr(type), scope.name!, `Precondition failed: UID in precondition: ${m.uid}, UID in object meta: ${old.metadata?.uid}`);
  checkResourceVersion(type, scope.name!, m.resourceVersion, old);
  return finishUpdate(core, scope, key, old, obj, opts, undefined);
}

/**
 * The update pipeline. `obj` is the complete new object in the request version (already merged for patches),
 * `old` the current one. Preconditions have been checked.
 */
export function finishUpdate(
  core: Core,
  scope: Scope,
  key: string,
  old: KubeObject,
  obj: KubeObject,
  opts: WriteOptions,
  applied: ManagedFieldsEntry[] | undefined,
): Result {
  const { type, version } = scope;
  const warnings: string[] = [];
  deprecationWarning(type, version, warnings);
  const oldMeta = old.metadata ?? {};
  const now = new Date();
  let o: KubeObject;

  const statusKeeps = scope.subresource === "status" && type.builtin ? STATUS_STRATEGY_KEEPS[`${type.group}/${type.plural}`] : undefined;
  if (statusKeeps) {
    // statusStrategy.PrepareForUpdate of these kinds restores only some fields from the live object; the rest of
    // the metadata (annotations, owner references, ...) is written as sent, under the generic update rules.
    o = deepClone(obj);
    for (const path of statusKeeps) {
      const [parent, leaf] = path.length === 1 ? [o as Record<string, unknown>, path[0]!] : [meta(o) as Record<string, unknown>, path[1]!];
      const was = path.length === 1 ? (old as Record<string, unknown>)[leaf] : (oldMeta as Record<string, unknown>)[leaf];
      if (was === undefined) delete parent[leaf];
      else parent[leaf] = deepClone(was);
    }
    const m = meta(o);
    m.name = oldMeta.name;
    if (oldMeta.namespace !== undefined) m.namespace = oldMeta.namespace;
    m.uid = oldMeta.uid;
    m.creationTimestamp = oldMeta.creationTimestamp;
    for (const k of ["deletionTimestamp", "deletionGracePeriodSeconds", "generation"] as const) {
      if (oldMeta[k] === undefined) delete m[k];
      else (m as Record<string, unknown>)[k] = oldMeta[k];
    }
    delete m.selfLink;
    if (m.managedFields === undefined && oldMeta.managedFields) m.managedFields = oldMeta.managedFields;
    o = pruneAndDefault(core, type, version, o, { ...opts, fieldValidation: "Ignore" }, warnings);
    throwIfInvalid(type, m.name ?? "", [...validateObjectMeta(type, meta(o)), ...validateObjectMetaUpdate(meta(o), oldMeta)]);
  } else if (scope.subresource === "status") {
    // Only .status changes through /status; metadata comes from the live object (ResetObjectMetaForStatus).
    o = deepClone(old);
    if (obj.status === undefined) delete o.status;
    else o.status = obj.status;
    const m = meta(o);
    m.managedFields = meta(obj).managedFields ?? oldMeta.managedFields;
    o = pruneAndDefault(core, type, version, o, { ...opts, fieldValidation: "Ignore" }, warnings);
    throwIfInvalid(type, m.name ?? "", schemaCauses(core, type, version, o, old));
  } else {
    o = obj;
    const m = meta(o);
    m.uid ||= oldMeta.uid;
    if (oldMeta.creationTimestamp) m.creationTimestamp = oldMeta.creationTimestamp;
    if (oldMeta.deletionTimestamp) m.deletionTimestamp = oldMeta.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (oldMeta.deletionGracePeriodSeconds !== undefined && m.deletionGracePeriodSeconds === undefined)
      m.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
    if (oldMeta.generation !== undefined) m.generation = oldMeta.generation;
    else delete m.generation;
    delete m.selfLink;
    if (type.status) {
      if (old.status === undefined) delete o.status;
      else o.status = old.status;
    }
    o = pruneAndDefault(core, type, version, o, opts, warnings);
    type.hooks?.prepareForUpdate?.(o, old, core.hookCtx);

    const errs: Array<FieldError | StatusCause> = [...validateObjectMeta(type, meta(o)), ...validateObjectMetaUpdate(meta(o), oldMeta)];
    if (type.hooks?.validate) errs.push(...type.hooks.validate(o, old));
    errs.push(...schemaCauses(core, type, version, o, old));
    throwIfInvalid(type, meta(o).name ?? "", errs);

    if (type.generation && oldMeta.generation !== undefined) {
      const g = type.generation;
      const changed =
        g === "all" ? contentChanged(o, old, []) : g === "all-but-status" ? contentChanged(o, old, ["status"]) : fieldsChanged(o, old, g.fields);
      meta(o).generation = changed ? oldMeta.generation + 1 : oldMeta.generation;
    }
  }

  const manager = fieldManagerFor(opts);
  meta(o).managedFields =
    applied ??
    core.merge.updateManagedFields({
      live: old,
      updated: o,
      manager,
      schema: core.schemaNode(type, version),
      apiVersion: groupVersion(type.group, version),
      subresource: scope.subresource,
      now,
      ignoredPaths: resetFields(type, scope.subresource, old, o),
    });
  if (meta(o).managedFields!.length === 0) delete meta(o).managedFields;

  // A write that changes nothing is not a write: no new resourceVersion, no event.
  if (sameObject(o, old)) return { status: 200, object: old, warnings };

  const m = meta(o);
  const finalizersGone = !m.finalizers || m.finalizers.length === 0;
  if (m.finalizers && m.finalizers.length === 0) delete m.finalizers;
  if (opts.dryRun) return { status: 200, object: o, warnings };
  if (m.deletionTimestamp && finalizersGone && !blockedByNamespaceFinalizers(type, o)) {
    const gone = core.store.delete(type.storageKey, key);
    const last = gone ? core.fromStorage(type, version, gone.object) : o;
    return { status: 200, object: { ...last, metadata: { ...m, resourceVersion: last.metadata?.resourceVersion } } as KubeObject, warnings };
  }
  const entry = core.store.update(type.storageKey, key, core.toStorage(type, o));
  return { status: 200, object: core.fromStorage(type, version, entry.object), warnings, entry };
}

/** A Namespace stays while spec.finalizers (the namespace controller's "kubernetes") is non-empty. */
function blockedByNamespaceFinalizers(type: ResourceType, o: KubeObject): boolean {
  if (!(type.builtin && type.group === "" && type.plural === "namespaces")) return false;
  const f = (o.spec as { finalizers?: string[] } | undefined)?.finalizers;
  return Array.isArray(f) && f.length > 0;
}

/** PUT namespaces/<n>/finalize: the only way to change a Namespace's spec.finalizers. */
function finalizeNamespace(core: Core, scope: Scope, obj: KubeObject, opts: WriteOptions): Result {
  const { type } = scope;
  if (!(type.builtin && type.plural === "namespaces")) throw notFound(gr(type), scope.name!);
  const { key, old } = loadForWrite(core, scope);
  checkResourceVersion(type, scope.name!, meta(obj).resourceVersion, old);
  const o = deepClone(old);
  const fin = (obj.spec as { finalizers?: unknown } | undefined)?.finalizers;
  o.spec = { ...(o.spec as object), finalizers: Array.isArray(fin) ? fin : [] };
  if (sameObject(o, old)) return { status: 200, object: old, warnings: [] };
  if (opts.dryRun) return { status: 200, object: o, warnings: [] };
  const m = meta(o);
  if (m.deletionTimestamp && (!m.finalizers || m.finalizers.length === 0) && !blockedByNamespaceFinalizers(type, o)) {
    const gone = core.store.delete(type.storageKey, key);
    return { status: 200, object: gone ? gone.object : o, warnings: [] };
  }
  const entry = core.store.update(type.storageKey, key, o);
  return { status: 200, object: entry.object, warnings: [] };
}

// ---------------------------------------------------------------------------------------------- patch

function validatePatchOptions(contentType: string, opts: WriteOptions): void {
  const errs: FieldError[] = [];
  const isApply = contentType === PATCH_TYPES.apply;
  if (!isApply && opts.force !== undefined) errs.push(fieldForbidden("force", "may not be specified for non-apply patch"));
  if (isApply && !opts.fieldManager) errs.push(fieldRequired("fieldManager", "is required for apply patch"));
  if (opts.fieldManager && opts.fieldManager.length > 128) errs.push(fieldInvalid("fieldManager", opts.fieldManager, "must be no more than 128 characters"));
  if (errs.length) throw invalid({ group: "meta.k8s.io", kind: "PatchOptions" }, "", errs);
}

const ACCEPTED_PATCH_TYPES_BUILTIN = [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic, PATCH_TYPES.apply];
const ACCEPTED_PATCH_TYPES_CR = [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply];

/**
 * PATCH. `patch` is the parsed body (JSON, or YAML for apply). `contentType` is the media type without
 * parameters.
 */
export function patchObject(core: Core, scope: Scope, contentType: string, patch: unknown, opts: WriteOptions): Result {
  const { type, version } = scope;
  const accepted = type.builtin ? ACCEPTED_PATCH_TYPES_BUILTIN : ACCEPTED_PATCH_TYPES_CR;
  if (!accepted.includes(contentType as (typeof accepted)[number])) throw unsupportedMediaType(accepted);
  validatePatchOptions(contentType, opts);
  if (scope.subresource === "scale") return patchScale(core, scope, contentType, patch, opts);
  if (scope.subresource && scope.subresource !== "status") throw notFound(gr(type), scope.name!);
  const key = objectKey(type.namespaced ? scope.namespace : undefined, scope.name!);
  const entry = core.store.get(type.storageKey, key);
  const isApply = contentType === PATCH_TYPES.apply;

  if (!entry) {
    if (!isApply || scope.subresource) throw notFound(gr(type), scope.name!);
    return applyCreate(core, scope, patch, opts);
  }
  const old = core.fromStorage(type, version, entry.object);
  let patched: KubeObject;
  let applied: ManagedFieldsEntry[] | undefined;
  try {
    switch (contentType) {
      case PATCH_TYPES.json:
        patched = core.merge.applyJsonPatch(old, patch) as KubeObject;
        break;
      case PATCH_TYPES.merge:
        if (!isObject(patch)) throw badRequest("json: cannot unmarshal into Go value of type map[string]interface {}");
        patched = core.merge.jsonMergePatch(old, patch) as KubeObject;
        break;
      case PATCH_TYPES.strategic:
        patched = core.merge.strategicMergePatch(old, patch, core.schemaNode(type, version)) as KubeObject;
        break;
      default: {
        const cfg = checkAppliedConfig(scope, patch);
        requireDeclaredFields(core, scope, cfg);
        const r = core.merge.applyServerSide({
          live: old,
          applied: cfg,
          manager: opts.fieldManager!,
          force: opts.force === true,
          schema: core.schemaNode(type, version),
          apiVersion: groupVersion(type.group, version),
          kind: type.kind,
          subresource: scope.subresource,
          now: new Date(),
          ignoredPaths: resetFields(type, scope.subresource, old, cfg),
        });
        if (r.conflicts) throw applyConflict(r.conflicts, r.message);
        patched = r.object as KubeObject;
        applied = r.managedFields;
      }
    }
  } catch (e) {
    throw toApiError(e) ?? e;
  }
  if (!isObject(patched)) throw badRequest("the patch produced a value that is not an object");
  // The patch algorithms may share subtrees with the live (stored, immutable) object: copy before changing.
  // Server-side apply already returns an object of the caller's own (only its frozen fieldsV1 are shared).
  if (!isApply) patched = deepClone(patched);
  if (patched.apiVersion !== old.apiVersion || patched.kind !== old.kind) {
    if (!isApply) throw badRequest(`the API version in the data (${String(patched.apiVersion)}) does not match the expected API version (${String(old.apiVersion)})`);
  }
  patched.apiVersion = old.apiVersion;
  patched.kind = old.kind;
  const pm = meta(patched);
  // a resourceVersion in the patch is a precondition; the merged result carries the live one otherwise
  checkResourceVersion(type, scope.name!, pm.resourceVersion, old);
  pm.resourceVersion = old.metadata?.resourceVersion;
  return finishUpdate(core, scope, key, old, patched, opts, applied);
}

function checkAppliedConfig(scope: Scope, patch: unknown): KubeObject {
  const { type, version } = scope;
  const cfg = requireObject(patch);
  const want = groupVersion(type.group, version);
  if (cfg.apiVersion !== want || cfg.kind !== type.kind) {
    if (cfg.apiVersion === undefined || cfg.kind === undefined)
      throw badRequest(`invalid object type: ${groupVersion(type.group, version)}, Kind=${String(cfg.kind ?? "")}`);
    throw badRequest(`the API version in the data (${String(cfg.apiVersion)}) does not match the expected API version (${want})`);
  }
  const m = meta(cfg);
  if (m.name !== undefined && m.name !== scope.name) throw badRequest(`the name of the object (${m.name}) does not match the name on the URL (${scope.name})`);
  if (type.namespaced && m.namespace !== undefined && m.namespace !== scope.namespace)
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  return cfg;
}

/** Built-ins only: whether upstream's CR type converter rejects undeclared fields the same way is not verified here. */
function requireDeclaredFields(core: Core, scope: Scope, cfg: KubeObject): void {
  if (!scope.type.builtin) return;
  const schema = builtinOpenAPISchema(scope.type.group, scope.version, scope.type.kind);
  const problems = schema ? undeclaredFields(cfg, schema) : [];
  if (problems.length === 0) return;
  const m = cfg.metadata ?? {};
  throw typedPatchError(typeof m.namespace === "string" ? m.namespace : "", typeof m.name === "string" ? m.name : "", String(cfg.apiVersion), scope.type.kind, problems);
}

/** 409 as upstream's NewApplyConflict words it (fieldmanager/internal/conflict.go). */
function applyConflict(conflicts: Array<{ manager: string; field: string; message?: string }>, upstreamMessage?: string): ApiError {
  const causes = conflicts.map((c) => ({ type: "FieldManagerConflict", field: c.field, message: c.message ?? `conflict with ${JSON.stringify(c.manager)}` }));
  let message: string;
  if (causes.length === 1) message = `Apply failed with 1 conflict: ${causes[0]!.message}: ${causes[0]!.field}`;
  else {
    const byManager = new Map<string, string[]>();
    for (const c of causes) {
      const who = c.message.replace(/^conflict with /, "");
      byManager.set(who, [...(byManager.get(who) ?? []), c.field]);
    }
    const lines: string[] = [];
    for (const who of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${who}:`);
      for (const f of byManager.get(who)!) lines.push(`- ${f}`);
    }
    message = `Apply failed with ${causes.length} conflicts: ${lines.join("\n")}`;
  }
  if (upstreamMessage) message = upstreamMessage;
  return new ApiError(409, "Conflict", message, { causes });
}

/** Apply to a missing object creates it (201). */
function applyCreate(core: Core, scope: Scope, patch: unknown, opts: WriteOptions): Result {
  const { type, version } = scope;
  const cfg = checkAppliedConfig(scope, patch);
  requireDeclaredFields(core, scope, cfg);
  let r;
  try {
    r = core.merge.applyServerSide({
      live: undefined,
      applied: cfg,
      manager: opts.fieldManager!,
      force: opts.force === true,
      schema: core.schemaNode(type, version),
      apiVersion: groupVersion(type.group, version),
      kind: type.kind,
      now: new Date(),
      ignoredPaths: resetFields(type, undefined, undefined, cfg),
    });
  } catch (e) {
    throw toApiError(e) ?? e;
  }
  if (r.conflicts) throw applyConflict(r.conflicts, r.message);
  const obj = r.object as KubeObject; // the caller's own: applyServerSide copies
  obj.apiVersion = groupVersion(type.group, version);
  obj.kind = type.kind;
  const m = meta(obj);
  m.name = scope.name;
  settleNamespace(obj, scope);
  if (m.resourceVersion) throw conflict(gr(type), scope.name!, OBJECT_MODIFIED);
  return finishCreate(core, scope, obj, opts, r.managedFields);
}

// ---------------------------------------------------------------------------------------------- scale

export function scaleOf(type: ResourceType, obj: KubeObject): KubeObject {
  const s = type.scale!;
  const m = obj.metadata ?? {};
  const selectorValue = s.labelSelectorPath ? getPath(obj, s.labelSelectorPath) : undefined;
  const selector = isObject(selectorValue) ? labelSelectorString(selectorValue) : typeof selectorValue === "string" ? selectorValue : "";
  const status: Record<string, unknown> = { replicas: Number(getPath(obj, s.statusReplicasPath) ?? 0) };
  if (selector) status.selector = selector;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: Number(getPath(obj, s.specReplicasPath) ?? 0) },
    status,
  };
}

function updateScale(core: Core, scope: Scope, body: KubeObject, opts: WriteOptions): Result {
  const { type } = scope;
  if (!type.scale) throw notFound(gr(type), scope.name!);
  if (body.kind !== undefined && body.kind !== "Scale") throw badRequest(`Object 'Kind' is ${JSON.stringify(body.kind)} but should be "Scale"`);
  const { key, old } = loadForWrite(core, scope);
  checkResourceVersion(type, scope.name!, body.metadata?.resourceVersion, old);
  const replicas = (body.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0)
    throw invalid({ group: "autoscaling", kind: "Scale" }, scope.name!, [fieldInvalid("spec.replicas", replicas ?? null, "must be greater than or equal to 0")]);
  const o = deepClone(old);
  setPath(o, type.scale.specReplicasPath, replicas);
  const r = finishUpdate(core, { ...scope, subresource: "scale" }, key, old, o, opts, undefined);
  return { ...r, object: scaleOf(type, r.object as KubeObject) };
}

function patchScale(core: Core, scope: Scope, contentType: string, patch: unknown, opts: WriteOptions): Result {
  const { type } = scope;
  if (!type.scale) throw notFound(gr(type), scope.name!);
  const { old } = loadForWrite(core, scope);
  const current = scaleOf(type, old);
  let next: KubeObject;
  try {
    if (contentType === PATCH_TYPES.json) next = core.merge.applyJsonPatch(current, patch) as KubeObject;
    else if (contentType === PATCH_TYPES.apply) next = core.merge.jsonMergePatch(current, patch) as KubeObject;
    else next = core.merge.jsonMergePatch(current, patch) as KubeObject;
  } catch (e) {
    throw toApiError(e) ?? e;
  }
  return updateScale(core, scope, deepClone(next), opts);
}

