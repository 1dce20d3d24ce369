/**
 * End to end: `flotilla dev apiserver` as a user runs it (the real bin through npx), driven by the real kubectl.
 * The seed article's Flux manifests must apply verbatim, including the image kinds at versions Flux 2.9 dropped.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { promisify } from "node:util";

const repoRoot = join(import.meta.dirname, "..");
const seed = join(repoRoot, "test", "fixtures", "seed");
const execFileAsync = promisify(execFile);

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

async function startDevApiServer(args: string[]): Promise<Running> {
  // The bin npm links for the workspace (what `npx --no-install flotilla` runs), started directly so that the
  // signals the test sends reach flotilla itself rather than npm.
  const child = spawn(join(repoRoot, "node_modules", ".bin", "flotilla"), ["dev", "apiserver", ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no ready line within 30s")), 30_000);
    lines.on("line", (line) => {
      const m = /^ready (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`flotilla exited with ${code} before ready`)));
  });
  return { child, url, exited };
}

async function kubectl(kubeconfig: string, cacheDir: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await execFileAsync("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", cacheDir, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test("npx --no-install flotilla works from the repo root", async () => {
  const { stdout } = await execFileAsync("npx", ["--no-install", "flotilla", "version"], { cwd: repoRoot });
  assert.match(stdout, /^flotilla \d+\.\d+\.\d+\n$/);
});

test("flotilla dev apiserver: CRDs installed, seed manifests apply verbatim, state survives a restart, SIGTERM exits 0", async () => {
  const dir = await mkdtemp(join(tmpdir(), "flotilla-dev-"));
  const kubeconfig = join(dir, "kubeconfig");
  const state = join(dir, "state");
  const cache = join(dir, "cache");
  try {
    let server = await startDevApiServer(["--kubeconfig", kubeconfig, "--state", state]);

    const crds = await kubectl(kubeconfig, cache, "get", "crds", "-o", "name");
    assert.equal(crds.code, 0, crds.stderr);
    for (const name of [
      "gitrepositories.source.toolkit.fluxcd.io",
      "ocirepositories.source.toolkit.fluxcd.io",
      "helmrepositories.source.toolkit.fluxcd.io",
      "helmcharts.source.toolkit.fluxcd.io",
      "buckets.source.toolkit.fluxcd.io",
      "kustomizations.kustomize.toolkit.fluxcd.io",
      "helmreleases.helm.toolkit.fluxcd.io",
      "receivers.notification.toolkit.fluxcd.io",
      "alerts.notification.toolkit.fluxcd.io",
      "providers.notification.toolkit.fluxcd.io",
      "imagerepositories.image.toolkit.fluxcd.io",
      "imagepolicies.image.toolkit.fluxcd.io",
      "imageupdateautomations.image.toolkit.fluxcd.io",
    ]) {
      assert.match(crds.stdout, new RegExp(`customresourcedefinition.apiextensions.k8s.io/${name.replaceAll(".", "\\.")}\\n`));
    }

    const ns = await kubectl(kubeconfig, cache, "create", "namespace", "flux-system");
    assert.equal(ns.code, 0, ns.stderr);
    const applied = await kubectl(kubeconfig, cache, "apply", "-f", join(seed, "flux-manifests.yaml"));
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /gitrepository\.source\.toolkit\.fluxcd\.io\/gitops-repo created/);
    assert.match(applied.stdout, /kustomization\.kustomize\.toolkit\.fluxcd\.io\/frontend-app created/);
    assert.match(applied.stdout, /imagerepository\.image\.toolkit\.fluxcd\.io\/frontend created/);
    assert.match(applied.stdout, /imagepolicy\.image\.toolkit\.fluxcd\.io\/frontend created/);
    assert.match(applied.stdout, /imageupdateautomation\.image\.toolkit\.fluxcd\.io\/frontend created/);
    // The dropped versions are served, but deprecated: kubectl prints the server's Warning headers.
    assert.match(applied.stderr, /Warning: v1beta2 ImageRepository is deprecated, upgrade to v1/);
    assert.match(applied.stderr, /Warning: v1beta2 ImagePolicy is deprecated, upgrade to v1/);
    assert.match(applied.stderr, /Warning: v1beta1 ImageUpdateAutomation is deprecated, upgrade to v1/);

    // Stored at v1, readable at v1 with the seed's values.
    const policy = await kubectl(kubeconfig, cache, "get", "imagepolicies.v1.image.toolkit.fluxcd.io", "frontend", "-n", "flux-system", "-o", "json");
    assert.equal(policy.code, 0, policy.stderr);
    const policyObj = JSON.parse(policy.stdout);
    assert.equal(policyObj.apiVersion, "image.toolkit.fluxcd.io/v1");
    assert.equal(policyObj.spec.policy.semver.range, ">=1.0.0");
    // Flux's defaults are filled in by the schema (GitRepository spec.timeout defaults to 60s).
    const repo = await kubectl(kubeconfig, cache, "get", "gitrepository", "gitops-repo", "-n", "flux-system", "-o", "jsonpath={.spec.timeout}");
    assert.equal(repo.stdout, "60s");

    // The seed's Deployment is a fragment without a selector: rejected the way kube-apiserver rejects it.
    const app = await kubectl(kubeconfig, cache, "apply", "-n", "default", "-f", join(seed, "app-deployment.yaml"));
    assert.notEqual(app.code, 0);
    assert.match(app.stderr, /spec\.selector: Required value/);

    server.child.kill("SIGTERM");
    assert.equal(await server.exited, 0);

    server = await startDevApiServer(["--kubeconfig", kubeconfig, "--state", state]);
    const after = await kubectl(kubeconfig, cache, "get", "kustomizations", "-n", "flux-system", "-o", "name");
    assert.equal(after.code, 0, after.stderr);
    assert.equal(after.stdout.trim(), "kustomization.kustomize.toolkit.fluxcd.io/frontend-app");
    server.child.kill("SIGINT");
    assert.equal(await server.exited, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
