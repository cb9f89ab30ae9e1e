import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  formatProblem,
  readExpirationFile,
  readLinkFile,
  readPricePageFile,
} from "../../src/pricing/index.js";

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "p21kit-pricing-"));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, content);
  return path;
}

const header =
  "company_id,supplier_id,product_group_id,description,effective_date,calculation_value1";

describe("readPricePageFile", () => {
  it("reads the example files into pages with the documented defaults", async () => {
    const csv = await readPricePageFile("examples/pages.csv");
    const json = await readPricePageFile("examples/pages.json");
    expect(csv.problems).toEqual([]);
    expect(json.problems).toEqual([]);
    expect(csv.ok && json.ok).toBe(true);
    expect(csv.rows.map((row) => row.row)).toEqual([2, 3, 4, 5, 6]);
    // A JSON record's row is the line its object starts on.
    expect(json.rows.map((row) => row.row)).toEqual([2, 12, 25]);

    const defaults = csv.rows[3]?.value;
    expect(defaults).toMatchObject({
      pageType: "Supplier / Product Group",
      pricingMethod: "Source",
      sourcePrice: "Supplier List Price",
      calculationMethod: "Multiplier",
      companyId: "ACME",
      supplierId: 10020,
      productGroupId: "BELTS",
      calculationValues: [0.6],
      breaks: [],
    });

    const tiered = csv.rows[1]?.value;
    expect(tiered?.calculationValues).toEqual([0.58, 0.56, 0.54]);
    expect(tiered?.breaks).toEqual([
      { quantity: 100, uom: "EA" },
      { quantity: 500, uom: "EA" },
    ]);
    expect(tiered?.books).toEqual(["RETAIL", "DEALER", "CONTRACT"]);
    expect(csv.rows[2]?.value.calculationMethod).toBe("Mark up");
    expect(csv.rows[2]?.value.sourcePrice).toBe("Primary Supplier Cost");
    expect(csv.rows[4]?.value.description).toBe("Cardinal Electric CHAIN 2027, net");

    expect(json.rows[0]?.value.books).toEqual(["RETAIL", "DEALER", "CONTRACT"]);
    expect(json.rows[2]?.value.commissionCost).toEqual({ method: "Multiplier", value: 1.01 });
    expect(csv.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("takes the company from --company when the row has none, and upper-cases ids", async () => {
    const path = await file(
      "company.csv",
      "supplier_id,product_group_id,description,effective_date,calculation_value1,uom1,break1,calculation_value2\n" +
        "10010,abras,Lower case group,2027-01-01,0.5,ea,10,0.4\n",
    );
    const reading = await readPricePageFile(path, { company: "acme" });
    expect(reading.problems).toEqual([]);
    expect(reading.rows[0]?.value).toMatchObject({
      companyId: "ACME",
      productGroupId: "ABRAS",
      breaks: [{ quantity: 10, uom: "EA" }],
    });
  });

  it("reports every problem of every row at once, in file order", async () => {
    const path = await file(
      "many.csv",
      `${header},calculation_method_cd\n` +
        "ACME,x,ABRAS,One,2027-02-30,0.5,Multiplier\n" +
        "ACME,10010,ABRAS,Two,2027-01-01,y,229\n",
    );
    const reading = await readPricePageFile(path, { displayName: "many.csv" });
    expect(reading.ok).toBe(false);
    expect(reading.rows).toEqual([]);
    expect(reading.problems.map(formatProblem)).toEqual([
      'many.csv:2:supplier_id: "x" is not a whole number',
      'many.csv:2:effective_date: "2027-02-30" is not a real date: month 2 of 2027 has 28 days',
      'many.csv:3:calculation_value1: "y" is not a number',
      'many.csv:3:calculation_method_cd: "229" is a code, not a label: the server takes the calculation method as its label; write its label "Mark up"',
    ]);
  });

  it("skips blank lines, ignores an error column, and counts rows by line", async () => {
    const path = await file(
      "errors.csv",
      `${header},error\n\nACME,10010,ABRAS,One,2027-01-01,0.5,save failed\n,,,,,,\nACME,10010,ADHES,Two,2027-01-01,0.5,\n`,
    );
    const reading = await readPricePageFile(path);
    expect(reading.problems).toEqual([]);
    expect(reading.rows.map((row) => row.row)).toEqual([3, 5]);
  });

  it("reports rows that overlap an earlier one among the other problems, in row order", async () => {
    const path = await file(
      "overlap.csv",
      `${header}\nACME,10010,ABRAS,One,2027-01-01,0.5\nACME,10010,ABRAS,Two,2027-06-01,0.5\nACME,x,ABRAS,Three,2027-01-01,0.5\n`,
    );
    const reading = await readPricePageFile(path, { displayName: "overlap.csv" });
    expect(reading.ok).toBe(false);
    expect(reading.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^overlap\.csv:3:effective_date: overlaps row 2: /) as string,
      'overlap.csv:4:supplier_id: "x" is not a whole number',
    ]);
  });

  it("keeps at most the problem limit and counts the rest", async () => {
    const rows = Array.from(
      { length: 30 },
      (_, index) => `ACME,bad${index},ABRAS,D${index},2027-01-01,0.5`,
    );
    const path = await file("limit.csv", `${header}\n${rows.join("\n")}\n`);
    const reading = await readPricePageFile(path, { problemLimit: 10 });
    expect(reading.problems).toHaveLength(10);
    expect(reading.omitted).toBe(20);
    expect(reading.ok).toBe(false);
  });

  it("counts the overlaps past the problem limit with the other problems", async () => {
    // One bad row, then 30 pages of one supplier and group over the same year: 29 overlaps.
    const rows = [
      "ACME,bad,ABRAS,Bad,2027-01-01,0.5",
      ...Array.from({ length: 30 }, (_, index) => `ACME,10010,ABRAS,D${index},2027-01-01,0.5`),
    ];
    const path = await file("overlaps.csv", `${header}\n${rows.join("\n")}\n`);
    const reading = await readPricePageFile(path, { problemLimit: 10 });

    expect(reading.problems).toHaveLength(10);
    expect(reading.problems[0]?.row).toBe(2);
    expect(reading.problems[1]?.message).toMatch(/^overlaps row 3: /);
    expect(reading.omitted).toBe(20);
  });

  it("reports a file that cannot be read as a problem", async () => {
    const reading = await readPricePageFile(join(directory, "absent.csv"), {
      displayName: "absent.csv",
    });
    expect(reading.problems.map(formatProblem)).toEqual([
      "absent.csv:1: cannot read the file (ENOENT): no such file",
    ]);
  });

  it("reports every kind of unreadable path as a problem, not a crash", async () => {
    const plain = await file("plain.csv", `${header}\n`);
    const loop = join(directory, "loop.csv");
    await symlink(loop, loop);
    const cases = [
      [join(plain, "inside.csv"), "ENOTDIR"],
      [loop, "ELOOP"],
      [join(directory, `${"n".repeat(300)}.csv`), "ENAMETOOLONG"],
    ] as const;

    for (const [path, code] of cases) {
      const reading = await readPricePageFile(path, { displayName: "input.csv" });
      expect(reading.ok).toBe(false);
      expect(reading.problems.map(formatProblem)[0]).toMatch(
        new RegExp(`^input\\.csv:1: cannot read the file \\(${code}\\): `),
      );
    }
  });

  it("reads 20,000 rows in one pass, keeping only the valid pages", async () => {
    const lines = Array.from(
      { length: 20_000 },
      (_, index) =>
        `ACME,${10_010 + (index % 25) * 10},G${index % 20_000},Page ${index},2027-01-01,0.5`,
    );
    const path = await file("large.csv", `${header}\n${lines.join("\n")}\n`);
    const reading = await readPricePageFile(path);
    expect(reading.problems).toEqual([]);
    expect(reading.rows).toHaveLength(20_000);
    expect(reading.rows.at(-1)?.row).toBe(20_001);
  });
});

describe("readExpirationFile and readLinkFile", () => {
  it("fills a missing expiration date from --expire-date", async () => {
    const reading = await readExpirationFile("examples/expire.csv", { expireDate: "2026-12-15" });
    expect(reading.problems).toEqual([]);
    expect(reading.rows.map((row) => row.value)).toEqual([
      { pricePageUid: 100021, expirationDate: "2026-12-31" },
      { pricePageUid: 100022, expirationDate: "2026-12-31" },
      { pricePageUid: 100049, expirationDate: "2026-12-15" },
    ]);
  });

  it("refuses an impossible --expire-date", async () => {
    const reading = await readExpirationFile("examples/expire.csv", {
      expireDate: "2026-02-30",
      displayName: "expire.csv",
    });
    expect(reading.problems.map(formatProblem)).toEqual([
      'expire.csv:1: --expire-date: "2026-02-30" is not a real date: month 2 of 2026 has 28 days',
      "expire.csv:4:expiration_date: expiration_date is empty and no --expire-date was given",
    ]);
  });

  it("reads links with upper-cased book ids", async () => {
    const path = await file(
      "links.json",
      JSON.stringify([{ price_book_id: "dealer", price_page_uid: 7 }]),
    );
    const reading = await readLinkFile(path);
    expect(reading.problems).toEqual([]);
    expect(reading.rows).toEqual([{ row: 1, value: { bookId: "DEALER", pricePageUid: 7 } }]);
  });
});
