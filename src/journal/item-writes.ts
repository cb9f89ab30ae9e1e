import { JournalError } from "./errors.js";
import type { JournalErrorContext } from "./errors.js";
import { failedResetEventType, returnedToPendingEventType } from "./event-types.js";
import { startHeldItem } from "./held-writes.js";
import { redactText } from "./redact.js";
import { toItemRecord } from "./rows.js";
import type { ItemRow } from "./rows.js";
import { settleEvents, transition } from "./state-machine.js";
import { isUniqueViolation } from "./storage-errors.js";
import { isoTimestamp } from "./timestamps.js";
import type { AttemptPlace, ItemOutcome, ItemRecord, NewItem, SettledItemState } from "./types.js";
import {
  optionalText,
  requireCount,
  requireSettledState,
  requireText,
  toJsonText,
} from "./validate.js";
import { insertEvent, nextItemState, requireItem, requireRun } from "./write-scope.js";
import type { WriteScope } from "./write-scope.js";

export function insertItems(
  scope: WriteScope,
  runId: string,
  phase: string,
  items: readonly NewItem[],
): ItemRecord[] {
  const context = { operation: "addItems", journalPath: scope.journalPath, runId, phase };
  requireText(phase, "phase", context);
  requireRun(scope, runId, context);
  let sequence = scope.statements.lastSequence.get({ run_id: runId, phase })?.last ?? 0;
  const added: ItemRecord[] = [];
  for (const item of items) {
    const naturalKey = requireText(item.naturalKey, "naturalKey", context);
    const input = toJsonText(item.input, `input of ${naturalKey}`, context);
    sequence += 1;
    try {
      const row = scope.statements.insertItem.get({
        run_id: runId,
        phase,
        sequence,
        natural_key: naturalKey,
        input,
      });
      added.push(toItemRecord(row as ItemRow));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;

      throw new JournalError(
        "P21_JOURNAL_DUPLICATE_KEY",
        `run ${runId}, phase ${phase}: natural key ${JSON.stringify(naturalKey)} is already in the journal`,
        { ...context, naturalKey, cause: error },
      );
    }
  }

  return added;
}

/**
 * Marks an item in flight and answers its record. Given the record the caller holds for it
 * (`expected`, as this journal last answered it), one conditional statement does it when the
 * file still holds that record; otherwise, or without one, the row is read and checked first.
 */
export function startAttempt(
  scope: WriteScope,
  itemId: number,
  place: AttemptPlace,
  expected?: ItemRecord,
): ItemRecord {
  const context = { operation: "markInFlight", journalPath: scope.journalPath, itemId };
  const batch = requireCount(place.batch, "batch", context);
  const session = requireCount(place.session, "session", context);
  const startedAt = isoTimestamp(scope.now().getTime());
  if (expected?.id === itemId) {
    const started = startHeldItem(scope, expected, { batch, session, startedAt });
    if (started !== undefined) return started;
  }

  const item = requireItem(scope, itemId, context);
  const started: ItemRow = {
    ...item,
    state: nextItemState(item, "start", context),
    attempts: item.attempts + 1,
    batch,
    session,
    started_at: startedAt,
    settled_at: null,
    duration_ms: null,
  };
  // The row is built here rather than read back (RETURNING): the transaction holds the write
  // lock, so the row read above is the one the update changes.
  scope.statements.startItem.run({
    id: itemId,
    state: started.state,
    batch,
    session,
    started_at: startedAt,
  });

  return toItemRecord(started);
}

/** A settlement's outcome, checked and encoded for the `items` row. */
export interface Settlement {
  readonly state: SettledItemState;
  readonly result: string | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
}

/** Checks an outcome and encodes it (result as canonical JSON, message redacted). */
export function toSettlement(outcome: ItemOutcome, context: JournalErrorContext): Settlement {
  const state = requireSettledState(outcome.state, context);
  const result =
    outcome.result === undefined ? null : toJsonText(outcome.result, "result", context);
  const errorCode = optionalText(outcome.errorCode, "errorCode", context);
  const givenMessage = optionalText(outcome.errorMessage, "errorMessage", context);
  const errorMessage = givenMessage === null ? null : redactText(givenMessage);

  return { state, result, errorCode, errorMessage };
}

/**
 * The row `item` becomes when `settlement` is written at `settledAt`, or `item` itself when it
 * is already settled with the same outcome. Throws `P21_JOURNAL_STATE` when it cannot settle.
 */
export function settledRow(
  item: ItemRow,
  settlement: Settlement,
  settledAt: Date,
  context: JournalErrorContext,
): ItemRow {
  const identicalRepeat =
    item.state === settlement.state &&
    item.result === settlement.result &&
    item.error_code === settlement.errorCode &&
    item.error_message === settlement.errorMessage;
  if (identicalRepeat) return item;

  return {
    ...item,
    state: nextItemState(item, settleEvents[settlement.state], context),
    result: settlement.result,
    error_code: settlement.errorCode,
    error_message: settlement.errorMessage,
    settled_at: isoTimestamp(settledAt.getTime()),
    duration_ms:
      item.started_at === null
        ? null
        : Math.max(0, settledAt.getTime() - Date.parse(item.started_at)),
  };
}

/** Writes the row {@link settledRow} answered (nothing for an identical repeat). */
export function writeSettledRow(scope: WriteScope, item: ItemRow, settled: ItemRow): void {
  if (settled === item) return;

  scope.statements.settleItem.run({
    id: settled.id,
    state: settled.state,
    result: settled.result,
    error_code: settled.error_code,
    error_message: settled.error_message,
    settled_at: settled.settled_at,
    duration_ms: settled.duration_ms,
  });
}

export function settleItem(scope: WriteScope, itemId: number, outcome: ItemOutcome): ItemRecord {
  const context = { operation: "settle", journalPath: scope.journalPath, itemId };
  const settlement = toSettlement(outcome, context);
  const item = requireItem(scope, itemId, context);
  const settled = settledRow(item, settlement, scope.now(), context);
  writeSettledRow(scope, item, settled);

  return toItemRecord(settled);
}

export function returnItemToPending(scope: WriteScope, itemId: number, reason: string): ItemRecord {
  const context = { operation: "returnToPending", journalPath: scope.journalPath, itemId };
  const item = requireItem(scope, itemId, context);
  const returned: ItemRow = { ...item, state: nextItemState(item, "return", context) };
  scope.statements.returnItem.run({ id: itemId, state: returned.state });
  insertEvent(scope, item.run_id, {
    type: returnedToPendingEventType,
    itemId,
    phase: item.phase,
    data: { reason },
  });

  return toItemRecord(returned);
}

export function resetFailedItems(scope: WriteScope, runId: string): number {
  const context = { operation: "resetFailed", journalPath: scope.journalPath, runId };
  requireRun(scope, runId, context);
  const to = transition("failed", "reset");
  if (to instanceof JournalError) throw to;

  const count = scope.statements.resetItems.run({ run_id: runId, from: "failed", to }).changes;
  if (count > 0) insertEvent(scope, runId, { type: failedResetEventType, data: { count } });

  return count;
}
