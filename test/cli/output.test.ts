import { describe, expect, it } from "vitest";
import { CliOutput, colourWanted } from "../../src/cli/output/cli-output.js";
import { formatDuration, formatEta } from "../../src/cli/output/format.js";
import { createCliLogger } from "../../src/cli/output/logger.js";
import { bufferedIo } from "./buffered-io.js";

describe("output", () => {
  it("never prints a registered secret, in text, JSON or logs", () => {
    const { io, text } = bufferedIo();
    const output = new CliOutput(io);
    output.addSecret('s3cr"et-pass');
    const logger = createCliLogger(output, "trace");
    logger.debug({ body: { password: 's3cr"et-pass' } }, 'sending s3cr"et-pass');
    output.json({ echoed: 's3cr"et-pass' });
    output.line('plain s3cr"et-pass');
    expect(text.stdout + text.stderr).not.toContain("s3cr");
    expect(text.stdout + text.stderr).toContain("[redacted]");
  });

  it("keeps a JSON line's keys when the secret is also a key, redacting only its strings", () => {
    const { io, text } = bufferedIo();
    const output = new CliOutput(io);
    output.addSecret("type");
    output.json({ type: "problem", message: "unknown price type", count: 2 });
    expect(JSON.parse(text.stdout)).toEqual({
      type: "problem",
      message: "unknown price [redacted]",
      count: 2,
    });
  });

  it("never prints the credentials of a URL, in text, JSON or logs", () => {
    const { io, text } = bufferedIo();
    const output = new CliOutput(io);
    const logger = createCliLogger(output, "trace");
    logger.warn({ url: "https://api_user:pw1@p21.example.com" }, "against http://u:pw2@host:8021");
    output.json({ baseUrl: "https://api_user:pw3@p21.example.com/" });
    output.line("Checking https://api_user:pw4@p21.example.com (read-only)");
    output.errorLine("Run X (create) against http://api_user:pw5@127.0.0.1:8021");
    const all = text.stdout + text.stderr;
    for (const secret of ["pw1", "pw2", "pw3", "pw4", "pw5"]) expect(all).not.toContain(secret);
    expect(all).toContain("Checking https://p21.example.com (read-only)");
    expect(all).toContain("against http://127.0.0.1:8021");
  });

  it("honours NO_COLOR and uses colour only on a terminal", () => {
    expect(colourWanted({ env: {}, isTTY: true })).toBe(true);
    expect(colourWanted({ env: { NO_COLOR: "1" }, isTTY: true })).toBe(false);
    expect(colourWanted({ env: {}, isTTY: false })).toBe(false);
  });

  it("drops log lines below the chosen level", () => {
    const { io, text } = bufferedIo();
    const logger = createCliLogger(new CliOutput(io), "warn");
    logger.info("hidden");
    logger.warn("shown");
    expect(text.stderr).toContain("shown");
    expect(text.stderr).not.toContain("hidden");
  });

  it("gives a warning its message and its error's below debug, every field at debug", () => {
    const entry = [
      { sessionId: "s-1", attempts: 3, error: new Error("connect ECONNREFUSED") },
      "p21 session end failed",
    ] as const;
    const brief = bufferedIo();
    createCliLogger(new CliOutput(brief.io), "warn").warn(...entry);
    expect(brief.text.stderr).toBe("warn p21 session end failed: connect ECONNREFUSED\n");

    const full = bufferedIo();
    createCliLogger(new CliOutput(full.io), "debug").warn(...entry);
    expect(full.text.stderr).toContain('"sessionId":"s-1","attempts":3');
  });

  it("formats durations and ETAs", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(12_340)).toBe("12.3 s");
    expect(formatDuration(245_000)).toBe("4 min 05 s");
    expect(formatDuration(3_720_000)).toBe("1 h 02 min");
    expect(formatEta(10, 2)).toBe("5.0 s");
    expect(formatEta(10, undefined)).toBe("?");
  });
});
