/**
 * The Deployment controller, simulated (pkg/controller/deployment, simplified rollout):
 * - the template's ReplicaSet is `<name>-<pod-template-hash>`, labelled and selected by pod-template-hash,
 *   owned by the Deployment, annotated with revision / desired-replicas / max-replicas (plus the
 *   Deployment's own annotations, as upstream copies them);
 * - RollingUpdate: the new ReplicaSet is scaled to spec.replicas at once; old ReplicaSets go to 0 once all
 *   of the new one's pods are available (one surge, never below the old availability).
 *   Recreate: old ReplicaSets go to 0 first, the new one is created/scaled once their pods are gone;
 * - status (observedGeneration, replicas, updatedReplicas, readyReplicas, availableReplicas,
 *   unavailableReplicas) is calculated from the ReplicaSets as calculateStatus does, the Available and
 *   Progressing conditions are set with upstream's reasons, messages and transition rules;
 * - the revision annotation moves to the Deployment; old ReplicaSets beyond revisionHistoryLimit are
 *   deleted once a rollout is complete; paused Deployments only scale.
 */
import { ApiError } from "../../errors.js";
import type { KubeObject } from "../../registry.js";
import { deepClone, deepEqual, isObject, rfc3339 } from "../../util.js";
import { controllerRef, newControllerRef } from "../common.js";
import { podTemplateHash } from "./hash.js";
import { CONTROLLER_MANAGER } from "../common.js";
import { BUCKETS, MAX_COLLISIONS, type Obj, type Sim, claim, creationTime, deleteObject, int, listIn, mergePatch, omitEmpty, recordEvent, reload, scaledValue, selectorOf, spec, status, withoutNulls, writeStatus } from "./sim.js";

export const REVISION = "deployment.kubernetes.io/revision";
const REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
const DESIRED = "deployment.kubernetes.io/desired-replicas";
const MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
export const HASH_LABEL = "pod-template-hash";
const SKIPPED_ANNOTATIONS = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION,
  REVISION_HISTORY,
  DESIRED,
  MAX_REPLICAS,
  "deprecated.deployment.rollback.to",
]);

const revisionOf = (o: KubeObject): number => Number(o.metadata?.annotations?.[REVISION] ?? 0) || 0;

function isRollingUpdate(d: KubeObject): boolean {
  return (spec(d).strategy?.type ?? "RollingUpdate") === "RollingUpdate";
}

