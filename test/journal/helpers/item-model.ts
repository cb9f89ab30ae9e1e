import type { ItemRecord, Journal } from "../../../src/journal/index.js";
import { close } from "./deferred-settlements.js";
import type { FakeClock } from "./fake-clock.js";
import type { Step } from "./item-operations.js";
import { ItemModelState } from "./item-model-state.js";
import { add, flush, mark, read, reset, returnToPending, settle } from "./item-writes.js";
import { transaction } from "./model-transaction.js";

/**
 * Runs operations against a journal's connections (each as another process would hold it)
 * and an independent model of what each must answer and leave in the file: every record in
 * full, every refusal, and each connection's deferred settlements until they are written.
 */
export class ItemModel {
  readonly #state: ItemModelState;

  constructor(options: {
    journals: Journal[];
    runId: string;
    clock: FakeClock;
    reopen?: () => Journal;
  }) {
    this.#state = new ItemModelState(options);
  }

  /** The items as the file holds them (inside a transaction: as the transaction leaves them). */
  get file(): Map<number, ItemRecord> {
    return this.#state.file;
  }

  get journals(): Journal[] {
    return this.#state.journals;
  }

  get runId(): string {
    return this.#state.runId;
  }

  /** Events appended by transactions that committed: each must reach the file. */
  get keptEvents(): number {
    return this.#state.keptEvents;
  }

  /** The file's items, by id. */
  records(): ItemRecord[] {
    return this.#state.records();
  }

  /** How many deferred settlements a connection has not written yet. */
  queued(connection: number): number {
    return this.#state.connections[connection]?.queue.length ?? 0;
  }

  apply(step: Step): void {
    const state = this.#state;
    state.clock.advance(step.advanceMs);
    const connection = step.connection % state.journals.length;
    const { operation } = step;
    if (operation.kind === "add") return add(state, connection, operation);
    if (operation.kind === "reset") return reset(state, connection);
    if (operation.kind === "flush") return flush(state, connection);
    if (operation.kind === "reopen") return this.#closeAndReopen(connection);
    if (operation.kind === "transaction") return transaction(state, connection, operation);

    const item = state.item(operation.pick);
    if (item === undefined) return;

    if (operation.kind === "mark") return mark(state, connection, item, operation, false);
    if (operation.kind === "settle") return settle(state, connection, item, operation);
    if (operation.kind === "return") return returnToPending(state, connection, item);

    read(state, connection, item);
  }

  /** Closes every connection, as {@link Journal.close} writes what it deferred. */
  closeAll(): void {
    for (const connection of this.#state.journals.keys()) close(this.#state, connection);
  }

  #closeAndReopen(connection: number): void {
    const state = this.#state;
    if (state.reopen === undefined) return;

    close(state, connection);
    state.journals[connection] = state.reopen();
  }
}
