import { releasePremarked } from "./attempt-context.js";
import type { BatchScope } from "./attempt-context.js";
import { readBackBatch } from "./batch-read-back.js";
import type { BatchUnit } from "./batches.js";
import { runGroup } from "./group-runner.js";
import type { PhaseRuntime } from "./phase-runtime.js";
import { runRecord } from "./record-runner.js";
import { BatchGivenBackError, SessionLease, StoppingError } from "./session-lease.js";

function pendingOf<Input, Output>(
  runtime: PhaseRuntime<Input, Output>,
  batch: BatchUnit,
): number[] {
  return batch.itemIds.filter((itemId) => runtime.item(itemId).state === "pending");
}

/** Runs one batch in its own session; resolves false when the pool sent it back to the queue. */
async function runBatch<Input, Output>(
  runtime: PhaseRuntime<Input, Output>,
  workerIndex: number,
  batch: BatchUnit,
): Promise<boolean> {
  const itemIds = pendingOf(runtime, batch);
  if (itemIds.length === 0) return true;

  const lease = new SessionLease(runtime, workerIndex, itemIds.length);
  const scope: BatchScope<Input, Output> = {
    runtime,
    lease,
    get client() {
      return runtime.clientFor(workerIndex);
    },
    workerIndex,
    batch: batch.batch,
    itemIds,
    premarked: new Set(),
    written: new Map(),
  };
  const operation = runtime.operation;
  let refused = false;
  let failure: unknown;
  runtime.emit({ type: "batch-started", workerIndex, batch: batch.batch, items: itemIds.length });

  try {
    if (operation.kind === "group") {
      if (!runtime.stop.stopping) {
        await runGroup(scope, operation, itemIds);
      }
    } else {
      for (const [index, itemId] of itemIds.entries()) {
        if (runtime.stop.stopping) break;
        if (index > 0) await lease.clear();

        await runRecord(scope, operation, itemId);
      }
      await readBackBatch(scope, operation, "retry");
    }
  } catch (error) {
    if (error instanceof BatchGivenBackError) refused = true;
    else if (!(error instanceof StoppingError)) failure = error;
  } finally {
    await lease.end(
      runtime.stop.stopping ? "stopped" : failure === undefined ? "batch-done" : "failed",
    );
    // Records marked early and never started were never sent: back to pending, also after a
    // hard stop (the record in hand is not among them and stays in flight).
    releasePremarked(scope);
  }
  // A batch that broke off with saves not read back: settle what the server holds, and give
  // back what it does not (it was not written) with the records never reached.
  if (operation.kind === "record") await readBackBatch(scope, operation, "release");

  const settled = itemIds.map((itemId) => runtime.item(itemId).state);
  runtime.emit({
    type: "batch-finished",
    workerIndex,
    batch: batch.batch,
    succeeded: settled.filter((state) => state === "succeeded").length,
    failed: settled.filter((state) => state === "failed").length,
    unsettled: settled.filter((state) => state === "pending" || state === "in_flight").length,
  });

  if (failure === undefined && !refused) return true;

  // Give what is left back to the queue: another worker may take it.
  const remaining = pendingOf(runtime, batch);
  if (remaining.length > 0) runtime.queue.unshift({ ...batch, itemIds: remaining });
  if (failure instanceof Error) throw failure;
  if (failure !== undefined) throw new Error(`batch ${batch.batch} failed`, { cause: failure });

  return false;
}

/**
 * One worker: takes batches from the shared queue while the worker count allows, one session
 * per batch, until the queue is empty or the run stops.
 */
export async function runWorker<Input, Output>(
  runtime: PhaseRuntime<Input, Output>,
  workerIndex: number,
): Promise<void> {
  for (;;) {
    if (runtime.stop.stopping || runtime.queue.length === 0) return;
    if (!runtime.workerCount.allows(runtime.activeWorkers)) {
      await runtime.changed();
      continue;
    }

    const batch = runtime.queue.shift();
    if (batch === undefined) return;

    runtime.activeWorkers += 1;
    try {
      if (await runBatch(runtime, workerIndex, batch)) runtime.workerCount.batchSucceeded();
    } finally {
      runtime.activeWorkers -= 1;
      runtime.notify();
    }
  }
}