/** deploymentutil.ResolveFenceposts: [maxSurge, maxUnavailable]. */
function fenceposts(d: KubeObject): [number, number] {
  const desired = int(spec(d).replicas, 1);
  const ru = spec(d).strategy?.rollingUpdate ?? {};
  const surge = scaledValue(ru.maxSurge ?? "25%", desired, true);
  let unavailable = scaledValue(ru.maxUnavailable ?? "25%", desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

function maxUnavailable(d: KubeObject): number {
  const desired = int(spec(d).replicas, 1);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(fenceposts(d)[1], desired);
}

function maxSurge(d: KubeObject): number {
  return isRollingUpdate(d) ? fenceposts(d)[0] : 0;
}

/** EqualIgnoreHash: the templates match once the pod-template-hash label is ignored. */
function sameTemplate(a: unknown, b: unknown): boolean {
  const strip = (t: unknown): unknown => {
    if (!isObject(t)) return t;
    const c = withoutNulls(t) as Obj;
    if (isObject(c.metadata) && isObject(c.metadata.labels)) {
      delete c.metadata.labels[HASH_LABEL];
      if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
    }
    return c;
  };
  return deepEqual(strip(a), strip(b));
}

function copiedAnnotations(d: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (!SKIPPED_ANNOTATIONS.has(k)) out[k] = v;
  return out;
}

interface Condition {
  type: string;
  status: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

function newCondition(type: string, st: string, reason: string, message: string): Condition {
  const now = rfc3339(new Date());
  return { type, status: st, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** deploymentutil.SetDeploymentCondition. */
function setCondition(conds: Condition[], c: Condition): Condition[] {
  const cur = conds.find((x) => x.type === c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return conds;
  if (cur && cur.status === c.status) c.lastTransitionTime = cur.lastTransitionTime;
  return [...conds.filter((x) => x.type !== c.type), c];
}

export function syncDeployment(sim: Sim, d: KubeObject): void {
  const ns = d.metadata!.namespace!;
  const name = d.metadata!.name!;
  const sp = spec(d);
  const desired = int(sp.replicas, 1);
  const old = status(d);
  let conditions = ((Array.isArray(old.conditions) ? old.conditions : []) as Condition[]).map((c) => ({ ...c }));

  let rss = claim(sim, d, listIn(sim, BUCKETS.ReplicaSet, ns), selectorOf(d)).sort((a, b) => creationTime(a) - creationTime(b));
  let newRS = rss.find((rs) => sameTemplate(spec(rs).template, sp.template));
  const olds = () => rss.filter((rs) => rs !== newRS);
  const maxOldRevision = Math.max(0, ...olds().map(revisionOf));
  let collisionCount: number | undefined = typeof old.collisionCount === "number" ? old.collisionCount : undefined;

  if (!d.metadata!.deletionTimestamp) {
    const paused = sp.paused === true;
    const rolling = isRollingUpdate(d);
    if (!rolling && !paused) for (const rs of olds()) scaleReplicaSet(sim, rs, 0, d);
    const oldPodsGone = olds().every((rs) => int(status(reload(sim, BUCKETS.ReplicaSet, rs) ?? rs).replicas) === 0);
    if (!newRS && !paused && (rolling || oldPodsGone)) {
      const created = createReplicaSet(sim, d, maxOldRevision + 1, collisionCount);
      if (created === "collision") {
        if ((collisionCount ?? 0) >= MAX_COLLISIONS) throw new Error(`giving up on ${ns}/${name}: ${MAX_COLLISIONS} ReplicaSet name collisions`);
        collisionCount = (collisionCount ?? 0) + 1;
        writeStatus(sim, d, { ...old, collisionCount });
        sim.requeue("Deployment", ns, name);
        return;
      }
      newRS = created.rs;
      if (created.created && int(spec(newRS).replicas, 1) > 0) scalingEvent(sim, d, newRS, int(spec(newRS).replicas, 1), 0);
      if (created.created) conditions = setCondition(conditions, newCondition("Progressing", "True", "NewReplicaSetCreated", `Created new replica set "${newRS.metadata!.name}"`));
      rss = [...rss.filter((r) => r.metadata!.uid !== newRS!.metadata!.uid), newRS];
    } else if (newRS) {
      if (!conditions.some((c) => c.type === "Progressing") && sp.progressDeadlineSeconds !== undefined)
        conditions = setCondition(conditions, newCondition("Progressing", "True", "FoundNewReplicaSet", `Found new replica set "${newRS.metadata!.name}"`));
      const replicas = rolling || paused || oldPodsGone ? desired : int(spec(newRS).replicas, 1);
      newRS = syncNewReplicaSet(sim, d, newRS, maxOldRevision, replicas);
      rss = rss.map((r) => (r.metadata!.uid === newRS!.metadata!.uid ? newRS! : r));
    }

    if (newRS && rolling && !paused) {
      const ns2 = status(newRS);
      const fullyAvailable = int(spec(newRS).replicas) === desired && int(ns2.availableReplicas) >= desired && int(ns2.observedGeneration) >= int(newRS.metadata!.generation, 1);
      if (fullyAvailable) for (const rs of olds()) scaleReplicaSet(sim, rs, 0, d);
    }

    const rev = newRS ? revisionOf(newRS) : 0;
    // getNewReplicaSet writes the revision annotation with UpdateStatus, whose strategy lets annotations through
    if (newRS && String(rev) !== d.metadata!.annotations?.[REVISION]) {
      const annotations = { ...(d.metadata!.annotations ?? {}), [REVISION]: String(rev) };
      d = sim.client.update({ ...d, metadata: { ...d.metadata!, annotations } }, { subresource: "status", fieldManager: CONTROLLER_MANAGER });
    }
  }

  // calculateStatus over the ReplicaSets as they are now
  rss = rss.map((rs) => reload(sim, BUCKETS.ReplicaSet, rs)).filter((rs): rs is KubeObject => rs !== undefined);
  if (newRS) newRS = reload(sim, BUCKETS.ReplicaSet, newRS);
  const sum = (f: (rs: KubeObject) => number) => rss.reduce((n, rs) => n + f(rs), 0);
  const available = sum((rs) => int(status(rs).availableReplicas));
  const total = sum((rs) => int(spec(rs).replicas));
  const next: Obj = omitEmpty(
    {
      observedGeneration: d.metadata!.generation,
      replicas: sum((rs) => int(status(rs).replicas)),
      updatedReplicas: newRS ? int(status(newRS).replicas) : 0,
      readyReplicas: sum((rs) => int(status(rs).readyReplicas)),
      availableReplicas: available,
      unavailableReplicas: Math.max(total - available, 0),
    },
    ["observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"],
  );
  if (available >= desired - maxUnavailable(d))
    conditions = setCondition(conditions, newCondition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."));
  else conditions = setCondition(conditions, newCondition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."));

  if (sp.paused === true) {
    conditions = setCondition(conditions, newCondition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused"));
  } else if (!d.metadata!.deletionTimestamp) {
    const paused = conditions.find((c) => c.type === "Progressing" && c.reason === "DeploymentPaused");
    if (paused) conditions = setCondition(conditions, newCondition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed"));
    const complete =
      int(next.updatedReplicas) === desired && int(next.replicas) === desired && int(next.availableReplicas) === desired && int(next.observedGeneration) >= int(d.metadata!.generation, 1);
    const oldOld = int(old.replicas) - int(old.updatedReplicas);
    const newOld = int(next.replicas) - int(next.updatedReplicas);
    const progressing =
      int(next.updatedReplicas) > int(old.updatedReplicas) || newOld < oldOld || int(next.readyReplicas) > int(old.readyReplicas) || int(next.availableReplicas) > int(old.availableReplicas);
    if (complete) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata!.name}" has successfully progressed.` : `Deployment "${d.metadata!.name}" has successfully progressed.`;
      conditions = setCondition(conditions, newCondition("Progressing", "True", "NewReplicaSetAvailable", msg));
      cleanupOldReplicaSets(sim, d, rss.filter((rs) => rs !== newRS));
    } else if (progressing) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata!.name}" is progressing.` : `Deployment "${d.metadata!.name}" is progressing.`;
      const c = newCondition("Progressing", "True", "ReplicaSetUpdated", msg);
      const cur = conditions.find((x) => x.type === "Progressing");
      if (cur?.status === "True") c.lastTransitionTime = cur.lastTransitionTime;
      conditions = [...conditions.filter((x) => x.type !== "Progressing"), c];
    }
  }
  if (conditions.length > 0) next.conditions = conditions;
  if (collisionCount !== undefined) next.collisionCount = collisionCount;
  writeStatus(sim, d, next);
}

function createReplicaSet(sim: Sim, d: KubeObject, revision: number, collisionCount: number | undefined): { rs: KubeObject; created: boolean } | "collision" {
  const sp = spec(d);
  const hash = podTemplateHash(withoutNulls(sp.template ?? {}), collisionCount);
  const name = `${d.metadata!.name}-${hash}`;
  const template = withoutNulls(sp.template ?? {}) as Obj;
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash } };
  const selector = deepClone(sp.selector ?? {}) as Obj;
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
  const desired = int(sp.replicas, 1);
  const rsSpec: Obj = { replicas: desired };
  if (int(sp.minReadySeconds) > 0) rsSpec.minReadySeconds = sp.minReadySeconds;
  rsSpec.selector = selector;
  rsSpec.template = template;
  const rs: KubeObject = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name,
      namespace: d.metadata!.namespace,
      labels: template.metadata.labels,
      annotations: { ...copiedAnnotations(d), [DESIRED]: String(desired), [MAX_REPLICAS]: String(desired + maxSurge(d)), [REVISION]: String(revision) },
      ownerReferences: [newControllerRef(d)],
    },
    spec: rsSpec,
  };
  try {
    return { rs: sim.client.create(rs), created: true };
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 409 && e.reason === "AlreadyExists")) throw e;
    const existing = sim.client.tryGet("apps/v1", "ReplicaSet", d.metadata!.namespace, name);
    if (existing && controllerRef(existing)?.uid === d.metadata!.uid && sameTemplate(spec(existing).template, sp.template)) return { rs: existing, created: false };
    return "collision";
  }
}

