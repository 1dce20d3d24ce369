/**
 * The workload simulator: with no kubelet, scheduler or controller-manager behind the API server, it plays
 * their part for Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and Pods so that workload status
 * looks as it does on a healthy one-node cluster. The rules are in ../../../WORKLOADS.md.
 *
 * Every store event on a workload (or on an object it controls, or on an orphan its selector matches)
 * queues that workload's sync, which runs `delayMs` later (default 50 ms) and takes one step: create or
 * delete what is missing or extra, then write status through the status subresource. Its own writes queue
 * the next step, so a rollout advances one delay at a time, deterministically, until nothing changes.
 */
import type { Controller, ControllerContext } from "../../controllers.js";
import type { KubeObject } from "../../registry.js";
import { labelSelectorFromObject } from "../../selectors.js";
import type { StoreEvent } from "../../store.js";
import { DelayQueue, controllerRef, isExpectedConflict, reportUnexpected } from "../common.js";
import { syncDaemonSet } from "./daemonset.js";
import { syncDeployment } from "./deployment.js";
import { syncJob } from "./job.js";
import { syncPod } from "./pods.js";
import { syncReplicaSet } from "./replicaset.js";
import { BUCKETS, REVISIONS_BUCKET, type Sim, type WorkloadKind, spec } from "./sim.js";
import { syncStatefulSet } from "./statefulset.js";

export interface WorkloadSimulatorOptions {
  /** Delay between a change and the simulated reaction to it, in ms (default 50). */
  delayMs?: number;
}

const KIND_OF_BUCKET = new Map<string, WorkloadKind>(Object.entries(BUCKETS).map(([k, b]) => [b, k as WorkloadKind]));

const SYNC: Record<WorkloadKind, (sim: Sim, obj: KubeObject) => void> = {
  Deployment: syncDeployment,
  ReplicaSet: syncReplicaSet,
  StatefulSet: syncStatefulSet,
  DaemonSet: syncDaemonSet,
  Job: syncJob,
  Pod: syncPod,
};

/** Which controllers adopt orphans of a kind (by selector). */
const ADOPTERS: Partial<Record<string, WorkloadKind[]>> = {
  ReplicaSet: ["Deployment"],
  Pod: ["ReplicaSet", "StatefulSet", "DaemonSet"],
  ControllerRevision: ["StatefulSet", "DaemonSet"],
};

const MAX_CONFLICT_RETRIES = 10;

export class WorkloadSimulator implements Controller {
  readonly name = "workload-simulator";
  readonly delayMs: number;
  private ctx!: ControllerContext;
  private queue: DelayQueue;
  private unsubscribe?: () => void;
  private usedIPs = new Set<string>();
  private nextIP = 1;
  private conflicts = new Map<string, number>();
  private sim!: Sim;

  constructor(options: WorkloadSimulatorOptions = {}) {
    this.delayMs = options.delayMs ?? 50;
    this.queue = new DelayQueue(this.delayMs, (key) => this.run(key));
  }

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    const { store } = ctx.core;
    this.sim = {
      client: ctx.client,
      store,
      requeue: (kind, ns, name, delayMs) => this.queue.add(`${kind}/${ns}/${name}`, delayMs),
      allocatePodIP: () => this.allocatePodIP(),
    };
    for (const e of store.list(BUCKETS.Pod)) {
      const ip = (e.object.status as { podIP?: unknown } | undefined)?.podIP;
      if (typeof ip === "string") this.usedIPs.add(ip);
    }
    this.unsubscribe = store.subscribeAll((ev) => this.onEvent(ev));
    for (const [kind, bucket] of Object.entries(BUCKETS) as Array<[WorkloadKind, string]>)
      for (const e of store.list(bucket)) this.enqueue(kind, e.object);
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private enqueue(kind: WorkloadKind, obj: KubeObject): void {
    const m = obj.metadata;
    if (m?.namespace && m.name) this.queue.add(`${kind}/${m.namespace}/${m.name}`);
  }

  private onEvent(ev: StoreEvent): void {
    const kind = KIND_OF_BUCKET.get(ev.bucket);
    if (!kind && ev.bucket !== REVISIONS_BUCKET) return;
    const obj = ev.object;
    const ns = obj.metadata?.namespace;
    if (!ns) return;
    if (ev.type === "DELETED") {
      if (kind === "Pod") {
        const ip = (obj.status as { podIP?: unknown } | undefined)?.podIP;
        if (typeof ip === "string") this.usedIPs.delete(ip);
      }
    } else if (kind) this.enqueue(kind, obj);
    const owner = controllerRef(obj) ?? (ev.prev ? controllerRef(ev.prev) : undefined);
    if (owner && KIND_OF_BUCKET.has(BUCKETS[owner.kind as WorkloadKind])) this.queue.add(`${owner.kind}/${ns}/${owner.name}`);
    else if (!owner && ev.type !== "DELETED") {
      // An orphan: whichever controller's selector matches may adopt it.
      const labels = obj.metadata?.labels ?? {};
      for (const adopter of ADOPTERS[String(obj.kind)] ?? []) {
        for (const e of this.ctx.core.store.list(BUCKETS[adopter], ns)) {
          const sel = labelSelectorFromObject(spec(e.object).selector);
          if (!sel.empty && sel.matches(labels)) this.enqueue(adopter, e.object);
        }
      }
    }
  }

  private run(key: string): void {
    const [kind, ns, name] = key.split("/") as [WorkloadKind, string, string];
    const entry = this.ctx.core.store.get(BUCKETS[kind], `${ns}/${name}`);
    if (!entry) return;
    try {
      SYNC[kind](this.sim, entry.object);
      this.conflicts.delete(key);
    } catch (e) {
      if (!isExpectedConflict(e)) {
        reportUnexpected(this.name, `syncing ${kind} ${ns}/${name}`, e);
        return;
      }
      // Someone wrote in between (or the namespace is terminating): try again a little later.
      const n = (this.conflicts.get(key) ?? 0) + 1;
      if (e.code === 409 && n <= MAX_CONFLICT_RETRIES) {
        this.conflicts.set(key, n);
        this.queue.add(key);
      } else this.conflicts.delete(key);
    }
  }

  /** Pod IPs from 10.244.0.0/16 (the node's pod CIDR), in order, skipping ones in use. */
  private allocatePodIP(): string {
    for (let i = 0; i < 65_536; i++) {
      const n = this.nextIP;
      this.nextIP = this.nextIP >= 65_533 ? 1 : this.nextIP + 1;
      const ip = `10.244.${(n + 1) >> 8}.${(n + 1) & 255}`;
      if (((n + 1) & 255) === 0 || ((n + 1) & 255) === 255 || this.usedIPs.has(ip)) continue;
      this.usedIPs.add(ip);
      return ip;
    }
    return "10.244.255.254";
  }
}
