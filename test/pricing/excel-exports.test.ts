import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatProblem, readPricePageFile } from "../../src/pricing/index.js";

// Files shaped the way spreadsheets and report exports write them.

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "p21kit-exports-"));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, content);
  return path;
}

async function problemsOf(name: string, content: string): Promise<string[]> {
  const reading = await readPricePageFile(await file(name, content), { displayName: name });
  return reading.problems.map(formatProblem);
}

const header =
  "company_id,supplier_id,product_group_id,description,effective_date,calculation_value1";

describe("columns a spreadsheet adds", () => {
  it("reads a file whose header ends in unnamed columns left empty on every row", async () => {
    const reading = await readPricePageFile(
      await file(
        "ghost-columns.csv",
        `${header},,\r\nACME,10010,ABRAS,One,2027-01-01,0.5,,\r\n,,,,,,,\r\n`,
      ),
    );

    expect(reading.problems).toEqual([]);
    expect(reading.rows.map((row) => row.value.description)).toEqual(["One"]);
  });

  it("refuses a value in a column without a name, at its row", async () => {
    const problems = await problemsOf(
      "unnamed-value.csv",
      `${header},,\nACME,10010,ABRAS,One,2027-01-01,0.5,,\nACME,10010,ADHES,Two,2027-01-01,0.5,,net\n`,
    );

    expect(problems).toEqual([
      'unnamed-value.csv:3: cell 8 holds "net" but its column has no name in the header; name the column or clear the cell',
    ]);
  });

  it("reads the same sheet converted to JSON: empty keys left empty are ignored, as in CSV", async () => {
    const row = (group: string, unnamed: string): string =>
      `  {"company_id":"ACME","supplier_id":10010,"product_group_id":"${group}","description":"${group}","effective_date":"2027-01-01","calculation_value1":0.5,${unnamed}}`;
    const reading = await readPricePageFile(
      await file(
        "ghost-keys.json",
        `[\n${row("ABRAS", '"":""')},\n${row("ADHES", '"":null')}\n]\n`,
      ),
    );

    expect(reading.problems).toEqual([]);
    expect(reading.rows.map((page) => page.value.description)).toEqual(["ABRAS", "ADHES"]);

    const problems = await problemsOf(
      "unnamed-key.json",
      `[\n${row("ABRAS", '"":""')},\n${row("ADHES", '"":"net"')}\n]\n`,
    );
    expect(problems).toEqual(["unnamed-key.json:3: an object has an empty key"]);
  });
});

describe("JSON written on one line", () => {
  const page = (supplier: string, description: string): string =>
    `{"company_id":"ACME","supplier_id":${supplier},"product_group_id":"ABRAS","description":"${description}","effective_date":"2027-01-01","calculation_value1":0.5}`;

  it("numbers its records by their place in the array, as lines cannot tell them apart", async () => {
    const problems = await problemsOf(
      "one-line.json",
      `[${page("10010", "One")},${page('"S1"', "Two")},${page("10010", "One")}]`,
    );

    expect(problems).toEqual([
      'one-line.json:2:supplier_id: "S1" is not a whole number',
      "one-line.json:3: duplicate of row 1: the same supplier, group, description and effective date",
    ]);
  });
});

describe("dates as exports write them", () => {
  const rows = (dates: string[]): string =>
    [header, ...dates.map((date, index) => `ACME,${10010 + index},ABRAS,P,${date},0.5`)].join("\n");

  it("reads a date at midnight, as SQL and OData exports write one, as that day", async () => {
    const reading = await readPricePageFile(
      await file(
        "midnight.csv",
        rows([
          "2026-12-31 00:00:00.000",
          "2026-12-31 00:00:00",
          "2026-12-31T00:00:00",
          "2026-12-31",
        ]),
      ),
    );

    expect(reading.problems).toEqual([]);
    expect(reading.rows.map((row) => row.value.effectiveDate)).toEqual(Array(4).fill("2026-12-31"));
  });

  it("refuses a time of day, and says what to do about the forms a spreadsheet writes", async () => {
    const problems = await problemsOf(
      "spreadsheet-dates.csv",
      rows([
        "2026-12-31 13:45:00",
        "2026-02-30 00:00:00",
        "46387",
        "12/31/2026",
        "31-Dec-2026",
        "2027",
      ]),
    );
    const fix = "format the column as yyyy-mm-dd (Format Cells, Custom) before saving";

    expect(problems).toEqual([
      'spreadsheet-dates.csv:2:effective_date: "2026-12-31 13:45:00" has a time of day; price page dates are whole days: write the date alone (2026-12-31)',
      'spreadsheet-dates.csv:3:effective_date: "2026-02-30" is not a real date: month 2 of 2026 has 28 days',
      `spreadsheet-dates.csv:4:effective_date: "46387" is not a date in the form YYYY-MM-DD: it looks like a spreadsheet's day number (in Excel, 2026-12-31); ${fix}`,
      `spreadsheet-dates.csv:5:effective_date: "12/31/2026" is not a date in the form YYYY-MM-DD; in a spreadsheet, ${fix}`,
      `spreadsheet-dates.csv:6:effective_date: "31-Dec-2026" is not a date in the form YYYY-MM-DD; in a spreadsheet, ${fix}`,
      // A year alone is no day number of this century's dates (those have five digits).
      `spreadsheet-dates.csv:7:effective_date: "2027" is not a date in the form YYYY-MM-DD; in a spreadsheet, ${fix}`,
    ]);
  });
});

