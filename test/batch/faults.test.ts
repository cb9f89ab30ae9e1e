import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchEngine } from "../../src/batch/index.js";
import type { PhaseSummary, ProgressEvent } from "../../src/batch/index.js";
import type { Harness } from "./support/harness.js";
import {
  createRunWithPages,
  odataPageCounts,
  phase,
  startHarness,
  testPages,
} from "./support/harness.js";
import { testPageOperation } from "./support/page-operation.js";

const recordCount = 520;
const faultRate = 0.01;

describe("every fault kind at once, over 520 records", () => {
  let harness: Harness;
  let runId: string;
  let summary: PhaseSummary;
  const events: ProgressEvent[] = [];

  beforeAll(async () => {
    harness = await startHarness(
      {
        faults: {
          http500: faultRate,
          reset: faultRate,
          stall: faultRate,
          corrupt: faultRate,
          expire: faultRate,
        },
        faultSeed: 20_270_101,
        poolSize: 100,
      },
      { defaultMs: 300, saveMs: 300, authMs: 2_000 },
    );
    const pages = testPages(recordCount, "Faulty", { overlapEvery: 40, refuseEvery: 100 });
    runId = createRunWithPages(harness.journal, harness.simulator.url, pages);
    const engine = new BatchEngine({
      journal: harness.journal,
      createClient: harness.createClient,
      retries: 6,
      sessionCreateTimeoutMs: 1_000,
      backoff: { baseMs: 1, maxMs: 10 },
      dialogPolicy: [{ title: "Price Page", press: "Yes" }],
      onProgress: (event) => events.push(event),
      random: () => 0.5,
    });
    summary = await engine.runPhase(runId, phase, testPageOperation);
    harness.simulator.setFaults({});
  }, 120_000);

  afterAll(async () => {
    await harness.close();
  });

  it("settles every record: succeeded, or failed with the server's reason", () => {
    const items = harness.journal.items(runId, { phase });
    const refused = items.filter(
      (item) => (item.input as { calculationMethod?: string }).calculationMethod,
    );

    expect(summary.unsettled).toBe(0);
    expect(summary.failed).toBe(refused.length);
    expect(summary.succeeded).toBe(recordCount - refused.length);
    for (const item of items) {
      if (refused.includes(item)) {
        expect(item.state).toBe("failed");
        expect(item.errorCode).toMatch(/^P21_(SERVER|RECORD)_REFUSED$/);
        expect(item.errorMessage).toMatch(/Invalid .*Squared/i);
      } else {
        expect(item.state).toBe("succeeded");
      }
    }
  });

  it("leaves no natural key twice on the server (OData)", async () => {
    const counts = await odataPageCounts(harness.simulator.url, "Faulty");
    const succeeded = harness.journal.items(runId, { phase, states: ["succeeded"] });

    expect(counts.size).toBe(succeeded.length);
    for (const item of succeeded) expect(counts.get(item.naturalKey)).toBe(1);
  });

  it("actually hit the run with every kind of fault", () => {
    const injected = harness.simulator.stats().faultsInjected;
    for (const kind of ["http500", "reset", "stall", "corrupt"]) {
      expect(injected[kind] ?? 0).toBeGreaterThan(3);
    }
    const expired = Object.entries(injected)
      .filter(([kind]) => kind.startsWith("expire"))
      .reduce((sum, [, count]) => sum + count, 0);
    expect(expired).toBeGreaterThan(3);
  });

  it("journals a retry, reconciliation or reopen for every fault that hit", () => {
    const injected = Object.values(harness.simulator.stats().faultsInjected).reduce(
      (sum, count) => sum + count,
      0,
    );
    const journaled = harness.journal.events(runId);
    const count = (type: string) => journaled.filter((event) => event.type === type).length;
    const recordRetries = journaled.filter(
      (event) => event.type === "retry" && event.itemId !== undefined,
    ).length;

    expect(recordRetries).toBe(summary.retries);
    expect(count("window-reopened")).toBe(summary.reopens);
    expect(count("session-opened")).toBe(summary.sessionsOpened);

    // Each fault spoils a request the engine notices and journals: a record attempt (retry, or
    // a reconciliation that found the save), a session or window open (retry), a clear
    // (reopen), or a cleanup step (warning). A few entries are knock-on effects of one fault
    // (closing a window whose dialog waits is refused), never more than a handful.
    const cleanupWarnings = journaled.filter(
      (event) =>
        event.type === "warning" &&
        (event.data as { code?: unknown }).code === "P21_CLEANUP_FAILED",
    ).length;
    // Each says what it leaves behind, so that a reader at the terminal need not fear for the run.
    for (const event of journaled.filter((entry) => entry.type === "warning")) {
      expect((event.data as { message?: unknown }).message).toMatch(
        /\((the run goes on; ending its session closes it|the server reaps it)\)/,
      );
    }
    const clearReopens = journaled.filter(
      (event) =>
        event.type === "window-reopened" &&
        (event.data as { reason?: unknown }).reason === "clear failed",
    ).length;
    const observed = count("retry") + summary.reconciled + clearReopens + cleanupWarnings;

    expect(observed).toBeGreaterThanOrEqual(injected);
    expect(observed - injected).toBeLessThanOrEqual(Math.ceil(injected * 0.05));
    expect(summary.retries + summary.reconciled).toBeLessThanOrEqual(injected);
  });
});
