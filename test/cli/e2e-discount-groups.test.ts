// "Supplier / Discount Group" pages through the real CLI: a discount group the server does
// not have is an input problem found by the plan, in a run as in a dry run; a server whose
// discount_group table the key may not read is not checked there, and the CLI (and doctor)
// says so.
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import { connectionTo, runInProcess, temporaryDirectory } from "./helpers.js";

const consumerKey = "9b7f4c2e-discount-groups-key";
const header =
  "company_id,supplier_id,price_page_type_cd,discount_group_id,description,effective_date,calculation_value1";
const pagesCsv = [
  header,
  "ACME,10010,Supplier / Discount Group,STOCK,Acme STOCK 2027,2027-01-01,0.5",
  "ACME,10020,Supplier / Discount Group,nodg,Baldwin NODG 2027,2027-01-01,0.5",
  "",
].join("\n");

describe("discount groups through the real CLI", () => {
  let simulator: SimulatorHandle;
  let directory: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    simulator = await startSimulator({
      data: "demo",
      // The password's tokens read every table; the key's only those p21kit needs for pages.
      users: [
        {
          username: "api_user",
          password: "api_password",
          consumerKey,
          scope:
            "/api;/odata:price_page,price_book,price_book_x_page,supplier,product_group,company",
        },
      ],
    });
    directory = await temporaryDirectory();
    await writeFile(resolve(directory.path, "pages.csv"), pagesCsv);
  });

  afterAll(async () => {
    await simulator.close();
    await directory.remove();
  });

  function run(args: string[], connection = connectionTo(simulator.url)) {
    simulator.resetStats();

    return runInProcess(
      ["price-pages", ...args, ...connection, "--journal", resolve(directory.path, "journal.db")],
      { cwd: directory.path },
    );
  }

  /** The connection flags of the consumer key, whose scope leaves out discount_group. */
  function keyConnection(): string[] {
    return ["--base-url", simulator.url, "--username", "api_user", "--consumer-key", consumerKey];
  }

  function interactiveRoutes(): string[] {
    return Object.keys(simulator.stats().requests).filter((route) =>
      route.includes("/interactive/"),
    );
  }

  it.each([[[]], [["--dry-run"]]])(
    "create %j: a discount group the server does not have, at its row and column, nothing written",
    async (extra) => {
      const outcome = await run(["create", "pages.csv", ...extra]);

      expect(outcome.exitCode).toBe(2);
      expect(outcome.stderr.split("\n").slice(0, 2)).toEqual([
        'pages.csv:3:discount_group_id: there is no discount group "NODG" on the server',
        "error: 1 problem in the input",
      ]);
      expect(outcome.stderr).toContain("p21kit only read from the server, it wrote nothing");
      expect(interactiveRoutes()).toEqual([]);
      expect(simulator.rows("price_page")).toHaveLength(720);
    },
  );

  it("create --dry-run with a key that may not read discount_group: planned, with a warning", async () => {
    const outcome = await run(["create", "pages.csv", "--dry-run"], keyConnection());

    expect(outcome.exitCode).toBe(0);
    expect(outcome.stderr).toContain(
      "warn OData table discount_group cannot be read (HTTP 401): discount groups are not checked before anything is sent",
    );
    expect(interactiveRoutes()).toEqual([]);
  });

  it("doctor: ok on the tables the plan reads, a warning for the one the key may not", async () => {
    const doctor = (connection: string[]) =>
      runInProcess(["doctor", ...connection, "--json"], { cwd: directory.path });
    const lookups = (stdout: string) =>
      stdout
        .split("\n")
        .filter((line) => line.includes('"check":"lookups"'))
        .map((line) => JSON.parse(line) as { verdict: string; detail: string; action?: string });

    const byPassword = await doctor(connectionTo(simulator.url));
    expect(byPassword.exitCode).toBe(0);
    expect(lookups(byPassword.stdout)).toEqual([
      expect.objectContaining({
        verdict: "ok",
        detail: "read company, supplier, product_group, discount_group",
      }),
    ]);

    const byKey = await doctor(keyConnection());
    expect(byKey.exitCode).toBe(0);
    expect(lookups(byKey.stdout)).toEqual([
      {
        type: "check",
        check: "lookups",
        verdict: "warn",
        detail:
          "cannot read discount_group (HTTP 401): what a file names there is not checked before anything is sent",
        action: expect.stringContaining("/odata: scope") as unknown,
        durationMs: expect.any(Number) as unknown,
      },
    ]);
  });
});
