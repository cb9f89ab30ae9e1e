import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkflowRun, expirationNaturalKey, runWorkflow } from "../../src/pricing/index.js";
import type { WorkflowSpec } from "../../src/pricing/index.js";
import {
  CHANGE,
  demoPage as page,
  planProblemsOf,
  SAVE,
  startHarness,
  uidOf,
} from "./workflow-harness.js";
import type { Harness } from "./workflow-harness.js";

/** Answers the simulator's "another active page over these dates" warning with Yes. */
const overlapAnswer = [{ title: "Price Page", press: "Yes" }];

let harness: Harness;

beforeEach(async () => {
  harness = await startHarness();
});

afterEach(async () => {
  await harness.close();
});

describe("create", () => {
  it("sends each tab in one change request by default, one field per request in field mode", async () => {
    const tabPages = [
      page(0, 0),
      page(0, 1, { breaks: [{ quantity: 10 }], calculationValues: [0.5, 0.4] }),
    ];
    harness.simulator.resetStats();
    const tabRun = await harness.run(
      { kind: "create", pages: tabPages, overlaps: "allow" },
      { dialogPolicy: overlapAnswer },
    );
    expect(tabRun).toMatchObject({ created: 2, failed: 0, interrupted: false });
    expect(harness.requests(CHANGE)).toBe(4);

    const fieldPages = [
      page(1, 0),
      page(1, 1, { breaks: [{ quantity: 10 }], calculationValues: [0.5, 0.4] }),
    ];
    harness.simulator.resetStats();
    const fieldRun = await harness.run(
      { kind: "create", pages: fieldPages, changeMode: "field", overlaps: "allow" },
      { dialogPolicy: overlapAnswer },
    );
    expect(fieldRun).toMatchObject({ created: 2, failed: 0 });
    // FORM: type, company, group, supplier, description, pricing method, source price and
    // effective date (8; no expiration date is sent for a page without one); VALUES: method
    // and value1 (2), + break1 and value2.
    expect(harness.requests(CHANGE)).toBe(10 + 12);

    for (const created of [...tabPages, ...fieldPages]) {
      const onServer = harness.pagesOnServer(created.description);
      expect(onServer).toHaveLength(1);
      expect(onServer[0]).toMatchObject({ expiration_date: null, row_status_flag: 704 });
    }

    const tiered = harness.pagesOnServer(fieldPages[1]?.description ?? "")[0];
    expect(tiered).toMatchObject({ calculation_value1: 0.5, break1: 10, calculation_value2: 0.4 });
    const results = harness.journal.items(fieldRun.runId, { phase: "create" });
    expect(results.map((item) => item.result)).toEqual(
      fieldPages.map((created) => ({
        pricePageUid: harness.pagesOnServer(created.description)[0]?.price_page_uid,
      })),
    );
  });

  it("refuses in the plan a page that overlaps an active one, with its row, and writes nothing", async () => {
    const overlapping = page(2, 0);
    const spec: WorkflowSpec = { kind: "create", pages: [overlapping], inputRows: [7] };
    harness.simulator.resetStats();
    expect(await planProblemsOf(harness.run(spec))).toEqual([
      {
        source: "input",
        row: 7,
        column: "effective_date",
        message: expect.stringContaining(`overlaps active page ${uidOf(2, 0)} `) as string,
      },
    ]);
    expect(harness.interactiveRequests()).toBe(0);
    expect(harness.journal.listRuns()).toEqual([]);
  });

  it("fails a page whose save raises an unknown dialog, and saves nothing", async () => {
    const overlapping = page(2, 0);
    const summary = await harness.run({ kind: "create", pages: [overlapping], overlaps: "allow" });
    expect(summary).toMatchObject({ created: 0, failed: 1 });
    const [item] = harness.journal.items(summary.runId, { phase: "create" });
    expect(item?.errorCode).toBe("P21_UNKNOWN_DIALOG");
    expect(item?.errorMessage).toContain('unknown dialog "Price Page');
    expect(harness.pagesOnServer(overlapping.description)).toEqual([]);
  });

  it("finds a page whose save answer was lost on the server, and never creates it twice", async () => {
    // After the demo's pages end (2049): no overlap warning, so each save commits at once.
    const pages = [0, 1, 2].map((group) => page(0, group, { effectiveDate: "2050-01-01" }));
    // The second save lands, its answer does not; the third save is struck before it lands.
    harness.simulator.injectFault({ kind: "reset", route: SAVE, phase: "after", skip: 1 });
    harness.simulator.injectFault({ kind: "reset", route: SAVE, phase: "before", skip: 2 });
    harness.simulator.resetStats();

    const summary = await harness.run({ kind: "create", pages });

    expect(summary).toMatchObject({ created: 3, failed: 0 });
    expect(summary.phases[0]).toMatchObject({ reconciled: 1, retries: 1 });
    // Three saves that landed, one that did not; the lost answer was not sent again.
    expect(harness.requests(SAVE)).toBe(4);
    const items = harness.journal.items(summary.runId, { phase: "create" });
    for (const [index, created] of pages.entries()) {
      const onServer = harness.pagesOnServer(created.description);
      expect(onServer, created.description).toHaveLength(1);
      expect(items[index]?.result).toEqual({ pricePageUid: onServer[0]?.price_page_uid });
    }
  });

  it("re-sends a page whose save raised a dialog and lost its answer: nothing was committed", async () => {
    const overlapping = page(0, 3);
    // The save's Blocked answer is lost: the page waits on its overlap warning, uncommitted.
    harness.simulator.injectFault({ kind: "reset", route: SAVE, phase: "after" });

    const summary = await harness.run(
      { kind: "create", pages: [overlapping], overlaps: "allow" },
      { dialogPolicy: overlapAnswer },
    );

    expect(summary).toMatchObject({ created: 1, failed: 0 });
    expect(summary.phases[0]).toMatchObject({ reconciled: 0, retries: 1 });
    expect(harness.requests(SAVE)).toBe(2);
    expect(harness.pagesOnServer(overlapping.description)).toHaveLength(1);
  });

  it("skips pages the server already holds, with lookups only and no write", async () => {
    const existing = harness.simulator
      .rows("price_page")
      .filter((row) => row.row_status_flag === 704)
      .slice(0, 3);
    const pages = existing.map((row) =>
      page(0, 0, {
        supplierId: row.supplier_id as number,
        productGroupId: row.product_group_id as string,
        description: row.description as string,
        effectiveDate: String(row.effective_date).slice(0, 10),
      }),
    );
    harness.simulator.resetStats();
    const summary = await harness.run({ kind: "create", pages });
    expect(summary).toMatchObject({ created: 0, skipped: 3, failed: 0 });
    // The supplier's pages, then whether the company, the supplier and the groups exist.
    expect(harness.requests("GET /odataservice/odata/table/:name")).toBe(4);
    expect(harness.interactiveRequests()).toBe(0);
    expect(harness.journal.items(summary.runId).map((item) => item.result)).toEqual(
      existing.map((row) => ({ pricePageUid: row.price_page_uid })),
    );
  });
});

