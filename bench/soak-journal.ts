// The soak's checks of the journal against the server: after each round, every run finished
// with nothing left in flight, `runs` and `runs show` saying so too, its result files saying
// what the journal says, every record the journal calls done on the server, and every record
// of the job on the server done once in the journal.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { PhaseSummary } from "../src/batch/index.js";
import { Journal } from "../src/journal/index.js";
import type { ItemRecord } from "../src/journal/index.js";
import { parseCsv } from "../test/cli/parse-csv.js";
import type { ReplaceExpectation } from "./workflow-sanity.js";

/** The server's tables, as the simulator holds them. */
export interface ServerTables {
  pricePages: readonly Record<string, unknown>[];
  bookLinks: readonly Record<string, unknown>[];
}

/** Runs the command line (`p21kit ARGS`, `--json` added) and gives its exit code and stdout. */
export type ReadCommand = (
  args: readonly string[],
) => Promise<{ exitCode: number | null; stdout: string }>;

interface ListedRun {
  id: string;
  state: string;
  counts: { total: number; succeeded: number; failed: number; skipped: number; unsettled: number };
  linksToCome: number;
  phases?: Pick<
    PhaseSummary,
    "phase" | "total" | "succeeded" | "failed" | "skipped" | "unsettled"
  >[];
  failed?: unknown[];
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((line) => line.trim().startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** What `runs --json` and `runs show RUN --json` say of every run, checked against each other. */
async function commandLineProblems(read: ReadCommand, journal: Journal): Promise<string[]> {
  const problems: string[] = [];
  const listed = await read(["runs", "--limit", "1000"]);
  if (listed.exitCode !== 0) return [`p21kit runs ended with exit ${listed.exitCode}`];

  const runs = jsonLines(listed.stdout) as unknown as ListedRun[];
  if (runs.length !== journal.listRuns({ limit: 1_000 }).length) {
    problems.push(`p21kit runs lists ${runs.length} runs, the journal holds more`);
  }

  for (const run of runs) {
    if (run.state !== "completed" || run.counts.unsettled > 0 || run.linksToCome > 0) {
      problems.push(
        `p21kit runs: run ${run.id} is ${run.state} with ${run.counts.unsettled} records ` +
          `and ${run.linksToCome} links left`,
      );
    }

    const shown = await read(["runs", "show", run.id]);
    const detail = jsonLines(shown.stdout)[0] as unknown as ListedRun | undefined;
    if (shown.exitCode !== 0 || detail === undefined) {
      problems.push(`p21kit runs show ${run.id} ended with exit ${shown.exitCode}`);
      continue;
    }

    const phases = detail.phases ?? [];
    const sum = (key: "succeeded" | "failed" | "skipped" | "unsettled") =>
      phases.reduce((total, phase) => total + phase[key], 0);
    const disagree =
      detail.state !== run.state ||
      (["succeeded", "failed", "skipped", "unsettled"] as const).some(
        (key) => sum(key) !== run.counts[key] || detail.counts[key] !== run.counts[key],
      ) ||
      (detail.failed?.length ?? 0) !== run.counts.failed;
    if (disagree) {
      problems.push(
        `p21kit runs show ${run.id} disagrees with p21kit runs: ${JSON.stringify(detail.counts)} ` +
          `(${detail.state}) against ${JSON.stringify(run.counts)} (${run.state})`,
      );
    }
  }

  return problems;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * The result files of every finished run in `runsDirectory` (`./p21kit-runs/`): results.csv
 * with one line per item in its journal state, summary.json with the journal's state and counts.
 */
async function resultFileProblems(journal: Journal, runsDirectory: string): Promise<string[]> {
  const problems: string[] = [];
  for (const run of journal.listRuns({ limit: 1_000 })) {
    if (run.state !== "completed") continue;

    const items = journal.items(run.id);
    const results = await readText(join(runsDirectory, run.id, "results.csv"));
    const rows = results === undefined ? [] : parseCsv(results).slice(1);
    const states = new Map(items.map((item) => [`${item.phase} ${item.naturalKey}`, item.state]));
    const stale = rows.filter((row) => states.get(`${row[1] ?? ""} ${row[2] ?? ""}`) !== row[3]);
    if (results === undefined || rows.length !== items.length || stale.length > 0) {
      problems.push(
        `results.csv of run ${run.id} has ${results === undefined ? "no file" : `${rows.length} lines`} ` +
          `for ${items.length} records, ${stale.length} in another state than the journal's`,
      );
    }

    const summaryText = await readText(join(runsDirectory, run.id, "summary.json"));
    let summary: { state?: string; failed?: number; interrupted?: boolean } | undefined;
    try {
      summary = summaryText === undefined ? undefined : (JSON.parse(summaryText) as typeof summary);
    } catch {
      summary = undefined;
    }
    const failed = journal.counts(run.id).failed;
    if (
      summary?.state !== "completed" ||
      summary.failed !== failed ||
      summary.interrupted === true
    ) {
      problems.push(
        `summary.json of run ${run.id} says ${summary === undefined ? "nothing" : JSON.stringify({ state: summary.state, failed: summary.failed, interrupted: summary.interrupted })}, ` +
          `the journal completed with ${failed} failed`,
      );
    }
  }

  return problems;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : String(value);
}

function uidOf(result: unknown): number | undefined {
  const uid = (result as { pricePageUid?: unknown } | null | undefined)?.pricePageUid;
  return typeof uid === "number" ? uid : undefined;
}

/** Counts of one key, with what is seen more than once. */
class Tally {
  readonly #counts = new Map<string, number>();

  add(key: string): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  has(key: string): boolean {
    return this.#counts.has(key);
  }

  repeated(): string[] {
    return [...this.#counts].filter(([, count]) => count > 1).map(([key]) => key);
  }
}

/**
 * Checks the journal at `journalPath` against the server's tables: every run completed and
 * every item settled (and the command line agreeing), every create, expire and link the
 * journal holds as succeeded present on the server, no record succeeded in two runs, and every
 * new page, link and expiration of the job on the server known to the journal as done.
 */
export async function journalProblems(
  journalPath: string,
  tables: ServerTables,
  expected: ReplaceExpectation,
  read: ReadCommand,
  runsDirectory: string,
): Promise<string[]> {
  const journal = Journal.open(journalPath, { readonly: true });
  try {
    const problems = await commandLineProblems(read, journal);
    problems.push(...(await resultFileProblems(journal, runsDirectory)));
    const pages = new Map(tables.pricePages.map((row) => [row.price_page_uid, row]));
    const links = new Set(
      tables.bookLinks.map((row) => `${text(row.price_book_id)}:${text(row.price_page_uid)}`),
    );
    const done = { expire: new Tally(), create: new Tally(), link: new Tally() };
    const wrong: string[] = [];
    const unsettled: ItemRecord[] = [];

    for (const run of journal.listRuns({ limit: 1_000 })) {
      for (const item of journal.items(run.id)) {
        if (item.state === "pending" || item.state === "in_flight") unsettled.push(item);
        if (item.state !== "succeeded" && item.state !== "skipped") continue;

        const phase = item.phase as keyof typeof done;
        if (phase === "create") {
          const uid = uidOf(item.result);
          const page = pages.get(uid);
          const description = (item.input as { page: { description: string } }).page.description;
          if (page === undefined || page.description !== description) {
            wrong.push(
              `create ${item.naturalKey} (${item.state}, page ${uid}) is not on the server`,
            );
          }
          if (item.state === "succeeded") done.create.add(text(uid));
        } else if (phase === "link") {
          if (!links.has(item.naturalKey)) {
            wrong.push(`link ${item.naturalKey} (${item.state}) is not on the server`);
          }
          if (item.state === "succeeded") done.link.add(item.naturalKey);
        } else if (phase === "expire") {
          const page = pages.get(Number(item.naturalKey));
          const date = (item.input as { expirationDate: string }).expirationDate;
          if (page === undefined || !text(page.expiration_date).startsWith(date)) {
            wrong.push(`expiration ${item.naturalKey} (${item.state}) is not on the server`);
          }
          if (item.state === "succeeded") done.expire.add(item.naturalKey);
        }
      }
    }

    if (unsettled.length > 0) {
      const first = unsettled[0] as ItemRecord;
      problems.push(
        `${unsettled.length} item(s) left unsettled, e.g. ${first.phase} ${first.naturalKey} ` +
          `(${first.state}) of run ${first.runId}`,
      );
    }

    if (wrong.length > 0) {
      problems.push(
        `${wrong.length} record(s) done in the journal and not on the server, e.g. ${wrong[0]}`,
      );
    }

    for (const [phase, tally] of Object.entries(done)) {
      const twice = tally.repeated();
      if (twice.length > 0) {
        problems.push(`${twice.length} ${phase} record(s) succeeded in two runs, e.g. ${twice[0]}`);
      }
    }

    // The other way round: what the server holds of the job, the journal knows as done.
    const wanted = new Set(expected.pages.map((page) => `${page.supplierId}|${page.description}`));
    const newUids = tables.pricePages
      .filter((row) => wanted.has(`${text(row.supplier_id)}|${text(row.description)}`))
      .map((row) => row.price_page_uid as number);
    const known = new Set<number>();
    for (const run of journal.listRuns({ limit: 1_000 })) {
      for (const item of journal.items(run.id, {
        phase: "create",
        states: ["succeeded", "skipped"],
      })) {
        const uid = uidOf(item.result);
        if (uid !== undefined) known.add(uid);
      }
    }

    const unknownPages = newUids.filter((uid) => !known.has(uid));
    if (unknownPages.length > 0) {
      problems.push(
        `${unknownPages.length} new page(s) on the server the journal does not have as made, e.g. ${unknownPages[0]}`,
      );
    }

    const newSet = new Set(newUids);
    const unknownLinks = tables.bookLinks
      .filter((row) => newSet.has(row.price_page_uid as number))
      .map((row) => `${text(row.price_book_id)}:${text(row.price_page_uid)}`)
      .filter((key) => !done.link.has(key) && !linkSkipped(journal, key));
    if (unknownLinks.length > 0) {
      problems.push(
        `${unknownLinks.length} link(s) on the server the journal does not have as made, e.g. ${unknownLinks[0]}`,
      );
    }

    const unknownExpirations = expected.oldPageUids.filter((uid) => {
      const page = pages.get(uid);
      return (
        page !== undefined &&
        text(page.expiration_date).startsWith(expected.expireDate) &&
        !done.expire.has(String(uid))
      );
    });
    if (unknownExpirations.length > 0) {
      problems.push(
        `${unknownExpirations.length} old page(s) expired on the server the journal does not have as expired, e.g. ${unknownExpirations[0]}`,
      );
    }

    return problems;
  } finally {
    journal.close();
  }
}

function linkSkipped(journal: Journal, naturalKey: string): boolean {
  return journal
    .listRuns({ limit: 1_000 })
    .some((run) =>
      journal
        .items(run.id, { phase: "link", states: ["skipped"] })
        .some((item) => item.naturalKey === naturalKey),
    );
}
