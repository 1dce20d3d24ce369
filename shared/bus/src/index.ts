/**
 * The NATS event bus (issue 3): controller events and artifact-revision messages on JetStream.
 *
 * Subject scheme (the root "flotilla" and stream prefix "FLOTILLA" are configurable so that test runs
 * sharing one server do not collide):
 *
 *   stream FLOTILLA_EVENTS    subjects flotilla.events.>
 *     flotilla.events.<controller>.<namespace>.<kind>.<name>     payload: FluxEvent JSON
 *   stream FLOTILLA_ARTIFACTS subjects flotilla.artifacts.>
 *     flotilla.artifacts.<kind>.<namespace>.<name>               payload: ArtifactMessage JSON
 *
 * Each token goes through subjectToken(): Kubernetes names may contain "." (a NATS token separator) but never
 * "_", so "." becomes "_" and stays reversible; an empty token (cluster-scoped objects have no namespace)
 * becomes "_"; any other character outside [A-Za-z0-9_-] becomes "%XX".
 *
 * Every message carries a Nats-Msg-Id so that JetStream drops a duplicate within the stream's duplicate window
 * (2 minutes): retries after a lost ack, or two replicas announcing the same thing, store one message.
 *
 * Publishing never throws into the caller: messages go into a bounded in-memory queue that a single pump drains
 * in order, waiting while NATS is disconnected and retrying JetStream failures with backoff while connected.
 * The bus is a notification channel, not the source of truth: consumers must also watch object status.
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type StreamConfig,
} from "@nats-io/jetstream";
import type { ArtifactMessage, FluxEvent } from "./event.js";

export type { ArtifactMessage, FluxEvent, FluxEventSeverity, FluxObjectReference } from "./event.js";

export interface BusLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface BusOptions {
  /** NATS server URL(s); defaults to the NATS_URL environment variable. Without one the bus is a no-op. */
  url?: string;
  /** Connection name shown by the server, e.g. the controller name. */
  name: string;
  logger?: BusLogger;
  /** Subject root, default "flotilla". */
  subjectRoot?: string;
  /** Stream name prefix, default "FLOTILLA" (streams <prefix>_EVENTS and <prefix>_ARTIFACTS). */
  streamPrefix?: string;
  /** Messages kept while they cannot be published; the oldest are dropped beyond this. Default 10000. */
  maxBuffered?: number;
  /** Wait between reconnect attempts, default 2000 ms. */
  reconnectTimeWaitMs?: number;
  /** Timeout of one JetStream publish, default 5000 ms. */
  publishTimeoutMs?: number;
}

export interface ArtifactFilter {
  kind?: string;
  namespace?: string;
  name?: string;
}

export interface BusSubscription {
  stop(): Promise<void>;
}

export interface Bus {
  /** False for the no-op bus. */
  readonly enabled: boolean;
  readonly eventsStream: string;
  readonly artifactsStream: string;
  /** Queues a Flux event; msgId is the dedupe key, e.g. `<uid>-<resourceVersion>-<reason>`. */
  publishEvent(controller: string, event: FluxEvent, msgId: string): void;
  /** Queues an artifact announcement; msgId defaults to `<kind>/<namespace>/<name>/<digest or revision>`. */
  publishArtifact(message: ArtifactMessage, msgId?: string): void;
  /** Delivers artifact messages published from now on that match the filter (missing fields match any). */
  subscribeArtifacts(filter: ArtifactFilter, handler: (message: ArtifactMessage) => void | Promise<void>): Promise<BusSubscription>;
  /** Number of messages waiting to be published. */
  pending(): number;
  /** Resolves true once the queue is empty, false if timeoutMs passes first. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Stops subscriptions and drains the connection; queued messages not yet published are dropped. */
  close(): Promise<void>;
}

export function subjectToken(value: string): string {
  if (value === "") return "_";
  return value.replace(/[^A-Za-z0-9_-]/g, (c) =>
    c === "." ? "_" : [...Buffer.from(c, "utf8")].map((b) => "%" + b.toString(16).toUpperCase().padStart(2, "0")).join(""),
  );
}

export function eventSubject(root: string, controller: string, event: FluxEvent): string {
  const o = event.involvedObject;
  return [root, "events", controller, o.namespace ?? "", o.kind, o.name].map((t, i) => (i < 2 ? t : subjectToken(t))).join(".");
}

export function artifactSubject(root: string, a: Pick<ArtifactMessage, "kind" | "namespace" | "name">): string {
  return `${root}.artifacts.${subjectToken(a.kind)}.${subjectToken(a.namespace)}.${subjectToken(a.name)}`;
}

export function artifactFilterSubject(root: string, f: ArtifactFilter): string {
  const tok = (v: string | undefined) => (v === undefined ? "*" : subjectToken(v));
  return `${root}.artifacts.${tok(f.kind)}.${tok(f.namespace)}.${tok(f.name)}`;
}

const silentLogger: BusLogger = { info() {}, warn() {} };

