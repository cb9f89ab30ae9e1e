import type { CliIo } from "./io.js";
import type { CliOutput } from "./output/cli-output.js";

/** What every command's action gets: the streams, the output, and where to leave its exit code. */
export interface CommandContext {
  readonly io: CliIo;
  readonly output: CliOutput;
  /** Set by the action; `runCli` returns it. */
  exitCode: number;
  /** Set as soon as a command knows it runs with `--json`, so errors are printed as JSON too. */
  json: boolean;
  /** The signal handlers a run leaves when it is over, for the command's last steps. */
  signalsAfterRun?: Disposable | undefined;
}

/** Wraps an action so that its returned exit code lands in the context. */
export function action<Arguments extends unknown[]>(
  context: CommandContext,
  run: (...parameters: Arguments) => Promise<number> | number,
): (...parameters: Arguments) => Promise<void> {
  return async (...parameters) => {
    context.exitCode = await run(...parameters);
  };
}
