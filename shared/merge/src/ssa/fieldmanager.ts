/**
 * kube-apiserver's field manager (k8s.io/apimachinery/pkg/util/managedfields/internal) around the updater: the
 * `metadata.managedFields` encoding, manager identities (name + operation + apiVersion + subresource), entry times,
 * the `before-first-apply` manager, the cap on Update entries, metadata that is never owned, the 409 conflict
 * text, and kubectl's last-applied-configuration hand-over.
 *
 * The layers mirror `NewDefaultFieldManager`: version check → last-applied updater → last-applied manager →
 * skip-non-applied (before-first-apply) → cap managers → manager identity → managedFields times → strip metadata
 * → structured merge.
 */
import { decodeSharedFieldsV1, encodeSharedFieldsV1, FieldSet } from "./fieldset.js";
import { makePath, pathString } from "./path.js";
import { compareTyped, toFieldSet, TypedValueError, validateKeys } from "./typed.js";
import { applyManagers, ConflictsError, type Conflict, type ManagedFieldSets, updateManagers } from "./updater.js";
import { deepClone, goJson, hasOwn, isObject, type JsonObject, type JsonValue, own, setOwn } from "./value.js";
import { type ListNode, type MapNode, type SchemaNode, scalar, untyped } from "../schema.js";

/** One `metadata.managedFields[]` entry. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: JsonObject;
  subresource?: string;
}

/** One `details.causes[]` entry of the 409 Status (type `FieldManagerConflict`). */
export interface FieldConflict {
  /** The manager's name as recorded in managedFields. */
  manager: string;
  /** The conflicting path, e.g. `.spec.replicas` or `.spec.containers[name="app"].image`. */
  field: string;
  /** e.g. `conflict with "kubectl" using apps/v1`. */
  message: string;
}

export type SsaErrorReason = "BadRequest" | "Unknown";

/**
 * A failed apply or update other than a conflict. `Unknown` is what kube-apiserver answers for errors that are not
 * API statuses (code 500, an empty reason on the wire, kubectl prints "Error from server: <message>").
 */
export class SsaError extends Error {
  readonly code: number;
  constructor(
    readonly reason: SsaErrorReason,
    message: string,
  ) {
    super(message);
    this.name = "SsaError";
    this.code = reason === "BadRequest" ? 400 : 500;
  }
}

export const beforeFirstApplyManager = "before-first-apply";
export const ancientChangesManager = "ancient-changes";
export const maxUpdateManagers = 10;
export const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
const totalAnnotationSizeLimit = 256 * 1024;

// --- schema -------------------------------------------------------------------------------------------------------

const stringMap: MapNode = { type: "map", additional: scalar };
const atomicList: ListNode = { type: "list", items: untyped, listType: "atomic" };

/** metav1.ObjectMeta as SSA sees it; every kind's schema gets it when it does not bring its own. */
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
    ownerReferences: { type: "list", items: { type: "map", mapType: "atomic" }, listType: "map", keys: ["uid"] },
    finalizers: { type: "list", items: scalar, listType: "set" },
    managedFields: atomicList,
  },
};

/** Schemas with ObjectMeta added, one per schema, so that what the walkers keep per schema node is kept across calls. */
const withObjectMetaBySchema = new WeakMap<SchemaNode, SchemaNode>();

function withObjectMeta(schema: SchemaNode): SchemaNode {
  let withMeta = withObjectMetaBySchema.get(schema);
  if (withMeta) return withMeta;
  withMeta = schema;
  if (schema.type === "untyped") {
    withMeta = { type: "map", fields: { apiVersion: scalar, kind: scalar, metadata: objectMetaNode }, additional: untyped };
  } else if (schema.type === "map" && !(schema.fields && hasOwn(schema.fields, "metadata"))) {
    withMeta = { ...schema, fields: { ...schema.fields, metadata: objectMetaNode } };
  }
  withObjectMetaBySchema.set(schema, withMeta);
  return withMeta;
}

/** Never owned by anybody (`stripMetaManager`). */
const strippedFields = FieldSet.of(
  makePath("apiVersion"),
  makePath("kind"),
  makePath("metadata"),
  makePath("metadata", "name"),
  makePath("metadata", "namespace"),
  makePath("metadata", "creationTimestamp"),
  makePath("metadata", "selfLink"),
  makePath("metadata", "uid"),
  makePath("metadata", "clusterName"),
  makePath("metadata", "generation"),
  makePath("metadata", "managedFields"),
  makePath("metadata", "resourceVersion"),
);

