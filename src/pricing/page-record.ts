import {
  bookListCell,
  idCell,
  dateCell,
  decimalCell,
  labelCell,
  MAX_DECIMAL,
  parseCell,
  textCell,
  wholeNumberCell,
} from "./cells.js";
import { SUPPORTED_PAGE_TYPES } from "./labels.js";
import { FIELD_LENGTHS, MAX_TIERS } from "./limits.js";
import { PAGE_DEFAULTS, pageConsistencyProblems } from "./page-row.js";
import type { ColumnProblem, PricePageRow } from "./page-row.js";

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

/** The cells of one record: the trimmed text of a column, undefined when empty or absent. */
export interface RecordCells {
  get(column: string): string | undefined;
}

/** What the page validator needs to know about the file and the run. */
export interface PageRecordContext {
  /** The columns of the file's header. */
  readonly columns: ReadonlySet<string>;
  /** Columns whose cell already had a problem in this record (for example a formula). */
  readonly failedColumns: ReadonlySet<string>;
  /** The `--company` given for the run, used when a row has no `company_id`. */
  readonly company?: string | undefined;
}

const valueCell = decimalCell({ min: -MAX_DECIMAL, max: MAX_DECIMAL });
const supplierCell = wholeNumberCell();
const companyCell = idCell(FIELD_LENGTHS.company_id, "company_id");
const productGroupCell = idCell(FIELD_LENGTHS.product_group_id, "product_group_id");
const discountGroupCell = idCell(FIELD_LENGTHS.discount_group_id, "discount_group_id");
const descriptionCell = textCell(FIELD_LENGTHS.description, "the description");
const uomCells = tierNumbers(MAX_TIERS - 1).map((tier) => idCell(FIELD_LENGTHS.uom, `uom${tier}`));
const breakCell = decimalCell({ min: 0, max: MAX_DECIMAL, minExclusive: true });

/**
 * Validates the cells of one price page record. Every problem is returned, tied to its column;
 * the row is returned only when there is none.
 */
