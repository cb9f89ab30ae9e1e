import { JournalError } from "./errors.js";
import type { JournalErrorContext } from "./errors.js";

function sqliteCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;

  const code = (error as { code?: unknown }).code;

  return typeof code === "string" && code.startsWith("SQLITE_") ? code : undefined;
}

/** Whether an error is SQLite's refusal of a UNIQUE constraint. */
export function isUniqueViolation(error: unknown): boolean {
  const code = sqliteCode(error);

  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/**
 * The journal's reading of any error raised while it worked: journal errors pass through,
 * SQLite's become `P21_JOURNAL_BUSY`, `P21_JOURNAL_READONLY`, `P21_JOURNAL_NOT_A_JOURNAL` or
 * `P21_JOURNAL_STORAGE`, with the original as `cause`.
 */
export function toJournalError(error: unknown, context: JournalErrorContext): JournalError {
  if (error instanceof JournalError) return error;

  const code = sqliteCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const where = `${context.operation ?? "journal"} failed`;
  const withCause = { ...context, cause: error };
  if (code?.startsWith("SQLITE_BUSY") === true || code?.startsWith("SQLITE_LOCKED") === true) {
    return new JournalError(
      "P21_JOURNAL_BUSY",
      `${where}: the journal is locked (${detail})`,
      withCause,
    );
  }

  if (code?.startsWith("SQLITE_READONLY") === true) {
    return new JournalError("P21_JOURNAL_READONLY", `${where}: ${detail}`, withCause);
  }

  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new JournalError(
      "P21_JOURNAL_NOT_A_JOURNAL",
      `${where}: the file is not a readable journal (${detail})`,
      withCause,
    );
  }

  return new JournalError("P21_JOURNAL_STORAGE", `${where}: ${detail}`, withCause);
}

/**
 * SQLite's errors read as journal errors; any other error (a journal error, or the caller's own
 * error thrown inside {@link Journal.transaction}) unchanged.
 */
export function translateStorageError(error: unknown, context: JournalErrorContext): unknown {
  return sqliteCode(error) === undefined ? error : toJournalError(error, context);
}
