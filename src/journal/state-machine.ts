import { JournalError } from "./errors.js";
import type { ItemState, RunState, SettledItemState } from "./types.js";

/**
 * What can happen to an item: `start` (an attempt begins, before its first write is sent),
 * `succeed`, `fail`, `skip` (it settles), `return` (a reconciliation found the in-flight write
 * did not happen) and `reset` (a failed item is offered again).
 */
export type ItemEvent = "start" | "succeed" | "fail" | "skip" | "return" | "reset";

const itemTransitions: Record<ItemState, Partial<Record<ItemEvent, ItemState>>> = {
  pending: { start: "in_flight", succeed: "succeeded", fail: "failed", skip: "skipped" },
  in_flight: {
    start: "in_flight",
    succeed: "succeeded",
    fail: "failed",
    skip: "skipped",
    return: "pending",
  },
  succeeded: {},
  failed: { reset: "pending" },
  skipped: {},
};

/**
 * The item state machine, in one place: the state `event` leads to from `from`, or a
 * `P21_JOURNAL_STATE` error (returned, not thrown) when the event is not allowed there.
 * Settled items are final; only `reset` takes a failed item back to `pending`.
 */
export function transition(from: ItemState, event: ItemEvent): ItemState | JournalError {
  const to = itemTransitions[from][event];
  if (to !== undefined) return to;

  return new JournalError("P21_JOURNAL_STATE", `an item that is ${from} cannot ${event}`);
}

/** The event that settles an item in each settled state. */
export const settleEvents: Record<SettledItemState, ItemEvent> = {
  succeeded: "succeed",
  failed: "fail",
  skipped: "skip",
};

/** Whether an item in this state is final. */
export function isSettled(state: ItemState): boolean {
  return state === "succeeded" || state === "failed" || state === "skipped";
}

const runTransitions: Record<RunState, readonly RunState[]> = {
  pending: ["running", "interrupted", "completed", "failed"],
  running: ["interrupted", "completed", "failed"],
  interrupted: ["running", "completed", "failed"],
  failed: ["running"],
  completed: [],
};

/**
 * The run state machine: the state a run moves to, or a `P21_JOURNAL_STATE` error (returned).
 * Staying in the same state is allowed; a completed run is final; a failed one may run again.
 */
export function runTransition(from: RunState, to: RunState): RunState | JournalError {
  if (from === to || runTransitions[from].includes(to)) return to;

  return new JournalError("P21_JOURNAL_STATE", `a run that is ${from} cannot become ${to}`);
}

/** Whether a run in this state can still be resumed. */
export function isUnfinishedRun(state: RunState): boolean {
  return state === "pending" || state === "running" || state === "interrupted";
}
