import type { Journal, RunRecord } from "../journal/index.js";
import { storedWorkflow } from "../pricing/index.js";
import type { WorkflowKind, WorkflowSpec } from "../pricing/index.js";
import type { PricePageRow } from "../pricing/page-row.js";
import {
  bookIdOf,
  expirationDateOf,
  inputRowOf,
  pageOf,
  phaseKind,
  pricePageUidOf,
} from "./results/item-view.js";

/**
 * The spec of a new run that retries only the failed records of `run`: failed expirations by
 * uid and date, failed creates with their page (and its books), failed links by book and uid.
 * A replace whose expirations failed is retried as a replace of those pages with the given old
 * pages (not `auto`); otherwise as the narrowest kind that holds the failures. Undefined when
 * nothing failed.
 */
export function retrySpec(journal: Journal, run: RunRecord): WorkflowSpec | undefined {
  const failed = journal.items(run.id, { states: ["failed"] });
  if (failed.length === 0) return undefined;

  const workflow = storedWorkflow(run);
  const expirations: { pricePageUid: number; expirationDate: string }[] = [];
  const pages: PricePageRow[] = [];
  const pageRows: number[] = [];
  const links: { bookId: string; pricePageUid: number }[] = [];
  for (const item of failed) {
    const kind = phaseKind(item.phase);
    const uid = pricePageUidOf(item);
    if (kind === "expire" && uid !== undefined) {
      const expirationDate = expirationDateOf(item) ?? workflow.expireDate;
      if (expirationDate !== undefined) expirations.push({ pricePageUid: uid, expirationDate });
    } else if (kind === "create") {
      const page = pageOf(item);
      if (page !== undefined) {
        pages.push(page);
        pageRows.push(inputRowOf(item) ?? 0);
      }
    } else if (kind === "link") {
      const bookId = bookIdOf(item);
      if (bookId !== undefined && uid !== undefined) links.push({ bookId, pricePageUid: uid });
    }
  }

  const common = {
    changeMode: workflow.changeMode,
    linkMode: workflow.linkMode,
    readBack: workflow.readBack,
    ...(workflow.books === undefined ? {} : { books: workflow.books }),
    ...(workflow.company === undefined ? {} : { company: workflow.company }),
  };

  if (pages.length === 0 && links.length === 0 && expirations.length > 0) {
    return { kind: "expire", expirations, ...common };
  }

  if (pages.length === 0 && expirations.length === 0 && links.length > 0) {
    return { kind: "link", links, ...common };
  }

  if (pages.length === 0 && links.length === 0) return undefined;

  const kind: WorkflowKind = expirations.length > 0 ? "replace" : "create";
  return {
    kind,
    pages,
    inputRows: pageRows,
    ...(links.length > 0 ? { links } : {}),
    ...(kind === "replace" ? { old: expirations } : {}),
    ...(workflow.expireDate === undefined ? {} : { expireDate: workflow.expireDate }),
    ...common,
  };
}
