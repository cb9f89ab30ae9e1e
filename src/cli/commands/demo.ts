import { join, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { DEMO, startSimulator } from "../../simulator/index.js";
import { SEED_LATENCY } from "../../simulator/latency.js";
import { addOutputOptions, wholeNumber, type OutputFlags } from "../config/options.js";
import { action, type CommandContext } from "../context.js";
import { demoDirectory, demoJournal, removeDemoJournal } from "../demo/demo-directory.js";
import { demoDates, writeDemoInput } from "../demo/demo-input.js";
import { estimateReferencePattern } from "../demo/production-estimate.js";
import { formatDuration } from "../output/format.js";
import { createCliLogger } from "../output/logger.js";
import { createAndExecute } from "../start-run.js";
import { readWorkflowInput } from "../workflow-input.js";

interface DemoFlags extends OutputFlags {
  timeScale: number;
  sessions: number;
  pages: number;
  out?: string;
}

/** The simulator's demo user. */
const demoUser = { username: "api_user", password: "api_password" };

function timeScaleArgument(value: string): number {
  const scale = Number(value);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) {
    throw new InvalidArgumentError(`must be a number above 0 and at most 10, got "${value}".`);
  }

  return scale;
}

/** `p21kit demo`: the whole supplier price update, on a simulator started in-process. */
export function registerDemoCommand(program: Command, context: CommandContext): void {
  const demo = program
    .command("demo")
    .description(
      "replace 700 price pages of 25 suppliers, each linked to one of 3 books, on a simulator in this process (what `npm start` runs)",
    )
    .option(
      "--time-scale <factor>",
      "simulator latency × factor (1 = production speed)",
      timeScaleArgument,
      0.01,
    )
    .option("--sessions <n>", "parallel sessions", wholeNumber(1, 5), 5)
    .option("--pages <n>", "pages to replace (at most 700)", wholeNumber(1, 700), 700)
    .option(
      "--out <dir>",
      "input, result files and journal (default: a new temporary directory, the journal removed at the end)",
    );
  addOutputOptions(demo);
  demo.addHelpText("after", "\nExample:\n  p21kit demo --pages 100 --time-scale 0.05");

  demo.action(
    action(context, async (flags: DemoFlags) => {
      context.json = flags.json === true;
      const { output } = context;
      const logger = createCliLogger(output, flags.logLevel);
      // Known limit: the simulator lives in this process, so an interrupted demo cannot be
      // resumed (its journal outlives the server it ran against); run it again instead.
      const { path: directory, temporary } = await demoDirectory(
        flags.out === undefined ? undefined : resolve(context.io.cwd, flags.out),
      );
      const simulator = await startSimulator({
        data: "demo",
        latency: "seed",
        timeScale: flags.timeScale,
        poolSize: 5,
      });

      try {
        const dates = demoDates(new Date());
        const written = await writeDemoInput(
          directory,
          simulator.rows("price_page"),
          flags.pages,
          dates,
          DEMO.bookIds,
        );
        const human = !flags.json && !flags.quiet;
        if (human) {
          output.line(
            `Demo: replace ${written.pages} price pages of ${written.suppliers} suppliers, ` +
              `each linked to one of ${DEMO.bookIds.length} books (${DEMO.bookIds.join(", ")}), on ${flags.sessions} sessions`,
          );
          output.line(
            `Simulator ${simulator.url}, production latency × ${flags.timeScale}; input ${written.file}`,
          );
        }

        const input = await readWorkflowInput(
          "replace",
          written.file,
          {
            expireDate: dates.expireDate,
            changeMode: "tab",
            linkMode: "grouped",
            readBack: "batch",
          },
          context.io,
        );

        simulator.resetStats();
        const outcome = await createAndExecute(
          context,
          input,
          {
            baseUrl: simulator.url,
            ...demoUser,
            consumerKey: undefined,
            tls: { rejectUnauthorized: true },
          },
          {
            sessions: flags.sessions,
            batchSize: 25,
            retries: 2,
            journal: demoJournal(directory),
            out: join(directory, "results"),
            json: flags.json === true,
            quiet: flags.quiet === true,
          },
          logger,
          { resumable: false },
        );

        const requests = simulator.stats().totalRequests;
        const { summary, wallMs } = outcome;
        // Known limit: the client's own CPU time is scaled up with the latency, so at small
        // time scales the production figure overstates what a real server would take.
        const productionMs = wallMs / flags.timeScale;
        const reference = estimateReferencePattern(SEED_LATENCY, {
          expired: summary.expired,
          created: written.pages,
          links: written.links,
          // type, company, group, supplier, description, pricing method, source price, both dates
          formFieldsPerPage: 9,
          valuesFieldsPerPage: 2,
        });
        const requestsPerPage = written.pages > 0 ? requests / written.pages : 0;

        if (flags.json) {
          output.json({
            type: "summary",
            runId: summary.runId,
            expired: summary.expired,
            created: summary.created,
            linked: summary.linked,
            skipped: summary.skipped,
            failed: summary.failed,
            wallMs: Math.round(wallMs),
            timeScale: flags.timeScale,
            productionMs: Math.round(productionMs),
            requests,
            requestsPerPage,
            referenceMs: reference.totalMs,
            referenceRequests: reference.requests,
            results: outcome.files.results,
            exitCode: outcome.exitCode,
          });
        } else if (!flags.quiet) {
          const row = (label: string, value: string) =>
            output.line(`  ${label.padEnd(12)} ${value}`);
          output.line("");
          row("expired", String(summary.expired));
          row("created", String(summary.created));
          row("linked", String(summary.linked));
          row("failed", String(summary.failed));
          row(
            "wall time",
            `${formatDuration(wallMs)} (simulator at ${flags.timeScale}× production latency)`,
          );
          row("production", `${formatDuration(productionMs)} (wall time / ${flags.timeScale})`);
          row("requests", `${requestsPerPage.toFixed(1)} per page (${requests} in all)`);
          row(
            "reference",
            `${formatDuration(reference.totalMs)} for the reference pattern on the same server ` +
              `(one session, one field per change, a book window per link: ` +
              `${reference.requests} requests, ${formatDuration(reference.perPageMs)} per page)`,
          );
          if (productionMs > 0) {
            row("speed-up", `${(reference.totalMs / productionMs).toFixed(1)}×`);
          }

          output.line(`\nResults: ${outcome.files.results}`);
        }

        return outcome.exitCode;
      } finally {
        await simulator.close();
        // The input and result files it printed stay; `--out` keeps the journal too.
        if (temporary) await removeDemoJournal(directory);
      }
    }),
  );
}
