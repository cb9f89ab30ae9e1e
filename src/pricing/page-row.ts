import { z } from "zod";
import { MAX_BOOK_ID_LENGTH, MAX_DECIMAL, MAX_WHOLE_NUMBER } from "./cells.js";
import { readCalendarDate } from "./dates.js";
import { LABEL_LISTS, SUPPORTED_PAGE_TYPES } from "./labels.js";
import type { LabelField } from "./labels.js";
import { FIELD_LENGTHS, MAX_TIERS } from "./limits.js";

/** The default labels of a new page when the input leaves them out. */
export const PAGE_DEFAULTS = {
  pageType: "Supplier / Product Group",
  pricingMethod: "Source",
  sourcePrice: "Supplier List Price",
  calculationMethod: "Multiplier",
} as const;

function label(field: LabelField) {
  const labels = LABEL_LISTS[field].labels;
  return z.string().refine((value) => labels.includes(value), {
    message: `not a ${LABEL_LISTS[field].title} label`,
  });
}

const calendarDate = z.string().refine((value) => readCalendarDate(value).ok, {
  message: "not a YYYY-MM-DD calendar date",
});

const decimal = z.number().finite().min(-MAX_DECIMAL).max(MAX_DECIMAL);

/** One quantity break: `break{n}` and its unit `uom{n}`, starting tier n + 1. */
export const priceBreakSchema = z.object({
  quantity: z.number().positive().max(MAX_DECIMAL),
  uom: z.string().min(1).max(FIELD_LENGTHS.uom).optional(),
});

/**
 * A price page to create, in the domain's words. `calculationValues[0]` is
 * `calculation_value1` (quantity 1 and up); `breaks[n - 1]` is `break{n}`, which starts
 * `calculation_value{n + 1}`, so there is always one more value than breaks.
 */
export const pricePageRowSchema = z
  .object({
    pageType: z.enum(SUPPORTED_PAGE_TYPES as [string, ...string[]]),
    companyId: z.string().min(1).max(FIELD_LENGTHS.company_id),
    supplierId: z.number().int().min(1).max(MAX_WHOLE_NUMBER),
    productGroupId: z.string().min(1).max(FIELD_LENGTHS.product_group_id).optional(),
    discountGroupId: z.string().min(1).max(FIELD_LENGTHS.discount_group_id).optional(),
    description: z.string().min(1).max(FIELD_LENGTHS.description),
    pricingMethod: label("pricing_method_cd"),
    sourcePrice: label("source_price_cd"),
    effectiveDate: calendarDate,
    expirationDate: calendarDate.optional(),
    calculationMethod: label("calculation_method_cd"),
    calculationValues: z.array(decimal).min(1).max(MAX_TIERS),
    breaks: z.array(priceBreakSchema).max(MAX_TIERS - 1),
    commissionCost: z
      .object({ method: label("commission_cost_calc_method_cd"), value: decimal })
      .optional(),
    books: z.array(z.string().min(1).max(MAX_BOOK_ID_LENGTH)).optional(),
  })
  .superRefine((row, context) => {
    for (const problem of pageConsistencyProblems(row)) {
      const path = problem.column === undefined ? [] : [problem.column];
      context.addIssue({ code: "custom", message: problem.message, path });
    }
  });

/** A price page to create; see {@link pricePageRowSchema}. */
export type PricePageRow = z.infer<typeof pricePageRowSchema>;

/** A problem tied to an input column. */
export interface ColumnProblem {
  readonly column: string | undefined;
  readonly message: string;
}

/**
 * The rules that tie fields together, on a row of which some fields may be missing (because
 * their cells were wrong): only rules whose fields are all present are checked.
 */
export function pageConsistencyProblems(
  row: Partial<PricePageRow>,
  options: { checkTierCount?: boolean } = {},
): ColumnProblem[] {
  const problems: ColumnProblem[] = [];
  const productPage = row.pageType === "Supplier / Product Group";
  const discountPage = row.pageType === "Supplier / Discount Group";
  if (productPage && row.discountGroupId !== undefined) {
    problems.push({
      column: "discount_group_id",
      message:
        'a "Supplier / Product Group" page takes product_group_id; leave discount_group_id empty or set price_page_type_cd to "Supplier / Discount Group"',
    });
  }

  if (discountPage && row.productGroupId !== undefined) {
    problems.push({
      column: "product_group_id",
      message:
        'a "Supplier / Discount Group" page takes discount_group_id; leave product_group_id empty or set price_page_type_cd to "Supplier / Product Group"',
    });
  }

  if (
    row.effectiveDate !== undefined &&
    row.expirationDate !== undefined &&
    row.expirationDate <= row.effectiveDate
  ) {
    problems.push({
      column: "expiration_date",
      message: `the expiration date ${row.expirationDate} is not after the effective date ${row.effectiveDate}`,
    });
  }

  const breaks = row.breaks ?? [];
  for (let index = 1; index < breaks.length; index += 1) {
    const previous = breaks[index - 1];
    const current = breaks[index];
    if (previous !== undefined && current !== undefined && current.quantity <= previous.quantity) {
      problems.push({
        column: `break${index + 1}`,
        message: `break${index + 1} (${current.quantity}) must be greater than break${index} (${previous.quantity}): breaks increase`,
      });
    }
  }

  const values = row.calculationValues;
  if (values !== undefined && row.calculationMethod !== "Difference") {
    values.forEach((value, index) => {
      if (value < 0) {
        problems.push({
          column: `calculation_value${index + 1}`,
          message: `${value} is negative; only the "Difference" calculation method takes negative values`,
        });
      }
    });
  }

  if (
    options.checkTierCount !== false &&
    values !== undefined &&
    values.length !== breaks.length + 1
  ) {
    problems.push({
      column: undefined,
      message: `${values.length} calculation values need ${values.length - 1} breaks, not ${breaks.length}`,
    });
  }

  return problems;
}
