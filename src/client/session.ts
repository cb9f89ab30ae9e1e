import { setTimeout as delay } from "node:timers/promises";
import type { Token, TokenManager } from "./auth.js";
import type { CallOptions, InteractiveChannel, InteractiveRequest } from "./channel.js";
import {
  LifecycleError,
  P21Error,
  P21NetworkError,
  P21ProtocolError,
  SessionExpiredError,
} from "./errors.js";
import type { Logger } from "./logger.js";
import type { Redactor } from "./redact.js";
import { property } from "./result.js";
import { errorFromAnswer, isOutOfScope } from "./server-answers.js";
import type { IncomingAnswer, Transport } from "./transport.js";
import { queryString } from "./url-parts.js";
import { Window } from "./window.js";

/**
 * The pauses before the second and third attempt to end a session. A session left open holds
 * one of the server's few API instances until its idle timeout reaps it, minutes later.
 */
const endRetryDelaysMs = [100, 500] as const;

/** Why one attempt to end a session did not. */
interface EndFailure {
  code: string | undefined;
  /** For the log. */
  error: unknown;
  /** The server answered (and refused), rather than the exchange failing. */
  answered: boolean;
  /** It may pass: a 5xx answer or a broken connection, not a refusal or a timeout. */
  passing: boolean;
}

/**
 * Lifecycle of a session. `opening` lasts while `startSession` runs (a Session is handed out
 * open); `expired` means the server no longer knows it (or refused its token).
 */
export type SessionState = "opening" | "open" | "closing" | "closed" | "expired";

/** What a session needs from its client. @internal */
export interface SessionHost {
  readonly transport: Transport;
  readonly tokens: TokenManager;
  readonly redactor: Redactor;
  readonly logger: Logger;
  readonly timeouts: { defaultMs: number; saveMs: number };
  /** Called once the session is over (closed or expired). */
  sessionEnded(session: Session): void;
}

/** Where a session lives and what the server said when it was created. @internal */
export interface SessionOrigin {
  readonly id: string;
  readonly token: Token;
  readonly uiServerUrl: string;
  readonly build: string | undefined;
  readonly raw: unknown;
}

/** Reads the session id (`Id` on 2026.1, `SessionId` on 25.2) of a create answer. @internal */
export function sessionIdOf(body: unknown): string | undefined {
  const id = property(body, "Id") ?? property(body, "SessionId");

  return typeof id === "string" && id !== "" ? id : undefined;
}

/** Finds the build (`fullversion`) anywhere in a session-create answer. @internal */
export function buildOf(body: unknown, depth = 0): string | undefined {
  if (depth > 6 || typeof body !== "object" || body === null) return undefined;

  for (const [key, value] of Object.entries(body)) {
    if (/^(fullversion|Version\/Application Version)$/i.test(key) && typeof value === "string") {
      return value;
    }
  }

  for (const value of Object.values(body)) {
    const found = buildOf(value, depth + 1);
    if (found !== undefined) return found;
  }

  return undefined;
}

function windowIdOf(body: unknown): string | undefined {
  const id = property(body, "WindowId", "windowId", "Id");

  return typeof id === "string" && id !== "" ? id : undefined;
}

/**
 * An Interactive session, owned by the token that created it. End it with `close()` or
 * `await using`; a call after it closed or expired throws a typed error.
 */
export class Session implements AsyncDisposable {
  #state: SessionState = "open";
  #closing: Promise<void> | undefined;
  readonly #host: SessionHost;
  readonly #origin: SessionOrigin;
  readonly #windows = new Map<string, Window>();
  readonly #channel: InteractiveChannel;
  readonly #interactiveUrl: string;
  /** The header of every request of this session (one token per session), never changed. */
  readonly #authorization: Readonly<Record<string, string>>;

