/**
 * Test harness: an API server on a random port, a kubeconfig in a /dev/shm temp dir, and helpers that run the
 * REAL kubectl against it (with its own --cache-dir, so discovery caches never leak between tests) and build a
 * @kubernetes/client-node KubeConfig for it.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { KubeConfig } from "@kubernetes/client-node";
import { startApiServer, type ApiServer, type ApiServerOptions } from "../src/index.js";

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface BackgroundKubectl {
  /** Lines printed so far (stdout). */
  lines: string[];
  /** Resolves with the first line (counting earlier ones) that matches, or rejects after timeoutMs. */
  waitForLine(match: RegExp | ((line: string) => boolean), timeoutMs?: number): Promise<string>;
  /** Resolves when the process exits (code). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
  stderr(): string;
}

export interface TestCluster {
  server: ApiServer;
  dir: string;
  kubeconfig: string;
  /** Runs kubectl to completion; `input` is written to stdin (for `-f -`). Never throws on a non-zero exit. */
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** Runs kubectl and fails the test (throws) unless it exits 0; returns stdout. */
  kubectlOk(args: string[], opts?: { input?: string }): Promise<string>;
  /** Starts a long-running kubectl (e.g. `get -w`) and collects its output lines. */
  kubectlBackground(args: string[]): BackgroundKubectl;
  /** A client-node KubeConfig pointing at the server. */
  kubeConfig(): KubeConfig;
  /** Writes a file into the temp dir and returns its path. */
  writeFile(name: string, content: string): Promise<string>;
  stop(): Promise<void>;
}

const SHM = existsSync("/dev/shm") ? "/dev/shm" : undefined;

export async function startTestCluster(opts: ApiServerOptions & { namespace?: string } = {}): Promise<TestCluster> {
  const { namespace, ...serverOpts } = opts;
  const dir = await mkdtemp(join(SHM ?? process.env.TMPDIR ?? "/tmp", "flotilla-apiserver-"));
  const server = await startApiServer({ port: 0, ...serverOpts });
  const kubeconfig = join(dir, "kubeconfig");
  await server.writeKubeconfig(kubeconfig, { namespace });
  const cacheDir = join(dir, "kube-cache");
  const background: BackgroundKubectl[] = [];
  const baseArgs = ["--kubeconfig", kubeconfig, "--cache-dir", cacheDir];
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };

  const kubectl = (args: string[], o: { input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile("kubectl", [...baseArgs, ...args], { env, timeout: o.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
      if (o.input !== undefined) child.stdin!.end(o.input);
      else child.stdin!.end();
    });

  const cluster: TestCluster = {
    server,
    dir,
    kubeconfig,
    kubectl,
    async kubectlOk(args, o) {
      const r = await kubectl(args, o);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      return r.stdout;
    },
    kubectlBackground(args) {
      const child: ChildProcess = spawn("kubectl", [...baseArgs, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
      const lines: string[] = [];
      let err = "";
      const waiters: Array<{ test: (l: string) => boolean; resolve: (l: string) => void }> = [];
      createInterface({ input: child.stdout! }).on("line", (line) => {
        lines.push(line);
        for (const w of [...waiters])
          if (w.test(line)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(line);
          }
      });
      child.stderr!.on("data", (d) => (err += String(d)));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const bg: BackgroundKubectl = {
        lines,
        exited,
        stderr: () => err,
        waitForLine(match, timeoutMs = 10_000) {
          const test = typeof match === "function" ? match : (l: string) => match.test(l);
          const found = lines.find(test);
          if (found !== undefined) return Promise.resolve(found);
          return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
              waiters.splice(waiters.findIndex((w) => w.resolve === wrapped), 1);
              reject(new Error(`no line matching ${String(match)} within ${timeoutMs}ms; got:\n${lines.join("\n")}\nstderr: ${err}`));
            }, timeoutMs);
            const wrapped = (l: string) => {
              clearTimeout(timer);
              resolve(l);
            };
            waiters.push({ test, resolve: wrapped });
          });
        },
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      };
      background.push(bg);
      return bg;
    },
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromString(server.kubeconfig({ namespace }));
      return kc;
    },
    async writeFile(name, content) {
      const p = join(dir, name);
      await writeFile(p, content);
      return p;
    },
    async stop() {
      await Promise.all(background.map((b) => b.stop()));
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** Polls `fn` until it returns a truthy value or the timeout passes. */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
