import { describe, expect, it } from "vitest";
import { demoContents, DEMO } from "../../src/simulator/data/demo-data.js";
import { FIRST_PRICE_PAGE_UID } from "../../src/simulator/data/store.js";

describe("demo data", () => {
  it("is the same on every build", () => {
    expect(JSON.stringify(demoContents())).toBe(JSON.stringify(demoContents()));
  });

  it("holds 25 suppliers, 28 groups with pages of one company and one active page per pair", () => {
    const contents = demoContents();
    const active = contents.tables.price_page.filter((page) => page.row_status_flag === 704);
    const pairs = new Set(
      active.map((page) => `${String(page.supplier_id)}|${String(page.product_group_id)}`),
    );

    expect(contents.tables.supplier).toHaveLength(25);
    expect(DEMO.productGroupIds).toHaveLength(28);
    expect(active).toHaveLength(700);
    expect(pairs.size).toBe(700);
    expect(contents.companies).toEqual([DEMO.companyId]);
  });

  it("holds one more product group, with no price page at all, for the example pair", () => {
    const contents = demoContents();
    const { supplierId, productGroupId } = DEMO.example;
    const group = contents.tables.product_group.find(
      (row) => row.product_group_id === productGroupId,
    );

    expect(contents.tables.product_group).toHaveLength(29);
    expect(group).toMatchObject({ company_id: DEMO.companyId, delete_flag: "N" });
    expect(DEMO.productGroupIds).not.toContain(productGroupId);
    expect(DEMO.supplierIds).toContain(supplierId);
    expect(
      contents.tables.price_page.filter((page) => page.product_group_id === productGroupId),
    ).toEqual([]);
  });

  it("holds discount groups of no company, every one a page names and 3 more no page uses", () => {
    const contents = demoContents();
    const held = contents.tables.discount_group.map((row) => row.discount_group_id);
    const named = contents.tables.price_page
      .map((page) => page.discount_group_id)
      .filter((id) => id !== null);

    expect(held).toEqual(DEMO.discountGroupIds);
    expect(held).toHaveLength(3);
    expect(named.filter((id) => !held.includes(id))).toEqual([]);
    for (const row of contents.tables.discount_group) {
      expect(row).not.toHaveProperty("company_id");
      expect(String(row.discount_group_id).length).toBeLessThanOrEqual(8);
    }
  });

  it("keeps DEMO in step with the tables", () => {
    const contents = demoContents();
    expect(contents.tables.supplier.map((row) => row.supplier_id)).toEqual(DEMO.supplierIds);
    expect(contents.tables.product_group.map((row) => row.product_group_id)).toEqual([
      ...DEMO.productGroupIds,
      DEMO.example.productGroupId,
    ]);
    expect(contents.tables.price_book.map((row) => row.price_book_id)).toEqual(DEMO.bookIds);
  });

  it("links pages to all three books, and only pages that exist", () => {
    const contents = demoContents();
    const uids = new Set(contents.tables.price_page.map((page) => page.price_page_uid));
    const perBook = new Map<unknown, number>();
    for (const link of contents.tables.price_book_x_page) {
      expect(uids.has(link.price_page_uid)).toBe(true);
      perBook.set(link.price_book_id, (perBook.get(link.price_book_id) ?? 0) + 1);
    }

    expect(Object.fromEntries(perBook)).toEqual({ RETAIL: 700, DEALER: 13 * 28, CONTRACT: 5 * 28 });
  });

  it("hands out new keys after the last demo page, and page descriptions fit 40 characters", () => {
    const contents = demoContents();
    const highest = Math.max(
      ...contents.tables.price_page.map((page) => Number(page.price_page_uid)),
    );
    expect(highest).toBe(FIRST_PRICE_PAGE_UID + 719);
    expect(contents.counters.nextPricePageUid).toBe(highest + 1);
    for (const page of contents.tables.price_page) {
      expect(String(page.description).length).toBeLessThanOrEqual(40);
    }
  });
});
