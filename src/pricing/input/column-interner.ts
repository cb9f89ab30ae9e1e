/** Distinct texts a {@link ColumnInterner} keeps. */
const INTERNED_PER_COLUMN = 1_000;

/**
 * Shares the strings of one column's short cells that repeat from row to row (company, group,
 * dates), so that 100,000 validated rows do not hold 100,000 copies of "ACME". It keeps at most
 * 1,000 texts; when it fills up with fewer repeats seen than texts kept, the column does not
 * repeat (descriptions, mostly) and it stops, rather than look up every later cell in vain.
 */
export class ColumnInterner {
  private strings: Map<string, string> | undefined = new Map();
  private repeats = 0;

  intern(text: string): string {
    const strings = this.strings;
    if (strings === undefined || text.length > 24) {
      return text;
    }

    const known = strings.get(text);
    if (known !== undefined) {
      this.repeats += 1;
      return known;
    }

    if (strings.size < INTERNED_PER_COLUMN) {
      strings.set(text, text);
    } else if (this.repeats < INTERNED_PER_COLUMN) {
      this.strings = undefined;
    }

    return text;
  }
}
