import type { ItemRecord } from "../../../src/journal/index.js";
import { settleLater } from "./deferred-settlements.js";
import type { MarkOperation, Operation, SettleOperation } from "./item-operations.js";
import { noChange } from "./item-model-state.js";
import type { ItemModelState } from "./item-model-state.js";
import {
  isSettled,
  iso,
  itemOutcome,
  settledRecord,
  settledWith,
  stateRefusal,
} from "./predictions.js";

/*
 * The model's writes and reads of a run's items, one connection at a time: each plans what the
 * file must hold and answer, and checks the journal's answer against it.
 */

export function add(
  state: ItemModelState,
  connection: number,
  operation: Extract<Operation, { kind: "add" }>,
): void {
  const { phase } = operation;
  const fresh = Array.from({ length: operation.count }, () => `key-${(state.nextKey += 1)}`);
  const existing = state.records().find((record) => record.phase === phase);
  const keys =
    operation.duplicate && existing !== undefined ? [...fresh, existing.naturalKey] : fresh;
  const added = state.write(
    `add to ${phase} on ${connection}`,
    connection,
    () => {
      if (keys.length > fresh.length) {
        return { refusal: { code: "P21_JOURNAL_DUPLICATE_KEY", operation: "addItems" } };
      }

      const lastId = Math.max(0, ...state.file.keys());
      const sequences = state
        .records()
        .filter((record) => record.phase === phase)
        .map((record) => record.sequence);
      const lastSequence = Math.max(0, ...sequences);
      const records = fresh.map((naturalKey, index): ItemRecord => ({
        id: lastId + index + 1,
        runId: state.runId,
        phase,
        sequence: lastSequence + index + 1,
        naturalKey,
        input: { naturalKey },
        state: "pending",
        attempts: 0,
        result: undefined,
        errorCode: undefined,
        errorMessage: undefined,
        batch: undefined,
        session: undefined,
        startedAt: undefined,
        settledAt: undefined,
        durationMs: undefined,
      }));

      return {
        answer: records,
        commit: () => {
          for (const record of records) state.file.set(record.id, record);
        },
      };
    },
    (journal) =>
      journal.addItems(
        state.runId,
        phase,
        keys.map((naturalKey) => ({ naturalKey, input: { naturalKey } })),
      ),
  );
  state.answered(connection, added ?? []);
}

function expectedRecord(
  state: ItemModelState,
  connection: number,
  item: ItemRecord,
  operation: MarkOperation,
) {
  const earlier = state.history.filter((record) => record.id === item.id);
  const others = state.history.filter((record) => record.id !== item.id);
  const choose = (records: ItemRecord[]) => records[operation.age % Math.max(1, records.length)];
  if (operation.expected === "answered") return state.connection(connection).answers.get(item.id);
  if (operation.expected === "stale") return choose(earlier);
  if (operation.expected === "other") return choose(others);

  return undefined;
}

export function mark(
  state: ItemModelState,
  connection: number,
  item: ItemRecord,
  operation: MarkOperation,
  inTransaction: boolean,
) {
  const { batch, session } = operation;
  const expected = expectedRecord(state, connection, item, operation);
  const startedAt = iso(state.clock.now().getTime());
  const marked = state.write(
    `mark ${item.id} on ${connection} expecting ${operation.expected}`,
    connection,
    () => {
      const current = state.current(item.id);
      if (current.state !== "pending" && current.state !== "in_flight") {
        return { refusal: stateRefusal("markInFlight", item.id) };
      }

      const started: ItemRecord = {
        ...current,
        state: "in_flight",
        attempts: current.attempts + 1,
        batch,
        session,
        startedAt,
        settledAt: undefined,
        durationMs: undefined,
      };

      return {
        answer: started,
        commit: () => {
          state.file.set(item.id, started);
          state.connection(connection).remembered.set(item.id, started);
        },
      };
    },
    (journal) =>
      journal.markInFlight(item.id, { batch, session }, expected === undefined ? {} : { expected }),
    inTransaction,
  );
  if (marked !== undefined) state.answered(connection, [marked]);
}

export function settle(
  state: ItemModelState,
  connection: number,
  item: ItemRecord,
  operation: SettleOperation,
): void {
  const outcome = { state: operation.state, variant: operation.variant };
  const what = `settle ${item.id} ${outcome.state}:${outcome.variant} on ${connection}`;
  if (!operation.durable) return settleLater(state, connection, item, outcome, what);

  const atMs = state.clock.now().getTime();
  state.connection(connection).remembered.delete(item.id);
  const settled = state.write(
    what,
    connection,
    () => {
      const current = state.current(item.id);
      if (settledWith(current, outcome)) return { answer: current, commit: noChange };
      if (isSettled(current.state)) return { refusal: stateRefusal("settle", item.id) };

      const record = settledRecord(current, outcome, atMs);

      return { answer: record, commit: () => state.file.set(item.id, record) };
    },
    (journal) => journal.settle(item.id, itemOutcome(outcome)),
  );
  if (settled !== undefined) state.answered(connection, [settled]);
}

export function returnToPending(state: ItemModelState, connection: number, item: ItemRecord): void {
  state.connection(connection).remembered.delete(item.id);
  const returned = state.write(
    `return ${item.id} on ${connection}`,
    connection,
    () => {
      const current = state.current(item.id);
      if (current.state !== "in_flight") {
        return { refusal: stateRefusal("returnToPending", item.id) };
      }

      const record: ItemRecord = { ...current, state: "pending" };

      return { answer: record, commit: () => state.file.set(item.id, record) };
    },
    (journal) => journal.returnToPending(item.id, "not found on the server"),
  );
  if (returned !== undefined) state.answered(connection, [returned]);
}

export function reset(state: ItemModelState, connection: number): void {
  state.connection(connection).remembered.clear();
  state.write(
    `reset failed items on ${connection}`,
    connection,
    () => {
      const failed = state.records().filter((record) => record.state === "failed");

      return {
        answer: failed.length,
        commit: () => {
          for (const record of failed) {
            state.file.set(record.id, {
              ...record,
              state: "pending",
              result: undefined,
              errorCode: undefined,
              errorMessage: undefined,
              settledAt: undefined,
              durationMs: undefined,
            });
          }
        },
      };
    },
    (journal) => journal.resetFailed(state.runId),
  );
}

export function read(state: ItemModelState, connection: number, item: ItemRecord): void {
  const read = state.write(
    `read ${item.id} on ${connection}`,
    connection,
    () => ({ answer: state.current(item.id), commit: noChange }),
    (journal) => journal.item(item.id),
  );
  if (read !== undefined) state.answered(connection, [read]);
}

export function flush(state: ItemModelState, connection: number): void {
  state.write(
    `flush ${connection}`,
    connection,
    () => ({ answer: undefined, commit: noChange }),
    (journal) => journal.flush(),
  );
}
