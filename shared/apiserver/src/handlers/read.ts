/** get and list: selectors, field labels, limit/continue. */
import { badRequest, expired, notFound } from "../errors.js";
import type { Core } from "../core.js";
import type { KubeObject, ResourceType } from "../registry.js";
import { type FieldSelector, type LabelSelector, fieldsMatch, parseSelectors } from "../selectors.js";
import { type StoredEntry, objectKey } from "../store.js";
import { compileJsonPath } from "../jsonpath.js";
import { scaleOf } from "./write.js";
import type { Scope } from "./types.js";

const gr = (t: ResourceType) => ({ group: t.group, resource: t.plural });

export function getObject(core: Core, scope: Scope): KubeObject {
  const { type, version } = scope;
  const entry = core.store.get(type.storageKey, objectKey(type.namespaced ? scope.namespace : undefined, scope.name!));
  if (!entry) throw notFound(gr(type), scope.name!);
  const obj = core.fromStorage(type, version, entry.object);
  if (scope.subresource === "scale") {
    if (!type.scale) throw notFound(gr(type), scope.name!);
    return scaleOf(type, obj);
  }
  if (scope.subresource && scope.subresource !== "status") throw notFound(gr(type), scope.name!);
  return obj;
}

/** The raw stored entry (for callers that can reuse its cached encoding). */
export function getEntry(core: Core, scope: Scope): StoredEntry {
  const { type } = scope;
  const entry = core.store.get(type.storageKey, objectKey(type.namespaced ? scope.namespace : undefined, scope.name!));
  if (!entry) throw notFound(gr(type), scope.name!);
  return entry;
}

/** A field accessor for an object of `type`: metadata.name, metadata.namespace and the type's field labels. */
export function fieldGetter(type: ResourceType, obj: KubeObject): (f: string) => string | undefined {
  return (f) => {
    if (f === "metadata.name") return obj.metadata?.name;
    if (f === "metadata.namespace") return type.namespaced ? obj.metadata?.namespace : "";
    const fn = type.fieldLabels[f];
    return fn ? fn(obj) : undefined;
  };
}

export interface Filter {
  labels: LabelSelector;
  fields: FieldSelector;
  /** Does the stored object match namespace, labels and fields? */
  matches(obj: KubeObject): boolean;
}

/** Parses and checks selectors; unsupported field labels are a 400 as upstream words it. */
export function buildFilter(type: ResourceType, _version: string, namespace: string | undefined, query: URLSearchParams): Filter {
  const { labels, fields } = parseSelectors(query);
  for (const r of fields.requirements) {
    if (r.field === "metadata.name" || r.field === "metadata.namespace" || type.fieldLabels[r.field]) continue;
    // kubectl adds the 'Unable to find "<gvr>" that match label selector ...' prefix itself
    throw badRequest(`field label not supported: ${r.field}`);
  }
  const ns = type.namespaced ? namespace : undefined;
  return {
    labels,
    fields,
    matches(obj) {
      if (ns && obj.metadata?.namespace !== ns) return false;
      if (!labels.empty && !labels.matches(obj.metadata?.labels)) return false;
      if (!fields.empty && !fieldsMatch(fields, fieldGetter(type, obj))) return false;
      return true;
    },
  };
}

/** CRD selectableFields become field labels evaluated by JSONPath. */
export function selectableFieldLabels(paths: string[]): Record<string, (o: KubeObject) => string | undefined> {
  const out: Record<string, (o: KubeObject) => string | undefined> = {};
  for (const p of paths) {
    const fn = compileJsonPath(p);
    out[p.replace(/^\./, "")] = (o) => {
      const v = fn(o)[0];
      return v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v);
    };
  }
  return out;
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start } satisfies ContinueToken)).toString("base64");
}

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as ContinueToken;
    if (t.v !== "meta.k8s.io/v1" || typeof t.rv !== "number" || typeof t.start !== "string") throw new Error("bad token");
    return t;
  } catch {
    throw badRequest("continue key is not valid: invalid continue token");
  }
}

export interface ListResult {
  entries: StoredEntry[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export function listObjects(core: Core, scope: Scope, query: URLSearchParams): ListResult {
  const { type, version } = scope;
  const filter = buildFilter(type, version, scope.namespace, query);
  const limitParam = query.get("limit");
  const limit = limitParam ? Number.parseInt(limitParam, 10) : 0;
  if (limitParam && (!Number.isFinite(limit) || limit < 0)) throw badRequest(`invalid limit: ${limitParam}`);
  const cont = query.get("continue");
  let listRV = core.store.rv;
  let startAfter: string | undefined;
  if (cont) {
    const tok = decodeContinue(cont);
    if (tok.rv < core.store.horizon(type.storageKey))
      throw expired(
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
      );
    listRV = tok.rv;
    startAfter = tok.start;
  }
  const ns = type.namespaced ? scope.namespace : undefined;
  const all = core.store.list(type.storageKey, ns);
  const out: StoredEntry[] = [];
  let i = 0;
  if (startAfter !== undefined) {
    // binary search past the last returned key
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid]!.key <= startAfter) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
  }
  let more = false;
  for (; i < all.length; i++) {
    const e = all[i]!;
    if (!filter.matches(e.object)) continue;
    if (limit > 0 && out.length >= limit) {
      more = true;
      break;
    }
    out.push(e);
  }
  const result: ListResult = { entries: out, resourceVersion: String(listRV) };
  if (more) {
    result.continue = encodeContinue(listRV, out[out.length - 1]!.key);
    if (filter.labels.empty && filter.fields.empty) result.remainingItemCount = all.length - i;
  }
  return result;
}
