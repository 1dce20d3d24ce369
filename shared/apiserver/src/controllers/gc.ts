/**
 * The garbage collector (kube-controller-manager's garbagecollector package, in process).
 *
 * It keeps a graph of ownerReferences (dependent uid -> owners, owner uid -> dependents) from store events
 * and acts on three things, as upstream does:
 * - an object whose owners are all gone (no object of that kind/name/uid in the dependent's namespace, or
 *   in the cluster for cluster-scoped owners) is deleted, with the propagation its own GC finalizers ask
 *   for, Background otherwise (attemptToDeleteItem). Owners that are gone but still referenced next to
 *   a live owner are dropped from ownerReferences instead;
 * - an owner being deleted with the `foregroundDeletion` finalizer has all its dependents deleted, and
 *   loses the finalizer once no dependent with blockOwnerDeletion=true remains
 *   (processDeletingDependentsItem); dependents that have dependents of their own are deleted in the
 *   foreground too, so the cascade runs bottom-up;
 * - an owner being deleted with the `orphan` finalizer has its ownerReferences removed from every dependent,
 *   then loses the finalizer (orphanDependents).
 * A cluster-scoped dependent cannot name a namespaced owner: such references are unresolvable and never
 * make the dependent garbage (upstream warns with an OwnerRefInvalidNamespace event).
 * Work runs in batches on setImmediate after the events that caused it; start() sweeps existing state
 * (objects restored from --state).
 */
import type { Controller, ControllerContext } from "../controllers.js";
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from "../handlers/delete.js";
import type { KubeObject, ResourceType } from "../registry.js";
import type { StoreEvent } from "../store.js";
import { CONTROLLER_MANAGER, type OwnerRef, TypeIndex, groupOf, isExpectedConflict, ownerRefs, reportUnexpected, servedApiVersion } from "./common.js";

interface Location {
  bucket: string;
  key: string;
}

interface Dependent extends Location {
  namespace?: string;
  owners: OwnerRef[];
}

type WorkItem = { kind: "dependent" | "owner"; uid: string };

/** How many recently deleted uids are remembered as absent owners (upstream's absentOwnerCache is an LRU). */
const ABSENT_OWNER_CACHE = 10_000;
const MAX_RETRIES = 8;

export class GarbageCollector implements Controller {
  readonly name = "garbage-collector";
  private ctx!: ControllerContext;
  private types!: TypeIndex;
  private unsubscribe?: () => void;
  /** Objects with ownerReferences, by uid. */
  private dependents = new Map<string, Dependent>();
  /** Owner uid -> uids of objects that reference it. */
  private dependentsOf = new Map<string, Set<string>>();
  /** Objects being deleted that carry a GC finalizer (orphan / foregroundDeletion), by uid. */
  private deleting = new Map<string, Location>();
  /** Uids seen deleted: references to them are dangling even when their type is gone (CRD deleted). */
  private absent = new Set<string>();
  private queue = new Map<string, WorkItem>();
  private retries = new Map<string, number>();
  private scheduled = false;
  private stopped = false;
  private timers = new Set<NodeJS.Timeout>();

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.types = new TypeIndex(ctx.core.registry);
    this.unsubscribe = ctx.core.store.subscribeAll((ev) => this.onEvent(ev));
    const { store } = ctx.core;
    for (const bucket of store.bucketKeys()) {
      for (const e of store.list(bucket)) {
        const uid = e.object.metadata?.uid;
        if (!uid) continue;
        this.observe({ bucket, key: e.key }, uid, e.object, undefined);
        if (this.dependents.has(uid)) this.enqueue({ kind: "dependent", uid });
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue.clear();
  }

  // ------------------------------------------------------------------------------------------- graph

  private onEvent(ev: StoreEvent): void {
    const uid = ev.object.metadata?.uid;
    if (!uid) return;
    if (ev.type === "DELETED") {
      const was = this.dependents.get(uid);
      this.untrack(uid);
      this.deleting.delete(uid);
      this.rememberAbsent(uid);
      for (const dep of this.dependentsOf.get(uid) ?? []) this.enqueue({ kind: "dependent", uid: dep });
      for (const r of was?.owners ?? []) if (this.deleting.has(r.uid)) this.enqueue({ kind: "owner", uid: r.uid });
      return;
    }
    const before = this.dependents.get(uid)?.owners;
    this.observe({ bucket: ev.bucket, key: ev.key }, uid, ev.object, before);
    const after = this.dependents.get(uid)?.owners ?? [];
    if (after.length > 0 && (ev.type === "ADDED" || !sameOwners(before, after))) this.enqueue({ kind: "dependent", uid });
    // An owner waiting on its dependents re-checks whenever one of them changes (refs dropped, unblocked,
    // deletion started).
    for (const r of [...(before ?? []), ...after]) if (this.deleting.has(r.uid)) this.enqueue({ kind: "owner", uid: r.uid });
  }

  /** Records an object's owner references and GC finalizer state. */
  private observe(loc: Location, uid: string, obj: KubeObject, before: OwnerRef[] | undefined): void {
    const owners = ownerRefs(obj);
    if (before) for (const r of before) if (!owners.some((o) => o.uid === r.uid)) this.dependentsOf.get(r.uid)?.delete(uid);
    if (owners.length > 0) {
      this.dependents.set(uid, { ...loc, namespace: obj.metadata?.namespace, owners });
      for (const r of owners) {
        let s = this.dependentsOf.get(r.uid);
        if (!s) this.dependentsOf.set(r.uid, (s = new Set()));
        s.add(uid);
      }
    } else this.dependents.delete(uid);
    const m = obj.metadata ?? {};
    if (m.deletionTimestamp && hasGcFinalizer(m.finalizers)) {
      this.deleting.set(uid, loc);
      this.enqueue({ kind: "owner", uid });
    } else this.deleting.delete(uid);
  }

  private untrack(uid: string): void {
    const d = this.dependents.get(uid);
    if (!d) return;
    for (const r of d.owners) {
      const s = this.dependentsOf.get(r.uid);
      s?.delete(uid);
      if (s && s.size === 0 && !this.deleting.has(r.uid)) this.dependentsOf.delete(r.uid);
    }
    this.dependents.delete(uid);
  }

  private rememberAbsent(uid: string): void {
    this.absent.add(uid);
    if (this.absent.size > ABSENT_OWNER_CACHE) this.absent.delete(this.absent.values().next().value!);
  }

  // ------------------------------------------------------------------------------------------- queue

  private enqueue(item: WorkItem): void {
    if (this.stopped) return;
    const k = `${item.kind}:${item.uid}`;
    if (!this.queue.has(k)) this.queue.set(k, item);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    let budget = 50_000;
    while (this.queue.size > 0 && budget-- > 0 && !this.stopped) {
      const [k, item] = this.queue.entries().next().value!;
      this.queue.delete(k);
      try {
        if (item.kind === "dependent") this.attemptToDelete(item.uid);
        else this.processOwner(item.uid);
        this.retries.delete(k);
      } catch (e) {
        this.retry(k, item, e);
      }
    }
    if (this.queue.size > 0 && !this.scheduled && !this.stopped) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private retry(k: string, item: WorkItem, e: unknown): void {
    const n = (this.retries.get(k) ?? 0) + 1;
    if (n > MAX_RETRIES || !isExpectedConflict(e)) {
      this.retries.delete(k);
      if (!isExpectedConflict(e)) reportUnexpected(this.name, `processing ${item.kind} ${item.uid}`, e);
      return;
    }
    this.retries.set(k, n);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.enqueue(item);
    }, 5 * 2 ** n);
    t.unref?.();
    this.timers.add(t);
  }

