/**
 * Benchmark of the embedded API server, run as users run it (`flotilla dev apiserver` in its own process) and
 * driven over loopback HTTP from this process:
 *   1. server-side applies per second of a ~4 KB Deployment, 16 requests in flight (creates, then updates of the
 *      same objects), after an untimed warm-up of 1,000 applies; request bodies are encoded before timing;
 *   2. watch delivery latency with 100 concurrent watchers (time from sending a write to each watcher's receipt);
 *   3. resident memory of the server process holding 10,000 ConfigMaps.
 * No kube-apiserver can be had on these machines, so the reference is the published figure for a real
 * kube-apiserver with etcd on 2 cores (~350 SSA/s of a 3.4 KB Deployment, 16 in flight); ratios are against it.
 *
 * Usage: npm run bench [-- --applies N --watch-writes N --configmaps N]
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
import { benchDeployment } from "./bench-fixtures.js";

const REFERENCE_SSA_PER_SECOND = 350;
const { values: opts } = parseArgs({
  options: {
    applies: { type: "string", default: "10000" },
    "watch-writes": { type: "string", default: "1000" },
    watchers: { type: "string", default: "100" },
    configmaps: { type: "string", default: "10000" },
    inflight: { type: "string", default: "16" },
  },
});
const repoRoot = join(import.meta.dirname, "..");
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(opts.inflight) });

interface Reply {
  status: number;
  body: string;
}

function request(base: string, method: string, path: string, body?: string, contentType = "application/json"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      base + path,
      { method, agent, headers: body === undefined ? {} : { "content-type": contentType, "content-length": Buffer.byteLength(body) } },
      (res) => {
        // Bodies of successful replies are not needed: reading them as text would load this client, not the server.
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => void (status >= 300 && chunks.push(c)));
        res.on("end", () => resolve({ status, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function expectOk(p: Promise<Reply>, what: string): Promise<Reply> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.body.slice(0, 500)}`);
  return r;
}

async function startServer(): Promise<{ child: ChildProcess; url: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "flotilla-bench-"));
  const child = spawn(
    process.execPath,
    [join(repoRoot, "shared/cli/bin/flotilla.js"), "dev", "apiserver", "--kubeconfig", join(dir, "kubeconfig"), "--no-crds", "--no-simulate-workloads"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const m = /^ready (\S+)$/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, url, dir };
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}


async function runPool(total: number, inflight: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (next < total) await job(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function benchApplies(url: string): Promise<{ createsPerSec: number; updatesPerSec: number; overallPerSec: number; bytes: number }> {
  await expectOk(request(url, "POST", "/api/v1/namespaces", JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "bench" } })), "namespace");
  const total = Number(opts.applies);
  const names = Math.max(1, Math.floor(total / 2));
  const bytes = Buffer.byteLength(JSON.stringify(benchDeployment("app-00000", 1)));
  // Request bodies are encoded before the clock starts, so that the client spends its core on HTTP only.
  const nameOf = (i: number) => `app-${String(i % names).padStart(5, "0")}`;
  const creates = Array.from({ length: names }, (_, i) => JSON.stringify(benchDeployment(nameOf(i), 1)));
  const updates = Array.from({ length: total - names }, (_, i) => JSON.stringify(benchDeployment(nameOf(i), 2)));
  const apply = (name: string, body: string) =>
    expectOk(request(url, "PATCH", `/apis/apps/v1/namespaces/bench/deployments/${name}?fieldManager=bench&force=true`, body, "application/apply-patch+yaml"), `apply ${name}`);
  const inflight = Number(opts.inflight);
  // Warm-up (not timed): the server's code is compiled and optimised by V8 on first use, as in any long-lived server.
  const warmup = Array.from({ length: 1000 }, (_, i) => JSON.stringify(benchDeployment(`warmup-${i % 200}`, Math.floor(i / 200))));
  await runPool(warmup.length, inflight, async (i) => void (await apply(`warmup-${i % 200}`, warmup[i]!)));
  const createSecs = await runPool(names, inflight, async (i) => void (await apply(nameOf(i), creates[i]!)));
  const updateSecs = await runPool(total - names, inflight, async (i) => void (await apply(nameOf(i), updates[i]!)));
  return { createsPerSec: names / createSecs, updatesPerSec: (total - names) / updateSecs, overallPerSec: total / (createSecs + updateSecs), bytes };
}

async function benchWatch(url: string): Promise<{ p50: number; p99: number; max: number; samples: number }> {
  await expectOk(request(url, "POST", "/api/v1/namespaces", JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "watch" } })), "namespace");
  const watchers = Number(opts.watchers);
  const writes = Number(opts["watch-writes"]);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const pending = new Map<string, { left: number; done: () => void }>();
  const sockets: net.Socket[] = [];
  const { hostname, port } = new URL(url);
  const path = "/api/v1/namespaces/watch/configmaps?watch=true&resourceVersion=0&allowWatchBookmarks=false";
  // Each watch is a raw HTTP/1.1 connection, timestamped when its bytes arrive: with 100 streams in this one
  // client process, an HTTP parser, string decoding and a JSON parse per event would queue the later streams
  // behind the earlier ones and add client time to what is measured. Names are found by a plain byte search
  // (the chunked framing only ever sits between events, and a name split across reads is joined from a carry).
  await Promise.all(
    Array.from({ length: watchers }, () => new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: hostname, port: Number(port) });
      socket.setNoDelay(true);
      socket.on("error", reject); // a no-op once the promise has resolved; the streams are torn down on purpose at the end
      socket.once("connect", () => socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: application/json\r\n\r\n`));
      let headers = true;
      let carry = "";
      socket.on("data", (chunk: Buffer) => {
        const received = performance.now();
        let text = carry + chunk.toString("latin1");
        if (headers) {
          const end = text.indexOf("\r\n\r\n");
          if (end < 0) return void (carry = text);
          if (!text.startsWith("HTTP/1.1 200")) return reject(new Error(`watch: ${text.slice(0, 200)}`));
          headers = false;
          text = text.slice(end + 4);
          resolve();
        }
        let at = 0;
        let m: RegExpExecArray | null;
        const re = /"name":"(w-\d+)"/g;
        while ((m = re.exec(text))) {
          at = re.lastIndex;
          const t0 = sentAt.get(m[1]!);
          if (t0 === undefined) continue;
          latencies.push(received - t0);
          const p = pending.get(m[1]!);
          if (p && --p.left === 0) p.done();
        }
        carry = text.slice(Math.max(at, text.length - 64));
      });
      sockets.push(socket);
    })),
  );
  // The first writes run the server's code cold (not yet optimised by V8): they are a warm-up, not counted.
  const warmup = 300;
  for (let i = 0; i < warmup + writes; i++) {
    if (i === warmup) latencies.length = 0;
    const name = `w-${i}`;
    const delivered = new Promise<void>((done) => pending.set(name, { left: watchers, done }));
    sentAt.set(name, performance.now());
    await expectOk(request(url, "POST", "/api/v1/namespaces/watch/configmaps", JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { i: String(i) } })), "create");
    await delivered;
  }
  for (const s of sockets) s.destroy();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1)!, samples: latencies.length };
}

async function benchMemory(url: string, pid: number): Promise<{ before: number; after: number }> {
  await expectOk(request(url, "POST", "/api/v1/namespaces", JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "memory" } })), "namespace");
  const before = await rssMiB(pid);
  const count = Number(opts.configmaps);
  await runPool(count, Number(opts.inflight), async (i) => {
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}`, labels: { app: "memory", shard: String(i % 10) } }, data: { "app.properties": `key=${i}\nmode=bench\n`, version: String(i) } };
    await expectOk(request(url, "POST", "/api/v1/namespaces/memory/configmaps", JSON.stringify(body)), "create configmap");
  });
  await new Promise((r) => setTimeout(r, 2000));
  return { before, after: await rssMiB(pid) };
}

async function main(): Promise<void> {
  const report = (line: string) => process.stdout.write(line + "\n");
  // Each measurement gets a fresh server process, so that one phase's heap does not weigh on the next.
  const withServer = async (run: (url: string, pid: number) => Promise<void>) => {
    const { child, url, dir } = await startServer();
    try {
      await run(url, child.pid!);
    } finally {
      child.kill("SIGTERM");
      await rm(dir, { recursive: true, force: true });
    }
  };
  await withServer(async (url) => {
    const a = await benchApplies(url);
    report(
      `SSA of a ${(a.bytes / 1024).toFixed(1)} KB Deployment, ${opts.inflight} in flight: ${a.overallPerSec.toFixed(0)}/s (creates ${a.createsPerSec.toFixed(0)}/s, updates ${a.updatesPerSec.toFixed(0)}/s)` +
        ` (${(a.overallPerSec / REFERENCE_SSA_PER_SECOND).toFixed(1)}x the ~${REFERENCE_SSA_PER_SECOND}/s of kube-apiserver+etcd on 2 cores; target >= 2000/s)`,
    );
  });
  await withServer(async (url) => {
    const w = await benchWatch(url);
    report(`watch delivery, ${opts.watchers} watchers, ${w.samples} deliveries: p50 ${w.p50.toFixed(2)} ms, p99 ${w.p99.toFixed(2)} ms, max ${w.max.toFixed(2)} ms (target p99 < 5 ms)`);
  });
  await withServer(async (url, pid) => {
    const m = await benchMemory(url, pid);
    report(`memory: RSS ${m.before.toFixed(0)} MiB at start, ${m.after.toFixed(0)} MiB with ${opts.configmaps} ConfigMaps (target < 150 MB)`);
  });
  agent.destroy();
}

await main();
