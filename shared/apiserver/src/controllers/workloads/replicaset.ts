/**
 * The ReplicaSet controller: keeps spec.replicas active pods (creating from the template, deleting the
 * least valuable first), and reports replicas / fullyLabeledReplicas / readyReplicas / availableReplicas /
 * observedGeneration. A ReplicaSet being deleted manages no pods but still reports status.
 */
import type { KubeObject } from "../../registry.js";
import { labelSelectorFromObject } from "../../selectors.js";
import { isPodActive, isPodAvailable, isPodReady, podFromTemplate } from "./pods.js";
import { BUCKETS, type Sim, claim, creationTime, deleteObject, int, listIn, omitEmpty, recordEvent, selectorOf, spec, status, writeStatus } from "./sim.js";

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** getPodsToDelete's order, simplified: unscheduled/pending before running, not ready before ready, newest first. */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const pa = PHASE_RANK[String(status(a).phase)] ?? 0;
  const pb = PHASE_RANK[String(status(b).phase)] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a) ? 1 : 0;
  const rb = isPodReady(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  const ca = creationTime(a);
  const cb = creationTime(b);
  if (ca !== cb) return cb - ca;
  return String(b.metadata?.name).localeCompare(String(a.metadata?.name));
}

export function syncReplicaSet(sim: Sim, rs: KubeObject): void {
  const ns = rs.metadata!.namespace!;
  const sp = spec(rs);
  const selector = selectorOf(rs);
  let pods = claim(sim, rs, listIn(sim, BUCKETS.Pod, ns), selector).filter(isPodActive);

  if (!rs.metadata!.deletionTimestamp) {
    const want = int(sp.replicas, 1);
    const diff = pods.length - want;
    if (diff < 0) {
      for (let i = 0; i < -diff; i++) {
        const pod = sim.client.create(podFromTemplate(sp.template, rs));
        recordEvent(sim, rs, "replicaset-controller", "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata!.name}`);
      }
    } else if (diff > 0) {
      for (const p of [...pods].sort(deletionOrder).slice(0, diff)) {
        deleteObject(sim, p);
        recordEvent(sim, rs, "replicaset-controller", "Normal", "SuccessfulDelete", `Deleted pod: ${p.metadata!.name}`);
      }
    }
    if (diff !== 0) pods = listIn(sim, BUCKETS.Pod, ns).filter((p) => isPodActive(p) && claimedBy(p, rs));
  }

  const now = Date.now();
  const minReady = int(sp.minReadySeconds);
  const wait = { ms: Infinity };
  const templateLabels = labelSelectorFromObject({ matchLabels: sp.template?.metadata?.labels ?? {} });
  const next = omitEmpty(
    {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => templateLabels.matches(p.metadata?.labels ?? {})).length,
      readyReplicas: pods.filter(isPodReady).length,
      availableReplicas: pods.filter((p) => isPodAvailable(p, minReady, now, wait)).length,
      observedGeneration: rs.metadata!.generation,
      conditions: status(rs).conditions,
    },
    ["fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration", "conditions"],
  );
  writeStatus(sim, rs, next);
  if (wait.ms !== Infinity) sim.requeue("ReplicaSet", ns, rs.metadata!.name!, wait.ms + 10);
}

function claimedBy(p: KubeObject, owner: KubeObject): boolean {
  return (p.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.uid === owner.metadata!.uid);
}
