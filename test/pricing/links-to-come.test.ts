import { afterEach, describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/index.js";
import type { RunRecord } from "../../src/journal/index.js";
import { linkNaturalKey, linksToCome } from "../../src/pricing/index.js";

const place = { batch: 1, session: 1 };

function page(supplierId: number, productGroupId: string, books?: string[]) {
  return {
    companyId: "ACME",
    supplierId,
    productGroupId,
    description: `Page ${supplierId} ${productGroupId}`,
    effectiveDate: "2027-01-01",
    ...(books === undefined ? {} : { books }),
  };
}

describe("the links an unfinished create or replace will add", () => {
  let journal: Journal | undefined;
  afterEach(() => journal?.close());

  /** A replace with two books by default, its expirations and creates as given. */
  function replaceRun(books: string[]): { journal: Journal; run: RunRecord } {
    journal = Journal.open(":memory:");
    const run = journal.createRun({
      kind: "replace",
      options: { workflow: { kind: "replace", books } },
      inputDigest: "x",
      baseUrl: "http://127.0.0.1:1",
    });
    return { journal, run };
  }

  it("counts each book of each page still to create, and the made pages' links not recorded", () => {
    const { journal, run } = replaceRun(["RETAIL", "DEALER"]);
    const [made] = journal.addItems(run.id, "create", [
      { naturalKey: "a", input: { row: 2, page: page(10010, "ABRAS") } },
      { naturalKey: "b", input: { row: 3, page: page(10010, "ADHES") } },
      { naturalKey: "c", input: { row: 4, page: page(10020, "ABRAS", ["CONTRACT"]) } },
    ]);
    journal.markInFlight(made?.id ?? 0, place);
    journal.settle(made?.id ?? 0, { state: "succeeded", result: { pricePageUid: 100_721 } });
    const recorded = { row: 2, bookId: "RETAIL", pricePageUid: 100_721 };
    journal.addItems(run.id, "link", [{ naturalKey: linkNaturalKey(recorded), input: recorded }]);

    // The made page's DEALER link (its RETAIL one is recorded), two for b, one for c.
    expect(linksToCome(journal, journal.getRun(run.id) as RunRecord)).toBe(4);
  });

  it("leaves out the pages held back because their old page could not be expired", () => {
    const { journal, run } = replaceRun(["RETAIL"]);
    const [expiry] = journal.addItems(run.id, "expire", [
      {
        naturalKey: "100021",
        input: {
          pricePageUid: 100_021,
          expirationDate: "2026-12-31",
          supplierId: 10010,
          productGroupId: "ABRAS",
        },
      },
    ]);
    journal.addItems(run.id, "create", [
      { naturalKey: "a", input: { row: 2, page: page(10010, "ABRAS") } },
      { naturalKey: "b", input: { row: 3, page: page(10010, "ADHES") } },
    ]);
    journal.markInFlight(expiry?.id ?? 0, place);
    journal.settle(expiry?.id ?? 0, { state: "failed", errorCode: "P21_SERVER_REFUSED" });

    expect(linksToCome(journal, journal.getRun(run.id) as RunRecord)).toBe(1);
  });

  it("is none for a finished run", () => {
    const { journal, run } = replaceRun(["RETAIL"]);
    journal.addItems(run.id, "create", [
      { naturalKey: "a", input: { row: 2, page: page(10010, "ABRAS") } },
    ]);
    journal.setRunState(run.id, "completed");

    expect(linksToCome(journal, journal.getRun(run.id) as RunRecord)).toBe(0);
  });
});
