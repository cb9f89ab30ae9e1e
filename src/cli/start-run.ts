import { createWorkflowRun } from "../pricing/index.js";
import type { WorkflowSpec } from "../pricing/index.js";
import { createClient } from "./client-factory.js";
import type { ConnectionSettings } from "./config/connection.js";
import type { CommonFlags } from "./config/options.js";
import type { CommandContext } from "./context.js";
import {
  ensureResultDirectory,
  executeRun,
  printRunSummary,
  type ExecutionOutcome,
} from "./execute-run.js";
import {
  closedAfterFailure,
  failedBeforeRecorded,
  journalPath,
  openJournalForWriting,
} from "./journal-access.js";
import { journalFileSystemWarning } from "./journal-filesystem.js";
import { RunLock } from "./run-lock.js";
import { runCommandLine } from "./run-hints.js";
import { StopOnSignals, stoppedBeforeStart } from "./signals.js";
import { withPlanProblemsAsInput } from "./plan-problems.js";
import type { CliLogger } from "./output/logger.js";
import type { ProgressEvent } from "../batch/index.js";
import type { Journal } from "../journal/index.js";

/**
 * The command line's options a run keeps in the journal, so that `resume` carries on the same
 * way (the workflow keeps its own settings beside them, under `workflow`).
 */
export interface StoredRunOptions {
  sessions: number;
  batchSize: number;
  retries: number;
  out: string | undefined;
  inputFile: string | undefined;
  old: "auto" | "file" | undefined;
}

/** Reads the stored options back, tolerating runs written by other versions. */
export function storedRunOptions(options: unknown): Partial<StoredRunOptions> {
  if (typeof options !== "object" || options === null) return {};
  return options;
}

/** What a run is made of: the spec, the digest of its input, the input files' names. */
export interface RunInput {
  spec: WorkflowSpec;
  digest: string;
  file?: string;
  /** A replace's `--old FILE`. */
  oldFile?: string;
}

type RunFlags = Pick<
  CommonFlags,
  "sessions" | "batchSize" | "retries" | "journal" | "out" | "json" | "quiet"
>;

/**
 * Turns a validated input into a run in the journal (checking the credentials first, so that a
 * wrong password ends with exit 3 before anything is recorded), runs it, writes the result
 * files and prints the summary. Returns the exit code.
 */
export async function startWorkflowRun(
  context: CommandContext,
  input: RunInput,
  connection: ConnectionSettings,
  flags: RunFlags,
  logger: CliLogger,
  extra: { parentRunId?: string; onProgress?: (event: ProgressEvent) => void } = {},
): Promise<number> {
  // Here, not in createAndExecute: the demo's journal is scratch, and its records go to a server
  // of its own process, which nothing else can send them to.
  const warning = journalFileSystemWarning(journalPath(context.io, flags.journal));
  if (warning !== undefined) logger.warn(warning);

  const outcome = await createAndExecute(context, input, connection, flags, logger, extra);
  printRunSummary(context, outcome, { json: flags.json === true, quiet: flags.quiet === true });
  return outcome.exitCode;
}

/** {@link startWorkflowRun} without the summary: for callers that print their own (the demo). */
export async function createAndExecute(
  context: CommandContext,
  input: RunInput,
  connection: ConnectionSettings,
  flags: RunFlags,
  logger: CliLogger,
  extra: {
    parentRunId?: string;
    onProgress?: (event: ProgressEvent) => void;
    resumable?: boolean;
  } = {},
): Promise<ExecutionOutcome> {
  const { spec } = input;
  // Until the run is handed to executeRun, which has handlers of its own: a signal during the
  // sign-in or the plan stops their requests, and the command ends with 130 like any stop.
  // Left in place for executeRun's to take over: removed before, a signal while it takes the
  // run's lock (synchronous, up to seconds when it waits) would end the process outright.
  const early = new StopOnSignals(context.io.signals ?? process);
  let handedOver = false;
  const lookupClient = createClient(connection, { logger, signal: early.signal });
  let journal: Journal | undefined;
  try {
    let run;
    try {
      await lookupClient.authenticate();
      ensureResultDirectory(context, flags.out);
      const opened = openJournalForWriting(context.io, flags.journal);
      journal = opened;
      // Before the run is recorded: a lock that cannot be made would leave it pending.
      RunLock.ensureDirectory(opened.path);
      const options: StoredRunOptions = {
        sessions: flags.sessions,
        batchSize: flags.batchSize,
        retries: flags.retries,
        out: flags.out,
        inputFile: input.file ?? spec.inputFile,
        old: spec.old === undefined ? undefined : spec.old === "auto" ? "auto" : "file",
      };
      const files = { input: input.file, old: input.oldFile };
      run = await withPlanProblemsAsInput(files, () =>
        createWorkflowRun(opened, lookupClient, spec, {
          baseUrl: connection.baseUrl,
          ...(connection.username === undefined ? {} : { username: connection.username }),
          options,
          inputDigest: input.digest,
          ...(extra.parentRunId === undefined ? {} : { parentRunId: extra.parentRunId }),
        }),
      );
    } catch (error) {
      if (early.receivedSignal === undefined) throw failedBeforeRecorded(error);

      throw stoppedBeforeStart(
        early.receivedSignal,
        "before the run was recorded",
        "Run the command again when you are ready.",
        error,
      );
    } finally {
      await lookupClient.close();
    }

    // Recorded, and stopped before it started: it can be resumed.
    if (early.receivedSignal !== undefined) {
      throw stoppedBeforeStart(
        early.receivedSignal,
        "before the run started",
        `Resume with: ${runCommandLine("resume", run.id, flags.journal)}`,
      );
    }

    if (!flags.json && !flags.quiet) {
      context.output.errorLine(`Run ${run.id} (${spec.kind}) against ${connection.baseUrl}`);
    }

    context.signalsInPlace = early;
    handedOver = true;
    return await executeRun(context, journal, run, {
      connection,
      sessions: flags.sessions,
      batchSize: flags.batchSize,
      retries: flags.retries,
      out: flags.out,
      json: flags.json === true,
      quiet: flags.quiet === true,
      logger,
      journal: flags.journal,
      ...(extra.onProgress === undefined ? {} : { onProgress: extra.onProgress }),
      ...(extra.resumable === undefined ? {} : { resumable: extra.resumable }),
    });
  } catch (error) {
    throw closedAfterFailure(journal, error);
  } finally {
    if (!handedOver) early[Symbol.dispose]();
    journal?.close();
  }
}
