import { describe, expect, it } from "vitest";
import { demoDates, writeDemoInput } from "../../src/cli/demo/demo-input.js";
import { demoFixture } from "./demo-fixture.js";
import { ndjson } from "./helpers.js";

describe("price-pages replace on a server where a new token invalidates the user's older ones", () => {
  // A short pool wait: sessions left behind would fill the pool and make creates fail fast.
  const fixture = demoFixture({
    tokenPolicy: "latest-only",
    latency: "seed",
    timeScale: 0.02,
    poolWaitMs: 200,
  });

  it("with --sessions 3, says once that it keeps to one session, and every page is done exactly once", async () => {
    const dates = demoDates(new Date());
    const input = await writeDemoInput(
      fixture.directory,
      fixture.simulator.rows("price_page"),
      30,
      dates,
      ["RETAIL"],
    );
    const pairOf = (row: Record<string, unknown>) =>
      `${String(row.supplier_id)}/${String(row.product_group_id)}`;
    const activeBefore = fixture.simulator
      .rows("price_page")
      .filter((row) => row.row_status_flag === 704);
    fixture.simulator.resetStats();

    const outcome = await fixture.cli([
      "price-pages",
      "replace",
      input.file,
      "--expire-date",
      dates.expireDate,
      "--sessions",
      "3",
      "--batch-size",
      "10",
      "--json",
    ]);

    expect(outcome.exitCode).toBe(0);
    const events = ndjson(outcome.stdout);
    expect(events.at(-1)).toMatchObject({ expired: 30, created: 30, linked: 30, failed: 0 });
    const warnings = events.filter((event) => event.code === "P21_TOKEN_CONTENTION");
    expect(warnings).toHaveLength(1);
    const started = events.filter((event) => event.type === "phase-started");
    expect(started.map((event) => [event.phase, event.sessions])).toEqual([
      ["expire", 3],
      ["create", 1],
      ["link", 1],
    ]);

    // One session per batch, each ended by its own token: none left holding an API instance.
    const batches = started.reduce((sum, event) => sum + Number(event.batches), 0);
    const stats = fixture.simulator.stats();
    expect(stats.requests["POST /api/ui/interactive/sessions"]).toBe(batches);
    expect(stats.requests["DELETE /api/ui/interactive/sessions"]).toBe(batches);
    expect(stats.sessionsOpen).toBe(0);
    expect(stats.sessionsPeak).toBe(1);

    const created = fixture.simulator
      .rows("price_page")
      .filter(
        (row) =>
          String(row.effective_date).startsWith(dates.effectiveDate) && row.row_status_flag === 704,
      );
    const createdPairs = new Set(created.map(pairOf));
    expect(createdPairs.size).toBe(30);
    expect(created).toHaveLength(30);
    const replaced = fixture.simulator
      .rows("price_page")
      .filter((row) => activeBefore.some((old) => old.price_page_uid === row.price_page_uid))
      .filter((row) => createdPairs.has(pairOf(row)));
    expect(replaced).toHaveLength(30);
    expect(replaced.every((row) => String(row.expiration_date).startsWith(dates.expireDate))).toBe(
      true,
    );
    const createdUids = new Set(created.map((row) => row.price_page_uid));
    const links = fixture.simulator
      .rows("price_book_x_page")
      .filter((link) => createdUids.has(link.price_page_uid));
    expect(links).toHaveLength(30);
  });
});
