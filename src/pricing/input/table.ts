import { createHash } from "node:crypto";
import { extname } from "node:path";
import { CsvLayout, trimmedTexts } from "./csv-cells.js";
import { CsvParser } from "./csv-parser.js";
import type { CsvRecord, CsvSyntaxProblem } from "./csv-parser.js";
import { fileChunks } from "./file-chunks.js";
import { quoted } from "../problems.js";
import type { ProblemList } from "../problems.js";
import type { RecordCells } from "../record-check.js";
import { readJsonTable } from "./json-table.js";

/** The non-empty cells of one record by column name (lower case), their text trimmed. */
export interface TableCells extends RecordCells {
  /** Each non-empty cell, in the file's order (a `Map` of column → text is one). */
  forEach(visit: (text: string, column: string) => void): void;
}

/** A record of an input table: its row number and its cells by column, trimmed. */
export interface TableRecord {
  readonly row: number;
  readonly cells: TableCells;
  /** Columns whose cell already has a problem (bad encoding, wrong JSON type). */
  readonly failedColumns: ReadonlySet<string>;
}

/** Receives a table as it is read: the header once (CSV only), then each record. */
export interface TableSink {
  /**
   * The column names (trimmed, lower case): a CSV file's header (row 1), or every key of a JSON
   * file's objects with the first row that has it (each JSON object stands alone).
   */
  header(columns: readonly string[], layout: TableLayout): void;
  record(record: TableRecord): void;
}

export type TableFormat = "csv" | "json";

/** How the columns of a table came about. */
export type TableLayout =
  | { readonly format: "csv" }
  | { readonly format: "json"; readonly firstRows: ReadonlyMap<string, number> };

/** What reading a table found out about the file itself. */
export interface TableSummary {
  readonly format: TableFormat;
  /** sha256 of the file's bytes. */
  readonly digest: string;
  /** The column names, in header order (CSV) or first-seen order (JSON). */
  readonly columns: readonly string[];
  /** Records seen, blank ones excluded. */
  readonly records: number;
}

/** `json` for a `.json` file, else `csv`. */
export function tableFormatOf(path: string): TableFormat {
  return extname(path).toLowerCase() === ".json" ? "json" : "csv";
}

/**
 * Reads a CSV or JSON table and hands it to `sink` record by record. Problems with the file
 * itself (encoding, quoting, separators, shape) go to `problems`; the sink judges the values.
 * CSV is streamed, so memory stays flat whatever the file's size.
 */
export async function readTable(
  path: string,
  sink: TableSink,
  problems: ProblemList,
  options: { format?: TableFormat; signal?: AbortSignal } = {},
): Promise<TableSummary> {
  const format = options.format ?? tableFormatOf(path);
  return format === "json"
    ? readJsonTable(path, sink, problems, options.signal)
    : readCsvTable(path, sink, problems, options.signal);
}

