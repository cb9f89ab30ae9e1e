import { join } from "node:path";
import type { PlannedItem, WorkflowPlan } from "../../pricing/index.js";
import { csvFile, csvLine } from "./csv.js";
import { replaceFiles } from "./replace-files.js";

const header = [
  "input_row",
  "phase",
  "natural_key",
  "action",
  "uid",
  "book_id",
  "expiration_date",
  "note",
];

interface PlanInput {
  row?: unknown;
  pricePageUid?: unknown;
  bookId?: unknown;
  expirationDate?: unknown;
  replacedBy?: unknown;
}

function inputOf(item: PlannedItem<unknown>): PlanInput {
  return item.input ?? {};
}

/**
 * Every record of a dry run's plan, one line each, for a spreadsheet: what the terminal lists
 * only the first of. An old page that a replace found itself (`--old auto`) has no row of its
 * own and takes the row of the new page that replaces it, as in results.csv.
 */
export function planCsv(plan: WorkflowPlan): string {
  const createRows = new Map<string, unknown>();
  for (const item of plan.create) createRows.set(item.naturalKey, inputOf(item).row);

  const lines = [csvLine(header)];
  const add = (phase: string, item: PlannedItem<unknown>): void => {
    const input = inputOf(item);
    const row =
      input.row ?? (typeof input.replacedBy === "string" ? createRows.get(input.replacedBy) : "");
    // Why a record is skipped; else, for an old page, the new page that replaces it.
    const note =
      item.action !== "skip" && typeof input.replacedBy === "string"
        ? `replaced by ${input.replacedBy}`
        : (item.reason ?? "");
    lines.push(
      csvLine([
        row ?? "",
        phase,
        item.naturalKey,
        item.action,
        input.pricePageUid ?? item.existing?.pricePageUid ?? "",
        input.bookId ?? "",
        input.expirationDate ?? "",
        note,
      ]),
    );
  };

  for (const item of plan.expire) add("expire", item);
  for (const item of plan.create) add("create", item);
  for (const item of plan.link) add("link", item);
  for (const link of plan.linkAfterCreate) {
    lines.push(
      csvLine([
        link.row ?? "",
        "link",
        link.pageKey,
        "run",
        "",
        link.bookId,
        "",
        "to the page the run creates",
      ]),
    );
  }

  return csvFile(lines);
}

/** Writes `plan.csv` into `directory` and returns its path. */
export async function writePlanFile(directory: string, plan: WorkflowPlan): Promise<string> {
  const path = join(directory, "plan.csv");
  await replaceFiles([{ path, text: planCsv(plan) }]);

  return path;
}
