import type { CellValue } from "../data/schema.js";

/** `DataType` of field metadata, as the window definition reports it. */
export type FieldDataType = "Char" | "Long" | "Decimal" | "Datetime";

/** A dropdown: each code with its accepted display labels (the first is the one shown). */
export interface Dropdown {
  options: readonly { code: number; labels: readonly string[] }[];
}

export interface FieldDefinition {
  name: string;
  label: string;
  dataType: FieldDataType;
  /** Longest accepted `Char` value. */
  maxLength?: number;
  dropdown?: Dropdown;
  /** Char values are stored upper-cased (ids). */
  upperCase?: boolean;
}

export type ParsedValue = { ok: true; value: CellValue } | { ok: false; message: string };

export function char(name: string, label: string, maxLength: number, upperCase = false) {
  const field: FieldDefinition = { name, label, dataType: "Char", maxLength };
  if (upperCase) field.upperCase = true;
  return field;
}

export function long(name: string, label: string, dropdown?: Dropdown): FieldDefinition {
  return dropdown === undefined
    ? { name, label, dataType: "Long" }
    : { name, label, dataType: "Long", dropdown };
}

export function decimal(name: string, label: string): FieldDefinition {
  return { name, label, dataType: "Decimal" };
}

export function datetime(name: string, label: string): FieldDefinition {
  return { name, label, dataType: "Datetime" };
}

const WHOLE_NUMBER = /^[+-]?\d+$/;
const DECIMAL_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/**
 * Turns a wire value (always a string, or null to blank the field) into the stored value.
 * `Display` values of dropdowns must be labels (case-insensitive); `Data` values are codes.
 */
export function parseFieldValue(
  field: FieldDefinition,
  raw: string | null,
  valueType: "Display" | "Data",
): ParsedValue {
  if (raw === null || raw.trim() === "") return { ok: true, value: null };

  const text = raw.trim();
  if (field.dropdown !== undefined) return parseDropdown(field, field.dropdown, text, valueType);

  switch (field.dataType) {
    case "Char": {
      if (field.maxLength !== undefined && raw.length > field.maxLength) {
        return {
          ok: false,
          message: `${field.label} is too long (at most ${field.maxLength} characters): ${raw}`,
        };
      }

      return { ok: true, value: field.upperCase === true ? raw.toUpperCase() : raw };
    }

    case "Long": {
      const value = Number(text);
      if (!WHOLE_NUMBER.test(text) || !Number.isSafeInteger(value)) {
        return { ok: false, message: `${field.label} must be a whole number: ${raw}` };
      }

      return { ok: true, value };
    }

    case "Decimal": {
      const value = Number(text);
      if (!DECIMAL_NUMBER.test(text) || !Number.isFinite(value)) {
        return { ok: false, message: `${field.label} must be a number: ${raw}` };
      }

      return { ok: true, value };
    }

    case "Datetime": {
      const day = parseDay(text);
      if (day === undefined) {
        return { ok: false, message: `${field.label} must be a date (YYYY-MM-DD): ${raw}` };
      }

      return { ok: true, value: day };
    }
  }
}

function parseDropdown(
  field: FieldDefinition,
  dropdown: Dropdown,
  text: string,
  valueType: "Display" | "Data",
): ParsedValue {
  const refused: ParsedValue = { ok: false, message: `Invalid ${field.name} value: ${text}` };
  if (valueType === "Data") {
    const code = Number(text);
    const known =
      WHOLE_NUMBER.test(text) && dropdown.options.some((option) => option.code === code);
    return known ? { ok: true, value: code } : refused;
  }

  const wanted = normaliseLabel(text);
  const option = dropdown.options.find((candidate) =>
    candidate.labels.some((label) => normaliseLabel(label) === wanted),
  );
  return option === undefined ? refused : { ok: true, value: option.code };
}

function normaliseLabel(label: string): string {
  return label.trim().replace(/\s+/g, " ").toLowerCase();
}

/**
 * `"YYYY-MM-DDT00:00:00"` of a `YYYY-MM-DD`, ISO date-time or `M/D/YYYY` text naming a real
 * calendar day; `undefined` otherwise. The time of day is dropped.
 */
export function parseDay(text: string): string | undefined {
  let year: number;
  let month: number;
  let day: number;
  const iso = ISO_DATE.exec(text);
  const us = iso === null ? US_DATE.exec(text) : null;
  if (iso !== null) {
    year = Number(iso[1]);
    month = Number(iso[2]);
    day = Number(iso[3]);
  } else if (us !== null) {
    month = Number(us[1]);
    day = Number(us[2]);
    year = Number(us[3]);
  } else {
    return undefined;
  }

  const instant = new Date(Date.UTC(year, month - 1, day));
  if (
    year < 1753 ||
    instant.getUTCFullYear() !== year ||
    instant.getUTCMonth() !== month - 1 ||
    instant.getUTCDate() !== day
  ) {
    return undefined;
  }

  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}T00:00:00`;
}

/** The string a window shows for a stored value (dropdowns show their first label). */
export function displayValue(field: FieldDefinition, value: CellValue): string {
  if (value === null) return "";
  if (field.dropdown !== undefined) {
    const option = field.dropdown.options.find((candidate) => candidate.code === value);
    return option?.labels[0] ?? String(value);
  }

  return String(value);
}
