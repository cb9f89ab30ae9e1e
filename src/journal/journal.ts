import type { Database } from "better-sqlite3";

import {
  insertItems,
  resetFailedItems,
  returnItemToPending,
  settleItem,
  startAttempt,
} from "./item-writes.js";
import { JournalConnection } from "./journal-connection.js";
import { openDatabase } from "./open-database.js";
import { toItemRecord, toJournalEvent, toRunRecord } from "./rows.js";
import { changeRunState, insertRun } from "./run-writes.js";
import { readSchemaVersion } from "./schema.js";
import { toJournalError } from "./storage-errors.js";
import { itemStates } from "./types.js";
import type {
  AttemptPlace,
  ItemFilter,
  ItemOutcome,
  ItemRecord,
  ItemState,
  JournalEvent,
  JournalOpenOptions,
  MarkOptions,
  NewEvent,
  NewItem,
  NewRun,
  RunRecord,
  RunState,
  StorageSettings,
  WriteOptions,
} from "./types.js";
import { requireCount, requireItemStates } from "./validate.js";
import { insertEvent, requireRun } from "./write-scope.js";

/**
 * The durable record of runs and their items: one SQLite file (WAL, `synchronous=FULL`, mode
 * 0600). Every write is one transaction, committed before the method returns, so that a process
 * killed at any moment leaves every item as it was last written. Item states follow
 * {@link transition}; run options and event data are stored without their secrets.
 *
 * All methods are synchronous. Several processes may share one file; a write waits up to the
 * busy timeout for another's lock, then fails with `P21_JOURNAL_BUSY`.
 *
 * Known limit: SQLite's lock is not fair; a process writing without pause can keep another
 * waiting until its busy timeout runs out.
 */
export class Journal {
  /** The file this journal lives in (`:memory:` for a throwaway one). */
  readonly path: string;
  /** The schema version of the open file (the current one unless opened read-only). */
  readonly schemaVersion: number;
  readonly readonly: boolean;
  readonly #connection: JournalConnection;

  private constructor(path: string, database: Database, readonly: boolean, now: () => Date) {
    this.path = path;
    this.readonly = readonly;
    this.#connection = new JournalConnection(path, database, readonly, now);
    this.schemaVersion = readSchemaVersion(database);
  }

  /**
   * Opens the journal at `path`, creating it (and its directory, mode 0700) unless read-only,
   * and migrating an older schema. `":memory:"` gives a journal that lives only as long as the
   * object, for tests.
   */
  static open(path: string, options: JournalOpenOptions = {}): Journal {
    const readonly = options.readonly ?? false;
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    const database = openDatabase({ path, readonly, busyTimeoutMs });
    try {
      return new Journal(path, database, readonly, options.now ?? (() => new Date()));
    } catch (error) {
      database.close();

      throw toJournalError(error, { operation: "open", journalPath: path });
    }
  }

  /** Records a new run, in state `pending`. */
  createRun(run: NewRun): RunRecord {
    return this.#connection.write("createRun", {}, (scope) => insertRun(scope, run));
  }