/** Brings an existing new ReplicaSet's replicas, minReadySeconds and annotations in line with the Deployment. */
function syncNewReplicaSet(sim: Sim, d: KubeObject, rs: KubeObject, maxOldRevision: number, replicas: number): KubeObject {
  const annotations: Record<string, string | null> = {};
  const cur = rs.metadata!.annotations ?? {};
  for (const [k, v] of Object.entries(copiedAnnotations(d))) if (cur[k] !== v) annotations[k] = v;
  if (revisionOf(rs) <= maxOldRevision) annotations[REVISION] = String(maxOldRevision + 1);
  if (cur[DESIRED] !== String(int(spec(d).replicas, 1))) annotations[DESIRED] = String(int(spec(d).replicas, 1));
  const max = String(int(spec(d).replicas, 1) + maxSurge(d));
  if (cur[MAX_REPLICAS] !== max) annotations[MAX_REPLICAS] = max;
  const patch: Obj = {};
  if (Object.keys(annotations).length > 0) patch.metadata = { annotations };
  const sp: Obj = {};
  if (int(spec(rs).replicas, 1) !== replicas) sp.replicas = replicas;
  if (int(spec(rs).minReadySeconds) !== int(spec(d).minReadySeconds)) sp.minReadySeconds = int(spec(d).minReadySeconds) || null;
  if (Object.keys(sp).length > 0) patch.spec = sp;
  if (Object.keys(patch).length === 0) return rs;
  const updated = mergePatch(sim, rs, patch);
  if (sp.replicas !== undefined) scalingEvent(sim, d, rs, replicas, int(spec(rs).replicas, 1));
  return updated;
}

