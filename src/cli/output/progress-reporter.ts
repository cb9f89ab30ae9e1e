import type { ProgressEvent, WorkersChangedEvent } from "../../batch/progress-events.js";
import type { HeldBackPage } from "../../pricing/index.js";
import type { CliOutput } from "./cli-output.js";
import { fitToWidth, formatBar, formatDuration, formatEta, formatRate } from "./format.js";
import { ProgressModel, type PhaseView } from "./progress-model.js";

/** Turns engine progress events into what a person or a program reads. */
export interface ProgressReporter {
  onEvent(event: ProgressEvent): void;
  /** A new page a replace did not create because its old page could not be expired. */
  onHeldBack(page: HeldBackPage): void;
  /** A line of the command's own (a signal's notice), printed where the bars do not wipe it. */
  notice(line: string): void;
  /** Stops timers and leaves the terminal clean. Idempotent. */
  close(): void;
}

/** How many failed records are printed as they happen; the rest are in errors.csv. */
const failuresShown = 20;
/** How many warnings are printed as they happen; the rest are counted. */
const warningsShown = 20;

/** Why the engine changed its number of sessions, as a person reads it. */
const workersChangedReasons: Record<WorkersChangedEvent["reason"], string> = {
  "pool-refused":
    "the server's pool of API instances refused a session (other clients hold them, or sessions " +
    "of a crashed run or of an expired token, until the server reaps them)",
  "slow-session-create": "sessions take too long to open; fewer are asked for",
  "token-contention":
    "a new token of this user ends the older ones' sessions; the run keeps to one session",
  increase: "the pool has room again",
};

/** The lines worth printing as they happen, whatever the renderer. */
class NoticeFilter {
  private failuresPrinted = 0;
  private failuresHidden = 0;
  private warningsPrinted = 0;
  private warningsHidden = 0;

  notice(event: ProgressEvent): string | undefined {
    switch (event.type) {
      case "record-settled":
        if (event.state !== "failed") return undefined;
        return this.failure(
          event.phase,
          event.naturalKey,
          event.errorMessage ?? event.errorCode ?? "unknown error",
        );
      case "warning":
        if (this.warningsPrinted >= warningsShown) {
          this.warningsHidden += 1;
          return undefined;
        }

        this.warningsPrinted += 1;
        return `warn ${event.message}`;
      case "workers-changed":
        return `sessions ${event.from} → ${event.to}: ${workersChangedReasons[event.reason]}`;
      default:
        return undefined;
    }
  }

  /** The line of a failed record, while fewer than {@link failuresShown} have been printed. */
  failure(phase: string, naturalKey: string, reason: string): string | undefined {
    if (this.failuresPrinted >= failuresShown) {
      this.failuresHidden += 1;
      return undefined;
    }

    this.failuresPrinted += 1;
    return `failed  ${phase} ${naturalKey}: ${reason}`;
  }

  /** A closing line about failures not printed, if any. */
  hiddenFailures(): string | undefined {
    return this.failuresHidden > 0
      ? `… and ${this.failuresHidden} more failed records (see errors.csv)`
      : undefined;
  }

  /** A closing line about warnings not printed, if any. */
  hiddenWarnings(): string | undefined {
    return this.warningsHidden > 0 ? `… and ${this.warningsHidden} more warnings` : undefined;
  }
}

function phaseTitle(phase: PhaseView): string {
  return phase.phase;
}

function phaseStartLine(phase: PhaseView): string {
  const { total, remaining } = phase.counts;
  // A resumed phase starts with some records settled: say what is left of how many.
  const records =
    remaining < total
      ? `${remaining} of ${total} records left`
      : `${total} record${total === 1 ? "" : "s"}`;
  // Nothing left to send (every record skipped, or settled before a resume): no batches either.
  if (remaining === 0) return `${phaseTitle(phase)}: ${records}`;

  return (
    `${phaseTitle(phase)}: ${records}` +
    ` in ${phase.batches} batch${phase.batches === 1 ? "" : "es"}` +
    // "up to": the server's pool may hold fewer at once than asked for.
    ` on ${phase.sessions === 1 ? "1 session" : `up to ${phase.sessions} sessions`}`
  );
}

