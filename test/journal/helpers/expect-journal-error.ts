import { expect } from "vitest";
import { JournalError } from "../../../src/journal/index.js";

/** Runs `work`, expecting it to throw a {@link JournalError} of `code`; answers the error. */
export function expectJournalError(work: () => unknown, code: string): JournalError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).code).toBe(code);

    return error as JournalError;
  }

  throw new Error(`expected ${code}, nothing was thrown`);
}
