import type { BatchScope } from "./attempt-context.js";
import { settleItem } from "./attempt-context.js";
import { VerificationError } from "./errors.js";
import type { RecordOperation } from "./operation.js";
import { askServer } from "./reconcile.js";
import { decide, returnToPending, runRecord } from "./record-runner.js";
import { readFailure } from "./retry.js";

/**
 * Reads back, out of band, the records of a batch whose operation leaves that to the engine
 * (`readBack: "batch"`): one question to the server about all of them once they ran, instead
 * of a window read after every save. A record the server holds as written succeeds. One it
 * does not hold was not written, so it is safe to send again: with `"retry"` it is tried again
 * on the batch's window, within its attempts, and asked about again; with `"release"` (the
 * batch cannot go on) it goes back to pending for the next batch to take. A record the server
 * gives no answer about stays in flight, for the next run's reconciliation; so does every record
 * after a hard stop.
 */
export async function readBackBatch<Input, Output>(
  scope: BatchScope<Input, Output>,
  operation: RecordOperation<Input, Output>,
  then: "retry" | "release",
): Promise<void> {
  const { runtime, lease, workerIndex } = scope;

  while (scope.written.size > 0 && !runtime.stop.hard.aborted) {
    const written = [...scope.written];
    scope.written.clear();
    const answers = await askServer(
      runtime,
      scope.client,
      written.map(([itemId]) => runtime.item(itemId)),
    );
    if (runtime.stop.hard.aborted) return;

    const refuted: [itemId: number, attempt: number][] = [];
    for (const [itemId, { output, attempt }] of written) {
      const answer = answers.get(itemId);
      if (answer?.answer === "present") {
        settleItem(runtime, workerIndex, runtime.item(itemId), {
          state: "succeeded",
          result: output,
          via: "run",
        });
      } else if (answer?.answer === "absent") {
        refuted.push([itemId, attempt]);
      } else {
        runtime.emit({
          type: "warning",
          code: "P21_RECONCILE_FAILED",
          message:
            `could not read back ${operation.describe(runtime.item(itemId).input as Input)} ` +
            `after its save (${answer?.errorCode ?? "unknown"}); it stays in flight and the ` +
            "next run reconciles it",
        });
      }
    }

    for (const [index, [itemId, attempt]] of refuted.entries()) {
      const description = operation.describe(runtime.item(itemId).input as Input);
      const reading = readFailure(
        new VerificationError(`${description}: after the save the server does not hold it`),
      );
      if (then === "release") {
        returnToPending(scope, itemId, reading.message);
        continue;
      }

      try {
        if ((await decide(scope, itemId, reading, attempt, 0, true)) !== "retry") continue;

        await lease.clear();
        await runRecord(scope, operation, itemId, attempt);
      } catch (error) {
        // The batch cannot go on (no session): the records not tried again were not written.
        for (const [laterId] of refuted.slice(index + 1)) {
          returnToPending(scope, laterId, "the batch ended before it was sent again");
        }
        throw error;
      }
    }
  }
}
