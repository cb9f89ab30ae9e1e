import { Agent, errors as undiciErrors } from "undici";
import type { Dispatcher } from "undici";
import type { P21ProtocolError } from "./errors.js";
import { LifecycleError, P21AbortError, P21NetworkError, P21TimeoutError } from "./errors.js";
import type { RequestEvent } from "./events.js";
import { levelEnabled } from "./logger.js";
import type { Logger } from "./logger.js";
import { follow, unfollow } from "./abort-fanout.js";
import { Exchange } from "./exchange.js";
import { urlParts } from "./url-parts.js";
import type { Redactor } from "./redact.js";
import { parseXml } from "./xml.js";

/** One HTTP request, fully described. @internal */
export interface OutgoingRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Absolute URL, query included. */
  url: string;
  /** Short operation name for events and logs. */
  operation: string;
  /** What the call does, for error messages. */
  description: string;
  headers?: Record<string, string>;
  /** JSON-encoded when present (a string becomes a bare JSON string). */
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** The body or answer carries credentials: never logged, even at trace level. */
  sensitive?: boolean;
  /** A lost answer is ambiguous. */
  write?: boolean;
  sessionId?: string | undefined;
  windowId?: string | undefined;
  /** Cleanup (ending a session): bounded by its timeout, not ended by the client's signal. */
  cleanup?: boolean;
}

/** A received answer with its body decoded. @internal */
export interface IncomingAnswer {
  status: number;
  contentType: string;
  text: string;
  /** JSON, or XML read into plain values, or `undefined` for an empty body. */
  body: unknown;
  /** `xml` when the body was XML. */
  format: "json" | "xml" | "text" | "empty";
  path: string;
}

const traceBodyLimit = 4_000;

