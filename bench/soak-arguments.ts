// The soak's command line: `--seed N --faults SPEC --pages N --sessions N --rounds N --kills N
// --pool N --timeout S --log-level LEVEL`.

export interface SoakArguments {
  seed: number;
  faults: string;
  pages: number;
  sessions: number;
  rounds: number;
  /** The most commands killed per round; 0 kills none. */
  kills: number;
  /** The simulator's pool of API instances; undefined: 5, more with kills. */
  pool: number | undefined;
  /** Seconds a command may run before it counts as stuck. */
  timeout: number;
  /** The commands' `--log-level`, when given. */
  logLevel: string | undefined;
}

export function parseArguments(argv: readonly string[]): SoakArguments {
  const parsed: SoakArguments = {
    seed: Math.floor(Math.random() * 1_000_000),
    // No `expire` by default: an expired token orphans its session, which then holds one of
    // the pool's 5 instances until the server reaps it (minutes), and a few of them stall the
    // run for that long. `--faults expire=0.002,…` soaks that too, slowly.
    faults: "http500=0.02,reset=0.01,corrupt=0.01",
    pages: 300,
    sessions: 5,
    rounds: 4,
    kills: 0,
    pool: undefined,
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
    else if (flag === "--kills") parsed.kills = number;
    else if (flag === "--pool") parsed.pool = number;
    else if (flag === "--timeout") parsed.timeout = number;
    else
      throw new Error(
        `unknown argument "${flag}" (known: --seed, --faults, --pages, --sessions, --rounds, --kills, --pool, --timeout, --log-level)`,
      );
  }

  return parsed;
}
