/**
 * A Git smart-HTTP server for tests: the real `git http-backend` run as a CGI program per request behind a small
 * Node HTTP server on loopback. Real git is the point — source-controller must interoperate with what real Git
 * hosts speak (protocol v2, shallow fetches, annotated tags, pushes), so nothing here reimplements the protocol.
 *
 * Repositories are bare repos under `root` (tmpfs by default). Commits and tags are written with `git fast-import`
 * and `git tag` using a fixed identity and dates counted per repository, so the same sequence of calls always
 * yields the same commit SHAs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { createHash, timingSafeEqual } from "node:crypto";
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { AddressInfo } from "node:net";

export interface GitServerOptions {
  /** Directory holding the bare repositories (GIT_PROJECT_ROOT). Default: a fresh directory under /dev/shm, removed on stop(). */
  root?: string;
  /** When set, every request needs these Basic credentials. */
  auth?: { username: string; password: string };
}

export interface CreateRepoOptions {
  /** Default branch (HEAD). Default "main". */
  branch?: string;
  /** Lightweight tags pointing at the initial commit; use tag() for annotated ones. */
  tags?: string[];
}

export interface CommitOptions {
  /** Branch to commit to. Default: the repository's default branch; a missing branch starts from the default branch's tip. */
  branch?: string;
}

export interface TagOptions {
  annotated?: boolean;
  /** Commit (or ref) to tag. Default: the tip of the default branch. */
  target?: string;
  /** Message of an annotated tag. Default: the tag name. */
  message?: string;
}

export interface GitServer {
  /** http://127.0.0.1:<port> */
  url: string;
  root: string;
  /** Creates a bare repo `<name>.git` with one commit holding `files`, served at `<url>/<name>.git`. */
  createRepo(name: string, files: Record<string, string>, opts?: CreateRepoOptions): Promise<{ url: string; commit: string }>;
  /** Commits on top of the branch tip: string values write files, null deletes them. Returns the new commit SHA. */
  commit(name: string, files: Record<string, string | null>, message: string, opts?: CommitOptions): Promise<string>;
  /** Creates a tag and returns the SHA of the commit it points at. */
  tag(name: string, tag: string, opts?: TagOptions): Promise<string>;
  /** Runs a git command in the bare repository (e.g. rev-parse) and returns its trimmed stdout. */
  git(name: string, args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** Identity and clock used for every commit and tag the helper writes. */
export const GIT_AUTHOR = { name: "Flotilla Test", email: "test@flotilla.invalid" };
const EPOCH = 1_700_000_000;

const REPO_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;
const REF_NAME = /^[A-Za-z0-9_][A-Za-z0-9._\/-]*$/;

/**
 * Environment for git processes that must not see the machine's user/system configuration (credential helpers,
 * url rewrites, prompts). Tests running the git CLI as a client should use it too.
 */
export function isolatedGitEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "",
    SSH_ASKPASS: "",
    LANG: "C",
    LC_ALL: "C",
    ...extra,
  };
}

function run(
  args: string[],
  opts: { cwd?: string; env: NodeJS.ProcessEnv; input?: string | Buffer },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("git", args, { cwd: opts.cwd, env: opts.env, maxBuffer: 64 << 20, encoding: "buffer" }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`git ${args.join(" ")} failed: ${err.message}\n${stderr.toString()}`));
      } else {
        resolve(stdout.toString().trim());
      }
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
  });
}

/** Equal-time comparison for secrets of any length: both sides are hashed to fixed-size digests first. */
function secretEquals(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db);
}

function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function fastImportData(content: string | Buffer): Buffer {
  const body = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  return Buffer.concat([Buffer.from(`data ${body.length}\n`), body, Buffer.from("\n")]);
}

function checkPath(path: string): void {
  // fast-import takes a trailing path unquoted as long as it has no newline and does not start with a quote.
  if (path === "" || path.includes("\n") || path.startsWith('"') || path.startsWith("/") || path.split("/").some((p) => p === "" || p === "." || p === ".." || p === ".git")) {
    throw new Error(`invalid file path in test repository: ${JSON.stringify(path)}`);
  }
}

