import { accessSync, constants, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BatchEngine } from "../batch/index.js";
import type { ProgressEvent } from "../batch/index.js";
import type { Journal, RunRecord } from "../journal/index.js";
import { runWorkflow } from "../pricing/index.js";
import type { WorkflowSummary } from "../pricing/index.js";
import { createClient } from "./client-factory.js";
import type { ConnectionSettings } from "./config/connection.js";
import { defaultOutRoot } from "./config/options.js";
import type { CommandContext } from "./context.js";
import { ExitCode } from "./io.js";
import { formatDuration } from "./output/format.js";
import type { CliLogger } from "./output/logger.js";
import { createProgressReporter } from "./output/progress-reporter.js";
import { exitCodeFor } from "./report-error.js";
import { writeResultFiles, type ResultFiles } from "./results/result-files.js";
import { CliError, UsageError } from "./errors.js";
import { runCommandLine } from "./run-hints.js";
import { RunLock } from "./run-lock.js";
import { StopOnSignals } from "./signals.js";

/** How a run is carried out: the engine's knobs and where its files go. */
export interface ExecutionSettings {
  readonly connection: ConnectionSettings;
  readonly sessions: number;
  readonly batchSize: number;
  readonly retries: number;
  /** `--out`, or undefined for `./p21kit-runs/RUN/`. */
  readonly out: string | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly logger: CliLogger;
  /** Whether to tell how to resume a stopped run. @default true */
  readonly resumable?: boolean;
  /** `--journal` as given, for the hints that name the run. */
  readonly journal?: string | undefined;
  /**
   * A resumed run: look up its pending creates and links first, and skip those the server has
   * come to hold since it was planned. @default false
   */
  readonly recheckPending?: boolean;
  /** Receives every progress event too (the demo counts with it). */
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** What a finished (or stopped) run leaves behind. */
export interface ExecutionOutcome {
  readonly summary: WorkflowSummary;
  readonly files: ResultFiles;
  readonly exitCode: number;
  readonly wallMs: number;
  /** `--journal` as given, for the hints that name the run. */
  readonly journal: string | undefined;
}

/** A run's counts straight from the journal, for a run that ended without its own summary. */
function summaryFromJournal(journal: Journal, runId: string): WorkflowSummary {
  const succeeded = (phase: string) => journal.counts(runId, phase).succeeded;
  const all = journal.counts(runId);
  const state = journal.getRun(runId)?.state;
  if (state === "running" || state === "pending") journal.setRunState(runId, "interrupted");
  return {
    runId,
    expired: succeeded("expire"),
    created: succeeded("create"),
    linked: succeeded("link"),
    skipped: all.skipped,
    failed: all.failed,
    interrupted: true,
    phases: [],
  };
}

/**
 * Whether the result files of a finished run were all written: summary.json, written last,
 * parses and gives the run's state. A process killed after its run was recorded as finished
 * and before its files were whole leaves them missing, cut short, or those of an earlier stop.
 */
function resultFilesWritten(directory: string, run: RunRecord): boolean {
  try {
    const summary = JSON.parse(readFileSync(join(directory, "summary.json"), "utf8")) as unknown;
    return (summary as { state?: unknown } | null)?.state === run.state;
  } catch {
    return false;
  }
}

/**
 * For a finished run whose process was killed before its result files were written: writes
 * them from the journal (no server is asked) and returns the outcome to print. Undefined when
 * the files are whole: there is nothing to do.
 */
export async function rewriteFinishedRunFiles(
  context: CommandContext,
  journal: Journal,
  run: RunRecord,
  settings: Pick<ExecutionSettings, "out" | "journal" | "sessions" | "batchSize">,
): Promise<ExecutionOutcome | undefined> {
  const directory = resultDirectory(context, run.id, settings.out);
  if (resultFilesWritten(directory, run)) return undefined;

  const counts = summaryFromJournal(journal, run.id);
  const summary: WorkflowSummary = { ...counts, interrupted: false };
  const exitCode = summary.failed > 0 ? ExitCode.failedRecords : ExitCode.success;
  const files = await writeFilesOf(journal, run, directory, settings, {
    runId: run.id,
    kind: run.kind,
    state: run.state,
    baseUrl: run.baseUrl,
    username: run.username,
    parentRunId: run.parentRunId,
    expired: summary.expired,
    created: summary.created,
    linked: summary.linked,
    skipped: summary.skipped,
    failed: summary.failed,
    interrupted: false,
    // Known limit: the phases' retries and the wall time of the killed process are not in the
    // journal; the files say none.
    phases: [],
    wallMs: 0,
    sessions: settings.sessions,
    batchSize: settings.batchSize,
    exitCode,
  });

  return { summary, files, exitCode, wallMs: 0, journal: settings.journal };
}

/** The directory of a run's result files: `--out`, or `./p21kit-runs/RUN/`. */
export function resultDirectory(context: CommandContext, runId: string, out: string | undefined) {
  return resolve(context.io.cwd, out ?? `${defaultOutRoot}/${runId}`);
}

/**
 * Makes the directory the result files will go in (`--out`, or `./p21kit-runs/`) and checks
 * that it may be written, so that one that cannot be stops the command before anything is
 * sent, not after the run is done.
 */
export function ensureResultDirectory(context: CommandContext, out: string | undefined): void {
  const directory = resolve(context.io.cwd, out ?? defaultOutRoot);
  try {
    mkdirSync(directory, { recursive: true });
    accessSync(directory, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw error;

    throw new UsageError(
      `the result files cannot be written to ${directory} (${code})`,
      "Give --out a directory you may write; nothing was sent to the server.",
    );
  }
}

/**
 * Runs a journal's run to its end (or to a stop signal) on the batch engine, with progress on
 * stderr (or NDJSON on stdout), then writes the result files. SIGINT/SIGTERM: the first stops
 * gracefully, the second aborts at once; either way the run is resumable.
 */
export async function executeRun(
  context: CommandContext,
  journal: Journal,
  run: RunRecord,
  settings: ExecutionSettings,
): Promise<ExecutionOutcome> {
  const lock = RunLock.take(journal.path, run.id);
  try {
    return await executeLocked(context, journal, run, settings);
  } finally {
    lock.release();
  }
}

async function executeLocked(
  context: CommandContext,
  journal: Journal,
  run: RunRecord,
  settings: ExecutionSettings,
): Promise<ExecutionOutcome> {
  const { output } = context;
  const reporter = createProgressReporter(output, { json: settings.json, quiet: settings.quiet });
  const stop = new StopOnSignals(context.io.signals ?? process, {
    // Through the reporter: on a terminal its next redraw would wipe a line printed under it.
    onFirstSignal: (signal) => {
      if (!settings.quiet) {
        reporter.notice(
          `${signal}: finishing the records in hand and ending the sessions… (again to abort at once)`,
        );
      }
    },
    onSecondSignal: () => {
      if (!settings.quiet) reporter.notice("aborting now; the journal stays consistent");
    },
  });

  // The signal handlers stay until the result files are written: a signal meanwhile stops
  // nothing more, where without them it would end the process before the files were whole.
  try {
    const startedAt = performance.now();
    let summary: WorkflowSummary;
    // What ended the run early without a signal (the server gone, a journal failure): the
    // result files and the resume hint still come, then it is reported.
    let failure: Error | undefined;
    try {
      const engine = new BatchEngine({
        journal,
        createClient: () =>
          createClient(settings.connection, { logger: settings.logger, signal: stop.hardSignal }),
        sessions: settings.sessions,
        batchSize: settings.batchSize,
        retries: settings.retries,
        signal: stop.signal,
        hardSignal: stop.hardSignal,
        logger: settings.logger,
        onProgress: (event) => {
          reporter.onEvent(event);
          settings.onProgress?.(event);
        },
      });
      const recheckWith =
        settings.recheckPending === true
          ? createClient(settings.connection, { logger: settings.logger, signal: stop.hardSignal })
          : undefined;
      try {
        summary = await runWorkflow(journal, run.id, engine, {
          ...(recheckWith === undefined ? {} : { recheckWith, signal: stop.signal }),
          onHeldBack: (page) => reporter.onHeldBack(page),
        });
      } finally {
        await recheckWith?.close();
      }
    } catch (error) {
      // A hard abort may end the workflow with an abort error: the journal still says where
      // every record stands, and the run stays resumable.
      if (stop.receivedSignal === undefined) {
        failure = error instanceof Error ? error : new Error(String(error));
      } else {
        settings.logger.debug({ error }, "the run ended by an abort");
      }
      summary = summaryFromJournal(journal, run.id);
    } finally {
      reporter.close();
    }

    const wallMs = performance.now() - startedAt;
    // A signal that came when every record was in hand or done stopped nothing: the run is
    // complete, and says so.
    const completed = journal.getRun(run.id)?.state === "completed";
    const interrupted = summary.interrupted || (stop.receivedSignal !== undefined && !completed);
    // A run ended by an error exits with that error's code: summary.json says the same.
    const exitCode =
      failure !== undefined
        ? exitCodeFor(failure)
        : interrupted
          ? ExitCode.interrupted
          : summary.failed > 0
            ? ExitCode.failedRecords
            : ExitCode.success;

    const finishedRun = journal.getRun(run.id) ?? run;
    const directory = resultDirectory(context, run.id, settings.out);
    const files = await writeFilesOf(journal, finishedRun, directory, settings, {
      runId: run.id,
      kind: finishedRun.kind,
      state: finishedRun.state,
      baseUrl: finishedRun.baseUrl,
      username: finishedRun.username,
      parentRunId: finishedRun.parentRunId,
      expired: summary.expired,
      created: summary.created,
      linked: summary.linked,
      skipped: summary.skipped,
      failed: summary.failed,
      interrupted,
      phases: summary.phases,
      wallMs: Math.round(wallMs),
      sessions: settings.sessions,
      batchSize: settings.batchSize,
      exitCode,
    });

    if (interrupted && !settings.quiet && settings.resumable !== false) {
      output.errorLine(
        `Stopped. Resume with: ${runCommandLine("resume", run.id, settings.journal)}`,
      );
    }
    // The summary that names the result files is not printed after an error: name them here.
    if (failure !== undefined && !settings.quiet && !settings.json) {
      output.errorLine(`Results so far: ${files.results}`);
    }
    if (failure !== undefined) throw failure;

    return { summary, files, exitCode, wallMs, journal: settings.journal };
  } finally {
    stop[Symbol.dispose]();
  }
}

/**
 * The run's result files; a directory that cannot be written is an error that says where the
 * run can still be read (the journal), not a stack trace.
 */
async function writeFilesOf(
  journal: Journal,
  run: RunRecord,
  directory: string,
  settings: Pick<ExecutionSettings, "journal">,
  summary: Record<string, unknown>,
): Promise<ResultFiles> {
  try {
    return await writeResultFiles(journal, run, directory, summary);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw error;

    throw new CliError(`the result files could not be written to ${directory} (${code})`, {
      code: "P21_RESULT_FILES",
      exitCode: ExitCode.failedRecords,
      hint: `The run is in the journal: ${runCommandLine("runs show", run.id, settings.journal)} describes it; --out DIR writes the files elsewhere.`,
      cause: error,
    });
  }
}

/** The last line a run command prints with `--json`: what it did and where the files are. */
export interface RunSummaryLine extends Omit<WorkflowSummary, "phases"> {
  type: "summary";
  wallMs: number;
  results: string;
  errors: string;
  summary: string;
  exitCode: number;
}

/** Prints a run's summary on stdout: a few lines for a person, one object with `--json`. */
export function printRunSummary(
  context: CommandContext,
  outcome: ExecutionOutcome,
  settings: { json: boolean; quiet: boolean },
): void {
  const { output } = context;
  const { summary, files, exitCode, wallMs } = outcome;
  if (settings.json) {
    const line: RunSummaryLine = {
      type: "summary",
      runId: summary.runId,
      expired: summary.expired,
      created: summary.created,
      linked: summary.linked,
      skipped: summary.skipped,
      failed: summary.failed,
      interrupted: summary.interrupted || exitCode === ExitCode.interrupted,
      wallMs: Math.round(wallMs),
      results: files.results,
      errors: files.errors,
      summary: files.summary,
      exitCode,
    };
    output.json(line);
    return;
  }

  if (settings.quiet) {
    // Failed records are the run's errors: the one line --quiet keeps.
    if (summary.failed > 0) {
      output.errorLine(`${summary.failed} failed: ${files.errors}`);
    }
    return;
  }
  const { styles } = output;
  output.line(
    `${styles.bold(`Run ${summary.runId}`)}: ${summary.expired} expired, ${summary.created} created, ` +
      `${summary.linked} linked, ${summary.skipped} skipped, ` +
      `${summary.failed > 0 ? styles.red(`${summary.failed} failed`) : "0 failed"} ` +
      `in ${formatDuration(wallMs)}`,
  );
  output.line(`Results: ${files.results}`);
  if (summary.failed > 0) {
    output.line(
      `Failed records: ${files.errors} (fix and run again, or: ${runCommandLine("retry-failed", summary.runId, outcome.journal)})`,
    );
  }
}
