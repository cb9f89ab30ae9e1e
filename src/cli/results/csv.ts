const numberPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const formulaStart = /^[=+\-@\t\r]/;

/**
 * Makes a cell safe to open in a spreadsheet: text that starts with `=`, `+`, `-`, `@`, a tab
 * or a carriage return is prefixed with `'`, so Excel and LibreOffice show it instead of
 * evaluating it. Plain numbers ("-1.5") are left as they are, so a file stays valid input.
 */
export function escapeFormula(cell: string): string {
  if (!formulaStart.test(cell) || numberPattern.test(cell)) return cell;
  return `'${cell}`;
}

/** One RFC 4180 field: quoted when it holds a comma, a quote or a line break. */
export function quoteCsvField(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** Turns any value into the text of a cell: null and undefined are empty, objects are JSON. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (Array.isArray(value) && value.every((entry) => typeof entry === "string")) {
    return value.join(";");
  }
  return JSON.stringify(value);
}

/** One CSV line (CRLF-terminated, as RFC 4180 asks) with every cell escaped and quoted. */
export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map((cell) => quoteCsvField(escapeFormula(cellText(cell)))).join(",")}\r\n`;
}

/**
 * A whole CSV file of `lines`, after a UTF-8 byte order mark: without it Excel reads the file
 * in the machine's code page and shows "Café" as "CafÃ©". p21kit's readers skip the mark, so
 * errors.csv stays valid input.
 */
export function csvFile(lines: readonly string[]): string {
  return `\uFEFF${lines.join("")}`;
}
