import { randomUUID } from "node:crypto";
import {
  accessSync,
  constants,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { hostname } from "node:os";
import Database from "better-sqlite3";
import { CliError, UsageError } from "./errors.js";
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

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/**
 * The directory of a journal's run locks: `JOURNAL.locks`, beside the journal's real file, so
 * that a journal named through a symbolic link (or two spellings of one path) has one lock.
 */
function locksDirectory(journalPath: string): string {
  let real = journalPath;
  try {
    real = realpathSync.native(journalPath);
  } catch {
    // Not there yet: the path as given.
  }

  return `${real}.locks`;
}

/** A lock that cannot be made where the journal is: a path to change, not a process to wait for. */
function unwritableLocks(path: string, code: string): UsageError {
  return new UsageError(
    `the run lock cannot be made at ${path} (${code})`,
    "Give --journal a file in a directory you may write (its run locks go beside it, in JOURNAL.locks); nothing was sent to the server.",
  );
}

/** Makes the directory of run locks, or throws a usage error when locks cannot be made there. */
function makeLocksDirectory(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    accessSync(directory, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw error;

    throw unwritableLocks(directory, code);
  }
}

/** How long a take waits for a lock that is held before it is refused, in milliseconds. */
const takeWaitMs = 100;

/**
 * The lock of one run of a journal: one process works a run at a time. Two at once (two
 * resumes, or a resume of a run still going) would send the same records twice and settle
 * each other's.
 *
 * The lock is a lock of the operating system on `JOURNAL.locks/RUN.lock`, taken through SQLite
 * (an exclusive transaction held open on that file as an empty database): the system drops it
 * when the process ends, however it ends, so a killed holder leaves nothing to judge stale and
 * two processes can never both take it. The holder's process id is written beside it
 * (`RUN.holder`) only to name it to a second process.
 *
 * The lock files stay after their run (empty, one per run that was worked). Removing one would
 * let a process that had opened it just before lock a file no longer in place while another
 * locked the new one; a check that the path still names the file locked cannot tell them apart
 * once the system has handed the removed file's inode number to a new one.
 *
 * Known limit: a journal on a network share relies on that share's locks, which SQLite itself
 * calls unreliable on some; the journal is meant for one machine.
 */
export class RunLock implements Disposable {
  readonly #path: string;
  readonly #holderPath: string;
  #locked: Database.Database | undefined;

  private constructor(journalPath: string, runId: string) {
    const directory = locksDirectory(journalPath);
    this.#path = join(directory, `${runId}.lock`);
    this.#holderPath = join(directory, `${runId}.holder`);
  }

  /** Takes the lock of `runId`, or throws (exit 2) naming the process that holds it. */
  static take(journalPath: string, runId: string): RunLock {
    const lock = new RunLock(journalPath, runId);
    lock.#take(runId);
    return lock;
  }

  /**
   * Whether a process holds the lock of `runId` now, found without taking it: a read of the
   * lock file, which the holder's lock refuses. Opens nothing for writing and creates nothing,
   * so a journal that may only be read can be asked too. A taker meanwhile waits out the read.
   */
  static isHeld(journalPath: string, runId: string): boolean {
    let probe: Database.Database | undefined;
    try {
      probe = new Database(new RunLock(journalPath, runId).#path, {
        readonly: true,
        fileMustExist: true,
        timeout: 0,
      });
      probe.prepare("SELECT count(*) FROM sqlite_master").get();
      return false;
    } catch (error) {
      // No file: no run of it was ever worked here, so no holder.
      return sqliteCode(error) === "SQLITE_BUSY";
    } finally {
      probe?.close();
    }
  }

  /**
   * Makes the directory of the journal's run locks and checks that locks may be made in it, or
   * throws a usage error (exit 2): for a command to call before it records a run or asks for
   * anything, so that a directory that cannot be written leaves no run behind.
   */
  static ensureDirectory(journalPath: string): void {
    makeLocksDirectory(locksDirectory(journalPath));
  }

  /** Throws (exit 2) as {@link take} does when a process holds the lock of `runId`. */
  static refuseIfHeld(journalPath: string, runId: string): void {
    if (RunLock.isHeld(journalPath, runId)) {
      throw new RunLock(journalPath, runId).#lockedError(runId);
    }
  }

  #take(runId: string): void {
    makeLocksDirectory(dirname(this.#path));
    this.#locked = this.#lockFile(runId);
    try {
      this.#writeHolder();
    } catch (error) {
      this.release();
      throw error;
    }
  }

  /** Opens the lock file (made if missing) and locks it, or throws when another holds it. */
  #lockFile(runId: string): Database.Database {
    // SQLite opens a file it may not write read-only, and a read-only connection's BEGIN
    // EXCLUSIVE locks nothing: two processes would each believe they hold the run.
    try {
      accessSync(this.#path, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") throw unwritableLocks(this.#path, code ?? "not writable");
    }

    let database: Database.Database | undefined;
    try {
      // A short wait: long enough for another process's isHeld() read, far shorter than a run.
      database = new Database(this.#path, { timeout: takeWaitMs });
      // Its rollback journal in memory: nothing is written, and no -journal file is left.
      database.pragma("journal_mode = MEMORY");
      database.exec("BEGIN EXCLUSIVE");
      return database;
    } catch (error) {
      database?.close();
      if (sqliteCode(error) === "SQLITE_BUSY") throw this.#lockedError(runId);
      if (sqliteCode(error) === "SQLITE_CANTOPEN")
        throw unwritableLocks(this.#path, "SQLITE_CANTOPEN");
      if (sqliteCode(error) === "SQLITE_NOTADB") {
        throw new CliError(`${this.#path} is not a run lock: SQLite cannot open it as one`, {
          code: "P21_RUN_LOCKED",
          exitCode: ExitCode.usage,
          hint: `If no p21kit is working run ${runId}, delete that file.`,
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

  /** Releases the lock; idempotent. The lock file stays (see the class). */
  release(): void {
    const locked = this.#locked;
    if (locked === undefined) return;

    this.#locked = undefined;
    try {
      unlinkIfThere(this.#holderPath);
    } catch {
      // The name of a holder that is gone misleads no one: the lock decides, not the name.
    } finally {
      locked.close();
    }
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
