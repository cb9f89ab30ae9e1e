// The 700-page replace of the demo data on the simulator with the production latency table at
// a time scale, in three configurations side by side, each on a fresh simulator.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchEngine } from "../src/batch/index.js";
import type { ProgressEvent } from "../src/batch/index.js";
import { demoDates, writeDemoInput } from "../src/cli/demo/demo-input.js";
import { estimateReferencePattern } from "../src/cli/demo/production-estimate.js";
import { P21Client } from "../src/client/index.js";
import type { RequestEvent } from "../src/client/index.js";
import { Journal } from "../src/journal/index.js";
import { createWorkflowRun, readPricePageFile, runWorkflow } from "../src/pricing/index.js";
import type { PricePageRow, WorkflowSpec } from "../src/pricing/index.js";
import { DEMO, SEED_LATENCY, startSimulator } from "../src/simulator/index.js";
import type { SimulatorHandle } from "../src/simulator/index.js";
import { countChangeFields, modeledServerTime, routeDelta } from "./server-time.js";
import type { RouteCounts, ServerTime } from "./server-time.js";
import { replaceProblems } from "./workflow-sanity.js";

/** The simulator every configuration runs on (fresh state each time). */
export const WORKFLOW_SIMULATOR = {
  data: "demo",
  latency: "seed",
  timeScale: 0.02,
  poolSize: 5,
} as const;

const user = { username: "api_user", password: "api_password" };

/** One configuration of the run: how p21kit is asked to do the job. */
export interface WorkflowConfiguration {
  key: "reference" | "single" | "parallel";
  label: string;
  /** Engine sessions; undefined = the engine's default. */
  sessions?: number;
  batchSize?: number;
  changeMode?: "tab" | "field";
  linkMode?: "grouped" | "per-link";
}

export const CONFIGURATIONS: readonly WorkflowConfiguration[] = [
  {
    key: "reference",
    label: "(a) reference pattern: 1 session, batches of 25, a field per change, a book window per link",
    sessions: 1,
    batchSize: 25,
    changeMode: "field",
    linkMode: "per-link",
  },
  { key: "single", label: "(b) p21kit defaults, 1 session" },
  { key: "parallel", label: "(c) p21kit defaults, 5 sessions (pool 5)", sessions: 5 },
];

/** Requests and time of one phase (`plan` = the OData lookups before the first phase). */
export interface PhaseFigures {
  phase: string;
  wallMs: number;
  requests: number;
  /** Modeled server time of its requests, production ms. */
  serverMs: number;
}

/** The figures of one configuration. */
export interface ConfigurationFigures {
  label: string;
  sessions: number;
  wallMs: number;
  /** Wall time divided by the time scale: what the same run would take at production latency. */
  productionMs: number;
  /** Every request of the run per created page. */
  requestsPerPage: number;
  /** Requests of the create and link phases per created (and linked) page. */
  requestsPerCreatedAndLinkedPage: number;
  requests: number;
  /** Fields carried by all change requests. */
  changeFields: number;
  /** Wall time / the reference configuration's wall time. */
  ratioToReference: number;
  expired: number;
  created: number;
  linked: number;
  retries: number;
  reopens: number;
  /** Modeled server time of all requests (latency table × counts), production ms. */
  serverProductionMs: number;
  /** Sum of the client-observed durations of all requests / (sessions × wall): how busy the sessions were. */
  sessionBusyShare: number;
  phases: PhaseFigures[];
  /** Where the modeled server time goes, per route, largest first. */
  serverTimeByRoute: { route: string; requests: number; productionMs: number; share: number }[];
  requestsByRoute: Record<string, number>;
}

/** The figures of the workflow bench. */
export interface WorkflowBenchResult {
  pages: number;
  books: number;
  timeScale: number;
  poolSize: number;
  reference: ConfigurationFigures;
  single: ConfigurationFigures;
  parallel: ConfigurationFigures;
  /** Modeled server time of (c)'s requests / the pool size, at the time scale (wall ms). */
  parallelLowerBoundMs: number;
  /** The same bound at production latency. */
  parallelLowerBoundProductionMs: number;
  /** What the reference document's pattern costs on this latency table, computed (production ms). */
  referenceEstimateProductionMs: number;
}

/** A configuration created a page twice, lost one, or failed: its speed means nothing. */
export class SanityError extends Error {
  readonly problems: readonly string[];

  constructor(configuration: string, problems: readonly string[]) {
    super(`${configuration}: ${problems.join("; ")}`);
    this.name = "SanityError";
    this.problems = problems;
  }
}

interface Snapshot {
  atMs: number;
  requests: RouteCounts;
  changeFields: number;
}

