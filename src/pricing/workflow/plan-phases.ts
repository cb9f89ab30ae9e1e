import type { P21Client } from "../../client/index.js";
import { expirationNaturalKey, linkNaturalKey, pageNaturalKey } from "../natural-keys.js";
import { isSamePage } from "../operations/create-page.js";
import type { CreatePageInput } from "../operations/create-page.js";
import type { ExpirePageInput } from "../operations/expire-page.js";
import type { LinkInput } from "../operations/link-pages.js";
import type { ServerPage } from "../operations/lookups.js";
import type { PricePageRow } from "../page-row.js";
import { eachAtMost } from "./each-at-most.js";
import { expirationProblem, noSuchPage, PlanProblemList, serverProblems } from "./plan-checks.js";
import { ServerView, supplierLookupsAtOnce } from "./server-view.js";
import type { PendingLink, PlannedItem, WorkflowSpec } from "./types.js";

/** The items of each phase that can be known before anything is written. */
export interface PhasePlan {
  readonly expire: PlannedItem<ExpirePageInput>[];
  readonly create: PlannedItem<CreatePageInput>[];
  readonly link: PlannedItem<LinkInput>[];
  readonly linkAfterCreate: PendingLink[];
}

/** `YYYY-MM-DD` of the day before. */
export function dayBefore(date: string): string {
  const instant = new Date(`${date}T00:00:00Z`);
  instant.setUTCDate(instant.getUTCDate() - 1);
  return instant.toISOString().slice(0, 10);
}

/** Supplier and group of a page, as one key: `10001|PG01` or `10001|discount:DG01`. */
export function pairKey(page: {
  supplierId: number;
  productGroupId?: string | undefined;
  discountGroupId?: string | undefined;
}): string {
  return `${page.supplierId}|${page.discountGroupId !== undefined ? `discount:${page.discountGroupId}` : (page.productGroupId ?? "")}`;
}

/** The books a page is linked to: its own `books`, else the run's. */
export function booksOf(page: PricePageRow, books: readonly string[] | undefined): string[] {
  return [...(page.books ?? books ?? [])];
}

/**
 * Works out every item a workflow starts with, from the spec and read-only OData lookups (one
 * per supplier, one per book, uids and books 40 at a time): which old pages a replace expires,
 * which pages and links already exist (skipped), and which links wait for pages to be created.
 *
 * Throws {@link PlanProblemsError} with every record the server would refuse or that would
 * leave two active pages of one supplier and group (see plan-checks.ts), before anything is
 * written.
 */
export async function planPhases(
  client: P21Client,
  spec: WorkflowSpec,
  signal?: AbortSignal,
): Promise<PhasePlan> {
  const view = new ServerView(client, signal);
  const problems = new PlanProblemList();
  const pages = spec.kind === "create" || spec.kind === "replace" ? (spec.pages ?? []) : [];
  const rowOf = (index: number): number | undefined => spec.inputRows?.[index];

  // Each supplier's pages first, one lookup each, a few at a time; then the pages in
  // synchronous passes, without an await per page (100,000 turns of the event loop).
  const serverPagesOf = new Map<number, readonly ServerPage[]>();
  await eachAtMost(supplierLookupsAtOnce, [...supplierIdsOf(pages)], async (supplierId) => {
    serverPagesOf.set(supplierId, await view.activePages(supplierId));
  });

  const create = pages.map((page, index) =>
    plannedCreate(page, rowOf(index), serverPagesOf.get(page.supplierId) ?? []),
  );
  const newPagesByPair = pagesByPair(pages);

  const expire = await planExpirations(spec, view, newPagesByPair, rowOf, problems);
  await serverProblems(spec, view, { create, serverPagesOf, expire, rowOf }, problems);
  problems.throwIfAny();

  const { link, linkAfterCreate } = await planLinks(spec, view, create, rowOf);

  return { expire, create, link, linkAfterCreate };
}

// The passes over every page use forEach, not for…of: a loop that runs once over 100,000 pages
// allocates an iterator result per page until V8 gets round to optimizing it.

/** The suppliers of the pages, each once, in the order they first appear. */
function supplierIdsOf(pages: readonly PricePageRow[]): Set<number> {
  const supplierIds = new Set<number>();
  pages.forEach((page) => supplierIds.add(page.supplierId));

  return supplierIds;
}

