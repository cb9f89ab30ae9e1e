import { describe, expect, it } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { activePage } from "./demo-pages.js";
import { ndjson } from "./helpers.js";
import { writePagesCsv } from "./pages-csv.js";
import { savedRequests } from "./simulator-writes.js";

describe("price-pages --limit end to end (child processes against the simulator)", () => {
  const fixture = demoFixture();
  const { cli } = fixture;

  it("--limit runs the first records of a valid file; the whole file then does the rest", async () => {
    const rows = ["ABRAS", "ADHES", "BEARNG", "BELTS"].map(
      (group, index) =>
        `10060,${group},ACME,Dalton ${group} limited,2050-01-01,2050-12-31,0.${index + 5}`,
    );
    await writePagesCsv(fixture.directory, "limited.csv", rows);
    const ours = () =>
      fixture.simulator
        .rows("price_page")
        .filter((row) => String(row.description).endsWith(" limited"));

    const first = await cli([
      "price-pages",
      "create",
      "limited.csv",
      "--limit",
      "2",
      "--books",
      "DEALER",
    ]);
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toContain("--limit 2: the first 2 of the 4 records of limited.csv");
    expect(ours().map((row) => row.description)).toEqual([
      "Dalton ABRAS limited",
      "Dalton ADHES limited",
    ]);

    fixture.simulator.resetStats();
    const rest = await cli(["price-pages", "create", "limited.csv", "--books", "DEALER", "--json"]);
    expect(rest.exitCode).toBe(0);
    expect(ndjson(rest.stdout).at(-1)).toMatchObject({ created: 2, failed: 0, exitCode: 0 });
    expect(savedRequests(fixture.simulator.stats())).toBeGreaterThan(0);
    expect(ours()).toHaveLength(4);
    const uids = new Set(ours().map((row) => row.price_page_uid));
    const links = fixture.simulator
      .rows("price_book_x_page")
      .filter((link) => uids.has(link.price_page_uid) && link.price_book_id === "DEALER");
    expect(links).toHaveLength(4);
  });

  it("replace --limit expires the old pages of the first pages only", async () => {
    await writePagesCsv(fixture.directory, "limited-replace.csv", [
      "10070,ABRAS,ACME,Ellis ABRAS limited-replace,2050-01-01,2050-12-31,0.5",
      "10070,ADHES,ACME,Ellis ADHES limited-replace,2050-01-01,2050-12-31,0.5",
    ]);
    const outcome = await cli([
      "price-pages",
      "replace",
      "limited-replace.csv",
      "--expire-date",
      "2049-06-30",
      "--limit",
      "1",
      "--dry-run",
      "--json",
    ]);
    expect(outcome.exitCode).toBe(0);
    const plan = ndjson(outcome.stdout).find((line) => line.type === "plan") as {
      counts: { expire: number; create: number };
      expire: { input: { pricePageUid: number } }[];
    };
    expect(plan.counts).toMatchObject({ expire: 1, create: 1 });
    const oldAbras = activePage(fixture.simulator, 10070, "ABRAS");
    expect(plan.expire[0]?.input.pricePageUid).toBe(oldAbras?.price_page_uid);
  });

  it("--limit still validates the whole file first, and sends nothing when a later row is bad", async () => {
    await writePagesCsv(fixture.directory, "limited-bad.csv", [
      "10060,CHAIN,ACME,Dalton CHAIN limited-bad,2050-01-01,2050-12-31,0.5",
      "10060,CUTTL,ACME,Dalton CUTTL limited-bad,2050-13-01,2050-12-31,0.5",
    ]);
    fixture.simulator.resetStats();
    const outcome = await cli(["price-pages", "create", "limited-bad.csv", "--limit", "1"]);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("limited-bad.csv:3:");
    expect(fixture.simulator.stats().totalRequests).toBe(0);

    const withOldFile = await cli([
      "price-pages",
      "replace",
      "limited-bad.csv",
      "--old",
      "old.csv",
      "--limit",
      "1",
    ]);
    expect(withOldFile.exitCode).toBe(2);
    expect(withOldFile.stderr).toContain("--limit takes the first pages of FILE");
    const zero = await cli(["price-pages", "expire", "limited-bad.csv", "--limit", "0"]);
    expect(zero.exitCode).toBe(2);
    expect(fixture.simulator.stats().totalRequests).toBe(0);
  });
});
