import type { P21Client, Window } from "../../client/index.js";
import { RecordRefusedError, VerificationError } from "../../batch/index.js";
import type { OperationContext, RecordOperation, ReconcileContext } from "../../batch/index.js";
import { expirationNaturalKey } from "../natural-keys.js";
import { pagesByUid } from "./lookups.js";
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

/** Who reads an expiration back: the engine for the whole batch (OData), or each record. */
export type ExpireReadBack = "batch" | "record";

/**
 * The page's expiration date as the window shows it after the save (its `form` data); undefined
 * when the window does not tell.
 */
async function windowExpiration(
  window: Window,
  context: OperationContext,
): Promise<string | undefined> {
  const form = (await window.data({ signal: context.signal })).find(
    (datawindow) => datawindow.name === "form",
  );
  const value = form?.value("expiration_date");

  return value === undefined ? undefined : (value ?? "");
}

/** For each input, its output when the server's page has the expiration date, else undefined. */
async function expiredAsWanted(
  client: P21Client,
  inputs: readonly ExpirePageInput[],
  signal: AbortSignal,
): Promise<(ExpirePageOutput | undefined)[]> {
  const pages = await pagesByUid(
    client,
    inputs.map((input) => input.pricePageUid),
    signal,
  );

  return inputs.map((input) =>
    pages.get(input.pricePageUid)?.expirationDate === input.expirationDate
      ? { pricePageUid: input.pricePageUid, expirationDate: input.expirationDate }
      : undefined,
  );
}

/**
 * Expires a SalesPricePage: load it by uid (a load that is not a success, such as the Status-2
 * "Enter a valid ID" of an unknown uid, refuses the record), change `expiration_date`, save.
 * The save is read back through OData for the whole batch at once (`readBack: "batch"`, the
 * default: what the database holds, one query per batch; setting the date again is harmless,
 * so the engine may send a record again once the server says it lacks the date), or from the
 * window's own data after every save (`"record"`, as the reference pattern does). Reconciles
 * by reading the pages' expiration dates.
 */
export function expirePricePageOperation(
  options: { readBack?: ExpireReadBack } = {},
): RecordOperation<ExpirePageInput, ExpirePageOutput> {
  const readBack = options.readBack ?? "batch";

  return {
    kind: "record",
    name: "price-page.expire",
    service: "SalesPricePage",
    naturalKey: expirationNaturalKey,
    describe: describeExpiration,
    readBack: readBack === "batch" ? "batch" : "run",

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

      const shown = readBack === "record" ? await windowExpiration(window, context) : undefined;
      if (shown !== undefined && !shown.startsWith(input.expirationDate)) {
        throw new VerificationError(
          `${description}: the window reads back expiration date ${shown === "" ? "none" : shown}`,
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
      return (await expiredAsWanted(client, [input], context.signal))[0];
    },

    reconcileMany(
      client: P21Client,
      inputs: ExpirePageInput[],
      context: ReconcileContext,
    ): Promise<(ExpirePageOutput | undefined)[]> {
      return expiredAsWanted(client, inputs, context.signal);
    },
  };
}

/** {@link expirePricePageOperation} with its defaults, ready to run. */
export const expirePricePage = expirePricePageOperation();
