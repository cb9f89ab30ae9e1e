import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { Journal, RunRecord } from "../../journal/index.js";
import type { WorkflowSpec } from "../../pricing/index.js";
import { createClient } from "../client-factory.js";
import { resolveConnection } from "../config/connection.js";
import {
  addConnectionOptions,
  addOutputOptions,
  addRunOptions,
  type CommonFlags,
} from "../config/options.js";
import { action, type CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import {
  ensureResultDirectory,
  executeRun,
  printRunSummary,
  rewriteFinishedRunFiles,
} from "../execute-run.js";
import { closedAfterFailure, findRun, openExistingJournal } from "../journal-access.js";
import { journalFileSystemWarning } from "../journal-filesystem.js";
import { createCliLogger } from "../output/logger.js";
import { retrySpec } from "../retry-spec.js";
import { RunLock } from "../run-lock.js";
import { runCommandLine } from "../run-hints.js";
import { StopOnSignals, stoppedBeforeStart } from "../signals.js";
import { startWorkflowRun, storedRunOptions } from "../start-run.js";

type ResumeFlags = CommonFlags;

/** A flag's value when the user gave it, else the run's stored one, else the default. */
function chosen<T>(command: Command, name: string, flag: T, stored: T | undefined): T {
  return command.getOptionValueSource(name) === "cli" ? flag : (stored ?? flag);
}

function runSettings(command: Command, flags: ResumeFlags, run: RunRecord) {
  const stored = storedRunOptions(run.options);
  return {
    sessions: chosen(command, "sessions", flags.sessions, stored.sessions),
    batchSize: chosen(command, "batchSize", flags.batchSize, stored.batchSize),
    retries: chosen(command, "retries", flags.retries, stored.retries),
    out: flags.out ?? stored.out,
  };
}

/**
 * What running a changed input file again as a new run would do: dates are set again and new
 * links added, but a page the server already has is skipped, never updated.
 */
function whatRunningAgainDoes(kind: string): string {
  switch (kind) {
    case "expire":
      return "to set the new dates, run the file again as a new run once this one is done";
    case "link":
      return "to add the links it now holds, run the file again as a new run once this one is done";
    default:
      return "the pages it creates keep those values, and running the file again does not change them (a page the server has is skipped, not updated)";
  }
}

/**
 * A notice when the run's input file is no longer what it was when the run started: resume
 * goes on with the records the journal keeps, not the file's new values.
 */
async function inputChangedNotice(run: RunRecord, cwd: string): Promise<string | undefined> {
  const file = storedRunOptions(run.options).inputFile;
  const recorded = run.inputDigest.split("+")[0] ?? "";
  if (file === undefined || !/^[0-9a-f]{64}$/.test(recorded)) return undefined;

  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(cwd, file));
  } catch {
    return undefined;
  }

  if (createHash("sha256").update(bytes).digest("hex") === recorded) return undefined;

  return (
    `${file} has changed since the run started: resume carries on with its records as they ` +
    `were read then; ${whatRunningAgainDoes(run.kind)}`
  );
}

/** `p21kit resume [RUN]` and `p21kit retry-failed [RUN]`. */
export function registerResumeCommand(program: Command, context: CommandContext): void {
  const resume = program
    .command("resume")
    .description(
      "carry on an interrupted run (default: the latest unfinished one); nothing is sent twice",
    )
    .argument("[run]", "run id (or a unique prefix of it)");
  addConnectionOptions(resume);
  addRunOptions(resume, { ofRun: true });
  addOutputOptions(resume);
  resume.addHelpText(
    "after",
    "\nThe run keeps its server and user; the password comes from P21_PASSWORD or .env, or is asked\n(a --password shows in the process list).\n\nExample:\n  p21kit resume",
  );

  resume.action(
    action(context, async (runId: string | undefined, flags: ResumeFlags, command: Command) => {
      context.json = flags.json === true;
      const journal = openExistingJournal(context.io, flags.journal);
      try {
        const run = findRun(journal, runId, "latest-unfinished", flags.journal);
        context.runServer = { baseUrl: run.baseUrl, username: run.username };
        if (run.state === "completed" || run.state === "failed") {
          // Killed once its last record was done and before its result files were written:
          // they are written now, from the journal.
          const settings = runSettings(command, flags, run);
          const rewritten = await rewriteFinishedRunFiles(context, journal, run, {
            ...settings,
            journal: flags.journal,
          });
          if (rewritten !== undefined) {
            if (!flags.json && !flags.quiet) {
              context.output.errorLine(
                `Run ${run.id} is finished (${run.state}): writing the result files its process left unwritten`,
              );
            }

            printRunSummary(context, rewritten, {
              json: flags.json === true,
              quiet: flags.quiet === true,
            });
            return rewritten.exitCode;
          }

          throw new UsageError(
            `run ${run.id} is finished (${run.state}): nothing to resume`,
            journal.counts(run.id).failed > 0
              ? `Retry its failed records: ${runCommandLine("retry-failed", run.id, flags.journal)}`
              : undefined,
          );
        }

        // Before the password is asked and anything printed: executeRun takes the lock itself.
        RunLock.refuseIfHeld(journal.path, run.id);
        RunLock.ensureDirectory(journal.path);
        const logger = createCliLogger(context.output, flags.logLevel);
        const warning = journalFileSystemWarning(journal.path);
        if (warning !== undefined) logger.warn(warning);

        const connection = await resolveConnection(flags, context.io, context.output, {
          baseUrl: run.baseUrl,
          username: run.username,
        });
        // Until executeRun installs its own (it takes these over: see start-run.ts): a signal
        // during the sign-in ends the command.
        const early = new StopOnSignals(context.io.signals ?? process);
        const check = createClient(connection, { logger, signal: early.signal });
        const settings = runSettings(command, flags, run);
        const stopped = (signal: string, cause?: unknown) =>
          stoppedBeforeStart(
            signal,
            "before the run was resumed",
            `Resume with: ${runCommandLine("resume", run.id, flags.journal)}`,
            cause,
          );
        try {
          await check.authenticate();
          ensureResultDirectory(context, settings.out);
          if (!flags.json && !flags.quiet) {
            context.output.errorLine(`Resuming run ${run.id} (${run.kind}) against ${run.baseUrl}`);
            const changed = await inputChangedNotice(run, context.io.cwd);
            if (changed !== undefined) context.output.errorLine(`notice  ${changed}`);
          }
        } catch (error) {
          throw early.receivedSignal === undefined ? error : stopped(early.receivedSignal, error);
        } finally {
          await check.close();
          if (early.receivedSignal === undefined) context.signalsInPlace = early;
          else early[Symbol.dispose]();
        }

        if (early.receivedSignal !== undefined) throw stopped(early.receivedSignal);

        const outcome = await executeRun(context, journal, run, {
          connection,
          ...settings,
          json: flags.json === true,
          quiet: flags.quiet === true,
          logger,
          journal: flags.journal,
          recheckPending: true,
        });
        printRunSummary(context, outcome, {
          json: flags.json === true,
          quiet: flags.quiet === true,
        });
        return outcome.exitCode;
      } catch (error) {
        throw closedAfterFailure(journal, error);
      } finally {
        journal.close();
      }
    }),
  );
}

