import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { Journal, JournalError } from "../journal/index.js";
import type { RunRecord } from "../journal/index.js";
import { CliError, UsageError, withLaterFailures } from "./errors.js";
import { ExitCode } from "./io.js";
import type { CliIo } from "./io.js";
import { runsCommandLine } from "./run-hints.js";

/** The journal file a `--journal` value names, relative to the working directory. */
export function journalPath(io: CliIo, flag: string): string {
  return resolve(io.cwd, flag);
}

/**
 * Closes `journal` (if one was opened) as a command ends with `failure`, and answers the error to
 * throw: `failure`, with the close's own failure told after it rather than instead of it (the
 * deferred writes a close makes can fail as the run's last write did).
 */
export function closedAfterFailure(journal: Journal | undefined, failure: unknown): unknown {
  try {
    journal?.close();
  } catch (closeFailure) {
    return withLaterFailures(failure, [closeFailure]);
  }

  return failure;
}

/**
 * A journal failure before the run was recorded, told as such: a journal whose disk is full
 * otherwise says to free space and resume, and there is no run to resume (a bare `resume`
 * would take up another unfinished run of the journal). Other failures pass unchanged.
 */
export function failedBeforeRecorded(error: unknown): unknown {
  if (!(error instanceof JournalError) || error.code !== "P21_JOURNAL_STORAGE") return error;

  const journal =
    error.journalPath === undefined ? "The journal" : `The journal ${error.journalPath}`;
  return new CliError(error.message, {
    code: error.code,
    exitCode: ExitCode.failedRecords,
    hint: `${journal} could not be written (a full disk?), so the run was not recorded and nothing was sent to the server: free space, then run the command again.`,
    cause: error,
  });
}

/**
 * Opens the journal for a command that only reads it; `undefined` when there is no journal
 * yet (nothing has run here).
 */
export function openJournalForReading(io: CliIo, flag: string): Journal | undefined {
  const path = journalPath(io, flag);
  if (!existsSync(path)) return undefined;
  return Journal.open(path, { readonly: true });
}

/** Why a journal could not be made where `--journal` says: a path problem, not a full disk. */
const pathProblems = new Set(["EEXIST", "ENOTDIR", "EISDIR", "EACCES", "EPERM", "EROFS", "ENOENT"]);

function errnoCode(error: unknown): string | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === "string" && pathProblems.has(code)) return code;
  }

  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Opens (and creates if needed) the journal for a command that writes runs. A path where it
 * cannot be made (a file where a directory should be, a directory that may not be written) is a
 * usage error: nothing has been recorded or sent yet.
 */
export function openJournalForWriting(io: CliIo, flag: string): Journal {
  const path = journalPath(io, flag);
  try {
    return Journal.open(path);
  } catch (error) {
    // A journal that is there but read-only, or another process's, has its own report.
    const storage = !(error instanceof JournalError) || error.code === "P21_JOURNAL_STORAGE";
    // SQLite names a directory only as a file it cannot open: the errno is found here.
    const code = isDirectory(path) ? "EISDIR" : errnoCode(error);
    if (!storage || code === undefined) throw error;

    throw new UsageError(
      `the journal cannot be made at ${path} (${code})`,
      "Give --journal a file in a directory you may write; nothing was sent to the server.",
    );
  }
}

/** Opens an existing journal to carry on its runs; a missing one is a usage error. */
export function openExistingJournal(io: CliIo, flag: string): Journal {
  const path = journalPath(io, flag);
  if (!existsSync(path)) {
    throw new UsageError(
      `no runs yet (no journal at ${flag})`,
      "Runs are recorded in --journal (./.p21kit/journal.db) of the directory they ran in.",
    );
  }

  return Journal.open(path);
}

/**
 * The run a command names, or when none is named the latest (or the latest unfinished) run.
 * A missing run is a usage error that says which runs exist, and how to list the runs of the
 * journal `journalFlag` names.
 */
export function findRun(
  journal: Journal | undefined,
  runId: string | undefined,
  which: "latest" | "latest-unfinished",
  journalFlag?: string,
): RunRecord {
  const listHint = `\`${runsCommandLine(journalFlag)}\` lists the runs.`;
  if (journal === undefined) {
    throw new UsageError("no runs yet", "Runs are recorded in --journal (./.p21kit/journal.db).");
  }

  if (runId !== undefined) {
    const run = journal.getRun(runId);
    if (run !== undefined) return run;
    const matches = journal
      .listRuns({ limit: 1_000 })
      .filter((entry) => entry.id.startsWith(runId));
    if (matches.length === 1 && matches[0] !== undefined) return matches[0];
    throw new UsageError(
      matches.length > 1
        ? `run id "${runId}" is ambiguous: ${matches
            .slice(0, 5)
            .map((entry) => entry.id)
            .join(", ")}${matches.length > 5 ? `, and ${matches.length - 5} more` : ""}`
        : `no run "${runId}" in ${journal.path}`,
      listHint,
    );
  }

  const run =
    which === "latest" ? journal.listRuns({ limit: 1 })[0] : journal.latestUnfinishedRun();
  if (run === undefined) {
    throw new UsageError(
      which === "latest" ? "no runs yet" : "no unfinished run to resume",
      listHint,
    );
  }

  return run;
}
