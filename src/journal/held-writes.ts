import { JournalError } from "./errors.js";
import type { JournalErrorContext } from "./errors.js";
import type { Settlement } from "./item-writes.js";
import { settleEvents, transition } from "./state-machine.js";
import { isoTimestamp } from "./timestamps.js";
import type { ItemRecord } from "./types.js";
import { nextItemState, recordSubject } from "./write-scope.js";
import type { WriteScope } from "./write-scope.js";

// Writes from the record a caller holds, as the journal last answered it, rather than from a
// row read first: one statement each, which changes the row only if the file still holds that
// record (same state and attempts). When another process wrote the item meanwhile, the
// statement changes nothing and the caller reads the row and checks it again.

function heldColumns(held: ItemRecord) {
  return {
    checked_state: held.state,
    checked_attempts: held.attempts,
  };
}

/** Marks a held item in flight; answers its new record, or undefined when the file differs. */
export function startHeldItem(
  scope: WriteScope,
  held: ItemRecord,
  place: { batch: number; session: number; startedAt: string },
): ItemRecord | undefined {
  // A held record no attempt starts from may be stale: the row read then decides.
  const state = transition(held.state, "start");
  if (state instanceof JournalError) return undefined;

  const { batch, session, startedAt } = place;
  const { changes } = scope.statements.startCheckedItem.run({
    id: held.id,
    batch,
    session,
    started_at: startedAt,
    ...heldColumns(held),
  });
  if (changes !== 1) return undefined;

  return {
    ...held,
    state,
    attempts: held.attempts + 1,
    batch,
    session,
    startedAt,
    settledAt: undefined,
    durationMs: undefined,
  };
}

/**
 * The record a held, unsettled item becomes when `settlement` is written at `settledAt`. Throws
 * `P21_JOURNAL_STATE` when it cannot settle. The input is the held record's own object.
 */
export function settledRecord(
  held: ItemRecord,
  settlement: Settlement,
  settledAt: Date,
  context: JournalErrorContext,
): ItemRecord {
  return {
    ...held,
    state: nextItemState(recordSubject(held), settleEvents[settlement.state], context),
    result: settlement.result === null ? undefined : (JSON.parse(settlement.result) as unknown),
    errorCode: settlement.errorCode ?? undefined,
    errorMessage: settlement.errorMessage ?? undefined,
    settledAt: isoTimestamp(settledAt.getTime()),
    durationMs:
      held.startedAt === undefined
        ? undefined
        : Math.max(0, settledAt.getTime() - Date.parse(held.startedAt)),
  };
}

/** Writes a settled record if the file still holds `held`; answers whether it did. */
export function settleHeldItem(
  scope: WriteScope,
  held: ItemRecord,
  settlement: Settlement,
  settled: ItemRecord,
): boolean {
  const { changes } = scope.statements.settleCheckedItem.run({
    id: held.id,
    state: settled.state,
    result: settlement.result,
    error_code: settlement.errorCode,
    error_message: settlement.errorMessage,
    settled_at: settled.settledAt ?? null,
    duration_ms: settled.durationMs ?? null,
    ...heldColumns(held),
  });

  return changes === 1;
}
