// The replace workflow: the old pages of each supplier and group expired, the new ones created
// and linked, in three phases a stopped run resumes.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planWorkflow, readPricePageFile } from "../../src/pricing/index.js";
import type { WorkflowSpec } from "../../src/pricing/index.js";
import { demoPage as page, planProblemsOf, SAVE, startHarness, uidOf } from "./workflow-harness.js";
import type { Harness } from "./workflow-harness.js";

let harness: Harness;

beforeEach(async () => {
  harness = await startHarness();
});

afterEach(async () => {
  await harness.close();
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
    expect(harness.pagesOnServer(page(0, 0).description)).toEqual([]);
    expect(harness.pagesOnServer(page(0, 1).description)).toHaveLength(1);
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
      expect(harness.pagesOnServer(created.description)).toHaveLength(1);
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
