// The OData lookups of the price-page workflows: how a row is read whatever types the server
// gives its columns, and how uids are asked about in slices (against the simulator over HTTP).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { P21Client } from "../../src/client/index.js";
import {
  activePagesLike,
  existingPriceBooks,
  linkedPagesAmong,
  pagesByUid,
  serverPage,
} from "../../src/pricing/operations/lookups.js";
import {
  existingDiscountGroups,
  existingProductGroups,
  existingSuppliers,
  productGroupKey,
} from "../../src/pricing/operations/references.js";
import { DEMO, startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";

const ODATA = "GET /odataservice/odata/table/:name";

describe("a price_page row", () => {
  it("is read with numbers given as text, empty groups as none and dates cut to the day", () => {
    expect(
      serverPage({
        price_page_uid: "100021",
        supplier_id: "10010",
        product_group_id: "ABRAS",
        discount_group_id: "",
        description: "Abrasives",
        effective_date: "2026-01-01T00:00:00",
        expiration_date: null,
        row_status_flag: "704",
      }),
    ).toEqual({
      pricePageUid: 100021,
      supplierId: 10010,
      productGroupId: "ABRAS",
      discountGroupId: undefined,
      description: "Abrasives",
      effectiveDate: "2026-01-01",
      expirationDate: undefined,
      rowStatus: 704,
    });
  });

  it("is skipped without a whole uid, and keeps what it can of a sparse row", () => {
    expect(serverPage({ price_page_uid: "12.5" })).toBeUndefined();
    expect(serverPage({ supplier_id: 10010 })).toBeUndefined();
    expect(serverPage({ price_page_uid: 7, effective_date: "2026" })).toEqual({
      pricePageUid: 7,
      supplierId: 0,
      productGroupId: undefined,
      discountGroupId: undefined,
      description: "",
      effectiveDate: undefined,
      expirationDate: undefined,
      rowStatus: undefined,
    });
  });
});

describe("lookups against the simulator", () => {
  let simulator: SimulatorHandle;
  let client: P21Client;

  beforeAll(async () => {
    simulator = await startSimulator({ data: "demo" });
    client = new P21Client({
      baseUrl: simulator.url,
      username: "api_user",
      password: "api_password",
    });
  });

  afterAll(async () => {
    await client.close();
    await simulator.close();
  });

  const activePages = () =>
    simulator.rows("price_page").filter((row) => row.row_status_flag === 704);

  it("asks about uids 40 at a time, each uid once", async () => {
    const uids = activePages()
      .slice(0, 85)
      .map((row) => Number(row.price_page_uid));
    simulator.resetStats();

    const pages = await pagesByUid(client, [...uids, ...uids.slice(0, 10)]);

    expect(simulator.stats().requests[ODATA]).toBe(3);
    expect([...pages.keys()].sort()).toEqual([...uids].sort());
  });

  it("finds which of some uids a book links, 40 at a time", async () => {
    const linked = simulator
      .rows("price_book_x_page")
      .filter((row) => row.price_book_id === "DEALER")
      .map((row) => Number(row.price_page_uid));
    const unlinked = activePages()
      .map((row) => Number(row.price_page_uid))
      .filter((uid) => !linked.includes(uid))
      .slice(0, 30);
    simulator.resetStats();

    const found = await linkedPagesAmong(client, "DEALER", [...linked.slice(0, 20), ...unlinked]);

    expect(unlinked).toHaveLength(30);
    expect(simulator.stats().requests[ODATA]).toBe(2);
    expect([...found].sort()).toEqual(linked.slice(0, 20).sort());
  });

  it("finds the active pages of a supplier, group and description, by product or discount group", async () => {
    const [row] = activePages();
    const found = await activePagesLike(client, {
      supplierId: Number(row?.supplier_id),
      productGroupId: String(row?.product_group_id),
      description: String(row?.description),
    });
    expect(found.map((page) => page.pricePageUid)).toEqual([row?.price_page_uid]);

    const none = await activePagesLike(client, {
      supplierId: DEMO.supplierIds[0] ?? 0,
      discountGroupId: "NO-SUCH-GROUP",
      description: String(row?.description),
    });
    expect(none).toEqual([]);
  });

  it("tells which suppliers, product and discount groups and books exist, each table 40 keys a query", async () => {
    simulator.resetStats();
    const suppliers = await existingSuppliers(client, [10_010, 99_999, 10_010, 10_250]);
    expect(suppliers?.existing).toEqual(new Set([10_010, 10_250]));
    const groups = await existingProductGroups(client, [
      { companyId: "acme", productGroupId: "abras" },
      { companyId: "ACME", productGroupId: "NOGRP" },
      { companyId: "OTHER", productGroupId: "ABRAS" },
    ]);
    expect(groups?.existing).toEqual(new Set([productGroupKey("ACME", "ABRAS")]));
    const discountGroups = await existingDiscountGroups(client, ["stock", "NODG", "CLEARNC"]);
    expect(discountGroups?.existing).toEqual(new Set(["STOCK", "CLEARNC"]));
    const books = await existingPriceBooks(client, ["retail", "NOPE", "DEALER"]);
    expect(books).toEqual(new Set(["RETAIL", "DEALER"]));
    // Suppliers and both groups: a query each, then one row of the table (something was
    // missing: is the table empty?); books: one query.
    expect(simulator.stats().requests[ODATA]).toBe(7);
  });
});
