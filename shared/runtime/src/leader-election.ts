/**
 * Leader election on a coordination.k8s.io/v1 Lease, following client-go's leaderelection package
 * (tryAcquireOrRenew / renew / release) with Flux's default timings.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

export interface LeaderElectionClock {
  now(): number;
}

export interface LeaderElectorOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** Lease name, e.g. "source-controller-leader-election". */
  name: string;
  identity: string;
  /** How long non-leaders wait after the last observed change before taking over (Flux: 35 s). */
  leaseDurationMs?: number;
  /** How long the leader keeps retrying a failing renewal before giving up (Flux: 30 s). */
  renewDeadlineMs?: number;
  /** Interval between acquire/renew attempts (Flux: 5 s). */
  retryPeriodMs?: number;
  /** Called (not awaited) once leadership is acquired; `signal` aborts when leadership ends. */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called once after leadership ends (only if it was acquired). */
  onStoppedLeading?: () => void | Promise<void>;
  /** On stop(), write an empty holder so a successor can take over without waiting for expiry. */
  releaseOnCancel?: boolean;
  clock?: LeaderElectionClock;
  /** Called for every failed attempt; errors are otherwise retried silently as in client-go. */
  onError?: (err: LeaderElectionError) => void;
}

/** A failed Lease request, with the Kubernetes reason when the server gave one. */
export class LeaderElectionError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = "LeaderElectionError";
  }
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion: "coordination.k8s.io/v1";
  kind: "Lease";
  metadata: { name: string; namespace: string; resourceVersion?: string; [k: string]: unknown };
  spec?: LeaseSpec;
}