/** The pages of each supplier and group ({@link pairKey}), in file order. */
function pagesByPair(pages: readonly PricePageRow[]): Map<string, PricePageRow[]> {
  const byPair = new Map<string, PricePageRow[]>();
  pages.forEach((page) => {
    const pair = pairKey(page);
    const pairPages = byPair.get(pair);
    if (pairPages === undefined) byPair.set(pair, [page]);
    else pairPages.push(page);
  });

  return byPair;
}

/** A page to create, or to skip when the server already has it. */
function plannedCreate(
  page: PricePageRow,
  row: number | undefined,
  serverPages: readonly ServerPage[],
): PlannedItem<CreatePageInput> {
  const input: CreatePageInput = { row, page };
  const naturalKey = pageNaturalKey(page);
  // Indexed, for the reason given above supplierIdsOf: this runs for each of 100,000 pages.
  for (let index = 0; index < serverPages.length; index += 1) {
    const existing = serverPages[index];
    if (existing !== undefined && isSamePage(existing, page)) {
      return {
        action: "skip",
        naturalKey,
        input,
        reason: `page ${existing.pricePageUid} already exists`,
        existing: { pricePageUid: existing.pricePageUid },
      };
    }
  }

  return { action: "run", naturalKey, input };
}

function expirationItem(
  input: ExpirePageInput,
  server: ServerPage | undefined,
): PlannedItem<ExpirePageInput> {
  const naturalKey = expirationNaturalKey(input);
  if (server?.expirationDate !== undefined && server.expirationDate === input.expirationDate) {
    return {
      action: "skip",
      naturalKey,
      input,
      reason: `page ${input.pricePageUid} already expires on ${input.expirationDate}`,
      existing: { pricePageUid: input.pricePageUid },
    };
  }

  return { action: "run", naturalKey, input };
}

/** The old page's pair, recorded with its expiration so that a failure can hold back its creates. */
function pairOf(server: ServerPage | undefined): Partial<ExpirePageInput> {
  if (server === undefined) {
    return {};
  }

  return {
    supplierId: server.supplierId,
    ...(server.discountGroupId !== undefined
      ? { discountGroupId: server.discountGroupId }
      : { productGroupId: server.productGroupId }),
  };
}

