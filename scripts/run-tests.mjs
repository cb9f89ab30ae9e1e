#!/usr/bin/env node
// Runs the vitest suite and closes with one plain line, "N passed, N failed", that any
// reader of the log (a person or CI) can find without knowing vitest's own summary format.
import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";

const reportPath = join(tmpdir(), `p21kit-vitest-${process.pid}.json`);
const vitestArgs = [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${reportPath}`,
  ...process.argv.slice(2),
];

const child = spawn("npx", vitestArgs, { stdio: "inherit" });
const exitCode = await new Promise((resolve) => child.on("close", (code) => resolve(code ?? 1)));

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(await readFile(reportPath, "utf8"));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  await rm(reportPath, { force: true });
} catch {
  failed = Math.max(failed, 1);
}

const suffix = skipped > 0 ? `, ${skipped} skipped` : "";
console.log(`${passed} passed, ${failed} failed${suffix}`);
process.exit(exitCode === 0 && failed === 0 ? 0 : 1);
