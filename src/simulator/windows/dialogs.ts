import { refuse } from "../http/answer.js";
import type { DatawindowDefinition } from "./datawindow.js";
import { char, type FieldDefinition } from "./fields.js";
import {
  event,
  failure,
  MessageType,
  result,
  success,
  ResultStatus,
  type ResultEnvelope,
} from "./result.js";
import type { ChangeItem, FieldOutcome, ToolDescription } from "./window-types.js";
import { InteractiveWindow, RIBBON_TOOLS } from "./window.js";
import type { Datawindow } from "./datawindow.js";

export interface DialogButton {
  toolName: string;
  text: string;
}

/** A response window a window action raises. */
export interface DialogSpecification {
  className: "w_message" | "w_notepad_response_lite";
  title: string;
  /** The message box text. */
  text?: string;
  buttons: readonly DialogButton[];
  /** The button a plain message box is answered with when response windows are not handled. */
  defaultButton: string;
  /** The button standing for a popup closed without an answer. */
  cancelButton: string;
  /** Plain message boxes are auto-answered when handling is off; other popups are a 400. */
  plainMessageBox: boolean;
  datawindows?: readonly DatawindowDefinition[];
  /** What answering with a button does; its result is the answer of the tools call. */
  onAnswer(button: string, popup: PopupWindow): ResultEnvelope;
}

/** A response window (popup): no tab pages, its buttons as tools. */
export class PopupWindow extends InteractiveWindow {
  readonly serviceName = "";
  readonly className: string;
  readonly title: string;
  readonly specification: DialogSpecification;

  constructor(parent: InteractiveWindow, specification: DialogSpecification) {
    super(parent.context, [], specification.datawindows ?? []);
    this.parent = parent;
    this.className = specification.className;
    this.title = specification.title;
    this.specification = specification;
  }

  get dirty(): boolean {
    return false;
  }

  save(): ResultEnvelope {
    return failure("There is nothing to save in a response window.");
  }

  clear(): void {
    for (const datawindow of this.datawindows.values()) datawindow.reset();
  }

  protected applyField(
    _datawindow: Datawindow,
    field: FieldDefinition,
    item: ChangeItem,
  ): FieldOutcome {
    const parsed = this.parse(field, item);
    if (!parsed.ok) return { kind: "rejected", message: parsed.message };

    const record = _datawindow.activeRecord;
    if (record !== undefined) record[field.name] = parsed.value;
    return { kind: "applied" };
  }

  /** Its buttons, then the parent's ribbon (the real list mixes them in). */
  override tools(): ToolDescription[] {
    const buttons = this.specification.buttons.map((button) => ({
      ToolName: button.toolName,
      Text: button.text,
      DatawindowName: null,
      FieldName: null,
    }));
    return [...buttons, ...RIBBON_TOOLS];
  }

  override runTool(toolName: string): ResultEnvelope {
    const button = this.specification.buttons.find(
      (candidate) => candidate.toolName.toLowerCase() === toolName.toLowerCase(),
    );
    if (button === undefined) {
      if (RIBBON_TOOLS.some((tool) => tool.ToolName.toLowerCase() === toolName.toLowerCase())) {
        return success();
      }

      return failure(`Tool ${toolName} is not available in this window.`);
    }

    return this.answer(button.toolName);
  }

  /** Closes the popup with a button and runs what the button does. */
  answer(toolName: string): ResultEnvelope {
    this.dismiss();
    const answered = this.specification.onAnswer(toolName, this);
    const closeEvent = event("close", { is_response: "true", windowid: this.id });
    return { ...answered, Events: [closeEvent, ...answered.Events] };
  }

  /** Unblocks the parent and forgets the popup. */
  dismiss(): void {
    if (this.parent?.blockingPopup === this) this.parent.blockingPopup = undefined;
    this.context.unregister(this);
  }

  /**
   * `GET /v2/window` of the popup: a message box also carries its text in `Definition.Text`
   * (inferred: the fact sheet shows only `Name`, `Title`, `Datawindows` and `TabPageList`).
   */
  override state() {
    const state = super.state();
    const text = this.specification.text;
    if (text === undefined) return state;

    return { ...state, Definition: { ...state.Definition, Text: text } };
  }

