import type { P21Client } from "../../client/index.js";
import type { OperationContext } from "../../batch/index.js";

/**
 * The client an operation reads back through (OData), when the engine hands one over in the
 * operation context (`context.client`).
 *
 * Known limit: the engine's OperationContext has no client today, so the read-backs after a
 * save read the window's own data (`GET /v2/data`: the saved page's expiration date, the
 * book's link rows) rather than the database; reconciliation through OData still guards every
 * ambiguous save.
 */
export function readBackClient(context: OperationContext): P21Client | undefined {
  const candidate = (context as OperationContext & { client?: unknown }).client;
  return typeof candidate === "object" && candidate !== null && "odata" in candidate
    ? (candidate as P21Client)
    : undefined;
}
