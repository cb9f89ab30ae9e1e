// Reading and answering a dialog, against an in-memory host: the shapes a server may give a
// dialog's text in, and how a button is found (pure unit test; the simulator's dialogs are
// covered end to end in session.test.ts and the protocol suite).
import { describe, expect, it } from "vitest";
import { Dialog } from "../../src/client/dialog.js";
import type { DialogHost } from "../../src/client/dialog.js";
import { InputError } from "../../src/client/errors.js";
import type { Result } from "../../src/client/result.js";
import type { Tool, WindowDefinition } from "../../src/client/window-data.js";

function tool(name: string, text?: string): Tool {
  return { name, text, datawindow: undefined, field: undefined, raw: { ToolName: name } };
}

function definition(raw: unknown): WindowDefinition {
  return {
    id: "dlg-1",
    name: "w_message",
    title: "Price Page",
    tabPages: [],
    datawindows: [],
    raw,
  };
}

/** A host answering one definition and one tool list, and recording what was asked. */
function host(raw: unknown, tools: Tool[] = []) {
  const calls = { definitions: 0, pressed: [] as string[] };
  const dialogHost: DialogHost = {
    definitionOf: () => {
      calls.definitions += 1;
      return Promise.resolve(definition(raw));
    },
    toolsOf: () => Promise.resolve(tools),
    pressOn: (_windowId, pressed) => {
      calls.pressed.push(pressed.name);
      return Promise.resolve({ ok: true } as unknown as Result);
    },
  };

  return { dialogHost, calls };
}

describe("a dialog's text", () => {
  it("is read from the definition, from the top level, or from a message column", async () => {
    const shapes: [unknown, string | undefined][] = [
      [{ Definition: { Text: "Save changes?" } }, "Save changes?"],
      [
        { Definition: { message: "In the definition, lower case" } },
        "In the definition, lower case",
      ],
      [{ Message: "At the top level" }, "At the top level"],
      [
        {
          Data: [
            { Name: "dw_other", Columns: ["code"], Data: [["x"]] },
            { Name: "dw_msg", Columns: ["icon", "Message_Text"], Data: [["?", "In a grid"]] },
          ],
        },
        "In a grid",
      ],
      [{ Data: [{ Columns: ["text"], Data: [[42]] }] }, undefined],
      [{ Data: [{ Columns: ["text"], Data: [] }] }, undefined],
      [{ Data: "not a list" }, undefined],
      [{}, undefined],
    ];

    for (const [raw, expected] of shapes) {
      const dialog = new Dialog("dlg-1", host(raw).dialogHost);
      expect(await dialog.text(), JSON.stringify(raw)).toBe(expected);
    }
  });

  it("loads the definition once for its class name, title and text", async () => {
    const { dialogHost, calls } = host({ Text: "Once" });
    const dialog = new Dialog("dlg-1", dialogHost);

    expect(await dialog.className()).toBe("w_message");
    expect(await dialog.title()).toBe("Price Page");
    expect(await dialog.text()).toBe("Once");
    expect(calls.definitions).toBe(1);
  });
});

describe("a dialog's buttons", () => {
  const tools = [
    tool("cb_1", "&Yes"),
    tool("CB_2", " &No "),
    tool("cb_3"),
    tool("m_file_save", "&Save"),
  ];

  it("are its own cb_ tools, with their text and without the accelerator mark", async () => {
    const dialog = new Dialog("dlg-1", host({}, tools).dialogHost);

    expect(await dialog.buttons()).toEqual([
      { name: "cb_1", text: "Yes" },
      { name: "CB_2", text: "No" },
      { name: "cb_3", text: "cb_3" },
    ]);
  });

  it("are pressed by text (any case, & ignored), by name, or by another tool's name", async () => {
    const { dialogHost, calls } = host({}, tools);
    const dialog = new Dialog("dlg-1", dialogHost);

    await dialog.press("yes");
    await dialog.press("&NO");
    await dialog.press("cb_3");
    await dialog.press("M_FILE_SAVE");

    expect(calls.pressed).toEqual(["cb_1", "CB_2", "cb_3", "m_file_save"]);
  });

  it("refuse a button the dialog does not have, naming the ones it has", async () => {
    const dialog = new Dialog("dlg-1", host({}, tools).dialogHost);
    const error = await dialog.press("Maybe").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      'dialog dlg-1 has no button "Maybe" (buttons: cb_1 "&Yes", CB_2 " &No ", cb_3 "")',
    );
    // A ribbon tool's text is not a dialog button's.
    await expect(dialog.press("Save")).rejects.toThrow(/no button "Save"/);
    await expect(new Dialog("dlg-2", host({}).dialogHost).press("OK")).rejects.toThrow(
      /\(buttons: none\)/,
    );
  });
});
