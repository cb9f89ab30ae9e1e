import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  formatProblem,
  readExpirationFile,
  readLinkFile,
  readPricePageFile,
} from "../../src/pricing/index.js";

const directory = "test/fixtures/bad-inputs";

interface Expectation {
  workflow: "create" | "expire" | "link";
  options: { company?: string; expireDate?: string };
  problems: string[];
}

const expected = JSON.parse(readFileSync(join(directory, "expected.json"), "utf8")) as Record<
  string,
  Expectation
>;
const inputs = readdirSync(directory).filter(
  (name) => /\.(csv|json)$/.test(name) && name !== "expected.json",
);

async function problemsOf(name: string, expectation: Expectation): Promise<string[]> {
  const path = join(directory, name);
  const common = { displayName: name };
  const reading =
    expectation.workflow === "expire"
      ? await readExpirationFile(path, { ...common, ...expectation.options })
      : expectation.workflow === "link"
        ? await readLinkFile(path, common)
        : await readPricePageFile(path, { ...common, ...expectation.options });
  expect(reading.ok).toBe(false);

  return reading.problems.map(formatProblem);
}

describe("the bad-input corpus", () => {
  it("holds at least 30 inputs, each with its expected problems", () => {
    expect(inputs.length).toBeGreaterThanOrEqual(30);
    expect(Object.keys(expected).sort()).toEqual([...inputs].sort());
  });

  it.each(inputs)("%s is refused with exactly its expected problems", async (name) => {
    const expectation = expected[name];
    expect(expectation).toBeDefined();
    if (expectation === undefined) return;

    expect(expectation.problems.length).toBeGreaterThan(0);
    expect(await problemsOf(name, expectation)).toEqual(expectation.problems);
  });

  it("finds nothing wrong with a BOM alone: the BOM file's only problem is its supplier", () => {
    const problems = expected["bom-with-bad-supplier.csv"]?.problems ?? [];
    expect(problems).toEqual([
      'bom-with-bad-supplier.csv:2:supplier_id: "ABC" is not a whole number',
    ]);
    expect(readFileSync(join(directory, "bom-with-bad-supplier.csv")).subarray(0, 3)).toEqual(
      Buffer.from([0xef, 0xbb, 0xbf]),
    );
  });
});
