// The pages and the wait the resume tests share: 30 pages a supplier (10 groups × 3 years).
import type { spawnCli } from "./helpers.js";

const header =
  "supplier_id,product_group_id,company_id,description,effective_date,expiration_date,calculation_value1";
const groups = [
  "ABRAS",
  "ADHES",
  "BEARNG",
  "BELTS",
  "CHAIN",
  "CUTTL",
  "ELECT",
  "FASTN",
  "FILTR",
  "FITNG",
];

export function pagesFor(supplierId: number, tag: string): string {
  const rows = groups.flatMap((group) =>
    [2051, 2052, 2053].map(
      (year) =>
        `${supplierId},${group},ACME,${tag} ${group} ${year},${year}-01-01,${year}-12-31,0.6`,
    ),
  );
  return [header, ...rows].join("\r\n") + "\r\n";
}

/** Waits until the child has printed `count` record-settled events on stdout. */
export function afterSettled(child: ReturnType<typeof spawnCli>, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += (chunk.toString("utf8").match(/"type":"record-settled"/g) ?? []).length;
      if (seen >= count) resolve();
    });
  });
}
