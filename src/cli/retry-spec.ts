import type { Journal, RunRecord } from "../journal/index.js";
import type { WorkflowKind, WorkflowSpec } from "../pricing/index.js";
import type { PricePageRow } from "../pricing/page-row.js";
import {
  bookIdOf,
  expirationDateOf,
  pageOf,
  phaseKind,
  pricePageUidOf,
} from "./results/item-view.js";
import { storedRunOptions } from "./start-run.js";

const workflowKinds: readonly WorkflowKind[] = ["create", "expire", "link", "replace"];

/**
 * The spec of a new run that retries only the failed records of `run`: failed expirations by
 * uid, failed creates with their page (and its books), failed links by book and uid. Undefined
 * when nothing failed.
 */
export function retrySpec(journal: Journal, run: RunRecord): WorkflowSpec | undefined {
  const failed = journal.items(run.id, { states: ["failed"] });
  if (failed.length === 0) return undefined;

  const stored = storedRunOptions(run.options);
  const expirations: { pricePageUid: number; expirationDate: string }[] = [];
  const pages: PricePageRow[] = [];
  const links: { bookId: string; pricePageUid: number }[] = [];
  for (const item of failed) {
    const kind = phaseKind(item.phase);
    const uid = pricePageUidOf(item);
    if (kind === "expire" && uid !== undefined) {
      const expirationDate = expirationDateOf(item) ?? stored.expireDate;
      if (expirationDate !== undefined) expirations.push({ pricePageUid: uid, expirationDate });
    } else if (kind === "create") {
      const page = pageOf(item);
      if (page !== undefined) pages.push(page);
    } else if (kind === "link") {
      const bookId = bookIdOf(item);
      if (bookId !== undefined && uid !== undefined) links.push({ bookId, pricePageUid: uid });
    }
  }

  const common = {
    ...(stored.changeMode === undefined ? {} : { changeMode: stored.changeMode }),
    ...(stored.linkMode === undefined ? {} : { linkMode: stored.linkMode }),
    ...(stored.company === undefined ? {} : { company: stored.company }),
  };
  const only = (kinds: number) =>
    [expirations.length, pages.length, links.length].filter((n) => n > 0).length === kinds;

  if (only(1) && expirations.length > 0) return { kind: "expire", expirations, ...common };
  if (only(1) && links.length > 0) return { kind: "link", links, ...common };

  const originalKind = workflowKinds.includes(run.kind as WorkflowKind)
    ? (run.kind as WorkflowKind)
    : "create";
  const kind: WorkflowKind =
    expirations.length > 0 ? "replace" : originalKind === "replace" ? "create" : originalKind;

  return {
    kind,
    pages,
    ...(links.length > 0 ? { links } : {}),
    ...(kind === "replace"
      ? {
          old: expirations.map((expiration) => ({ pricePageUid: expiration.pricePageUid })),
          ...(stored.expireDate === undefined ? {} : { expireDate: stored.expireDate }),
        }
      : {}),
    ...(stored.books === undefined ? {} : { books: stored.books }),
    ...common,
  };
}
