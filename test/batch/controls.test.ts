import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineError, matchDialogRule } from "../../src/batch/index.js";
import { resolveEngineOptions } from "../../src/batch/options.js";
import type { EngineOptions } from "../../src/batch/options.js";
import { ProgressCounter } from "../../src/batch/progress-counter.js";
import { StopController, sleep } from "../../src/batch/stop.js";
import { WorkerCountController } from "../../src/batch/worker-count.js";

describe("WorkerCountController", () => {
  it("drops to the sessions the pool holds when the others are refused", () => {
    const changes: [number, number, string][] = [];
    const controller = new WorkerCountController(5, (from, to, reason) =>
      changes.push([from, to, reason]),
    );

    controller.sessionRefused(3, "pool-refused");
    controller.sessionRefused(3, "pool-refused");

    expect(controller.target).toBe(3);
    expect(changes).toEqual([[5, 3, "pool-refused"]]);
  });

  it("halves on refusals when few sessions are open, and grows back one at a time", () => {
    const controller = new WorkerCountController(8);
    controller.sessionRefused(0, "pool-refused");
    expect(controller.target).toBe(4);

    for (let batch = 0; batch < 8; batch += 1) controller.batchSucceeded();
    expect(controller.target).toBe(5);
  });

  it("probes a refused level less often each time it is refused again", () => {
    const controller = new WorkerCountController(4);
    controller.sessionRefused(3, "pool-refused");
    expect(controller.target).toBe(3);

    let batches = 0;
    while (controller.target === 3) {
      controller.batchSucceeded();
      batches += 1;
    }
    expect(batches).toBe(4);

    controller.sessionRefused(3, "pool-refused");
    batches = 0;
    while (controller.target === 3) {
      controller.batchSucceeded();
      batches += 1;
    }
    expect(batches).toBe(8);
  });

  it("keeps to one worker for good once tokens invalidate each other", () => {
    const controller = new WorkerCountController(6);
    controller.tokenContention();
    expect(controller.target).toBe(1);
    for (let batch = 0; batch < 100; batch += 1) controller.batchSucceeded();
    expect(controller.target).toBe(1);
  });

  it("stays within [1, maximum] under any sequence of signals (property)", () => {
    const signal = fc.oneof(
      fc.record({ kind: fc.constant("refused" as const), open: fc.integer({ min: 0, max: 12 }) }),
      fc.record({ kind: fc.constant("success" as const) }),
      fc.record({ kind: fc.constant("contention" as const) }),
    );

    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(signal, { maxLength: 200 }),
        (maximum, signals) => {
          const controller = new WorkerCountController(maximum);
          let ceiling = maximum;
          for (const entry of signals) {
            const before = controller.target;
            if (entry.kind === "refused") {
              controller.sessionRefused(entry.open, "pool-refused");
              if (entry.open < before)
                expect(controller.target).toBeLessThanOrEqual(Math.max(1, before - 1));
              else expect(controller.target).toBe(before);
            } else if (entry.kind === "success") {
              controller.batchSucceeded();
              expect(controller.target - before).toBeLessThanOrEqual(1);
            } else {
              controller.tokenContention();
              ceiling = controller.ceiling;
            }

            expect(controller.target).toBeGreaterThanOrEqual(1);
            expect(controller.target).toBeLessThanOrEqual(maximum);
            expect(controller.target).toBeLessThanOrEqual(ceiling);
          }
        },
      ),
    );
  });
});

describe("matchDialogRule", () => {
  const policy = [
    { title: "Price Page", text: /another active price page/i, press: "Yes" },
    { text: "save changes before closing", press: "No" },
  ];

  it("matches by title and text, case-insensitively for strings", () => {
    expect(
      matchDialogRule(policy, {
        title: "Price Page",
        text: "Another active price page exists for supplier 1. Save anyway?",
      })?.press,
    ).toBe("Yes");
    expect(
      matchDialogRule(policy, { title: "P21", text: "Save changes before closing?" })?.press,
    ).toBe("No");
  });

  it("answers nothing it does not know, and never matches on an empty rule", () => {
    expect(
      matchDialogRule(policy, { title: "Price Page", text: "Delete the page?" }),
    ).toBeUndefined();
    expect(
      matchDialogRule([{ press: "Yes" }], { title: "Anything", text: "at all" }),
    ).toBeUndefined();
    expect(matchDialogRule(policy, { title: undefined, text: undefined })).toBeUndefined();
  });
});

describe("ProgressCounter", () => {
  it("keeps running counts and a rate over the last seconds", () => {
    let nowMs = 0;
    const counter = new ProgressCounter(
      { total: 10, succeeded: 2, failed: 0, skipped: 0 },
      () => nowMs,
    );
    expect(counter.counts.remaining).toBe(8);
    expect(counter.etaMs()).toBeUndefined();

    for (let second = 1; second <= 4; second += 1) {
      nowMs = second * 1_000;
      counter.settled(second === 4 ? "failed" : "succeeded");
    }

    expect(counter.counts).toEqual({
      total: 10,
      succeeded: 5,
      failed: 1,
      skipped: 0,
      remaining: 4,
    });
    expect(counter.ratePerSecond()).toBeCloseTo(4 / 3);
    expect(counter.etaMs()).toBe(3_000);

    nowMs = 60_000;
    expect(counter.ratePerSecond()).toBe(0);
  });
});

describe("resolveEngineOptions", () => {
  const base = { journal: {} as EngineOptions["journal"], createClient: () => ({}) as never };

  it("applies the documented defaults and always turns response-window handling on", () => {
    const resolved = resolveEngineOptions({ ...base, session: { responseWindowHandling: false } });
    expect(resolved).toMatchObject({
      sessions: 1,
      batchSize: 25,
      retries: 2,
      backoff: { baseMs: 250, maxMs: 5_000 },
      dialogPolicy: [],
      session: { responseWindowHandling: true },
    });
  });

  it("rejects unknown keys with a hint, and out-of-range numbers", () => {
    const withTypo = { ...base, batchsize: 10 } as unknown as EngineOptions;
    expect(() => resolveEngineOptions(withTypo)).toThrow(
      /unknown engine option "batchsize".*"batchSize"/,
    );

    const renamed = { ...base, concurrency: 3 } as unknown as EngineOptions;
    expect(() => resolveEngineOptions(renamed)).toThrow(/did you mean "sessions"/);

    expect(() => resolveEngineOptions({ ...base, sessions: 0 })).toThrow(EngineError);
    expect(() => resolveEngineOptions({ ...base, retries: 1.5 })).toThrow(/whole number/);
  });
});

describe("StopController and sleep", () => {
  it("turns the first signal into a graceful stop and the second into a hard one", () => {
    const graceful = new AbortController();
    const hard = new AbortController();
    const stop = new StopController(graceful.signal, hard.signal);

    graceful.abort();
    expect(stop.stopping).toBe(true);
    expect(stop.hard.aborted).toBe(false);

    hard.abort();
    expect(stop.hard.aborted).toBe(true);
    stop.dispose();
  });

  it("ends a wait early on abort and reports it", async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBe(false);
    await expect(sleep(1)).resolves.toBe(true);
  });
});
