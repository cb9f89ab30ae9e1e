import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { runCli } from "../../src/cli/run.js";
import type { CliIo } from "../../src/cli/io.js";

/** The built command line, as `npm start` and the package bin run it. */
export const cliPath = resolve(import.meta.dirname, "../../dist/cli/main.js");

export interface CliOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment of a child: no P21_* from the machine running the tests, no colour. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("P21_") && key !== "NODE_DEBUG") env[key] = value;
  }

  return { ...env, NO_COLOR: "1", ...extra };
}

/** Starts `node dist/cli/main.js …` in `cwd`. */
export function spawnCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): ChildProcess {
  return spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Collects a child's output until it ends. */
export function collect(child: ChildProcess): Promise<CliOutcome> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (exitCode, signal) => resolvePromise({ exitCode, signal, stdout, stderr }));
  });
}

/** Runs the built CLI in a child process to its end. */
export async function runChild(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliOutcome> {
  return collect(spawnCli(args, options));
}

/** Runs the CLI in this process with buffered streams. */
export async function runInProcess(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; isTTY?: boolean; stdin?: PassThrough },
): Promise<CliOutcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const io: CliIo = {
    stdout,
    stderr,
    stdin: options.stdin ?? new PassThrough(),
    env: { NO_COLOR: "1", ...options.env },
    cwd: options.cwd,
    isTTY: options.isTTY ?? false,
  };
  const exitCode = await runCli(args, io);
  await new Promise((resolvePromise) => setImmediate(resolvePromise));
  return { exitCode, signal: null, stdout: out, stderr: err };
}

/** A fresh temporary directory, removed by the returned function. */
export async function temporaryDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "p21kit-cli-test-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** The flags that point the CLI at a simulator as its default user. */
export function connectionTo(baseUrl: string): string[] {
  return ["--base-url", baseUrl, "--username", "api_user", "--password", "api_password"];
}

/** Parses NDJSON output. */
export function ndjson(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export { parseCsv } from "./parse-csv.js";
