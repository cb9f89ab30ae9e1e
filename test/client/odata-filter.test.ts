import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { and, eq, filterText, ge, literal, lt, ne, not, or, raw } from "../../src/client/index.js";
import { P21Error } from "../../src/client/index.js";

describe("OData filter builder", () => {
  it("joins a structured filter with and, quoting and escaping the values", () => {
    expect(filterText({ supplier_id: 10001, description: "O'Brien", expiration_date: null })).toBe(
      "supplier_id eq 10001 and description eq 'O''Brien' and expiration_date eq null",
    );
  });

  it("builds expressions with the helpers", () => {
    const filter = and(
      eq("row_status_flag", 704),
      or(eq("product_group_id", "PG01"), ne("product_group_id", "PG02")),
      ge("effective_date", new Date(Date.UTC(2027, 0, 1))),
      lt("price_page_uid", 10),
      not(eq("active", false)),
      raw("startswith(description,'ACME')"),
    );

    expect(filterText(filter)).toBe(
      "(row_status_flag eq 704) and ((product_group_id eq 'PG01') or (product_group_id ne 'PG02')) and " +
        "(effective_date ge 2027-01-01T00:00:00) and (price_page_uid lt 10) and (not (active eq false)) and " +
        "(startswith(description,'ACME'))",
    );
  });

  it("keeps any string a single literal (no injection through a value)", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const text = filterText({ description: value });
        const quoted = text.slice("description eq ".length);

        expect(text.startsWith("description eq '")).toBe(true);
        expect(quoted.endsWith("'")).toBe(true);
        // Inside the quotes every quote is doubled, so the literal cannot end early.
        expect(quoted.slice(1, -1).replace(/''/g, "")).not.toContain("'");
        expect(quoted.slice(1, -1).replace(/''/g, "'")).toBe(value);
      }),
    );
  });

  it("refuses field names that are not identifiers and undefined values", () => {
    expect(() => eq("a eq 1 or b", 1)).toThrow(P21Error);
    expect(() => filterText({ "x or 1 eq 1": 1 })).toThrow(P21Error);
    expect(() => filterText({ price_page_uid: undefined })).toThrow(/undefined/);
    expect(() => literal(Number.NaN)).toThrow(P21Error);
  });
});
