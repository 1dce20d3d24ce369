/** The NATS event bus (issue 3): controller events and artifact-revision messages on JetStream. */
export {};
