import { afterEach, describe, expect, it } from "vitest";
import { BatchEngine } from "../../src/batch/index.js";
import type { ProgressEvent } from "../../src/batch/index.js";
import type { Harness } from "./support/harness.js";
import {
  createRunWithPages,
  phase,
  serverPageCounts,
  startHarness,
  testPages,
} from "./support/harness.js";
import { testPageOperation } from "./support/page-operation.js";

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function engineWith(
  current: Harness,
  signals: { signal?: AbortSignal; hardSignal?: AbortSignal },
  onProgress?: (event: ProgressEvent) => void,
) {
  return new BatchEngine({
    journal: current.journal,
    createClient: current.createClient,
    sessions: 2,
    batchSize: 10,
    backoff: { baseMs: 1, maxMs: 5 },
    ...signals,
    ...(onProgress === undefined ? {} : { onProgress }),
  });
}

describe("stopping", () => {
  it("on a first abort stops taking records, finishes the one in hand, and resumes with nothing doubled", async () => {
    harness = await startHarness({ latency: "seed", timeScale: 0.01 });
    const runId = createRunWithPages(harness.journal, harness.simulator.url, testPages(60, "Stop"));
    const stop = new AbortController();
    let settled = 0;
    const engine = engineWith(harness, { signal: stop.signal }, (event) => {
      if (event.type === "record-settled" && ++settled === 7) stop.abort();
    });

    const stopped = await engine.runPhase(runId, phase, testPageOperation);

    expect(stopped.interrupted).toBe(true);
    expect(stopped.succeeded).toBeGreaterThanOrEqual(7);
    expect(stopped.succeeded).toBeLessThanOrEqual(9);
    expect(harness.journal.counts(runId, phase)).toMatchObject({ in_flight: 0, failed: 0 });
    expect(harness.journal.getRun(runId)?.state).toBe("interrupted");
    expect(harness.simulator.stats().sessionsOpen).toBe(0);
    expect(serverPageCounts(harness.simulator, "Stop").size).toBe(stopped.succeeded);

    const resumed = await engineWith(harness, {}).runPhase(runId, phase, testPageOperation);

    expect(resumed).toMatchObject({
      succeeded: 60,
      unsettled: 0,
      interrupted: false,
      reconciled: 0,
    });
    const counts = serverPageCounts(harness.simulator, "Stop");
    expect(counts.size).toBe(60);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });

  it("on a hard abort abandons at once, keeps the journal consistent, and resume reconciles", async () => {
    harness = await startHarness({ latency: "seed", timeScale: 0.01 });
    const runId = createRunWithPages(harness.journal, harness.simulator.url, testPages(40, "Hard"));
    const graceful = new AbortController();
    const hard = new AbortController();
    let commits = 0;
    harness.simulator.on("committed", () => {
      if (++commits !== 5) return;

      graceful.abort();
      hard.abort();
    });
    const engine = engineWith(harness, { signal: graceful.signal, hardSignal: hard.signal });

    const stopped = await engine.runPhase(runId, phase, testPageOperation);

    expect(stopped.interrupted).toBe(true);
    const counts = harness.journal.counts(runId, phase);
    expect(counts.in_flight).toBeGreaterThanOrEqual(1);
    expect(counts.in_flight).toBeLessThanOrEqual(2);
    expect(counts.succeeded + counts.in_flight + counts.pending).toBe(40);
    expect(serverPageCounts(harness.simulator, "Hard").size).toBeGreaterThanOrEqual(5);

    const resumed = await engineWith(harness, {}).runPhase(runId, phase, testPageOperation);

    expect(resumed).toMatchObject({ succeeded: 40, unsettled: 0 });
    expect(resumed.reconciled).toBeGreaterThanOrEqual(1);
    const server = serverPageCounts(harness.simulator, "Hard");
    expect(server.size).toBe(40);
    expect([...server.values()].every((count) => count === 1)).toBe(true);
  });

  it("before any record, a stopped engine sends nothing and leaves every item pending", async () => {
    harness = await startHarness();
    const runId = createRunWithPages(harness.journal, harness.simulator.url, testPages(5, "Never"));
    const stop = new AbortController();
    stop.abort();

    const summary = await engineWith(harness, { signal: stop.signal }).runPhase(
      runId,
      phase,
      testPageOperation,
    );

    expect(summary).toMatchObject({
      interrupted: true,
      succeeded: 0,
      unsettled: 5,
      sessionsOpened: 0,
    });
    expect(harness.simulator.stats().requests["POST /api/ui/interactive/sessions"] ?? 0).toBe(0);
  });

  it("a stop while the pool makes the run wait for a session ends the wait and sends nothing", async () => {
    harness = await startHarness({ poolSize: 1, poolWaitMs: 30 });
    const blocker = harness.createClient(0);
    const held = await blocker.startSession();
    try {
      const runId = createRunWithPages(
        harness.journal,
        harness.simulator.url,
        testPages(5, "Wait"),
      );
      const stop = new AbortController();
      // The first refused create is followed by a backoff and another try: stop then.
      const engine = engineWith(harness, { signal: stop.signal }, (event) => {
        if (event.type === "retry") stop.abort();
      });

      const summary = await engine.runPhase(runId, phase, testPageOperation);

      expect(summary).toMatchObject({ interrupted: true, unsettled: 5, sessionsOpened: 0 });
      const requests = harness.simulator.stats().requests;
      // The blocker's session and two refused creates (the first gives its batch back as the
      // worker count drops; after the second, the retry's backoff is where the stop comes):
      // none after the stop, where the engine used to go on to its last attempt.
      expect(requests["POST /api/ui/interactive/sessions"]).toBe(3);
      expect(requests["POST /api/ui/interactive/v2/window"] ?? 0).toBe(0);
      expect(harness.journal.items(runId).map((item) => item.state)).toEqual(
        Array.from({ length: 5 }, () => "pending"),
      );
    } finally {
      await held.close();
      await blocker.close();
    }
  });
});
