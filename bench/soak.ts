// `npm run soak [-- --seed N --faults SPEC --pages N --sessions N --rounds N --kills N --pool N
// --timeout S --log-level LEVEL]`: the demo's replace under random server faults, through the
// real command line (a child process per command), then `retry-failed` until nothing fails, then
// the whole file once more. Checks on the simulator's own tables that every old page expired,
// every new page exists once and every link was made once, and that the runs' summaries add up
// to exactly that. With `--kills N`, each round (the replace, each retry) also has up to N of
// its commands killed (SIGKILL, or SIGTERM/SIGINT, which stop it gracefully) at a moment drawn
// from the seed, in any phase, and carried on with `p21kit resume` until its run completes;
// after each round the journal is checked against the server (see soak-journal.ts). Exits 1
// on any problem, and when a command does not finish within its timeout (it is killed, and the
// end of its diagnostics printed: `--log-level debug` makes them say more).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunSummaryLine } from "../src/cli/execute-run.js";
import { Journal } from "../src/journal/index.js";
import type { WorkflowSummary } from "../src/pricing/index.js";
import { mulberry32 } from "../src/simulator/faults.js";
import { startSimulator } from "../src/simulator/index.js";
import { parseArguments, type SoakArguments } from "./soak-arguments.js";
import { describeSummary, outputProblems, runCommand } from "./soak-commands.js";
import { journalProblems } from "./soak-journal.js";
import { drawKill, type KillLanding, type KillPlan, type KillWatcher } from "./soak-kills.js";
import {
  demoReplaceArguments,
  replaceProblems,
  writeDemoReplace,
  type DemoReplaceInput,
} from "./workflow-sanity.js";

/** A command that ran past the soak's timeout; its message ends with the command's stderr. */
class StuckCommand extends Error {}

/** The counts of a run straight from its journal, as its summary would give them. */
function journalSummary(journalPath: string, runId: string): RunSummaryLine {
  const journal = Journal.open(journalPath, { readonly: true });
  try {
    const succeeded = (phase: string) => journal.counts(runId, phase).succeeded;
    const all = journal.counts(runId);
    const failed = all.failed;
    return {
      type: "summary",
      runId,
      expired: succeeded("expire"),
      created: succeeded("create"),
      linked: succeeded("link"),
      skipped: all.skipped,
      failed,
      exitCode: failed > 0 ? 1 : 0,
    } as unknown as RunSummaryLine;
  } finally {
    journal.close();
  }
}

function journalRuns(journalPath: string): { id: string; state: string }[] {
  let journal: Journal;
  try {
    journal = Journal.open(journalPath, { readonly: true });
  } catch {
    return [];
  }

  try {
    return journal.listRuns({ limit: 1_000 }).map((run) => ({ id: run.id, state: run.state }));
  } finally {
    journal.close();
  }
}

/** Kills landed over the whole soak, by where they landed and by signal. */
class KillTally {
  readonly landings = new Map<string, number>();
  readonly signals = new Map<string, number>();

  add(landing: KillLanding, plan: KillPlan): void {
    this.landings.set(landing, (this.landings.get(landing) ?? 0) + 1);
    const signal = plan.signal + (plan.secondSignalAfterMs === undefined ? "" : " twice");
    this.signals.set(signal, (this.signals.get(signal) ?? 0) + 1);
  }

  describe(): string {
    const list = (counts: Map<string, number>) =>
      [...counts].map(([key, count]) => `${key} ${count}`).join(", ");
    return `kills landed: ${list(this.landings) || "none"}; signals: ${list(this.signals) || "none"}`;
  }
}

