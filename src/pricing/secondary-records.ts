import { z } from "zod";
import {
  dateCell,
  MAX_BOOK_ID_LENGTH,
  MAX_WHOLE_NUMBER,
  idCell,
  wholeNumberCell,
} from "./cells.js";
import type { ColumnProblem } from "./page-row.js";
import type { PageRecordContext } from "./page-record.js";
import { RecordCheck } from "./record-check.js";
import type { RecordCells } from "./record-check.js";

/** An existing page to expire: its uid and the date it stops applying. */
export const expirationRowSchema = z.object({
  pricePageUid: z.number().int().min(1).max(MAX_WHOLE_NUMBER),
  expirationDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
export type ExpirationRow = z.infer<typeof expirationRowSchema>;

/** A page to add to a price book. */
export const linkRowSchema = z.object({
  bookId: z.string().min(1).max(MAX_BOOK_ID_LENGTH),
  pricePageUid: z.number().int().min(1).max(MAX_WHOLE_NUMBER),
});
export type LinkRow = z.infer<typeof linkRowSchema>;

/** Columns of an expiration file. */
export const EXPIRATION_COLUMNS: readonly string[] = ["price_page_uid", "expiration_date"];
/** Columns of a link file. */
export const LINK_COLUMNS: readonly string[] = ["price_book_id", "price_page_uid"];

/** What the expiration validator needs beyond the cells. */
export interface ExpirationRecordContext extends Omit<PageRecordContext, "company"> {
  /** `--expire-date`: used when a row has no `expiration_date`. */
  readonly expireDate?: string | undefined;
}

const uidCell = wholeNumberCell();
const bookIdCell = idCell(MAX_BOOK_ID_LENGTH, "price_book_id");

/** Validates one record of an expiration file. */
export function validateExpirationRecord(
  cells: RecordCells,
  context: ExpirationRecordContext,
): { row?: ExpirationRow; problems: ColumnProblem[] } {
  const check = new RecordCheck(cells, context);
  const problems = check.problems;
  const pricePageUid = check.read("price_page_uid", uidCell, "price_page_uid is empty");
  const ownDate = check.read("expiration_date", dateCell);
  const expirationDate =
    ownDate ??
    (cells.get("expiration_date") === undefined && !context.failedColumns.has("expiration_date")
      ? context.expireDate
      : undefined);
  if (
    expirationDate === undefined &&
    cells.get("expiration_date") === undefined &&
    context.columns.has("expiration_date") &&
    !context.failedColumns.has("expiration_date")
  ) {
    check.report("expiration_date", "expiration_date is empty and no --expire-date was given");
  }

  if (problems.length > 0 || pricePageUid === undefined || expirationDate === undefined) {
    return { problems };
  }

  return { row: { pricePageUid, expirationDate }, problems };
}

/** Validates one record of a link file. */
export function validateLinkRecord(
  cells: RecordCells,
  context: Omit<PageRecordContext, "company">,
): { row?: LinkRow; problems: ColumnProblem[] } {
  const check = new RecordCheck(cells, context);
  const problems = check.problems;
  const bookId = check.read("price_book_id", bookIdCell, "price_book_id is empty");
  const pricePageUid = check.read("price_page_uid", uidCell, "price_page_uid is empty");
  if (problems.length > 0 || bookId === undefined || pricePageUid === undefined) {
    return { problems };
  }

  return { row: { bookId, pricePageUid }, problems };
}
