import { describe, expect, it } from "vitest";
import {
  DatawindowNotFoundError,
  RequestSwallowedError,
  ServerRefusedError,
  UnexpectedResponseWindowError,
} from "../../src/client/index.js";
import { mockSessionPerTest } from "./mock-p21.js";

const wire = mockSessionPerTest();

const success = { body: { Status: 1, Messages: [], Events: [] } };

describe("window operations on the wire", () => {
  it.each([
    [{ WindowId: "w-upper" }, "w-upper"],
    [{ windowId: "w-lower" }, "w-lower"],
    [{ Id: "w-id" }, "w-id"],
  ])("reads the window id from %j", async (body, expected) => {
    const session = await wire.open();
    wire.mock.interactive("POST", "/v2/window", { body });

    const window = await session.openWindow("SalesPricePage");
    expect(window.id).toBe(expected);
    expect(wire.mock.requestsTo("POST", "/v2/window")[0]?.body).toEqual({
      ServiceName: "SalesPricePage",
    });
  });

  it("sends each operation with the body and query parameter the server wants", async () => {
    const session = await wire.open();
    for (const [method, route] of [
      ["PUT", "/v2/change"],
      ["PUT", "/v2/tab"],
      ["POST", "/v2/row"],
      ["PUT", "/v2/row"],
      ["PUT", "/v2/data"],
      ["DELETE", "/v2/data"],
      ["POST", "/v2/tools"],
    ] as const) {
      wire.mock.interactive(method, route, success);
    }

    wire.mock.interactive("GET", "/v2/data", {
      body: [
        {
          Name: "form",
          FullName: "FORM.form",
          ActiveRow: 0,
          TotalRows: 1,
          Columns: ["a", "b"],
          Data: [["1", null]],
        },
      ],
    });
    wire.mock.interactive("GET", "/v2/window", {
      body: {
        Data: {},
        Definition: {
          Id: "window-1",
          Name: "w_price_page",
          Title: "Sales Price Page",
          TabPageList: [{ Name: "FORM", DisplayText: "Form", Enabled: true }],
          Datawindows: {
            form: {
              Name: "form",
              ParentPage: "FORM",
              Style: "Form",
              Fields: { a: { Name: "a", Label: "A", Enabled: true, DataType: "Char" } },
            },
          },
        },
      },
    });
    wire.mock.interactive("GET", "/v2/tools", {
      body: [{ ToolName: "cb_ok", Text: "&OK", DatawindowName: null }],
    });
    const window = await session.openWindow("SalesPricePage");

    await window.change("FORM", "form", "description", "Example");
    await window.change([
      { tab: "FORM", datawindow: "form", field: "a", value: "1" },
      { tab: null, datawindow: "_dw_hdr", field: "b", value: "2", valueType: "Data" },
    ]);
    await window.selectTab("VALUES");
    await window.addRow("list_detail");
    await window.selectRow("list_detail", 2);
    await window.save();
    await window.clear();
    const data = await window.data();
    const definition = await window.windowState();
    const tools = await window.tools({ datawindow: "form" });
    await window.runTool("cb_ok", { toolText: "OK" });

    const sent = wire.mock.requests.slice(4).map((request) => ({
      call: `${request.method} ${request.path.replace("/uiserver0/api/ui/interactive", "")}`,
      body: request.body,
    }));
    expect(sent).toEqual([
      {
        call: "PUT /v2/change",
        body: {
          WindowId: "window-1",
          List: [
            { TabName: "FORM", DatawindowName: "form", FieldName: "description", Value: "Example" },
          ],
        },
      },
      {
        call: "PUT /v2/change",
        body: {
          WindowId: "window-1",
          List: [
            { TabName: "FORM", DatawindowName: "form", FieldName: "a", Value: "1" },
            {
              TabName: null,
              DatawindowName: "_dw_hdr",
              FieldName: "b",
              Value: "2",
              ValueType: "Data",
            },
          ],
        },
      },
      { call: "PUT /v2/tab", body: { WindowId: "window-1", PageName: "VALUES" } },
      { call: "POST /v2/row", body: { WindowId: "window-1", DatawindowName: "list_detail" } },
      {
        call: "PUT /v2/row",
        body: { WindowId: "window-1", DatawindowName: "list_detail", Row: 2 },
      },
      { call: "PUT /v2/data", body: "window-1" },
      { call: "DELETE /v2/data?id=window-1", body: undefined },
      { call: "GET /v2/data?id=window-1", body: undefined },
      { call: "GET /v2/window?id=window-1", body: undefined },
      { call: "GET /v2/tools?windowId=window-1&dwName=form", body: undefined },
      { call: "POST /v2/tools", body: { WindowId: "window-1", ToolName: "cb_ok", ToolText: "OK" } },
    ]);
    expect(wire.mock.requestsTo("PUT", "/v2/data")[0]?.rawBody).toBe('"window-1"');
    expect(data[0]?.value("a")).toBe("1");
    expect(data[0]?.value("B")).toBeNull();
    expect(data[0]?.record()).toEqual({ a: "1", b: null });
    expect(definition.title).toBe("Sales Price Page");
    expect(definition.tabPages).toEqual([{ name: "FORM", text: "Form", enabled: true }]);
    expect(definition.datawindows[0]?.fields[0]).toEqual({
      name: "a",
      label: "A",
      enabled: true,
      dataType: "Char",
    });
    expect(tools).toMatchObject([{ name: "cb_ok", text: "&OK" }]);
  });

  it("answers a Failure result as a value, not an error", async () => {
    const session = await wire.open();
    wire.mock.interactive("PUT", "/v2/change", {
      body: { Status: 2, Messages: [{ Text: "Invalid price_page_type_cd value: 214", Type: 2 }] },
    });
    const window = await session.openWindow("SalesPricePage");
    const result = await window.change("FORM", "form", "price_page_type_cd", "214");

    expect(result.ok).toBe(false);
    expect(result.messages.join("; ")).toBe("Invalid price_page_type_cd value: 214");
  });

  it("reads a 400 error envelope as ServerRefusedError with the disabled column", async () => {
    const session = await wire.open();
    wire.mock.interactive("PUT", "/v2/change", {
      status: 400,
      body: { ErrorMessage: "Column is disabled: company_id", ErrorType: null },
    });
    const window = await session.openWindow("SalesPricePage");
    const error = await window
      .change("FORM", "form", "company_id", "1")
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ServerRefusedError);
    expect(error).toMatchObject({
      status: 400,
      field: "company_id",
      retry: "permanent",
      windowId: "window-1",
    });
    expect((error as Error).message).toContain("change of form.company_id");
  });

  it("reads an Unexpected response window 400", async () => {
    const session = await wire.open();
    wire.mock.interactive("POST", "/v2/tools", {
      status: 400,
      body: {
        ErrorMessage:
          "Unexpected response window: Notepad Entry Window. Window class: w_notepad_response_lite",
      },
    });
    const window = await session.openWindow("SalesPricePage");

    await expect(window.runTool("notes")).rejects.toBeInstanceOf(UnexpectedResponseWindowError);
  });

  it("after a datawindow-not-found 400, reads the next empty 500 as a swallowed request", async () => {
    const session = await wire.open();
    const window = await session.openWindow("SalesPricePage");
    wire.mock.interactiveOnce("PUT", "/v2/change", {
      status: 400,
      body: { ErrorMessage: "Unable to find datawindow named dw_1", ErrorType: null },
    });
    wire.mock.interactiveOnce("PUT", "/v2/change", { status: 500, text: "" });
    wire.mock.interactive("PUT", "/v2/change", success);

    const first = await window.change("FORM", "dw_1", "a", "1").catch((caught: unknown) => caught);
    expect(first).toBeInstanceOf(DatawindowNotFoundError);
    expect((first as Error).message).toContain("may be swallowed");

    const second = await window.change("FORM", "form", "a", "1").catch((caught: unknown) => caught);
    expect(second).toBeInstanceOf(RequestSwallowedError);
    expect(second).toMatchObject({
      code: "P21_REQUEST_SWALLOWED",
      retry: "transient",
      status: 500,
    });
    expect((second as Error).message).toContain("swallowed");

    expect((await window.change("FORM", "form", "a", "1")).ok).toBe(true);
    expect(wire.mock.requestsTo("PUT", "/v2/change")).toHaveLength(3);
  });

  it("reads an empty 500 without a preceding datawindow error as a server error", async () => {
    const session = await wire.open();
    const window = await session.openWindow("SalesPricePage");
    wire.mock.interactive("PUT", "/v2/change", { status: 500, text: "" });
    wire.mock.interactive("PUT", "/v2/data", { status: 500, text: "" });

    await expect(window.change("FORM", "form", "a", "1")).rejects.toMatchObject({
      code: "P21_SERVER_ERROR",
      retry: "transient",
    });
    await expect(window.save()).rejects.toMatchObject({
      code: "P21_SERVER_ERROR",
      retry: "ambiguous",
    });
    expect(wire.mock.requestsTo("PUT", "/v2/data")).toHaveLength(1);
  });

  it("sends a close swallowed after a datawindow-not-found 400 once more, and closes", async () => {
    const session = await wire.open();
    const window = await session.openWindow("SalesPricePage");
    wire.mock.interactiveOnce("PUT", "/v2/change", {
      status: 400,
      body: { ErrorMessage: "Unable to find datawindow named x" },
    });
    wire.mock.interactiveOnce("DELETE", "/v2/window", { status: 500, text: "" });
    wire.mock.interactive("DELETE", "/v2/window", success);

    await expect(window.change("FORM", "x", "a", "1")).rejects.toBeInstanceOf(
      DatawindowNotFoundError,
    );
    await window.close();

    expect(window.state).toBe("closed");
    expect(wire.mock.requestsTo("DELETE", "/v2/window")).toHaveLength(2);
  });

  it("does not re-send a swallowed save", async () => {
    const session = await wire.open();
    const window = await session.openWindow("SalesPricePage");
    wire.mock.interactiveOnce("PUT", "/v2/change", {
      status: 400,
      body: { ErrorMessage: "Unable to find datawindow named x" },
    });
    wire.mock.interactive("PUT", "/v2/data", { status: 500, text: "" });

    await expect(window.change("FORM", "x", "a", "1")).rejects.toBeInstanceOf(
      DatawindowNotFoundError,
    );
    await expect(window.save()).rejects.toBeInstanceOf(RequestSwallowedError);
    expect(wire.mock.requestsTo("PUT", "/v2/data")).toHaveLength(1);
  });
});
