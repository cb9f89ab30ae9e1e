import { InvalidOptionsError } from "./errors.js";
import type { Logger } from "./logger.js";
import { defaultLogger } from "./logger.js";
import { unparsedUrlShown } from "./redact.js";

/** Options of a new Interactive session. Every field is optional. */
export interface SessionOptions {
  /**
   * `SessionType`, which decides the licence consumed. `Auto` suits background work.
   * @default "Auto"
   */
  type?: "User" | "Auto" | "AutoInteractive";
  /**
   * `SessionTimeout`: the server's inactivity timeout, in seconds. Always sent.
   * @default 300
   */
  timeoutSeconds?: number;
  /**
   * `ResponseWindowHandlingEnabled`: `true` brings dialogs back as Blocked results to answer;
   * `false` lets the server answer message boxes with their default. Always sent.
   * @default true
   */
  responseWindowHandling?: boolean;
  /**
   * `ClientPlatformApp`, shown in the server's logs.
   * @default "p21kit"
   */
  clientPlatformApp?: string;
  /** `WorkstationID`. Not sent when absent. */
  workstationId?: string;
  /** Aborts the creation of the session. */
  signal?: AbortSignal;
}

/** TLS settings of the client's connections. */
export interface TlsOptions {
  /**
   * Verify the server's certificate. Turn off only for test tenants with self-signed certificates.
   * @default true
   */
  rejectUnauthorized?: boolean;
  /** A custom certificate authority (PEM), for servers signed by a private CA. */
  ca?: string | Buffer;
}

/** Timeouts per kind of operation, in milliseconds. */
export interface TimeoutOptions {
  /**
   * Every call without a more specific timeout (change, tab, row, data, tools, sessions, OData).
   * @default 60_000
   */
  defaultMs?: number;
  /**
   * Save (`PUT /v2/data`) and the answer of a dialog pressed on a window (which may save).
   * @default 120_000
   */
  saveMs?: number;
  /**
   * The token endpoint and the router.
   * @default 60_000
   */
  authMs?: number;
}

/** Options of a {@link P21Client}. */
export interface P21ClientOptions {
  /** The P21 base URL, for example `https://play.p21server.com` (token, router and OData live here). */
  baseUrl: string;
  /** The P21 user. With `password`: the password grant; with `consumerKey`: the user Interactive sessions need. */
  username?: string;
  /** The user's password (password grant). Never logged or put in an error. */
  password?: string;
  /** A consumer key (client-credentials grant). Never logged or put in an error. */
  consumerKey?: string;
  /**
   * `v2`: credentials in a JSON body (recommended). `v1`: the legacy endpoint with the
   * credentials in headers (password grant only).
   * @default "v2"
   */
  tokenEndpoint?: "v2" | "v1";
  /** The UI-server URL, for example `https://host/uiserver0`. Skips the router when given. */
  uiServerUrl?: string;
  /** TLS settings. @default verification on */
  tls?: TlsOptions;
  /** Timeouts per kind of operation. @default 60 s, 120 s for save, 60 s for auth */
  timeouts?: TimeoutOptions;
  /** A pino-compatible logger. @default silent (or stderr with `NODE_DEBUG=p21kit`) */
  logger?: Logger;
  /** Aborts every call of the client, now and later. */
  signal?: AbortSignal;
  /** Defaults for {@link P21Client.startSession}. */
  session?: SessionOptions;
  /**
   * Connections kept per origin.
   * @default 16
   */
  connections?: number;
}

/** The complete internal shape of the options, resolved once. @internal */
export interface ResolvedClientOptions {
  baseUrl: string;
  username: string | undefined;
  password: string | undefined;
  consumerKey: string | undefined;
  tokenEndpoint: "v2" | "v1";
  uiServerUrl: string | undefined;
  tls: { rejectUnauthorized: boolean; ca: string | Buffer | undefined };
  timeouts: { defaultMs: number; saveMs: number; authMs: number };
  logger: Logger;
  signal: AbortSignal | undefined;
  session: ResolvedSessionOptions;
  connections: number;
}

/** @internal */
export interface ResolvedSessionOptions {
  type: "User" | "Auto" | "AutoInteractive";
  timeoutSeconds: number;
  responseWindowHandling: boolean;
  clientPlatformApp: string;
  workstationId: string | undefined;
}

const clientKeys = [
  "baseUrl",
  "username",
  "password",
  "consumerKey",
  "tokenEndpoint",
  "uiServerUrl",
  "tls",
  "timeouts",
  "logger",
  "signal",
  "session",
  "connections",
] as const;
const sessionKeys = [
  "type",
  "timeoutSeconds",
  "responseWindowHandling",
  "clientPlatformApp",
  "workstationId",
  "signal",
] as const;
const tlsKeys = ["rejectUnauthorized", "ca"] as const;
const timeoutKeys = ["defaultMs", "saveMs", "authMs"] as const;

const renamedKeys: Record<string, string> = {
  url: "baseUrl",
  baseURL: "baseUrl",
  host: "baseUrl",
  user: "username",
  userName: "username",
  clientSecret: "consumerKey",
  consumer_key: "consumerKey",
  uiServerURL: "uiServerUrl",
  uiServer: "uiServerUrl",
  timeout: "timeouts",
  timeoutMs: "timeouts",
  rejectUnauthorized: "tls.rejectUnauthorized",
  ca: "tls.ca",
  sessionType: "session.type",
  timeoutSecond: "timeoutSeconds",
  sessionTimeout: "timeoutSeconds",
  responseWindowHandlingEnabled: "responseWindowHandling",
  workstationID: "workstationId",
};

