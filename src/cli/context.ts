import type { CliIo } from "./io.js";
import type { CliOutput } from "./output/cli-output.js";

/** The server a recorded run was made against, and its user. */
export interface RunServer {
  readonly baseUrl: string;
  readonly username: string | undefined;
}

/** What every command's action gets: the streams, the output, and where to leave its exit code. */
export interface CommandContext {
  readonly io: CliIo;
  readonly output: CliOutput;
  /** Set by the action; `runCli` returns it. */
  exitCode: number;
  /** Set as soon as a command knows it runs with `--json`, so errors are printed as JSON too. */
  json: boolean;
  /**
   * The server and user of the run a command carries on (resume, retry-failed), set once the run
   * is found: they come from the journal, not from `--base-url`, and a hint about reaching the
   * server names them.
   */
  runServer?: RunServer | undefined;
  /**
   * Signal handlers a step leaves in place for the next one: the next removes them once its own
   * are installed (or the command's end does), so that no signal meets Node's default action,
   * which would end the process, in between. The sign-in's for the run; the run's, once it is
   * over, for the command's last steps.
   */
  signalsInPlace?: Disposable | undefined;
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
