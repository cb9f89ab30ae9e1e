import type { Session, Window } from "../client/index.js";
import { P21Error, P21TimeoutError } from "../client/index.js";
import { EngineError } from "./errors.js";
import type { PhaseRuntime } from "./phase-runtime.js";
import { backoffDelayMs, readFailure } from "./retry.js";
import { sleep } from "./stop.js";

/** Failures of a session create that a new token may cure. */
const clientSpoiling: ReadonlySet<string> = new Set([
  "P21_SESSION_EXISTS",
  "P21_TOKEN_EXPIRED",
  "P21_CLOSED",
]);

/** Time allowed to end a session after a hard stop. */
const hardStopCloseMs = 1_000;

/**
 * The worker must give its batch back to the queue: the pool refused its session and the
 * worker count was lowered, or more workers hold a batch than the worker count now allows.
 */
export class BatchGivenBackError extends Error {
  override readonly name = "BatchGivenBackError";
}

/** The run is stopping: the worker ends what it holds. */
export class StoppingError extends Error {
  override readonly name = "StoppingError";
}

function withDeadline<T>(work: Promise<T>, deadlineMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), deadlineMs);
    timer.unref();
  });

  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * One worker's session and its window for the batch in hand: opened on demand, the window
 * closed (never saved) and reopened after any error, the session replaced when it is lost, and
 * both ended in `end()`.
 */
export class SessionLease<Input, Output> {
  #session: Session | undefined;
  #window: Window | undefined;
  #sessionNumber = 0;
  /** Records settled on the current session, to tell a session lost young. */
  #settledOnSession = 0;
  #openFailures = 0;

  constructor(
    private readonly runtime: PhaseRuntime<Input, Output>,
    private readonly workerIndex: number,
    private readonly batchSize: number,
  ) {}

  get sessionNumber(): number {
    return this.#sessionNumber;
  }

  get hasSession(): boolean {
    return this.#session !== undefined;
  }

  recordSettled(): void {
    this.#settledOnSession += 1;
  }

