import type { TableName } from "../types.js";
import { RowStatus, blankRow, dayOf, timestampOf, type CellValue, type Row } from "./schema.js";
import type { ServedTableName } from "./schema.js";

/** Counters that hand out new keys. */
export interface StoreCounters {
  nextPricePageUid: number;
  nextPriceBookXPageUid: number;
}

/** Everything the simulator persists. */
export interface StoreContents {
  companies: string[];
  /**
   * Companies P21 marks deleted (`delete_flag` Y): `company` serves them, the window refuses
   * them. A company listed here and in `companies` is deleted.
   */
  deletedCompanies: string[];
  counters: StoreCounters;
  tables: Record<TableName, Row[]>;
}

/** The first `price_page_uid` an empty store hands out. */
export const FIRST_PRICE_PAGE_UID = 100_001;

/**
 * The simulator's tables, in memory. Lookups (company, supplier, product group, discount group)
 * are checked against a table only when that table holds rows, so that `--data empty` accepts
 * any value; a row marked deleted (`delete_flag` Y) is refused as a missing one is.
 */
export class SimulatorStore {
  readonly companies: Set<string>;
  private readonly deletedCompanies: Set<string>;
  private readonly counters: StoreCounters;
  private readonly pricePages = new Map<number, Row>();
  /**
   * The uids of the pages of each supplier, company and group ({@link overlapKey}): the
   * overlap check of a save looks only there.
   */
  private readonly pageUidsByOverlapKey = new Map<string, Set<number>>();
  private readonly priceBooks = new Map<string, Row>();
  private readonly bookLinks = new Map<string, Row>();
  /**
   * The link keys of each book (upper-cased id) and of each page, in link order: a window that
   * loads a book or a page looks only at its own links, not at every link of the store.
   */
  private readonly linkKeysByBook = new Map<string, Set<string>>();
  private readonly linkKeysByPage = new Map<number, Set<string>>();
  private readonly suppliers = new Map<number, Row>();
  private readonly productGroups = new Map<string, Row>();
  /** By upper-cased id: a discount group is every company's. */
  private readonly discountGroups = new Map<string, Row>();
  private changed = false;
  private readonly clock: () => Date;

  constructor(contents: StoreContents, clock: () => Date = () => new Date()) {
    this.clock = clock;
    this.companies = new Set(contents.companies.map((company) => company.toUpperCase()));
    this.deletedCompanies = new Set(
      contents.deletedCompanies.map((company) => company.toUpperCase()),
    );
    this.counters = { ...contents.counters };
    for (const row of contents.tables.price_page) {
      this.putPricePage(Number(row.price_page_uid), { ...row });
    }

    for (const row of contents.tables.price_book) {
      this.priceBooks.set(String(row.price_book_id).toUpperCase(), { ...row });
    }

    for (const row of contents.tables.price_book_x_page) this.putLink({ ...row });

    for (const row of contents.tables.supplier)
      this.suppliers.set(Number(row.supplier_id), { ...row });
    for (const row of contents.tables.product_group) {
      this.productGroups.set(groupKey(String(row.company_id), String(row.product_group_id)), {
        ...row,
      });
    }

    for (const row of contents.tables.discount_group) {
      this.discountGroups.set(String(row.discount_group_id).toUpperCase(), { ...row });
    }
  }

  /** True once anything changed since the last `markSaved()`. */
  get hasUnsavedChanges(): boolean {
    return this.changed;
  }

  markSaved(): void {
    this.changed = false;
  }

  /** The live rows of a table (do not mutate; `rowsCopy` for snapshots). */
  table(name: TableName): Iterable<Row> {
    switch (name) {
      case "price_page":
        return this.pricePages.values();
      case "price_book":
        return this.priceBooks.values();
      case "price_book_x_page":
        return this.bookLinks.values();
      case "supplier":
        return this.suppliers.values();
      case "product_group":
        return this.productGroups.values();
      case "discount_group":
        return this.discountGroups.values();
    }
  }

  /** The rows OData serves of a table: a stored table's own, or one row per company. */
  served(name: ServedTableName): Iterable<Row> {
    if (name !== "company") return this.table(name);

    return Array.from(new Set([...this.companies, ...this.deletedCompanies]), (companyId) => ({
      company_id: companyId,
      company_name: null,
      delete_flag: this.deletedCompanies.has(companyId) ? "Y" : "N",
    }));
  }

  rowsCopy(name: TableName): Row[] {
    return Array.from(this.table(name), (row) => ({ ...row }));
  }

