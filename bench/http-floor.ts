// The HTTP floor of the engine-overhead bench: what the client process pays per request for the
// HTTP exchange alone, with nothing of p21kit around it, against a server that does no work.
// Multiplied by the requests a record takes, it is the least CPU per record any engine on this
// stack could reach on this machine. Run (after `npm run build`): npx tsx bench/http-floor.ts
import { createServer } from "node:http";
import { connect } from "node:net";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { Agent } from "undici";
import { startServerProcess } from "./server-process.js";
import { Exchange } from "./shipped.js";

/** Client CPU per request, in milliseconds. */
export interface HttpFloor {
  requests: number;
  /** undici's dispatch through the client's own exchange handler, as p21kit sends. */
  undiciCpuMsPerRequest: number;
  /** A bare keep-alive socket: the request written as one string, the answer cut by length. */
  socketCpuMsPerRequest: number;
}

/** A change request and its answer, of the sizes the simulator's are. */
const requestPath = "/uiserver0/api/ui/interactive/v2/change";
const requestBody = JSON.stringify({
  WindowId: "7f8c1d52-3a5e-4c8b-9a64-2f1e0b7d9c31",
  List: [{ TabName: "FORM", DatawindowName: "form", FieldName: "description", Value: "x" }],
});
const answerBody = JSON.stringify({ Status: 1, Messages: [], Events: [], ResponseWindowId: "" });
const token = `Bearer ${"x".repeat(400)}`;

function serve(): void {
  const server = createServer((request, response) => {
    request.resume();
    request.once("end", () => {
      response.writeHead(200, {
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(answerBody),
      });
      response.end(answerBody);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    process.stdout.write(`http://127.0.0.1:${address.port}\n`);
  });
  process.stdin.resume();
  process.stdin.once("end", () => server.close(() => process.exit(0)));
}

/** CPU of `requests` sequential calls of `send`, after a warm-up, per call. */
async function cpuPerCall(requests: number, send: () => Promise<unknown>): Promise<number> {
  for (let index = 0; index < Math.min(2_000, requests); index += 1) await send();

  const before = process.cpuUsage();
  for (let index = 0; index < requests; index += 1) await send();
  const cpu = process.cpuUsage(before);

  return (cpu.user + cpu.system) / 1_000 / requests;
}

async function undiciFloor(origin: string, requests: number): Promise<number> {
  // The transport's own settings: undici's timers off, the client's timer bounds each call.
  const agent = new Agent({
    connections: 1,
    keepAliveTimeout: 4_000,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const headers = { accept: "application/json", authorization: token };
  try {
    return await cpuPerCall(requests, async () => {
      const exchange = new Exchange();
      exchange.send(agent, {
        origin,
        path: requestPath,
        method: "PUT",
        headers: { ...headers, "content-type": "application/json" },
        body: requestBody,
      });
      const answer = await exchange.answer;

      return JSON.parse(answer.text) as unknown;
    });
  } finally {
    await agent.close();
  }
}

/**
 * One keep-alive connection, one request at a time, no HTTP parsing beyond finding the end of
 * the headers and the content length: a measuring instrument, not a client.
 */
class BareSocket {
  readonly #socket: Socket;
  #buffered = "";
  #waiting: ((body: string) => void) | undefined;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => this.#receive(chunk));
  }

  static open(origin: string): Promise<BareSocket> {
    const { hostname, port } = new URL(origin);

    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new BareSocket(socket)));
      socket.once("error", reject);
    });
  }

  send(head: string, body: string): Promise<string> {
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#socket.write(`${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #receive(chunk: string): void {
    this.#buffered += chunk;
    const headEnd = this.#buffered.indexOf("\r\n\r\n");
    if (headEnd < 0) return;

    const length = Number(/content-length: *(\d+)/i.exec(this.#buffered.slice(0, headEnd))?.[1]);
    const bodyStart = headEnd + 4;
    if (this.#buffered.length - bodyStart < length) return;

    const body = this.#buffered.slice(bodyStart, bodyStart + length);
    this.#buffered = this.#buffered.slice(bodyStart + length);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(body);
  }
}

async function socketFloor(origin: string, requests: number): Promise<number> {
  const socket = await BareSocket.open(origin);
  const head =
    `PUT ${requestPath} HTTP/1.1\r\nhost: ${new URL(origin).host}\r\n` +
    `accept: application/json\r\nauthorization: ${token}\r\ncontent-type: application/json\r\n`;
  try {
    return await cpuPerCall(
      requests,
      async () => JSON.parse(await socket.send(head, requestBody)) as unknown,
    );
  } finally {
    socket.close();
  }
}

/** Both floors twice, in the order undici, socket, socket, undici; the lower of each is kept. */
export async function measureHttpFloor(options: { quick?: boolean } = {}): Promise<HttpFloor> {
  const requests = options.quick === true ? 5_000 : 20_000;
  const server = await startServerProcess(fileURLToPath(import.meta.url));
  try {
    const undici = [await undiciFloor(server.url, requests)];
    const socket = [
      await socketFloor(server.url, requests),
      await socketFloor(server.url, requests),
    ];
    undici.push(await undiciFloor(server.url, requests));

    return {
      requests,
      undiciCpuMsPerRequest: Number(Math.min(...undici).toFixed(4)),
      socketCpuMsPerRequest: Number(Math.min(...socket).toFixed(4)),
    };
  } finally {
    await server.stop();
  }
}

const invokedDirectly = process.argv[1] === fileURLToPath(import.meta.url);
if (invokedDirectly && process.argv.includes("--serve")) {
  serve();
} else if (invokedDirectly) {
  console.log(JSON.stringify(await measureHttpFloor(), null, 2));
}
