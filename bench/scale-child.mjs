// One measurement of the scale bench, alone in its process so that its peak RSS is its own:
// `scale-child.mjs validate FILE` or `scale-child.mjs plan FILE SIMULATOR_URL`. Prints one JSON
// line (ScaleChildFigures, in bench/scale.ts) on stdout. Plain JavaScript on the built package
// (dist/), so that the figures are those of the code users run, without a TypeScript loader.
import { P21Client } from "../dist/client/index.js";
import { planWorkflow, readPricePageFile } from "../dist/pricing/index.js";

const megabyte = 1_048_576;

async function measure(mode, file, url) {
  const baselineRssMb = process.memoryUsage().rss / megabyte;
  const validationStart = performance.now();
  const reading = await readPricePageFile(file);
  const validationMs = performance.now() - validationStart;
  if (!reading.ok) {
    throw new Error(`the generated input is invalid: ${reading.problems[0]?.message ?? "?"}`);
  }

  let planMs = 0;
  let plan;
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

  const figures = {
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
