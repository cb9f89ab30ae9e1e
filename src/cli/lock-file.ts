import { readFileSync, unlinkSync } from "node:fs";
import Database from "better-sqlite3";

/** Who holds a run: written beside its lock, for the message a second process gets. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** The holder a file's `text` names, or `undefined` when it names none. */
export function parseHolder(text: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(text) as Partial<LockHolder> | null;
    if (typeof holder?.pid !== "number" || typeof holder.host !== "string") return undefined;
    return { pid: holder.pid, host: holder.host, since: String(holder.since) };
  } catch {
    return undefined;
  }
}

/** The holder written at `path`, or `undefined` when there is none or it cannot be read. */
export function readHolder(path: string): LockHolder | undefined {
  try {
    return parseHolder(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

export function sqliteCode(error: unknown): string | undefined {
  return (error as { code?: unknown }).code as string | undefined;
}

export function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/**
 * Opens `path` as an empty SQLite database and locks it exclusively, waiting up to `waitMs` for
 * another connection's lock; SQLite's errors are thrown as they are (`SQLITE_BUSY` when held).
 * The lock is the operating system's, so it goes with its process however that ends.
 */
export function lockExclusively(
  path: string,
  options: { waitMs: number; mustExist: boolean },
): Database.Database {
  const database = new Database(path, {
    timeout: options.waitMs,
    fileMustExist: options.mustExist,
  });
  try {
    // Its rollback journal in memory: nothing is written, and no -journal file is left.
    database.pragma("journal_mode = MEMORY");
    database.exec("BEGIN EXCLUSIVE");
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}

/**
 * Whether a connection locks the SQLite file at `path` now, found without taking it: a read,
 * which a holder's exclusive lock refuses. Opens nothing for writing and creates nothing, so
 * a directory that may only be read can be asked too. No file: no holder.
 */
export function isLockedNow(path: string): boolean {
  let probe: Database.Database | undefined;
  try {
    probe = new Database(path, { readonly: true, fileMustExist: true, timeout: 0 });
    probe.prepare("SELECT count(*) FROM sqlite_master").get();
    return false;
  } catch (error) {
    return sqliteCode(error) === "SQLITE_BUSY";
  } finally {
    probe?.close();
  }
}
