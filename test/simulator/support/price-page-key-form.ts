import { expect } from "vitest";
import type { PricePageWindow } from "../../../src/simulator/windows/price-page-window.js";
import { item } from "./window-harness.js";

/** Fills a new page's key fields and its VALUES tab, each change accepted. */
export function keyForm(
  window: PricePageWindow,
  supplierId = "10010",
  groupId = "FASTN",
  effective = "2027-01-01",
) {
  const fields: [string, string][] = [
    ["price_page_type_cd", "Supplier / Product Group"],
    ["company_id", "ACME"],
    ["product_group_id", groupId],
    ["supplier_id", supplierId],
    ["description", "Test page"],
    ["pricing_method_cd", "Source"],
    ["source_price_cd", "Supplier List Price"],
    ["effective_date", effective],
    ["expiration_date", "2027-12-31"],
  ];
  for (const [field, value] of fields)
    expect(window.change([item("form", field, value)]).Status).toBe(1);
  expect(window.selectTab("VALUES").Status).toBe(1);
  expect(window.change([item("values", "calculation_method_cd", "Multiplier")]).Status).toBe(1);
  expect(window.change([item("values", "calculation_value1", "0.5")]).Status).toBe(1);
}
