import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { ndjson, parseCsv, runChild } from "./helpers.js";
import type { CliOutcome } from "./helpers.js";

const header =
  "supplier_id,product_group_id,company_id,description,effective_date,expiration_date,calculation_value1";

function pagesCsv(rows: readonly string[]): string {
  return [header, ...rows].join("\r\n") + "\r\n";
}

function writeRequests(stats: { requests: Record<string, number> }): number {
  return Object.entries(stats.requests)
    .filter(([route]) => /v2\/(change|data|row|tab|tools)$/.test(route) && !route.startsWith("GET"))
    .reduce((sum, [, count]) => sum + count, 0);
}

function savedRequests(stats: { requests: Record<string, number> }): number {
  return stats.requests["PUT /api/ui/interactive/v2/data"] ?? 0;
}

describe("price-pages runs end to end (child processes against the simulator)", () => {
  const fixture = demoFixture();
  const { cli } = fixture;

  it("a dry run validates, looks up and prints the plan, and sends no write", async () => {
    await writeFile(
      join(fixture.directory, "dry.csv"),
      pagesCsv(["10020,ABRAS,ACME,Baldwin ABRAS dry,2050-01-01,2050-12-31,0.6"]),
    );
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

  it("a dry run's plan names every page it would expire, create and link, and what it skips", async () => {
    await writeFile(
      join(fixture.directory, "plan.csv"),
      pagesCsv([
        "10140,ABRAS,ACME,Kestrel ABRAS plan,2027-03-01,2027-12-31,0.6",
        "10140,ADHES,ACME,Kestrel ADHES plan,2027-03-01,2027-12-31,0.6",
      ]),
    );
    const oldUid = (group: string) =>
      fixture.simulator
        .rows("price_page")
        .find(
          (row) =>
            row.supplier_id === 10140 &&
            row.product_group_id === group &&
            row.row_status_flag === 704,
        )?.price_page_uid;
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

  it("create: pages land on the server, linked, with results.csv, errors.csv and summary.json", async () => {
    await writeFile(
      join(fixture.directory, "create.csv"),
      pagesCsv([
        "10030,ABRAS,ACME,Cardinal ABRAS e2e,2050-01-01,2050-12-31,0.61",
        "10030,ADHES,ACME,Cardinal ADHES e2e,2050-01-01,2050-12-31,0.62",
        "10030,BEARNG,ACME,Cardinal BEARNG e2e,2050-01-01,2050-12-31,0.63",
      ]),
    );
    const outcome = await cli([
      "price-pages",
      "create",
      "create.csv",
      "--books",
      "RETAIL",
      "--out",
      "out-create",
      "--json",
    ]);
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
    const outcome = await cli([
      "price-pages",
      "create",
      "create.csv",
      "--books",
      "RETAIL",
      "--json",
    ]);
    expect(outcome.exitCode).toBe(0);
    expect(ndjson(outcome.stdout).at(-1)).toMatchObject({ created: 0, failed: 0 });
    expect(savedRequests(fixture.simulator.stats())).toBe(0);
  });

  it("--limit runs the first records of a valid file; the whole file then does the rest", async () => {
    const rows = ["ABRAS", "ADHES", "BEARNG", "BELTS"].map(
      (group, index) =>
        `10060,${group},ACME,Dalton ${group} limited,2050-01-01,2050-12-31,0.${index + 5}`,
    );
    await writeFile(join(fixture.directory, "limited.csv"), pagesCsv(rows));
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
    await writeFile(
      join(fixture.directory, "limited-replace.csv"),
      pagesCsv([
        "10070,ABRAS,ACME,Ellis ABRAS limited-replace,2050-01-01,2050-12-31,0.5",
        "10070,ADHES,ACME,Ellis ADHES limited-replace,2050-01-01,2050-12-31,0.5",
      ]),
    );
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
    const oldAbras = fixture.simulator
      .rows("price_page")
      .find(
        (row) =>
          row.supplier_id === 10070 &&
          row.product_group_id === "ABRAS" &&
          row.row_status_flag === 704,
      );
    expect(plan.expire[0]?.input.pricePageUid).toBe(oldAbras?.price_page_uid);
  });

  it("--limit still validates the whole file first, and sends nothing when a later row is bad", async () => {
    await writeFile(
      join(fixture.directory, "limited-bad.csv"),
      pagesCsv([
        "10060,CHAIN,ACME,Dalton CHAIN limited-bad,2050-01-01,2050-12-31,0.5",
        "10060,CUTTL,ACME,Dalton CUTTL limited-bad,2050-13-01,2050-12-31,0.5",
      ]),
    );
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

  it("a refused record fails with the server's reason, exit 1; errors.csv is valid input again", async () => {
    await writeFile(
      join(fixture.directory, "refused.csv"),
      pagesCsv([
        "10040,ABRAS,ACME,Delta ABRAS refused,2050-01-01,2050-12-31,0.7",
        "10040,ADHES,ACME,Delta ADHES refused,2050-01-01,2050-12-31,0.7",
      ]),
    );
    // The second page's first change is refused by a rule of the server (a refuse fault):
    // a permanent failure, not tried again.
    const refuseSecondPage = (skip: number) =>
      fixture.simulator.injectFault({
        kind: "refuse",
        route: "PUT /api/ui/interactive/v2/change",
        skip,
        count: 1,
      });
    refuseSecondPage(2);
    const first = await cli(["price-pages", "create", "refused.csv", "--out", "out-refused"]);
    expect(first.exitCode).toBe(1);
    expect(first.stdout).toContain("1 failed");
    expect(first.stderr).toContain("Refused by a business rule");

    // The journal keeps the failure: `runs show` names it and the command that retries it.
    const runId = /^Run (\S+):/m.exec(first.stdout)?.[1] ?? "";
    expect(runId).not.toBe("");
    const shown = await runChild(["runs", "show", runId], { cwd: fixture.directory });
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toContain("1 failed");
    expect(shown.stdout).toMatch(/create 10040\|ADHES\|[^:\n]*: .*Refused by a business rule/);
    expect(shown.stdout).toContain(`Retry them with: p21kit retry-failed ${runId}`);
    const shownJson = await runChild(["runs", "show", runId, "--json"], { cwd: fixture.directory });
    const description = ndjson(shownJson.stdout)[0] as { failed: Record<string, unknown>[] };
    expect(description.failed).toHaveLength(1);
    expect(description.failed[0]).toMatchObject({
      phase: "create",
      naturalKey: expect.stringContaining("ADHES") as unknown,
      attempts: 1,
      errorCode: expect.any(String) as unknown,
      errorMessage: expect.stringContaining("Refused by a business rule") as unknown,
    });

    const errorsPath = join(fixture.directory, "out-refused", "errors.csv");
    const errors = parseCsv(await readFile(errorsPath, "utf8"));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("error");
    expect(errors[1]?.join(",")).toContain("Delta ADHES refused");
    refuseSecondPage(0);

    const again = await cli(["price-pages", "create", errorsPath, "--out", "out-refused-again"]);
    expect(again.exitCode).toBe(1);

    // Once the server lets it through, the same file creates it.
    const fixed = await cli(["price-pages", "create", errorsPath, "--out", "out-refused-fixed"]);
    expect(fixed.stderr).not.toContain("failed ");
    expect(fixed.exitCode).toBe(0);
    const created = fixture.simulator
      .rows("price_page")
      .filter((row) => row.description === "Delta ADHES refused");
    expect(created).toHaveLength(1);
  });

  it("retry-failed runs only the failed records, as a new run", async () => {
    await writeFile(
      join(fixture.directory, "flaky.csv"),
      pagesCsv([
        "10050,ABRAS,ACME,Eastgate ABRAS flaky,2050-01-01,2050-12-31,0.7",
        "10050,ADHES,ACME,Eastgate ADHES flaky,2050-01-01,2050-12-31,0.7",
      ]),
    );
    fixture.simulator.injectFault({
      kind: "http500",
      route: "PUT /api/ui/interactive/v2/data",
      count: 2,
    });
    const first = await cli(["price-pages", "create", "flaky.csv", "--retries", "0", "--json"]);
    expect(first.exitCode).toBe(1);
    const firstSummary = ndjson(first.stdout).at(-1) as { runId: string; failed: number };
    expect(firstSummary.failed).toBeGreaterThan(0);

    fixture.simulator.resetStats();
    const retry = await cli(["retry-failed", firstSummary.runId, "--json"]);
    expect(retry.exitCode).toBe(0);
    const retrySummary = ndjson(retry.stdout).at(-1) as { runId: string; created: number };
    expect(retrySummary.runId).not.toBe(firstSummary.runId);

    const pages = fixture.simulator
      .rows("price_page")
      .filter((row) => String(row.description).endsWith(" flaky"));
    expect(pages).toHaveLength(2);

    const show = await runChild(["runs", "show", retrySummary.runId, "--json"], {
      cwd: fixture.directory,
    });
    expect(show.exitCode).toBe(0);
    expect(ndjson(show.stdout)[0]).toMatchObject({ parentRunId: firstSummary.runId });
  });

  it("resume refuses a finished run and points to retry-failed, which alone takes the latest run with failures", async () => {
    await writeFile(
      join(fixture.directory, "unlucky.csv"),
      pagesCsv([
        "10080,ABRAS,ACME,Foxley ABRAS unlucky,2051-01-01,2051-12-31,0.7",
        "10080,ADHES,ACME,Foxley ADHES unlucky,2051-01-01,2051-12-31,0.7",
      ]),
    );
    fixture.simulator.injectFault({
      kind: "http500",
      route: "PUT /api/ui/interactive/v2/data",
      count: 2,
    });
    const failed = await cli(["price-pages", "create", "unlucky.csv", "--retries", "0"]);
    expect(failed.exitCode).toBe(1);
    const failedId = /^Run (\S+):/m.exec(failed.stdout)?.[1] ?? "";
    expect(failedId).not.toBe("");

    const resumeFailed = await cli(["resume", failedId]);
    expect(resumeFailed.exitCode).toBe(2);
    expect(resumeFailed.stderr).toContain(`run ${failedId} is finished (completed)`);
    expect(resumeFailed.stderr).toContain(
      `Retry its failed records: p21kit retry-failed ${failedId}`,
    );

    // A run that succeeds comes after it; with no run given, retry-failed still takes the
    // latest run with failures.
    await writeFile(
      join(fixture.directory, "lucky.csv"),
      pagesCsv(["10080,BEARNG,ACME,Foxley BEARNG lucky,2051-01-01,2051-12-31,0.7"]),
    );
    expect((await cli(["price-pages", "create", "lucky.csv"])).exitCode).toBe(0);
    const retried = await cli(["retry-failed"]);
    expect(retried.exitCode).toBe(0);
    expect(retried.stderr).toContain(`Retrying the failed records of run ${failedId}`);
    const ours = fixture.simulator
      .rows("price_page")
      .filter((row) => String(row.description).endsWith(" unlucky"));
    expect(ours).toHaveLength(2);
    const retryId = /^Run (\S+):/m.exec(retried.stdout)?.[1] ?? "";
    expect(retryId).not.toBe("");

    const nothingToRetry = await cli(["retry-failed", retryId]);
    expect(nothingToRetry.exitCode).toBe(2);
    expect(nothingToRetry.stderr).toContain(`run ${retryId} has no failed records`);
    const resumeDone = await cli(["resume", retryId]);
    expect(resumeDone.exitCode).toBe(2);
    expect(resumeDone.stderr).toContain("nothing to resume");
    expect(resumeDone.stderr).not.toContain("Retry its failed records");
  });

  /**
   * After a run of `kind` with one record that failed (by `failOnce`, a fault that strikes one
   * record, with no retries): its errors.csv, given back as it is, is read as input (the error
   * column ignored) and fails again on the server (exit 1, not 2); retry-failed makes a run of
   * the same kind with that record alone. Answers the file's rows.
   */
  async function failsAgainFromErrorsFile(
    kind: "expire" | "link",
    first: CliOutcome,
    out: string,
    failOnce: () => void,
  ): Promise<string[][]> {
    const errorsPath = join(fixture.directory, out, "errors.csv");
    failOnce();
    const again = await cli([
      "price-pages",
      kind,
      errorsPath,
      "--out",
      `${out}-again`,
      "--retries",
      "0",
    ]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).not.toContain("problem in the input");

    const firstId = /^Run (\S+):/m.exec(first.stdout)?.[1] ?? "";
    failOnce();
    const retried = await cli(["retry-failed", firstId, "--json", "--retries", "0"]);
    expect(retried.exitCode).toBe(1);
    const retryId = String(ndjson(retried.stdout).at(-1)?.runId);
    const shown = await runChild(["runs", "show", retryId, "--json"], { cwd: fixture.directory });
    expect(ndjson(shown.stdout)[0]).toMatchObject({ kind, counts: { total: 1, failed: 1 } });

    return parseCsv(await readFile(errorsPath, "utf8"));
  }

  it("an expire run's errors.csv holds the uids that failed and is valid expire input", async () => {
    const [active, failing] = fixture.simulator
      .rows("price_page")
      .filter((row) => row.supplier_id === 10110 && row.row_status_flag === 704)
      .map((row) => Number(row.price_page_uid));
    await writeFile(
      join(fixture.directory, "expire-some.csv"),
      `price_page_uid\r\n${active}\r\n${failing}\r\n`,
    );
    // The second page's save fails, and with no retries its expiry fails.
    const failSecondSave = () =>
      fixture.simulator.injectFault({
        kind: "http500",
        route: "PUT /api/ui/interactive/v2/data",
        count: 1,
      });
    fixture.simulator.injectFault({
      kind: "http500",
      route: "PUT /api/ui/interactive/v2/data",
      skip: 1,
      count: 1,
    });
    const first = await cli([
      "price-pages",
      "expire",
      "expire-some.csv",
      "--expire-date",
      "2030-06-30",
      "--out",
      "out-expire-some",
      "--retries",
      "0",
    ]);
    expect(first.exitCode).toBe(1);
    const after = fixture.simulator.rows("price_page").find((row) => row.price_page_uid === active);
    expect(String(after?.expiration_date)).toMatch(/^2030-06-30/);

    const errors = await failsAgainFromErrorsFile(
      "expire",
      first,
      "out-expire-some",
      failSecondSave,
    );
    expect(errors[0]).toEqual(["price_page_uid", "expiration_date", "error"]);
    expect(errors.slice(1).map((row) => row.slice(0, 2))).toEqual([
      [String(failing), "2030-06-30"],
    ]);
    expect(errors[1]?.[2]).toContain("500");
  });

  it("a link run's errors.csv holds the links that failed and is valid link input", async () => {
    const [uid, failing] = fixture.simulator
      .rows("price_page")
      .filter((row) => row.supplier_id === 10120)
      .map((row) => Number(row.price_page_uid));
    await writeFile(
      join(fixture.directory, "links-some.csv"),
      `price_book_id,price_page_uid\r\nCONTRACT,${uid}\r\nCONTRACT,${failing}\r\n`,
    );
    // One window per link: the second link's added row fails, and with no retries the link.
    const addRow = "POST /api/ui/interactive/v2/row";
    fixture.simulator.injectFault({ kind: "http500", route: addRow, skip: 1, count: 1 });
    const first = await cli([
      "price-pages",
      "link",
      "links-some.csv",
      "--link-mode",
      "per-link",
      "--retries",
      "0",
      "--out",
      "out-links-some",
    ]);
    expect(first.exitCode).toBe(1);
    expect(
      fixture.simulator
        .rows("price_book_x_page")
        .filter((link) => link.price_page_uid === uid && link.price_book_id === "CONTRACT"),
    ).toHaveLength(1);

    const errors = await failsAgainFromErrorsFile("link", first, "out-links-some", () =>
      fixture.simulator.injectFault({ kind: "http500", route: addRow, count: 1 }),
    );
    expect(errors[0]).toEqual(["price_book_id", "price_page_uid", "error"]);
    expect(errors.slice(1).map((row) => row.slice(0, 2))).toEqual([["CONTRACT", String(failing)]]);
  });

  it("a failed link puts its page in errors.csv with only the failed books; that file links it", async () => {
    await writeFile(
      join(fixture.directory, "two-books.csv"),
      pagesCsv(["10110,ABRAS,ACME,Hawthorn ABRAS two books,2052-01-01,2052-12-31,0.6"]),
    );
    // The first link group's first added row fails, and with no retries its book's link fails.
    fixture.simulator.injectFault({
      kind: "http500",
      route: "POST /api/ui/interactive/v2/row",
      count: 1,
    });
    const first = await cli([
      "price-pages",
      "create",
      "two-books.csv",
      "--books",
      "RETAIL,DEALER",
      "--retries",
      "0",
      "--out",
      "out-two-books",
    ]);
    expect(first.exitCode).toBe(1);
    const page = fixture.simulator
      .rows("price_page")
      .find((row) => row.description === "Hawthorn ABRAS two books");
    const linksOf = (book: string) =>
      fixture.simulator
        .rows("price_book_x_page")
        .filter(
          (link) => link.price_page_uid === page?.price_page_uid && link.price_book_id === book,
        );

    const errorsPath = join(fixture.directory, "out-two-books", "errors.csv");
    const [header = [], row = [], ...more] = parseCsv(await readFile(errorsPath, "utf8"));
    expect(more).toEqual([]);
    const failedBook = row[header.indexOf("books")] ?? "";
    const linkedBook = failedBook === "RETAIL" ? "DEALER" : "RETAIL";
    expect(["RETAIL", "DEALER"]).toContain(failedBook);
    expect(row[header.indexOf("description")]).toBe("Hawthorn ABRAS two books");
    expect(row[header.indexOf("error")]).toMatch(new RegExp(`^${failedBook}: `));
    expect(linksOf(failedBook)).toHaveLength(0);
    expect(linksOf(linkedBook)).toHaveLength(1);

    const again = await cli(["price-pages", "create", errorsPath, "--json"]);
    expect(again.exitCode).toBe(0);
    expect(ndjson(again.stdout).at(-1)).toMatchObject({ created: 0, linked: 1, failed: 0 });
    expect(linksOf(failedBook)).toHaveLength(1);
    expect(linksOf(linkedBook)).toHaveLength(1);
    expect(
      fixture.simulator
        .rows("price_page")
        .filter((row) => row.description === "Hawthorn ABRAS two books"),
    ).toHaveLength(1);
  });

  it("expire and link from their own files", async () => {
    const [target, other] = fixture.simulator
      .rows("price_page")
      .filter((row) => row.supplier_id === 10060 && row.row_status_flag === 704);
    expect(other).toBeDefined();
    const uid = Number(target?.price_page_uid);
    const otherUid = Number(other?.price_page_uid);
    await writeFile(join(fixture.directory, "expire.csv"), `price_page_uid\r\n${uid}\r\n`);
    await writeFile(join(fixture.directory, "expire-2.csv"), `price_page_uid\r\n${otherUid}\r\n`);
    const windowReads = () =>
      fixture.simulator.stats().requests["GET /api/ui/interactive/v2/data"] ?? 0;
    fixture.simulator.resetStats();
    const expired = await cli([
      "price-pages",
      "expire",
      "expire.csv",
      "--expire-date",
      "2030-06-30",
    ]);
    expect(expired.exitCode).toBe(0);
    // Read back through OData by default; from the window with --read-back record.
    expect(windowReads()).toBe(0);
    const byWindow = await cli([
      "price-pages",
      "expire",
      "expire-2.csv",
      "--expire-date",
      "2030-06-30",
      "--read-back",
      "record",
    ]);
    expect(byWindow.exitCode).toBe(0);
    expect(windowReads()).toBe(1);
    for (const expiredUid of [uid, otherUid]) {
      const after = fixture.simulator
        .rows("price_page")
        .find((row) => row.price_page_uid === expiredUid);
      expect(String(after?.expiration_date)).toMatch(/^2030-06-30/);
    }

    await writeFile(
      join(fixture.directory, "links.csv"),
      `price_book_id,price_page_uid\r\nCONTRACT,${uid}\r\n`,
    );
    const linked = await cli(["price-pages", "link", "links.csv"]);
    expect(linked.exitCode).toBe(0);
    expect(
      fixture.simulator
        .rows("price_book_x_page")
        .filter((link) => link.price_page_uid === uid && link.price_book_id === "CONTRACT"),
    ).toHaveLength(1);
  });

  it("retry-failed without a run takes the latest failures not yet retried", async () => {
    await writeFile(
      join(fixture.directory, "retried.csv"),
      pagesCsv(["10050,CUTTL,ACME,Echo CUTTL retried,2061-01-01,2061-12-31,0.7"]),
    );
    // A journal of its own: the runs of the other tests have failures of their own.
    const own = (args: string[]) => cli([...args, "--journal", "retried.db"]);
    fixture.simulator.injectFault({ kind: "refuse", route: "PUT /api/ui/interactive/v2/change" });
    const first = await own(["price-pages", "create", "retried.csv", "--out", "out-retried"]);
    expect(first.exitCode).toBe(1);

    const retried = await own(["retry-failed"]);
    expect(retried.exitCode).toBe(0);
    const runsBefore = ndjson((await own(["runs", "--json"])).stdout).length;

    // The failures of the first run were retried: nothing is left to retry.
    const again = await own(["retry-failed"]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain("has no failed records");
    expect(ndjson((await own(["runs", "--json"])).stdout)).toHaveLength(runsBefore);
  });

  it("runs lists every run, newest first, and runs show describes one", async () => {
    const list = await runChild(["runs"], { cwd: fixture.directory });
    expect(list.exitCode).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(
      /^RUN +KIND +STATE +CREATED +SUCCEEDED +SKIPPED +FAILED +LEFT +SERVER$/,
    );
    // Each run's counts, as runs --json gives them: skipped records are not counted succeeded.
    const runsJson = await runChild(["runs", "--json"], { cwd: fixture.directory });
    for (const run of ndjson(runsJson.stdout) as { id: string; counts: Record<string, number> }[]) {
      const line = list.stdout.split("\n").find((text) => text.startsWith(run.id)) ?? "";
      const { succeeded, skipped, failed, unsettled } = run.counts;
      expect(line.split(/ +/).slice(5, 9)).toEqual(
        [succeeded, skipped, failed, unsettled].map(String),
      );
    }
    expect(list.stdout).toContain("create");
    expect(list.stdout).toContain("expire");
    const show = await runChild(["runs", "show"], { cwd: fixture.directory });
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toContain("link");
    expect(await readdir(join(fixture.directory, "p21kit-runs"))).not.toHaveLength(0);
  });

  it("names a run by a unique prefix of its id, and says when a prefix is ambiguous or unknown", async () => {
    const listed = await runChild(["runs", "--json"], { cwd: fixture.directory });
    const [newest, older] = ndjson(listed.stdout).map((run) => String(run.id));
    if (newest === undefined || older === undefined) throw new Error("the tests made two runs");

    const byPrefix = await runChild(["runs", "show", newest.slice(0, -1), "--json"], {
      cwd: fixture.directory,
    });
    expect(byPrefix.exitCode).toBe(0);
    expect(ndjson(byPrefix.stdout)[0]).toMatchObject({ id: newest });

    let shared = 0;
    while (newest[shared] === older[shared]) shared += 1;
    const ambiguous = await runChild(["runs", "show", newest.slice(0, shared)], {
      cwd: fixture.directory,
    });
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stderr).toContain(`run id "${newest.slice(0, shared)}" is ambiguous: `);
    expect(ambiguous.stderr).toContain(newest);
    expect(ambiguous.stderr).toContain(older);
    expect(ambiguous.stderr).toContain("`p21kit runs` lists the runs.");

    const unknown = await runChild(["runs", "show", "no-such-run"], { cwd: fixture.directory });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('no run "no-such-run"');
  });

  it("a replace whose expiration failed creates nothing for that pair; retry-failed finishes it", async () => {
    const old = fixture.simulator
      .rows("price_page")
      .find((row) => row.supplier_id === 10130 && row.row_status_flag === 704);
    if (old === undefined) throw new Error("the demo data has an active page of 10130");
    const oldUid = Number(old.price_page_uid);
    const group = String(old.product_group_id);
    // The new page starts while the old one runs, so the old one is expired the day before.
    const day = 86_400_000;
    const oldStart = Date.parse(`${String(old.effective_date).slice(0, 10)}T00:00:00Z`);
    const start = new Date(oldStart + 2 * day).toISOString().slice(0, 10);
    const dayBefore = new Date(oldStart + day).toISOString().slice(0, 10);
    await writeFile(
      join(fixture.directory, "replace-unlucky.csv"),
      pagesCsv([`10130,${group},ACME,Ivy ${group} replace unlucky,${start},2099-12-31,0.6`]),
    );
    const replace = ["price-pages", "replace", "replace-unlucky.csv", "--books", "RETAIL"];
    const ours = () =>
      fixture.simulator
        .rows("price_page")
        .filter((row) => row.description === `Ivy ${group} replace unlucky`);
    // The expire phase saves first: its one save fails, and with no retries the expiration
    // fails, so the new page of that pair is held back.
    fixture.simulator.injectFault({
      kind: "http500",
      route: "PUT /api/ui/interactive/v2/data",
      count: 1,
    });
    const first = await cli([...replace, "--retries", "0", "--json"]);
    expect(first.exitCode).toBe(1);
    expect(ndjson(first.stdout).at(-1)).toMatchObject({ expired: 0, created: 0, failed: 2 });
    expect(ours()).toEqual([]);

    const retried = await cli(["retry-failed", "--json"]);
    expect(retried.exitCode).toBe(0);
    expect(ndjson(retried.stdout).at(-1)).toMatchObject({
      expired: 1,
      created: 1,
      linked: 1,
      failed: 0,
    });
    const expired = fixture.simulator
      .rows("price_page")
      .find((row) => row.price_page_uid === oldUid);
    expect(String(expired?.expiration_date).slice(0, 10)).toBe(dayBefore);
    expect(ours()).toHaveLength(1);

    const again = await cli([...replace, "--json"]);
    expect(again.exitCode).toBe(0);
    expect(ndjson(again.stdout).at(-1)).toMatchObject({ expired: 0, created: 0, linked: 0 });
    expect(ours()).toHaveLength(1);
  });

  it("replace --old FILE expires the pages of the file, then creates and links the new ones", async () => {
    const old = fixture.simulator
      .rows("price_page")
      .find(
        (row) =>
          row.supplier_id === 10100 &&
          row.product_group_id === "ABRAS" &&
          row.row_status_flag === 704,
      );
    const uid = Number(old?.price_page_uid);
    await writeFile(
      join(fixture.directory, "old.csv"),
      `price_page_uid,expiration_date\r\n${uid},2049-12-30\r\n`,
    );
    await writeFile(
      join(fixture.directory, "new.csv"),
      pagesCsv(["10100,ABRAS,ACME,Juniper ABRAS replaced,2050-01-01,2050-12-31,0.6"]),
    );
    const outcome = await cli([
      "price-pages",
      "replace",
      "new.csv",
      "--old",
      "old.csv",
      "--books",
      "RETAIL",
      "--json",
    ]);
    expect(outcome.exitCode).toBe(0);
    expect(ndjson(outcome.stdout).at(-1)).toMatchObject({
      expired: 1,
      created: 1,
      linked: 1,
      failed: 0,
    });
    const expired = fixture.simulator.rows("price_page").find((row) => row.price_page_uid === uid);
    expect(String(expired?.expiration_date)).toMatch(/^2049-12-30/);
  });
});
