/**
 * The namespace controller (kube-controller-manager's namespace deleter, in process).
 *
 * The delete handler marks a Namespace Terminating and keeps it while spec.finalizers holds "kubernetes".
 * This controller then deletes everything in the namespace, of every namespaced type including custom
 * resources (with Background propagation, as upstream's deletecollection calls do), reports progress in the
 * five upstream status conditions (NamespaceDeletionDiscoveryFailure, ...GroupVersionParsingFailure,
 * ...ContentFailure, NamespaceContentRemaining, NamespaceFinalizersRemaining, with upstream's reasons and
 * messages), and once nothing is left removes "kubernetes" through the finalize subresource, at which point
 * the server deletes the Namespace (unless metadata.finalizers still hold it).
 *
 * Objects with finalizers stay until their controllers release them; every event in a terminating namespace
 * brings the controller back, so the namespace goes as soon as its last object does.
 */
import type { Controller, ControllerContext } from "../controllers.js";
import type { KubeObject } from "../registry.js";
import type { StoreEvent } from "../store.js";
import { deepEqual, isObject, rfc3339 } from "../util.js";
import { CONTROLLER_MANAGER, TypeIndex, isExpectedConflict, reportUnexpected, servedApiVersion } from "./common.js";

const NAMESPACES = "/namespaces";
export const KUBERNETES_FINALIZER = "kubernetes";

const CONDITION_TYPES = [
  "NamespaceDeletionDiscoveryFailure",
  "NamespaceDeletionGroupVersionParsingFailure",
  "NamespaceDeletionContentFailure",
  "NamespaceContentRemaining",
  "NamespaceFinalizersRemaining",
] as const;
type ConditionType = (typeof CONDITION_TYPES)[number];

const OK: Record<ConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: "ResourcesDiscovered", message: "All resources successfully discovered" },
  NamespaceDeletionGroupVersionParsingFailure: { reason: "ParsedGroupVersions", message: "All legacy kube types successfully parsed" },
  NamespaceDeletionContentFailure: { reason: "ContentDeleted", message: "All content successfully deleted, may be waiting on finalization" },
  NamespaceContentRemaining: { reason: "ContentRemoved", message: "All content successfully removed" },
  NamespaceFinalizersRemaining: { reason: "ContentHasNoFinalizers", message: "All content-preserving finalizers finished" },
};

