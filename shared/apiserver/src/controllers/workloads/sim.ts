/**
 * What the simulated workload controllers share: the context they run in, status and metadata writes, and
 * ownership (adopting orphans that match a selector, releasing objects that stopped matching, as
 * controller-manager's ControllerRefManager does).
 */
import type { InProcessClient, PatchType } from "../../client.js";
import type { KubeObject } from "../../registry.js";
import { labelSelectorFromObject, type LabelSelector } from "../../selectors.js";
import type { Store } from "../../store.js";
import { deepEqual, isObject } from "../../util.js";
import { CONTROLLER_MANAGER, type OwnerRef, controllerRef, newControllerRef, ownerRefs } from "../common.js";

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The simulated node every pod runs on. */
export const NODE_NAME = "flotilla-node";
export const NODE_IP = "172.18.0.2";
export const NODE_LABELS: Record<string, string> = {
  "kubernetes.io/hostname": NODE_NAME,
  "kubernetes.io/os": "linux",
  "kubernetes.io/arch": "amd64",
};

export type WorkloadKind = "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "Pod";

export interface Sim {
  client: InProcessClient;
  store: Store;
  /** Runs the kind's sync for ns/name again after `delayMs` (default: the simulation delay). */
  requeue(kind: WorkloadKind, namespace: string, name: string, delayMs?: number): void;
  allocatePodIP(): string;
}

export const BUCKETS: Record<WorkloadKind, string> = {
  Deployment: "apps/deployments",
  ReplicaSet: "apps/replicasets",
  StatefulSet: "apps/statefulsets",
  DaemonSet: "apps/daemonsets",
  Job: "batch/jobs",
  Pod: "/pods",
};
export const REVISIONS_BUCKET = "apps/controllerrevisions";
export const PVC_BUCKET = "/persistentvolumeclaims";

/**
 * Name collisions tolerated before giving up. Upstream retries forever; a persistent collision here means
 * the stored template does not compare equal to its own copy (a defaulting bug), and retrying would create
 * objects without end.
 */
export const MAX_COLLISIONS = 20;

export const spec = (o: KubeObject): Obj => (isObject(o.spec) ? (o.spec as Obj) : {});
export const status = (o: KubeObject): Obj => (isObject(o.status) ? (o.status as Obj) : {});
export const int = (v: unknown, dflt = 0): number => (typeof v === "number" && Number.isFinite(v) ? v : dflt);

/** Writes .status through the status subresource when it changed; returns the stored object. */
export function writeStatus(sim: Sim, obj: KubeObject, next: Obj, manager = CONTROLLER_MANAGER): KubeObject {
  if (deepEqual(obj.status, next)) return obj;
  return sim.client.update({ ...obj, status: next }, { subresource: "status", fieldManager: manager });
}

/** A JSON merge patch on the main resource, guarded by the resourceVersion the caller read. */
export function mergePatch(sim: Sim, obj: KubeObject, patch: Obj, type: PatchType = "merge"): KubeObject {
  const m = obj.metadata!;
  const body = { ...patch, metadata: { ...(patch.metadata ?? {}), resourceVersion: m.resourceVersion } };
  return sim.client.patch(String(obj.apiVersion), String(obj.kind), m.namespace, m.name!, type, body, { fieldManager: CONTROLLER_MANAGER });
}

export function deleteObject(sim: Sim, obj: KubeObject, propagationPolicy?: string): void {
  const m = obj.metadata!;
  sim.client.delete(String(obj.apiVersion), String(obj.kind), m.namespace, m.name!, { propagationPolicy, preconditions: { uid: m.uid } });
}

/** Omits the members whose value Go's `omitempty` would drop (0, "", false, empty list), keeping order. */
export function omitEmpty(o: Obj, keys: string[]): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (keys.includes(k) && (v === 0 || v === "" || v === false || (Array.isArray(v) && v.length === 0))) continue;
    out[k] = v;
  }
  return out;
}

export function selectorOf(o: KubeObject): LabelSelector {
  return labelSelectorFromObject(spec(o).selector);
}