/** The phase's counts; `saved` records wait for their batch's read-back (see the model). */
function phaseCountsLine(phase: PhaseView, saved: number): string {
  const { total, remaining, failed, skipped } = phase.counts;
  const awaiting = saved > 0 ? `, ${saved} awaiting read-back` : "";
  return (
    `${total - remaining}/${total} settled${awaiting}, ${failed} failed, ${skipped} skipped, ` +
    `${formatRate(phase.ratePerSecond)}, ETA ${formatEta(remaining, phase.ratePerSecond)}`
  );
}

function phaseFinishedLine(phase: PhaseView): string {
  const { succeeded, failed, skipped, remaining } = phase.counts;
  // A phase that ends with records left did not finish, signal or not (the server went away).
  const verb = phase.interrupted || remaining > 0 ? "stopped" : "done";
  const left = remaining > 0 ? `, ${remaining} left` : "";
  return (
    `${phaseTitle(phase)}: ${verb} ${verb === "done" ? "in" : "after"} ${formatDuration(phase.elapsedMs)}: ` +
    `${succeeded} succeeded, ${failed} failed, ${skipped} skipped${left}`
  );
}

/**
 * For logs and pipes: a line when a phase starts and ends, a progress line every
 * `intervalMs`, and the notable events (failures, warnings) as they happen.
 */
export class PlainProgressReporter implements ProgressReporter {
  private readonly model = new ProgressModel();
  private readonly notices = new NoticeFilter();
  private readonly timer: NodeJS.Timeout;
  private changed = false;
  private closed = false;

  constructor(
    private readonly output: CliOutput,
    intervalMs = 3_000,
  ) {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  notice(line: string): void {
    this.output.errorLine(line);
  }

  onHeldBack(page: HeldBackPage): void {
    const line = this.notices.failure(page.phase, page.naturalKey, page.errorMessage);
    if (line !== undefined) this.output.errorLine(line);
  }

  onEvent(event: ProgressEvent): void {
    this.model.apply(event);
    const phase = this.model.phase;
    const notice = this.notices.notice(event);
    if (notice !== undefined) this.output.errorLine(notice);

    if (event.type === "phase-started" && phase) this.output.errorLine(phaseStartLine(phase));
    if (event.type === "phase-finished" && phase) {
      this.output.errorLine(phaseFinishedLine(phase));
      this.changed = false;
    }

    if (event.type === "record-settled" || event.type === "record-saved") this.changed = true;
  }

  private tick(): void {
    const phase = this.model.phase;
    if (!this.changed || phase === undefined || phase.finished) return;
    this.changed = false;
    const saved = this.model.savedAwaitingReadBack();
    this.output.errorLine(`${phaseTitle(phase)}: ${phaseCountsLine(phase, saved)}`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const hidden of [this.notices.hiddenFailures(), this.notices.hiddenWarnings()]) {
      if (hidden !== undefined) this.output.errorLine(hidden);
    }
  }
}

/** The width drawn to when the terminal does not say. */
const defaultColumns = 100;

/** The bars' widths (phase, session) for a terminal `columns` wide. */
function barWidths(columns: number): [number, number] {
  if (columns >= 100) return [24, 16];
  if (columns >= 72) return [16, 10];
  return [8, 6];
}

/**
 * For a person at a terminal: one bar for the phase and one per session, redrawn in place at
 * most ten times a second, with notable events printed above them. Every line is cut to the
 * terminal's width at each redraw: a line that wrapped would take two rows, and the next redraw
 * would move up one row too few and leave the old bars behind.
 */
export class TtyProgressReporter implements ProgressReporter {
  private readonly model = new ProgressModel();
  private readonly notices = new NoticeFilter();
  private readonly timer: NodeJS.Timeout;
  private linesDrawn = 0;
  private changed = false;
  private closed = false;

  constructor(
    private readonly output: CliOutput,
    private readonly columns: () => number | undefined = () => output.columns(),
  ) {
    this.timer = setInterval(() => this.redraw(), 100);
    this.timer.unref();
  }

  onEvent(event: ProgressEvent): void {
    this.model.apply(event);
    const notice = this.notices.notice(event);
    const phase = this.model.phase;

    if (notice !== undefined) this.printAbove(notice);
    if (event.type === "phase-finished" && phase) {
      this.erase();
      this.output.errorLine(phaseFinishedLine(phase));
      return;
    }

    this.changed = true;
  }