function latestRunWithFailures(journal: Journal): RunRecord | undefined {
  // A run whose failures a later run already retried is done with: that retry (or its own
  // retry) is the one to take up.
  const runs = journal.listRuns({ limit: 100 });
  const retried = new Set(runs.map((run) => run.parentRunId).filter((id) => id !== undefined));
  return runs.find((run) => !retried.has(run.id) && (journal.counts(run.id).failed ?? 0) > 0);
}

/** `p21kit retry-failed [RUN]`: a new run of the failed records only. */
export function registerRetryFailedCommand(program: Command, context: CommandContext): void {
  const retry = program
    .command("retry-failed")
    .description(
      "start a new run with only the failed records of a run (default: the latest run with failures)",
    )
    .argument("[run]", "run id (or a unique prefix of it)");
  addConnectionOptions(retry);
  addRunOptions(retry, { ofRun: true });
  addOutputOptions(retry);
  retry.addHelpText(
    "after",
    "\nExample:\n  p21kit retry-failed 20270104-101500-ab12cd --sessions 1",
  );

  retry.action(
    action(context, async (runId: string | undefined, flags: ResumeFlags, command: Command) => {
      context.json = flags.json === true;
      const journal = openExistingJournal(context.io, flags.journal);
      let parent: RunRecord;
      let spec: WorkflowSpec;
      try {
        parent =
          runId === undefined
            ? (latestRunWithFailures(journal) ??
              findRun(journal, undefined, "latest", flags.journal))
            : findRun(journal, runId, "latest", flags.journal);
        // Its failed records may be taken up by its own resume (a held-back create, once its
        // old page is expired): a retry beside it would do some records twice, others never.
        // One still being worked is to be waited for, not resumed.
        RunLock.refuseIfHeld(journal.path, parent.id);
        if (
          parent.state === "interrupted" ||
          parent.state === "running" ||
          parent.state === "pending"
        ) {
          const failed = journal.counts(parent.id).failed > 0;
          throw new UsageError(
            failed
              ? `run ${parent.id} is unfinished (${parent.state}): resume it before retrying its failures`
              : `run ${parent.id} is unfinished (${parent.state}) and has no failed records: resume it to finish it`,
            `Resume it with: ${runCommandLine("resume", parent.id, flags.journal)}`,
          );
        }

        const built = retrySpec(journal, parent);
        if (built === undefined) {
          throw new UsageError(`run ${parent.id} has no failed records`);
        }

        spec = built;
      } finally {
        journal.close();
      }

      // Two retries of one run at once would each send its failed records: the retry holds the
      // run's own lock, so a second one is refused as a resume would be.
      const parentLock = RunLock.take(journal.path, parent.id);
      context.runServer = { baseUrl: parent.baseUrl, username: parent.username };
      try {
        const connection = await resolveConnection(flags, context.io, context.output, {
          baseUrl: parent.baseUrl,
          username: parent.username,
        });
        const logger = createCliLogger(context.output, flags.logLevel);
        const settings = runSettings(command, flags, parent);
        if (!flags.json && !flags.quiet) {
          context.output.errorLine(`Retrying the failed records of run ${parent.id}`);
        }

        return await startWorkflowRun(
          context,
          { spec, digest: `retry-of:${parent.id}:${parent.inputDigest}` },
          connection,
          { ...flags, ...settings, out: flags.out },
          logger,
          { parentRunId: parent.id },
        );
      } finally {
        parentLock.release();
      }
    }),
  );
}
