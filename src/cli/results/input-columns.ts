import { BOOK_SEPARATOR } from "../../pricing/cells.js";
import type { PricePageRow } from "../../pricing/page-row.js";

/** The columns of a price page input file, in the order p21kit writes them. */
export function pageColumnNames(
  maxValues: number,
  maxBreaks: number,
  withCosts: boolean,
): string[] {
  const names = [
    "price_page_type_cd",
    "company_id",
    "supplier_id",
    "product_group_id",
    "discount_group_id",
    "description",
    "pricing_method_cd",
    "source_price_cd",
    "effective_date",
    "expiration_date",
    "calculation_method_cd",
  ];
  for (let tier = 1; tier <= maxValues; tier += 1) names.push(`calculation_value${tier}`);
  for (let tier = 1; tier <= maxBreaks; tier += 1) names.push(`break${tier}`, `uom${tier}`);
  if (withCosts) names.push("commission_cost_calc_method_cd", "commission_cost_value1");
  names.push("books");

  return names;
}

/**
 * A validated page back in the input file's words (P21 field names, labels, `;`-separated
 * books), so that a failed page can be written to errors.csv and read again as input.
 */
export function pageToColumns(page: PricePageRow): Record<string, string> {
  const columns: Record<string, string> = {
    price_page_type_cd: page.pageType,
    company_id: page.companyId,
    supplier_id: String(page.supplierId),
    product_group_id: page.productGroupId ?? "",
    discount_group_id: page.discountGroupId ?? "",
    description: page.description,
    pricing_method_cd: page.pricingMethod,
    source_price_cd: page.sourcePrice,
    effective_date: page.effectiveDate,
    expiration_date: page.expirationDate ?? "",
    calculation_method_cd: page.calculationMethod,
    books: (page.books ?? []).join(BOOK_SEPARATOR),
  };
  page.calculationValues.forEach((value, index) => {
    columns[`calculation_value${index + 1}`] = String(value);
  });
  page.breaks.forEach((priceBreak, index) => {
    columns[`break${index + 1}`] = String(priceBreak.quantity);
    columns[`uom${index + 1}`] = priceBreak.uom ?? "";
  });
  if (page.commissionCost !== undefined) {
    columns.commission_cost_calc_method_cd = page.commissionCost.method;
    columns.commission_cost_value1 = String(page.commissionCost.value);
  }

  return columns;
}
