import { JournalError } from "./errors.js";
import type { JournalErrorContext } from "./errors.js";
import { settleHeldItem, settledRecord } from "./held-writes.js";
import { settledRow, toSettlement, writeSettledRow } from "./item-writes.js";
import type { Settlement } from "./item-writes.js";
import { toItemRecord } from "./rows.js";
import type { EventRow } from "./rows.js";
import { isSettled, settleEvents } from "./state-machine.js";
import type { ItemOutcome, ItemRecord, NewEvent } from "./types.js";
import { eventRow, nextItemState, recordSubject, requireItem, requireRun } from "./write-scope.js";
import type { WriteScope } from "./write-scope.js";

/** A settlement queued and the record it answered. */
interface QueuedSettlement {
  readonly itemId: number;
  readonly settlement: Settlement;
  readonly record: ItemRecord;
}

/** A write queued, and the settlement it is, if it is one. */
interface QueuedWrite {
  readonly write: (scope: WriteScope) => void;
  readonly settled?: QueuedSettlement;
}

/**
 * Where the deferred writes stood when a transaction began: what its rollback returns to. The
 * queue is replaced, never changed, once written, so its first `queued` writes are those then.
 */
export interface DeferredMark {
  readonly queue: readonly QueuedWrite[];
  readonly queued: number;
}

function sameSettlement(left: Settlement, right: Settlement): boolean {
  return (
    left.state === right.state &&
    left.result === right.result &&
    left.errorCode === right.errorCode &&
    left.errorMessage === right.errorMessage
  );
}

/**
 * The writes a journal accepted with `durable: false`: each is checked when it is accepted, as
 * the file will stand once the writes queued before it are written, and queued for the next
 * transaction of the journal.
 *
 * The check reads the committed rows and applies the queued settlements to them in memory,
 * with no transaction: the queued writes only settle items and append events, so an item's
 * queued record and the committed run and item rows are all a check can depend on.
 *
 * A transaction that rolls back (a refused write, a caller's error, a failed commit) puts back
 * the writes it took, and drops those queued inside it, as it drops every other write made
 * inside it. A write whose own check refuses it when written is dropped alone.
 */
export class DeferredWrites {
  #writes: QueuedWrite[] = [];
  /** Writes that their check refused when written: never put back. */
  readonly #refused = new WeakSet<QueuedWrite>();
  /** Items as the queued settlements leave them. */
  #queued = new Map<number, QueuedSettlement>();
  /** Records this journal just committed (in-flight marks): what a deferred settlement checks. */
  #remembered = new Map<number, ItemRecord>();
  /** Runs known to exist: runs are never deleted, so an event's run is looked up once. */
  readonly #knownRuns = new Set<string>();

  get size(): number {
    return this.#writes.length;
  }

  /** Keeps the record an in-flight mark wrote, for the check of the item's deferred settlement. */
  remember(record: ItemRecord): void {
    this.#remembered.set(record.id, record);
  }

  /** Drops the remembered record of an item that another write is about to change. */
  forget(itemId: number): void {
    this.#remembered.delete(itemId);
  }

  /** Drops the remembered records (their transaction rolled back, or many items change). */
  forgetRemembered(): void {
    this.#remembered.clear();
  }

  /** Drops the runs known to exist: a transaction that rolled back may have created them. */
  forgetKnownRuns(): void {
    this.#knownRuns.clear();
  }

  /** Where the writes stand, to {@link rollBack} to if the transaction beginning now does. */
  mark(): DeferredMark {
    return { queue: this.#writes, queued: this.#writes.length };
  }

  /**
   * The transaction begun at `mark` rolled back: the writes queued then are queued again (but
   * for those refused), and the ones queued inside it are dropped with it.
   */
  rollBack(mark: DeferredMark): void {
    this.#writes = mark.queue.slice(0, mark.queued).filter((queued) => !this.#refused.has(queued));
    this.#queued = new Map();
    for (const { settled } of this.#writes) {
      if (settled !== undefined) this.#queued.set(settled.itemId, settled);
    }
  }

  /**
   * Checks a settlement and queues it; answers the record as it will be written. `scope.now`
   * must give the same time on every call: the check and the write use one reading.
   */
  settle(scope: WriteScope, itemId: number, outcome: ItemOutcome): ItemRecord {
    const context = { operation: "settle", journalPath: scope.journalPath, itemId };
    const settlement = toSettlement(outcome, context);
    const queued = this.#queued.get(itemId);
    if (queued !== undefined) return repeatOfQueued(queued, settlement, context);

    const remembered = this.#remembered.get(itemId);
    this.#remembered.delete(itemId);
    const held = remembered !== undefined && !isSettled(remembered.state) ? remembered : undefined;
    const record =
      held === undefined
        ? this.#settledFromFile(scope, itemId, settlement, context)
        : settledRecord(held, settlement, scope.now(), context);
    const settled = { itemId, settlement, record };
    this.#queued.set(itemId, settled);

    this.#writes.push({
      settled,
      write: (writeScope) => {
        if (held !== undefined && settleHeldItem(writeScope, held, settlement, record)) return;

        // Read again when written: another process may have changed the item meanwhile, and
        // then the write refuses as a direct settlement would.
        const current = requireItem(writeScope, itemId, context);
        writeSettledRow(writeScope, current, settledRow(current, settlement, scope.now(), context));
      },
    });

    return record;
  }

  /** Checks an event and queues it; the row (its time, its redacted data) is built once. */
  appendEvent(scope: WriteScope, runId: string, event: NewEvent): void {
    if (!this.#knownRuns.has(runId)) {
      requireRun(scope, runId, { operation: "appendEvent", journalPath: scope.journalPath });
      this.#knownRuns.add(runId);
    }

    const row: Omit<EventRow, "id"> = eventRow(scope, runId, event);
    this.#writes.push({ write: (writeScope) => writeScope.statements.insertEvent.run(row) });
  }

  /**
   * Runs the queued writes inside the caller's transaction. One that fails stops them: refused
   * by its check, it is dropped; failed otherwise, it stays queued with those after it.
   */
  writeAll(scope: WriteScope): void {
    if (this.#writes.length === 0) return;

    const writes = this.#writes;
    this.#writes = [];
    for (const [index, queued] of writes.entries()) {
      try {
        queued.write(scope);
      } catch (error) {
        const refused = error instanceof JournalError;
        if (refused) {
          this.#refused.add(queued);
          this.#unqueue(queued);
        }

        this.#writes = [...writes.slice(refused ? index + 1 : index), ...this.#writes];

        throw error;
      }

      this.#unqueue(queued);
    }
  }

  /** A settlement written (or dropped) no longer stands for its item in the queue. */
  #unqueue({ settled }: QueuedWrite): void {
    if (settled !== undefined && this.#queued.get(settled.itemId) === settled) {
      this.#queued.delete(settled.itemId);
    }
  }

  #settledFromFile(
    scope: WriteScope,
    itemId: number,
    settlement: Settlement,
    context: JournalErrorContext,
  ): ItemRecord {
    const item = requireItem(scope, itemId, context);

    return toItemRecord(settledRow(item, settlement, scope.now(), context));
  }
}

/** A second settlement of a queued one: the same outcome answers the same record. */
function repeatOfQueued(
  queued: QueuedSettlement,
  settlement: Settlement,
  context: JournalErrorContext,
): ItemRecord {
  if (sameSettlement(queued.settlement, settlement)) return queued.record;

  nextItemState(recordSubject(queued.record), settleEvents[settlement.state], context);

  throw new Error(`a settled item could settle again: ${queued.record.id}`);
}