/**
 * ClaimObjects: the candidates `owner` controls once orphans matching its selector are adopted and owned
 * objects that no longer match are released. Nothing is adopted while either side is being deleted.
 */
export function claim(sim: Sim, owner: KubeObject, candidates: KubeObject[], selector: LabelSelector): KubeObject[] {
  const uid = owner.metadata!.uid!;
  const owned: KubeObject[] = [];
  const ownerDeleting = !!owner.metadata!.deletionTimestamp;
  for (const c of candidates) {
    const ref = controllerRef(c);
    const labels = c.metadata?.labels ?? {};
    const matches = !selector.empty && selector.matches(labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches || ownerDeleting) owned.push(c);
      else setOwnerRefs(sim, c, ownerRefs(c).filter((r) => r.uid !== uid));
      continue;
    }
    if (!matches || ownerDeleting || c.metadata?.deletionTimestamp) continue;
    owned.push(setOwnerRefs(sim, c, [...ownerRefs(c), newControllerRef(owner)]));
  }
  return owned;
}

function setOwnerRefs(sim: Sim, obj: KubeObject, refs: OwnerRef[]): KubeObject {
  return mergePatch(sim, obj, { metadata: { ownerReferences: refs.length > 0 ? refs : null } });
}

export function listOwned(sim: Sim, bucket: string, owner: KubeObject): KubeObject[] {
  const uid = owner.metadata!.uid;
  return sim.store
    .list(bucket, owner.metadata!.namespace)
    .map((e) => e.object)
    .filter((o) => controllerRef(o)?.uid === uid);
}

export function listIn(sim: Sim, bucket: string, namespace: string | undefined): KubeObject[] {
  return sim.store.list(bucket, namespace).map((e) => e.object);
}

/** Reads a pod from the store again (after writes), or undefined when it is gone. */
export function reload(sim: Sim, bucket: string, obj: KubeObject): KubeObject | undefined {
  const m = obj.metadata!;
  const e = sim.store.get(bucket, m.namespace ? `${m.namespace}/${m.name}` : m.name!);
  return e && e.object.metadata?.uid === m.uid ? e.object : undefined;
}

export function creationTime(o: KubeObject): number {
  return Date.parse(o.metadata?.creationTimestamp ?? "") || 0;
}

/**
 * A copy without null members: what decoding into Go structs makes of them (a template sent back by
 * `kubectl rollout undo` carries `creationTimestamp: null`, one stored from YAML does not).
 */
export function withoutNulls<T>(v: T): T {
  if (Array.isArray(v)) return v.map(withoutNulls) as T;
  if (!isObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
  return out as T;
}

/** Resolves an int-or-percent against a total (intstr.GetScaledValueFromIntOrPercent). */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+%$/.test(v)) {
    const x = (Number(v.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return 0;
}

let lastEventNanos = 0n;

/**
 * A core/v1 Event as client-go's legacy event recorder makes it (record/event.go makeEvent): named
 * `<object>.<hex unix nanos>`, counted once, the controller as source and reporting component. Best effort,
 * as upstream's recorder is: a failed write (e.g. a terminating namespace) does not fail the sync.
 */
export function recordEvent(sim: Sim, obj: KubeObject, component: string, type: "Normal" | "Warning", reason: string, message: string): void {
  const m = obj.metadata ?? {};
  const now = new Date();
  let nanos = BigInt(now.getTime()) * 1_000_000n;
  if (nanos <= lastEventNanos) nanos = lastEventNanos + 1n;
  lastEventNanos = nanos;
  const stamp = now.toISOString().replace(/\.\d+Z$/, "Z");
  try {
    sim.client.create({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${m.name}.${nanos.toString(16)}`, namespace: m.namespace ?? "default" },
      involvedObject: { kind: obj.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: obj.apiVersion, resourceVersion: m.resourceVersion },
      reason,
      message,
      source: { component },
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: "",
    } as KubeObject);
  } catch {
    // dropped, as the recorder drops events it cannot write
  }
}
