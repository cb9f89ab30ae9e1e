import { P21Error } from "../../client/index.js";
import type { P21Client, Window } from "../../client/index.js";
import { RecordRefusedError, VerificationError } from "../../batch/index.js";
import type {
  GroupOperation,
  OperationContext,
  RecordOperation,
  ReconcileContext,
} from "../../batch/index.js";
import { linkNaturalKey } from "../natural-keys.js";
import { linkedPagesAmong } from "./lookups.js";
import { applyChanges, save, selectTab, settled } from "./window-steps.js";

/** One page to add to one price book. */
export interface LinkInput {
  readonly row?: number | undefined;
  readonly bookId: string;
  readonly pricePageUid: number;
}

/** What a link yields: the pair, now on the server. */
export interface LinkOutput {
  readonly bookId: string;
  readonly pricePageUid: number;
}

function describeLink(input: LinkInput): string {
  return `link of price page ${input.pricePageUid} to price book ${input.bookId}`;
}

function describeGroup(bookId: string, inputs: readonly LinkInput[]): string {
  return `${inputs.length} link(s) to price book ${bookId}`;
}

/** Loads a book into a SalesPriceBook window and selects its LIST tab. */
async function loadBook(
  window: Window,
  bookId: string,
  description: string,
  context: OperationContext,
): Promise<void> {
  const load = await settled(
    await window.change("FORM", "form", "price_book_id", bookId, { signal: context.signal }),
    context,
  );
  if (!load.ok) {
    throw new RecordRefusedError(`no such price book: ${description}`, load, {
      field: "price_book_id",
    });
  }

  await selectTab(window, "LIST", description, context);
}

/** Adds one row to `list_detail` and keys the page uid into it (the key goes last). */
async function addLinkRow(
  window: Window,
  input: LinkInput,
  context: OperationContext,
): Promise<void> {
  const description = describeLink(input);
  const added = await settled(
    await window.addRow("list_detail", { signal: context.signal }),
    context,
  );
  if (!added.ok) {
    throw new RecordRefusedError(`new list row refused for ${description}`, added);
  }

  await applyChanges(
    window,
    [
      {
        tab: "LIST",
        datawindow: "list_detail",
        field: "price_page_uid",
        value: String(input.pricePageUid),
      },
    ],
    true,
    description,
    context,
  );
}

/**
 * The uids the book holds after the save: through OData (`price_book_x_page`, what the database
 * holds: a save can report success while new grid rows never persisted), or from the window's
 * `list_detail` rows as the reference pattern reads them; undefined when the window does not
 * tell.
 */
async function readBackLinks(
  window: Window,
  bookId: string,
  inputs: readonly LinkInput[],
  context: OperationContext,
  via: "odata" | "window",
): Promise<Set<number> | undefined> {
  if (via === "odata") {
    const uids = inputs.map((input) => input.pricePageUid);
    return linkedPagesAmong(context.client, bookId, uids, context.signal);
  }

  const list = (await window.data({ signal: context.signal })).find(
    (datawindow) => datawindow.name === "list_detail",
  );
  if (list === undefined || !list.columns.includes("price_page_uid")) {
    return undefined;
  }

  return new Set(list.rows.map((_, row) => Number(list.value("price_page_uid", row))));
}

async function verifyLinks(
  window: Window,
  bookId: string,
  inputs: readonly LinkInput[],
  context: OperationContext,
  via: "odata" | "window",
): Promise<void> {
  let linked: Set<number> | undefined;
  try {
    linked = await readBackLinks(window, bookId, inputs, context, via);
  } catch (error) {
    // The save answered: a read-back that fails leaves it unknown whether the rows persisted,
    // and sending them again would be refused ("already in price book"). Ambiguous, so the
    // engine asks the server first.
    if (!(error instanceof P21Error) || error.code === "P21_ABORTED") throw error;
    throw new VerificationError(
      `${describeGroup(bookId, inputs)}: the save answered, but its read-back failed (${error.code})`,
      { windowId: window.id, cause: error },
    );
  }

  const missing = inputs.filter((input) => linked !== undefined && !linked.has(input.pricePageUid));
  if (missing.length > 0) {
    throw new VerificationError(
      `${describeGroup(bookId, inputs)}: after the save the book lacks page(s) ${missing
        .map((input) => input.pricePageUid)
        .join(", ")}`,
      { windowId: window.id },
    );
  }
}

async function reconcileLinks(
  client: P21Client,
  inputs: readonly LinkInput[],
  context: ReconcileContext,
): Promise<(LinkOutput | undefined)[]> {
  const books = new Map<string, Set<number>>();
  for (const bookId of new Set(inputs.map((input) => input.bookId))) {
    const uids = inputs
      .filter((input) => input.bookId === bookId)
      .map((input) => input.pricePageUid);
    books.set(bookId, await linkedPagesAmong(client, bookId, uids, context.signal));
  }

  return inputs.map((input) =>
    books.get(input.bookId)?.has(input.pricePageUid) === true
      ? { bookId: input.bookId, pricePageUid: input.pricePageUid }
      : undefined,
  );
}

/**
 * Links pages to price books, one group per book: load the book once, tab LIST, a
 * `list_detail` row per page, one save, then a read-back of the book's pages through OData
 * (one query per book; the window's rows would show a row that never persisted). Reconciles by
 * reading which links exist (`price_book_x_page`).
 */
export function linkPagesToBookOperation(): GroupOperation<LinkInput, LinkOutput> {
  return {
    kind: "group",
    name: "price-book.link",
    service: "SalesPriceBook",
    naturalKey: linkNaturalKey,
    describe: describeLink,
    groupKey: (input) => input.bookId,

    async runGroup(
      window: Window,
      inputs: LinkInput[],
      context: OperationContext,
    ): Promise<LinkOutput[]> {
      const bookId = inputs[0]?.bookId;
      if (bookId === undefined) {
        return [];
      }

      const description = describeGroup(bookId, inputs);
      await loadBook(window, bookId, description, context);
      for (const input of inputs) {
        await addLinkRow(window, input, context);
      }

      await save(window, description, context);
      await verifyLinks(window, bookId, inputs, context, "odata");

      return inputs.map((input) => ({ bookId: input.bookId, pricePageUid: input.pricePageUid }));
    },

    reconcile: (client, inputs, context) => reconcileLinks(client, inputs, context),
  };
}

/**
 * The reference pattern's link: one load of the book and one save per link (the engine still
 * reuses the window within a batch), read back from the window's rows. Kept for the benchmark
 * against the grouped link.
 */
export function linkPageToBookOperation(): RecordOperation<LinkInput, LinkOutput> {
  return {
    kind: "record",
    name: "price-book.link-one",
    service: "SalesPriceBook",
    naturalKey: linkNaturalKey,
    describe: describeLink,

    async run(window: Window, input: LinkInput, context: OperationContext): Promise<LinkOutput> {
      const description = describeLink(input);
      await loadBook(window, input.bookId, description, context);
      await addLinkRow(window, input, context);
      await save(window, description, context);
      await verifyLinks(window, input.bookId, [input], context, "window");

      return { bookId: input.bookId, pricePageUid: input.pricePageUid };
    },

    async reconcile(client, input, context) {
      const [output] = await reconcileLinks(client, [input], context);
      return output;
    },
  };
}

/** {@link linkPagesToBookOperation}, ready to run. */
export const linkPagesToBook = linkPagesToBookOperation();
/** {@link linkPageToBookOperation}, ready to run. */
export const linkPageToBook = linkPageToBookOperation();
