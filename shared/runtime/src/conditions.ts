/**
 * Flux's condition contract (fluxcd/pkg/runtime/conditions and conditions/check) as pure functions: every setter
 * returns a new object and leaves its input untouched, so controllers can diff before/after for status patches.
 */
import {
  ReadyCondition,
  ReconcilingCondition,
  StalledCondition,
  SucceededReason,
  ProgressingReason,
  ProgressingWithRetryReason,
  type Condition,
  type ConditionStatus,
} from "@flotilla/api";

/** The parts of a Flux object the condition helpers read and write. */
export interface ConditionedObject {
  metadata?: { generation?: number; deletionTimestamp?: string };
  status?: { conditions?: Condition[]; observedGeneration?: number; [k: string]: unknown };
}

/** metav1.Time marshals to RFC 3339 with second precision. */
export function nowTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

export interface SetOptions {
  /** The clock, for deterministic tests; defaults to the wall clock. */
  now?: () => string;
}

export function getCondition(obj: ConditionedObject, type: string): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}

export function hasCondition(obj: ConditionedObject, type: string): boolean {
  return getCondition(obj, type) !== undefined;
}

export function isTrue(obj: ConditionedObject, type: string): boolean {
  return getCondition(obj, type)?.status === "True";
}

export function isFalse(obj: ConditionedObject, type: string): boolean {
  return getCondition(obj, type)?.status === "False";
}

export function isUnknown(obj: ConditionedObject, type: string): boolean {
  const c = getCondition(obj, type);
  return c === undefined || c.status === "Unknown";
}

export const isReady = (obj: ConditionedObject) => isTrue(obj, ReadyCondition);
export const isReconciling = (obj: ConditionedObject) => isTrue(obj, ReconcilingCondition);
export const isStalled = (obj: ConditionedObject) => isTrue(obj, StalledCondition);

function withConditions<T extends ConditionedObject>(obj: T, conditions: Condition[]): T {
  return { ...obj, status: { ...(obj.status ?? {}), conditions } };
}

/**
 * Sets a condition (replacing one of the same type). lastTransitionTime only moves when status changes, so watchers
 * can tell how long a state has held; observedGeneration records the generation the condition was computed for.
 */
export function setCondition<T extends ConditionedObject>(
  obj: T,
  cond: { type: string; status: ConditionStatus; reason: string; message?: string },
  opts: SetOptions = {},
): T {
  const existing = getCondition(obj, cond.type);
  const next: Condition = {
    type: cond.type,
    status: cond.status,
    reason: cond.reason,
    message: cond.message ?? "",
    lastTransitionTime:
      existing !== undefined && existing.status === cond.status ? existing.lastTransitionTime : (opts.now ?? nowTime)(),
  };
  const generation = obj.metadata?.generation;
  if (generation !== undefined) next.observedGeneration = generation;
  const list = obj.status?.conditions ?? [];
  const conditions = existing === undefined ? [...list, next] : list.map((c) => (c.type === cond.type ? next : c));
  return withConditions(obj, conditions);
}

export function deleteCondition<T extends ConditionedObject>(obj: T, type: string): T {
  if (!hasCondition(obj, type)) return obj;
  return withConditions(obj, (obj.status?.conditions ?? []).filter((c) => c.type !== type));
}

export const markTrue = <T extends ConditionedObject>(obj: T, type: string, reason: string, message = "", opts?: SetOptions) =>
  setCondition(obj, { type, status: "True", reason, message }, opts);
export const markFalse = <T extends ConditionedObject>(obj: T, type: string, reason: string, message = "", opts?: SetOptions) =>
  setCondition(obj, { type, status: "False", reason, message }, opts);
export const markUnknown = <T extends ConditionedObject>(obj: T, type: string, reason: string, message = "", opts?: SetOptions) =>
  setCondition(obj, { type, status: "Unknown", reason, message }, opts);

/**
 * Reconciling=True, with reason ProgressingWithRetry when the previous attempt failed (Ready=False or Stalled) so
 * users can tell a retry from fresh progress. Reconciling and Stalled never coexist, so Stalled is dropped.
 */
export function markReconciling<T extends ConditionedObject>(
  obj: T,
  message: string,
  opts: SetOptions & { reason?: string; afterFailure?: boolean } = {},
): T {
  const afterFailure = opts.afterFailure ?? (isFalse(obj, ReadyCondition) || isStalled(obj));
  const reason = opts.reason ?? (afterFailure ? ProgressingWithRetryReason : ProgressingReason);
  return markTrue(deleteCondition(obj, StalledCondition), ReconcilingCondition, reason, message, opts);
}

/** Stalled=True (a terminal failure retrying will not fix) plus Ready=False mirroring it; Reconciling is removed. */
export function markStalled<T extends ConditionedObject>(obj: T, reason: string, message: string, opts: SetOptions = {}): T {
  const stalled = markTrue(deleteCondition(obj, ReconcilingCondition), StalledCondition, reason, message, opts);
  return markFalse(stalled, ReadyCondition, reason, message, opts);
}

