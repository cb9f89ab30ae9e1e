import type { CellValue, Row } from "../data/schema.js";
import type { SimulatorStore } from "../data/store.js";
import { PAGE_TYPE_FIELDS, type FormFieldName } from "./price-page-fields.js";

/**
 * Why the server refuses `value` for FORM field `name` of the page `record` holds so far, or
 * undefined: a page type it does not model, a company, supplier, product group (of the page's
 * company) or discount group the store does not have or has marked deleted, or dates out of
 * order. The lookup refusals take the Transaction API's "Invalid {field} value: {value}" form;
 * the Interactive API's own text for them is not documented, and that P21 refuses a deleted
 * row is inferred (its own lookups leave deleted rows out).
 */
export function formValueRefusal(
  store: SimulatorStore,
  record: Row,
  name: FormFieldName,
  value: CellValue,
): string | undefined {
  if (value === null) return undefined;

  switch (name) {
    case "price_page_type_cd":
      return PAGE_TYPE_FIELDS.has(value as number)
        ? undefined
        : `Price page type ${String(value)} needs fields the simulator does not model.`;
    case "company_id":
      return store.companyExists(String(value))
        ? undefined
        : `Invalid company_id value: ${String(value)}`;
    case "product_group_id":
      return store.productGroupExists(String(record.company_id ?? ""), String(value))
        ? undefined
        : `Invalid product_group_id value: ${String(value)}`;
    case "discount_group_id":
      return store.discountGroupExists(String(value))
        ? undefined
        : `Invalid discount_group_id value: ${String(value)}`;
    case "supplier_id":
      return store.supplierExists(value as number)
        ? undefined
        : `Invalid supplier_id value: ${String(value)}`;
    case "effective_date":
      return datesInOrder(value, record.expiration_date ?? null);
    case "expiration_date":
      return datesInOrder(record.effective_date ?? null, value);
    default:
      return undefined;
  }
}

function datesInOrder(effective: CellValue, expiration: CellValue): string | undefined {
  if (typeof effective !== "string" || typeof expiration !== "string") return undefined;
  return expiration < effective ? "Expiration Date cannot be before Effective Date." : undefined;
}
