// Validation and dry-run planning of large generated inputs, each measurement in its own child
// process (bench/scale-child.mjs, on the built package) for an honest peak RSS; the dry run plans against a simulator
// with no latency and the demo data.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO } from "../src/simulator/index.js";
import { startSimulatorHost } from "./simulator-host.js";

/** What one child measured. */
export interface ScaleChildFigures {
  mode: "validate" | "plan";
  rows: number;
  /** Reading and validating the file. */
  validationMs: number;
  /** The dry-run plan after validation (OData lookups only); 0 for `validate`. */
  planMs: number;
  /** RSS when the child started, before the file was read. */
  baselineRssMb: number;
  /** `process.resourceUsage().maxRSS`: the process's peak resident memory. */
  peakRssMb: number;
  /** Records the plan would create, expire and link (plan mode). */
  plan?: { create: number; expire: number; link: number; skipped: number };
}

/** The figures of one input size. */
export interface ScaleFigures {
  rows: number;
  /** Validation and dry-run planning together, as `price-pages replace FILE --dry-run` does them. */
  ms: number;
  /** Peak RSS of the dry-run process (validation, then the plan). */
  peakRssMb: number;
  /** Of `ms`: reading and validating the file. */
  validationMs: number;
  /** Of `ms`: the plan's OData lookups and matching. */
  planMs: number;
  /** A process that only validates: its time and peak RSS. */
  validationOnly: { ms: number; peakRssMb: number };
  /** RSS of the child before it read anything (Node and the modules). */
  baselineRssMb: number;
  /** Microseconds per row, validation + plan. */
  microsecondsPerRow: number;
  plan: ScaleChildFigures["plan"];
}

/** `rows10k`, `rows100k`, … keyed by size. */
export type ScaleBenchResult = Record<string, ScaleFigures>;

const CHILD = fileURLToPath(new URL("./scale-child.mjs", import.meta.url));

/** `10k`, `100k`, `1k`, `2500`. */
export function sizeLabel(rows: number): string {
  return rows % 1_000 === 0 ? `${rows / 1_000}k` : String(rows);
}

function isoDay(year: number, dayOfYear: number): string {
  const instant = new Date(Date.UTC(year, 0, 1 + dayOfYear));
  return instant.toISOString().slice(0, 10);
}

/**
 * Writes a valid CSV of `rows` new pages spread over the demo suppliers and product groups
 * (distinct descriptions, one book each). The pages of one supplier and group follow one
 * another, two days each, through next year: overlapping ones would be refused.
 */
export async function writeGeneratedInput(file: string, rows: number): Promise<void> {
  const year = new Date().getUTCFullYear() + 1;
  const out = createWriteStream(file);
  const header =
    "company_id,supplier_id,product_group_id,description,effective_date,expiration_date,calculation_value1,books\n";
  out.write(header);
  const pairs = DEMO.supplierIds.length * DEMO.productGroupIds.length;
  let chunk = "";
  for (let index = 0; index < rows; index += 1) {
    const pair = index % pairs;
    const supplierId = DEMO.supplierIds[pair % DEMO.supplierIds.length] ?? 0;
    const groupId = DEMO.productGroupIds[Math.floor(pair / DEMO.supplierIds.length)] ?? "";
    const book = DEMO.bookIds[index % DEMO.bookIds.length] ?? "";
    const multiplier = (0.5 + (index % 50) / 100).toFixed(2);
    const turn = Math.floor(index / pairs);
    chunk +=
      `${DEMO.companyId},${supplierId},${groupId},Scale ${groupId} ${index},` +
      `${isoDay(year, 2 * turn)},${isoDay(year, 2 * turn + 1)},${multiplier},${book}\n`;
    if (chunk.length > 65_536) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }

  out.end(chunk);
  await once(out, "finish");
}

function runChild(args: string[]): Promise<ScaleChildFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      if (code !== 0 || line === "") {
        reject(new Error(`scale child ${args[0] ?? ""} exited with ${String(code)}: ${stderr}`));
        return;
      }

      resolve(JSON.parse(line) as ScaleChildFigures);
    });
  });
}

/** Options of {@link runScaleBench}. */
export interface ScaleBenchOptions {
  /** 1,000 and 10,000 rows instead of 10,000 and 100,000. */
  quick?: boolean;
  log?: (line: string) => void;
}

/** Measures each size: one child that only validates, one that validates and plans. */
export async function runScaleBench(options: ScaleBenchOptions = {}): Promise<ScaleBenchResult> {
  const sizes = options.quick === true ? [1_000, 10_000] : [10_000, 100_000];
  const log = options.log ?? (() => undefined);
  const directory = await mkdtemp(join(tmpdir(), "p21kit-bench-scale-"));
  const simulator = await startSimulatorHost({ data: "demo", latency: "none", poolSize: 5 });
  const result: ScaleBenchResult = {};

  try {
    for (const rows of sizes) {
      const file = join(directory, `pages-${rows}.csv`);
      await writeGeneratedInput(file, rows);
      log(`scale: ${rows.toLocaleString("en-US")} rows…`);
      const validation = await runChild(["validate", file]);
      const dryRun = await runChild(["plan", file, simulator.url]);
      if (validation.rows !== rows || dryRun.rows !== rows || dryRun.plan?.create !== rows) {
        throw new Error(
          `scale ${rows}: ${validation.rows} rows valid, ${dryRun.plan?.create ?? 0} planned creates`,
        );
      }

      const ms = dryRun.validationMs + dryRun.planMs;
      result[`rows${sizeLabel(rows)}`] = {
        rows,
        ms,
        peakRssMb: dryRun.peakRssMb,
        validationMs: dryRun.validationMs,
        planMs: dryRun.planMs,
        validationOnly: { ms: validation.validationMs, peakRssMb: validation.peakRssMb },
        baselineRssMb: dryRun.baselineRssMb,
        microsecondsPerRow: Math.round((ms * 1_000) / rows),
        plan: dryRun.plan,
      };
    }
  } finally {
    await simulator.close();
    await rm(directory, { recursive: true, force: true });
  }

  return result;
}
