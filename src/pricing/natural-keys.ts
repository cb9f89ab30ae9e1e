import type { PricePageRow } from "./page-row.js";
import type { ExpirationRow, LinkRow } from "./secondary-records.js";

/** The group of a page as the natural key spells it: `PG01`, or `discount:DG01`. */
function groupKey(page: Pick<PricePageRow, "productGroupId" | "discountGroupId">): string {
  return page.productGroupId ?? `discount:${page.discountGroupId ?? ""}`;
}

/**
 * What makes two price pages the same: supplier, product or discount group, description and
 * effective date, e.g. `10001|PG01|ACME 2027 list|2027-01-01`.
 *
 * Known limit: a description containing `|` could make two different pages share a key; the
 * duplicate check would then refuse the second row, nothing worse.
 */
export function pageNaturalKey(
  page: Pick<
    PricePageRow,
    "supplierId" | "productGroupId" | "discountGroupId" | "description" | "effectiveDate"
  >,
): string {
  // Joined rather than a template literal: a template builds a chain of string pieces, and a
  // plan of 100,000 pages keeps each key at twice the size of one flat string.
  const { supplierId, description, effectiveDate } = page;
  return [String(supplierId), groupKey(page), String(description), String(effectiveDate)].join("|");
}

/** "price page 'ACME 2027 list' (supplier 10001, product group PG01, effective 2027-01-01)". */
export function describePage(page: PricePageRow): string {
  const group =
    page.productGroupId !== undefined
      ? `product group ${page.productGroupId}`
      : `discount group ${page.discountGroupId ?? ""}`;
  return `price page '${page.description}' (supplier ${page.supplierId}, ${group}, effective ${page.effectiveDate})`;
}

/** An expiration is keyed by the page's uid. */
export function expirationNaturalKey(expiration: Pick<ExpirationRow, "pricePageUid">): string {
  return String(expiration.pricePageUid);
}

/** A link is keyed by book and page: `BOOK1:123456`. */
export function linkNaturalKey(link: LinkRow): string {
  return `${link.bookId}:${link.pricePageUid}`;
}