export interface SummarizeOptions extends SetOptions {
  /**
   * Negative-polarity condition types in priority order (e.g. FetchFailed, ArtifactOutdated). They are only kept
   * while True; the first True one decides Ready=False.
   */
  negativePolarity?: string[];
  /** Positive-polarity types whose False status makes Ready False (e.g. ArtifactInStorage, Healthy). */
  positivePolarity?: string[];
  /** Ready's reason/message when nothing is wrong. */
  successReason?: string;
  successMessage?: string;
}

/**
 * Computes Ready from the other conditions the way Flux's summarize helper does at the end of a reconcile:
 * negative conditions (and Reconciling/Stalled) that are not True are removed, Stalled wins over Reconciling,
 * and Ready is False with the reason of the highest-priority problem — Stalled, then the negative conditions in
 * order, then Reconciling, then a False positive condition — else True. Ready is always present afterwards.
 */
export function summarize<T extends ConditionedObject>(obj: T, opts: SummarizeOptions = {}): T {
  const negatives = opts.negativePolarity ?? [];
  let out = obj;
  for (const type of [StalledCondition, ReconcilingCondition, ...negatives]) {
    if (hasCondition(out, type) && !isTrue(out, type)) out = deleteCondition(out, type);
  }
  if (isStalled(out)) out = deleteCondition(out, ReconcilingCondition);

  const problem =
    [StalledCondition, ...negatives, ReconcilingCondition].map((t) => getCondition(out, t)).find((c) => c?.status === "True") ??
    (opts.positivePolarity ?? []).map((t) => getCondition(out, t)).find((c) => c?.status === "False");
  if (problem !== undefined) return markFalse(out, ReadyCondition, problem.reason, problem.message, opts);
  return markTrue(out, ReadyCondition, opts.successReason ?? SucceededReason, opts.successMessage ?? "", opts);
}

export interface CheckOptions {
  /** Negative-polarity condition types of the kind being checked. */
  negativePolarity?: string[];
  /**
   * A status patched in the middle of a reconcile (the check package's "mid-reconcile" mode): the rules that only
   * hold once a full reconcile has summarized the status (FAIL0003/0004 and the Ready=True generation rules
   * FAIL0007-0009) are skipped.
   */
  midReconcile?: boolean;
}

export interface StatusViolation {
  /** The fluxcd/pkg/runtime/conditions/check rule id, e.g. "FAIL0002". */
  check: string;
  message: string;
}

/**
 * The status rules of fluxcd/pkg/runtime/conditions/check (its FAIL checks); an empty list means the status obeys
 * the contract. Later controllers' tests run every status they write through this.
 */
export function checkStatus(obj: ConditionedObject, opts: CheckOptions = {}): StatusViolation[] {
  const out: StatusViolation[] = [];
  const fail = (check: string, message: string) => out.push({ check, message });
  const conditions = obj.status?.conditions ?? [];
  const generation = obj.metadata?.generation ?? 0;
  const og = obj.status?.observedGeneration ?? 0;
  const ready = getCondition(obj, ReadyCondition);
  const full = opts.midReconcile !== true;
  const typesWhere = (pred: (c: Condition) => boolean) => conditions.filter(pred).map((c) => c.type);

  if (ready?.status === "True") {
    const negTrue = typesWhere((c) => (opts.negativePolarity ?? []).includes(c.type) && c.status === "True");
    if (negTrue.length > 0) {
      fail("FAIL0001", `Negative polarity condition cannot be True when Ready condition is True: [${negTrue.join(" ")}]`);
    }
  }
  if (ready === undefined) fail("FAIL0002", "Ready condition must always be present");
  if (full && ready !== undefined && isReconciling(obj) && ready.status !== "False") {
    fail("FAIL0003", "Ready condition must be False when Reconciling condition is True");
  }
  if (full && ready !== undefined && isStalled(obj) && ready.status !== "False") {
    fail("FAIL0004", "Ready condition must be False when Stalled condition is True");
  }
  if (hasCondition(obj, ReconcilingCondition) && hasCondition(obj, StalledCondition)) {
    fail("FAIL0005", "Only one of Reconciling condition or Stalled condition must be present at a time");
  }
  if (og > generation) fail("FAIL0006", "The ObservedGeneration must be less than or equal to the object Generation");
  if (full && og < generation && isReady(obj)) {
    fail("FAIL0007", "Ready condition must be False when the ObservedGeneration is less than the object Generation");
  }
  if (full && isReady(obj)) {
    const stale = typesWhere((c) => (c.observedGeneration ?? 0) < generation);
    if (stale.length > 0) {
      fail(
        "FAIL0008",
        `Ready condition must be False when any of the status condition's ObservedGeneration is less than the object Generation: [${stale.join(" ")}]`,
      );
    }
    const mismatched = typesWhere((c) => (c.observedGeneration ?? 0) !== og);
    if (mismatched.length > 0) {
      fail(
        "FAIL0009",
        `The status conditions' ObservedGenerations must be equal to the root ObservedGeneration when Ready condition is True: [${mismatched.join(" ")}]`,
      );
    }
  }
  const reconciling = getCondition(obj, ReconcilingCondition);
  if (reconciling?.status === "True" && og >= (reconciling.observedGeneration ?? 0)) {
    fail(
      "FAIL0010",
      "The root ObservedGeneration must be less than the Reconciling condition ObservedGeneration when Reconciling condition is True",
    );
  }
  return out;
}
