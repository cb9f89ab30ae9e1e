import { existsSync, readFileSync, statSync } from "node:fs";

import { JournalError } from "./errors.js";

// SQLite's answers when a read-only connection to a WAL-mode file needs a -shm file that it may
// neither create nor initialise (https://www.sqlite.org/wal.html, "Read-Only Databases").
const refusedForSharedMemory = new Set([
  "SQLITE_READONLY_DIRECTORY",
  "SQLITE_READONLY_CANTINIT",
  "SQLITE_READONLY_CANTLOCK",
  "SQLITE_READONLY_RECOVERY",
]);

// Bytes 18 and 19 of a database header: the write and read format versions, 2 in WAL mode.
const formatVersionOffsets = [18, 19] as const;
const walFormatVersion = 2;
const rollbackFormatVersion = 1;
const headerBytes = 100;

function walBytes(path: string): number {
  return existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0;
}

/**
 * Whether SQLite refused to read the journal at `path` in place only because it may not create
 * or write the -shm (or -wal) file beside it: a read-only directory or mount.
 */
export function refusedForWalFiles(error: unknown, path: string): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") return false;

  return (
    refusedForSharedMemory.has(code) || (code === "SQLITE_CANTOPEN" && existsSync(`${path}-wal`))
  );
}

/**
 * The bytes of a journal whose -wal holds nothing (every commit is in the file itself), marked as
 * a rollback-mode database so that SQLite opens them in memory without a -wal or -shm file; what
 * the `immutable` URI parameter would do, which better-sqlite3 cannot pass (it opens without URI
 * filenames). A file that changed while it was read is refused (`P21_JOURNAL_BUSY`), never given
 * half-written; a -wal with content is refused (`P21_JOURNAL_WAL_UNREADABLE`): its writes can be
 * read only where SQLite may create the -shm file.
 *
 * Known limit: the whole file is held in memory while the journal is open.
 */
export function readFileImage(path: string): Buffer {
  const context = { operation: "open", journalPath: path };
  if (walBytes(path) > 0) {
    throw new JournalError(
      "P21_JOURNAL_WAL_UNREADABLE",
      `cannot read journal ${path}: its write-ahead log ${path}-wal holds writes that are not in the journal file yet, and SQLite reads that log only where it may write ${path}-shm`,
      context,
    );
  }

  const before = statSync(path, { bigint: true });
  const image = readFileSync(path);
  const after = statSync(path, { bigint: true });
  const changed =
    before.ino !== after.ino ||
    before.size !== after.size ||
    before.mtimeNs !== after.mtimeNs ||
    walBytes(path) > 0;
  if (changed) {
    throw new JournalError(
      "P21_JOURNAL_BUSY",
      `cannot read journal ${path}: another process wrote it while it was read`,
      context,
    );
  }

  if (image.length >= headerBytes) {
    for (const offset of formatVersionOffsets) {
      if (image[offset] === walFormatVersion) image[offset] = rollbackFormatVersion;
    }
  }

  return image;
}
