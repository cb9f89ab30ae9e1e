// One measurement of the scale bench, alone in its process so that its peak RSS is its own:
// `scale-child.ts validate FILE` or `scale-child.ts plan FILE SIMULATOR_URL`. Prints one JSON
// line (ScaleChildFigures) on stdout.
import { P21Client } from "../src/client/index.js";
import { planWorkflow, readPricePageFile } from "../src/pricing/index.js";

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

const megabyte = 1_048_576;

async function measure(mode: string, file: string, url: string | undefined): Promise<void> {
  const baselineRssMb = process.memoryUsage().rss / megabyte;
  const validationStart = performance.now();
  const reading = await readPricePageFile(file);
  const validationMs = performance.now() - validationStart;
  if (!reading.ok) {
    throw new Error(`the generated input is invalid: ${reading.problems[0]?.message ?? "?"}`);
  }

  let planMs = 0;
  let plan: ScaleChildFigures["plan"];
  if (mode === "plan") {
    if (url === undefined) throw new Error("plan mode needs the simulator URL");
    const client = new P21Client({ baseUrl: url, username: "api_user", password: "api_password" });
    try {
      const planStart = performance.now();
      await client.authenticate();
      const result = await planWorkflow(client, {
        kind: "replace",
        inputFile: file,
        pages: reading.rows.map((row) => row.value),
        inputRows: reading.rows.map((row) => row.row),
        old: "auto",
      });
      planMs = performance.now() - planStart;
      plan = { ...result.counts };
    } finally {
      await client.close();
    }
  }

  const figures: ScaleChildFigures = {
    mode: mode === "plan" ? "plan" : "validate",
    rows: reading.rows.length,
    validationMs: Math.round(validationMs),
    planMs: Math.round(planMs),
    baselineRssMb: Math.round(baselineRssMb),
    // maxRSS is in kilobytes.
    peakRssMb: Math.round((process.resourceUsage().maxRSS * 1_024) / megabyte),
    ...(plan === undefined ? {} : { plan }),
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

const [mode, file, url] = process.argv.slice(2);
if (mode === undefined || file === undefined || (mode !== "validate" && mode !== "plan")) {
  process.stderr.write("usage: scale-child.ts validate|plan FILE [SIMULATOR_URL]\n");
  process.exitCode = 2;
} else {
  await measure(mode, file, url);
}
