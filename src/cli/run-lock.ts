import { randomUUID } from "node:crypto";
import {
  accessSync,
  constants,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { hostname } from "node:os";
import type Database from "better-sqlite3";
import { earlierLockHeld, type EarlierLock } from "./earlier-run-lock.js";
import { CliError, UsageError } from "./errors.js";
import { ExitCode } from "./io.js";
import {
  isLockedNow,
  lockExclusively,
  readHolder,
  sqliteCode,
  unlinkIfThere,
  type LockHolder,
} from "./lock-file.js";

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

/**
 * Throws a usage error when the file at `path` is there and may not be written: SQLite opens
 * such a file read-only, and a read-only connection's BEGIN EXCLUSIVE locks nothing, so two
 * processes would each believe they hold it.
 */
function refuseUnwritable(path: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw unwritableLocks(path, code ?? "not writable");
  }
}

/** How long a take waits for a lock that is held before it is refused, in milliseconds. */
const takeWaitMs = 100;

/** How long a take or a release waits for the guard of the directory, in milliseconds. */
const guardWaitMs = 2_000;

/** The most stale lock files one take removes: a directory of many is cleared over several. */
const staleRemovedPerTake = 100;

/**
 * Runs `work` holding the guard of the locks directory: the one lock file that is never
 * removed. Every lock file is opened and locked by a taker, and removed, only under it.
 */
function holdingGuard<T>(directory: string, work: () => T): T {
  const path = join(directory, "guard");
  refuseUnwritable(path);
  let guard: Database.Database;
  try {
    guard = lockExclusively(path, { waitMs: guardWaitMs, mustExist: false });
  } catch (error) {
    if (sqliteCode(error) === "SQLITE_CANTOPEN") throw unwritableLocks(path, "SQLITE_CANTOPEN");
    if (sqliteCode(error) !== "SQLITE_BUSY") throw error;

    throw new CliError(`the run locks in ${directory} are busy`, {
      code: "P21_RUN_LOCKED",
      exitCode: ExitCode.usage,
      hint: "Run the command again: a process stopped while it held them holds them until it goes on or ends.",
      cause: error,
    });
  }

  try {
    return work();
  } finally {
    guard.close();
  }
}

/**
 * Under the guard: removes the lock file of `runId` (and its holder's name) if no process holds
 * it, found by locking it; answers whether it did. A file that cannot be judged (gone, not a
 * lock, not writable by this user) is left as it is.
 */
