import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";

// A self-signed certificate for 127.0.0.1, valid for a century, kept as a test fixture.
const FIXTURES = join(import.meta.dirname, "fixtures");

describe("HTTPS", () => {
  let simulator: SimulatorHandle | undefined;
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });

  it("serves HTTPS with the given certificate, which an unconfigured client refuses", async () => {
    const cert = await readFile(join(FIXTURES, "tls-cert.pem"));
    const key = await readFile(join(FIXTURES, "tls-key.pem"));
    simulator = await startSimulator({ tls: { cert, key } });
    const statsUrl = `${simulator.url}/__simulator/stats`;

    const trusting = new Agent({ connect: { ca: cert } });
    const answer = await request(statsUrl, { dispatcher: trusting });
    await answer.body.text();
    await trusting.close();

    expect(simulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(simulator.uiServerUrl).toBe(`${simulator.url}/uiserver0`);
    expect(answer.statusCode).toBe(200);
    await expect(request(statsUrl)).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
  });
});
