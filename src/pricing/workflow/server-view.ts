import type { P21Client } from "../../client/index.js";
import {
  activePagesOfSupplier,
  existingPriceBooks,
  linkedPagesOfBook,
  pagesByUid,
} from "../operations/lookups.js";
import type { ServerPage } from "../operations/lookups.js";
import {
  existingCompanies,
  existingDiscountGroups,
  existingProductGroups,
  existingSuppliers,
} from "../operations/references.js";
import type { KeysOnServer } from "../operations/references.js";

/**
 * OData lookups of suppliers in flight at once while planning: one at a time, 25 suppliers cost
 * 25 round trips (2.5 s at the production timing table) before the first batch can start.
 */
export const supplierLookupsAtOnce = 4;

/** Looks things up once each, however many rows ask. */
export class ServerView {
  private readonly suppliers = new Map<number, Promise<ServerPage[]>>();
  private readonly books = new Map<string, Promise<Set<number>>>();

  constructor(
    private readonly client: P21Client,
    private readonly signal: AbortSignal | undefined,
  ) {}

  activePages(supplierId: number): Promise<ServerPage[]> {
    let pages = this.suppliers.get(supplierId);
    if (pages === undefined) {
      pages = activePagesOfSupplier(this.client, supplierId, this.signal);
      this.suppliers.set(supplierId, pages);
    }

    return pages;
  }

  linkedPages(bookId: string): Promise<Set<number>> {
    let uids = this.books.get(bookId);
    if (uids === undefined) {
      uids = linkedPagesOfBook(this.client, bookId, this.signal);
      this.books.set(bookId, uids);
    }

    return uids;
  }

  pages(uids: readonly number[]): Promise<Map<number, ServerPage>> {
    return pagesByUid(this.client, uids, this.signal);
  }

  existingBooks(bookIds: readonly string[]): Promise<Set<string>> {
    return existingPriceBooks(this.client, bookIds, this.signal);
  }

  existingCompanies(companyIds: readonly string[]): Promise<KeysOnServer<string> | undefined> {
    return existingCompanies(this.client, companyIds, this.signal);
  }

  existingSuppliers(supplierIds: readonly number[]): Promise<KeysOnServer<number> | undefined> {
    return existingSuppliers(this.client, supplierIds, this.signal);
  }

  existingProductGroups(
    groups: readonly { companyId: string; productGroupId: string }[],
  ): Promise<KeysOnServer<string> | undefined> {
    return existingProductGroups(this.client, groups, this.signal);
  }

  existingDiscountGroups(
    discountGroupIds: readonly string[],
  ): Promise<KeysOnServer<string> | undefined> {
    return existingDiscountGroups(this.client, discountGroupIds, this.signal);
  }
}
