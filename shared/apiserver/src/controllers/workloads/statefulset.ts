/**
 * The StatefulSet controller, simulated: pods `<name>-<ordinal>` for ordinals [start, start+replicas),
 * labelled controller-revision-hash / statefulset.kubernetes.io/pod-name / apps.kubernetes.io/pod-index,
 * with hostname and subdomain; PersistentVolumeClaims `<claim>-<name>-<ordinal>` from volumeClaimTemplates
 * (reported Bound, since no provisioner exists). OrderedReady creates one pod at a time once the previous
 * ones are Running and Ready, and removes the highest ordinal first; Parallel does all at once.
 * RollingUpdate replaces pods whose revision is not the update revision, highest ordinal first, one at a
 * time, down to the partition; OnDelete leaves them. Status carries the revision names and counts as
 * upstream, and currentRevision moves to updateRevision once every pod is updated and ready.
 */
import type { KubeObject } from "../../registry.js";
import { deepClone, isObject } from "../../util.js";
import { isPodAvailable, isPodReady, podFromTemplate } from "./pods.js";
import { revisionTemplate, syncRevisions, truncateHistory } from "./revisions.js";
import { BUCKETS, PVC_BUCKET, type Obj, type Sim, claim, deleteObject, int, listIn, omitEmpty, selectorOf, spec, status, writeStatus } from "./sim.js";

export const REVISION_LABEL = "controller-revision-hash";
const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

function ordinalOf(setName: string, pod: KubeObject): number | undefined {
  const name = pod.metadata!.name!;
  if (!name.startsWith(`${setName}-`)) return undefined;
  const rest = name.slice(setName.length + 1);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

export function syncStatefulSet(sim: Sim, sts: KubeObject): void {
  const ns = sts.metadata!.namespace!;
  const name = sts.metadata!.name!;
  const sp = spec(sts);
  const revs = syncRevisions(sim, sts);
  if (revs === "retry") {
    sim.requeue("StatefulSet", ns, name);
    return;
  }
  const updateRev = revs.update.metadata!.name!;
  const prevCurrent = status(sts).currentRevision;
  const currentRevObj = revs.all.find((r) => r.metadata!.name === prevCurrent) ?? revs.update;
  const currentRev = currentRevObj.metadata!.name!;
  const replicas = int(sp.replicas, 1);
  const start = int(sp.ordinals?.start);
  const parallel = sp.podManagementPolicy === "Parallel";
  const strategy = sp.updateStrategy?.type ?? "RollingUpdate";
  const partition = strategy === "RollingUpdate" ? int(sp.updateStrategy?.rollingUpdate?.partition) : 0;

  const load = () => claim(sim, sts, listIn(sim, BUCKETS.Pod, ns), selectorOf(sts));
  let pods = load();

  if (!sts.metadata!.deletionTimestamp) {
    const byOrdinal = new Map<number, KubeObject>();
    const condemned: KubeObject[] = [];
    for (const p of pods) {
      const ord = ordinalOf(name, p);
      if (ord !== undefined && ord >= start && ord < start + replicas) byOrdinal.set(ord, p);
      else condemned.push(p);
    }
    let changed = false;
    let blocked = false;
    for (let ord = start; ord < start + replicas && !blocked; ord++) {
      const p = byOrdinal.get(ord);
      if (p) {
        if (p.metadata!.deletionTimestamp || status(p).phase === "Failed" || status(p).phase === "Succeeded") {
          if (!p.metadata!.deletionTimestamp) deleteObject(sim, p);
          changed = true;
          if (!parallel) blocked = true;
        } else if (!parallel && !isPodReady(p)) blocked = true;
        continue;
      }
      const useCurrent = ord - start < partition && strategy === "RollingUpdate";
      createPod(sim, sts, ord, useCurrent ? currentRevObj : revs.update);
      changed = true;
      if (!parallel) blocked = true;
    }
    if (!blocked) {
      condemned.sort((a, b) => (ordinalOf(name, b) ?? -1) - (ordinalOf(name, a) ?? -1));
      for (const p of condemned) {
        if (!p.metadata!.deletionTimestamp) deleteObject(sim, p);
        changed = true;
        if (!parallel) break;
      }
    }
    const allReady = [...byOrdinal.values()].length === replicas && [...byOrdinal.values()].every(isPodReady);
    if (!changed && allReady && strategy === "RollingUpdate") {
      for (let ord = start + replicas - 1; ord >= start + partition; ord--) {
        const p = byOrdinal.get(ord)!;
        if (p.metadata!.labels?.[REVISION_LABEL] !== updateRev) {
          deleteObject(sim, p);
          changed = true;
          break;
        }
      }
    }
    if (changed) pods = load();
  }

  const now = Date.now();
  const minReady = int(sp.minReadySeconds);
  const wait = { ms: Infinity };
  const live = pods.filter((p) => !p.metadata!.deletionTimestamp);
  const rev = (p: KubeObject) => p.metadata!.labels?.[REVISION_LABEL];
  const counts = {
    replicas: live.length,
    ready: live.filter(isPodReady).length,
    current: live.filter((p) => rev(p) === currentRev).length,
    updated: live.filter((p) => rev(p) === updateRev).length,
    available: live.filter((p) => isPodAvailable(p, minReady, now, wait)).length,
  };
  let current = currentRev;
  let currentReplicas = counts.current;
  if (strategy === "RollingUpdate" && counts.updated === counts.replicas && counts.ready === counts.replicas) {
    current = updateRev;
    currentReplicas = counts.updated;
  }
  const next = omitEmpty(
    {
      observedGeneration: sts.metadata!.generation,
      replicas: counts.replicas,
      readyReplicas: counts.ready,
      currentReplicas,
      updatedReplicas: counts.updated,
      currentRevision: current,
      updateRevision: updateRev,
      collisionCount: revs.collisionCount,
      conditions: status(sts).conditions,
      availableReplicas: counts.available,
    },
    ["observedGeneration", "readyReplicas", "currentReplicas", "updatedReplicas", "currentRevision", "updateRevision", "conditions"],
  );
  writeStatus(sim, sts, next);
  truncateHistory(sim, sts, revs.all, new Set([current, updateRev, ...live.map((p) => String(rev(p)))]));
  if (wait.ms !== Infinity) sim.requeue("StatefulSet", ns, name, wait.ms + 10);
}

function createPod(sim: Sim, sts: KubeObject, ordinal: number, revision: KubeObject): void {
  const sp = spec(sts);
  const name = `${sts.metadata!.name}-${ordinal}`;
  const claims = (Array.isArray(sp.volumeClaimTemplates) ? sp.volumeClaimTemplates : []) as Obj[];
  for (const c of claims) ensureClaim(sim, sts, c, ordinal);
  const pod = podFromTemplate(revisionTemplate(revision), sts, {
    name,
    labels: { [REVISION_LABEL]: revision.metadata!.name!, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) },
    mutateSpec: (ps) => {
      ps.hostname = name;
      if (sp.serviceName) ps.subdomain = sp.serviceName;
      if (claims.length > 0) {
        const volumes = (Array.isArray(ps.volumes) ? ps.volumes : []) as Obj[];
        for (const c of claims) {
          const volName = String(c.metadata?.name);
          const v = { name: volName, persistentVolumeClaim: { claimName: `${volName}-${sts.metadata!.name}-${ordinal}` } };
          const i = volumes.findIndex((x) => x.name === volName);
          if (i >= 0) volumes[i] = v;
          else volumes.push(v);
        }
        ps.volumes = volumes;
      }
    },
  });
  sim.client.create(pod);
}

