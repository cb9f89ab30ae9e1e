import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { ndjson, parseCsv, runChild } from "./helpers.js";
import type { CliOutcome } from "./helpers.js";
import { writePagesCsv } from "./pages-csv.js";

describe("a run's errors.csv given back as input, end to end (child processes against the simulator)", () => {
  const fixture = demoFixture();
  const { cli } = fixture;

  it("a refused record fails with the server's reason, exit 1; errors.csv is valid input again", async () => {
    await writePagesCsv(fixture.directory, "refused.csv", [
      "10040,ABRAS,ACME,Delta ABRAS refused,2050-01-01,2050-12-31,0.7",
      "10040,ADHES,ACME,Delta ADHES refused,2050-01-01,2050-12-31,0.7",
    ]);
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
    await writePagesCsv(fixture.directory, "two-books.csv", [
      "10110,ABRAS,ACME,Hawthorn ABRAS two books,2052-01-01,2052-12-31,0.6",
    ]);
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
});
