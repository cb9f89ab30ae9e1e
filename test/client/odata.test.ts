import { afterEach, describe, expect, it } from "vitest";
import type { P21Client } from "../../src/client/index.js";
import { and, eq, ServerRefusedError } from "../../src/client/index.js";
import { MockP21 } from "./mock-p21.js";

let mock: MockP21;
let client: P21Client | undefined;

afterEach(async () => {
  await client?.close();
  await mock?.close();
});

function setup(): MockP21 {
  mock = new MockP21();
  client = mock.client();

  return mock;
}

describe("OData reads", () => {
  it("sends the filter, select, order, top and skip on the base URL, with the token", async () => {
    setup().on("GET", "/odataservice/odata/table/price_page", {
      body: { "@odata.context": "x", value: [{ price_page_uid: 1, description: "O'Brien" }] },
    });
    const rows = await client!.odata.query("price_page", {
      filter: and(eq("supplier_id", 10001), eq("description", "O'Brien & Sons")),
      select: ["price_page_uid", "description"],
      orderBy: ["price_page_uid desc"],
      top: 10,
      skip: 20,
    });

    expect(rows).toEqual([{ price_page_uid: 1, description: "O'Brien" }]);
    const [request] = mock.requestsTo("GET", "/table/price_page");
    expect(request?.query.get("$filter")).toBe(
      "(supplier_id eq 10001) and (description eq 'O''Brien & Sons')",
    );
    expect(request?.query.get("$select")).toBe("price_page_uid,description");
    expect(request?.query.get("$orderby")).toBe("price_page_uid desc");
    expect(request?.query.get("$top")).toBe("10");
    expect(request?.query.get("$skip")).toBe("20");
    expect(request?.path).not.toContain("+");
    expect(request?.headers.authorization).toBe("Bearer token-one");
  });

  it("accepts a bare array answer", async () => {
    setup().on("GET", "/odataservice/odata/table/price_book", { body: [{ price_book_id: "B1" }] });

    expect(await client!.odata.query("price_book")).toEqual([{ price_book_id: "B1" }]);
  });

  it("pages through $top/$skip until a short page, and counts", async () => {
    const all = Array.from({ length: 25 }, (_, index) => ({ price_page_uid: index + 1 }));
    setup().on("GET", "/odataservice/odata/table/price_page", (request) => {
      const top = Number(request.query.get("$top") ?? all.length);
      const skip = Number(request.query.get("$skip") ?? 0);

      return { body: { value: all.slice(skip, skip + top) } };
    });

    expect(await client!.odata.queryAll("price_page", { pageSize: 10 })).toEqual(all);
    expect(
      mock.requestsTo("GET", "/table/price_page").map((request) => request.query.get("$skip")),
    ).toEqual([null, "10", "20"]);
    expect(await client!.odata.queryAll("price_page", { pageSize: 10, top: 12 })).toHaveLength(12);
    expect(await client!.odata.count("price_page", { row_status_flag: 704 })).toBe(25);
  });

  it("reads an unknown table or a bad filter as a refusal", async () => {
    setup().on("GET", "/odataservice/odata/table/sales_price_page", {
      status: 404,
      body: { ErrorMessage: "Table sales_price_page not found" },
    });

    await expect(client!.odata.query("sales_price_page")).rejects.toBeInstanceOf(
      ServerRefusedError,
    );
    await expect(client!.odata.query("price_page; drop")).rejects.toMatchObject({
      code: "P21_INVALID_INPUT",
    });
    await expect(client!.odata.query("price_page", { select: ["a,b"] })).rejects.toMatchObject({
      code: "P21_INVALID_INPUT",
    });
  });
});
