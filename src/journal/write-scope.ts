import { JournalError } from "./errors.js";
import type { JournalErrorContext } from "./errors.js";
import { redactSecrets } from "./redact.js";
import type { EventRow, ItemRow, RunRow } from "./rows.js";
import { isSettled, transition } from "./state-machine.js";
import type { ItemEvent } from "./state-machine.js";
import type { Statements } from "./statements.js";
import { isoTimestamp } from "./timestamps.js";
import type { ItemRecord, ItemState, NewEvent } from "./types.js";
import { optionalText, requireText, toJsonText } from "./validate.js";

/** What every write needs: the statements, the clock, and the file for error messages. */
export interface WriteScope {
  statements: Statements;
  now: () => Date;
  journalPath: string;
}

export function requireRun(scope: WriteScope, runId: string, context: JournalErrorContext): RunRow {
  const run = scope.statements.selectRun.get(runId);
  if (run !== undefined) return run;

  throw new JournalError("P21_JOURNAL_UNKNOWN_RUN", `run ${runId} is not in the journal`, {
    ...context,
    runId,
  });
}

export function requireItem(
  scope: WriteScope,
  itemId: number,
  context: JournalErrorContext,
): ItemRow {
  const item = scope.statements.selectItem.get(itemId);
  if (item !== undefined) return item;

  throw new JournalError("P21_JOURNAL_UNKNOWN_ITEM", `item ${itemId} is not in the journal`, {
    ...context,
    itemId,
  });
}

/** What a state check needs of an item: its state, and what names it in a refusal. */
export type StateSubject = Pick<ItemRow, "id" | "run_id" | "phase" | "natural_key" | "state">;

/** The state subject of a record the journal answered. */
export function recordSubject(record: ItemRecord): StateSubject {
  return {
    id: record.id,
    run_id: record.runId,
    phase: record.phase,
    natural_key: record.naturalKey,
    state: record.state,
  };
}

/** The state `event` takes the item to, or the state machine's refusal, thrown with context. */
export function nextItemState(
  item: StateSubject,
  event: ItemEvent,
  context: JournalErrorContext,
): ItemState {
  const to = transition(item.state, event);
  if (!(to instanceof JournalError)) return to;

  const final = isSettled(item.state) ? " (settled items are final)" : "";
  throw new JournalError(
    to.code,
    `item ${item.id} (${item.phase} ${JSON.stringify(item.natural_key)}): ${to.message}${final}`,
    { ...context, runId: item.run_id, phase: item.phase, naturalKey: item.natural_key },
  );
}

/**
 * The `events` row of an event, checked (its item must belong to the run) and without secrets;
 * `phase` defaults to the item's.
 */
export function eventRow(scope: WriteScope, runId: string, event: NewEvent): Omit<EventRow, "id"> {
  const context = { operation: "appendEvent", journalPath: scope.journalPath, runId };
  const type = requireText(event.type, "event type", context);
  let phase = optionalText(event.phase, "phase", context);
  if (event.itemId !== undefined) {
    const item = requireItem(scope, event.itemId, context);
    if (item.run_id !== runId) {
      throw new JournalError(
        "P21_JOURNAL_INPUT",
        `item ${item.id} belongs to run ${item.run_id}, not ${runId}`,
        { ...context, itemId: item.id },
      );
    }

    phase ??= item.phase;
  }

  return {
    run_id: runId,
    at: isoTimestamp(scope.now().getTime()),
    type,
    item_id: event.itemId ?? null,
    phase,
    data: toJsonText(redactSecrets(event.data ?? null), "event data", context),
  };
}

/** Appends to a run's event log, without secrets; `phase` defaults to the item's. */
export function insertEvent(scope: WriteScope, runId: string, event: NewEvent): void {
  scope.statements.insertEvent.run(eventRow(scope, runId, event));
}
