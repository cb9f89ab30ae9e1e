import { AuthenticationError, P21AbortError, P21HttpError, P21ProtocolError } from "./errors.js";
import { waitFor } from "./wait.js";
import type { Logger } from "./logger.js";
import type { Redactor } from "./redact.js";
import { property } from "./result.js";
import { serverMessageOf } from "./server-answers.js";
import type { IncomingAnswer, Transport } from "./transport.js";
import type { XmlObject } from "./xml.js";
import { findXmlValue } from "./xml.js";

/** Renew a token when it is this close to expiry. */
export const tokenRenewalMarginMs = 5 * 60_000;

/** A bearer token and when it expires. @internal */
export interface Token {
  readonly accessToken: string;
  /** Epoch milliseconds, or `undefined` when the server gave no lifetime. */
  readonly expiresAtMs: number | undefined;
  /** Counts the tokens this client obtained (1 for the first). */
  readonly generation: number;
}

/** @internal */
export interface TokenSettings {
  baseUrl: string;
  username: string | undefined;
  password: string | undefined;
  consumerKey: string | undefined;
  tokenEndpoint: "v2" | "v1";
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

function readField(answer: IncomingAnswer, ...names: string[]): unknown {
  if (answer.format === "xml") {
    for (const name of names) {
      const found = findXmlValue(answer.body as XmlObject, name);
      if (found !== undefined) return found;
    }

    return undefined;
  }

  return property(answer.body, ...names);
}

function jwtExpiryMs(accessToken: string): number | undefined {
  const payload = accessToken.split(".")[1];
  if (payload === undefined) return undefined;

  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown;
    const expiry = property(claims, "exp");

    return typeof expiry === "number" ? expiry * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Obtains and renews the client's one bearer token: before it expires (within 5 minutes) or
 * when a request reports it invalid. Concurrent callers share one authentication. @internal
 */
export class TokenManager {
  #current: Token | undefined;
  #pending: Promise<Token> | undefined;
  #generation = 0;

  constructor(
    private readonly settings: TokenSettings,
    private readonly transport: Transport,
    private readonly redactor: Redactor,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current token, renewed first when missing or close to expiry. */
  async token(signal?: AbortSignal): Promise<Token> {
    const current = this.#current;
    if (current !== undefined && !this.#nearExpiry(current)) return current;

    return this.authenticate(signal);
  }

  /** The current token without any renewal, when there is one. */
  peek(): Token | undefined {
    return this.#current;
  }

  /** Forgets `token` (the server refused it) so that the next call authenticates again. */
  invalidate(token: Token): void {
    if (this.#current === token) this.#current = undefined;
  }

  /**
   * Authenticates now, sharing an authentication already in flight. The shared request is bound
   * to the client's signal only; each caller's own signal ends just that caller's wait.
   */
  authenticate(signal?: AbortSignal): Promise<Token> {
    if (signal?.aborted === true) {
      return Promise.reject(new P21AbortError("authentication was aborted before it started"));
    }

    this.#pending ??= this.#request(undefined).finally(() => {
      this.#pending = undefined;
    });

    return waitFor(this.#pending, signal, "authentication");
  }

  #nearExpiry(token: Token): boolean {
    return (
      token.expiresAtMs !== undefined && token.expiresAtMs - this.now() <= tokenRenewalMarginMs
    );
  }

  async #request(signal: AbortSignal | undefined): Promise<Token> {
    const { baseUrl, username, password, consumerKey, tokenEndpoint } = this.settings;
    const v1 = tokenEndpoint === "v1";
    const url = v1 ? `${baseUrl}/api/security/token` : `${baseUrl}/api/security/token/v2`;
    const grant = consumerKey === undefined ? "password grant" : "consumer key";
    const description = `authentication of ${username ?? "the consumer key"} (${grant}, token ${tokenEndpoint})`;
    let body: unknown;
    let headers: Record<string, string> | undefined;
    if (v1) {
      headers = { username: username ?? "", password: password ?? "" };
    } else if (consumerKey !== undefined) {
      body = {
        ClientSecret: consumerKey,
        GrantType: "client_credentials",
        ...(username === undefined ? {} : { username }),
      };
    } else {
      body = { username, password };
    }

    const answer = await this.transport.send({
      method: "POST",
      url,
      operation: "token",
      description,
      headers,
      body,
      timeoutMs: this.settings.timeoutMs,
      signal,
      sensitive: true,
    });
    const token = this.#read(answer, description);
    this.#current = token;
    this.logger.info(
      { generation: token.generation, expiresAtMs: token.expiresAtMs },
      "p21 token obtained",
    );

    return token;
  }

  #read(answer: IncomingAnswer, description: string): Token {
    const context = { method: "POST", path: answer.path, status: answer.status };
    if (answer.status < 200 || answer.status >= 300) {
      const rawMessage = serverMessageOf(answer);
      const serverMessage = rawMessage === undefined ? undefined : this.redactor.redact(rawMessage);
      const said = serverMessage === undefined ? "" : `: ${serverMessage}`;
      const errorType = property(answer.body, "ErrorType");
      const tokenException = typeof errorType === "string" && /token/i.test(errorType);
      if ([400, 401, 403].includes(answer.status) || tokenException) {
        return this.#fail(
          new AuthenticationError(`${description} was refused with HTTP ${answer.status}${said}`, {
            ...context,
            serverMessage,
          }),
        );
      }

      return this.#fail(
        new P21HttpError(`${description} failed with HTTP ${answer.status}${said}`, {
          ...context,
          serverMessage,
        }),
      );
    }

    const accessToken = readField(answer, "AccessToken", "access_token");
    if (typeof accessToken !== "string" || accessToken === "") {
      return this.#fail(
        new P21ProtocolError(`${description}: the answer carries no AccessToken`, context),
      );
    }

    this.redactor.add(accessToken);
    const refreshToken = readField(answer, "RefreshToken", "refresh_token");
    if (typeof refreshToken === "string") this.redactor.add(refreshToken);

    const lifetime = readField(answer, "ExpiresInSeconds", "ExpiresIn", "expires_in");
    const lifetimeSeconds = typeof lifetime === "string" ? Number(lifetime) : lifetime;
    const expiresAtMs =
      typeof lifetimeSeconds === "number" && Number.isFinite(lifetimeSeconds) && lifetimeSeconds > 0
        ? this.now() + lifetimeSeconds * 1000
        : jwtExpiryMs(accessToken);
    this.#generation += 1;

    return { accessToken, expiresAtMs, generation: this.#generation };
  }

  #fail(error: Error): never {
    throw error;
  }
}
