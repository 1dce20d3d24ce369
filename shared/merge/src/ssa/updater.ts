/**
 * structured-merge-diff's `merge.Updater`: who owns which fields after an apply or an update, the conflicts an
 * apply runs into, and the pruning of fields an applier stopped sending.
 *
 * Managers are keyed by an opaque identifier (Kubernetes uses a JSON of name, operation, version, subresource).
 * All managers are taken to describe the same schema: there is no version conversion here, the apiVersion is only
 * recorded.
 */
import { FieldSet } from "./fieldset.js";
import type { Path } from "./path.js";
import { compareTyped, type Comparison, ensureNamedFieldsAreMembers, excludeFields, mergeAndCollect, removeItems, toFieldSet } from "./typed.js";
import { type JsonValue, valuesEqual } from "./value.js";
import type { SchemaNode } from "../schema.js";

export interface VersionedSet {
  readonly set: FieldSet;
  readonly apiVersion: string;
  /** True for sets recorded by an apply (operation Apply), false for updates. */
  readonly applied: boolean;
}

/** Manager identifier → the fields it owns. */
export type ManagedFieldSets = Map<string, VersionedSet>;

export interface Conflict {
  readonly manager: string;
  readonly path: Path;
}

/** `merge.Conflicts`: the apply would change fields other managers own. */
export class ConflictsError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(`${conflicts.length} conflict(s)`);
  }
}

function copyManagers(managers: ManagedFieldSets): ManagedFieldSets {
  return new Map(managers);
}

function update(
  schema: SchemaNode,
  oldObject: JsonValue | undefined,
  newObject: JsonValue | undefined,
  managers: ManagedFieldSets,
  workflow: string,
  force: boolean,
  ignored: FieldSet | undefined,
): Comparison {
  const compare = excludeFields(compareTyped(schema, oldObject, newObject), ignored);
  const changed = compare.modified.union(compare.added);
  const conflicts = new Map<string, FieldSet>();
  if (!changed.isEmpty()) {
    for (const [manager, vs] of managers) {
      if (manager === workflow) continue;
      const conflictSet = vs.set.intersection(changed);
      if (!conflictSet.isEmpty()) conflicts.set(manager, conflictSet);
    }
  }
  if (!force && conflicts.size > 0) {
    const list: Conflict[] = [];
    for (const manager of [...conflicts.keys()].sort()) {
      for (const path of conflicts.get(manager)!.paths()) list.push({ manager, path });
    }
    throw new ConflictsError(list);
  }
  for (const [manager, conflictSet] of conflicts) {
    const vs = managers.get(manager)!;
    managers.set(manager, { ...vs, set: vs.set.difference(conflictSet) });
  }
  if (!compare.removed.isEmpty()) {
    for (const [manager, vs] of managers) {
      if (manager === workflow) continue;
      managers.set(manager, { ...vs, set: vs.set.difference(compare.removed) });
    }
  }
  for (const [manager, vs] of [...managers]) if (vs.set.isEmpty()) managers.delete(manager);
  return compare;
}

function hasOtherManagers(managers: ManagedFieldSets, workflow: string): boolean {
  for (const manager of managers.keys()) if (manager !== workflow) return true;
  return false;
}

/**
 * `Updater.Update`, for create/update/patch: the manager gains every field the write added or changed, other
 * managers lose them, and everybody loses fields the write removed.
 */
export function updateManagers(options: {
  schema: SchemaNode;
  live: JsonValue | undefined;
  updated: JsonValue | undefined;
  apiVersion: string;
  managers: ManagedFieldSets;
  manager: string;
  ignored?: FieldSet;
}): ManagedFieldSets {
  const managers = copyManagers(options.managers);
  const compare = update(options.schema, options.live, options.updated, managers, options.manager, true, options.ignored);
  const previous = managers.get(options.manager)?.set ?? FieldSet.empty();
  const set = previous
    .union(compare.modified)
    .union(compare.added)
    .difference(compare.removed)
    .recursiveDifference(options.ignored ?? FieldSet.empty());
  if (set.isEmpty()) managers.delete(options.manager);
  else managers.set(options.manager, { set, apiVersion: options.apiVersion, applied: false });
  return managers;
}

