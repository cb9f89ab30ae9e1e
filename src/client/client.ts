import type { Dispatcher } from "undici";
import type { Token } from "./auth.js";
import { TokenManager } from "./auth.js";
import {
  LifecycleError,
  P21ProtocolError,
  SessionExistsError,
  TokenExpiredError,
} from "./errors.js";
import type { ClientEvents, RequestEvent } from "./events.js";
import type { Logger } from "./logger.js";
import { ODataClient } from "./odata.js";
import type { P21ClientOptions, ResolvedClientOptions, SessionOptions } from "./options.js";
import { resolveClientOptions, resolveSessionOptions } from "./options.js";
import { Redactor } from "./redact.js";
import { property } from "./result.js";
import { errorFromAnswer, isOutOfScope } from "./server-answers.js";
import type { SessionHost } from "./session.js";
import { Session } from "./session.js";
import { createSession } from "./session-start.js";
import type { IncomingAnswer, OutgoingRequest } from "./transport.js";
import { Transport } from "./transport.js";
import type { XmlObject } from "./xml.js";
import { findXmlValue } from "./xml.js";
import { waitFor } from "./wait.js";

/** What `serverinfo` reports. */
export interface ServerInfo {
  /** `Version/Application Version`, for example `26.1.5950.0`. */
  readonly version: string | undefined;
  /** The flat key/value map under `Result`. */
  readonly raw: Record<string, unknown>;
}

/** Test hooks of a client: a dispatcher and a clock in place of the real ones (for tests). */
export interface ClientInternals {
  /** An undici dispatcher used instead of the client's Agent (a MockAgent in unit tests). */
  dispatcher?: Dispatcher;
  /** The clock of token expiry. */
  now?: () => number;
}

type AuthorizedRequest = Omit<OutgoingRequest, "headers" | "timeoutMs"> & {
  timeoutMs?: number;
  headers?: Record<string, string>;
};

/**
 * A client of one P21 server: authentication, UI-server discovery, Interactive sessions and
 * OData reads. Reuse one client (one token) for a run; close it at the end.
 *
 * @example
 * const client = new P21Client({ baseUrl, username, password });
 * await using session = await client.startSession();
 * const window = await session.openWindow("SalesPricePage");
 */
export class P21Client {
  /** Read-only OData queries. */
  readonly odata: ODataClient;
  readonly #options: ResolvedClientOptions;
  readonly #redactor = new Redactor();
  readonly #transport: Transport;
  readonly #tokens: TokenManager;
  readonly #listeners = new Set<ClientEvents["request"]>();
  readonly #sessions = new Set<Session>();
  readonly #sessionHost: SessionHost;
  #uiServerUrl: string | undefined;
  #discovery: Promise<string> | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  #sessionStarting = false;

