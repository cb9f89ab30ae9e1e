import { afterEach, describe, expect, it } from "vitest";
import type { P21Client } from "../../src/client/index.js";
import {
  AuthenticationError,
  P21HttpError,
  P21ProtocolError,
  TokenExpiredError,
} from "../../src/client/index.js";
import { MockP21 } from "./mock-p21.js";

let mock: MockP21;
let client: P21Client | undefined;

afterEach(async () => {
  await client?.close();
  await mock.close();
});

function setup(): MockP21 {
  mock = new MockP21();

  return mock;
}

describe("authentication", () => {
  it("sends the password grant as a lowercase JSON body to token v2", async () => {
    client = setup().client();
    await client.authenticate();

    const [request] = mock.requestsTo("POST", "/api/security/token/v2");
    expect(request?.body).toEqual({ username: "api_user", password: "api_password" });
    expect(request?.headers["content-type"]).toBe("application/json");
  });

  it("sends a consumer key as client credentials with the username", async () => {
    client = setup().client({ consumerKey: "8c5e-key-guid", username: "api_user" });
    mock.on("POST", "/api/security/token/v2", {
      body: { AccessToken: "ck-token", ExpiresIn: 630_720_000, TokenType: "Bearer", Scope: "/api" },
    });
    await client.authenticate();

    expect(mock.requestsTo("POST", "/token/v2")[0]?.body).toEqual({
      ClientSecret: "8c5e-key-guid",
      GrantType: "client_credentials",
      username: "api_user",
    });
  });

  it("sends the legacy v1 form with the credentials in headers and no body", async () => {
    client = setup().client({ tokenEndpoint: "v1" });
    await client.authenticate();

    const [request] = mock.requestsTo("POST", "/api/security/token");
    expect(request?.headers.username).toBe("api_user");
    expect(request?.headers.password).toBe("api_password");
    expect(request?.rawBody).toBeUndefined();
  });

  it("reads an XML token answer with ExpiresIn", async () => {
    let now = 1_000_000;
    client = setup().client({}, () => now);
    mock.on("POST", "/api/security/token/v2", {
      contentType: "application/xml",
      text: "<TokenResponse><AccessToken>xml-token</AccessToken><TokenType>Bearer</TokenType><ExpiresIn>600</ExpiresIn><RefreshToken/></TokenResponse>",
    });
    await client.uiServerUrl();

    expect(mock.requestsTo("GET", "/api/ui/router/v1/")[0]?.headers.authorization).toBe(
      "Bearer xml-token",
    );

    // 600 s lifetime: renewed once within 5 minutes of expiry, not before.
    now += 200_000;
    await client.authenticate();
    expect(mock.requestsTo("POST", "/token/v2")).toHaveLength(1);
    now += 150_000;
    await client.authenticate();
    expect(mock.requestsTo("POST", "/token/v2")).toHaveLength(2);
  });

  it("reads ExpiresInSeconds and renews within 5 minutes of expiry", async () => {
    let now = 0;
    client = setup().client({}, () => now);
    mock.on("POST", "/api/security/token/v2", {
      body: { AccessToken: "t", ExpiresInSeconds: 3600 },
    });
    await client.authenticate();
    now = (3600 - 301) * 1000;
    await client.authenticate();
    expect(mock.requestsTo("POST", "/token/v2")).toHaveLength(1);
    now = (3600 - 299) * 1000;
    await client.authenticate();
    expect(mock.requestsTo("POST", "/token/v2")).toHaveLength(2);
  });

  it("shares one authentication among concurrent callers", async () => {
    client = setup().client();
    await Promise.all([
      client.authenticate(),
      client.authenticate(),
      client.uiServerUrl(),
      client.authenticate(),
    ]);

    expect(mock.requestsTo("POST", "/token/v2")).toHaveLength(1);
  });

  it("authenticates again once after a 401 and re-sends the request", async () => {
    client = setup().client();
    let issued = 0;
    mock.on("POST", "/api/security/token/v2", () => ({
      body: { AccessToken: `token-${(issued += 1)}`, ExpiresInSeconds: 86_400 },
    }));
    mock.on("GET", "/api/ui/router/v1/", (request) =>
      request.headers.authorization === "Bearer token-1"
        ? { status: 401, body: { ErrorMessage: "Authorization has been denied for this request." } }
        : { body: { Url: "http://p21.test/uiserver0/" } },
    );

    expect(await client.uiServerUrl()).toBe("http://p21.test/uiserver0");
    expect(mock.requestsTo("POST", "/token/v2")).toHaveLength(2);
    expect(mock.requestsTo("GET", "/router/v1/")).toHaveLength(2);
  });

  it("gives up with TokenExpiredError when the fresh token is refused too", async () => {
    client = setup().client();
    mock.on("GET", "/api/ui/router/v1/", { status: 401, body: {} });

    await expect(client.uiServerUrl()).rejects.toBeInstanceOf(TokenExpiredError);
    expect(mock.requestsTo("POST", "/token/v2")).toHaveLength(2);
  });

  it("reports refused credentials as AuthenticationError (permanent)", async () => {
    client = setup().client();
    mock.on("POST", "/api/security/token/v2", {
      status: 401,
      body: {
        error: "invalid_grant",
        error_description: "The user name or password is incorrect.",
      },
    });

    const error = await client.authenticate().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      code: "P21_AUTH_FAILED",
      retry: "permanent",
      status: 401,
      serverMessage: "The user name or password is incorrect.",
    });
  });

  it("reports an unregistered consumer key (a 500 TokenException) as AuthenticationError without the key", async () => {
    client = setup().client({ consumerKey: "0f0e-unregistered-key", username: "api_user" });
    mock.on("POST", "/api/security/token/v2", {
      status: 500,
      body: {
        ErrorMessage: "Unable to generate client token.",
        ErrorType: "P21.Business.Common.TokenException",
        InnerException:
          'NotFoundException: No resources found for query string "Consumer Key: 0f0e-unregistered-key"',
      },
    });

    const error = await client.authenticate().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(JSON.stringify(error)).not.toContain("0f0e-unregistered-key");
  });

  it("takes the expiry from the token's own exp claim when the answer gives no lifetime", async () => {
    let now = 0;
    client = setup().client({}, () => now);
    const claims = Buffer.from(JSON.stringify({ sub: "api_user", exp: 7_200 })).toString(
      "base64url",
    );
    mock.on("POST", "/api/security/token/v2", { body: { AccessToken: `h.${claims}.s` } });

    await client.authenticate();
    now = (7_200 - 301) * 1_000;
    await client.authenticate();
    expect(mock.requestsTo("POST", "/token/v2")).toHaveLength(1);
    now = (7_200 - 299) * 1_000;
    await client.authenticate();
    expect(mock.requestsTo("POST", "/token/v2")).toHaveLength(2);
  });

  it("keeps an opaque token without a lifetime until the server refuses it", async () => {
    let now = 0;
    client = setup().client({}, () => now);
    mock.on("POST", "/api/security/token/v2", { body: { AccessToken: "opaque.%%%.token" } });

    await client.authenticate();
    now = 365 * 86_400_000;
    await client.authenticate();
    expect(mock.requestsTo("POST", "/token/v2")).toHaveLength(1);
  });

  it("reports a server error of the token endpoint as an HTTP error, not refused credentials", async () => {
    client = setup().client();
    mock.on("POST", "/api/security/token/v2", { status: 503, text: "" });

    const error = await client.authenticate().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(P21HttpError);
    expect(error).not.toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 503, retry: "transient" });
  });

  it("refuses an answer that carries no access token", async () => {
    client = setup().client();
    mock.on("POST", "/api/security/token/v2", { body: { TokenType: "Bearer" } });

    const error = await client.authenticate().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(P21ProtocolError);
    expect((error as Error).message).toMatch(/the answer carries no AccessToken/);
  });
});

