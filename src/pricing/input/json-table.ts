import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { ColumnInterner } from "./column-interner.js";
import type { ProblemList } from "../problems.js";
import { scanJsonLayout } from "./json-layout.js";
import type { TableSink, TableSummary } from "./table.js";

/** A JSON key as a column: blanks around it dropped, case folded. */
function foldKey(key: string): string {
  return key.trim().toLowerCase();
}

/** Reads a JSON table (one array of objects) and hands it to `sink`; see `readTable`. */
// Known limit: a JSON file is read and parsed whole (JSON.parse), so its memory grows with
// the file; CSV is streamed. For 100,000 rows and more, prefer CSV.
export async function readJsonTable(
  path: string,
  sink: TableSink,
  problems: ProblemList,
  signal: AbortSignal | undefined,
): Promise<TableSummary> {
  const bytes = await readFile(path, { signal });
  const digest = createHash("sha256").update(bytes).digest("hex");
  const summary = (columns: string[], records: number): TableSummary => ({
    format: "json",
    digest,
    columns,
    records,
  });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    problems.add(1, undefined, "the file is not valid UTF-8; save it as UTF-8");
    return summary([], 0);
  }

  if (text.trim() === "") {
    problems.add(1, undefined, "the file is empty: expected a JSON array of objects");
    return summary([], 0);
  }

  const layout = scanJsonLayout(text, foldKey);
  if (layout.error !== undefined) {
    const { line, column, message } = layout.error;
    problems.add(
      line,
      undefined,
      `the file is not valid JSON: ${message} (line ${line}, column ${column})`,
    );
    return summary([], 0);
  }

  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    problems.add(1, undefined, `the file is not valid JSON: ${reason}`);
    return summary([], 0);
  }

  if (!Array.isArray(document)) {
    problems.add(1, undefined, "the file must hold a JSON array of objects, one per row");
    return summary([], 0);
  }

  if (document.length === 0) {
    problems.add(1, undefined, "the array is empty: there are no rows");
    return summary([], 0);
  }

  // A record's row is the line its object starts on, as a CSV record's is its first line;
  // when objects share a line (a file written on one line), a line names none of them, and
  // every record's row is its place in the array.
  const lines = layout.elementLines;
  const linesShared = new Set(lines).size !== lines.length;
  const rowOf = (index: number): number => (linesShared ? undefined : lines[index]) ?? index + 1;
  const interners = new Map<string, ColumnInterner>();
  const firstRows = new Map<string, number>();
  document.forEach((entry: unknown, index) => {
    if (typeof entry === "object" && entry !== null && !Array.isArray(entry)) {
      for (const key of Object.keys(entry)) {
        const column = foldKey(key);
        // Read where it holds a value, as a CSV column without a name is.
        if (column === "") continue;
        if (!firstRows.has(column)) {
          firstRows.set(column, rowOf(index));
        }
      }
    }
  });
  const columns = [...firstRows.keys()];
  sink.header(columns, { format: "json", firstRows });

  document.forEach((entry: unknown, index) => {
    const row = rowOf(index);
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      problems.add(row, undefined, "expected an object with the row's fields");
      return;
    }

    // JSON.parse keeps the last of a repeated key: the row is refused, as CSV refuses a
    // column named twice.
    for (const key of layout.repeatedKeys.get(index) ?? []) {
      problems.add(row, key, "the key appears twice in this object: keep one");
    }

    const cells = new Map<string, string>();
    const failedColumns = new Set<string>();
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      const column = foldKey(key);
      const cellText = jsonCellText(value);
      if (column === "") {
        // A spreadsheet's empty unnamed columns, converted: ignored while empty, as in CSV.
        if (cellText?.trim() !== "") problems.add(row, undefined, "an object has an empty key");
        continue;
      }

      if (cellText === undefined) {
        const expected = Array.isArray(value)
          ? "text, a number or a list of texts"
          : "text or a number";
        problems.add(row, column, `expected ${expected}, not ${describeJsonValue(value)}`);
        failedColumns.add(column);
        continue;
      }

      const text = cellText.trim();
      if (text !== "") {
        let interner = interners.get(column);
        if (interner === undefined) {
          interner = new ColumnInterner();
          interners.set(column, interner);
        }

        cells.set(column, interner.intern(text));
      }
    }

    sink.record({ row, cells, failedColumns });
  });

  return summary(columns, document.length);
}

/** The text of a JSON value as a cell; a list of strings (for `books`) is joined with `;`. */
function jsonCellText(value: unknown): string | undefined {
  if (value === null) {
    return "";
  }

  if (typeof value === "string") {
    return value;
  }

  if (typeof value === "number") {
    // String() writes 1e-7 for 0.0000001: the cell checks read decimals, not exponents.
    return Number.isInteger(value) || Math.abs(value) >= 1e-6
      ? String(value)
      : value.toFixed(20).replace(/\.?0+$/, "");
  }

  if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
    return value.join(";");
  }

  return undefined;
}

function describeJsonValue(value: unknown): string {
  if (Array.isArray(value)) {
    const item: unknown = value.find((entry) => typeof entry !== "string");
    return `a list holding ${typeof item === "number" ? `the number ${item}` : describeJsonValue(item)}`;
  }

  return typeof value === "boolean" ? `a boolean (${String(value)})` : `an ${typeof value}`;
}
