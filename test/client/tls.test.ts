import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { P21Client, P21NetworkError } from "../../src/client/index.js";
import type { P21ClientOptions } from "../../src/client/index.js";
import { startSimulator } from "../../src/simulator/index.js";

type Simulator = Awaited<ReturnType<typeof startSimulator>>;

let simulator: Simulator;
let certificate: string;
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "p21kit-tls-"));
  const keyPath = join(directory, "key.pem");
  const certificatePath = join(directory, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      keyPath,
      "-out",
      certificatePath,
    ],
    { stdio: "ignore" },
  );
  certificate = await readFile(certificatePath, "utf8");
  simulator = await startSimulator({
    tls: { cert: certificate, key: await readFile(keyPath, "utf8") },
  });
});

afterAll(async () => {
  await simulator?.close();
  await rm(directory, { recursive: true, force: true });
});

async function versionWith(tls: P21ClientOptions["tls"]): Promise<string | undefined | Error> {
  const client = new P21Client({
    baseUrl: simulator.url,
    username: "api_user",
    password: "api_password",
    ...(tls === undefined ? {} : { tls }),
  });
  try {
    return (await client.serverInfo()).version;
  } catch (error) {
    return error as Error;
  } finally {
    await client.close();
  }
}

describe("TLS", () => {
  it("verifies certificates by default and refuses a self-signed one", async () => {
    expect(simulator.url.startsWith("https://")).toBe(true);
    expect(await versionWith(undefined)).toBeInstanceOf(P21NetworkError);
  });

  it("trusts a custom certificate authority", async () => {
    expect(await versionWith({ ca: certificate })).toBe("26.1.5950.0");
  });

  it("connects to a test tenant with verification explicitly turned off", async () => {
    expect(await versionWith({ rejectUnauthorized: false })).toBe("26.1.5950.0");
  });
});