  contents(): StoreContents {
    return {
      companies: [...this.companies],
      deletedCompanies: [...this.deletedCompanies],
      counters: { ...this.counters },
      tables: {
        price_page: this.rowsCopy("price_page"),
        price_book: this.rowsCopy("price_book"),
        price_book_x_page: this.rowsCopy("price_book_x_page"),
        supplier: this.rowsCopy("supplier"),
        product_group: this.rowsCopy("product_group"),
        discount_group: this.rowsCopy("discount_group"),
      },
    };
  }

  companyExists(companyId: string): boolean {
    if (this.companies.size === 0 && this.deletedCompanies.size === 0) return true;

    const company = companyId.toUpperCase();
    return this.companies.has(company) && !this.deletedCompanies.has(company);
  }

  supplierExists(supplierId: number): boolean {
    return standing(this.suppliers, supplierId);
  }

  productGroupExists(companyId: string, productGroupId: string): boolean {
    return standing(this.productGroups, groupKey(companyId, productGroupId));
  }

  discountGroupExists(discountGroupId: string): boolean {
    return standing(this.discountGroups, discountGroupId.toUpperCase());
  }

  pricePage(uid: number): Row | undefined {
    return this.pricePages.get(uid);
  }

  priceBook(priceBookId: string): Row | undefined {
    return this.priceBooks.get(priceBookId.toUpperCase());
  }

  /** Pages linked to a book, in link order. */
  linksOfBook(priceBookId: string): Row[] {
    return this.linksAt(this.linkKeysByBook.get(priceBookId.toUpperCase()));
  }

  /** Books a page is linked to, in link order. */
  linksOfPage(uid: number): Row[] {
    return this.linksAt(this.linkKeysByPage.get(uid));
  }

  private linksAt(keys: Set<string> | undefined): Row[] {
    const links: Row[] = [];
    for (const key of keys ?? []) {
      const link = this.bookLinks.get(key);
      if (link !== undefined) links.push(link);
    }

    return links;
  }

  private putLink(link: Row): void {
    const bookId = String(link.price_book_id).toUpperCase();
    const uid = Number(link.price_page_uid);
    const key = linkKey(bookId, uid);
    this.bookLinks.set(key, link);
    addTo(this.linkKeysByBook, bookId, key);
    addTo(this.linkKeysByPage, uid, key);
  }

  isLinked(priceBookId: string, uid: number): boolean {
    const book = this.priceBook(priceBookId);
    return book !== undefined && this.bookLinks.has(linkKey(String(book.price_book_id), uid));
  }

  /**
   * Active pages (704) other than `exceptUid` for the same supplier and product group whose
   * dates overlap `[effective, expiration]`.
   */
  overlappingActivePages(page: Row, exceptUid: number | null): Row[] {
    const overlapping: Row[] = [];
    for (const uid of this.pageUidsByOverlapKey.get(overlapKey(page)) ?? []) {
      const other = this.pricePages.get(uid);
      if (other === undefined || other.price_page_uid === exceptUid) continue;
      if (other.row_status_flag !== RowStatus.Active) continue;
      if (other.supplier_id !== page.supplier_id) continue;
      if (!sameText(other.company_id, page.company_id)) continue;
      if (!sameText(other.product_group_id, page.product_group_id)) continue;
      if (!sameText(other.discount_group_id, page.discount_group_id)) continue;
      if (!datesOverlap(other, page)) continue;
      overlapping.push(other);
    }

    return overlapping;
  }

  /** Inserts a page with a new uid from the counter; returns the stored row. */
  insertPricePage(fields: Row, username: string): Row {
    const uid = this.counters.nextPricePageUid;
    this.counters.nextPricePageUid += 1;

    const now = timestampOf(this.clock());
    const row: Row = { ...blankRow("price_page"), ...fields };
    row.price_page_uid = uid;
    row.date_created = now;
    row.date_last_modified = now;
    row.last_maintained_by = username;
    row.row_status_flag = this.statusOf(row);
    this.putPricePage(uid, row);
    this.changed = true;
    return row;
  }

  private putPricePage(uid: number, row: Row): void {
    const previous = this.pricePages.get(uid);
    if (previous !== undefined) {
      this.pageUidsByOverlapKey.get(overlapKey(previous))?.delete(uid);
    }

    this.pricePages.set(uid, row);
    const key = overlapKey(row);
    const uids = this.pageUidsByOverlapKey.get(key) ?? new Set<number>();
    uids.add(uid);
    this.pageUidsByOverlapKey.set(key, uids);
  }

