import { debuglog } from "node:util";

/** A log method in pino's calling convention: `(fields, message)` or `(message)`. */
export type LogMethod = (
  fieldsOrMessage: Record<string, unknown> | string,
  message?: string,
) => void;

/**
 * A pino-compatible logger. Pass a pino instance, or anything with these methods. The client is
 * silent by default; `NODE_DEBUG=p21kit` writes its debug lines to stderr.
 */
export interface Logger {
  trace?: LogMethod;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  child?: (bindings: Record<string, unknown>) => Logger;
  /** As pino's: lets the client skip building lines nobody reads (redacting a body costs). */
  isLevelEnabled?: (level: string) => boolean;
}

/** Whether `logger` will write lines of `level`: true unless it says otherwise. */
export function levelEnabled(logger: Logger, level: "trace" | "debug"): boolean {
  if (level === "trace" && logger.trace === undefined) return false;

  return logger.isLevelEnabled?.(level) ?? true;
}

const ignore: LogMethod = () => undefined;

/** A logger that drops everything. */
export const silentLogger: Logger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => silentLogger,
  isLevelEnabled: () => false,
};

/** The logger used when none is given: silent, unless `NODE_DEBUG` names `p21kit`. */
export function defaultLogger(): Logger {
  const write = debuglog("p21kit");
  if (!write.enabled) return silentLogger;

  const method =
    (level: string): LogMethod =>
    (fieldsOrMessage, message) => {
      if (typeof fieldsOrMessage === "string") {
        write("%s %s", level, fieldsOrMessage);
      } else {
        write("%s %s %j", level, message ?? "", fieldsOrMessage);
      }
    };

  return {
    trace: method("trace"),
    debug: method("debug"),
    info: method("info"),
    warn: method("warn"),
    error: method("error"),
  };
}
