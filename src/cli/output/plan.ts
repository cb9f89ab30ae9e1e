import type { PlannedItem, WorkflowPlan } from "../../pricing/index.js";
import type { CliOutput } from "./cli-output.js";

/** Lines listed per section of a plan; the counts always cover everything. */
const itemsListed = 50;

function rowOf(item: PlannedItem<unknown>): string {
  const row = (item.input as { row?: unknown } | undefined)?.row;
  return typeof row === "number" ? `row ${row}: ` : "";
}

function describeExpire(item: PlannedItem<unknown>): string {
  const input = item.input as { pricePageUid: number; expirationDate: string; replacedBy?: string };
  const replaced = input.replacedBy === undefined ? "" : `, replaced by ${input.replacedBy}`;
  return `${rowOf(item)}page ${input.pricePageUid} expires on ${input.expirationDate}${replaced}`;
}

function describeCreate(item: PlannedItem<unknown>): string {
  return `${rowOf(item)}${item.naturalKey}`;
}

function describeLink(item: PlannedItem<unknown>): string {
  const input = item.input as { bookId: string; pricePageUid: number };
  return `${rowOf(item)}page ${input.pricePageUid} → book ${input.bookId}`;
}

/** The line under a list cut short: how many more, and where all of them are (or can be). */
function moreLine(count: number, planFile: string | undefined): string {
  const where =
    planFile === undefined ? "--out DIR writes every record to DIR/plan.csv" : `all in ${planFile}`;
  return `  … and ${count} more (${where})`;
}

function section(
  output: CliOutput,
  title: string,
  items: readonly PlannedItem<unknown>[],
  describe: (item: PlannedItem<unknown>) => string,
  planFile: string | undefined,
): void {
  if (items.length === 0) return;
  output.line(`\n${title} (${items.length}):`);
  for (const item of items.slice(0, itemsListed)) {
    output.line(
      `  ${describe(item)}${item.action === "skip" && item.reason ? ` — ${item.reason}` : ""}`,
    );
  }

  if (items.length > itemsListed) output.line(moreLine(items.length - itemsListed, planFile));
}

/** Prints what a dry run found: counts first, then the records of each kind. */
export function printPlan(
  output: CliOutput,
  plan: WorkflowPlan,
  options: { json: boolean; file: string; planFile?: string | undefined },
): void {
  const { planFile } = options;
  if (options.json) {
    output.json({ type: "plan", ...plan });
    return;
  }

  const running = (items: readonly PlannedItem<unknown>[]) =>
    items.filter((item) => item.action === "run");
  const skipped = [...plan.expire, ...plan.create, ...plan.link].filter(
    (item) => item.action === "skip",
  );

  output.line(`Plan for ${plan.kind} of ${options.file} (dry run: nothing was written)`);
  output.line(`  would expire  ${plan.counts.expire}`);
  output.line(`  would create  ${plan.counts.create}`);
  output.line(
    `  would link    ${plan.counts.link}` +
      (plan.linkAfterCreate.length > 0
        ? ` (${plan.linkAfterCreate.length} of them to pages created by the run)`
        : ""),
  );
  output.line(`  skipped       ${plan.counts.skipped} (already on the server)`);

  section(output, "Would expire", running(plan.expire), describeExpire, planFile);
  section(output, "Would create", running(plan.create), describeCreate, planFile);
  section(output, "Would link", running(plan.link), describeLink, planFile);
  if (plan.linkAfterCreate.length > 0) {
    output.line(`\nWould link after creating (${plan.linkAfterCreate.length}):`);
    for (const link of plan.linkAfterCreate.slice(0, itemsListed)) {
      output.line(
        `  ${link.row === undefined ? "" : `row ${link.row}: `}${link.pageKey} → book ${link.bookId}`,
      );
    }

    if (plan.linkAfterCreate.length > itemsListed) {
      output.line(moreLine(plan.linkAfterCreate.length - itemsListed, planFile));
    }
  }

  section(
    output,
    "Skipped",
    skipped,
    (item) =>
      plan.expire.includes(item as never)
        ? describeExpire(item)
        : plan.link.includes(item as never)
          ? describeLink(item)
          : describeCreate(item),
    planFile,
  );
  if (planFile !== undefined) output.line(`\nEvery record of the plan: ${planFile}`);
}
