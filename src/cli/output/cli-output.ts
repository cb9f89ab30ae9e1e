import { secretForms } from "../../client/redact.js";
import { stripUrlCredentials } from "../../journal/redact.js";
import type { CliIo } from "../io.js";

const redactedMark = "[redacted]";

/** ANSI styles, or plain text when colour is off. */
export interface Styles {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

function makeStyles(enabled: boolean): Styles {
  const wrap =
    (open: number, close: number) =>
    (text: string): string =>
      enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;

  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** Colour only for a person at a terminal that wants it (https://no-color.org). */
export function colourWanted(io: Pick<CliIo, "env" | "isTTY">): boolean {
  const noColor = io.env.NO_COLOR;
  if (noColor !== undefined && noColor !== "") return false;
  if (io.env.TERM === "dumb") return false;
  return io.isTTY;
}

/**
 * Every byte the command line prints goes through here: results on stdout, progress and logs on
 * stderr. Secrets registered with {@link CliOutput.addSecret} are replaced before anything is
 * written, whatever layer produced the text.
 */
export class CliOutput {
  readonly styles: Styles;
  readonly isTTY: boolean;
  private readonly secrets = new Set<string>();
  private readonly io: CliIo;

  constructor(io: CliIo, options: { colour?: boolean } = {}) {
    this.io = io;
    this.isTTY = io.isTTY;
    this.styles = makeStyles(options.colour ?? colourWanted(io));
  }

  /** The terminal's width in columns now, when the output knows it. */
  columns(): number | undefined {
    return this.io.columns?.();
  }

  /** Registers a value that must never be printed (a password, a consumer key, a token). */
  addSecret(value: string | undefined): void {
    if (value === undefined || value.length < 3) return;
    for (const form of secretForms(value)) this.secrets.add(form);
  }

  redact(text: string): string {
    // A base URL may carry `user:password@`: the journal stores it without them, and so does
    // everything printed.
    let redacted = stripUrlCredentials(text);
    for (const secret of this.secrets) redacted = redacted.split(secret).join(redactedMark);
    return redacted;
  }

  /** Writes raw text to stdout (no newline added). */
  writeOut(text: string): void {
    this.io.stdout.write(this.redact(text));
  }

  /** Writes raw text to stderr (no newline added). */
  writeErr(text: string): void {
    this.io.stderr.write(this.redact(text));
  }

  /** A line of results on stdout. */
  line(text = ""): void {
    this.writeOut(`${text}\n`);
  }

  /** A line of diagnostics on stderr. */
  errorLine(text: string): void {
    this.writeErr(`${text}\n`);
  }

  /**
   * One NDJSON object on stdout. Its strings are redacted before it is serialized, not the line
   * after: a secret that is also a key (a password `type`) must not turn the object's keys into
   * marks and the line into something no JSON reader takes.
   */
  json(value: unknown): void {
    const text = JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === "string" ? this.redact(inner) : inner,
    );
    this.io.stdout.write(`${text}\n`);
  }
}
