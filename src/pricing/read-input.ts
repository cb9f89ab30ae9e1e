import { closest } from "./closest.js";
import { readCalendarDate } from "./dates.js";
import { readTable } from "./input/table.js";
import type { TableFormat, TableLayout, TableRecord, TableSummary } from "./input/table.js";
import { expirationNaturalKey, linkNaturalKey, pageNaturalKey } from "./natural-keys.js";
import { PAGE_COLUMNS, REQUIRED_PAGE_COLUMNS, validatePageRecord } from "./page-record.js";
import type { RecordCells } from "./page-record.js";
import type { ColumnProblem, PricePageRow } from "./page-row.js";
import { ProblemList, quoted, sortProblems } from "./problems.js";
import type { InputProblem } from "./problems.js";
import {
  EXPIRATION_COLUMNS,
  LINK_COLUMNS,
  validateExpirationRecord,
  validateLinkRecord,
} from "./secondary-records.js";
import type { ExpirationRow, LinkRow } from "./secondary-records.js";
import { markValidated } from "./workflow/spec-check.js";

/** Columns every reader skips: `error` is the column p21kit adds to `errors.csv`. */
export const IGNORED_COLUMNS: readonly string[] = ["error"];

/** Options shared by the input readers. */
export interface ReadInputOptions {
  /** The file name used in problems. @default the path as given */
  displayName?: string;
  /** @default from the extension: `.json` is JSON, anything else CSV */
  format?: TableFormat;
  /** Problems kept; the rest are only counted (`omitted`). @default 1000 */
  problemLimit?: number;
  signal?: AbortSignal;
}

/** One valid row and the row number it came from. */
export interface InputRow<T> {
  readonly row: number;
  readonly value: T;
}

/** What reading and validating an input file found. Nothing is valid unless `ok`. */
export interface InputReading<T> {
  readonly file: string;
  readonly format: TableFormat;
  /** sha256 of the file's bytes. */
  readonly digest: string;
  readonly columns: readonly string[];
  /** The rows that passed validation, in file order (all of them when `ok`). */
  readonly rows: readonly InputRow<T>[];
  /** Every problem found, in file order (up to the limit). */
  readonly problems: readonly InputProblem[];
  /** Problems past the limit, counted but not kept. */
  readonly omitted: number;
  readonly ok: boolean;
}

interface RecordContext {
  readonly columns: ReadonlySet<string>;
  readonly failedColumns: ReadonlySet<string>;
}

interface InputKind<T> {
  readonly columns: readonly string[];
  /** Problems of a CSV header (row 1) given its columns. */
  headerProblems(columns: ReadonlySet<string>): ColumnProblem[];
  validate(cells: RecordCells, context: RecordContext): { row?: T; problems: ColumnProblem[] };
  key(row: T): string;
  duplicate(earlierRow: number): string;
}

const unreadableReasons: Record<string, string> = {
  ENOENT: "no such file",
  EISDIR: "it is a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
};
const unreadableCodes = new Set(Object.keys(unreadableReasons));

const FORMULA_START = /^[=+\-@]/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A cell a spreadsheet would run as a formula: =, +, - or @ first, and not a number. */
export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.test(text) && !NUMBER.test(text);
}

