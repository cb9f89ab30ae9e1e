// `npm run soak [-- --seed N --faults SPEC --pages N --sessions N --rounds N --timeout S
// --log-level LEVEL]`: the demo's replace under random server faults, through the real command
// line (a child process per command), then `retry-failed` until nothing fails, then the whole
// file once more. Checks on the simulator's own tables that every old page expired, every new
// page exists once and every link was made once, and that the runs' summaries add up to exactly
// that. Exits 1 otherwise, and when a command does not finish within its timeout (it is killed,
// and the end of its diagnostics printed: `--log-level debug` makes them say more).
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunSummaryLine } from "../src/cli/execute-run.js";
import type { WorkflowSummary } from "../src/pricing/index.js";
import { startSimulator } from "../src/simulator/index.js";
import { demoReplaceArguments, replaceProblems, writeDemoReplace } from "./workflow-sanity.js";

interface SoakArguments {
  seed: number;
  faults: string;
  pages: number;
  sessions: number;
  rounds: number;
  /** Seconds a command may run before it counts as stuck. */
  timeout: number;
  /** The commands' `--log-level`, when given. */
  logLevel: string | undefined;
}

const cliPath = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

function parseArguments(argv: readonly string[]): SoakArguments {
  const parsed: SoakArguments = {
    seed: Math.floor(Math.random() * 1_000_000),
    // No `expire` by default: an expired token orphans its session, which then holds one of
    // the pool's 5 instances until the server reaps it (minutes), and a few of them stall the
    // run for that long. `--faults expire=0.002,…` soaks that too, slowly.
    faults: "http500=0.02,reset=0.01,corrupt=0.01",
    pages: 300,
    sessions: 5,
    rounds: 4,
    timeout: 180,
    logLevel: undefined,
  };
  for (let index = 0; index < argv.length; index += 2) {
    const flag = argv[index] ?? "";
    const value = argv[index + 1] ?? "";
    if (flag === "--faults") {
      parsed.faults = value;
      continue;
    }
    if (flag === "--log-level") {
      parsed.logLevel = value;
      continue;
    }

    const number = Number(value);
    if (!Number.isInteger(number) || number < 0) {
      throw new Error(`${flag} takes a whole number, got "${value}"`);
    }
    if (flag === "--seed") parsed.seed = number;
    else if (flag === "--pages") parsed.pages = number;
    else if (flag === "--sessions") parsed.sessions = number;
    else if (flag === "--rounds") parsed.rounds = number;
    else if (flag === "--timeout") parsed.timeout = number;
    else
      throw new Error(
        `unknown argument "${flag}" (known: --seed, --faults, --pages, --sessions, --rounds, --timeout, --log-level)`,
      );
  }

  return parsed;
}

interface CommandOutcome {
  exitCode: number | null;
  summary: RunSummaryLine | undefined;
  stderr: string;
  /** The command ran past its timeout and was killed. */
  stuck: boolean;
}

/**
 * Runs `p21kit ARGS --json` in `cwd` and returns its exit code and last (summary) line; kills
 * it (SIGKILL) when it runs longer than `timeoutMs`.
 */
function runCommand(args: readonly string[], cwd: string, timeoutMs: number) {
  return new Promise<CommandOutcome>((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args, "--json"], {
      cwd,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stuck = false;
    const timer = setTimeout(() => {
      stuck = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      const last = stdout.trim().split("\n").at(-1) ?? "";
      let summary: RunSummaryLine | undefined;
      try {
        const parsed = JSON.parse(last) as Partial<RunSummaryLine>;
        if (parsed.type === "summary") summary = parsed as RunSummaryLine;
      } catch {
        summary = undefined;
      }

      resolve({ exitCode, summary, stderr, stuck });
    });
  });
}

function describeSummary(summary: RunSummaryLine | undefined): string {
  if (summary === undefined) return "no summary";
  return (
    `${summary.expired} expired, ${summary.created} created, ${summary.linked} linked, ` +
    `${summary.skipped} skipped, ${summary.failed} failed`
  );
}

/** A command that ran past the soak's timeout; its message ends with the command's stderr. */
class StuckCommand extends Error {}

async function soak(options: SoakArguments): Promise<string[]> {
  const simulator = await startSimulator({
    data: "demo",
    faults: options.faults,
    faultSeed: options.seed,
  });
  const directory = await mkdtemp(join(tmpdir(), "p21kit-soak-"));
  try {
    const input = await writeDemoReplace(directory, simulator.rows("price_page"), options.pages);
    const connection = [
      "--base-url",
      simulator.url,
      "--username",
      "api_user",
      "--password",
      "api_password",
      "--journal",
      join(directory, "journal.db"),
    ];
    const replace = demoReplaceArguments(input, options.sessions);
    const logging = options.logLevel === undefined ? [] : ["--log-level", options.logLevel];
    const run = async (label: string, args: readonly string[]) => {
      const outcome = await runCommand(
        [...args, ...connection, ...logging],
        directory,
        options.timeout * 1_000,
      );
      if (outcome.stuck) {
        const tail = outcome.stderr.trim().split("\n").slice(-40).join("\n");
        throw new StuckCommand(
          `${label} did not finish within ${options.timeout} s and was killed ` +
            `(faults injected: ${JSON.stringify(simulator.stats().faultsInjected)}); ` +
            `the end of its stderr:\n${tail}`,
        );
      }
      console.log(`${label}: exit ${outcome.exitCode}, ${describeSummary(outcome.summary)}`);

      return outcome;
    };
    const totals = { expired: 0, created: 0, linked: 0, skipped: 0, failed: 0 };
    const add = (summary: RunSummaryLine | undefined) => {
      if (summary === undefined) return;
      totals.expired += summary.expired;
      totals.created += summary.created;
      totals.linked += summary.linked;
    };

    const startedAt = performance.now();
    let outcome = await run("replace under faults", replace);
    add(outcome.summary);
    for (let round = 1; round <= options.rounds && outcome.exitCode !== 0; round += 1) {
      // The last round runs without faults: what is left must then succeed.
      if (round === options.rounds) simulator.setFaults({});
      const label = `retry-failed ${round}${round === options.rounds ? " (no faults)" : ""}`;
      outcome = await run(label, ["retry-failed"]);
      add(outcome.summary);
    }
    const injected = simulator.stats().faultsInjected;
    console.log(`faults injected: ${JSON.stringify(injected)}`);
    console.log(`in ${((performance.now() - startedAt) / 1_000).toFixed(1)} s`);

    simulator.setFaults({});
    const again = await run("the whole file again", replace);

    const problems = replaceProblems(
      { pricePages: simulator.rows("price_page"), bookLinks: simulator.rows("price_book_x_page") },
      input.expectation,
      { ...totals, failed: outcome.summary?.failed ?? 1, phases: [] } as unknown as WorkflowSummary,
    );
    if (outcome.exitCode !== 0) problems.push(`the last retry ended with exit ${outcome.exitCode}`);
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

const options = parseArguments(process.argv.slice(2));
console.log(
  `soak: ${options.pages} pages, ${options.sessions} sessions, faults ${options.faults}, seed ${options.seed}`,
);
const problems = await soak(options);
if (problems.length > 0) {
  console.log(`FAILED:\n- ${problems.join("\n- ")}`);
  process.exitCode = 1;
} else {
  console.log("every page expired, created and linked exactly once");
}
