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

async function runOnSessions(
  current: Harness,
  count: number,
  sessions: number,
  options: { slowSessionCreateMs?: number } = {},
) {
  const runId = createRunWithPages(
    current.journal,
    current.simulator.url,
    testPages(count, "Many"),
  );
  const events: ProgressEvent[] = [];
  const engine = new BatchEngine({
    journal: current.journal,
    createClient: current.createClient,
    sessions,
    batchSize: 5,
    backoff: { baseMs: 1, maxMs: 20 },
    onProgress: (event) => events.push(event),
    ...options,
  });
  const summary = await engine.runPhase(runId, phase, testPageOperation);

  return { runId, summary, events };
}

describe("many sessions", () => {
  it("with 5 sessions and a pool of 5, holds exactly 5 sessions at the peak and never more", async () => {
    harness = await startHarness({ latency: "seed", timeScale: 0.02, poolSize: 5 });
    const { summary, events } = await runOnSessions(harness, 100, 5);

    expect(summary).toMatchObject({ succeeded: 100, failed: 0, sessionsOpened: 20 });
    expect(harness.simulator.stats().sessionsPeak).toBe(5);
    expect(harness.simulator.stats().sessionsOpen).toBe(0);
    const workers = new Set(
      events.flatMap((event) => ("workerIndex" in event ? [event.workerIndex] : [])),
    );
    expect(workers).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(events.some((event) => event.type === "workers-changed")).toBe(false);
    expect(
      [...serverPageCounts(harness.simulator, "Many").values()].every((count) => count === 1),
    ).toBe(true);
  });

  it("with 5 sessions and a pool of 3, completes on 3 sessions after the pool refuses the others", async () => {
    harness = await startHarness({
      latency: "seed",
      timeScale: 0.02,
      poolSize: 3,
      poolWaitMs: 40,
    });
    const { summary, events } = await runOnSessions(harness, 60, 5);

    expect(summary).toMatchObject({ succeeded: 60, failed: 0, unsettled: 0 });
    expect(harness.simulator.stats().sessionsPeak).toBe(3);
    const changes = events.filter((event) => event.type === "workers-changed");
    expect(changes[0]).toMatchObject({ from: 5, to: 3, reason: "pool-refused" });
    expect(serverPageCounts(harness.simulator, "Many").size).toBe(60);
  });

  it("asks for fewer sessions when opening one takes longer than slowSessionCreateMs", async () => {
    // Seed latency at 0.1: a session takes about 30 ms to open, over the 5 ms allowed here.
    harness = await startHarness({ latency: "seed", timeScale: 0.1, poolSize: 5 });
    const { summary, events } = await runOnSessions(harness, 30, 3, { slowSessionCreateMs: 5 });

    expect(summary).toMatchObject({ succeeded: 30, failed: 0, unsettled: 0 });
    const changes = events.filter((event) => event.type === "workers-changed");
    expect(changes[0]).toMatchObject({ from: 3, reason: "slow-session-create" });
    // Every slow open lowers the count, down to one session (a run of good batches may try one
    // more again in between).
    const decreases = changes.filter((change) => change.to < change.from);
    expect(decreases.every((change) => change.reason === "slow-session-create")).toBe(true);
    expect(decreases.some((change) => change.to === 1)).toBe(true);
    expect(
      [...serverPageCounts(harness.simulator, "Many").values()].every((count) => count === 1),
    ).toBe(true);
  });

  it("falls back to fewer sessions with a warning when each new token invalidates the others", async () => {
    harness = await startHarness({ tokenPolicy: "latest-only" });
    const { summary, events } = await runOnSessions(harness, 60, 3);

    expect(summary).toMatchObject({ succeeded: 60, failed: 0, unsettled: 0 });
    expect(events.filter((event) => event.type === "warning")).toContainEqual(
      expect.objectContaining({ code: "P21_TOKEN_CONTENTION" }),
    );
    expect(events.filter((event) => event.type === "workers-changed").at(-1)).toMatchObject({
      reason: "token-contention",
    });
    expect(
      [...serverPageCounts(harness.simulator, "Many").values()].every((count) => count === 1),
    ).toBe(true);
  });

  it("learns once that tokens invalidate each other, keeps to one session for the next phase and leaves no session behind", async () => {
    // A short pool wait: sessions left behind would fill the pool and make creates fail fast.
    harness = await startHarness({
      tokenPolicy: "latest-only",
      latency: "seed",
      timeScale: 0.02,
      poolWaitMs: 200,
    });
    const runId = createRunWithPages(
      harness.journal,
      harness.simulator.url,
      testPages(30, "First"),
    );
    harness.journal.addItems(
      runId,
      "second",
      testPages(30, "Second", { firstPair: 30 }).map((page) => ({
        naturalKey: page.description,
        input: page,
      })),
    );
    const events: ProgressEvent[] = [];
    const engine = new BatchEngine({
      journal: harness.journal,
      createClient: harness.createClient,
      sessions: 3,
      batchSize: 5,
      backoff: { baseMs: 1, maxMs: 20 },
      onProgress: (event) => events.push(event),
    });

    const first = await engine.runPhase(runId, phase, testPageOperation);
    const second = await engine.runPhase(runId, "second", testPageOperation);

    expect(first).toMatchObject({ succeeded: 30, failed: 0, unsettled: 0, sessionsOpened: 6 });
    expect(second).toMatchObject({ succeeded: 30, failed: 0, unsettled: 0, sessionsOpened: 6 });
    const warnings = events.filter(
      (event) => event.type === "warning" && event.code === "P21_TOKEN_CONTENTION",
    );
    expect(warnings).toHaveLength(1);
    const secondPhase = events.filter((event) => event.phase === "second");
    expect(secondPhase.find((event) => event.type === "phase-started")).toMatchObject({
      sessions: 1,
    });
    expect(secondPhase.some((event) => event.type === "workers-changed")).toBe(false);
    // Every session was ended by its own token: none is left holding an API instance.
    const stats = harness.simulator.stats();
    expect(stats.requests["POST /api/ui/interactive/sessions"]).toBe(12);
    expect(stats.requests["DELETE /api/ui/interactive/sessions"]).toBe(12);
    expect(stats.sessionsOpen).toBe(0);
    for (const prefix of ["First", "Second"]) {
      const counts = serverPageCounts(harness.simulator, prefix);
      expect(counts.size).toBe(30);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
    }
  });
});
