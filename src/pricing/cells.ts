import { quoted } from "./problems.js";
import { z } from "zod";
import { readCalendarDate } from "./dates.js";
import { resolveLabel } from "./labels.js";
import type { LabelField } from "./labels.js";

/**
 * zod schemas for single cells. Each takes the cell's text (trimmed, never empty: an empty
 * cell means "not given" and is handled by the row) and yields the typed value, or an issue
 * whose message is written for the person who fixes the file.
 */

/** The largest magnitude accepted for a calculation value or a break. */
export const MAX_DECIMAL = 999_999_999;
/** Decimal places accepted for a calculation value or a break. */
export const MAX_DECIMAL_PLACES = 6;
/** The largest id accepted for a supplier, a page uid and other numeric keys. */
export const MAX_WHOLE_NUMBER = 2_147_483_647;

function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }

  return false;
}

const textCells = new Map<string, z.ZodType<string, string>>();

/** Text of at most `maxLength` characters, without control characters (schemas are shared). */
export function textCell(maxLength: number, what = "the value"): z.ZodType<string, string> {
  const cacheKey = `${maxLength}:${what}`;
  let schema = textCells.get(cacheKey);
  if (schema === undefined) {
    schema = buildTextCell(maxLength, what);
    textCells.set(cacheKey, schema);
  }

  return schema;
}

function buildTextCell(maxLength: number, what: string) {
  return z.string().superRefine((text, context) => {
    const length = text.length <= maxLength ? text.length : [...text].length;
    if (length > maxLength) {
      context.addIssue({
        code: "custom",
        message: `${what} is ${length} characters long; at most ${maxLength} are allowed`,
      });
    } else if (hasControlCharacter(text)) {
      context.addIssue({
        code: "custom",
        message: `${what} holds a line break or control character; write it on one line`,
      });
    }
  });
}

/**
 * An id (company, group, unit, book): text of at most `maxLength` characters, upper-cased as
 * P21 stores ids, so that `abras` and `ABRAS` are one group.
 */
export function idCell(maxLength: number, what: string): z.ZodType<string, string> {
  return textCell(maxLength, what).transform((text) => text.toUpperCase());
}

/** A whole number from `min` to `max`. */
export function wholeNumberCell(min = 1, max = MAX_WHOLE_NUMBER) {
  return z.string().transform((text, context) => {
    if (!/^[+-]?\d+$/.test(text)) {
      context.addIssue({ code: "custom", message: `${quoted(text)} is not a whole number` });
      return z.NEVER;
    }

    const value = Number(text);
    if (value < min || value > max) {
      context.addIssue({
        code: "custom",
        message: `${text} is out of range: expected a whole number from ${min} to ${max}`,
      });
      return z.NEVER;
    }

    return value;
  });
}

/** A decimal number (dot as decimal separator, no thousands separator, no exponent). */
export function decimalCell(options: { min: number; max: number; minExclusive?: boolean }) {
  return z.string().transform((text, context) => {
    const match = /^[+-]?(\d+)(?:\.(\d+))?$|^[+-]?\.(\d+)$/.exec(text);
    if (match === null) {
      const hint = /^[+-]?\d+,\d+$/.test(text) ? ": write the decimal separator as a dot" : "";
      context.addIssue({ code: "custom", message: `${quoted(text)} is not a number${hint}` });
      return z.NEVER;
    }

    const decimals = (match[2] ?? match[3] ?? "").length;
    if (decimals > MAX_DECIMAL_PLACES) {
      context.addIssue({
        code: "custom",
        message: `${text} has ${decimals} decimal places; at most ${MAX_DECIMAL_PLACES} are allowed`,
      });
      return z.NEVER;
    }

    const value = Number(text);
    const tooSmall = options.minExclusive === true ? value <= options.min : value < options.min;
    if (tooSmall || value > options.max) {
      const range =
        options.minExclusive === true
          ? `greater than ${options.min} and at most ${options.max}`
          : `from ${options.min} to ${options.max}`;
      context.addIssue({
        code: "custom",
        message: `${text} is out of range: expected a number ${range}`,
      });
      return z.NEVER;
    }

    return value === 0 ? 0 : value;
  });
}

/** A `YYYY-MM-DD` calendar date. */
export const dateCell = z.string().transform((text, context) => {
  const reading = readCalendarDate(text);
  if (!reading.ok) {
    context.addIssue({ code: "custom", message: reading.message });
    return z.NEVER;
  }

  return reading.date;
});

const labelCells = new Map<LabelField, z.ZodType<string, string>>();

/** A dropdown label, returned in the server's spelling (schemas are shared). */
export function labelCell(field: LabelField): z.ZodType<string, string> {
  let schema = labelCells.get(field);
  if (schema === undefined) {
    schema = buildLabelCell(field);
    labelCells.set(field, schema);
  }

  return schema;
}

function buildLabelCell(field: LabelField) {
  return z.string().transform((text, context) => {
    const resolution = resolveLabel(field, text);
    if (!resolution.ok) {
      context.addIssue({ code: "custom", message: resolution.message });
      return z.NEVER;
    }

    return resolution.label;
  });
}

/** Separator of the `books` cell: `;` (a comma would end the CSV cell). */
export const BOOK_SEPARATOR = ";";
/** The longest price book id accepted. */
export const MAX_BOOK_ID_LENGTH = 8;

const bookListCache = new Map<string, readonly string[]>();

/** A `;`-separated list of price book ids; blanks around ids are ignored, repeats refused. */
export const bookListCell = z.string().transform((text, context) => {
  const cached = bookListCache.get(text);
  if (cached !== undefined) {
    return [...cached];
  }

  const books = text.split(BOOK_SEPARATOR).map((book) => book.trim().toUpperCase());
  if (books.some((book) => book === "")) {
    context.addIssue({
      code: "custom",
      message: `${quoted(text)} has an empty book id; separate book ids with "${BOOK_SEPARATOR}"`,
    });
    return z.NEVER;
  }

  const tooLong = books.find((book) => book.length > MAX_BOOK_ID_LENGTH);
  if (tooLong !== undefined) {
    context.addIssue({
      code: "custom",
      message: `book id ${quoted(tooLong)} is longer than ${MAX_BOOK_ID_LENGTH} characters`,
    });
    return z.NEVER;
  }

  const repeated = books.find((book, index) => books.indexOf(book) !== index);
  if (repeated !== undefined) {
    context.addIssue({ code: "custom", message: `book id ${quoted(repeated)} is listed twice` });
    return z.NEVER;
  }

  // Most rows repeat a few book lists: share their strings (bounded, so that a file of unique
  // lists cannot grow it without end).
  if (bookListCache.size < 1_000) {
    bookListCache.set(text, books);
  }

  return [...books];
});

/** The first issue's message of a failed cell parse. */
export function parseCell<T>(
  schema: z.ZodType<T, string>,
  text: string,
): { ok: true; value: T } | { ok: false; message: string } {
  const parsed = schema.safeParse(text);
  if (parsed.success) {
    return { ok: true, value: parsed.data };
  }

  return { ok: false, message: parsed.error.issues[0]?.message ?? "invalid value" };
}
