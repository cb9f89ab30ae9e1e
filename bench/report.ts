import type { EngineOverheadResult } from "./engine-overhead.js";
import type { MachineDescription } from "./machine.js";
import { machineLine } from "./machine.js";
import type { ScaleBenchResult, ScaleFigures } from "./scale.js";
import type { SimulatorThroughputResult } from "./simulator-throughput.js";
import type { ConfigurationFigures, WorkflowBenchResult } from "./workflow.js";

/** The overhead figures in the published shape of latest.json, with the detail kept. */
export interface OverheadSection {
  records: number;
  /** CPU of the engine's process per record, with the SQLite journal. */
  cpuMsPerRecord: number;
  cpuMsPerRecordNoJournal: number;
  /** With the journal on an in-memory SQLite database: its work without the file. */
  cpuMsPerRecordInMemoryDatabase: number;
  /** With the journal. */
  recordsPerSecond: number;
  recordsPerSecondNoJournal: number;
  recordsPerSecondInMemoryDatabase: number;
  /** (with − without) / without. */
  journalCpuShare: number;
  /** CPU per record of every round, in the order measured; the figures above are medians. */
  rounds: EngineOverheadResult["rounds"];
  /** HTTP requests per record in the median round with the journal. */
  requestsPerRecord: number;
  /** Client CPU per request of the HTTP exchange alone (no p21kit around it), same run. */
  httpFloor: EngineOverheadResult["httpFloor"];
  /** That floor times the requests per record, on undici and on a bare socket. */
  floorCpuMsPerRecord: EngineOverheadResult["floorCpuMsPerRecord"];
}

/** One performance goal and whether this run met it. */
export interface GoalVerdict {
  goal: string;
  measured: string;
  met: boolean | "not run";
}

/** `bench/results/latest.json`: its published shape, with more fields. */
export interface BenchResults {
  machine: MachineDescription & { loadAverageAtEnd: number[]; benchMs: number };
  workflow?: WorkflowBenchResult;
  overhead?: OverheadSection;
  scale?: ScaleBenchResult;
  simulator?: SimulatorThroughputResult;
  goals: GoalVerdict[];
}

export function overheadSection(result: EngineOverheadResult): OverheadSection {
  const withJournal = result.withJournal.cpuMsPerRecord;
  const without = result.withoutJournal.cpuMsPerRecord;

  return {
    records: result.records,
    cpuMsPerRecord: withJournal,
    cpuMsPerRecordNoJournal: without,
    cpuMsPerRecordInMemoryDatabase: result.inMemoryDatabase.cpuMsPerRecord,
    recordsPerSecond: result.withJournal.recordsPerSecond,
    recordsPerSecondNoJournal: result.withoutJournal.recordsPerSecond,
    recordsPerSecondInMemoryDatabase: result.inMemoryDatabase.recordsPerSecond,
    journalCpuShare:
      without > 0 ? Math.round(((withJournal - without) / without) * 1_000) / 1_000 : 0,
    rounds: result.rounds,
    requestsPerRecord: result.withJournal.requestsPerRecord,
    httpFloor: result.httpFloor,
    floorCpuMsPerRecord: result.floorCpuMsPerRecord,
  };
}

const percent = (value: number, digits = 0) => `${(value * 100).toFixed(digits)} %`;
/** "median of 5 rounds", or "one round" for a quick run. */
const roundsOf = (count: number) => (count === 1 ? "one round" : `median of ${count} rounds`);
const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

function scaleSizes(scale: ScaleBenchResult): ScaleFigures[] {
  return Object.values(scale).sort((left, right) => left.rows - right.rows);
}

