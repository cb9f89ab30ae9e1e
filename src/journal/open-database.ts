import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";

import BetterSqlite3 from "better-sqlite3";
import type { Database } from "better-sqlite3";

import { JournalError } from "./errors.js";
import { readFileImage, refusedForWalFiles } from "./file-image.js";
import {
  currentSchemaVersion,
  journalApplicationId,
  migrate,
  readSchemaVersion,
} from "./schema.js";
import { toJournalError } from "./storage-errors.js";

/** What {@link openDatabase} needs, fully resolved. */
export interface DatabaseSettings {
  path: string;
  readonly: boolean;
  busyTimeoutMs: number;
}

const privateFileMode = 0o600;
const privateDirectoryMode = 0o700;

function isInMemory(path: string): boolean {
  return path === ":memory:" || path === "";
}

// SQLite gives the -wal and -shm files the main file's mode; creating the main file ourselves
// with 0600 (umask can only take bits away) keeps all three private without touching the
// process-wide umask.
function createPrivateFile(path: string): boolean {
  mkdirSync(dirname(path), { recursive: true, mode: privateDirectoryMode });
  try {
    closeSync(openSync(path, "wx", privateFileMode));

    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === "EEXIST") return false;

    throw error;
  }
}

function tightenCompanionFiles(path: string): void {
  for (const companion of [`${path}-wal`, `${path}-shm`]) {
    if (existsSync(companion)) chmodSync(companion, privateFileMode);
  }
}

function checkIdentity(database: Database, path: string, readonly: boolean): number {
  const version = readSchemaVersion(database);
  const applicationId = database.pragma("application_id", { simple: true }) as number;
  const tableCount = (
    database.prepare("SELECT count(*) AS count FROM sqlite_schema").get() as { count: number }
  ).count;
  const foreign =
    (applicationId !== 0 && applicationId !== journalApplicationId) ||
    (version === 0 && tableCount > 0) ||
    (version > 0 && applicationId !== journalApplicationId);
  if (foreign) {
    throw new JournalError("P21_JOURNAL_NOT_A_JOURNAL", `${path} is not a p21kit journal`, {
      journalPath: path,
    });
  }

  if (version > currentSchemaVersion) {
    throw new JournalError(
      "P21_JOURNAL_SCHEMA_TOO_NEW",
      `${path} has journal schema version ${version}; this p21kit knows up to ${currentSchemaVersion}: upgrade p21kit`,
      { journalPath: path },
    );
  }

  if (readonly && version < currentSchemaVersion) {
    throw new JournalError(
      "P21_JOURNAL_SCHEMA_OUTDATED",
      `${path} has journal schema version ${version} and needs migrating to ${currentSchemaVersion}: open it once for writing`,
      { journalPath: path },
    );
  }

  return version;
}

function configure(database: Database, settings: DatabaseSettings): void {
  database.pragma(`busy_timeout = ${Math.max(0, Math.floor(settings.busyTimeoutMs))}`);
  database.pragma("foreign_keys = ON");
  if (settings.readonly) return;

  if (!isInMemory(settings.path)) database.pragma("journal_mode = WAL");
  database.pragma("synchronous = FULL");
}

function openFile(settings: DatabaseSettings): Database {
  const { path, readonly } = settings;
  let database: Database | undefined;
  try {
    const created = !readonly && !isInMemory(path) && createPrivateFile(path);
    database = new BetterSqlite3(path, { readonly, fileMustExist: readonly });
    configure(database, settings);
    checkIdentity(database, path, readonly);
    if (!readonly) migrate(database);

    if (created) tightenCompanionFiles(path);

    return database;
  } catch (error) {
    database?.close();

    throw error;
  }
}

function openFileImage(settings: DatabaseSettings): Database {
  const database = new BetterSqlite3(readFileImage(settings.path), { readonly: true });
  try {
    configure(database, settings);
    checkIdentity(database, settings.path, true);

    return database;
  } catch (error) {
    database.close();

    throw error;
  }
}

function openError(error: unknown, path: string): JournalError {
  if (error instanceof JournalError) return error;

  const context = { operation: "open", journalPath: path, cause: error };
  if ((error as { code?: unknown }).code === "SQLITE_CANTOPEN") {
    return new JournalError("P21_JOURNAL_STORAGE", `cannot open journal ${path}`, context);
  }

  return toJournalError(error, context);
}

/**
 * Opens (creating when needed, unless read-only) a journal database, configured (WAL,
 * `synchronous=FULL`, foreign keys, busy timeout), identified and migrated to the current schema.
 *
 * Read-only, a journal that SQLite cannot read in place, because its directory may not be
 * written and it has no -shm file, is read from a copy in memory of the file as it is when
 * opened (see {@link readFileImage}).
 *
 * Known limit: WAL needs shared memory between the processes using the file, so a journal on a
 * network file system (NFS, SMB) is not supported; keep it on a local disk.
 */
export function openDatabase(settings: DatabaseSettings): Database {
  try {
    return openFile(settings);
  } catch (error) {
    if (!settings.readonly || !refusedForWalFiles(error, settings.path)) {
      throw openError(error, settings.path);
    }
  }

  try {
    return openFileImage(settings);
  } catch (error) {
    throw openError(error, settings.path);
  }
}
