/**
 * Pods: creating them from a controller's template (controller.GetPodFromTemplate), and the kubelet of the
 * one simulated node, which starts every pod that is not yet running and completes pods that are not
 * restarted (restartPolicy Never / OnFailure) one step later, with the status a real kubelet reports.
 */
import { createHash } from "node:crypto";
import type { KubeObject } from "../../registry.js";
import { deepClone, isObject, rfc3339 } from "../../util.js";
import { type OwnerRef, newControllerRef } from "../common.js";
import { NODE_IP, NODE_NAME, type Obj, type Sim, spec, status, writeStatus } from "./sim.js";

export function isPodActive(p: KubeObject): boolean {
  const phase = status(p).phase;
  return phase !== "Succeeded" && phase !== "Failed" && !p.metadata?.deletionTimestamp;
}

function condition(p: KubeObject, type: string): Obj | undefined {
  const conds = status(p).conditions;
  return Array.isArray(conds) ? (conds as Obj[]).find((c) => c.type === type) : undefined;
}

export function isPodReady(p: KubeObject): boolean {
  return status(p).phase === "Running" && condition(p, "Ready")?.status === "True";
}

/** Ready for at least minReadySeconds (podutil.IsPodAvailable); `wait` gets the ms until it will be. */
export function isPodAvailable(p: KubeObject, minReadySeconds: number, now: number, wait?: { ms: number }): boolean {
  if (!isPodReady(p)) return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(String(condition(p, "Ready")?.lastTransitionTime ?? "")) || now;
  const left = since + minReadySeconds * 1000 - now;
  if (left <= 0) return true;
  if (wait) wait.ms = Math.min(wait.ms, left);
  return false;
}

export interface PodOptions {
  name?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Changes to the pod spec after it is copied from the template. */
  mutateSpec?: (spec: Obj) => void;
  ownerReference?: OwnerRef;
}

/**
 * controller.GetPodFromTemplate: labels, annotations and finalizers from the template, the owner as
 * controller. The simulated scheduler binds the pod to the node at once (no binding subresource).
 */
export function podFromTemplate(template: unknown, owner: KubeObject, o: PodOptions = {}): KubeObject {
  const t = (isObject(template) ? deepClone(template) : {}) as Obj;
  const tm = (isObject(t.metadata) ? t.metadata : {}) as Obj;
  const podSpec = (isObject(t.spec) ? t.spec : {}) as Obj;
  o.mutateSpec?.(podSpec);
  if (!podSpec.nodeName) podSpec.nodeName = NODE_NAME;
  const metadata: Obj = { namespace: owner.metadata!.namespace };
  if (o.name) metadata.name = o.name;
  else metadata.generateName = o.generateName ?? `${owner.metadata!.name}-`;
  const labels = { ...(tm.labels ?? {}), ...(o.labels ?? {}) };
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  const annotations = { ...(tm.annotations ?? {}), ...(o.annotations ?? {}) };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  if (Array.isArray(tm.finalizers) && tm.finalizers.length > 0) metadata.finalizers = tm.finalizers;
  metadata.ownerReferences = [o.ownerReference ?? newControllerRef(owner)];
  return { apiVersion: "v1", kind: "Pod", metadata, spec: podSpec };
}

// ------------------------------------------------------------------------------------------------ kubelet

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

