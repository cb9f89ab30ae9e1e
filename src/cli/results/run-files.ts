import { accessSync, constants, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Journal, RunRecord } from "../../journal/index.js";
import { defaultOutRoot } from "../config/options.js";
import type { CommandContext } from "../context.js";
import { CliError, UsageError } from "../errors.js";
import { ExitCode } from "../io.js";
import { runCommandLine } from "../run-hints.js";
import { writeResultFiles, type ResultFiles } from "./result-files.js";

/** The directory of a run's result files: `--out`, or `./p21kit-runs/RUN/`. */
export function resultDirectory(context: CommandContext, runId: string, out: string | undefined) {
  return resolve(context.io.cwd, out ?? `${defaultOutRoot}/${runId}`);
}

/**
 * Makes the directory the result files will go in (`--out`, or `./p21kit-runs/`) and checks
 * that it may be written, so that one that cannot be stops the command before anything is
 * sent, not after the run is done.
 */
export function ensureResultDirectory(context: CommandContext, out: string | undefined): void {
  const directory = resolve(context.io.cwd, out ?? defaultOutRoot);
  try {
    mkdirSync(directory, { recursive: true });
    accessSync(directory, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw error;

    throw new UsageError(
      `the result files cannot be written to ${directory} (${code})`,
      "Give --out a directory you may write; nothing was sent to the server.",
    );
  }
}

/**
 * The run's result files; a directory that cannot be written is an error that says where the
 * run can still be read (the journal), not a stack trace.
 */
export async function writeRunFiles(
  journal: Journal,
  run: RunRecord,
  directory: string,
  journalFlag: string | undefined,
  summary: Record<string, unknown>,
): Promise<ResultFiles> {
  try {
    return await writeResultFiles(journal, run, directory, summary);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw error;

    throw new CliError(`the result files could not be written to ${directory} (${code})`, {
      code: "P21_RESULT_FILES",
      exitCode: ExitCode.failedRecords,
      hint: `The run is in the journal: ${runCommandLine("runs show", run.id, journalFlag)} describes it, and once the directory can be written (space freed, a file closed), ${runCommandLine("resume", run.id, journalFlag)} writes its files (--out DIR: elsewhere).`,
      cause: error,
    });
  }
}
