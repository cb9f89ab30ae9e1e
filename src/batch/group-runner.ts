import type { Window } from "../client/index.js";
import type { BatchScope } from "./attempt-context.js";
import { operationContext, settleItem } from "./attempt-context.js";
import type { GroupOperation } from "./operation.js";
import { askServer } from "./reconcile.js";
import { extraSessionRetries, recover } from "./record-runner.js";
import type { RecordOutcome } from "./record-runner.js";
import { decideRetry, readFailure } from "./retry.js";
import { StoppingError } from "./session-lease.js";
import { sleep } from "./stop.js";

/** Outcomes per item id. */
export type GroupOutcome = Map<number, RecordOutcome>;

function returnToPending<Input, Output>(
  scope: BatchScope<Input, Output>,
  itemIds: readonly number[],
  reason: string,
  outcome: GroupOutcome,
): GroupOutcome {
  for (const itemId of itemIds) {
    if (scope.runtime.item(itemId).state === "in_flight") {
      scope.runtime.remember(scope.runtime.journal.returnToPending(itemId, reason));
    }

    outcome.set(itemId, "stopped");
  }

  return outcome;
}

/** The attempts a group (or the part of one it was split from) has spent so far. */
interface GroupAttempts {
  attempt: number;
  sessionLosses: number;
  /** Attempts made by the larger groups this part was split from: free of its retry budget. */
  splits: number;
}

/** A group that starts afresh: a refused group's halves have spent nothing. */
const GROUP_START: Readonly<GroupAttempts> = Object.freeze({
  attempt: 0,
  sessionLosses: 0,
  splits: 0,
});

/**
 * Runs `parts` one after the other on the batch's window, each as a group of its own. When one
 * breaks off (no session for it, the batch given back to the queue) or the run stops between
 * two, the parts not yet started go back to pending: none of them was sent since the group's
 * failed attempt, so another worker or a resume may take them.
 */
async function runParts<Input, Output>(
  scope: BatchScope<Input, Output>,
  operation: GroupOperation<Input, Output>,
  parts: readonly (readonly number[])[],
  spent: GroupAttempts,
  outcome: GroupOutcome,
): Promise<GroupOutcome> {
  for (const [index, part] of parts.entries()) {
    if (index > 0 && scope.runtime.stop.stopping) {
      return returnToPending(scope, parts.slice(index).flat(), "stopped", outcome);
    }

    let started = false;
    try {
      if (index > 0) await scope.lease.clear();
      started = true;
      for (const [itemId, partOutcome] of await runGroup(scope, operation, part, spent)) {
        outcome.set(itemId, partOutcome);
      }
    } catch (error) {
      const notStarted = parts.slice(started ? index + 1 : index).flat();
      returnToPending(scope, notStarted, "an earlier part of the group broke off", new Map());
      throw error;
    }
  }

  return outcome;
}

function halves(itemIds: readonly number[]): number[][] {
  const half = Math.ceil(itemIds.length / 2);
  return [itemIds.slice(0, half), itemIds.slice(half)];
}

/**
 * Runs a group (items sharing one window load and one save) to the end. After an ambiguous
 * save the whole group is reconciled and only the missing items are re-sent; a refused group is
 * split in halves so that one bad item does not fail the others.
 *
 * A group that failed for a passing reason (a 500, a reset, a lost session) is retried in
 * halves too, and such a failed attempt of a group of several costs its halves none of their
 * retries: an item spends its budget only on attempts made alone, after at most log2(size)
 * splits. A group of 25 links is about 55 requests, a link alone about 7; at one fault in 25
 * requests (the fault soak's default) a group's attempt fails nine times in ten. When the halves
 * inherited the attempts spent, a sixth to a ninth of the links failed in the soak's first run,
 * against under 1 % of the pages; with free splits, as few links fail as pages. So also with no
 * retries at all (`retries: 0`): a group's failed attempt is no item's own, and is split down to
 * single items, each tried once alone; an item that then fails alone is not sent again.
 */
