import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoFixture } from "./demo-fixture.js";
import { activePage } from "./demo-pages.js";
import { ndjson, parseCsv } from "./helpers.js";
import { writePagesCsv } from "./pages-csv.js";

describe("price-pages expire, link and replace --old from files of existing pages, end to end", () => {
  const fixture = demoFixture();
  const { cli } = fixture;

  it("expire and link from their own files", async () => {
    const [target, other] = fixture.simulator
      .rows("price_page")
      .filter((row) => row.supplier_id === 10060 && row.row_status_flag === 704);
    expect(other).toBeDefined();
    const uid = Number(target?.price_page_uid);
    const otherUid = Number(other?.price_page_uid);
    await writeFile(join(fixture.directory, "expire.csv"), `price_page_uid\r\n${uid}\r\n`);
    await writeFile(join(fixture.directory, "expire-2.csv"), `price_page_uid\r\n${otherUid}\r\n`);
    const windowReads = () =>
      fixture.simulator.stats().requests["GET /api/ui/interactive/v2/data"] ?? 0;
    fixture.simulator.resetStats();
    const expired = await cli([
      "price-pages",
      "expire",
      "expire.csv",
      "--expire-date",
      "2030-06-30",
    ]);
    expect(expired.exitCode).toBe(0);
    // Read back through OData by default; from the window with --read-back record.
    expect(windowReads()).toBe(0);
    const byWindow = await cli([
      "price-pages",
      "expire",
      "expire-2.csv",
      "--expire-date",
      "2030-06-30",
      "--read-back",
      "record",
    ]);
    expect(byWindow.exitCode).toBe(0);
    expect(windowReads()).toBe(1);
    for (const expiredUid of [uid, otherUid]) {
      const after = fixture.simulator
        .rows("price_page")
        .find((row) => row.price_page_uid === expiredUid);
      expect(String(after?.expiration_date)).toMatch(/^2030-06-30/);
    }

    await writeFile(
      join(fixture.directory, "links.csv"),
      `price_book_id,price_page_uid\r\nCONTRACT,${uid}\r\n`,
    );
    const linked = await cli(["price-pages", "link", "links.csv"]);
    expect(linked.exitCode).toBe(0);
    expect(
      fixture.simulator
        .rows("price_book_x_page")
        .filter((link) => link.price_page_uid === uid && link.price_book_id === "CONTRACT"),
    ).toHaveLength(1);
  });

  it("replace --old FILE expires the pages of the file, then creates and links the new ones", async () => {
    const uid = Number(activePage(fixture.simulator, 10100, "ABRAS")?.price_page_uid);
    const secondUid = Number(activePage(fixture.simulator, 10100, "ADHES")?.price_page_uid);
    // The old pages in the other order than their new ones: each row is its own file's.
    await writeFile(
      join(fixture.directory, "old.csv"),
      `price_page_uid,expiration_date\r\n${secondUid},2049-12-30\r\n${uid},2049-12-30\r\n`,
    );
    await writePagesCsv(fixture.directory, "new.csv", [
      "10100,ABRAS,ACME,Juniper ABRAS replaced,2050-01-01,2050-12-31,0.6",
      "10100,ADHES,ACME,Juniper ADHES replaced,2050-01-01,2050-12-31,0.6",
    ]);
    const outcome = await cli([
      "price-pages",
      "replace",
      "new.csv",
      "--old",
      "old.csv",
      "--books",
      "RETAIL",
      "--out",
      "out-replace-old",
      "--json",
    ]);
    expect(outcome.exitCode).toBe(0);
    expect(ndjson(outcome.stdout).at(-1)).toMatchObject({
      expired: 2,
      created: 2,
      linked: 2,
      failed: 0,
    });
    const expired = fixture.simulator.rows("price_page").find((row) => row.price_page_uid === uid);
    expect(String(expired?.expiration_date)).toMatch(/^2049-12-30/);

    const results = parseCsv(
      await readFile(join(fixture.directory, "out-replace-old", "results.csv"), "utf8"),
    );
    // input_row, phase, natural_key, …
    const rowOf = (phase: string, key: string) =>
      results.find((line) => line[1] === phase && line[2]?.includes(key) === true)?.[0];
    expect([rowOf("expire", String(secondUid)), rowOf("expire", String(uid))]).toEqual(["2", "3"]);
    expect([rowOf("create", "ABRAS"), rowOf("create", "ADHES")]).toEqual(["2", "3"]);
  });
});