export async function connectBus(opts: BusOptions): Promise<Bus> {
  const url = opts.url ?? process.env.NATS_URL;
  const logger = opts.logger ?? silentLogger;
  const root = opts.subjectRoot ?? "flotilla";
  const prefix = opts.streamPrefix ?? "FLOTILLA";
  if (!url) {
    logger.info("NATS_URL not set: event bus disabled, events and artifact messages are not published");
    return new NoopBus(`${prefix}_EVENTS`, `${prefix}_ARTIFACTS`);
  }
  const bus = new NatsBus(url, opts.name, logger, root, prefix, opts);
  await bus.start();
  return bus;
}

class NoopBus implements Bus {
  readonly enabled = false;
  constructor(
    readonly eventsStream: string,
    readonly artifactsStream: string,
  ) {}
  publishEvent(): void {}
  publishArtifact(): void {}
  async subscribeArtifacts(): Promise<BusSubscription> {
    return { stop: async () => {} };
  }
  pending(): number {
    return 0;
  }
  async flush(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}

interface QueuedMessage {
  subject: string;
  data: string;
  msgId: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class NatsBus implements Bus {
  readonly enabled = true;
  readonly eventsStream: string;
  readonly artifactsStream: string;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private connected = false;
  private closed = false;
  private streamsReady = false;
  private queue: QueuedMessage[] = [];
  private droppedSinceWarn = 0;
  private pumping = false;
  private wakers = new Set<() => void>();
  private idleWaiters: Array<() => void> = [];
  private subscriptions = new Set<BusSubscription>();
  private readyWaiters: Array<() => void> = [];
  private readonly maxBuffered: number;
  private readonly reconnectTimeWait: number;
  private readonly publishTimeout: number;

  constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly logger: BusLogger,
    private readonly root: string,
    prefix: string,
    opts: BusOptions,
  ) {
    this.eventsStream = `${prefix}_EVENTS`;
    this.artifactsStream = `${prefix}_ARTIFACTS`;
    this.maxBuffered = opts.maxBuffered ?? 10000;
    this.reconnectTimeWait = opts.reconnectTimeWaitMs ?? 2000;
    this.publishTimeout = opts.publishTimeoutMs ?? 5000;
  }

  /** Tries the first connection once; if it fails, keeps trying in the background so startup is not blocked. */
  async start(): Promise<void> {
    if (!(await this.tryConnect())) void this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    while (!this.closed && !this.nc) {
      await this.sleepOrWake(this.reconnectTimeWait);
      if (!this.closed) await this.tryConnect();
    }
  }

