/**
 * crds/ as written to disk: up to date with the types, parseable, self-consistent, buildable by `kubectl kustomize`,
 * and the generator's --check mode reports exactly the stale files.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, parseAllDocuments } from "yaml";
import { allKinds, crdFileName, crdFor, renderCRDFiles } from "../src/index.js";
import { CRDS_DIR, staleFiles } from "../src/generate-crds.js";

const GENERATOR = fileURLToPath(new URL("../src/generate-crds.ts", import.meta.url));
const rendered = renderCRDFiles(allKinds);

test("crds/ is not stale against the API types", () => {
  assert.deepEqual(staleFiles(CRDS_DIR, rendered), [], "run `npm run generate`");
});

test("each CRD file parses back to exactly the CRD generated for its kind", () => {
  for (const def of allKinds) {
    const text = readFileSync(join(CRDS_DIR, crdFileName(def)), "utf8");
    const docs = parseAllDocuments(text);
    assert.equal(docs.length, 1, `${crdFileName(def)} holds one document`);
    assert.deepEqual(docs[0]!.errors, []);
    const crd = docs[0]!.toJS();
    assert.deepEqual(crd, crdFor(def), `${crdFileName(def)} round-trips through YAML`);
    assert.equal(crd.apiVersion, "apiextensions.k8s.io/v1");
    assert.equal(crd.kind, "CustomResourceDefinition");
    assert.equal(crd.metadata.name, `${crd.spec.names.plural}.${crd.spec.group}`);
    assert.equal(crdFileName(def), `${crd.spec.group}_${crd.spec.names.plural}.yaml`);
    const { kind, listKind, plural, singular } = crd.spec.names;
    assert.deepEqual([kind, listKind, plural, singular].map((n) => typeof n === "string" && n.length > 0), [true, true, true, true]);
    assert.ok(["Namespaced", "Cluster"].includes(crd.spec.scope));
    assert.equal(crd.spec.versions.filter((v: { storage: boolean }) => v.storage).length, 1, "exactly one storage version");
    for (const v of crd.spec.versions) {
      assert.equal(v.schema.openAPIV3Schema.type, "object", `${v.name} root schema is an object`);
      assert.deepEqual((v.schema.openAPIV3Schema.properties as Record<string, unknown>).metadata, { type: "object" });
    }
  }
});

test("crds/kustomization.yaml lists every CRD file and nothing else", () => {
  const k = parse(readFileSync(join(CRDS_DIR, "kustomization.yaml"), "utf8"));
  const onDisk = readdirSync(CRDS_DIR).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml").sort();
  assert.deepEqual(k.resources, onDisk);
  assert.deepEqual(onDisk, allKinds.map(crdFileName).sort());
});

test("kubectl kustomize builds crds/ into the full set of CRDs", () => {
  // kubectl is the oracle that the files are valid Kubernetes YAML and the kustomization resolves offline.
  const out = execFileSync("kubectl", ["kustomize", CRDS_DIR], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const names = parseAllDocuments(out).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
  assert.ok(names.every((d) => d.kind === "CustomResourceDefinition"));
  assert.deepEqual(names.map((d) => d.metadata.name).sort(), allKinds.map((k) => `${k.plural}.${k.group}`).sort());
});

test("generate-crds --check names stale, missing and unexpected files, and a regeneration fixes them", () => {
  const dir = mkdtempSync("/dev/shm/flotilla-crds-");
  try {
    for (const [name, content] of rendered) writeFileSync(join(dir, name), content);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", GENERATOR, "--dir", dir, ...args], { encoding: "utf8" });

    assert.equal(run("--check").status, 0, "a fresh copy is up to date");

    const [first, second] = allKinds.map(crdFileName);
    writeFileSync(join(dir, first!), rendered.get(first!)!.replace("served: true", "served: false"));
    rmSync(join(dir, second!));
    writeFileSync(join(dir, "stray.yaml"), "kind: ConfigMap\n");
    const stale = run("--check");
    assert.equal(stale.status, 1);
    const named = stale.stderr.split("\n").map((l) => l.trim()).filter((l) => l.endsWith(".yaml"));
    assert.deepEqual(named, [first!, second!, "stray.yaml"].sort());
    assert.equal(readFileSync(join(dir, first!), "utf8").includes("served: false"), true, "--check does not write");

    assert.equal(run().status, 0);
    assert.equal(existsSync(join(dir, "stray.yaml")), false);
    assert.equal(run("--check").status, 0, "regeneration leaves nothing stale");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
