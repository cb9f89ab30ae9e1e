import type { Operation } from "./item-operations.js";
import type { ItemModelState } from "./item-model-state.js";
import { mark, settle } from "./item-writes.js";
import { expectPrediction, stateRefusal } from "./predictions.js";

class RolledBack extends Error {
  constructor() {
    super("rolled back on purpose");
  }
}

/**
 * Marks and settlements in one transaction of a connection, with an event, committed or
 * rolled back by throwing: rolled back, the file is as before, the settlements it deferred
 * are gone, and those deferred before it are queued again.
 */
export function transaction(
  state: ItemModelState,
  connection: number,
  operation: Extract<Operation, { kind: "transaction" }>,
) {
  const model = state.connection(connection);
  const journal = state.journal(connection);
  const fileBefore = new Map(state.file);
  const queueBefore = [...model.queue];
  const what = `transaction on ${connection}`;
  const refused = state.writeQueued(model);
  if (refused !== undefined) {
    state.restore(fileBefore);
    model.queue = queueBefore.filter((queued) => queued !== refused);
    model.remembered.clear();
    expectPrediction(
      what,
      () =>
        journal.transaction(() => {
          throw new Error("the transaction ran its work after a refused deferred write");
        }),
      { refusal: stateRefusal("settle", refused.itemId) },
    );

    return;
  }

  const { event, rollBack } = operation;
  try {
    journal.transaction(() => {
      if (event !== "none") {
        const type = rollBack ? "abandoned" : "kept";
        journal.appendEvent(state.runId, { type }, { durable: event === "durable" });
      }

      for (const inner of operation.steps) {
        const item = state.item(inner.pick);
        if (item === undefined) continue;

        if (inner.kind === "mark") mark(state, connection, item, inner, true);
        else settle(state, connection, item, inner);
      }

      if (rollBack) throw new RolledBack();
    });
  } catch (error) {
    if (!rollBack || !(error instanceof RolledBack)) throw error;
  }

  if (!rollBack) {
    if (event !== "none") state.keptEvents += 1;

    return;
  }

  state.restore(fileBefore);
  model.queue = queueBefore;
  model.remembered.clear();
}