/** Decodes a body as JSON, then XML, else keeps the text. @internal */
export function decodeBody(
  text: string,
  contentType: string,
): Pick<IncomingAnswer, "body" | "format"> {
  const trimmed = text.trim();
  if (trimmed === "") return { body: undefined, format: "empty" };

  if (contentType.includes("json") || /^[{["\d-]|^(true|false|null)$/.test(trimmed)) {
    try {
      return { body: JSON.parse(trimmed) as unknown, format: "json" };
    } catch {
      // Not JSON after all: fall through to XML or text.
    }
  }

  if (trimmed.startsWith("<")) {
    const xml = parseXml(trimmed);
    // The root element is only a wrapper (TokenResponse, Session, ResultWrapper): unwrap it.
    if (xml !== undefined) return { body: Object.values(xml)[0], format: "xml" };
  }

  return { body: trimmed, format: "text" };
}

function timeOut(exchange: Exchange): void {
  exchange.timedOut = true;
  exchange.abort();
}

function causeCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;

  return typeof code === "string" ? code : undefined;
}

/**
 * OpenSSL's error text (`80DC…:error:0A00010B:SSL routines:ssl3_get_record:wrong version
 * number:…/ssl3_record.c:350:`, with a line break after it) cut to its reason.
 */
function plainReason(message: string): string {
  const openSsl = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/.exec(message);
  return (openSsl?.[1] ?? message).trim();
}

/**
 * The HTTP layer of one client: one undici Agent, `Accept: application/json` on every request,
 * a timeout and the caller's signal on every call, request events and redacted logs. @internal
 */
export class Transport {
  readonly #agent: Agent;
  readonly #dispatcher: Dispatcher;
  /** The requests in flight, aborted by close(). */
  readonly #inFlight = new Set<Exchange>();
  readonly #logger: Logger;
  readonly #redactor: Redactor;
  readonly #clientSignal: AbortSignal | undefined;
  readonly #emit: (event: RequestEvent) => void;
  readonly #trace: boolean;
  readonly #debug: boolean;
  #closed = false;

  constructor(options: {
    connections: number;
    tls: { rejectUnauthorized: boolean; ca: string | Buffer | undefined };
    logger: Logger;
    redactor: Redactor;
    signal: AbortSignal | undefined;
    emit: (event: RequestEvent) => void;
    dispatcher?: Dispatcher;
  }) {
    this.#agent = new Agent({
      connections: options.connections,
      keepAliveTimeout: 4_000,
      // The client's own timer bounds every call; undici's timers stay out of the way.
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: {
        rejectUnauthorized: options.tls.rejectUnauthorized,
        ...(options.tls.ca === undefined ? {} : { ca: options.tls.ca }),
      },
    });
    this.#dispatcher = options.dispatcher ?? this.#agent;
    this.#logger = options.logger;
    this.#trace = levelEnabled(options.logger, "trace");
    this.#debug = levelEnabled(options.logger, "debug");
    this.#redactor = options.redactor;
    this.#clientSignal = options.signal;
    this.#emit = options.emit;
  }

  /** Sends a request; resolves with any HTTP answer; throws only for no answer at all. */
  async send(outgoing: OutgoingRequest): Promise<IncomingAnswer> {
    const { origin, path, pathWithQuery } = urlParts(outgoing.url);
    const context = {
      method: outgoing.method,
      path: pathWithQuery,
      windowId: outgoing.windowId,
    };
    if (this.#closed) {
      throw new LifecycleError(
        `cannot send ${outgoing.description}: the client is closed`,
        context,
      );
    }

    const headers: Record<string, string> = {
      accept: "application/json",
      ...outgoing.headers,
    };
    let payload: string | undefined;
    if (outgoing.body !== undefined) {
      payload = JSON.stringify(outgoing.body);
      headers["content-type"] = "application/json";
    }

    this.#traceRequest(outgoing, pathWithQuery, payload);
    // Armed only now, so that a body that cannot be encoded throws before anything needs clearing.
    const exchange = new Exchange();
    const timer = setTimeout(timeOut, outgoing.timeoutMs, exchange);
    timer.unref();
    this.#inFlight.add(exchange);
    const callerSignal = outgoing.signal;
    const clientSignal = outgoing.cleanup === true ? undefined : this.#clientSignal;
    follow(callerSignal, exchange);
    follow(clientSignal, exchange);
    const startedAt = performance.now();
    try {
      exchange.send(this.#dispatcher, {
        origin,
        path: pathWithQuery,
        method: outgoing.method,
        headers,
        body: payload,
      });
      const { status, contentType, text } = await exchange.answer;
      const decoded = decodeBody(text, contentType);
      this.#finish(outgoing, path, startedAt, status, undefined);
      this.#traceAnswer(outgoing, status, text);

      return {
        status,
        contentType,
        text,
        path: pathWithQuery,
        body: decoded.body,
        format: decoded.format,
      };
    } catch (error) {
      const failure = this.#failure(error, outgoing, context, {
        timedOut: exchange.timedOut,
        closing: this.#closed,
        status: exchange.status,
      });
      this.#finish(outgoing, path, startedAt, exchange.status, failure.code);
      throw failure;
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(exchange);
      unfollow(callerSignal, exchange);
      unfollow(clientSignal, exchange);
    }
  }

  #failure(
    error: unknown,
    outgoing: OutgoingRequest,
    context: { method: string; path: string; windowId: string | undefined },
    state: { timedOut: boolean; closing: boolean; status: number | undefined },
  ): LifecycleError | P21AbortError | P21TimeoutError | P21NetworkError | P21ProtocolError {
    const retry = outgoing.write === true ? "ambiguous" : "transient";
    const lost = outgoing.write === true ? " (it may or may not have been applied)" : "";
    if (state.timedOut) {
      return new P21TimeoutError(
        `${outgoing.description} timed out after ${outgoing.timeoutMs} ms${lost}`,
        { ...context, retry, timeoutMs: outgoing.timeoutMs, status: state.status, cause: error },
      );
    }

    if (state.closing) {
      return new LifecycleError(`${outgoing.description} was ended: the client closed`, {
        ...context,
        cause: error,
      });
    }

    const aborted =
      error instanceof undiciErrors.RequestAbortedError ||
      (error instanceof Error && error.name === "AbortError") ||
      outgoing.signal?.aborted === true ||
      (this.#clientSignal?.aborted === true && outgoing.cleanup !== true);
    if (aborted) {
      return new P21AbortError(`${outgoing.description} was aborted${lost}`, {
        ...context,
        retry: outgoing.write === true ? "ambiguous" : "permanent",
        cause: error,
      });
    }

    if (state.status !== undefined) {
      return new P21NetworkError(
        `${outgoing.description}: the answer broke off after HTTP ${state.status}${lost}`,
        { ...context, retry, status: state.status, cause: error },
      );
    }

    const code = causeCode(error);
    const reason =
      error instanceof Error ? this.#redactor.redact(plainReason(error.message)) : "unknown error";

    return new P21NetworkError(
      `${outgoing.description} failed: ${code === undefined ? "" : `${code} `}${reason}${lost}`,
      { ...context, retry, cause: error },
    );
  }

  #finish(
    outgoing: OutgoingRequest,
    path: string,
    startedAt: number,
    status: number | undefined,
    errorCode: string | undefined,
  ): void {
    const event: RequestEvent = {
      method: outgoing.method,
      path,
      operation: outgoing.operation,
      status,
      durationMs: Math.round((performance.now() - startedAt) * 1000) / 1000,
      sessionId: outgoing.sessionId,
      windowId: outgoing.windowId,
      error: errorCode,
    };
    if (this.#debug) {
      this.#logger.debug({ ...event }, `p21 ${outgoing.operation} ${outgoing.method} ${path}`);
    }
    this.#emit(event);
  }

  #traceRequest(outgoing: OutgoingRequest, path: string, payload: string | undefined): void {
    if (!this.#trace || this.#logger.trace === undefined) return;

    this.#logger.trace(
      {
        method: outgoing.method,
        path: this.#redactor.redact(path),
        body: outgoing.sensitive === true ? "[REDACTED]" : this.#shown(payload),
      },
      `p21 request ${outgoing.operation}`,
    );
  }

  #traceAnswer(outgoing: OutgoingRequest, status: number, text: string): void {
    if (!this.#trace || this.#logger.trace === undefined) return;

    this.#logger.trace(
      { status, body: outgoing.sensitive === true ? "[REDACTED]" : this.#shown(text) },
      `p21 answer ${outgoing.operation}`,
    );
  }

  #shown(text: string | undefined): string | undefined {
    if (text === undefined) return undefined;

    const redacted = this.#redactor.redact(text);

    return redacted.length > traceBodyLimit ? `${redacted.slice(0, traceBodyLimit)}…` : redacted;
  }

  /** Ends in-flight calls and closes the connections. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;

    this.#closed = true;
    for (const exchange of this.#inFlight) exchange.abort();
    await this.#agent.close().catch(() => this.#agent.destroy());
  }
}
