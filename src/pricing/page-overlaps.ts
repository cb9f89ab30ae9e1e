import { pageNaturalKey } from "./natural-keys.js";
import type { PricePageRow } from "./page-row.js";
import type { InputRow } from "./read-input.js";

/** A problem of one row of a price page file that only the other rows show. */
export interface PageSetProblem {
  readonly row: number;
  readonly column: string;
  readonly message: string;
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Orders pages by supplier, company and group. Pages compare equal when P21 holds them to one
 * active page at a time: the same product group, or the same discount group (a product group
 * never matches a discount group of the same name). The reader upper-cases the ids.
 */
function compareGroups(left: PricePageRow, right: PricePageRow): number {
  return (
    left.supplierId - right.supplierId ||
    compareText(left.companyId, right.companyId) ||
    compareText(left.productGroupId ?? "", right.productGroupId ?? "") ||
    compareText(left.discountGroupId ?? "", right.discountGroupId ?? "")
  );
}

/** Whether `page` is still active on `date`, its expiration day included; no end is forever. */
function activeOn(page: PricePageRow, date: string): boolean {
  return page.expirationDate === undefined || page.expirationDate >= date;
}

function endsLater(page: PricePageRow, than: PricePageRow): boolean {
  return (
    than.expirationDate !== undefined &&
    (page.expirationDate === undefined || page.expirationDate > than.expirationDate)
  );
}

/** "from 2027-01-01 to 2027-12-31", or "from 2027-01-01 with no end". */
function dateRange(page: PricePageRow): string {
  return page.expirationDate === undefined
    ? `from ${page.effectiveDate} with no end`
    : `from ${page.effectiveDate} to ${page.expirationDate}`;
}

function overlapProblem(
  one: InputRow<PricePageRow>,
  other: InputRow<PricePageRow>,
): PageSetProblem {
  const [earlier, later] = one.row < other.row ? [one, other] : [other, one];

  return {
    row: later.row,
    column: "effective_date",
    message:
      `overlaps row ${earlier.row}: the same supplier, company and group, active ` +
      `${dateRange(earlier.value)} (this page ${dateRange(later.value)}); ` +
      "two active pages of one supplier and group apply unpredictably",
  };
}

/**
 * Pages of one supplier, company and product (or discount) group whose dates overlap, first
 * and last days included: two active pages that P21 may apply either of. Each page that
 * overlaps a page of its group starting no later is reported once, against the one of those
 * that ends last, at whichever of the two rows comes later in the file (three overlapping
 * pages give two problems). Exact duplicates (the same {@link pageNaturalKey}) are left to the
 * reader's duplicate check. Problems are in row order.
 *
 * Sorts row indexes by group and effective date, then walks them once: O(n log n), nothing
 * allocated per row beyond the index array.
 *
 * Known limit: every problem is built, about 500 bytes each; a file of 100,000 pages of one
 * group holds 50 MB of them for a moment, of which the CLI keeps the first 1,000.
 */
export function overlappingPageProblems(rows: readonly InputRow<PricePageRow>[]): PageSetProblem[] {
  const order = new Int32Array(rows.length);
  for (let index = 0; index < order.length; index += 1) {
    order[index] = index;
  }

  order.sort((left, right) => {
    const leftPage = (rows[left] as InputRow<PricePageRow>).value;
    const rightPage = (rows[right] as InputRow<PricePageRow>).value;
    return (
      compareGroups(leftPage, rightPage) ||
      compareText(leftPage.effectiveDate, rightPage.effectiveDate) ||
      left - right
    );
  });

  const problems: PageSetProblem[] = [];
  let furthest: InputRow<PricePageRow> | undefined;
  for (let position = 0; position < order.length; position += 1) {
    const current = rows[order[position] as number] as InputRow<PricePageRow>;
    if (furthest === undefined || compareGroups(furthest.value, current.value) !== 0) {
      furthest = current;
      continue;
    }

    const sameStart = furthest.value.effectiveDate === current.value.effectiveDate;
    if (sameStart && pageNaturalKey(furthest.value) === pageNaturalKey(current.value)) {
      continue;
    }

    if (activeOn(furthest.value, current.value.effectiveDate)) {
      problems.push(overlapProblem(furthest, current));
    }

    if (endsLater(current.value, furthest.value)) {
      furthest = current;
    }
  }

  return problems.sort((left, right) => left.row - right.row);
}

/**
 * For `replace --expire-date DATE`: the new pages that take effect on or before DATE, the last
 * day of the old pages, so that old and new would both be active. Problems are in row order.
 */
export function replaceDateProblems(
  rows: readonly InputRow<PricePageRow>[],
  expireDate: string,
): PageSetProblem[] {
  const problems: PageSetProblem[] = [];
  for (let index = 0; index < rows.length; index += 1) {
    const { row, value } = rows[index] as InputRow<PricePageRow>;
    if (value.effectiveDate <= expireDate) {
      problems.push({
        row,
        column: "effective_date",
        message:
          `the old pages expire on ${expireDate} (--expire-date), not before this page takes ` +
          `effect on ${value.effectiveDate}: both would be active`,
      });
    }
  }

  return problems;
}
