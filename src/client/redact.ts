import { scrubSecrets } from "./errors.js";

const minimumSecretLength = 3;

/**
 * Replaces every secret the client knows (password, consumer key, each token it received) with
 * `[REDACTED]`, then applies the pattern-based scrub. Used on every server text that enters an
 * error and on every log line. @internal
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  /** Adds a secret; empty or very short values are ignored (they would redact ordinary text). */
  add(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= minimumSecretLength) this.#secrets.add(secret);
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
