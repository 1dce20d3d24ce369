/**
 * Helpers the in-server controllers share: finding the served type of a store bucket, owner references,
 * field managers, error triage and a keyed, delayed work queue (what client-go's rate-limited workqueue
 * gives kube-controller-manager).
 */
import { ApiError } from "../errors.js";
import type { KubeObject, Registry, ResourceType } from "../registry.js";
import { groupVersion } from "../registry.js";
import { isObject } from "../util.js";

/** The field manager kube-controller-manager's controllers write with (their user agent's first segment). */
export const CONTROLLER_MANAGER = "kube-controller-manager";

export type OwnerRef = {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
};

/** The well-formed owner references of an object (validation guarantees the fields on stored objects). */
export function ownerRefs(obj: KubeObject | undefined): OwnerRef[] {
  const refs = obj?.metadata?.ownerReferences;
  if (!Array.isArray(refs)) return [];
  return refs.filter((r): r is Record<string, unknown> & OwnerRef => isObject(r) && typeof r.uid === "string" && typeof r.kind === "string" && typeof r.name === "string");
}

/** The owner reference with controller: true, if any. */
export function controllerRef(obj: KubeObject | undefined): OwnerRef | undefined {
  return ownerRefs(obj).find((r) => r.controller === true);
}

/** metav1.NewControllerRef: what a workload controller puts on the objects it creates. */
export function newControllerRef(owner: KubeObject): OwnerRef {
  return {
    apiVersion: String(owner.apiVersion),
    kind: String(owner.kind),
    name: owner.metadata!.name!,
    uid: owner.metadata!.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/**
 * Resolves store buckets and owner kinds to served types, cached per registry generation (CRDs come and go).
 * Views (events.k8s.io Events over the core bucket) are never the answer: the primary type owns the bucket.
 */
export class TypeIndex {
  private generation = -1;
  private byBucket = new Map<string, ResourceType>();
  private byGroupKind = new Map<string, ResourceType>();

  constructor(private registry: Registry) {}

  private refresh(): void {
    if (this.generation === this.registry.generation) return;
    this.generation = this.registry.generation;
    this.byBucket.clear();
    this.byGroupKind.clear();
    for (const t of this.registry.all()) {
      if (t.view) continue;
      this.byBucket.set(t.storageKey, t);
      this.byGroupKind.set(`${t.group}/${t.kind}`, t);
    }
  }

  forBucket(bucket: string): ResourceType | undefined {
    this.refresh();
    return this.byBucket.get(bucket);
  }

  forKind(group: string, kind: string): ResourceType | undefined {
    this.refresh();
    return this.byGroupKind.get(`${group}/${kind}`);
  }

  /** Every primary type (one per bucket). */
  all(): ResourceType[] {
    this.refresh();
    return [...this.byBucket.values()];
  }
}

/** An apiVersion the in-process client accepts for a type (its preferred served version). */
export function servedApiVersion(t: ResourceType): string {
  return groupVersion(t.group, t.versions[0] ?? t.storageVersion);
}

/** Errors a controller expects while racing other writers: the object went, changed, or may not be written. */
export function isExpectedConflict(e: unknown): e is ApiError {
  return e instanceof ApiError && (e.code === 404 || e.code === 409 || e.code === 403);
}

export function reportUnexpected(controller: string, what: string, e: unknown): void {
  if (e instanceof ApiError) console.error(`apiserver: ${controller}: ${what}: ${e.reason}: ${e.message}`);
  else console.error(`apiserver: ${controller}: ${what}:`, e);
}

/**
 * A keyed queue whose items run once, `delayMs` after they were first added (adding a pending key again does
 * nothing, unless it asks to run sooner). Handlers run from timers, never from store listeners.
 */
export class DelayQueue {
  private pending = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  private stopped = false;

  constructor(
    private readonly delayMs: number,
    private readonly run: (key: string) => void,
  ) {}

  add(key: string, delayMs = this.delayMs): void {
    if (this.stopped) return;
    const due = Date.now() + delayMs;
    const existing = this.pending.get(key);
    if (existing) {
      if (existing.due <= due) return;
      clearTimeout(existing.timer);
    }
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.run(key);
    }, delayMs);
    timer.unref?.();
    this.pending.set(key, { due, timer });
  }

  get size(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}
