import { pageNaturalKey } from "./natural-keys.js";
import type { PricePageRow } from "./page-row.js";
import type { InputRow } from "./read-input.js";

/** A problem of one row of a price page file that only the other rows show. */
export interface PageSetProblem {
  readonly row: number;
  readonly column: string;
  readonly message: string;
}

/** The first problems found (in row order, up to a limit) and how many there are in all. */
export interface PageSetProblems {
  readonly problems: readonly PageSetProblem[];
  readonly count: number;
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
 * allocated per row beyond the index array. An overlap found is two indexes; only the first
 * `limit` problems (in row order) are built, so that a file of 100,000 overlapping pages costs
 * a few megabytes, not the 50 MB its texts would.
 */
export function overlappingPageProblems(
  rows: readonly InputRow<PricePageRow>[],
  limit = Number.POSITIVE_INFINITY,
): PageSetProblems {
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

  const found = new OverlapPairs();
  // The page of the current group that ends last so far, by its index in `rows`.
  let furthest = -1;
  for (let position = 0; position < order.length; position += 1) {
    const index = order[position] as number;
    const current = (rows[index] as InputRow<PricePageRow>).value;
    const ending = rows[furthest]?.value;
    if (ending === undefined || compareGroups(ending, current) !== 0) {
      furthest = index;
      continue;
    }

    const sameStart = ending.effectiveDate === current.effectiveDate;
    if (sameStart && pageNaturalKey(ending) === pageNaturalKey(current)) continue;

    if (activeOn(ending, current.effectiveDate)) found.add(furthest, index);

    if (endsLater(current, ending)) furthest = index;
  }

  return found.problems(rows, limit);
}

/** Overlaps found, as pairs of row indexes; their problems built only for the first ones. */
class OverlapPairs {
  readonly #first: number[] = [];
  readonly #second: number[] = [];

  add(one: number, other: number): void {
    this.#first.push(one);
    this.#second.push(other);
  }

  /** The first `limit` problems in row order (of equal rows, in the order found), and how many. */
  problems(rows: readonly InputRow<PricePageRow>[], limit: number): PageSetProblems {
    const count = this.#first.length;
    const rowOf = (pair: number) =>
      Math.max(
        (rows[this.#first[pair] as number] as InputRow<PricePageRow>).row,
        (rows[this.#second[pair] as number] as InputRow<PricePageRow>).row,
      );
    const order = new Int32Array(count);
    for (let pair = 0; pair < count; pair += 1) order[pair] = pair;
    order.sort((left, right) => rowOf(left) - rowOf(right) || left - right);

    const problems = Array.from(order.subarray(0, Math.min(limit, count)), (pair) =>
      overlapProblem(
        rows[this.#first[pair] as number] as InputRow<PricePageRow>,
        rows[this.#second[pair] as number] as InputRow<PricePageRow>,
      ),
    );

    return { problems, count };
  }
}

/**
 * For `replace --expire-date DATE`: the new pages that take effect on or before DATE, the last
 * day of the old pages, so that old and new would both be active. Problems are in row order;
 * only the first `limit` are built.
 */
export function replaceDateProblems(
  rows: readonly InputRow<PricePageRow>[],
  expireDate: string,
  limit = Number.POSITIVE_INFINITY,
): PageSetProblems {
  const problems: PageSetProblem[] = [];
  let count = 0;
  for (let index = 0; index < rows.length; index += 1) {
    const { row, value } = rows[index] as InputRow<PricePageRow>;
    if (value.effectiveDate > expireDate) continue;

    count += 1;
    if (problems.length < limit) {
      problems.push({
        row,
        column: "effective_date",
        message:
          `the old pages expire on ${expireDate} (--expire-date), not before this page takes ` +
          `effect on ${value.effectiveDate}: both would be active`,
      });
    }
  }

  return { problems, count };
}
