/**
 * The one error family of the P21 client. Every failure the client reports is a {@link P21Error}
 * with a stable `code` and a retry class; callers branch on classes and codes, never on text.
 */

/** How a caller may react to a failure. */
export type RetryClass =
  /** Known not to have taken effect (or harmless to repeat): retry, possibly on a fresh window or session. */
  | "transient"
  /** The server refused, or the caller is wrong: retrying the same request will fail the same way. */
  | "permanent"
  /** A write whose answer was lost: it may or may not have happened. Reconcile before any re-send. */
  | "ambiguous";

/** Stable error codes. */
export type P21ErrorCode =
  | "P21_HTTP"
  | "P21_SERVER_ERROR"
  | "P21_NETWORK"
  | "P21_TIMEOUT"
  | "P21_ABORTED"
  | "P21_AUTH_FAILED"
  | "P21_ACCESS_DENIED"
  | "P21_TOKEN_EXPIRED"
  | "P21_SESSION_EXPIRED"
  | "P21_SESSION_EXISTS"
  | "P21_POOL_EXHAUSTED"
  | "P21_WINDOW_NOT_FOUND"
  | "P21_WINDOW_CLOSED"
  | "P21_WINDOW_BLOCKED"
  | "P21_SERVER_REFUSED"
  | "P21_DATAWINDOW_NOT_FOUND"
  | "P21_REQUEST_SWALLOWED"
  | "P21_UNEXPECTED_RESPONSE_WINDOW"
  | "P21_PROTOCOL"
  | "P21_CLOSED"
  | "P21_INVALID_OPTIONS"
  | "P21_INVALID_INPUT"
  // Codes of subclasses defined outside the client (the batch engine, pricing) are strings too.
  | (string & {});

/** What an error knew when it was raised. Every field is optional. */
export interface P21ErrorDetails {
  /** Overrides the subclass's default retry class. */
  retry?: RetryClass;
  /** HTTP method of the request that failed. */
  method?: string;
  /** Path (and query) of the request that failed, without the host. */
  path?: string;
  /** HTTP status of the answer, when there was one. */
  status?: number;
  /** The server's own message (`ErrorMessage`, `error_description`, …), redacted. */
  serverMessage?: string;
  /** The window the request addressed. */
  windowId?: string;
  /** The field the request addressed. */
  field?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Pattern-based scrubbing applied to every message an error carries, as a second line of defence
 * behind the client's redaction of the secrets it knows: bearer tokens, JWTs, and credential
 * fields in JSON, XML or header form.
 */
export function scrubSecrets(text: string): string {
  return text
    .replace(/(Bearer\s+)[^\s"',;]+/gi, "$1[REDACTED]")
    .replace(/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, "[REDACTED]")
    .replace(
      /("(?:password|AccessToken|RefreshToken|ClientSecret|access_token|refresh_token|client_secret)"\s*:\s*)"[^"]*"/gi,
      '$1"[REDACTED]"',
    )
    .replace(/(<(AccessToken|RefreshToken|ClientSecret)>)[^<]*(<\/\2>)/gi, "$1[REDACTED]$3")
    .replace(/\b(password|ClientSecret)(\s*[:=]\s*)[^\s,;&"']+/gi, "$1$2[REDACTED]");
}

function describeCause(cause: unknown): Record<string, unknown> | undefined {
  if (cause === undefined) return undefined;
  if (cause instanceof P21Error) return cause.toJSON();
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;

    return {
      name: cause.name,
      message: scrubSecrets(cause.message),
      ...(typeof code === "string" ? { code } : {}),
    };
  }

  return {
    message: scrubSecrets(typeof cause === "string" ? cause : (JSON.stringify(cause) ?? "")),
  };
}

/** The root of every error the client raises. */
export class P21Error extends Error {
  override readonly name: string = "P21Error";
  /** Stable code, for example `P21_SESSION_EXPIRED`. */
  readonly code: P21ErrorCode;
  /** Whether and how the failed action may be retried. */
  readonly retry: RetryClass;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly status: number | undefined;
  readonly serverMessage: string | undefined;
  readonly windowId: string | undefined;
  readonly field: string | undefined;

  constructor(
    code: P21ErrorCode,
    message: string,
    details: P21ErrorDetails = {},
    defaultRetry: RetryClass = "permanent",
  ) {
    super(
      scrubSecrets(message),
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.code = code;
    this.retry = details.retry ?? defaultRetry;
    this.method = details.method;
    this.path = details.path === undefined ? undefined : scrubSecrets(details.path);
    this.status = details.status;
    this.serverMessage =
      details.serverMessage === undefined ? undefined : scrubSecrets(details.serverMessage);
    this.windowId = details.windowId;
    this.field = details.field;
  }

  /** A plain, redacted representation for logs and journals. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      retry: this.retry,
      message: this.message,
    };
    for (const key of ["method", "path", "status", "serverMessage", "windowId", "field"] as const) {
      if (this[key] !== undefined) json[key] = this[key];
    }

    const cause = describeCause(this.cause);
    if (cause !== undefined) json.cause = cause;

    return json;
  }
}

/** An HTTP answer the client has no more specific reading for. 5xx: `P21_SERVER_ERROR`. */
export class P21HttpError extends P21Error {
  override readonly name: string = "P21HttpError";

  constructor(message: string, details: P21ErrorDetails & { status: number }) {
    const serverError = details.status >= 500;
    const transientStatus = serverError || details.status === 429 || details.status === 408;
    super(
      serverError ? "P21_SERVER_ERROR" : "P21_HTTP",
      message,
      details,
      transientStatus ? "transient" : "permanent",
    );
  }
}

/** The connection failed or was reset before an answer arrived. */
export class P21NetworkError extends P21Error {
  override readonly name: string = "P21NetworkError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_NETWORK", message, details, "transient");
  }
}

/** No answer within the operation's timeout. */
export class P21TimeoutError extends P21Error {
  override readonly name: string = "P21TimeoutError";
  /** The timeout that elapsed. */
  readonly timeoutMs: number;

  constructor(message: string, details: P21ErrorDetails & { timeoutMs: number }) {
    super("P21_TIMEOUT", message, details, "transient");
    this.timeoutMs = details.timeoutMs;
  }
}

/** The caller's (or the client's) AbortSignal ended the call. */
export class P21AbortError extends P21Error {
  override readonly name: string = "P21AbortError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_ABORTED", message, details, "permanent");
  }
}

/** The token endpoint refused the credentials (or the consumer key). */
export class AuthenticationError extends P21Error {
  override readonly name: string = "AuthenticationError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_AUTH_FAILED", message, details, "permanent");
  }
}

