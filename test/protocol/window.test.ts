import { beforeAll, afterAll, describe, expect, it } from "vitest";

import type { DataWindow, ErrorEnvelope, Party, ResultEnvelope } from "./http.js";
import {
  closeWindow,
  createSession,
  endSession,
  GUID,
  interactive,
  openWindow,
  party,
  windowData,
} from "./http.js";
import { simulatorForBlock } from "./simulator.js";

interface WindowState {
  Data: unknown;
  Definition: {
    Id?: string;
    Name: string;
    Title: string;
    TabPageList: { Name: string; DisplayText?: string; Text?: string; Enabled: boolean }[];
    Datawindows: Record<
      string,
      {
        Name: string;
        ParentPage: string;
        Style: string;
        Fields: Record<string, Record<string, unknown>>;
      }
    >;
  };
}

const SALES_PRICE_PAGE_TABS = [
  "FORM",
  "VALUES",
  "COSTS",
  "PO COST MULTIPLIERS",
  "USED BY",
  "TP_PRICE_PAGE_X_LOCATION",
  "TIMESTAMPPRICE_PAGE",
];

const simulator = simulatorForBlock({ data: "demo" });
let who: Party;

beforeAll(async () => {
  who = await party(simulator());
  await createSession(who);
});

afterAll(async () => {
  await endSession(who);
});

describe("open window", () => {
  it("quirk 13: opening by ServiceName answers a GUID WindowId and a Title", async () => {
    const answer = await interactive(who, "POST", "/v2/window", {
      json: { ServiceName: "SalesPricePage" },
    });

    expect(answer.status).toBe(200);
    const opened = answer.json<{ WindowId: string; Title: unknown }>();
    expect(opened.WindowId).toMatch(GUID);
    expect(typeof opened.Title).toBe("string");
    await closeWindow(who, opened.WindowId);
  });

  it("quirk 12: an unknown service answers 400 with a blank name in the message", async () => {
    const answer = await interactive(who, "POST", "/v2/window", {
      json: { ServiceName: "NoSuchService" },
    });

    expect(answer.status).toBe(400);
    const error = answer.json<ErrorEnvelope>();
    expect(error.ErrorMessage).toMatch(
      /^Cannot open window {2}because is not available or user \S+ does not have permission\.$/,
    );
    expect(error).not.toHaveProperty("Status");
  });

  it("opens SalesPriceBook by ServiceName", async () => {
    const windowId = await openWindow(who, "SalesPriceBook");

    expect(windowId).toMatch(GUID);
    expect((await closeWindow(who, windowId)).status).toBe(200);
  });
});

describe("window state", () => {
  it("quirk 22: nests everything under Definition, maps for Datawindows and Fields, only form on open", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const answer = await interactive(who, "GET", `/v2/window?id=${windowId}`);

    expect(answer.status).toBe(200);
    const state = answer.json<WindowState>();
    expect(state).toHaveProperty("Data");
    expect(Array.isArray(state.Definition.TabPageList)).toBe(true);
    const tabTexts = state.Definition.TabPageList.map((tab) => tab.DisplayText ?? tab.Text);
    expect(tabTexts).toEqual(expect.arrayContaining(SALES_PRICE_PAGE_TABS));
    for (const tab of state.Definition.TabPageList) {
      expect(typeof tab.Enabled).toBe("boolean");
      expect(typeof (tab.DisplayText ?? tab.Text)).toBe("string");
    }

    expect(Object.keys(state.Definition.Datawindows)).toEqual(["form"]);
    const form = state.Definition.Datawindows["form"];
    expect(form?.Name).toBe("form");
    expect(form?.Style).toBe("Form");
    const formPage = state.Definition.TabPageList.find((tab) => tab.Name === form?.ParentPage);
    expect(formPage?.DisplayText ?? formPage?.Text).toBe("FORM");
    const uidField = form?.Fields["price_page_uid"];
    expect(uidField).toMatchObject({ Name: "price_page_uid", Enabled: true });
    expect(uidField).toHaveProperty("Label");
    expect(uidField).toHaveProperty("DataType");
    await closeWindow(who, windowId);
  });

  it("quirk 38: field metadata carries no ValidValues", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const state = (await interactive(who, "GET", `/v2/window?id=${windowId}`)).json<WindowState>();

    const fields = Object.values(state.Definition.Datawindows["form"]?.Fields ?? {});
    expect(fields.length).toBeGreaterThan(5);
    for (const field of fields) expect(field).not.toHaveProperty("ValidValues");
    await closeWindow(who, windowId);
  });

  it("quirk 14: GET /v2/window takes ?id= only; ?windowId= answers 422", async () => {
    const windowId = await openWindow(who, "SalesPricePage");

    const answer = await interactive(who, "GET", `/v2/window?windowId=${windowId}`);

    expect(answer.status).toBe(422);
    expect(answer.json<ErrorEnvelope>().ErrorMessage).toBe("Window ID was not provided");
    await closeWindow(who, windowId);
  });
});

