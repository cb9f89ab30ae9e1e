import type { CellValue, Row } from "../data/schema.js";
import { displayValue, type FieldDefinition } from "./fields.js";

/** A tab page: `name` is the `TABPAGE_n`-style name, `text` the display text (`VALUES`). */
export interface TabPage {
  name: string;
  text: string;
}

export interface DatawindowDefinition {
  /** Interactive short name (`form`, `values`, `list_detail`). */
  name: string;
  /** `TabPage.name` of the page holding it; `""` for popups. */
  tabName: string;
  style: "Form" | "List";
  fields: readonly FieldDefinition[];
  /** In a list, setting this field commits the row cursor: later edits of the row are ignored. */
  keyField?: string;
}

/** The rows of one datawindow in one window. A `Form` always has exactly one row. */
export class Datawindow {
  readonly definition: DatawindowDefinition;
  readonly fields: ReadonlyMap<string, FieldDefinition>;
  rows: Row[] = [];
  activeRow = 0;
  /** List rows whose key field was set: the cursor moved on, later edits are ignored. */
  readonly committedRows = new Set<Row>();

  constructor(definition: DatawindowDefinition) {
    this.definition = definition;
    this.fields = new Map(definition.fields.map((field) => [field.name.toLowerCase(), field]));
    this.reset();
  }

  get name(): string {
    return this.definition.name;
  }

  get isList(): boolean {
    return this.definition.style === "List";
  }

  /** The form's record, or the list's selected row. */
  get activeRecord(): Row | undefined {
    return this.rows[this.activeRow];
  }

  field(name: string): FieldDefinition | undefined {
    return this.fields.get(name.toLowerCase());
  }

  /** Back to one blank record (form) or no rows (list). */
  reset(): void {
    this.rows = this.isList ? [] : [this.blankRecord()];
    this.activeRow = 0;
    this.committedRows.clear();
  }

  blankRecord(): Row {
    const record: Row = {};
    for (const field of this.definition.fields) record[field.name] = null;
    return record;
  }

  /** Sets the form's record from stored columns (unknown columns are ignored). */
  fill(source: Row): void {
    const record = this.blankRecord();
    for (const field of this.definition.fields) {
      const value: CellValue | undefined = source[field.name];
      if (value !== undefined) record[field.name] = value;
    }

    this.rows = [record];
    this.activeRow = 0;
  }

  /** The `/v2/data` element: `Columns` plus display strings in `Data[][]`. */
  toDataElement(tabName: string) {
    const fields = this.definition.fields;
    return {
      Name: this.name,
      FullName: tabName === "" ? this.name : `${tabName}.${this.name}`,
      ActiveRow: this.rows.length === 0 ? -1 : this.activeRow,
      TotalRows: this.rows.length,
      Columns: fields.map((field) => field.name),
      Data: this.rows.map((row) =>
        fields.map((field) => displayValue(field, row[field.name] ?? null)),
      ),
    };
  }
}
