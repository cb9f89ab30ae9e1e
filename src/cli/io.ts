/**
 * What the command line reads from and writes to. `main.ts` builds it from `process`; tests
 * build it from buffers, so every command runs the same way in-process and in a child.
 */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths and the `.env` file are resolved against. */
  readonly cwd: string;
  /** Whether a person is at a terminal: progress bars on stderr, the hidden password prompt. */
  readonly isTTY: boolean;
  /**
   * The terminal's width in columns now, when stderr is one; read at every redraw, so that the
   * progress bars follow a resized terminal. @default 100 columns
   */
  readonly columns?: () => number | undefined;
  /** Where SIGINT and SIGTERM come from. @default process */
  readonly signals?: SignalSource;
  /**
   * Whether the process exits once `runCli` resolves (`main.ts`): the signal handlers a run
   * leaves for the command's last steps are then kept until the exit, not removed, so that no
   * signal meets Node's default action, which would end the process before its exit code.
   * @default false
   */
  readonly exitsAfterCommand?: boolean;
}

/** The part of `process` that delivers termination signals. */
export interface SignalSource {
  on(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown;
  off(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown;
}

/** The exit codes of p21kit, one place for all of them. */
export const ExitCode = {
  /** Every record succeeded (or was skipped because it already existed). */
  success: 0,
  /** The run finished, but some records failed: see errors.csv. */
  failedRecords: 1,
  /** A usage or input error: nothing was sent to the server. */
  usage: 2,
  /** The server could not be reached, or refused the credentials. */
  connection: 3,
  /** Stopped by a signal; the run can be resumed. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
