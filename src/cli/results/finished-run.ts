import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Journal, RunRecord } from "../../journal/index.js";
import type { WorkflowSummary } from "../../pricing/index.js";
import type { CommandContext } from "../context.js";
import type { ExecutionSettings, PrintedOutcome } from "../execute-run.js";
import { ExitCode } from "../io.js";
import { lastProcessOf, summaryFromJournal } from "./journal-summary.js";
import { resultDirectory, writeRunFiles } from "./run-files.js";

/**
 * Whether the result files of a finished run were all written: summary.json parses and gives
 * the run's id and state. A process killed after its run was recorded as finished
 * and before its files were whole leaves them missing, cut short, or those of an earlier stop.
 */
function resultFilesWritten(directory: string, run: RunRecord): boolean {
  try {
    // An --out of an earlier run holds that run's summary: those files are not this run's.
    const summary = JSON.parse(readFileSync(join(directory, "summary.json"), "utf8")) as {
      runId?: unknown;
      state?: unknown;
    } | null;
    return summary?.runId === run.id && summary.state === run.state;
  } catch {
    return false;
  }
}

/**
 * For a finished run whose process was killed before its result files were written: writes
 * them from the journal (no server is asked) and returns the outcome to print. Undefined when
 * the files are whole: there is nothing to do.
 *
 * summary.json then holds what the killed process would have written: its phases and wall time
 * come from the events it logged and the run's finish time. What the journal cannot tell (a
 * run of an earlier p21kit) is `null`, with the reason under `unknown`.
 */
export async function rewriteFinishedRunFiles(
  context: CommandContext,
  journal: Journal,
  run: RunRecord,
  settings: Pick<ExecutionSettings, "out" | "journal" | "sessions" | "batchSize">,
): Promise<PrintedOutcome | undefined> {
  const directory = resultDirectory(context, run.id, settings.out);
  if (resultFilesWritten(directory, run)) return undefined;

  const last = lastProcessOf(journal, run);
  const phases = "value" in last.phases ? last.phases.value : [];
  const counts = summaryFromJournal(journal, run.id);
  const summary: WorkflowSummary = { ...counts, interrupted: false, phases };
  const exitCode = summary.failed > 0 ? ExitCode.failedRecords : ExitCode.success;
  const unknown = {
    ...("unknown" in last.phases ? { phases: last.phases.unknown } : {}),
    ...("unknown" in last.wallMs ? { wallMs: last.wallMs.unknown } : {}),
  };
  const files = await writeRunFiles(journal, run, directory, settings.journal, {
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
    phases: "value" in last.phases ? phases : null,
    wallMs: "value" in last.wallMs ? last.wallMs.value : null,
    sessions: settings.sessions,
    batchSize: settings.batchSize,
    exitCode,
    // Not written by the process that ran the run, which was killed first.
    rebuiltFromJournal: true,
    ...(Object.keys(unknown).length === 0 ? {} : { unknown }),
  });
  const wallMs = "value" in last.wallMs ? last.wallMs.value : undefined;

  return { summary, files, exitCode, wallMs, journal: settings.journal };
}
