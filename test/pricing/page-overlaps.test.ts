import { describe, expect, it } from "vitest";
import {
  overlappingPageProblems,
  replaceDateProblems,
  type PageSetProblem,
} from "../../src/pricing/page-overlaps.js";
import type { InputRow, PricePageRow } from "../../src/pricing/index.js";

type PageFields = Partial<PricePageRow> & Pick<PricePageRow, "effectiveDate">;

function page(fields: PageFields): PricePageRow {
  return {
    pageType: "Supplier / Product Group",
    companyId: "ACME",
    supplierId: 10010,
    productGroupId: "ABRAS",
    description: `Acme ABRAS ${fields.effectiveDate}`,
    pricingMethod: "Source",
    sourcePrice: "Supplier List Price",
    calculationMethod: "Multiplier",
    calculationValues: [0.55],
    breaks: [],
    ...fields,
  };
}

/** Rows 2, 3, … of a file, as the reader numbers a CSV's records; each its own description. */
function rowsOf(...pages: PageFields[]): InputRow<PricePageRow>[] {
  return pages.map((fields, index) => ({
    row: index + 2,
    value: page({ description: `Acme ABRAS row ${index + 2}`, ...fields }),
  }));
}

/** Every problem of a set, after checking that all were built. */
function all(found: { problems: readonly PageSetProblem[]; count: number }): PageSetProblem[] {
  expect(found.problems).toHaveLength(found.count);

  return [...found.problems];
}

function overlaps(rows: readonly InputRow<PricePageRow>[]): PageSetProblem[] {
  return all(overlappingPageProblems(rows));
}

const unpredictable = "two active pages of one supplier and group apply unpredictably";

