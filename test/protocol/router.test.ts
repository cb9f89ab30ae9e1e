// The router (the UI server's address) and middleware that answers it and the token in XML.
import { describe, expect, it } from "vitest";

import { call, createSession, DEFAULT_USER, interactive, passwordToken } from "./http.js";
import { simulatorForBlock } from "./simulator.js";

const CONSUMER_KEY = "3f2a7c1e-8b4d-4e6f-9a0b-1c2d3e4f5a6b";

const simulator = simulatorForBlock({
  users: [{ ...DEFAULT_USER, consumerKey: CONSUMER_KEY }],
});

describe("router", () => {
  it("answers the UI-server root on the slash form", async () => {
    const token = await passwordToken(simulator().url);
    const answer = await call("GET", `${simulator().url}/api/ui/router/v1/?urlType=external`, {
      token,
    });

    expect(answer.status).toBe(200);
    const url = answer.json<{ Url: string }>().Url.replace(/\/$/, "");
    expect(url).toBe(simulator().uiServerUrl.replace(/\/$/, ""));
  });

  it("quirk 4: the slashless form answers 307 to the slash form", async () => {
    const token = await passwordToken(simulator().url);
    const answer = await call("GET", `${simulator().url}/api/ui/router/v1?urlType=external`, {
      token,
    });

    expect(answer.status).toBe(307);
    const location = String(answer.headers["location"]);
    expect(location).toContain("/api/ui/router/v1/");
    expect(location).toContain("urlType=external");
  });

  it("quirk 4: the redirect target without Authorization answers the documented 401", async () => {
    const answer = await call("GET", `${simulator().url}/api/ui/router/v1/?urlType=external`);

    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({
      Description: "Authorization header was not present or 'Bearer' was missing.",
      Error: "invalid_request",
      Uri: "",
    });
  });
});

describe("XML middleware", () => {
  const behindXml = simulatorForBlock({
    xmlMiddleware: true,
    users: [{ ...DEFAULT_USER, consumerKey: CONSUMER_KEY }],
  });

  it("quirk 2: the token endpoint answers XML to a client that asks for JSON", async () => {
    const password = await call("POST", `${behindXml().url}/api/security/token/v2`, {
      json: { username: "api_user", password: "api_password" },
    });
    const consumer = await call("POST", `${behindXml().url}/api/security/token/v2`, {
      json: { ClientSecret: CONSUMER_KEY, GrantType: "client_credentials", username: "api_user" },
    });

    for (const answer of [password, consumer]) {
      expect(answer.status).toBe(200);
      expect(answer.contentType()).toContain("application/xml");
      expect(answer.text).toMatch(/^<TokenResponse[^>]*>.*<AccessToken>[^<]+<\/AccessToken>/);
      expect(answer.text).toMatch(/<ExpiresIn>\d+<\/ExpiresIn>/);
    }
  });

  it("quirk 2: the router answers XML carrying <Url> to a client that asks for JSON", async () => {
    const tokenAnswer = await call("POST", `${behindXml().url}/api/security/token/v2`, {
      json: { username: "api_user", password: "api_password" },
    });
    const token = /<AccessToken>([^<]+)<\/AccessToken>/.exec(tokenAnswer.text)?.[1] ?? "";

    const answer = await call("GET", `${behindXml().url}/api/ui/router/v1/?urlType=external`, {
      token,
    });

    expect(answer.status).toBe(200);
    expect(answer.contentType()).toContain("application/xml");
    expect(answer.text).toContain(`<Url>${behindXml().uiServerUrl}</Url>`);
  });

  it("leaves the Interactive API in JSON", async () => {
    const tokenAnswer = await call("POST", `${behindXml().url}/api/security/token/v2`, {
      json: { username: "api_user", password: "api_password" },
    });
    const token = /<AccessToken>([^<]+)<\/AccessToken>/.exec(tokenAnswer.text)?.[1] ?? "";
    const who = { baseUrl: behindXml().url, uiUrl: behindXml().uiServerUrl, token };

    expect(await createSession(who)).not.toBe("");
    expect((await interactive(who, "DELETE", "/sessions")).status).toBe(200);
  });
});
