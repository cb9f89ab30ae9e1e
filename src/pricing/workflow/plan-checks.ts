import { PLAN_PROBLEM_LIMIT, PlanProblemsError } from "../errors.js";
import type { PlanProblem } from "../errors.js";
import type { CreatePageInput } from "../operations/create-page.js";
import type { ExpirePageInput } from "../operations/expire-page.js";
import { ACTIVE } from "../operations/lookups.js";
import type { ServerPage } from "../operations/lookups.js";
import { referenceProblems } from "./reference-problems.js";
import type { ServerView } from "./server-view.js";
import type { PlannedItem, WorkflowSpec } from "./types.js";

const sourceOrder: Record<PlanProblem["source"], number> = { setting: 0, input: 1, old: 2 };

/** A plan's problems, kept up to {@link PLAN_PROBLEM_LIMIT} and counted past it. */
export class PlanProblemList {
  readonly #problems: PlanProblem[] = [];
  #omitted = 0;

  add(problem: PlanProblem): void {
    if (this.#problems.length < PLAN_PROBLEM_LIMIT) this.#problems.push(problem);
    else this.#omitted += 1;
  }

  /** Throws every problem, the settings' first, then each file's in row order. */
  throwIfAny(): void {
    if (this.#problems.length === 0) return;

    const sorted = this.#problems
      .map((problem, index) => ({ problem, index }))
      .sort(
        (left, right) =>
          sourceOrder[left.problem.source] - sourceOrder[right.problem.source] ||
          (left.problem.row ?? 0) - (right.problem.row ?? 0) ||
          left.index - right.index,
      )
      .map((entry) => entry.problem);
    throw new PlanProblemsError(sorted, this.#omitted);
  }
}

/** Every price book a spec names: its `books`, each page's own, each link's. */
export function booksNamed(spec: WorkflowSpec): string[] {
  const books = new Set<string>(spec.books ?? []);
  (spec.pages ?? []).forEach((page) => page.books?.forEach((bookId) => books.add(bookId)));
  (spec.links ?? []).forEach((link) => books.add(link.bookId));

  return [...books];
}

/** A problem for each place the spec names a price book the server does not have. */
export function missingBookProblems(
  spec: WorkflowSpec,
  existing: ReadonlySet<string>,
  rowOf: (index: number) => number | undefined,
  problems: PlanProblemList,
): void {
  const missing = (bookId: string): boolean => !existing.has(bookId.toUpperCase());
  const noSuchBook = (bookId: string): string =>
    `there is no price book ${JSON.stringify(bookId)} on the server`;

  for (const bookId of spec.books ?? []) {
    if (missing(bookId)) {
      problems.add({ source: "setting", setting: "books", message: noSuchBook(bookId) });
    }
  }

  (spec.pages ?? []).forEach((page, index) => {
    for (const bookId of page.books ?? []) {
      if (!missing(bookId)) continue;

      const message = `${noSuchBook(bookId)} (page ${JSON.stringify(page.description)})`;
      problems.add({ source: "input", row: rowOf(index), column: "books", message });
    }
  });

  // The links of a link file have its rows; those of a retry beside pages have none.
  (spec.links ?? []).forEach((link, index) => {
    if (!missing(link.bookId)) return;

    problems.add({
      source: "input",
      row: spec.kind === "link" ? rowOf(index) : undefined,
      column: "price_book_id",
      message: `${noSuchBook(link.bookId)} (link of page ${link.pricePageUid})`,
    });
  });
}

/** A problem for each link to a page the server does not have. */
export function missingLinkPageProblems(
  spec: WorkflowSpec,
  existing: ReadonlyMap<number, ServerPage>,
  rowOf: (index: number) => number | undefined,
  problems: PlanProblemList,
): void {
  (spec.links ?? []).forEach((link, index) => {
    if (existing.has(link.pricePageUid)) return;

    const { column, message } = noSuchPage(link.pricePageUid);
    problems.add({
      source: "input",
      row: spec.kind === "link" ? rowOf(index) : undefined,
      column,
      message: `${message} (link to book ${JSON.stringify(link.bookId)})`,
    });
  });
}

/** The problem of a page the input names and the server does not have. */
export function noSuchPage(pricePageUid: number): { column: string; message: string } {
  return {
    column: "price_page_uid",
    message: `there is no price page ${pricePageUid} on the server`,
  };
}

/**
 * What is wrong with setting page `pricePageUid`'s expiration date to `expirationDate`, given
 * the page as the server has it: no such page, a date before it takes effect, or a date that
 * would make an expired page active again.
 */
export function expirationProblem(
  pricePageUid: number,
  expirationDate: string,
  server: ServerPage | undefined,
): Pick<PlanProblem, "column" | "message"> | undefined {
  if (server === undefined) return noSuchPage(pricePageUid);

  const { effectiveDate, expirationDate: expiredOn } = server;
  if (effectiveDate !== undefined && expirationDate < effectiveDate) {
    return {
      column: "expiration_date",
      message: `${expirationDate} is before page ${pricePageUid}'s effective date ${effectiveDate}`,
    };
  }

  if (server.rowStatus !== ACTIVE && expiredOn !== undefined && expirationDate > expiredOn) {
    return {
      column: "expiration_date",
      message: `page ${pricePageUid} expired on ${expiredOn}: ${expirationDate} would make it active again`,
    };
  }

  return undefined;
}

/** Supplier, company and group (product or discount), as the server compares pages. */
function groupKey(page: {
  supplierId: number;
  companyId: string | undefined;
  productGroupId?: string | undefined;
  discountGroupId?: string | undefined;
}): string {
  const company = (page.companyId ?? "").toUpperCase();
  const group =
    page.discountGroupId === undefined
      ? `product:${(page.productGroupId ?? "").toUpperCase()}`
      : `discount:${page.discountGroupId.toUpperCase()}`;

  return `${page.supplierId}|${company}|${group}`;
}

/** Two date ranges, both ends included, overlap; a range without an end runs on forever. */
function overlaps(
  start: string,
  end: string | undefined,
  otherStart: string,
  otherEnd: string | undefined,
): boolean {
  return start <= (otherEnd ?? "9999") && otherStart <= (end ?? "9999");
}

function range(start: string | undefined, end: string | undefined): string {
  return `from ${start ?? "no date"} ${end === undefined ? "with no end" : `to ${end}`}`;
}

/**
 * A problem for each page to create whose dates overlap an active page of the same supplier,
 * company and group on the server, as that page will stand once the plan's expirations are
 * made: two active pages of one supplier and group apply unpredictably, and the save stops
 * at the server's warning.
 */
export function overlapProblems(
  create: readonly PlannedItem<CreatePageInput>[],
  serverPagesOf: ReadonlyMap<number, readonly ServerPage[]>,
  expire: readonly PlannedItem<ExpirePageInput>[],
  problems: PlanProblemList,
): void {
  const expiresOn = new Map<number, string>();
  expire.forEach((item) => {
    if (item.action === "run") expiresOn.set(item.input.pricePageUid, item.input.expirationDate);
  });

  // The server's pages by group, each key made once: a file of 100,000 pages is compared
  // with the few pages of its own group, not with every page of its supplier.
  const serverPagesByGroup = new Map<string, ServerPage[]>();
  serverPagesOf.forEach((pages) => {
    pages.forEach((server) => {
      if (server.effectiveDate === undefined) return;

      const key = groupKey(server);
      const group = serverPagesByGroup.get(key);
      if (group === undefined) serverPagesByGroup.set(key, [server]);
      else group.push(server);
    });
  });

  create.forEach((item) => {
    if (item.action !== "run") return;

    const { page, row } = item.input;
    const serverPages = serverPagesByGroup.get(groupKey(page)) ?? [];
    for (let index = 0; index < serverPages.length; index += 1) {
      const server = serverPages[index] as ServerPage & { effectiveDate: string };
      const end = expiresOn.get(server.pricePageUid) ?? server.expirationDate;
      if (!overlaps(page.effectiveDate, page.expirationDate, server.effectiveDate, end)) continue;

      problems.add({
        source: "input",
        row,
        column: "effective_date",
        message:
          `page ${JSON.stringify(page.description)} (${range(page.effectiveDate, page.expirationDate)}) ` +
          `overlaps active page ${server.pricePageUid} ${JSON.stringify(server.description)} ` +
          `(${range(server.effectiveDate, end)}) of the same supplier, company and group on the ` +
          "server: expire that page first, or change this one's dates",
      });
    }
  });
}

/** What the plan has worked out when it looks for problems. */
export interface PlannedSoFar {
  readonly create: readonly PlannedItem<CreatePageInput>[];
  readonly serverPagesOf: ReadonlyMap<number, readonly ServerPage[]>;
  readonly expire: readonly PlannedItem<ExpirePageInput>[];
  readonly rowOf: (index: number) => number | undefined;
}

/**
 * Adds the problems a plan finds against the server beyond its expirations': new pages that
 * overlap active ones (unless the spec allows them); companies, suppliers, product and
 * discount groups, books and linked pages that do not exist. One OData query per 40 of each.
 */
export async function serverProblems(
  spec: WorkflowSpec,
  view: ServerView,
  planned: PlannedSoFar,
  problems: PlanProblemList,
): Promise<void> {
  const { create, serverPagesOf, expire, rowOf } = planned;
  if (spec.overlaps !== "allow") overlapProblems(create, serverPagesOf, expire, problems);

  await referenceProblems(spec, view, rowOf, problems);

  const books = booksNamed(spec);
  if (books.length > 0) {
    missingBookProblems(spec, await view.existingBooks(books), rowOf, problems);
  }

  const links = spec.links ?? [];
  if (links.length > 0) {
    const linkedPages = await view.pages(links.map((link) => link.pricePageUid));
    missingLinkPageProblems(spec, linkedPages, rowOf, problems);
  }
}
