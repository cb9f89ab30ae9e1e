import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { SimulatorUser } from "../types.js";

/** How a token was obtained. */
export type TokenGrant = "password" | "consumer-key" | "headers";

export interface TokenRecord {
  readonly accessToken: string;
  /** The P21 user the token acts as; `""` for a consumer key sent without `username`. */
  readonly username: string;
  readonly grant: TokenGrant;
  readonly middlewareSessionId: string;
  readonly consumerUid: string;
  readonly expiresAtMs: number;
  /** The JWT `aud`: what the token may call. */
  readonly scope: string;
}

/** Consumer-key tokens "never expire": `ExpiresIn` 630,720,000 s and JWT `exp` 2147483647. */
export const CONSUMER_KEY_LIFETIME_SECONDS = 630_720_000;
const CONSUMER_KEY_JWT_EXP = 2_147_483_647;
const SCOPE = "/api;/p21sdk";

export interface TokenStoreOptions {
  users: readonly SimulatorUser[];
  tokenLifetimeSeconds: number;
  policy: "independent" | "latest-only";
  clock: () => number;
}

/**
 * Issues and checks bearer tokens. Tokens look like JWTs (`sub`, `P21.ConsumerUid`,
 * `P21.SessionId`, `iss` = `P21.Soa`, `aud`, `exp`) signed with a per-process secret.
 */
export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly secret = randomBytes(32);
  private readonly options: TokenStoreOptions;
  /** Listeners told when a token stops being valid before its time (policy, faults). */
  private readonly invalidationListeners: ((record: TokenRecord) => void)[] = [];

  constructor(options: TokenStoreOptions) {
    this.options = options;
  }

  onInvalidated(listener: (record: TokenRecord) => void): void {
    this.invalidationListeners.push(listener);
  }

  /** The configured user with these credentials, if any. */
  userWithPassword(username: string, password: string): SimulatorUser | undefined {
    return this.options.users.find(
      (user) =>
        user.username.toLowerCase() === username.toLowerCase() && user.password === password,
    );
  }

  userWithConsumerKey(consumerKey: string): SimulatorUser | undefined {
    const wanted = consumerKey.toLowerCase();
    return this.options.users.find((user) => user.consumerKey?.toLowerCase() === wanted);
  }

  /** Whether a name is a configured P21 user (needed to open an Interactive session). */
  isKnownUser(username: string): boolean {
    const wanted = username.toLowerCase();
    return this.options.users.some((user) => user.username.toLowerCase() === wanted);
  }

  issue(username: string, grant: TokenGrant, consumerUid = "", scope = SCOPE): TokenRecord {
    this.pruneExpired();
    if (this.options.policy === "latest-only" && username !== "") {
      for (const record of [...this.tokens.values()]) {
        if (record.username.toLowerCase() === username.toLowerCase()) this.invalidate(record);
      }
    }

    const nowMs = this.options.clock();
    const lifetimeSeconds =
      grant === "consumer-key" ? CONSUMER_KEY_LIFETIME_SECONDS : this.options.tokenLifetimeSeconds;
    const middlewareSessionId = randomUUID();
    const expiresAtMs = nowMs + lifetimeSeconds * 1000;
    const claims = {
      sub: username,
      "P21.ConsumerUid": consumerUid,
      "P21.SessionId": middlewareSessionId,
      iss: "P21.Soa",
      aud: scope,
      exp: grant === "consumer-key" ? CONSUMER_KEY_JWT_EXP : Math.floor(expiresAtMs / 1000),
      jti: randomUUID(),
    };
    const record: TokenRecord = {
      accessToken: this.sign(claims),
      username,
      grant,
      middlewareSessionId,
      consumerUid,
      expiresAtMs,
      scope,
    };
    this.tokens.set(record.accessToken, record);
    return record;
  }

  /** The valid token named by an `Authorization` header value, or `undefined`. */
  find(accessToken: string): TokenRecord | undefined {
    const record = this.tokens.get(accessToken);
    if (record === undefined) return undefined;
    if (record.expiresAtMs <= this.options.clock()) {
      this.tokens.delete(accessToken);
      return undefined;
    }

    return record;
  }

  invalidate(record: TokenRecord): void {
    if (!this.tokens.delete(record.accessToken)) return;
    for (const listener of this.invalidationListeners) listener(record);
  }

  private sign(claims: Record<string, unknown>): string {
    const header = encode({ alg: "HS256", typ: "JWT" });
    const payload = encode(claims);
    const signature = createHmac("sha256", this.secret)
      .update(`${header}.${payload}`)
      .digest("base64url");
    return `${header}.${payload}.${signature}`;
  }

  private pruneExpired(): void {
    const nowMs = this.options.clock();
    for (const [accessToken, record] of this.tokens) {
      if (record.expiresAtMs <= nowMs) this.tokens.delete(accessToken);
    }
  }
}

/**
 * Whether a token's scope lets it read an OData table: an `/odata:a,b` entry is an allow-list;
 * a scope without one is not limited (inferred: the fact sheet shows only the allow-list form).
 */
export function allowsODataTable(token: TokenRecord, table: string): boolean {
  const lists = token.scope
    .split(";")
    .filter((entry) => entry.trim().toLowerCase().startsWith("/odata:"))
    .map((entry) => entry.trim().slice("/odata:".length).split(","));
  if (lists.length === 0) return true;

  const wanted = table.toLowerCase();
  return lists.some((names) => names.some((name) => name.trim().toLowerCase() === wanted));
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** The bearer token of an `Authorization` header: scheme `Bearer` (capital B) and a space. */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined || !authorization.startsWith("Bearer ")) return undefined;
  const token = authorization.slice("Bearer ".length).trim();
  return token === "" ? undefined : token;
}
