// The 700-page replace of the demo data on the simulator with the production latency table at
// a time scale, in three configurations side by side, each on a fresh simulator.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { estimateReferencePattern } from "../src/cli/demo/production-estimate.js";
import type { WorkflowSpec, WorkflowSummary } from "../src/pricing/index.js";
import { DEMO, SEED_LATENCY } from "../src/simulator/index.js";
import type { SimulatorPlacement } from "./simulator-host.js";
import { startSimulatorHost } from "./simulator-host.js";
import { modeledServerTime, routeDelta } from "./server-time.js";
import type { ServerTime } from "./server-time.js";
import { WorkflowMeter } from "./workflow-meter.js";
import type { ClientCost, PhaseFigures } from "./workflow-meter.js";
import { BatchEngine, createWorkflowRun, Journal, P21Client, runWorkflow } from "./shipped.js";
import { replaceProblems, writeDemoReplace } from "./workflow-sanity.js";

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
  readBack?: "batch" | "record";
}

export const CONFIGURATIONS: readonly WorkflowConfiguration[] = [
  {
    key: "reference",
    label: "(a) reference: 1 session, batches of 25, a field per change, a book window per link",
    sessions: 1,
    batchSize: 25,
    changeMode: "field",
    linkMode: "per-link",
    readBack: "record",
  },
  { key: "single", label: "(b) p21kit defaults, 1 session" },
  { key: "parallel", label: "(c) p21kit defaults, 5 sessions (pool 5)", sessions: 5 },
];

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
  /** Requests the server counted. */
  requests: number;
  /** Fields carried by all change requests. */
  changeFields: number;
  /** Wall time / the reference configuration's wall time. */
  ratioToReference: number;
  /** Modeled server time / the reference's: the ratio with no per-request overhead at all. */
  modeledRatioToReference: number;
  expired: number;
  created: number;
  linked: number;
  retries: number;
  reopens: number;
  /** Modeled server time of all requests (latency table × counts), production ms. */
  serverProductionMs: number;
  /** The same at the time scale: what the server's sleeps add up to, wall ms. */
  serverMs: number;
  /** The time the simulator spent in its latency waits for this configuration's requests. */
  servedServerMs: number;
  /**
   * (client-observed request time − modeled server time) / requests: what each request costs
   * beyond the latency model (loopback HTTP, the simulator's own work, timer slack), ms.
   */
  overheadMsPerRequest: number;
  /**
   * That overhead split where it is paid, ms per request: `inSimulator` from each request's
   * arrival at the simulator to its answer, beyond the latency wait (its own work and its event
   * loop's queue); `outside` the rest (the client process, the engine and journal, loopback,
   * and the wait before the simulator reads a request).
   */
  overheadSplit: { inSimulatorMsPerRequest: number; outsideMsPerRequest: number };
  /** Client-observed request time / (sessions × wall): how busy the sessions were kept. */
  sessionBusyShare: number;
  /** CPU and event loop of the bench process (client, engine, journal). */
  client: ClientCost;
  /** CPU of the simulator's process during the run, ms. */
  simulatorCpuMs: number;
  phases: PhaseFigures[];
  /** Where the modeled server time goes, per route, largest first. */
  serverTimeByRoute: { route: string; requests: number; productionMs: number; share: number }[];
  requestsByRoute: Record<string, number>;
}

