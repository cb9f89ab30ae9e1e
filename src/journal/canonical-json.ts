import { createHash } from "node:crypto";

import { JournalError } from "./errors.js";

function toCanonical(value: unknown, ancestors: Set<object>): unknown {
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint") {
      throw new JournalError("P21_JOURNAL_INPUT", "a BigInt cannot be written as JSON");
    }

    return value;
  }

  const withToJSON = value as { toJSON?: unknown };
  if (typeof withToJSON.toJSON === "function") {
    return toCanonical((withToJSON.toJSON as () => unknown).call(value), ancestors);
  }

  if (ancestors.has(value)) {
    throw new JournalError("P21_JOURNAL_INPUT", "a value that contains itself cannot be written");
  }

  ancestors.add(value);
  let canonical: unknown;
  if (Array.isArray(value)) {
    canonical = value.map((element: unknown) => toCanonical(element, ancestors));
  } else {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      sorted[key] = toCanonical((value as Record<string, unknown>)[key], ancestors);
    }

    canonical = sorted;
  }

  ancestors.delete(value);

  return canonical;
}

/**
 * JSON with object keys sorted at every depth, so that equal values give equal text whatever
 * the order their keys were built in. Follows `JSON.stringify` otherwise (`toJSON`, dropped
 * `undefined` members, `null` for non-finite numbers); `undefined` alone becomes `null`.
 * Throws `P21_JOURNAL_INPUT` for BigInts and cycles.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(toCanonical(value, new Set())) ?? "null";
}

/** The SHA-256 (hex) of a value's canonical JSON: the same for equal inputs, on any machine. */
export function digestInput(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value), "utf8").digest("hex");
}