describe("expire", () => {
  it("refuses in the plan an unknown uid, a date before a page takes effect and one that revives an expired page", async () => {
    const expiredPage = harness.simulator
      .rows("price_page")
      .find((row) => row.row_status_flag === 705);
    harness.simulator.resetStats();
    const problems = await planProblemsOf(
      harness.run({
        kind: "expire",
        expirations: [
          { pricePageUid: 999_999, expirationDate: "2026-12-31" },
          { pricePageUid: uidOf(0, 0), expirationDate: "2025-06-30" },
          { pricePageUid: Number(expiredPage?.price_page_uid), expirationDate: "2049-12-31" },
          { pricePageUid: uidOf(0, 1), expirationDate: "2026-12-31" },
        ],
        inputRows: [2, 3, 4, 5],
      }),
    );

    expect(problems).toEqual([
      {
        source: "input",
        row: 2,
        column: "price_page_uid",
        message: "there is no price page 999999 on the server",
      },
      {
        source: "input",
        row: 3,
        column: "expiration_date",
        message: `2025-06-30 is before page ${uidOf(0, 0)}'s effective date 2026-01-01`,
      },
      {
        source: "input",
        row: 4,
        column: "expiration_date",
        message: expect.stringMatching(
          /expired on \d{4}-\d\d-\d\d: 2049-12-31 would make it active again$/,
        ) as string,
      },
    ]);
    expect(harness.interactiveRequests()).toBe(0);
  });

  it("expires by uid, reads back, and fails a page gone by its turn as no such page", async () => {
    const run = await createWorkflowRun(
      harness.journal,
      harness.client(),
      {
        kind: "expire",
        expirations: [{ pricePageUid: uidOf(0, 0), expirationDate: "2026-12-31" }],
      },
      { baseUrl: harness.simulator.url, options: {}, inputDigest: "test" },
    );
    // Planned while it existed, deleted before the run reached it (the simulator keeps no
    // deletes, so the item is added after the plan).
    const gone = { pricePageUid: 999_999, expirationDate: "2026-12-31" };
    harness.journal.addItems(run.id, "expire", [
      { naturalKey: expirationNaturalKey(gone), input: gone },
    ]);
    const summary = {
      ...(await runWorkflow(harness.journal, run.id, harness.engine())),
      runId: run.id,
    };

    expect(summary).toMatchObject({ expired: 1, failed: 1, interrupted: false });
    const expired = harness.simulator
      .rows("price_page")
      .find((row) => row.price_page_uid === uidOf(0, 0));
    expect(expired?.expiration_date).toBe("2026-12-31T00:00:00");
    const failed = harness.journal.items(summary.runId, { states: ["failed"] })[0];
    expect(failed?.errorCode).toBe("P21_RECORD_REFUSED");
    expect(failed?.errorMessage).toContain("no such page");

    harness.simulator.resetStats();
    const again = await harness.run({
      kind: "expire",
      expirations: [{ pricePageUid: uidOf(0, 0), expirationDate: "2026-12-31" }],
    });
    expect(again).toMatchObject({ expired: 0, skipped: 1 });
    expect(harness.interactiveRequests()).toBe(0);
  });
});

