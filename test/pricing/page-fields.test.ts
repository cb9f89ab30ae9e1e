import { describe, expect, it } from "vitest";
import {
  checkWorkflowSpec,
  dayBefore,
  formatDecimal,
  pageFieldChanges,
  pageNaturalKey,
  WorkflowSpecError,
} from "../../src/pricing/index.js";
import type { PricePageRow } from "../../src/pricing/index.js";

const page: PricePageRow = {
  pageType: "Supplier / Discount Group",
  companyId: "ACME",
  supplierId: 10010,
  discountGroupId: "DG01",
  description: "Discount page",
  pricingMethod: "Source",
  sourcePrice: "Primary Supplier Cost",
  effectiveDate: "2027-01-01",
  expirationDate: "2027-12-31",
  calculationMethod: "Mark up",
  calculationValues: [1.25, 1.2, 1.15],
  breaks: [{ quantity: 10, uom: "EA" }, { quantity: 100 }],
  commissionCost: { method: "Multiplier", value: 1.01 },
};

/** The page without an expiration date. */
function openEndedPage(): PricePageRow {
  const openEnded: PricePageRow = { ...page };
  delete openEnded.expirationDate;

  return openEnded;
}

describe("pageFieldChanges", () => {
  it("orders the fields as the server needs them, tab by tab", () => {
    const tabs = pageFieldChanges(page);
    expect(tabs.map((tab) => [tab.tab, tab.select])).toEqual([
      ["FORM", false],
      ["VALUES", true],
      ["COSTS", true],
    ]);
    expect(
      tabs.map((tab) => tab.changes.map((change) => `${change.field}=${change.value}`)),
    ).toEqual([
      [
        "price_page_type_cd=Supplier / Discount Group",
        "company_id=ACME",
        "discount_group_id=DG01",
        "supplier_id=10010",
        "description=Discount page",
        "pricing_method_cd=Source",
        "source_price_cd=Primary Supplier Cost",
        "effective_date=2027-01-01",
        "expiration_date=2027-12-31",
      ],
      [
        "calculation_method_cd=Mark up",
        "calculation_value1=1.25",
        "break1=10",
        "uom1=EA",
        "calculation_value2=1.2",
        "break2=100",
        "calculation_value3=1.15",
      ],
      ["commission_cost_calc_method_cd=Multiplier", "commission_cost_value1=1.01"],
    ]);
    expect(tabs[1]?.changes.every((change) => change.datawindow === "values")).toBe(true);
  });

  it("sends no expiration date for a page without one: the page stays open-ended", () => {
    const [form] = pageFieldChanges(openEndedPage());

    expect(form?.changes.map((change) => change.field)).toEqual([
      "price_page_type_cd",
      "company_id",
      "discount_group_id",
      "supplier_id",
      "description",
      "pricing_method_cd",
      "source_price_cd",
      "effective_date",
    ]);
  });

  it("writes numbers the way the server reads them", () => {
    expect(formatDecimal(30)).toBe("30");
    expect(formatDecimal(0.55)).toBe("0.55");
    expect(formatDecimal(0.000001)).toBe("0.000001");
    expect(formatDecimal(-12.5)).toBe("-12.5");
  });
});

describe("workflow helpers", () => {
  it("keys a page by supplier, group, description and effective date", () => {
    expect(pageNaturalKey(page)).toBe("10010|discount:DG01|Discount page|2027-01-01");
  });

  it("counts the day before across months and leap years", () => {
    expect(dayBefore("2027-01-01")).toBe("2026-12-31");
    expect(dayBefore("2028-03-01")).toBe("2028-02-29");
  });

  it("refuses a spec that cannot run, or pages that do not validate", () => {
    expect(() => checkWorkflowSpec({ kind: "expire" })).toThrow(WorkflowSpecError);
    expect(() => checkWorkflowSpec({ kind: "create", pages: [page] })).not.toThrow();
    expect(() =>
      checkWorkflowSpec({
        kind: "create",
        pages: [{ ...openEndedPage(), effectiveDate: "2050-01-01" }],
      }),
    ).not.toThrow();
    expect(() =>
      checkWorkflowSpec({
        kind: "create",
        pages: [{ ...page, breaks: [{ quantity: 100 }, { quantity: 10 }] }],
      }),
    ).toThrow(/break2/);
    expect(() =>
      checkWorkflowSpec({ kind: "create", pages: [{ ...page, calculationMethod: "Mark Up" }] }),
    ).toThrow(/calculationMethod/);
    expect(() =>
      checkWorkflowSpec({ kind: "link", links: [{ bookId: "", pricePageUid: 1 }] }),
    ).toThrow(WorkflowSpecError);
  });

  it("names what is wrong with a spec, each refusal with its own message", () => {
    const refusals: [Parameters<typeof checkWorkflowSpec>[0], string][] = [
      [{ kind: "create" }, "a create needs pages"],
      [{ kind: "replace", old: "auto" }, "a replace needs pages"],
      [{ kind: "replace", old: [] }, "a replace needs pages"],
      [{ kind: "link" }, "a link needs links"],
      [{ kind: "expire", expirations: [] }, "an expire needs expirations"],
      [{ kind: "rename" } as never, "unknown workflow kind rename"],
      [
        { kind: "create", pages: [page], expireDate: "2027-02-30" },
        "expireDate 2027-02-30 is not a YYYY-MM-DD calendar date",
      ],
      [
        { kind: "expire", expirations: [{ pricePageUid: 7, expirationDate: "2027-13-01" }] },
        "expirations[0] is not { pricePageUid, expirationDate }",
      ],
      [
        { kind: "expire", expirations: [{ pricePageUid: -1, expirationDate: "2027-01-01" }] },
        "expirations[0] is not { pricePageUid, expirationDate }",
      ],
      [
        {
          kind: "link",
          links: [{ bookId: "RETAIL", pricePageUid: 1 }, { bookId: "RETAIL" }] as never,
        },
        "links[1] is not { bookId, pricePageUid }",
      ],
      [{ kind: "create", pages: [page], books: ["RETAIL", " "] }, "books holds an empty book id"],
      [{ kind: "create", pages: [page, { ...page, supplierId: 0 }] }, "pages[1].supplierId"],
    ];

    for (const [spec, message] of refusals) {
      expect(() => checkWorkflowSpec(spec), JSON.stringify(spec)).toThrow(message);
    }
    // A replace of old pages given by uid may come without new pages, and links alone suffice.
    expect(() =>
      checkWorkflowSpec({
        kind: "replace",
        old: [{ pricePageUid: 7, expirationDate: "2027-01-01" }],
      }),
    ).not.toThrow();
    expect(() =>
      checkWorkflowSpec({ kind: "create", links: [{ bookId: "RETAIL", pricePageUid: 7 }] }),
    ).not.toThrow();
  });
});
