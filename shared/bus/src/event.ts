/** A Kubernetes event as emitted by Flux controllers (the JSON the notification-controller receives). */
export interface FluxObjectReference {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export type FluxEventSeverity = "info" | "error" | "trace";

export interface FluxEvent {
  involvedObject: FluxObjectReference;
  severity: FluxEventSeverity;
  /** RFC 3339 time. */
  timestamp: string;
  message: string;
  reason: string;
  /** Flux puts e.g. `revision`, `token` and annotation-derived keys here, namespaced by the controller group. */
  metadata?: Record<string, string>;
  reportingController: string;
  reportingInstance?: string;
}

/** Announces that a source produced a new artifact revision. */
export interface ArtifactMessage {
  kind: string;
  namespace: string;
  name: string;
  revision: string;
  digest: string;
  url: string;
}
