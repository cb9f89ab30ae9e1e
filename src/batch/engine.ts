import type { ItemRecord, ItemState } from "../journal/index.js";
import type { BatchUnit } from "./batches.js";
import { splitIntoBatches } from "./batches.js";
import { EngineError } from "./errors.js";
import type { Operation } from "./operation.js";
import type { EngineOptions, ResolvedEngineOptions } from "./options.js";
import { resolveEngineOptions } from "./options.js";
import { PhaseRuntime } from "./phase-runtime.js";
import { reconcileInFlight } from "./reconcile.js";
import { applyReconciliation, planResume } from "./resume-plan.js";
import { StopController } from "./stop.js";
import type { PhaseSummary } from "./summary.js";
import { TokenKnowledge } from "./token-contention.js";
import { runWorker } from "./worker.js";

function countStates(items: readonly ItemRecord[]): Record<ItemState, number> {
  const counts: Record<ItemState, number> = {
    pending: 0,
    in_flight: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
  };
  for (const item of items) counts[item.state] += 1;

  return counts;
}

/**
 * Runs the items of a journal's phases against P21: a fresh session per batch, one window per
 * batch cleared between records, close-and-reopen after any error, retries with backoff,
 * reconciliation of ambiguous writes, several sessions under AIMD control, and resume.
 */
export class BatchEngine {
  readonly #options: ResolvedEngineOptions;
  /** Learned in one phase, kept for the next: whether the user's tokens invalidate each other. */
  readonly #tokens = new TokenKnowledge();

  constructor(options: EngineOptions) {
    this.#options = resolveEngineOptions(options);
  }