describe("link", () => {
  it("links a book's pages with one save when grouped, one save per link otherwise", async () => {
    const grouped = [0, 1, 2].map((groupIndex) => ({
      bookId: "DEALER",
      pricePageUid: uidOf(1, groupIndex),
    }));
    const perLink = [3, 4, 5].map((groupIndex) => ({
      bookId: "DEALER",
      pricePageUid: uidOf(1, groupIndex),
    }));

    harness.simulator.resetStats();
    expect(await harness.run({ kind: "link", links: grouped })).toMatchObject({
      linked: 3,
      failed: 0,
    });
    expect(harness.requests(SAVE)).toBe(1);

    harness.simulator.resetStats();
    expect(await harness.run({ kind: "link", links: perLink, linkMode: "per-link" })).toMatchObject(
      {
        linked: 3,
        failed: 0,
      },
    );
    expect(harness.requests(SAVE)).toBe(3);

    const dealer = new Set(
      harness.simulator
        .rows("price_book_x_page")
        .filter((row) => row.price_book_id === "DEALER")
        .map((row) => row.price_page_uid),
    );
    for (const link of [...grouped, ...perLink]) expect(dealer.has(link.pricePageUid)).toBe(true);

    harness.simulator.resetStats();
    const again = await harness.run({ kind: "link", links: grouped });
    expect(again).toMatchObject({ linked: 0, skipped: 3 });
    expect(harness.requests(SAVE)).toBe(0);
  });
});

describe("link, one window per link", () => {
  it("asks the server when the read-back after a save fails, and does not add the link again", async () => {
    const link = { bookId: "DEALER", pricePageUid: uidOf(1, 7) };
    harness.simulator.injectFault({ kind: "http500", route: "GET /api/ui/interactive/v2/data" });

    const summary = await harness.run({ kind: "link", links: [link], linkMode: "per-link" });

    expect(summary).toMatchObject({ linked: 1, failed: 0 });
    expect(summary.phases[0]).toMatchObject({ reconciled: 1 });
    expect(harness.requests(SAVE)).toBe(1);
    const links = harness.simulator
      .rows("price_book_x_page")
      .filter((row) => row.price_book_id === "DEALER" && row.price_page_uid === link.pricePageUid);
    expect(links).toHaveLength(1);
  });
});
