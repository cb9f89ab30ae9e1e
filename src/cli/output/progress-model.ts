import type { ProgressCounts, ProgressEvent } from "../../batch/progress-events.js";

/** What is known of one phase while it runs. */
export interface PhaseView {
  readonly phase: string;
  operation: string;
  counts: ProgressCounts;
  ratePerSecond: number | undefined;
  etaMs: number | undefined;
  elapsedMs: number;
  batches: number;
  sessions: number;
  finished: boolean;
  interrupted: boolean;
}

/** What is known of one worker (one session at a time). */
export interface WorkerView {
  readonly workerIndex: number;
  session: number | undefined;
  batch: number | undefined;
  batchItems: number;
  /** Records of the batch done: settled, or saved and waiting for the batch's read-back. */
  batchSettled: number;
  /** Records counted in batchSettled when saved, whose settlement is still to come. */
  readonly saved: Set<number>;
  settled: number;
  failed: number;
  /** When the worker settled its first record, in the phase's elapsed milliseconds. */
  firstActiveMs: number | undefined;
  lastElapsedMs: number;
  working: boolean;
}

function emptyCounts(): ProgressCounts {
  return { total: 0, succeeded: 0, failed: 0, skipped: 0, remaining: 0 };
}

/**
 * Folds engine progress events into views of the current phase and its workers: the one state
 * every renderer (bars, plain lines) draws from.
 */
export class ProgressModel {
  phase: PhaseView | undefined;
  readonly workers = new Map<number, WorkerView>();

  apply(event: ProgressEvent): void {
    if (event.type === "phase-started") {
      this.phase = {
        phase: event.phase,
        operation: event.operation,
        counts: { ...event.counts },
        ratePerSecond: undefined,
        etaMs: undefined,
        elapsedMs: 0,
        batches: event.batches,
        sessions: event.sessions,
        finished: false,
        interrupted: false,
      };
      this.workers.clear();
      return;
    }

    const phase = this.phase ?? this.startImplicitPhase(event.phase);
    phase.elapsedMs = event.elapsedMs;

    switch (event.type) {
      case "record-settled": {
        phase.counts = { ...event.counts };
        phase.ratePerSecond = event.ratePerSecond;
        phase.etaMs = event.etaMs;
        const worker = this.worker(event.workerIndex);
        worker.settled += 1;
        if (!worker.saved.delete(event.itemId)) worker.batchSettled += 1;
        if (event.state === "failed") worker.failed += 1;
        worker.firstActiveMs ??= event.elapsedMs;
        worker.lastElapsedMs = event.elapsedMs;
        break;
      }

      case "record-saved": {
        const worker = this.worker(event.workerIndex);
        if (!worker.saved.has(event.itemId)) {
          worker.saved.add(event.itemId);
          worker.batchSettled += 1;
        }
        break;
      }

      case "batch-started": {
        const worker = this.worker(event.workerIndex);
        worker.batch = event.batch;
        worker.batchItems = event.items;
        worker.batchSettled = 0;
        worker.saved.clear();
        worker.working = true;
        worker.firstActiveMs ??= event.elapsedMs;
        break;
      }

      case "batch-finished": {
        // The batch's read-backs are over: a saved record not settled by them went back to
        // pending or stays in flight for resume, and is no longer counted as done.
        const worker = this.worker(event.workerIndex);
        worker.working = false;
        worker.saved.clear();
        break;
      }

      case "session-opened":
        this.worker(event.workerIndex).session = event.session;
        break;

      case "phase-finished":
        phase.counts = { ...event.counts };
        phase.finished = true;
        phase.interrupted = event.interrupted;
        break;

      default:
        break;
    }
  }

  /**
   * Records saved whose batch still waits for its read-back to settle them: done as far as the
   * sessions go, not yet in the phase's counts.
   */
  savedAwaitingReadBack(): number {
    let saved = 0;
    for (const worker of this.workers.values()) saved += worker.saved.size;
    return saved;
  }

  /** Records per second of one worker since it started. */
  workerRate(worker: WorkerView): number | undefined {
    if (worker.firstActiveMs === undefined) return undefined;
    const seconds = (worker.lastElapsedMs - worker.firstActiveMs) / 1_000;
    return seconds > 0 ? worker.settled / seconds : undefined;
  }

  private worker(workerIndex: number): WorkerView {
    let worker = this.workers.get(workerIndex);
    if (worker === undefined) {
      worker = {
        workerIndex,
        session: undefined,
        batch: undefined,
        batchItems: 0,
        batchSettled: 0,
        saved: new Set(),
        settled: 0,
        failed: 0,
        firstActiveMs: undefined,
        lastElapsedMs: 0,
        working: false,
      };
      this.workers.set(workerIndex, worker);
    }

    return worker;
  }

  private startImplicitPhase(phaseName: string): PhaseView {
    this.phase = {
      phase: phaseName,
      operation: phaseName,
      counts: emptyCounts(),
      ratePerSecond: undefined,
      etaMs: undefined,
      elapsedMs: 0,
      batches: 0,
      sessions: 0,
      finished: false,
      interrupted: false,
    };
    return this.phase;
  }
}
