import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { activePage } from "./demo-pages.js";
import { ndjson, parseCsv } from "./helpers.js";
import { writePagesCsv } from "./pages-csv.js";
import { savedRequests, writeRequests } from "./simulator-writes.js";

describe("price-pages dry runs end to end (child processes against the simulator)", () => {
  const fixture = demoFixture();
  const { cli } = fixture;

  it("a dry run validates, looks up and prints the plan, and sends no write", async () => {
    await writePagesCsv(fixture.directory, "dry.csv", [
      "10020,ABRAS,ACME,Baldwin ABRAS dry,2050-01-01,2050-12-31,0.6",
    ]);
    fixture.simulator.resetStats();
    const outcome = await cli([
      "price-pages",
      "replace",
      "dry.csv",
      "--expire-date",
      "2030-12-31",
      "--books",
      "RETAIL",
      "--dry-run",
    ]);
    expect(outcome.stderr).toBe("");
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout.toLowerCase()).toContain("expire");
    expect(outcome.stdout.toLowerCase()).toContain("create");
    const stats = fixture.simulator.stats();
    expect(stats.totalRequests).toBeGreaterThan(0);
    expect(writeRequests(stats)).toBe(0);
    expect(savedRequests(stats)).toBe(0);
  });

  it("a lookup whose connection is reset, or that meets a server error, is asked again", async () => {
    await writePagesCsv(fixture.directory, "flaky.csv", [
      "10020,ADHES,ACME,Baldwin ADHES flaky,2051-01-01,2051-12-31,0.6",
    ]);
    const route = "GET /odataservice/odata/table/:name";
    fixture.simulator.injectFault({ kind: "reset", route, count: 1 });
    fixture.simulator.injectFault({ kind: "http500", route, skip: 2, count: 1 });
    fixture.simulator.resetStats();

    const outcome = await cli([
      "price-pages",
      "replace",
      "flaky.csv",
      "--books",
      "RETAIL",
      "--dry-run",
    ]);

    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain("Plan for replace of flaky.csv");
    expect(fixture.simulator.stats().faultsInjected).toMatchObject({ reset: 1, http500: 1 });
    expect(writeRequests(fixture.simulator.stats())).toBe(0);
  });

  it("a dry run's plan names every page it would expire, create and link, and what it skips", async () => {
    await writePagesCsv(fixture.directory, "plan.csv", [
      "10140,ABRAS,ACME,Kestrel ABRAS plan,2027-03-01,2027-12-31,0.6",
      "10140,ADHES,ACME,Kestrel ADHES plan,2027-03-01,2027-12-31,0.6",
    ]);
    const oldUid = (group: string) => activePage(fixture.simulator, 10140, group)?.price_page_uid;
    const [oldAbras, oldAdhes] = [oldUid("ABRAS"), oldUid("ADHES")];
    const replace = ["price-pages", "replace", "plan.csv", "--books", "RETAIL"];
    fixture.simulator.resetStats();
    const plan = await cli([...replace, "--dry-run"]);
    expect(plan.exitCode).toBe(0);
    expect(writeRequests(fixture.simulator.stats())).toBe(0);
    const abras = "10140|ABRAS|Kestrel ABRAS plan|2027-03-01";
    const adhes = "10140|ADHES|Kestrel ADHES plan|2027-03-01";
    expect(plan.stdout).toContain("Plan for replace of plan.csv (dry run: nothing was written)");
    expect(plan.stdout).toMatch(
      /would expire {2}2\n {2}would create {2}2\n {2}would link {4}2 \(2 of them/,
    );
    expect(plan.stdout).toContain(
      `page ${String(oldAbras)} expires on 2027-02-28, replaced by ${abras}`,
    );
    expect(plan.stdout).toContain(
      `page ${String(oldAdhes)} expires on 2027-02-28, replaced by ${adhes}`,
    );
    expect(plan.stdout).toContain(`Would create (2):\n  row 2: ${abras}\n  row 3: ${adhes}`);
    expect(plan.stdout).toContain(`row 2: ${abras} → book RETAIL`);

    // Once the first page is done, a plan with one more book skips its create and its RETAIL
    // link (its old page is no longer active, so not found to expire) and would link it to
    // DEALER; the second page is planned in full.
    expect((await cli([...replace, "--limit", "1"])).exitCode).toBe(0);
    const later = await cli([...replace, "--books", "RETAIL,DEALER", "--dry-run", "--json"]);
    const planned = ndjson(later.stdout).find((line) => line.type === "plan") as {
      counts: { expire: number; create: number; link: number; skipped: number };
    };
    expect(planned.counts).toEqual({ expire: 1, create: 1, link: 3, skipped: 2 });
  });

  it("a dry run with --out writes every record of its plan to plan.csv, and says where", async () => {
    const groups = ["ABRAS", "ADHES", "BEARNG"];
    await writePagesCsv(
      fixture.directory,
      "plan-file.csv",
      groups.map((group) => `10150,${group},ACME,Larch ${group} plan,2027-04-01,2027-12-31,0.6`),
    );
    const oldUids = groups.map(
      (group) => activePage(fixture.simulator, 10150, group)?.price_page_uid,
    );
    fixture.simulator.resetStats();
    const outcome = await cli([
      "price-pages",
      "replace",
      "plan-file.csv",
      "--books",
      "RETAIL",
      "--dry-run",
      "--out",
      "plan-out",
    ]);

    expect(outcome.exitCode).toBe(0);
    expect(writeRequests(fixture.simulator.stats())).toBe(0);
    const path = join(fixture.directory, "plan-out", "plan.csv");
    expect(outcome.stdout).toContain(`Every record of the plan: ${path}`);
    const [header, ...rows] = parseCsv(await readFile(path, "utf8"));
    expect(header).toEqual([
      "input_row",
      "phase",
      "natural_key",
      "action",
      "uid",
      "book_id",
      "expiration_date",
      "note",
    ]);
    const key = (group: string) => `10150|${group}|Larch ${group} plan|2027-04-01`;
    expect(rows).toEqual([
      ...groups.map((group, index) => [
        String(index + 2),
        "expire",
        String(oldUids[index]),
        "run",
        String(oldUids[index]),
        "",
        "2027-03-31",
        `replaced by ${key(group)}`,
      ]),
      ...groups.map((group, index) => [
        String(index + 2),
        "create",
        key(group),
        "run",
        "",
        "",
        "",
        "",
      ]),
      ...groups.map((group, index) => [
        String(index + 2),
        "link",
        key(group),
        "run",
        "",
        "RETAIL",
        "",
        "to the page the run creates",
      ]),
    ]);
  });
});