async function readInput<T>(
  path: string,
  kind: InputKind<T>,
  options: ReadInputOptions,
  extraProblems: (problems: ProblemList) => void = () => undefined,
): Promise<InputReading<T>> {
  const file = options.displayName ?? path;
  const problems = new ProblemList(file, options.problemLimit ?? 1_000);
  extraProblems(problems);
  const known = new Set(kind.columns);
  const ignored = new Set(IGNORED_COLUMNS);
  const rows: InputRow<T>[] = [];
  const firstRowOfKey = new KeyIndex<T>((row) => kind.key(row));
  let recordColumns: ReadonlySet<string> = known;

  const header = (columns: readonly string[], layout: TableLayout): void => {
    const seen = new Set<string>();
    columns.forEach((column, index) => {
      const row = layout.format === "json" ? (layout.firstRows.get(column) ?? 1) : 1;
      if (column === "") {
        problems.add(row, undefined, `header cell ${index + 1} has no column name`);
        return;
      }

      if (seen.has(column)) {
        problems.add(row, column, "the column appears twice in the header");
        return;
      }

      seen.add(column);
      if (!known.has(column) && !ignored.has(column)) {
        const suggestion = closest(column, kind.columns);
        problems.add(
          row,
          column,
          suggestion === undefined
            ? `unknown column ${quoted(column)}: it is not a field p21kit reads`
            : `unknown column ${quoted(column)}; did you mean "${suggestion}"?`,
        );
      }
    });

    if (layout.format === "csv") {
      recordColumns = seen;
      for (const problem of kind.headerProblems(seen)) {
        problems.add(1, problem.column, problem.message);
      }
    }
  };

  const record = (tableRecord: TableRecord): void => {
    const failedColumns = new Set<string>(tableRecord.failedColumns);
    for (const [column, text] of tableRecord.cells) {
      if (known.has(column) && looksLikeFormula(text)) {
        problems.add(
          tableRecord.row,
          column,
          `${quoted(text)} looks like a spreadsheet formula (it starts with "${text[0] ?? ""}"); p21kit does not send formulas`,
        );
        failedColumns.add(column);
      }
    }

    const cells: RecordCells = { get: (column) => tableRecord.cells.get(column) };
    const result = kind.validate(cells, { columns: recordColumns, failedColumns });
    for (const problem of result.problems) {
      problems.add(tableRecord.row, problem.column, problem.message);
    }

    if (result.row === undefined || failedColumns.size > 0) {
      // A cell with a problem of its own (encoding, formula) fails the row too.
      return;
    }

    const key = kind.key(result.row);
    const earlier = firstRowOfKey.rowOf(key, rows);
    if (earlier !== undefined) {
      problems.add(tableRecord.row, undefined, kind.duplicate(earlier));
      return;
    }

    firstRowOfKey.add(key, rows.length);
    markValidated(result.row as object);
    rows.push({ row: tableRecord.row, value: result.row });
  };

  let summary: TableSummary;
  try {
    summary = await readTable(
      path,
      { header, record },
      problems,
      options.format === undefined
        ? { signal: options.signal }
        : { format: options.format, signal: options.signal },
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== "string" || !unreadableCodes.has(code)) {
      throw error;
    }

    problems.add(1, undefined, `cannot read the file (${code}): ${unreadableReasons[code]}`);
    summary = { format: options.format ?? "csv", digest: "", columns: [], records: 0 };
  }

  return {
    file,
    format: summary.format,
    digest: summary.digest,
    columns: summary.columns,
    rows,
    problems: sortProblems(problems.problems, summary.columns),
    omitted: problems.omitted,
    ok: problems.count === 0,
  };
}

/**
 * Which earlier row holds a natural key, keeping a 30-bit hash per row instead of the key
 * itself (100,000 keys as strings would cost ~10 MB); a hash hit is confirmed against the
 * earlier row's own key.
 */
class KeyIndex<T> {
  private readonly byHash = new Map<number, number | number[]>();

  constructor(private readonly keyOf: (row: T) => string) {}

  rowOf(key: string, rows: readonly InputRow<T>[]): number | undefined {
    const found = this.byHash.get(hash(key));
    const indexes = found === undefined ? [] : typeof found === "number" ? [found] : found;
    for (const index of indexes) {
      const earlier = rows[index];
      if (earlier !== undefined && this.keyOf(earlier.value) === key) {
        return earlier.row;
      }
    }

    return undefined;
  }

  add(key: string, index: number): void {
    const code = hash(key);
    const found = this.byHash.get(code);
    if (found === undefined) {
      this.byHash.set(code, index);
    } else if (typeof found === "number") {
      this.byHash.set(code, [found, index]);
    } else {
      found.push(index);
    }
  }
}

/** FNV-1a over the UTF-16 code units, cut to 30 bits (a small integer for V8). */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }

  return value & 0x3fffffff;
}

