import type { PhaseSummary } from "../../batch/index.js";
import type { Journal, JournalEvent, RunRecord } from "../../journal/index.js";
import type { WorkflowSummary } from "../../pricing/index.js";

/**
 * The event the command line logs when a process starts working a run: where the events of
 * that process begin, and when its wall time started. The run's own state cannot tell it: a
 * process killed while `running` leaves the run `running`, and the next one starts it again.
 */
export const runStartedEventType = "run.started";

/** Records in the journal that a process starts working `runId` now. */
export function recordRunStarted(journal: Journal, runId: string): void {
  journal.appendEvent(runId, { type: runStartedEventType });
}

/** A run's counts straight from the journal, for a run that ended without its own summary. */
export function summaryFromJournal(journal: Journal, runId: string): WorkflowSummary {
  const succeeded = (phase: string) => journal.counts(runId, phase).succeeded;
  const all = journal.counts(runId);
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

/** What {@link summaryAfterEarlyEnd} found. */
export interface EarlyEnd {
  /** Undefined when the journal could not be read. */
  readonly summary: WorkflowSummary | undefined;
  /** The journal's failure on the way, if it failed. */
  readonly failure?: unknown;
}

/**
 * What the journal tells of a run that ended early (a stop, a failure): its counts, the run
 * marked interrupted if it still says running. The journal that ended the run may fail these
 * too (another process holds its lock, its disk is full): the failure is answered, not
 * thrown. A run left `running` is resumed all the same, as a killed process's would be.
 */
export function summaryAfterEarlyEnd(journal: Journal, runId: string): EarlyEnd {
  let summary: WorkflowSummary;
  try {
    // Read first: a read writes what was deferred, and if it cannot, no mark could be written
    // either (each attempt waits out the busy timeout of a lock another process holds).
    summary = summaryFromJournal(journal, runId);
  } catch (error) {
    return { summary: undefined, failure: error };
  }

  try {
    const state = journal.getRun(runId)?.state;
    if (state === "running" || state === "pending") journal.setRunState(runId, "interrupted");
  } catch (error) {
    return { summary, failure: error };
  }

  return { summary };
}

/** A value the journal gives, or why it cannot. */
export type Known<T> = { readonly value: T } | { readonly unknown: string };

/** What the journal tells of the process that finished a run. */
export interface LastProcess {
  readonly phases: Known<PhaseSummary[]>;
  readonly wallMs: Known<number>;
}

function numberField(data: unknown, name: string): number | undefined {
  const value = (data as Record<string, unknown> | null)?.[name];

  return typeof value === "number" ? value : undefined;
}

/**
 * The phase summary the engine gave `phase`, rebuilt from the journal: the counts from the
 * items (as the engine counts them when the phase ends), the retries, reopens, sessions and
 * time from its `phase-finished` event, the records settled by asking the server from their
 * events. Undefined when the phase has no `phase-finished` event.
 */
function phaseOf(journal: Journal, runId: string, phase: string, events: JournalEvent[]) {
  const own = events.filter((event) => event.phase === phase);
  const finished = own.findLast((event) => event.type === "phase-finished");
  const statistics = ["retries", "reopens", "sessionsOpened", "elapsedMs"].map((name) =>
    numberField(finished?.data, name),
  );
  const [retries, reopens, sessionsOpened, elapsedMs] = statistics;
  if (
    retries === undefined ||
    reopens === undefined ||
    sessionsOpened === undefined ||
    elapsedMs === undefined
  ) {
    return undefined;
  }

  const counts = journal.counts(runId, phase);
  const unsettled = counts.pending + counts.in_flight;
  const summary: PhaseSummary = {
    phase,
    total: Object.values(counts).reduce((sum, count) => sum + count, 0),
    succeeded: counts.succeeded,
    failed: counts.failed,
    skipped: counts.skipped,
    unsettled,
    retries,
    reopens,
    sessionsOpened,
    reconciled: own.filter((event) => event.type === "record-reconciled").length,
    interrupted: (finished?.data as { interrupted?: unknown }).interrupted === true,
    elapsedMs,
  };

  return summary;
}

/**
 * The phases and the wall time of the process that finished `run`, from the journal: its
 * events since its `run.started`, and the run's finish time. For a run whose process was
 * killed before it wrote its result files.
 */
export function lastProcessOf(journal: Journal, run: RunRecord): LastProcess {
  const events = journal.events(run.id);
  const start = events.findLastIndex((event) => event.type === runStartedEventType);
  const started = events[start];
  if (started === undefined) {
    const unknown =
      "the journal does not say when the run's last process started: an earlier p21kit ran it";

    return { phases: { unknown }, wallMs: { unknown } };
  }

  const wallMs: Known<number> =
    run.finishedAt === undefined
      ? { unknown: "the journal has no finish time for the run" }
      : { value: Date.parse(run.finishedAt) - Date.parse(started.at) };
  const own = events.slice(start + 1);
  const phaseNames = new Set<string>();
  for (const event of own) {
    if (event.type === "phase-started" && event.phase !== undefined) phaseNames.add(event.phase);
  }

  const phases: PhaseSummary[] = [];
  for (const phase of phaseNames) {
    const summary = phaseOf(journal, run.id, phase, own);
    if (summary === undefined) {
      const unknown = `the journal has no end of phase ${phase} in the run's last process`;

      return { phases: { unknown }, wallMs };
    }

    phases.push(summary);
  }

  return { phases: { value: phases }, wallMs };
}
