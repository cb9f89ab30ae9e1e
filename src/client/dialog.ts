import { InputError } from "./errors.js";
import type { CallOptions } from "./channel.js";
import type { Result } from "./result.js";
import { property } from "./result.js";
import type { Tool, WindowDefinition } from "./window-data.js";

/** What a dialog needs from the window that opened it. @internal */
export interface DialogHost {
  /** `GET /v2/window?id=` of the dialog. */
  definitionOf(dialogWindowId: string, options?: CallOptions): Promise<WindowDefinition>;
  /** `GET /v2/tools?windowId=` of the dialog. */
  toolsOf(dialogWindowId: string, options?: CallOptions): Promise<Tool[]>;
  /** `POST /v2/tools` on the dialog. */
  pressOn(dialogWindowId: string, tool: Tool, options?: CallOptions): Promise<Result>;
}

/** A button of a dialog. */
export interface DialogButton {
  /** The tool name, for example `cb_1`. */
  readonly name: string;
  /** The display text without `&`, for example `Yes`. */
  readonly text: string;
}

function normaliseText(text: string): string {
  return text.replace(/&/g, "").trim().toLowerCase();
}

function isDialogButton(tool: Tool): boolean {
  return /^cb_/i.test(tool.name);
}

function textFromData(data: unknown): string | undefined {
  const rows = Array.isArray(data) ? data : [];
  for (const datawindow of rows) {
    const columns = property(datawindow, "Columns");
    const values = property(datawindow, "Data");
    if (!Array.isArray(columns) || !Array.isArray(values)) continue;

    const index = columns.findIndex((column) =>
      /^(message|text|msg|message_text)$/i.test(String(column)),
    );
    const firstRow: unknown = values[0];
    if (index >= 0 && Array.isArray(firstRow) && typeof firstRow[index] === "string") {
      return firstRow[index];
    }
  }

  return undefined;
}

/**
 * A response window (dialog) opened by a Blocked result: read its title, text and buttons, and
 * answer it by pressing one.
 */
export class Dialog {
  private definition: WindowDefinition | undefined;

  /** @internal */
  constructor(
    /** The dialog's own window id (from the `windowopened` event). */
    readonly windowId: string,
    private readonly host: DialogHost,
  ) {}

  private async load(options?: CallOptions): Promise<WindowDefinition> {
    this.definition ??= await this.host.definitionOf(this.windowId, options);

    return this.definition;
  }

  /** The dialog's class name, for example `w_message`. */
  async className(options?: CallOptions): Promise<string | undefined> {
    return (await this.load(options)).name;
  }

  /** The dialog's title, for example `Price Page`. */
  async title(options?: CallOptions): Promise<string | undefined> {
    return (await this.load(options)).title;
  }

  /** The dialog's message text, when the server exposes it. */
  async text(options?: CallOptions): Promise<string | undefined> {
    const definition = await this.load(options);
    const inDefinition = property(property(definition.raw, "Definition"), "Text", "Message");
    if (typeof inDefinition === "string") return inDefinition;

    const topLevel = property(definition.raw, "Text", "Message");
    if (typeof topLevel === "string") return topLevel;

    return textFromData(property(definition.raw, "Data"));
  }

  /** The dialog's own buttons (`cb_*`), without the parent window's ribbon. */
  async buttons(options?: CallOptions): Promise<DialogButton[]> {
    const tools = await this.host.toolsOf(this.windowId, options);

    return tools.filter(isDialogButton).map((tool) => ({
      name: tool.name,
      text: (tool.text ?? tool.name).replace(/&/g, "").trim(),
    }));
  }

  /**
   * Presses a button, found by its text (case-insensitive, `&` ignored) or its tool name. The
   * answer may be Blocked again (another dialog); answer that one through its own `dialog`.
   */
  async press(button: string, options?: CallOptions): Promise<Result> {
    const tools = await this.host.toolsOf(this.windowId, options);
    const wanted = normaliseText(button);
    const own = tools.filter(isDialogButton);
    const tool =
      own.find((candidate) => normaliseText(candidate.text ?? "") === wanted) ??
      own.find((candidate) => candidate.name.toLowerCase() === wanted) ??
      tools.find((candidate) => candidate.name.toLowerCase() === wanted);
    if (tool === undefined) {
      const known = own
        .map((candidate) => `${candidate.name} "${candidate.text ?? ""}"`)
        .join(", ");
      throw new InputError(
        `dialog ${this.windowId} has no button "${button}" (buttons: ${known || "none"})`,
        { windowId: this.windowId },
      );
    }

    return this.host.pressOn(this.windowId, tool, options);
  }
}