/** The image reference containerd reports for a spec image (docker.io/library/nginx:latest for nginx). */
export function normalizeImage(image: string): { image: string; imageID: string } {
  let name = image;
  let digest = "";
  const at = name.indexOf("@");
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
  }
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  if (!(slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost"))) name = `docker.io/${slash < 0 ? "library/" : ""}${name}`;
  const lastSegment = name.slice(name.lastIndexOf("/") + 1);
  const tagged = lastSegment.includes(":");
  const repo = tagged ? name.slice(0, name.lastIndexOf(":")) : name;
  const reported = digest ? `${repo}@${digest}` : tagged ? name : `${name}:latest`;
  return { image: reported, imageID: `${repo}@${digest || `sha256:${sha256(reported)}`}` };
}

function podCondition(type: string, value: boolean, now: string, reason?: string): Obj {
  const c: Obj = { type, status: value ? "True" : "False", lastProbeTime: null, lastTransitionTime: now };
  if (reason) c.reason = reason;
  return c;
}

/** Keeps a condition's lastTransitionTime when its status did not change. */
function carryTransitions(conds: Obj[], old: Obj[] | undefined): Obj[] {
  for (const c of conds) {
    const prev = old?.find((o) => o.type === c.type);
    if (prev && prev.status === c.status && prev.lastTransitionTime) c.lastTransitionTime = prev.lastTransitionTime;
  }
  return conds;
}

function containerID(pod: KubeObject, name: string): string {
  return `containerd://${sha256(`${pod.metadata!.uid}/${name}`)}`;
}

function containerStatus(pod: KubeObject, c: Obj, state: "running" | "terminated", startedAt: string, finishedAt: string): Obj {
  const { image, imageID } = normalizeImage(String(c.image ?? ""));
  const id = containerID(pod, String(c.name));
  const st: Obj =
    state === "running"
      ? { running: { startedAt } }
      : { terminated: { exitCode: 0, reason: "Completed", startedAt, finishedAt, containerID: id } };
  return {
    containerID: id,
    image,
    imageID,
    lastState: {},
    name: c.name,
    ready: state === "running",
    restartCount: 0,
    started: state === "running",
    state: st,
  };
}

/**
 * One kubelet step for a pod: not yet running -> Running and Ready (scheduled, init containers completed,
 * containers started); Running with restartPolicy Never/OnFailure -> Succeeded (every container exited 0).
 */
export function syncPod(sim: Sim, pod: KubeObject): void {
  if (pod.metadata?.deletionTimestamp) return;
  const st = status(pod);
  const ps = spec(pod);
  const nowDate = new Date();
  const now = rfc3339(nowDate);
  const containers = (Array.isArray(ps.containers) ? ps.containers : []) as Obj[];
  const inits = (Array.isArray(ps.initContainers) ? ps.initContainers : []) as Obj[];
  const oldConds = Array.isArray(st.conditions) ? (st.conditions as Obj[]) : undefined;

  if (st.phase === undefined || st.phase === "Pending") {
    const ip = typeof st.podIP === "string" ? st.podIP : sim.allocatePodIP();
    const next: Obj = {
      phase: "Running",
      conditions: carryTransitions(
        [
          podCondition("PodReadyToStartContainers", true, now),
          podCondition("Initialized", true, now),
          podCondition("Ready", true, now),
          podCondition("ContainersReady", true, now),
          podCondition("PodScheduled", true, now),
        ],
        oldConds,
      ),
      hostIP: NODE_IP,
      hostIPs: [{ ip: NODE_IP }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: st.startTime ?? now,
    };
    if (inits.length > 0) next.initContainerStatuses = inits.map((c) => containerStatus(pod, c, "terminated", now, now));
    next.containerStatuses = containers.map((c) => containerStatus(pod, c, "running", now, now));
    if (st.qosClass) next.qosClass = st.qosClass;
    writeStatus(sim, pod, next, "kubelet");
    return;
  }

  const restartPolicy = ps.restartPolicy ?? "Always";
  if (st.phase === "Running" && restartPolicy !== "Always") {
    const next: Obj = {
      ...st,
      phase: "Succeeded",
      conditions: carryTransitions(
        [
          podCondition("PodReadyToStartContainers", false, now),
          podCondition("Initialized", true, now, "PodCompleted"),
          podCondition("Ready", false, now, "PodCompleted"),
          podCondition("ContainersReady", false, now, "PodCompleted"),
          podCondition("PodScheduled", true, now),
        ],
        oldConds,
      ),
      containerStatuses: containers.map((c) => {
        const started = (st.containerStatuses as Obj[] | undefined)?.find((s) => s.name === c.name)?.state?.running?.startedAt ?? now;
        return containerStatus(pod, c, "terminated", started, now);
      }),
    };
    writeStatus(sim, pod, next, "kubelet");
  }
}