// --- managers -----------------------------------------------------------------------------------------------------

interface ManagerInfo {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  subresource?: string;
  /** Only in identifiers written by hand (upstream never puts the time in one); printed in conflicts if present. */
  time?: string;
}

/** `BuildManagerIdentifier`: the entry's JSON without time and fields; appliers are one manager across versions. */
export function managerIdentifier(info: ManagerInfo): string {
  const parts: string[] = [];
  if (info.manager) parts.push(`"manager":${goJson(info.manager)}`);
  if (info.operation) parts.push(`"operation":${goJson(info.operation)}`);
  if (info.apiVersion && info.operation !== "Apply") parts.push(`"apiVersion":${goJson(info.apiVersion)}`);
  if (info.subresource) parts.push(`"subresource":${goJson(info.subresource)}`);
  return "{" + parts.join(",") + "}";
}

function stringField(obj: JsonObject, key: string): string | undefined {
  const v = own(obj, key);
  return typeof v === "string" ? v : undefined;
}

/** Parsed identifiers; the same few managers write every object, and parsing JSON is the costly part of encoding an entry. */
const identifiers = new Map<string, Readonly<ManagerInfo>>();

function parseIdentifier(id: string): Readonly<ManagerInfo> {
  let info = identifiers.get(id);
  if (info === undefined) {
    info = parseIdentifierJson(id);
    if (identifiers.size >= 1000) identifiers.clear();
    identifiers.set(id, info);
  }
  return info;
}

function parseIdentifierJson(id: string): ManagerInfo {
  try {
    const v: unknown = JSON.parse(id);
    if (!isObject(v)) return { manager: id };
    return {
      manager: stringField(v, "manager"),
      operation: stringField(v, "operation"),
      apiVersion: stringField(v, "apiVersion"),
      subresource: stringField(v, "subresource"),
      time: stringField(v, "time"),
    };
  } catch {
    return { manager: id };
  }
}

/** Decoded managedFields: field sets plus the time of each manager's last change. */
interface Managed {
  fields: ManagedFieldSets;
  times: Map<string, string | undefined>;
}

function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() };
}

class DecodeError extends Error {}

/** `DecodeManagedFields`. */
function decodeManaged(entries: unknown): Managed {
  const managed = emptyManaged();
  if (entries === undefined || entries === null) return managed;
  if (!Array.isArray(entries)) throw new DecodeError("managedFields must be a list");
  for (let i = 0; i < entries.length; i++) {
    const e: unknown = entries[i];
    if (!isObject(e)) throw new DecodeError(`managed fields entry ${i} must be an object`);
    const operation = e.operation;
    if (operation !== "Apply" && operation !== "Update") throw new DecodeError("operation must be `Apply` or `Update`");
    if (typeof e.apiVersion !== "string" || e.apiVersion.length < 1) throw new DecodeError("apiVersion must not be empty");
    if (e.fieldsType === undefined || e.fieldsType === "") throw new DecodeError(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== "FieldsV1") throw new DecodeError(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    const info: ManagerInfo = {
      manager: typeof e.manager === "string" ? e.manager : undefined,
      operation,
      apiVersion: e.apiVersion,
      subresource: typeof e.subresource === "string" ? e.subresource : undefined,
    };
    const id = managerIdentifier(info);
    let set: FieldSet;
    try {
      set = decodeSharedFieldsV1(e.fieldsV1 ?? {});
    } catch (err) {
      throw new DecodeError(`error decoding versioned set: ${(err as Error).message}`);
    }
    managed.fields.set(id, { set, apiVersion: e.apiVersion, applied: operation === "Apply" });
    managed.times.set(id, typeof e.time === "string" ? e.time : undefined);
  }
  return managed;
}

function seconds(time: string | undefined): number {
  if (!time) return 0;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function byString(a: string | undefined, b: string | undefined): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `encodeManagedFields`, sorted as upstream: Apply before Update, then by time, manager, apiVersion, subresource. */
function encodeManaged(managed: Managed): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  for (const [id, vs] of managed.fields) {
    const info = parseIdentifier(id);
    const entry: ManagedFieldsEntry = {};
    if (info.manager) entry.manager = info.manager;
    entry.operation = vs.applied ? "Apply" : info.operation;
    entry.apiVersion = vs.apiVersion;
    const time = managed.times.get(id);
    if (time) entry.time = time;
    entry.fieldsType = "FieldsV1";
    entry.fieldsV1 = encodeSharedFieldsV1(vs.set);
    if (info.subresource) entry.subresource = info.subresource;
    entries.push(entry);
  }
  entries.sort(compareEntries);
  return entries;
}

function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  return (
    byString(p.operation, q.operation) ||
    seconds(p.time) - seconds(q.time) ||
    byString(p.manager, q.manager) ||
    byString(p.apiVersion, q.apiVersion) ||
    byString(p.subresource, q.subresource)
  );
}

