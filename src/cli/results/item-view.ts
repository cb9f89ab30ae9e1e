import type { ItemRecord } from "../../journal/index.js";
import type { PricePageRow } from "../../pricing/page-row.js";

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function wholeNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}

/** The row of the input file an item came from, when the workflow recorded it. */
export function inputRowOf(item: ItemRecord): number | undefined {
  const input = record(item.input);
  if (input === undefined) return undefined;
  for (const key of ["row", "sourceRow", "inputRow"]) {
    const row = wholeNumber(input[key]);
    if (row !== undefined) return row;
  }

  return undefined;
}

/** The page a create item carries (its input, or the `page` inside it). */
export function pageOf(item: ItemRecord): PricePageRow | undefined {
  const input = record(item.input);
  if (input === undefined) return undefined;
  const page = record(input.page) ?? input;
  return typeof page.supplierId === "number" && typeof page.description === "string"
    ? (page as unknown as PricePageRow)
    : undefined;
}

/** The price page uid an item made or worked on. */
export function pricePageUidOf(item: ItemRecord): number | undefined {
  return (
    wholeNumber(record(item.result)?.pricePageUid) ?? wholeNumber(record(item.input)?.pricePageUid)
  );
}

/** The price book of a link item. */
export function bookIdOf(item: ItemRecord): string | undefined {
  const bookId = record(item.input)?.bookId;
  return typeof bookId === "string" ? bookId : undefined;
}

/** The expiration date of an expire item. */
export function expirationDateOf(item: ItemRecord): string | undefined {
  const date = record(item.input)?.expirationDate;
  return typeof date === "string" ? date : undefined;
}

/** For an old page a replace found itself: the natural key of the new page that replaces it. */
export function replacedByOf(item: ItemRecord): string | undefined {
  const replacedBy = record(item.input)?.replacedBy;
  return typeof replacedBy === "string" ? replacedBy : undefined;
}

/** `expire`, `create`, `link`, whatever the phase is called in the journal. */
export function phaseKind(phase: string): "expire" | "create" | "link" | "other" {
  const lower = phase.toLowerCase();
  if (lower.includes("expire")) return "expire";
  if (lower.includes("create")) return "create";
  if (lower.includes("link")) return "link";
  return "other";
}
