import { describe, expect, it } from "vitest";
import { InvalidOptionsError, P21Client } from "../../src/client/index.js";
import { resolveClientOptions } from "../../src/client/options.js";

const base = { baseUrl: "https://p21.example.com/", username: "u", password: "p" };

describe("client options", () => {
  it("resolves the documented defaults once", () => {
    const resolved = resolveClientOptions(base);

    expect(resolved.baseUrl).toBe("https://p21.example.com");
    expect(resolved.tokenEndpoint).toBe("v2");
    expect(resolved.timeouts).toEqual({ defaultMs: 60_000, saveMs: 120_000, authMs: 60_000 });
    expect(resolved.tls.rejectUnauthorized).toBe(true);
    expect(resolved.session).toEqual({
      type: "Auto",
      timeoutSeconds: 300,
      responseWindowHandling: true,
      clientPlatformApp: "p21kit",
      workstationId: undefined,
    });
  });

  it("rejects unknown and renamed keys with a hint", () => {
    expect(() => new P21Client({ ...base, url: "x" } as never)).toThrow(
      /unknown option url: did you mean baseUrl/,
    );
    expect(() => new P21Client({ ...base, timeouts: { save: 1 } } as never)).toThrow(
      InvalidOptionsError,
    );
    expect(() => new P21Client({ ...base, session: { sessionTimeout: 5 } } as never)).toThrow(
      /did you mean timeoutSeconds/,
    );
  });

  it("requires credentials that fit the token endpoint", () => {
    expect(() => new P21Client({ baseUrl: "https://h" })).toThrow(/needs credentials/);
    expect(() => new P21Client({ baseUrl: "https://h", password: "p" })).toThrow(
      /a password needs a username/,
    );
    expect(
      () => new P21Client({ baseUrl: "https://h", consumerKey: "k", tokenEndpoint: "v1" }),
    ).toThrow(/v1/);
    expect(() => new P21Client({ ...base, baseUrl: "ftp://h" })).toThrow(/http or https/);
    // A URL of another scheme is named by its scheme alone: it may carry user:password@.
    expect(() => new P21Client({ ...base, baseUrl: "ftp://u:s3cret@h" })).toThrow(
      "option baseUrl must be an http or https URL, not ftp:",
    );
    // A password with a character a URL cannot hold there: the value is not echoed whole.
    expect(() => new P21Client({ ...base, baseUrl: "http://u:pa/ss@h" })).toThrow(
      "option baseUrl is not a URL: http://(user and password left out)@h",
    );
    expect(() => new P21Client({ ...base, timeouts: { saveMs: -1 } })).toThrow(/positive/);
  });

  it("never puts the password into an options error", () => {
    expect.assertions(2);
    try {
      new P21Client({ ...base, password: "s3cret-pass", bogus: 1 } as never);
    } catch (error) {
      expect(String(error)).not.toContain("s3cret-pass");
      expect(JSON.stringify(error)).not.toContain("s3cret-pass");
    }
  });
});
