/**
 * delete and deletecollection: preconditions, finalizers and deletionTimestamp, propagation policy
 * (recorded as the orphan / foregroundDeletion finalizers, which the garbage collector acts on), the
 * Namespace Terminating phase and the CRD cleanup finalizer.
 */
import { badRequest, conflict, fieldInvalid, fieldNotSupported, invalid, notFound, successStatus, type FieldError } from "../errors.js";
import type { Core } from "../core.js";
import { type KubeObject, type ResourceType, groupVersion } from "../registry.js";
import { objectKey } from "../store.js";
import { deepClone, isObject, rfc3339 } from "../util.js";
import { buildFilter } from "./read.js";
import type { Result, Scope } from "./types.js";

export const ORPHAN_FINALIZER = "orphan";
export const FOREGROUND_FINALIZER = "foregroundDeletion";
export const CRD_CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

export interface DeleteOptions {
  dryRun: boolean;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

const gr = (t: ResourceType) => ({ group: t.group, resource: t.plural });

/** Reads DeleteOptions from the query and/or a DeleteOptions body (the body wins, as upstream). */
export function parseDeleteOptions(query: URLSearchParams, body: unknown): DeleteOptions {
  const opts: DeleteOptions = { dryRun: false };
  const dry = query.getAll("dryRun");
  const pp = query.get("propagationPolicy");
  if (pp) opts.propagationPolicy = pp;
  const od = query.get("orphanDependents");
  if (od !== null) opts.orphanDependents = od === "true";
  const gp = query.get("gracePeriodSeconds");
  if (gp !== null) opts.gracePeriodSeconds = Number(gp);
  if (isObject(body)) {
    if (typeof body.propagationPolicy === "string") opts.propagationPolicy = body.propagationPolicy;
    if (typeof body.orphanDependents === "boolean") opts.orphanDependents = body.orphanDependents;
    if (typeof body.gracePeriodSeconds === "number") opts.gracePeriodSeconds = body.gracePeriodSeconds;
    if (isObject(body.preconditions)) opts.preconditions = body.preconditions as DeleteOptions["preconditions"];
    if (Array.isArray(body.dryRun)) dry.push(...(body.dryRun as string[]));
  }
  const errs: FieldError[] = [];
  for (const d of dry) if (d !== "All") errs.push(fieldNotSupported("dryRun", d, ["All"]));
  opts.dryRun = dry.includes("All");
  if (opts.propagationPolicy && !["Orphan", "Background", "Foreground"].includes(opts.propagationPolicy))
    errs.push(fieldNotSupported("propagationPolicy", opts.propagationPolicy, ["Foreground", "Background", "Orphan", "nil"]));
  if (opts.propagationPolicy && opts.orphanDependents !== undefined)
    errs.push(fieldInvalid("orphanDependents", opts.orphanDependents, "orphanDependents and deletionPropagation cannot be both set"));
  if (errs.length) throw invalid({ group: "meta.k8s.io", kind: "DeleteOptions" }, "", errs);
  return opts;
}

function isNamespace(t: ResourceType): boolean {
  return t.builtin && t.group === "" && t.plural === "namespaces";
}

function isCRD(t: ResourceType): boolean {
  return t.builtin && t.group === "apiextensions.k8s.io" && t.plural === "customresourcedefinitions";
}

export function deleteObject(core: Core, scope: Scope, opts: DeleteOptions): Result {
  const { type, version } = scope;
  if (scope.subresource) throw notFound(gr(type), scope.name!);
  const key = objectKey(type.namespaced ? scope.namespace : undefined, scope.name!);
  const entry = core.store.get(type.storageKey, key);
  if (!entry) throw notFound(gr(type), scope.name!);
  return deleteEntry(core, type, version, key, entry.object, opts);
}

/** Deletes one stored object (shared with deletecollection and in-server controllers). */
export function deleteEntry(core: Core, type: ResourceType, version: string, key: string, stored: KubeObject, opts: DeleteOptions): Result {
  const m = stored.metadata ?? {};
  const name = m.name ?? "";
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== m.uid) throw conflict(gr(type), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${m.uid}`);
  if (pre?.resourceVersion && pre.resourceVersion !== m.resourceVersion)
    throw conflict(gr(type), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${m.resourceVersion}`);

