/**
 * The DaemonSet controller, simulated for a cluster of one node (flotilla-node, labelled
 * kubernetes.io/hostname, kubernetes.io/os=linux, kubernetes.io/arch=amd64, no taints): one pod when the
 * template's nodeSelector matches the node, none otherwise. Pods carry controller-revision-hash and
 * pod-template-generation, upstream's node affinity and daemon tolerations. RollingUpdate replaces a pod
 * of an older revision; OnDelete leaves it.
 */
import type { KubeObject } from "../../registry.js";
import { isPodActive, isPodAvailable, isPodReady, podFromTemplate } from "./pods.js";
import { revisionHash, syncRevisions, truncateHistory } from "./revisions.js";
import { BUCKETS, NODE_LABELS, NODE_NAME, type Obj, type Sim, claim, creationTime, deleteObject, int, listIn, omitEmpty, selectorOf, spec, status, writeStatus } from "./sim.js";

const REVISION_LABEL = "controller-revision-hash";
const GENERATION_LABEL = "pod-template-generation";

const DAEMON_TOLERATIONS: Obj[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];

function fitsNode(ds: KubeObject): boolean {
  const sel = (spec(ds).template?.spec?.nodeSelector ?? {}) as Record<string, string>;
  return Object.entries(sel).every(([k, v]) => NODE_LABELS[k] === v);
}

export function syncDaemonSet(sim: Sim, ds: KubeObject): void {
  const ns = ds.metadata!.namespace!;
  const name = ds.metadata!.name!;
  const revs = syncRevisions(sim, ds);
  if (revs === "retry") {
    sim.requeue("DaemonSet", ns, name);
    return;
  }
  const hash = revisionHash(revs.update);
  const load = () => claim(sim, ds, listIn(sim, BUCKETS.Pod, ns), selectorOf(ds)).filter(isPodActive);
  let pods = load();
  const desired = fitsNode(ds) ? 1 : 0;

  if (!ds.metadata!.deletionTimestamp) {
    let changed = false;
    const sorted = [...pods].sort((a, b) => creationTime(a) - creationTime(b));
    for (const p of sorted.slice(desired)) {
      deleteObject(sim, p);
      changed = true;
    }
    const kept = sorted.slice(0, desired);
    if (kept.length < desired) {
      createPod(sim, ds, hash);
      changed = true;
    } else if (kept.length === 1 && (spec(ds).updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate" && kept[0]!.metadata?.labels?.[REVISION_LABEL] !== hash) {
      deleteObject(sim, kept[0]!);
      changed = true;
    }
    if (changed) pods = load();
  }

  const now = Date.now();
  const wait = { ms: Infinity };
  const scheduled = pods.length > 0 ? 1 : 0;
  const ready = pods.filter(isPodReady).length;
  const available = pods.filter((p) => isPodAvailable(p, int(spec(ds).minReadySeconds), now, wait)).length;
  const next = omitEmpty(
    {
      currentNumberScheduled: scheduled,
      numberMisscheduled: 0,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: ds.metadata!.generation,
      updatedNumberScheduled: pods.filter((p) => p.metadata?.labels?.[REVISION_LABEL] === hash).length,
      numberAvailable: available,
      numberUnavailable: Math.max(desired - available, 0),
      collisionCount: status(ds).collisionCount,
      conditions: status(ds).conditions,
    },
    ["observedGeneration", "updatedNumberScheduled", "numberAvailable", "numberUnavailable", "conditions"],
  );
  writeStatus(sim, ds, next);
  truncateHistory(sim, ds, revs.all, new Set([revs.update.metadata!.name!, ...revs.all.filter((r) => pods.some((p) => p.metadata?.labels?.[REVISION_LABEL] === revisionHash(r))).map((r) => r.metadata!.name!)]));
  if (wait.ms !== Infinity) sim.requeue("DaemonSet", ns, name, wait.ms + 10);
}

function createPod(sim: Sim, ds: KubeObject, hash: string): void {
  const pod = podFromTemplate(spec(ds).template, ds, {
    labels: { [REVISION_LABEL]: hash, [GENERATION_LABEL]: String(ds.metadata!.generation ?? 1) },
    mutateSpec: (ps) => {
      ps.affinity = {
        ...(ps.affinity ?? {}),
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [NODE_NAME] }] }],
          },
        },
      };
      const tolerations = (Array.isArray(ps.tolerations) ? ps.tolerations : []) as Obj[];
      for (const t of ps.hostNetwork ? [...DAEMON_TOLERATIONS, { key: "node.kubernetes.io/network-unavailable", operator: "Exists", effect: "NoSchedule" }] : DAEMON_TOLERATIONS)
        if (!tolerations.some((x) => x.key === t.key && x.effect === t.effect)) tolerations.push(t);
      ps.tolerations = tolerations;
    },
  });
  sim.client.create(pod);
}