  /**
   * Runs every item of `phase` in the run that is not settled: in-flight items are reconciled
   * first (never re-sent blindly), then pending ones in batches. Resolves when the phase is
   * done or stopped; rejects only when no session could be opened at all (or the journal
   * failed), leaving every unsettled item as it was.
   */
  runPhase<Input, Output>(
    runId: string,
    phase: string,
    operation: Operation<Input, Output>,
  ): Promise<PhaseSummary> {
    const items = this.#options.journal.items(runId, { phase });

    return this.#run(runId, phase, operation, items, "phase", (runtime, itemIds) =>
      this.#batches(runtime, itemIds),
    );
  }

  /**
   * The batches the unsettled items of `phase` would run in (in-flight ones included: runBatch
   * reconciles them first): plain, serialisable units that a job runner can hand to
   * {@link BatchEngine.runBatch} elsewhere, against the same journal.
   */
  planBatches<Input, Output>(
    runId: string,
    phase: string,
    operation: Operation<Input, Output>,
  ): BatchUnit[] {
    const items = this.#options.journal.items(runId, { phase });
    const stop = new StopController(undefined, undefined);
    const runtime = new PhaseRuntime(
      this.#options,
      runId,
      phase,
      operation,
      stop,
      items,
      this.#tokens,
    );

    const plan = planResume(items);

    return this.#batches(runtime, [...plan.reconcile, ...plan.run]);
  }

  /**
   * Runs one batch unit with one worker: its in-flight items are reconciled first, its pending
   * ones run in one session; settled ones are left alone. The summary counts the unit's items.
   */
  runBatch<Input, Output>(
    runId: string,
    unit: BatchUnit,
    operation: Operation<Input, Output>,
  ): Promise<PhaseSummary> {
    const items = this.#options.journal.items(runId, { phase: unit.phase, ids: unit.itemIds });

    return this.#run(runId, unit.phase, operation, items, "batch", (_runtime, itemIds) => {
      const runnable = new Set(itemIds);
      const remaining = unit.itemIds.filter((itemId) => runnable.has(itemId));

      return remaining.length === 0 ? [] : [{ ...unit, itemIds: remaining }];
    });
  }

  async #run<Input, Output>(
    runId: string,
    phase: string,
    operation: Operation<Input, Output>,
    items: ItemRecord[],
    scope: "phase" | "batch",
    batchesFor: (runtime: PhaseRuntime<Input, Output>, itemIds: readonly number[]) => BatchUnit[],
  ): Promise<PhaseSummary> {
    const options = this.#options;
    const journal = options.journal;
    const stop = new StopController(options.signal, options.hardSignal);
    const runtime = new PhaseRuntime(options, runId, phase, operation, stop, items, this.#tokens);
    const plan = planResume(items);
    const run = journal.getRun(runId);
    if (run !== undefined && run.state !== "running") journal.setRunState(runId, "running");

    let workerFailure: unknown;
    try {
      const batches = batchesFor(runtime, plan.run).length;
      // A session per batch at most, counting the batches in-flight items may go back to.
      const mostBatches =
        plan.reconcile.length === 0
          ? batches
          : batchesFor(runtime, [...plan.reconcile, ...plan.run]).length;
      runtime.emit({
        type: "phase-started",
        counts: runtime.counter.counts,
        operation: operation.name,
        inFlight: plan.reconcile.length,
        batches,
        sessions: Math.min(scope === "batch" ? 1 : runtime.workerCount.target, mostBatches),
      });
      if (scope === "phase" && Math.min(runtime.workerCount.target, mostBatches) > 1) {
        if (!stop.stopping) await runtime.checkTokens();
      }

      let runIds = plan.run;
      if (plan.reconcile.length > 0 && !stop.stopping) {
        const inFlight = plan.reconcile.map((itemId) => runtime.item(itemId));
        const answers = await reconcileInFlight(runtime, runtime.clientFor(0), inFlight);
        runIds = applyReconciliation(items, plan, answers).run;
      }

      runtime.queue.push(...batchesFor(runtime, runIds));
      const sessions = scope === "batch" ? 1 : runtime.workerCount.target;
      const workers = Math.min(sessions, runtime.queue.length);
      const results = await Promise.allSettled(
        Array.from({ length: workers }, (_, workerIndex) => runWorker(runtime, workerIndex)),
      );
      workerFailure = results.find((result) => result.status === "rejected")?.reason;
    } finally {
      await runtime.closeClients();
      stop.dispose();
    }

    return this.#finish(runtime, workerFailure, scope);
  }

  #batches<Input, Output>(runtime: PhaseRuntime<Input, Output>, itemIds: readonly number[]) {
    const operation = runtime.operation;
    const options = this.#options;
    const phaseItems = [...runtime.items.values()];
    const firstBatchNumber = Math.max(0, ...phaseItems.map((item) => item.batch ?? 0)) + 1;

    return splitIntoBatches(
      runtime.phase,
      itemIds.map((itemId) => {
        const item: ItemRecord = runtime.item(itemId);
        const groupKey =
          operation.kind === "group" ? operation.groupKey(item.input as Input) : undefined;

        return { id: item.id, sequence: item.sequence, groupKey };
      }),
      options.batchSize,
      {
        retries: options.retries,
        backoffBaseMs: options.backoff.baseMs,
        backoffMaxMs: options.backoff.maxMs,
      },
      firstBatchNumber,
      options.sessions,
    );
  }

  #finish<Input, Output>(
    runtime: PhaseRuntime<Input, Output>,
    workerFailure: unknown,
    scope: "phase" | "batch",
  ): PhaseSummary {
    const journal = this.#options.journal;
    const counts =
      scope === "phase"
        ? journal.counts(runtime.runId, runtime.phase)
        : countStates(journal.items(runtime.runId, { ids: [...runtime.items.keys()] }));
    const unsettled = counts.pending + counts.in_flight;
    const interrupted = runtime.stop.stopping && unsettled > 0;
    const abandoned = workerFailure !== undefined && counts.pending > 0;
    if (interrupted || abandoned) journal.setRunState(runtime.runId, "interrupted");

    const summary: PhaseSummary = {
      phase: runtime.phase,
      total: Object.values(counts).reduce((sum, count) => sum + count, 0),
      succeeded: counts.succeeded,
      failed: counts.failed,
      skipped: counts.skipped,
      unsettled,
      ...runtime.statistics,
      interrupted,
      elapsedMs: runtime.elapsedMs,
    };

    runtime.emit({
      type: "phase-finished",
      counts: runtime.counter.counts,
      interrupted,
      retries: summary.retries,
      reopens: summary.reopens,
      sessionsOpened: summary.sessionsOpened,
    });
    journal.flush();

    if (workerFailure !== undefined && counts.pending > 0 && !interrupted) {
      if (workerFailure instanceof EngineError) throw workerFailure;

      throw new EngineError(
        "P21_SESSIONS_UNAVAILABLE",
        `phase ${runtime.phase} stopped with ${unsettled} item(s) unsettled: ${
          workerFailure instanceof Error ? workerFailure.message : "a worker failed"
        }`,
        { cause: workerFailure },
      );
    }

    return summary;
  }
}
