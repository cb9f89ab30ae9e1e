import { constants } from "node:fs";
import { access, readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { startSimulator } from "../../simulator/index.js";
import type { BuildProfile, SimulatorHandle, SimulatorOptions } from "../../simulator/index.js";
import { SimulatorError } from "../../simulator/errors.js";
import { resolveLatency } from "../../simulator/latency.js";
import { checkUsers, PROFILES } from "../../simulator/options.js";
import { parseFaultRates } from "../../simulator/faults.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../io.js";

/** The streams the command writes to. */
export type CliIo = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

interface SimulatorFlags {
  host: string;
  port: number;
  profile: BuildProfile;
  latency: string;
  timeScale: number;
  poolSize: number;
  sessionTimeout: number;
  tokenLifetime?: number;
  tokenPolicy: "independent" | "latest-only";
  faults?: string;
  faultSeed?: number;
  stallMs?: number;
  data: "empty" | "demo";
  state?: string;
  users?: string;
  tlsCert?: string;
  tlsKey?: string;
}

function numberFlag(rule: string, check: (value: number) => boolean) {
  return (text: string): number => {
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || !check(value)) {
      throw new InvalidArgumentError(`expected ${rule}, got "${text}".`);
    }

    return value;
  };
}

function choiceFlag<Choice extends string>(choices: readonly Choice[]) {
  return (text: string): Choice => {
    if (!(choices as readonly string[]).includes(text)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(", ")}, got "${text}".`);
    }

    return text as Choice;
  };
}

function faultsFlag(text: string): string {
  try {
    parseFaultRates(text);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }

  return text;
}

async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : String(error);
    throw new SimulatorError(
      "P21_SIMULATOR_OPTIONS",
      `cannot read the ${what} file ${path}: ${reason}`,
    );
  }

  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SimulatorError(
      "P21_SIMULATOR_OPTIONS",
      `the ${what} file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Turns the flags into simulator options, reading the latency, users and TLS files. */
export async function simulatorOptionsOf(
  flags: SimulatorFlags,
  cwd: string,
): Promise<SimulatorOptions> {
  const options: SimulatorOptions = {
    host: flags.host,
    port: flags.port,
    profile: flags.profile,
    timeScale: flags.timeScale,
    poolSize: flags.poolSize,
    sessionTimeoutSeconds: flags.sessionTimeout,
    tokenPolicy: flags.tokenPolicy,
    data: flags.data,
  };

  if (flags.latency === "none" || flags.latency === "seed") {
    options.latency = flags.latency;
  } else {
    const path = resolve(cwd, flags.latency);
    if (!flags.latency.toLowerCase().endsWith(".json")) {
      throw new SimulatorError(
        "P21_SIMULATOR_OPTIONS",
        `--latency takes none, seed or a JSON file of milliseconds, not "${flags.latency}"`,
      );
    }

    const table = await readJsonFile(path, "latency");
    try {
      options.latency = resolveLatency(table as Record<string, number>);
    } catch (error) {
      throw new SimulatorError(
        "P21_SIMULATOR_OPTIONS",
        `latency file ${path}: ${(error as Error).message}`,
      );
    }
  }

  if (flags.users !== undefined) {
    const path = resolve(cwd, flags.users);
    const users = await readJsonFile(path, "users");
    try {
      options.users = checkUsers(users);
    } catch (error) {
      throw new SimulatorError(
        "P21_SIMULATOR_OPTIONS",
        `users file ${path}: ${(error as Error).message}`,
      );
    }
  }

  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new SimulatorError("P21_SIMULATOR_OPTIONS", "--tls-cert and --tls-key go together");
  }

  if (flags.tlsCert !== undefined && flags.tlsKey !== undefined) {
    const read = async (path: string, what: string) => {
      try {
        return await readFile(resolve(cwd, path));
      } catch {
        throw new SimulatorError(
          "P21_SIMULATOR_OPTIONS",
          `cannot read the TLS ${what} file ${path}`,
        );
      }
    };
    options.tls = {
      cert: await read(flags.tlsCert, "certificate"),
      key: await read(flags.tlsKey, "key"),
    };
  }

  if (flags.tokenLifetime !== undefined) options.tokenLifetimeSeconds = flags.tokenLifetime;
  if (flags.faults !== undefined) options.faults = flags.faults;
  if (flags.faultSeed !== undefined) options.faultSeed = flags.faultSeed;
  if (flags.stallMs !== undefined) options.stallMs = flags.stallMs;
  if (flags.state !== undefined)
    options.statePath = await writableStatePath(resolve(cwd, flags.state));
  return options;
}

/** A state file the simulator can write on exit: its directory must exist and be writable. */
async function writableStatePath(path: string): Promise<string> {
  const directory = dirname(path);
  try {
    await access(directory, constants.W_OK);
  } catch {
    throw new SimulatorError(
      "P21_SIMULATOR_OPTIONS",
      `cannot keep the state in ${path}: the directory ${directory} does not exist or is not writable`,
    );
  }

  return path;
}

/** What the simulator serves: its data, build, latency and faults, in one line. */
function startupSummary(flags: SimulatorFlags, simulator: SimulatorHandle): string {
  const pages = simulator.rows("price_page").length;
  const data =
    flags.state === undefined
      ? `data ${flags.data}`
      : `data from ${flags.state} (${pages} price pages)`;
  const latency =
    flags.latency === "none" ? "no latency" : `latency ${flags.latency} × ${flags.timeScale}`;
  const stalls = flags.stallMs === undefined ? "" : ` (stalls dropped after ${flags.stallMs} ms)`;
  const faults = flags.faults === undefined ? "no faults" : `faults ${flags.faults}${stalls}`;

  return `UI server ${simulator.uiServerUrl}; ${data}; profile ${flags.profile}; ${latency}; ${faults}`;
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolveSignal(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

/**
 * `p21kit simulator`: runs the P21 simulator until SIGINT or SIGTERM. Prints exactly one line
 * on stdout when ready, `P21 simulator listening on http://HOST:PORT`.
 */
export function registerSimulatorCommand(program: Command, io: CliIo): void {
  program
    .command("simulator")
    .description("Run a P21 Interactive API simulator to rehearse against (stops on Ctrl-C).")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option(
      "--port <port>",
      "port to listen on (0: any free port)",
      numberFlag(
        "a port from 0 to 65535",
        (value) => Number.isInteger(value) && value >= 0 && value <= 65_535,
      ),
      8021,
    )
    .option(
      "--profile <build>",
      `server build to imitate: ${PROFILES.join(", ")}`,
      choiceFlag(PROFILES),
      "26.1.5950",
    )
    .option(
      "--latency <none|seed|FILE.json>",
      "response times: none, the production timing table (seed), or a JSON table of milliseconds",
      "none",
    )
    .option(
      "--time-scale <factor>",
      "multiplies every latency (0.01 turns 30 minutes into 18 s)",
      numberFlag("a number ≥ 0", (value) => value >= 0),
      1,
    )
    .option(
      "--pool-size <n>",
      "API instances (one per open session)",
      numberFlag("a whole number ≥ 1", (value) => Number.isInteger(value) && value >= 1),
      5,
    )
    .option(
      "--session-timeout <seconds>",
      "idle timeout when a session create sends none",
      numberFlag("a number of seconds > 0", (value) => value > 0),
      60,
    )
    .option(
      "--token-lifetime <seconds>",
      "lifetime of password tokens (default 86400)",
      numberFlag("a number of seconds > 0", (value) => value > 0),
    )
    .option(
      "--token-policy <policy>",
      "independent, or latest-only (a new token invalidates the user's older ones)",
      choiceFlag(["independent", "latest-only"] as const),
      "independent",
    )
    .option(
      "--faults <rates>",
      "random faults, e.g. 'http500=0.02,reset=0.01,stall=0.005,corrupt=0.01,expire=0.005'",
      faultsFlag,
    )
    .option(
      "--fault-seed <n>",
      "seed for repeatable faults",
      numberFlag("a whole number", Number.isInteger),
    )
    .option(
      "--stall-ms <ms>",
      "drop a stalled request's connection after this long (default: hold until the client gives up)",
      numberFlag("a number of milliseconds > 0", (value) => value > 0),
    )
    .option(
      "--data <set>",
      "starting data: empty or demo",
      choiceFlag(["empty", "demo"] as const),
      "empty",
    )
    .option("--state <file>", "keep the data in this file across restarts")
    .option(
      "--users <file>",
      'JSON users: [{"username": "...", "password": "...", "consumerKey": "...", "scope": "..."}]',
    )
    .option("--tls-cert <file>", "serve HTTPS with this certificate (PEM)")
    .option("--tls-key <file>", "the certificate's private key (PEM)")
    .action(async (flags: SimulatorFlags) => {
      let simulator: SimulatorHandle;
      try {
        simulator = await startSimulator(await simulatorOptionsOf(flags, process.cwd()));
      } catch (error) {
        const inUse = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
        const message = inUse
          ? `port ${flags.port} on ${flags.host} is in use: choose another with --port (0 for any free one)`
          : error instanceof Error
            ? error.message
            : String(error);
        // Not a mistake in the command line: no "run with --help" after it.
        throw new CliError(`cannot start the simulator: ${message}`, {
          code: "P21_SIMULATOR_START",
          exitCode: ExitCode.usage,
        });
      }

      const stopped = untilSignal();
      io.stdout.write(`P21 simulator listening on ${simulator.url}\n`);
      if (flags.host !== "127.0.0.1" && flags.host !== "localhost") {
        io.stderr.write(`Bound to ${flags.host}, port ${new URL(simulator.url).port}.\n`);
      }
      io.stderr.write(`${startupSummary(flags, simulator)}; press Ctrl-C to stop.\n`);
      const signal = await stopped;
      await simulator.close();
      io.stderr.write(`P21 simulator stopped (${signal}).\n`);
    });
}
