import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exchange } from "../../src/client/exchange.js";
import { P21Client, P21NetworkError } from "../../src/client/index.js";

type Mode = "chunks" | "bom" | "broken";

const info = JSON.stringify({ "Version/Application Version": "26.1.5950.0" });
let mode: Mode = "chunks";
let server: Server;
let baseUrl = "";

/** Answers the server info in the way `mode` says, over a real socket. */
function answer(request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  if (request.url?.startsWith("/api/security/token")) {
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ AccessToken: "shape-token", ExpiresInSeconds: 86_400 }));
    return;
  }

  if (mode === "broken") {
    // Headers and half the body, then the connection goes.
    response.writeHead(200, { "content-type": "application/json", "content-length": "200" });
    response.write(info.slice(0, 10), () => response.socket?.destroy());
    return;
  }

  if (mode === "chunks") {
    // Chunked, in three writes spread over ticks: the answer is the three joined.
    response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    response.write(info.slice(0, 5));
    setTimeout(() => response.write(info.slice(5, 20)), 5);
    setTimeout(() => response.end(info.slice(20)), 10);
    return;
  }

  response.writeHead(200, { "content-type": "application/json" });
  response.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(info)]));
}

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function serverInfoIn(wanted: Mode) {
  mode = wanted;
  const client = new P21Client({
    baseUrl,
    uiServerUrl: `${baseUrl}/uiserver0`,
    username: "api_user",
    password: "api_password",
  });
  try {
    return await client.serverInfo();
  } finally {
    await client.close();
  }
}

describe("answers as they come off the socket", () => {
  it("joins an answer that arrives in several chunks", async () => {
    expect((await serverInfoIn("chunks")).version).toBe("26.1.5950.0");
  });

  it("drops a UTF-8 byte-order mark before the JSON", async () => {
    expect((await serverInfoIn("bom")).version).toBe("26.1.5950.0");
  });

  it("reports an answer that broke off after its headers, with the status it had", async () => {
    const error = await serverInfoIn("broken").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(P21NetworkError);
    expect(error).toMatchObject({ status: 200, retry: "transient" });
    expect(String((error as Error).message)).toContain("broke off after HTTP 200");
  });
});

describe("Exchange", () => {
  it("reads the content type whatever the case of its name, every value of it joined", async () => {
    const exchange = new Exchange();
    exchange.onConnect(() => undefined);
    exchange.onHeaders(200, [
      Buffer.from("Content-TYPE"),
      Buffer.from("Application/JSON"),
      Buffer.from("content-length"),
      Buffer.from("2"),
      Buffer.from("content-type"),
      Buffer.from("charset=UTF-8"),
    ]);
    exchange.onData(Buffer.from("{}"));
    exchange.onComplete();

    expect(await exchange.answer).toEqual({
      status: 200,
      contentType: "application/json,charset=utf-8",
      text: "{}",
    });
  });

  it("drops a UTF-8 byte-order mark from the answer's text, in one chunk or split", async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    for (const chunks of [[Buffer.concat([bom, Buffer.from("{}")])], [bom, Buffer.from("{}")]]) {
      const exchange = new Exchange();
      exchange.onConnect(() => undefined);
      exchange.onHeaders(200, [Buffer.from("content-type"), Buffer.from("application/json")]);
      for (const chunk of chunks) exchange.onData(chunk);
      exchange.onComplete();

      expect((await exchange.answer).text).toBe("{}");
    }
  });

  it("fails at once when aborted before it had a connection, and ends the request then", async () => {
    const exchange = new Exchange();
    exchange.abort();
    await expect(exchange.answer).rejects.toThrow("aborted");

    const ended: unknown[] = [];
    exchange.onConnect((reason) => ended.push(reason));
    expect(ended).toHaveLength(1);
  });
});