/** The claim a pod's volumeClaimTemplate asks for; bound at once since no storage provisioner exists. */
function ensureClaim(sim: Sim, sts: KubeObject, template: Obj, ordinal: number): void {
  const ns = sts.metadata!.namespace!;
  const name = `${template.metadata?.name}-${sts.metadata!.name}-${ordinal}`;
  if (sim.store.get(PVC_BUCKET, `${ns}/${name}`)) return;
  const labels = { ...(template.metadata?.labels ?? {}), ...(spec(sts).selector?.matchLabels ?? {}) };
  const claimSpec = deepClone(isObject(template.spec) ? template.spec : {}) as Obj;
  claimSpec.volumeMode ??= "Filesystem";
  const metadata: Obj = { name, namespace: ns, labels };
  if (isObject(template.metadata?.annotations)) metadata.annotations = template.metadata.annotations;
  if (spec(sts).persistentVolumeClaimRetentionPolicy?.whenDeleted === "Delete")
    metadata.ownerReferences = [{ apiVersion: "apps/v1", kind: "StatefulSet", name: sts.metadata!.name, uid: sts.metadata!.uid, blockOwnerDeletion: true }];
  const created = sim.client.create({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata, spec: claimSpec });
  const storage = claimSpec.resources?.requests?.storage;
  sim.client.update(
    {
      ...created,
      status: { phase: "Bound", accessModes: claimSpec.accessModes ?? ["ReadWriteOnce"], ...(storage ? { capacity: { storage } } : {}) },
    },
    { subresource: "status", fieldManager: "kube-controller-manager" },
  );
}