  /** @internal */
  constructor(host: SessionHost, origin: SessionOrigin) {
    this.#host = host;
    this.#origin = origin;
    this.#interactiveUrl = `${origin.uiServerUrl}/api/ui/interactive`;
    this.#authorization = { authorization: `Bearer ${origin.token.accessToken}` };
    this.#channel = {
      sessionId: origin.id,
      logger: host.logger,
      call: (request) => this.#call(request),
      assertOpen: (action) => this.#assertOpen(action),
      forgetWindow: (windowId) => this.#windows.delete(windowId),
    };
  }

  /** The session id the server gave. */
  get id(): string {
    return this.#origin.id;
  }

  /** `open`, `closing`, `closed` or `expired`. */
  get state(): SessionState {
    return this.#state;
  }

  /** The server build reported at creation (for example `26.1.5950.0`), when it reports one. */
  get build(): string | undefined {
    return this.#origin.build;
  }

  /** The decoded session-create answer. */
  get raw(): unknown {
    return this.#origin.raw;
  }

  /** The windows of this session that are not closed. */
  get windows(): readonly Window[] {
    return [...this.#windows.values()];
  }

  #assertOpen(action: string): void {
    if (this.#state === "open") return;

    if (this.#state === "expired") {
      throw new SessionExpiredError(`cannot ${action}: session ${this.id} has expired`);
    }

    throw new LifecycleError(`cannot ${action}: session ${this.id} is ${this.#state}`);
  }

  #expire(reason: string): void {
    if (this.#state !== "open") return;

    this.#state = "expired";
    for (const window of this.#windows.values()) window.markSessionEnded();
    this.#windows.clear();
    // At info: the caller gets a SessionExpiredError and decides; a batch replaces the session.
    this.#host.logger.info({ sessionId: this.id, reason }, "p21 session expired");
    this.#host.sessionEnded(this);
  }

  async #call(request: InteractiveRequest): Promise<unknown> {
    this.#assertOpen(request.description);
    const query = request.query === undefined ? "" : `?${queryString(request.query)}`;

    const timeoutMs =
      request.options?.timeoutMs ??
      (request.timeoutKind === "save" ? this.#host.timeouts.saveMs : this.#host.timeouts.defaultMs);
    const answer = await this.#host.transport.send({
      method: request.method,
      url: `${this.#interactiveUrl}${request.route}${query}`,
      operation: request.operation,
      description: request.description,
      headers: this.#authorization,
      body: request.body,
      timeoutMs,
      signal: request.options?.signal,
      write: request.write,
      sessionId: this.id,
      windowId: request.windowId,
    });

    if (answer.status >= 200 && answer.status < 300) return answer.body;

    throw this.#failure(answer, request);
  }

  #failure(answer: IncomingAnswer, request: InteractiveRequest): P21Error {
    if (answer.status === 401 && !isOutOfScope(answer)) {
      this.#host.tokens.invalidate(this.#origin.token);
      const error = new SessionExpiredError(
        `${request.description} failed with HTTP 401: the token of session ${this.id} was ` +
          `refused; the session belongs to that token and cannot be used any more`,
        { method: request.method, path: answer.path, status: 401, windowId: request.windowId },
      );
      this.#expire("token refused");

      return error;
    }

    const error = errorFromAnswer(answer, request, this.#host.redactor);
    if (error instanceof SessionExpiredError) this.#expire("server reports the session invalid");

    return error;
  }

  /** Opens a window by its service name (for example `SalesPricePage`). */
  async openWindow(serviceName: string, options?: CallOptions): Promise<Window> {
    this.#assertOpen(`open window ${serviceName}`);
    const request: InteractiveRequest = {
      method: "POST",
      route: "/v2/window",
      operation: "open-window",
      description: `opening of window ${serviceName}`,
      body: { ServiceName: serviceName },
      options,
    };
    const body = await this.#call(request);
    const windowId = windowIdOf(body);
    if (windowId === undefined) {
      throw new P21ProtocolError(`${request.description}: the answer carries no window id`, {
        method: "POST",
        path: "/v2/window",
      });
    }

    const title = property(body, "Title");
    const window = new Window(
      this.#channel,
      windowId,
      serviceName,
      typeof title === "string" ? title : undefined,
    );
    this.#windows.set(windowId, window);

    return window;
  }

  /**
   * Ends the session on the server (`DELETE /sessions` with the session's own token), again
   * after a 5xx answer or a broken connection, up to three times in all. Never throws: a
   * failure is logged, and the server's cleanup then reaps the session. Idempotent.
   * Not ended by the client's signal (cleanup must run when a batch stops); each attempt is
   * bounded by the default timeout, and one that times out is not repeated.
   */
  close(): Promise<void> {
    if (this.#state === "expired") return Promise.resolve();

    this.#closing ??= this.#end();

    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #end(): Promise<void> {
    this.#state = "closing";
    for (const window of this.#windows.values()) window.markSessionEnded();
    this.#windows.clear();
    try {
      for (let attempt = 1; ; attempt += 1) {
        const failure = await this.#sendEnd();
        if (failure === undefined) return;
        // An attempt whose answer was lost had ended it after all.
        if (attempt > 1 && failure.code === "P21_SESSION_EXPIRED") return;

        const lastAttempt = attempt > endRetryDelaysMs.length;
        if (!failure.passing || lastAttempt) {
          this.#host.logger.warn(
            { sessionId: this.id, attempts: attempt, error: failure.error },
            `p21 session end ${failure.answered ? "refused" : "failed"}; the server's cleanup will reap it`,
          );
          return;
        }

        await delay(endRetryDelaysMs[attempt - 1]);
      }
    } finally {
      this.#state = "closed";
      this.#host.sessionEnded(this);
    }
  }

  /**
   * One `DELETE /sessions`: nothing when it ended the session, else why not. A timeout is not
   * tried again: it would hold the caller that long again.
   */
  async #sendEnd(): Promise<EndFailure | undefined> {
    try {
      const answer = await this.#host.transport.send({
        method: "DELETE",
        url: `${this.#origin.uiServerUrl}/api/ui/interactive/sessions`,
        operation: "end-session",
        description: `end of session ${this.id}`,
        headers: this.#authorization,
        timeoutMs: this.#host.timeouts.defaultMs,
        sessionId: this.id,
        cleanup: true,
      });
      if (answer.status >= 200 && answer.status < 300) return undefined;

      const error = errorFromAnswer(
        answer,
        { method: "DELETE", description: `end of session ${this.id}` },
        this.#host.redactor,
      );

      return {
        code: error.code,
        error: error.toJSON(),
        answered: true,
        passing: answer.status >= 500,
      };
    } catch (error) {
      return {
        code: error instanceof P21Error ? error.code : undefined,
        error: error instanceof P21Error ? error.toJSON() : String(error),
        answered: false,
        passing: error instanceof P21NetworkError,
      };
    }
  }
}