  /**
   * The open window of the operation's service; opens the session and window as needed. No
   * record is in hand while it waits (a record is marked after it), so after a graceful stop it
   * starts nothing: the backoff between failed opens ends at once, and a session or window
   * that comes after the stop is not used (the lease's end closes it). A create already sent is
   * awaited (at most the server's pool wait): abandoned, the server may still make the session,
   * which would then hold a pool instance until it is reaped.
   */
  async window(): Promise<Window> {
    const { stop } = this.runtime;
    const stopped = () => new StoppingError(stop.hard.aborted ? "hard stop" : "stopped");
    for (;;) {
      if (stop.stopping) throw stopped();

      try {
        const session = this.#session ?? (await this.#openSession());
        if (stop.stopping) throw stopped();
        this.#window ??= await session.openWindow(this.runtime.operation.service, {
          signal: stop.hard,
        });
        if (stop.stopping) throw stopped();
        this.#openFailures = 0;

        return this.#window;
      } catch (error) {
        if (error instanceof BatchGivenBackError || error instanceof StoppingError) throw error;
        if (stop.stopping) throw stopped();

        await this.#afterOpenFailure(error);
      }
    }
  }

  /** Closes the window after an error (answering a save-before-close dialog with No). */
  async discardWindow(
    reason: string,
    errorCode: string | undefined,
    close: "close" | "forget" = "close",
  ): Promise<void> {
    const window = this.#window;
    this.#window = undefined;
    if (window === undefined) return;

    this.runtime.statistics.reopens += 1;
    this.runtime.emit({
      type: "window-reopened",
      workerIndex: this.workerIndex,
      service: window.serviceName,
      reason,
      errorCode,
    });
    if (close === "close" && this.#session !== undefined) await this.#closeWindow(window);
  }

  /** Ends the session after it was lost (expired, token invalidated): the next window() opens a new one. */
  async replaceSession(reason: string, errorCode: string | undefined): Promise<void> {
    // The session is gone with its windows: closing the window would only fail again.
    await this.discardWindow(reason, errorCode, "forget");
    await this.#endSession("replaced", true);
  }

  /** Clears the window between records; a failed clear discards the window instead. */
  async clear(): Promise<void> {
    const window = this.#window;
    if (window === undefined) return;

    try {
      const result = await window.clear({ signal: this.runtime.stop.hard });
      if (result.ok || result.status === 0) return;

      await this.discardWindow("clear refused", undefined);
    } catch (error) {
      const reading = readFailure(error);
      if (reading.fresh === "session") await this.replaceSession("clear failed", reading.code);
      else await this.discardWindow("clear failed", reading.code);
    }
  }

  /** Closes the window and ends the session; never throws. */
  async end(reason: "batch-done" | "stopped" | "failed"): Promise<void> {
    const window = this.#window;
    this.#window = undefined;
    if (window !== undefined && this.#session !== undefined) await this.#closeWindow(window);

    await this.#endSession(reason, false);
  }

  async #openSession(): Promise<Session> {
    const runtime = this.runtime;
    if (runtime.activeWorkers > runtime.workerCount.target) {
      throw new BatchGivenBackError("more workers hold a batch than the worker count allows");
    }

    const startedAt = performance.now();
    const limitMs = runtime.options.sessionCreateTimeoutMs;
    const deadline = new AbortController();
    const timer =
      limitMs === undefined
        ? undefined
        : setTimeout(() => deadline.abort(new Error("session create timed out")), limitMs);
    timer?.unref();
    let session: Session;
    try {
      session = await this.runtime.clientFor(this.workerIndex).startSession({
        ...runtime.options.session,
        responseWindowHandling: true,
        signal: AbortSignal.any([runtime.stop.hard, deadline.signal]),
      });
    } catch (error) {
      if (deadline.signal.aborted && !runtime.stop.hard.aborted) {
        throw new P21TimeoutError(
          `creation of a session took longer than the engine's ${limitMs ?? 0} ms`,
          { timeoutMs: limitMs ?? 0, cause: error },
        );
      }

      if (error instanceof P21Error && error.code === "P21_POOL_EXHAUSTED") {
        const before = runtime.workerCount.target;
        runtime.workerCount.sessionRefused(runtime.openSessions, "pool-refused");
        if (
          runtime.workerCount.target < before ||
          runtime.activeWorkers > runtime.workerCount.target
        ) {
          throw new BatchGivenBackError(error.message, { cause: error });
        }
      }

      throw error;
    } finally {
      clearTimeout(timer);
    }

    const createMs = Math.round(performance.now() - startedAt);
    this.#session = session;
    this.#sessionNumber = runtime.nextSessionNumber();
    this.#settledOnSession = 0;
    runtime.openSessions += 1;
    runtime.statistics.sessionsOpened += 1;
    runtime.emit({
      type: "session-opened",
      workerIndex: this.workerIndex,
      session: this.#sessionNumber,
      sessionId: session.id,
      createMs,
    });

    if (createMs > runtime.options.slowSessionCreateMs) {
      runtime.workerCount.sessionRefused(runtime.openSessions - 1, "slow-session-create");
    }

    return session;
  }

  async #afterOpenFailure(error: unknown): Promise<void> {
    const reading = readFailure(error);
    this.#openFailures += 1;
    const curable = reading.retry !== "permanent" || clientSpoiling.has(reading.code);
    if (!curable || this.#openFailures >= this.runtime.options.sessionAttempts) {
      throw new EngineError(
        "P21_SESSIONS_UNAVAILABLE",
        `could not open a session and a ${this.runtime.operation.service} window after ` +
          `${this.#openFailures} attempt(s): ${reading.message}`,
        { cause: error },
      );
    }

    this.runtime.emit({
      type: "retry",
      workerIndex: this.workerIndex,
      itemId: undefined,
      naturalKey: undefined,
      attempt: this.#openFailures + 1,
      delayMs: 0,
      errorCode: reading.code,
      errorMessage: reading.message,
      fresh: reading.fresh,
    });
    if (reading.fresh === "session") await this.#endSession("replaced", true);
    if (reading.code === "P21_TOKEN_EXPIRED" && !this.hasSession) this.runtime.sessionEnded(true);
    if (clientSpoiling.has(reading.code) || this.#openFailures >= 2) {
      // The token itself may be what fails (a session the server keeps for it, a token it
      // no longer honours): the next attempt starts with a new client and a new token.
      await this.runtime.replaceClient(this.workerIndex);
    }

    const delayMs = backoffDelayMs(
      this.#openFailures,
      this.runtime.options.backoff,
      this.runtime.options.random(),
    );
    if (!(await sleep(delayMs, this.runtime.stop.graceful, this.runtime.stop.hard))) {
      throw new StoppingError(this.runtime.stop.hard.aborted ? "hard stop" : "stopped");
    }
  }

  async #closeWindow(window: Window): Promise<void> {
    const signal = this.runtime.stop.hard.aborted ? undefined : this.runtime.stop.hard;
    try {
      const closing = (async () => {
        const result = await window.close(signal === undefined ? {} : { signal });
        if (result?.blocked === true && result.dialog !== undefined) {
          // Never "Yes": that would save a window whose change failed.
          await result.dialog.press("No", signal === undefined ? {} : { signal });
        }
      })();
      await (this.runtime.stop.hard.aborted ? withDeadline(closing, hardStopCloseMs) : closing);
    } catch (error) {
      this.#cleanupFailed(
        `closing a ${window.serviceName} window failed (the run goes on; ending its session closes it)`,
        error,
      );
    }
  }

  #cleanupFailed(what: string, error: unknown): void {
    if (this.runtime.stop.hard.aborted) return;

    const reading = readFailure(error);
    this.runtime.emit({
      type: "warning",
      code: "P21_CLEANUP_FAILED",
      message: `${what}: ${reading.message}`,
      workerIndex: this.workerIndex,
      errorCode: reading.code,
    });
  }

  async #endSession(
    reason: "batch-done" | "replaced" | "stopped" | "failed",
    lost: boolean,
  ): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    this.#window = undefined;
    if (session === undefined) return;

    this.runtime.openSessions -= 1;
    const young = lost && this.#settledOnSession < Math.min(3, this.batchSize);
    this.runtime.sessionEnded(young);
    try {
      const closing = session.close();
      await (this.runtime.stop.hard.aborted ? withDeadline(closing, hardStopCloseMs) : closing);
    } catch (error) {
      // A lost session cannot be ended by its new token: its failure says nothing new.
      if (!lost) this.#cleanupFailed("ending a session failed (the server reaps it)", error);
    }

    this.runtime.emit({
      type: "session-ended",
      workerIndex: this.workerIndex,
      session: this.#sessionNumber,
      sessionId: session.id,
      reason,
    });
  }
}
