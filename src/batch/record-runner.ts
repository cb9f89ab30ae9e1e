import type { Window } from "../client/index.js";
import type { ItemRecord } from "../journal/index.js";
import type { BatchScope } from "./attempt-context.js";
import { markAttempt, operationContext, settleItem } from "./attempt-context.js";
import type { RecordOperation } from "./operation.js";
import { askServer } from "./reconcile.js";
import type { FailureReading } from "./retry.js";
import { decideRetry, readFailure } from "./retry.js";
import { StoppingError } from "./session-lease.js";
import { sleep } from "./stop.js";

/** How one record ended in this run. */
export type RecordOutcome =
  /** succeeded or failed, written to the journal. */
  | "settled"
  /** A stop came before the record was (re)sent: back to pending, or never touched. */
  | "stopped"
  /** It may have been written and nobody knows: left in flight for the next reconciliation. */
  | "in-flight"
  /** Saved, and in flight until the batch's read-back settles it (`readBack: "batch"`). */
  | "written";

/** Retries allowed after losing the session, beyond the record's own budget. */
export const extraSessionRetries = 3;

/**
 * Replaces what a failure spoiled: always the window (closed without saving), and the session
 * when it is gone.
 */
export async function recover<Input, Output>(
  scope: BatchScope<Input, Output>,
  reading: FailureReading,
): Promise<void> {
  if (reading.fresh === "session") {
    await scope.lease.replaceSession(
      `${reading.code} in ${scope.runtime.operation.service}`,
      reading.code,
    );
  } else {
    await scope.lease.discardWindow(reading.message, reading.code);
  }
}

/**
 * Runs one record to the end: attempts on a clean window, retries transient failures with
 * backoff, reconciles ambiguous ones before anything is re-sent, and settles the item (or,
 * for an operation whose batch reads its saves back, hands it to that read-back as written).
 * `attemptsBefore` counts the attempts this run already made of the record.
 */
export async function runRecord<Input, Output>(
  scope: BatchScope<Input, Output>,
  operation: RecordOperation<Input, Output>,
  itemId: number,
  attemptsBefore = 0,
): Promise<RecordOutcome> {
  const { runtime, lease, workerIndex } = scope;
  const input = runtime.item(itemId).input as Input;
  const description = operation.describe(input);
  let attempt = attemptsBefore;
  let sessionLosses = 0;

  for (;;) {
    if (attempt > 0 && runtime.stop.stopping) return returnToPending(scope, itemId, "stopped");

    let window: Window;
    try {
      window = await lease.window();
    } catch (error) {
      // Only reached before a first attempt or after a failure known not to have written.
      if (attempt > 0) returnToPending(scope, itemId, "no session for the next attempt");
      if (error instanceof StoppingError) return "stopped";

      throw error;
    }

    attempt += 1;
    markAttempt(scope, itemId, attempt, lease.sessionNumber);

    let output: Output;
    try {
      output = await operation.run(
        window,
        input,
        operationContext(scope, attempt, description, itemId),
      );
    } catch (error) {
      // Abandoned at once: it may have been written; the next run reconciles it.
      if (runtime.stop.hard.aborted) return "in-flight";

      const reading = readFailure(error);
      if (reading.fresh === "session") sessionLosses += 1;
      await recover(scope, reading);

      const outcome = await decide(scope, itemId, reading, attempt, sessionLosses);
      if (outcome === "retry") continue;

      return outcome;
    }

    // Done on this session either way: a session lost later was not lost young.
    lease.recordSettled();
    if (operation.readBack === "batch") {
      scope.written.set(itemId, { output, attempt });
      if (runtime.listened) {
        const item = runtime.item(itemId);
        runtime.emit({
          type: "record-saved",
          workerIndex,
          itemId,
          naturalKey: item.naturalKey,
          attempts: item.attempts,
        });
      }

      return "written";
    }

    settleItem(runtime, workerIndex, runtime.item(itemId), {
      state: "succeeded",
      result: output,
      via: "run",
    });

    return "settled";
  }
}

/**
 * What follows a failed attempt of a record: settled failed, settled by finding it on the
 * server, left in flight, back to pending (a stop), or "retry" after the backoff.
 * `reconciledAbsent`: the server already said it does not hold the record.
 */
export async function decide<Input, Output>(
  scope: BatchScope<Input, Output>,
  itemId: number,
  reading: FailureReading,
  attempt: number,
  sessionLosses: number,
  reconciledAbsent = false,
): Promise<RecordOutcome | "retry"> {
  const { runtime, workerIndex } = scope;
  const options = runtime.options;

  for (;;) {
    // Session losses (expiry, token invalidation) get a few attempts of their own, so that a
    // record is not failed for what happened to its session.
    const countedAttempt = attempt - Math.min(sessionLosses, extraSessionRetries);
    const decision = decideRetry({
      reading,
      attempt: countedAttempt,
      retries: options.retries,
      reconciledAbsent,
      retryable: reading.code !== "P21_OPERATION_FAILED",
      backoff: options.backoff,
      random: options.random(),
    });

    if (decision.action === "fail") {
      settleItem(runtime, workerIndex, runtime.item(itemId), {
        state: "failed",
        errorCode: reading.code,
        errorMessage: reading.message,
      });
      scope.lease.recordSettled();

      return "settled";
    }

    if (decision.action === "reconcile") {
      const answer = (await askServer(runtime, scope.client, [runtime.item(itemId)])).get(itemId);
      if (answer?.answer === "present") {
        settleItem(runtime, workerIndex, runtime.item(itemId), {
          state: "succeeded",
          result: answer.output as Output,
          via: "reconcile",
        });
        scope.lease.recordSettled();

        return "settled";
      }

      if (answer?.answer !== "absent") return "in-flight";

      reconciledAbsent = true;
      continue;
    }

    runtime.statistics.retries += 1;
    runtime.emit({
      type: "retry",
      workerIndex,
      itemId,
      naturalKey: runtime.item(itemId).naturalKey,
      attempt: attempt + 1,
      delayMs: decision.delayMs,
      errorCode: reading.code,
      errorMessage: reading.message,
      fresh: decision.fresh,
    });

    if (!(await sleep(decision.delayMs, runtime.stop.graceful, runtime.stop.hard))) {
      return returnToPending(scope, itemId, "stopped while waiting to retry");
    }

    return "retry";
  }
}

export function returnToPending<Input, Output>(
  scope: BatchScope<Input, Output>,
  itemId: number,
  reason: string,
): RecordOutcome {
  const item: ItemRecord = scope.runtime.item(itemId);
  if (item.state === "in_flight") {
    scope.runtime.remember(scope.runtime.journal.returnToPending(itemId, reason));
  }

  return "stopped";
}
