import type { ItemState } from "../journal/index.js";

/** What planning needs to know of an item. */
export interface PlannableItem {
  id: number;
  sequence: number;
  state: ItemState;
}

/** What runPhase does with the items it finds. */
export interface ResumePlan {
  /** In flight when the phase (re)starts: may have been written; asked about before anything. */
  reconcile: number[];
  /** Pending: run in batches, in sequence order. */
  run: number[];
  /** Already settled: left alone. */
  settled: number[];
}

/** Sorts a phase's items into what to reconcile, run, or leave. Pure. */
export function planResume(items: readonly PlannableItem[]): ResumePlan {
  const ordered = [...items].sort((left, right) => left.sequence - right.sequence);
  const plan: ResumePlan = { reconcile: [], run: [], settled: [] };

  for (const item of ordered) {
    if (item.state === "in_flight") plan.reconcile.push(item.id);
    else if (item.state === "pending") plan.run.push(item.id);
    else plan.settled.push(item.id);
  }

  return plan;
}

/** The answer of a reconciliation for one in-flight item. */
export type ReconcileAnswer = "present" | "absent" | "unknown";

/**
 * After reconciliation: present items settle succeeded, absent ones join the run (before the
 * pending ones that follow them in sequence), unknown ones stay in flight and are not sent.
 * Pure.
 */
export function applyReconciliation(
  items: readonly PlannableItem[],
  plan: ResumePlan,
  answers: ReadonlyMap<number, ReconcileAnswer>,
): { run: number[]; succeeded: number[]; unresolved: number[] } {
  const sequenceOf = new Map(items.map((item) => [item.id, item.sequence]));
  const succeeded: number[] = [];
  const unresolved: number[] = [];
  const run = [...plan.run];

  for (const id of plan.reconcile) {
    const answer = answers.get(id) ?? "unknown";
    if (answer === "present") succeeded.push(id);
    else if (answer === "absent") run.push(id);
    else unresolved.push(id);
  }

  run.sort((left, right) => (sequenceOf.get(left) ?? 0) - (sequenceOf.get(right) ?? 0));

  return { run, succeeded, unresolved };
}