  /** @throws InvalidOptionsError for an unknown option, a bad value or missing credentials. */
  constructor(options: P21ClientOptions, internals: ClientInternals = {}) {
    this.#options = resolveClientOptions(options);
    this.#redactor.add(this.#options.password);
    this.#redactor.add(this.#options.consumerKey);
    this.#uiServerUrl = this.#options.uiServerUrl;
    const logger = this.#options.logger;
    this.#transport = new Transport({
      connections: this.#options.connections,
      tls: this.#options.tls,
      logger,
      redactor: this.#redactor,
      signal: this.#options.signal,
      emit: (event) => this.#emit(event),
      ...(internals.dispatcher === undefined ? {} : { dispatcher: internals.dispatcher }),
    });
    this.#tokens = new TokenManager(
      { ...this.#options, timeoutMs: this.#options.timeouts.authMs },
      this.#transport,
      this.#redactor,
      logger,
      internals.now,
    );
    this.#sessionHost = {
      transport: this.#transport,
      tokens: this.#tokens,
      redactor: this.#redactor,
      logger,
      timeouts: this.#options.timeouts,
      sessionEnded: (session) => this.#sessions.delete(session),
    };
    this.odata = new ODataClient((table, query, callOptions) =>
      this.#odataFetch(table, query, callOptions),
    );
  }

  /** The base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  /** The P21 user, when one was given. */
  get username(): string | undefined {
    return this.#options.username;
  }

  /** The client's logger. */
  get logger(): Logger {
    return this.#options.logger;
  }

  /** `true` once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Listens to every finished HTTP exchange. */
  on(event: "request", listener: (event: RequestEvent) => void): this {
    if (event !== "request") throw new TypeError(`unknown event: ${String(event)}`);

    this.#listeners.add(listener);

    return this;
  }

  /** Removes a listener. */
  off(event: "request", listener: (event: RequestEvent) => void): this {
    if (event === "request") this.#listeners.delete(listener);

    return this;
  }

  #emit(event: RequestEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#options.logger.warn({ error: String(error) }, "p21 request listener threw");
      }
    }
  }

  #assertOpen(action: string): void {
    if (this.#closed) throw new LifecycleError(`cannot ${action}: the client is closed`);
  }

  /** Obtains a token now, or renews it when it is within 5 minutes of expiry. */
  async authenticate(signal?: AbortSignal): Promise<void> {
    this.#assertOpen("authenticate");
    await this.#tokens.token(signal);
  }

  /**
   * Sends a request with the token; on a 401, authenticates again and re-sends once (not for the
   * 401 of a call outside the token's scope, which a new token would not cure).
   */
  async #authorized(request: AuthorizedRequest): Promise<IncomingAnswer> {
    let token: Token = await this.#tokens.token(request.signal);
    for (let attempt = 1; ; attempt += 1) {
      const answer = await this.#transport.send({
        ...request,
        timeoutMs: request.timeoutMs ?? this.#options.timeouts.defaultMs,
        headers: { ...request.headers, authorization: `Bearer ${token.accessToken}` },
      });
      if (answer.status !== 401 || isOutOfScope(answer)) return answer;

      this.#tokens.invalidate(token);
      if (attempt === 2) {
        throw new TokenExpiredError(
          `${request.description} was refused with HTTP 401 even with a fresh token`,
          { method: request.method, path: answer.path, status: 401 },
        );
      }

      this.#options.logger.info({ path: answer.path }, "p21 token refused; authenticating again");
      token = await this.#tokens.authenticate(request.signal);
    }
  }

  /** The UI-server URL from the router (`/api/ui/router/v1/?urlType=external`), cached. */
  async uiServerUrl(signal?: AbortSignal): Promise<string> {
    this.#assertOpen("discover the UI server");
    if (this.#uiServerUrl !== undefined) return this.#uiServerUrl;

    this.#discovery ??= this.#discover().finally(() => {
      this.#discovery = undefined;
    });

    return waitFor(this.#discovery, signal, "UI-server discovery");
  }

  async #discover(): Promise<string> {
    const description = "UI-server discovery (router)";
    const answer = await this.#authorized({
      method: "GET",
      url: `${this.baseUrl}/api/ui/router/v1/?urlType=external`,
      operation: "router",
      description,
      timeoutMs: this.#options.timeouts.authMs,
    });
    if (answer.status < 200 || answer.status >= 300) {
      throw errorFromAnswer(answer, { method: "GET", description }, this.#redactor);
    }

    const url =
      typeof answer.body === "string"
        ? answer.body
        : answer.format === "xml"
          ? findXmlValue(answer.body as XmlObject, "Url")
          : property(answer.body, "Url");
    if (typeof url !== "string" || !/^https?:\/\//i.test(url.trim())) {
      throw new P21ProtocolError(`${description}: the answer carries no Url`, {
        method: "GET",
        path: answer.path,
        status: answer.status,
      });
    }

    this.#uiServerUrl = url.trim().replace(/\/+$/, "");
    this.#options.logger.debug({ uiServerUrl: this.#uiServerUrl }, "p21 UI server discovered");

    return this.#uiServerUrl;
  }

  /** The server's version and settings (`{ui}/ui/common/v1/serverinfo`); needs no session. */
  async serverInfo(signal?: AbortSignal): Promise<ServerInfo> {
    this.#assertOpen("read the server info");
    const description = "server info";
    const uiServerUrl = await this.uiServerUrl(signal);
    const answer = await this.#authorized({
      method: "GET",
      url: `${uiServerUrl}/ui/common/v1/serverinfo`,
      operation: "serverinfo",
      description,
      signal,
    });
    if (answer.status < 200 || answer.status >= 300) {
      throw errorFromAnswer(answer, { method: "GET", description }, this.#redactor);
    }

    const result = property(answer.body, "Result") ?? answer.body;
    const raw =
      typeof result === "object" && result !== null ? (result as Record<string, unknown>) : {};
    const version = raw["Version/Application Version"];

    return { version: typeof version === "string" ? version : undefined, raw };
  }

  /**
   * Creates an Interactive session. `SessionType`, `SessionTimeout` and
   * `ResponseWindowHandlingEnabled` are always sent. A leaked session of this token (409) is
   * ended on the same token and the create is tried once more.
   *
   * One client holds one token, and P21 allows one Interactive session per token: while a
   * session of this client is open, another `startSession` throws `SessionExistsError`. Use one
   * client per parallel session.
   */
  async startSession(options?: SessionOptions): Promise<Session> {
    this.#assertOpen("start a session");
    const settings = resolveSessionOptions(options, this.#options.session);
    if (this.#sessions.size > 0 || this.#sessionStarting) {
      throw new SessionExistsError(
        "cannot start a session: this client already has an open session, and P21 allows one " +
          "Interactive session per token (close it first, or use another P21Client)",
        { retry: "permanent" },
      );
    }

    this.#sessionStarting = true;
    try {
      const signal = options?.signal;
      const uiServerUrl = await this.uiServerUrl(signal);
      const origin = await createSession(
        {
          transport: this.#transport,
          tokens: this.#tokens,
          redactor: this.#redactor,
          logger: this.#options.logger,
          defaultTimeoutMs: this.#options.timeouts.defaultMs,
        },
        {
          uiServerUrl,
          settings,
          signal,
          description: `creation of a session (${settings.type}) for ${this.username ?? "the consumer key"}`,
        },
      );
      const session = new Session(this.#sessionHost, origin);
      this.#sessions.add(session);
      this.#options.logger.info(
        { sessionId: session.id, build: session.build },
        "p21 session started",
      );
      if (this.#closed) {
        await session.close();
        throw new LifecycleError("the client closed while the session was being created");
      }

      return session;
    } finally {
      this.#sessionStarting = false;
    }
  }

  /** The open sessions of this user, as the server lists them (the shape is not documented). */
  async listSessions(signal?: AbortSignal): Promise<unknown[]> {
    this.#assertOpen("list sessions");
    const description = "list of sessions";
    const uiServerUrl = await this.uiServerUrl(signal);
    const answer = await this.#authorized({
      method: "GET",
      url: `${uiServerUrl}/api/ui/interactive/sessions`,
      operation: "list-sessions",
      description,
      signal,
    });
    if (answer.status < 200 || answer.status >= 300) {
      throw errorFromAnswer(answer, { method: "GET", description }, this.#redactor);
    }

    const list = Array.isArray(answer.body)
      ? answer.body
      : (property(answer.body, "Sessions", "Result", "value") ?? []);

    return Array.isArray(list) ? (list as unknown[]) : [list];
  }

  async #odataFetch(
    table: string,
    query: URLSearchParams,
    options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
  ): Promise<unknown> {
    this.#assertOpen("query OData");
    const description = `OData query of ${table}`;
    const search = query.toString().replace(/\+/g, "%20");
    const answer = await this.#authorized({
      method: "GET",
      url: `${this.baseUrl}/odataservice/odata/table/${table}${search === "" ? "" : `?${search}`}`,
      operation: "odata",
      description,
      signal: options.signal,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    if (answer.status < 200 || answer.status >= 300) {
      throw errorFromAnswer(answer, { method: "GET", description }, this.#redactor);
    }

    return answer.body;
  }

  /**
   * Ends the open session (on its own token), then closes the connections. Idempotent; every
   * step runs even when one fails.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();

    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#sessions].map((session) => session.close()));
    await this.#transport.close();
    this.#listeners.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
