import type { P21Client } from "../../client/index.js";
import type { Journal } from "../../journal/index.js";
import { isSamePage } from "../operations/create-page.js";
import type { CreatePageInput, CreatePageOutput } from "../operations/create-page.js";
import type { LinkInput } from "../operations/link-pages.js";
import { activePagesOfSupplier, linkedPagesOfBook } from "../operations/lookups.js";
import type { ServerPage } from "../operations/lookups.js";
import { PHASES } from "./types.js";

/**
 * Settles `skipped` the pending creates whose page the server already has: made since the run
 * was planned, by another run of the same file or by hand. Sending them would make a second
 * page (nothing in the API is idempotent). One OData query per supplier. Answers how many.
 */
export async function skipPendingCreatesTheServerHas(
  journal: Journal,
  runId: string,
  client: P21Client,
  signal?: AbortSignal,
): Promise<number> {
  const pending = journal.items(runId, { phase: PHASES.create, states: ["pending"] });
  const pagesOf = new Map<number, ServerPage[]>();
  for (const item of pending) {
    const { supplierId } = (item.input as CreatePageInput).page;
    if (!pagesOf.has(supplierId)) {
      pagesOf.set(supplierId, await activePagesOfSupplier(client, supplierId, signal));
    }
  }

  const found = pending.flatMap((item) => {
    const { page } = item.input as CreatePageInput;
    const existing = pagesOf.get(page.supplierId)?.find((server) => isSamePage(server, page));
    return existing === undefined ? [] : [{ item, existing }];
  });
  journal.transaction(() => {
    for (const { item, existing } of found) {
      const result: CreatePageOutput = { pricePageUid: existing.pricePageUid };
      journal.settle(item.id, { state: "skipped", result });
    }
  });

  return found.length;
}

/**
 * Settles `skipped` the pending links the server already has (see
 * {@link skipPendingCreatesTheServerHas}). One OData query per book. Answers how many.
 */
export async function skipPendingLinksTheServerHas(
  journal: Journal,
  runId: string,
  client: P21Client,
  signal?: AbortSignal,
): Promise<number> {
  const pending = journal.items(runId, { phase: PHASES.link, states: ["pending"] });
  const linkedOf = new Map<string, Set<number>>();
  for (const item of pending) {
    const { bookId } = item.input as LinkInput;
    if (!linkedOf.has(bookId)) {
      linkedOf.set(bookId, await linkedPagesOfBook(client, bookId, signal));
    }
  }

  const found = pending.filter((item) => {
    const { bookId, pricePageUid } = item.input as LinkInput;
    return linkedOf.get(bookId)?.has(pricePageUid) === true;
  });
  journal.transaction(() => {
    for (const item of found) {
      // As the plan settles a link the server has: its page.
      const { pricePageUid } = item.input as LinkInput;
      journal.settle(item.id, { state: "skipped", result: { pricePageUid } });
    }
  });

  return found.length;
}