function missing(column: string, columns: ReadonlySet<string>, note = ""): ColumnProblem[] {
  return columns.has(column) ? [] : [{ column, message: `required column is missing${note}` }];
}

/** Options of {@link readPricePageFile}. */
export interface PricePageInputOptions extends ReadInputOptions {
  /** `--company`: the company of rows without a `company_id`. */
  company?: string;
}

/**
 * Reads and validates a file of price pages to create (CSV or JSON). Every row is checked and
 * every problem reported; pages repeating an earlier row's natural key are refused.
 */
export async function readPricePageFile(
  path: string,
  options: PricePageInputOptions = {},
): Promise<InputReading<PricePageRow>> {
  const company =
    options.company?.trim() === "" ? undefined : options.company?.trim().toUpperCase();
  const kind: InputKind<PricePageRow> = {
    columns: PAGE_COLUMNS,
    headerProblems: (columns) => [
      ...REQUIRED_PAGE_COLUMNS.flatMap((column) => missing(column, columns)),
      ...(columns.has("product_group_id") || columns.has("discount_group_id")
        ? []
        : missing(
            "product_group_id",
            columns,
            ' (or discount_group_id for "Supplier / Discount Group" pages)',
          )),
      ...(company === undefined && !columns.has("company_id")
        ? [{ column: "company_id", message: "the column is missing and no --company was given" }]
        : []),
    ],
    validate: (cells, context) => validatePageRecord(cells, { ...context, company }),
    key: pageNaturalKey,
    duplicate: (earlier) =>
      `duplicate of row ${earlier}: the same supplier, group, description and effective date`,
  };

  return readInput(path, kind, options, (problems) => {
    if (company !== undefined && company.length > 8) {
      problems.add(1, undefined, `--company ${quoted(company)} is longer than 8 characters`);
    }
  });
}

/** Options of {@link readExpirationFile}. */
export interface ExpirationInputOptions extends ReadInputOptions {
  /** `--expire-date`: the expiration date of rows without one. */
  expireDate?: string;
}

/** Reads and validates a file of pages to expire: `price_page_uid`, optional `expiration_date`. */
export async function readExpirationFile(
  path: string,
  options: ExpirationInputOptions = {},
): Promise<InputReading<ExpirationRow>> {
  const expireDate = options.expireDate;
  const dateReading = expireDate === undefined ? undefined : readCalendarDate(expireDate);
  const kind: InputKind<ExpirationRow> = {
    columns: EXPIRATION_COLUMNS,
    headerProblems: (columns) => [
      ...missing("price_page_uid", columns),
      ...(expireDate === undefined && !columns.has("expiration_date")
        ? [
            {
              column: "expiration_date",
              message: "the column is missing and no --expire-date was given",
            },
          ]
        : []),
    ],
    validate: (cells, context) =>
      validateExpirationRecord(cells, {
        ...context,
        expireDate: dateReading?.ok === true ? expireDate : undefined,
      }),
    key: expirationNaturalKey,
    duplicate: (earlier) => `duplicate of row ${earlier}: the same price_page_uid`,
  };

  return readInput(path, kind, options, (problems) => {
    if (dateReading !== undefined && !dateReading.ok) {
      problems.add(1, undefined, `--expire-date: ${dateReading.message}`);
    }
  });
}

/** Reads and validates a file of links to make: `price_book_id`, `price_page_uid`. */
export async function readLinkFile(
  path: string,
  options: ReadInputOptions = {},
): Promise<InputReading<LinkRow>> {
  const kind: InputKind<LinkRow> = {
    columns: LINK_COLUMNS,
    headerProblems: (columns) => [
      ...missing("price_book_id", columns),
      ...missing("price_page_uid", columns),
    ],
    validate: validateLinkRecord,
    key: linkNaturalKey,
    duplicate: (earlier) =>
      `duplicate of row ${earlier}: the same price_book_id and price_page_uid`,
  };

  return readInput(path, kind, options);
}
