import type { P21Client, Window } from "../../client/index.js";
import { RecordRefusedError, VerificationError } from "../../batch/index.js";
import type { OperationContext, RecordOperation, ReconcileContext } from "../../batch/index.js";
import { expirationNaturalKey } from "../natural-keys.js";
import { pagesByUid } from "./lookups.js";
import { readBackClient } from "./read-back.js";
import { applyChanges, save, settled } from "./window-steps.js";

/** One page to expire. */
export interface ExpirePageInput {
  readonly row?: number | undefined;
  readonly pricePageUid: number;
  /** `YYYY-MM-DD`. */
  readonly expirationDate: string;
  /** For a replace: the new page that replaces this one (its natural key). */
  readonly replacedBy?: string | undefined;
  /** The page's supplier and group, when known: a replace holds back their new pages if it fails. */
  readonly supplierId?: number | undefined;
  readonly productGroupId?: string | undefined;
  readonly discountGroupId?: string | undefined;
}

/** What expiring a page yields. */
export interface ExpirePageOutput {
  readonly pricePageUid: number;
  readonly expirationDate: string;
}

function describeExpiration(input: ExpirePageInput): string {
  return `expiration of price page ${input.pricePageUid} on ${input.expirationDate}`;
}

/**
 * The page's expiration date as the server has it after the save: through OData when the
 * engine offers a client, else from the window's `form` data (the reference pattern's
 * read-back); undefined when neither can tell.
 */
async function readBackExpiration(
  window: Window,
  input: ExpirePageInput,
  context: OperationContext,
): Promise<string | undefined> {
  const client = readBackClient(context);
  if (client !== undefined) {
    const pages = await pagesByUid(client, [input.pricePageUid], context.signal);
    return pages.get(input.pricePageUid)?.expirationDate ?? "";
  }

  const form = (await window.data({ signal: context.signal })).find(
    (datawindow) => datawindow.name === "form",
  );
  const value = form?.value("expiration_date");

  return value === undefined ? undefined : (value ?? "");
}

/**
 * Expires a SalesPricePage: load it by uid (a load that is not a success, such as the Status-2
 * "Enter a valid ID" of an unknown uid, refuses the record), change `expiration_date`, save,
 * then read the page back through OData. Reconciles by reading the page's expiration date.
 */
export function expirePricePageOperation(): RecordOperation<ExpirePageInput, ExpirePageOutput> {
  return {
    kind: "record",
    name: "price-page.expire",
    service: "SalesPricePage",
    naturalKey: expirationNaturalKey,
    describe: describeExpiration,

    async run(
      window: Window,
      input: ExpirePageInput,
      context: OperationContext,
    ): Promise<ExpirePageOutput> {
      const description = describeExpiration(input);
      const load = await settled(
        await window.change("FORM", "form", "price_page_uid", String(input.pricePageUid), {
          signal: context.signal,
        }),
        context,
      );
      if (!load.ok) {
        throw new RecordRefusedError(`no such page: ${description}`, load, {
          field: "price_page_uid",
        });
      }

      await applyChanges(
        window,
        [
          {
            tab: "FORM",
            datawindow: "form",
            field: "expiration_date",
            value: input.expirationDate,
          },
        ],
        true,
        description,
        context,
      );
      await save(window, description, context);

      const readBack = await readBackExpiration(window, input, context);
      if (readBack !== undefined && !readBack.startsWith(input.expirationDate)) {
        throw new VerificationError(
          `${description}: the server reads back expiration date ${readBack === "" ? "none" : readBack}`,
          { field: "expiration_date", windowId: window.id },
        );
      }

      return { pricePageUid: input.pricePageUid, expirationDate: input.expirationDate };
    },

    async reconcile(
      client: P21Client,
      input: ExpirePageInput,
      context: ReconcileContext,
    ): Promise<ExpirePageOutput | undefined> {
      const page = (await pagesByUid(client, [input.pricePageUid], context.signal)).get(
        input.pricePageUid,
      );

      return page?.expirationDate === input.expirationDate
        ? { pricePageUid: input.pricePageUid, expirationDate: input.expirationDate }
        : undefined;
    },
  };
}

/** {@link expirePricePageOperation}, ready to run. */
export const expirePricePage = expirePricePageOperation();
