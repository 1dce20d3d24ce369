/**
 * The controllers the server starts by default, in order: CRD registration, the garbage collector, the
 * namespace controller, and (with simulateWorkloads) the workload simulator that stands in for
 * kube-controller-manager's workload controllers, the scheduler and a kubelet (see ../../WORKLOADS.md).
 * `options` carries the server's startup flags.
 */
import type { Controller } from "../controllers.js";
import { CrdController } from "../crds.js";
import { GarbageCollector } from "./gc.js";
import { NamespaceController } from "./namespace.js";
import { WorkloadSimulator } from "./workloads/index.js";

export interface ControllerOptions {
  /** Run the workload simulator (Deployments/Pods become Ready without a kubelet). */
  simulateWorkloads: boolean;
  /** The simulator's delay between a change and its reaction, in ms (default 50). */
  workloadDelayMs?: number;
}

export function defaultControllers(options: ControllerOptions): Controller[] {
  const controllers: Controller[] = [new CrdController(), new GarbageCollector(), new NamespaceController()];
  if (options.simulateWorkloads) controllers.push(new WorkloadSimulator({ delayMs: options.workloadDelayMs }));
  return controllers;
}

export { GarbageCollector, NamespaceController, WorkloadSimulator };
