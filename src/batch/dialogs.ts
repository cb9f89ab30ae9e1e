import type { Result } from "../client/index.js";
import { UnknownDialogError } from "./errors.js";

/**
 * A known dialog and the button that answers it. A rule matches when every pattern it gives
 * matches: a string is compared case-insensitively as a substring, a RegExp is tested as is.
 * A rule that names a `text` matches only when the server exposes the dialog's text (the
 * window state of a `w_message` often carries only its title), so that an unreadable dialog
 * is never answered on a guess.
 */
export interface DialogRule {
  title?: string | RegExp;
  text?: string | RegExp;
  /** Button text ("Yes") or tool name ("cb_1"). */
  press: string;
}

/** Known dialogs, tried in order; the first matching rule answers. */
export type DialogPolicy = readonly DialogRule[];

/** Most dialogs one action may raise in a row before the engine gives up on it. */
export const maxDialogsPerAction = 8;

function patternMatches(pattern: string | RegExp | undefined, value: string | undefined): boolean {
  if (pattern === undefined) return true;
  if (value === undefined) return false;
  if (typeof pattern === "string") return value.toLowerCase().includes(pattern.toLowerCase());

  pattern.lastIndex = 0;

  return pattern.test(value);
}

/** The first rule of `policy` that matches the dialog, or undefined. Pure. */
export function matchDialogRule(
  policy: DialogPolicy,
  dialog: { title: string | undefined; text: string | undefined },
): DialogRule | undefined {
  return policy.find(
    (rule) =>
      (rule.title !== undefined || rule.text !== undefined) &&
      patternMatches(rule.title, dialog.title) &&
      patternMatches(rule.text, dialog.text),
  );
}

/** A dialog that was answered, for events and the journal. */
export interface AnsweredDialog {
  title: string | undefined;
  text: string | undefined;
  pressed: string;
}

/**
 * Answers every dialog a blocked result opened, one after the other, and returns the first
 * result that is not blocked. An unknown dialog throws UnknownDialogError, left unanswered.
 */
export async function settleDialogs(
  result: Result,
  policy: DialogPolicy,
  description: string,
  onAnswered: (answered: AnsweredDialog) => void,
): Promise<Result> {
  let current = result;

  for (let count = 0; current.blocked; count += 1) {
    const dialog = current.dialog;
    if (dialog === undefined) {
      throw new UnknownDialogError(description, { title: undefined, text: undefined });
    }

    const title = await dialog.title();
    const text = await dialog.text();
    const rule = count < maxDialogsPerAction ? matchDialogRule(policy, { title, text }) : undefined;
    if (rule === undefined) {
      throw new UnknownDialogError(description, { title, text }, { windowId: dialog.windowId });
    }

    current = await dialog.press(rule.press);
    onAnswered({ title, text, pressed: rule.press });
  }

  return current;
}
