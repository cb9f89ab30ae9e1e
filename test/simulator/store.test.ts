import { describe, expect, it } from "vitest";
import { demoContents } from "../../src/simulator/data/demo-data.js";
import { emptyContents, SimulatorStore } from "../../src/simulator/data/store.js";
import type { Row } from "../../src/simulator/data/schema.js";

/** What the link lookups must answer: every link of the table that matches, in table order. */
function scanned(store: SimulatorStore, matches: (link: Row) => boolean): Row[] {
  return [...store.table("price_book_x_page")].filter(matches);
}

function expectLookupsAgreeWithScan(store: SimulatorStore, uids: readonly number[]): void {
  for (const book of store.table("price_book")) {
    const id = String(book.price_book_id);
    const wanted = scanned(store, (link) => String(link.price_book_id) === id);
    expect(store.linksOfBook(id.toLowerCase())).toEqual(wanted);
  }

  for (const uid of uids) {
    expect(store.linksOfPage(uid)).toEqual(scanned(store, (link) => link.price_page_uid === uid));
  }
}

describe("simulator store: links", () => {
  it("finds the links of a book and of a page as a scan of the table does, in link order", () => {
    const store = new SimulatorStore(demoContents(), () => new Date("2026-06-01T00:00:00Z"));
    const linked = [...store.table("price_book_x_page")].map((link) => Number(link.price_page_uid));
    expect(linked.length).toBeGreaterThan(0);
    const [first, second] = linked;
    if (first === undefined || second === undefined) throw new Error("demo data has no links");

    // New links, one of them to a page that already has one and one under a lower-case book id.
    store.linkPageToBook("dealer", first, "api_user");
    store.linkPageToBook("CONTRACT", second, "api_user");
    store.linkPageToBook("RETAIL", 999_999, "api_user");
    // Linking again what is linked already keeps one link, where it was.
    const before = store.linksOfBook("DEALER").length;
    store.linkPageToBook("DEALER", first, "api_user");
    expect(store.linksOfBook("DEALER")).toHaveLength(before);

    const uids = [first, second, 999_999, 123];
    expectLookupsAgreeWithScan(store, uids);
    expect(store.linksOfPage(123)).toEqual([]);
    expect(store.linksOfBook("NO-SUCH-BOOK")).toEqual([]);

    // A store built from the contents of another (a state file) answers the same.
    const reloaded = new SimulatorStore(store.contents());
    expectLookupsAgreeWithScan(reloaded, uids);
    expect(reloaded.linksOfPage(999_999).map((link) => link.price_book_id)).toEqual(["RETAIL"]);
  });
});

describe("the store's overlap check", () => {
  const page = (supplier: number) => ({
    company_id: "IFS",
    supplier_id: supplier,
    product_group_id: "PG1",
    discount_group_id: null,
    effective_date: "2030-01-01",
    expiration_date: "2030-12-31",
  });

  it("finds the overlapping pages of the supplier a page has now, after an update moved it", () => {
    const store = new SimulatorStore(emptyContents());
    const first = store.insertPricePage(page(10), "api_user");
    const second = store.insertPricePage(page(20), "api_user");
    const uidsFor = (supplier: number) =>
      store.overlappingActivePages(page(supplier), null).map((row) => row.price_page_uid);

    expect(uidsFor(10)).toEqual([first.price_page_uid]);
    store.updatePricePage(Number(second.price_page_uid), { supplier_id: 10 }, "api_user");
    expect(uidsFor(10).sort()).toEqual([first.price_page_uid, second.price_page_uid].sort());
    expect(uidsFor(20)).toEqual([]);
    expect(store.overlappingActivePages(page(10), Number(first.price_page_uid))).toHaveLength(1);
  });
});
