import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface StallServer {
  readonly url: string;
  /** Requests received, as "METHOD path". */
  readonly received: string[];
  /** Resolves when the next request arrives. */
  nextRequest(): Promise<string>;
  close(): Promise<void>;
}

/**
 * A server that answers the token endpoint and stalls every other request (never answers), to
 * test timeouts and aborts over a real socket.
 */
export async function startStallServer(): Promise<StallServer> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  let waiters: ((request: string) => void)[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const line = `${request.method} ${request.url}`;
    received.push(line);
    for (const waiter of waiters) waiter(line);
    waiters = [];
    request.resume();
    if (request.url?.startsWith("/api/security/token")) {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ AccessToken: "stall-token", ExpiresInSeconds: 86_400 }));
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    nextRequest: () => new Promise((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
