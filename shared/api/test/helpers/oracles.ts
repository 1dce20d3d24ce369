/** Loads the vendored Flux CRDs (test/testdata/flux-crds) that the generated CRDs are compared against. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export const ORACLE_DIR = fileURLToPath(new URL("../testdata/flux-crds/", import.meta.url));

export interface Oracle {
  /** Path relative to ORACLE_DIR. */
  file: string;
  /** True for the older releases under legacy/, which only stand in for versions the current release dropped. */
  legacy: boolean;
  crd: FluxCRD;
}

export interface FluxCRD {
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: {
    group: string;
    names: Record<string, unknown>;
    scope: string;
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      deprecated?: boolean;
      deprecationWarning?: string;
      additionalPrinterColumns?: unknown[];
      subresources?: unknown;
      schema: { openAPIV3Schema: Record<string, unknown> };
    }>;
  };
}

function yamlFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path, `${prefix}${name}/`));
    else if (name.endsWith(".yaml")) out.push(`${prefix}${name}`);
  }
  return out;
}

export function loadOracles(): Oracle[] {
  return yamlFiles(ORACLE_DIR).map((file) => ({
    file,
    legacy: file.startsWith("legacy/"),
    crd: parse(readFileSync(join(ORACLE_DIR, file), "utf8")) as FluxCRD,
  }));
}