interface NamespaceCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export class NamespaceController implements Controller {
  readonly name = "namespace-controller";
  private ctx!: ControllerContext;
  private types!: TypeIndex;
  private unsubscribe?: () => void;
  private terminating = new Set<string>();
  private queue = new Set<string>();
  private scheduled = false;
  private stopped = false;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.types = new TypeIndex(ctx.core.registry);
    this.unsubscribe = ctx.core.store.subscribeAll((ev) => this.onEvent(ev));
    for (const e of ctx.core.store.list(NAMESPACES)) {
      if (e.object.metadata?.deletionTimestamp) {
        this.terminating.add(e.key);
        this.enqueue(e.key);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.queue.clear();
  }

  private onEvent(ev: StoreEvent): void {
    if (ev.bucket === NAMESPACES) {
      if (ev.type === "DELETED" || !ev.object.metadata?.deletionTimestamp) {
        this.terminating.delete(ev.key);
        return;
      }
      this.terminating.add(ev.key);
      this.enqueue(ev.key);
      return;
    }
    const ns = ev.object.metadata?.namespace;
    if (ns && this.terminating.has(ns)) this.enqueue(ns);
  }

  private enqueue(ns: string): void {
    if (this.stopped) return;
    this.queue.add(ns);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = [...this.queue];
      this.queue.clear();
      for (const name of batch) {
        if (this.stopped) return;
        try {
          this.sync(name);
        } catch (e) {
          if (!isExpectedConflict(e)) reportUnexpected(this.name, `namespace ${name}`, e);
          else if (e.code === 409) this.enqueue(name);
        }
      }
    });
  }

  private sync(name: string): void {
    const { store } = this.ctx.core;
    const ns = store.get(NAMESPACES, name)?.object;
    if (!ns?.metadata?.deletionTimestamp) return;
    const specFinalizers = ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).filter((f) => typeof f === "string");
    if (!specFinalizers.includes(KUBERNETES_FINALIZER)) return;

    const remaining = new Map<string, number>();
    const finalizers = new Map<string, number>();
    const errors: string[] = [];
    for (const t of this.types.all()) {
      if (!t.namespaced || !t.verbs.includes("delete")) continue;
      const entries = store.list(t.storageKey, name);
      if (entries.length === 0) continue;
      for (const e of entries) {
        const m = e.object.metadata ?? {};
        try {
          this.ctx.client.delete(servedApiVersion(t), t.kind, name, m.name!, { propagationPolicy: "Background", preconditions: { uid: m.uid } });
        } catch (err) {
          if (!isExpectedConflict(err) || (err.code !== 404 && err.code !== 409)) errors.push(err instanceof Error ? err.message : String(err));
        }
      }
      const left = store.list(t.storageKey, name);
      if (left.length === 0) continue;
      remaining.set(`${t.plural}.${t.group}`, left.length);
      for (const e of left) for (const f of e.object.metadata?.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    }

    const failing: NamespaceCondition[] = [];
    if (errors.length > 0)
      failing.push({
        type: "NamespaceDeletionContentFailure",
        status: "True",
        reason: "ContentDeletionFailed",
        message: `Failed to delete all resource types, ${errors.length} remaining: ${[...errors].sort().join(", ")}`,
      });
    if (remaining.size > 0)
      failing.push({
        type: "NamespaceContentRemaining",
        status: "True",
        reason: "SomeResourcesRemain",
        message: `Some resources are remaining: ${[...remaining].map(([gr, n]) => `${gr} has ${n} resource instances`).sort().join(", ")}`,
      });
    if (finalizers.size > 0)
      failing.push({
        type: "NamespaceFinalizersRemaining",
        status: "True",
        reason: "SomeFinalizersRemain",
        message: `Some content in the namespace has finalizers remaining: ${[...finalizers].map(([f, n]) => `${f} in ${n} resource instances`).sort().join(", ")}`,
      });
    this.updateConditions(ns, failing);
    if (remaining.size > 0 || errors.length > 0) return;

    const latest = store.get(NAMESPACES, name)?.object;
    if (!latest) return;
    this.ctx.client.update(
      {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name, resourceVersion: latest.metadata?.resourceVersion },
        spec: { finalizers: specFinalizers.filter((f) => f !== KUBERNETES_FINALIZER) },
      },
      { subresource: "finalize", fieldManager: CONTROLLER_MANAGER },
    );
  }

  /** updateConditions of upstream's namespace deleter: failures as given, the "ok" variant otherwise. */
  private updateConditions(ns: KubeObject, failing: NamespaceCondition[]): void {
    const status = isObject(ns.status) ? ns.status : {};
    const old = (Array.isArray(status.conditions) ? status.conditions : []) as NamespaceCondition[];
    const conditions = old.map((c) => ({ ...c }));
    const now = rfc3339(new Date());
    for (const type of CONDITION_TYPES) {
      const want = failing.find((c) => c.type === type) ?? { type, status: "False", ...OK[type] };
      const cur = conditions.find((c) => c.type === type);
      if (!cur) conditions.push({ type, status: want.status, lastTransitionTime: now, reason: want.reason, message: want.message });
      else if (cur.status !== want.status || cur.reason !== want.reason || cur.message !== want.message) {
        if (cur.status !== want.status) cur.lastTransitionTime = now;
        cur.status = want.status;
        cur.reason = want.reason;
        cur.message = want.message;
      }
    }
    if (deepEqual(conditions, old)) return;
    this.ctx.client.update({ ...ns, status: { ...status, conditions } }, { subresource: "status", fieldManager: CONTROLLER_MANAGER });
  }
}
