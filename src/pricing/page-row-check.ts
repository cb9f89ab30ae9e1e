import { MAX_BOOK_ID_LENGTH, MAX_DECIMAL, MAX_WHOLE_NUMBER } from "./cells.js";
import { calendarDateProblem } from "./dates.js";
import { LABEL_LISTS, SUPPORTED_PAGE_TYPES } from "./labels.js";
import type { LabelField } from "./labels.js";
import { FIELD_LENGTHS, MAX_TIERS } from "./limits.js";
import { pageConsistencyProblems } from "./page-row.js";
import type { PricePageRow } from "./page-row.js";

function isText(value: unknown, maxLength: number): value is string {
  return typeof value === "string" && value.length >= 1 && value.length <= maxLength;
}

function isOptionalText(value: unknown, maxLength: number): boolean {
  return value === undefined || isText(value, maxLength);
}

function isLabel(value: unknown, field: LabelField): boolean {
  return typeof value === "string" && LABEL_LISTS[field].labels.includes(value);
}

function isDate(value: unknown): boolean {
  return typeof value === "string" && calendarDateProblem(value) === undefined;
}

function isDecimal(value: unknown): boolean {
  return typeof value === "number" && value >= -MAX_DECIMAL && value <= MAX_DECIMAL;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isBreak(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.quantity === "number" &&
    value.quantity > 0 &&
    value.quantity <= MAX_DECIMAL &&
    isOptionalText(value.uom, FIELD_LENGTHS.uom)
  );
}

function isListOfLength(value: unknown, min: number, max: number): value is unknown[] {
  return Array.isArray(value) && value.length >= min && value.length <= max;
}

// One loop per kind of list, not one generic loop: a keyed load that meets both the arrays of
// doubles and the arrays of objects makes V8 convert the doubles to boxed numbers, in place.
function isValueList(value: unknown): boolean {
  if (!isListOfLength(value, 1, MAX_TIERS)) {
    return false;
  }

  for (let index = 0; index < value.length; index += 1) {
    if (!isDecimal(value[index])) {
      return false;
    }
  }

  return true;
}

function isBreakList(value: unknown): boolean {
  if (!isListOfLength(value, 0, MAX_TIERS - 1)) {
    return false;
  }

  for (let index = 0; index < value.length; index += 1) {
    if (!isBreak(value[index])) {
      return false;
    }
  }

  return true;
}

function isBookList(value: unknown): boolean {
  if (!Array.isArray(value)) {
    return false;
  }

  for (let index = 0; index < value.length; index += 1) {
    if (!isText(value[index], MAX_BOOK_ID_LENGTH)) {
      return false;
    }
  }

  return true;
}

function isCommissionCost(value: unknown): boolean {
  return (
    value === undefined ||
    (isRecord(value) &&
      isLabel(value.method, "commission_cost_calc_method_cd") &&
      isDecimal(value.value))
  );
}

/**
 * Whether a value passes `pricePageRowSchema`, decided without zod: true only when every field
 * has the type and range the schema asks for and the rules across fields hold. Anything else
 * answers false, and the caller asks zod, which accepts the page or says what is wrong, so this
 * may be stricter than the schema but never looser. Zod takes about 4 µs and 0.6 kB of garbage
 * a page, which adds up over 100,000 pages; a field added to the schema needs its line here
 * (test/pricing/page-row-check.test.ts holds the two together).
 */
export function passesPageRowSchema(value: unknown): value is PricePageRow {
  if (!isRecord(value)) {
    return false;
  }

  const wellTyped =
    typeof value.pageType === "string" &&
    SUPPORTED_PAGE_TYPES.includes(value.pageType) &&
    isText(value.companyId, FIELD_LENGTHS.company_id) &&
    Number.isSafeInteger(value.supplierId) &&
    (value.supplierId as number) >= 1 &&
    (value.supplierId as number) <= MAX_WHOLE_NUMBER &&
    isOptionalText(value.productGroupId, FIELD_LENGTHS.product_group_id) &&
    isOptionalText(value.discountGroupId, FIELD_LENGTHS.discount_group_id) &&
    isText(value.description, FIELD_LENGTHS.description) &&
    isLabel(value.pricingMethod, "pricing_method_cd") &&
    isLabel(value.sourcePrice, "source_price_cd") &&
    isDate(value.effectiveDate) &&
    (value.expirationDate === undefined || isDate(value.expirationDate)) &&
    isLabel(value.calculationMethod, "calculation_method_cd") &&
    isValueList(value.calculationValues) &&
    isBreakList(value.breaks) &&
    isCommissionCost(value.commissionCost) &&
    (value.books === undefined || isBookList(value.books));

  return wellTyped && pageConsistencyProblems(value).length === 0;
}
