import type { ItemRecord, Journal } from "../../../src/journal/index.js";
import type { FakeClock } from "./fake-clock.js";
import type { MarkOperation, Operation, SettleOperation, Step } from "./item-operations.js";
import {
  expectPrediction,
  isSettled,
  iso,
  itemOutcome,
  settledRecord,
  settledWith,
  stateRefusal,
} from "./predictions.js";
import type { Outcome, Prediction, Refusal } from "./predictions.js";

/** A settlement a connection accepted with `durable: false` and has not written yet. */
interface QueuedSettlement {
  itemId: number;
  outcome: Outcome;
  answer: ItemRecord;
  atMs: number;
}

/** What the model keeps of one connection. */
interface ConnectionModel {
  /** Its deferred settlements, in the order it accepted them. */
  queue: QueuedSettlement[];
  /** The record of its latest mark of an item, until it writes the item otherwise. */
  remembered: Map<number, ItemRecord>;
  /** The record it last answered for each item. */
  answers: Map<number, ItemRecord>;
}

/** A write the model accepts: its answer, and how it changes the file. */
type Plan<T> = { refusal: Refusal } | { answer: T; commit: () => void };

class RolledBack extends Error {
  constructor() {
    super("rolled back on purpose");
  }
}

const noChange = (): void => undefined;

/**
 * Runs operations against a journal's connections (each as another process would hold it)
 * and an independent model of what each must answer and leave in the file: every record in
 * full, every refusal, and each connection's deferred settlements until they are written.
 */
export class ItemModel {
  /** The items as the file holds them (inside a transaction: as the transaction leaves them). */
  readonly file = new Map<number, ItemRecord>();
  readonly journals: Journal[];
  readonly runId: string;
  /** Events appended by transactions that committed: each must reach the file. */
  keptEvents = 0;
  readonly #clock: FakeClock;
  readonly #reopen: (() => Journal) | undefined;
  readonly #connections: ConnectionModel[];
  /** Every record any connection answered: where stale and foreign expectations come from. */
  readonly #history: ItemRecord[] = [];
  #nextKey = 0;

