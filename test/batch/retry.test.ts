import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  P21HttpError,
  P21NetworkError,
  PoolExhaustedError,
  ServerRefusedError,
  SessionExpiredError,
  TokenExpiredError,
  WindowStateError,
} from "../../src/client/index.js";
import { RecordRefusedError, VerificationError } from "../../src/batch/index.js";
import { backoffDelayMs, decideRetry, readFailure } from "../../src/batch/retry.js";

const backoff = { baseMs: 250, maxMs: 5_000 };

describe("readFailure", () => {
  it("reads the client's retry class and whether the session is gone", () => {
    expect(readFailure(new P21NetworkError("reset"))).toMatchObject({
      retry: "transient",
      fresh: "window",
      code: "P21_NETWORK",
    });
    expect(readFailure(new SessionExpiredError("gone"))).toMatchObject({ fresh: "session" });
    expect(readFailure(new TokenExpiredError("401"))).toMatchObject({ fresh: "session" });
    expect(readFailure(new PoolExhaustedError("full"))).toMatchObject({ fresh: "session" });
    expect(readFailure(new WindowStateError("P21_WINDOW_NOT_FOUND", "404"))).toMatchObject({
      retry: "transient",
      fresh: "window",
    });
    expect(readFailure(new ServerRefusedError("Column is disabled: x"))).toMatchObject({
      retry: "permanent",
    });
    expect(readFailure(new RecordRefusedError("save failed"))).toMatchObject({
      retry: "permanent",
      code: "P21_RECORD_REFUSED",
    });
    expect(readFailure(new VerificationError("read-back differs"))).toMatchObject({
      retry: "ambiguous",
    });
    expect(
      readFailure(new P21HttpError("empty 500 on save", { status: 500, retry: "ambiguous" })),
    ).toMatchObject({ retry: "ambiguous", code: "P21_SERVER_ERROR" });
  });

  it("reads an error that is not a P21Error as ambiguous, to be reconciled and never retried", () => {
    const reading = readFailure(new TypeError("cannot read properties of undefined"));
    expect(reading).toMatchObject({ retry: "ambiguous", code: "P21_OPERATION_FAILED" });

    const first = decideRetry({
      reading,
      attempt: 1,
      retries: 2,
      reconciledAbsent: false,
      retryable: false,
      backoff,
      random: 0.5,
    });
    expect(first).toEqual({ action: "reconcile" });

    const second = decideRetry({
      reading,
      attempt: 1,
      retries: 2,
      reconciledAbsent: true,
      retryable: false,
      backoff,
      random: 0.5,
    });
    expect(second).toEqual({ action: "fail" });
  });
});

describe("backoffDelayMs", () => {
  it("doubles the ceiling per retry up to the cap, with full jitter", () => {
    expect(backoffDelayMs(1, backoff, 0.999_999)).toBe(249);
    expect(backoffDelayMs(2, backoff, 0.999_999)).toBe(499);
    expect(backoffDelayMs(3, backoff, 0.999_999)).toBe(999);
    expect(backoffDelayMs(10, backoff, 0.999_999)).toBe(4_999);
    expect(backoffDelayMs(3, backoff, 0)).toBe(0);
  });

  it("stays within [0, min(max, base·2^(n-1))] for any input (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 200 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: -1, max: 2, noNaN: true }),
        (retryNumber, baseMs, extraMs, random) => {
          const limits = { baseMs, maxMs: baseMs + extraMs };
          const delayMs = backoffDelayMs(retryNumber, limits, random);
          const ceilingMs = Math.min(
            limits.maxMs,
            baseMs * 2 ** Math.min(Math.max(retryNumber - 1, 0), 30),
          );

          expect(Number.isInteger(delayMs)).toBe(true);
          expect(delayMs).toBeGreaterThanOrEqual(0);
          expect(delayMs).toBeLessThanOrEqual(ceilingMs);
        },
      ),
    );
  });

  it("grows monotonically with the retry number for a fixed random draw (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (retryNumber, random) => {
          expect(backoffDelayMs(retryNumber + 1, backoff, random)).toBeGreaterThanOrEqual(
            backoffDelayMs(retryNumber, backoff, random),
          );
        },
      ),
    );
  });
});

describe("decideRetry", () => {
  const readings = fc.record({
    retry: fc.constantFrom("transient" as const, "permanent" as const, "ambiguous" as const),
    fresh: fc.constantFrom("window" as const, "session" as const),
  });

  it("never retries a permanent failure, and never re-sends an unreconciled ambiguous one (property)", () => {
    fc.assert(
      fc.property(
        readings,
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 10 }),
        fc.boolean(),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (reading, attempt, retries, reconciledAbsent, random) => {
          const decision = decideRetry({
            reading,
            attempt,
            retries,
            reconciledAbsent,
            backoff,
            random,
          });

          if (reading.retry === "permanent") expect(decision.action).toBe("fail");
          if (reading.retry === "ambiguous" && !reconciledAbsent) {
            expect(decision.action).toBe("reconcile");
          }
          if (decision.action === "retry") {
            expect(attempt).toBeLessThanOrEqual(retries);
            expect(decision.fresh).toBe(reading.fresh);
            expect(decision.delayMs).toBeLessThanOrEqual(backoff.maxMs);
          }
        },
      ),
    );
  });

  it("spends exactly `retries` extra attempts on a record that keeps failing transiently (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), (retries) => {
        let attempts = 1;
        for (;;) {
          const decision = decideRetry({
            reading: { retry: "transient", fresh: "window" },
            attempt: attempts,
            retries,
            reconciledAbsent: false,
            backoff,
            random: 0.3,
          });
          if (decision.action !== "retry") break;
          attempts += 1;
        }

        expect(attempts).toBe(retries + 1);
      }),
    );
  });

  it("retries an ambiguous failure once reconciliation found the record absent", () => {
    expect(
      decideRetry({
        reading: { retry: "ambiguous", fresh: "window" },
        attempt: 1,
        retries: 2,
        reconciledAbsent: true,
        backoff,
        random: 0,
      }),
    ).toEqual({ action: "retry", fresh: "window", delayMs: 0 });
  });
});
