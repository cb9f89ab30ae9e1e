import {
  bookListCell,
  dateCell,
  decimalCell,
  idCell,
  labelCell,
  MAX_DECIMAL,
  textCell,
  wholeNumberCell,
} from "./cells.js";
import { SUPPORTED_PAGE_TYPES } from "./labels.js";
import { FIELD_LENGTHS, MAX_TIERS } from "./limits.js";
import { PAGE_DEFAULTS, pageConsistencyProblems } from "./page-row.js";
import type { ColumnProblem, PricePageRow } from "./page-row.js";
import { RecordCheck } from "./record-check.js";
import type { RecordCells, RecordCheckContext } from "./record-check.js";

export type { RecordCells } from "./record-check.js";

const tierNumbers = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

/** Every column a price page file may have, in the order the server needs the fields. */
export const PAGE_COLUMNS: readonly string[] = [
  "price_page_type_cd",
  "company_id",
  "product_group_id",
  "discount_group_id",
  "supplier_id",
  "description",
  "pricing_method_cd",
  "source_price_cd",
  "effective_date",
  "expiration_date",
  "calculation_method_cd",
  ...tierNumbers(MAX_TIERS).map((tier) => `calculation_value${tier}`),
  ...tierNumbers(MAX_TIERS - 1).map((tier) => `break${tier}`),
  ...tierNumbers(MAX_TIERS - 1).map((tier) => `uom${tier}`),
  "commission_cost_calc_method_cd",
  "commission_cost_value1",
  "books",
];

/** Columns every price page file needs (a group column is needed too: one of the two). */
export const REQUIRED_PAGE_COLUMNS = [
  "supplier_id",
  "description",
  "effective_date",
  "calculation_value1",
] as const;

/** What the page validator needs to know about the file and the run. */
export interface PageRecordContext extends RecordCheckContext {
  /** The `--company` given for the run, used when a row has no `company_id`. */
  readonly company?: string | undefined;
}

const valueCell = decimalCell({ min: -MAX_DECIMAL, max: MAX_DECIMAL });
const supplierCell = wholeNumberCell();
const companyCell = idCell(FIELD_LENGTHS.company_id, "company_id");
const productGroupCell = idCell(FIELD_LENGTHS.product_group_id, "product_group_id");
const discountGroupCell = idCell(FIELD_LENGTHS.discount_group_id, "discount_group_id");
const descriptionCell = textCell(FIELD_LENGTHS.description, "the description");
const breakCell = decimalCell({ min: 0, max: MAX_DECIMAL, minExclusive: true });
const pageTypeCell = labelCell("price_page_type_cd");
const pricingMethodCell = labelCell("pricing_method_cd");
const sourcePriceCell = labelCell("source_price_cd");
const calculationMethodCell = labelCell("calculation_method_cd");
const commissionMethodCell = labelCell("commission_cost_calc_method_cd");

/** The columns of tiers 2 to 15, index 0 being tier 2: built once, read for every record. */
const TIER_COLUMNS = tierNumbers(MAX_TIERS)
  .slice(1)
  .map((tier) => ({
    tier,
    value: `calculation_value${tier}`,
    break: `break${tier - 1}`,
    uom: `uom${tier - 1}`,
    previousValue: `calculation_value${tier - 1}`,
    uomCell: idCell(FIELD_LENGTHS.uom, `uom${tier - 1}`),
  }));

/**
 * Validates the cells of one price page record. Every problem is returned, tied to its column;
 * the row is returned only when there is none.
 */
