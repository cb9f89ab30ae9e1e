import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "../../src/simulator/index.js";
import type { SimulatorHandle } from "../../src/simulator/index.js";
import { runChild, temporaryDirectory } from "./helpers.js";

const certificatePath = fileURLToPath(
  new URL("../simulator/fixtures/tls-cert.pem", import.meta.url),
);
const keyPath = fileURLToPath(new URL("../simulator/fixtures/tls-key.pem", import.meta.url));

describe("certificates on the command line (--ca, --insecure)", () => {
  let simulator: SimulatorHandle;
  let directory: { path: string; remove: () => Promise<void> };
  const credentials = ["-u", "api_user", "-p", "api_password"];

  beforeAll(async () => {
    directory = await temporaryDirectory();
    simulator = await startSimulator({
      data: "demo",
      tls: { cert: await readFile(certificatePath), key: await readFile(keyPath) },
    });
  });

  afterAll(async () => {
    await simulator.close();
    await directory.remove();
  });

  it("refuses a server whose certificate it cannot verify, with exit 3 and nothing sent past the token", async () => {
    simulator.resetStats();

    const outcome = await runChild(["doctor", "--base-url", simulator.url, ...credentials], {
      cwd: directory.path,
    });

    expect(simulator.url.startsWith("https://")).toBe(true);
    expect(outcome.exitCode).toBe(3);
    expect(simulator.stats().totalRequests).toBe(0);
  });

  it("trusts the server with --ca FILE, verification still on", async () => {
    const outcome = await runChild(
      ["doctor", "--base-url", simulator.url, ...credentials, "--ca", certificatePath],
      { cwd: directory.path },
    );

    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toMatch(/^ok\s+token/m);
  });

  it("refuses a --ca file that holds no PEM certificate before anything is sent (exit 2)", async () => {
    simulator.resetStats();
    const outcome = await runChild(
      ["doctor", "--base-url", simulator.url, ...credentials, "--ca", keyPath],
      { cwd: directory.path },
    );

    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("holds no PEM certificate");
    expect(simulator.stats().totalRequests).toBe(0);
  });

  it("tells an https:// URL on a server that answers plain HTTP, without OpenSSL's text", async () => {
    const plain = await startSimulator({ data: "demo" });
    try {
      const outcome = await runChild(
        ["doctor", "--base-url", plain.url.replace("http://", "https://"), ...credentials],
        { cwd: directory.path },
      );

      expect(outcome.exitCode).toBe(3);
      expect(outcome.stdout).toContain("ERR_SSL_WRONG_VERSION_NUMBER wrong version number");
      expect(outcome.stdout).toContain("the server does not answer HTTPS there");
      expect(outcome.stdout).not.toContain("ssl3_record.c");
    } finally {
      await plain.close();
    }
  });

  it("reaches a test server with --insecure", async () => {
    const outcome = await runChild(
      ["doctor", "--base-url", simulator.url, ...credentials, "--insecure"],
      { cwd: directory.path },
    );

    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toMatch(/^ok\s+odata/m);
  });
});