function rejectUnknownKeys(value: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;

    const hint = renamedKeys[key];
    throw new InvalidOptionsError(
      `unknown option ${where}${key}` + (hint === undefined ? "" : `: did you mean ${hint}?`),
    );
  }
}

function positiveNumber(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionsError(`option ${name} must be a positive number`);
  }

  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new InvalidOptionsError(`option ${name} must be a string`);

  return value;
}

function trimTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

function parseUrl(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidOptionsError(
      `option ${name} is required (for example https://p21.example.com)`,
    );
  }

  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new InvalidOptionsError(`option ${name} is not a URL: ${unparsedUrlShown(value)}`);
  }

  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    // Not the URL itself: it may carry user:password@.
    throw new InvalidOptionsError(
      `option ${name} must be an http or https URL, not ${parsed.protocol}`,
    );
  }

  return trimTrailingSlashes(`${parsed.origin}${parsed.pathname}`);
}

/** Resolves and validates session options over the given defaults. @internal */
export function resolveSessionOptions(
  options: SessionOptions | undefined,
  defaults?: ResolvedSessionOptions,
): ResolvedSessionOptions {
  const given = options ?? {};
  rejectUnknownKeys(given, sessionKeys, "session.");

  const type = given.type ?? defaults?.type ?? "Auto";
  if (!["User", "Auto", "AutoInteractive"].includes(type)) {
    throw new InvalidOptionsError(`option session.type must be User, Auto or AutoInteractive`);
  }

  const timeoutSeconds = positiveNumber(
    given.timeoutSeconds,
    "session.timeoutSeconds",
    defaults?.timeoutSeconds ?? 300,
  );
  if (!Number.isInteger(timeoutSeconds)) {
    throw new InvalidOptionsError(`option session.timeoutSeconds must be a whole number`);
  }

  const responseWindowHandling = given.responseWindowHandling ?? defaults?.responseWindowHandling;
  if (responseWindowHandling !== undefined && typeof responseWindowHandling !== "boolean") {
    throw new InvalidOptionsError(`option session.responseWindowHandling must be a boolean`);
  }

  return {
    type,
    timeoutSeconds,
    responseWindowHandling: responseWindowHandling ?? true,
    clientPlatformApp:
      optionalString(given.clientPlatformApp, "session.clientPlatformApp") ??
      defaults?.clientPlatformApp ??
      "p21kit",
    workstationId:
      optionalString(given.workstationId, "session.workstationId") ?? defaults?.workstationId,
  };
}

/** Resolves and validates the client options once, at construction. @internal */
export function resolveClientOptions(options: P21ClientOptions): ResolvedClientOptions {
  if (typeof options !== "object" || options === null) {
    throw new InvalidOptionsError("P21Client needs an options object with at least baseUrl");
  }

  rejectUnknownKeys(options, clientKeys, "");
  const tls = options.tls ?? {};
  rejectUnknownKeys(tls, tlsKeys, "tls.");
  const timeouts = options.timeouts ?? {};
  rejectUnknownKeys(timeouts, timeoutKeys, "timeouts.");

  const username = optionalString(options.username, "username");
  const password = optionalString(options.password, "password");
  const consumerKey = optionalString(options.consumerKey, "consumerKey");
  const tokenEndpoint = options.tokenEndpoint ?? "v2";
  if (tokenEndpoint !== "v2" && tokenEndpoint !== "v1") {
    throw new InvalidOptionsError(`option tokenEndpoint must be "v2" or "v1"`);
  }

  if (password === undefined && consumerKey === undefined) {
    throw new InvalidOptionsError(
      "P21Client needs credentials: username and password, or consumerKey (with username)",
    );
  }

  if (password !== undefined && consumerKey !== undefined) {
    throw new InvalidOptionsError("give either password or consumerKey, not both");
  }

  if (password !== undefined && username === undefined) {
    throw new InvalidOptionsError("a password needs a username (option username)");
  }

  if (tokenEndpoint === "v1" && consumerKey !== undefined) {
    throw new InvalidOptionsError(`tokenEndpoint "v1" supports only username and password`);
  }

  return {
    baseUrl: parseUrl(options.baseUrl, "baseUrl"),
    username,
    password,
    consumerKey,
    tokenEndpoint,
    uiServerUrl:
      options.uiServerUrl === undefined ? undefined : parseUrl(options.uiServerUrl, "uiServerUrl"),
    tls: {
      rejectUnauthorized: tls.rejectUnauthorized ?? true,
      ca: tls.ca,
    },
    timeouts: {
      defaultMs: positiveNumber(timeouts.defaultMs, "timeouts.defaultMs", 60_000),
      saveMs: positiveNumber(timeouts.saveMs, "timeouts.saveMs", 120_000),
      authMs: positiveNumber(timeouts.authMs, "timeouts.authMs", 60_000),
    },
    logger: options.logger ?? defaultLogger(),
    signal: options.signal,
    session: resolveSessionOptions(options.session),
    connections: positiveNumber(options.connections, "connections", 16),
  };
}
