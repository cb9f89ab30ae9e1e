import { describe, expect, it } from "vitest";
import { WireError } from "../../src/simulator/http/answer.js";
import { PriceBookWindow } from "../../src/simulator/windows/price-book-window.js";
import { harness, item } from "./support/window-harness.js";

describe("SalesPriceBook", () => {
  it("saves a book's new description as an update of the book, and nothing for an unchanged one", () => {
    const { context, commits, store } = harness();
    const window = new PriceBookWindow(context);
    window.change([item("form", "price_book_id", "DEALER")]);
    expect(window.save().Status).toBe(1);
    expect(commits).toEqual([]);

    expect(window.change([item("form", "description", "Dealer prices 2027")]).Status).toBe(1);
    expect(
      window.change([item("form", "description", "x".repeat(300))]).Messages[0]?.Text,
    ).toContain("too long");
    expect(window.save().Status).toBe(1);

    expect(commits).toMatchObject([
      { table: "price_book", kind: "update", key: { price_book_id: "DEALER" } },
    ]);
    expect(store.priceBook("DEALER")?.description).toBe("Dealer prices 2027");
  });

  it("links several new pages in one save and commits the row cursor at the key", () => {
    const { context, commits, store } = harness();
    const window = new PriceBookWindow(context);
    expect(window.selectTab("LIST").Status).toBe(2);
    expect(window.change([item("form", "price_book_id", "contract")]).Status).toBe(1);
    expect(window.selectTab("LIST").Status).toBe(1);
    expect(() => window.selectRow("list_detail", 0)).toThrow(WireError);

    expect(window.addRow("list_detail").Status).toBe(1);
    expect(
      window.change([
        item("list_detail", "price_page_uid", "100600"),
        item("list_detail", "price_page_uid", "100601"),
      ]).Status,
    ).toBe(1);
    expect(window.addRow("list_detail").Status).toBe(1);
    expect(window.addRow("list_detail")).toMatchObject({
      Status: 2,
      Messages: [
        {
          Text: `Required value missing for Price Page UID on row ${store.linksOfBook("CONTRACT").length + 2}`,
        },
      ],
    });
    expect(window.selectRow("list_detail", store.linksOfBook("CONTRACT").length + 1).Status).toBe(
      1,
    );
    expect(window.change([item("list_detail", "price_page_uid", "100601")]).Status).toBe(1);
    expect(window.change([item("list_detail", "price_page_uid", "999")]).Status).toBe(1);
    expect(window.dataElements()[0]?.Data.at(-2)?.[0]).toBe("100601");
    expect(window.save()).toMatchObject({ Status: 2 });

    window.selectRow("list_detail", store.linksOfBook("CONTRACT").length + 2);
    window.change([item("list_detail", "price_page_uid", "100602")]);
    expect(window.save().Status).toBe(1);
    expect(commits.map((commit) => commit.key.price_page_uid)).toEqual([100600, 100601, 100602]);
    expect(store.isLinked("CONTRACT", 100601)).toBe(true);
  });

  it("under drop-rows, answers a save as a success, shows its rows, and stores none of them", () => {
    const { context, commits, store } = harness();
    const window = new PriceBookWindow(context);
    const before = store.linksOfBook("CONTRACT").length;
    window.change([item("form", "price_book_id", "CONTRACT")]);
    window.selectTab("LIST");
    window.addRow("list_detail");
    window.change([item("list_detail", "price_page_uid", "100600")]);

    expect(window.save({ dropRows: true })).toMatchObject({
      Status: 1,
      Events: [{ Name: "savesucceeded" }],
    });

    expect(window.dirty).toBe(false);
    expect(window.dataElements()[0]?.Data.at(-1)?.[0]).toBe("100600");
    expect(store.isLinked("CONTRACT", 100600)).toBe(false);
    expect(store.linksOfBook("CONTRACT")).toHaveLength(before);
    expect(commits).toEqual([]);
  });

  it("refuses a page already in the book and an unknown book", () => {
    const window = new PriceBookWindow(harness().context);
    expect(window.change([item("form", "price_book_id", "NOPE")])).toMatchObject({
      Status: 2,
      Messages: [{ Text: "Enter a valid ID or leave ID blank." }],
    });
    window.change([item("form", "price_book_id", "RETAIL")]);
    window.selectTab("LIST");
    window.addRow("list_detail");
    expect(window.change([item("list_detail", "price_page_uid", "100021")]).Messages[0]?.Text).toBe(
      "Price page 100021 is already in price book RETAIL.",
    );
  });
});
