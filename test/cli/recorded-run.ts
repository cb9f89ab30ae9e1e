import { Journal } from "../../src/journal/index.js";

/**
 * Records in the journal at `journalPath` a create run of api_user against `baseUrl` that never
 * started (no records, `pending`), as a process stopped right after recording it leaves one;
 * returns its id. For the commands that take a run up: resume, retry-failed, runs.
 */
export function recordPendingRun(journalPath: string, baseUrl: string): string {
  const journal = Journal.open(journalPath);
  try {
    const run = journal.createRun({
      kind: "create",
      options: {},
      inputDigest: "0".repeat(64),
      baseUrl,
      username: "api_user",
    });

    return run.id;
  } finally {
    journal.close();
  }
}
