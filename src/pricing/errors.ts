import { P21Error } from "../client/index.js";

/**
 * A workflow was asked for something it cannot do: a replace without pages, an expiration
 * without a date, rows that do not validate. Nothing was sent.
 */
export class WorkflowSpecError extends P21Error {
  override readonly name: string = "WorkflowSpecError";

  constructor(message: string) {
    super("P21_WORKFLOW_SPEC", message, {}, "permanent");
  }
}