  /** Field values of the popup's first datawindow. */
  values(): Record<string, unknown> {
    const first = [...this.datawindows.values()][0];
    return { ...(first?.activeRecord ?? {}) };
  }
}

/**
 * Raises a dialog from `parent`. With response-window handling on, the popup blocks the parent
 * and the action answers `Status: 3` with a `windowopened` event, and a message box's text as
 * a warning (`Type: 1`) in Messages. With it off, a plain message box is answered by its
 * default button (its text echoes in Messages as information) and any other popup is the
 * documented 400 "Unexpected response window".
 */
export function raiseDialog(
  parent: InteractiveWindow,
  specification: DialogSpecification,
): ResultEnvelope {
  if (!parent.context.responseWindowHandling) {
    if (!specification.plainMessageBox) {
      throw refuse(
        400,
        `Unexpected response window: ${specification.title}. Window class: ${specification.className}`,
      );
    }

    const popup = new PopupWindow(parent, specification);
    const answered = specification.onAnswer(specification.defaultButton, popup);
    const echo =
      specification.text === undefined
        ? []
        : [{ Text: specification.text, Type: MessageType.Information }];
    return { ...answered, Messages: [...echo, ...answered.Messages] };
  }

  const popup = new PopupWindow(parent, specification);
  parent.blockingPopup = popup;
  parent.context.register(popup);
  const question =
    specification.text === undefined
      ? []
      : [{ Text: specification.text, Type: MessageType.Warning }];
  return result(ResultStatus.Blocked, question, [event("windowopened", { windowid: popup.id })]);
}

/** A Yes/No(/Cancel) `w_message`. */
export function messageBox(
  title: string,
  text: string,
  buttons: readonly DialogButton[],
  onAnswer: DialogSpecification["onAnswer"],
  defaultButton: string,
): DialogSpecification {
  const cancelButton = buttons[buttons.length - 1]?.toolName ?? defaultButton;
  return {
    className: "w_message",
    title,
    text,
    buttons,
    defaultButton,
    cancelButton,
    plainMessageBox: true,
    onAnswer,
  };
}

export const YES_NO: readonly DialogButton[] = [
  { toolName: "cb_1", text: "Yes" },
  { toolName: "cb_2", text: "No" },
];

export const YES_NO_CANCEL: readonly DialogButton[] = [
  ...YES_NO,
  { toolName: "cb_3", text: "Cancel" },
];

/**
 * `DELETE /v2/window`. A main window with unsaved edits raises "Save changes before
 * closing?" (Yes saves then closes, No discards and closes, Cancel keeps it open); with
 * response-window handling off it is answered No. Closing a popup answers it with its cancel
 * button. Closing a window closes its open popup too.
 */
export function closeWindow(window: InteractiveWindow): ResultEnvelope {
  if (window instanceof PopupWindow) return window.answer(window.specification.cancelButton);

  const finish = (): ResultEnvelope => {
    window.blockingPopup?.context.unregister(window.blockingPopup);
    window.blockingPopup = undefined;
    window.context.unregister(window);
    return success();
  };

  if (!window.dirty || window.corrupted) return finish();

  const onAnswer = (button: string): ResultEnvelope => {
    if (button === "cb_2") return finish();
    if (button === "cb_3") return success();

    const saved = window.save();
    if (saved.Status === ResultStatus.Success) {
      finish();
    }

    return saved;
  };

  // With handling off the box is answered by its default, No: the edits are discarded.
  return raiseDialog(
    window,
    messageBox(window.title, "Save changes before closing?", YES_NO_CANCEL, onAnswer, "cb_2"),
  );
}

/** The notes popup (`w_notepad_response_lite`): editable, and not a plain message box. */
export function notepadDialog(): DialogSpecification {
  return {
    className: "w_notepad_response_lite",
    title: "Notepad Entry Window",
    buttons: [
      { toolName: "cb_ok", text: "OK" },
      { toolName: "cb_cancel", text: "Cancel" },
    ],
    defaultButton: "cb_ok",
    cancelButton: "cb_cancel",
    plainMessageBox: false,
    datawindows: [
      {
        name: "_dw_hdr",
        tabName: "",
        style: "Form",
        fields: [char("topic", "Topic", 40), char("note", "Note", 4000)],
      },
    ],
    // Known limit: notes are accepted and then forgotten; no table holds them.
    onAnswer: () => success(),
  };
}
