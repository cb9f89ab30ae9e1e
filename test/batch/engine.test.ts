import { afterEach, describe, expect, it } from "vitest";
import { BatchEngine } from "../../src/batch/index.js";
import type { EngineOptions, OperationContext, ProgressEvent } from "../../src/batch/index.js";
import { P21Client, silentLogger } from "../../src/client/index.js";
import type { Harness } from "./support/harness.js";
import {
  clientOptions,
  createRunWithPages,
  odataPageCounts,
  phase,
  serverPageCounts,
  startHarness,
  testPages,
} from "./support/harness.js";
import { testPageOperation } from "./support/page-operation.js";

const overlapPolicy = [{ title: "Price Page", press: "Yes" }];

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function engineFor(current: Harness, options: Partial<EngineOptions> = {}) {
  const events: ProgressEvent[] = [];
  const engine = new BatchEngine({
    journal: current.journal,
    createClient: current.createClient,
    backoff: { baseMs: 1, maxMs: 5 },
    onProgress: (event) => events.push(event),
    ...options,
  });

  return { engine, events };
}

describe("BatchEngine against the simulator", () => {
  it("runs each batch in its own session with one window, cleared between records", async () => {
    harness = await startHarness();
    const pages = testPages(30, "Happy");
    const runId = createRunWithPages(harness.journal, harness.simulator.url, pages);
    const { engine, events } = engineFor(harness, { batchSize: 10 });

    const summary = await engine.runPhase(runId, phase, testPageOperation);

    expect(summary).toMatchObject({ total: 30, succeeded: 30, failed: 0, unsettled: 0 });
    expect(summary).toMatchObject({
      sessionsOpened: 3,
      retries: 0,
      reopens: 0,
      interrupted: false,
    });
    const requests = harness.simulator.stats().requests;
    expect(requests["POST /api/ui/interactive/sessions"]).toBe(3);
    expect(requests["DELETE /api/ui/interactive/sessions"]).toBe(3);
    expect(requests["POST /api/ui/interactive/v2/window"]).toBe(3);
    expect(requests["DELETE /api/ui/interactive/v2/window"]).toBe(3);
    expect(requests["DELETE /api/ui/interactive/v2/data"]).toBe(27);
    expect(requests["PUT /api/ui/interactive/v2/data"]).toBe(30);
    expect(harness.simulator.stats().sessionsOpen).toBe(0);

    const counts = await odataPageCounts(harness.simulator.url, "Happy");
    expect(counts.size).toBe(30);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);

    const items = harness.journal.items(runId, { phase });
    const uids = new Set(
      items.map((item) => (item.result as { pricePageUid: number }).pricePageUid),
    );
    expect(uids.size).toBe(30);
    expect(items.map((item) => item.batch)).toEqual(
      items.map((_, index) => Math.floor(index / 10) + 1),
    );

    const types = events.map((event) => event.type);
    expect(types[0]).toBe("phase-started");
    expect(types.at(-1)).toBe("phase-finished");
    expect(types.filter((type) => type === "record-settled")).toHaveLength(30);
    const last = events.filter((event) => event.type === "record-settled").at(-1);
    expect(last).toMatchObject({ counts: { total: 30, succeeded: 30, remaining: 0 } });
  });

  it("fails a refused record with the server's message, reopens the window, and moves on", async () => {
    harness = await startHarness();
    const pages = testPages(6, "Refused", { refuseEvery: 4 });
    const runId = createRunWithPages(harness.journal, harness.simulator.url, pages);
    const { engine } = engineFor(harness);

    const summary = await engine.runPhase(runId, phase, testPageOperation);

    expect(summary).toMatchObject({ succeeded: 5, failed: 1, retries: 0, reopens: 1 });
    const failed = harness.journal.items(runId, { phase, states: ["failed"] });
    expect(failed.map((item) => item.naturalKey)).toEqual(["Refused 00002"]);
    expect(failed[0]?.errorCode).toMatch(/^P21_(SERVER|RECORD)_REFUSED$/);
    expect(failed[0]?.errorMessage).toMatch(/Squared/);
    expect(failed[0]?.attempts).toBe(1);
    expect(serverPageCounts(harness.simulator, "Refused").has("Refused 00002")).toBe(false);
    expect(harness.simulator.stats().requests["PUT /api/ui/interactive/v2/data"]).toBe(5);
  });

  it("reconciles a save whose answer was lost instead of creating the page twice", async () => {
    harness = await startHarness();
    const pages = testPages(4, "Lost");
    const runId = createRunWithPages(harness.journal, harness.simulator.url, pages);
    harness.simulator.injectFault({
      kind: "reset",
      route: "PUT /api/ui/interactive/v2/data",
      phase: "after",
      skip: 1,
    });
    const { engine } = engineFor(harness);

    const summary = await engine.runPhase(runId, phase, testPageOperation);

    expect(summary).toMatchObject({
      succeeded: 4,
      failed: 0,
      reconciled: 1,
      retries: 0,
      reopens: 1,
    });
    expect([...serverPageCounts(harness.simulator, "Lost").values()]).toEqual([1, 1, 1, 1]);
    expect(harness.simulator.stats().requests["PUT /api/ui/interactive/v2/data"]).toBe(4);
    const second = harness.journal.items(runId, { phase })[1];
    expect(second).toMatchObject({ state: "succeeded", attempts: 1 });
  });

  it("re-sends a save that was lost before it was applied, after asking the server", async () => {
    harness = await startHarness();
    const runId = createRunWithPages(
      harness.journal,
      harness.simulator.url,
      testPages(2, "Before"),
    );
    harness.simulator.injectFault({ kind: "http500", route: "PUT /api/ui/interactive/v2/data" });
    const { engine, events } = engineFor(harness);

    const summary = await engine.runPhase(runId, phase, testPageOperation);

    expect(summary).toMatchObject({ succeeded: 2, retries: 1, reopens: 1, reconciled: 0 });
    expect([...serverPageCounts(harness.simulator, "Before").values()]).toEqual([1, 1]);
    const retry = events.find((event) => event.type === "retry");
    expect(retry).toMatchObject({ attempt: 2, fresh: "window", errorCode: "P21_SERVER_ERROR" });
  });

  it("retries a stalled change on a fresh window within the client's timeout", async () => {
    harness = await startHarness({}, { defaultMs: 300, saveMs: 300, authMs: 2_000 });
    const runId = createRunWithPages(harness.journal, harness.simulator.url, testPages(3, "Stall"));
    harness.simulator.injectFault({
      kind: "stall",
      route: "PUT /api/ui/interactive/v2/change",
      skip: 2,
    });
    const { engine } = engineFor(harness);

    const summary = await engine.runPhase(runId, phase, testPageOperation);

    expect(summary).toMatchObject({ succeeded: 3, retries: 1, reopens: 1 });
    expect(harness.simulator.stats().requests["POST /api/ui/interactive/v2/window"]).toBe(2);
  });

  it("opens a fresh session when the session expires in the middle of a batch", async () => {
    harness = await startHarness();
    const runId = createRunWithPages(
      harness.journal,
      harness.simulator.url,
      testPages(5, "Expire"),
    );
    harness.simulator.injectFault({
      kind: "expire-session",
      route: "PUT /api/ui/interactive/v2/tab",
      skip: 2,
    });
    const { engine, events } = engineFor(harness);

    const summary = await engine.runPhase(runId, phase, testPageOperation);

    expect(summary).toMatchObject({ succeeded: 5, failed: 0, sessionsOpened: 2 });
    expect(events.find((event) => event.type === "retry")).toMatchObject({ fresh: "session" });
    expect([...serverPageCounts(harness.simulator, "Expire").values()]).toEqual([1, 1, 1, 1, 1]);
    expect(harness.simulator.stats().sessionsOpen).toBe(0);
  });

  it("answers a known dialog by the policy, and fails a record on an unknown one without saving it", async () => {
    harness = await startHarness();
    const pages = testPages(3, "Dialog", { overlapEvery: 100 });
    const runId = createRunWithPages(harness.journal, harness.simulator.url, pages);
    const { engine, events } = engineFor(harness, { dialogPolicy: overlapPolicy });

    const answered = await engine.runPhase(runId, phase, testPageOperation);
    expect(answered).toMatchObject({ succeeded: 3, failed: 0 });
    expect(events.filter((event) => event.type === "dialog-answered")).toMatchObject([
      { title: "Price Page", pressed: "Yes" },
    ]);

    const secondRun = createRunWithPages(
      harness.journal,
      harness.simulator.url,
      testPages(3, "Unknown", { overlapEvery: 100, firstPair: 100 }),
    );
    const withoutPolicy = engineFor(harness).engine;
    const refused = await withoutPolicy.runPhase(secondRun, phase, testPageOperation);

    expect(refused).toMatchObject({ succeeded: 2, failed: 1, reopens: 1 });
    const failed = harness.journal.items(secondRun, { phase, states: ["failed"] })[0];
    expect(failed?.errorCode).toBe("P21_UNKNOWN_DIALOG");
    expect(failed?.errorMessage).toMatch(/unknown dialog "Price Page/);
    expect(serverPageCounts(harness.simulator, "Unknown").has("Unknown 00001")).toBe(false);
  });

  it("reconciles in-flight items of an earlier run before sending anything", async () => {
    harness = await startHarness();
    const pages = testPages(4, "Resume");
    const runId = createRunWithPages(harness.journal, harness.simulator.url, pages);
    const [first, second] = harness.journal.items(runId, { phase });

    // An earlier process marked both in flight; only the second reached the server.
    harness.journal.markInFlight(first?.id ?? 0, { batch: 1, session: 1 });
    harness.journal.markInFlight(second?.id ?? 0, { batch: 1, session: 1 });
    const direct = new P21Client(clientOptions(harness.simulator.url));
    const session = await direct.startSession();
    const window = await session.openWindow("SalesPricePage");
    const context: OperationContext = {
      signal: new AbortController().signal,
      attempt: 1,
      settleDialogs: (result) => Promise.resolve(result),
      event: () => undefined,
      logger: silentLogger,
      client: direct,
    };
    const page = pages[1];
    if (page === undefined) throw new Error("no second page");
    await testPageOperation.run(window, page, context);
    await window.close();
    await session.close();
    await direct.close();
    harness.simulator.resetStats();

    const { engine } = engineFor(harness);
    const summary = await engine.runPhase(runId, phase, testPageOperation);

    expect(summary).toMatchObject({ succeeded: 4, reconciled: 1, sessionsOpened: 1 });
    expect(harness.simulator.stats().requests["PUT /api/ui/interactive/v2/data"]).toBe(3);
    expect([...serverPageCounts(harness.simulator, "Resume").values()]).toEqual([1, 1, 1, 1]);
    const items = harness.journal.items(runId, { phase });
    expect(items.map((item) => item.attempts)).toEqual([2, 1, 1, 1]);
    expect(harness.journal.getRun(runId)?.state).toBe("running");
  });

  it("says it runs on no more sessions than it can have batches, in-flight items counted", async () => {
    harness = await startHarness();
    const runId = createRunWithPages(harness.journal, harness.simulator.url, testPages(3, "Few"));
    const [first, second] = harness.journal.items(runId, { phase });
    // An earlier process marked two in flight, and neither reached the server.
    harness.journal.markInFlight(first?.id ?? 0, { batch: 1, session: 1 });
    harness.journal.markInFlight(second?.id ?? 0, { batch: 1, session: 1 });

    const { engine, events } = engineFor(harness, { sessions: 4 });
    const summary = await engine.runPhase(runId, phase, testPageOperation);

    // One batch for the pending page; the two in flight may go back to be sent, one each.
    expect(events[0]).toMatchObject({
      type: "phase-started",
      inFlight: 2,
      batches: 1,
      sessions: 3,
    });
    expect(summary).toMatchObject({ succeeded: 3, sessionsOpened: 3 });
  });
});

describe("batches as plain units", () => {
  it("plans serialisable batch units that run one by one to the same end as a phase", async () => {
    harness = await startHarness();
    const runId = createRunWithPages(harness.journal, harness.simulator.url, testPages(12, "Unit"));
    const { engine } = engineFor(harness, { batchSize: 5 });

    const units = engine.planBatches(runId, phase, testPageOperation);
    expect(units.map((unit) => unit.itemIds.length)).toEqual([4, 4, 4]);
    expect(units[0]).toMatchObject({ phase, batch: 1, options: { retries: 2 } });

    for (const unit of JSON.parse(JSON.stringify(units)) as typeof units) {
      const summary = await engine.runBatch(runId, unit, testPageOperation);
      expect(summary).toMatchObject({ total: unit.itemIds.length, succeeded: unit.itemIds.length });
    }

    expect(engine.planBatches(runId, phase, testPageOperation)).toEqual([]);
    expect(harness.simulator.stats().requests["POST /api/ui/interactive/sessions"]).toBe(3);
    expect([...serverPageCounts(harness.simulator, "Unit").values()]).toEqual(Array(12).fill(1));
  });
});
