// The steps the price-page operations take on a window, on a stub window (a pure unit test):
// how they group changes, answer dialogs and turn a refusal into a refused record that names
// the field when it can. The same steps against the simulator are in workflow.test.ts.
import { describe, expect, it } from "vitest";
import { RecordRefusedError } from "../../src/batch/index.js";
import type { OperationContext } from "../../src/batch/index.js";
import { Result } from "../../src/client/index.js";
import type { FieldChange, Window } from "../../src/client/index.js";
import { applyChanges, save, selectTab } from "../../src/pricing/operations/window-steps.js";

const success = Result.parse({ Status: 1 });
const blocked = Result.parse({ Status: 3 });
const refused = (text: string) => Result.parse({ Status: 2, Messages: [{ Text: text, Type: 2 }] });

/** A window that answers each call with the next result given, and records what it was sent. */
function stubWindow(answers: Result[]) {
  const sent: string[] = [];
  const next = (call: string) => {
    sent.push(call);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`no answer left for ${call}`);

    return Promise.resolve(answer);
  };
  const window = {
    change: (changes: readonly FieldChange[]) =>
      next(`change ${changes.map((change) => change.field).join(",")}`),
    selectTab: (page: string) => next(`tab ${page}`),
    save: () => next("save"),
  } as unknown as Window;

  return { window, sent };
}

function stubContext(dialogAnswers: Result[] = []) {
  const settledDialogs: Result[] = [];
  const context = {
    signal: new AbortController().signal,
    attempt: 1,
    settleDialogs: (result: Result) => {
      settledDialogs.push(result);
      const answer = dialogAnswers.shift();
      return answer === undefined
        ? Promise.reject(new Error("no dialog answer"))
        : Promise.resolve(answer);
    },
  } as unknown as OperationContext;

  return { context, settledDialogs };
}

const form = (field: string, value: string): FieldChange => ({
  tab: "FORM",
  datawindow: "form",
  field,
  value,
});
const changes = [
  form("supplier_id", "10010"),
  form("description", "x"),
  form("company_id", "ACME"),
];

async function refusal(work: Promise<unknown>): Promise<RecordRefusedError> {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RecordRefusedError);

  return error as RecordRefusedError;
}

describe("applyChanges", () => {
  it("sends the changes in one request together, one request per field otherwise", async () => {
    const together = stubWindow([success]);
    await applyChanges(together.window, changes, true, "page x", stubContext().context);
    expect(together.sent).toEqual(["change supplier_id,description,company_id"]);

    const apart = stubWindow([success, success, success]);
    await applyChanges(apart.window, changes, false, "page x", stubContext().context);
    expect(apart.sent).toEqual(["change supplier_id", "change description", "change company_id"]);
  });

  it("sends nothing for no changes", async () => {
    const { window, sent } = stubWindow([]);
    await applyChanges(window, [], true, "page x", stubContext().context);
    expect(sent).toEqual([]);
  });

  it("names the field the server's message names when a batched change is refused", async () => {
    const { window } = stubWindow([refused("Invalid value for description: too long")]);
    const error = await refusal(
      applyChanges(window, changes, true, "page x", stubContext().context),
    );
    expect(error.message).toContain("change refused for page x");
    expect(error.field).toBe("description");
  });

  it("names no field when the message names none of the batch, and the one field when sent alone", async () => {
    const batched = stubWindow([refused("Something went wrong.")]);
    const unnamed = await refusal(
      applyChanges(batched.window, changes, true, "page x", stubContext().context),
    );
    expect(unnamed.field).toBeUndefined();

    const alone = stubWindow([success, refused("Something went wrong.")]);
    const named = await refusal(
      applyChanges(alone.window, changes, false, "page x", stubContext().context),
    );
    expect(named.field).toBe("description");
    expect(alone.sent).toHaveLength(2);
  });

  it("answers a dialog a change opened and goes on with the answer's result", async () => {
    const { window } = stubWindow([blocked]);
    const { context, settledDialogs } = stubContext([success]);
    await applyChanges(window, changes, true, "page x", context);
    expect(settledDialogs).toEqual([blocked]);
  });
});

describe("selectTab and save", () => {
  it("refuse the record when the tab is disabled or the save is refused", async () => {
    const tab = stubWindow([refused("Tab page is disabled and cannot be selected.")]);
    const tabError = await refusal(
      selectTab(tab.window, "VALUES", "page x", stubContext().context),
    );
    expect(tabError.message).toContain("tab VALUES refused for page x");

    const saved = stubWindow([refused("Required value missing for Supplier ID.")]);
    const saveError = await refusal(save(saved.window, "page x", stubContext().context));
    expect(saveError.message).toContain("save failed for page x");
  });

  it("return the result after a save's dialog was answered", async () => {
    const saved = Result.parse({ Status: 1, Events: [] });
    const { window } = stubWindow([blocked]);
    const { context, settledDialogs } = stubContext([saved]);
    await expect(save(window, "page x", context)).resolves.toBe(saved);
    expect(settledDialogs).toHaveLength(1);
  });
});
