import type { FieldChange } from "../../client/index.js";
import type { PricePageRow } from "../page-row.js";

/**
 * A number as the server wants it: a string, whole numbers without a decimal part ("30", not
 * "30.0"), never in exponent form. Inputs carry at most 6 decimal places.
 */
export function formatDecimal(value: number): string {
  if (Number.isInteger(value)) {
    return String(value);
  }

  return value.toFixed(6).replace(/0+$/, "").replace(/\.$/, "");
}

/** The changes of one tab of a page, in the order the server needs them. */
export interface TabChanges {
  /** The tab page to select first; undefined for the FORM tab, active when the window opens. */
  readonly tab: "FORM" | "VALUES" | "COSTS";
  readonly select: boolean;
  readonly changes: readonly FieldChange[];
}

function field(tab: TabChanges["tab"], name: string, value: string): FieldChange {
  return { tab, datawindow: tab.toLowerCase(), field: name, value };
}

/**
 * Every field of a new page, tab by tab, in the server's order: type (it decides which fields
 * exist), company (before the group), group, supplier, description, pricing method, source
 * price, effective date, then the expiration date when the page has one (without it the page
 * is open-ended and no expiration change is sent); then VALUES: calculation method, then each
 * tier's value, break and unit; then COSTS when the page has a commission cost.
 */
export function pageFieldChanges(page: PricePageRow): TabChanges[] {
  const form: FieldChange[] = [
    field("FORM", "price_page_type_cd", page.pageType),
    field("FORM", "company_id", page.companyId),
    page.discountGroupId !== undefined
      ? field("FORM", "discount_group_id", page.discountGroupId)
      : field("FORM", "product_group_id", page.productGroupId ?? ""),
    field("FORM", "supplier_id", String(page.supplierId)),
    field("FORM", "description", page.description),
    field("FORM", "pricing_method_cd", page.pricingMethod),
    field("FORM", "source_price_cd", page.sourcePrice),
    field("FORM", "effective_date", page.effectiveDate),
  ];
  if (page.expirationDate !== undefined) {
    form.push(field("FORM", "expiration_date", page.expirationDate));
  }

  const values: FieldChange[] = [field("VALUES", "calculation_method_cd", page.calculationMethod)];
  page.calculationValues.forEach((value, index) => {
    if (index > 0) {
      const priceBreak = page.breaks[index - 1];
      if (priceBreak !== undefined) {
        values.push(field("VALUES", `break${index}`, formatDecimal(priceBreak.quantity)));
        if (priceBreak.uom !== undefined) {
          values.push(field("VALUES", `uom${index}`, priceBreak.uom));
        }
      }
    }

    values.push(field("VALUES", `calculation_value${index + 1}`, formatDecimal(value)));
  });

  const tabs: TabChanges[] = [
    { tab: "FORM", select: false, changes: form },
    { tab: "VALUES", select: true, changes: values },
  ];
  if (page.commissionCost !== undefined) {
    tabs.push({
      tab: "COSTS",
      select: true,
      changes: [
        field("COSTS", "commission_cost_calc_method_cd", page.commissionCost.method),
        field("COSTS", "commission_cost_value1", formatDecimal(page.commissionCost.value)),
      ],
    });
  }

  return tabs;
}
