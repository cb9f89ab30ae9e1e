import { canonicalJson } from "./canonical-json.js";
import { JournalError } from "./errors.js";
import type { JournalErrorContext } from "./errors.js";
import { itemStates, runStates, settledItemStates } from "./types.js";
import type { ItemState, RunState, SettledItemState } from "./types.js";

function invalid(message: string, context: JournalErrorContext): JournalError {
  return new JournalError("P21_JOURNAL_INPUT", message, context);
}

/** A non-empty string, or `P21_JOURNAL_INPUT`. */
export function requireText(value: unknown, name: string, context: JournalErrorContext): string {
  if (typeof value !== "string" || value.length === 0) {
    throw invalid(`${context.operation ?? "journal"}: ${name} must be a non-empty string`, context);
  }

  return value;
}

/** A string or `undefined` (as `null`), or `P21_JOURNAL_INPUT`. */
export function optionalText(
  value: unknown,
  name: string,
  context: JournalErrorContext,
): string | null {
  if (value === undefined || value === null) return null;

  if (typeof value !== "string") {
    throw invalid(`${context.operation ?? "journal"}: ${name} must be a string`, context);
  }

  return value;
}

/** A non-negative safe integer, or `P21_JOURNAL_INPUT`. */
export function requireCount(value: unknown, name: string, context: JournalErrorContext): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(
      `${context.operation ?? "journal"}: ${name} must be a non-negative integer, not ${String(value)}`,
      context,
    );
  }

  return value;
}

const runIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** A run id the CLI can print and take back: letters, digits, `.`, `_`, `:`, `-`. */
export function requireRunId(value: unknown, context: JournalErrorContext): string {
  if (typeof value !== "string" || !runIdPattern.test(value)) {
    throw invalid(
      `${context.operation ?? "journal"}: run id ${JSON.stringify(value)} must be 1 to 128 letters, digits, '.', '_', ':' or '-'`,
      context,
    );
  }

  return value;
}

export function requireRunState(value: unknown, context: JournalErrorContext): RunState {
  if (!runStates.includes(value as RunState)) {
    throw invalid(`unknown run state ${JSON.stringify(value)}`, context);
  }

  return value as RunState;
}

export function requireItemStates(
  values: readonly unknown[],
  context: JournalErrorContext,
): ItemState[] {
  for (const value of values) {
    if (!itemStates.includes(value as ItemState)) {
      throw invalid(`unknown item state ${JSON.stringify(value)}`, context);
    }
  }

  return values as ItemState[];
}

export function requireSettledState(
  value: unknown,
  context: JournalErrorContext,
): SettledItemState {
  if (!settledItemStates.includes(value as SettledItemState)) {
    throw invalid(
      `an item settles as succeeded, failed or skipped, not ${JSON.stringify(value)}`,
      context,
    );
  }

  return value as SettledItemState;
}

/** The JSON text of a value, with `P21_JOURNAL_INPUT` (and the context) when it has none. */
export function toJsonText(value: unknown, name: string, context: JournalErrorContext): string {
  try {
    return canonicalJson(value);
  } catch (error) {
    throw invalid(`${context.operation ?? "journal"}: ${name} cannot be written as JSON`, {
      ...context,
      cause: error,
    });
  }
}
