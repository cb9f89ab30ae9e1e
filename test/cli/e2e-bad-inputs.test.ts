import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import {
  connectionTo,
  runChild,
  runInProcess,
  temporaryDirectory,
  type CliOutcome,
} from "./helpers.js";

interface Expectation {
  workflow: "create" | "expire" | "link" | "replace";
  options: { company?: string; expireDate?: string };
  problems: string[];
}

const corpus = resolve(import.meta.dirname, "../fixtures/bad-inputs");

/**
 * A demo simulator and a scratch directory, each fresh for the tests of one describe block,
 * made before them and removed after.
 */
function demoWorkspace(): { readonly simulator: SimulatorHandle; readonly path: string } {
  let simulator: SimulatorHandle | undefined;
  let scratch: { path: string; remove: () => Promise<void> } | undefined;
  beforeAll(async () => {
    simulator = await startSimulator({ data: "demo" });
    scratch = await temporaryDirectory();
  });
  afterAll(async () => {
    await simulator?.close();
    await scratch?.remove();
  });

  return {
    get simulator() {
      if (simulator === undefined) throw new Error("the workspace is made before the tests");
      return simulator;
    },
    get path() {
      if (scratch === undefined) throw new Error("the workspace is made before the tests");
      return scratch.path;
    },
  };
}

const expected = JSON.parse(readFileSync(resolve(corpus, "expected.json"), "utf8")) as Record<
  string,
  Expectation
>;

describe("the bad-input corpus, through the real CLI", () => {
  const workspace = demoWorkspace();

  it("holds at least 30 files", () => {
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(30);
  });

  function argumentsFor(file: string, expectation: Expectation): string[] {
    return [
      "price-pages",
      expectation.workflow,
      file,
      ...(expectation.options.company === undefined
        ? []
        : ["--company", expectation.options.company]),
      ...(expectation.options.expireDate === undefined
        ? []
        : ["--expire-date", expectation.options.expireDate]),
      ...connectionTo(workspace.simulator.url),
      "--journal",
      resolve(workspace.path, "journal.db"),
      "--out",
      workspace.path,
    ];
  }

  function expectRefused(file: string, expectation: Expectation, outcome: CliOutcome): void {
    expect(outcome.exitCode).toBe(2);
    const problemLines = outcome.stderr.split("\n").filter((line) => line.startsWith(`${file}:`));
    expect(problemLines).toEqual(expectation.problems);
    expect(outcome.stderr).toContain("nothing was sent to the server");
    expect(outcome.stdout).toBe("");
    // Never reset: no file of the corpus may cause a single request.
    expect(workspace.simulator.stats().totalRequests).toBe(0);
  }

  it.each(Object.entries(expected))(
    "%s: exit 2, every problem exactly, zero requests",
    async (file, expectation) => {
      expectRefused(
        file,
        expectation,
        await runInProcess(argumentsFor(file, expectation), { cwd: corpus }),
      );
    },
  );

  it("a file that is not there: its path to check, not rows to fix, and zero requests", async () => {
    const outcome = await runInProcess(
      argumentsFor("absent.csv", { workflow: "create", options: {}, problems: [] }),
      { cwd: corpus },
    );

    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("absent.csv:1: cannot read the file (ENOENT)");
    expect(outcome.stderr).toContain(
      "Check the path of absent.csv (relative to this directory); nothing was sent to the server.",
    );
    expect(outcome.stderr).not.toContain("Fix the rows");
    expect(workspace.simulator.stats().totalRequests).toBe(0);
  });

  it("a missing --old file beside rows to fix: both said; an absolute path as it is", async () => {
    const missing = resolve(workspace.path, "no-such-old.csv");
    const outcome = await runInProcess(
      [
        ...argumentsFor("pages-wrong-types.json", {
          workflow: "replace",
          options: {},
          problems: [],
        }),
        "--old",
        missing,
      ],
      { cwd: corpus },
    );

    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain(`${missing}:1: cannot read the file (ENOENT)`);
    expect(outcome.stderr).toContain(
      `Check the path of ${missing}, fix the rows above; nothing was sent to the server.`,
    );
    expect(workspace.simulator.stats().totalRequests).toBe(0);
  });

  // The same through the built command line in a child process, for the files whose bytes
  // matter most (a BOM, invalid UTF-8, another separator, JSON, an empty file).
  it.each(
    [
      "bom-with-bad-supplier.csv",
      "invalid-utf8.csv",
      "semicolon-separated.csv",
      "pages-wrong-types.json",
      "empty.csv",
    ].filter((file) => file in expected),
  )("%s in a child process: exit 2, the same problems, zero requests", async (file) => {
    const expectation = expected[file] as Expectation;
    expectRefused(
      file,
      expectation,
      await runChild(argumentsFor(file, expectation), { cwd: corpus }),
    );
  });
});

