import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { ndjson, parseCsv } from "./helpers.js";
import { writePagesCsv } from "./pages-csv.js";
import { savedRequests } from "./simulator-writes.js";

describe("price-pages create end to end: pages, links and result files", () => {
  const fixture = demoFixture();
  const { cli } = fixture;
  // The file the first test writes, run again by the second.
  const createWithBooks = ["price-pages", "create", "create.csv", "--books", "RETAIL"];

  it("create: pages land on the server, linked, with results.csv, errors.csv and summary.json", async () => {
    await writePagesCsv(fixture.directory, "create.csv", [
      "10030,ABRAS,ACME,Cardinal ABRAS e2e,2050-01-01,2050-12-31,0.61",
      "10030,ADHES,ACME,Cardinal ADHES e2e,2050-01-01,2050-12-31,0.62",
      "10030,BEARNG,ACME,Cardinal BEARNG e2e,2050-01-01,2050-12-31,0.63",
    ]);
    const outcome = await cli([...createWithBooks, "--out", "out-create", "--json"]);
    expect(outcome.exitCode).toBe(0);
    const events = ndjson(outcome.stdout);
    const summary = events.at(-1) as Record<string, unknown>;
    expect(summary).toMatchObject({
      type: "summary",
      created: 3,
      linked: 3,
      failed: 0,
      exitCode: 0,
    });
    expect(events.some((event) => event.type === "record-settled")).toBe(true);

    const pages = fixture.simulator
      .rows("price_page")
      .filter((row) => String(row.description).endsWith(" e2e") && row.supplier_id === 10030);
    expect(pages).toHaveLength(3);
    const uids = new Set(pages.map((page) => page.price_page_uid));
    const links = fixture.simulator
      .rows("price_book_x_page")
      .filter((link) => uids.has(link.price_page_uid) && link.price_book_id === "RETAIL");
    expect(links).toHaveLength(3);

    const results = parseCsv(
      await readFile(join(fixture.directory, "out-create", "results.csv"), "utf8"),
    );
    expect(results[0]).toEqual([
      "input_row",
      "phase",
      "natural_key",
      "status",
      "uid",
      "attempts",
      "error",
    ]);
    expect(results.slice(1).filter((row) => row[3] === "succeeded")).toHaveLength(6);
    const errors = parseCsv(
      await readFile(join(fixture.directory, "out-create", "errors.csv"), "utf8"),
    );
    expect(errors).toHaveLength(1);
    const summaryFile = JSON.parse(
      await readFile(join(fixture.directory, "out-create", "summary.json"), "utf8"),
    ) as Record<string, unknown>;
    expect(summaryFile).toMatchObject({ created: 3, linked: 3, failed: 0, exitCode: 0 });
  });

  it("running the same file again skips what exists and sends no save", async () => {
    fixture.simulator.resetStats();
    const outcome = await cli([...createWithBooks, "--json"]);
    expect(outcome.exitCode).toBe(0);
    expect(ndjson(outcome.stdout).at(-1)).toMatchObject({ created: 0, failed: 0 });
    expect(savedRequests(fixture.simulator.stats())).toBe(0);
  });
});
