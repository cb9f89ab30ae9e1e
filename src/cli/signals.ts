import { CliError } from "./errors.js";
import { ExitCode, type SignalSource } from "./io.js";

/**
 * The error of a command stopped by `signal` before its run started (while it signed in or
 * planned): exit 130, like any stop; `hint` says what to do next.
 */
export function stoppedBeforeStart(
  signal: string,
  what: string,
  hint: string,
  cause?: unknown,
): CliError {
  return new CliError(`stopped by ${signal} ${what}`, {
    code: "P21_STOPPED",
    exitCode: ExitCode.interrupted,
    hint: `Nothing was written to the server. ${hint}`,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Turns SIGINT/SIGTERM into the engine's two stop signals: the first asks for a graceful stop
 * (finish or abandon the record in hand, end the sessions), the second aborts at once.
 */
export class StopOnSignals implements Disposable {
  private readonly gracefulController = new AbortController();
  private readonly hardController = new AbortController();
  private readonly source: SignalSource;
  private readonly onFirstSignal: ((signal: string) => void) | undefined;
  private readonly onSecondSignal: ((signal: string) => void) | undefined;
  private received: string | undefined;

  constructor(
    source: SignalSource,
    callbacks: {
      onFirstSignal?: (signal: string) => void;
      onSecondSignal?: (signal: string) => void;
    } = {},
  ) {
    this.source = source;
    this.onFirstSignal = callbacks.onFirstSignal;
    this.onSecondSignal = callbacks.onSecondSignal;
    source.on("SIGINT", this.onInterrupt);
    source.on("SIGTERM", this.onTerminate);
  }

  /** Aborted on the first signal. */
  get signal(): AbortSignal {
    return this.gracefulController.signal;
  }

  /** Aborted on the second signal. */
  get hardSignal(): AbortSignal {
    return this.hardController.signal;
  }

  /** The first signal received, if any. */
  get receivedSignal(): string | undefined {
    return this.received;
  }

  /**
   * Whether `error` is the stop's own doing: an abort, after a signal. Any other error, after
   * a signal or not, is a failure of its own.
   */
  endedBy(error: unknown): boolean {
    if (this.received === undefined) return false;

    const reasons = [this.gracefulController.signal.reason, this.hardController.signal.reason];
    let current: unknown = error;
    for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
      if (reasons.includes(current)) return true;
      if ((current as { code?: unknown }).code === "P21_ABORTED") return true;
      if (current.name === "AbortError") return true;
      current = current.cause;
    }

    return false;
  }

  private readonly onInterrupt = (): void => this.handle("SIGINT");
  private readonly onTerminate = (): void => this.handle("SIGTERM");

  private handle(signal: string): void {
    if (this.received === undefined) {
      this.received = signal;
      this.onFirstSignal?.(signal);
      this.gracefulController.abort(new Error(`stopped by ${signal}`));
      return;
    }

    this.onSecondSignal?.(signal);
    this.hardController.abort(new Error(`aborted by a second ${signal}`));
  }

  [Symbol.dispose](): void {
    this.source.off("SIGINT", this.onInterrupt);
    this.source.off("SIGTERM", this.onTerminate);
  }
}

/**
 * Keeps SIGINT and SIGTERM handled once a run is over (its result files written) until the
 * command ends: with no listener, Node's default action would end the process by the signal
 * before its summary was printed and it exited with the run's code. A signal then stops
 * nothing; `onSignal` tells it.
 */
export class SignalsAfterRun implements Disposable {
  private readonly source: SignalSource;
  private readonly onSignal: (signal: string) => void;

  constructor(source: SignalSource, onSignal: (signal: string) => void) {
    this.source = source;
    this.onSignal = onSignal;
    source.on("SIGINT", this.onInterrupt);
    source.on("SIGTERM", this.onTerminate);
  }

  private readonly onInterrupt = (): void => this.onSignal("SIGINT");
  private readonly onTerminate = (): void => this.onSignal("SIGTERM");

  [Symbol.dispose](): void {
    this.source.off("SIGINT", this.onInterrupt);
    this.source.off("SIGTERM", this.onTerminate);
  }
}
