import { demoDates, writeDemoInput } from "../src/cli/demo/demo-input.js";
import type { PricePageRow, WorkflowSummary } from "../src/pricing/index.js";
import { readPricePageFile } from "../src/pricing/read-input.js";
import { DEMO } from "../src/simulator/index.js";

/** What a replace run should have left on the server. */
export interface ReplaceExpectation {
  /** The pages the run was asked to create. */
  pages: readonly PricePageRow[];
  /** uids of the active pages the new ones replace. */
  oldPageUids: readonly number[];
  expireDate: string;
}

/** The demo's replace input, written to a file, and what a run of it should leave. */
export interface DemoReplaceInput {
  file: string;
  /** sha256 of the file. */
  digest: string;
  /** Its rows in the input's order (`inputRows` of a workflow spec). */
  inputRows: number[];
  expectation: ReplaceExpectation;
}

/** The active pages the new ones replace: same supplier and group. */
export function oldPageUids(
  rows: readonly Record<string, unknown>[],
  pages: readonly PricePageRow[],
): number[] {
  const pairs = new Set(pages.map((page) => `${page.supplierId}|${page.productGroupId ?? ""}`));
  return rows
    .filter(
      (row) =>
        row.row_status_flag === 704 &&
        pairs.has(`${String(row.supplier_id)}|${String(row.product_group_id)}`),
    )
    .map((row) => row.price_page_uid)
    .filter((uid): uid is number => typeof uid === "number");
}

/**
 * Writes the demo's replace of `count` pages into `directory` (next year's pages for the first
 * `count` active pairs of `startRows`, each supplier's to one of the demo's books) and reads it
 * back as the command line would.
 */
export async function writeDemoReplace(
  directory: string,
  startRows: readonly Record<string, unknown>[],
  count: number,
): Promise<DemoReplaceInput> {
  const dates = demoDates(new Date());
  const written = await writeDemoInput(directory, startRows, count, dates, DEMO.bookIds);
  const reading = await readPricePageFile(written.file);
  if (!reading.ok) throw new Error(`the demo input is invalid: ${reading.problems[0]?.message}`);
  const pages = reading.rows.map((row) => row.value);

  return {
    file: written.file,
    digest: reading.digest,
    inputRows: reading.rows.map((row) => row.row),
    expectation: {
      pages,
      oldPageUids: oldPageUids(startRows, pages),
      expireDate: dates.expireDate,
    },
  };
}

/** The command line of that replace: `p21kit price-pages replace FILE …` on `sessions`. */
export function demoReplaceArguments(input: DemoReplaceInput, sessions: number): string[] {
  return [
    "price-pages",
    "replace",
    input.file,
    "--expire-date",
    input.expectation.expireDate,
    "--sessions",
    String(sessions),
  ];
}

function text(value: unknown): string {
  return typeof value === "string" ? value : String(value);
}

function pageKey(row: {
  supplierId: unknown;
  productGroupId: unknown;
  description: unknown;
  effectiveDate: unknown;
}): string {
  return [
    text(row.supplierId),
    text(row.productGroupId).toUpperCase(),
    text(row.description),
    text(row.effectiveDate).slice(0, 10),
  ].join("|");
}

/**
 * Checks, from the simulator's own tables (`price_page`, `price_book_x_page`), that a replace run did exactly its job: no natural
 * key of a page twice, every new page active once, every old page expired, every new page in
 * each of its books once, and a summary without failures. Returns the problems found (none = sane).
 */
export function replaceProblems(
  tables: {
    pricePages: readonly Record<string, unknown>[];
    bookLinks: readonly Record<string, unknown>[];
  },
  expected: ReplaceExpectation,
  summary: WorkflowSummary,
): string[] {
  const problems: string[] = [];
  const pageRows = tables.pricePages;
  const seenKeys = new Map<string, number>();
  for (const row of pageRows) {
    const key = pageKey({
      supplierId: row.supplier_id,
      productGroupId: row.product_group_id ?? row.discount_group_id,
      description: row.description,
      effectiveDate: row.effective_date,
    });
    seenKeys.set(key, (seenKeys.get(key) ?? 0) + 1);
  }

  const repeated = [...seenKeys].filter(([, count]) => count > 1);
  if (repeated.length > 0) {
    problems.push(`${repeated.length} page natural key(s) twice, e.g. ${repeated[0]?.[0] ?? ""}`);
  }

  const booksByKey = new Map(
    expected.pages.map((page) => [
      pageKey({
        supplierId: page.supplierId,
        productGroupId: page.productGroupId ?? page.discountGroupId,
        description: page.description,
        effectiveDate: page.effectiveDate,
      }),
      page.books ?? [],
    ]),
  );
  const newUids = new Set<number>();
  const expectedLinks = new Set<string>();
  for (const row of pageRows) {
    const key = pageKey({
      supplierId: row.supplier_id,
      productGroupId: row.product_group_id ?? row.discount_group_id,
      description: row.description,
      effectiveDate: row.effective_date,
    });
    const books = booksByKey.get(key);
    if (books === undefined || row.row_status_flag !== 704) continue;
    if (typeof row.price_page_uid !== "number") continue;

    newUids.add(row.price_page_uid);
    for (const book of books) expectedLinks.add(`${book}:${row.price_page_uid}`);
  }

  if (newUids.size !== expected.pages.length) {
    problems.push(`${newUids.size} new active pages, expected ${expected.pages.length}`);
  }

  const oldUids = new Set(expected.oldPageUids);
  const expiredOld = pageRows.filter(
    (row) =>
      typeof row.price_page_uid === "number" &&
      oldUids.has(row.price_page_uid) &&
      text(row.expiration_date).startsWith(expected.expireDate),
  ).length;
  if (expiredOld !== oldUids.size) {
    problems.push(
      `${expiredOld} old pages expire on ${expected.expireDate}, expected ${oldUids.size}`,
    );
  }

  const links = new Map<string, number>();
  for (const row of tables.bookLinks) {
    if (typeof row.price_page_uid !== "number" || !newUids.has(row.price_page_uid)) continue;
    const key = `${text(row.price_book_id)}:${row.price_page_uid}`;
    links.set(key, (links.get(key) ?? 0) + 1);
  }

  const twice = [...links].filter(([, count]) => count > 1).length;
  const missing = [...expectedLinks].filter((key) => !links.has(key)).length;
  const unexpected = [...links.keys()].filter((key) => !expectedLinks.has(key)).length;
  if (twice > 0 || missing > 0 || unexpected > 0 || expectedLinks.size === 0) {
    problems.push(
      `links of the new pages: ${links.size} made, ${expectedLinks.size} expected, ` +
        `${missing} missing, ${unexpected} unexpected, ${twice} twice`,
    );
  }

  if (
    summary.failed > 0 ||
    summary.created !== expected.pages.length ||
    summary.expired !== oldUids.size ||
    summary.linked !== expectedLinks.size
  ) {
    problems.push(
      `summary: ${summary.expired} expired, ${summary.created} created, ${summary.linked} linked, ` +
        `${summary.skipped} skipped, ${summary.failed} failed`,
    );
  }

  return problems;
}