async function readCsvTable(
  path: string,
  sink: TableSink,
  problems: ProblemList,
  signal: AbortSignal | undefined,
): Promise<TableSummary> {
  const hash = createHash("sha256");
  let layout: CsvLayout | undefined;
  let stopped = false;
  let records = 0;
  let failedCells: { row: number; cells: Set<number> } | undefined;
  /** Problems of the header's cells, held until the header shows it is CSV at all. */
  let heldHeaderProblems: CsvSyntaxProblem[] = [];

  const cellColumn = (cell: number | undefined, row: number): string | undefined => {
    if (cell === undefined || layout === undefined || row === 1) {
      return undefined;
    }

    return layout.columns[cell] ?? `column ${cell + 1}`;
  };

  const onRecord = (record: CsvRecord): void => {
    if (stopped) {
      return;
    }

    if (layout === undefined) {
      const held = heldHeaderProblems;
      heldHeaderProblems = [];
      if (looksLikeJson(record)) {
        // Its quotes would give a problem per key: one line says what is wrong.
        problems.add(1, undefined, JSON_NOT_CSV);
        stopped = true;
        return;
      }

      held.forEach(report);
      const columns = readHeader(record, problems);
      if (columns === undefined) {
        stopped = true;
        return;
      }

      layout = new CsvLayout(columns);
      sink.header(columns, { format: "csv" });
      return;
    }

    const texts = trimmedTexts(record.cells);
    if (texts === undefined) {
      return;
    }

    records += 1;
    const columns = layout.columns;
    if (texts.length !== columns.length) {
      const cells = texts.length === 1 ? "1 cell" : `${texts.length} cells`;
      problems.add(
        record.row,
        undefined,
        `the row has ${cells} but the header has ${columns.length} columns`,
      );
      return;
    }

    for (const cell of layout.unnamedCells) {
      const text = texts[cell];
      if (text !== undefined) {
        problems.add(
          record.row,
          undefined,
          `cell ${cell + 1} holds ${quoted(text)} but its column has no name in the header; name the column or clear the cell`,
        );
      }
    }

    let failedColumns: ReadonlySet<string> = NO_COLUMNS;
    if (failedCells !== undefined && failedCells.row === record.row) {
      const failed = new Set<string>();
      for (const cell of failedCells.cells) {
        const column = columns[cell];
        if (column !== undefined) {
          failed.add(column);
        }
      }

      failedColumns = failed;
    }

    failedCells = undefined;
    sink.record({ row: record.row, cells: layout.cellsOf(texts), failedColumns });
  };

  const report = (problem: CsvSyntaxProblem): void => {
    if (problem.cell !== undefined) {
      if (failedCells?.row !== problem.row) {
        failedCells = { row: problem.row, cells: new Set() };
      }

      failedCells.cells.add(problem.cell);
    }

    const column = cellColumn(problem.cell, problem.row);
    const where =
      problem.row === 1 && problem.cell !== undefined ? `header cell ${problem.cell + 1}: ` : "";
    problems.add(problem.row, column, `${where}${problem.message}`);
  };

  const parser = new CsvParser({
    record: onRecord,
    problem: (problem) => {
      if (stopped) {
        return;
      }

      if (layout === undefined && problem.cell !== undefined) {
        heldHeaderProblems.push(problem);
        return;
      }

      report(problem);
    },
  });

  for await (const chunk of fileChunks(path, signal)) {
    hash.update(chunk);
    parser.push(chunk);
  }

  parser.end();
  const columns = layout?.columns;
  if (columns === undefined && !stopped && !parser.unreadableFile) {
    problems.add(
      1,
      undefined,
      parser.contentBytes === 0
        ? "the file is empty: expected a header line with the column names"
        : "the file holds no header line with the column names",
    );
  } else if (columns !== undefined && records === 0) {
    problems.add(1, undefined, "the file has a header but no rows");
  }

  return { format: "csv", digest: hash.digest("hex"), columns: columns ?? [], records };
}

/** The failed columns of the many records without one: one set for all of them. */
const NO_COLUMNS: ReadonlySet<string> = new Set();

const JSON_NOT_CSV =
  "the file holds JSON, not CSV: give it the .json extension (p21kit reads JSON as one array of objects, not one object per line)";

/** Whether a file's first record is the start of JSON rather than a CSV header. */
function looksLikeJson(record: CsvRecord): boolean {
  const first = record.cells[0]?.trimStart() ?? "";
  return first.startsWith("[") || first.startsWith("{");
}

/** Reads the header record; undefined when the file cannot be read as comma-separated. */
function readHeader(record: CsvRecord, problems: ProblemList): string[] | undefined {
  const columns = record.cells.map((cell) => cell.trim().toLowerCase());
  if (columns.every((column) => column === "")) {
    problems.add(record.row, undefined, "the header line is empty: expected the column names");
    return undefined;
  }

  if (columns.length === 1) {
    const only = columns[0] ?? "";
    for (const [separator, name] of [
      [";", "semicolons"],
      ["\t", "tabs"],
    ] as const) {
      if (only.includes(separator)) {
        problems.add(
          record.row,
          undefined,
          `the file is separated by ${name}, not commas; save it as "CSV UTF-8 (Comma delimited)" or replace the separators with commas`,
        );
        return undefined;
      }
    }
  }

  return columns;
}