describe("UI-server discovery", () => {
  it("calls the router with the trailing slash and strips the slash of the answer", async () => {
    client = setup().client();
    mock.on("GET", "/api/ui/router/v1/", { body: { Url: "http://p21.test/uiserver0/" } });

    expect(await client.uiServerUrl()).toBe("http://p21.test/uiserver0");
    expect(mock.requestsTo("GET", "/router/v1/")[0]?.path).toBe(
      "/api/ui/router/v1/?urlType=external",
    );
  });

  it("reads an XML router answer and caches it", async () => {
    client = setup().client();
    mock.on("GET", "/api/ui/router/v1/", {
      contentType: "application/xml",
      text: "<RouterResponse><Url>http://p21.test/uiserver7</Url></RouterResponse>",
    });

    expect(await client.uiServerUrl()).toBe("http://p21.test/uiserver7");
    expect(await client.uiServerUrl()).toBe("http://p21.test/uiserver7");
    expect(mock.requestsTo("GET", "/router/v1/")).toHaveLength(1);
  });

  it("finds <Url> anywhere in an XML router answer, as the token's fields are found", async () => {
    client = setup().client();
    mock.on("GET", "/api/ui/router/v1/", {
      contentType: "application/xml; charset=utf-8",
      text:
        '<RouterResponse xmlns="http://schemas.datacontract.org/2004/07/P21"><Result>' +
        "<Url>http://p21.test/uiserver2/</Url></Result></RouterResponse>",
    });

    expect(await client.uiServerUrl()).toBe("http://p21.test/uiserver2");
  });

  it("skips the router when the UI-server URL is given", async () => {
    client = setup().client({ uiServerUrl: "http://p21.test/uiserver3/" });

    expect(await client.uiServerUrl()).toBe("http://p21.test/uiserver3");
    expect(mock.requestsTo("GET", "/router/v1/")).toHaveLength(0);
  });

  it("reads the version from serverinfo", async () => {
    client = setup().client();
    mock.on("GET", "/uiserver0/ui/common/v1/serverinfo", {
      body: {
        Result: { "Version/Application Version": "26.1.5950.0", "Monitoring/isproduction": null },
      },
    });

    const info = await client.serverInfo();
    expect(info.version).toBe("26.1.5950.0");
    expect(info.raw).toHaveProperty("Monitoring/isproduction", null);
  });
});
