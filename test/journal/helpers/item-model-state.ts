import type { ItemRecord, Journal } from "../../../src/journal/index.js";
import type { FakeClock } from "./fake-clock.js";
import {
  expectPrediction,
  isSettled,
  settledRecord,
  settledWith,
  stateRefusal,
} from "./predictions.js";
import type { Outcome, Refusal } from "./predictions.js";

/** A settlement a connection accepted with `durable: false` and has not written yet. */
export interface QueuedSettlement {
  itemId: number;
  outcome: Outcome;
  answer: ItemRecord;
  atMs: number;
}

/** What the model keeps of one connection. */
export interface ConnectionModel {
  /** Its deferred settlements, in the order it accepted them. */
  queue: QueuedSettlement[];
  /** The record of its latest mark of an item, until it writes the item otherwise. */
  remembered: Map<number, ItemRecord>;
  /** The record it last answered for each item. */
  answers: Map<number, ItemRecord>;
}

/** A write the model accepts: its answer, and how it changes the file. */
export type Plan<T> = { refusal: Refusal } | { answer: T; commit: () => void };

export const noChange = (): void => undefined;

/**
 * What the {@link ItemModel} knows: the items as the file holds them, each connection's
 * journal and deferred settlements, and how one write of a connection changes them.
 */
export class ItemModelState {
  /** The items as the file holds them (inside a transaction: as the transaction leaves them). */
  readonly file = new Map<number, ItemRecord>();
  readonly journals: Journal[];
  readonly runId: string;
  /** Events appended by transactions that committed: each must reach the file. */
  keptEvents = 0;
  readonly clock: FakeClock;
  readonly reopen: (() => Journal) | undefined;
  readonly connections: ConnectionModel[];
  /** Every record any connection answered: where stale and foreign expectations come from. */
  readonly history: ItemRecord[] = [];
  nextKey = 0;

  constructor(options: {
    journals: Journal[];
    runId: string;
    clock: FakeClock;
    reopen?: () => Journal;
  }) {
    this.journals = [...options.journals];
    this.runId = options.runId;
    this.clock = options.clock;
    this.reopen = options.reopen;
    this.connections = this.journals.map(() => ({
      queue: [],
      remembered: new Map(),
      answers: new Map(),
    }));
  }

  /** The file's items, by id. */
  records(): ItemRecord[] {
    return [...this.file.values()].sort((left, right) => left.id - right.id);
  }

  journal(connection: number): Journal {
    const journal = this.journals[connection];
    if (journal === undefined) throw new Error(`no connection ${connection}`);

    return journal;
  }

  connection(connection: number): ConnectionModel {
    const model = this.connections[connection];
    if (model === undefined) throw new Error(`no connection ${connection}`);

    return model;
  }

  item(pick: number): ItemRecord | undefined {
    const records = this.records();

    return records[pick % Math.max(1, records.length)];
  }

  current(itemId: number): ItemRecord {
    const record = this.file.get(itemId);
    if (record === undefined) throw new Error(`item ${itemId} is not in the model`);

    return record;
  }

  answered(connection: number, records: readonly ItemRecord[]): void {
    for (const record of records) {
      this.connection(connection).answers.set(record.id, record);
      this.history.push(record);
    }
  }

  /**
   * Writes a connection's deferred settlements in order, as its next write does, each checked
   * against the file as it then stands; answers the first one refused (the queue keeps those
   * after it).
   */
  writeQueued(model: ConnectionModel): QueuedSettlement | undefined {
    for (let queued = model.queue.shift(); queued !== undefined; queued = model.queue.shift()) {
      const current = this.current(queued.itemId);
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
  write<T>(
    what: string,
    connection: number,
    plan: () => Plan<T>,
    call: (journal: Journal) => T,
    oneStatement = false,
  ): T | undefined {
    const model = this.connection(connection);
    const fileBefore = new Map(this.file);
    const queueBefore = [...model.queue];
    const undo = (kept: readonly QueuedSettlement[]) => {
      if (oneStatement) return;

      this.restore(fileBefore);
      model.queue = [...kept];
    };
    const journal = this.journal(connection);
    const refused = this.writeQueued(model);
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

  restore(file: ReadonlyMap<number, ItemRecord>): void {
    this.file.clear();
    for (const [id, record] of file) this.file.set(id, record);
  }
}