  updatePricePage(uid: number, fields: Row, username: string): Row {
    const existing = this.pricePages.get(uid);
    if (existing === undefined) throw new Error(`price page ${uid} does not exist`);

    const row: Row = { ...existing, ...fields, price_page_uid: uid };
    row.date_last_modified = timestampOf(this.clock());
    row.last_maintained_by = username;
    row.row_status_flag = this.statusOf(row);
    this.putPricePage(uid, row);
    this.changed = true;
    return row;
  }

  linkPageToBook(priceBookId: string, uid: number, username: string): Row {
    const book = this.priceBook(priceBookId);
    if (book === undefined) throw new Error(`price book ${priceBookId} does not exist`);

    const storedBookId = String(book.price_book_id);
    const link: Row = {
      price_book_x_page_uid: this.counters.nextPriceBookXPageUid,
      price_book_id: storedBookId,
      price_page_uid: uid,
      row_status_flag: RowStatus.Active,
      date_created: timestampOf(this.clock()),
      last_maintained_by: username,
    };
    this.counters.nextPriceBookXPageUid += 1;
    this.putLink(link);
    this.changed = true;
    return link;
  }

  updatePriceBookDescription(priceBookId: string, description: string | null): void {
    const book = this.priceBook(priceBookId);
    if (book === undefined) throw new Error(`price book ${priceBookId} does not exist`);

    book.description = description;
    book.date_last_modified = timestampOf(this.clock());
    this.changed = true;
  }

  /** 705 (inactive) once the expiration date is before today, otherwise 704 (active). */
  statusOf(row: Row): number {
    const expiration = row.expiration_date;
    if (typeof expiration === "string" && expiration < dayOf(this.clock())) {
      return RowStatus.Inactive;
    }

    return RowStatus.Active;
  }
}

/**
 * A lookup table checks nothing while it holds no rows; otherwise `key` must have a row not
 * marked deleted (`delete_flag` Y, in any case).
 */
function standing<K>(rows: ReadonlyMap<K, Row>, key: K): boolean {
  if (rows.size === 0) return true;

  const row = rows.get(key);
  if (row === undefined) return false;

  const flag = row.delete_flag;
  return typeof flag !== "string" || flag.trim().toUpperCase() !== "Y";
}

function addTo<K>(index: Map<K, Set<string>>, at: K, key: string): void {
  const keys = index.get(at);
  if (keys === undefined) index.set(at, new Set([key]));
  else keys.add(key);
}

function linkKey(priceBookId: string, uid: number): string {
  return `${priceBookId.toUpperCase()}|${uid}`;
}

function groupKey(companyId: string, productGroupId: string): string {
  return `${companyId.toUpperCase()}|${productGroupId.toUpperCase()}`;
}

/** A text as {@link sameText} compares it; no value is not the empty text. */
function comparedText(value: CellValue | undefined): string {
  return value === null || value === undefined ? "\u0000" : String(value).toUpperCase();
}

/**
 * What two pages share when they can overlap: supplier (compared strictly), company and
 * groups (compared as {@link sameText} does).
 */
function overlapKey(page: Row): string {
  const supplier = page.supplier_id ?? null;
  return [
    `${typeof supplier}:${String(supplier)}`,
    comparedText(page.company_id),
    comparedText(page.product_group_id),
    comparedText(page.discount_group_id),
  ].join("|");
}

function sameText(left: CellValue | undefined, right: CellValue | undefined): boolean {
  if (left === null || left === undefined || right === null || right === undefined) {
    return (left ?? null) === (right ?? null);
  }

  return String(left).toUpperCase() === String(right).toUpperCase();
}

function datesOverlap(left: Row, right: Row): boolean {
  const leftStart = (left.effective_date as string | null) ?? "";
  const rightStart = (right.effective_date as string | null) ?? "";
  const leftEnd = (left.expiration_date as string | null) ?? "9999";
  const rightEnd = (right.expiration_date as string | null) ?? "9999";
  return leftStart <= rightEnd && rightStart <= leftEnd;
}

/** Contents of a store with no rows at all. */
export function emptyContents(): StoreContents {
  return {
    companies: [],
    deletedCompanies: [],
    counters: { nextPricePageUid: FIRST_PRICE_PAGE_UID, nextPriceBookXPageUid: 1 },
    tables: {
      price_page: [],
      price_book: [],
      price_book_x_page: [],
      supplier: [],
      product_group: [],
      discount_group: [],
    },
  };
}
