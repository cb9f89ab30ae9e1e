import type { CommandContext } from "./context.js";
import type { CliIo } from "./io.js";
import { CliOutput } from "./output/cli-output.js";
import { buildProgram } from "./program.js";
import { reportError } from "./report-error.js";

/**
 * Runs one p21kit command line (`argv` without the node and script paths) and resolves with
 * its exit code. Never exits the process: `main.ts` does that, in one place.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const output = new CliOutput(io);
  const context: CommandContext = {
    io,
    output,
    exitCode: 0,
    json: argv.includes("--json"),
  };

  try {
    const program = buildProgram(context);
    await program.parseAsync([...argv], { from: "user" });
    return context.exitCode;
  } catch (error) {
    return reportError(error, output, context.json, context.runServer);
  } finally {
    // Removed, a run's last handlers would leave the process to Node's default action between
    // here and its exit: a process that exits next keeps them to the end.
    if (io.exitsAfterCommand !== true) context.signalsInPlace?.[Symbol.dispose]();
  }
}
