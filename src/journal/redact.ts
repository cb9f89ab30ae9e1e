import { scrubSecrets } from "../client/errors.js";

// Key fragments that mark a secret, compared after lower-casing and removing `_`, `-` and spaces.
const secretKeyFragments = [
  "password",
  "passwd",
  "passphrase",
  "token",
  "secret",
  "consumerkey",
  "apikey",
  "authorization",
  "cookie",
  "credential",
  "privatekey",
];

/** Whether an object key names a secret (`password`, `accessToken`, `Consumer-Key`, …). */
export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[\s_-]/g, "");

  return secretKeyFragments.some((fragment) => normalized.includes(fragment));
}

const urlCredentials = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/** Removes the `user:password@` part of every URL in a text. */
export function stripUrlCredentials(text: string): string {
  return text.replace(urlCredentials, "$1");
}

/**
 * A text without the secrets it may quote: credentials inside URLs, bearer tokens, JWTs and
 * `password=…`-style fields.
 */
export function redactText(text: string): string {
  return stripUrlCredentials(scrubSecrets(text));
}

function redact(value: unknown, ancestors: Set<object>): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;

  const withToJSON = value as { toJSON?: unknown };
  if (typeof withToJSON.toJSON === "function") {
    return redact((withToJSON.toJSON as () => unknown).call(value), ancestors);
  }

  if (ancestors.has(value)) return "[circular]";

  ancestors.add(value);
  let redacted: unknown;
  if (Array.isArray(value)) {
    redacted = value.map((element: unknown) => redact(element, ancestors));
  } else {
    const kept: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (!isSecretKey(key)) kept[key] = redact(member, ancestors);
    }

    redacted = kept;
  }

  ancestors.delete(value);

  return redacted;
}

/**
 * A copy of a JSON-like value without its secrets: members whose key names a secret
 * (password, token, consumer key, secret, authorization, API key, cookie, credential; any case,
 * any depth) are dropped, texts go through {@link redactText}, and cycles become `"[circular]"`.
 * The journal applies it to run options and event data before writing them.
 *
 * Known limit: a secret held under an innocent key (`{ "value": "hunter2" }`) is not
 * recognised; callers must not put secrets there.
 */
export function redactSecrets(value: unknown): unknown {
  return redact(value, new Set());
}
