import { quoted } from "./problems.js";

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The outcome of reading one date cell. */
export type DateReading = { ok: true; date: string } | { ok: false; message: string };

/**
 * Reads a `YYYY-MM-DD` date and checks that it exists in the calendar (no 2027-02-30) and lies
 * in the years 1900 to 2999. Returns the date unchanged (it compares as a string).
 */
export function readCalendarDate(value: string): DateReading {
  const match = datePattern.exec(value);
  if (match === null) {
    return { ok: false, message: `${quoted(value)} is not a date in the form YYYY-MM-DD` };
  }

  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) {
    return {
      ok: false,
      message: `${quoted(value)} is not a real date: there is no month ${month}`,
    };
  }

  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) {
    return {
      ok: false,
      message: `${quoted(value)} is not a real date: month ${month} of ${year} has ${daysInMonth} days`,
    };
  }

  if (year < 1900 || year > 2999) {
    return { ok: false, message: `${quoted(value)} is outside the years 1900 to 2999` };
  }

  return { ok: true, date: value };
}
