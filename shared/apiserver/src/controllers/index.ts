/**
 * The controllers the server starts by default. Add new in-server controllers (garbage collector,
 * namespace cleanup, workload simulation) here; `options` carries the server's startup flags.
 */
import type { Controller } from "../controllers.js";
import { CrdController } from "../crds.js";

export interface ControllerOptions {
  /** Run the workload simulator (Deployments/Pods become Ready without a kubelet). */
  simulateWorkloads: boolean;
}

export function defaultControllers(_options: ControllerOptions): Controller[] {
  return [new CrdController()];
}