describe("overlappingPageProblems", () => {
  it("reports two pages of one supplier, company and group over the same dates, at the later row", () => {
    const problems = overlaps(
      rowsOf(
        { effectiveDate: "2027-01-01" },
        { effectiveDate: "2027-01-01", expirationDate: "2027-12-31" },
      ),
    );

    expect(problems).toEqual([
      {
        row: 3,
        column: "effective_date",
        message: `overlaps row 2: the same supplier, company and group, active from 2027-01-01 with no end (this page from 2027-01-01 to 2027-12-31); ${unpredictable}`,
      },
    ]);
  });

  it("reports ranges that share some days, and accepts ranges that do not", () => {
    const overlapping = rowsOf(
      { effectiveDate: "2027-01-01", expirationDate: "2027-06-30" },
      { effectiveDate: "2027-03-01", expirationDate: "2027-09-30" },
    );
    const apart = rowsOf(
      { effectiveDate: "2027-01-01", expirationDate: "2027-03-31" },
      { effectiveDate: "2027-05-01", expirationDate: "2027-09-30" },
    );

    expect(overlaps(overlapping).map((problem) => problem.message)).toEqual([
      `overlaps row 2: the same supplier, company and group, active from 2027-01-01 to 2027-06-30 (this page from 2027-03-01 to 2027-09-30); ${unpredictable}`,
    ]);
    expect(overlaps(apart)).toEqual([]);
  });

  it("accepts a page that starts the day after the other expires, not one that starts on that day", () => {
    const first = { effectiveDate: "2027-01-01", expirationDate: "2027-06-30" };
    const touching = rowsOf(first, { effectiveDate: "2027-07-01" });
    const sharingADay = rowsOf(first, {
      effectiveDate: "2027-06-30",
      expirationDate: "2027-12-31",
    });

    expect(overlaps(touching)).toEqual([]);
    expect(overlaps(sharingADay).map((problem) => problem.row)).toEqual([3]);
  });

  it("reports the same dates, and any later page after one without an end", () => {
    const sameDates = rowsOf(
      { effectiveDate: "2027-01-01", expirationDate: "2027-12-31" },
      { effectiveDate: "2027-01-01", expirationDate: "2027-12-31" },
    );
    const openEnded = rowsOf({ effectiveDate: "2027-01-01" }, { effectiveDate: "2031-05-01" });

    expect(overlaps(sameDates).map((problem) => problem.row)).toEqual([3]);
    expect(overlaps(openEnded).map((problem) => problem.message)).toEqual([
      `overlaps row 2: the same supplier, company and group, active from 2027-01-01 with no end (this page from 2031-05-01 with no end); ${unpredictable}`,
    ]);
  });

  it("accepts overlapping dates for another supplier, company or group", () => {
    const first = { effectiveDate: "2027-01-01" };

    expect(overlaps(rowsOf(first, first)).map((problem) => problem.row)).toEqual([3]);
    expect(overlaps(rowsOf(first, { ...first, supplierId: 10020 }))).toEqual([]);
    expect(overlaps(rowsOf(first, { ...first, companyId: "BETA" }))).toEqual([]);
    expect(overlaps(rowsOf(first, { ...first, productGroupId: "ADHES" }))).toEqual([]);
  });

  it("tells a discount group from a product group of the same name", () => {
    const discountPage = (fields: PageFields): PageFields => ({
      pageType: "Supplier / Discount Group",
      productGroupId: undefined,
      discountGroupId: "ABRAS",
      ...fields,
    });

    const productAndDiscount = rowsOf(
      { effectiveDate: "2027-01-01" },
      discountPage({ effectiveDate: "2027-01-01" }),
    );
    const twoDiscount = rowsOf(
      discountPage({ effectiveDate: "2027-01-01" }),
      discountPage({ effectiveDate: "2027-02-01" }),
    );
    const otherDiscount = rowsOf(
      discountPage({ effectiveDate: "2027-01-01" }),
      discountPage({ effectiveDate: "2027-02-01", discountGroupId: "DG02" }),
    );

    expect(overlaps(productAndDiscount)).toEqual([]);
    expect(overlaps(twoDiscount).map((problem) => problem.row)).toEqual([3]);
    expect(overlaps(otherDiscount)).toEqual([]);
  });

  it("leaves exact duplicates (the same natural key) to the reader's duplicate check", () => {
    const duplicates = rowsOf(
      { effectiveDate: "2027-01-01", description: "Acme 2027" },
      { effectiveDate: "2027-01-01", description: "Acme 2027", expirationDate: "2027-12-31" },
    );
    const sameStartOtherDescription = rowsOf(
      { effectiveDate: "2027-01-01", description: "Acme 2027" },
      { effectiveDate: "2027-01-01", description: "Acme 2027, net" },
    );

    expect(overlaps(duplicates)).toEqual([]);
    expect(overlaps(sameStartOtherDescription).map((problem) => problem.row)).toEqual([3]);
  });

  it("reports each of three overlapping rows after the first once, against the page reaching furthest", () => {
    const problems = overlaps(
      rowsOf(
        { effectiveDate: "2027-01-01", expirationDate: "2027-12-31" },
        { effectiveDate: "2027-03-01", expirationDate: "2027-04-30" },
        { effectiveDate: "2027-06-01" },
      ),
    );

    expect(problems.map((problem) => [problem.row, problem.message.slice(0, 14)])).toEqual([
      [3, "overlaps row 2"],
      [4, "overlaps row 2"],
    ]);
  });

  it("follows a chain of pages each overlapping only the one before it", () => {
    const problems = overlaps(
      rowsOf(
        { effectiveDate: "2027-01-01", expirationDate: "2027-03-31" },
        { effectiveDate: "2027-03-01", expirationDate: "2027-06-30" },
        { effectiveDate: "2027-06-01", expirationDate: "2027-09-30" },
      ),
    );

    expect(problems.map((problem) => [problem.row, problem.message.slice(0, 14)])).toEqual([
      [3, "overlaps row 2"],
      [4, "overlaps row 3"],
    ]);
  });

  it("finds the same overlap whatever the order of the rows in the file", () => {
    const early = { effectiveDate: "2027-01-01", expirationDate: "2027-06-30" };
    const late = { effectiveDate: "2027-06-01", expirationDate: "2027-12-31" };
    const unrelated = { effectiveDate: "2027-01-01", supplierId: 10020 };

    const forwards = overlaps(rowsOf(early, unrelated, late));
    const backwards = overlaps(rowsOf(late, unrelated, early));

    expect(forwards.map((problem) => problem.message)).toEqual([
      `overlaps row 2: the same supplier, company and group, active from 2027-01-01 to 2027-06-30 (this page from 2027-06-01 to 2027-12-31); ${unpredictable}`,
    ]);
    expect(backwards.map((problem) => problem.message)).toEqual([
      `overlaps row 2: the same supplier, company and group, active from 2027-06-01 to 2027-12-31 (this page from 2027-01-01 to 2027-06-30); ${unpredictable}`,
    ]);
    expect(forwards.map((problem) => problem.row)).toEqual([4]);
    expect(backwards.map((problem) => problem.row)).toEqual([4]);
  });

  it("gives problems in row order", () => {
    const problems = overlaps(
      rowsOf(
        { effectiveDate: "2027-01-01" },
        { effectiveDate: "2027-01-01", supplierId: 10020 },
        { effectiveDate: "2027-02-01", supplierId: 10020 },
        { effectiveDate: "2027-02-01" },
      ),
    );

    expect(problems.map((problem) => problem.row)).toEqual([4, 5]);
  });

  it("finds none in 100,000 rows of consecutive quarters and distinct groups", () => {
    const rows: InputRow<PricePageRow>[] = [];
    for (let index = 0; index < 100_000; index += 1) {
      const quarter = index % 4;
      const startMonth = String(quarter * 3 + 1).padStart(2, "0");
      const endMonth = String(quarter * 3 + 3).padStart(2, "0");
      const endDay = quarter === 0 || quarter === 3 ? "31" : "30";
      rows.push({
        row: index + 2,
        value: page({
          supplierId: 10_000 + (Math.floor(index / 4) % 500),
          productGroupId: `PG${Math.floor(index / 2_000)}`,
          effectiveDate: `2027-${startMonth}-01`,
          expirationDate: `2027-${endMonth}-${endDay}`,
        }),
      });
    }

    expect(overlaps(rows)).toEqual([]);

    rows.push({ row: 100_002, value: page({ ...rows[0]?.value, effectiveDate: "2027-03-31" }) });
    expect(overlaps(rows).map((problem) => problem.row)).toEqual([100_002]);
  });
});