async function planExpirations(
  spec: WorkflowSpec,
  view: ServerView,
  newPagesByPair: ReadonlyMap<string, readonly PricePageRow[]>,
  rowOf: (index: number) => number | undefined,
  problems: PlanProblemList,
): Promise<PlannedItem<ExpirePageInput>[]> {
  const items: PlannedItem<ExpirePageInput>[] = [];
  const seen = new Set<number>();
  const add = (item: PlannedItem<ExpirePageInput>): void => {
    if (!seen.has(item.input.pricePageUid)) {
      seen.add(item.input.pricePageUid);
      items.push(item);
    }
  };

  const earliestEffective = (pair: string): string | undefined => {
    let earliest: string | undefined;
    for (const page of newPagesByPair.get(pair) ?? []) {
      if (earliest === undefined || page.effectiveDate < earliest) {
        earliest = page.effectiveDate;
      }
    }

    return earliest;
  };

  if (spec.kind === "expire") {
    const expirations = spec.expirations ?? [];
    const servers = await view.pages(expirations.map((expiration) => expiration.pricePageUid));
    expirations.forEach((expiration, index) => {
      const server = servers.get(expiration.pricePageUid);
      const row = rowOf(index);
      const problem = expirationProblem(expiration.pricePageUid, expiration.expirationDate, server);
      if (problem !== undefined) problems.add({ source: "input", row, ...problem });
      add(expirationItem({ row, ...expiration, ...pairOf(server) }, server));
    });
    return items;
  }

  if (spec.kind !== "replace") {
    return items;
  }

  if (spec.old === undefined || spec.old === "auto") {
    for (const [pair, newPages] of newPagesByPair) {
      const first = newPages[0];
      const effective = earliestEffective(pair);
      if (first === undefined || effective === undefined) {
        continue;
      }

      const expirationDate = spec.expireDate ?? dayBefore(effective);
      const serverPages = await view.activePages(first.supplierId);
      for (const server of serverPages) {
        const replaced =
          pairKey({
            supplierId: server.supplierId,
            productGroupId:
              server.discountGroupId === undefined ? server.productGroupId : undefined,
            discountGroupId: server.discountGroupId,
          }) === pair &&
          !newPages.some((page) => isSamePage(server, page)) &&
          server.effectiveDate !== undefined &&
          server.effectiveDate < effective &&
          (server.expirationDate === undefined || server.expirationDate > expirationDate);
        if (replaced && expirationDate < server.effectiveDate) {
          problems.add({
            source: "setting",
            setting: "expireDate",
            message:
              `${expirationDate} is before the effective date ${server.effectiveDate} of old ` +
              `page ${server.pricePageUid} ${JSON.stringify(server.description)}, which it would expire`,
          });
        }
        if (replaced) {
          add({
            action: "run",
            naturalKey: expirationNaturalKey(server),
            input: {
              pricePageUid: server.pricePageUid,
              expirationDate,
              replacedBy: pageNaturalKey(first),
              ...pairOf(server),
            },
            reason: `replaced by ${newPages.length} new page(s) of supplier ${first.supplierId}`,
          });
        }
      }
    }

    return items;
  }

  const servers = await view.pages(spec.old.map((old) => old.pricePageUid));
  for (const [index, old] of spec.old.entries()) {
    const server = servers.get(old.pricePageUid);
    const row = spec.oldRows?.[index];
    if (server === undefined) {
      problems.add({ source: "old", row, ...noSuchPage(old.pricePageUid) });
      continue;
    }

    const effective = server === undefined ? undefined : earliestEffective(pairKey(server));
    const expirationDate =
      old.expirationDate ??
      spec.expireDate ??
      (effective === undefined ? undefined : dayBefore(effective));
    if (expirationDate === undefined) {
      problems.add({
        source: "old",
        row,
        column: "expiration_date",
        message: `old page ${old.pricePageUid} has no expiration date and no new page of its supplier and group to date it from: give one, or --expire-date`,
      });
      continue;
    }

    const problem = expirationProblem(old.pricePageUid, expirationDate, server);
    if (problem !== undefined) problems.add({ source: "old", row, ...problem });
    // Its row is the old file's: the result files name it with the expiration.
    const input = { row, pricePageUid: old.pricePageUid, expirationDate, ...pairOf(server) };
    add(expirationItem(input, server));
  }

  return items;
}

async function planLinks(
  spec: WorkflowSpec,
  view: ServerView,
  create: readonly PlannedItem<CreatePageInput>[],
  rowOf: (index: number) => number | undefined,
): Promise<{ link: PlannedItem<LinkInput>[]; linkAfterCreate: PendingLink[] }> {
  const link: PlannedItem<LinkInput>[] = [];
  const seen = new Set<string>();
  const add = async (input: LinkInput): Promise<void> => {
    const naturalKey = linkNaturalKey(input);
    if (seen.has(naturalKey)) {
      return;
    }

    seen.add(naturalKey);
    const linked = (await view.linkedPages(input.bookId)).has(input.pricePageUid);
    link.push(
      linked
        ? {
            action: "skip",
            naturalKey,
            input,
            reason: `page ${input.pricePageUid} is already in book ${input.bookId}`,
            existing: { pricePageUid: input.pricePageUid },
          }
        : { action: "run", naturalKey, input },
    );
  };

  for (const [index, given] of (spec.links ?? []).entries()) {
    await add({ row: spec.kind === "link" ? rowOf(index) : undefined, ...given });
  }

  // Only the links of pages the server has are looked up; the others wait for their page.
  const existingPages = create.filter(
    (item): item is PlannedItem<CreatePageInput> & { existing: { pricePageUid: number } } =>
      item.existing !== undefined,
  );
  for (const { input, existing } of existingPages) {
    for (const bookId of input.page.books ?? spec.books ?? []) {
      await add({ row: input.row, bookId, pricePageUid: existing.pricePageUid });
    }
  }

  return { link, linkAfterCreate: pendingLinks(create, spec.books) };
}

/** The links of the pages to create, made once the create phase has their uids. */
function pendingLinks(
  create: readonly PlannedItem<CreatePageInput>[],
  books: readonly string[] | undefined,
): PendingLink[] {
  const links: PendingLink[] = [];
  create.forEach((item) => {
    if (item.existing !== undefined) {
      return;
    }

    for (const bookId of item.input.page.books ?? books ?? []) {
      links.push({ row: item.input.row, bookId, pageKey: item.naturalKey });
    }
  });

  return links;
}
