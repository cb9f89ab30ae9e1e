import { randomUUID } from "node:crypto";
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync } from "node:fs";
import { writeFileSync } from "node:fs";
import type { Stats } from "node:fs";
import { hostname } from "node:os";
import Database from "better-sqlite3";
import { CliError } from "./errors.js";
import { ExitCode } from "./io.js";

/** Who holds a run: written beside its lock, for the message a second process gets. */
interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    if (typeof holder.pid !== "number" || typeof holder.host !== "string") return undefined;
    return { pid: holder.pid, host: holder.host, since: String(holder.since) };
  } catch {
    return undefined;
  }
}

function sqliteCode(error: unknown): string | undefined {
  return (error as { code?: unknown }).code as string | undefined;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

function sameFile(one: Stats, other: Stats): boolean {
  return one.ino === other.ino && one.dev === other.dev;
}

/**
 * The lock of one run of a journal: one process works a run at a time. Two at once (two
 * resumes, or a resume of a run still going) would send the same records twice and settle
 * each other's.
 *
 * The lock is a lock of the operating system on `JOURNAL.run-RUN.lock`, taken through SQLite
 * (an exclusive transaction held open on that file as an empty database): the system drops it
 * when the process ends, however it ends, so a killed holder leaves nothing to judge stale and
 * two processes can never both take it. The holder's process id is written beside it
 * (`….lock.holder`) only to name it to a second process.
 *
 * The file is removed on release while still locked. A process that opened it just before then
 * locks a file no longer in place; it checks, after locking, that the path still names the file
 * it found there before opening it, and otherwise starts again. The lock file is only ever
 * opened through SQLite: closing any other descriptor of it would drop every lock this process
 * has on it (POSIX locks belong to the process), so the file is compared by path, not by a
 * descriptor of its own.
 *
 * Known limit: a journal on a network share relies on that share's locks, which SQLite itself
 * calls unreliable on some; the journal is meant for one machine.
 */
export class RunLock implements Disposable {
  readonly #path: string;
  readonly #holderPath: string;
  #locked: Database.Database | undefined;

  private constructor(path: string) {
    this.#path = path;
    this.#holderPath = `${path}.holder`;
  }

  /** Takes the lock of `runId`, or throws (exit 2) naming the process that holds it. */
  static take(journalPath: string, runId: string): RunLock {
    const lock = new RunLock(`${journalPath}.run-${runId}.lock`);
    lock.#take(runId);
    return lock;
  }

  #take(runId: string): void {
    // Each round that loses only means a holder released and removed the file meanwhile.
    for (let round = 0; round < 5; round += 1) {
      const found = this.#findOrMake();
      const locked = this.#lockFile(runId);
      const now = statOrUndefined(this.#path);
      if (now !== undefined && sameFile(now, found)) {
        this.#locked = locked;
        try {
          this.#writeHolder();
        } catch (error) {
          this.release();
          throw error;
        }
        return;
      }

      locked.close();
    }

    throw this.#lockedError(runId);
  }

  /**
   * The lock file as it is before it is opened, made (readable by its owner only) when missing.
   * A file made here is new, so no lock of this process is on it to drop with the descriptor.
   */
  #findOrMake(): Stats {
    for (;;) {
      const found = statOrUndefined(this.#path);
      if (found !== undefined) return found;

      try {
        closeSync(openSync(this.#path, "wx", 0o600));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
  }

  /** Opens the lock file and locks it, or throws when another holds it. */
  #lockFile(runId: string): Database.Database {
    let database: Database.Database | undefined;
    try {
      database = new Database(this.#path, { timeout: 0 });
      // Its rollback journal in memory: nothing is written, and no -journal file is left.
      database.pragma("journal_mode = MEMORY");
      database.exec("BEGIN EXCLUSIVE");
      return database;
    } catch (error) {
      database?.close();
      if (sqliteCode(error) === "SQLITE_BUSY") throw this.#lockedError(runId);
      if (sqliteCode(error) === "SQLITE_NOTADB") {
        throw new CliError(`${this.#path} is not a run lock that this version can take`, {
          code: "P21_RUN_LOCKED",
          exitCode: ExitCode.usage,
          hint: `An earlier version of p21kit leaves a lock of another kind. If no p21kit is working run ${runId}, delete that file.`,
        });
      }

      throw error;
    }
  }

  #lockedError(runId: string): CliError {
    const holder = readHolder(this.#holderPath);
    const who =
      holder === undefined
        ? "another process"
        : `process ${holder.pid} on ${holder.host} (since ${holder.since})`;
    return new CliError(`run ${runId} is being worked by ${who}`, {
      code: "P21_RUN_LOCKED",
      exitCode: ExitCode.usage,
      hint: "Wait for it to end, or stop it: the lock goes with that process.",
    });
  }

  /** Writes who holds the lock, whole: to a file of this process first, then renamed over. */
  #writeHolder(): void {
    const holder: LockHolder = {
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
    };
    const own = `${this.#holderPath}.${process.pid}.${randomUUID()}`;
    writeFileSync(own, `${JSON.stringify(holder)}\n`, { mode: 0o600, flag: "wx" });
    try {
      renameSync(own, this.#holderPath);
    } catch (error) {
      unlinkIfThere(own);
      throw error;
    }
  }

  /** Releases the lock; idempotent. */
  release(): void {
    const locked = this.#locked;
    if (locked === undefined) return;

    this.#locked = undefined;
    try {
      unlinkIfThere(this.#holderPath);
      unlinkIfThere(this.#path);
    } catch {
      // A system that cannot remove an open file: the file stays; the next holder locks it.
    } finally {
      locked.close();
    }
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
