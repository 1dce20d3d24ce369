/**
 * The Git HTTP test server (test/support/git-server.ts) against real clients: the git CLI and isomorphic-git,
 * which source-controller uses. Nothing is mocked: the server is `git http-backend`.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import * as fs from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import http from "isomorphic-git/http/node";
import { startGitServer, isolatedGitEnv, GIT_AUTHOR, type GitServer } from "./support/git-server.js";

let scratch: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  scratch = await mkdtemp("/dev/shm/flotilla-git-test-");
  env = isolatedGitEnv(scratch, {
    GIT_AUTHOR_NAME: "Client",
    GIT_AUTHOR_EMAIL: "client@flotilla.invalid",
    GIT_COMMITTER_NAME: "Client",
    GIT_COMMITTER_EMAIL: "client@flotilla.invalid",
  });
});

after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

let dirCount = 0;
async function freshDir(): Promise<string> {
  return join(scratch, `d${++dirCount}`);
}

function gitCli(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd: cwd ?? scratch, env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
}

async function gitOk(args: string[], cwd?: string): Promise<string> {
  const r = await gitCli(args, cwd);
  assert.equal(r.code, 0, `git ${args.join(" ")} failed:\n${r.stderr}`);
  return r.stdout.trim();
}

function withCredentials(url: string, username: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(username);
  u.password = encodeURIComponent(password);
  return u.toString();
}

test("without auth", async (t) => {
  const server = await startGitServer();
  t.after(() => server.stop());

  const files = { "README.md": "# app\n", "deploy/app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n" };
  const repo = await server.createRepo("team/app", files, { tags: ["v1.0.0"] });
  const second = await server.commit("team/app", { "deploy/app.yaml": "kind: changed\n", "extra.txt": "x\n", "README.md": null }, "second");
  const annotatedTarget = await server.tag("team/app", "v2.0.0", { annotated: true });
  assert.equal(annotatedTarget, second);

  await t.test("git clone over HTTP has the files and the fixed identity", async () => {
    const dir = await freshDir();
    await gitOk(["clone", "--quiet", "--branch", "v1.0.0", repo.url, dir]);
    assert.equal(await gitOk(["rev-parse", "HEAD"], dir), repo.commit);
    for (const [path, content] of Object.entries(files)) {
      assert.equal(await readFile(join(dir, path), "utf8"), content);
    }
    assert.equal(await gitOk(["log", "-1", "--format=%an <%ae>|%cn <%ce>"], dir), `${GIT_AUTHOR.name} <${GIT_AUTHOR.email}>|${GIT_AUTHOR.name} <${GIT_AUTHOR.email}>`);
    await gitOk(["checkout", "--quiet", "main"], dir);
    assert.equal(await gitOk(["rev-parse", "HEAD"], dir), second);
    assert.equal(await gitOk(["rev-parse", "HEAD^"], dir), repo.commit);
    assert.equal(fs.existsSync(join(dir, "README.md")), false, "the second commit deleted README.md");
    assert.equal(await readFile(join(dir, "deploy/app.yaml"), "utf8"), "kind: changed\n");
  });

  await t.test("ls-remote shows the branch, HEAD and tags with the annotated tag peeled", async () => {
    const out = await gitOk(["ls-remote", "--symref", repo.url]);
    const refs = new Map<string, string>();
    for (const line of out.split("\n")) {
      const [sha, ref] = line.split("\t");
      refs.set(ref!, sha!);
    }
    assert.match(out, /^ref: refs\/heads\/main\tHEAD$/m);
    assert.equal(refs.get("HEAD"), second);
    assert.equal(refs.get("refs/heads/main"), second);
    assert.equal(refs.get("refs/tags/v1.0.0"), repo.commit, "lightweight tag points at the commit");
    const tagObject = refs.get("refs/tags/v2.0.0");
    assert.ok(tagObject && tagObject !== second, "annotated tag ref names a tag object");
    assert.equal(await server.git("team/app", ["cat-file", "-t", tagObject]), "tag");
    assert.equal(refs.get("refs/tags/v2.0.0^{}"), second, "annotated tag peeled to its commit");
    assert.equal(refs.has("refs/tags/v1.0.0^{}"), false);
  });

  await t.test("shallow clone with depth 1", async () => {
    const dir = await freshDir();
    await gitOk(["clone", "--quiet", "--depth", "1", repo.url, dir]);
    assert.equal(await gitOk(["rev-list", "--count", "HEAD"], dir), "1");
    assert.equal((await readFile(join(dir, ".git", "shallow"), "utf8")).trim(), second);
  });

  await t.test("a missing repository is a 404 from the backend's CGI Status header", async () => {
    const res = await fetch(`${server.url}/nope.git/info/refs?service=git-upload-pack`);
    assert.equal(res.status, 404);
    await res.arrayBuffer();
  });

  await t.test("push works and later server commits build on the pushed one", async () => {
    const pushRepo = await server.createRepo("push", { "a.txt": "a\n" });
    const dir = await freshDir();
    await gitOk(["clone", "--quiet", pushRepo.url, dir]);
    await writeFile(join(dir, "b.txt"), "b\n");
    await gitOk(["add", "b.txt"], dir);
    await gitOk(["commit", "--quiet", "-m", "from client"], dir);
    const pushed = await gitOk(["rev-parse", "HEAD"], dir);
    await gitOk(["push", "--quiet", "origin", "main", "main:refs/heads/feature"], dir);
    assert.equal(await server.git("push", ["rev-parse", "refs/heads/main"]), pushed);
    assert.equal(await server.git("push", ["rev-parse", "refs/heads/feature"]), pushed);

    const next = await server.commit("push", { "c.txt": "c\n" }, "after push");
    assert.equal(await server.git("push", ["rev-parse", `${next}^`]), pushed);
    assert.equal(await server.git("push", ["show", `${next}:b.txt`]), "b");
    const onBranch = await server.commit("push", { "d.txt": "d\n" }, "on a new branch", { branch: "image-updates" });
    assert.equal(await server.git("push", ["rev-parse", `${onBranch}^`]), next);
  });

  await t.test("a push bigger than git's post buffer (sent chunked, no Content-Length) arrives whole", async () => {
    const bigRepo = await server.createRepo("big", { "a.txt": "a\n" });
    const dir = await freshDir();
    await gitOk(["clone", "--quiet", bigRepo.url, dir]);
    const blob = randomBytes(3 << 20);
    await writeFile(join(dir, "blob.bin"), blob);
    await gitOk(["add", "blob.bin"], dir);
    await gitOk(["commit", "--quiet", "-m", "big"], dir);
    await gitOk(["-c", "http.postBuffer=65536", "push", "--quiet", "origin", "main"], dir);
    const blobId = await gitOk(["rev-parse", "HEAD:blob.bin"], dir);
    assert.equal(await server.git("big", ["rev-parse", "main:blob.bin"]), blobId);
    assert.equal(await server.git("big", ["cat-file", "-s", blobId]), String(blob.length));
    const again = await freshDir();
    await gitOk(["clone", "--quiet", bigRepo.url, again]);
    assert.ok((await readFile(join(again, "blob.bin"))).equals(blob));
  });

  await t.test("concurrent server commits to one repo form a linear history", async () => {
    await server.createRepo("busy", { "0.txt": "0\n" });
    const shas = await Promise.all([1, 2, 3, 4].map((i) => server.commit("busy", { [`${i}.txt`]: `${i}\n` }, `c${i}`)));
    const history = (await server.git("busy", ["rev-list", "--first-parent", "main"])).split("\n");
    assert.equal(history.length, 5);
    assert.deepEqual(new Set(history.slice(0, 4)), new Set(shas));
    assert.equal(await server.git("busy", ["ls-tree", "--name-only", "main"]), "0.txt\n1.txt\n2.txt\n3.txt\n4.txt");
  });

  await t.test("isomorphic-git shallow single-branch clone", async () => {
    const dir = await freshDir();
    await git.clone({ fs, http, dir, url: repo.url, ref: "main", singleBranch: true, depth: 1, noTags: true });
    assert.equal(await git.resolveRef({ fs, dir, ref: "HEAD" }), second);
    const log = await git.log({ fs, dir });
    assert.equal(log.length, 1);
    assert.equal(log[0]!.commit.author.name, GIT_AUTHOR.name);
    assert.equal(await readFile(join(dir, "extra.txt"), "utf8"), "x\n");
    assert.equal((await stat(join(dir, ".git", "shallow"))).isFile(), true);
    const info = await git.getRemoteInfo2({ http, url: repo.url });
    assert.equal(info.protocolVersion, 2);
  });

  await t.test("isomorphic-git shallow clone of an annotated tag checks out the peeled commit", async () => {
    const dir = await freshDir();
    await git.clone({ fs, http, dir, url: repo.url, ref: "v2.0.0", singleBranch: true, depth: 1 });
    assert.equal(await git.resolveRef({ fs, dir, ref: "HEAD" }), second);
  });
});

test("the same calls give the same commit SHAs on another server", async (t) => {
  const a = await startGitServer();
  t.after(() => a.stop());
  const b = await startGitServer();
  t.after(() => b.stop());
  const results: string[][] = [];
  for (const server of [a, b]) {
    const { commit } = await server.createRepo("r", { "f.txt": "1\n" }, { branch: "trunk" });
    const c2 = await server.commit("r", { "f.txt": "2\n" }, "two");
    await server.tag("r", "v1", { annotated: true });
    const tagObject = await server.git("r", ["rev-parse", "refs/tags/v1"]);
    results.push([commit, c2, tagObject]);
  }
  assert.deepEqual(results[0], results[1]);
  assert.notEqual(results[0]![0], results[0]![1]);
});

test("a caller-supplied root keeps the directory and removes only the created repos", async () => {
  const root = await mkdtemp("/dev/shm/flotilla-git-root-");
  try {
    const server = await startGitServer({ root });
    await server.createRepo("kept", { "f": "x\n" });
    assert.equal(fs.existsSync(join(root, "kept.git", "HEAD")), true);
    await server.stop();
    assert.equal(fs.existsSync(root), true);
    assert.equal(fs.existsSync(join(root, "kept.git")), false);
    await assert.rejects(fetch(`${server.url}/kept.git/info/refs?service=git-upload-pack`));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("with basic auth", async (t) => {
  const auth = { username: "flux", password: "s3cret:with-colon" };
  const server = await startGitServer({ auth });
  t.after(() => server.stop());
  const repo = await server.createRepo("private", { "k.yaml": "kind: Secretish\n" });

  await t.test("no credentials: 401 with a Basic challenge, and git clone fails", async () => {
    const res = await fetch(`${repo.url}/info/refs?service=git-upload-pack`);
    assert.equal(res.status, 401);
    assert.match(res.headers.get("www-authenticate") ?? "", /^Basic realm=/);
    await res.arrayBuffer();
    const r = await gitCli(["clone", "--quiet", repo.url, await freshDir()]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /could not read Username|Authentication failed|401/);
  });

  await t.test("right credentials: git clone and push work", async () => {
    const dir = await freshDir();
    await gitOk(["clone", "--quiet", withCredentials(repo.url, auth.username, auth.password), dir]);
    assert.equal(await readFile(join(dir, "k.yaml"), "utf8"), "kind: Secretish\n");
    await writeFile(join(dir, "n.txt"), "n\n");
    await gitOk(["add", "n.txt"], dir);
    await gitOk(["commit", "--quiet", "-m", "authed push"], dir);
    await gitOk(["push", "--quiet", "origin", "main"], dir);
    assert.equal(await server.git("private", ["rev-parse", "main"]), await gitOk(["rev-parse", "HEAD"], dir));
  });

  await t.test("wrong password or wrong user: 401 and git clone fails", async () => {
    for (const [u, p] of [[auth.username, "wrong"], ["other", auth.password], [auth.username, ""]] as const) {
      const res = await fetch(`${repo.url}/info/refs?service=git-upload-pack`, {
        headers: { authorization: `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}` },
      });
      assert.equal(res.status, 401, `${u}:${p}`);
      await res.arrayBuffer();
    }
    const r = await gitCli(["clone", "--quiet", withCredentials(repo.url, auth.username, "wrong"), await freshDir()]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Authentication failed/);
  });

  await t.test("isomorphic-git: depth 1 clone and a push with onAuth work, bad credentials give HttpError 401", async () => {
    const dir = await freshDir();
    await git.clone({ fs, http, dir, url: repo.url, singleBranch: true, depth: 1, onAuth: () => auth });
    assert.equal(await readFile(join(dir, "k.yaml"), "utf8"), "kind: Secretish\n");
    assert.equal((await git.log({ fs, dir })).length, 1);

    await writeFile(join(dir, "from-iso.txt"), "iso\n");
    await git.add({ fs, dir, filepath: "from-iso.txt" });
    const author = { name: "Iso", email: "iso@flotilla.invalid", timestamp: 1_700_000_000, timezoneOffset: 0 };
    const sha = await git.commit({ fs, dir, message: "from isomorphic-git", author });
    const pushed = await git.push({ fs, http, dir, remoteRef: "refs/heads/image-updates", onAuth: () => auth });
    assert.equal(pushed.ok, true);
    assert.equal(await server.git("private", ["rev-parse", "refs/heads/image-updates"]), sha);

    await assert.rejects(
      git.clone({ fs, http, dir: await freshDir(), url: repo.url, singleBranch: true, depth: 1, onAuth: () => ({ username: "flux", password: "bad" }) }),
      (err: unknown) => {
        const e = err as { code?: string; data?: { statusCode?: number } };
        assert.equal(e.code, "HttpError");
        assert.equal(e.data?.statusCode, 401);
        return true;
      },
    );
  });
});