/** Every performance goal, judged on these results. */
export function judgeGoals(results: Omit<BenchResults, "goals">): GoalVerdict[] {
  const goals: GoalVerdict[] = [];
  const add = (goal: string, measured: string | undefined, met: boolean | undefined) =>
    goals.push(
      measured === undefined || met === undefined
        ? { goal, measured: "—", met: "not run" }
        : { goal, measured, met },
    );

  const workflow = results.workflow;
  add(
    "workflow (b) ≤ 0.6 × (a)",
    workflow && `${workflow.single.ratioToReference.toFixed(3)} × (a)`,
    workflow && workflow.single.ratioToReference <= 0.6,
  );
  add(
    "workflow (c) ≤ 0.15 × (a)",
    workflow && `${workflow.parallel.ratioToReference.toFixed(3)} × (a)`,
    workflow && workflow.parallel.ratioToReference <= 0.15,
  );
  const boundRatio = workflow && workflow.parallel.wallMs / workflow.parallelLowerBoundMs;
  add(
    "workflow (c) ≤ 1.25 × its lower bound",
    boundRatio === undefined ? undefined : `${boundRatio.toFixed(2)} × bound`,
    boundRatio === undefined ? undefined : boundRatio <= 1.25,
  );
  for (const key of ["single", "parallel"] as const) {
    const figures = workflow?.[key];
    add(
      `requests per created and linked page ≤ 8 in (${key === "single" ? "b" : "c"})`,
      figures && figures.requestsPerCreatedAndLinkedPage.toFixed(2),
      figures && figures.requestsPerCreatedAndLinkedPage <= 8,
    );
  }

  const overhead = results.overhead;
  add(
    "engine CPU ≤ 0.5 ms per record",
    overhead &&
      `${overhead.cpuMsPerRecord.toFixed(3)} ms (undici alone ${overhead.floorCpuMsPerRecord.undici.toFixed(3)})`,
    overhead && overhead.cpuMsPerRecord <= 0.5,
  );
  add(
    "the journal adds ≤ 20 % CPU",
    // One decimal: a share just past the threshold would otherwise read "+20 %" and missed.
    overhead && `+${percent(overhead.journalCpuShare, 1)}`,
    overhead && overhead.journalCpuShare <= 0.2,
  );

  const sizes = results.scale === undefined ? [] : scaleSizes(results.scale);
  const small = sizes[0];
  const large = sizes[sizes.length - 1];
  const growth =
    small && large && large !== small
      ? large.microsecondsPerRow / small.microsecondsPerRow
      : undefined;
  add(
    "scale: time grows linearly (per-row time at the larger size ≤ 1.5 × the smaller's)",
    growth === undefined ? undefined : `${growth.toFixed(2)} ×`,
    growth === undefined ? undefined : growth <= 1.5,
  );
  add(
    `scale: peak RSS ≤ 200 MB at ${large?.rows.toLocaleString("en-US") ?? "100,000"} rows`,
    large && `${large.peakRssMb} MB`,
    large && large.peakRssMb <= 200,
  );

  const simulator = results.simulator;
  add(
    "simulator ≥ 3,000 changes/s (20 sessions, latency none)",
    simulator && `${simulator.changesPerSecond.toLocaleString("en-US")}/s`,
    simulator && simulator.changesPerSecond >= 3_000,
  );
  add(
    "simulator memory flat over the measured requests (growth ≤ 16 MB)",
    simulator && `${simulator.rssGrowthMb} MB`,
    simulator && simulator.rssGrowthMb <= 16,
  );

  return goals;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ");

  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)];
}

function workflowLines(workflow: WorkflowBenchResult): string[] {
  const configurations: [string, ConfigurationFigures][] = [
    ["(a) reference", workflow.reference],
    ["(b) defaults, 1 session", workflow.single],
    ["(c) defaults, 5 sessions", workflow.parallel],
  ];
  const lines = [
    `Workflow: replace ${workflow.pages} pages (${workflow.links} links), seed latency × ${workflow.timeScale}, pool ${workflow.poolSize}, simulator ${workflow.simulator === "child" ? "in its own process" : "in this process"}`,
    ...table(
      [
        "configuration",
        "wall",
        "production",
        "ratio",
        "modeled ratio",
        "req/page",
        "req/created+linked",
        "server / sessions",
        "sessions busy",
      ],
      configurations.map(([name, figures]) => [
        name,
        seconds(figures.wallMs),
        minutes(figures.productionMs),
        figures.ratioToReference.toFixed(3),
        figures.modeledRatioToReference.toFixed(3),
        figures.requestsPerPage.toFixed(2),
        figures.requestsPerCreatedAndLinkedPage.toFixed(2),
        seconds(figures.serverMs / figures.sessions),
        percent(figures.sessionBusyShare),
      ]),
    ),
    `(c) lower bound: ${seconds(workflow.parallelLowerBoundMs)} (modeled server time ${seconds(workflow.parallel.serverMs)} / pool ${workflow.poolSize}); (c) is ${(workflow.parallel.wallMs / workflow.parallelLowerBoundMs).toFixed(2)} × it`,
    `(c) lower bound from the time the simulator really served: ${seconds(workflow.parallelServedLowerBoundMs)} (${seconds(workflow.parallel.servedServerMs)} / pool ${workflow.poolSize}); (c) is ${(workflow.parallel.wallMs / workflow.parallelServedLowerBoundMs).toFixed(2)} × it`,
    `reference pattern computed from the timing table: ${minutes(workflow.referenceEstimateProductionMs)} at production latency`,
    "",
    "What each request costs beyond the latency model, ms: in the simulator (arrival to answer, less its wait) and outside it",
    ...table(
      [
        "configuration",
        "beyond the model",
        "in the simulator",
        "outside",
        "simulator CPU",
        "client CPU",
      ],
      configurations.map(([name, figures]) => [
        name,
        figures.overheadMsPerRequest.toFixed(2),
        figures.overheadSplit.inSimulatorMsPerRequest.toFixed(2),
        figures.overheadSplit.outsideMsPerRequest.toFixed(2),
        (figures.simulatorCpuMs / figures.requests).toFixed(2),
        (figures.client.cpuMs / figures.requests).toFixed(2),
      ]),
    ),
    "",
    "(c) per phase: wall vs its modeled server time / 5",
    ...table(
      ["phase", "wall", "server / 5", "requests"],
      workflow.parallel.phases.map((phase) => [
        phase.phase,
        seconds(phase.wallMs),
        seconds((phase.serverProductionMs * workflow.timeScale) / workflow.poolSize),
        String(phase.requests),
      ]),
    ),
    "",
    "(c) where the modeled server time goes",
    ...table(
      ["route", "requests", "share"],
      workflow.parallel.serverTimeByRoute
        .filter((row) => row.share >= 0.01)
        .map((row) => [row.route, String(row.requests), percent(row.share)]),
    ),
  ];

  return lines;
}

