import { ColumnInterner } from "./column-interner.js";
import type { TableCells } from "./table.js";

/** The record's cells trimmed, an empty one as undefined; undefined for a blank record. */
export function trimmedTexts(cells: readonly string[]): (string | undefined)[] | undefined {
  const texts = new Array<string | undefined>(cells.length);
  let blank = true;
  for (let index = 0; index < cells.length; index += 1) {
    const text = (cells[index] ?? "").trim();
    if (text !== "") {
      texts[index] = text;
      blank = false;
    }
  }

  return blank ? undefined : texts;
}

/** What a CSV file's header says about its records: columns, where each is, an interner each. */
export class CsvLayout {
  /** Column → cell index; undefined when a column name repeats (the header is refused). */
  private readonly indexes: ReadonlyMap<string, number> | undefined;
  private readonly interners: ColumnInterner[];
  /** The indexes of header cells without a name: a record may leave them empty, no more. */
  readonly unnamedCells: readonly number[];

  constructor(readonly columns: readonly string[]) {
    const named = columns.flatMap((column, index) => (column === "" ? [] : [[column, index]]));
    const indexes = new Map(named as [string, number][]);
    this.indexes = indexes.size === named.length ? indexes : undefined;
    this.interners = columns.map(() => new ColumnInterner());
    this.unnamedCells = columns.flatMap((column, index) => (column === "" ? [index] : []));
  }

  /** The cells of a record of the right length, its texts interned. */
  cellsOf(texts: (string | undefined)[]): TableCells {
    for (let index = 0; index < texts.length; index += 1) {
      const text = texts[index];
      if (text !== undefined) {
        texts[index] = this.interners[index]?.intern(text) ?? text;
      }
    }

    if (this.indexes === undefined) {
      // A repeated column: the later cell wins, as it always has; a Map says it best.
      const cells = new Map<string, string>();
      texts.forEach((text, index) => {
        const column = this.columns[index];
        if (text !== undefined && column !== undefined && column !== "") {
          cells.set(column, text);
        }
      });
      return cells;
    }

    return new CsvCells(this.columns, this.indexes, texts);
  }
}

/**
 * A CSV record's cells by column: its array of texts and the header's column indexes, shared
 * by every record, where a Map per record built a hash table for each of 100,000 rows.
 */
class CsvCells implements TableCells {
  constructor(
    private readonly columns: readonly string[],
    private readonly indexes: ReadonlyMap<string, number>,
    private readonly texts: readonly (string | undefined)[],
  ) {}

  get(column: string): string | undefined {
    const index = this.indexes.get(column);
    return index === undefined ? undefined : this.texts[index];
  }

  forEach(visit: (text: string, column: string) => void): void {
    for (let index = 0; index < this.texts.length; index += 1) {
      const text = this.texts[index];
      const column = this.columns[index];
      if (text !== undefined && column !== undefined && column !== "") {
        visit(text, column);
      }
    }
  }
}