function printManager(id: string): string {
  const info = parseIdentifier(id);
  let s = JSON.stringify(info.manager ?? "");
  if (info.subresource) s += ` with subresource ${JSON.stringify(info.subresource)}`;
  if (info.operation === "Update") {
    s += ` using ${info.apiVersion ?? ""}`;
    if (info.time) s += ` at ${formatTime(info.time)}`;
  }
  return s;
}

/** `NewConflictError`: the causes and the message of the 409 Status. */
export function describeConflicts(conflicts: Conflict[]): { conflicts: FieldConflict[]; message: string } {
  const causes = conflicts.map((c) => ({
    manager: parseIdentifier(c.manager).manager ?? "",
    field: pathString(c.path),
    message: `conflict with ${printManager(c.manager)}`,
  }));
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return { conflicts: causes, message: `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}` };
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const list = byManager.get(c.manager) ?? [];
    list.push(pathString(c.path));
    byManager.set(c.manager, list);
  }
  const lines: string[] = [];
  for (const id of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(id)}:`);
    for (const p of byManager.get(id)!) lines.push(`- ${p}`);
  }
  return { conflicts: causes, message: `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}` };
}

// --- objects ------------------------------------------------------------------------------------------------------

function metadataOf(obj: JsonObject | undefined): JsonObject | undefined {
  const m = obj ? own(obj, "metadata") : undefined;
  return isObject(m) ? m : undefined;
}

/**
 * The object without `metadata.managedFields`, sharing everything else with `obj`: the walkers never modify their
 * inputs, and results are deep-copied once before they are returned.
 */
function withoutManagedFields(obj: JsonObject): JsonObject {
  const meta = metadataOf(obj);
  if (!meta || !hasOwn(meta, "managedFields")) return obj;
  const metaCopy: JsonObject = {};
  for (const key of Object.keys(meta)) if (key !== "managedFields") setOwn(metaCopy, key, meta[key]!);
  const out: JsonObject = {};
  for (const key of Object.keys(obj)) setOwn(out, key, key === "metadata" ? metaCopy : obj[key]!);
  return out;
}

function setManagedFields(obj: JsonObject, entries: ManagedFieldsEntry[]): void {
  let meta = metadataOf(obj);
  if (entries.length === 0) {
    if (meta) delete meta.managedFields;
    return;
  }
  if (!meta) {
    meta = {};
    setOwn(obj, "metadata", meta);
  }
  meta.managedFields = entries as unknown as JsonValue;
}

function gvkString(obj: JsonObject): string {
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const kind = typeof obj.kind === "string" ? obj.kind : "";
  const slash = apiVersion.indexOf("/");
  const group = slash >= 0 ? apiVersion.slice(0, slash) : "";
  const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
  return `${group}/${version}, Kind=${kind}`;
}

/** `objectGVKNN`: how upstream names an object in these errors. */
function describe(obj: JsonObject): string {
  const meta = metadataOf(obj);
  const ns = typeof meta?.namespace === "string" ? meta.namespace : "";
  const name = typeof meta?.name === "string" ? meta.name : "";
  return `${ns}/${name}; ${gvkString(obj)}`;
}

function emptyObjectLike(obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  if (hasOwn(obj, "apiVersion")) out.apiVersion = obj.apiVersion!;
  if (hasOwn(obj, "kind")) out.kind = obj.kind!;
  return out;
}

function formatTime(now: Date | string): string {
  const d = typeof now === "string" ? new Date(now) : now;
  if (Number.isNaN(d.getTime())) throw new RangeError(`invalid time: ${String(now)}`);
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function ignoredSet(paths: ReadonlyArray<ReadonlyArray<string>> | undefined): FieldSet | undefined {
  if (!paths || paths.length === 0) return undefined;
  return FieldSet.of(...paths.map((p) => makePath(...p)));
}

interface Context {
  schema: SchemaNode;
  apiVersion: string;
  subresource: string | undefined;
  now: string;
  ignored: FieldSet | undefined;
}

function stripMeta(managed: Managed, id: string): void {
  const vs = managed.fields.get(id);
  if (!vs) return;
  const set = vs.set.difference(strippedFields);
  if (set.isEmpty()) managed.fields.delete(id);
  else managed.fields.set(id, { ...vs, set });
}

/**
 * An applier re-applying the same fields gets a new but equal set; keeping the decoded one instead keeps the key
 * order it was read in, so encoding it needs no sort. Called when the previous set is a subset of the new one
 * before stripping; a previous set without stripped paths is then a subset of the stripped new set, and equal to
 * it if it has as many paths.
 */
function keepEqualSet(result: Managed, before: Managed, id: string): void {
  const now = result.fields.get(id);
  const previous = before.fields.get(id);
  if (!now || !previous || now.set === previous.set) return;
  if (!previous.set.intersection(strippedFields).isEmpty() || previous.set.size !== now.set.size) return;
  result.fields.set(id, { ...now, set: previous.set });
}

function typedOrThrow(what: "live" | "patch", obj: JsonObject, ctx: Context, allowDuplicates: boolean): void {
  try {
    validateKeys(ctx.schema, obj, allowDuplicates);
  } catch (e) {
    if (!(e instanceof TypedValueError)) throw e;
    throw new SsaError("Unknown", `failed to create typed ${what} object (${describe(obj)}): ${e.message}`);
  }
}

/** The Update chain below skip-non-applied: cap managers → identity → times → strip metadata → updater. */
function updateChain(live: JsonObject, updated: JsonObject, managed: Managed, manager: string, ctx: Context): Managed {
  const id = managerIdentifier({ manager: manager || "unknown", operation: "Update", apiVersion: ctx.apiVersion, subresource: ctx.subresource });
  const current = "current-operation";
  const fields = updateManagers({
    schema: ctx.schema,
    live,
    updated,
    apiVersion: ctx.apiVersion,
    managers: managed.fields,
    manager: current,
    ignored: ctx.ignored,
  });
  const result: Managed = { fields, times: new Map(managed.times) };
  stripMeta(result, current);
  const vs = result.fields.get(current);
  if (vs) {
    // The write changed something: merge into the manager's previous Update entry and stamp it.
    result.fields.delete(current);
    const previous = result.fields.get(id);
    result.fields.set(id, { set: previous ? vs.set.union(previous.set) : vs.set, apiVersion: vs.apiVersion, applied: vs.applied });
    result.times.set(id, ctx.now);
  }
  capUpdateManagers(result);
  return result;
}

/** `capManagersManager`: beyond ten Update entries, the oldest fold into per-version `ancient-changes` buckets. */
function capUpdateManagers(managed: Managed): void {
  const updaters = [...managed.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= maxUpdateManagers) return;
  updaters.sort((a, b) => seconds(managed.times.get(a)) - seconds(managed.times.get(b)) || (a < b ? -1 : a > b ? 1 : 0));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > maxUpdateManagers; i++) {
    const id = updaters[i]!;
    const vs = managed.fields.get(id);
    if (!vs) continue;
    const time = managed.times.get(id);
    const version = vs.apiVersion;
    const bucket = managerIdentifier({ manager: ancientChangesManager, operation: "Update", apiVersion: version });
    const first = firstByVersion.get(version);
    if (first === undefined) {
      firstByVersion.set(version, id);
      continue;
    }
    if (!managed.fields.has(bucket)) {
      const s = managed.fields.get(first)!;
      managed.fields.delete(first);
      managed.fields.set(bucket, s);
    }
    managed.fields.set(bucket, { set: vs.set.union(managed.fields.get(bucket)!.set), apiVersion: vs.apiVersion, applied: vs.applied });
    managed.fields.delete(id);
    length--;
    managed.times.set(bucket, time);
  }
}

type InnerApply = { object: JsonObject; managed: Managed } | { conflicts: Conflict[] };

/** skip-non-applied → cap → identity → times → strip → updater, for one apply attempt. */
function applyChain(live: JsonObject, applied: JsonObject, managed: Managed, manager: string, force: boolean, ctx: Context): InnerApply {
  typedOrThrow("patch", applied, ctx, false);
  typedOrThrow("live", live, ctx, true);
  if (managed.fields.size === 0) {
    // Nothing tracked yet (an object from before field management): whoever set the existing fields is recorded as
    // `before-first-apply`, so the first applier conflicts with them instead of silently taking them over.
    managed = updateChain(emptyObjectLike(applied), live, managed, beforeFirstApplyManager, ctx);
  }
  const id = managerIdentifier({ manager, operation: "Apply", apiVersion: ctx.apiVersion, subresource: ctx.subresource });
  let outcome;
  try {
    outcome = applyManagers({
      schema: ctx.schema,
      live,
      config: applied,
      apiVersion: ctx.apiVersion,
      managers: managed.fields,
      manager: id,
      force,
      ignored: ctx.ignored,
    });
  } catch (e) {
    if (e instanceof ConflictsError) return { conflicts: e.conflicts };
    throw e;
  }
  const result: Managed = { fields: outcome.managers, times: new Map(managed.times) };
  stripMeta(result, id);
  if (outcome.lastSetKept) keepEqualSet(result, managed, id);
  let object: JsonObject;
  if (outcome.object !== undefined) {
    result.times.set(id, ctx.now);
    object = isObject(outcome.object) ? outcome.object : {};
  } else {
    object = live;
  }
  // The merged object shares unchanged parts with the live object and the request: one copy makes it the caller's.
  return { object: deepClone(object), managed: result };
}

/** Fields of the last-applied annotation whose values the live object still has (`allowedConflictsFromLastApplied`). */
function fieldsFromLastApplied(live: JsonObject, ctx: Context): FieldSet | undefined {
  const annotations = metadataOf(live)?.annotations;
  const lastApplied = isObject(annotations) ? own(annotations, lastAppliedAnnotation) : undefined;
  if (typeof lastApplied !== "string" || lastApplied === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(lastApplied);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || parsed.apiVersion !== ctx.apiVersion) return undefined;
  try {
    validateKeys(ctx.schema, parsed, false);
    validateKeys(ctx.schema, live, false);
  } catch {
    return undefined;
  }
  const set = toFieldSet(ctx.schema, parsed);
  const c = compareTyped(ctx.schema, parsed, live);
  return set.difference(c.modified).difference(c.added).difference(c.removed);
}

/** `buildLastApplied` + `SetLastApplied`: the applied object as kubectl writes it, dropped when too large. */
function syncLastApplied(object: JsonObject, applied: JsonObject): void {
  const copy = deepClone(applied);
  const copyMeta = metadataOf(copy);
  const copyAnnotations = copyMeta ? own(copyMeta, "annotations") : undefined;
  if (isObject(copyAnnotations)) delete copyAnnotations[lastAppliedAnnotation];
  const value = goJson(copy) + "\n";
  let meta = metadataOf(object);
  if (!meta) {
    meta = {};
    setOwn(object, "metadata", meta);
  }
  let annotations = own(meta, "annotations");
  if (!isObject(annotations)) {
    annotations = {};
    setOwn(meta, "annotations", annotations);
  }
  setOwn(annotations, lastAppliedAnnotation, value);
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) size += Buffer.byteLength(k) + Buffer.byteLength(typeof v === "string" ? v : "");
  if (size > totalAnnotationSizeLimit) delete annotations[lastAppliedAnnotation];
}

function hasLastApplied(obj: JsonObject): boolean {
  const annotations = metadataOf(obj)?.annotations;
  const v = isObject(annotations) ? own(annotations, lastAppliedAnnotation) : undefined;
  return typeof v === "string" && v.length > 0;
}

// --- public API ---------------------------------------------------------------------------------------------------

export interface ApplyOptions {
  /** The stored object including `metadata.managedFields`; undefined when the apply creates it. */
  live: JsonObject | undefined;
  /** The apply configuration (the request body). */
  applied: JsonObject;
  /** `?fieldManager=`. */
  manager: string;
  /** `?force=true`. */
  force?: boolean;
  /** The kind's schema; ObjectMeta is added when the schema has no `metadata` field. */
  schema: SchemaNode;
  /** The endpoint's group/version, e.g. `apps/v1`. */
  apiVersion: string;
  /** The endpoint's kind; when given, a body of another kind or version is a 400 as upstream's version check. */
  kind?: string;
  /** `status`, `scale`, ... when the request went to a subresource. */
  subresource?: string;
  now: Date | string;
  /**
   * Paths the strategy resets and nobody may own (`GetResetFields`), as lists of field names: `[["status"]]` for
   * the main resource of a kind with a status subresource, `[["spec"]]` (and more) for its status subresource.
   */
  ignoredPaths?: ReadonlyArray<ReadonlyArray<string>>;
}

export type ApplyResult =
  | { object: JsonObject; managedFields: ManagedFieldsEntry[] }
  | { conflicts: FieldConflict[]; message: string };

/**
 * Server-side apply (`FieldManager.Apply`). Returns the object to store with its new `metadata.managedFields`
 * (also returned separately), or the conflicts for a 409 Status (reason Conflict, causes of type
 * FieldManagerConflict, and `message` as its message). Throws SsaError for bad requests and typing failures.
 *
 * The object is the caller's own (nothing in it is shared with `live` or `applied`), except the `fieldsV1` objects of
 * its managedFields: those are deeply frozen and may be the very objects `live` carried, and passing them back
 * unchanged in the next write's live object is what makes that write cheap (see fieldset.ts).
 */
export function applyServerSide(options: ApplyOptions): ApplyResult {
  const { applied, manager } = options;
  if (!isObject(applied)) throw new SsaError("BadRequest", "apply configuration must be an object");
  if (options.kind !== undefined && (applied.apiVersion !== options.apiVersion || applied.kind !== options.kind)) {
    throw new SsaError("BadRequest", `invalid object type: ${gvkString(applied)}`);
  }
  if (applied.apiVersion !== options.apiVersion) {
    const patchVersion = typeof applied.apiVersion === "string" ? applied.apiVersion : "";
    throw new SsaError(
      "BadRequest",
      `Incorrect version specified in apply patch. Specified patch version: ${patchVersion}, expected: ${options.apiVersion}`,
    );
  }
  const appliedMeta = metadataOf(applied);
  if (appliedMeta && own(appliedMeta, "managedFields") !== undefined && appliedMeta.managedFields !== null) {
    throw new SsaError("BadRequest", "metadata.managedFields must be nil");
  }
  const ctx: Context = {
    schema: withObjectMeta(options.schema),
    apiVersion: options.apiVersion,
    subresource: options.subresource || undefined,
    now: formatTime(options.now),
    ignored: ignoredSet(options.ignoredPaths),
  };
  const liveWithFields = options.live ?? emptyObjectLike(applied);
  let managed: Managed;
  try {
    managed = decodeManaged(metadataOf(liveWithFields)?.managedFields);
  } catch (e) {
    throw new SsaError("Unknown", `failed to decode managed fields: ${(e as Error).message}`);
  }
  const live = withoutManagedFields(liveWithFields);
  const appliedClean = applied;

  let result = applyChain(live, appliedClean, managed, manager, options.force ?? false, ctx);
  if ("conflicts" in result && manager === "kubectl") {
    // Upgrading from client-side apply: conflicts on fields kubectl itself last applied (per the annotation, and
    // still holding those values) are not conflicts; the apply is forced if nothing else conflicts.
    const allowed = fieldsFromLastApplied(liveWithFields, ctx);
    if (allowed) {
      const remaining = result.conflicts.filter((c) => !allowed.has(c.path));
      result = remaining.length === 0 ? applyChain(live, appliedClean, managed, manager, true, ctx) : { conflicts: remaining };
    }
  }
  if ("conflicts" in result) return describeConflicts(result.conflicts);

  const object = result.object;
  if (manager === "kubectl" && hasLastApplied(object)) syncLastApplied(object, applied);
  const managedFields = encodeManaged(result.managed);
  setManagedFields(object, managedFields);
  return { object, managedFields };
}

export interface UpdateOptions {
  /** The stored object before the write (with its managedFields); undefined on create. */
  live: JsonObject | undefined;
  /** The object about to be stored (after the PUT body or the patch was applied). */
  updated: JsonObject;
  /** `?fieldManager=`, or the client's user agent as the API server derives it. */
  manager: string;
  schema: SchemaNode;
  apiVersion: string;
  subresource?: string;
  now: Date | string;
  ignoredPaths?: ReadonlyArray<ReadonlyArray<string>>;
}

/**
 * Field management for a non-apply write (`FieldManager.UpdateNoErrors`): the manager gets (operation Update) the
 * fields the write added or changed, other managers lose them. A request may replace managedFields outright, or
 * reset them with `[]` / `[{}]`. An existing object without managedFields stays untracked until its first apply.
 * Never throws for objects the schema cannot type: the live managedFields are kept then, as upstream does.
 */
export function updateManagedFields(options: UpdateOptions): { object: JsonObject; managedFields: ManagedFieldsEntry[] } {
  const managedFields = managedFieldsAfterUpdate(options);
  const object = deepClone(withoutManagedFields(options.updated));
  setManagedFields(object, managedFields);
  return { object, managedFields };
}

/**
 * `updateManagedFields` without the object: only the new `metadata.managedFields` (empty for none), for callers
 * that store `updated` themselves and need no copy of it.
 */
export function managedFieldsAfterUpdate(options: UpdateOptions): ManagedFieldsEntry[] {
  const ctx: Context = {
    schema: withObjectMeta(options.schema),
    apiVersion: options.apiVersion,
    subresource: options.subresource || undefined,
    now: formatTime(options.now),
    ignored: ignoredSet(options.ignoredPaths),
  };
  const liveWithFields = options.live ?? emptyObjectLike(options.updated);
  const liveEntries = metadataOf(liveWithFields)?.managedFields;
  const updated = withoutManagedFields(options.updated);

  let managed: Managed;
  const requestMeta = metadataOf(options.updated);
  const requested = requestMeta ? own(requestMeta, "managedFields") : undefined;
  if (ctx.subresource) {
    managed = decodeOrEmpty(liveEntries);
  } else if (isResetManagedFields(requested)) {
    managed = emptyManaged();
  } else {
    let fromRequest: Managed | undefined;
    try {
      fromRequest = decodeManaged(requested);
    } catch {
      fromRequest = undefined;
    }
    managed = fromRequest && fromRequest.fields.size > 0 ? fromRequest : decodeOrEmpty(liveEntries);
  }

  const uid = metadataOf(options.live)?.uid;
  const creating = options.live === undefined || typeof uid !== "string" || uid === "";
  if (managed.fields.size === 0 && !creating) return [];
  const live = withoutManagedFields(liveWithFields);
  let result: Managed;
  try {
    validateKeys(ctx.schema, updated, true);
    validateKeys(ctx.schema, live, true);
    result = updateChain(live, updated, managed, options.manager, ctx);
  } catch (e) {
    if (!(e instanceof TypedValueError)) throw e;
    return Array.isArray(liveEntries) ? (deepClone(liveEntries as JsonValue) as unknown as ManagedFieldsEntry[]) : [];
  }
  return encodeManaged(result);
}

function decodeOrEmpty(entries: unknown): Managed {
  try {
    return decodeManaged(entries);
  } catch {
    return emptyManaged();
  }
}

function isResetManagedFields(v: JsonValue | undefined): boolean {
  if (!Array.isArray(v)) return false;
  if (v.length === 0) return true;
  // `[{}]`: one entry equal to the zero ManagedFieldsEntry (absent, null and "" are all zero values).
  return v.length === 1 && isObject(v[0]) && Object.values(v[0]).every((x) => x === null || x === "");
}

/** The fields a value sets under a schema (`ToFieldSet`), e.g. to compare an applier's ownership with a config. */
export function fieldSetOf(obj: JsonValue, schema: SchemaNode): FieldSet {
  const s = isObject(obj) ? withObjectMeta(schema) : schema;
  return toFieldSet(s, obj);
}
