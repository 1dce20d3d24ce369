/**
 * In-server controllers: loops that run inside the API server process and react to store events, the way
 * kube-controller-manager reacts to watches (garbage collection, namespace cleanup, workload simulation, CRD
 * registration). They see every event synchronously through `core.store.subscribeAll`, and should defer
 * writes (queueMicrotask / setImmediate) rather than write from inside a listener, so that watchers observe
 * events in resourceVersion order. Writes go through `client`, which applies the same rules as HTTP requests.
 */
import type { Core } from "./core.js";
import type { InProcessClient } from "./client.js";

export interface ControllerContext {
  core: Core;
  client: InProcessClient;
}

export interface Controller {
  readonly name: string;
  start(ctx: ControllerContext): void | Promise<void>;
  stop?(): void | Promise<void>;
}
