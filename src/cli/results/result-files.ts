import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { ItemRecord, Journal, RunRecord } from "../../journal/index.js";
import { PAGE_COLUMNS } from "../../pricing/page-record.js";
import { BOOK_SEPARATOR } from "../../pricing/cells.js";
import { csvFile, csvLine } from "./csv.js";
import { pageToColumns } from "./input-columns.js";
import { replaceFiles } from "./replace-files.js";
import {
  bookIdOf,
  expirationDateOf,
  inputRowOf,
  pageOf,
  phaseKind,
  pricePageUidOf,
  replacedByOf,
} from "./item-view.js";

/** Where a run's result files were written. */
export interface ResultFiles {
  readonly directory: string;
  readonly results: string;
  readonly errors: string;
  readonly summary: string;
  /** Rows written to errors.csv. */
  readonly errorRows: number;
}

function errorText(item: ItemRecord): string {
  if (item.state === "failed") {
    return item.errorMessage ?? item.errorCode ?? "failed";
  }

  if (item.state === "pending" || item.state === "in_flight") return `not finished (${item.state})`;
  return "";
}

/**
 * The input row of each item; an old page that a replace found itself (`--old auto`) has none
 * of its own and takes the row of the new page that replaces it.
 */
function inputRows(items: readonly ItemRecord[]): Map<number, number> {
  const rowByPage = new Map<string, number>();
  for (const item of items) {
    const row = phaseKind(item.phase) === "create" ? inputRowOf(item) : undefined;
    if (row !== undefined) rowByPage.set(item.naturalKey, row);
  }

  const rows = new Map<number, number>();
  for (const item of items) {
    const replacedBy = replacedByOf(item);
    const row =
      inputRowOf(item) ?? (replacedBy === undefined ? undefined : rowByPage.get(replacedBy));
    if (row !== undefined) rows.set(item.id, row);
  }

  return rows;
}

function resultsCsv(items: readonly ItemRecord[]): string {
  const lines = [
    csvLine(["input_row", "phase", "natural_key", "status", "uid", "attempts", "error"]),
  ];
  const rows = inputRows(items);
  for (const item of items) {
    lines.push(
      csvLine([
        rows.get(item.id) ?? "",
        item.phase,
        item.naturalKey,
        item.state,
        pricePageUidOf(item) ?? "",
        item.attempts,
        item.state === "failed" && item.errorCode !== undefined
          ? `${item.errorCode}: ${errorText(item)}`
          : errorText(item),
      ]),
    );
  }

  return csvFile(lines);
}

function unfinishedOrFailed(item: ItemRecord): boolean {
  return item.state === "failed";
}

/**
 * The failed records in the shape of the run's own input, plus an `error` column that the
 * readers ignore, so the file can be given to a new run as it is:
 *
 * - expire runs: `price_page_uid, expiration_date`;
 * - link runs: `price_book_id, price_page_uid`;
 * - create and replace runs: the page rows whose create failed, and the page rows of failed
 *   links with `books` narrowed to the books that failed. A failed expiration of an old page
 *   has no page row: it is in results.csv, and `p21kit retry-failed` retries it.
 */
function errorsCsv(run: RunRecord, items: readonly ItemRecord[]): { text: string; rows: number } {
  const failed = items.filter(unfinishedOrFailed);

  if (run.kind === "expire") {
    const lines = [csvLine(["price_page_uid", "expiration_date", "error"])];
    for (const item of failed) {
      lines.push(
        csvLine([pricePageUidOf(item) ?? "", expirationDateOf(item) ?? "", errorText(item)]),
      );
    }

    return { text: csvFile(lines), rows: failed.length };
  }

  if (run.kind === "link") {
    const lines = [csvLine(["price_book_id", "price_page_uid", "error"])];
    for (const item of failed) {
      lines.push(csvLine([bookIdOf(item) ?? "", pricePageUidOf(item) ?? "", errorText(item)]));
    }

    return { text: csvFile(lines), rows: failed.length };
  }

  const createByUid = new Map<number, ItemRecord>();
  for (const item of items) {
    const uid = phaseKind(item.phase) === "create" ? pricePageUidOf(item) : undefined;
    if (uid !== undefined) createByUid.set(uid, item);
  }

  const rows = new Map<number, { columns: Record<string, string>; errors: string[] }>();
  for (const item of failed) {
    const kind = phaseKind(item.phase);
    if (kind === "create") {
      const page = pageOf(item);
      if (page !== undefined)
        rows.set(item.id, { columns: pageToColumns(page), errors: [errorText(item)] });
      continue;
    }

    if (kind !== "link") continue;
    const uid = pricePageUidOf(item);
    const creator = uid === undefined ? undefined : createByUid.get(uid);
    const page = creator === undefined ? undefined : pageOf(creator);
    if (creator === undefined || page === undefined) continue;

    const entry = rows.get(creator.id) ?? {
      columns: { ...pageToColumns(page), books: "" },
      errors: [],
    };
    const book = bookIdOf(item);
    if (book !== undefined) {
      const books =
        entry.columns.books === "" ? [] : (entry.columns.books ?? "").split(BOOK_SEPARATOR);
      entry.columns.books = [...books, book].join(BOOK_SEPARATOR);
    }

    entry.errors.push(`${book ?? "link"}: ${errorText(item)}`);
    rows.set(creator.id, entry);
  }

  const used = new Set<string>();
  for (const { columns } of rows.values()) {
    for (const [column, value] of Object.entries(columns)) if (value !== "") used.add(column);
  }

  const header = PAGE_COLUMNS.filter((column) => used.has(column));
  if (header.length === 0)
    header.push("supplier_id", "description", "effective_date", "calculation_value1");
  const lines = [csvLine([...header, "error"])];
  for (const { columns, errors } of rows.values()) {
    lines.push(csvLine([...header.map((column) => columns[column] ?? ""), errors.join("; ")]));
  }

  return { text: csvFile(lines), rows: rows.size };
}

/**
 * Writes results.csv (every item: input row, natural key, status, uid, attempts, error),
 * errors.csv (the failed records, valid input for a new run) and summary.json, as one set: a
 * failure leaves an earlier run's files in the directory as they were.
 */
export async function writeResultFiles(
  journal: Journal,
  run: RunRecord,
  directory: string,
  summary: Record<string, unknown>,
): Promise<ResultFiles> {
  await mkdir(directory, { recursive: true });
  const items = journal.items(run.id);
  const files = {
    directory,
    results: join(directory, "results.csv"),
    errors: join(directory, "errors.csv"),
    summary: join(directory, "summary.json"),
  };

  const errors = errorsCsv(run, items);
  await replaceFiles([
    { path: files.results, text: resultsCsv(items) },
    { path: files.errors, text: errors.text },
    { path: files.summary, text: `${JSON.stringify(summary, null, 2)}\n` },
  ]);

  return { ...files, errorRows: errors.rows };
}
