import { describe, expect, it } from "vitest";

import type { ErrorEnvelope } from "./http.js";
import { createSession, endSession, interactive, openWindow, party } from "./http.js";
import { simulatorForBlock } from "./simulator.js";

describe("Accept handling on 26.1.5910", () => {
  const simulator = simulatorForBlock({ profile: "26.1.5910" });

  it("quirk 1: a create without Accept answers an empty 500 and leaves a ghost session (409 next)", async () => {
    const who = await party(simulator());

    const ghost = await interactive(who, "POST", "/sessions", {
      json: { ResponseWindowHandlingEnabled: false },
      accept: null,
    });

    expect(ghost.status).toBe(500);
    expect(ghost.text).toBe("");
    const next = await interactive(who, "POST", "/sessions", {
      json: { ResponseWindowHandlingEnabled: false },
    });
    expect(next.status).toBe(409);
    expect(next.json<ErrorEnvelope>().ErrorMessage).toBe("Session already exists.");
  });

  it("quirk 1: a client that never sends Accept sees the 409 after its ghost, not another 500", async () => {
    const who = await party(simulator());
    const create = () =>
      interactive(who, "POST", "/sessions", {
        json: { ResponseWindowHandlingEnabled: false },
        accept: "*/*",
      });

    const ghost = await create();
    const next = await create();

    expect([ghost.status, ghost.text]).toEqual([500, ""]);
    expect(next.status).toBe(409);
    expect(next.contentType()).toContain("application/json");
    expect(next.json<ErrorEnvelope>().ErrorMessage).toBe("Session already exists.");
    expect((await endSession(who)).status).toBe(200);
  });

  it("quirk 1: a same-token DELETE clears the ghost at once", async () => {
    const who = await party(simulator());
    await interactive(who, "POST", "/sessions", { json: {}, accept: null });

    expect((await endSession(who)).status).toBe(200);
    expect(await createSession(who)).not.toBe("");
    await endSession(who);
  });

  it("quirk 1: a bare */* counts as missing: empty 500 on a window call", async () => {
    const who = await party(simulator());
    await createSession(who);
    const windowId = await openWindow(who, "SalesPricePage");

    const answer = await interactive(who, "GET", `/v2/window?id=${windowId}`, { accept: "*/*" });

    expect(answer.status).toBe(500);
    expect(answer.text).toBe("");
    await endSession(who);
  });

  it("quirk 1: every Interactive endpoint answers the empty 500 without Accept", async () => {
    const who = await party(simulator());
    await createSession(who);
    const windowId = await openWindow(who, "SalesPricePage");
    const change = {
      WindowId: windowId,
      List: [{ TabName: "FORM", DatawindowName: "form", FieldName: "description", Value: "x" }],
    };

    const answers = [
      await interactive(who, "POST", "/v2/window", {
        json: { ServiceName: "SalesPricePage" },
        accept: null,
      }),
      await interactive(who, "GET", `/v2/data?id=${windowId}`, { accept: null }),
      await interactive(who, "PUT", "/v2/change", { json: change, accept: null }),
      await interactive(who, "PUT", "/v2/tab", {
        json: { WindowId: windowId, PageName: "VALUES" },
        accept: null,
      }),
      await interactive(who, "GET", `/v2/tools?windowId=${windowId}`, { accept: null }),
    ];

    for (const answer of answers) {
      expect(answer.status).toBe(500);
      expect(answer.text).toBe("");
    }

    await endSession(who);
  });

  it("quirk 1: application/json among other types is fine", async () => {
    const who = await party(simulator());
    await createSession(who);
    const windowId = await openWindow(who, "SalesPricePage");

    const answer = await interactive(who, "GET", `/v2/window?id=${windowId}`, {
      accept: "application/json, */*",
    });

    expect(answer.status).toBe(200);
    expect(answer.contentType()).toContain("application/json");
    await endSession(who);
  });
});

describe("Accept handling on 26.1.5950", () => {
  const simulator = simulatorForBlock({ profile: "26.1.5950" });

  it("quirk 1: a create without Accept answers 200 DataContract XML as application/xml", async () => {
    const who = await party(simulator());

    const answer = await interactive(who, "POST", "/sessions", {
      json: { ResponseWindowHandlingEnabled: false },
      accept: "*/*",
    });

    expect(answer.status).toBe(200);
    expect(answer.contentType()).toBe("application/xml; charset=utf-8");
    expect(answer.text).toContain("<Session");
    expect(answer.text).toContain("http://schemas.datacontract.org/2004/07/");
    expect(answer.text).toMatch(/<Id>[0-9a-f-]{36}<\/Id>/i);
    expect((await endSession(who)).status).toBe(200);
  });

  it("quirk 1: a window call without Accept answers XML, with it JSON", async () => {
    const who = await party(simulator());
    await createSession(who);
    const windowId = await openWindow(who, "SalesPricePage");

    const xml = await interactive(who, "GET", `/v2/window?id=${windowId}`, { accept: null });
    const json = await interactive(who, "GET", `/v2/window?id=${windowId}`, {
      accept: "application/json, */*",
    });

    expect(xml.status).toBe(200);
    expect(xml.contentType()).toContain("application/xml");
    expect(xml.text.trimStart().startsWith("<")).toBe(true);
    expect(json.status).toBe(200);
    expect(json.contentType()).toContain("application/json");
    await endSession(who);
  });
});

describe("Accept handling on 25.2", () => {
  const simulator = simulatorForBlock({ profile: "25.2" });

  it("quirk 1: a create without Accept answers the default XML representation", async () => {
    const who = await party(simulator());

    const answer = await interactive(who, "POST", "/sessions", {
      json: { ResponseWindowHandlingEnabled: false },
      accept: null,
    });

    expect(answer.status).toBe(200);
    expect(answer.contentType()).toContain("xml");
    expect(answer.text).toContain("SessionId");
    await endSession(who);
  });
});
