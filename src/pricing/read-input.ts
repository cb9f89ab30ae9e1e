import { closest } from "./closest.js";
import { readCalendarDate } from "./dates.js";
import { NaturalKeyIndex } from "./input/key-index.js";
import { overlappingPageProblems } from "./page-overlaps.js";
import type { PageSetProblems } from "./page-overlaps.js";
import { readTable } from "./input/table.js";
import type { TableFormat, TableLayout, TableRecord, TableSummary } from "./input/table.js";
import { expirationNaturalKey, linkNaturalKey, pageNaturalKey } from "./natural-keys.js";
import { PAGE_COLUMNS, REQUIRED_PAGE_COLUMNS, validatePageRecord } from "./page-record.js";
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
import type { RecordCells } from "./record-check.js";

/** Columns every reader skips: `error` is the column p21kit adds to `errors.csv`. */
export const IGNORED_COLUMNS: readonly string[] = ["error"];

/** Problems a reading keeps by default; the rest are only counted. */
export const DEFAULT_PROBLEM_LIMIT = 1_000;

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
  /** The file itself could not be read (missing, a directory, not allowed): no row was. */
  readonly unreadable: boolean;
}

interface InputKind<T> {
  readonly columns: readonly string[];
  /** Problems of a CSV header (row 1) given its columns. */
  headerProblems(columns: ReadonlySet<string>): ColumnProblem[];
  validate(
    cells: RecordCells,
    columns: ReadonlySet<string>,
    failedColumns: ReadonlySet<string>,
  ): { row?: T; problems: ColumnProblem[] };
  key(row: T): string;
  duplicate(earlierRow: number): string;
}

const unreadableReasons: Partial<Record<string, string>> = {
  ENOENT: "no such file",
  EISDIR: "it is a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "a part of the path is a file, not a directory",
  ELOOP: "too many symbolic links on the path",
  ENAMETOOLONG: "the name is too long",
  EIO: "the system could not read it",
};

/** The code of an error the file system raised (an errno error), or undefined. */
function fileSystemCode(error: unknown): string | undefined {
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };

  return typeof code === "string" && typeof syscall === "string" ? code : undefined;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A cell a spreadsheet would run as a formula: =, +, - or @ first, and not a number. */
export function looksLikeFormula(text: string): boolean {
  // Every cell of a file is asked: the first character decides for nearly all of them.
  const first = text.charCodeAt(0);
  const formulaStart = first === 0x3d || first === 0x2b || first === 0x2d || first === 0x40;
  return formulaStart && !NUMBER.test(text);
}

async function readInput<T>(
  path: string,
  kind: InputKind<T>,
  options: ReadInputOptions,
  extraProblems: (problems: ProblemList) => void = () => undefined,
): Promise<InputReading<T>> {
  const file = options.displayName ?? path;
  const problems = new ProblemList(file, options.problemLimit ?? DEFAULT_PROBLEM_LIMIT);
  extraProblems(problems);
  const known = new Set(kind.columns);
  const ignored = new Set(IGNORED_COLUMNS);
  const rows: InputRow<T>[] = [];
  const firstRowOfKey = new NaturalKeyIndex((index) =>
    kind.key((rows[index] as InputRow<T>).value),
  );
  let recordColumns: ReadonlySet<string> = known;

  const header = (columns: readonly string[], layout: TableLayout): void => {
    const seen = new Set<string>();
    columns.forEach((column) => {
      const row = layout.format === "json" ? (layout.firstRows.get(column) ?? 1) : 1;
      if (column === "") {
        // An unnamed column is refused only where a row fills it (see readCsvTable and
        // readJsonTable): spreadsheets leave such columns, empty, after the last one used.
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

  // One visitor for every cell of the file rather than a closure per record; it checks the
  // cells of `current`. Most records have no failed cell: theirs serve until a formula is found.
  let current: TableRecord | undefined;
  let formulaColumns: Set<string> | undefined;
  const checkFormula = (text: string, column: string): void => {
    if (current === undefined || !known.has(column) || !looksLikeFormula(text)) {
      return;
    }

    problems.add(
      current.row,
      column,
      `${quoted(text)} looks like a spreadsheet formula (it starts with "${text[0] ?? ""}"); p21kit does not send formulas`,
    );
    formulaColumns ??= new Set(current.failedColumns);
    formulaColumns.add(column);
  };

  const record = (tableRecord: TableRecord): void => {
    current = tableRecord;
    formulaColumns = undefined;
    tableRecord.cells.forEach(checkFormula);
    const failedColumns = formulaColumns ?? tableRecord.failedColumns;
    const result = kind.validate(tableRecord.cells, recordColumns, failedColumns);
    for (const problem of result.problems) {
      problems.add(tableRecord.row, problem.column, problem.message);
    }

    if (result.row === undefined || failedColumns.size > 0) {
      // A cell with a problem of its own (encoding, formula) fails the row too.
      return;
    }

    const earlier = firstRowOfKey.findOrAdd(kind.key(result.row), rows.length);
    if (earlier !== undefined) {
      problems.add(tableRecord.row, undefined, kind.duplicate(rows[earlier]?.row ?? 0));
      return;
    }

    rows.push({ row: tableRecord.row, value: result.row });
  };

  let summary: TableSummary;
  let unreadable = false;
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
    const code = fileSystemCode(error);
    if (code === undefined) throw error;

    const reason = unreadableReasons[code] ?? "the system refused to read it";
    problems.add(1, undefined, `cannot read the file (${code}): ${reason}`);
    unreadable = true;
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
    unreadable,
  };
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
    validate: (cells, columns, failedColumns) =>
      validatePageRecord(cells, { columns, failedColumns, company }),
    key: pageNaturalKey,
    duplicate: (earlier) =>
      `duplicate of row ${earlier}: the same supplier, group, description and effective date`,
  };

  const reading = await readInput(path, kind, options, (problems) => {
    if (company !== undefined && company.length > 8) {
      problems.add(1, undefined, `--company ${quoted(company)} is longer than 8 characters`);
    }
  });

  // The valid rows taken together: pages of one supplier and group over the same dates.
  const limit = options.problemLimit ?? DEFAULT_PROBLEM_LIMIT;

  return withRowProblems(reading, overlappingPageProblems(reading.rows, limit), limit);
}

/**
 * `reading` with more problems of its rows (found by looking at them together), in file order
 * with the others and within the same limit; `reading` itself when there are none.
 */
export function withRowProblems<T>(
  reading: InputReading<T>,
  found: PageSetProblems,
  problemLimit = DEFAULT_PROBLEM_LIMIT,
): InputReading<T> {
  if (found.count === 0) return reading;

  const sorted = sortProblems(
    [...reading.problems, ...found.problems.map((problem) => ({ file: reading.file, ...problem }))],
    reading.columns,
  );
  const kept = sorted.slice(0, problemLimit);
  const notBuilt = found.count - found.problems.length;

  return {
    ...reading,
    problems: kept,
    omitted: reading.omitted + sorted.length - kept.length + notBuilt,
    ok: false,
  };
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
    validate: (cells, columns, failedColumns) =>
      validateExpirationRecord(cells, {
        columns,
        failedColumns,
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
    validate: (cells, columns, failedColumns) =>
      validateLinkRecord(cells, { columns, failedColumns }),
    key: linkNaturalKey,
    duplicate: (earlier) =>
      `duplicate of row ${earlier}: the same price_book_id and price_page_uid`,
  };

  return readInput(path, kind, options);
}