describe("numbers as a spreadsheet formats them", () => {
  it("refuses each with what to write instead", async () => {
    const values = ["$12.00", "12.5%", "1.2E+3", "(1.50)"];
    const lines = values.map((value, index) => `ACME,${10010 + index},ABRAS,P,2027-01-01,${value}`);
    const problems = await problemsOf(
      "formatted-numbers.csv",
      [
        header,
        ...lines,
        `ACME,"10,010",ABRAS,Q,2027-01-01,0.5`,
        "ACME,10010.0,ABRAS,R,2027-01-01,0.5",
      ].join("\n"),
    );

    expect(problems).toEqual([
      'formatted-numbers.csv:2:calculation_value1: "$12.00" is not a number: write the number alone, without a currency sign',
      'formatted-numbers.csv:3:calculation_value1: "12.5%" is not a number: write the number the field takes, without a % sign',
      'formatted-numbers.csv:4:calculation_value1: "1.2E+3" is not a number: write it in full, not in exponent form (in a spreadsheet, format the column as Number)',
      'formatted-numbers.csv:5:calculation_value1: "(1.50)" is not a number: write a negative number with a minus sign, not in parentheses',
      'formatted-numbers.csv:6:supplier_id: "10,010" is not a whole number: write it without thousands separators (1000)',
      'formatted-numbers.csv:7:supplier_id: "10010.0" is not a whole number: write it without a decimal part',
    ]);
  });

  it("gives no such advice for a text that is not a number at all", async () => {
    const values = ["(n/a)", "($ see note)", "$TBD", "ask €"];
    const lines = values.map((value, index) => `ACME,${10010 + index},ABRAS,P,2027-01-01,${value}`);
    const problems = await problemsOf("not-numbers.csv", [header, ...lines].join("\n"));

    expect(problems).toEqual(
      values.map(
        (value, index) =>
          `not-numbers.csv:${index + 2}:calculation_value1: ${JSON.stringify(value)} is not a number`,
      ),
    );
  });
});

describe("runaway cells", () => {
  it("are cut in the problem that names them", async () => {
    const digits = "1".repeat(400);
    const problems = await problemsOf(
      "runaway.csv",
      `${header}\nACME,10010,ABRAS,P,2027-01-01,${digits}\nACME,${digits},ABRAS,P,2027-01-01,0.5\n`,
    );
    const shown = `${"1".repeat(57)}…`;

    expect(problems).toEqual([
      `runaway.csv:2:calculation_value1: ${shown} is out of range: expected a number from -999999999 to 999999999`,
      `runaway.csv:3:supplier_id: ${shown} is out of range: expected a whole number from 1 to 2147483647`,
    ]);
  });
});

describe("a workbook given instead of its CSV export", () => {
  // The first bytes of each format, then the rest of the file as a workbook would go on.
  const workbooks = [
    ["pages.xlsx", [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00], "an Excel workbook (.xlsx)"],
    ["pages.xls", [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], "an Excel 97-2003 workbook"],
    ["renamed.csv", [0x50, 0x4b, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x00], "an Excel workbook (.xlsx)"],
    ["report.csv", [...Buffer.from("%PDF-1.7\n")], "a PDF document"],
  ] as const;

  it.each(workbooks)("refuses %s in one problem that names it", async (name, head, what) => {
    const path = join(directory, name);
    const body = Buffer.concat([Buffer.from(head), Buffer.from(`${header}\n`.repeat(50))]);
    await writeFile(path, body);

    const reading = await readPricePageFile(path, { displayName: name });

    expect(reading.rows).toEqual([]);
    const problems = reading.problems.map(formatProblem);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${name}:1: the file is ${what}`);
    expect(problems[0]).toContain(
      'not CSV text; in Excel, save it as "CSV UTF-8 (Comma delimited)"',
    );
  });
});
