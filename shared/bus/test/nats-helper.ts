/**
 * Test helper: a NATS server with JetStream. useNats() prefers the machine's server at 127.0.0.1:4222 and
 * starts a private nats-server otherwise; startNatsServer() always starts a private one (needed for outage tests,
 * which must never stop the shared server).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? resolve(here, "../../../.tools/bin/nats-server");

export interface NatsServer {
  url: string;
  port: number;
  /** Whether this process started the server (and may stop it). */
  own: boolean;
  stop(): Promise<void>;
  /** Starts it again on the same port and store dir (own servers only). */
  restart(): Promise<void>;
  /** Stops it and removes the store dir. */
  dispose(): Promise<void>;
}

function portAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((res) => {
    const sock = tcpConnect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      res(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once("data", (d) => done(d.toString().startsWith("INFO ")));
    sock.once("error", () => done(false));
  });
}

export async function useNats(): Promise<NatsServer> {
  if (await portAnswers("127.0.0.1", 4222)) {
    const noop = async () => {};
    return { url: "nats://127.0.0.1:4222", port: 4222, own: false, stop: noop, restart: noop, dispose: noop };
  }
  return startNatsServer();
}

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startNatsServer(): Promise<NatsServer> {
  const dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : "/tmp", "flotilla-nats-"));
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (portArg: string): Promise<number> => {
    const p = spawn(NATS_SERVER_BIN, ["-a", "127.0.0.1", "-p", portArg, "-js", "-sd", dir, "--ports_file_dir", dir], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    p.stderr!.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    let dead = false;
    exited = new Promise((r) => p.once("exit", () => ((dead = true), r())));
    proc = p;
    const portsFile = join(dir, `nats-server_${p.pid}.ports`);
    const url = await waitFor(() => {
      if (dead) throw new Error(`nats-server exited: ${stderr}`);
      if (!existsSync(portsFile)) return undefined;
      try {
        return (JSON.parse(readFileSync(portsFile, "utf8")) as { nats: string[] }).nats[0];
      } catch {
        return undefined; // written but not complete yet
      }
    }, "nats-server ports file");
    const port = Number(new URL(url!).port);
    return port;
  };

  const port = await launch("-1");
  const stop = async () => {
    if (!proc || proc.exitCode !== null) return;
    proc.kill("SIGTERM");
    await exited;
    proc = undefined;
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    own: true,
    stop,
    restart: async () => {
      await stop();
      await launch(String(port));
    },
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
