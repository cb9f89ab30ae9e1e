import type { P21Client, Result } from "../client/index.js";
import type { ItemRecord } from "../journal/index.js";
import { settleDialogs } from "./dialogs.js";
import type { OperationContext, ReconcileContext } from "./operation.js";
import type { PhaseRuntime } from "./phase-runtime.js";
import type { SessionLease } from "./session-lease.js";

/** What the runners of one batch share. */
export interface BatchScope<Input, Output> {
  readonly runtime: PhaseRuntime<Input, Output>;
  readonly lease: SessionLease<Input, Output>;
  readonly client: P21Client;
  readonly workerIndex: number;
  readonly batch: number;
  /** The batch's records, in the order they run. */
  readonly itemIds: readonly number[];
  /**
   * Records marked in flight ahead of their turn, with the batch's first record, and not
   * started yet (see {@link markAttempt}).
   */
  readonly premarked: Set<number>;
  /**
   * Records saved and not read back yet, with their output and the attempts made of them
   * (operations with `readBack: "batch"`).
   */
  readonly written: Map<number, { output: Output; attempt: number }>;
}

/** The context an operation receives for one attempt. */
export function operationContext<Input, Output>(
  scope: BatchScope<Input, Output>,
  attempt: number,
  description: string,
  itemId: number | undefined,
): OperationContext {
  const { runtime, workerIndex } = scope;

  return {
    signal: runtime.stop.hard,
    attempt,
    logger: runtime.logger,
    settleDialogs: (result: Result) =>
      settleDialogs(result, runtime.options.dialogPolicy, description, (answered) =>
        runtime.emit({ type: "dialog-answered", workerIndex, itemId, ...answered }),
      ),
    event: (name, data = {}) =>
      runtime.emit({ type: "operation-event", workerIndex, name, itemId, data }),
    get client() {
      return scope.client;
    },
  };
}

export function reconcileContext<Input, Output>(
  runtime: PhaseRuntime<Input, Output>,
): ReconcileContext {
  return { signal: runtime.stop.hard, logger: runtime.logger };
}

/** Writes an item's settlement to the journal and the progress stream. */
export function settleItem<Input, Output>(
  runtime: PhaseRuntime<Input, Output>,
  workerIndex: number,
  item: ItemRecord,
  outcome:
    | { state: "succeeded"; result: Output; via: "run" | "reconcile" }
    | { state: "failed"; errorCode: string; errorMessage: string },
): void {
  // Not durable on its own: the settlement is written in the same commit as the next record's
  // in_flight mark (or the batch's end). A crash in between leaves this item in flight, and
  // resume reconciles it with the server, so one sync per record is enough.
  const deferred = { durable: false };
  const settled = runtime.remember(
    outcome.state === "succeeded"
      ? runtime.journal.settle(
          item.id,
          { state: "succeeded", result: outcome.result ?? null },
          deferred,
        )
      : runtime.journal.settle(
          item.id,
          { state: "failed", errorCode: outcome.errorCode, errorMessage: outcome.errorMessage },
          deferred,
        ),
  );

  runtime.counter.settled(settled.state === "failed" ? "failed" : "succeeded");
  const reconciled = outcome.state === "succeeded" && outcome.via === "reconcile";
  if (reconciled) runtime.statistics.reconciled += 1;
  // A reconciled settlement goes to the journal's event log; any other one only to listeners.
  if (!reconciled && !runtime.listened) return;

  runtime.emit({
    type: "record-settled",
    workerIndex,
    itemId: settled.id,
    naturalKey: settled.naturalKey,
    state: outcome.state,
    attempts: settled.attempts,
    errorCode: outcome.state === "failed" ? outcome.errorCode : undefined,
    errorMessage: outcome.state === "failed" ? outcome.errorMessage : undefined,
    via: outcome.state === "succeeded" ? outcome.via : "run",
    counts: runtime.counter.counts,
    ratePerSecond: runtime.counter.ratePerSecond(),
    etaMs: runtime.counter.etaMs(),
  });
}

/**
 * Makes a record durably in flight before its attempt sends anything. The first record of a
 * batch marks the batch's later records too, in the same commit, so that a batch costs one
 * synced commit rather than one per record (settlements ride along with the next commit, see
 * `Journal.settle`). An item marked early is in flight a little sooner than needed, which is
 * safe: resume reconciles every in-flight item with the server before sending it again, and
 * a batch that ends before reaching a record returns it to pending. Retries mark again.
 */
export function markAttempt<Input, Output>(
  scope: BatchScope<Input, Output>,
  itemId: number,
  attempt: number,
  session: number,
): void {
  const { runtime, premarked } = scope;
  if (attempt === 1 && premarked.delete(itemId)) return;

  const place = { batch: scope.batch, session };
  // Each mark is given the record the engine holds, so that it needs no read of the row. The rows
  // are taken in only once the commit went through: a commit that fails (a full disk) leaves the
  // items pending in the file, and so they must stay here.
  const mark = (id: number) =>
    runtime.journal.markInFlight(id, place, { expected: runtime.item(id) });
  const marked = runtime.journal.transaction(() => {
    const rows = [mark(itemId)];
    if (attempt !== 1) return rows;

    const later = scope.itemIds.slice(scope.itemIds.indexOf(itemId) + 1);
    for (const laterId of later) {
      if (runtime.item(laterId).state === "pending") rows.push(mark(laterId));
    }

    return rows;
  });
  for (const row of marked) runtime.remember(row);
  for (const row of marked.slice(1)) premarked.add(row.id);
}

/** Returns the records marked early but never started to pending, in one commit. */
export function releasePremarked<Input, Output>(scope: BatchScope<Input, Output>): void {
  const { runtime, premarked } = scope;
  if (premarked.size === 0) return;

  const returned = runtime.journal.transaction(() =>
    [...premarked].map((itemId) =>
      runtime.journal.returnToPending(itemId, "the batch ended before it"),
    ),
  );
  for (const row of returned) runtime.remember(row);
  premarked.clear();
}
