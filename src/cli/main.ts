#!/usr/bin/env node
import { runCli } from "./run.js";

// A reader that goes away (`p21kit runs | head`) must not crash a run in progress.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
}

const exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  isTTY: process.stderr.isTTY === true,
  columns: () => process.stderr.columns,
  exitsAfterCommand: true,
});

// The one exit of the command line: let stdout drain first when it is a pipe.
process.exitCode = exitCode;
if (!process.stdout.writableNeedDrain || process.stdout.destroyed) process.exit(exitCode);
process.stdout.once("drain", () => process.exit(exitCode));
// A reader that takes no more output (a stopped pager) would hold the exit for ever: a signal
// then ends the process at once, with the command's code.
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => process.exit(exitCode));
