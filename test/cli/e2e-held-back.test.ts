import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { ndjson, parseCsv } from "./helpers.js";

const header =
  "supplier_id,product_group_id,company_id,description,effective_date,calculation_value1";

describe("a replace that holds back a new page, as its output tells it (child processes)", () => {
  const fixture = demoFixture();
  const { cli } = fixture;

  /** A replace file of two new pages of `supplierId`; the first old page's expiry is refused. */
  async function replaceWithRefusedExpiry(supplierId: number, name: string): Promise<string[]> {
    await writeFile(
      join(fixture.directory, name),
      [
        header,
        `${supplierId},ABRAS,ACME,Held ABRAS ${supplierId},2027-01-01,0.6`,
        `${supplierId},ADHES,ACME,Held ADHES ${supplierId},2027-01-01,0.6`,
      ].join("\r\n"),
    );
    fixture.simulator.injectFault({
      kind: "refuse",
      route: "PUT /api/ui/interactive/v2/data",
      count: 1,
    });

    return ["price-pages", "replace", name, "--expire-date", "2026-12-31", "--retries", "0"];
  }

  it("a page not created because its old page could not be expired is printed as failed", async () => {
    const args = await replaceWithRefusedExpiry(10030, "held.csv");
    const outcome = await cli([...args, "--out", "out-held"]);

    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toContain("2 failed");
    const failedLines = outcome.stderr.split("\n").filter((line) => line.startsWith("failed  "));
    expect(failedLines).toHaveLength(2);
    expect(failedLines[1]).toMatch(
      /^failed {2}create 10030\|ABRAS\|Held ABRAS 10030\|2027-01-01: not created: the old page \d+ of supplier 10030 could not be expired/,
    );

    // The old pages were found on the server, not read from the file: each expiry takes the
    // input row of the new page that replaces it, so that the spreadsheet ties the two.
    const results = parseCsv(
      await readFile(join(fixture.directory, "out-held", "results.csv"), "utf8"),
    );
    const expiries = results.filter((row) => row[1] === "expire");
    expect(expiries.map((row) => [row[0], row[3]])).toEqual([
      ["2", "failed"],
      ["3", "succeeded"],
    ]);
  });

  it("with --json, every failed record of the summary has its event", async () => {
    const args = await replaceWithRefusedExpiry(10040, "held.json.csv");
    const outcome = await cli([...args, "--out", "out-held-json", "--json"]);

    expect(outcome.exitCode).toBe(1);
    const events = ndjson(outcome.stdout);
    const failed = events.filter(
      (event) =>
        (event.type === "record-settled" || event.type === "record-held-back") &&
        event.state === "failed",
    );
    const summary = events.at(-1);
    expect(summary).toMatchObject({ type: "summary", failed: 2 });
    expect(failed).toHaveLength(2);
    expect(events.find((event) => event.type === "record-held-back")).toMatchObject({
      phase: "create",
      naturalKey: "10040|ABRAS|Held ABRAS 10040|2027-01-01",
      errorCode: "P21_OLD_PAGE_NOT_EXPIRED",
    });
  });
});