describe("window data", () => {
  it("quirk 23: GET /v2/data answers a bare array of datawindows with Columns and Data[][]", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const data = await windowData(who, windowId);

    expect(Array.isArray(data)).toBe(true);
    const form = data.find((element: DataWindow) => element.Name === "form");
    expect(form).toBeDefined();
    expect(form?.Columns).toEqual(expect.arrayContaining(["price_page_uid", "description"]));
    expect(Array.isArray(form?.Data)).toBe(true);
    for (const row of form?.Data ?? []) expect(Array.isArray(row)).toBe(true);
    expect(typeof form?.ActiveRow).toBe("number");
    expect(typeof form?.TotalRows).toBe("number");
    await closeWindow(who, windowId);
  });

  it("quirk 14: GET /v2/data with ?windowId= is refused with 400 or 422", async () => {
    const windowId = await openWindow(who, "SalesPricePage");

    const answer = await interactive(who, "GET", `/v2/data?windowId=${windowId}`);

    expect([400, 422]).toContain(answer.status);
    expect(answer.json<ErrorEnvelope>().ErrorMessage).toBe("Window ID was not provided");
    await closeWindow(who, windowId);
  });
});

describe("tools", () => {
  it("quirk 23: GET /v2/tools?windowId= answers a bare array of ToolName entries", async () => {
    const windowId = await openWindow(who, "SalesPricePage");

    const answer = await interactive(who, "GET", `/v2/tools?windowId=${windowId}`);

    expect(answer.status).toBe(200);
    const tools = answer.json<{ ToolName: string }[]>();
    expect(Array.isArray(tools)).toBe(true);
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) expect(typeof tool.ToolName).toBe("string");
    await closeWindow(who, windowId);
  });

  it("quirk 14: GET /v2/tools?id= answers 400 The windowId field is required.", async () => {
    const windowId = await openWindow(who, "SalesPricePage");

    const answer = await interactive(who, "GET", `/v2/tools?id=${windowId}`);

    expect(answer.status).toBe(400);
    expect(answer.text).toContain("The windowId field is required.");
    await closeWindow(who, windowId);
  });

  it("quirk 32: a tool posted under Name answers Status 2 with no message and does nothing", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const tools = (await interactive(who, "GET", `/v2/tools?windowId=${windowId}`)).json<
      { ToolName: string }[]
    >();

    const answer = await interactive(who, "POST", "/v2/tools", {
      json: { WindowId: windowId, Name: tools[0]?.ToolName },
    });

    expect(answer.status).toBe(200);
    const result = answer.json<ResultEnvelope>();
    expect(result.Status).toBe(2);
    expect(result.Messages).toEqual([]);
    await closeWindow(who, windowId);
  });
});

describe("close window", () => {
  it("closes with ?id= and the window is then unknown (404 Window not found)", async () => {
    const windowId = await openWindow(who, "SalesPricePage");

    const answer = await closeWindow(who, windowId);

    expect(answer.status).toBe(200);
    const afterwards = await interactive(who, "GET", `/v2/window?id=${windowId}`);
    expect(afterwards.status).toBe(404);
    expect(afterwards.json<ErrorEnvelope>().ErrorMessage).toBe("Window not found");
  });

  it("quirk 14: DELETE /v2/window?windowId= answers 422 and leaves the window open", async () => {
    const windowId = await openWindow(who, "SalesPricePage");

    const answer = await interactive(who, "DELETE", `/v2/window?windowId=${windowId}`);

    expect(answer.status).toBe(422);
    expect(answer.json<ErrorEnvelope>().ErrorMessage).toBe("Window ID was not provided");
    expect((await interactive(who, "GET", `/v2/window?id=${windowId}`)).status).toBe(200);
    await closeWindow(who, windowId);
  });
});

describe("paths that do not exist", () => {
  it("quirk 31: /v2/responsewindow, /v2/responsewindows and /v2/button answer 404", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const body = { json: { WindowId: windowId } };

    expect((await interactive(who, "PUT", "/v2/responsewindow", body)).status).toBe(404);
    expect((await interactive(who, "PUT", "/v2/responsewindows", body)).status).toBe(404);
    expect((await interactive(who, "POST", "/v2/button", body)).status).toBe(404);
    await closeWindow(who, windowId);
  });

  it("quirk 31: DELETE /v2/window?button=No answers 400", async () => {
    const answer = await interactive(who, "DELETE", "/v2/window?button=No");

    expect(answer.status).toBe(400);
  });

  it("quirk 44: v1 Interactive paths answer 404", async () => {
    const windowId = await openWindow(who, "SalesPricePage");

    const answer = await interactive(who, "PUT", "/v1/change", {
      json: { WindowId: windowId, ChangeRequests: [] },
    });

    expect(answer.status).toBe(404);
    await closeWindow(who, windowId);
  });
});
