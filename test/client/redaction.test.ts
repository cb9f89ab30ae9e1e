import { afterEach, describe, expect, it } from "vitest";
import type { Logger, P21Client } from "../../src/client/index.js";
import { P21Error } from "../../src/client/index.js";
import { MockP21 } from "./mock-p21.js";

const password = "pa55-Word-secret";
const consumerKey = "3f2b7c1e-consumer-key-guid";
const accessToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhcGlfdXNlciJ9.tokensignature123";

let mock: MockP21;
let client: P21Client | undefined;

afterEach(async () => {
  await client?.close();
  await mock?.close();
});

function recordingLogger(lines: string[]): Logger {
  const record =
    (level: string) =>
    (fields: unknown, message?: string): void => {
      lines.push(`${level} ${JSON.stringify(fields)} ${message ?? ""}`);
    };

  return {
    trace: record("trace"),
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
}

function expectNoSecret(text: string): void {
  for (const secret of [password, consumerKey, accessToken, "tokensignature123"]) {
    expect(text).not.toContain(secret);
  }
}

function expectErrorRedacted(error: unknown): void {
  expect(error).toBeInstanceOf(P21Error);
  const p21Error = error as P21Error;
  expectNoSecret(p21Error.message);
  expectNoSecret(p21Error.serverMessage ?? "");
  expectNoSecret(JSON.stringify(p21Error));
  expectNoSecret(JSON.stringify(p21Error.toJSON()));
  expectNoSecret(String(p21Error.stack));
}

describe("secrets never leak", () => {
  it("keeps the password and the token out of errors and out of trace-level logs", async () => {
    const lines: string[] = [];
    mock = new MockP21();
    client = mock.client({ password, logger: recordingLogger(lines) });
    mock.on("POST", "/api/security/token/v2", {
      body: {
        AccessToken: accessToken,
        RefreshToken: "refresh-secret-1",
        ExpiresInSeconds: 86_400,
      },
    });
    mock.interactive("PUT", "/v2/change", {
      status: 400,
      body: {
        ErrorMessage: `Bad request with ${accessToken} for password ${password}`,
        ErrorType: null,
      },
    });
    mock.interactive("PUT", "/v2/data", {
      status: 500,
      text: `Authorization: Bearer ${accessToken}`,
    });
    const session = await client.startSession();
    const window = await session.openWindow("SalesPricePage");

    const refused = await window.change("FORM", "form", "a", "1").catch((error: unknown) => error);
    expectErrorRedacted(refused);
    expect((refused as P21Error).serverMessage).toBe(
      "Bad request with [REDACTED] for password [REDACTED]",
    );
    expectErrorRedacted(await window.save().catch((error: unknown) => error));
    await session.close();

    expect(lines.some((line) => line.startsWith("trace"))).toBe(true);
    for (const line of lines) {
      expectNoSecret(line);
      expect(line).not.toContain("refresh-secret-1");
    }
  });

  it("keeps a refused password out of the authentication error", async () => {
    const lines: string[] = [];
    mock = new MockP21();
    client = mock.client({ password, logger: recordingLogger(lines) });
    mock.on("POST", "/api/security/token/v2", {
      status: 401,
      body: { error: "invalid_grant", error_description: `password ${password} is incorrect` },
    });

    expectErrorRedacted(await client.authenticate().catch((error: unknown) => error));
    for (const line of lines) expectNoSecret(line);
  });

  it("keeps a consumer key echoed by the server out of errors and logs", async () => {
    const lines: string[] = [];
    mock = new MockP21();
    client = mock.client({ consumerKey, username: "api_user", logger: recordingLogger(lines) });
    mock.on("POST", "/api/security/token/v2", {
      status: 500,
      body: {
        ErrorMessage: `Unable to generate client token. Consumer Key: ${consumerKey}`,
        ErrorType: "P21.Business.Common.TokenException",
      },
    });

    const error = await client.authenticate().catch((caught: unknown) => caught);
    expectErrorRedacted(error);
    expect((error as P21Error).serverMessage).toContain("Consumer Key: [REDACTED]");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expectNoSecret(line);
  });
});