function scaleReplicaSet(sim: Sim, rs: KubeObject, replicas: number, d: KubeObject): void {
  const cur = reload(sim, BUCKETS.ReplicaSet, rs);
  const from = cur ? int(spec(cur).replicas, 1) : 0;
  if (!cur || from === replicas) return;
  mergePatch(sim, cur, {
    metadata: { annotations: { [DESIRED]: String(int(spec(d).replicas, 1)), [MAX_REPLICAS]: String(int(spec(d).replicas, 1) + maxSurge(d)) } },
    spec: { replicas },
  });
  scalingEvent(sim, d, cur, replicas, from);
}

/** ScalingReplicaSet on the Deployment, worded as sync.go's scaleReplicaSet. */
function scalingEvent(sim: Sim, d: KubeObject, rs: KubeObject, to: number, from: number): void {
  recordEvent(sim, d, "deployment-controller", "Normal", "ScalingReplicaSet", `Scaled ${to > from ? "up" : "down"} replica set ${rs.metadata!.name} to ${to} from ${from}`);
}

/** cleanupDeployment: drop the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
function cleanupOldReplicaSets(sim: Sim, d: KubeObject, olds: KubeObject[]): void {
  const limit = spec(d).revisionHistoryLimit;
  if (typeof limit !== "number") return;
  const idle = olds
    .filter((rs) => !rs.metadata!.deletionTimestamp && int(spec(rs).replicas, 1) === 0 && int(status(rs).replicas) === 0)
    .sort((a, b) => revisionOf(a) - revisionOf(b) || creationTime(a) - creationTime(b));
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) deleteObject(sim, rs);
}
