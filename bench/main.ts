// `npm run bench [-- --quick] [-- --only workflow,overhead,scale,simulator] [-- --simulator-in-process]`:
// every benchmark of p21kit, a table on stdout and the figures in bench/results/.
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { describeMachine } from "./machine.js";
import { formatReport, judgeGoals, overheadSection } from "./report.js";
import type { BenchResults } from "./report.js";
import { runScaleBench } from "./scale.js";
import { runWorkflowBench, SanityError } from "./workflow.js";

const SECTIONS = ["workflow", "overhead", "scale", "simulator"] as const;
type Section = (typeof SECTIONS)[number];

interface BenchArguments {
  quick: boolean;
  sections: Section[];
  simulatorInProcess: boolean;
}

function parseArguments(argv: readonly string[]): BenchArguments {
  const parsed: BenchArguments = {
    quick: false,
    sections: [...SECTIONS],
    simulatorInProcess: false,
  };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? "";
    if (argument === "--quick") {
      parsed.quick = true;
    } else if (argument === "--simulator-in-process") {
      parsed.simulatorInProcess = true;
    } else if (argument === "--only" || argument.startsWith("--only=")) {
      const value = argument === "--only" ? argv[(index += 1)] : argument.slice("--only=".length);
      const wanted = (value ?? "").split(",").map((name) => name.trim());
      const unknown = wanted.filter((name) => !(SECTIONS as readonly string[]).includes(name));
      if (unknown.length > 0 || wanted.length === 0) {
        throw new Error(`--only takes ${SECTIONS.join(",")}; got "${value ?? ""}"`);
      }

      parsed.sections = wanted as Section[];
    } else {
      throw new Error(
        `unknown argument "${argument}" (known: --quick, --only, --simulator-in-process)`,
      );
    }
  }

  return parsed;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function runBench(options: BenchArguments): Promise<BenchResults> {
  const startedAt = performance.now();
  const machine = describeMachine(options.quick);
  const results: Omit<BenchResults, "goals" | "machine"> = {};
  const runs = (section: Section) => options.sections.includes(section);

  if (runs("workflow")) {
    results.workflow = await runWorkflowBench({
      quick: options.quick,
      simulator: options.simulatorInProcess ? "in-process" : "child",
      log,
    });
  }

  if (runs("overhead")) {
    log("engine overhead…");
    const { runEngineOverheadBench } = await import("./engine-overhead.js");
    results.overhead = overheadSection(await runEngineOverheadBench({ quick: options.quick }));
  }

  if (runs("scale")) {
    results.scale = await runScaleBench({ quick: options.quick, log });
  }

  if (runs("simulator")) {
    log("simulator throughput…");
    const { runSimulatorThroughputBench } = await import("./simulator-throughput.js");
    results.simulator = await runSimulatorThroughputBench({ quick: options.quick });
  }

  const complete = {
    machine: {
      ...machine,
      loadAverageAtEnd: loadavg().map((load) => Math.round(load * 100) / 100),
      benchMs: Math.round(performance.now() - startedAt),
    },
    ...results,
  };

  return { ...complete, goals: judgeGoals(complete) };
}

/**
 * Where the figures go: a full run of every section is `latest.json` (committed); a quick or
 * partial run writes its own file so that it never replaces the full figures.
 */
function resultFile(options: BenchArguments): string {
  const partial = options.sections.length < SECTIONS.length || options.simulatorInProcess;
  const name = options.quick
    ? "latest-quick.json"
    : partial
      ? "latest-partial.json"
      : "latest.json";

  return fileURLToPath(new URL(`./results/${name}`, import.meta.url));
}

async function main(): Promise<number> {
  let options: BenchArguments;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    return 2;
  }

  let results: BenchResults;
  try {
    results = await runBench(options);
  } catch (error) {
    if (error instanceof SanityError) {
      log(`SANITY CHECK FAILED — no figures written: ${error.message}`);
      return 1;
    }

    throw error;
  }

  process.stdout.write(formatReport(results));
  const file = resultFile(options);
  await mkdir(fileURLToPath(new URL("./results/", import.meta.url)), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`figures written to ${file.slice(file.lastIndexOf("bench/"))}`);

  return 0;
}

process.exitCode = await main();