const systemClock: LeaderElectionClock = { now: () => Date.now() };
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits, always UTC. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export class LeaderElector {
  readonly identity: string;
  private readonly opts: LeaderElectorOptions;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly clock: LeaderElectionClock;
  private readonly stopController = new AbortController();
  private releaseOnStop: boolean;
  /** The last Lease read or written, and when (local clock) its spec was last seen to change. */
  private observed?: Lease;
  private observedSpecJSON = "";
  private observedTime = 0;
  private running?: Promise<void>;

  constructor(opts: LeaderElectorOptions) {
    this.opts = opts;
    this.identity = opts.identity;
    this.leaseDurationMs = opts.leaseDurationMs ?? 35_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 30_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 5_000;
    this.clock = opts.clock ?? systemClock;
    this.releaseOnStop = opts.releaseOnCancel ?? false;
    if (!opts.identity) throw new LeaderElectionError("Invalid", "leader election identity must not be empty");
    // The same constraints client-go's NewLeaderElector enforces.
    if (this.leaseDurationMs <= this.renewDeadlineMs)
      throw new LeaderElectionError("Invalid", "leaseDuration must be greater than renewDeadline");
    if (this.renewDeadlineMs <= 1.2 * this.retryPeriodMs)
      throw new LeaderElectionError("Invalid", "renewDeadline must be greater than retryPeriod*1.2");
  }

  /** Whether this elector holds the Lease according to the last observed record. */
  isLeader(): boolean {
    return this.observed?.spec?.holderIdentity === this.identity;
  }

  /** The holder according to the last observed record. */
  getLeader(): string | undefined {
    return this.observed?.spec?.holderIdentity || undefined;
  }

  /**
   * Acquires the Lease (retrying every retry period), leads until renewal fails for longer than the
   * renew deadline or stop() is called, then resolves. Like client-go's Run, it does not re-enter
   * the election after losing leadership.
   */
  run(): Promise<void> {
    this.running ??= this.runOnce();
    return this.running;
  }

  /** Ends the election; resolves after leadership (if held) is released and onStoppedLeading ran. */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    if (opts.release !== undefined) this.releaseOnStop = opts.release;
    this.stopController.abort();
    await this.running;
  }

  private async runOnce(): Promise<void> {
    const stopSignal = this.stopController.signal;
    if (!(await this.acquire(stopSignal))) return;
    const leading = new AbortController();
    try {
      void Promise.resolve()
        .then(() => this.opts.onStartedLeading(leading.signal))
        .catch((e: unknown) => this.report(new LeaderElectionError("CallbackFailed", `onStartedLeading: ${String(e)}`)));
      await this.renewLoop(stopSignal);
    } finally {
      leading.abort();
      if (stopSignal.aborted && this.releaseOnStop) await this.release();
      try {
        await this.opts.onStoppedLeading?.();
      } catch (e) {
        this.report(new LeaderElectionError("CallbackFailed", `onStoppedLeading: ${String(e)}`));
      }
    }
  }

  private async acquire(stop: AbortSignal): Promise<boolean> {
    while (!stop.aborted) {
      if (await this.tryAcquireOrRenew(stop)) return true;
      await sleep(this.retryPeriodMs, stop);
    }
    return false;
  }

  private async renewLoop(stop: AbortSignal): Promise<void> {
    let lastRenew = this.clock.now();
    while (!stop.aborted) {
      await sleep(this.retryPeriodMs, stop);
      if (stop.aborted) return;
      if (await this.tryAcquireOrRenew(stop)) {
        lastRenew = this.clock.now();
      } else if (this.clock.now() - lastRenew >= this.renewDeadlineMs) {
        this.report(new LeaderElectionError("LeaderElectionLost", `failed to renew lease ${this.opts.namespace}/${this.opts.name}: timed out`));
        return;
      }
    }
  }

  private leaseDurationSeconds(): number {
    return Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
  }

  private observe(lease: Lease): void {
    const json = JSON.stringify(lease.spec ?? {});
    if (json !== this.observedSpecJSON) {
      this.observedSpecJSON = json;
      this.observedTime = this.clock.now();
    }
    this.observed = lease;
  }

  private async tryAcquireOrRenew(stop: AbortSignal): Promise<boolean> {
    const now = this.clock.now();
    const nowTime = formatMicroTime(now);
    try {
      const got = await this.request("GET", this.leasePath(this.opts.name), undefined, stop);
      if (got.status === 404) {
        const created = await this.request("POST", this.leasePath(), {
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { name: this.opts.name, namespace: this.opts.namespace },
          spec: {
            holderIdentity: this.identity,
            leaseDurationSeconds: this.leaseDurationSeconds(),
            acquireTime: nowTime,
            renewTime: nowTime,
            leaseTransitions: 0,
          },
        }, stop);
        this.expectOk(created, "create");
        this.observe(created.body as Lease);
        return true;
      }
      this.expectOk(got, "get");
      const current = got.body as Lease;
      this.observe(current);
      const old = current.spec ?? {};
      const wasLeader = old.holderIdentity === this.identity;
      const durationMs = (old.leaseDurationSeconds ?? this.leaseDurationSeconds()) * 1000;
      if (old.holderIdentity && !wasLeader && this.observedTime + durationMs > now) return false;

      const spec: LeaseSpec = {
        holderIdentity: this.identity,
        leaseDurationSeconds: this.leaseDurationSeconds(),
        acquireTime: wasLeader ? (old.acquireTime ?? nowTime) : nowTime,
        renewTime: nowTime,
        leaseTransitions: wasLeader ? (old.leaseTransitions ?? 0) : (old.leaseTransitions ?? 0) + 1,
      };
      const updated = await this.request("PUT", this.leasePath(this.opts.name), { ...current, spec }, stop);
      this.expectOk(updated, "update");
      this.observe(updated.body as Lease);
      return true;
    } catch (e) {
      this.report(e instanceof LeaderElectionError ? e : new LeaderElectionError("RequestFailed", String(e)));
      return false;
    }
  }

  /** client-go's release(): keep the transition count, clear the holder, shorten the lease to 1 s. */
  private async release(): Promise<void> {
    const current = this.observed;
    if (!current || !this.isLeader()) return;
    const nowTime = formatMicroTime(this.clock.now());
    const spec: LeaseSpec = {
      holderIdentity: "",
      leaseDurationSeconds: 1,
      acquireTime: nowTime,
      renewTime: nowTime,
      leaseTransitions: current.spec?.leaseTransitions ?? 0,
    };
    try {
      const res = await this.request("PUT", this.leasePath(this.opts.name), { ...current, spec }, AbortSignal.timeout(this.renewDeadlineMs));
      this.expectOk(res, "release");
      this.observe(res.body as Lease);
    } catch (e) {
      this.report(e instanceof LeaderElectionError ? e : new LeaderElectionError("RequestFailed", String(e)));
    }
  }

  private report(err: LeaderElectionError): void {
    this.opts.onError?.(err);
  }

  private expectOk(res: { status: number; body: unknown }, what: string): void {
    if (res.status >= 200 && res.status < 300) return;
    const status = res.body as { reason?: string; message?: string } | undefined;
    throw new LeaderElectionError(
      status?.reason ?? (res.status === 409 ? "Conflict" : "Unknown"),
      `${what} lease ${this.opts.namespace}/${this.opts.name}: ${status?.message ?? `HTTP ${res.status}`}`,
      res.status,
    );
  }

  private leasePath(name?: string): string {
    const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.opts.namespace)}/leases`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  private async request(method: string, path: string, body: unknown, stop: AbortSignal): Promise<{ status: number; body: unknown }> {
    const cluster = this.opts.kubeConfig.getCurrentCluster();
    if (!cluster) throw new LeaderElectionError("Invalid", "kubeconfig has no current cluster");
    const url = new URL(cluster.server.replace(/\/+$/, "") + path);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const options: https.RequestOptions = {
      method,
      headers: {
        Accept: "application/json",
        ...(payload !== undefined ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) } : {}),
      },
    };
    await this.opts.kubeConfig.applyToHTTPSOptions(options);
    // A single attempt must not outlive the renew deadline, as client-go bounds each try by it.
    const signal = AbortSignal.any([stop, AbortSignal.timeout(this.renewDeadlineMs)]);
    const lib = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(url, { ...options, signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(new LeaderElectionError("ResponseTooLarge", `${method} ${path}: response exceeds ${MAX_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(payload);
    });
  }
}
