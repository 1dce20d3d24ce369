/**
 * The resource types the server knows: built-ins (registered at start) and CRD-backed types (registered and
 * removed at run time). Discovery, routing and the handlers all read from here. A change notifies listeners
 * so discovery and OpenAPI caches can be dropped at once.
 */
import type { FieldError, StatusCause } from "./errors.js";
import type { SchemaNode } from "@flotilla/merge/schema";
import type { Printer } from "./table.js";

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
};

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Array<Record<string, unknown>>;
  managedFields?: ManagedFieldsEntry[];
  [k: string]: unknown;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: "Apply" | "Update";
  apiVersion?: string;
  time?: string;
  fieldsType?: "FieldsV1";
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** Where the scale subresource finds replicas and the selector (CRD `subresources.scale`, or built-in). */
export interface ScaleMapping {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** Context handed to type hooks. */
export interface HookContext {
  /** Allocates cluster IPs and node ports, shared across the server. */
  allocateClusterIP(): string;
  allocateNodePort(): number;
  releaseClusterIP?(ip: string): void;
  now(): Date;
}

/**
 * Per-type behaviour for built-ins (the "strategy" of the upstream generic registry). All hooks receive and
 * return plain objects they own (already copied); they may mutate them.
 */
export interface TypeHooks {
  /** Defaults and server-set fields on create (after status was stripped). */
  prepareForCreate?(obj: KubeObject, ctx: HookContext): void;
  /** Carries over server-owned values on update of the main resource (old is read-only). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: HookContext): void;
  /** Type-specific validation; old is set on update. */
  validate?(obj: KubeObject, old: KubeObject | undefined): Array<FieldError | StatusCause>;
}

/** A CRD version as the server serves it. */
export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  deprecationWarning?: string;
  openAPIV3Schema?: Record<string, unknown>;
  printerColumns: PrinterColumnDef[];
  selectableFields: string[];
  status: boolean;
  scale?: ScaleMapping;
}

export interface PrinterColumnDef {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface ResourceType {
  group: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Served versions, in priority order (the first is the preferred version). */
  versions: string[];
  storageVersion: string;
  /** Store bucket; core/v1 and events.k8s.io/v1 Events share one. */
  storageKey: string;
  /** Has a status subresource. */
  status: boolean;
  scale?: ScaleMapping;
  /**
   * How metadata.generation moves: undefined = not used; "spec" = bumped when the listed top-level fields
   * change (built-ins); "all-but-status" / "all" = CR rules (any change outside metadata[/status]).
   */
  generation?: { fields: string[] } | "all-but-status" | "all";
  builtin: boolean;
  /** Extra field labels beyond metadata.name / metadata.namespace. */
  fieldLabels: Record<string, (obj: KubeObject) => string | undefined>;
  printer?: Printer;
  /** DELETE answers with the object rather than a Status (pods, custom resources). */
  returnDeletedObject: boolean;
  hooks?: TypeHooks;
  /** Name validation: "subdomain" (default), "label" (RFC 1123 label), "dns1035" (Services), "path" (any path segment). */
  nameRule?: "subdomain" | "label" | "dns1035" | "path";
  /** A view of objects stored in another type's shape (events.k8s.io/v1 over core/v1 Events). */
  view?: {
    fromStorage(obj: KubeObject): KubeObject;
    toStorage(obj: KubeObject): KubeObject;
  };
  /** Subresources other than status/scale that exist for discovery/routing (e.g. namespaces/finalize). */
  extraSubresources?: Array<{ name: string; kind: string; verbs: string[] }>;
  /**
   * Create-only "review" resources (SelfSubjectAccessReview...) that are answered, never stored: returns
   * the object's status.
   */
  review?: (obj: KubeObject) => Record<string, unknown>;
  /** Schema for SMP/SSA; resolved lazily. */
  schemaNode?: SchemaNode;
  crd?: {
    name: string;
    versions: Map<string, CrdVersion>;
  };
}

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function gvrString(t: { group: string; plural: string }, version: string): string {
  return `${t.group}/${version}, Resource=${t.plural}`;
}

export type RegistryListener = (change: { type: "added" | "removed" | "updated"; resource: ResourceType }) => void;

export class Registry {
  private byGroupResource = new Map<string, ResourceType>();
  private byGVR = new Map<string, ResourceType>();
  private listeners = new Set<RegistryListener>();
  /** Bumped on every change; caches (discovery, OpenAPI) key on it. */
  generation = 0;

  add(t: ResourceType): void {
    const key = `${t.group}/${t.plural}`;
    const existed = this.byGroupResource.get(key);
    if (existed) this.removeIndexes(existed);
    this.byGroupResource.set(key, t);
    for (const v of t.versions) this.byGVR.set(`${t.group}/${v}/${t.plural}`, t);
    this.generation++;
    for (const l of this.listeners) l({ type: existed ? "updated" : "added", resource: t });
  }

  remove(group: string, plural: string): ResourceType | undefined {
    const t = this.byGroupResource.get(`${group}/${plural}`);
    if (!t) return undefined;
    this.removeIndexes(t);
    this.byGroupResource.delete(`${group}/${plural}`);
    this.generation++;
    for (const l of this.listeners) l({ type: "removed", resource: t });
    return t;
  }

  private removeIndexes(t: ResourceType): void {
    for (const v of t.versions) this.byGVR.delete(`${t.group}/${v}/${t.plural}`);
  }

  /** The type served at group/version/plural, if that version is served. */
  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byGVR.get(`${group}/${version}/${plural}`);
  }

  byResource(group: string, plural: string): ResourceType | undefined {
    return this.byGroupResource.get(`${group}/${plural}`);
  }

  byKind(group: string, kind: string): ResourceType | undefined {
    for (const t of this.byGroupResource.values()) if (t.group === group && t.kind === kind) return t;
    return undefined;
  }

  /** Looks a type up by apiVersion + kind (e.g. for ownerReferences). */
  byApiVersionKind(apiVersion: string, kind: string): ResourceType | undefined {
    const slash = apiVersion.indexOf("/");
    const group = slash < 0 ? "" : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const t = this.byKind(group, kind);
    return t && t.versions.includes(version) ? t : undefined;
  }

  all(): ResourceType[] {
    return [...this.byGroupResource.values()];
  }

  /** All types sharing a store bucket. */
  byStorageKey(key: string): ResourceType[] {
    return this.all().filter((t) => t.storageKey === key);
  }

  onChange(l: RegistryListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Group → versions (priority order), for /apis. Core ("") included. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.byGroupResource.values()) {
      const vs = out.get(t.group) ?? [];
      for (const v of t.versions) if (!vs.includes(v)) vs.push(v);
      out.set(t.group, vs);
    }
    for (const [g, vs] of out) out.set(g, vs.sort(compareKubeVersions));
    return out;
  }
}

/**
 * Orders versions as Kubernetes does for preference: GA > beta > alpha, higher major first, then higher
 * minor; non-kube-like versions last, alphabetically.
 */
export function compareKubeVersions(a: string, b: string): number {
  const pa = parseKubeVersion(a);
  const pb = parseKubeVersion(b);
  if (pa && pb) {
    if (pa.stage !== pb.stage) return pb.stage - pa.stage;
    if (pa.major !== pb.major) return pb.major - pa.major;
    return pb.minor - pa.minor;
  }
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseKubeVersion(v: string): { major: number; stage: number; minor: number } | undefined {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return undefined;
  return { major: Number(m[1]), stage: m[2] === undefined ? 3 : m[2] === "beta" ? 2 : 1, minor: m[3] ? Number(m[3]) : 0 };
}

export type { StatusCause };
