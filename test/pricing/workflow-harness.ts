import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { BatchEngine } from "../../src/batch/index.js";
import type { EngineOptions } from "../../src/batch/index.js";
import { P21Client } from "../../src/client/index.js";
import { Journal } from "../../src/journal/index.js";
import { createWorkflowRun, PlanProblemsError, runWorkflow } from "../../src/pricing/index.js";
import type { PricePageRow, WorkflowSpec, WorkflowSummary } from "../../src/pricing/index.js";
import { DEMO, startSimulator } from "../../src/simulator/index.js";
import type { SimulatorHandle } from "../../src/simulator/index.js";

/** A demo simulator, a journal file in a temp directory, and engines that run on them. */
export interface Harness {
  readonly simulator: SimulatorHandle;
  readonly journal: Journal;
  client(): P21Client;
  engine(options?: Partial<EngineOptions>): BatchEngine;
  /** Creates the run and runs it to its end. */
  run(
    spec: WorkflowSpec,
    engineOptions?: Partial<EngineOptions>,
  ): Promise<WorkflowSummary & { runId: string }>;
  /** Requests the simulator counted for one route, e.g. "PUT /api/ui/interactive/v2/data". */
  requests(route: string): number;
  /** Interactive write requests (change, save, row, tab, clear, tools, window). */
  interactiveRequests(): number;
  /** The server's active pages with this description. */
  pagesOnServer(description: string): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startHarness(
  profile: "26.1.5950" | "26.1.5910" | "25.2" = "26.1.5950",
): Promise<Harness> {
  const simulator = await startSimulator({ data: "demo", profile });
  const directory = await mkdtemp(join(tmpdir(), "p21kit-workflow-"));
  const journal = Journal.open(join(directory, "journal.db"));
  const clients: P21Client[] = [];
  const client = (): P21Client => {
    const created = new P21Client({
      baseUrl: simulator.url,
      username: "api_user",
      password: "api_password",
    });
    clients.push(created);
    return created;
  };

  const engine = (options: Partial<EngineOptions> = {}) =>
    new BatchEngine({
      journal,
      createClient: () =>
        new P21Client({ baseUrl: simulator.url, username: "api_user", password: "api_password" }),
      backoff: { baseMs: 1, maxMs: 5 },
      ...options,
    });

  return {
    simulator,
    journal,
    client,
    engine,
    async run(spec, engineOptions) {
      const lookup = client();
      const run = await createWorkflowRun(journal, lookup, spec, {
        baseUrl: simulator.url,
        username: "api_user",
        options: { test: true },
        inputDigest: "test",
      });
      return runWorkflow(journal, run.id, engine(engineOptions));
    },
    requests: (route) => simulator.stats().requests[route] ?? 0,
    interactiveRequests: () =>
      Object.entries(simulator.stats().requests)
        .filter(([route]) => route.includes("/api/ui/interactive/"))
        .reduce((sum, [, count]) => sum + count, 0),
    pagesOnServer: (description) =>
      simulator
        .rows("price_page")
        .filter((row) => row.description === description && row.row_status_flag === 704),
    async close() {
      await Promise.all(clients.map((created) => created.close()));
      journal.close();
      await simulator.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The problems of the plan refusal that `work` ends with; fails the test if it does not. */
export async function planProblemsOf(work: Promise<unknown>): Promise<readonly unknown[]> {
  const refusal = await work.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refusal).toBeInstanceOf(PlanProblemsError);

  return (refusal as PlanProblemsError).problems;
}

export const SAVE = "PUT /api/ui/interactive/v2/data";
export const CHANGE = "PUT /api/ui/interactive/v2/change";

/** Demo uids: 20 expired pages from 100001, then 28 active pages per supplier from 100021. */
export const firstActiveUid = 100_021;
export const uidOf = (supplierIndex: number, groupIndex: number) =>
  firstActiveUid + supplierIndex * DEMO.productGroupIds.length + groupIndex;

/** A new page of a demo supplier and group, effective 2027-01-01 (all fields valid). */
export function demoPage(
  supplierIndex: number,
  groupIndex: number,
  extra: Partial<PricePageRow> = {},
) {
  const supplierId = DEMO.supplierIds[supplierIndex] ?? 0;
  const productGroupId = DEMO.productGroupIds[groupIndex] ?? "";
  const row: PricePageRow = {
    pageType: "Supplier / Product Group",
    companyId: DEMO.companyId,
    supplierId,
    productGroupId,
    description: `New ${supplierId} ${productGroupId} 2027`,
    pricingMethod: "Source",
    sourcePrice: "Supplier List Price",
    effectiveDate: "2027-01-01",
    calculationMethod: "Multiplier",
    calculationValues: [0.5],
    breaks: [],
    ...extra,
  };
  return row;
}
