import { expect } from "vitest";

import { JournalError } from "../../../src/journal/index.js";
import type {
  ItemOutcome,
  ItemRecord,
  ItemState,
  JournalErrorCode,
  SettledItemState,
} from "../../../src/journal/index.js";

// What the journal must answer, worked out without it: the records its writes leave, and its
// refusals.

/** How a test settles an item: `variant` tells two outcomes of one state apart. */
export interface Outcome {
  state: SettledItemState;
  variant: number;
}

/** A refusal as the journal throws it: its code, and the operation and item it names. */
export interface Refusal {
  code: JournalErrorCode;
  operation: string;
  itemId?: number;
}

/** What the journal must do: answer a value, or refuse. */
export type Prediction<T> = { answer: T } | { refusal: Refusal };

export function isSettled(state: ItemState): boolean {
  return state === "succeeded" || state === "failed" || state === "skipped";
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function itemOutcome({ state, variant }: Outcome): ItemOutcome {
  if (state !== "failed") return { state, result: { variant } };

  return {
    state,
    result: { variant },
    errorCode: `E${variant}`,
    errorMessage: `failure ${variant}`,
  };
}

/** Whether `record` is already settled with `outcome`: settling it so again changes nothing. */
export function settledWith(record: ItemRecord, outcome: Outcome): boolean {
  const result = record.result as { variant?: number } | undefined;

  return record.state === outcome.state && result?.variant === outcome.variant;
}

export function settledRecord(record: ItemRecord, outcome: Outcome, atMs: number): ItemRecord {
  const { result, errorCode, errorMessage } = itemOutcome(outcome);

  return {
    ...record,
    state: outcome.state,
    result,
    errorCode,
    errorMessage,
    settledAt: iso(atMs),
    durationMs:
      record.startedAt === undefined ? undefined : Math.max(0, atMs - Date.parse(record.startedAt)),
  };
}

export function stateRefusal(operation: string, itemId: number): Refusal {
  return { code: "P21_JOURNAL_STATE", operation, itemId };
}

/** Calls the journal and holds its answer or refusal to the prediction. */
export function expectPrediction<T>(what: string, call: () => T, prediction: Prediction<T>): void {
  let answer: T;
  try {
    answer = call();
  } catch (error) {
    if (!("refusal" in prediction) || !(error instanceof JournalError)) throw error;

    const { code, operation, itemId } = error;
    expect({ code, operation, itemId }, what).toMatchObject(prediction.refusal);

    return;
  }

  if ("refusal" in prediction) {
    throw new Error(`${what}: expected ${prediction.refusal.code}, the journal accepted it`);
  }

  expect(answer, what).toEqual(prediction.answer);
}
