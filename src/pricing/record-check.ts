import { CellProblem } from "./cells.js";
import type { CellCheck } from "./cells.js";
import type { ColumnProblem } from "./page-row.js";

/** The cells of one record: the trimmed text of a column, undefined when empty or absent. */
export interface RecordCells {
  get(column: string): string | undefined;
}

/** What a record validator knows about the file besides the record's cells. */
export interface RecordCheckContext {
  /** The columns of the file's header. */
  readonly columns: ReadonlySet<string>;
  /** Columns whose cell already had a problem in this record (for example a formula). */
  readonly failedColumns: ReadonlySet<string>;
}

/**
 * The checking of one record: its problems so far and the columns that failed. A column that
 * failed is not read again, so that one bad cell gives one problem. One object per record, and
 * its set of failed columns only once a column fails: most records of a large file have none.
 */
export class RecordCheck {
  readonly problems: ColumnProblem[] = [];
  private failedHere: Set<string> | undefined;

  constructor(
    readonly cells: RecordCells,
    readonly context: RecordCheckContext,
  ) {}

  /** Whether the column's cell has a problem, from the file or found here. */
  failed(column: string): boolean {
    return (
      (this.failedHere !== undefined && this.failedHere.has(column)) ||
      (this.context.failedColumns.size > 0 && this.context.failedColumns.has(column))
    );
  }

  /** Whether any column of the record failed. */
  get anyFailed(): boolean {
    return this.failedHere !== undefined || this.context.failedColumns.size > 0;
  }

  /** A problem of the record, leaving the column readable. */
  report(column: string | undefined, message: string): void {
    this.problems.push({ column, message });
  }

  /** A problem of the column's cell: the column counts as failed from now on. */
  fail(column: string, message: string): void {
    this.problems.push({ column, message });
    this.failedHere ??= new Set();
    this.failedHere.add(column);
  }

  /**
   * The value of a column's cell; undefined when it failed before, is empty (a problem when
   * `emptyMessage` is given and the header has the column) or does not pass `check`.
   */
  read<T>(column: string, check: CellCheck<T>, emptyMessage?: string): T | undefined {
    return this.readText(column, this.cells.get(column), check, emptyMessage);
  }

  /** {@link read} of a cell text the caller already fetched. */
  readText<T>(
    column: string,
    text: string | undefined,
    check: CellCheck<T>,
    emptyMessage?: string,
  ): T | undefined {
    if (this.failed(column)) {
      return undefined;
    }

    if (text === undefined) {
      if (emptyMessage !== undefined && this.context.columns.has(column)) {
        this.fail(column, emptyMessage);
      }

      return undefined;
    }

    const value = check(text);
    if (value instanceof CellProblem) {
      this.fail(column, value.message);
      return undefined;
    }

    return value;
  }
}
