import { afterEach, describe, expect, it } from "vitest";
import type { P21Client, RequestEvent } from "../../src/client/index.js";
import { MockP21 } from "./mock-p21.js";

let mock: MockP21;
let client: P21Client | undefined;

afterEach(async () => {
  await client?.close();
  await mock?.close();
});

const success = { body: { Status: 1, Messages: [], Events: [] } };

describe("rules every request follows", () => {
  it("sends Accept: application/json on every request, and calls the router with the trailing slash", async () => {
    mock = new MockP21();
    client = mock.client();
    for (const [method, route] of [
      ["PUT", "/v2/change"],
      ["PUT", "/v2/tab"],
      ["POST", "/v2/row"],
      ["PUT", "/v2/row"],
      ["PUT", "/v2/data"],
      ["DELETE", "/v2/data"],
      ["POST", "/v2/tools"],
      ["DELETE", "/v2/window"],
    ] as const) {
      mock.interactive(method, route, success);
    }

    mock.interactive("GET", "/v2/data", { body: [] });
    mock.interactive("GET", "/v2/window", { body: { Definition: {} } });
    mock.interactive("GET", "/v2/tools", { body: [] });
    mock.on("GET", "/uiserver0/api/ui/interactive/sessions", { body: [] });
    mock.on("GET", "/uiserver0/ui/common/v1/serverinfo", { body: { Result: {} } });
    mock.on("GET", "/odataservice/odata/table/price_page", { body: { value: [] } });
    mock.once("POST", "/uiserver0/api/ui/interactive/sessions", {
      status: 409,
      body: { ErrorMessage: "Session already exists." },
    });
    const events: RequestEvent[] = [];
    client.on("request", (event) => events.push(event));

    await client.serverInfo();
    await client.listSessions();
    const session = await client.startSession();
    const window = await session.openWindow("SalesPricePage");
    await window.change("FORM", "form", "a", "1");
    await window.selectTab("VALUES");
    await window.addRow("values");
    await window.selectRow("values", 1);
    await window.save();
    await window.clear();
    await window.data();
    await window.windowState();
    await window.tools();
    await window.runTool("cb_ok");
    await window.close();
    await client.odata.query("price_page", { filter: { price_page_uid: 1 } });
    await session.close();

    expect(mock.requests.length).toBeGreaterThanOrEqual(20);
    for (const request of mock.requests) {
      expect(request.headers.accept, `${request.method} ${request.path}`).toContain(
        "application/json",
      );
    }

    const routerCalls = mock.requests.filter((request) => request.pathname.includes("/router/"));
    expect(routerCalls).toHaveLength(1);
    for (const request of routerCalls)
      expect(request.path).toBe("/api/ui/router/v1/?urlType=external");

    expect(events).toHaveLength(mock.requests.length);
    const change = events.find((event) => event.operation === "change");
    expect(change).toMatchObject({
      method: "PUT",
      path: "/uiserver0/api/ui/interactive/v2/change",
      status: 200,
      sessionId: "session-1",
      windowId: "window-1",
    });
    expect(change?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("stops emitting to a removed listener", async () => {
    mock = new MockP21();
    client = mock.client();
    const seen: string[] = [];
    const listener = (event: RequestEvent): void => {
      seen.push(event.operation);
    };
    client.on("request", listener);
    await client.authenticate();
    client.off("request", listener);
    await client.uiServerUrl();

    expect(seen).toEqual(["token"]);
  });
});
