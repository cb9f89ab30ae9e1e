import type { Database, Transaction } from "better-sqlite3";

import { DeferredWrites } from "./deferred-writes.js";
import { JournalError } from "./errors.js";
import type { JournalErrorContext } from "./errors.js";
import { prepareStatements } from "./statements.js";
import type { Statements } from "./statements.js";
import { translateStorageError, whatFailed } from "./storage-errors.js";
import type { WriteScope } from "./write-scope.js";

/**
 * A journal's open file and how it is written: every read first writes what was deferred,
 * every write is a transaction (or, for one statement inside the caller's, none of its own), a
 * deferred write is checked now and queued, and a transaction that rolls back puts the deferred
 * writes back as they stood. Errors come out as `JournalError`s naming the operation and file.
 */
export class JournalConnection {
  readonly path: string;
  readonly readonly: boolean;
  readonly scope: WriteScope;
  readonly deferred = new DeferredWrites();
  #database: Database | undefined;
  /**
   * Runs its argument in a transaction, the deferred writes first. Built once: better-sqlite3
   * makes four wrapper functions on every `transaction()` call, a cost paid per record otherwise.
   */
  readonly #transaction: Transaction<(work: () => unknown) => unknown>;

  constructor(path: string, database: Database, readonly: boolean, now: () => Date) {
    this.path = path;
    this.readonly = readonly;
    this.#database = database;
    this.scope = { statements: prepareStatements(database), now, journalPath: path };
    this.#transaction = database.transaction((work: () => unknown) => {
      this.deferred.writeAll(this.scope);

      return work();
    });
  }

  /** Writes the deferred writes, in one commit. */
  flush(): void {
    if (this.deferred.size === 0) return;

    this.write("flush", {}, () => undefined);
  }

  /** `Journal.transaction`: rows remembered and runs seen inside a rollback are forgotten. */
  transaction<T>(work: () => T): T {
    this.open("transaction");
    try {
      return this.inTransaction(this.readonly ? "deferred" : "immediate", work);
    } catch (error) {
      // Rows remembered, and runs seen, inside the rolled-back transaction were never committed.
      this.deferred.forgetRemembered();
      this.deferred.forgetKnownRuns();

      throw translateStorageError(error, { operation: "transaction", journalPath: this.path });
    }
  }

  /** Writes what was deferred, then closes the file (see `Journal.close`). */
  close(): void {
    const database = this.#database;
    if (database === undefined) return;

    let refusal: JournalError | undefined;
    try {
      while (this.deferred.size > 0 && !this.readonly) {
        const queued = this.deferred.size;
        try {
          this.inTransaction("immediate", () => undefined);
        } catch (error) {
          // A deferred write refused by its check is dropped: the next round writes the others.
          if (!(error instanceof JournalError) || this.deferred.size >= queued) throw error;

          refusal ??= error;
        }
      }
    } catch (error) {
      throw translateStorageError(error, { operation: "close", journalPath: this.path });
    } finally {
      this.#database = undefined;
      database.close();
    }

    if (refusal !== undefined) throw refusal;
  }

  /** The open database, or `P21_JOURNAL_CLOSED`. */
  open(operation: string): Database {
    if (this.#database !== undefined) return this.#database;

    throw new JournalError(
      "P21_JOURNAL_CLOSED",
      `the journal ${this.path} could not ${whatFailed(operation)}: it is closed`,
      { operation, journalPath: this.path },
    );
  }

  /** Runs a read, the deferred writes written first. */
  read<T>(operation: string, context: JournalErrorContext, work: (statements: Statements) => T): T {
    this.open(operation);
    if (this.deferred.size > 0) this.flush();

    try {
      return work(this.scope.statements);
    } catch (error) {
      throw translateStorageError(error, { ...context, operation, journalPath: this.path });
    }
  }

  /** Runs a write in a transaction of its own (a savepoint inside the caller's). */
  write<T>(operation: string, context: JournalErrorContext, work: (scope: WriteScope) => T): T {
    this.open(operation);
    if (this.readonly) {
      throw new JournalError(
        "P21_JOURNAL_READONLY",
        `the journal ${this.path} could not ${whatFailed(operation)}: it is open read-only`,
        { ...context, operation, journalPath: this.path },
      );
    }

    try {
      return this.inTransaction("immediate", () => work(this.scope));
    } catch (error) {
      throw translateStorageError(error, { ...context, operation, journalPath: this.path });
    }
  }

  /**
   * Runs `work` in a transaction (a savepoint inside another), the deferred writes first; if it
   * rolls back, they are queued again as they stood when it began.
   */
  inTransaction<T>(mode: "immediate" | "deferred", work: () => T): T {
    const mark = this.deferred.mark();
    try {
      return this.#transaction[mode](work) as T;
    } catch (error) {
      this.deferred.rollBack(mark);

      throw error;
    }
  }

  /**
   * {@link write} for a write of one statement: inside a caller's transaction it runs without
   * a savepoint of its own (a statement that fails leaves nothing behind, SQLite undoes it), the
   * deferred writes first as in any transaction. A savepoint and its release cost more than the
   * statement; the engine marks a batch's records in one transaction.
   */
  writeOne<T>(operation: string, context: JournalErrorContext, work: (scope: WriteScope) => T): T {
    const database = this.open(operation);
    if (this.readonly || !database.inTransaction) return this.write(operation, context, work);

    try {
      this.deferred.writeAll(this.scope);

      return work(this.scope);
    } catch (error) {
      throw translateStorageError(error, { ...context, operation, journalPath: this.path });
    }
  }

  /**
   * Checks a write now and queues it for the next transaction (see {@link DeferredWrites}),
   * with one clock reading for the check and the write.
   */
  defer<T>(operation: string, context: JournalErrorContext, work: (scope: WriteScope) => T): T {
    this.open(operation);
    const at = this.scope.now();
    try {
      return work({ ...this.scope, now: () => at });
    } catch (error) {
      throw translateStorageError(error, { ...context, operation, journalPath: this.path });
    }
  }
}
