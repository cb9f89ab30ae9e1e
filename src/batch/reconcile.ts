import type { P21Client } from "../client/index.js";
import type { ItemRecord } from "../journal/index.js";
import { reconcileContext, settleItem } from "./attempt-context.js";
import type { PhaseRuntime } from "./phase-runtime.js";
import type { ReconcileAnswer } from "./resume-plan.js";
import { backoffDelayMs, readFailure } from "./retry.js";
import { sleep } from "./stop.js";

/** The server's answer about one item. */
export interface ServerAnswer<Output> {
  answer: ReconcileAnswer;
  output?: Output;
  errorCode?: string;
}

async function withRetries<Input, Output, T>(
  runtime: PhaseRuntime<Input, Output>,
  ask: () => Promise<T>,
): Promise<{ value: T } | { errorCode: string; errorMessage: string }> {
  const attempts = runtime.options.retries + 1;
  let last = { errorCode: "P21_RECONCILE_FAILED", errorMessage: "not attempted" };

  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (runtime.stop.hard.aborted) break;

    try {
      return { value: await ask() };
    } catch (error) {
      const reading = readFailure(error);
      last = { errorCode: reading.code, errorMessage: reading.message };
      if (reading.retry === "permanent" || attempt === attempts) break;

      const delayMs = backoffDelayMs(attempt, runtime.options.backoff, runtime.options.random());
      if (!(await sleep(delayMs, runtime.stop.hard))) break;
    }
  }

  return last;
}

/**
 * Asks the server, through the operation's reconcile, which of `items` it already holds: all
 * at once through `reconcileMany` when there are several and the operation has it, a group at
 * a time for a group operation, else one by one. A reconciliation that keeps failing, or
 * answers for fewer records than it was asked about, answers "unknown": the item must not be
 * re-sent.
 */
export async function askServer<Input, Output>(
  runtime: PhaseRuntime<Input, Output>,
  client: P21Client,
  items: readonly ItemRecord[],
): Promise<Map<number, ServerAnswer<Output>>> {
  const operation = runtime.operation;
  const context = reconcileContext(runtime);
  const answers = new Map<number, ServerAnswer<Output>>();
  const askAbout = async (
    members: readonly ItemRecord[],
    reconcile: (inputs: Input[]) => Promise<(Output | undefined)[]>,
  ) => {
    const inputs = members.map((item) => item.input as Input);
    const outcome = await withRetries(runtime, async () => {
      const outputs = await reconcile(inputs);
      if (outputs.length !== inputs.length) {
        throw new Error(
          `${operation.name} reconciled ${outputs.length} record(s) of ${inputs.length}`,
        );
      }

      return outputs;
    });
    members.forEach((item, index) => {
      answers.set(
        item.id,
        answerOf("value" in outcome ? { value: outcome.value[index] } : outcome),
      );
    });
  };

  if (operation.kind === "group") {
    const groups = new Map<string, ItemRecord[]>();
    for (const item of items) {
      const key = operation.groupKey(item.input as Input);
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    for (const members of groups.values()) {
      await askAbout(members, (inputs) => operation.reconcile(client, inputs, context));
    }
  } else if (operation.reconcileMany !== undefined && items.length > 1) {
    const reconcileMany = operation.reconcileMany.bind(operation);
    await askAbout(items, (inputs) => reconcileMany(client, inputs, context));
  } else {
    for (const item of items) {
      await askAbout([item], async ([input]) => [
        await operation.reconcile(client, input as Input, context),
      ]);
    }
  }

  return answers;
}

function answerOf<Output>(
  outcome: { value: Output | undefined } | { errorCode: string; errorMessage: string },
): ServerAnswer<Output> {
  if (!("value" in outcome)) return { answer: "unknown", errorCode: outcome.errorCode };
  if (outcome.value === undefined) return { answer: "absent" };

  return { answer: "present", output: outcome.value };
}

/**
 * Reconciles the items found in flight when the phase starts: present → succeeded, absent →
 * pending again, unknown → left in flight (never re-sent blindly). Returns the answers.
 */
export async function reconcileInFlight<Input, Output>(
  runtime: PhaseRuntime<Input, Output>,
  client: P21Client,
  items: readonly ItemRecord[],
): Promise<Map<number, ReconcileAnswer>> {
  const answers = await askServer(runtime, client, items);
  const summary = new Map<number, ReconcileAnswer>();

  for (const item of items) {
    const answer = answers.get(item.id) ?? { answer: "unknown" as const };
    summary.set(item.id, answer.answer);

    if (answer.answer === "present") {
      settleItem(runtime, 0, item, {
        state: "succeeded",
        result: answer.output as Output,
        via: "reconcile",
      });
    } else if (answer.answer === "absent") {
      runtime.remember(runtime.journal.returnToPending(item.id, "not found on the server"));
    } else {
      runtime.emit({
        type: "warning",
        code: "P21_RECONCILE_FAILED",
        message:
          `could not find out whether ${runtime.operation.describe(item.input as Input)} ` +
          `reached the server (${answer.errorCode ?? "unknown"}); it stays in flight and is not re-sent`,
      });
    }
  }

  return summary;
}