  // ------------------------------------------------------------------------------------------- work

  private load(loc: Location, uid: string): KubeObject | undefined {
    const e = this.ctx.core.store.get(loc.bucket, loc.key);
    return e && e.object.metadata?.uid === uid ? e.object : undefined;
  }

  /** attemptToDeleteItem: delete a dependent whose owners are gone, or drop its dangling references. */
  private attemptToDelete(uid: string): void {
    const d = this.dependents.get(uid);
    if (!d) {
      if (this.deleting.has(uid)) this.processOwner(uid);
      return;
    }
    const obj = this.load(d, uid);
    if (!obj) return;
    const m = obj.metadata!;
    if (m.deletionTimestamp) {
      if (m.finalizers?.includes(FOREGROUND_FINALIZER)) this.processOwner(uid);
      return;
    }
    const type = this.types.forBucket(d.bucket);
    if (!type) return;
    const solid: OwnerRef[] = [];
    const dangling: OwnerRef[] = [];
    const waiting: OwnerRef[] = [];
    for (const ref of ownerRefs(obj)) {
      const state = this.ownerState(ref, type.namespaced ? m.namespace : undefined);
      if (state === "dangling") dangling.push(ref);
      else if (state === "waiting") waiting.push(ref);
      else solid.push(ref);
    }
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
      this.setOwnerRefs(type, obj, ownerRefs(obj).filter((r) => !drop.has(r.uid)));
      return;
    }
    const ownDependents = [...(this.dependentsOf.get(uid) ?? [])].filter((u) => this.dependents.has(u));
    if (waiting.length > 0 && ownDependents.length > 0) {
      // Deleting this item in the foreground while one of its dependents deletes its own dependents in the
      // foreground could deadlock on a cycle; upstream makes the references to the waiting owners
      // non-blocking first.
      if (ownDependents.some((u) => this.isDeletingDependents(u))) {
        const waitingUids = new Set(waiting.map((r) => r.uid));
        this.setOwnerRefs(
          type,
          obj,
          ownerRefs(obj).map((r) => (waitingUids.has(r.uid) ? { ...r, blockOwnerDeletion: false } : r)),
        );
      }
      this.deleteObject(type, obj, "Foreground");
      return;
    }
    const fins = m.finalizers ?? [];
    const policy = fins.includes(ORPHAN_FINALIZER) ? "Orphan" : fins.includes(FOREGROUND_FINALIZER) ? "Foreground" : "Background";
    this.deleteObject(type, obj, policy);
  }

  /** Whether an owner reference is still backed by its object ("solid"), gone, or deleting its dependents. */
  private ownerState(ref: OwnerRef, dependentNamespace: string | undefined): "solid" | "dangling" | "waiting" {
    if (this.absent.has(ref.uid)) return "dangling";
    const t = this.types.forKind(groupOf(String(ref.apiVersion ?? "")), ref.kind);
    // An unknown kind, or a namespaced owner of a cluster-scoped dependent, cannot be resolved; upstream
    // never collects such a dependent.
    if (!t) return "solid";
    if (t.namespaced && !dependentNamespace) return "solid";
    const key = t.namespaced ? `${dependentNamespace}/${ref.name}` : ref.name;
    const owner = this.ctx.core.store.get(t.storageKey, key)?.object;
    if (!owner || owner.metadata?.uid !== ref.uid) return "dangling";
    const om = owner.metadata!;
    if (om.deletionTimestamp && om.finalizers?.includes(FOREGROUND_FINALIZER)) return "waiting";
    return "solid";
  }

  private isDeletingDependents(uid: string): boolean {
    const loc = this.deleting.get(uid);
    if (!loc) return false;
    const o = this.load(loc, uid);
    return !!o?.metadata?.deletionTimestamp && (o.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER);
  }

  /** An owner under deletion with a GC finalizer: orphan its dependents, or wait for them in the foreground. */
  private processOwner(uid: string): void {
    const loc = this.deleting.get(uid);
    if (!loc) return;
    const owner = this.load(loc, uid);
    if (!owner || !owner.metadata?.deletionTimestamp) return;
    const type = this.types.forBucket(loc.bucket);
    if (!type) return;
    const fins = owner.metadata.finalizers ?? [];
    const deps = [...(this.dependentsOf.get(uid) ?? [])].map((u) => [u, this.dependents.get(u)] as const).filter(([, d]) => d !== undefined);

    if (fins.includes(ORPHAN_FINALIZER)) {
      for (const [depUid, d] of deps) {
        const dep = this.load(d!, depUid);
        const depType = this.types.forBucket(d!.bucket);
        if (!dep || !depType) continue;
        const refs = ownerRefs(dep);
        if (!refs.some((r) => r.uid === uid)) continue;
        this.setOwnerRefs(depType, dep, refs.filter((r) => r.uid !== uid));
      }
      this.removeFinalizer(type, uid, loc, ORPHAN_FINALIZER);
      return;
    }
    if (!fins.includes(FOREGROUND_FINALIZER)) return;
    let blocking = 0;
    for (const [depUid, d] of deps) {
      const dep = this.load(d!, depUid);
      if (!dep) continue;
      const ref = ownerRefs(dep).find((r) => r.uid === uid);
      if (!ref) continue;
      if (ref.blockOwnerDeletion === true) blocking++;
      if (!dep.metadata?.deletionTimestamp) this.enqueue({ kind: "dependent", uid: depUid });
    }
    if (blocking === 0) this.removeFinalizer(type, uid, loc, FOREGROUND_FINALIZER);
  }

  // ------------------------------------------------------------------------------------------- writes

  private deleteObject(type: ResourceType, obj: KubeObject, policy: "Background" | "Foreground" | "Orphan"): void {
    const m = obj.metadata!;
    this.ctx.client.delete(servedApiVersion(type), type.kind, m.namespace, m.name!, {
      propagationPolicy: policy,
      preconditions: { uid: m.uid, resourceVersion: m.resourceVersion },
    });
  }

  private setOwnerRefs(type: ResourceType, obj: KubeObject, refs: OwnerRef[]): void {
    const m = obj.metadata!;
    this.ctx.client.patch(
      servedApiVersion(type),
      type.kind,
      m.namespace,
      m.name!,
      "merge",
      { metadata: { ownerReferences: refs.length > 0 ? refs : null, resourceVersion: m.resourceVersion } },
      { fieldManager: CONTROLLER_MANAGER },
    );
  }

  private removeFinalizer(type: ResourceType, uid: string, loc: Location, finalizer: string): void {
    const obj = this.load(loc, uid);
    if (!obj) return;
    const m = obj.metadata!;
    const fins = (m.finalizers ?? []).filter((f) => f !== finalizer);
    if (fins.length === (m.finalizers ?? []).length) return;
    this.ctx.client.patch(
      servedApiVersion(type),
      type.kind,
      m.namespace,
      m.name!,
      "merge",
      { metadata: { finalizers: fins.length > 0 ? fins : null, resourceVersion: m.resourceVersion } },
      { fieldManager: CONTROLLER_MANAGER },
    );
  }
}

function hasGcFinalizer(fins: string[] | undefined): boolean {
  return !!fins && (fins.includes(ORPHAN_FINALIZER) || fins.includes(FOREGROUND_FINALIZER));
}

function sameOwners(a: OwnerRef[] | undefined, b: OwnerRef[]): boolean {
  if (!a || a.length !== b.length) return false;
  return a.every((r, i) => r.uid === b[i]!.uid && r.blockOwnerDeletion === b[i]!.blockOwnerDeletion && r.name === b[i]!.name && r.kind === b[i]!.kind);
}
