import { describe, expect, it } from "vitest";
import { closest, editDistance } from "../../src/pricing/closest.js";
import { LABEL_LISTS, resolveLabel } from "../../src/pricing/labels.js";
import { calendarDateProblem } from "../../src/pricing/dates.js";

describe("resolveLabel", () => {
  it("accepts every valid label in any case and returns the server's spelling", () => {
    for (const [field, list] of Object.entries(LABEL_LISTS)) {
      for (const label of list.labels) {
        const resolution = resolveLabel(field as keyof typeof LABEL_LISTS, label.toUpperCase());
        expect(resolution).toEqual({ ok: true, label });
      }
    }
  });

  it("accepts both spellings the fact sheet lists", () => {
    expect(resolveLabel("calculation_method_cd", "Mark Up")).toEqual({
      ok: true,
      label: "Mark up",
    });
    expect(resolveLabel("calculation_method_cd", "mark up")).toEqual({
      ok: true,
      label: "Mark up",
    });
    expect(resolveLabel("source_price_cd", "Replacement Cost")).toEqual({
      ok: true,
      label: "Primary Supplier Cost",
    });
    expect(resolveLabel("commission_cost_calc_method_cd", "mark up")).toEqual({
      ok: true,
      label: "Mark Up",
    });
  });

  it("ignores the spaces around a slash and repeated blanks", () => {
    expect(resolveLabel("price_page_type_cd", "supplier/product  group")).toEqual({
      ok: true,
      label: "Supplier / Product Group",
    });
  });

  it("refuses a code and names the label of that code on its own tab", () => {
    const values = resolveLabel("calculation_method_cd", "229");
    const costs = resolveLabel("commission_cost_calc_method_cd", "213");
    expect(values.ok).toBe(false);
    expect(!values.ok && values.message).toContain('write its label "Mark up"');
    expect(!costs.ok && costs.message).toContain('write its label "Mark Up"');

    const valuesCodeOnCosts = resolveLabel("commission_cost_calc_method_cd", "229");
    expect(!valuesCodeOnCosts.ok && valuesCodeOnCosts.message).toContain(
      "write one of the labels: Multiplier, Difference, Mark Up, Percentage",
    );
  });

  it("suggests the closest label for a typo, and lists the labels for nonsense", () => {
    const typo = resolveLabel("calculation_method_cd", "Multiplyer");
    expect(!typo.ok && typo.message).toBe(
      'unknown calculation method "Multiplyer"; did you mean "Multiplier"?',
    );
    const nonsense = resolveLabel("pricing_method_cd", "completely different words");
    expect(!nonsense.ok && nonsense.message).toContain("valid labels: Source, Price, None");
  });
});

describe("closest", () => {
  it("measures edits", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
  });

  it("finds the nearest candidate case-insensitively, or none when nothing is near", () => {
    expect(closest("EXPIRATON_DATE", ["effective_date", "expiration_date"])).toBe(
      "expiration_date",
    );
    expect(closest("zzzzzzzzzz", ["effective_date", "expiration_date"])).toBeUndefined();
    // Three edits in five letters is another word, not a typo; a part of a name is a hint.
    expect(closest("notes", ["books", "description"])).toBeUndefined();
    expect(closest("page_uid", ["price_book_id", "price_page_uid"])).toBe("price_page_uid");
  });

  it("reads the year before the day: a year out of range is the problem to tell", () => {
    expect(calendarDateProblem("0027-02-29")).toBe(
      '"0027-02-29" is outside the years 1900 to 2999',
    );
  });
});
