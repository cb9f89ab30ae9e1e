import type { FastifyInstance } from "fastify";
import type { TokenRecord } from "../auth/tokens.js";
import { CONSUMER_KEY_LIFETIME_SECONDS } from "../auth/tokens.js";
import { errorEnvelope, refuse, WireError, type Answer } from "../http/answer.js";
import { addRoute } from "../http/route.js";
import { prefersXml, toDataContractXml, XmlContracts } from "../http/xml.js";
import type { Runtime } from "../runtime.js";

const BAD_PASSWORD = {
  error: "invalid_grant",
  error_description: "The user name or password is incorrect.",
};

/** XML when the caller asks for it, or always behind XML middleware. */
export function answersXml(runtime: Runtime, accept: string | string[] | undefined): boolean {
  return runtime.options.xmlMiddleware || prefersXml(accept);
}

/** Reads a key case-insensitively (the documented spelling is lowercase). */
function field(body: Record<string, unknown>, name: string): unknown {
  const wanted = name.toLowerCase();
  const key = Object.keys(body).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : body[key];
}

function passwordAnswer(runtime: Runtime, token: TokenRecord, asXml: boolean): Answer {
  const expiresInSeconds = Math.round((token.expiresAtMs - runtime.clock()) / 1000);
  if (asXml) return tokenXml(token, expiresInSeconds, "");
  return {
    statusCode: 200,
    body: {
      AccessToken: token.accessToken,
      RefreshToken: token.middlewareSessionId.replaceAll("-", ""),
      ExpiresInSeconds: expiresInSeconds,
      TokenType: "Bearer",
    },
  };
}

/** The XML form uses `ExpiresIn`. */
function tokenXml(token: TokenRecord, expiresInSeconds: number, refreshToken: string): Answer {
  const body = toDataContractXml(
    "TokenResponse",
    {
      AccessToken: token.accessToken,
      TokenType: "Bearer",
      ExpiresIn: expiresInSeconds,
      RefreshToken: refreshToken,
    },
    XmlContracts.security,
  );
  return { statusCode: 200, body, rawContentType: "application/xml; charset=utf-8" };
}

function issueForPassword(runtime: Runtime, username: unknown, password: unknown): TokenRecord {
  if (typeof username !== "string" || typeof password !== "string") {
    throw new WireError(401, BAD_PASSWORD);
  }

  const user = runtime.tokens.userWithPassword(username, password);
  if (user === undefined) throw new WireError(401, BAD_PASSWORD);
  return runtime.tokens.issue(user.username, "password");
}

/**
 * `POST /api/security/token/v2` (JSON body: password grant, or consumer key with
 * `GrantType: client_credentials` and an optional `username`) and the legacy
 * `POST /api/security/token` (credentials in `username` / `password` headers, body ignored).
 */
export function registerAuthRoutes(app: FastifyInstance, runtime: Runtime): void {
  addRoute(app, runtime, {
    method: "POST",
    url: "/api/security/token/v2",
    interactive: false,
    authenticated: false,
    run: async (call) => {
      await runtime.latency.pay("authenticate", runtime.closing);
      const body = call.body;
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw refuse(
          400,
          "The request body must be a JSON object with username and password, or ClientSecret and GrantType.",
        );
      }

      const fields = body as Record<string, unknown>;
      const asXml = answersXml(runtime, call.request.headers.accept);
      const clientSecret = field(fields, "ClientSecret");
      if (clientSecret === undefined) {
        const token = issueForPassword(
          runtime,
          field(fields, "username"),
          field(fields, "password"),
        );
        return passwordAnswer(runtime, token, asXml);
      }

      const grantType = field(fields, "GrantType");
      if (typeof clientSecret !== "string" || grantType !== "client_credentials") {
        throw new WireError(400, {
          error: "unsupported_grant_type",
          error_description: 'A consumer key needs "GrantType": "client_credentials".',
        });
      }

      const user = runtime.tokens.userWithConsumerKey(clientSecret);
      if (user === undefined) {
        throw new WireError(500, {
          ...errorEnvelope(
            "Unable to generate client token.",
            "P21.Business.Common.TokenException",
          ),
          InnerException: `P21.Business.Common.NotFoundException: No resources found for query string "Consumer Key: ${clientSecret}"`,
        });
      }

      const username = field(fields, "username");
      const actingAs = typeof username === "string" ? username : "";
      const consumerUid = String(runtime.options.users.indexOf(user) + 1);
      const token = runtime.tokens.issue(actingAs, "consumer-key", consumerUid, user.scope);
      if (asXml) return tokenXml(token, CONSUMER_KEY_LIFETIME_SECONDS, "");
      return {
        statusCode: 200,
        body: {
          AccessToken: token.accessToken,
          TokenType: "Bearer",
          UserName: actingAs,
          ExpiresIn: CONSUMER_KEY_LIFETIME_SECONDS,
          RefreshToken: "",
          Scope: token.scope,
          SessionId: token.middlewareSessionId,
          ConsumerUid: consumerUid,
          AppKey: null,
        },
      };
    },
  });

  addRoute(app, runtime, {
    method: "POST",
    url: "/api/security/token",
    interactive: false,
    authenticated: false,
    run: async (call) => {
      await runtime.latency.pay("authenticate", runtime.closing);
      const headers = call.request.headers;
      const token = issueForPassword(runtime, headers.username, headers.password);
      return passwordAnswer(runtime, token, answersXml(runtime, headers.accept));
    },
  });
}
