import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO } from "../../src/simulator/index.js";
import type { Party, ResultEnvelope } from "./http.js";
import {
  change,
  changeOne,
  clear,
  closeWindow,
  createSession,
  endSession,
  fieldValue,
  filter,
  findEvent,
  generatedKey,
  interactive,
  odataRows,
  openWindow,
  party,
  save,
  selectTab,
  windowData,
} from "./http.js";
import { keyAndSave, requireSuccess, samplePage } from "./pages.js";
import { simulatorForBlock } from "./simulator.js";

const simulator = simulatorForBlock({ data: "demo" });
let who: Party;

beforeAll(async () => {
  who = await party(simulator());
  await createSession(who);
});

afterAll(async () => {
  await endSession(who);
});

async function createPages(count: number): Promise<number[]> {
  const windowId = await openWindow(who, "SalesPricePage");
  const uids: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const saved = requireSuccess(await keyAndSave(who, windowId, samplePage(DEMO)), "save page");
    uids.push(generatedKey(saved) ?? 0);
    requireSuccess(await clear(who, windowId), "clear");
  }

  await closeWindow(who, windowId);

  return uids;
}

async function openBookList(priceBookId: string): Promise<string> {
  const windowId = await openWindow(who, "SalesPriceBook");
  requireSuccess(await changeOne(who, windowId, "FORM", "price_book_id", priceBookId), "load book");
  requireSuccess(await selectTab(who, windowId, "LIST"), "tab LIST");

  return windowId;
}

function addRow(windowId: string) {
  return interactive(who, "POST", "/v2/row", {
    json: { WindowId: windowId, DatawindowName: "list_detail" },
  });
}

async function links(priceBookId: string): Promise<Record<string, unknown>[]> {
  const literal = priceBookId.replaceAll("'", "''");

  return odataRows(who, "price_book_x_page", filter(`price_book_id eq '${literal}'`));
}

describe("SalesPriceBook links", () => {
  it("links several pages to a book in one save, read back through OData", async () => {
    const priceBookId = DEMO.bookIds[1] ?? DEMO.bookIds[0] ?? "";
    const uids = await createPages(2);
    const linkedBefore = (await links(priceBookId)).length;
    const windowId = await openBookList(priceBookId);

    for (const pricePageUid of uids) {
      expect((await addRow(windowId)).status).toBe(200);
      requireSuccess(
        await changeOne(
          who,
          windowId,
          "LIST",
          "price_page_uid",
          String(pricePageUid),
          "list_detail",
        ),
        "set price_page_uid",
      );
    }

    const saved = requireSuccess(await save(who, windowId), "save book");

    expect(findEvent(saved, "savesucceeded")).toBeDefined();
    const linked = await links(priceBookId);
    expect(linked).toHaveLength(linkedBefore + 2);
    const linkedUids = linked.map((row) => Number(row["price_page_uid"]));
    expect(linkedUids).toEqual(expect.arrayContaining(uids));
    await closeWindow(who, windowId);

    const reopened = await openBookList(priceBookId);
    const list = (await windowData(who, reopened)).find(
      (element) => element.Name === "list_detail",
    );
    expect(list?.TotalRows).toBe(linkedBefore + 2);
    await closeWindow(who, reopened);
  });

  it("refuses a price_page_uid that does not exist and links nothing", async () => {
    const priceBookId = DEMO.bookIds[0] ?? "";
    const linkedBefore = (await links(priceBookId)).length;
    const windowId = await openBookList(priceBookId);
    await addRow(windowId);

    const answer = await changeOne(
      who,
      windowId,
      "LIST",
      "price_page_uid",
      "987654321",
      "list_detail",
    );

    const refused = answer.status >= 400 || answer.json<ResultEnvelope>().Status !== 1;
    expect(refused).toBe(true);
    await save(who, windowId);
    const linked = await links(priceBookId);
    expect(linked).toHaveLength(linkedBefore);
    expect(linked.map((row) => Number(row["price_page_uid"]))).not.toContain(987654321);
    await closeWindow(who, windowId);
  });

  it("quirk 28: a grid row's key field commits the cursor; later fields of the list are ignored", async () => {
    const [pricePageUid = 0] = await createPages(1);
    const windowId = await openBookList(DEMO.bookIds[0] ?? "");
    await addRow(windowId);

    const answer = await change(who, windowId, [
      {
        tab: "LIST",
        datawindow: "list_detail",
        field: "price_page_uid",
        value: String(pricePageUid),
      },
      { tab: "LIST", datawindow: "list_detail", field: "description", value: "silently ignored" },
    ]);

    expect(answer.status).toBe(200);
    expect(answer.json<ResultEnvelope>().Status).toBe(1);
    expect(await fieldValue(who, windowId, "list_detail", "price_page_uid")).toBe(
      String(pricePageUid),
    );
    expect(await fieldValue(who, windowId, "list_detail", "description")).not.toBe(
      "silently ignored",
    );
    await closeWindow(who, windowId);
  });

  it("OData lists the demo books and their links", async () => {
    const books = await odataRows(who, "price_book");

    expect(books.map((book) => String(book["price_book_id"]))).toEqual(
      expect.arrayContaining(DEMO.bookIds),
    );
    for (const priceBookId of DEMO.bookIds) {
      expect((await links(priceBookId)).length, priceBookId).toBeGreaterThan(0);
    }
  });
});