  getRun(runId: string): RunRecord | undefined {
    return this.#connection.read("getRun", { runId }, (statements) => {
      const row = statements.selectRun.get(runId);

      return row === undefined ? undefined : toRunRecord(row);
    });
  }

  /** Runs, newest first. */
  listRuns(options: { limit?: number } = {}): RunRecord[] {
    return this.#connection.read("listRuns", {}, (statements) => {
      const { limit } = options;
      const rowLimit =
        limit === undefined ? -1 : requireCount(limit, "limit", { operation: "listRuns" });

      return statements.listRuns.all(rowLimit).map(toRunRecord);
    });
  }

  /** The newest run still `pending`, `running` or `interrupted`: the one to resume. */
  latestUnfinishedRun(): RunRecord | undefined {
    return this.#connection.read("latestUnfinishedRun", {}, (statements) => {
      const row = statements.latestUnfinishedRun.get();

      return row === undefined ? undefined : toRunRecord(row);
    });
  }

  /**
   * Moves a run to `state` (see {@link runTransition}: a completed run is final); `finishedAt`
   * is set on `completed` and `failed`, and cleared when a failed run runs again.
   */
  setRunState(runId: string, state: RunState): void {
    this.#connection.write("setRunState", { runId }, (scope) =>
      changeRunState(scope, runId, state),
    );
  }

  /**
   * Adds `pending` items to a run's phase, in one transaction: all or none. Sequences continue
   * from the phase's last one. A natural key already in the phase (or given twice) fails the
   * whole call with `P21_JOURNAL_DUPLICATE_KEY`.
   */
  addItems(runId: string, phase: string, items: readonly NewItem[]): ItemRecord[] {
    return this.#connection.write("addItems", { runId, phase }, (scope) =>
      insertItems(scope, runId, phase, items),
    );
  }

  /** A run's items, by phase (in the order phases were first added) and sequence. */
  items(runId: string, filter: ItemFilter = {}): ItemRecord[] {
    return this.#connection.read("items", { runId }, (statements) => {
      const context = { operation: "items", runId };
      const states =
        filter.states === undefined
          ? null
          : JSON.stringify(requireItemStates(filter.states, context));
      const ids =
        filter.ids === undefined
          ? null
          : JSON.stringify(filter.ids.map((id) => requireCount(id, "id", context)));
      const phase = filter.phase ?? null;

      return statements.selectItems.all({ run_id: runId, phase, states, ids }).map(toItemRecord);
    });
  }

  item(itemId: number): ItemRecord | undefined {
    return this.#connection.read("item", { itemId }, (statements) => {
      const row = statements.selectItem.get(itemId);

      return row === undefined ? undefined : toItemRecord(row);
    });
  }

  /** How many of a run's items (of one phase, if given) are in each state; zeros included. */
  counts(runId: string, phase?: string): Record<ItemState, number> {
    return this.#connection.read("counts", { runId }, (statements) => {
      const entries = itemStates.map((state) => [state, 0] as const);
      const counts = Object.fromEntries(entries) as Record<ItemState, number>;
      for (const row of statements.countItems.all({ run_id: runId, phase: phase ?? null })) {
        counts[row.state] = row.count;
      }

      return counts;
    });
  }

  /** A run's phases, in the order they were first added. */
  phases(runId: string): string[] {
    return this.#connection.read("phases", { runId }, (statements) =>
      statements.phases.all(runId).map((row) => row.phase),
    );
  }

  /**
   * Marks an item `in_flight` before its first write is sent: attempts + 1, a new `startedAt`,
   * and where the attempt runs. Committed (fsynced) before returning.
   */
  markInFlight(itemId: number, at: AttemptPlace, options: MarkOptions = {}): ItemRecord {
    const started = this.#connection.writeOne("markInFlight", { itemId }, (scope) =>
      startAttempt(scope, itemId, at, options.expected),
    );
    // A settlement deferred after this checks against the record just written rather than read
    // the row again; its write changes the row only if it is still that one.
    this.#connection.deferred.remember(started);

    return started;
  }

  /**
   * Settles an item, for good. Settling a settled item again fails with `P21_JOURNAL_STATE`,
   * unless the outcome is the same one (state, result, error code and message): then nothing
   * changes and the stored record is returned.
   *
   * With `durable: false` the settlement is checked and returned at once but written with the
   * next write (or read, or close) of this journal, in that write's transaction: one commit
   * instead of two per record. A crash before then leaves the item `in_flight`, which resume
   * reconciles against the server, so nothing is lost or sent twice. A write that is refused or
   * rolls back leaves it queued for the next; one deferred inside a {@link transaction} that
   * rolls back is rolled back with it.
   */
  settle(itemId: number, outcome: ItemOutcome, options: WriteOptions = {}): ItemRecord {
    if (options.durable === false && !this.readonly) {
      return this.#connection.defer("settle", { itemId }, (scope) =>
        this.#connection.deferred.settle(scope, itemId, outcome),
      );
    }

    this.#connection.deferred.forget(itemId);

    return this.#connection.write("settle", { itemId }, (scope) =>
      settleItem(scope, itemId, outcome),
    );
  }

  /**
   * Takes an `in_flight` item back to `pending` when a reconciliation found that its write did
   * not happen. Attempts are kept; `reason` goes to the event log in the same transaction.
   */
  returnToPending(itemId: number, reason: string): ItemRecord {
    this.#connection.deferred.forget(itemId);

    return this.#connection.write("returnToPending", { itemId }, (scope) =>
      returnItemToPending(scope, itemId, reason),
    );
  }

  /** Takes every failed item of a run back to `pending`, clearing its outcome; returns how many. */
  resetFailed(runId: string): number {
    this.#connection.deferred.forgetRemembered();

    return this.#connection.write("resetFailed", { runId }, (scope) =>
      resetFailedItems(scope, runId),
    );
  }

  /**
   * Appends to a run's event log. `phase` defaults to the item's when `itemId` is given.
   * `durable: false` defers the write as for {@link settle}.
   */
  appendEvent(runId: string, event: NewEvent, options: WriteOptions = {}): void {
    if (options.durable === false && !this.readonly) {
      this.#connection.defer("appendEvent", { runId }, (scope) =>
        this.#connection.deferred.appendEvent(scope, runId, event),
      );

      return;
    }

    this.#connection.write("appendEvent", { runId }, (scope) => {
      requireRun(scope, runId, { operation: "appendEvent", journalPath: this.path });
      insertEvent(scope, runId, event);
    });
  }

  /** Writes the settlements and events deferred with `durable: false`, in one commit. */
  flush(): void {
    this.#connection.flush();
  }

  /** A run's event log, oldest first, optionally only some types. */
  events(runId: string, filter: { types?: readonly string[] } = {}): JournalEvent[] {
    return this.#connection.read("events", { runId }, (statements) => {
      const types = filter.types === undefined ? null : JSON.stringify(filter.types);

      return statements.selectEvents.all({ run_id: runId, types }).map(toJournalEvent);
    });
  }

  /**
   * Runs `work` in one transaction (immediate, so that it holds the write lock from the start):
   * every journal write inside commits together or not at all, and an error thrown by `work`
   * comes out unchanged. `work` must be synchronous. Nested calls become savepoints.
   */
  transaction<T>(work: () => T): T {
    return this.#connection.transaction(work);
  }

  /** How the file is configured on this connection, for diagnostics. */
  storageSettings(): StorageSettings {
    const database = this.#connection.open("storageSettings");
    const synchronousNames = ["off", "normal", "full", "extra"];
    const synchronous = database.pragma("synchronous", { simple: true }) as number;

    return {
      journalMode: database.pragma("journal_mode", { simple: true }) as string,
      synchronous: synchronousNames[synchronous] ?? "unknown",
      foreignKeys: database.pragma("foreign_keys", { simple: true }) === 1,
      busyTimeoutMs: database.pragma("busy_timeout", { simple: true }) as number,
    };
  }

  /**
   * Closes the file, writing what was deferred first. Idempotent; any later use fails with
   * `P21_JOURNAL_CLOSED`. A deferred settlement refused then (another process settled the item)
   * does not keep the others from being written; its refusal is thrown once the file is closed.
   */
  close(): void {
    this.#connection.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