// Rows that are each valid but cannot go together: P21 may apply either of two active pages of
// one supplier and group, so the file is refused before any request.
describe("pages that would be active together, through the real CLI", () => {
  const workspace = demoWorkspace();

  const header =
    "company_id,supplier_id,product_group_id,description,effective_date,expiration_date,calculation_value1";

  async function run(file: string, lines: string[], options: string[]): Promise<CliOutcome> {
    await writeFile(resolve(workspace.path, file), [header, ...lines, ""].join("\n"));
    return runInProcess(
      [
        "price-pages",
        ...options.slice(0, 1),
        file,
        ...options.slice(1),
        ...connectionTo(workspace.simulator.url),
        "--journal",
        resolve(workspace.path, "journal.db"),
        "--out",
        workspace.path,
      ],
      { cwd: workspace.path },
    );
  }

  function expectRefused(file: string, outcome: CliOutcome, problems: string[]): void {
    expect(outcome.exitCode).toBe(2);
    const problemLines = outcome.stderr.split("\n").filter((line) => line.startsWith(`${file}:`));
    expect(problemLines).toEqual(problems);
    expect(outcome.stderr).toContain("nothing was sent to the server");
    expect(outcome.stdout).toBe("");
    expect(workspace.simulator.stats().totalRequests).toBe(0);
  }

  const overlapping = [
    "ACME,10010,ABRAS,Acme Fasteners ABRAS 2027,2027-01-01,,0.55",
    "ACME,10010,ADHES,Acme Fasteners ADHES 2027,2027-01-01,,0.58",
    "ACME,10010,ABRAS,Acme Fasteners ABRAS 2027 net,2027-03-01,2027-12-31,0.5",
    "ACME,10020,BEARNG,Baldwin Hydraulics BEARNG 2027,2027-01-01,2027-06-30,1.25",
    "ACME,10020,BEARNG,Baldwin Hydraulics BEARNG 2027 H2,2027-07-01,,1.3",
    "ACME,10020,BEARNG,Baldwin Hydraulics BEARNG 2027 Q2,2027-04-01,2027-06-30,1.2",
  ];
  const overlapProblems = [
    "overlapping.csv:4:effective_date: overlaps row 2: the same supplier, company and group, active from 2027-01-01 with no end (this page from 2027-03-01 to 2027-12-31); two active pages of one supplier and group apply unpredictably",
    "overlapping.csv:7:effective_date: overlaps row 5: the same supplier, company and group, active from 2027-01-01 to 2027-06-30 (this page from 2027-04-01 to 2027-06-30); two active pages of one supplier and group apply unpredictably",
  ];

  it("create: rows of one supplier, company and group over the same dates, exit 2, zero requests", async () => {
    const outcome = await run("overlapping.csv", overlapping, ["create"]);

    expectRefused("overlapping.csv", outcome, overlapProblems);
  });

  it("create --limit 1: the whole file is checked, not only the rows taken", async () => {
    const outcome = await run("overlapping.csv", overlapping, ["create", "--limit", "1"]);

    expectRefused("overlapping.csv", outcome, overlapProblems);
  });

  it("replace --expire-date on the new pages' effective date: both would be active, exit 2, zero requests", async () => {
    const outcome = await run(
      "replacing.csv",
      [
        "ACME,10010,ABRAS,Acme Fasteners ABRAS 2027,2027-01-01,,0.55",
        "ACME,10010,ADHES,Acme Fasteners ADHES 2027,2027-01-02,,0.58",
        "ACME,10020,BEARNG,Baldwin Hydraulics BEARNG 2027,2026-12-31,2027-12-31,1.25",
      ],
      ["replace", "--expire-date", "2027-01-01"],
    );

    expectRefused("replacing.csv", outcome, [
      "replacing.csv:2:effective_date: the old pages expire on 2027-01-01 (--expire-date), not before this page takes effect on 2027-01-01: both would be active",
      "replacing.csv:4:effective_date: the old pages expire on 2027-01-01 (--expire-date), not before this page takes effect on 2026-12-31: both would be active",
    ]);
  });
});