function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function totalOf(counts: RouteCounts): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

function oldPageUids(rows: readonly Record<string, unknown>[], pages: readonly PricePageRow[]) {
  const pairs = new Set(pages.map((page) => `${page.supplierId}|${page.productGroupId ?? ""}`));
  return rows
    .filter(
      (row) =>
        row.row_status_flag === 704 &&
        pairs.has(`${String(row.supplier_id)}|${String(row.product_group_id)}`),
    )
    .map((row) => row.price_page_uid)
    .filter((uid): uid is number => typeof uid === "number");
}

async function runConfiguration(
  configuration: WorkflowConfiguration,
  pageCount: number,
  directory: string,
): Promise<{ figures: ConfigurationFigures; serverTime: ServerTime }> {
  const simulator: SimulatorHandle = await startSimulator({ ...WORKFLOW_SIMULATOR });
  const fields = countChangeFields();
  const journal = Journal.open(join(directory, `${configuration.key}.db`));
  const clients: P21Client[] = [];
  let clientBusyMs = 0;
  const observe = (event: RequestEvent): void => {
    clientBusyMs += event.durationMs;
  };
  const newClient = (): P21Client => {
    const client = new P21Client({ baseUrl: simulator.url, ...user });
    client.on("request", observe);
    clients.push(client);
    return client;
  };

  try {
    const dates = demoDates(new Date());
    const startRows = simulator.rows("price_page");
    const written = await writeDemoInput(directory, startRows, pageCount, dates);
    const reading = await readPricePageFile(written.file);
    if (!reading.ok) throw new Error(`the demo input is invalid: ${reading.problems[0]?.message}`);
    const pages = reading.rows.map((row) => row.value);
    const spec: WorkflowSpec = {
      kind: "replace",
      inputFile: written.file,
      pages,
      inputRows: reading.rows.map((row) => row.row),
      books: [...DEMO.bookIds],
      expireDate: dates.expireDate,
      old: "auto",
      ...(configuration.changeMode === undefined ? {} : { changeMode: configuration.changeMode }),
      ...(configuration.linkMode === undefined ? {} : { linkMode: configuration.linkMode }),
    };

    const snapshots = new Map<string, Snapshot>();
    const snapshot = (name: string): void => {
      snapshots.set(name, {
        atMs: performance.now(),
        requests: simulator.stats().requests,
        changeFields: fields.fields(),
      });
    };
    const onProgress = (event: ProgressEvent): void => {
      if (event.type === "phase-started") snapshot(`${event.phase}:start`);
      if (event.type === "phase-finished") snapshot(`${event.phase}:end`);
    };
    const engine = new BatchEngine({
      journal,
      createClient: () => newClient(),
      onProgress,
      ...(configuration.sessions === undefined ? {} : { sessions: configuration.sessions }),
      ...(configuration.batchSize === undefined ? {} : { batchSize: configuration.batchSize }),
    });

    simulator.resetStats();
    snapshot("run:start");
    const planningClient = newClient();
    const run = await createWorkflowRun(journal, planningClient, spec, {
      baseUrl: simulator.url,
      username: user.username,
      options: { bench: configuration.key },
      inputDigest: reading.digest,
    });
    await planningClient.close();
    const summary = await runWorkflow(journal, run.id, engine);
    snapshot("run:end");

    const problems = replaceProblems(
      simulator,
      {
        pages,
        oldPageUids: oldPageUids(startRows, pages),
        books: DEMO.bookIds,
        expireDate: dates.expireDate,
      },
      summary,
    );
    if (problems.length > 0) throw new SanityError(configuration.label, problems);

    return measured(configuration, snapshots, summary, clientBusyMs, pages.length);
  } finally {
    fields.stop();
    await Promise.allSettled(clients.map((client) => client.close()));
    journal.close();
    await simulator.close();
  }
}

function phaseFigures(snapshots: ReadonlyMap<string, Snapshot>): PhaseFigures[] {
  const figures: PhaseFigures[] = [];
  const add = (phase: string, start: Snapshot | undefined, end: Snapshot | undefined): void => {
    if (start === undefined || end === undefined) return;
    const requests = routeDelta(end.requests, start.requests);
    figures.push({
      phase,
      wallMs: round(end.atMs - start.atMs),
      requests: totalOf(requests),
      serverMs: round(
        modeledServerTime(requests, end.changeFields - start.changeFields, SEED_LATENCY).totalMs,
      ),
    });
  };

  const firstPhase = ["expire", "create", "link"]
    .map((phase) => snapshots.get(`${phase}:start`))
    .find((found) => found !== undefined);
  add("plan", snapshots.get("run:start"), firstPhase);
  for (const phase of ["expire", "create", "link"]) {
    add(phase, snapshots.get(`${phase}:start`), snapshots.get(`${phase}:end`));
  }

  return figures;
}