  private async tryConnect(): Promise<boolean> {
    try {
      const nc = await connect({
        servers: this.url.split(",").map((s) => s.trim()),
        name: this.name,
        // Controllers run for months: never give up reconnecting, and let the client buffer core traffic meanwhile.
        maxReconnectAttempts: -1,
        reconnectTimeWait: this.reconnectTimeWait,
      });
      if (this.closed) {
        await nc.close();
        return true;
      }
      this.nc = nc;
      this.js = jetstream(nc, { timeout: this.publishTimeout });
      this.connected = true;
      this.logger.info("connected to NATS", { server: nc.getServer() });
      void this.watchStatus(nc);
      for (const w of this.readyWaiters.splice(0)) w();
      this.wake();
      return true;
    } catch (err) {
      this.logger.warn("NATS connection failed, retrying", { error: String(err) });
      return false;
    }
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") {
        this.connected = false;
        this.logger.warn("disconnected from NATS", { server: s.server });
      } else if (s.type === "reconnect") {
        this.connected = true;
        // The server may have lost its store; re-declare the streams before the next publish.
        this.streamsReady = false;
        this.logger.info("reconnected to NATS", { server: s.server });
        this.wake();
      }
    }
  }

  private wake(): void {
    const all = [...this.wakers];
    this.wakers.clear();
    for (const w of all) w();
  }

  private sleepOrWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waker = () => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        this.wakers.delete(waker);
        resolve();
      }, ms);
      this.wakers.add(waker);
    });
  }

  private waitForConnection(): Promise<void> {
    if (this.nc) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  private async ensureStreams(): Promise<void> {
    if (this.streamsReady || !this.nc) return;
    const jsm = await jetstreamManager(this.nc, { timeout: this.publishTimeout });
    const configs: Array<Partial<StreamConfig> & { name: string }> = [
      {
        name: this.eventsStream,
        subjects: [`${this.root}.events.>`],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        max_msgs: 100_000,
        max_age: 7 * 24 * 3600 * 1e9,
      },
      {
        name: this.artifactsStream,
        subjects: [`${this.root}.artifacts.>`],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        // Only recent revisions matter; consumers reconcile from status anyway.
        max_msgs_per_subject: 16,
      },
    ];
    for (const cfg of configs) {
      // Add-or-update keeps declaration idempotent across restarts and config changes.
      let exists = true;
      try {
        await jsm.streams.info(cfg.name);
      } catch (err) {
        if (!isStreamNotFound(err)) throw err;
        exists = false;
      }
      if (exists) await jsm.streams.update(cfg.name, cfg);
      else {
        try {
          await jsm.streams.add(cfg);
        } catch (err) {
          // Another replica may have created it in between.
          await jsm.streams.update(cfg.name, cfg).catch(() => {
            throw err;
          });
        }
      }
    }
    this.streamsReady = true;
  }

  private enqueue(m: QueuedMessage): void {
    if (this.closed) return;
    this.queue.push(m);
    if (this.queue.length > this.maxBuffered) {
      this.queue.shift();
      if (this.droppedSinceWarn++ === 0) this.logger.warn("NATS publish buffer full, dropping oldest messages", { maxBuffered: this.maxBuffered });
    }
    void this.pump();
  }

  publishEvent(controller: string, event: FluxEvent, msgId: string): void {
    this.enqueue({ subject: eventSubject(this.root, controller, event), data: JSON.stringify(event), msgId });
  }

  publishArtifact(message: ArtifactMessage, msgId?: string): void {
    const payload: ArtifactMessage = {
      kind: message.kind,
      namespace: message.namespace,
      name: message.name,
      revision: message.revision,
      digest: message.digest,
      url: message.url,
    };
    this.enqueue({
      subject: artifactSubject(this.root, message),
      data: JSON.stringify(payload),
      msgId: msgId ?? `${message.kind}/${message.namespace}/${message.name}/${message.digest || message.revision}`,
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let failures = 0;
    try {
      while (this.queue.length > 0 && !this.closed) {
        if (!this.connected || !this.js) {
          await this.sleepOrWake(this.reconnectTimeWait);
          continue;
        }
        const next = this.queue[0]!;
        try {
          await this.ensureStreams();
          await this.js.publish(next.subject, next.data, { msgID: next.msgId, timeout: this.publishTimeout });
          if (this.queue[0] === next) this.queue.shift();
          failures = 0;
          if (this.droppedSinceWarn > 0) {
            this.logger.warn("NATS publish buffer overflowed; messages were dropped", { dropped: this.droppedSinceWarn });
            this.droppedSinceWarn = 0;
          }
        } catch (err) {
          failures++;
          this.streamsReady = false;
          const delay = Math.min(100 * 2 ** Math.min(failures - 1, 8), 10_000);
          if (failures === 1 || failures % 10 === 0) {
            this.logger.warn("JetStream publish failed, retrying", { subject: next.subject, failures, error: String(err) });
          }
          await this.sleepOrWake(delay);
        }
      }
    } finally {
      this.pumping = false;
      if (this.queue.length === 0 || this.closed) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  pending(): number {
    return this.queue.length;
  }

  async flush(timeoutMs = 30_000): Promise<boolean> {
    if (this.queue.length === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((r) => this.idleWaiters.push(() => r(true)));
    const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    try {
      return await Promise.race([idle, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async subscribeArtifacts(filter: ArtifactFilter, handler: (message: ArtifactMessage) => void | Promise<void>): Promise<BusSubscription> {
    await this.waitForConnection();
    if (this.closed || !this.js) return { stop: async () => {} };
    const js = this.js;
    await this.ensureStreams();
    // An ordered consumer is ephemeral and recreates itself after reconnects or gaps.
    const consumer = await js.consumers.get(this.artifactsStream, {
      filter_subjects: artifactFilterSubject(this.root, filter),
      deliver_policy: DeliverPolicy.New,
    });
    const messages: ConsumerMessages = await consumer.consume();
    const done = (async () => {
      for await (const m of messages) {
        let payload: ArtifactMessage;
        try {
          payload = m.json<ArtifactMessage>();
        } catch (err) {
          this.logger.warn("ignoring malformed artifact message", { subject: m.subject, error: String(err) });
          continue;
        }
        try {
          await handler(payload);
        } catch (err) {
          this.logger.warn("artifact handler failed", { subject: m.subject, error: String(err) });
        }
      }
    })();
    const sub: BusSubscription = {
      stop: async () => {
        this.subscriptions.delete(sub);
        await messages.close();
        await done;
      },
    };
    this.subscriptions.add(sub);
    return sub;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    for (const w of this.readyWaiters.splice(0)) w();
    for (const s of [...this.subscriptions]) await s.stop().catch(() => {});
    this.queue = [];
    for (const w of this.idleWaiters.splice(0)) w();
    if (this.nc) {
      // drain() waits for the server; when disconnected just close.
      if (this.connected) await this.nc.drain().catch(() => this.nc!.close());
      else await this.nc.close();
    }
  }
}

function isStreamNotFound(err: unknown): boolean {
  const e = err as { code?: unknown; api_error?: { err_code?: number }; message?: unknown };
  if (e?.api_error?.err_code === 10059) return true;
  return e?.code === 404 || /stream not found/i.test(String(e?.message ?? ""));
}