export interface ApplyOutcome {
  /**
   * The merged object, or undefined when it equals the live object (upstream returns nil then). It shares unchanged
   * parts with `live` and `config`; copy it before modifying it.
   */
  object: JsonValue | undefined;
  managers: ManagedFieldSets;
  /** True when the applier owned fields before and all of them are in its new set. */
  lastSetKept: boolean;
}

/**
 * `Updater.Apply`: merges the configuration into the live object, records exactly the configuration's fields for
 * the applier, removes what it applied last time and no longer applies (unless someone else owns it), and fails
 * with ConflictsError when another manager owns a field whose value changes, unless `force`.
 */
export function applyManagers(options: {
  schema: SchemaNode;
  live: JsonValue | undefined;
  config: JsonValue | undefined;
  apiVersion: string;
  managers: ManagedFieldSets;
  manager: string;
  force: boolean;
  ignored?: FieldSet;
}): ApplyOutcome {
  const { schema, live, config, manager } = options;
  const managers = copyManagers(options.managers);
  const walked = mergeAndCollect(schema, live, config);
  let merged = walked.merged;
  const lastSet = managers.get(manager);
  let set = walked.configSet;
  if (options.ignored) set = set.recursiveDifference(options.ignored);
  managers.set(manager, { set, apiVersion: options.apiVersion, applied: true });
  const lastSetKept = lastSet !== undefined && !lastSet.set.isEmpty() && lastSet.set.isSubsetOf(set);
  if (lastSet && !lastSetKept) merged = prune(schema, merged, managers, lastSet);
  if (hasOtherManagers(managers, manager)) {
    update(schema, live, merged, managers, manager, options.force, options.ignored);
  } else {
    // Nobody else to conflict with or to take fields from; only emptied sets would be dropped, and this one is the
    // configuration's own.
    if (set.isEmpty()) managers.delete(manager);
  }
  // Merge and prune keep the live value itself where nothing changed, so identity settles most no-op applies.
  const unchanged = merged === live || valuesEqual(live, merged);
  return { object: unchanged ? undefined : merged, managers, lastSetKept };
}

/**
 * Removes a field, list item or map entry iff the applier applied it last time, does not apply it now, and no
 * other manager (applier or updater) owns it.
 *
 * When every path the applier owned is in its new configuration (`lastSet ⊆ newSet`, the usual re-apply), nothing
 * can be pruned, so applyManagers skips this: the final removal is limited to E(last) (E adding named
 * fields, see ensureNamedFieldsAreMembers), and a path r of E(last) ⊆ E(new) ⊆ E(managed) is only lost by the
 * add-back pass if an ancestor of r is removed there; but E(new), the field set of a value, holds every ancestor of
 * its paths, and the add-back pass keeps everything in E(managed).
 */
function prune(schema: SchemaNode, merged: JsonValue | undefined, managers: ManagedFieldSets, lastSet: VersionedSet): JsonValue | undefined {
  if (lastSet.set.isEmpty()) return merged;
  const named = (s: FieldSet) => ensureNamedFieldsAreMembers(s, schema);
  const last = named(lastSet.set);
  let pruned = removeItems(schema, merged, last);

  // Add back what anybody (including the applier's new configuration) owns.
  let managed = FieldSet.empty();
  for (const vs of managers.values()) managed = managed.union(vs.set);
  const mergedSet = named(toFieldSet(schema, merged));
  let prunedSet = named(toFieldSet(schema, pruned));
  pruned = removeItems(schema, merged, mergedSet.difference(prunedSet.union(named(managed))));

  // Add back what the applier did not own before: only its own former fields may go.
  prunedSet = named(toFieldSet(schema, pruned));
  return removeItems(schema, merged, mergedSet.difference(prunedSet).intersection(last));
}