function removeIfUnheld(directory: string, runId: string): boolean {
  const path = join(directory, `${runId}.lock`);
  let locked: Database.Database;
  try {
    refuseUnwritable(path);
    locked = lockExclusively(path, { waitMs: 0, mustExist: true });
  } catch {
    return false;
  }

  // Unheld: closed before it is removed (a system may refuse to remove an open file), which is
  // safe because no taker can lock it while this process holds the guard.
  locked.close();
  try {
    unlinkIfThere(join(directory, `${runId}.holder`));
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Under the guard: removes the lock files of other runs that no process holds (killed ones). */
function removeStale(directory: string, ownRunId: string): void {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }

  let removed = 0;
  for (const name of names) {
    if (removed >= staleRemovedPerTake) return;
    if (!name.endsWith(".lock") || name === `${ownRunId}.lock`) continue;
    if (removeIfUnheld(directory, name.slice(0, -".lock".length))) removed += 1;
  }
}

/**
 * The lock of one run of a journal: one process works a run at a time. Two at once (two
 * resumes, or a resume of a run still going) would send the same records twice and settle
 * each other's.
 *
 * The lock is a lock of the operating system on `JOURNAL.locks/RUN.lock`, taken through SQLite
 * (an exclusive transaction held open on that file as an empty database): the system drops it
 * when the process ends, however it ends, so a killed holder leaves nothing that decides and
 * two processes can never both take it. The holder's process id is written beside it
 * (`RUN.holder`) only to name it to a second process.
 *
 * A lock file is removed when its run releases it, and a take removes those of killed
 * processes. Removing a file is safe only if no process may be about to lock it: one that had
 * opened it just before would lock a file no longer in place while another locked a new one of
 * the same name, and SQLite gives no descriptor to check which file was locked. So a lock file
 * is opened and locked by a taker, and removed, only while holding the directory's guard
 * (`JOURNAL.locks/guard`, held for those moments, never removed), and removed only once
 * locking it has shown that no process holds it: a holder's file is always the one in place.
 * A release that cannot have the guard in time leaves its file, for a later take to remove.
 *
 * Known limit: a process of the version before the guard takes a lock file without it, so
 * while one is waiting for a run's lock, a process of this version may remove that file and
 * both may end up holding the run; stop such processes before working their journal with this
 * version.
 *
 * Known limit: a journal on a network share relies on that share's locks, which SQLite itself
 * calls unreliable on some; the journal is meant for one machine.
 */
export class RunLock implements Disposable {
  readonly #directory: string;
  readonly #runId: string;
  readonly #path: string;
  readonly #holderPath: string;
  #locked: Database.Database | undefined;

  private constructor(journalPath: string, runId: string) {
    this.#directory = locksDirectory(journalPath);
    this.#runId = runId;
    this.#path = join(this.#directory, `${runId}.lock`);
    this.#holderPath = join(this.#directory, `${runId}.holder`);
  }

  /** Takes the lock of `runId`, or throws (exit 2) naming the process that holds it. */
  static take(journalPath: string, runId: string): RunLock {
    const lock = new RunLock(journalPath, runId);
    lock.#take(journalPath);
    return lock;
  }

  /**
   * Whether a process holds the lock of `runId` now (a process of an earlier version too),
   * found without taking it. Opens nothing for writing and creates nothing, so a journal that
   * may only be read can be asked too. A taker meanwhile waits out the read.
   */
  static isHeld(journalPath: string, runId: string): boolean {
    if (earlierLockHeld(journalPath, runId) !== undefined) return true;

    return isLockedNow(new RunLock(journalPath, runId).#path);
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
    const lock = new RunLock(journalPath, runId);
    const earlier = earlierLockHeld(journalPath, runId);
    if (earlier !== undefined) throw lock.#lockedError(earlier);
    if (isLockedNow(lock.#path)) throw lock.#lockedError();
  }

  #take(journalPath: string): void {
    makeLocksDirectory(this.#directory);
    const earlier = earlierLockHeld(journalPath, this.#runId);
    if (earlier !== undefined) throw this.#lockedError(earlier);

    this.#locked = holdingGuard(this.#directory, () => {
      const locked = this.#lockFile();
      removeStale(this.#directory, this.#runId);
      return locked;
    });
    try {
      this.#writeHolder();
    } catch (error) {
      this.release();
      throw error;
    }
  }

  /** Under the guard: opens the lock file (made if missing) and locks it, or throws. */
  #lockFile(): Database.Database {
    refuseUnwritable(this.#path);
    try {
      // A short wait: long enough for another process's isHeld() read, far shorter than a run.
      return lockExclusively(this.#path, { waitMs: takeWaitMs, mustExist: false });
    } catch (error) {
      if (sqliteCode(error) === "SQLITE_BUSY") throw this.#lockedError();
      if (sqliteCode(error) === "SQLITE_CANTOPEN")
        throw unwritableLocks(this.#path, "SQLITE_CANTOPEN");
      if (sqliteCode(error) === "SQLITE_NOTADB") {
        throw new CliError(`${this.#path} is not a run lock: SQLite cannot open it as one`, {
          code: "P21_RUN_LOCKED",
          exitCode: ExitCode.usage,
          hint: `If no p21kit is working run ${this.#runId}, delete that file.`,
        });
      }

      throw error;
    }
  }

  #lockedError(earlier?: EarlierLock): CliError {
    const holder = earlier === undefined ? readHolder(this.#holderPath) : earlier.holder;
    const who =
      holder === undefined
        ? "another process"
        : `process ${holder.pid} on ${holder.host} (since ${holder.since})`;
    return new CliError(`run ${this.#runId} is being worked by ${who}`, {
      code: "P21_RUN_LOCKED",
      exitCode: ExitCode.usage,
      hint:
        earlier === undefined
          ? "Wait for it to end, or stop it: the lock goes with that process."
          : `Wait for it to end, or stop it. Its lock is an earlier version's: if that process is gone, delete ${earlier.path}.`,
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

  /** Releases the lock, then removes its file unless another process has taken it; idempotent. */
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

    try {
      holdingGuard(this.#directory, () => removeIfUnheld(this.#directory, this.#runId));
    } catch {
      // The file stays; a later take removes it.
    }
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
