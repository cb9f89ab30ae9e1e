import { beforeAll, describe, expect, it } from "vitest";

import { DEMO } from "../../src/simulator/index.js";
import type { Party } from "./http.js";
import {
  clear,
  closeWindow,
  createSession,
  endSession,
  filter,
  generatedKey,
  odata,
  odataRows,
  openWindow,
  party,
} from "./http.js";
import { keyAndSave, pagesByDescription, requireSuccess, samplePage } from "./pages.js";
import { simulatorForBlock } from "./simulator.js";

const simulator = simulatorForBlock({ data: "demo" });
let who: Party;

beforeAll(async () => {
  who = await party(simulator());
});

const [supplierA = 0, supplierB = 0] = DEMO.supplierIds;

function uidsOf(rows: Record<string, unknown>[]): number[] {
  return rows.map((row) => Number(row["price_page_uid"]));
}

function pagesOf(expression: string, more = ""): Promise<Record<string, unknown>[]> {
  return odataRows(who, "price_page", `${filter(expression)}${more}`);
}

describe("OData access", () => {
  it("answers {value: [...]} for each documented table", async () => {
    for (const table of [
      "price_page",
      "price_book",
      "price_book_x_page",
      "supplier",
      "product_group",
      "company",
    ]) {
      const answer = await odata(who, table, "$top=3");
      expect(answer.status, table).toBe(200);
      const body = answer.json<{ value: unknown[] }>();
      expect(Array.isArray(body.value), table).toBe(true);
      expect(body.value.length, table).toBeGreaterThan(0);
    }
  });

  it("requires a Bearer token", async () => {
    const missing = await odata(who, "price_page", "$top=1", "");
    const unknown = await odata(who, "price_page", "$top=1", "garbage");

    expect(missing.status).toBe(401);
    expect(unknown.status).toBe(401);
  });

  it("answers 404 for an unknown table such as sales_price_page", async () => {
    expect((await odata(who, "sales_price_page", "$top=1")).status).toBe(404);
  });

  it("answers 400 for a malformed $filter, and keeps answering", async () => {
    const answer = await odata(who, "price_page", filter("supplier_id eq and ("));

    expect(answer.status).toBe(400);
    expect((await odata(who, "price_page", "$top=1")).status).toBe(200);
  });
});

describe("OData demo data", () => {
  it("holds 25 suppliers, the demo product groups with company_id, and the price books", async () => {
    const suppliers = await odataRows(who, "supplier");
    const groups = await odataRows(
      who,
      "product_group",
      filter(`company_id eq '${DEMO.companyId}'`),
    );
    const books = await odataRows(who, "price_book");

    expect(suppliers).toHaveLength(25);
    expect(suppliers.map((row) => Number(row["supplier_id"]))).toEqual(
      expect.arrayContaining(DEMO.supplierIds),
    );
    expect(groups.map((row) => String(row["product_group_id"]))).toEqual(
      expect.arrayContaining(DEMO.productGroupIds),
    );
    for (const group of groups) expect(group["company_id"]).toBe(DEMO.companyId);
    expect(books.map((row) => String(row["price_book_id"]))).toEqual(
      expect.arrayContaining(DEMO.bookIds),
    );
  });

  it("holds its one company, found case-insensitively like the other tables' strings", async () => {
    const companies = await odataRows(who, "company");
    const found = await odataRows(who, "company", filter("company_id eq 'acme'"));

    expect(companies).toEqual([
      { company_id: DEMO.companyId, company_name: null, delete_flag: "N" },
    ]);
    expect(found).toEqual(companies);
    expect(await odataRows(who, "company", filter("company_id eq 'OTHER'"))).toEqual([]);
  });

  it("holds about 700 active pages, counted with $count=true", async () => {
    const answer = await odata(
      who,
      "price_page",
      `${filter("row_status_flag eq 704")}&$count=true&$top=1`,
    );

    expect(answer.status).toBe(200);
    const body = answer.json<{ value: unknown[]; "@odata.count": number }>();
    expect(body.value).toHaveLength(1);
    expect(body["@odata.count"]).toBeGreaterThanOrEqual(600);
    expect(body["@odata.count"]).toBeLessThanOrEqual(800);
  });

  it("flags rows 704 (active) or 705 (inactive), and the flags partition the table", async () => {
    const supplierPages = await pagesOf(`supplier_id eq ${supplierA}`);
    const active = await pagesOf(`supplier_id eq ${supplierA} and row_status_flag eq 704`);
    const inactive = await pagesOf(`supplier_id eq ${supplierA} and row_status_flag eq 705`);
    const deleted = await pagesOf(`supplier_id eq ${supplierA} and row_status_flag eq 700`);

    for (const row of supplierPages) expect([700, 704, 705]).toContain(row["row_status_flag"]);
    expect(active.length).toBeGreaterThan(0);
    expect(active.length + inactive.length + deleted.length).toBe(supplierPages.length);
  });
});