async function soak(options: SoakArguments): Promise<string[]> {
  const simulator = await startSimulator({
    data: "demo",
    faults: options.faults,
    faultSeed: options.seed,
    // The commands' clients wait 60 s for an answer; a stall (`--faults stall=…`) is dropped
    // after a second instead, so that a few of them do not hold a command past its timeout.
    stallMs: 1_000,
    // A killed command leaves its sessions open, holding an instance each until the server
    // reaps them (300 s idle): without room for them every resume would wait that long.
    poolSize: options.pool ?? 5 + options.sessions * options.kills,
  });
  const directory = await mkdtemp(join(tmpdir(), "p21kit-soak-"));
  const random = mulberry32(options.seed ^ 0x5eed_4b11);
  const tally = new KillTally();
  // One listener each for the whole soak, handing the server's events to the command's watcher.
  let watcher: KillWatcher | undefined;
  // How often the server wrote each old page: an expiry sent again would not show in its table.
  const pageUpdates = new Map<unknown, number>();
  simulator.on("committed", (info) => {
    if (info.table === "price_page" && info.kind === "update") {
      const uid = info.key.price_page_uid;
      pageUpdates.set(uid, (pageUpdates.get(uid) ?? 0) + 1);
    }

    watcher?.commit(info);
  });
  simulator.on("request", (info) => watcher?.request(info));
  const watch = (current: KillWatcher | undefined) => (watcher = current);
  try {
    const input = await writeDemoReplace(directory, simulator.rows("price_page"), options.pages);
    const journalPath = join(directory, "journal.db");
    const connection = [
      "--base-url",
      simulator.url,
      "--username",
      "api_user",
      "--password",
      "api_password",
      "--journal",
      journalPath,
    ];
    const replace = demoReplaceArguments(input, options.sessions);
    const logging = options.logLevel === undefined ? [] : ["--log-level", options.logLevel];
    const run = async (label: string, args: readonly string[], plan?: KillPlan) => {
      const starts = args[0] !== "resume";
      const outcome = await runCommand(
        [...args, ...connection, ...logging],
        directory,
        options.timeout * 1_000,
        plan === undefined ? undefined : { plan, starts, watch },
      );
      if (outcome.stuck) {
        const tail = outcome.stderr.trim().split("\n").slice(-40).join("\n");
        throw new StuckCommand(
          `${label} did not finish within ${options.timeout} s and was killed ` +
            `(faults injected: ${JSON.stringify(simulator.stats().faultsInjected)}); ` +
            `the end of its stderr:\n${tail}`,
        );
      }

      const ended = outcome.signal === null ? `exit ${outcome.exitCode}` : outcome.signal;
      const killed =
        outcome.landing === undefined || plan === undefined
          ? ""
          : ` [${plan.signal}${plan.secondSignalAfterMs === undefined ? "" : " twice"} in ${outcome.landing}]`;
      console.log(`${label}: ${ended}${killed}, ${describeSummary(outcome.summary)}`);
      if (outcome.landing !== undefined && plan !== undefined) tally.add(outcome.landing, plan);

      return outcome;
    };
    const problems: string[] = [];

    /**
     * One round: `args` (a replace, or a retry) and, for each time it is killed or stops short,
     * `resume` of its run, until the run completes. Returns its last outcome with the run's
     * summary and exit code.
     */
    const round = async (label: string, args: readonly string[]) => {
      const before = new Set(journalRuns(journalPath).map((entry) => entry.id));
      let runId: string | undefined;
      let next = args;
      let kills = 0;
      for (let command = 1; command <= options.kills + 12; command += 1) {
        const plan = kills < options.kills ? drawKill(random) : undefined;
        const name = command === 1 ? label : `${label}, ${next[0]} ${command}`;
        const outcome = await run(name, next, plan);
        if (outcome.landing !== undefined) kills += 1;
        problems.push(...outputProblems(name, outcome));
        runId ??= journalRuns(journalPath).find((entry) => !before.has(entry.id))?.id;
        if (runId === undefined) {
          // Killed before its run was recorded: nothing was written, so it starts again.
          if (outcome.landing !== undefined) continue;

          problems.push(`${name} ended with exit ${outcome.exitCode} and recorded no run`);
          return outcome;
        }

        const state = journalRuns(journalPath).find((entry) => entry.id === runId)?.state;
        if (state === "completed" && outcome.summary === undefined) {
          // Killed at the end: a resume writes the result files the kill may have cut short,
          // or says there is nothing to resume.
          const resumed = await run(`${label}, resume after the end`, ["resume", runId]);
          const finished = /is finished \(completed\): nothing to resume/.test(resumed.stdout);
          if (!finished)
            problems.push(...outputProblems(`${label}, resume after the end`, resumed));
          if (!finished && resumed.summary === undefined) {
            problems.push(
              `resume of the completed run ${runId} ended with exit ${resumed.exitCode}`,
            );
          }
        }

        if (state === "completed") {
          const summary = outcome.summary ?? journalSummary(journalPath, runId);
          return { ...outcome, summary, exitCode: summary.exitCode };
        }

        if (outcome.landing === undefined && outcome.exitCode !== 130) {
          problems.push(`${name} ended with exit ${outcome.exitCode}, its run ${runId} ${state}`);
          return outcome;
        }

        next = ["resume", runId];
      }

      problems.push(
        `${label}: its run ${runId} did not complete after ${options.kills + 12} commands`,
      );
      return undefined;
    };
    const check = async (label: string, expectation: DemoReplaceInput) => {
      if (options.kills === 0) return;

      const tables = {
        pricePages: simulator.rows("price_page"),
        bookLinks: simulator.rows("price_book_x_page"),
      };
      const twice = [...pageUpdates].filter(([, count]) => count > 1);
      const found = [
        ...duplicateProblems(tables, expectation),
        ...(twice.length === 0
          ? []
          : [`${twice.length} old page(s) expired more than once, e.g. ${String(twice[0]?.[0])}`]),
        ...(await journalProblems(
          journalPath,
          tables,
          expectation.expectation,
          async (args) => {
            const outcome = await runCommand(
              [...args, "--journal", journalPath],
              directory,
              options.timeout * 1_000,
            );
            return { exitCode: outcome.exitCode, stdout: outcome.stdout };
          },
          join(directory, "p21kit-runs"),
        )),
      ];
      console.log(
        `  after ${label}: ${found.length === 0 ? "journal and server agree" : "PROBLEMS"}`,
      );
      problems.push(...found.map((problem) => `after ${label}: ${problem}`));
    };
    const totals = { expired: 0, created: 0, linked: 0, skipped: 0, failed: 0 };
    const add = (summary: RunSummaryLine | undefined) => {
      if (summary === undefined) return;
      totals.expired += summary.expired;
      totals.created += summary.created;
      totals.linked += summary.linked;
    };

    const startedAt = performance.now();
    let outcome = await round("replace under faults", replace);
    add(outcome?.summary);
    await check("the replace", input);
    for (let index = 1; index <= options.rounds && outcome?.exitCode !== 0; index += 1) {
      if (outcome === undefined) break;
      // The last round runs without faults: what is left must then succeed.
      if (index === options.rounds) simulator.setFaults({});
      const label = `retry-failed ${index}${index === options.rounds ? " (no faults)" : ""}`;
      outcome = await round(label, ["retry-failed"]);
      add(outcome?.summary);
      await check(label, input);
    }
    const injected = simulator.stats().faultsInjected;
    console.log(`faults injected: ${JSON.stringify(injected)}`);
    if (options.kills > 0) console.log(tally.describe());
    console.log(`in ${((performance.now() - startedAt) / 1_000).toFixed(1)} s`);

    simulator.setFaults({});
    const again = await run("the whole file again", replace);

    problems.push(
      ...replaceProblems(
        {
          pricePages: simulator.rows("price_page"),
          bookLinks: simulator.rows("price_book_x_page"),
        },
        input.expectation,
        {
          ...totals,
          failed: outcome?.summary?.failed ?? 1,
          phases: [],
        } as unknown as WorkflowSummary,
      ),
    );
    const expirations = input.expectation.oldPageUids.filter((uid) => pageUpdates.get(uid) !== 1);
    if (expirations.length > 0) {
      const uid = expirations[0] ?? 0;
      problems.push(
        `${expirations.length} old page(s) not written exactly once, e.g. ${uid} ` +
          `${pageUpdates.get(uid) ?? 0} times`,
      );
    }
    if (outcome?.exitCode !== 0)
      problems.push(`the last retry ended with exit ${outcome?.exitCode}`);
    if (again.exitCode !== 0 || again.summary === undefined) {
      problems.push(`running the whole file again ended with exit ${again.exitCode}`);
    } else if (again.summary.expired + again.summary.created + again.summary.linked > 0) {
      problems.push(`running the whole file again did work: ${describeSummary(again.summary)}`);
    }

    return problems;
  } catch (error) {
    if (error instanceof StuckCommand) return [error.message];

    throw error;
  } finally {
    await simulator.close();
    await rm(directory, { recursive: true, force: true });
  }
}

