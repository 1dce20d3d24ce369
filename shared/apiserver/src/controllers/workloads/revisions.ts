/**
 * ControllerRevisions for StatefulSets and DaemonSets (pkg/controller/history): each distinct pod template
 * is stored once as `<owner>-<hash>` with data `{"spec":{"template":{...,"$patch":"replace"}}}` and a
 * revision number; going back to an earlier template re-numbers that revision as the newest. `kubectl
 * rollout history` and `rollout undo` read them.
 */
import { ApiError } from "../../errors.js";
import type { KubeObject } from "../../registry.js";
import { deepClone, deepEqual, isObject } from "../../util.js";
import { controllerRef, newControllerRef } from "../common.js";
import { controllerRevisionHash } from "./hash.js";
import { MAX_COLLISIONS, type Obj, REVISIONS_BUCKET, type Sim, claim, mergePatch, selectorOf, spec, status, withoutNulls } from "./sim.js";

export const REVISION_HASH_LABEL = "controller.kubernetes.io/hash";

/** The patch a revision stores: the template, marked to replace the live one on rollback. */
export function templatePatch(template: unknown): Obj {
  const t = (isObject(template) ? withoutNulls(template) : {}) as Obj;
  // A typed PodTemplateSpec encodes an unset creationTimestamp as null.
  if (!isObject(t.metadata)) t.metadata = {};
  if (!("creationTimestamp" in t.metadata)) t.metadata.creationTimestamp = null;
  t.$patch = "replace";
  return { spec: { template: t } };
}

/** The template stored in a revision. */
export function revisionTemplate(rev: KubeObject): Obj {
  const t = deepClone((rev.data as Obj | undefined)?.spec?.template ?? {}) as Obj;
  delete t.$patch;
  if (isObject(t.metadata) && t.metadata.creationTimestamp === null) delete t.metadata.creationTimestamp;
  return t;
}

export interface Revisions {
  /** All revisions of the owner, oldest first. */
  all: KubeObject[];
  update: KubeObject;
  collisionCount: number;
}

/** Finds or creates the revision of the owner's current template. */
export function syncRevisions(sim: Sim, owner: KubeObject): Revisions | "retry" {
  const ns = owner.metadata!.namespace!;
  const selector = selectorOf(owner);
  const candidates = sim.store.list(REVISIONS_BUCKET, ns).map((e) => e.object);
  let all = claim(sim, owner, candidates, selector).sort((a, b) => Number(a.revision ?? 0) - Number(b.revision ?? 0));
  let collisionCount = typeof status(owner).collisionCount === "number" ? (status(owner).collisionCount as number) : 0;
  const data = templatePatch(spec(owner).template);
  const max = all.reduce((n, r) => Math.max(n, Number(r.revision ?? 0)), 0);
  const equal = all.filter((r) => deepEqual(r.data, data));
  let update = equal[equal.length - 1];
  if (update) {
    if (Number(update.revision ?? 0) < max) {
      update = mergePatch(sim, update, { revision: max + 1 });
      all = [...all.filter((r) => r.metadata!.uid !== update!.metadata!.uid), update];
    }
    return { all, update, collisionCount };
  }
  const hash = controllerRevisionHash(data, collisionCount);
  const rev: KubeObject = {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: `${owner.metadata!.name!.slice(0, 223)}-${hash}`,
      namespace: ns,
      labels: { ...(spec(owner).template?.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash },
      ownerReferences: [newControllerRef(owner)],
    },
    data,
    revision: max + 1,
  };
  try {
    update = sim.client.create(rev);
  } catch (e) {
    if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
    const existing = sim.client.tryGet("apps/v1", "ControllerRevision", ns, rev.metadata!.name!);
    if (existing && controllerRef(existing)?.uid === owner.metadata!.uid && deepEqual(existing.data, data)) update = existing;
    else {
      if (collisionCount >= MAX_COLLISIONS) throw new Error(`giving up on ${ns}/${owner.metadata!.name}: ${MAX_COLLISIONS} ControllerRevision name collisions`);
      collisionCount++;
      sim.client.update({ ...owner, status: { ...status(owner), collisionCount } }, { subresource: "status", fieldManager: "kube-controller-manager" });
      return "retry";
    }
  }
  all = [...all, update];
  return { all, update, collisionCount };
}

/** The hash label value of a revision (what DaemonSet pods carry as controller-revision-hash). */
export function revisionHash(rev: KubeObject): string {
  return rev.metadata?.labels?.[REVISION_HASH_LABEL] ?? rev.metadata!.name!.slice(rev.metadata!.name!.lastIndexOf("-") + 1);
}

/** Deletes the oldest revisions no pod uses beyond revisionHistoryLimit (truncateHistory). */
export function truncateHistory(sim: Sim, owner: KubeObject, revisions: KubeObject[], live: Set<string>): void {
  const limit = typeof spec(owner).revisionHistoryLimit === "number" ? (spec(owner).revisionHistoryLimit as number) : 10;
  const unused = revisions.filter((r) => !live.has(r.metadata!.name!));
  for (const r of unused.slice(0, Math.max(0, unused.length - limit))) {
    const m = r.metadata!;
    sim.client.delete("apps/v1", "ControllerRevision", m.namespace, m.name!, { preconditions: { uid: m.uid } });
  }
}
