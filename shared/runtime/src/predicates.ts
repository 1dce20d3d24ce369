/**
 * Reconcile predicates and small metadata helpers shared by every Flux controller (fluxcd/pkg/runtime/predicates,
 * controller-runtime's GenerationChangedPredicate, meta.ReconcileAnnotationValue), plus the kstatus result
 * (sigs.k8s.io/cli-utils/pkg/kstatus) Flux objects produce, so health checks and `kubectl wait` agree with Flux.
 */
import { Finalizer, ReconcileRequestAnnotation, ReconcilingCondition, StalledCondition, type Condition } from "@flotilla/api";

export interface FluxMetaObject {
  kind?: string;
  metadata?: {
    generation?: number;
    deletionTimestamp?: string;
    annotations?: Record<string, string>;
    finalizers?: string[];
  };
  spec?: { suspend?: boolean; [k: string]: unknown } | unknown;
  status?: { conditions?: Condition[]; observedGeneration?: number; lastHandledReconcileAt?: string; [k: string]: unknown };
}

/** The `reconcile.fluxcd.io/requestedAt` token, if any. */
export function requestedAt(obj: FluxMetaObject): string | undefined {
  return obj.metadata?.annotations?.[ReconcileRequestAnnotation];
}

export function handledReconcileAt(obj: FluxMetaObject): string | undefined {
  return obj.status?.lastHandledReconcileAt;
}

/** A reconcile was requested through the annotation and not yet handled (the token is opaque: any change counts). */
export function reconcileRequested(obj: FluxMetaObject): boolean {
  const token = requestedAt(obj);
  return token !== undefined && token !== handledReconcileAt(obj);
}

/** The status with lastHandledReconcileAt recording the current request token, once a reconcile has handled it. */
export function withHandledReconcileAt<T extends FluxMetaObject>(obj: T): T {
  const token = requestedAt(obj);
  if (token === undefined) return obj;
  return { ...obj, status: { ...(obj.status ?? {}), lastHandledReconcileAt: token } };
}

/**
 * Flux's watch predicate `GenerationChanged OR ReconcileRequested`. With `old` (an update event) generation is
 * compared across the two versions and the request only counts when its token changed; without it (a create or
 * resync) the object is compared with its own status.
 */
export function shouldReconcile(obj: FluxMetaObject, old?: FluxMetaObject): boolean {
  if (old === undefined) {
    const generation = obj.metadata?.generation;
    const observed = obj.status?.observedGeneration;
    return (generation !== undefined && observed !== generation) || reconcileRequested(obj);
  }
  if (obj.metadata?.generation !== old.metadata?.generation) return true;
  const token = requestedAt(obj);
  return token !== undefined && token !== requestedAt(old) && token !== handledReconcileAt(obj);
}

export function isSuspended(obj: FluxMetaObject): boolean {
  const spec = obj.spec;
  return typeof spec === "object" && spec !== null && (spec as { suspend?: unknown }).suspend === true;
}

export function isDeleting(obj: FluxMetaObject): boolean {
  const ts = obj.metadata?.deletionTimestamp;
  return ts !== undefined && ts !== "";
}

export function hasFinalizer(obj: FluxMetaObject, finalizer: string = Finalizer): boolean {
  return obj.metadata?.finalizers?.includes(finalizer) ?? false;
}

export function withFinalizer<T extends FluxMetaObject>(obj: T, finalizer: string = Finalizer): T {
  if (hasFinalizer(obj, finalizer)) return obj;
  return { ...obj, metadata: { ...(obj.metadata ?? {}), finalizers: [...(obj.metadata?.finalizers ?? []), finalizer] } };
}

export function withoutFinalizer<T extends FluxMetaObject>(obj: T, finalizer: string = Finalizer): T {
  if (!hasFinalizer(obj, finalizer)) return obj;
  return { ...obj, metadata: { ...(obj.metadata ?? {}), finalizers: (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer) } };
}

export type KStatus = "InProgress" | "Failed" | "Current" | "Terminating";

export interface KStatusResult {
  status: KStatus;
  message: string;
}

/**
 * kstatus' generic rules, which are all it applies to custom resources: deletion → Terminating; an unobserved
 * generation → InProgress; Reconciling=True → InProgress; Stalled=True → Failed; otherwise Current. Ready itself
 * is not consulted — which is why Flux removes Reconciling/Stalled and bumps observedGeneration only at the end of
 * a reconcile.
 */
export function kstatusOf(obj: FluxMetaObject): KStatusResult {
  if (isDeleting(obj)) return { status: "Terminating", message: "Resource scheduled for deletion" };
  const generation = obj.metadata?.generation;
  const observed = obj.status?.observedGeneration;
  if (generation !== undefined && observed !== undefined && observed !== generation) {
    return {
      status: "InProgress",
      message: `${obj.kind ?? ""} generation is ${generation}, but latest observed generation is ${observed}`,
    };
  }
  for (const c of obj.status?.conditions ?? []) {
    if (c.type === ReconcilingCondition && c.status === "True") return { status: "InProgress", message: c.message };
    if (c.type === StalledCondition && c.status === "True") return { status: "Failed", message: c.message };
  }
  return { status: "Current", message: "Resource is current" };
}
