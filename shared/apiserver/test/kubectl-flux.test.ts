/**
 * Acceptance: Flux's own CRDs (the repository's crds/, byte-identical to Flux 2.9's) installed with the real kubectl,
 * the seed's Flux manifests applied verbatim, every Flux kind reachable by its short name, Flux printer columns,
 * the `fluxcd` category, and `kubectl explain` on CRD fields. The CRD files themselves are the oracle for explain and
 * for the printer columns.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { startTestCluster, type TestCluster } from "./harness.js";
import { CRDS_DIR, SEED_MANIFESTS, freshNamespace } from "./acceptance-helpers.js";

const crdFiles = readdirSync(CRDS_DIR)
  .filter((f) => f.includes("_") && f.endsWith(".yaml"))
  .map((f) => join(CRDS_DIR, f));
const crds = crdFiles.map((f) => YAML.parse(readFileSync(f, "utf8")));

let c: TestCluster;
let installOutput = "";
before(async () => {
  c = await startTestCluster();
  // Not `apply -f crds/`: that directory also holds kustomization.yaml, which no API server knows (see the report).
  installOutput = await c.kubectlOk(["apply", ...crdFiles.flatMap((f) => ["-f", f])]);
  await c.kubectlOk(["wait", "--for=condition=Established", "crd", "--all", "--timeout=30s"]);
  await c.kubectlOk(["create", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "flux-system" } }) });
});
after(async () => {
  await c.stop();
});

const readyCondition = (status: "True" | "False", message: string) => ({
  conditions: [{ type: "Ready", status, reason: status === "True" ? "Succeeded" : "Failed", message, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"), observedGeneration: 1 }],
});

/** One minimal valid object per Flux kind, at the CRD's storage version. */
function fluxObjects(): Array<{ short: string; obj: Record<string, unknown> }> {
  const o = (apiVersion: string, kind: string, name: string, spec: Record<string, unknown>) => ({ apiVersion, kind, metadata: { name }, spec });
  return [
    { short: "gitrepo", obj: o("source.toolkit.fluxcd.io/v1", "GitRepository", "repo", { interval: "1m", url: "https://example.com/repo.git" }) },
    { short: "ocirepo", obj: o("source.toolkit.fluxcd.io/v1", "OCIRepository", "oci", { interval: "1m", url: "oci://ghcr.io/org/manifests" }) },
    { short: "helmrepo", obj: o("source.toolkit.fluxcd.io/v1", "HelmRepository", "charts", { url: "https://charts.example.com" }) },
    { short: "hc", obj: o("source.toolkit.fluxcd.io/v1", "HelmChart", "chart", { interval: "1m", chart: "podinfo", version: "6.x", sourceRef: { kind: "HelmRepository", name: "charts" } }) },
    { short: "buckets", obj: o("source.toolkit.fluxcd.io/v1", "Bucket", "bucket", { interval: "1m", bucketName: "b", endpoint: "minio.example.com" }) },
    { short: "ks", obj: o("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "apps", { interval: "5m", prune: true, sourceRef: { kind: "GitRepository", name: "repo" } }) },
    { short: "hr", obj: o("helm.toolkit.fluxcd.io/v2", "HelmRelease", "release", { interval: "5m", chart: { spec: { chart: "podinfo", sourceRef: { kind: "HelmRepository", name: "charts" } } } }) },
    { short: "alerts", obj: o("notification.toolkit.fluxcd.io/v1beta3", "Alert", "alert", { providerRef: { name: "slack" }, eventSources: [{ kind: "GitRepository", name: "*" }] }) },
    { short: "providers", obj: o("notification.toolkit.fluxcd.io/v1beta3", "Provider", "slack", { type: "slack", channel: "general" }) },
    { short: "receivers", obj: o("notification.toolkit.fluxcd.io/v1", "Receiver", "hook", { type: "github", resources: [{ kind: "GitRepository", name: "repo" }], secretRef: { name: "token" } }) },
    { short: "imgrepo", obj: o("image.toolkit.fluxcd.io/v1", "ImageRepository", "img", { image: "ghcr.io/org/app", interval: "1m" }) },
    { short: "imgpol", obj: o("image.toolkit.fluxcd.io/v1", "ImagePolicy", "pol", { imageRepositoryRef: { name: "img" }, policy: { semver: { range: ">=1.0.0" } } }) },
    {
      short: "iua",
      obj: o("image.toolkit.fluxcd.io/v1", "ImageUpdateAutomation", "auto", {
        interval: "1m",
        sourceRef: { kind: "GitRepository", name: "repo" },
        git: { commit: { author: { name: "Flux", email: "flux@example.com" } } },
      }),
    },
  ];
}

describe("Flux CRDs and manifests through kubectl", { concurrency: 4 }, () => {
  test("every Flux CRD installs and is served with its short names and categories", async () => {
    assert.equal(installOutput.trim().split("\n").length, crds.length);
    for (const crd of crds) assert.match(installOutput, new RegExp(`^customresourcedefinition\\.apiextensions\\.k8s\\.io/${crd.metadata.name.replaceAll(".", "\\.")} created$`, "m"));
    const resources = await c.kubectlOk(["api-resources", "--categories=fluxcd", "-o", "wide"]);
    for (const crd of crds) {
      const storage = crd.spec.versions.find((v: { storage: boolean }) => v.storage).name;
      const short = (crd.spec.names.shortNames ?? []).join(",");
      const row = new RegExp(`^${crd.spec.names.plural}\\s+${short ? short.replaceAll(",", "\\,") + "\\s+" : ""}${crd.spec.group.replaceAll(".", "\\.")}/${storage}\\s+true\\s+${crd.spec.names.kind}\\s+\\S+\\s+${crd.spec.names.categories.join(",")}$`, "m");
      assert.match(resources, row);
    }
  });

  test("the seed's Flux manifests apply verbatim, with the deprecation warnings of the old image API versions", async () => {
    const r = await c.kubectl(["apply", "-f", SEED_MANIFESTS]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n"), [
      "gitrepository.source.toolkit.fluxcd.io/gitops-repo created",
      "kustomization.kustomize.toolkit.fluxcd.io/frontend-app created",
      "imagerepository.image.toolkit.fluxcd.io/frontend created",
      "imagepolicy.image.toolkit.fluxcd.io/frontend created",
      "imageupdateautomation.image.toolkit.fluxcd.io/frontend created",
    ]);
    assert.match(r.stderr, /Warning: v1beta2 ImageRepository is deprecated, upgrade to v1/);
    assert.match(r.stderr, /Warning: v1beta1 ImageUpdateAutomation is deprecated, upgrade to v1/);
    const again = await c.kubectl(["apply", "-f", SEED_MANIFESTS]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim().split("\n").filter((l) => l.endsWith(" unchanged")).length, 5, again.stdout);
    // Server-side apply of the same file is accepted too (Flux's own kustomize-controller way).
    const ssa = await c.kubectl(["apply", "--server-side", "--force-conflicts", "-f", SEED_MANIFESTS]);
    assert.equal(ssa.code, 0, ssa.stderr);
    assert.equal(ssa.stdout.trim().split("\n").filter((l) => l.endsWith(" serverside-applied")).length, 5);
    const ks = JSON.parse(await c.kubectlOk(["get", "ks", "frontend-app", "-n", "flux-system", "-o", "json"]));
    assert.equal(ks.spec.targetNamespace, "production");
    assert.equal(ks.spec.sourceRef.name, "gitops-repo");
  });

  test("every Flux kind is reachable by its short name; printer columns show Ready and Status once status is set", async () => {
    const ns = await freshNamespace(c, "flux");
    const objs = fluxObjects();
    const created = await c.kubectl(["create", "-n", ns, "-f", "-"], { input: objs.map((x) => YAML.stringify(x.obj)).join("---\n") });
    assert.equal(created.code, 0, created.stderr);
    for (const { short, obj } of objs) {
      const name = (obj.metadata as { name: string }).name;
      const out = await c.kubectlOk(["get", short, "-n", ns, "-o", "name"]);
      assert.match(out.trim(), new RegExp(`^${(obj.kind as string).toLowerCase()}\\.[a-z.]+/${name}$`), `kubectl get ${short}`);
    }
    for (const { short, obj } of objs.filter((x) => ["gitrepo", "ks", "hr", "imgpol"].includes(x.short))) {
      const name = (obj.metadata as { name: string }).name;
      const res = `${short}/${name}`;
      await c.kubectlOk(["patch", "-n", ns, res, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status: readyCondition("True", `reconciled ${name}`) })]);
    }
    const git = await c.kubectlOk(["get", "gitrepo", "-n", ns]);
    assert.match(git, /^NAME\s+URL\s+AGE\s+READY\s+STATUS\nrepo\s+https:\/\/example\.com\/repo\.git\s+\d+s\s+True\s+reconciled repo\n$/);
    const ks = await c.kubectlOk(["get", "ks", "-n", ns]);
    assert.match(ks, /^NAME\s+AGE\s+READY\s+STATUS\napps\s+\d+s\s+True\s+reconciled apps\n$/);
    const hr = await c.kubectlOk(["get", "hr", "-n", ns]);
    assert.match(hr, /^NAME\s+AGE\s+READY\s+STATUS\nrelease\s+\d+s\s+True\s+reconciled release\n$/);
    const pol = await c.kubectlOk(["get", "imgpol", "-n", ns]);
    assert.match(pol, /^NAME\s+IMAGE\s+TAG\s+READY\s+STATUS\s+AGE\npol\s+True\s+reconciled pol\s+\d+s\n$/);
    const hc = await c.kubectlOk(["get", "hc", "-n", ns]);
    assert.match(hc, /^NAME\s+CHART\s+VERSION\s+SOURCE KIND\s+SOURCE NAME\s+AGE\s+READY\s+STATUS\nchart\s+podinfo\s+6\.x\s+HelmRepository\s+charts\s+\d+s\s+\n$/);
    // priority-1 column only with -o wide
    const repo = await c.kubectlOk(["get", "imgrepo", "-n", ns]);
    assert.doesNotMatch(repo, /LAST SCAN/);
    assert.match(await c.kubectlOk(["get", "imgrepo", "-n", ns, "-o", "wide"]), /^NAME\s+IMAGE\s+TAGS\s+READY\s+STATUS\s+LAST SCAN\s+AGE\n/);
  });

  test("`kubectl get fluxcd` and `get all` list Flux objects of every kind with a kind prefix", async () => {
    const ns = await freshNamespace(c, "cat");
    const objs = fluxObjects().filter((x) => ["gitrepo", "ks", "hr", "providers"].includes(x.short));
    await c.kubectlOk(["create", "-n", ns, "-f", "-"], { input: objs.map((x) => YAML.stringify(x.obj)).join("---\n") });
    const out = await c.kubectlOk(["get", "fluxcd", "-n", ns]);
    for (const prefix of ["helmrelease.helm.toolkit.fluxcd.io/release", "kustomization.kustomize.toolkit.fluxcd.io/apps", "provider.notification.toolkit.fluxcd.io/slack", "gitrepository.source.toolkit.fluxcd.io/repo"])
      assert.match(out, new RegExp(`^${prefix.replaceAll(".", "\\.")}\\s`, "m"));
    // each kind prints its own table, headed by its own columns
    assert.match(out, /^NAME\s+URL\s+AGE\s+READY\s+STATUS$/m);
    const names = (await c.kubectlOk(["get", "all", "-n", ns, "-o", "name"])).trim().split("\n").sort();
    assert.deepEqual(names, [
      "gitrepository.source.toolkit.fluxcd.io/repo",
      "helmrelease.helm.toolkit.fluxcd.io/release",
      "kustomization.kustomize.toolkit.fluxcd.io/apps",
      "provider.notification.toolkit.fluxcd.io/slack",
    ]);
  });

  test("explain prints a CRD field's type and description from the served schema", async () => {
    const git = crds.find((x) => x.spec.names.kind === "GitRepository");
    const schema = git.spec.versions.find((v: { storage: boolean }) => v.storage).schema.openAPIV3Schema;
    const branch = schema.properties.spec.properties.ref.properties.branch;
    const out = await c.kubectlOk(["explain", "gitrepository.spec.ref.branch"]);
    assert.match(out, /^GROUP:\s+source\.toolkit\.fluxcd\.io\nKIND:\s+GitRepository\nVERSION:\s+v1\n\nFIELD: branch <string>\n/);
    const flat = (s: string) => s.replace(/\s+/g, " ").trim();
    assert.ok(flat(out).includes(flat(branch.description)), out);

    const ref = await c.kubectlOk(["explain", "gitrepo.spec.ref"]);
    assert.match(ref, /FIELD: ref <Object>/);
    for (const field of Object.keys(schema.properties.spec.properties.ref.properties)) assert.match(ref, new RegExp(`^  ${field}\\s+<string>`, "m"));

    const ks = await c.kubectlOk(["explain", "ks.spec.sourceRef.kind"]);
    assert.match(ks, /FIELD: kind <string>\nENUM:\n\s+OCIRepository\n\s+GitRepository\n\s+Bucket\n/);
    const required = await c.kubectlOk(["explain", "kustomization.spec"]);
    assert.match(required, /^  sourceRef\s+<Object> -required-$/m);

    const old = await c.kubectlOk(["explain", "imagepolicy.spec", "--api-version=image.toolkit.fluxcd.io/v1beta2"]);
    assert.match(old, /^VERSION:\s+v1beta2$/m);
    const missing = await c.kubectl(["explain", "gitrepository.spec.nope"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /field "nope" does not exist/);
  });
});