export function validatePageRecord(
  cells: RecordCells,
  context: PageRecordContext,
): { row?: PricePageRow; problems: ColumnProblem[] } {
  const problems: ColumnProblem[] = [];
  const failed = new Set(context.failedColumns);

  function read<T>(
    column: string,
    schema: Parameters<typeof parseCell<T>>[0],
    emptyMessage?: string,
  ): T | undefined {
    if (failed.has(column)) {
      return undefined;
    }

    const text = cells.get(column);
    if (text === undefined) {
      if (emptyMessage !== undefined && context.columns.has(column)) {
        problems.push({ column, message: emptyMessage });
        failed.add(column);
      }

      return undefined;
    }

    const parsed = parseCell(schema, text);
    if (!parsed.ok) {
      problems.push({ column, message: parsed.message });
      failed.add(column);
      return undefined;
    }

    return parsed.value;
  }

  const pageType =
    read("price_page_type_cd", labelCell("price_page_type_cd")) ?? PAGE_DEFAULTS.pageType;
  const typeFailed = failed.has("price_page_type_cd");
  if (!typeFailed && !SUPPORTED_PAGE_TYPES.includes(pageType)) {
    problems.push({
      column: "price_page_type_cd",
      message: `p21kit creates "Supplier / Product Group" and "Supplier / Discount Group" pages, not "${pageType}"`,
    });
    failed.add("price_page_type_cd");
  }

  const companyId =
    read("company_id", companyCell) ?? (failed.has("company_id") ? undefined : context.company);
  if (companyId === undefined && !failed.has("company_id") && context.columns.has("company_id")) {
    problems.push({
      column: "company_id",
      message: "company_id is empty and no --company was given",
    });
  }

  const productGroupId = read("product_group_id", productGroupCell);
  const discountGroupId = read("discount_group_id", discountGroupCell);
  if (!failed.has("price_page_type_cd")) {
    const groupColumn =
      pageType === "Supplier / Discount Group" ? "discount_group_id" : "product_group_id";
    const group = groupColumn === "discount_group_id" ? discountGroupId : productGroupId;
    if (group === undefined && !failed.has(groupColumn)) {
      problems.push({
        column: groupColumn,
        message: `${groupColumn} is empty: a "${pageType}" page needs one`,
      });
    }
  }

  const supplierId = read("supplier_id", supplierCell, "supplier_id is empty");
  const description = read("description", descriptionCell, "description is empty");
  const pricingMethod =
    read("pricing_method_cd", labelCell("pricing_method_cd")) ?? PAGE_DEFAULTS.pricingMethod;
  const sourcePrice =
    read("source_price_cd", labelCell("source_price_cd")) ?? PAGE_DEFAULTS.sourcePrice;
  const effectiveDate = read("effective_date", dateCell, "effective_date is empty");
  const expirationDate = read("expiration_date", dateCell);
  const calculationMethod =
    read("calculation_method_cd", labelCell("calculation_method_cd")) ??
    PAGE_DEFAULTS.calculationMethod;

  const tiers = readTiers(cells, read, failed, problems);
  const commissionMethod = read(
    "commission_cost_calc_method_cd",
    labelCell("commission_cost_calc_method_cd"),
  );
  const commissionValue = read("commission_cost_value1", valueCell);
  checkPair(
    problems,
    failed,
    ["commission_cost_calc_method_cd", commissionMethod],
    ["commission_cost_value1", commissionValue],
  );

  const books = read("books", bookListCell);
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
  if (failed.has("price_page_type_cd")) {
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
  if (problems.length > 0 || failed.size > 0 || !complete) {
    return { problems };
  }

  // A fresh literal holding only the fields given, with arrays cut to size: 100,000 rows of
  // this shape stay well under 100 MB.
  const page: PricePageRow = {
    pageType,
    companyId,
    supplierId,
    description,
    pricingMethod,
    sourcePrice,
    effectiveDate,
    calculationMethod,
    calculationValues: tiers.values.slice(),
    breaks: tiers.breaks.slice(),
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

type CellReader = <T>(
  column: string,
  schema: Parameters<typeof parseCell<T>>[0],
  emptyMessage?: string,
) => T | undefined;

/** Reads the tiers and checks that they are filled in order, each value with its break. */
function readTiers(
  cells: RecordCells,
  read: CellReader,
  failed: Set<string>,
  problems: ColumnProblem[],
): { values: number[]; breaks: PricePageRow["breaks"] } {
  const values: number[] = [];
  const breaks: PricePageRow["breaks"] = [];
  const first = read("calculation_value1", valueCell, "calculation_value1 is empty");
  if (first !== undefined) {
    values.push(first);
  }

  let lastFilledTier = cells.get("calculation_value1") === undefined ? 0 : 1;
  let broken = first === undefined;
  for (let tier = 2; tier <= MAX_TIERS; tier += 1) {
    const valueColumn = `calculation_value${tier}`;
    const breakColumn = `break${tier - 1}`;
    const uomColumn = `uom${tier - 1}`;
    const value = read(valueColumn, valueCell);
    const quantity = read(breakColumn, breakCell);
    const uom = read(uomColumn, uomCells[tier - 2] ?? idCell(FIELD_LENGTHS.uom, uomColumn));
    const hasValue = cells.get(valueColumn) !== undefined;
    const hasBreak = cells.get(breakColumn) !== undefined;
    if (hasValue && !hasBreak) {
      problems.push({
        column: breakColumn,
        message: `${breakColumn} is empty: it is the quantity where ${valueColumn} starts`,
      });
      failed.add(breakColumn);
    } else if (hasBreak && !hasValue) {
      problems.push({
        column: valueColumn,
        message: `${valueColumn} is empty: ${breakColumn} starts its tier`,
      });
      failed.add(valueColumn);
    }

    if (cells.get(uomColumn) !== undefined && !hasBreak && !hasValue) {
      problems.push({
        column: uomColumn,
        message: `${uomColumn} is set but ${breakColumn} is empty`,
      });
      failed.add(uomColumn);
    }

    if (hasValue !== hasBreak || failed.has(valueColumn) || failed.has(breakColumn)) {
      broken = true;
    }

    if (hasValue || hasBreak) {
      if (lastFilledTier !== tier - 1) {
        broken = true;
        problems.push({
          column: `calculation_value${tier - 1}`,
          message: `tier ${tier - 1} is empty but tier ${tier} is filled: fill the tiers in order`,
        });
        failed.add(`calculation_value${tier - 1}`);
      }

      lastFilledTier = tier;
    }

    if (!broken && value !== undefined && quantity !== undefined) {
      values.push(value);
      breaks.push(uom === undefined ? { quantity } : { quantity, uom });
    }
  }

  return { values, breaks };
}

function checkPair(
  problems: ColumnProblem[],
  failed: Set<string>,
  [firstColumn, firstValue]: [string, unknown],
  [secondColumn, secondValue]: [string, unknown],
): void {
  if (failed.has(firstColumn) || failed.has(secondColumn)) {
    return;
  }

  if (firstValue !== undefined && secondValue === undefined) {
    problems.push({
      column: secondColumn,
      message: `${secondColumn} is empty but ${firstColumn} is set`,
    });
    failed.add(secondColumn);
  } else if (secondValue !== undefined && firstValue === undefined) {
    problems.push({
      column: firstColumn,
      message: `${firstColumn} is empty but ${secondColumn} is set`,
    });
    failed.add(firstColumn);
  }
}
