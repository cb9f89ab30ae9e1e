import { spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  LifecycleError,
  P21AbortError,
  P21Client,
  P21TimeoutError,
} from "../../src/client/index.js";
import type { StallServer } from "./stall-server.js";
import { startStallServer } from "./stall-server.js";

let server: StallServer;
let client: P21Client;

beforeEach(async () => {
  server = await startStallServer();
});

afterEach(async () => {
  await client?.close();
  await server.close();
});

function newClient(
  options: { defaultMs?: number; saveMs?: number; signal?: AbortSignal; connections?: number } = {},
): P21Client {
  client = new P21Client({
    ...(options.connections === undefined ? {} : { connections: options.connections }),
    baseUrl: server.url,
    username: "api_user",
    password: "api_password",
    uiServerUrl: `${server.url}/uiserver0`,
    timeouts: { defaultMs: options.defaultMs ?? 30_000, saveMs: options.saveMs ?? 30_000 },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });

  return client;
}

describe("timeouts and aborts over a real socket", () => {
  it("surfaces a stalled answer as P21TimeoutError within the timeout plus one second", async () => {
    newClient({ defaultMs: 400 });
    const startedAt = performance.now();
    const error = await client.serverInfo().catch((caught: unknown) => caught);
    const elapsedMs = performance.now() - startedAt;

    expect(error).toBeInstanceOf(P21TimeoutError);
    expect(error).toMatchObject({ code: "P21_TIMEOUT", retry: "transient", timeoutMs: 400 });
    expect(elapsedMs).toBeLessThan(400 + 1_000);
  });

  it("ends a stalled session create when the session options' signal aborts", async () => {
    newClient();
    const controller = new AbortController();
    const create = client
      .startSession({ signal: controller.signal })
      .catch((caught: unknown) => caught);
    while (!server.received.some((line) => line.includes("/sessions"))) await server.nextRequest();
    controller.abort();

    expect(await create).toBeInstanceOf(P21AbortError);
  });

  it("ends a call at once when its signal aborts", async () => {
    newClient();
    const controller = new AbortController();
    const call = client.serverInfo(controller.signal).catch((caught: unknown) => caught);
    while (!server.received.some((line) => line.includes("serverinfo"))) await server.nextRequest();
    controller.abort();

    const error = await call;
    expect(error).toBeInstanceOf(P21AbortError);
    expect(error).toMatchObject({ code: "P21_ABORTED", retry: "permanent" });
  });

  it("ends at once a call still waiting for a connection when its signal aborts", async () => {
    newClient({ connections: 1 });
    await client.authenticate();
    const stalled = client.serverInfo().catch((caught: unknown) => caught);
    while (!server.received.some((line) => line.includes("serverinfo"))) await server.nextRequest();
    const controller = new AbortController();
    // The only connection is held by the stalled call: this one waits in undici's queue.
    const queued = client.listSessions(controller.signal).catch((caught: unknown) => caught);
    controller.abort();

    expect(await queued).toBeInstanceOf(P21AbortError);
    expect(server.received.filter((line) => line.includes("sessions"))).toEqual([]);
    await client.close();
    expect(await stalled).toBeInstanceOf(LifecycleError);
  });

  it("sends nothing when the signal is already aborted", async () => {
    newClient();
    const error = await client.authenticate(AbortSignal.abort()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(P21AbortError);
    await client.authenticate();
    expect(server.received).toEqual(["POST /api/security/token/v2"]);
  });

  it("ends every call when the client's signal aborts", async () => {
    const controller = new AbortController();
    newClient({ signal: controller.signal });
    const first = client.serverInfo().catch((caught: unknown) => caught);
    const second = client.listSessions().catch((caught: unknown) => caught);
    while (server.received.filter((line) => !line.includes("token")).length < 2) {
      await server.nextRequest();
    }

    controller.abort();
    expect(await first).toBeInstanceOf(P21AbortError);
    expect(await second).toBeInstanceOf(P21AbortError);
    const countBefore = server.received.length;
    await expect(client.listSessions()).rejects.toBeInstanceOf(P21AbortError);
    expect(server.received).toHaveLength(countBefore);
  });

  it("ends an in-flight call when the client closes", async () => {
    newClient();
    const call = client.serverInfo().catch((caught: unknown) => caught);
    while (!server.received.some((line) => line.includes("serverinfo"))) await server.nextRequest();
    await client.close();

    expect(await call).toBeInstanceOf(LifecycleError);
  });

  it("leaves no timer or socket behind: a process that ran a stalled call exits by itself", async () => {
    const { code, signal, stdout, stderr } = await runChild(server.url, {});

    expect(stderr).toBe("");
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(stdout.trim()).toBe("P21_TIMEOUT");
  });

  it("writes its debug lines to stderr with NODE_DEBUG=p21kit, without secrets", async () => {
    const { code, stdout, stderr } = await runChild(server.url, { NODE_DEBUG: "p21kit" });

    expect(code).toBe(0);
    expect(stdout.trim()).toBe("P21_TIMEOUT");
    expect(stderr).toMatch(/P21KIT \d+: debug p21 token POST \/api\/security\/token\/v2/);
    expect(stderr).toMatch(/P21KIT \d+: debug p21 serverinfo GET/);
    expect(stderr).not.toContain("api_password");
    expect(stderr).not.toContain("stall-token");
  });
});

function runChild(
  url: string,
  environment: Record<string, string>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/client/stalled-call-child.ts", url],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_DEBUG: "", ...environment },
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);

  return new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
}