/**
 * A valid token may not make this call: the consumer key's scope (its OData allow-list, fixed
 * when the token was issued) or the user's permission does not cover it. A fresh token of the
 * same key would be refused too.
 */
export class AccessDeniedError extends P21Error {
  override readonly name: string = "AccessDeniedError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_ACCESS_DENIED", message, details, "permanent");
  }
}

/** A token was refused (401) even after a fresh authentication. */
export class TokenExpiredError extends P21Error {
  override readonly name: string = "TokenExpiredError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_TOKEN_EXPIRED", message, details, "transient");
  }
}

/** The Interactive session expired, was ended, or belongs to a token that is no longer valid. */
export class SessionExpiredError extends P21Error {
  override readonly name: string = "SessionExpiredError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_SESSION_EXPIRED", message, details, "transient");
  }
}

/** A session already exists for this token and could not be recovered. */
export class SessionExistsError extends P21Error {
  override readonly name: string = "SessionExistsError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_SESSION_EXISTS", message, details, "transient");
  }
}

/** No API instance became available for a new session (the server's pool is full). */
export class PoolExhaustedError extends P21Error {
  override readonly name: string = "PoolExhaustedError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_POOL_EXHAUSTED", message, details, "transient");
  }
}

/** Codes of {@link WindowStateError}. */
export type WindowStateCode = "P21_WINDOW_NOT_FOUND" | "P21_WINDOW_CLOSED" | "P21_WINDOW_BLOCKED";

/**
 * The window is unknown to the server, closed, or blocked by an unanswered dialog. Transient:
 * a fresh window (close and reopen) cures each of them.
 */
export class WindowStateError extends P21Error {
  override readonly name: string = "WindowStateError";
  declare readonly code: WindowStateCode;

  constructor(code: WindowStateCode, message: string, details: P21ErrorDetails = {}) {
    super(code, message, details, "transient");
  }
}

/** The server refused the request with an error envelope (a 4xx such as "Column is disabled"). */
export class ServerRefusedError extends P21Error {
  override readonly name: string = "ServerRefusedError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_SERVER_REFUSED", message, details, "permanent");
  }
}

/** The request named a datawindow the window does not have ("Unable to find datawindow named X"). */
export class DatawindowNotFoundError extends P21Error {
  override readonly name: string = "DatawindowNotFoundError";
  /** The datawindow name that was not found. */
  readonly datawindow: string | undefined;

  constructor(message: string, details: P21ErrorDetails & { datawindow?: string } = {}) {
    super("P21_DATAWINDOW_NOT_FOUND", message, details, "permanent");
    this.datawindow = details.datawindow;
  }
}

/**
 * The request right after a "datawindow not found" answer was swallowed by the server (an empty
 * 500) and applied nothing. Re-send it; the window is healthy afterwards.
 */
export class RequestSwallowedError extends P21Error {
  override readonly name: string = "RequestSwallowedError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_REQUEST_SWALLOWED", message, details, "transient");
  }
}

/** A popup opened on a session without response-window handling ("Unexpected response window"). */
export class UnexpectedResponseWindowError extends P21Error {
  override readonly name: string = "UnexpectedResponseWindowError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_UNEXPECTED_RESPONSE_WINDOW", message, details, "permanent");
  }
}

/** An answer the client cannot read (wrong shape, unparsable body). */
export class P21ProtocolError extends P21Error {
  override readonly name: string = "P21ProtocolError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_PROTOCOL", message, details, "permanent");
  }
}

/** The client, session or window was used after `close()`. */
export class LifecycleError extends P21Error {
  override readonly name: string = "LifecycleError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_CLOSED", message, details, "permanent");
  }
}

/** The options given to the client are invalid (unknown key, wrong type, missing credential). */
export class InvalidOptionsError extends P21Error {
  override readonly name: string = "InvalidOptionsError";

  constructor(message: string) {
    super("P21_INVALID_OPTIONS", message, {}, "permanent");
  }
}

/** A value given to the client cannot be sent (an undefined filter value, a bad field name). */
export class InputError extends P21Error {
  override readonly name: string = "InputError";

  constructor(message: string, details: P21ErrorDetails = {}) {
    super("P21_INVALID_INPUT", message, details, "permanent");
  }
}

/**
 * The retry class of any thrown value: a P21Error's own class; an unknown error is permanent
 * (a bug is not cured by repetition).
 */
export function retryClass(error: unknown): RetryClass {
  return error instanceof P21Error ? error.retry : "permanent";
}

/** Whether the failed action may be repeated as it was: only transient failures. */
export function isRetryable(error: unknown): boolean {
  return retryClass(error) === "transient";
}
