import { tmpdir } from "node:os";
import { PassThrough } from "node:stream";
import type { CliIo } from "../../src/cli/io.js";

/** CLI streams whose output is kept as text, for a test to read. */
export function bufferedIo(options: { isTTY?: boolean; env?: Record<string, string> } = {}) {
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
    cwd: tmpdir(),
    isTTY: options.isTTY ?? false,
  };
  return { io, text };
}
