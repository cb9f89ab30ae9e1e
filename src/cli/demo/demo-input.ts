import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { csvLine } from "../results/csv.js";

/** One active page of the demo data, as the simulator's table holds it. */
interface ActivePage {
  supplierId: number;
  productGroupId: string;
  companyId: string;
  description: string;
  multiplier: number;
}

function activePages(rows: readonly Record<string, unknown>[]): ActivePage[] {
  const pages: ActivePage[] = [];
  for (const row of rows) {
    if (row.row_status_flag !== 704) continue;
    if (typeof row.supplier_id !== "number" || typeof row.product_group_id !== "string") continue;
    pages.push({
      supplierId: row.supplier_id,
      productGroupId: row.product_group_id,
      companyId: typeof row.company_id === "string" ? row.company_id : "",
      description: typeof row.description === "string" ? row.description : "",
      multiplier: typeof row.calculation_value1 === "number" ? row.calculation_value1 : 0.5,
    });
  }

  return pages.sort(
    (left, right) =>
      left.supplierId - right.supplierId || left.productGroupId.localeCompare(right.productGroupId),
  );
}

/** The dates of the demo's price update: next year's price list, and the old one ends today's year. */
export function demoDates(today: Date): {
  effectiveDate: string;
  expirationDate: string;
  expireDate: string;
} {
  const year = today.getUTCFullYear();
  return {
    effectiveDate: `${year + 1}-01-01`,
    expirationDate: `${year + 1}-12-31`,
    expireDate: `${year}-12-31`,
  };
}

/**
 * Writes the replace input of the demo: one new page for each active supplier/product group
 * page (the first `pages` of them), with a 3 % higher multiplier, for next year. Each
 * supplier's pages go to one of `books` in turn (its `books` column), as in the production
 * run the timing table comes from, where a page's 2.5 s include linking it to its book.
 * Returns the file, how many suppliers it covers and how many links it asks for.
 */
export async function writeDemoInput(
  directory: string,
  pricePageRows: readonly Record<string, unknown>[],
  pages: number,
  dates: { effectiveDate: string; expirationDate: string },
  books: readonly string[],
): Promise<{ file: string; pages: number; suppliers: number; links: number }> {
  const chosen = activePages(pricePageRows).slice(0, pages);
  const supplierOrder = [...new Set(chosen.map((page) => page.supplierId))];
  const bookOf = (supplierId: number) =>
    books.length === 0 ? "" : (books[supplierOrder.indexOf(supplierId) % books.length] ?? "");
  const year = dates.effectiveDate.slice(0, 4);
  const lines = [
    csvLine([
      "company_id",
      "supplier_id",
      "product_group_id",
      "description",
      "effective_date",
      "expiration_date",
      "calculation_value1",
      "books",
    ]),
  ];
  for (const page of chosen) {
    const description = /\b\d{4}$/.test(page.description)
      ? page.description.replace(/\d{4}$/, year)
      : `${page.description} ${year}`.slice(0, 40);
    lines.push(
      csvLine([
        page.companyId,
        page.supplierId,
        page.productGroupId,
        description,
        dates.effectiveDate,
        dates.expirationDate,
        String(Math.round(page.multiplier * 1.03 * 10_000) / 10_000),
        bookOf(page.supplierId),
      ]),
    );
  }

  const file = join(directory, "demo-pages.csv");
  await writeFile(file, lines.join(""));
  return {
    file,
    pages: chosen.length,
    suppliers: supplierOrder.length,
    links: books.length === 0 ? 0 : chosen.length,
  };
}