/** Pages of one natural key twice, or one link twice: never allowed, even halfway. */
function duplicateProblems(
  tables: {
    pricePages: readonly Record<string, unknown>[];
    bookLinks: readonly Record<string, unknown>[];
  },
  input: DemoReplaceInput,
): string[] {
  const found = replaceProblems(tables, input.expectation, {
    failed: 0,
    created: input.expectation.pages.length,
    expired: 0,
    linked: 0,
  } as unknown as WorkflowSummary).filter((problem) => problem.includes("twice"));
  const links = new Map<string, number>();
  for (const row of tables.bookLinks) {
    const key = `${String(row.price_book_id)}:${String(row.price_page_uid)}`;
    links.set(key, (links.get(key) ?? 0) + 1);
  }

  const twice = [...links].filter(([, count]) => count > 1);
  if (twice.length > 0) found.push(`${twice.length} link(s) twice, e.g. ${twice[0]?.[0] ?? ""}`);

  return [...new Set(found.filter((problem) => !problem.startsWith("links of the new pages")))];
}

const options = parseArguments(process.argv.slice(2));
console.log(
  `soak: ${options.pages} pages, ${options.sessions} sessions, faults ${options.faults}, ` +
    `${options.kills === 0 ? "no kills" : `up to ${options.kills} kills a round`}, seed ${options.seed}`,
);
const problems = await soak(options);
if (problems.length > 0) {
  console.log(`FAILED:\n- ${problems.join("\n- ")}`);
  process.exitCode = 1;
} else {
  console.log("every page expired, created and linked exactly once");
}
