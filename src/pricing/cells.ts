import { resolveLabel } from "./labels.js";
import type { LabelField } from "./labels.js";
import { quoted, shortened } from "./problems.js";
import { readDateCell } from "./spreadsheet-dates.js";

/**
 * Checks of single cells. Each takes the cell's text (trimmed, never empty: an empty cell means
 * "not given" and is handled by the row) and yields the typed value, or a {@link CellProblem}
 * whose message is written for the person who fixes the file. Plain functions rather than zod
 * schemas: they run for every cell of files of 100,000 rows, where a safeParse per cell cost a
 * parse context and a result object each time.
 */

/** What is wrong with one cell. */
export class CellProblem {
  constructor(readonly message: string) {}
}

/** Reads one cell's text into its value, or says what is wrong with it. */
export type CellCheck<T> = (text: string) => T | CellProblem;

/** The largest magnitude accepted for a calculation value or a break. */
export const MAX_DECIMAL = 999_999_999;
/** Decimal places accepted for a calculation value or a break. */
export const MAX_DECIMAL_PLACES = 6;
/** The largest id accepted for a supplier, a page uid and other numeric keys. */
export const MAX_WHOLE_NUMBER = 2_147_483_647;

function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    // C0, DEL and C1 (U+0085 is a line break), and the Unicode line and paragraph separators.
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) {
      return true;
    }
  }

  return false;
}

function textProblem(text: string, maxLength: number, what: string): CellProblem | undefined {
  const length = text.length <= maxLength ? text.length : [...text].length;
  if (length > maxLength) {
    return new CellProblem(
      `${what} is ${length} characters long; at most ${maxLength} are allowed`,
    );
  }

  if (hasControlCharacter(text)) {
    return new CellProblem(`${what} holds a line break or control character; write it on one line`);
  }

  return undefined;
}

/** Text of at most `maxLength` characters, without control characters. */
export function textCell(maxLength: number, what = "the value"): CellCheck<string> {
  return (text) => textProblem(text, maxLength, what) ?? text;
}

/**
 * An id (company, group, unit, book): text of at most `maxLength` characters, upper-cased as
 * P21 stores ids, so that `abras` and `ABRAS` are one group.
 */
export function idCell(maxLength: number, what: string): CellCheck<string> {
  return (text) => idProblem(text, maxLength, what) ?? text.toUpperCase();
}

/** Spaces other than the plain one: invisible in a spreadsheet, and never part of an id. */
const UNUSUAL_SPACE = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]/;

function idProblem(text: string, maxLength: number, what: string): CellProblem | undefined {
  const problem = textProblem(text, maxLength, what);
  if (problem !== undefined) return problem;

  if (UNUSUAL_SPACE.test(text)) {
    return new CellProblem(`${what} holds a non-breaking or other special space; type it again`);
  }

  return undefined;
}

const WHOLE_NUMBER = /^[+-]?\d+$/;
const WITH_COMMA = /^[+-]?[\d,]*,[\d,]*(\.\d*)?$/;

/** What to write instead of a number as a spreadsheet formats it; "" when it is not one. */
function numberFormHint(text: string, whole = false): string {
  if (WITH_COMMA.test(text)) {
    return whole
      ? ": write it without thousands separators (1000)"
      : ": write it without thousands separators and with a dot for decimals (1000, 0.55)";
  }

  if (whole && /^[+-]?\d+\.0*$/.test(text)) {
    return ": write it without a decimal part";
  }

  if (/^[+-]?[$€£¥]\s*[\d.,]+$|^[+-]?[\d.,]+\s*[$€£¥]$/.test(text)) {
    return ": write the number alone, without a currency sign";
  }

  if (/^[+-]?[\d.]+\s*%$/.test(text)) {
    return ": write the number the field takes, without a % sign";
  }

  if (/^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/.test(text)) {
    return ": write it in full, not in exponent form (in a spreadsheet, format the column as Number)";
  }

  if (/^\(\s*[$€£¥]?\s*[\d.,]+\s*\)$/.test(text)) {
    return ": write a negative number with a minus sign, not in parentheses";
  }

  return "";
}

