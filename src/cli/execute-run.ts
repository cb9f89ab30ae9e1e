import { BatchEngine } from "../batch/index.js";
import type { ProgressEvent } from "../batch/index.js";
import type { Journal, RunRecord } from "../journal/index.js";
import { runWorkflow } from "../pricing/index.js";
import type { WorkflowSummary } from "../pricing/index.js";
import { createClient } from "./client-factory.js";
import type { ConnectionSettings } from "./config/connection.js";
import type { CommandContext } from "./context.js";
import { journalCodes, withLaterFailures } from "./errors.js";
import { ExitCode } from "./io.js";
import { formatDuration } from "./output/format.js";
import type { CliLogger } from "./output/logger.js";
import { createProgressReporter } from "./output/progress-reporter.js";
import { exitCodeFor } from "./report-error.js";
import { recordRunStarted, summaryAfterEarlyEnd } from "./results/journal-summary.js";
import type { ResultFiles } from "./results/result-files.js";
import { resultDirectory, writeRunFiles } from "./results/run-files.js";
import { runCommandLine } from "./run-hints.js";
import { RunLock } from "./run-lock.js";
import { SignalsAfterRun, StopOnSignals } from "./signals.js";

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

export { ensureResultDirectory, resultDirectory } from "./results/run-files.js";
export { rewriteFinishedRunFiles } from "./results/finished-run.js";

/** What a finished (or stopped) run leaves behind. */
export interface ExecutionOutcome {
  readonly summary: WorkflowSummary;
  readonly files: ResultFiles;
  readonly exitCode: number;
  readonly wallMs: number;
  /** `--journal` as given, for the hints that name the run. */
  readonly journal: string | undefined;
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
  const signals = context.io.signals ?? process;
  const stop = new StopOnSignals(signals, {
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

  // The sign-in's handlers, or those a run before this one in the same command left: these
  // take over.
  context.signalsInPlace?.[Symbol.dispose]();
  context.signalsInPlace = undefined;

  // The signal handlers stay until the result files are written: a signal meanwhile stops
  // nothing more, where without them it would end the process before the files were whole.
  // Then others take over, without a gap, until the command ends (see runCli).
  try {
    const startedAt = performance.now();
    recordRunStarted(journal, run.id);
    let summary: WorkflowSummary | undefined;
    // What ended the run early without a signal (the server gone, a journal failure): the
    // result files and the resume hint still come, then it is reported.
    let failure: unknown;
    // Failures after it, told after it: the journal's as the run's end is recorded, the files'.
    const later: unknown[] = [];
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
      // every record stands, and the run stays resumable. Any other error after a stop (the
      // journal's disk full) is a failure like one without it, and worse than the stop.
      if (stop.endedBy(error)) {
        settings.logger.debug({ error }, "the run ended by an abort");
      } else {
        failure = error;
      }
      // What follows may wait on that lock again, step by step, with nothing else printed.
      if (!settings.quiet && journalCodes([error]).has("P21_JOURNAL_BUSY")) {
        const wait = formatDuration(journal.storageSettings().busyTimeoutMs);
        reporter.notice(
          `the journal is locked by another process: the run stops, each of its last journal steps waiting up to ${wait} for it`,
        );
      }
      const ended = summaryAfterEarlyEnd(journal, run.id);
      summary = ended.summary;
      // A stopped run whose journal then fails has failed: that beats the stop's 130.
      if (failure === undefined) failure = ended.failure;
      else if (ended.failure !== undefined) later.push(ended.failure);
    } finally {
      reporter.close();
    }

    const resumeHint = () => {
      if (settings.quiet || settings.resumable === false) return;

      output.errorLine(
        `Stopped. Resume with: ${runCommandLine("resume", run.id, settings.journal)}`,
      );
    };
    if (summary === undefined) {
      // The journal failed the run and cannot be read now: there is nothing to write the result
      // files from. What it holds is consistent, and a resume writes them.
      resumeHint();
      if (!settings.quiet && !settings.json) {
        output.errorLine("No result files: the journal cannot be read now; a resume writes them.");
      }
      throw withLaterFailures(failure, later);
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
    let files: ResultFiles | undefined;
    // Files that cannot be written do not hide what ended the run: that stays the error.
    let filesFailure: unknown;
    try {
      files = await writeRunFiles(journal, finishedRun, directory, settings.journal, {
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
    } catch (error) {
      filesFailure = error;
    }

    if (interrupted) resumeHint();
    // The summary that names the result files is not printed after an error: name them here.
    if (failure !== undefined && files !== undefined && !settings.quiet && !settings.json) {
      output.errorLine(`Results so far: ${files.results}`);
    }
    if (failure !== undefined) {
      throw withLaterFailures(failure, files === undefined ? [...later, filesFailure] : later);
    }
    if (files === undefined) throw filesFailure;

    return { summary, files, exitCode, wallMs, journal: settings.journal };
  } finally {
    context.signalsInPlace = new SignalsAfterRun(signals, (signal) => {
      if (!settings.quiet) output.errorLine(`${signal}: the run is over; nothing to stop`);
    });
    stop[Symbol.dispose]();
  }
}

/** The last line a run command prints with `--json`: what it did and where the files are. */
export interface RunSummaryLine extends Omit<WorkflowSummary, "phases"> {
  type: "summary";
  /** Null when the journal of a killed process cannot tell it. */
  wallMs: number | null;
  results: string;
  errors: string;
  summary: string;
  exitCode: number;
}

/** A run's outcome to print; the wall time is undefined when a killed process's journal cannot tell it. */
export type PrintedOutcome = Omit<ExecutionOutcome, "wallMs"> & {
  readonly wallMs: number | undefined;
};

/** Prints a run's summary on stdout: a few lines for a person, one object with `--json`. */
export function printRunSummary(
  context: CommandContext,
  outcome: PrintedOutcome,
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
      wallMs: wallMs === undefined ? null : Math.round(wallMs),
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
      `${summary.failed > 0 ? styles.red(`${summary.failed} failed`) : "0 failed"}` +
      (wallMs === undefined ? "" : ` in ${formatDuration(wallMs)}`),
  );
  output.line(`Results: ${files.results}`);
  if (summary.failed > 0) {
    output.line(
      `Failed records: ${files.errors} (fix and run again, or: ${runCommandLine("retry-failed", summary.runId, outcome.journal)})`,
    );
  }
}
