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

// What a failed operation could not do, in the person's words: the operation's own name (the
// journal method, such as `settle`) stays in the error's `operation` for programs.
const progress = "record the run's progress";
const failedToDo: Readonly<Record<string, string>> = {
  open: "be opened",
  close: "write its last steps and close",
  createRun: "record the new run",
  setRunState: "record the run's state",
  addItems: "record the run's records",
  resetFailed: "queue the failed records again",
  flush: progress,
  transaction: progress,
  appendEvent: progress,
  markInFlight: progress,
  settle: progress,
  returnToPending: progress,
};

/** What the journal could not do when `operation` failed: "be read" for any read. */
export function whatFailed(operation: string | undefined): string {
  if (operation === undefined) return "be used";

  return Object.hasOwn(failedToDo, operation) ? (failedToDo[operation] as string) : "be read";
}

/**
 * The journal's reading of any error raised while it worked: journal errors pass through,
 * SQLite's become `P21_JOURNAL_BUSY`, `P21_JOURNAL_READONLY`, `P21_JOURNAL_NOT_A_JOURNAL` or
 * `P21_JOURNAL_STORAGE`, with the original as `cause`, in words that say what could not be
 * done (`the journal could not record the run's progress: database or disk is full`).
 */
export function toJournalError(error: unknown, context: JournalErrorContext): JournalError {
  if (error instanceof JournalError) return error;

  const code = sqliteCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const couldNot = `could not ${whatFailed(context.operation)}`;
  const withCause = { ...context, cause: error };
  if (code?.startsWith("SQLITE_BUSY") === true || code?.startsWith("SQLITE_LOCKED") === true) {
    return new JournalError(
      "P21_JOURNAL_BUSY",
      `the journal is locked by another process: it ${couldNot} (${detail})`,
      withCause,
    );
  }

  if (code?.startsWith("SQLITE_READONLY") === true) {
    return new JournalError(
      "P21_JOURNAL_READONLY",
      `the journal ${couldNot}: ${detail}`,
      withCause,
    );
  }

  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new JournalError(
      "P21_JOURNAL_NOT_A_JOURNAL",
      `the journal ${couldNot}: the file is not a readable journal (${detail})`,
      withCause,
    );
  }

  return new JournalError("P21_JOURNAL_STORAGE", `the journal ${couldNot}: ${detail}`, withCause);
}

/**
 * SQLite's errors read as journal errors; any other error (a journal error, or the caller's own
 * error thrown inside {@link Journal.transaction}) unchanged.
 */
export function translateStorageError(error: unknown, context: JournalErrorContext): unknown {
  return sqliteCode(error) === undefined ? error : toJournalError(error, context);
}