/** A whole number from `min` to `max`. */
export function wholeNumberCell(min = 1, max = MAX_WHOLE_NUMBER): CellCheck<number> {
  return (text) => {
    if (!WHOLE_NUMBER.test(text)) {
      return new CellProblem(`${quoted(text)} is not a whole number${numberFormHint(text, true)}`);
    }

    const value = Number(text);
    if (value < min || value > max) {
      return new CellProblem(
        `${shortened(text)} is out of range: expected a whole number from ${min} to ${max}`,
      );
    }

    return value;
  };
}

const DECIMAL = /^[+-]?(\d+)(?:\.(\d+))?$|^[+-]?\.(\d+)$/;
/** A decimal number (dot as decimal separator, no thousands separator, no exponent). */
export function decimalCell(options: {
  min: number;
  max: number;
  minExclusive?: boolean;
}): CellCheck<number> {
  const minExclusive = options.minExclusive === true;
  const range = minExclusive
    ? `greater than ${options.min} and at most ${options.max}`
    : `from ${options.min} to ${options.max}`;

  return (text) => {
    const match = DECIMAL.exec(text);
    if (match === null) {
      return new CellProblem(`${quoted(text)} is not a number${numberFormHint(text)}`);
    }

    const decimals = (match[2] ?? match[3] ?? "").length;
    if (decimals > MAX_DECIMAL_PLACES) {
      return new CellProblem(
        `${shortened(text)} has ${decimals} decimal places; at most ${MAX_DECIMAL_PLACES} are allowed`,
      );
    }

    const value = Number(text);
    const tooSmall = minExclusive ? value <= options.min : value < options.min;
    if (tooSmall || value > options.max) {
      return new CellProblem(`${shortened(text)} is out of range: expected a number ${range}`);
    }

    return value === 0 ? 0 : value;
  };
}

/** A `YYYY-MM-DD` calendar date (or one at midnight, see {@link readDateCell}), as `YYYY-MM-DD`. */
export const dateCell: CellCheck<string> = (text) => {
  const reading = readDateCell(text);
  return reading.ok ? reading.date : new CellProblem(reading.message);
};

/** A dropdown label, returned in the server's spelling. */
export function labelCell(field: LabelField): CellCheck<string> {
  return (text) => {
    const resolution = resolveLabel(field, text);
    return resolution.ok ? resolution.label : new CellProblem(resolution.message);
  };
}

/** Separator of the `books` cell as p21kit writes it: `;` (a comma would end the CSV cell). */
export const BOOK_SEPARATOR = ";";
/** What separates book ids when read: `;`, and `,` or `|` (`--books`, a quoted cell). */
const BOOK_SEPARATORS = /[;,|]/;
/** The longest price book id accepted. */
export const MAX_BOOK_ID_LENGTH = 8;

const bookListCache = new Map<string, readonly string[]>();

/**
 * A list of price book ids, as the `books` cell and `--books` give it: upper-cased, blanks
 * around ids ignored, an empty id, an id too long or one listed twice refused.
 */
export function readBookList(text: string): readonly string[] | CellProblem {
  const books = text.split(BOOK_SEPARATORS).map((book) => book.trim().toUpperCase());
  if (books.some((book) => book === "")) {
    return new CellProblem(
      `${quoted(text)} has an empty book id; separate book ids with "${BOOK_SEPARATOR}"`,
    );
  }

  for (const book of books) {
    const problem = idProblem(book, MAX_BOOK_ID_LENGTH, `book id ${quoted(book)}`);
    if (problem === undefined) continue;

    const hint = / /.test(book) ? `; separate book ids with "${BOOK_SEPARATOR}"` : "";
    return new CellProblem(`${problem.message}${hint}`);
  }

  const repeated = books.find((book, index) => books.indexOf(book) !== index);
  if (repeated !== undefined) {
    return new CellProblem(`book id ${quoted(repeated)} is listed twice`);
  }

  return books;
}

/**
 * A `;`-separated list of price book ids; blanks around ids are ignored, repeats refused. Each
 * row gets its own array (rows are the caller's to change).
 */
export const bookListCell: CellCheck<string[]> = (text) => {
  let books = bookListCache.get(text);
  if (books === undefined) {
    const reading = readBookList(text);
    if (reading instanceof CellProblem) {
      return reading;
    }

    books = reading;
    // Most rows repeat a few book lists: share their strings (bounded, so that a file of
    // unique lists cannot grow it without end).
    if (bookListCache.size < 1_000) {
      bookListCache.set(text, books);
    }
  }

  return books.slice();
};
