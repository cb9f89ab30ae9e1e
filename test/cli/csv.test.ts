import { describe, expect, it } from "vitest";
import { csvLine, escapeFormula } from "../../src/cli/results/csv.js";
import { parseCsv } from "./parse-csv.js";

describe("result CSV cells", () => {
  it("escapes cells a spreadsheet would run as formulas", () => {
    expect(escapeFormula('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(escapeFormula("+1+1")).toBe("'+1+1");
    expect(escapeFormula("-2+3")).toBe("'-2+3");
    expect(escapeFormula("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(escapeFormula("\tcmd")).toBe("'\tcmd");
  });

  it("leaves plain numbers and ordinary text alone, so errors.csv stays valid input", () => {
    expect(escapeFormula("-1.5")).toBe("-1.5");
    expect(escapeFormula("+3")).toBe("+3");
    expect(escapeFormula("0.55")).toBe("0.55");
    expect(escapeFormula("Acme Fasteners ABRAS 2027")).toBe("Acme Fasteners ABRAS 2027");
  });

  it("quotes commas, quotes and line breaks, and ends lines with CRLF", () => {
    const line = csvLine(["a,b", 'say "hi"', "two\nlines", 7, undefined, ["RETAIL", "DEALER"]]);
    expect(line.endsWith("\r\n")).toBe(true);
    expect(parseCsv(line)).toEqual([["a,b", 'say "hi"', "two\nlines", "7", "", "RETAIL;DEALER"]]);
  });

  it("escapes a formula inside a quoted cell too", () => {
    expect(parseCsv(csvLine(["=1,2"]))).toEqual([["'=1,2"]]);
  });
});
