import { describe, expect, it } from "vitest";

import type { ErrorEnvelope } from "./http.js";
import { call, createSession, DEFAULT_USER, interactive, passwordToken, sleep } from "./http.js";
import { simulatorForBlock, withSimulator } from "./simulator.js";

const CONSUMER_KEY = "3f2a7c1e-8b4d-4e6f-9a0b-1c2d3e4f5a6b";
const UNKNOWN_KEY = "00000000-1111-2222-3333-444444444444";

const simulator = simulatorForBlock({
  users: [{ ...DEFAULT_USER, consumerKey: CONSUMER_KEY }],
});

function tokenV2(body: unknown) {
  return call("POST", `${simulator().url}/api/security/token/v2`, { json: body });
}

function jwtPayload(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";

  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("token v2, password grant", () => {
  it("answers AccessToken, RefreshToken, ExpiresInSeconds 86400 and TokenType Bearer", async () => {
    const answer = await tokenV2(DEFAULT_USER);

    expect(answer.status).toBe(200);
    expect(answer.contentType()).toContain("application/json");
    const token = answer.json<Record<string, unknown>>();
    expect(typeof token["AccessToken"]).toBe("string");
    expect(token["AccessToken"]).not.toBe("");
    expect(token).toHaveProperty("RefreshToken");
    expect(token["ExpiresInSeconds"]).toBe(86400);
    expect(token["TokenType"]).toBe("Bearer");
  });

  it("quirk 3: the password grant names its expiry ExpiresInSeconds, not ExpiresIn", async () => {
    const token = (await tokenV2(DEFAULT_USER)).json<Record<string, unknown>>();

    expect(token).toHaveProperty("ExpiresInSeconds");
    expect(token).not.toHaveProperty("ExpiresIn");
  });

  it("issues a JWT whose issuer is P21.Soa", async () => {
    const token = (await tokenV2(DEFAULT_USER)).json<{ AccessToken: string }>().AccessToken;

    expect(token.split(".")).toHaveLength(3);
    expect(jwtPayload(token)["iss"]).toBe("P21.Soa");
  });

  it("answers the XML form (TokenResponse, its expiry as ExpiresIn) to a client that asks for XML", async () => {
    const answer = await call("POST", `${simulator().url}/api/security/token/v2`, {
      json: DEFAULT_USER,
      accept: "application/xml",
    });

    expect(answer.status).toBe(200);
    expect(answer.contentType()).toContain("application/xml");
    expect(answer.text).toMatch(/^<TokenResponse [^>]*>/);
    const element = (name: string) =>
      new RegExp(`<${name}>([^<]*)</${name}>`).exec(answer.text)?.[1];
    expect(element("AccessToken")?.split(".")).toHaveLength(3);
    expect(element("TokenType")).toBe("Bearer");
    expect(element("ExpiresIn")).toBe("86400");
    expect(answer.text).not.toContain("ExpiresInSeconds");
  });

  it("refuses a body that is not a JSON object with 400", async () => {
    for (const body of [["api_user", "api_password"], "api_user", null]) {
      const answer = await tokenV2(body);
      expect(answer.status).toBe(400);
    }
  });

  it("refuses a bad password with 401 invalid_grant", async () => {
    const answer = await tokenV2({ username: "api_user", password: "wrong" });

    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({
      error: "invalid_grant",
      error_description: "The user name or password is incorrect.",
    });
  });

  it("refuses an unknown user with 401", async () => {
    const answer = await tokenV2({ username: "nobody", password: "api_password" });

    expect(answer.status).toBe(401);
  });
});

describe("token v2, consumer key", () => {
  it("answers the consumer-key shape with ExpiresIn 630720000 and an empty UserName", async () => {
    const answer = await tokenV2({ ClientSecret: CONSUMER_KEY, GrantType: "client_credentials" });

    expect(answer.status).toBe(200);
    const token = answer.json<Record<string, unknown>>();
    expect(token["TokenType"]).toBe("Bearer");
    expect(token["UserName"]).toBe("");
    expect(token["ExpiresIn"]).toBe(630720000);
    expect(token["RefreshToken"]).toBe("");
    expect(token["Scope"]).toBe("/api;/p21sdk");
    expect(token["AppKey"]).toBeNull();
    expect(typeof token["SessionId"]).toBe("string");
    expect(typeof token["ConsumerUid"]).toBe("string");
    expect(token).not.toHaveProperty("ExpiresInSeconds");
  });

  it("carries the username when one is sent", async () => {
    const answer = await tokenV2({
      ClientSecret: CONSUMER_KEY,
      GrantType: "client_credentials",
      username: "api_user",
    });

    expect(answer.status).toBe(200);
    expect(answer.json<Record<string, unknown>>()["UserName"]).toBe("api_user");
  });

  it("ignores a Scope sent in the request", async () => {
    const answer = await tokenV2({
      ClientSecret: CONSUMER_KEY,
      GrantType: "client_credentials",
      username: "api_user",
      Scope: "/api;/p21sdk;/odata:everything",
    });

    expect(answer.json<Record<string, unknown>>()["Scope"]).toBe("/api;/p21sdk");
  });

  it("answers an unregistered key with 500 TokenException echoing the key", async () => {
    const answer = await tokenV2({ ClientSecret: UNKNOWN_KEY, GrantType: "client_credentials" });

    expect(answer.status).toBe(500);
    const error = answer.json<ErrorEnvelope & { InnerException: string }>();
    expect(error.ErrorMessage).toBe("Unable to generate client token.");
    expect(error.ErrorType).toBe("P21.Business.Common.TokenException");
    expect(error.InnerException).toContain(UNKNOWN_KEY);
  });

  it("quirk 6: a consumer-key token without username cannot create a session", async () => {
    const answer = await tokenV2({ ClientSecret: CONSUMER_KEY, GrantType: "client_credentials" });
    const token = answer.json<{ AccessToken: string }>().AccessToken;
    const who = { baseUrl: simulator().url, uiUrl: simulator().uiServerUrl, token };

    const created = await interactive(who, "POST", "/sessions", {
      json: { ResponseWindowHandlingEnabled: false },
    });

    expect(created.status).toBeGreaterThanOrEqual(400);
    expect(created.json<ErrorEnvelope>().ErrorMessage).toContain(
      "Error retrieving/validating user",
    );
  });

  it("quirk 6: the token endpoint takes any username, but a session needs a real user", async () => {
    const answer = await tokenV2({
      ClientSecret: CONSUMER_KEY,
      GrantType: "client_credentials",
      username: "no_such_p21_user",
    });
    expect(answer.status).toBe(200);
    const token = answer.json<{ AccessToken: string }>().AccessToken;
    const who = { baseUrl: simulator().url, uiUrl: simulator().uiServerUrl, token };

    const created = await interactive(who, "POST", "/sessions", { json: {} });

    expect(created.status).toBeGreaterThanOrEqual(400);
    expect(created.json<ErrorEnvelope>().ErrorMessage).toContain(
      "Error retrieving/validating user",
    );
  });

  it("quirk 6: a consumer-key token with username creates a session", async () => {
    const answer = await tokenV2({
      ClientSecret: CONSUMER_KEY,
      GrantType: "client_credentials",
      username: "api_user",
    });
    const token = answer.json<{ AccessToken: string }>().AccessToken;
    const who = { baseUrl: simulator().url, uiUrl: simulator().uiServerUrl, token };

    expect(await createSession(who)).not.toBe("");
    expect((await interactive(who, "DELETE", "/sessions")).status).toBe(200);
  });
});

describe("consumer-key scope", () => {
  const SCOPED_KEY = "5b1d9e2f-6a7c-4d8e-b0f1-2a3b4c5d6e7f";
  const scoped = simulatorForBlock({
    data: "demo",
    users: [
      {
        ...DEFAULT_USER,
        consumerKey: SCOPED_KEY,
        scope: "/api;/p21sdk;/odata:price_page,supplier",
      },
    ],
  });

  async function scopedToken(): Promise<string> {
    const answer = await call("POST", `${scoped().url}/api/security/token/v2`, {
      json: { ClientSecret: SCOPED_KEY, GrantType: "client_credentials", username: "api_user" },
    });

    return answer.json<{ AccessToken: string }>().AccessToken;
  }

  it("carries the key's configured scope, with its OData allow-list, in Scope and aud", async () => {
    const answer = await call("POST", `${scoped().url}/api/security/token/v2`, {
      json: { ClientSecret: SCOPED_KEY, GrantType: "client_credentials", username: "api_user" },
    });
    const token = answer.json<{ AccessToken: string; Scope: string }>();

    expect(token.Scope).toBe("/api;/p21sdk;/odata:price_page,supplier");
    expect(jwtPayload(token.AccessToken)["aud"]).toBe("/api;/p21sdk;/odata:price_page,supplier");
  });

  it("reads the tables of its allow-list and answers the documented 401 for any other", async () => {
    const token = await scopedToken();
    const table = (name: string) =>
      call("GET", `${scoped().url}/odataservice/odata/table/${name}?$top=1`, { token });

    const allowed = await table("price_page");
    const outside = await table("price_book");

    expect(allowed.status).toBe(200);
    expect(outside.status).toBe(401);
    expect(outside.json()).toBe(
      "You are not authorized to access API. Please contact administrator to get access.",
    );
  });

  it("leaves the Interactive API to /api, whatever the OData allow-list", async () => {
    const token = await scopedToken();
    const who = { baseUrl: scoped().url, uiUrl: scoped().uiServerUrl, token };

    expect(await createSession(who)).not.toBe("");
    expect((await interactive(who, "DELETE", "/sessions")).status).toBe(200);
  });
});

describe("token v1 (legacy headers)", () => {
  it("takes credentials in headers with an empty body sent as application/json", async () => {
    const answer = await call("POST", `${simulator().url}/api/security/token`, {
      headers: { username: "api_user", password: "api_password" },
      contentType: "application/json",
      rawBody: "",
    });

    expect(answer.status).toBe(200);
    const token = answer.json<Record<string, unknown>>();
    expect(typeof token["AccessToken"]).toBe("string");
    expect(token["TokenType"]).toBe("Bearer");
    expect(token["ExpiresInSeconds"]).toBe(86400);
  });

  it("refuses bad header credentials with 401", async () => {
    const answer = await call("POST", `${simulator().url}/api/security/token`, {
      headers: { username: "api_user", password: "nope" },
      contentType: "application/json",
      rawBody: "",
    });

    expect(answer.status).toBe(401);
  });

  it("issues a token the Interactive API accepts", async () => {
    const answer = await call("POST", `${simulator().url}/api/security/token`, {
      headers: { username: "api_user", password: "api_password" },
      contentType: "application/json",
      rawBody: "",
    });
    const token = answer.json<{ AccessToken: string }>().AccessToken;
    const who = { baseUrl: simulator().url, uiUrl: simulator().uiServerUrl, token };

    expect(await createSession(who)).not.toBe("");
    expect((await interactive(who, "DELETE", "/sessions")).status).toBe(200);
  });
});

describe("token lifetime and policy", () => {
  it("an expired token answers 401", async () => {
    await withSimulator({ tokenLifetimeSeconds: 1 }, async (server) => {
      const answer = await call("POST", `${server.url}/api/security/token/v2`, {
        json: DEFAULT_USER,
      });
      const token = answer.json<{ AccessToken: string; ExpiresInSeconds: number }>();
      expect(token.ExpiresInSeconds).toBe(1);
      const serverInfo = `${server.uiServerUrl}/ui/common/v1/serverinfo`;
      expect((await call("GET", serverInfo, { token: token.AccessToken })).status).toBe(200);

      await sleep(1500);

      expect((await call("GET", serverInfo, { token: token.AccessToken })).status).toBe(401);
    });
  });

  it("quirk 5: under latest-only a new token invalidates the user's older one", async () => {
    await withSimulator({ tokenPolicy: "latest-only" }, async (server) => {
      const older = await passwordToken(server.url);
      const newer = await passwordToken(server.url);
      const serverInfo = `${server.uiServerUrl}/ui/common/v1/serverinfo`;

      expect((await call("GET", serverInfo, { token: older })).status).toBe(401);
      expect((await call("GET", serverInfo, { token: newer })).status).toBe(200);
    });
  });

  it("quirk 5: by default tokens of one user are independent", async () => {
    const older = await passwordToken(simulator().url);
    await passwordToken(simulator().url);
    const serverInfo = `${simulator().uiServerUrl}/ui/common/v1/serverinfo`;

    expect((await call("GET", serverInfo, { token: older })).status).toBe(200);
  });

  it("a missing or unknown bearer token answers 401 on the Interactive API", async () => {
    const who = { baseUrl: simulator().url, uiUrl: simulator().uiServerUrl, token: "not-a-token" };
    const unknown = await interactive(who, "POST", "/sessions", { json: {} });
    const missing = await call("POST", `${simulator().uiServerUrl}/api/ui/interactive/sessions`, {
      json: {},
    });

    expect(unknown.status).toBe(401);
    expect(missing.status).toBe(401);
  });
});