/** The figures of the workflow bench. */
export interface WorkflowBenchResult {
  pages: number;
  /** Books in the demo data; each supplier's new pages go to one of them (its `books` column). */
  books: number;
  /** Links made: one per page. */
  links: number;
  timeScale: number;
  poolSize: number;
  simulator: SimulatorPlacement;
  reference: ConfigurationFigures;
  single: ConfigurationFigures;
  parallel: ConfigurationFigures;
  /** Modeled server time of (c)'s requests / the pool size, at the time scale (wall ms). */
  parallelLowerBoundMs: number;
  /** The same bound at production latency. */
  parallelLowerBoundProductionMs: number;
  /**
   * The same bound from the time the simulator really spent serving (its latency waits as they
   * took on this machine: timers fire late by a fraction of a millisecond, which the model
   * does not count and which weighs at small time scales), divided by the pool size.
   */
  parallelServedLowerBoundMs: number;
  /** The production guide's pattern computed from the latency table (production ms). */
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

function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function totalOf(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

interface ConfigurationRun {
  figures: ConfigurationFigures;
  serverTime: ServerTime;
}

async function runConfiguration(
  configuration: WorkflowConfiguration,
  pageCount: number,
  directory: string,
  placement: SimulatorPlacement,
): Promise<ConfigurationRun> {
  const host = await startSimulatorHost({ ...WORKFLOW_SIMULATOR }, placement);
  const journal = Journal.open(join(directory, `${configuration.key}.db`));
  const meter = new WorkflowMeter();
  const clients: P21Client[] = [];
  const newClient = (): P21Client => {
    const client = new P21Client({ baseUrl: host.url, ...user });
    client.on("request", meter.onRequest);
    clients.push(client);
    return client;
  };

  try {
    const input = await writeDemoReplace(directory, await host.rows("price_page"), pageCount);
    const { pages, expireDate } = input.expectation;
    const spec: WorkflowSpec = {
      kind: "replace",
      inputFile: input.file,
      pages: [...pages],
      inputRows: input.inputRows,
      expireDate,
      old: "auto",
      ...(configuration.changeMode === undefined ? {} : { changeMode: configuration.changeMode }),
      ...(configuration.linkMode === undefined ? {} : { linkMode: configuration.linkMode }),
      ...(configuration.readBack === undefined ? {} : { readBack: configuration.readBack }),
    };
    const engine = new BatchEngine({
      journal,
      createClient: () => newClient(),
      onProgress: meter.onProgress,
      ...(configuration.sessions === undefined ? {} : { sessions: configuration.sessions }),
      ...(configuration.batchSize === undefined ? {} : { batchSize: configuration.batchSize }),
    });

    const statsBefore = await host.stats();
    const cpuBefore = await host.cpu();
    meter.start();
    const planningClient = newClient();
    const run = await createWorkflowRun(journal, planningClient, spec, {
      baseUrl: host.url,
      username: user.username,
      options: { bench: configuration.key },
      inputDigest: input.digest,
    });
    await planningClient.close();
    const summary = await runWorkflow(journal, run.id, engine);
    const wallMs = meter.stop();
    const statsAfter = await host.stats();
    const cpuAfter = await host.cpu();

    const problems = replaceProblems(
      {
        pricePages: await host.rows("price_page"),
        bookLinks: await host.rows("price_book_x_page"),
      },
      input.expectation,
      summary,
    );
    if (problems.length > 0) throw new SanityError(configuration.label, problems);

    const simulatorCpuMs =
      cpuAfter.userMs + cpuAfter.systemMs - cpuBefore.userMs - cpuBefore.systemMs;

    return figuresOf(configuration, {
      wallMs,
      summary,
      meter,
      requestsByRoute: routeDelta(statsAfter.requests, statsBefore.requests),
      servedServerMs: statsAfter.serverTimeMs.served - statsBefore.serverTimeMs.served,
      handledServerMs: statsAfter.serverTimeMs.handled - statsBefore.serverTimeMs.handled,
      simulatorCpuMs,
      pages: pages.length,
    });
  } finally {
    await Promise.allSettled(clients.map((client) => client.close()));
    journal.close();
    await host.close();
  }
}

function figuresOf(
  configuration: WorkflowConfiguration,
  measured: {
    wallMs: number;
    summary: WorkflowSummary;
    meter: WorkflowMeter;
    requestsByRoute: Record<string, number>;
    servedServerMs: number;
    handledServerMs: number;
    simulatorCpuMs: number;
    pages: number;
  },
): ConfigurationRun {
  const { wallMs, summary, meter, requestsByRoute, pages } = measured;
  const changeFields = meter.changeFields();
  const serverTime = modeledServerTime(requestsByRoute, changeFields, SEED_LATENCY);
  const phases = meter.phases();
  const phaseRequests = (name: string) =>
    phases.find((phase) => phase.phase === name)?.requests ?? 0;
  const requests = totalOf(requestsByRoute);
  const sessions = configuration.sessions ?? 1;
  const client = meter.cost();
  const sum = (pick: (phase: WorkflowSummary["phases"][number]) => number) =>
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
    modeledRatioToReference: 1,
    expired: summary.expired,
    created: summary.created,
    linked: summary.linked,
    retries: sum((phase) => phase.retries),
    reopens: sum((phase) => phase.reopens),
    serverProductionMs: round(serverTime.totalMs),
    serverMs: round(serverTime.totalMs * WORKFLOW_SIMULATOR.timeScale),
    servedServerMs: round(measured.servedServerMs),
    overheadMsPerRequest: round(
      (client.requestMs - serverTime.totalMs * WORKFLOW_SIMULATOR.timeScale) / requests,
      2,
    ),
    overheadSplit: {
      inSimulatorMsPerRequest: round(
        (measured.handledServerMs - measured.servedServerMs) / requests,
        2,
      ),
      outsideMsPerRequest: round((client.requestMs - measured.handledServerMs) / requests, 2),
    },
    sessionBusyShare: round(client.requestMs / (sessions * wallMs), 3),
    client,
    simulatorCpuMs: round(measured.simulatorCpuMs),
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

/** Options of {@link runWorkflowBench}. */
export interface WorkflowBenchOptions {
  /** 100 pages instead of 700. */
  quick?: boolean;
  /** @default "child" */
  simulator?: SimulatorPlacement;
  log?: (line: string) => void;
}

/**
 * Runs the three configurations one after the other, each on a fresh simulator, and checks
 * after each that it did the job exactly (else throws {@link SanityError}).
 */
export async function runWorkflowBench(
  options: WorkflowBenchOptions = {},
): Promise<WorkflowBenchResult> {
  const pageCount = options.quick === true ? 100 : 700;
  const placement = options.simulator ?? "child";
  const log = options.log ?? (() => undefined);
  const directory = await mkdtemp(join(tmpdir(), "p21kit-bench-workflow-"));
  const runs = new Map<WorkflowConfiguration["key"], ConfigurationRun>();

  try {
    for (const configuration of CONFIGURATIONS) {
      log(`workflow ${configuration.label}: ${pageCount} pages…`);
      const run = await runConfiguration(configuration, pageCount, directory, placement);
      runs.set(configuration.key, run);
      log(`  ${(run.figures.wallMs / 1_000).toFixed(1)} s, ${run.figures.requests} requests`);
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }

  const pick = (key: WorkflowConfiguration["key"]): ConfigurationRun => {
    const run = runs.get(key);
    if (run === undefined) throw new Error(`configuration ${key} did not run`);
    return run;
  };
  const reference = pick("reference").figures;
  const single = pick("single").figures;
  const parallel = pick("parallel");
  for (const figures of [single, parallel.figures]) {
    figures.ratioToReference = round(figures.wallMs / reference.wallMs, 3);
    figures.modeledRatioToReference = round(figures.serverMs / reference.serverMs, 3);
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
    links: reference.linked,
    timeScale: WORKFLOW_SIMULATOR.timeScale,
    poolSize: WORKFLOW_SIMULATOR.poolSize,
    simulator: placement,
    reference,
    single,
    parallel: parallel.figures,
    parallelLowerBoundMs: round(lowerBoundProductionMs * WORKFLOW_SIMULATOR.timeScale),
    parallelLowerBoundProductionMs: round(lowerBoundProductionMs),
    parallelServedLowerBoundMs: round(
      parallel.figures.servedServerMs / WORKFLOW_SIMULATOR.poolSize,
    ),
    referenceEstimateProductionMs: round(estimate.totalMs),
  };
}
