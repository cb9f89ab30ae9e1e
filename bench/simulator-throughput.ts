// Simulator throughput: change requests per second over loopback with 20 concurrent sessions,
// latency none, the simulator in its own child process; and its resident memory before and
// after 100,000 requests. Run (after `npm run build`): npx tsx
// bench/simulator-throughput.ts [--quick]
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { startSimulator } from "./shipped.js";

export interface SimulatorThroughputResult {
  sessions: number;
  requests: number;
  wallMs: number;
  changesPerSecond: number;
  /** Resident memory of the simulator process after warm-up, and after the measured requests. */
  rssBeforeMb: number;
  rssAfterMb: number;
  rssGrowthMb: number;
}

const SESSIONS = 20;
const WARM_UP_REQUESTS = 5_000;

interface Served {
  child: ChildProcess;
  url: string;
}

async function serveInChild(): Promise<Served> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, "--expose-gc", fileURLToPath(import.meta.url), "--serve"],
    { stdio: ["ignore", "pipe", "inherit", "ipc"] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const match = /listening on (\S+)/.exec(line);
    if (match?.[1] !== undefined) {
      lines.close();
      return { child, url: match[1] };
    }
  }

  throw new Error("the simulator child exited before listening");
}

async function residentMb(child: ChildProcess): Promise<number> {
  const answer = once(child, "message") as Promise<[{ rss: number }]>;
  child.send("rss");
  const [{ rss }] = await answer;
  return Math.round((rss / 1_048_576) * 10) / 10;
}

async function call(
  agent: Agent,
  url: string,
  method: "POST" | "PUT",
  body: unknown,
  token?: string,
): Promise<unknown> {
  const headers: Record<string, string> = {
    accept: "application/json",
    "content-type": "application/json",
  };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await request(url, {
    method,
    headers,
    body: JSON.stringify(body),
    dispatcher: agent,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200)
    throw new Error(`${method} ${url} answered ${response.statusCode}: ${text}`);
  return JSON.parse(text) as unknown;
}

interface Worker {
  token: string;
  windowId: string;
}

async function prepareWorker(agent: Agent, url: string): Promise<Worker> {
  const ui = `${url}/uiserver0/api/ui/interactive`;
  const { AccessToken: token } = (await call(agent, `${url}/api/security/token/v2`, "POST", {
    username: "api_user",
    password: "api_password",
  })) as { AccessToken: string };
  await call(
    agent,
    `${ui}/sessions`,
    "POST",
    { SessionType: "Auto", ResponseWindowHandlingEnabled: false, SessionTimeout: 600 },
    token,
  );
  const { WindowId: windowId } = (await call(
    agent,
    `${ui}/v2/window`,
    "POST",
    { ServiceName: "SalesPricePage" },
    token,
  )) as {
    WindowId: string;
  };
  for (const [field, value] of [
    ["price_page_type_cd", "Supplier / Product Group"],
    ["company_id", "ACME"],
    ["product_group_id", "FASTN"],
    ["supplier_id", "10010"],
  ]) {
    await call(
      agent,
      `${ui}/v2/change`,
      "PUT",
      {
        WindowId: windowId,
        List: [{ TabName: "FORM", DatawindowName: "form", FieldName: field, Value: value }],
      },
      token,
    );
  }

  return { token, windowId };
}

/** Sends `total` change requests spread over the workers, each worker one at a time. */
async function drive(agent: Agent, url: string, workers: Worker[], total: number): Promise<void> {
  const changeUrl = `${url}/uiserver0/api/ui/interactive/v2/change`;
  let sent = 0;
  await Promise.all(
    workers.map(async ({ token, windowId }) => {
      while (sent < total) {
        sent += 1;
        const answer = (await call(
          agent,
          changeUrl,
          "PUT",
          {
            WindowId: windowId,
            List: [
              {
                TabName: "FORM",
                DatawindowName: "form",
                FieldName: "description",
                Value: `Bench ${sent % 1000}`,
              },
            ],
          },
          token,
        )) as { Status: number };
        if (answer.Status !== 1) throw new Error(`change answered Status ${answer.Status}`);
      }
    }),
  );
}

/** Runs the benchmark; `quick` sends 20,000 measured requests instead of 100,000. */
export async function runSimulatorThroughputBench(
  options: { quick?: boolean } = {},
): Promise<SimulatorThroughputResult> {
  const requests = options.quick === true ? 20_000 : 100_000;
  const served = await serveInChild();
  const agent = new Agent({ connections: SESSIONS * 2, keepAliveTimeout: 30_000 });
  try {
    const workers = await Promise.all(
      Array.from({ length: SESSIONS }, () => prepareWorker(agent, served.url)),
    );
    await drive(agent, served.url, workers, WARM_UP_REQUESTS);
    const rssBeforeMb = await residentMb(served.child);

    const startedAt = performance.now();
    await drive(agent, served.url, workers, requests);
    const wallMs = performance.now() - startedAt;

    const rssAfterMb = await residentMb(served.child);
    return {
      sessions: SESSIONS,
      requests,
      wallMs: Math.round(wallMs),
      changesPerSecond: Math.round((requests / wallMs) * 1000),
      rssBeforeMb,
      rssAfterMb,
      rssGrowthMb: Math.round((rssAfterMb - rssBeforeMb) * 10) / 10,
    };
  } finally {
    await agent.close();
    served.child.send("stop");
    await once(served.child, "exit");
  }
}

async function serve(): Promise<void> {
  const simulator = await startSimulator({ latency: "none", poolSize: SESSIONS });
  process.on("message", (message) => {
    if (message === "rss") {
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.({ rss: process.memoryUsage().rss });
    } else if (message === "stop") {
      void simulator.close().then(() => process.disconnect());
    }
  });
  console.log(`P21 simulator listening on ${simulator.url}`);
}

const invokedDirectly = process.argv[1] === fileURLToPath(import.meta.url);
if (invokedDirectly && process.argv.includes("--serve")) {
  await serve();
} else if (invokedDirectly) {
  const result = await runSimulatorThroughputBench({ quick: process.argv.includes("--quick") });
  console.log(JSON.stringify(result, null, 2));
}
