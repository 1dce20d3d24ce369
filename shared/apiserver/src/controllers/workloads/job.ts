/**
 * The Job controller, simulated: every pod succeeds (the kubelet completes pods that are not restarted).
 * Up to `parallelism` pods run at once until `completions` have succeeded (Indexed jobs: one pod per
 * index, labelled and annotated with batch.kubernetes.io/job-completion-index, completedIndexes reported);
 * without completions, the first success completes the job. Completion sets SuccessCriteriaMet and
 * Complete (reason CompletionsReached, "Reached expected number of succeeded pods", as 1.32 does) and
 * completionTime. spec.suspend removes running pods and reports Suspended; ttlSecondsAfterFinished deletes
 * the finished Job (the TTL-after-finished controller). Failures, backoff and deadlines never happen.
 */
import type { KubeObject } from "../../registry.js";
import { rfc3339 } from "../../util.js";
import { isPodActive, isPodReady, podFromTemplate } from "./pods.js";
import { BUCKETS, type Obj, type Sim, deleteObject, int, listOwned, omitEmpty, recordEvent, spec, status, writeStatus } from "./sim.js";

const INDEX_KEY = "batch.kubernetes.io/job-completion-index";

interface JobCondition {
  type: string;
  status: string;
  lastProbeTime: string;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

function cond(type: string, st: string, reason: string, message: string, now: string): JobCondition {
  return { type, status: st, lastProbeTime: now, lastTransitionTime: now, reason, message };
}

function isFinished(job: KubeObject): JobCondition | undefined {
  const conds = (status(job).conditions ?? []) as JobCondition[];
  return conds.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
}

/** Sorted indexes as upstream's interval string: "0-2,4". */
function intervals(indexes: number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

function indexOf(p: KubeObject): number | undefined {
  const v = p.metadata?.annotations?.[INDEX_KEY] ?? p.metadata?.labels?.[INDEX_KEY];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

export function syncJob(sim: Sim, job: KubeObject): void {
  const ns = job.metadata!.namespace!;
  const name = job.metadata!.name!;
  const sp = spec(job);
  const st = status(job);
  const now = rfc3339(new Date());

  const finished = isFinished(job);
  if (finished) {
    ttlAfterFinished(sim, job, finished);
    return;
  }
  if (job.metadata!.deletionTimestamp) return;

  let pods = listOwned(sim, BUCKETS.Pod, job);
  let conditions = ((st.conditions ?? []) as JobCondition[]).map((c) => ({ ...c }));
  const indexed = sp.completionMode === "Indexed";
  const completions: number | undefined = typeof sp.completions === "number" ? sp.completions : undefined;
  const parallelism = int(sp.parallelism, 1);

  if (sp.suspend === true) {
    for (const p of pods.filter(isPodActive)) deleteObject(sim, p);
    pods = listOwned(sim, BUCKETS.Pod, job);
    if (!conditions.some((c) => c.type === "Suspended" && c.status === "True"))
      conditions = [...conditions.filter((c) => c.type !== "Suspended"), cond("Suspended", "True", "JobSuspended", "Job suspended", now)];
    const { startTime: _s, ...rest } = st;
    writeStatus(sim, job, buildStatus({ ...rest, conditions }, pods, indexed));
    return;
  }
  const suspended = conditions.find((c) => c.type === "Suspended" && c.status === "True");
  if (suspended) Object.assign(suspended, { status: "False", reason: "JobResumed", message: "Job resumed", lastProbeTime: now, lastTransitionTime: now });

  const succeededPods = pods.filter((p) => p.status && (p.status as Obj).phase === "Succeeded");
  const succeeded = Math.max(int(st.succeeded), succeededPods.length);
  const doneIndexes = new Set(succeededPods.map(indexOf).filter((i): i is number => i !== undefined));
  let active = pods.filter(isPodActive);
  const complete = completions !== undefined ? (indexed ? doneIndexes.size >= completions : succeeded >= completions) : succeeded > 0 && active.length === 0;
  let next: Obj = { ...st, conditions, startTime: st.startTime ?? now };

  if (complete) {
    for (const p of active) deleteObject(sim, p);
    const message = "Reached expected number of succeeded pods";
    if (!conditions.some((c) => c.type === "SuccessCriteriaMet")) conditions.push(cond("SuccessCriteriaMet", "True", "CompletionsReached", message, now));
    conditions.push(cond("Complete", "True", "CompletionsReached", message, now));
    next = { ...next, conditions, completionTime: now };
    pods = listOwned(sim, BUCKETS.Pod, job);
  } else {
    let want: number;
    if (completions === undefined) want = succeeded > 0 ? 0 : parallelism;
    else want = Math.min(parallelism, completions - (indexed ? doneIndexes.size : succeeded));
    if (indexed && completions !== undefined) {
      const busy = new Set(active.map(indexOf));
      for (let i = 0; i < completions && active.length < want; i++) {
        if (doneIndexes.has(i) || busy.has(i)) continue;
        active.push(createJobPod(sim, job, jobPod(job, i)));
      }
    } else {
      for (let n = active.length; n < want; n++) active.push(createJobPod(sim, job, jobPod(job)));
    }
    pods = listOwned(sim, BUCKETS.Pod, job);
    active = pods.filter(isPodActive);
  }
  writeStatus(sim, job, buildStatus({ ...next, succeeded }, pods, indexed));
  if (complete) recordEvent(sim, job, "job-controller", "Normal", "Completed", "Job completed");
  if (complete) {
    const done = isFinished(sim.client.tryGet("batch/v1", "Job", ns, name) ?? job);
    if (done) ttlAfterFinished(sim, sim.client.tryGet("batch/v1", "Job", ns, name) ?? job, done);
  }
}

/** JobStatus in upstream's member order, with its omitempty rules (ready and terminating always present). */
function buildStatus(base: Obj, pods: KubeObject[], indexed: boolean): Obj {
  const active = pods.filter(isPodActive);
  const succeededPods = pods.filter((p) => (p.status as Obj | undefined)?.phase === "Succeeded");
  const succeeded = Math.max(int(base.succeeded), succeededPods.length);
  const out = omitEmpty(
    {
      conditions: base.conditions,
      startTime: base.startTime,
      completionTime: base.completionTime,
      active: active.length,
      succeeded,
      failed: int(base.failed),
      terminating: 0,
      completedIndexes: indexed ? intervals(succeededPods.map(indexOf).filter((i): i is number => i !== undefined)) : undefined,
      uncountedTerminatedPods: {},
      ready: active.filter(isPodReady).length,
    },
    ["conditions", "active", "succeeded", "failed", "completedIndexes"],
  );
  return out;
}

function jobPod(job: KubeObject, index?: number): KubeObject {
  const name = job.metadata!.name!;
  if (index === undefined) return podFromTemplate(spec(job).template, job);
  return podFromTemplate(spec(job).template, job, {
    generateName: `${name}-${index}-`,
    labels: { [INDEX_KEY]: String(index) },
    annotations: { [INDEX_KEY]: String(index) },
    mutateSpec: (ps) => {
      ps.hostname ??= `${name}-${index}`;
    },
  });
}

/** The TTL-after-finished controller: a finished Job with ttlSecondsAfterFinished goes that long after. */
function ttlAfterFinished(sim: Sim, job: KubeObject, finished: JobCondition): void {
  const ttl = spec(job).ttlSecondsAfterFinished;
  if (typeof ttl !== "number" || job.metadata!.deletionTimestamp) return;
  const at = (Date.parse(String(status(job).completionTime ?? finished.lastTransitionTime)) || Date.now()) + ttl * 1000;
  const left = at - Date.now();
  if (left > 0) {
    sim.requeue("Job", job.metadata!.namespace!, job.metadata!.name!, left + 10);
    return;
  }
  deleteObject(sim, job, "Background");
}

/** podControl.CreatePods: the pod, then its SuccessfulCreate event on the Job. */
function createJobPod(sim: Sim, job: KubeObject, pod: KubeObject): KubeObject {
  const created = sim.client.create(pod);
  recordEvent(sim, job, "job-controller", "Normal", "SuccessfulCreate", `Created pod: ${created.metadata!.name}`);
  return created;
}
