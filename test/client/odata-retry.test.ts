// OData reads asked again after a lost answer or a server error, against the real simulator.
import { describe, expect, it } from "vitest";

import { P21Error } from "../../src/client/index.js";
import { simulatorPerTest } from "./simulator-helpers.js";

const start = simulatorPerTest();
const ODATA = "GET /odataservice/odata/table/:name";

describe("OData reads under faults", () => {
  it("are asked again after a connection reset and a server error, and answer", async () => {
    const { simulator, client } = await start({ data: "demo" });
    simulator.injectFault({ kind: "reset", route: ODATA, count: 1 });
    simulator.injectFault({ kind: "http500", route: ODATA, count: 1 });

    const books = await client.odata.query("price_book", { select: ["price_book_id"] });

    expect(books.map((row) => row.price_book_id)).toContain("RETAIL");
    expect(simulator.stats().requests[ODATA]).toBe(3);
  });

  it("give up after two more tries, with the server's failure", async () => {
    const { simulator, client } = await start({ data: "demo" });
    simulator.injectFault({ kind: "http500", route: ODATA, count: 5 });

    const failure = await client.odata.query("price_book").catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(P21Error);
    expect((failure as P21Error).code).toBe("P21_SERVER_ERROR");
    expect(simulator.stats().requests[ODATA]).toBe(3);
  });

  it("are not asked again when the server refuses the query", async () => {
    const { simulator, client } = await start({ data: "demo" });

    const failure = await client.odata.query("no_such_table").catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(P21Error);
    expect((failure as P21Error).code).not.toBe("P21_SERVER_ERROR");
    expect(simulator.stats().requests[ODATA]).toBe(1);
  });

  it("stop waiting to ask again when the caller aborts", async () => {
    const { simulator, client } = await start({ data: "demo" });
    simulator.injectFault({ kind: "http500", route: ODATA, count: 5 });
    const stop = new AbortController();
    // Aborted once the first answer (the 500) is in: while the query waits to ask again.
    client.on("request", (event) => {
      if (event.operation === "odata" && event.status === 500) stop.abort();
    });

    const query = client.odata.query("price_book", { signal: stop.signal });

    await expect(query).rejects.toMatchObject({ code: "P21_SERVER_ERROR" });
    expect(simulator.stats().requests[ODATA]).toBe(1);
  });
});
