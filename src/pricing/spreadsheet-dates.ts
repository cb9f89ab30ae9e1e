import { calendarDateProblem } from "./dates.js";
import type { DateReading } from "./dates.js";
import { quoted } from "./problems.js";

/** A date followed by a time of day, as SQL Server and OData write a `datetime`. */
const DATE_AND_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;
/**
 * A whole number of days, as a spreadsheet shows a date cell formatted as a number: five or six
 * digits for the dates of price pages (10000 is 1927-05-18), so that a year alone is not one.
 */
const DAY_NUMBER = /^\d{5,6}$/;
/** Day 0 of Excel's 1900 date system, counted right from 1 March 1900 (day 61) on. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

/**
 * Reads a date cell: `YYYY-MM-DD`, or the same at midnight as a SQL or OData export writes a
 * date (`2026-12-31 00:00:00.000`, `2026-12-31T00:00:00`), read as that day. Anything else is
 * refused, with what to do about the forms a spreadsheet writes (`12/31/2026`, `31-Dec-2026`,
 * a day number such as `46387`): those are ambiguous or depend on the machine's settings.
 */
export function readDateCell(text: string): DateReading {
  const problem = calendarDateProblem(text);
  if (problem === undefined) {
    return { ok: true, date: text };
  }

  const withTime = DATE_AND_TIME.exec(text);
  if (withTime !== null) {
    return readDateAtMidnight(text, withTime);
  }

  return { ok: false, message: `${problem}${formHint(text)}` };
}

function readDateAtMidnight(text: string, [, date = "", ...time]: RegExpExecArray): DateReading {
  const problem = calendarDateProblem(date);
  if (problem !== undefined) {
    return { ok: false, message: problem };
  }

  if (time.some((part) => part !== undefined && /[^0]/.test(part))) {
    return {
      ok: false,
      message: `${quoted(text)} has a time of day; price page dates are whole days: write the date alone (${date})`,
    };
  }

  return { ok: true, date };
}

function formHint(text: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return "";
  }

  const fix = "format the column as yyyy-mm-dd (Format Cells, Custom) before saving";
  if (DAY_NUMBER.test(text)) {
    const day = Number(text);
    const date = new Date(EXCEL_EPOCH_MS + day * DAY_MS).toISOString().slice(0, 10);
    if (day >= 61 && calendarDateProblem(date) === undefined) {
      return `: it looks like a spreadsheet's day number (in Excel, ${date}); ${fix}`;
    }
  }

  return `; in a spreadsheet, ${fix}`;
}
