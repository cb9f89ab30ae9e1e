import { JournalError } from "./errors.js";
import { redactText } from "./redact.js";
import { toItemRecord } from "./rows.js";
import type { ItemRow } from "./rows.js";
import { transition } from "./state-machine.js";
import type { ItemEvent } from "./state-machine.js";
import { isUniqueViolation } from "./storage-errors.js";
import type { AttemptPlace, ItemOutcome, ItemRecord, NewItem } from "./types.js";
import {
  optionalText,
  requireCount,
  requireSettledState,
  requireText,
  toJsonText,
} from "./validate.js";
import { insertEvent, nextItemState, requireItem, requireRun } from "./write-scope.js";
import type { WriteScope } from "./write-scope.js";

/** The event type {@link returnItemToPending} logs, with `{ reason }` as data. */
export const returnedToPendingEventType = "item.returned_to_pending";

/** The event type {@link resetFailedItems} logs, with `{ count }` as data. */
export const failedResetEventType = "items.reset_failed";

const settleEvents: Record<ItemOutcome["state"], ItemEvent> = {
  succeeded: "succeed",
  failed: "fail",
  skipped: "skip",
};

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

export function startAttempt(scope: WriteScope, itemId: number, place: AttemptPlace): ItemRecord {
  const context = { operation: "markInFlight", journalPath: scope.journalPath, itemId };
  const batch = requireCount(place.batch, "batch", context);
  const session = requireCount(place.session, "session", context);
  const to = nextItemState(requireItem(scope, itemId, context), "start", context);
  const row = scope.statements.startItem.get({
    id: itemId,
    state: to,
    batch,
    session,
    started_at: scope.now().toISOString(),
  });

  return toItemRecord(row as ItemRow);
}

export function settleItem(scope: WriteScope, itemId: number, outcome: ItemOutcome): ItemRecord {
  const context = { operation: "settle", journalPath: scope.journalPath, itemId };
  const state = requireSettledState(outcome.state, context);
  const result =
    outcome.result === undefined ? null : toJsonText(outcome.result, "result", context);
  const errorCode = optionalText(outcome.errorCode, "errorCode", context);
  const givenMessage = optionalText(outcome.errorMessage, "errorMessage", context);
  const errorMessage = givenMessage === null ? null : redactText(givenMessage);
  const item = requireItem(scope, itemId, context);
  const identicalRepeat =
    item.state === state &&
    item.result === result &&
    item.error_code === errorCode &&
    item.error_message === errorMessage;
  if (identicalRepeat) return toItemRecord(item);

  const to = nextItemState(item, settleEvents[state], context);
  const settledAt = scope.now();
  const durationMs =
    item.started_at === null
      ? null
      : Math.max(0, settledAt.getTime() - Date.parse(item.started_at));
  const row = scope.statements.settleItem.get({
    id: itemId,
    state: to,
    result,
    error_code: errorCode,
    error_message: errorMessage,
    settled_at: settledAt.toISOString(),
    duration_ms: durationMs,
  });

  return toItemRecord(row as ItemRow);
}

export function returnItemToPending(scope: WriteScope, itemId: number, reason: string): ItemRecord {
  const context = { operation: "returnToPending", journalPath: scope.journalPath, itemId };
  const item = requireItem(scope, itemId, context);
  const to = nextItemState(item, "return", context);
  const row = scope.statements.returnItem.get({ id: itemId, state: to });
  insertEvent(scope, item.run_id, {
    type: returnedToPendingEventType,
    itemId,
    phase: item.phase,
    data: { reason },
  });

  return toItemRecord(row as ItemRow);
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
