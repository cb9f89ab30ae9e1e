import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const ENTRY = join(import.meta.dirname, "fixtures", "simulator-command.ts");

function runCommand(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY, "simulator", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  const listening = new Promise<string>((resolve, reject) => {
    const check = () => {
      const line = stdout.split("\n")[0] ?? "";
      if (stdout.includes("\n")) resolve(line);
    };
    child.stdout.on("data", check);
    void exited.then(() => reject(new Error(`exited before listening: ${stderr}`)));
  });
  return { child, exited, listening, output: () => ({ stdout, stderr }) };
}

describe("p21kit simulator command", () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "p21kit-simulator-command-"));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("prints one listening line with the real port and stops cleanly on SIGTERM", async () => {
    const run = runCommand(["--port", "0", "--data", "demo"]);
    const line = await run.listening;
    const match = /^P21 simulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
    expect(match).not.toBeNull();

    const stats = await fetch(`${match?.[1] ?? ""}/__simulator/stats`);
    expect(stats.status).toBe(200);

    run.child.kill("SIGTERM");
    const [code] = await run.exited;
    expect(code).toBe(0);
    expect(run.output().stdout.trim().split("\n")).toHaveLength(1);
    expect(run.output().stderr).toContain("stopped (SIGTERM)");
  });

  it("stops cleanly on SIGINT too, and reads a users file", async () => {
    const usersPath = join(directory, "users.json");
    await writeFile(usersPath, JSON.stringify([{ username: "batch", password: "secret" }]));
    const run = runCommand(["--port", "0", "--users", usersPath]);
    const url = /listening on (\S+)/.exec(await run.listening)?.[1] ?? "";

    const token = await fetch(`${url}/api/security/token/v2`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ username: "batch", password: "secret" }),
    });
    run.child.kill("SIGINT");
    const [code] = await run.exited;

    expect(token.status).toBe(200);
    expect(code).toBe(0);
  });

  it.each([
    [["--profile", "99"], "expected one of"],
    [["--port", "http"], "expected a port"],
    [["--faults", "boom=1"], "unknown fault"],
    [["--latency", "missing.json"], "does not exist"],
    [["--users", "missing.json"], "does not exist"],
    [["--stall-ms", "0"], "expected a number of milliseconds > 0"],
  ])("refuses %j with a usage error", async (args, message) => {
    const run = runCommand(["--port", "0", ...args]);
    run.listening.catch(() => undefined);
    const [code] = await run.exited;
    expect(code).toBe(2);
    expect(run.output().stderr).toContain(message);
    expect(run.output().stdout).toBe("");
  });

  it("says which port is in use, and what it serves when it starts", async () => {
    const first = runCommand([
      "--port",
      "0",
      "--data",
      "demo",
      "--latency",
      "seed",
      "--time-scale",
      "0.1",
    ]);
    const port = new URL(/listening on (\S+)/.exec(await first.listening)?.[1] ?? "").port;
    try {
      // Its summary line comes on stderr just after the one on stdout.
      await vi.waitFor(() =>
        expect(first.output().stderr).toContain(
          "data demo; profile 26.1.5950; latency seed × 0.1; no faults; press Ctrl-C to stop.",
        ),
      );
      const second = runCommand(["--port", port]);
      second.listening.catch(() => undefined);
      const [code] = await second.exited;
      expect(code).toBe(2);
      expect(second.output().stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(second.output().stderr).not.toContain("--help");
    } finally {
      first.child.kill("SIGINT");
      await first.exited;
    }
  });

  it("drops a stalled request's connection after --stall-ms instead of holding it", async () => {
    const run = runCommand(["--port", "0", "--faults", "stall=1", "--stall-ms", "100"]);
    const url = /listening on (\S+)/.exec(await run.listening)?.[1] ?? "";
    try {
      // Held until the client gave up, the request would end on this 20 s abort instead.
      const answer = fetch(`${url}/uiserver0/api/ui/interactive/sessions`, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(20_000),
      });
      const failure = (await answer.then(
        () => undefined,
        (error: unknown) => error,
      )) as Error & { cause?: { code?: string } };
      expect(failure).toBeInstanceOf(TypeError);
      expect(failure.cause?.code).toBe("UND_ERR_SOCKET");
      const stats = (await (await fetch(`${url}/__simulator/stats`)).json()) as {
        faultsInjected: Record<string, number>;
      };
      expect(stats.faultsInjected.stall).toBe(1);
      expect(run.output().stderr).toContain("faults stall=1 (stalls dropped after 100 ms)");
    } finally {
      run.child.kill("SIGINT");
      await run.exited;
    }
  });

  it("refuses an invalid latency file with a clear message", async () => {
    const latencyPath = join(directory, "latency.json");
    await writeFile(latencyPath, JSON.stringify({ sav: 10 }));
    const run = runCommand(["--port", "0", "--latency", latencyPath]);
    run.listening.catch(() => undefined);
    const [code] = await run.exited;
    expect(code).toBe(2);
    expect(run.output().stderr).toContain('unknown latency operation "sav"');
  });
});