export async function runGroup<Input, Output>(
  scope: BatchScope<Input, Output>,
  operation: GroupOperation<Input, Output>,
  groupItemIds: readonly number[],
  spent: Readonly<GroupAttempts> = GROUP_START,
): Promise<GroupOutcome> {
  const { runtime, lease, workerIndex } = scope;
  const outcome: GroupOutcome = new Map();
  let itemIds = [...groupItemIds];
  let { attempt, sessionLosses } = spent;
  const { splits } = spent;

  while (itemIds.length > 0) {
    if (attempt > 0 && runtime.stop.stopping) {
      return returnToPending(scope, itemIds, "stopped", outcome);
    }

    let window: Window;
    try {
      window = await lease.window();
    } catch (error) {
      if (attempt > 0)
        returnToPending(scope, itemIds, "no session for the next attempt", new Map());
      if (error instanceof StoppingError)
        return returnToPending(scope, itemIds, "stopped", outcome);

      throw error;
    }

    attempt += 1;
    const inputs = itemIds.map((itemId) => runtime.item(itemId).input as Input);
    const description = `${operation.describe(inputs[0] as Input)} and ${inputs.length - 1} more`;
    // Taken in once committed: a failed commit leaves the items pending in the file.
    const place = { batch: scope.batch, session: lease.sessionNumber };
    const marked = runtime.journal.transaction(() =>
      itemIds.map((itemId) =>
        runtime.journal.markInFlight(itemId, place, { expected: runtime.item(itemId) }),
      ),
    );
    for (const row of marked) runtime.remember(row);

    let outputs: Output[];
    try {
      outputs = await operation.runGroup(
        window,
        inputs,
        operationContext(scope, attempt, description, undefined),
      );
      if (outputs.length !== inputs.length) {
        throw new Error(
          `${operation.name} answered ${outputs.length} output(s) for ${inputs.length} input(s)`,
        );
      }
    } catch (error) {
      if (runtime.stop.hard.aborted) {
        for (const itemId of itemIds) outcome.set(itemId, "in-flight");

        return outcome;
      }

      const reading = readFailure(error);
      if (reading.fresh === "session") sessionLosses += 1;
      await recover(scope, reading);

      if (reading.retry === "permanent" && itemIds.length > 1) {
        returnToPending(scope, itemIds, "group refused: split in halves", new Map());
        return runParts(scope, operation, halves(itemIds), GROUP_START, outcome);
      }

      let reconciledAbsent = false;
      if (reading.retry !== "transient") {
        const answers = await askServer(
          runtime,
          scope.client,
          itemIds.map((id) => runtime.item(id)),
        );
        const missing: number[] = [];
        for (const itemId of itemIds) {
          const answer = answers.get(itemId);
          if (answer?.answer === "present") {
            settleItem(runtime, workerIndex, runtime.item(itemId), {
              state: "succeeded",
              result: answer.output as Output,
              via: "reconcile",
            });
            outcome.set(itemId, "settled");
          } else if (answer?.answer === "absent") {
            missing.push(itemId);
          } else {
            outcome.set(itemId, "in-flight");
          }
        }

        itemIds = missing;
        reconciledAbsent = true;
        if (itemIds.length === 0) return outcome;
      }

      // A failed attempt of a group that will be split is free, as were those it was split from:
      // it counts 0 against the budget, so a split goes ahead even with no retries allowed.
      const splitting = itemIds.length > 1;
      const freeAttempts =
        Math.min(sessionLosses, extraSessionRetries) + splits + (splitting ? 1 : 0);
      const decision = decideRetry({
        reading,
        attempt: Math.max(0, attempt - freeAttempts),
        retries: runtime.options.retries,
        reconciledAbsent,
        retryable: reading.code !== "P21_OPERATION_FAILED",
        backoff: runtime.options.backoff,
        random: runtime.options.random(),
      });

      if (decision.action !== "retry") {
        for (const itemId of itemIds) {
          settleItem(runtime, workerIndex, runtime.item(itemId), {
            state: "failed",
            errorCode: reading.code,
            errorMessage: reading.message,
          });
          outcome.set(itemId, "settled");
        }

        return outcome;
      }

      runtime.statistics.retries += 1;
      runtime.emit({
        type: "retry",
        workerIndex,
        itemId: itemIds[0],
        naturalKey: undefined,
        attempt: attempt + 1,
        delayMs: decision.delayMs,
        errorCode: reading.code,
        errorMessage: reading.message,
        fresh: decision.fresh,
      });
      if (!(await sleep(decision.delayMs, runtime.stop.graceful, runtime.stop.hard))) {
        return returnToPending(scope, itemIds, "stopped while waiting to retry", outcome);
      }

      if (splitting) {
        const spentByHalves = { attempt, sessionLosses, splits: splits + 1 };
        return runParts(scope, operation, halves(itemIds), spentByHalves, outcome);
      }

      continue;
    }

    outputs.forEach((output, index) => {
      const itemId = itemIds[index];
      if (itemId === undefined) return;

      settleItem(runtime, workerIndex, runtime.item(itemId), {
        state: "succeeded",
        result: output,
        via: "run",
      });
      outcome.set(itemId, "settled");
    });
    lease.recordSettled();
    itemIds = [];
  }

  return outcome;
}
