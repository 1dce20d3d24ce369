/**
 * CustomResourceDefinitions: the CRD type's own rules (validation, status on write) and the in-server
 * controller that turns stored CRDs into served resource types at once, and that cleans up a deleted CRD's
 * objects before letting the CRD go (the customresourcecleanup finalizer).
 */
import type { Core } from "./core.js";
import { type CrdVersion, type KubeObject, type PrinterColumnDef, type ResourceType, type TypeHooks, compareKubeVersions } from "./registry.js";
import type { StoreEvent } from "./store.js";
import { type Printer, crdPrinter } from "./table.js";
import { selectableFieldLabels } from "./handlers/read.js";
import { CRD_CLEANUP_FINALIZER, deleteEntry } from "./handlers/delete.js";
import { deepClone, deepEqual, isObject, rfc3339 } from "./util.js";
import type { Controller, ControllerContext } from "./controllers.js";

export const CRD_BUCKET = "apiextensions.k8s.io/customresourcedefinitions";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const printers = new WeakMap<ResourceType, Map<string, Printer>>();

/** The printer of a CRD version (its additionalPrinterColumns). */
export function crdVersionPrinter(type: ResourceType, version: string): Printer | undefined {
  if (!type.crd) return undefined;
  let m = printers.get(type);
  if (!m) {
    m = new Map();
    printers.set(type, m);
  }
  let p = m.get(version);
  if (!p) {
    p = crdPrinter(type.crd.versions.get(version)?.printerColumns ?? []);
    m.set(version, p);
  }
  return p;
}

function defaultCrdSpec(core: Core, o: KubeObject): void {
  const d = core.crd.defaultCustomResourceDefinition(o) as KubeObject;
  o.spec = d.spec;
}

function crdStatus(o: KubeObject, old: KubeObject | undefined): Obj {
  const spec = (o.spec ?? {}) as Obj;
  const prev = (old?.status ?? {}) as Obj;
  const now = rfc3339(new Date());
  const keep = (type: string) => ((prev.conditions ?? []) as Obj[]).find((c) => c.type === type && c.status === "True");
  const storage = ((spec.versions ?? []) as Obj[]).find((v) => v.storage)?.name;
  const stored: string[] = [...((prev.storedVersions ?? []) as string[])];
  if (storage && !stored.includes(storage)) stored.push(storage);
  const conditions: Obj[] = [
    keep("NamesAccepted") ?? { type: "NamesAccepted", status: "True", lastTransitionTime: now, reason: "NoConflicts", message: "no conflicts found" },
    keep("Established") ?? { type: "Established", status: "True", lastTransitionTime: now, reason: "InitialNamesAccepted", message: "the initial names have been accepted" },
  ];
  const term = ((prev.conditions ?? []) as Obj[]).find((c) => c.type === "Terminating");
  if (term) conditions.push(term);
  return { acceptedNames: deepClone(spec.names ?? {}), conditions, storedVersions: stored };
}

/** Hooks for the CustomResourceDefinition type itself. */
export function crdHooks(core: () => Core): TypeHooks {
  return {
    prepareForCreate(o) {
      defaultCrdSpec(core(), o);
      o.status = crdStatus(o, undefined);
    },
    prepareForUpdate(o, old) {
      defaultCrdSpec(core(), o);
      o.status = crdStatus(o, old);
    },
    validate: (o, old) => core().crd.validateCustomResourceDefinition(o, old),
  };
}

/** Builds the served type of a CRD (undefined when it serves no version). */
export function typeFromCrd(crd: KubeObject): ResourceType | undefined {
  const spec = (crd.spec ?? {}) as Obj;
  const names = (spec.names ?? {}) as Obj;
  const versions = new Map<string, CrdVersion>();
  for (const v of (spec.versions ?? []) as Obj[]) {
    if (!v.served) continue;
    const cols: PrinterColumnDef[] = (v.additionalPrinterColumns ?? []).map((c: Obj) => ({
      name: c.name,
      type: c.type,
      format: c.format,
      description: c.description,
      priority: c.priority ?? 0,
      jsonPath: c.jsonPath,
    }));
    const scale = v.subresources?.scale;
    versions.set(v.name, {
      name: v.name,
      served: true,
      storage: v.storage === true,
      deprecated: v.deprecated === true,
      deprecationWarning: v.deprecationWarning,
      openAPIV3Schema: v.schema?.openAPIV3Schema,
      printerColumns: cols,
      selectableFields: ((v.selectableFields ?? []) as Obj[]).map((f) => f.jsonPath),
      status: isObject(v.subresources?.status),
      scale: isObject(scale)
        ? { specReplicasPath: String(scale.specReplicasPath), statusReplicasPath: String(scale.statusReplicasPath), labelSelectorPath: typeof scale.labelSelectorPath === "string" ? scale.labelSelectorPath : undefined }
        : undefined,
    });
  }
  if (versions.size === 0) return undefined;
  const storageVersion = ((spec.versions ?? []) as Obj[]).find((v) => v.storage)?.name ?? [...versions.keys()][0]!;
  const storageCv = versions.get(storageVersion);
  const anyStatus = [...versions.values()].some((v) => v.status);
  const group = String(spec.group);
  const plural = String(names.plural);
  return {
    group,
    kind: String(names.kind),
    listKind: names.listKind ?? `${names.kind}List`,
    plural,
    singular: names.singular ?? String(names.kind).toLowerCase(),
    namespaced: spec.scope !== "Cluster",
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    verbs: ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
    versions: [...versions.keys()].sort(compareKubeVersions),
    storageVersion,
    storageKey: `${group}/${plural}`,
    status: anyStatus,
    scale: storageCv?.scale ?? [...versions.values()].find((v) => v.scale)?.scale,
    generation: anyStatus ? "all-but-status" : "all",
    builtin: false,
    fieldLabels: selectableFieldLabels(storageCv?.selectableFields ?? []),
    returnDeletedObject: true,
    crd: { name: crd.metadata?.name ?? "", versions },
  };
}