function floorLines(overhead: OverheadSection): string[] {
  const { httpFloor, floorCpuMsPerRecord, requestsPerRecord } = overhead;
  const perRequest = (ms: number) => `${(ms * 1_000).toFixed(1)} µs`;

  return [
    `HTTP floor: ${requestsPerRecord.toFixed(2)} requests per record; the exchange alone against a server that does nothing, ${httpFloor.requests.toLocaleString("en-US")} requests`,
    ...table(
      ["stack", "CPU per request", "× requests per record"],
      [
        [
          "undici dispatch (p21kit's)",
          perRequest(httpFloor.undiciCpuMsPerRequest),
          `${floorCpuMsPerRecord.undici.toFixed(3)} ms`,
        ],
        [
          "bare socket",
          perRequest(httpFloor.socketCpuMsPerRequest),
          `${floorCpuMsPerRecord.socket.toFixed(3)} ms`,
        ],
      ],
    ),
  ];
}

/** The table printed on stdout. */
export function formatReport(results: BenchResults): string {
  const lines: string[] = [`p21kit bench — ${machineLine(results.machine)}`, ""];
  if (results.workflow !== undefined) lines.push(...workflowLines(results.workflow), "");

  const overhead = results.overhead;
  if (overhead !== undefined) {
    lines.push(
      `Engine overhead: ${overhead.records.toLocaleString("en-US")} records, latency none, simulator in its own process, ${roundsOf(overhead.rounds.withJournal.length)}`,
      ...table(
        ["journal", "CPU per record", "records/s", "rounds"],
        [
          [
            "SQLite",
            `${overhead.cpuMsPerRecord.toFixed(3)} ms`,
            String(overhead.recordsPerSecond),
            overhead.rounds.withJournal.map((ms) => ms.toFixed(3)).join(", "),
          ],
          [
            "SQLite, in memory",
            `${overhead.cpuMsPerRecordInMemoryDatabase.toFixed(3)} ms`,
            String(overhead.recordsPerSecondInMemoryDatabase),
            overhead.rounds.inMemoryDatabase.map((ms) => ms.toFixed(3)).join(", "),
          ],
          [
            "none",
            `${overhead.cpuMsPerRecordNoJournal.toFixed(3)} ms`,
            String(overhead.recordsPerSecondNoJournal),
            overhead.rounds.withoutJournal.map((ms) => ms.toFixed(3)).join(", "),
          ],
        ],
      ),
      ...floorLines(overhead),
      "",
    );
  }

  if (results.scale !== undefined) {
    lines.push(
      "Scale: validation + dry-run plan (latency none, demo data), each in its own process",
      ...table(
        ["rows", "total", "validation", "plan", "µs/row", "peak RSS", "validation only"],
        scaleSizes(results.scale).map((size) => [
          size.rows.toLocaleString("en-US"),
          `${size.ms} ms`,
          `${size.validationMs} ms`,
          `${size.planMs} ms`,
          String(size.microsecondsPerRow),
          `${size.peakRssMb} MB`,
          `${size.validationOnly.ms} ms, ${size.validationOnly.peakRssMb} MB`,
        ]),
      ),
      "",
    );
  }

  const simulator = results.simulator;
  if (simulator !== undefined) {
    lines.push(
      `Simulator: ${simulator.requests.toLocaleString("en-US")} changes, ${simulator.sessions} sessions, latency none: ` +
        `${simulator.changesPerSecond.toLocaleString("en-US")}/s, RSS ${simulator.rssBeforeMb} → ${simulator.rssAfterMb} MB`,
      "",
    );
  }

  lines.push(
    "Goals",
    ...table(
      ["goal", "measured", "verdict"],
      results.goals.map((goal) => [
        goal.goal,
        goal.measured,
        goal.met === "not run" ? "not run" : goal.met ? "met" : "MISSED",
      ]),
    ),
  );

  return `${lines.join("\n")}\n`;
}
