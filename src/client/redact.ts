import { scrubSecrets } from "./errors.js";

const minimumSecretLength = 3;

/** What a JSON writer may escape as `\uXXXX`: .NET's default encoder does so for these. */
const escapedByDotNet = /["&'+<>`\\]|[^\x20-\x7e]/g;

/** The two-character escapes System.Text.Json writes in place of `\uXXXX` (not for `"`). */
const shortEscapes: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** `é` as `\u00e9` (or `\u00E9`). */
function unicodeEscape(character: string, upper: boolean): string {
  const hex = character.charCodeAt(0).toString(16).padStart(4, "0");
  return `\\u${upper ? hex.toUpperCase() : hex}`;
}

function unicodeEscaped(secret: string, upper: boolean, short: boolean): string {
  return secret.replace(escapedByDotNet, (character) => {
    const shortForm = short ? shortEscapes[character] : undefined;
    return shortForm ?? unicodeEscape(character, upper);
  });
}

/** JSON's own escapes (`\"`, `\\`, `\n`), with `\uXXXX` for every non-ASCII character. */
function nonAsciiEscaped(secret: string, upper: boolean): string {
  return JSON.stringify(secret)
    .slice(1, -1)
    .replace(/[\u0080-\uffff]/g, (character) => unicodeEscape(character, upper));
}

/**
 * The forms a secret can take in text: as given, inside a JSON string (escaped the way
 * `JSON.stringify` does; with `\uXXXX` for quotes, HTML characters and non-ASCII, as a .NET
 * server writes it: System.Text.Json keeps `\\` and `\n` for a backslash and a new line; or
 * with `\uXXXX` for non-ASCII alone beside `\"`, as Newtonsoft's EscapeNonAscii does) and
 * percent-encoded in a URL. @internal
 */
export function secretForms(secret: string): string[] {
  return [
    ...new Set([
      secret,
      JSON.stringify(secret).slice(1, -1),
      nonAsciiEscaped(secret, false),
      nonAsciiEscaped(secret, true),
      unicodeEscaped(secret, true, true),
      unicodeEscaped(secret, false, true),
      unicodeEscaped(secret, true, false),
      unicodeEscaped(secret, false, false),
      encodeURIComponent(secret),
    ]),
  ];
}

/**
 * Replaces every secret the client knows (password, consumer key, each token it received) with
 * `[REDACTED]`, then applies the pattern-based scrub. Used on every server text that enters an
 * error and on every log line. @internal
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  /**
   * Adds a secret in each of its {@link secretForms}; empty or very short values are ignored (they
   * would redact ordinary text).
   */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < minimumSecretLength) return;
    for (const form of secretForms(secret)) this.#secrets.add(form);
  }

  redact(text: string): string {
    let redacted = text;
    for (const secret of this.#secrets) {
      if (redacted.includes(secret)) redacted = redacted.split(secret).join("[REDACTED]");
    }

    return scrubSecrets(redacted);
  }

  /** Redacts every string inside a JSON-like value. */
  redactValue(value: unknown): unknown {
    if (typeof value === "string") return this.redact(value);
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, this.redactValue(item)]),
      );
    }

    return value;
  }
}

/** What stands in a message for a `user:password@` left out (with spaces: no pattern strips it). */
const userInfoLeftOut = "(user and password left out)";

/**
 * A URL that did not parse, fit for a message: what stands before its last `@` (where a
 * `user:password@` would be, whatever characters it holds) is left out, and said to be.
 * @internal
 */
export function unparsedUrlShown(value: string): string {
  const at = value.lastIndexOf("@");
  if (at < 0) return value;

  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0] ?? "";
  return `${scheme}${userInfoLeftOut}${value.slice(at)}`;
}
