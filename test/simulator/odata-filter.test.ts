import { describe, expect, it } from "vitest";
import { TABLE_SCHEMAS, type Row } from "../../src/simulator/data/schema.js";
import {
  canonicalDateTime,
  FilterSyntaxError,
  parseFilter,
} from "../../src/simulator/odata/filter.js";
import { ODataQueryError, runQuery } from "../../src/simulator/odata/query.js";

const pages: Row[] = [
  {
    price_page_uid: 1,
    supplier_id: 10,
    product_group_id: "FASTN",
    description: "Acme O'Brien",
    row_status_flag: 704,
    expiration_date: "2026-12-31T00:00:00",
    discount_group_id: null,
  },
  {
    price_page_uid: 2,
    supplier_id: 10,
    product_group_id: "HOSE",
    description: "Acme hose",
    row_status_flag: 705,
    expiration_date: "2024-12-31T00:00:00",
    discount_group_id: null,
  },
  {
    price_page_uid: 3,
    supplier_id: 20,
    product_group_id: "fastn",
    description: "Baldwin",
    row_status_flag: 704,
    expiration_date: "2049-12-31T00:00:00",
    discount_group_id: "DG1",
  },
];

function uids(filter: string, extra: Record<string, string> = {}): unknown[] {
  return runQuery("price_page", TABLE_SCHEMAS.price_page, pages, { filter, ...extra }).rows.map(
    (row) => row.price_page_uid,
  );
}

describe("OData $filter parser", () => {
  it("binds and tighter than or, and parentheses override it", () => {
    expect(parseFilter("a eq 1 or b eq 2 and c eq 3")).toMatchObject({
      kind: "or",
      right: { kind: "and" },
    });
    expect(parseFilter("(a eq 1 or b eq 2) and c eq 3")).toMatchObject({
      kind: "and",
      left: { kind: "or" },
    });
  });

  it("reads string, number, null, boolean and date literals", () => {
    expect(parseFilter("d eq 'it''s'")).toMatchObject({
      right: { literal: { kind: "string", value: "it's" } },
    });
    expect(parseFilter("n ge -1.5")).toMatchObject({
      right: { literal: { kind: "number", value: -1.5 } },
    });
    expect(parseFilter("n eq null")).toMatchObject({ right: { literal: { kind: "null" } } });
    expect(parseFilter("b eq true")).toMatchObject({
      right: { literal: { kind: "boolean", value: true } },
    });
    expect(parseFilter("d lt 2026-01-01")).toMatchObject({
      right: { literal: { kind: "date", value: "2026-01-01T00:00:00" } },
    });
    expect(parseFilter("d lt datetime'2026-01-01T10:30'")).toMatchObject({
      right: { literal: { kind: "date", value: "2026-01-01T10:30:00" } },
    });
    expect(parseFilter("d lt 2026-01-01T00:00:00Z")).toMatchObject({
      right: { literal: { kind: "date", value: "2026-01-01T00:00:00" } },
    });
  });

  it.each([
    ["a eq", "literal"],
    ["a eq 1 and", "expected"],
    ["(a eq 1", "')'"],
    ["a foo 1", "comparison operator"],
    ["a eq 'open", "unterminated"],
    ["a eq 1 b eq 2", "end of the expression"],
    ["a eq 2026-02-30", "Invalid date"],
    ["a eq #", "not valid"],
    ["", "expression"],
  ])("refuses %j with a message naming the problem", (filter, fragment) => {
    expect(() => parseFilter(filter)).toThrow(FilterSyntaxError);
    expect(() => parseFilter(filter)).toThrow(fragment);
  });

  it("canonicalises date-times and refuses impossible ones", () => {
    expect(canonicalDateTime("2026-03-04")).toBe("2026-03-04T00:00:00");
    expect(canonicalDateTime("2026-03-04T05:06:07.123+02:00")).toBe("2026-03-04T05:06:07");
    expect(canonicalDateTime("2026-13-01")).toBeUndefined();
    expect(canonicalDateTime("yesterday")).toBeUndefined();
  });
});

describe("OData query over a table", () => {
  it("filters with comparisons, and/or/not and parentheses", () => {
    expect(uids("supplier_id eq 10 and row_status_flag eq 704")).toEqual([1]);
    expect(uids("supplier_id eq 20 or row_status_flag eq 705")).toEqual([2, 3]);
    expect(uids("not (supplier_id eq 10)")).toEqual([3]);
    expect(uids("supplier_id ne 10")).toEqual([3]);
    expect(uids("price_page_uid gt 1 and price_page_uid le 3")).toEqual([2, 3]);
  });

  it("compares strings case-insensitively and matches null literals", () => {
    expect(uids("product_group_id eq 'FASTN'")).toEqual([1, 3]);
    expect(uids("discount_group_id eq null")).toEqual([1, 2]);
    expect(uids("discount_group_id ne null")).toEqual([3]);
    expect(uids("startswith(description,'acme')")).toEqual([1, 2]);
    expect(uids("contains(description,'o''b')")).toEqual([1]);
  });

  it("compares date columns with date and string literals", () => {
    expect(uids("expiration_date lt 2026-01-01")).toEqual([2]);
    expect(uids("expiration_date ge '2026-12-31'")).toEqual([1, 3]);
    expect(uids("expiration_date eq datetime'2049-12-31T00:00:00'")).toEqual([3]);
  });

  it("refuses a number column compared with a quoted value, as OData does", () => {
    expect(() => uids("supplier_id eq '10'")).toThrow(ODataQueryError);
    expect(() => uids("supplier_id eq '10'")).toThrow("incompatible types");
  });

  it("refuses unknown columns in $filter, $select and $orderby", () => {
    expect(() => uids("nope eq 1")).toThrow("Could not find a property named 'nope'");
    expect(() => uids("", { select: "nope" })).toThrow(ODataQueryError);
    expect(() => uids("", { orderby: "nope desc" })).toThrow(ODataQueryError);
  });

  it("orders, pages, projects and counts", () => {
    const answer = runQuery("price_page", TABLE_SCHEMAS.price_page, pages, {
      orderby: "supplier_id desc, price_page_uid",
      skip: "1",
      top: "1",
      select: "price_page_uid,supplier_id",
      count: "true",
    });
    expect(answer.count).toBe(3);
    expect(answer.rows).toEqual([{ price_page_uid: 1, supplier_id: 10 }]);
  });

  it("refuses a negative or fractional $top", () => {
    expect(() => uids("", { top: "-1" })).toThrow(ODataQueryError);
    expect(() => uids("", { top: "1.5" })).toThrow(ODataQueryError);
    expect(() => uids("", { count: "yes" })).toThrow(ODataQueryError);
  });

  it("returns copies, not the stored rows", () => {
    const [first] = runQuery("price_page", TABLE_SCHEMAS.price_page, pages, {}).rows;
    if (first === undefined) throw new Error("no row");
    first.description = "changed";
    expect(pages[0]?.description).toBe("Acme O'Brien");
  });
});