// Rows that are valid on their own but refused by what the server holds: found by the plan's
// OData lookups, before any session is opened or anything written, in the dry run as in a run.
describe("rows the server's records refuse, through the real CLI", () => {
  const workspace = demoWorkspace();

  async function run(args: string[], files: Record<string, string>): Promise<CliOutcome> {
    for (const [name, text] of Object.entries(files)) {
      await writeFile(resolve(workspace.path, name), text);
    }
    workspace.simulator.resetStats();

    return runInProcess(
      [
        "price-pages",
        ...args,
        ...connectionTo(workspace.simulator.url),
        "--journal",
        resolve(workspace.path, "journal.db"),
      ],
      { cwd: workspace.path },
    );
  }

  function expectRefused(outcome: CliOutcome, lines: unknown[]): void {
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr.split("\n").slice(0, lines.length)).toEqual(lines);
    expect(outcome.stderr).toContain("p21kit only read from the server, it wrote nothing");
    const routes = Object.keys(workspace.simulator.stats().requests);
    expect(routes.filter((route) => route.includes("/interactive/"))).toEqual([]);
    expect(
      workspace.simulator.rows("price_page").filter((row) => row.price_page_uid === 100_721),
    ).toEqual([]);
  }

  const pagesHeader =
    "company_id,supplier_id,product_group_id,description,effective_date,calculation_value1,books";

  it.each([[[]], [["--dry-run"]]])(
    "create %j: a book, a company, a supplier and a group that do not exist, and a page overlapping an active one",
    async (extra) => {
      const outcome = await run(["create", "pages.csv", "--books", "RETAIL,NOPE", ...extra], {
        "pages.csv": [
          pagesHeader,
          "ACME,10010,PLUMB,Acme PLUMB 2027,2027-01-01,0.5,DEALER;NOSUCH",
          "ACME,10010,ABRAS,Acme ABRAS 2027,2027-01-01,0.5,",
          "ACME,99999,PLUMB,Nobody PLUMB 2027,2027-01-01,0.5,",
          "ACME,10020,NOGRP,Baldwin NOGRP 2027,2027-01-01,0.5,",
          // Its group is named only for its company: no second problem for the group.
          "OTHER,10030,PLUMB,Other PLUMB 2027,2027-01-01,0.5,",
          "",
        ].join("\n"),
      });

      expectRefused(outcome, [
        '--books: there is no price book "NOPE" on the server',
        'pages.csv:2:books: there is no price book "NOSUCH" on the server (page "Acme PLUMB 2027")',
        expect.stringMatching(
          /^pages\.csv:3:effective_date: page "Acme ABRAS 2027" \(from 2027-01-01 with no end\) overlaps active page 100021 /,
        ),
        "pages.csv:4:supplier_id: there is no supplier 99999 on the server",
        'pages.csv:5:product_group_id: there is no product group "NOGRP" of company ACME on the server',
        'pages.csv:6:company_id: there is no company "OTHER" on the server',
      ]);
    },
  );

  it("create --company: a company the server does not have is the flag's problem, said once", async () => {
    const outcome = await run(["create", "no-company.csv", "--company", "NOPE"], {
      "no-company.csv": [
        "supplier_id,product_group_id,description,effective_date,calculation_value1",
        "10010,PLUMB,Acme PLUMB 2027,2027-01-01,0.5",
        "10020,PLUMB,Baldwin PLUMB 2027,2027-01-01,0.5",
        "",
      ].join("\n"),
    });

    expectRefused(outcome, [
      '--company: there is no company "NOPE" on the server',
      "error: 1 problem in the input",
    ]);
  });

  it("expire: a uid the server does not have, a date before the page starts, an expired page revived", async () => {
    const expired = workspace.simulator
      .rows("price_page")
      .find((row) => row.row_status_flag === 705);
    const outcome = await run(["expire", "old.csv"], {
      "old.csv": [
        "price_page_uid,expiration_date",
        "100021,2026-12-31",
        "999999,2026-12-31",
        "100022,2025-06-30",
        `${String(expired?.price_page_uid)},2049-12-31`,
        "",
      ].join("\n"),
    });

    expectRefused(outcome, [
      "old.csv:3:price_page_uid: there is no price page 999999 on the server",
      "old.csv:4:expiration_date: 2025-06-30 is before page 100022's effective date 2026-01-01",
      expect.stringMatching(
        /^old\.csv:5:expiration_date: page \d+ expired on \d{4}-\d\d-\d\d: 2049-12-31 would make it active again$/,
      ),
    ]);
  });

  it("replace --old FILE: a problem of the old file names that file and its row", async () => {
    const outcome = await run(
      ["replace", "new.csv", "--old", "old.csv", "--expire-date", "2026-12-31"],
      {
        "new.csv": [pagesHeader, "ACME,10010,ABRAS,Acme ABRAS 2027,2027-01-01,0.5,", ""].join("\n"),
        "old.csv": ["price_page_uid", "100021", "999999", ""].join("\n"),
      },
    );

    expectRefused(outcome, [
      "old.csv:3:price_page_uid: there is no price page 999999 on the server",
    ]);
  });

  it("link: a book and a page that do not exist", async () => {
    const outcome = await run(["link", "links.csv"], {
      "links.csv": ["price_book_id,price_page_uid", "NOSUCH,100021", "RETAIL,999999", ""].join(
        "\n",
      ),
    });

    expectRefused(outcome, [
      'links.csv:2:price_book_id: there is no price book "NOSUCH" on the server (link of page 100021)',
      'links.csv:3:price_page_uid: there is no price page 999999 on the server (link to book "RETAIL")',
    ]);
  });
});
