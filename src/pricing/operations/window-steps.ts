import type { FieldChange, Result, Window } from "../../client/index.js";
import { RecordRefusedError } from "../../batch/index.js";
import type { OperationContext } from "../../batch/index.js";

/** The first change whose field the server's message names, for a refused batched change. */
function fieldNamed(result: Result, changes: readonly FieldChange[]): string | undefined {
  const text = result.messages.map((message) => message.text).join(" ");
  return changes.find((change) => text.includes(change.field))?.field;
}

/** Answers the dialogs a result opened (per the run's policy) and returns the final result. */
export async function settled(result: Result, context: OperationContext): Promise<Result> {
  return result.blocked ? context.settleDialogs(result) : result;
}

/**
 * Sends changes, all in one request (`together`) or one request per field, and refuses the
 * record on the first answer that is not a success, naming the field.
 */
export async function applyChanges(
  window: Window,
  changes: readonly FieldChange[],
  together: boolean,
  description: string,
  context: OperationContext,
): Promise<void> {
  const groups = together ? [changes] : changes.map((change) => [change]);
  for (const group of groups) {
    if (group.length === 0) {
      continue;
    }

    const result = await settled(await window.change(group, { signal: context.signal }), context);
    if (!result.ok) {
      const field = group.length === 1 ? group[0]?.field : fieldNamed(result, group);
      throw new RecordRefusedError(
        `change refused for ${description}`,
        result,
        field === undefined ? {} : { field },
      );
    }
  }
}

/** Selects a tab page; a refusal (a disabled tab) refuses the record. */
export async function selectTab(
  window: Window,
  pageName: string,
  description: string,
  context: OperationContext,
): Promise<void> {
  const result = await settled(
    await window.selectTab(pageName, { signal: context.signal }),
    context,
  );
  if (!result.ok) {
    throw new RecordRefusedError(`tab ${pageName} refused for ${description}`, result);
  }
}

/** Saves the window, answering its dialogs; a refusal refuses the record. */
export async function save(
  window: Window,
  description: string,
  context: OperationContext,
): Promise<Result> {
  const result = await settled(await window.save({ signal: context.signal }), context);
  if (!result.ok) {
    throw new RecordRefusedError(`save failed for ${description}`, result);
  }

  return result;
}
