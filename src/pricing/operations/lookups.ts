import { and, eq, or } from "../../client/index.js";
import type { P21Client, Row } from "../../client/index.js";

/** `row_status_flag` of an active record. */
export const ACTIVE = 704;

/** A price page as the OData `price_page` table shows it, reduced to what p21kit uses. */
export interface ServerPage {
  readonly pricePageUid: number;
  readonly supplierId: number;
  readonly companyId: string | undefined;
  readonly productGroupId: string | undefined;
  readonly discountGroupId: string | undefined;
  readonly description: string;
  /** `YYYY-MM-DD` (the table holds `YYYY-MM-DDT00:00:00`). */
  readonly effectiveDate: string | undefined;
  readonly expirationDate: string | undefined;
  readonly rowStatus: number | undefined;
}

const pageColumns = [
  "price_page_uid",
  "supplier_id",
  "company_id",
  "product_group_id",
  "discount_group_id",
  "description",
  "effective_date",
  "expiration_date",
  "row_status_flag",
];

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function day(value: unknown): string | undefined {
  return typeof value === "string" && value.length >= 10 ? value.slice(0, 10) : undefined;
}

export function wholeNumber(value: unknown): number | undefined {
  const number = typeof value === "string" ? Number(value) : value;
  return typeof number === "number" && Number.isInteger(number) ? number : undefined;
}

/** Reads one `price_page` row; undefined when it has no uid. */
export function serverPage(row: Row): ServerPage | undefined {
  const pricePageUid = wholeNumber(row.price_page_uid);
  if (pricePageUid === undefined) {
    return undefined;
  }

  return {
    pricePageUid,
    supplierId: wholeNumber(row.supplier_id) ?? 0,
    companyId: text(row.company_id),
    productGroupId: text(row.product_group_id),
    discountGroupId: text(row.discount_group_id),
    description: typeof row.description === "string" ? row.description : "",
    effectiveDate: day(row.effective_date),
    expirationDate: day(row.expiration_date),
    rowStatus: wholeNumber(row.row_status_flag),
  };
}

/** Every active page of one supplier: one paged OData query. */
export async function activePagesOfSupplier(
  client: P21Client,
  supplierId: number,
  signal?: AbortSignal,
): Promise<ServerPage[]> {
  const rows = await client.odata.queryAll("price_page", {
    filter: { supplier_id: supplierId, row_status_flag: ACTIVE },
    select: pageColumns,
    ...(signal === undefined ? {} : { signal }),
  });

  return rows.map(serverPage).filter((page) => page !== undefined);
}

/** The active pages of a page's supplier, group and description (any effective date). */
export async function activePagesLike(
  client: P21Client,
  page: {
    supplierId: number;
    productGroupId?: string | undefined;
    discountGroupId?: string | undefined;
    description: string;
  },
  signal?: AbortSignal,
): Promise<ServerPage[]> {
  const group =
    page.discountGroupId !== undefined
      ? { discount_group_id: page.discountGroupId }
      : { product_group_id: page.productGroupId ?? "" };
  const rows = await client.odata.queryAll("price_page", {
    filter: {
      supplier_id: page.supplierId,
      ...group,
      description: page.description,
      row_status_flag: ACTIVE,
    },
    select: pageColumns,
    ...(signal === undefined ? {} : { signal }),
  });

  return rows.map(serverPage).filter((found) => found !== undefined);
}

/** Uids asked about in one OData query (an `or` of them): keeps the URL short. */
export const UIDS_PER_QUERY = 40;

/** The distinct `uids` in slices of {@link UIDS_PER_QUERY}. */
function uidChunks(uids: readonly number[]): number[][] {
  const unique = [...new Set(uids)];
  const chunks: number[][] = [];
  for (let start = 0; start < unique.length; start += UIDS_PER_QUERY) {
    chunks.push(unique.slice(start, start + UIDS_PER_QUERY));
  }

  return chunks;
}

/** Pages by uid, asked 40 at a time. */
export async function pagesByUid(
  client: P21Client,
  uids: readonly number[],
  signal?: AbortSignal,
): Promise<Map<number, ServerPage>> {
  const pages = new Map<number, ServerPage>();
  for (const chunk of uidChunks(uids)) {
    const rows = await client.odata.queryAll("price_page", {
      filter: or(...chunk.map((uid) => eq("price_page_uid", uid))),
      select: pageColumns,
      ...(signal === undefined ? {} : { signal }),
    });
    for (const page of rows.map(serverPage)) {
      if (page !== undefined) {
        pages.set(page.pricePageUid, page);
      }
    }
  }

  return pages;
}

/** Adds the uids of the active links among `rows` (of `price_book_x_page`) to `linked`. */
function addActiveLinks(rows: readonly Row[], linked: Set<number>): void {
  for (const row of rows) {
    const uid = wholeNumber(row.price_page_uid);
    const status = wholeNumber(row.row_status_flag);
    if (uid !== undefined && (status === undefined || status === ACTIVE)) {
      linked.add(uid);
    }
  }
}

const linkColumns = ["price_page_uid", "row_status_flag"];

/** The uids of the pages linked to a book (active links only): every link it holds. */
export async function linkedPagesOfBook(
  client: P21Client,
  bookId: string,
  signal?: AbortSignal,
): Promise<Set<number>> {
  const linked = new Set<number>();
  const rows = await client.odata.queryAll("price_book_x_page", {
    filter: { price_book_id: bookId },
    select: linkColumns,
    ...(signal === undefined ? {} : { signal }),
  });
  addActiveLinks(rows, linked);

  return linked;
}

/**
 * Which of `uids` a book links (active links only), asked 40 at a time: a book can hold
 * thousands of pages, and a read-back or a reconciliation is about a few of them.
 */
export async function linkedPagesAmong(
  client: P21Client,
  bookId: string,
  uids: readonly number[],
  signal?: AbortSignal,
): Promise<Set<number>> {
  const linked = new Set<number>();
  for (const chunk of uidChunks(uids)) {
    const rows = await client.odata.queryAll("price_book_x_page", {
      filter: and(
        eq("price_book_id", bookId),
        or(...chunk.map((uid) => eq("price_page_uid", uid))),
      ),
      select: linkColumns,
      ...(signal === undefined ? {} : { signal }),
    });
    addActiveLinks(rows, linked);
  }

  return linked;
}

/** Which of `bookIds` the server's `price_book` table holds, upper-cased, asked 40 at a time. */
export async function existingPriceBooks(
  client: P21Client,
  bookIds: readonly string[],
  signal?: AbortSignal,
): Promise<Set<string>> {
  const unique = [...new Set(bookIds.map((bookId) => bookId.toUpperCase()))];
  const existing = new Set<string>();
  for (let start = 0; start < unique.length; start += UIDS_PER_QUERY) {
    const chunk = unique.slice(start, start + UIDS_PER_QUERY);
    const rows = await client.odata.queryAll("price_book", {
      filter: or(...chunk.map((bookId) => eq("price_book_id", bookId))),
      select: ["price_book_id"],
      ...(signal === undefined ? {} : { signal }),
    });
    for (const row of rows) {
      if (typeof row.price_book_id === "string") existing.add(row.price_book_id.toUpperCase());
    }
  }

  return existing;
}
