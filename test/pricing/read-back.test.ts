import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OperationContext, ProgressEvent } from "../../src/batch/index.js";
import { silentLogger } from "../../src/client/index.js";
import type { Result } from "../../src/client/index.js";
import { createPricePage, createWorkflowRun, runWorkflow } from "../../src/pricing/index.js";
import type { WorkflowSpec } from "../../src/pricing/index.js";
import { demoPage, SAVE, startHarness, uidOf } from "./workflow-harness.js";
import type { Harness } from "./workflow-harness.js";

const ODATA = "GET /odataservice/odata/table/:name";
const WINDOW_DATA = "GET /api/ui/interactive/v2/data";

/** `count` active demo pages of the first supplier to expire on one date. */
function expirations(count: number, expirationDate = "2026-12-31") {
  return Array.from({ length: count }, (_, index) => ({
    pricePageUid: uidOf(0, index),
    expirationDate,
  }));
}

function expirationOnServer(harness: Harness, uid: number): unknown {
  return harness.simulator.rows("price_page").find((row) => row.price_page_uid === uid)
    ?.expiration_date;
}

let harness: Harness;

/** Writes a run of `spec` (its plan asks OData about the pages) and answers its id. */
async function workflowRun(spec: WorkflowSpec): Promise<string> {
  const run = await createWorkflowRun(harness.journal, harness.client(), spec, {
    baseUrl: harness.simulator.url,
    options: {},
    inputDigest: "test",
  });

  return run.id;
}

beforeEach(async () => {
  harness = await startHarness();
});

afterEach(async () => {
  await harness.close();
});

describe("expire read-back", () => {
  it("reads a batch's expirations back with one OData query, and no window read", async () => {
    const wanted = expirations(6);
    const runId = await workflowRun({ kind: "expire", expirations: wanted });
    harness.simulator.resetStats();

    const summary = await runWorkflow(harness.journal, runId, harness.engine({ batchSize: 3 }));

    expect(summary).toMatchObject({ expired: 6, failed: 0, interrupted: false });
    expect(harness.requests(SAVE)).toBe(6);
    expect(harness.requests(WINDOW_DATA)).toBe(0);
    // One query per batch of three.
    expect(harness.requests(ODATA)).toBe(2);
    for (const { pricePageUid } of wanted) {
      expect(expirationOnServer(harness, pricePageUid)).toBe("2026-12-31T00:00:00");
    }
  });

  it("reads the window after every save with readBack record, and asks OData nothing", async () => {
    const wanted = expirations(4);
    const runId = await workflowRun({ kind: "expire", expirations: wanted, readBack: "record" });
    harness.simulator.resetStats();

    const summary = await runWorkflow(harness.journal, runId, harness.engine({ batchSize: 2 }));

    expect(summary).toMatchObject({ expired: 4, failed: 0 });
    expect(harness.requests(WINDOW_DATA)).toBe(4);
    expect(harness.requests(ODATA)).toBe(0);
  });

  it("leaves the batch in flight when the read-back gets no answer, and resume settles it without a save", async () => {
    const wanted = expirations(3);
    const runId = await workflowRun({ kind: "expire", expirations: wanted });
    // Every OData query of the read-back fails: the first try and its two retries, each of them
    // asked three times by the client.
    harness.simulator.injectFault({ kind: "http500", route: ODATA, count: 9 });
    const warnings: ProgressEvent[] = [];
    const stopped = await runWorkflow(
      harness.journal,
      runId,
      harness.engine({
        retries: 2,
        onProgress: (event) => {
          if (event.type === "warning") warnings.push(event);
        },
      }),
    );

    expect(stopped).toMatchObject({ expired: 0, failed: 0 });
    expect(harness.journal.counts(runId, "expire").in_flight).toBe(3);
    expect(warnings).toHaveLength(3);
    expect(JSON.stringify(warnings[0])).toContain("stays in flight");
    // The pages did expire: only the answer about them was missing.
    for (const { pricePageUid } of wanted) {
      expect(expirationOnServer(harness, pricePageUid)).toBe("2026-12-31T00:00:00");
    }

    expect(harness.simulator.stats().faultsInjected.http500).toBe(9);
    harness.simulator.resetStats();
    const resumed = await runWorkflow(harness.journal, runId, harness.engine());

    expect(resumed).toMatchObject({ expired: 3, failed: 0, interrupted: false });
    expect(harness.requests(SAVE)).toBe(0);
    // Reconciled all at once.
    expect(harness.requests(ODATA)).toBe(1);
  });
});

describe("link read-back", () => {
  it("sees through a save that reports success but drops its new rows, and links them again", async () => {
    const links = [0, 1, 2].map((groupIndex) => ({
      bookId: "DEALER",
      pricePageUid: uidOf(1, groupIndex),
    }));
    harness.simulator.injectFault({ kind: "drop-rows" });
    harness.simulator.resetStats();

    const summary = await harness.run({ kind: "link", links });

    expect(summary).toMatchObject({ linked: 3, failed: 0 });
    // The dropped save, then the retry of the three rows the server did not keep, in halves.
    expect(harness.requests(SAVE)).toBe(3);
    const dealer = harness.simulator
      .rows("price_book_x_page")
      .filter((row) => row.price_book_id === "DEALER")
      .map((row) => row.price_page_uid);
    for (const link of links) {
      expect(dealer.filter((uid) => uid === link.pricePageUid)).toHaveLength(1);
    }
    const items = harness.journal.items(summary.runId, { phase: "link" });
    expect(items.map((item) => item.attempts)).toEqual([2, 2, 2]);
  });
});

describe("resume", () => {
  it("reconciles a batch's in-flight creates with one lookup per supplier, and sends nothing", async () => {
    // After the demo pages expire, so that no save asks about an overlap.
    const pages = [
      [3, 0],
      [3, 1],
      [4, 0],
      [4, 1],
    ].map(([supplier = 0, group = 0]) =>
      demoPage(supplier, group, { effectiveDate: "2050-01-01" }),
    );
    const runId = await workflowRun({ kind: "create", pages });
    // An earlier process marked the batch in flight and saved every page, then died.
    const items = harness.journal.items(runId, { phase: "create" });
    for (const item of items) harness.journal.markInFlight(item.id, { batch: 1, session: 1 });
    const direct = harness.client();
    const session = await direct.startSession();
    const window = await session.openWindow("SalesPricePage");
    const context: OperationContext = {
      signal: new AbortController().signal,
      attempt: 1,
      settleDialogs: (result: Result) => Promise.resolve(result),
      event: () => undefined,
      logger: silentLogger,
      client: direct,
    };
    for (const [index, page] of pages.entries()) {
      if (index > 0) await window.clear();
      await createPricePage.run(window, { page }, context);
    }
    await window.close();
    await session.close();
    harness.simulator.resetStats();

    const resumed = await runWorkflow(harness.journal, runId, harness.engine());

    expect(resumed).toMatchObject({ created: 4, failed: 0, interrupted: false });
    expect(harness.requests(SAVE)).toBe(0);
    expect(harness.requests(ODATA)).toBe(2);
    const reconciled = harness.journal.items(runId, { phase: "create" });
    expect(reconciled.map((item) => item.state)).toEqual(Array(4).fill("succeeded"));
  });
});