describe("OData $filter", () => {
  it("eq on a number compares numerically (supplier_id is not quoted)", async () => {
    const rows = await pagesOf(`supplier_id eq ${supplierA}`);

    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row["supplier_id"]).toBe(supplierA);
  });

  it("ne, gt, ge, lt and le partition a supplier's pages around a pivot", async () => {
    const base = `supplier_id eq ${supplierA}`;
    const all = uidsOf(await pagesOf(base)).sort((left, right) => left - right);
    const pivot = all[Math.floor(all.length / 2)] ?? 0;

    const greater = uidsOf(await pagesOf(`${base} and price_page_uid gt ${pivot}`));
    const atLeast = uidsOf(await pagesOf(`${base} and price_page_uid ge ${pivot}`));
    const less = uidsOf(await pagesOf(`${base} and price_page_uid lt ${pivot}`));
    const atMost = uidsOf(await pagesOf(`${base} and price_page_uid le ${pivot}`));
    const other = uidsOf(await pagesOf(`${base} and price_page_uid ne ${pivot}`));

    expect(greater.every((uid) => uid > pivot)).toBe(true);
    expect(atLeast.every((uid) => uid >= pivot)).toBe(true);
    expect(less.every((uid) => uid < pivot)).toBe(true);
    expect(atMost.every((uid) => uid <= pivot)).toBe(true);
    expect(greater.length + atMost.length).toBe(all.length);
    expect(less.length + atLeast.length).toBe(all.length);
    expect(other).toHaveLength(all.length - 1);
    expect(other).not.toContain(pivot);
  });

  it("and binds tighter than or; parentheses override", async () => {
    const pagesOfA = await pagesOf(`supplier_id eq ${supplierA}`);
    const activeOfA = await pagesOf(`supplier_id eq ${supplierA} and row_status_flag eq 704`);
    const activeOfB = await pagesOf(`supplier_id eq ${supplierB} and row_status_flag eq 704`);

    const grouped = await pagesOf(
      `(supplier_id eq ${supplierA} or supplier_id eq ${supplierB}) and row_status_flag eq 704`,
    );
    const ungrouped = await pagesOf(
      `supplier_id eq ${supplierA} or supplier_id eq ${supplierB} and row_status_flag eq 704`,
    );

    expect(grouped).toHaveLength(activeOfA.length + activeOfB.length);
    for (const row of grouped) expect(row["row_status_flag"]).toBe(704);
    expect(ungrouped).toHaveLength(pagesOfA.length + activeOfB.length);
  });

  it("string literals escape a quote by doubling it", async () => {
    await createSession(who);
    const windowId = await openWindow(who, "SalesPricePage");
    const page = samplePage(DEMO, { description: `O'Brien's list ${process.pid}` });
    const saved = requireSuccess(await keyAndSave(who, windowId, page), "save");
    await clear(who, windowId);
    await closeWindow(who, windowId);
    await endSession(who);

    const rows = await pagesByDescription(who, page.description);

    expect(uidsOf(rows)).toEqual([generatedKey(saved)]);
    expect(rows[0]?.["description"]).toBe(page.description);
  });

  it("a string literal compares product_group_id", async () => {
    const group = DEMO.productGroupIds[0] ?? "";
    const rows = await pagesOf(`product_group_id eq '${group}'`, "&$top=20");

    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row["product_group_id"]).toBe(group);
  });
});

describe("OData query options", () => {
  it("$select returns only the named columns", async () => {
    const rows = await odataRows(who, "price_page", "$select=price_page_uid,description&$top=5");

    expect(rows).toHaveLength(5);
    for (const row of rows)
      expect(Object.keys(row).sort()).toEqual(["description", "price_page_uid"]);
  });

  it("$top limits the rows", async () => {
    expect(await odataRows(who, "price_page", "$top=7")).toHaveLength(7);
  });

  it("$orderby sorts ascending by default and descending with desc", async () => {
    const base = filter(`supplier_id eq ${supplierA}`);
    const ascending = uidsOf(await odataRows(who, "price_page", `${base}&$orderby=price_page_uid`));
    const descending = uidsOf(
      await odataRows(
        who,
        "price_page",
        `${base}&$orderby=${encodeURIComponent("price_page_uid desc")}`,
      ),
    );

    expect(ascending).toEqual([...ascending].sort((left, right) => left - right));
    expect(descending).toEqual([...ascending].reverse());
  });

  it("$skip with $top pages through an ordering", async () => {
    const base = `${filter(`supplier_id eq ${supplierA}`)}&$orderby=price_page_uid`;
    const all = uidsOf(await odataRows(who, "price_page", base));

    const page = uidsOf(await odataRows(who, "price_page", `${base}&$skip=2&$top=3`));

    expect(page).toEqual(all.slice(2, 5));
  });

  it("$count=true counts every matching row, not only the page", async () => {
    const base = filter(`supplier_id eq ${supplierA}`);
    const all = await odataRows(who, "price_page", base);

    const answer = await odata(who, "price_page", `${base}&$count=true&$top=2`);

    const body = answer.json<{ value: unknown[]; "@odata.count": number }>();
    expect(body.value).toHaveLength(2);
    expect(body["@odata.count"]).toBe(all.length);
  });
});
