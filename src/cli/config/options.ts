import { InvalidArgumentError, Option, type Command } from "commander";
import { logLevels, parseLogLevel, type LogLevel } from "../output/logger.js";

/** The flags every server-facing command shares, as commander hands them over. */
export interface CommonFlags {
  baseUrl?: string;
  username?: string;
  password?: string;
  consumerKey?: string;
  insecure?: boolean;
  ca?: string;
  sessions: number;
  batchSize: number;
  retries: number;
  journal: string;
  out?: string;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
  logLevel: LogLevel;
}

/** The flags of output only (commands that never open a connection). */
export interface OutputFlags {
  json?: boolean;
  quiet?: boolean;
  logLevel: LogLevel;
}

export const defaultJournalPath = "./.p21kit/journal.db";
export const defaultOutRoot = "./p21kit-runs";

/** A commander argument parser for whole numbers within `[minimum, maximum]`. */
export function wholeNumber(minimum: number, maximum: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number)) {
      throw new InvalidArgumentError(`must be a whole number, got "${value}".`);
    }

    if (number < minimum || number > maximum) {
      throw new InvalidArgumentError(`must be between ${minimum} and ${maximum}, got ${number}.`);
    }

    return number;
  };
}

function logLevelArgument(value: string): LogLevel {
  const level = parseLogLevel(value);
  if (level === undefined) {
    throw new InvalidArgumentError(`must be one of ${logLevels.join(", ")}.`);
  }

  return level;
}

/** `--json`, `--quiet`, `--log-level`. */
export function addOutputOptions(command: Command): Command {
  return command
    .option("--json", "print NDJSON events and a final summary object on stdout")
    .option("-q, --quiet", "print nothing but errors")
    .addOption(
      new Option("--log-level <level>", `diagnostics on stderr: ${logLevels.join(", ")}`)
        .argParser(logLevelArgument)
        .default("warn"),
    );
}

/** `--base-url`, `--username`, `--password`, `--consumer-key`, `--insecure`, `--ca`. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option("--base-url <url>", "P21 base URL, e.g. https://p21.example.com (P21_BASE_URL)")
    .option("-u, --username <user>", "P21 user (P21_USERNAME)")
    .option(
      "-p, --password <password>",
      "password (P21_PASSWORD; prompted for on a terminal when missing)",
    )
    .option("--consumer-key <key>", "consumer key instead of a password (P21_CONSUMER_KEY)")
    .option("--insecure", "do not verify the server's TLS certificate (test servers only)")
    .option("--ca <file>", "trust this CA certificate (PEM) in addition to the system ones");
}

/**
 * `--sessions`, `--batch-size`, `--retries`, `--journal`, `--out`. For `resume` (`ofRun`) the
 * first three default to the run's own settings, and the help says so.
 */
export function addRunOptions(command: Command, options: { ofRun?: boolean } = {}): Command {
  // Commander shows the default's description in the help instead of its value.
  const shown = options.ofRun === true ? "the run's own" : undefined;
  const option = (
    flags: string,
    description: string,
    parse: (value: string) => number,
    value: number,
  ) => command.addOption(new Option(flags, description).argParser(parse).default(value, shown));
  option("--sessions <n>", "parallel P21 sessions", wholeNumber(1, 50), 1);
  option("--batch-size <n>", "records per session", wholeNumber(1, 1_000), 25);
  option("--retries <n>", "extra attempts for transient failures", wholeNumber(0, 10), 2);
  return command
    .option(
      "--journal <file>",
      "journal of every run (SQLite), on a local disk: on a network share a run warns",
      defaultJournalPath,
    )
    .option("--out <dir>", `result files (default: ${defaultOutRoot}/RUN/)`);
}