  onHeldBack(page: HeldBackPage): void {
    const line = this.notices.failure(page.phase, page.naturalKey, page.errorMessage);
    if (line !== undefined) this.printAbove(line);
  }

  notice(line: string): void {
    // The terminal echoes the Ctrl-C that sent a signal (`^C`) where the cursor stood, at the
    // start of the line under the bars: back to that start, or the notice would begin after it.
    this.output.writeErr("\r");
    this.printAbove(line);
  }

  private printAbove(line: string): void {
    this.erase();
    this.output.errorLine(line);
    this.changed = true;
  }

  private erase(): void {
    if (this.linesDrawn === 0) return;
    this.output.writeErr(`\u001b[${this.linesDrawn}A\u001b[0J`);
    this.linesDrawn = 0;
  }

  private redraw(): void {
    const phase = this.model.phase;
    if (!this.changed || phase === undefined || phase.finished) return;
    this.changed = false;

    const { styles } = this.output;
    const reported = this.columns();
    const columns =
      reported !== undefined && Number.isFinite(reported) && reported > 0
        ? reported
        : defaultColumns;
    const [phaseBar, sessionBar] = barWidths(columns);
    const { total, remaining } = phase.counts;
    // The bar counts saved records as done, so that it moves with the sessions' bars while a
    // batch waits for its read-back; the line below it says how many of them are still open.
    const saved = this.model.savedAwaitingReadBack();
    const done = formatBar(total - remaining + saved, total, phaseBar, true);
    const lines = [
      `${styles.bold(phaseTitle(phase).padEnd(8))} ${done} ${phaseCountsLine(phase, saved)}`,
    ];

    const workers = [...this.model.workers.values()].sort(
      (left, right) => left.workerIndex - right.workerIndex,
    );
    for (const worker of workers) {
      const label = `session ${worker.workerIndex + 1}`.padEnd(10);
      const batch =
        worker.batch === undefined
          ? "waiting"
          : `batch ${worker.batch} ${worker.batchSettled}/${worker.batchItems}`;
      const failed = worker.failed > 0 ? styles.red(` ${worker.failed} failed`) : "";
      lines.push(
        `  ${styles.dim(label)} ${formatBar(worker.batchSettled, worker.batchItems, sessionBar, true)} ` +
          `${batch} · ${worker.settled} done${failed} · ${formatRate(this.model.workerRate(worker))}` +
          (worker.working ? "" : styles.dim(" · idle")),
      );
    }

    this.erase();
    // One column short of the width: a line that ends in the last column leaves some terminals
    // waiting to wrap on the next character.
    const clipped = lines.map((line) => fitToWidth(line, columns - 1));
    this.output.writeErr(`${clipped.join("\n")}\n`);
    this.linesDrawn = clipped.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.erase();
    for (const hidden of [this.notices.hiddenFailures(), this.notices.hiddenWarnings()]) {
      if (hidden !== undefined) this.output.errorLine(hidden);
    }
  }
}

/** For programs: every event as one NDJSON line on stdout. */
export class JsonProgressReporter implements ProgressReporter {
  constructor(private readonly output: CliOutput) {}

  notice(line: string): void {
    this.output.errorLine(line);
  }

  onEvent(event: ProgressEvent): void {
    this.output.json(event);
  }

  onHeldBack(page: HeldBackPage): void {
    this.output.json({ type: "record-held-back", ...page, state: "failed" });
  }

  close(): void {}
}

/** For `--quiet`: nothing. */
export class SilentProgressReporter implements ProgressReporter {
  onEvent(): void {}
  onHeldBack(): void {}
  notice(): void {}
  close(): void {}
}

/** Chooses the reporter for the flags and the terminal. */
export function createProgressReporter(
  output: CliOutput,
  mode: { json: boolean; quiet: boolean },
): ProgressReporter {
  if (mode.json) return new JsonProgressReporter(output);
  if (mode.quiet) return new SilentProgressReporter();
  return output.isTTY ? new TtyProgressReporter(output) : new PlainProgressReporter(output);
}
