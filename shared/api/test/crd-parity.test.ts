/**
 * The generated CRDs against Flux's own (test/testdata/flux-crds): names, scope, metadata, versions, printer
 * columns and every schema node. All differences of a CRD are reported in one assertion message.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allKinds, crdFor, crdYAML, type CustomResourceDefinition } from "../src/index.js";
import { loadOracles, ORACLE_DIR, type FluxCRD } from "./helpers/oracles.js";
import { schemaDifferences } from "./helpers/parity.js";

const oracles = loadOracles();
const current = oracles.filter((o) => !o.legacy);
const ours = new Map<string, CustomResourceDefinition>(allKinds.map((k) => [`${k.plural}.${k.group}`, crdFor(k)]));


const show = (v: unknown) => (v === undefined ? "<absent>" : JSON.stringify(v));

function topLevelDifferences(flux: FluxCRD, mine: CustomResourceDefinition): string[] {
  const out: string[] = [];
  const cmp = (what: string, a: unknown, b: unknown) => {
    if (!isDeepStrictEqual(a, b)) out.push(`${what} is ${show(b)}, Flux has ${show(a)}`);
  };
  cmp("spec.group", flux.spec.group, mine.spec.group);
  cmp("spec.scope", flux.spec.scope, mine.spec.scope);
  cmp("spec.names", flux.spec.names, mine.spec.names);
  cmp("metadata.annotations", flux.metadata.annotations ?? {}, mine.metadata.annotations);
  cmp("metadata.labels", flux.metadata.labels ?? {}, mine.metadata.labels);
  cmp(
    "versions",
    flux.spec.versions.map((v) => v.name),
    mine.spec.versions.filter((v) => flux.spec.versions.some((f) => f.name === v.name)).map((v) => v.name),
  );
  return out;
}

function versionDifferences(flux: FluxCRD, mine: CustomResourceDefinition, names: string[], withFlags: boolean): string[] {
  const out: string[] = [];
  // Descriptions are compared too: every kind copies Flux's text, and `kubectl explain` shows it.
  const compareDescriptions = true;
  for (const name of names) {
    const fv = flux.spec.versions.find((v) => v.name === name)!;
    const mv = mine.spec.versions.find((v) => v.name === name);
    if (mv === undefined) {
      out.push(`${name}: not generated`);
      continue;
    }
    const fields: Array<[string, unknown, unknown]> = [
      ["additionalPrinterColumns", fv.additionalPrinterColumns, mv.additionalPrinterColumns],
      ["subresources", fv.subresources, mv.subresources],
    ];
    if (withFlags) {
      fields.push(["served", fv.served, mv.served], ["storage", fv.storage, mv.storage]);
      fields.push(["deprecated", fv.deprecated, mv.deprecated], ["deprecationWarning", fv.deprecationWarning, mv.deprecationWarning]);
    }
    for (const [what, a, b] of fields) if (!isDeepStrictEqual(a, b)) out.push(`${name}: ${what} is ${show(b)}, Flux has ${show(a)}`);
    for (const d of schemaDifferences(fv.schema.openAPIV3Schema, mv.schema.openAPIV3Schema, "", { compareDescriptions })) {
      out.push(`${name}: ${d}`);
    }
  }
  return out;
}

test("every vendored Flux CRD has a generated counterpart, and every generated CRD an oracle", () => {
  const vendored = new Set(current.map((o) => o.crd.metadata.name));
  const missing = [...vendored].filter((n) => !ours.has(n));
  const unchecked = [...ours.keys()].filter((n) => !vendored.has(n));
  assert.deepEqual({ missing, unchecked }, { missing: [], unchecked: [] });
});

test("every generated version is covered by a current or legacy Flux CRD", () => {
  const uncovered: string[] = [];
  for (const [name, mine] of ours) {
    for (const v of mine.spec.versions) {
      const covered = oracles.some((o) => o.crd.metadata.name === name && o.crd.spec.versions.some((fv) => fv.name === v.name));
      if (!covered) uncovered.push(`${name} ${v.name}`);
    }
  }
  assert.deepEqual(uncovered, []);
});

for (const oracle of current) {
  test(`${oracle.file} matches the generated CRD`, () => {
    const mine = ours.get(oracle.crd.metadata.name);
    assert.ok(mine, `no generated CRD named ${oracle.crd.metadata.name}`);
    const diffs = [
      ...topLevelDifferences(oracle.crd, mine),
      ...versionDifferences(oracle.crd, mine, oracle.crd.spec.versions.map((v) => v.name), true),
    ];
    assert.equal(diffs.length, 0, `${diffs.length} difference(s) from Flux's ${oracle.file}:\n  ${diffs.join("\n  ")}`);
  });
}

for (const oracle of current) {
  test(`${oracle.file} is byte for byte what crds/ holds for Flux's versions`, () => {
    // The strongest check: same text as Flux's release manifest, down to key order, quoting and line folding.
    // Versions Flotilla serves beyond Flux's current ones (compared against legacy/ below) are left out here.
    const mine = ours.get(oracle.crd.metadata.name)!;
    const names = new Set(oracle.crd.spec.versions.map((v) => v.name));
    const restricted = { ...mine, spec: { ...mine.spec, versions: mine.spec.versions.filter((v) => names.has(v.name)) } };
    const expected = readFileSync(join(ORACLE_DIR, oracle.file), "utf8");
    const actual = crdYAML(restricted);
    if (actual !== expected) {
      const a = actual.split("\n");
      const e = expected.split("\n");
      const line = a.findIndex((l, i) => l !== e[i]);
      assert.fail(`first difference at line ${line + 1}:\n  ours: ${JSON.stringify(a[line])}\n  Flux: ${JSON.stringify(e[line])}`);
    }
  });
}

for (const oracle of oracles.filter((o) => o.legacy)) {
  test(`${oracle.file}: the older versions Flotilla still serves match that release`, () => {
    const mine = ours.get(oracle.crd.metadata.name);
    assert.ok(mine, `no generated CRD named ${oracle.crd.metadata.name}`);
    const inCurrent = new Set(
      current.filter((o) => o.crd.metadata.name === oracle.crd.metadata.name).flatMap((o) => o.crd.spec.versions.map((v) => v.name)),
    );
    const names = oracle.crd.spec.versions.map((v) => v.name).filter((n) => !inCurrent.has(n) && mine.spec.versions.some((v) => v.name === n));
    assert.ok(names.length > 0, `${oracle.file} covers none of the versions Flotilla serves`);
    const diffs = versionDifferences(oracle.crd, mine, names, false);
    assert.equal(diffs.length, 0, `${diffs.length} difference(s) from ${oracle.file}:\n  ${diffs.join("\n  ")}`);
  });
}

test("the comparison catches a changed enum, a dropped field and a CEL rule edit", () => {
  // Guards the oracle test itself: a schema that differs from Flux's must not compare equal.
  const oracle = current.find((o) => o.crd.metadata.name === "gitrepositories.source.toolkit.fluxcd.io")!;
  const mutated = structuredClone(oracle.crd.spec.versions[0]!.schema.openAPIV3Schema) as any;
  mutated.properties.spec.properties.provider.enum.pop();
  delete mutated.properties.spec.properties.sparseCheckout;
  mutated.properties.spec["x-kubernetes-validations"][0].rule += " || true";
  const diffs = schemaDifferences(oracle.crd.spec.versions[0]!.schema.openAPIV3Schema, mutated);
  assert.equal(diffs.length, 3, diffs.join("\n"));
  assert.match(diffs.join("\n"), /\.spec\.provider: enum/);
  assert.match(diffs.join("\n"), /\.spec\.sparseCheckout: missing in ours/);
  assert.match(diffs.join("\n"), /\.spec: x-kubernetes-validations/);
});
