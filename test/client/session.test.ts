import { afterEach, describe, expect, it } from "vitest";
import type { P21Client } from "../../src/client/index.js";
import {
  AccessDeniedError,
  LifecycleError,
  PoolExhaustedError,
  SessionExistsError,
  SessionExpiredError,
  WindowStateError,
} from "../../src/client/index.js";
import { MockP21 } from "./mock-p21.js";

let mock: MockP21;
let client: P21Client | undefined;

afterEach(async () => {
  await client?.close();
  await mock?.close();
});

function setup(options: Parameters<MockP21["client"]>[0] = {}): P21Client {
  mock = new MockP21();
  client = mock.client(options);

  return client;
}

describe("session lifecycle", () => {
  it("always sends SessionType, SessionTimeout and ResponseWindowHandlingEnabled", async () => {
    const session = await setup().startSession();
    await session.close();
    const second = await client!.startSession({
      type: "User",
      timeoutSeconds: 90,
      responseWindowHandling: false,
      workstationId: "ws1",
    });
    await second.close();

    const creates = mock.requestsTo("POST", "/interactive/sessions");
    expect(creates[0]?.body).toEqual({
      SessionType: "Auto",
      SessionTimeout: 300,
      ResponseWindowHandlingEnabled: true,
      ClientPlatformApp: "p21kit",
    });
    expect(creates[1]?.body).toEqual({
      SessionType: "User",
      SessionTimeout: 90,
      ResponseWindowHandlingEnabled: false,
      ClientPlatformApp: "p21kit",
      WorkstationID: "ws1",
    });
  });

  it("reads Id (2026.1) and the build from the telemetry properties", async () => {
    setup();
    mock.on("POST", "/uiserver0/api/ui/interactive/sessions", {
      body: {
        Id: "s-2026",
        Properties: [{ Name: "Telemetry", Properties: { fullversion: "26.1.5894.1" } }],
      },
    });
    const session = await client!.startSession();

    expect(session.id).toBe("s-2026");
    expect(session.build).toBe("26.1.5894.1");
    expect(session.state).toBe("open");
  });

  it("reads SessionId (25.2)", async () => {
    setup();
    mock.on("POST", "/uiserver0/api/ui/interactive/sessions", {
      body: { SessionId: "s-252", Status: "Active" },
    });

    expect((await client!.startSession()).id).toBe("s-252");
  });

  it("reads a DataContract XML session", async () => {
    setup();
    mock.on("POST", "/uiserver0/api/ui/interactive/sessions", {
      contentType: "application/xml; charset=utf-8",
      text: '<Session xmlns="http://schemas.datacontract.org/2004/07/P21.UI.Service.Request"><Id>s-xml</Id><Properties/></Session>',
    });

    expect((await client!.startSession()).id).toBe("s-xml");
  });

  it("recovers a leaked session (409) by ending it on the same token and creating again", async () => {
    setup();
    mock.once("POST", "/uiserver0/api/ui/interactive/sessions", {
      status: 409,
      body: { ErrorMessage: "Session already exists." },
    });
    const session = await client!.startSession();

    expect(session.id).toBe("session-1");
    expect(mock.requests.map((request) => `${request.method} ${request.pathname}`)).toEqual([
      "POST /api/security/token/v2",
      "GET /api/ui/router/v1/",
      "POST /uiserver0/api/ui/interactive/sessions",
      "DELETE /uiserver0/api/ui/interactive/sessions",
      "POST /uiserver0/api/ui/interactive/sessions",
    ]);
    const tokens = mock.requests.slice(2).map((request) => request.headers.authorization);
    expect(new Set(tokens).size).toBe(1);
  });

  it("fails with SessionExistsError when the conflict persists", async () => {
    setup();
    mock.on("POST", "/uiserver0/api/ui/interactive/sessions", {
      status: 409,
      body: { ErrorMessage: "Session already exists." },
    });

    await expect(client!.startSession()).rejects.toBeInstanceOf(SessionExistsError);
    expect(mock.requestsTo("POST", "/interactive/sessions")).toHaveLength(2);
  });

  it("refuses a second open session on one client (one session per token)", async () => {
    await setup().startSession();

    await expect(client!.startSession()).rejects.toMatchObject({
      code: "P21_SESSION_EXISTS",
      retry: "permanent",
    });
  });

  it("reports a full pool as PoolExhaustedError", async () => {
    setup();
    mock.on("POST", "/uiserver0/api/ui/interactive/sessions", {
      status: 503,
      body: {
        ErrorMessage: "No API instance became available within 60 seconds.",
        ErrorType: "P21.UI.Service.PoolTimeoutException",
      },
    });

    await expect(client!.startSession()).rejects.toBeInstanceOf(PoolExhaustedError);
  });

  it("turns a 400 Invalid session into SessionExpiredError and the expired state", async () => {
    const session = await setup().startSession();
    mock.interactive("POST", "/v2/window", {
      status: 400,
      body: { ErrorMessage: "Invalid session", ErrorType: null },
    });

    const error = await session.openWindow("SalesPricePage").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect(session.state).toBe("expired");
    await expect(session.openWindow("SalesPricePage")).rejects.toBeInstanceOf(SessionExpiredError);
    expect(mock.requestsTo("POST", "/v2/window")).toHaveLength(1);
    await session.close();
    expect(mock.requestsTo("DELETE", "/interactive/sessions")).toHaveLength(0);
  });

  it("logs an expired session at info: its caller has the error, and may well recover", async () => {
    const entries: { level: string; message: string | undefined }[] = [];
    const method =
      (level: string) =>
      (_fields: unknown, message?: string): void => {
        entries.push({ level, message });
      };
    const logger = {
      error: method("error"),
      warn: method("warn"),
      info: method("info"),
      debug: method("debug"),
    };
    const session = await setup({ logger }).startSession();
    mock.interactive("POST", "/v2/window", {
      status: 400,
      body: { ErrorMessage: "Invalid session", ErrorType: null },
    });

    await expect(session.openWindow("SalesPricePage")).rejects.toBeInstanceOf(SessionExpiredError);
    expect(entries).toContainEqual({ level: "info", message: "p21 session expired" });
    expect(entries.filter((entry) => entry.level === "warn" || entry.level === "error")).toEqual(
      [],
    );
    await session.close();
  });

  it("turns a 401 on a session call into SessionExpiredError (the session belongs to the refused token)", async () => {
    const session = await setup().startSession();
    const window = await session.openWindow("SalesPricePage");
    mock.interactive("PUT", "/v2/change", { status: 401, body: {} });

    await expect(window.change("FORM", "form", "description", "x")).rejects.toMatchObject({
      code: "P21_SESSION_EXPIRED",
      status: 401,
    });
    expect(session.state).toBe("expired");
    await expect(window.change("FORM", "form", "description", "x")).rejects.toBeInstanceOf(
      SessionExpiredError,
    );

    // The next session runs on a fresh token.
    await client!.startSession();
    expect(mock.requestsTo("POST", "/token/v2")).toHaveLength(2);
  });

  it("reads the 401 of a call outside the token's scope as AccessDeniedError, the session open", async () => {
    const session = await setup().startSession();
    const window = await session.openWindow("SalesPricePage");
    const outOfScope = {
      status: 401,
      body: "You are not authorized to access API. Please contact administrator to get access.",
    };
    mock.interactive("PUT", "/v2/change", outOfScope);

    const error = await window
      .change("FORM", "form", "description", "x")
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ retry: "permanent", status: 401 });
    expect(session.state).toBe("open");
    expect(mock.requestsTo("POST", "/token/v2")).toHaveLength(1);
    await session.close();
    expect(mock.requestsTo("DELETE", "/interactive/sessions")).toHaveLength(1);
  });

  it("refuses a create outside the token's scope, or a 403, without authenticating again", async () => {
    setup();
    mock.on(
      "POST",
      "/uiserver0/api/ui/interactive/sessions",
      {
        status: 401,
        body: "You are not authorized to access API. Please contact administrator to get access.",
      },
      { status: 403, body: { error: "insufficient_scope" } },
    );

    await expect(client!.startSession()).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(client!.startSession()).rejects.toMatchObject({
      code: "P21_ACCESS_DENIED",
      status: 403,
    });
    expect(mock.requestsTo("POST", "/token/v2")).toHaveLength(1);
  });

  it("ends on close and on asyncDispose, once, and refuses use afterwards", async () => {
    setup();
    let windowAfterClose;
    {
      await using session = await client!.startSession();
      windowAfterClose = await session.openWindow("SalesPricePage");
    }

    expect(mock.requestsTo("DELETE", "/interactive/sessions")).toHaveLength(1);
    await expect(windowAfterClose.save()).rejects.toBeInstanceOf(LifecycleError);

    const session = await client!.startSession();
    await Promise.all([session.close(), session.close()]);
    await session.close();
    expect(session.state).toBe("closed");
    expect(mock.requestsTo("DELETE", "/interactive/sessions")).toHaveLength(2);
    await expect(session.openWindow("x")).rejects.toBeInstanceOf(LifecycleError);
  });

  it("says which window it would not open once the session is closed", async () => {
    const session = await setup().startSession();
    await session.close();

    const refusal = session.openWindow("SalesPricePage");

    await expect(refusal).rejects.toBeInstanceOf(LifecycleError);
    await expect(refusal).rejects.toThrow(
      `cannot open window SalesPricePage: session ${session.id} is closed`,
    );
  });

  it("does not throw when ending the session fails", async () => {
    const session = await setup().startSession();
    mock.on("DELETE", "/uiserver0/api/ui/interactive/sessions", {
      status: 400,
      body: { ErrorMessage: "Invalid session" },
    });

    await expect(session.close()).resolves.toBeUndefined();
    expect(session.state).toBe("closed");
  });

  it("client.close ends the open session and refuses use afterwards", async () => {
    const session = await setup().startSession();
    await client!.close();
    await client!.close();

    expect(session.state).toBe("closed");
    expect(mock.requestsTo("DELETE", "/interactive/sessions")).toHaveLength(1);
    await expect(client!.startSession()).rejects.toBeInstanceOf(LifecycleError);
    await expect(client!.odata.query("price_page")).rejects.toBeInstanceOf(LifecycleError);
  });

  it("lists sessions", async () => {
    setup();
    mock.on("GET", "/uiserver0/api/ui/interactive/sessions", { body: [{ Id: "a" }, { Id: "b" }] });

    expect(await client!.listSessions()).toEqual([{ Id: "a" }, { Id: "b" }]);
  });

  it("marks a window whose id the server no longer knows as closed", async () => {
    const session = await setup().startSession();
    const window = await session.openWindow("SalesPricePage");
    mock.interactive("PUT", "/v2/tab", {
      status: 404,
      body: { ErrorMessage: "Window not found", ErrorType: null },
    });

    await expect(window.selectTab("VALUES")).rejects.toMatchObject({
      code: "P21_WINDOW_NOT_FOUND",
      retry: "transient",
    });
    expect(window.state).toBe("closed");
    await expect(window.selectTab("VALUES")).rejects.toBeInstanceOf(WindowStateError);
  });
});
