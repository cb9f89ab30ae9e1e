import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { CliIo } from "../../src/cli/io.js";

/** An empty working directory: no `.env` of the machine's temporary directory is read. */
const emptyDirectory = mkdtempSync(join(tmpdir(), "p21kit-cwd-"));
process.once("exit", () => rmSync(emptyDirectory, { recursive: true, force: true }));

/** CLI streams whose output is kept as text, for a test to read. */
export function bufferedIo(
  options: { isTTY?: boolean; env?: Record<string, string>; cwd?: string } = {},
) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const text = { stdout: "", stderr: "" };
  stdout.setEncoding("utf8").on("data", (chunk: string) => (text.stdout += chunk));
  stderr.setEncoding("utf8").on("data", (chunk: string) => (text.stderr += chunk));
  const io: CliIo = {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: options.env ?? {},
    cwd: options.cwd ?? emptyDirectory,
    isTTY: options.isTTY ?? false,
  };
  return { io, text };
}
