// The client's Redactor on its own: the secrets it was given, in any string of a value.
import { describe, expect, it } from "vitest";
import { Redactor } from "../../src/client/redact.js";
import { CliOutput } from "../../src/cli/output/cli-output.js";
import { bufferedIo } from "../cli/buffered-io.js";

const password = "pa55-Word-secret";
const consumerKey = "3f2b7c1e-consumer-key-guid";
const accessToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhcGlfdXNlciJ9.tokensignature123";

describe("Redactor", () => {
  it("redacts the secrets it knows in every string of a value, and leaves the rest as it is", () => {
    const redactor = new Redactor();
    redactor.add(password);
    redactor.add(consumerKey);
    const value = {
      message: `login as api_user with ${password} failed`,
      attempts: 2,
      ok: false,
      missing: null,
      nested: [{ key: consumerKey }, [`twice: ${password} ${password}`], 7],
    };
    expect(redactor.redactValue(value)).toEqual({
      message: "login as api_user with [REDACTED] failed",
      attempts: 2,
      ok: false,
      missing: null,
      nested: [{ key: "[REDACTED]" }, ["twice: [REDACTED] [REDACTED]"], 7],
    });
    // The value given is not changed.
    expect(value.message).toContain(password);
  });

  it("ignores secrets too short to be told from ordinary text, and still scrubs by pattern", () => {
    const redactor = new Redactor();
    redactor.add("ab");
    redactor.add("");
    redactor.add(undefined);
    expect(redactor.redact("a tab and a crab")).toBe("a tab and a crab");
    expect(redactor.redact(`Authorization: Bearer ${accessToken}`)).toBe(
      "Authorization: Bearer [REDACTED]",
    );
  });

  it("redacts a secret a server echoes escaped inside a JSON string, or percent-encoded", () => {
    const secret = 'qu"ote+wörd<1>\\';
    const redactor = new Redactor();
    redactor.add(secret);
    const echoes = [
      JSON.stringify({ message: `bad password ${secret}` }),
      String.raw`{"Message":"bad password qu\u0022ote\u002Bw\u00F6rd\u003C1\u003E\u005C"}`,
      String.raw`{"Message":"bad password qu\u0022ote\u002bw\u00f6rd\u003c1\u003e\u005c"}`,
      `GET /odata?password=${encodeURIComponent(secret)}`,
    ];
    for (const echo of echoes) {
      expect(redactor.redact(echo)).toContain("[REDACTED]");
      expect(redactor.redact(echo)).not.toMatch(/qu|ote/);
    }
  });

  it("redacts a secret holding a backslash as System.Text.Json escapes it, beside \\uXXXX", () => {
    const secret = "back\\slash+é\n";
    const redactor = new Redactor();
    redactor.add(secret);
    const output = new CliOutput(bufferedIo().io);
    output.addSecret(secret);
    // JavaScriptEncoder.Default: `\\` and `\n` for a backslash and a new line, `\uXXXX` otherwise.
    const echo = String.raw`{"Message":"bad password back\\slash\u002B\u00E9\n"}`;

    for (const redacted of [redactor.redact(echo), output.redact(echo)]) {
      expect(redacted).toMatch(/\[REDACTED\]|\[redacted\]/);
      expect(redacted).not.toMatch(/back|slash/);
    }
  });

  it("redacts a secret as Newtonsoft's EscapeNonAscii writes it: \\\" beside \\uXXXX", () => {
    const secret = 'qu"oté\\😀';
    const redactor = new Redactor();
    redactor.add(secret);
    const output = new CliOutput(bufferedIo().io);
    output.addSecret(secret);
    const echoes = [
      String.raw`{"Message":"bad password qu\"ot\u00e9\\\ud83d\ude00"}`,
      String.raw`{"Message":"bad password qu\"ot\u00E9\\\uD83D\uDE00"}`,
    ];

    for (const echo of echoes) {
      for (const redacted of [redactor.redact(echo), output.redact(echo)]) {
        expect(redacted).toMatch(/\[REDACTED\]|\[redacted\]/);
        expect(redacted).not.toMatch(/qu|ot/);
      }
    }
  });
});