  const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? "Orphan" : opts.orphanDependents === false ? "Foreground" : undefined);
  const finalizers = [...(m.finalizers ?? [])];
  const addFinalizer = (f: string) => {
    if (!finalizers.includes(f)) finalizers.push(f);
  };
  const dropFinalizer = (f: string) => {
    const i = finalizers.indexOf(f);
    if (i >= 0) finalizers.splice(i, 1);
  };
  if (policy === "Orphan") {
    addFinalizer(ORPHAN_FINALIZER);
    dropFinalizer(FOREGROUND_FINALIZER);
  } else if (policy === "Foreground") {
    addFinalizer(FOREGROUND_FINALIZER);
    dropFinalizer(ORPHAN_FINALIZER);
  } else if (policy === "Background" && m.deletionTimestamp) {
    dropFinalizer(ORPHAN_FINALIZER);
    dropFinalizer(FOREGROUND_FINALIZER);
  }
  if (isCRD(type)) addFinalizer(CRD_CLEANUP_FINALIZER);
  const nsFinalizers = isNamespace(type) ? ((stored.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
  const view = (o: KubeObject) => core.fromStorage(type, version, o);
  const accepted = !policy ? 200 : opts.orphanDependents === false ? 202 : 200;

  if (finalizers.length > 0 || nsFinalizers.length > 0) {
    // Graceful: mark for deletion; the object goes when its finalizers are removed.
    if (m.deletionTimestamp && sameList(finalizers, m.finalizers ?? [])) return { status: accepted, object: view(stored), warnings: [] };
    const o = deepClone(stored);
    const om = o.metadata!;
    if (!om.deletionTimestamp) {
      om.deletionTimestamp = rfc3339(new Date());
      om.deletionGracePeriodSeconds = 0;
      if (typeof om.generation === "number" && om.generation > 0) om.generation++;
      if (isNamespace(type)) o.status = { ...(isObject(o.status) ? o.status : {}), phase: "Terminating" };
      if (isCRD(type)) markCrdTerminating(o);
    }
    if (finalizers.length) om.finalizers = finalizers;
    else delete om.finalizers;
    if (opts.dryRun) return { status: accepted, object: view(o), warnings: [] };
    const entry = core.store.update(type.storageKey, key, o);
    return { status: accepted, object: view(entry.object), warnings: [] };
  }
  if (opts.dryRun) return { status: 200, object: type.returnDeletedObject ? view(stored) : deletedStatus(type, stored), warnings: [] };
  const gone = core.store.delete(type.storageKey, key)!;
  return { status: 200, object: type.returnDeletedObject ? view(gone.object) : deletedStatus(type, gone.object), warnings: [] };
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function deletedStatus(type: ResourceType, obj: KubeObject): ReturnType<typeof successStatus> {
  return successStatus({ name: obj.metadata?.name, group: type.group || undefined, kind: type.plural, uid: obj.metadata?.uid });
}

function markCrdTerminating(o: KubeObject): void {
  const st = (isObject(o.status) ? o.status : {}) as { conditions?: Array<Record<string, unknown>> };
  const conds = (st.conditions ?? []).filter((c) => c.type !== "Terminating");
  conds.push({
    type: "Terminating",
    status: "True",
    lastTransitionTime: rfc3339(new Date()),
    reason: "InstanceDeletionPending",
    message: "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
  });
  o.status = { ...st, conditions: conds };
}

export function deleteCollection(core: Core, scope: Scope, query: URLSearchParams, opts: DeleteOptions): Result {
  const { type, version } = scope;
  if (!type.verbs.includes("deletecollection")) throw badRequest("the server does not allow this method on the requested resource");
  const filter = buildFilter(type, version, scope.namespace, query);
  const items: KubeObject[] = [];
  for (const e of core.store.list(type.storageKey, type.namespaced ? scope.namespace : undefined)) {
    if (!filter.matches(e.object)) continue;
    const r = deleteEntry(core, type, version, e.key, e.object, opts);
    if (r.object.kind !== "Status") items.push(r.object as KubeObject);
    else items.push(core.fromStorage(type, version, e.object));
  }
  return {
    status: 200,
    object: { apiVersion: groupVersion(type.group, version), kind: type.listKind, metadata: { resourceVersion: String(core.store.rv) }, items } as KubeObject,
    warnings: [],
  };
}
