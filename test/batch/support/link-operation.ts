import type { P21Client, Result } from "../../../src/client/index.js";
import type { GroupOperation } from "../../../src/batch/index.js";
import { RecordRefusedError } from "../../../src/batch/index.js";

/** One page to link to one price book. */
export interface TestLink {
  bookId: string;
  pricePageUid: number;
}

export interface TestLinkOutput {
  linked: true;
}

function describe(link: TestLink): string {
  return `link of page ${link.pricePageUid} to price book ${link.bookId}`;
}

function refuseUnlessOk(result: Result, what: string): void {
  if (!result.ok) throw new RecordRefusedError(what, result);
}

/** Links pages to a book: one SalesPriceBook load, a row per page, one save. */
export const testLinkOperation: GroupOperation<TestLink, TestLinkOutput> = {
  kind: "group",
  name: "test.price-book.link",
  service: "SalesPriceBook",
  naturalKey: (link) => `${link.bookId}:${link.pricePageUid}`,
  describe,
  groupKey: (link) => link.bookId,
  async runGroup(window, links, context) {
    const call = { signal: context.signal };
    const bookId = links[0]?.bookId ?? "";
    refuseUnlessOk(
      await window.change("FORM", "form", "price_book_id", bookId, call),
      `load of book ${bookId}`,
    );
    refuseUnlessOk(await window.selectTab("LIST", call), `LIST tab of book ${bookId}`);

    for (const link of links) {
      await window.addRow("list_detail", call);
      refuseUnlessOk(
        await window.change(
          "LIST",
          "list_detail",
          "price_page_uid",
          String(link.pricePageUid),
          call,
        ),
        describe(link),
      );
    }

    refuseUnlessOk(await context.settleDialogs(await window.save(call)), `save of book ${bookId}`);

    return links.map(() => ({ linked: true as const }));
  },
  async reconcile(client: P21Client, links, context) {
    const bookId = links[0]?.bookId ?? "";
    const rows = await client.odata.queryAll("price_book_x_page", {
      filter: { price_book_id: bookId },
      signal: context.signal,
    });
    const linked = new Set(rows.map((row) => Number(row.price_page_uid)));

    return links.map((link) =>
      linked.has(link.pricePageUid) ? { linked: true as const } : undefined,
    );
  },
};
