import type { CliOutput } from "./cli-output.js";

export const logLevels = ["silent", "error", "warn", "info", "debug", "trace"] as const;
export type LogLevel = (typeof logLevels)[number];

type LogMethod = (objectOrMessage: unknown, message?: string, ...rest: unknown[]) => void;

/** The pino-compatible logger the library layers accept. */
export interface CliLogger {
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
  trace: LogMethod;
  child(bindings: Record<string, unknown>): CliLogger;
}

const levelRank: Record<LogLevel, number> = {
  silent: 0,
  error: 1,
  warn: 2,
  info: 3,
  debug: 4,
  trace: 5,
};

function describeValue(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value, (_key, inner: unknown) =>
      inner instanceof Error ? { name: inner.name, message: inner.message } : inner,
    );
  } catch {
    return String(value);
  }
}

/** The message of an entry's `error` field, the one field worth a line below debug. */
function errorMessageOf(fields: Record<string, unknown>): string | undefined {
  const { error } = fields;
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  if (typeof error === "object" && error !== null) {
    const { message } = error as { message?: unknown };
    if (typeof message === "string") return message;
  }

  return undefined;
}

/**
 * A logger that writes one line per entry to stderr through the redacting output, so a secret
 * in a field or a message never reaches the terminal: `level message {fields}` at debug and
 * trace; below them (warnings and errors at the default level) the message and, when the
 * entry has one, its error's message, not the fields of a developer's diagnosis.
 */
export function createCliLogger(
  output: CliOutput,
  level: LogLevel,
  bindings: Record<string, unknown> = {},
): CliLogger {
  const threshold = levelRank[level];

  const method =
    (name: Exclude<LogLevel, "silent">): LogMethod =>
    (objectOrMessage, message, ...rest) => {
      if (levelRank[name] > threshold) return;
      const fields =
        typeof objectOrMessage === "object" && objectOrMessage !== null
          ? { ...bindings, ...(objectOrMessage as Record<string, unknown>) }
          : bindings;
      const parts =
        typeof objectOrMessage === "string"
          ? [objectOrMessage, message, ...rest]
          : [message, ...rest];
      const text = parts
        .filter((part) => part !== undefined)
        .map((part) => (typeof part === "string" ? part : describeValue(part)))
        .join(" ");
      const errorMessage = errorMessageOf(fields);
      const fieldText =
        threshold < levelRank.debug
          ? errorMessage === undefined
            ? ""
            : `: ${errorMessage}`
          : Object.keys(fields).length > 0
            ? ` ${describeValue(fields)}`
            : "";
      output.errorLine(`${output.styles.dim(name)} ${text}${fieldText}`);
    };

  return {
    error: method("error"),
    warn: method("warn"),
    info: method("info"),
    debug: method("debug"),
    trace: method("trace"),
    child: (childBindings) => createCliLogger(output, level, { ...bindings, ...childBindings }),
  };
}

/** Parses a `--log-level` value; `undefined` when it is not one of {@link logLevels}. */
export function parseLogLevel(value: string): LogLevel | undefined {
  const lower = value.toLowerCase();
  return (logLevels as readonly string[]).includes(lower) ? (lower as LogLevel) : undefined;
}
