import { describe, expect, it } from "vitest";
import type { ProgressEvent } from "../../src/batch/index.js";
import { ProgressModel } from "../../src/cli/output/progress-model.js";
import { counts } from "./progress-events.js";

describe("progress model", () => {
  it("counts a saved record in its session's batch once, before and after its settlement", () => {
    const model = new ProgressModel();
    const base = { runId: "run-1", phase: "expire", workerIndex: 0, naturalKey: "k" };
    const saved = (itemId: number): ProgressEvent => ({
      ...base,
      type: "record-saved",
      elapsedMs: itemId,
      itemId,
      attempts: 1,
    });
    const settled = (itemId: number): ProgressEvent => ({
      ...base,
      type: "record-settled",
      elapsedMs: 100 + itemId,
      itemId,
      state: "succeeded",
      attempts: 1,
      via: "run",
      counts: counts(itemId),
      ratePerSecond: 1,
      etaMs: undefined,
    });
    model.apply({ ...base, type: "batch-started", elapsedMs: 0, batch: 1, items: 3 });

    model.apply(saved(1));
    model.apply(saved(2));
    expect(model.workers.get(0)).toMatchObject({ batchSettled: 2, settled: 0 });

    // The read-back: 1 settles, 2 is saved again (sent once more), 3 settles without a save.
    model.apply(settled(1));
    model.apply(saved(2));
    model.apply(settled(2));
    model.apply(settled(3));
    expect(model.workers.get(0)).toMatchObject({ batchSettled: 3, settled: 3 });
  });

  it("counts saved records awaiting their read-back until they settle or their batch ends", () => {
    const model = new ProgressModel();
    const base = { runId: "run-1", phase: "expire", naturalKey: "k" };
    const saved = (workerIndex: number, itemId: number): ProgressEvent => ({
      ...base,
      type: "record-saved",
      workerIndex,
      elapsedMs: itemId,
      itemId,
      attempts: 1,
    });
    for (const workerIndex of [0, 1]) {
      model.apply({
        ...base,
        type: "batch-started",
        workerIndex,
        elapsedMs: 0,
        batch: 1,
        items: 3,
      });
    }
    model.apply(saved(0, 1));
    model.apply(saved(0, 2));
    model.apply(saved(1, 4));
    model.apply(saved(1, 4));
    expect(model.savedAwaitingReadBack()).toBe(3);

    model.apply({
      ...base,
      type: "record-settled",
      workerIndex: 0,
      elapsedMs: 50,
      itemId: 1,
      state: "succeeded",
      attempts: 1,
      via: "run",
      counts: counts(1),
      ratePerSecond: 1,
      etaMs: undefined,
    });
    expect(model.savedAwaitingReadBack()).toBe(2);

    // Session 2's batch ends with record 4 unsettled (no answer to its read-back): not done.
    model.apply({
      runId: "run-1",
      phase: "expire",
      type: "batch-finished",
      workerIndex: 1,
      elapsedMs: 60,
      batch: 1,
      succeeded: 0,
      failed: 0,
      unsettled: 1,
    });
    expect(model.savedAwaitingReadBack()).toBe(1);
  });
});
