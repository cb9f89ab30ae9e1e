// The client's dialogs over a mocked wire: a blocked result, its buttons and its text, and the
// window's state while one is open.
import { describe, expect, it } from "vitest";
import { WindowStateError } from "../../src/client/index.js";
import { mockSessionPerTest } from "./mock-p21.js";

const wire = mockSessionPerTest();

const success = { body: { Status: 1, Messages: [], Events: [] } };

describe("dialogs", () => {
  const blocked = {
    body: {
      Status: 3,
      ResponseWindowId: "",
      Messages: [],
      Events: [{ Name: "windowopened", Data: [{ Key: "windowid", Value: "popup-1" }] }],
    },
  };

  it("brings a Blocked save back with a dialog that lists its own buttons and presses by text", async () => {
    const session = await wire.open();
    wire.mock.interactive("PUT", "/v2/data", blocked);
    wire.mock.interactive("GET", "/v2/window", {
      body: {
        Data: [],
        Definition: { Name: "w_message", Title: "Price Page", Datawindows: {}, TabPageList: [] },
      },
    });
    wire.mock.interactive("GET", "/v2/tools", {
      body: [
        { ToolName: "Quick.Save", Text: "Save" },
        { ToolName: "cb_1", Text: "&Yes" },
        { ToolName: "cb_2", Text: "&No" },
      ],
    });
    wire.mock.interactive("POST", "/v2/tools", {
      body: {
        Status: 1,
        Events: [{ Name: "keygenerated", Data: [{ Key: "price_page_uid", Value: "77" }] }],
      },
    });
    const window = await session.openWindow("SalesPricePage");
    const saved = await window.save();

    expect(saved.blocked).toBe(true);
    expect(window.state).toBe("blocked");
    await expect(window.change("FORM", "form", "a", "1")).rejects.toMatchObject({
      code: "P21_WINDOW_BLOCKED",
    });

    const dialog = saved.dialog!;
    expect(dialog.windowId).toBe("popup-1");
    expect(await dialog.title()).toBe("Price Page");
    expect(await dialog.buttons()).toEqual([
      { name: "cb_1", text: "Yes" },
      { name: "cb_2", text: "No" },
    ]);
    const answered = await dialog.press("yes");

    expect(answered.generatedKey).toBe(77);
    expect(window.state).toBe("open");
    expect(wire.mock.requestsTo("GET", "/v2/tools")[0]?.path).toContain("?windowId=popup-1");
    expect(wire.mock.requestsTo("GET", "/v2/window")[0]?.path).toContain("?id=popup-1");
    expect(wire.mock.requestsTo("POST", "/v2/tools")[0]?.body).toEqual({
      WindowId: "popup-1",
      ToolName: "cb_1",
    });
  });

  it("presses by tool name and refuses an unknown button without a request", async () => {
    const session = await wire.open();
    wire.mock.interactive("PUT", "/v2/data", blocked);
    wire.mock.interactive("GET", "/v2/tools", {
      body: [
        { ToolName: "cb_1", Text: "&Yes" },
        { ToolName: "cb_2", Text: "&No" },
      ],
    });
    wire.mock.interactive("POST", "/v2/tools", {
      body: { Status: 2, Messages: [{ Text: "Save cancelled.", Type: 2 }] },
    });
    const window = await session.openWindow("SalesPricePage");
    const dialog = (await window.save()).dialog!;

    await expect(dialog.press("Maybe")).rejects.toMatchObject({ code: "P21_INVALID_INPUT" });
    expect(wire.mock.requestsTo("POST", "/v2/tools")).toHaveLength(0);
    const answered = await dialog.press("cb_2");
    expect(answered.ok).toBe(false);
    expect(wire.mock.requestsTo("POST", "/v2/tools")[0]?.body).toMatchObject({ ToolName: "cb_2" });
  });

  it("closes a window with unsaved edits through the save-before-close dialog", async () => {
    const session = await wire.open();
    wire.mock.interactive("DELETE", "/v2/window", blocked);
    wire.mock.interactive("GET", "/v2/tools", {
      body: [
        { ToolName: "cb_1", Text: "Yes" },
        { ToolName: "cb_2", Text: "No" },
        { ToolName: "cb_3", Text: "Cancel" },
      ],
    });
    wire.mock.interactive("POST", "/v2/tools", success);
    const window = await session.openWindow("SalesPricePage");
    const closing = await window.close();

    expect(closing?.blocked).toBe(true);
    expect(window.state).toBe("blocked");
    await closing!.dialog!.press("No");
    expect(window.state).toBe("closed");
    await expect(window.save()).rejects.toBeInstanceOf(WindowStateError);
    expect(await window.close()).toBeUndefined();
    expect(wire.mock.requestsTo("DELETE", "/v2/window")[0]?.path).toContain("?id=window-1");
  });

  it("keeps the window open when the save-before-close dialog is cancelled", async () => {
    const session = await wire.open();
    wire.mock.interactive("DELETE", "/v2/window", blocked);
    wire.mock.interactive("GET", "/v2/tools", { body: [{ ToolName: "cb_3", Text: "Cancel" }] });
    wire.mock.interactive("POST", "/v2/tools", success);
    const window = await session.openWindow("SalesPricePage");

    await (await window.close())!.dialog!.press("Cancel");
    expect(window.state).toBe("open");
  });

  it("keeps the window open when Yes on the save-before-close dialog fails to save", async () => {
    const session = await wire.open();
    wire.mock.interactive("DELETE", "/v2/window", blocked);
    wire.mock.interactive("GET", "/v2/tools", { body: [{ ToolName: "cb_1", Text: "Yes" }] });
    wire.mock.interactive("POST", "/v2/tools", {
      body: {
        Status: 2,
        Messages: [{ Text: "Required value missing for Expiration Date.", Type: 2 }],
      },
    });
    const window = await session.openWindow("SalesPricePage");
    const answered = await (await window.close())!.dialog!.press("Yes");

    expect(answered.ok).toBe(false);
    expect(window.state).toBe("open");
  });

  it("closes a window with an empty answer", async () => {
    const session = await wire.open();
    wire.mock.interactive("DELETE", "/v2/window", { text: "" });
    const window = await session.openWindow("SalesPricePage");

    expect(await window.close()).toBeUndefined();
    expect(window.state).toBe("closed");
    expect(session.windows).toHaveLength(0);
  });
});
