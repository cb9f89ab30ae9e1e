import type { ItemRecord } from "../../../src/journal/index.js";
import type { ItemModelState, QueuedSettlement } from "./item-model-state.js";
import {
  expectPrediction,
  isSettled,
  itemOutcome,
  settledRecord,
  settledWith,
  stateRefusal,
} from "./predictions.js";
import type { Outcome, Prediction } from "./predictions.js";

/**
 * A deferred settlement is checked at once: against the one still queued for the item, or
 * the record of the connection's latest mark of it, or else the file; it is written later.
 */
export function settleLater(
  state: ItemModelState,
  connection: number,
  item: ItemRecord,
  outcome: Outcome,
  what: string,
): void {
  const model = state.connection(connection);
  const atMs = state.clock.now().getTime();
  const queued = model.queue.find((entry) => entry.itemId === item.id);
  const prediction = ((): Prediction<ItemRecord> => {
    if (queued !== undefined) {
      const same =
        queued.outcome.state === outcome.state && queued.outcome.variant === outcome.variant;

      return same ? { answer: queued.answer } : { refusal: stateRefusal("settle", item.id) };
    }

    const held = model.remembered.get(item.id);
    model.remembered.delete(item.id);
    const current = state.current(item.id);
    if (held === undefined && settledWith(current, outcome)) return { answer: current };

    const basis = held ?? current;
    if (isSettled(basis.state)) return { refusal: stateRefusal("settle", item.id) };

    return { answer: settledRecord(basis, outcome, atMs) };
  })();
  if (queued === undefined && "answer" in prediction) {
    model.queue.push({ itemId: item.id, outcome, answer: prediction.answer, atMs });
  }

  const journal = state.journal(connection);
  expectPrediction(
    what,
    () => journal.settle(item.id, itemOutcome(outcome), { durable: false }),
    prediction,
  );
  if ("answer" in prediction) state.answered(connection, [prediction.answer]);
}

/**
 * Closing writes every deferred settlement it can: one refused is dropped, the others are
 * written, and the first refusal is thrown once the file is closed.
 */
export function close(state: ItemModelState, connection: number): void {
  const model = state.connection(connection);
  let firstRefused: QueuedSettlement | undefined;
  while (model.queue.length > 0) {
    const fileBefore = new Map(state.file);
    const queueBefore = [...model.queue];
    const refused = state.writeQueued(model);
    if (refused === undefined) break;

    state.restore(fileBefore);
    model.queue = queueBefore.filter((queued) => queued !== refused);
    firstRefused ??= refused;
  }

  const journal = state.journal(connection);
  expectPrediction(
    `close ${connection}`,
    () => journal.close(),
    firstRefused === undefined
      ? { answer: undefined }
      : { refusal: stateRefusal("settle", firstRefused.itemId) },
  );
  model.queue = [];
  model.remembered.clear();
}