  constructor(options: {
    journals: Journal[];
    runId: string;
    clock: FakeClock;
    reopen?: () => Journal;
  }) {
    this.journals = [...options.journals];
    this.runId = options.runId;
    this.#clock = options.clock;
    this.#reopen = options.reopen;
    this.#connections = this.journals.map(() => ({
      queue: [],
      remembered: new Map(),
      answers: new Map(),
    }));
  }

  /** The file's items, by id. */
  records(): ItemRecord[] {
    return [...this.file.values()].sort((left, right) => left.id - right.id);
  }

  /** How many deferred settlements a connection has not written yet. */
  queued(connection: number): number {
    return this.#connections[connection]?.queue.length ?? 0;
  }

  apply(step: Step): void {
    this.#clock.advance(step.advanceMs);
    const connection = step.connection % this.journals.length;
    const { operation } = step;
    if (operation.kind === "add") return this.#add(connection, operation);
    if (operation.kind === "reset") return this.#reset(connection);
    if (operation.kind === "flush") return this.#flush(connection);
    if (operation.kind === "reopen") return this.#closeAndReopen(connection);
    if (operation.kind === "transaction") return this.#transaction(connection, operation);

    const item = this.#item(operation.pick);
    if (item === undefined) return;

    if (operation.kind === "mark") return this.#mark(connection, item, operation, false);
    if (operation.kind === "settle") return this.#settle(connection, item, operation);
    if (operation.kind === "return") return this.#return(connection, item);

    this.#read(connection, item);
  }

  /** Closes every connection, as {@link Journal.close} writes what it deferred. */
  closeAll(): void {
    for (const connection of this.journals.keys()) this.#close(connection);
  }

  #journal(connection: number): Journal {
    const journal = this.journals[connection];
    if (journal === undefined) throw new Error(`no connection ${connection}`);

    return journal;
  }

  #connection(connection: number): ConnectionModel {
    const model = this.#connections[connection];
    if (model === undefined) throw new Error(`no connection ${connection}`);

    return model;
  }

  #item(pick: number): ItemRecord | undefined {
    const records = this.records();

    return records[pick % Math.max(1, records.length)];
  }

  #current(itemId: number): ItemRecord {
    const record = this.file.get(itemId);
    if (record === undefined) throw new Error(`item ${itemId} is not in the model`);

    return record;
  }

  #answered(connection: number, records: readonly ItemRecord[]): void {
    for (const record of records) {
      this.#connection(connection).answers.set(record.id, record);
      this.#history.push(record);
    }
  }

  /**
   * Writes a connection's deferred settlements in order, as its next write does, each checked
   * against the file as it then stands; answers the first one refused (the queue keeps those
   * after it).
   */
  #writeQueued(model: ConnectionModel): QueuedSettlement | undefined {
    for (let queued = model.queue.shift(); queued !== undefined; queued = model.queue.shift()) {
      const current = this.#current(queued.itemId);
      if (settledWith(current, queued.outcome)) continue;
      if (isSettled(current.state)) return queued;

      this.file.set(current.id, settledRecord(current, queued.outcome, queued.atMs));
    }

    return undefined;
  }

  /**
   * One write (or read) of a connection: its deferred settlements are written first, in the
   * same transaction. Refused, by its own check or by a deferred settlement's, it leaves the file
   * as it was and the deferred settlements queued, but for one refused. Inside a transaction a
   * mark is one statement: a refused one undoes nothing before it.
   */
  #write<T>(
    what: string,
    connection: number,
    plan: () => Plan<T>,
    call: (journal: Journal) => T,
    oneStatement = false,
  ): T | undefined {
    const model = this.#connection(connection);
    const fileBefore = new Map(this.file);
    const queueBefore = [...model.queue];
    const undo = (kept: readonly QueuedSettlement[]) => {
      if (oneStatement) return;

      this.#restore(fileBefore);
      model.queue = [...kept];
    };
    const journal = this.#journal(connection);
    const refused = this.#writeQueued(model);
    if (refused !== undefined) {
      undo(queueBefore.filter((queued) => queued !== refused));
      expectPrediction(what, () => call(journal), {
        refusal: stateRefusal("settle", refused.itemId),
      });

      return undefined;
    }

    const planned = plan();
    if ("refusal" in planned) {
      undo(queueBefore);
      expectPrediction(what, () => call(journal), planned);

      return undefined;
    }

    planned.commit();
    expectPrediction(what, () => call(journal), planned);

    return planned.answer;
  }

  #restore(file: ReadonlyMap<number, ItemRecord>): void {
    this.file.clear();
    for (const [id, record] of file) this.file.set(id, record);
  }

  #add(connection: number, operation: Extract<Operation, { kind: "add" }>): void {
    const { phase } = operation;
    const fresh = Array.from({ length: operation.count }, () => `key-${(this.#nextKey += 1)}`);
    const existing = this.records().find((record) => record.phase === phase);
    const keys =
      operation.duplicate && existing !== undefined ? [...fresh, existing.naturalKey] : fresh;
    const added = this.#write(
      `add to ${phase} on ${connection}`,
      connection,
      () => {
        if (keys.length > fresh.length) {
          return { refusal: { code: "P21_JOURNAL_DUPLICATE_KEY", operation: "addItems" } };
        }

        const lastId = Math.max(0, ...this.file.keys());
        const sequences = this.records()
          .filter((record) => record.phase === phase)
          .map((record) => record.sequence);
        const lastSequence = Math.max(0, ...sequences);
        const records = fresh.map((naturalKey, index): ItemRecord => ({
          id: lastId + index + 1,
          runId: this.runId,
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
            for (const record of records) this.file.set(record.id, record);
          },
        };
      },
      (journal) =>
        journal.addItems(
          this.runId,
          phase,
          keys.map((naturalKey) => ({ naturalKey, input: { naturalKey } })),
        ),
    );
    this.#answered(connection, added ?? []);
  }

  #expected(connection: number, item: ItemRecord, operation: MarkOperation) {
    const earlier = this.#history.filter((record) => record.id === item.id);
    const others = this.#history.filter((record) => record.id !== item.id);
    const choose = (records: ItemRecord[]) => records[operation.age % Math.max(1, records.length)];
    if (operation.expected === "answered") return this.#connection(connection).answers.get(item.id);
    if (operation.expected === "stale") return choose(earlier);
    if (operation.expected === "other") return choose(others);

    return undefined;
  }

  #mark(connection: number, item: ItemRecord, operation: MarkOperation, inTransaction: boolean) {
    const { batch, session } = operation;
    const expected = this.#expected(connection, item, operation);
    const startedAt = iso(this.#clock.now().getTime());
    const marked = this.#write(
      `mark ${item.id} on ${connection} expecting ${operation.expected}`,
      connection,
      () => {
        const current = this.#current(item.id);
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
            this.file.set(item.id, started);
            this.#connection(connection).remembered.set(item.id, started);
          },
        };
      },
      (journal) =>
        journal.markInFlight(
          item.id,
          { batch, session },
          expected === undefined ? {} : { expected },
        ),
      inTransaction,
    );
    if (marked !== undefined) this.#answered(connection, [marked]);
  }

  #settle(connection: number, item: ItemRecord, operation: SettleOperation): void {
    const outcome = { state: operation.state, variant: operation.variant };
    const what = `settle ${item.id} ${outcome.state}:${outcome.variant} on ${connection}`;
    if (!operation.durable) return this.#settleLater(connection, item, outcome, what);

    const atMs = this.#clock.now().getTime();
    this.#connection(connection).remembered.delete(item.id);
    const settled = this.#write(
      what,
      connection,
      () => {
        const current = this.#current(item.id);
        if (settledWith(current, outcome)) return { answer: current, commit: noChange };
        if (isSettled(current.state)) return { refusal: stateRefusal("settle", item.id) };

        const record = settledRecord(current, outcome, atMs);

        return { answer: record, commit: () => this.file.set(item.id, record) };
      },
      (journal) => journal.settle(item.id, itemOutcome(outcome)),
    );
    if (settled !== undefined) this.#answered(connection, [settled]);
  }

  /**
   * A deferred settlement is checked at once: against the one still queued for the item, or
   * the record of the connection's latest mark of it, or else the file; it is written later.
   */
  #settleLater(connection: number, item: ItemRecord, outcome: Outcome, what: string): void {
    const model = this.#connection(connection);
    const atMs = this.#clock.now().getTime();
    const queued = model.queue.find((entry) => entry.itemId === item.id);
    const prediction = ((): Prediction<ItemRecord> => {
      if (queued !== undefined) {
        const same =
          queued.outcome.state === outcome.state && queued.outcome.variant === outcome.variant;

        return same ? { answer: queued.answer } : { refusal: stateRefusal("settle", item.id) };
      }

      const held = model.remembered.get(item.id);
      model.remembered.delete(item.id);
      const current = this.#current(item.id);
      if (held === undefined && settledWith(current, outcome)) return { answer: current };

      const basis = held ?? current;
      if (isSettled(basis.state)) return { refusal: stateRefusal("settle", item.id) };

      return { answer: settledRecord(basis, outcome, atMs) };
    })();
    if (queued === undefined && "answer" in prediction) {
      model.queue.push({ itemId: item.id, outcome, answer: prediction.answer, atMs });
    }

    const journal = this.#journal(connection);
    expectPrediction(
      what,
      () => journal.settle(item.id, itemOutcome(outcome), { durable: false }),
      prediction,
    );
    if ("answer" in prediction) this.#answered(connection, [prediction.answer]);
  }

  #return(connection: number, item: ItemRecord): void {
    this.#connection(connection).remembered.delete(item.id);
    const returned = this.#write(
      `return ${item.id} on ${connection}`,
      connection,
      () => {
        const current = this.#current(item.id);
        if (current.state !== "in_flight") {
          return { refusal: stateRefusal("returnToPending", item.id) };
        }

        const record: ItemRecord = { ...current, state: "pending" };

        return { answer: record, commit: () => this.file.set(item.id, record) };
      },
      (journal) => journal.returnToPending(item.id, "not found on the server"),
    );
    if (returned !== undefined) this.#answered(connection, [returned]);
  }

  #reset(connection: number): void {
    this.#connection(connection).remembered.clear();
    this.#write(
      `reset failed items on ${connection}`,
      connection,
      () => {
        const failed = this.records().filter((record) => record.state === "failed");

        return {
          answer: failed.length,
          commit: () => {
            for (const record of failed) {
              this.file.set(record.id, {
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
      (journal) => journal.resetFailed(this.runId),
    );
  }

  #read(connection: number, item: ItemRecord): void {
    const read = this.#write(
      `read ${item.id} on ${connection}`,
      connection,
      () => ({ answer: this.#current(item.id), commit: noChange }),
      (journal) => journal.item(item.id),
    );
    if (read !== undefined) this.#answered(connection, [read]);
  }

  #flush(connection: number): void {
    this.#write(
      `flush ${connection}`,
      connection,
      () => ({ answer: undefined, commit: noChange }),
      (journal) => journal.flush(),
    );
  }

  /**
   * Closing writes every deferred settlement it can: one refused is dropped, the others are
   * written, and the first refusal is thrown once the file is closed.
   */
  #close(connection: number): void {
    const model = this.#connection(connection);
    let firstRefused: QueuedSettlement | undefined;
    while (model.queue.length > 0) {
      const fileBefore = new Map(this.file);
      const queueBefore = [...model.queue];
      const refused = this.#writeQueued(model);
      if (refused === undefined) break;

      this.#restore(fileBefore);
      model.queue = queueBefore.filter((queued) => queued !== refused);
      firstRefused ??= refused;
    }

    const journal = this.#journal(connection);
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

  #closeAndReopen(connection: number): void {
    if (this.#reopen === undefined) return;

    this.#close(connection);
    this.journals[connection] = this.#reopen();
  }

  /**
   * Marks and settlements in one transaction of a connection, with an event, committed or
   * rolled back by throwing: rolled back, the file is as before, the settlements it deferred
   * are gone, and those deferred before it are queued again.
   */
  #transaction(connection: number, operation: Extract<Operation, { kind: "transaction" }>) {
    const model = this.#connection(connection);
    const journal = this.#journal(connection);
    const fileBefore = new Map(this.file);
    const queueBefore = [...model.queue];
    const what = `transaction on ${connection}`;
    const refused = this.#writeQueued(model);
    if (refused !== undefined) {
      this.#restore(fileBefore);
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
          journal.appendEvent(this.runId, { type }, { durable: event === "durable" });
        }

        for (const inner of operation.steps) {
          const item = this.#item(inner.pick);
          if (item === undefined) continue;

          if (inner.kind === "mark") this.#mark(connection, item, inner, true);
          else this.#settle(connection, item, inner);
        }

        if (rollBack) throw new RolledBack();
      });
    } catch (error) {
      if (!rollBack || !(error instanceof RolledBack)) throw error;
    }

    if (!rollBack) {
      if (event !== "none") this.keptEvents += 1;

      return;
    }

    this.#restore(fileBefore);
    model.queue = queueBefore;
    model.remembered.clear();
  }
}