describe("the problems built", () => {
  it("are only the first ones in row order, up to the limit, with the count of all", () => {
    // One group, every page a year long starting a month after the one before: each overlaps.
    const rows = rowsOf(
      ...Array.from({ length: 2_000 }, (_, index) => ({
        effectiveDate: `${2027 + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}-01`,
      })),
    ).reverse();

    const limited = overlappingPageProblems(rows, 3);

    expect(limited.count).toBe(1_999);
    expect(limited.problems).toEqual(overlaps(rows).slice(0, 3));
    expect(limited.problems.map((problem) => problem.row)).toEqual([3, 4, 5]);
  });

  it("of --expire-date are the first ones too, with the count of all", () => {
    const rows = rowsOf(
      { effectiveDate: "2027-01-01" },
      { effectiveDate: "2027-02-01", supplierId: 10020 },
      { effectiveDate: "2027-03-01", supplierId: 10030 },
    );

    const limited = replaceDateProblems(rows, "2027-06-30", 2);

    expect(limited.count).toBe(3);
    expect(limited.problems.map((problem) => problem.row)).toEqual([2, 3]);
  });
});

describe("replaceDateProblems", () => {
  it("reports every new page taking effect on or before --expire-date, and none after it", () => {
    const rows = rowsOf(
      { effectiveDate: "2027-01-01" },
      { effectiveDate: "2027-07-01", supplierId: 10020 },
      { effectiveDate: "2027-06-30", supplierId: 10030 },
    );

    expect(all(replaceDateProblems(rows, "2027-06-30"))).toEqual([
      {
        row: 2,
        column: "effective_date",
        message:
          "the old pages expire on 2027-06-30 (--expire-date), not before this page takes effect on 2027-01-01: both would be active",
      },
      {
        row: 4,
        column: "effective_date",
        message:
          "the old pages expire on 2027-06-30 (--expire-date), not before this page takes effect on 2027-06-30: both would be active",
      },
    ]);
    expect(all(replaceDateProblems(rows, "2026-12-31"))).toEqual([]);
  });
});
