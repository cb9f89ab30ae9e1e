// The bench's sanity check is what keeps a fast wrong run from passing for a fast one: each
// kind of wrong result, made from the tables of a real correct run, must be named.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  demoReplaceArguments,
  replaceProblems,
  writeDemoReplace,
} from "../../bench/workflow-sanity.js";
import type { ReplaceExpectation } from "../../bench/workflow-sanity.js";
import type { RunSummaryLine } from "../../src/cli/execute-run.js";
import type { WorkflowSummary } from "../../src/pricing/index.js";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import { connectionTo, ndjson, runInProcess, temporaryDirectory } from "../cli/helpers.js";

type Row = Record<string, unknown>;

describe("the workflow bench's sanity check", () => {
  let directory: { path: string; remove: () => Promise<void> };
  let simulator: SimulatorHandle;
  let expectation: ReplaceExpectation;
  let pricePages: Row[];
  let bookLinks: Row[];
  let summary: WorkflowSummary;

  beforeAll(async () => {
    directory = await temporaryDirectory();
    simulator = await startSimulator({ data: "demo" });
    const input = await writeDemoReplace(directory.path, simulator.rows("price_page"), 12);
    expectation = input.expectation;
    const outcome = await runInProcess(
      [
        ...demoReplaceArguments(input, 2),
        ...connectionTo(simulator.url),
        "--journal",
        join(directory.path, "journal.db"),
        "--batch-size",
        "5",
        "--json",
      ],
      { cwd: directory.path },
    );
    expect(outcome.exitCode).toBe(0);
    const line = ndjson(outcome.stdout).at(-1) as unknown as RunSummaryLine;
    summary = { ...line, phases: [] };
    pricePages = simulator.rows("price_page");
    bookLinks = simulator.rows("price_book_x_page");
  });

  afterAll(async () => {
    await simulator.close();
    await directory.remove();
  });

  const problemsOf = (
    change: { pages?: Row[]; links?: Row[]; summary?: Partial<WorkflowSummary> } = {},
  ) =>
    replaceProblems(
      { pricePages: change.pages ?? pricePages, bookLinks: change.links ?? bookLinks },
      expectation,
      { ...summary, ...change.summary },
    );

  /** The rows of the pages the run created (active, and named like an input page). */
  const newPages = () => {
    const descriptions = new Set(expectation.pages.map((page) => page.description));
    return pricePages.filter(
      (row) => row.row_status_flag === 704 && descriptions.has(String(row.description)),
    );
  };

  it("finds nothing wrong with a correct run", () => {
    expect(expectation.oldPageUids).toHaveLength(12);
    expect(newPages()).toHaveLength(12);
    expect(problemsOf()).toEqual([]);
  });

  it("names a page created twice", () => {
    const copy = { ...newPages()[3], price_page_uid: 99_999_001 };
    const problems = problemsOf({ pages: [...pricePages, copy] });

    expect(problems.join("\n")).toMatch(/1 page natural key\(s\) twice/);
    expect(problems.join("\n")).toMatch(/13 new active pages, expected 12/);
  });

  it("names a page that was not created", () => {
    const missing = newPages()[0]?.price_page_uid;
    const problems = problemsOf({
      pages: pricePages.filter((row) => row.price_page_uid !== missing),
    });

    expect(problems.join("\n")).toMatch(/11 new active pages, expected 12/);
  });

  it("names an old page that was not expired", () => {
    const old = expectation.oldPageUids[5];
    const problems = problemsOf({
      pages: pricePages.map((row) =>
        row.price_page_uid === old ? { ...row, expiration_date: "2099-12-31T00:00:00" } : row,
      ),
    });

    expect(problems).toEqual([`11 old pages expire on ${expectation.expireDate}, expected 12`]);
  });

  it("names a link missing, a link made twice and a link to the wrong book", () => {
    const uids = new Set(newPages().map((row) => row.price_page_uid));
    const ours = bookLinks.filter((row) => uids.has(row.price_page_uid));
    const [first, second, third] = ours;
    expect(ours).toHaveLength(12);

    const missing = problemsOf({ links: bookLinks.filter((row) => row !== first) });
    expect(missing.join("\n")).toMatch(/11 made, 12 expected, 1 missing, 0 unexpected, 0 twice/);

    const twice = problemsOf({ links: [...bookLinks, { ...second }] });
    expect(twice.join("\n")).toMatch(/0 missing, 0 unexpected, 1 twice/);

    const wrongBook = problemsOf({
      links: bookLinks.map((row) => (row === third ? { ...row, price_book_id: "NOBOOK" } : row)),
    });
    expect(wrongBook.join("\n")).toMatch(/1 missing, 1 unexpected/);
  });

  it("names a summary that does not match the tables, or reports a failure", () => {
    expect(problemsOf({ summary: { failed: 1 } })).toHaveLength(1);
    expect(problemsOf({ summary: { created: 11 } })).toHaveLength(1);
    expect(problemsOf({ summary: { expired: 13 } })).toHaveLength(1);
    expect(problemsOf({ summary: { linked: 0 } })).toHaveLength(1);
  });
});
