import { settledRow, toSettlement, writeSettledRow } from "./item-writes.js";
import { toItemRecord } from "./rows.js";
import type { EventRow, ItemRow } from "./rows.js";
import type { ItemOutcome, ItemRecord, NewEvent } from "./types.js";
import { eventRow, requireItem, requireRun } from "./write-scope.js";
import type { WriteScope } from "./write-scope.js";

/**
 * The writes a journal accepted with `durable: false`: each is checked when it is accepted, as
 * the file will stand once the writes queued before it are written, and queued for the next
 * transaction of the journal.
 *
 * The check reads the committed rows and applies the queued settlements to them in memory,
 * with no transaction: the queued writes only settle items and append events, so an item's
 * queued row and the committed run and item rows are all a check can depend on.
 */
export class DeferredWrites {
  #writes: ((scope: WriteScope) => void)[] = [];
  /** Items as the queued settlements leave them. */
  #items = new Map<number, ItemRow>();

  /** Rows this journal just committed (in-flight marks): what a deferred settlement checks. */
  #remembered = new Map<number, ItemRow>();

  get size(): number {
    return this.#writes.length;
  }

  /** Keeps the row an in-flight mark wrote, for the check of the item's deferred settlement. */
  remember(row: ItemRow): void {
    this.#remembered.set(row.id, row);
  }

  /** Drops the remembered row of an item that another write is about to change. */
  forget(itemId: number): void {
    this.#remembered.delete(itemId);
  }

  /** Drops the remembered rows (their transaction rolled back, or many items change). */
  forgetRemembered(): void {
    this.#remembered.clear();
  }

  /**
   * Checks a settlement and queues it; answers the record as it will be written. `scope.now`
   * must give the same time on every call: the check and the write use one reading.
   */
  settle(scope: WriteScope, itemId: number, outcome: ItemOutcome): ItemRecord {
    const context = { operation: "settle", journalPath: scope.journalPath, itemId };
    const settlement = toSettlement(outcome, context);
    const item =
      this.#items.get(itemId) ??
      this.#remembered.get(itemId) ??
      requireItem(scope, itemId, context);
    this.#remembered.delete(itemId);
    const settled = settledRow(item, settlement, scope.now(), context);
    this.#items.set(itemId, settled);

    // Read again when written: another process may have changed the item meanwhile, and then
    // the write refuses as a direct settlement would.
    this.#writes.push((writeScope) => {
      const current = requireItem(writeScope, itemId, context);
      writeSettledRow(writeScope, current, settledRow(current, settlement, scope.now(), context));
    });

    return toItemRecord(settled);
  }

  /** Checks an event and queues it; the row (its time, its redacted data) is built once. */
  appendEvent(scope: WriteScope, runId: string, event: NewEvent): void {
    requireRun(scope, runId, { operation: "appendEvent", journalPath: scope.journalPath });
    const row: Omit<EventRow, "id"> = eventRow(scope, runId, event);
    this.#writes.push((writeScope) => writeScope.statements.insertEvent.run(row));
  }

  /** Runs the queued writes inside the caller's transaction; the queue is emptied either way. */
  writeAll(scope: WriteScope): void {
    if (this.#writes.length === 0) return;

    const writes = this.#writes;
    this.#writes = [];
    this.#items = new Map();
    for (const write of writes) write(scope);
  }
}
