/**
 * Writes crds/ from the API types: one `<group>_<plural>.yaml` per kind and a kustomization.yaml listing them.
 *
 *   tsx shared/api/src/generate-crds.ts          regenerate crds/
 *   tsx shared/api/src/generate-crds.ts --check  exit 1 and name the stale files instead of writing
 *   --dir <path>                                 use another directory than the repository's crds/
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { allKinds } from "./index.js";
import { renderCRDFiles } from "./crd.js";

/** The repository's crds/ directory. */
export const CRDS_DIR = fileURLToPath(new URL("../../../crds/", import.meta.url));

/** Files in `dir` that differ from, are missing from, or are not part of the generated set. */
export function staleFiles(dir: string, files: Map<string, string>): string[] {
  const stale: string[] = [];
  for (const [name, content] of files) {
    const path = join(dir, name);
    if (!existsSync(path) || readFileSync(path, "utf8") !== content) stale.push(name);
  }
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      if (name.endsWith(".yaml") && !files.has(name)) stale.push(name);
    }
  }
  return stale.sort();
}

function main(argv: string[]): number {
  const check = argv.includes("--check");
  const dirAt = argv.indexOf("--dir");
  const dir = dirAt >= 0 && argv[dirAt + 1] !== undefined ? argv[dirAt + 1]! : CRDS_DIR;
  const files = renderCRDFiles(allKinds);
  const stale = staleFiles(dir, files);
  if (check) {
    if (stale.length === 0) return 0;
    process.stderr.write(`${dir} is stale; run \`npm run generate\`. Stale files:\n${stale.map((f) => `  ${f}\n`).join("")}`);
    return 1;
  }
  mkdirSync(dir, { recursive: true });
  for (const name of stale) {
    if (files.has(name)) writeFileSync(join(dir, name), files.get(name)!);
    else rmSync(join(dir, name));
  }
  process.stdout.write(stale.length === 0 ? `${dir} is up to date\n` : `updated ${stale.length} file(s) in ${dir}\n`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
