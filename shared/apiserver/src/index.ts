/** @flotilla/apiserver: an embedded Kubernetes API server for tests and the local dev mode. */
export { startApiServer, type ApiServer, type ApiServerOptions, type KubeconfigOptions } from "./server.js";
export { ApiError, type Status, type StatusCause, type StatusReason } from "./errors.js";
export type { Controller, ControllerContext } from "./controllers.js";
export { InProcessClient, type PatchType, type WriteCallOptions } from "./client.js";
export type { KubeObject, ObjectMeta, ManagedFieldsEntry, ResourceType } from "./registry.js";
export { Store, StoreEvent, type EventType } from "./store.js";
export type { Core } from "./core.js";
export type { FailureRule, RequestInfo } from "./faults.js";
