import type { P21Client } from "../../client/index.js";
import { VerificationError } from "../../batch/index.js";
import type { OperationContext, RecordOperation, ReconcileContext } from "../../batch/index.js";
import { describePage, pageNaturalKey } from "../natural-keys.js";
import type { PricePageRow } from "../page-row.js";
import { activePagesLike, activePagesOfSupplier } from "./lookups.js";
import type { ServerPage } from "./lookups.js";
import { pageFieldChanges } from "./page-fields.js";
import { applyChanges, save, selectTab } from "./window-steps.js";
import type { Window } from "../../client/index.js";

/** One page to create, and the input row it came from. */
export interface CreatePageInput {
  /** The row of the input file, for result files. */
  readonly row?: number | undefined;
  readonly page: PricePageRow;
}

/** What creating a page yields. */
export interface CreatePageOutput {
  readonly pricePageUid: number;
}

/** How the fields of a tab are sent. */
export type ChangeMode = "tab" | "field";

/** Options of {@link createPricePageOperation}. */
export interface CreatePageOptions {
  /**
   * `tab`: each tab's fields in one change request (safe: a refused change fails the record,
   * the engine closes the window and nothing is saved); `field`: one request per field, for
   * servers that need it. @default "tab"
   */
  changeMode?: ChangeMode;
}

function sameId(left: string | undefined, right: string | undefined): boolean {
  return left?.toUpperCase() === right?.toUpperCase();
}

/** Whether a page on the server is the page an input describes (its natural key). */
export function isSamePage(server: ServerPage, page: PricePageRow): boolean {
  return (
    server.supplierId === page.supplierId &&
    server.description === page.description &&
    server.effectiveDate === page.effectiveDate &&
    (page.discountGroupId !== undefined
      ? sameId(server.discountGroupId, page.discountGroupId)
      : sameId(server.productGroupId, page.productGroupId))
  );
}

/**
 * Creates a SalesPricePage: the FORM fields in the server's order, then tab VALUES, then tab
 * COSTS when there is a commission cost; save, answer dialogs, take the new uid from the
 * `keygenerated` event. Reconciles through OData by supplier, group, description and
 * effective date among active pages.
 */
export function createPricePageOperation(
  options: CreatePageOptions = {},
): RecordOperation<CreatePageInput, CreatePageOutput> {
  const together = (options.changeMode ?? "tab") === "tab";

  return {
    kind: "record",
    name: "price-page.create",
    service: "SalesPricePage",
    naturalKey: (input) => pageNaturalKey(input.page),
    describe: (input) => describePage(input.page),

    async run(
      window: Window,
      input: CreatePageInput,
      context: OperationContext,
    ): Promise<CreatePageOutput> {
      const description = describePage(input.page);
      for (const tab of pageFieldChanges(input.page)) {
        if (tab.select) {
          await selectTab(window, tab.tab, description, context);
        }

        await applyChanges(window, tab.changes, together, description, context);
      }

      const result = await save(window, description, context);
      const pricePageUid = result.generatedKey;
      if (pricePageUid === undefined) {
        throw new VerificationError(
          `save of ${description} succeeded but announced no price_page_uid`,
          { windowId: window.id },
        );
      }

      return { pricePageUid };
    },

    async reconcile(
      client: P21Client,
      input: CreatePageInput,
      context: ReconcileContext,
    ): Promise<CreatePageOutput | undefined> {
      return newestLike(await activePagesLike(client, input.page, context.signal), input);
    },

    /** One lookup per supplier (its active pages), as the plan makes them. */
    async reconcileMany(
      client: P21Client,
      inputs: CreatePageInput[],
      context: ReconcileContext,
    ): Promise<(CreatePageOutput | undefined)[]> {
      const bySupplier = new Map<number, ServerPage[]>();
      for (const supplierId of new Set(inputs.map((input) => input.page.supplierId))) {
        bySupplier.set(supplierId, await activePagesOfSupplier(client, supplierId, context.signal));
      }

      return inputs.map((input) => newestLike(bySupplier.get(input.page.supplierId) ?? [], input));
    },
  };
}

/** The newest of `pages` that is the input's page: what a save of it created. */
function newestLike(
  pages: readonly ServerPage[],
  input: CreatePageInput,
): CreatePageOutput | undefined {
  const matches = pages.filter((server) => isSamePage(server, input.page));
  const newest = matches.sort((left, right) => right.pricePageUid - left.pricePageUid)[0];

  return newest === undefined ? undefined : { pricePageUid: newest.pricePageUid };
}

/** {@link createPricePageOperation} with the default options. */
export const createPricePage = createPricePageOperation();