export function validatePageRecord(
  cells: RecordCells,
  context: PageRecordContext,
): { row?: PricePageRow; problems: ColumnProblem[] } {
  const check = new RecordCheck(cells, context);
  const problems = check.problems;

  const pageType = check.read("price_page_type_cd", pageTypeCell) ?? PAGE_DEFAULTS.pageType;
  if (!check.failed("price_page_type_cd") && !SUPPORTED_PAGE_TYPES.includes(pageType)) {
    check.fail(
      "price_page_type_cd",
      `p21kit creates "Supplier / Product Group" and "Supplier / Discount Group" pages, not "${pageType}"`,
    );
  }

  const companyId =
    check.read("company_id", companyCell) ??
    (check.failed("company_id") ? undefined : context.company);
  if (companyId === undefined && !check.failed("company_id") && context.columns.has("company_id")) {
    check.report("company_id", "company_id is empty and no --company was given");
  }

  const productGroupId = check.read("product_group_id", productGroupCell);
  const discountGroupId = check.read("discount_group_id", discountGroupCell);
  if (!check.failed("price_page_type_cd")) {
    const groupColumn =
      pageType === "Supplier / Discount Group" ? "discount_group_id" : "product_group_id";
    const group = groupColumn === "discount_group_id" ? discountGroupId : productGroupId;
    if (group === undefined && !check.failed(groupColumn)) {
      check.report(groupColumn, `${groupColumn} is empty: a "${pageType}" page needs one`);
    }
  }

  const supplierId = check.read("supplier_id", supplierCell, "supplier_id is empty");
  const description = check.read("description", descriptionCell, "description is empty");
  const pricingMethod =
    check.read("pricing_method_cd", pricingMethodCell) ?? PAGE_DEFAULTS.pricingMethod;
  const sourcePrice = check.read("source_price_cd", sourcePriceCell) ?? PAGE_DEFAULTS.sourcePrice;
  const effectiveDate = check.read("effective_date", dateCell, "effective_date is empty");
  const expirationDate = check.read("expiration_date", dateCell);
  const calculationMethod =
    check.read("calculation_method_cd", calculationMethodCell) ?? PAGE_DEFAULTS.calculationMethod;

  const tiers = readTiers(check);
  const commissionMethod = check.read("commission_cost_calc_method_cd", commissionMethodCell);
  const commissionValue = check.read("commission_cost_value1", valueCell);
  checkPair(
    check,
    ["commission_cost_calc_method_cd", commissionMethod],
    ["commission_cost_value1", commissionValue],
  );

  const books = check.read("books", bookListCell);
  const row: Partial<PricePageRow> = {
    pageType,
    companyId,
    supplierId,
    productGroupId,
    discountGroupId,
    description,
    pricingMethod,
    sourcePrice,
    effectiveDate,
    expirationDate,
    calculationMethod,
    calculationValues: tiers.values,
    breaks: tiers.breaks,
  };
  if (check.failed("price_page_type_cd")) {
    delete row.pageType;
  }

  problems.push(...pageConsistencyProblems(row, { checkTierCount: false }));
  const complete =
    companyId !== undefined &&
    supplierId !== undefined &&
    description !== undefined &&
    effectiveDate !== undefined &&
    (productGroupId ?? discountGroupId) !== undefined &&
    tiers.values.length > 0;
  if (problems.length > 0 || check.anyFailed || !complete) {
    return { problems };
  }

  // A fresh literal holding only the fields given: with its arrays and its InputRow, a row of
  // this shape takes about 360 bytes, 36 MB for 100,000.
  const page: PricePageRow = {
    pageType,
    companyId,
    supplierId,
    description,
    pricingMethod,
    sourcePrice,
    effectiveDate,
    calculationMethod,
    calculationValues: tiers.values,
    breaks: tiers.breaks,
  };
  if (productGroupId !== undefined) page.productGroupId = productGroupId;
  if (discountGroupId !== undefined) page.discountGroupId = discountGroupId;
  if (expirationDate !== undefined) page.expirationDate = expirationDate;
  if (commissionMethod !== undefined && commissionValue !== undefined) {
    page.commissionCost = { method: commissionMethod, value: commissionValue };
  }

  if (books !== undefined) page.books = books;

  return { row: page, problems };
}

/** Reads the tiers and checks that they are filled in order, each value with its break. */
function readTiers(check: RecordCheck): { values: number[]; breaks: PricePageRow["breaks"] } {
  const cells = check.cells;
  const first = check.read("calculation_value1", valueCell, "calculation_value1 is empty");
  // Literals, not push: an array grown by push keeps spare room, and these are the row's own.
  const values: number[] = first === undefined ? [] : [first];
  const breaks: PricePageRow["breaks"] = [];

  let lastFilledTier = cells.get("calculation_value1") === undefined ? 0 : 1;
  let broken = first === undefined;
  for (const columns of TIER_COLUMNS) {
    const valueText = cells.get(columns.value);
    const breakText = cells.get(columns.break);
    const uomText = cells.get(columns.uom);
    if (valueText === undefined && breakText === undefined && uomText === undefined) {
      // Most records fill a tier or two: an empty tier only breaks the ones after it when one
      // of its cells failed in the file.
      broken ||= check.failed(columns.value) || check.failed(columns.break);
      continue;
    }

    const { tier, value: valueColumn, break: breakColumn, uom: uomColumn } = columns;
    const value = check.readText(valueColumn, valueText, valueCell);
    const quantity = check.readText(breakColumn, breakText, breakCell);
    const uom = check.readText(uomColumn, uomText, columns.uomCell);
    const hasValue = valueText !== undefined;
    const hasBreak = breakText !== undefined;
    if (hasValue && !hasBreak) {
      check.fail(
        breakColumn,
        `${breakColumn} is empty: it is the quantity where ${valueColumn} starts`,
      );
    } else if (hasBreak && !hasValue) {
      check.fail(valueColumn, `${valueColumn} is empty: ${breakColumn} starts its tier`);
    }

    if (uomText !== undefined && !hasBreak && !hasValue) {
      check.fail(uomColumn, `${uomColumn} is set but ${breakColumn} is empty`);
    }

    if (hasValue !== hasBreak || check.failed(valueColumn) || check.failed(breakColumn)) {
      broken = true;
    }

    if (hasValue || hasBreak) {
      if (lastFilledTier !== tier - 1) {
        broken = true;
        check.fail(
          columns.previousValue,
          `tier ${tier - 1} is empty but tier ${tier} is filled: fill the tiers in order`,
        );
      }

      lastFilledTier = tier;
    }

    if (!broken && value !== undefined && quantity !== undefined) {
      values.push(value);
      breaks.push(uom === undefined ? { quantity } : { quantity, uom });
    }
  }

  // Past the first tier the arrays grew by push: cut them to size.
  return values.length > 1
    ? { values: values.slice(), breaks: breaks.slice() }
    : { values, breaks };
}

function checkPair(
  check: RecordCheck,
  [firstColumn, firstValue]: [string, unknown],
  [secondColumn, secondValue]: [string, unknown],
): void {
  if (check.failed(firstColumn) || check.failed(secondColumn)) {
    return;
  }

  if (firstValue !== undefined && secondValue === undefined) {
    check.fail(secondColumn, `${secondColumn} is empty but ${firstColumn} is set`);
  } else if (secondValue !== undefined && firstValue === undefined) {
    check.fail(firstColumn, `${firstColumn} is empty but ${secondColumn} is set`);
  }
}
