import type { P21Client } from "../../client/index.js";
import type { OperationContext } from "../../batch/index.js";

/**
 * The client an operation reads back through (OData), when the engine hands one over in the
 * operation context (`context.client`).
 *
 * Known limit: the engine contract does not promise a client in the context; without one the
 * read-back after a save is skipped and the save's own success is trusted, with
 * reconciliation through OData still guarding every ambiguous save.
 */
export function readBackClient(context: OperationContext): P21Client | undefined {
  const candidate = (context as OperationContext & { client?: unknown }).client;
  return typeof candidate === "object" && candidate !== null && "odata" in candidate
    ? (candidate as P21Client)
    : undefined;
}
