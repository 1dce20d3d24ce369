/**
 * The real kubectl as a patch oracle: `kubectl patch --local -f <file> --type <t> -p <patch> -o json` applies a patch
 * without any server, with kubectl's compiled-in struct tags for strategic merge patch and the same evanphx
 * json-patch v4 library kube-apiserver uses for merge and JSON patches.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { PatchError } from "../src/errors.js";

export type PatchType = "strategic" | "merge" | "json";

export type OracleResult = { ok: true; object: unknown } | { ok: false; message: string; panic: boolean };

export interface OracleCase {
  name: string;
  original: object;
  patch: unknown;
}

function runKubectl(file: string, type: PatchType, patch: unknown): Promise<OracleResult> {
  return new Promise((resolve, reject) => {
    const args = ["patch", "--local", "-f", file, "--type", type, "-p", JSON.stringify(patch), "-o", "json", "--show-managed-fields"];
    // An empty KUBECONFIG keeps kubectl away from any real cluster configuration; --local never contacts one.
    execFile("kubectl", args, { env: { ...process.env, KUBECONFIG: "/dev/null" }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (!err) {
        resolve({ ok: true, object: JSON.parse(stdout) });
        return;
      }
      if (typeof err.code !== "number") {
        reject(err);
        return;
      }
      const text = stderr.trim();
      if (text.startsWith("panic:")) resolve({ ok: false, message: text.split("\n")[0] ?? text, panic: true });
      else resolve({ ok: false, message: text.replace(/^error: /, ""), panic: false });
    });
  });
}

/** Runs kubectl once per case, a few at a time, and returns the results in case order. */
export async function kubectlPatchAll(type: PatchType, cases: OracleCase[], parallel = 4): Promise<OracleResult[]> {
  const dir = mkdtempSync(join("/dev/shm", "flotilla-patch-oracle-"));
  try {
    const results: OracleResult[] = new Array(cases.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const i = next++;
        const c = cases[i]!;
        const file = join(dir, `${i}.json`);
        writeFileSync(file, JSON.stringify(c.original));
        results[i] = await runKubectl(file, type, c.patch);
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Asserts that ours matches kubectl: the same object, or an error of ours wherever kubectl refused. `messageOf`
 * picks the part of our PatchError that carries the library's message (for JSON patch it is the cause).
 */
export function assertSameOutcome(
  oracle: OracleResult,
  ours: () => unknown,
  messageOf: (err: PatchError) => string = (err) => err.message,
): void {
  if (oracle.ok) {
    assert.deepStrictEqual(ours(), oracle.object);
    return;
  }
  let thrown: unknown;
  try {
    ours();
  } catch (err) {
    thrown = err;
  }
  assert.ok(thrown instanceof PatchError, `kubectl failed with "${oracle.message}" but we did not throw a PatchError`);
  if (oracle.panic) assert.equal(thrown.reason, "InternalError");
  else assert.equal(messageOf(thrown).trim(), oracle.message);
}
