import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { parseCsv } from "./helpers.js";
import { writePagesCsv } from "./pages-csv.js";

const byteOrderMark = Buffer.from([0xef, 0xbb, 0xbf]);

describe("result files opened in a spreadsheet (child processes against the simulator)", () => {
  const fixture = demoFixture();
  const { cli } = fixture;

  it("results.csv and errors.csv start with a UTF-8 byte order mark, so Excel shows Café", async () => {
    await writePagesCsv(fixture.directory, "accents.csv", [
      '10050,ABRAS,ACME,"Café, ""Crème"" ABRAS",2050-01-01,2050-12-31,0.7',
      "10050,ADHES,ACME,Zoë ADHES,2050-01-01,2050-12-31,0.7",
    ]);
    fixture.simulator.injectFault({
      kind: "refuse",
      route: "PUT /api/ui/interactive/v2/change",
      skip: 2,
      count: 1,
    });
    const first = await cli(["price-pages", "create", "accents.csv", "--out", "out-accents"]);
    expect(first.exitCode).toBe(1);

    const results = await readFile(join(fixture.directory, "out-accents", "results.csv"));
    const errors = await readFile(join(fixture.directory, "out-accents", "errors.csv"));
    for (const file of [results, errors]) {
      expect(file.subarray(0, 3)).toEqual(byteOrderMark);
    }

    const resultRows = parseCsv(results.toString("utf8"));
    expect(resultRows[0]?.[0]).toBe("input_row");
    expect(resultRows.flat().join(" ")).toContain('Café, "Crème" ABRAS');
    const errorRows = parseCsv(errors.toString("utf8"));
    expect(errorRows[1]?.join(" ")).toContain("Zoë ADHES");

    // The mark does not stop errors.csv from being read as input again.
    const errorsPath = join(fixture.directory, "out-accents", "errors.csv");
    const again = await cli(["price-pages", "create", errorsPath, "--out", "out-accents-again"]);
    expect(again.exitCode).toBe(0);
    const created = fixture.simulator
      .rows("price_page")
      .filter((row) => row.description === "Zoë ADHES");
    expect(created).toHaveLength(1);
  });
});
