import { P21Error } from "../client/index.js";
import type { RetryClass } from "../client/index.js";

/** How the engine reads a failure. */
export interface FailureReading {
  /** transient: retry; permanent: settle failed; ambiguous: reconcile before anything else. */
  retry: RetryClass;
  /** What must be replaced before the next attempt: the window, or the whole session. */
  fresh: "window" | "session";
  code: string;
  message: string;
}

/** Codes after which the session (and with it every window) is gone. */
const sessionCodes: ReadonlySet<string> = new Set([
  "P21_SESSION_EXPIRED",
  "P21_TOKEN_EXPIRED",
  "P21_SESSION_EXISTS",
  "P21_POOL_EXHAUSTED",
  "P21_CLOSED",
]);

/**
 * Reads any thrown value. A value that is not a P21Error (a bug in an operation, a parse error
 * after a save) is treated as ambiguous-then-permanent: the engine reconciles it, and fails the
 * record if the server does not hold it, so that no committed record is ever reported failed.
 */
export function readFailure(error: unknown): FailureReading {
  if (error instanceof P21Error) {
    // A session or window used after the client marked it closed is stale, not wrong: replace it.
    const stale = error.code === "P21_CLOSED";

    return {
      retry: stale ? "transient" : error.retry,
      fresh: sessionCodes.has(error.code) ? "session" : "window",
      code: error.code,
      message: error.message,
    };
  }

  const message = error instanceof Error ? error.message : String(error);

  return { retry: "ambiguous", fresh: "window", code: "P21_OPERATION_FAILED", message };
}

/** The next step after a failed attempt. */
export type RetryDecision =
  | { action: "retry"; fresh: "window" | "session"; delayMs: number }
  | { action: "reconcile" }
  | { action: "fail" };

/** What a retry decision depends on; nothing else. */
export interface RetryDecisionInput {
  reading: Pick<FailureReading, "retry" | "fresh">;
  /**
   * The attempt that just failed, counted against the budget: 1 for a record's first attempt,
   * 0 for one that spends none of it (a lost session's, a split group's).
   */
  attempt: number;
  /** Extra attempts allowed after the first. */
  retries: number;
  /** True once a reconciliation said the record is not on the server (then it is retryable). */
  reconciledAbsent: boolean;
  /** False when the failure was not a P21Error: never retried, only reconciled. */
  retryable?: boolean;
  backoff: { baseMs: number; maxMs: number };
  /** A number in [0, 1). */
  random: number;
}

/**
 * Capped exponential backoff with full jitter: a uniform delay in [0, min(max, base·2^(n-1))]
 * before retry number n (1-based). Pure.
 */
export function backoffDelayMs(
  retryNumber: number,
  backoff: { baseMs: number; maxMs: number },
  random: number,
): number {
  const exponent = Math.min(Math.max(retryNumber - 1, 0), 30);
  const ceilingMs = Math.min(backoff.maxMs, backoff.baseMs * 2 ** exponent);
  const clamped = Math.min(Math.max(random, 0), 1);

  return Math.floor(clamped * ceilingMs);
}

/**
 * Decides what follows a failed attempt. Pure.
 * - permanent: fail.
 * - ambiguous and not yet reconciled: reconcile (never re-send a write that may have happened).
 * - transient (or ambiguous that reconciliation found absent): retry while the budget lasts.
 */
export function decideRetry(input: RetryDecisionInput): RetryDecision {
  const { reading } = input;
  if (reading.retry === "permanent") return { action: "fail" };
  if (reading.retry === "ambiguous" && !input.reconciledAbsent) return { action: "reconcile" };
  if (input.retryable === false) return { action: "fail" };
  if (input.attempt > input.retries) return { action: "fail" };

  return {
    action: "retry",
    fresh: reading.fresh,
    delayMs: backoffDelayMs(input.attempt, input.backoff, input.random),
  };
}
