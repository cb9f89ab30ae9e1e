import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoFixture } from "./demo-fixture.js";

const header =
  "supplier_id,product_group_id,company_id,description,effective_date,expiration_date,calculation_value1,books";

function pagesCsv(rows: readonly string[]): string {
  return [header, ...rows].join("\r\n") + "\r\n";
}

describe("the phase lines of a run's progress (text)", () => {
  const fixture = demoFixture();
  const { cli } = fixture;

  it("are printed for a phase whose records were all skipped, with the skipped count", async () => {
    const groups = ["ABRAS", "ADHES", "BEARNG"];
    const rows = groups.map(
      (group) => `10010,${group},ACME,Acme ${group} skipped,2027-01-01,2027-12-31,0.6,RETAIL`,
    );
    await writeFile(join(fixture.directory, "skipped.csv"), pagesCsv(rows));
    const replace = ["price-pages", "replace", "skipped.csv", "--sessions", "2"];

    const first = await cli(replace);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^create: done in .+: 3 succeeded, 0 failed, 0 skipped$/m);

    // The same file again: the server has every page and link, so nothing is sent.
    const again = await cli(replace);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain("0 created, 0 linked, 6 skipped, 0 failed");
    for (const phase of ["create", "link"]) {
      expect(again.stderr).toMatch(new RegExp(`^${phase}: 0 of 3 records left$`, "m"));
      expect(again.stderr).toMatch(
        new RegExp(`^${phase}: done in .+: 0 succeeded, 0 failed, 3 skipped$`, "m"),
      );
    }
  }, 60_000);

  it.each([
    { sessions: 1, pages: 6, line: "create: 6 records in 1 batch on 1 session" },
    // "up to": the server's pool may give fewer sessions at once than asked for.
    { sessions: 3, pages: 6, line: "create: 6 records in 3 batches on up to 3 sessions" },
    // One batch takes one session, however many were asked for.
    { sessions: 3, pages: 1, line: "create: 1 record in 1 batch on 1 session" },
  ])("say how many sessions a phase runs on: --sessions $sessions, $pages pages", async (row) => {
    const { sessions, pages, line } = row;
    const year = 2055 + sessions + pages;
    const groups = ["BELTS", "CHAIN", "CUTTL", "ELECT", "FASTN", "FILTR"].slice(0, pages);
    const rows = groups.map(
      (group) => `10050,${group},ACME,Sessions ${group} ${year},${year}-01-01,${year}-12-31,0.6,`,
    );
    const file = `sessions-${sessions}-${pages}.csv`;
    await writeFile(join(fixture.directory, file), pagesCsv(rows));

    const outcome = await cli(["price-pages", "create", file, "--sessions", String(sessions)]);
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.stderr.split("\n")).toContain(line);
  });
});
