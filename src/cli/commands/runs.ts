import type { Command } from "commander";
import type { Journal, RunRecord } from "../../journal/index.js";
import { linksToCome } from "../../pricing/index.js";
import {
  addOutputOptions,
  defaultJournalPath,
  wholeNumber,
  type OutputFlags,
} from "../config/options.js";
import { action, type CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { findRun, openJournalForReading } from "../journal-access.js";
import type { CliOutput } from "../output/cli-output.js";
import { runCommandLine } from "../run-hints.js";
import { RunLock } from "../run-lock.js";

interface RunsFlags extends OutputFlags {
  journal: string;
  limit: number;
}

interface RunCounts {
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  unsettled: number;
}

function countsOf(journal: Journal, runId: string, phase?: string): RunCounts {
  const counts = journal.counts(runId, phase);
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  return {
    total,
    succeeded: counts.succeeded,
    failed: counts.failed,
    skipped: counts.skipped,
    unsettled: counts.pending + counts.in_flight,
  };
}

/**
 * A run's state as `runs` shows it: one the journal has as running while no process holds its
 * lock was stopped without a word (killed, or its machine went down), so it shows as
 * interrupted, which it is: resume takes it up.
 */
function shownState(journal: Journal, run: RunRecord): RunRecord["state"] {
  if (run.state !== "running" || RunLock.isHeld(journal.path, run.id)) return run.state;

  return "interrupted";
}

function shortTime(iso: string | undefined): string {
  return iso === undefined ? "-" : iso.replace("T", " ").slice(0, 19);
}

function table(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }

  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

function listRuns(output: CliOutput, journal: Journal | undefined, flags: RunsFlags): number {
  const runs = journal?.listRuns({ limit: flags.limit }) ?? [];
  if (flags.json) {
    for (const run of runs) {
      const state = shownState(journal as Journal, run);
      const counts = countsOf(journal as Journal, run.id);
      output.json({
        type: "run",
        ...run,
        state,
        counts,
        linksToCome: linksToCome(journal as Journal, run),
      });
    }

    return ExitCode.success;
  }

  if (runs.length === 0) {
    if (!flags.quiet)
      output.line(
        "No runs yet. Start one with `p21kit price-pages …` (the demo keeps its runs apart, in its own directory).",
      );
    return ExitCode.success;
  }

  const rows = [
    ["RUN", "KIND", "STATE", "CREATED", "SUCCEEDED", "SKIPPED", "FAILED", "LEFT", "SERVER"],
  ];
  for (const run of runs) {
    const counts = countsOf(journal as Journal, run.id);
    rows.push([
      run.id,
      run.kind,
      shownState(journal as Journal, run),
      shortTime(run.createdAt),
      String(counts.succeeded),
      String(counts.skipped),
      String(counts.failed),
      String(counts.unsettled + linksToCome(journal as Journal, run)),
      run.baseUrl,
    ]);
  }

  for (const line of table(rows)) output.line(line);
  return ExitCode.success;
}

/** How many failed records `runs show` lists. */
const failuresListed = 20;

function showRun(output: CliOutput, journal: Journal, run: RunRecord, flags: RunsFlags): number {
  const phases = journal.phases(run.id);
  const failed = journal.items(run.id, { states: ["failed"] });
  const events = journal.events(run.id);
  const eventCounts: Record<string, number> = {};
  for (const event of events) eventCounts[event.type] = (eventCounts[event.type] ?? 0) + 1;

  const state = shownState(journal, run);
  const toCome = linksToCome(journal, run);
  if (flags.json) {
    output.json({
      type: "run",
      ...run,
      state,
      counts: countsOf(journal, run.id),
      phases: phases.map((phase) => ({ phase, ...countsOf(journal, run.id, phase) })),
      linksToCome: toCome,
      failed: failed.map((item) => ({
        itemId: item.id,
        phase: item.phase,
        naturalKey: item.naturalKey,
        attempts: item.attempts,
        errorCode: item.errorCode,
        errorMessage: item.errorMessage,
      })),
      events: eventCounts,
    });
    return ExitCode.success;
  }

  const { styles } = output;
  output.line(`${styles.bold("Run")} ${run.id}  ${run.kind}  ${state}`);
  output.line(`  server     ${run.baseUrl}${run.username ? ` as ${run.username}` : ""}`);
  output.line(`  created    ${shortTime(run.createdAt)}`);
  output.line(`  finished   ${shortTime(run.finishedAt)}`);
  if (run.parentRunId !== undefined) output.line(`  retry of   ${run.parentRunId}`);
  output.line("");

  const rows = [["PHASE", "TOTAL", "SUCCEEDED", "SKIPPED", "FAILED", "LEFT"]];
  for (const phase of phases) {
    const counts = countsOf(journal, run.id, phase);
    rows.push([
      phase,
      String(counts.total),
      String(counts.succeeded),
      String(counts.skipped),
      String(counts.failed),
      String(counts.unsettled),
    ]);
  }

  for (const line of table(rows)) output.line(`  ${line}`);
  if (toCome > 0) {
    output.line(`  and ${toCome} link${toCome === 1 ? "" : "s"} to add once their pages exist`);
  }

  const eventSummary = Object.entries(eventCounts)
    .map(([type, count]) => `${type} ${count}`)
    .join(", ");
  if (eventSummary !== "") output.line(`\n  events     ${eventSummary}`);

  if (failed.length > 0) {
    output.line(`\n  ${styles.red(`${failed.length} failed`)}:`);
    for (const item of failed.slice(0, failuresListed)) {
      output.line(
        `    ${item.phase} ${item.naturalKey}: ${item.errorMessage ?? item.errorCode ?? "?"}`,
      );
    }

    if (failed.length > failuresListed) {
      output.line(`    … and ${failed.length - failuresListed} more (see errors.csv of the run)`);
    }

    output.line(`\n  Retry them with: ${runCommandLine("retry-failed", run.id, flags.journal)}`);
  }

  if (run.state === "interrupted" || run.state === "running" || run.state === "pending") {
    output.line(`\n  Resume with: ${runCommandLine("resume", run.id, flags.journal)}`);
  }

  return ExitCode.success;
}

/** `p21kit runs` and `p21kit runs show [RUN]`. */
export function registerRunsCommand(program: Command, context: CommandContext): void {
  const runs = program
    .command("runs")
    .description("list the runs in the journal")
    .enablePositionalOptions()
    .option("--journal <file>", "journal of every run (SQLite)", defaultJournalPath)
    .option("--limit <n>", "how many runs, newest first", wholeNumber(1, 10_000), 20);
  addOutputOptions(runs).action(
    action(context, (flags: RunsFlags) => {
      context.json = flags.json === true;
      const journal = openJournalForReading(context.io, flags.journal);
      try {
        return listRuns(context.output, journal, flags);
      } finally {
        journal?.close();
      }
    }),
  );

  const show = runs
    .command("show")
    .description("show one run: phases, counts, failed records (default: the latest run)")
    .argument("[run]", "run id (or a unique prefix of it)")
    .option("--journal <file>", "journal of every run (SQLite)", defaultJournalPath);
  addOutputOptions(show).action(
    action(context, (runId: string | undefined, flags: RunsFlags) => {
      context.json = flags.json === true;
      const journal = openJournalForReading(context.io, flags.journal);
      try {
        const run = findRun(journal, runId, "latest", flags.journal);
        return showRun(context.output, journal as Journal, run, flags);
      } finally {
        journal?.close();
      }
    }),
  );
}
