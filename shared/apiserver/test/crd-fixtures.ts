/** Loading Flux's CRDs (vendored by @flotilla/api as test oracles) and small CRD builders for tests. */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const FLUX_CRDS_DIR = join(import.meta.dirname, "..", "..", "api", "test", "testdata", "flux-crds");

export interface CrdDoc {
  metadata: { name: string };
  spec: {
    group: string;
    names: { kind: string; plural: string };
    versions: Array<{ name: string; schema: { openAPIV3Schema: Record<string, unknown> } }>;
  };
}

/** CRD files relative to FLUX_CRDS_DIR; with `legacy`, also the older releases kept for deprecated versions. */
export function fluxCrdFiles(legacy = false): string[] {
  const entries = readdirSync(FLUX_CRDS_DIR, { recursive: legacy }) as string[];
  return entries.filter((f) => f.endsWith(".yaml")).sort();
}

export function loadFluxCrd(plural: string): CrdDoc {
  const file = fluxCrdFiles().find((f) => f.endsWith(`_${plural}.yaml`));
  if (!file) throw new Error(`no vendored Flux CRD for ${plural}`);
  return parse(readFileSync(join(FLUX_CRDS_DIR, file), "utf8")) as CrdDoc;
}

/** The openAPIV3Schema of a Flux CRD's (only) served version. */
export function fluxSchema(plural: string, version?: string): Record<string, unknown> {
  const crd = loadFluxCrd(plural);
  const v = version ? crd.spec.versions.find((x) => x.name === version) : crd.spec.versions[0];
  if (!v) throw new Error(`${plural} has no version ${version}`);
  return v.schema.openAPIV3Schema;
}

/** A minimal valid CRD around `schema`, for tests that vary one thing. */
export function crdWith(schema: Record<string, unknown>, patch: (crd: Record<string, any>) => void = () => {}): Record<string, any> {
  const crd: Record<string, any> = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { plural: "widgets", kind: "Widget" },
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
  };
  patch(crd);
  return crd;
}
