import { quoted } from "./problems.js";

/** The outcome of reading one date cell. */
export type DateReading = { ok: true; date: string } | { ok: false; message: string };

const DIGIT_ZERO = 0x30;

/** The number written by `count` ASCII digits at `start`, or -1 when one is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index += 1) {
    const digit = text.charCodeAt(index) - DIGIT_ZERO;
    if (!(digit >= 0 && digit <= 9)) {
      return -1;
    }

    value = value * 10 + digit;
  }

  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    // The years 0 to 99 take the Februaries of 1900 to 1999, as Date.UTC reads such years:
    // the messages refusing them keep the day counts they have always given.
    const calendarYear = year < 100 ? year + 1_900 : year;
    const leap = calendarYear % 4 === 0 && (calendarYear % 100 !== 0 || calendarYear % 400 === 0);
    return leap ? 29 : 28;
  }

  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * What is wrong with a `YYYY-MM-DD` date, or undefined when it is a real date in the years
 * 1900 to 2999. Allocates nothing for a good date: it runs for every date cell of a file.
 */
export function calendarDateProblem(value: string): string | undefined {
  const year = value.length === 10 ? digits(value, 0, 4) : -1;
  const month = year < 0 || value.charCodeAt(4) !== 0x2d ? -1 : digits(value, 5, 2);
  const day = month < 0 || value.charCodeAt(7) !== 0x2d ? -1 : digits(value, 8, 2);
  if (day < 0) {
    return `${quoted(value)} is not a date in the form YYYY-MM-DD`;
  }

  if (year < 1900 || year > 2999) {
    return `${quoted(value)} is outside the years 1900 to 2999`;
  }

  if (month < 1 || month > 12) {
    return `${quoted(value)} is not a real date: there is no month ${month}`;
  }

  const days = daysInMonth(year, month);
  if (day < 1 || day > days) {
    return `${quoted(value)} is not a real date: month ${month} of ${year} has ${days} days`;
  }

  return undefined;
}

/**
 * Reads a `YYYY-MM-DD` date and checks that it exists in the calendar (no 2027-02-30) and lies
 * in the years 1900 to 2999. Returns the date unchanged (it compares as a string).
 */
export function readCalendarDate(value: string): DateReading {
  const message = calendarDateProblem(value);
  return message === undefined ? { ok: true, date: value } : { ok: false, message };
}
