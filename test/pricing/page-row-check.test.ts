import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pricePageRowSchema, readPricePageFile } from "../../src/pricing/index.js";
import { passesPageRowSchema } from "../../src/pricing/page-row-check.js";

/** Each field: values the schema takes first, then values it refuses or that break a rule. */
const fields = {
  pageType: ["Supplier / Product Group", "Supplier / Discount Group", "Item", 214, undefined],
  companyId: ["ACME", "A", "", "TOOLONGCO", 7],
  supplierId: [10010, 1, 2_147_483_647, 0, 2_147_483_648, 1.5, "10010", Number.NaN],
  productGroupId: ["ABRAS", undefined, "", "TOOLONGPG", 5],
  discountGroupId: [undefined, "DG01", "", null],
  description: ["ACME 2027 list", "x".repeat(40), "", "x".repeat(41), ["x"]],
  pricingMethod: ["Source", "Price", "source", undefined],
  sourcePrice: ["Supplier List Price", "Price 3", "Replacement Cost"],
  effectiveDate: ["2027-01-01", "2028-02-29", "2027-02-30", "27-01-01", undefined],
  expirationDate: [undefined, "2028-12-31", "2026-12-31", "2027-13-01", null],
  calculationMethod: ["Multiplier", "Difference", "Mark Up", 211],
  calculationValues: [[0.5], [1.2, 1.1], [-0.5], [], [Number.POSITIVE_INFINITY], ["0.5"], [1e10]],
  breaks: [
    [],
    [{ quantity: 10 }],
    [{ quantity: 10, uom: "EA" }],
    [{ quantity: 0 }],
    [{ quantity: 10, uom: "" }],
    [{ quantity: 20 }, { quantity: 10 }],
    [null],
    undefined,
  ],
  commissionCost: [
    undefined,
    { method: "Multiplier", value: 1.01 },
    { method: "Mark up", value: 1 },
    { method: "Multiplier" },
    "Multiplier",
  ],
  books: [undefined, ["RETAIL"], [], ["RETAIL", "DEALER"], [""], ["TOOLONGBK"], "RETAIL"],
} as const;

type Field = keyof typeof fields;

/** Pages built field by field, mostly from the first value of each, `books` sometimes left out. */
const pages = fc.record(
  Object.fromEntries(
    Object.entries(fields).map(([field, values]) => [
      field,
      fc.oneof(
        { weight: 12, arbitrary: fc.constant(values[0]) },
        { weight: 2, arbitrary: fc.constantFrom(...values) },
      ),
    ]),
  ) as Record<Field, fc.Arbitrary<unknown>>,
  { requiredKeys: Object.keys(fields).filter((field) => field !== "books") as Field[] },
);

describe("passesPageRowSchema", () => {
  it("never accepts a page the schema refuses (property)", () => {
    let accepted = 0;
    fc.assert(
      fc.property(pages, (page) => {
        if (passesPageRowSchema(page)) {
          accepted += 1;
          expect(pricePageRowSchema.safeParse(page).success).toBe(true);
        }
      }),
      { numRuns: 5_000 },
    );

    // The property says something only if the fast check does accept pages.
    expect(accepted).toBeGreaterThan(1_000);
  });

  it("accepts every page the readers make, so that the workflow never needs zod for them", async () => {
    const csv = await readPricePageFile("examples/pages.csv");
    const json = await readPricePageFile("examples/pages.json");
    const rows = [...csv.rows, ...json.rows];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(passesPageRowSchema(row.value)).toBe(true);
    }
  });

  it("refuses what is not a page at all", () => {
    for (const value of [undefined, null, "page", 7, [], new Map()]) {
      expect(passesPageRowSchema(value)).toBe(false);
    }
  });
});
