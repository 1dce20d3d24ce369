/**
 * The SMP half of the schema table checked against the struct tags compiled into kubectl: for every list the table
 * describes (and every list nested in a merged list), an original with one item and a patch with another go through
 * `kubectl patch --local --type strategic`; kubectl keeps both items exactly where the table says "merge". One
 * kubectl run per kind covers all its lists at once.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { builtinKinds, builtinSchema } from "../src/builtin.js";
import type { ListNode, SchemaNode } from "../src/schema.js";
import { type OracleCase, type OracleResult, kubectlPatchAll } from "./patch-oracle.js";

/** A path into an object: a field name, or "the one item of a merged list, with this merge key". */
type Step = string | { mergeKey: string };

interface Probe {
  path: Step[];
  list: ListNode;
}

function merges(list: ListNode): boolean {
  return (list.patchStrategy ?? "").split(",").includes("merge");
}

function probes(node: SchemaNode, path: Step[] = []): Probe[] {
  if (node.type === "map") return Object.entries(node.fields ?? {}).flatMap(([k, v]) => probes(v, [...path, k]));
  if (node.type !== "list") return [];
  const own: Probe = { path, list: node };
  // Lists inside replaced lists are replaced with their parent; only merged items are worth descending into.
  if (!merges(node) || !node.patchMergeKey) return [own];
  return [own, ...probes(node.items, [...path, { mergeKey: node.patchMergeKey }])];
}

function item(list: ListNode, tag: string): unknown {
  if (list.patchMergeKey) return { [list.patchMergeKey]: tag };
  return list.items.type === "scalar" ? tag : { probe: tag };
}

/** Appends `value` to the list at `path`, creating maps and the shared merged-list items along the way. */
function appendAt(doc: Record<string, unknown>, path: Step[], value: unknown): void {
  let cur: unknown = doc;
  path.forEach((step, i) => {
    const next = path[i + 1];
    if (typeof step === "string") {
      const m = cur as Record<string, unknown>;
      cur = m[step] ??= next === undefined || typeof next !== "string" ? [] : {};
      return;
    }
    const items = cur as Record<string, unknown>[];
    let shared = items.find((it) => it[step.mergeKey] === "shared");
    if (!shared) items.unshift((shared = { [step.mergeKey]: "shared" }));
    cur = shared;
  });
  (cur as unknown[]).push(value);
}

function getAt(doc: unknown, path: Step[]): unknown {
  let cur = doc;
  for (const step of path) {
    if (cur === undefined || cur === null) return undefined;
    cur = typeof step === "string" ? (cur as Record<string, unknown>)[step] : (cur as unknown[])[0];
  }
  return cur;
}

function describePath(path: Step[]): string {
  return path.map((s) => (typeof s === "string" ? `.${s}` : `[${s.mergeKey}=shared]`)).join("");
}

// kubectl has no apiextensions types compiled in ("strategic merge patch is not supported ... locally"), so the CRD
// kind cannot be probed this way.
const probedKinds = builtinKinds().filter(({ apiVersion }) => apiVersion !== "apiextensions.k8s.io/v1");

const kinds = probedKinds.map(({ apiVersion, kind }) => {
  const found = probes(builtinSchema(apiVersion, kind)!);
  const original: Record<string, unknown> = { apiVersion, kind, metadata: { name: "probe" } };
  const patch: Record<string, unknown> = {};
  for (const p of found) {
    appendAt(original, p.path, item(p.list, "a"));
    appendAt(patch, p.path, item(p.list, "b"));
  }
  return { apiVersion, kind, probes: found, testCase: { name: `${apiVersion} ${kind}`, original, patch } as OracleCase };
});

describe("the schema table's SMP strategies match kubectl's compiled-in struct tags", () => {
  let oracle: OracleResult[] = [];
  before(async () => {
    oracle = await kubectlPatchAll("strategic", kinds.map((k) => k.testCase));
  });
  kinds.forEach((k, i) => {
    it(`${k.apiVersion} ${k.kind} (${k.probes.length} lists)`, () => {
      const result = oracle[i]!;
      assert.ok(result.ok, `kubectl refused the probe: ${result.ok ? "" : result.message}`);
      for (const p of k.probes) {
        const list = getAt(result.object, p.path);
        assert.ok(Array.isArray(list), `${describePath(p.path)} missing from kubectl's result`);
        const has = (tag: string): boolean => list.some((v) => JSON.stringify(v) === JSON.stringify(item(p.list, tag)));
        assert.ok(has("b"), `${describePath(p.path)}: the patched item is missing`);
        assert.equal(has("a"), merges(p.list), `${describePath(p.path)}: kubectl ${has("a") ? "merges" : "replaces"} it`);
      }
    });
  });

  it("probes the lists that matter most", () => {
    const all = kinds.flatMap((k) => k.probes.map((p) => `${k.kind}${describePath(p.path)}`));
    for (const expected of [
      "Deployment.spec.template.spec.containers[name=shared].env",
      "Deployment.spec.template.spec.volumes",
      "Pod.spec.containers[name=shared].ports",
      "Service.spec.ports",
      "Deployment.metadata.finalizers",
      "Deployment.metadata.ownerReferences",
      "Role.rules",
      "RoleBinding.subjects",
      "Pod.spec.tolerations",
    ]) {
      assert.ok(all.includes(expected), `${expected} is not probed`);
    }
  });
});