export async function startGitServer(opts: GitServerOptions = {}): Promise<GitServer> {
  const ownsRoot = opts.root === undefined;
  const root = opts.root ?? (await mkdtemp("/dev/shm/flotilla-git-"));
  await mkdir(root, { recursive: true });
  // HOME for the server-side git processes: a directory outside GIT_PROJECT_ROOT with no configuration in it.
  const home = await mkdtemp("/dev/shm/flotilla-git-home-");
  const gitEnv = isolatedGitEnv(home);
  const created = new Map<string, Repo>();
  const children = new Set<ChildProcess>();
  const auth = opts.auth;

  interface Repo {
    dir: string;
    branch: string;
    clock: number;
    /** Writes to one repository run one at a time, so parents and dates stay well defined under concurrent calls. */
    queue: Promise<unknown>;
  }

  function serialized<T>(r: Repo, work: () => Promise<T>): Promise<T> {
    const result = r.queue.then(work, work);
    r.queue = result.catch(() => undefined);
    return result;
  }

  function repo(name: string): Repo {
    const r = created.get(name);
    if (!r) throw new Error(`no repository ${name} on this git server`);
    return r;
  }

  /** Dates tick one minute per object written to a repo, so history is ordered and reproducible. */
  function stamp(r: { clock: number }): string {
    r.clock += 1;
    return `${EPOCH + r.clock * 60} +0000`;
  }

  async function tipOf(dir: string, branch: string): Promise<string | undefined> {
    try {
      return await run(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`], { cwd: dir, env: gitEnv });
    } catch {
      return undefined;
    }
  }

  async function writeCommit(
    r: Repo,
    branch: string,
    files: Record<string, string | null>,
    message: string,
  ): Promise<string> {
    if (!REF_NAME.test(branch)) throw new Error(`invalid branch name ${JSON.stringify(branch)}`);
    const parent = (await tipOf(r.dir, branch)) ?? (branch !== r.branch ? await tipOf(r.dir, r.branch) : undefined);
    const when = stamp(r);
    const ident = `${GIT_AUTHOR.name} <${GIT_AUTHOR.email}> ${when}`;
    const parts: Buffer[] = [
      Buffer.from(`commit refs/heads/${branch}\nauthor ${ident}\ncommitter ${ident}\n`),
      fastImportData(message.endsWith("\n") ? message : message + "\n"),
    ];
    if (parent) parts.push(Buffer.from(`from ${parent}\n`));
    for (const path of Object.keys(files).sort()) {
      checkPath(path);
      const content = files[path];
      if (content === null || content === undefined) {
        parts.push(Buffer.from(`D ${path}\n`));
      } else {
        parts.push(Buffer.from(`M 100644 inline ${path}\n`), fastImportData(content));
      }
    }
    parts.push(Buffer.from("\n"));
    await run(["fast-import", "--quiet", "--done"], { cwd: r.dir, env: gitEnv, input: Buffer.concat([...parts, Buffer.from("done\n")]) });
    return run(["rev-parse", `refs/heads/${branch}`], { cwd: r.dir, env: gitEnv });
  }

  async function writeTag(r: Repo, tag: string, o: TagOptions): Promise<string> {
    if (!REF_NAME.test(tag)) throw new Error(`invalid tag name ${JSON.stringify(tag)}`);
    const target = await run(["rev-parse", "--verify", `${o.target ?? `refs/heads/${r.branch}`}^{commit}`], { cwd: r.dir, env: gitEnv });
    if (o.annotated) {
      const when = stamp(r);
      await run(["tag", "-a", "-m", o.message ?? tag, tag, target], {
        cwd: r.dir,
        env: { ...gitEnv, GIT_COMMITTER_NAME: GIT_AUTHOR.name, GIT_COMMITTER_EMAIL: GIT_AUTHOR.email, GIT_COMMITTER_DATE: when },
      });
    } else {
      await run(["tag", tag, target], { cwd: r.dir, env: gitEnv });
    }
    return target;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    let user: string | undefined;
    if (auth) {
      const given = parseBasic(req.headers.authorization);
      // Both comparisons always run so a wrong username costs the same as a wrong password.
      const userOk = secretEquals(given?.username ?? "", auth.username);
      const passOk = secretEquals(given?.password ?? "", auth.password);
      if (!given || !userOk || !passOk) {
        req.resume();
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="flotilla-test"', "Content-Type": "text/plain" });
        res.end("authentication required\n");
        return;
      }
      user = given.username;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let pathInfo: string;
    try {
      pathInfo = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const env: NodeJS.ProcessEnv = {
      ...gitEnv,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      GATEWAY_INTERFACE: "CGI/1.1",
      SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: pathInfo,
      QUERY_STRING: url.search.replace(/^\?/, ""),
      REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    };
    if (req.headers["content-type"]) env.CONTENT_TYPE = req.headers["content-type"];
    if (req.headers["content-length"]) env.CONTENT_LENGTH = req.headers["content-length"];
    if (req.headers["content-encoding"]) env.HTTP_CONTENT_ENCODING = String(req.headers["content-encoding"]);
    const protocol = req.headers["git-protocol"];
    if (protocol) env.GIT_PROTOCOL = Array.isArray(protocol) ? protocol.join(":") : protocol;
    if (user !== undefined) env.REMOTE_USER = user;

    const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
    children.add(child);
    const stderr: Buffer[] = [];
    child.stderr.on("data", (d: Buffer) => stderr.push(d));
    child.on("error", (err) => {
      children.delete(child);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(`git http-backend: ${err.message}\n`);
    });
    child.on("close", () => children.delete(child));
    child.stdin.on("error", () => {
      /* the backend may exit before reading the whole body (e.g. on a 404); its response still stands */
    });
    req.pipe(child.stdin);
    res.on("close", () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    });

    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        // Backpressure: a big fetch must not pile up in memory when the client reads slowly.
        if (!res.write(chunk)) {
          child.stdout.pause();
          res.once("drain", () => child.stdout.resume());
        }
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf("\r\n\r\n");
      const lf = head.indexOf("\n\n");
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? { at: crlf, len: 4 } : lf >= 0 ? { at: lf, len: 2 } : undefined;
      if (!end) return;
      headersDone = true;
      let status = 200;
      let reason: string | undefined;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end.at).toString("latin1").split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon <= 0) continue;
        const key = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (key.toLowerCase() === "status") {
          const m = /^(\d{3})\s*(.*)$/.exec(value);
          if (m) {
            status = Number(m[1]);
            reason = m[2] || undefined;
          }
        } else {
          headers[key] = value;
        }
      }
      if (reason) res.writeHead(status, reason, headers);
      else res.writeHead(status, headers);
      const rest = head.subarray(end.at + end.len);
      if (rest.length > 0) res.write(rest);
    });
    child.stdout.on("end", () => {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (!headersDone) {
        res.writeHead(502, { "Content-Type": "text/plain" });
        res.end(`git http-backend gave no CGI headers: ${Buffer.concat(stderr).toString()}\n`);
        return;
      }
      res.end();
    });
  }

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    root,
    async createRepo(name, files, o = {}) {
      if (!REPO_NAME.test(name)) {
        throw new Error(`invalid repository name ${JSON.stringify(name)}`);
      }
      if (created.has(name)) throw new Error(`repository ${name} already exists`);
      const branch = o.branch ?? "main";
      if (!REF_NAME.test(branch)) throw new Error(`invalid branch name ${JSON.stringify(branch)}`);
      const dirName = name.endsWith(".git") ? name : `${name}.git`;
      const dir = join(root, dirName);
      await mkdir(dir, { recursive: true });
      await run(["init", "--quiet", "--bare", `--initial-branch=${branch}`, dir], { env: gitEnv });
      await run(["config", "http.receivepack", "true"], { cwd: dir, env: gitEnv });
      const r: Repo = { dir, branch, clock: 0, queue: Promise.resolve() };
      created.set(name, r);
      const commit = await serialized(r, async () => {
        const sha = await writeCommit(r, branch, files, "Initial commit");
        for (const t of o.tags ?? []) await writeTag(r, t, {});
        return sha;
      });
      return { url: `${base}/${dirName}`, commit };
    },
    commit(name, files, message, o = {}) {
      const r = repo(name);
      return serialized(r, () => writeCommit(r, o.branch ?? r.branch, files, message));
    },
    tag(name, tag, o = {}) {
      const r = repo(name);
      return serialized(r, () => writeTag(r, tag, o));
    },
    git(name, args) {
      return run(args, { cwd: repo(name).dir, env: gitEnv });
    },
    async stop() {
      for (const child of children) child.kill("SIGKILL");
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(home, { recursive: true, force: true });
      if (ownsRoot) await rm(root, { recursive: true, force: true });
      else for (const r of created.values()) await rm(r.dir, { recursive: true, force: true });
    },
  };
}
