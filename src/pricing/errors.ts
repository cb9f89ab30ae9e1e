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

/** Something the plan found wrong with the input against what the server holds. */
export interface PlanProblem {
  /** Where it comes from: the input file, a replace's `--old` file, or a setting of the spec. */
  readonly source: "input" | "old" | "setting";
  /** The row of that file, when the spec says where its records came from. */
  readonly row?: number | undefined;
  readonly column?: string | undefined;
  /** The setting, for `source: "setting"`: `books`, `expireDate` or `company`. */
  readonly setting?: "books" | "expireDate" | "company" | undefined;
  /** A whole sentence, naming the record: it may be shown without a row. */
  readonly message: string;
}

/** The most problems a plan keeps; the rest are counted. */
export const PLAN_PROBLEM_LIMIT = 1_000;

/**
 * The plan found records the server would refuse or that would leave two active pages of one
 * supplier and group: a price book or a page that does not exist, an expiration before a
 * page's effective date, a new page overlapping an active one. Nothing was written.
 */
export class PlanProblemsError extends P21Error {
  override readonly name: string = "PlanProblemsError";

  constructor(
    readonly problems: readonly PlanProblem[],
    readonly omitted = 0,
  ) {
    const count = problems.length + omitted;
    const first = problems[0]?.message ?? "";
    super(
      "P21_PLAN_PROBLEMS",
      `${count} problem${count === 1 ? "" : "s"} found against the server's records, the first: ${first}`,
      {},
      "permanent",
    );
  }
}
