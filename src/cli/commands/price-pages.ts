import { resolve } from "node:path";
import { Option, type Command } from "commander";
import type { WorkflowKind } from "../../pricing/index.js";
import { createClient } from "../client-factory.js";
import { resolveConnection } from "../config/connection.js";
import {
  addConnectionOptions,
  addOutputOptions,
  addRunOptions,
  wholeNumber,
  type CommonFlags,
} from "../config/options.js";
import { action, type CommandContext } from "../context.js";
import { ensureResultDirectory } from "../execute-run.js";
import { writePlanFile } from "../results/plan-file.js";
import { startWorkflowRun } from "../start-run.js";
import { readWorkflowInput, type WorkflowFlags } from "../workflow-input.js";
import { printPlan } from "../output/plan.js";
import { createCliLogger } from "../output/logger.js";
import { ExitCode } from "../io.js";
import { planWorkflow } from "../../pricing/index.js";
import { withPlanProblemsAsInput } from "../plan-problems.js";

type PricePagesFlags = CommonFlags & WorkflowFlags;

const descriptions: Record<WorkflowKind, { summary: string; example: string }> = {
  create: {
    summary: "create the price pages of FILE (and link them to --books or the books column)",
    example: "p21kit price-pages create examples/new-pages.csv --books RETAIL,DEALER --dry-run",
  },
  expire: {
    summary: "expire the price pages of FILE (price_page_uid, expiration_date or --expire-date)",
    example: "p21kit price-pages expire examples/expire.csv --expire-date 2026-12-31",
  },
  link: {
    summary: "link pages to price books (FILE: price_book_id, price_page_uid)",
    example: "p21kit price-pages link examples/links.csv",
  },
  replace: {
    summary:
      "expire the pages that FILE's pages replace, create the new ones, link them to their books",
    example:
      "p21kit price-pages replace examples/pages.csv --expire-date 2026-12-31 --books BOOK1 --sessions 3",
  },
};

function addWorkflowOptions(command: Command, kind: WorkflowKind): Command {
  if (kind === "create" || kind === "replace") {
    command.option(
      "--books <ids>",
      "price books to link every page to, comma-separated (a books column wins per row)",
    );
    command.option("--company <id>", "company_id of rows without one");
    command.addOption(
      new Option("--change-mode <mode>", "fields per change request: a whole tab, or one field")
        .choices(["tab", "field"])
        .default("tab"),
    );
  }

  if (kind === "expire" || kind === "replace") {
    command.option("--expire-date <YYYY-MM-DD>", "expiration date of the old pages");
    command.addOption(
      new Option(
        "--read-back <when>",
        "how expirations are checked: one OData query per batch, or the window after every save",
      )
        .choices(["batch", "record"])
        .default("batch"),
    );
  }

  if (kind === "replace") {
    command.option(
      "--old <file|auto>",
      "the pages to expire: a file of price_page_uid, or auto (the active pages of each supplier and group)",
      "auto",
    );
  }

  if (kind !== "expire") {
    command.addOption(
      new Option("--link-mode <mode>", "one book window per batch of links, or one per link")
        .choices(["grouped", "per-link"])
        .default("grouped"),
    );
  }

  return command;
}

/** `p21kit price-pages create|expire|link|replace FILE`. */
export function registerPricePagesCommand(program: Command, context: CommandContext): void {
  const pricePages = program
    .command("price-pages")
    .description("create, expire, link or replace sales price pages from a CSV or JSON file");

  for (const kind of ["create", "expire", "link", "replace"] as const) {
    const { summary, example } = descriptions[kind];
    const command = pricePages
      .command(kind)
      .description(summary)
      .argument("<file>", "input file, CSV (comma, UTF-8) or JSON (an array of objects)")
      .option(
        "--dry-run",
        "validate and look up, then print the plan (all of it to plan.csv with --out); write nothing to the server",
      )
      .option(
        "--limit <n>",
        "only the first N records of FILE (the whole file is validated first): a small batch before the rest",
        wholeNumber(1, 100_000_000),
      );
    addWorkflowOptions(command, kind);
    addConnectionOptions(command);
    addRunOptions(command);
    addOutputOptions(command);
    command.addHelpText("after", `\nExample:\n  ${example}`);

    command.action(
      action(context, async (file: string, flags: PricePagesFlags) => {
        context.json = flags.json === true;
        const input = await readWorkflowInput(
          kind,
          file,
          {
            ...flags,
            changeMode: flags.changeMode ?? "tab",
            linkMode: flags.linkMode ?? "grouped",
            readBack: flags.readBack ?? "batch",
          },
          context.io,
        );
        if (input.recordsInFile !== undefined && flags.json !== true && flags.quiet !== true) {
          context.output.errorLine(
            `--limit ${input.records}: the first ${input.records} of the ${input.recordsInFile} records of ${file}`,
          );
        }

        const connection = await resolveConnection(flags, context.io, context.output);
        const logger = createCliLogger(context.output, flags.logLevel);

        if (flags.dryRun === true) {
          // With --out, every record of the plan goes to plan.csv (the terminal lists the first).
          if (flags.out !== undefined) ensureResultDirectory(context, flags.out);
          const client = createClient(connection, { logger });
          try {
            await client.authenticate();
            const plan = await withPlanProblemsAsInput({ input: file, old: flags.old }, () =>
              planWorkflow(client, input.spec),
            );
            const planFile =
              flags.out === undefined
                ? undefined
                : await writePlanFile(resolve(context.io.cwd, flags.out), plan);
            // Quiet: the exit code tells that the input is valid and the plan could be made.
            if (flags.quiet !== true) {
              printPlan(context.output, plan, { json: flags.json === true, file, planFile });
            }
          } finally {
            await client.close();
          }

          return ExitCode.success;
        }

        return startWorkflowRun(context, input, connection, flags, logger);
      }),
    );
  }
}