function schemaChanged(a: ResourceType, b: ResourceType): boolean {
  const schemas = (t: ResourceType) => [...(t.crd?.versions.values() ?? [])].map((v) => [v.name, v.openAPIV3Schema]);
  return !deepEqual(schemas(a), schemas(b));
}

/** Keeps the registry in step with stored CRDs and runs the cleanup finalizer. */
export class CrdController implements Controller {
  readonly name = "crd-registration";
  private unsubscribe?: () => void;
  private core!: Core;

  start(ctx: ControllerContext): void {
    this.core = ctx.core;
    for (const e of ctx.core.store.list(CRD_BUCKET)) this.register(e.object);
    this.unsubscribe = ctx.core.store.subscribeAll((ev) => this.onEvent(ev));
  }

  stop(): void {
    this.unsubscribe?.();
  }

  private register(crd: KubeObject): void {
    const t = typeFromCrd(crd);
    const spec = (crd.spec ?? {}) as Obj;
    if (!t) {
      this.core.registry.remove(String(spec.group), String(spec.names?.plural));
      return;
    }
    const existing = this.core.registry.byResource(t.group, t.plural);
    if (existing && existing.builtin) return;
    this.core.registry.add(t);
    if (!existing || schemaChanged(existing, t)) this.applyDefaultsToStored(t);
    if (crd.metadata?.deletionTimestamp) queueMicrotask(() => this.cleanup(crd.metadata!.name!));
  }

  /**
   * Schema defaults apply when objects are read, not only when written (upstream defaults on decoding from
   * etcd): after a CRD gains defaults, stored objects show them at once, with the same resourceVersion and
   * no watch event. Done once per schema change rather than on every read.
   */
  private applyDefaultsToStored(t: ResourceType): void {
    const compiled = this.core.compiledSchema(t, t.storageVersion);
    if (!compiled) return;
    for (const e of this.core.store.list(t.storageKey)) {
      const defaulted = compiled.applyDefaults(deepClone(e.object)) as KubeObject;
      if (!deepEqual(defaulted, e.object)) this.core.store.restore(t.storageKey, e.key, defaulted);
    }
  }

  private onEvent(ev: StoreEvent): void {
    if (ev.bucket === CRD_BUCKET) {
      if (ev.type === "DELETED") {
        const spec = (ev.object.spec ?? {}) as Obj;
        const group = String(spec.group);
        const plural = String(spec.names?.plural);
        const existing = this.core.registry.byResource(group, plural);
        if (existing && !existing.builtin) {
          this.core.registry.remove(group, plural);
          this.core.store.dropBucket(`${group}/${plural}`);
        }
      } else this.register(ev.object);
      return;
    }
    if (ev.type === "DELETED") {
      const t = this.crdTypeForBucket(ev.bucket);
      if (t?.crd) {
        const crd = this.core.store.get(CRD_BUCKET, t.crd.name);
        if (crd?.object.metadata?.deletionTimestamp) queueMicrotask(() => this.cleanup(t.crd!.name));
      }
    }
  }

  private crdTypeForBucket(bucket: string): ResourceType | undefined {
    const slash = bucket.lastIndexOf("/");
    const t = this.core.registry.byResource(bucket.slice(0, slash), bucket.slice(slash + 1));
    return t && !t.builtin ? t : undefined;
  }

  /** Deletes the CRD's objects; once none remain, drops the cleanup finalizer so the CRD goes. */
  private cleanup(crdName: string): void {
    const { store, registry } = this.core;
    const entry = store.get(CRD_BUCKET, crdName);
    if (!entry || !entry.object.metadata?.deletionTimestamp) return;
    const spec = (entry.object.spec ?? {}) as Obj;
    const t = registry.byResource(String(spec.group), String(spec.names?.plural));
    if (t && !t.builtin) {
      for (const e of store.list(t.storageKey)) {
        if (e.object.metadata?.deletionTimestamp) continue;
        try {
          deleteEntry(this.core, t, t.storageVersion, e.key, e.object, { dryRun: false });
        } catch (err) {
          console.error(`apiserver: deleting ${e.key} of ${crdName}:`, err);
        }
      }
      if (store.count(t.storageKey) > 0) return;
    }
    const latest = store.get(CRD_BUCKET, crdName);
    if (!latest) return;
    const fins = (latest.object.metadata?.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
    if (fins.length === (latest.object.metadata?.finalizers ?? []).length) return;
    if (fins.length === 0) {
      store.delete(CRD_BUCKET, crdName);
      return;
    }
    const o = deepClone(latest.object);
    o.metadata!.finalizers = fins;
    store.update(CRD_BUCKET, crdName, o);
  }
}

