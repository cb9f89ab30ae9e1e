import { describe, expect, it } from "vitest";
import { closeWindow, PopupWindow } from "../../src/simulator/windows/dialogs.js";
import { PricePageWindow } from "../../src/simulator/windows/price-page-window.js";
import { keyForm } from "./support/price-page-key-form.js";
import { eventValue, harness, item } from "./support/window-harness.js";

describe("dialogs", () => {
  it("with handling off, answers the overlap warning Yes and saves, echoing its text", () => {
    const { context, store } = harness({ dialogs: false });
    const window = new PricePageWindow(context);
    keyForm(window);

    const saved = window.save();

    expect(saved.Status).toBe(1);
    expect(saved.Messages[0]?.Text).toContain(
      "Another active price page exists for supplier 10010 and product group FASTN",
    );
    expect(store.overlappingActivePages(store.pricePage(100721) ?? {}, 100721)).toHaveLength(1);
  });

  it("with handling on, blocks the window until the popup is answered", () => {
    const { context, windows, commits } = harness({ dialogs: true });
    const window = new PricePageWindow(context);
    keyForm(window);

    const blocked = window.save();
    const popupId = eventValue(blocked, "windowopened") ?? "";
    const popup = windows.get(popupId);

    expect(blocked.Status).toBe(3);
    expect(popup).toBeInstanceOf(PopupWindow);
    expect(() => window.admit("other")).toThrow("waiting for an answer");
    expect(
      popup
        ?.tools()
        .map((tool) => [tool.ToolName, tool.Text])
        .slice(0, 2),
    ).toEqual([
      ["cb_1", "Yes"],
      ["cb_2", "No"],
    ]);

    const answered = popup?.runTool("cb_1");
    expect(eventValue(answered ?? blocked, "keygenerated")).toBe("100721");
    expect(commits).toHaveLength(1);
    expect(windows.has(popupId)).toBe(false);
    expect(() => window.admit("other")).not.toThrow();
  });

  it("with handling on, shows the message box text in the Blocked answer and the popup's state", () => {
    const { context, windows } = harness({ dialogs: true });
    const window = new PricePageWindow(context);
    keyForm(window);
    const text =
      "Another active price page exists for supplier 10010 and product group FASTN over these dates. Save anyway?";

    const blocked = window.save();
    const popup = windows.get(eventValue(blocked, "windowopened") ?? "");

    expect(blocked).toMatchObject({ Status: 3, Messages: [{ Text: text, Type: 1 }] });
    expect(popup?.state().Definition).toMatchObject({
      Name: "w_message",
      Title: "Price Page",
      Text: text,
    });
    expect(window.state().Definition).not.toHaveProperty("Text");
  });

  it("shows no text for a popup that is not a message box", () => {
    const { context, windows } = harness({ dialogs: true });
    const window = new PricePageWindow(context);

    const blocked = window.runTool("Quick.Notes");
    const popup = windows.get(eventValue(blocked, "windowopened") ?? "");

    expect(blocked).toMatchObject({ Status: 3, Messages: [] });
    expect(popup?.state().Definition).toMatchObject({ Name: "w_notepad_response_lite" });
    expect(popup?.state().Definition).not.toHaveProperty("Text");
  });

  it("lets a notepad popup take its own fields, refuse a save and run only its parent's ribbon", () => {
    const { context, windows } = harness({ dialogs: true });
    const window = new PricePageWindow(context);
    const blocked = window.runTool("Quick.Notes");
    const popup = windows.get(eventValue(blocked, "windowopened") ?? "");
    if (!(popup instanceof PopupWindow)) throw new Error("no popup opened");

    expect(
      popup.change([item("_dw_hdr", "topic", "Freight"), item("_dw_hdr", "note", "Ships Fridays")]),
    ).toMatchObject({ Status: 1 });
    expect(popup.values()).toMatchObject({ topic: "Freight", note: "Ships Fridays" });
    expect(popup.change([item("_dw_hdr", "topic", "x".repeat(41))]).Messages[0]?.Text).toContain(
      "too long",
    );
    expect(popup.values()).toMatchObject({ topic: "Freight" });
    expect(popup.save()).toMatchObject({
      Status: 2,
      Messages: [{ Text: "There is nothing to save in a response window." }],
    });
    expect(popup.runTool("quick.clear")).toMatchObject({ Status: 1 });
    expect(popup.runTool("cb_99")).toMatchObject({
      Status: 2,
      Messages: [{ Text: "Tool cb_99 is not available in this window." }],
    });
    expect(popup.tools().map((tool) => tool.ToolName)).toContain("Quick.Save");

    popup.clear();
    expect(popup.values()).toMatchObject({ topic: null, note: null });
  });

  it("saves nothing when the overlap warning is answered No", () => {
    const { context, windows, commits } = harness({ dialogs: true });
    const window = new PricePageWindow(context);
    keyForm(window);
    const popupId = eventValue(window.save(), "windowopened") ?? "";

    const answered = windows.get(popupId)?.runTool("cb_2");

    expect(answered).toMatchObject({ Status: 2, Messages: [{ Text: "Save cancelled." }] });
    expect(commits).toHaveLength(0);
  });

  it("asks before closing with unsaved edits; with handling off the edits are discarded", () => {
    const asked = harness({ dialogs: true });
    const window = new PricePageWindow(asked.context);
    asked.windows.set(window.id, window);
    window.change([item("form", "price_page_type_cd", "Supplier")]);
    const closing = closeWindow(window);
    expect(closing.Status).toBe(3);
    const popup = asked.windows.get(eventValue(closing, "windowopened") ?? "");
    expect(popup?.runTool("cb_3").Status).toBe(1);
    expect(asked.windows.has(window.id)).toBe(true);

    const silent = harness({ dialogs: false });
    const other = new PricePageWindow(silent.context);
    silent.windows.set(other.id, other);
    other.change([item("form", "price_page_type_cd", "Supplier")]);
    expect(closeWindow(other).Status).toBe(1);
    expect(silent.windows.size).toBe(0);
    expect(silent.commits).toHaveLength(0);
  });

  it("refuses a popup that is not a message box when handling is off", () => {
    const window = new PricePageWindow(harness({ dialogs: false }).context);
    expect(() => window.runTool("Quick.Notes")).toThrow(
      "Unexpected response window: Notepad Entry Window. Window class: w_notepad_response_lite",
    );
  });
});