function measured(
  configuration: WorkflowConfiguration,
  snapshots: ReadonlyMap<string, Snapshot>,
  summary: Awaited<ReturnType<typeof runWorkflow>>,
  clientBusyMs: number,
  pages: number,
): { figures: ConfigurationFigures; serverTime: ServerTime } {
  const start = snapshots.get("run:start");
  const end = snapshots.get("run:end");
  if (start === undefined || end === undefined) throw new Error("the run left no snapshots");

  const wallMs = end.atMs - start.atMs;
  const requestsByRoute = routeDelta(end.requests, start.requests);
  const changeFields = end.changeFields - start.changeFields;
  const serverTime = modeledServerTime(requestsByRoute, changeFields, SEED_LATENCY);
  const phases = phaseFigures(snapshots);
  const phaseRequests = (name: string) => phases.find((phase) => phase.phase === name)?.requests ?? 0;
  const requests = totalOf(requestsByRoute);
  const sessions = configuration.sessions ?? 1;
  const sum = (pick: (phase: (typeof summary.phases)[number]) => number) =>
    summary.phases.reduce((total, phase) => total + pick(phase), 0);

  const figures: ConfigurationFigures = {
    label: configuration.label,
    sessions,
    wallMs: round(wallMs),
    productionMs: round(wallMs / WORKFLOW_SIMULATOR.timeScale),
    requestsPerPage: round(requests / pages, 2),
    requestsPerCreatedAndLinkedPage: round(
      (phaseRequests("create") + phaseRequests("link")) / pages,
      2,
    ),
    requests,
    changeFields,
    ratioToReference: 1,
    expired: summary.expired,
    created: summary.created,
    linked: summary.linked,
    retries: sum((phase) => phase.retries),
    reopens: sum((phase) => phase.reopens),
    serverProductionMs: round(serverTime.totalMs),
    sessionBusyShare: round(clientBusyMs / (sessions * wallMs), 3),
    phases,
    serverTimeByRoute: serverTime.byRoute.map((row) => ({
      route: row.route,
      requests: row.requests,
      productionMs: round(row.ms),
      share: round(row.share, 3),
    })),
    requestsByRoute,
  };

  return { figures, serverTime };
}

/** Runs the three configurations one after the other, each on a fresh simulator. */
export async function runWorkflowBench(
  options: { quick?: boolean; log?: (line: string) => void } = {},
): Promise<WorkflowBenchResult> {
  const pageCount = options.quick === true ? 100 : 700;
  const log = options.log ?? (() => undefined);
  const directory = await mkdtemp(join(tmpdir(), "p21kit-bench-workflow-"));
  const results = new Map<string, { figures: ConfigurationFigures; serverTime: ServerTime }>();

  try {
    for (const configuration of CONFIGURATIONS) {
      log(`workflow ${configuration.label}: ${pageCount} pages…`);
      const result = await runConfiguration(configuration, pageCount, directory);
      results.set(configuration.key, result);
      log(`  ${(result.figures.wallMs / 1_000).toFixed(1)} s, ${result.figures.requests} requests`);
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }

  const pick = (key: WorkflowConfiguration["key"]) => {
    const result = results.get(key);
    if (result === undefined) throw new Error(`configuration ${key} did not run`);
    return result;
  };
  const reference = pick("reference").figures;
  const single = pick("single").figures;
  const parallel = pick("parallel");
  for (const figures of [single, parallel.figures]) {
    figures.ratioToReference = round(figures.wallMs / reference.wallMs, 3);
  }

  const lowerBoundProductionMs = parallel.serverTime.totalMs / WORKFLOW_SIMULATOR.poolSize;
  const estimate = estimateReferencePattern(SEED_LATENCY, {
    expired: reference.expired,
    created: reference.created,
    links: reference.linked,
    // type, company, group, supplier, description, pricing method, source price, both dates
    formFieldsPerPage: 9,
    valuesFieldsPerPage: 2,
  });

  return {
    pages: pageCount,
    books: DEMO.bookIds.length,
    timeScale: WORKFLOW_SIMULATOR.timeScale,
    poolSize: WORKFLOW_SIMULATOR.poolSize,
    reference,
    single,
    parallel: parallel.figures,
    parallelLowerBoundMs: round(lowerBoundProductionMs * WORKFLOW_SIMULATOR.timeScale),
    parallelLowerBoundProductionMs: round(lowerBoundProductionMs),
    referenceEstimateProductionMs: round(estimate.totalMs),
  };
}
