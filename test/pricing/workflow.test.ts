import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createWorkflowRun,
  expirationNaturalKey,
  PlanProblemsError,
  planWorkflow,
  readPricePageFile,
  runWorkflow,
} from "../../src/pricing/index.js";
import type { WorkflowSpec } from "../../src/pricing/index.js";
import { CHANGE, demoPage as page, SAVE, startHarness, uidOf } from "./workflow-harness.js";
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

/** The problems of the plan refusal that `work` ends with; fails the test if it does not. */
async function planProblemsOf(work: Promise<unknown>): Promise<readonly unknown[]> {
  const refusal = await work.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refusal).toBeInstanceOf(PlanProblemsError);

  return (refusal as PlanProblemsError).problems;
}

function pagesOnServer(description: string) {
  return harness.simulator
    .rows("price_page")
    .filter((row) => row.description === description && row.row_status_flag === 704);
}

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
      const onServer = pagesOnServer(created.description);
      expect(onServer).toHaveLength(1);
      expect(onServer[0]).toMatchObject({ expiration_date: null, row_status_flag: 704 });
    }

    const tiered = pagesOnServer(fieldPages[1]?.description ?? "")[0];
    expect(tiered).toMatchObject({ calculation_value1: 0.5, break1: 10, calculation_value2: 0.4 });
    const results = harness.journal.items(fieldRun.runId, { phase: "create" });
    expect(results.map((item) => item.result)).toEqual(
      fieldPages.map((created) => ({
        pricePageUid: pagesOnServer(created.description)[0]?.price_page_uid,
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
    expect(pagesOnServer(overlapping.description)).toEqual([]);
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
      const onServer = pagesOnServer(created.description);
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
    expect(pagesOnServer(overlapping.description)).toHaveLength(1);
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

describe("replace", () => {
  async function examplePages(): Promise<WorkflowSpec> {
    const reading = await readPricePageFile("examples/pages.csv");
    return {
      kind: "replace",
      old: "auto",
      pages: reading.rows.map((row) => row.value),
      inputRows: reading.rows.map((row) => row.row),
    };
  }

  it("expires the active pages of each supplier and group, creates the new ones, links them", async () => {
    const spec = await examplePages();
    const plan = await planWorkflow(harness.client(), spec);
    expect(plan.counts).toEqual({ expire: 5, create: 5, link: 10, skipped: 0 });

    const summary = await harness.run(spec);
    expect(summary).toMatchObject({ expired: 5, created: 5, linked: 10, failed: 0, skipped: 0 });
    expect(summary.phases.map((phase) => phase.phase)).toEqual(["expire", "create", "link"]);

    const pages = harness.simulator.rows("price_page");
    for (const expiration of plan.expire) {
      const old = pages.find((row) => row.price_page_uid === expiration.input.pricePageUid);
      expect(old?.expiration_date).toBe("2026-12-31T00:00:00");
    }

    const created = harness.journal.items(summary.runId, { phase: "create" });
    expect(created.map((item) => (item.input as { row: number }).row)).toEqual([2, 3, 4, 5, 6]);
    const links = harness.simulator.rows("price_book_x_page");
    for (const item of harness.journal.items(summary.runId, { phase: "link" })) {
      const input = item.input as { bookId: string; pricePageUid: number };
      expect(
        links.filter(
          (row) => row.price_book_id === input.bookId && row.price_page_uid === input.pricePageUid,
        ),
      ).toHaveLength(1);
    }

    harness.simulator.resetStats();
    const again = await harness.run(spec);
    expect(again).toMatchObject({ expired: 0, created: 0, linked: 0, skipped: 15, failed: 0 });
    expect(harness.interactiveRequests()).toBe(0);
  });

  it("expires given old pages the day before their pair's new page, or refuses one it cannot date", async () => {
    const newPage = page(0, 0, { effectiveDate: "2027-03-01" });
    const oldUid = uidOf(0, 0);
    const plan = await planWorkflow(harness.client(), {
      kind: "replace",
      pages: [newPage],
      old: [{ pricePageUid: oldUid }, { pricePageUid: uidOf(0, 1), expirationDate: "2027-06-30" }],
    });
    expect(plan.expire.map((item) => item.input)).toMatchObject([
      { pricePageUid: oldUid, expirationDate: "2027-02-28" },
      { pricePageUid: uidOf(0, 1), expirationDate: "2027-06-30" },
    ]);

    // A uid the server does not hold, and an old page that no new page replaces (another
    // group) with no date to give it: both refused, with the old file's rows.
    const problems = await planProblemsOf(
      planWorkflow(harness.client(), {
        kind: "replace",
        pages: [newPage],
        old: [{ pricePageUid: oldUid }, { pricePageUid: 999_999 }, { pricePageUid: uidOf(1, 0) }],
        oldRows: [2, 3, 4],
      }),
    );
    expect(problems).toEqual([
      {
        source: "old",
        row: 3,
        column: "price_page_uid",
        message: "there is no price page 999999 on the server",
      },
      {
        source: "old",
        row: 4,
        column: "expiration_date",
        message: `old page ${uidOf(1, 0)} has no expiration date and no new page of its supplier and group to date it from: give one, or --expire-date`,
      },
    ]);
  });

  it("plans a dry run with OData reads only", async () => {
    const spec = await examplePages();
    harness.simulator.resetStats();
    const plan = await planWorkflow(harness.client(), spec);
    expect(harness.interactiveRequests()).toBe(0);
    // The supplier's pages, the books' links, and whether the company, the supplier, the groups
    // and the books exist.
    expect(harness.requests("GET /odataservice/odata/table/:name")).toBe(7);
    expect(plan.expire.every((item) => item.action === "run")).toBe(true);
    expect(plan.linkAfterCreate).toHaveLength(10);
    expect(
      harness.simulator
        .rows("price_page")
        .filter((row) => String(row.description).endsWith("2027")),
    ).toEqual([]);
  });

  it("does not create the new pages of a pair whose old page could not be expired", async () => {
    // The first save (the expiry of the first old page) fails, and with no retries stays failed.
    harness.simulator.injectFault({ kind: "http500", route: SAVE, count: 1 });
    const summary = await harness.run(
      {
        kind: "replace",
        pages: [page(0, 0), page(0, 1)],
        old: [
          { pricePageUid: uidOf(0, 0), expirationDate: "2026-12-31" },
          { pricePageUid: uidOf(0, 1), expirationDate: "2026-12-31" },
        ],
      },
      { retries: 0 },
    );
    expect(summary).toMatchObject({ expired: 1, created: 1, failed: 2 });
    const held = harness.journal.items(summary.runId, { phase: "create", states: ["failed"] });
    expect(held.map((item) => item.errorCode)).toEqual(["P21_OLD_PAGE_NOT_EXPIRED"]);
    expect(pagesOnServer(page(0, 0).description)).toEqual([]);
    expect(pagesOnServer(page(0, 1).description)).toHaveLength(1);
  });

  it("resumes an interrupted run without sending anything twice", async () => {
    const spec = await examplePages();
    const lookup = harness.client();
    const { createWorkflowRun, runWorkflow } = await import("../../src/pricing/index.js");
    const run = await createWorkflowRun(harness.journal, lookup, spec, {
      baseUrl: harness.simulator.url,
      options: {},
      inputDigest: "test",
    });
    const stop = new AbortController();
    stop.abort();
    const stopped = await runWorkflow(
      harness.journal,
      run.id,
      harness.engine({ signal: stop.signal }),
    );
    expect(stopped.interrupted).toBe(true);
    expect(harness.journal.getRun(run.id)?.state).toBe("interrupted");

    const resumed = await runWorkflow(harness.journal, run.id, harness.engine());
    expect(resumed).toMatchObject({
      expired: 5,
      created: 5,
      linked: 10,
      failed: 0,
      interrupted: false,
    });
    expect(harness.journal.getRun(run.id)?.state).toBe("completed");
    for (const created of spec.pages ?? [])
      expect(pagesOnServer(created.description)).toHaveLength(1);
  });
});

describe.each(["26.1.5910", "25.2"] as const)("replace on build %s", (profile) => {
  it("expires, creates and links the example pages", async () => {
    const other = await startHarness(profile);
    try {
      const reading = await readPricePageFile("examples/pages.csv");
      const summary = await other.run({
        kind: "replace",
        pages: reading.rows.map((row) => row.value),
      });
      expect(summary).toMatchObject({ expired: 5, created: 5, linked: 10, failed: 0 });
    } finally {
      await other.close();
    }
  });
});
