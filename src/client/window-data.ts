import { P21ProtocolError } from "./errors.js";
import { property } from "./result.js";

/** One datawindow of `GET /v2/data`: its columns and rows, values as strings. */
export class Datawindow {
  constructor(
    /** Short name, for example `form`, `values`, `list_detail`. */
    readonly name: string,
    /** Full name, for example `TABPAGE_1.tp_1_dw_1`, when the server gives one. */
    readonly fullName: string | undefined,
    /** The active row (0-based). */
    readonly activeRow: number,
    /** The row count the server reports. */
    readonly totalRows: number,
    /** Column names. */
    readonly columns: readonly string[],
    /** Rows of values, in column order. */
    readonly rows: readonly (readonly (string | null)[])[],
  ) {}

  /** The value of `field` in `row` (default: the active row); `undefined` when absent. */
  value(field: string, row: number = this.activeRow): string | null | undefined {
    const column = this.columns.findIndex(
      (candidate) => candidate.toLowerCase() === field.toLowerCase(),
    );
    if (column < 0) return undefined;

    return this.rows[row]?.[column];
  }

  /** The row `row` as a record keyed by column name. */
  record(row: number = this.activeRow): Record<string, string | null> | undefined {
    const values = this.rows[row];
    if (values === undefined) return undefined;

    return Object.fromEntries(this.columns.map((column, index) => [column, values[index] ?? null]));
  }
}

/** A field of a datawindow definition. */
export interface FieldDefinition {
  readonly name: string;
  readonly label: string | undefined;
  readonly enabled: boolean | undefined;
  readonly dataType: string | number | undefined;
}

/** A datawindow of a window definition (only the active tab's are present). */
export interface DatawindowDefinition {
  readonly name: string;
  readonly parentPage: string | undefined;
  readonly style: string | undefined;
  readonly fields: readonly FieldDefinition[];
}

/** A tab page of a window definition. */
export interface TabPage {
  readonly name: string;
  readonly text: string | undefined;
  readonly enabled: boolean | undefined;
}

/** The parsed `GET /v2/window`: everything structural sits under `Definition`. */
export interface WindowDefinition {
  readonly id: string | undefined;
  /** Class name, for example `w_message`. */
  readonly name: string | undefined;
  readonly title: string | undefined;
  readonly tabPages: readonly TabPage[];
  readonly datawindows: readonly DatawindowDefinition[];
  /** The decoded body. */
  readonly raw: unknown;
}

/** A tool (button) of `GET /v2/tools`. */
export interface Tool {
  /** The name to post as `ToolName`, for example `cb_1`. */
  readonly name: string;
  /** The display text, for example `&Yes`. */
  readonly text: string | undefined;
  readonly datawindow: string | undefined;
  readonly field: string | undefined;
  readonly raw: unknown;
}

function optionalText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;

  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);

  return JSON.stringify(value);
}

function optionalBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") return value.toLowerCase() === "true";

  return undefined;
}

function entriesOf(value: unknown): [string, unknown][] {
  if (Array.isArray(value)) {
    return value.map((entry, index) => [
      optionalText(property(entry, "Name")) ?? String(index),
      entry,
    ]);
  }

  if (typeof value === "object" && value !== null) return Object.entries(value);

  return [];
}

function cell(value: unknown): string | null {
  if (value === null || value === undefined) return null;

  return typeof value === "string" ? value : (optionalText(value) ?? null);
}

function integer(value: unknown, fallback: number): number {
  const parsed = typeof value === "string" ? Number(value) : value;

  return typeof parsed === "number" && Number.isInteger(parsed) ? parsed : fallback;
}

/** Parses the bare array of `GET /v2/data`. @internal */
export function parseDatawindows(
  body: unknown,
  context: { method: string; path: string },
): Datawindow[] {
  const list = Array.isArray(body) ? body : property(body, "Data", "Datawindows");
  if (!Array.isArray(list)) {
    throw new P21ProtocolError("window data is not a list of datawindows", context);
  }

  return list.map((entry) => {
    const columns = (property(entry, "Columns") as unknown[] | undefined) ?? [];
    const rows = (property(entry, "Data", "Rows") as unknown[] | undefined) ?? [];
    const columnNames = Array.isArray(columns)
      ? columns.map((column) => optionalText(column) ?? "")
      : [];
    const rowValues = Array.isArray(rows)
      ? rows.map((row) =>
          Array.isArray(row)
            ? row.map(cell)
            : columnNames.map((column) => cell(property(row, column))),
        )
      : [];

    return new Datawindow(
      optionalText(property(entry, "Name")) ?? "",
      optionalText(property(entry, "FullName")),
      integer(property(entry, "ActiveRow"), 0),
      integer(property(entry, "TotalRows"), rowValues.length),
      columnNames,
      rowValues,
    );
  });
}

function dataTypeOf(value: unknown): string | number | undefined {
  return typeof value === "string" || typeof value === "number" ? value : undefined;
}

/** Parses `GET /v2/window`. @internal */
export function parseWindowDefinition(body: unknown): WindowDefinition {
  const definition = property(body, "Definition") ?? body;

  return {
    id: optionalText(property(definition, "Id", "WindowId")),
    name: optionalText(property(definition, "Name")),
    title: optionalText(property(definition, "Title")) ?? optionalText(property(body, "Title")),
    tabPages: entriesOf(property(definition, "TabPageList", "TabPages")).map(([key, page]) => ({
      name: optionalText(property(page, "Name")) ?? key,
      text: optionalText(property(page, "DisplayText", "Text")),
      enabled: optionalBoolean(property(page, "Enabled")),
    })),
    datawindows: entriesOf(property(definition, "Datawindows")).map(([key, datawindow]) => ({
      name: optionalText(property(datawindow, "Name")) ?? key,
      parentPage: optionalText(property(datawindow, "ParentPage")),
      style: optionalText(property(datawindow, "Style")),
      fields: entriesOf(property(datawindow, "Fields")).map(([fieldKey, field]) => ({
        name: optionalText(property(field, "Name")) ?? fieldKey,
        label: optionalText(property(field, "Label")),
        enabled: optionalBoolean(property(field, "Enabled")),
        dataType: dataTypeOf(property(field, "DataType")),
      })),
    })),
    raw: body,
  };
}

/** Parses the bare array of `GET /v2/tools`. @internal */
export function parseTools(body: unknown, context: { method: string; path: string }): Tool[] {
  const list: unknown = Array.isArray(body) ? body : property(body, "Tools");
  if (!Array.isArray(list)) throw new P21ProtocolError("tool list is not a list", context);

  return (list as unknown[]).map((entry) => ({
    name: optionalText(property(entry, "ToolName", "Name")) ?? "",
    text: optionalText(property(entry, "Text", "ToolText", "DisplayText")),
    datawindow: optionalText(property(entry, "DatawindowName", "DataWindowName")),
    field: optionalText(property(entry, "FieldName")),
    raw: entry,
  }));
}
