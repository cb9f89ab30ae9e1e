import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO } from "../../src/simulator/index.js";
import type { Answer, Party, ResultEnvelope } from "./http.js";
import {
  changeOne,
  closeWindow,
  createSession,
  endSession,
  eventValue,
  filter,
  findEvent,
  generatedKey,
  GUID,
  interactive,
  odataRows,
  openWindow,
  party,
  save,
} from "./http.js";
import type { NewPage } from "./pages.js";
import {
  keyAndSave,
  keyNewPage,
  loadPage,
  pageByUid,
  pagesByDescription,
  requireSuccess,
  samplePage,
} from "./pages.js";
import { simulatorForBlock } from "./simulator.js";

interface Tool {
  ToolName: string;
  Text?: string;
}

const simulator = simulatorForBlock({ data: "demo" });
let handling: Party;
let autoAnswer: Party;

beforeAll(async () => {
  handling = await party(simulator());
  autoAnswer = await party(simulator());
  await createSession(handling, { ResponseWindowHandlingEnabled: true });
  await createSession(autoAnswer, { ResponseWindowHandlingEnabled: false });
});

afterAll(async () => {
  await endSession(handling);
  await endSession(autoAnswer);
});

/** The popup id of a Blocked answer, taken from its `windowopened` event. */
function popupOf(answer: Answer): string {
  expect(answer.status).toBe(200);
  const result = answer.json<ResultEnvelope>();
  expect(result.Status).toBe(3);
  expect(result.ResponseWindowId).toBe("");
  const popupId = String(eventValue(result, "windowopened", "windowid"));
  expect(popupId).toMatch(GUID);

  return popupId;
}

async function tools(who: Party, windowId: string): Promise<Tool[]> {
  const answer = await interactive(who, "GET", `/v2/tools?windowId=${windowId}`);
  expect(answer.status).toBe(200);

  return answer.json<Tool[]>();
}

async function press(who: Party, popupId: string, text: string): Promise<Answer> {
  const button = (await tools(who, popupId)).find((tool) => tool.Text === text);
  expect(button, `a ${text} button`).toBeDefined();

  return interactive(who, "POST", "/v2/tools", {
    json: { WindowId: popupId, ToolName: button?.ToolName },
  });
}

/** Saves a page through the auto-answering session, so that another can overlap it. */
async function existingPage(overrides: Partial<NewPage> = {}): Promise<NewPage & { uid: number }> {
  const page = samplePage(DEMO, overrides);
  const windowId = await openWindow(autoAnswer, "SalesPricePage");
  const saved = requireSuccess(await keyAndSave(autoAnswer, windowId, page), "existing page");
  await closeWindow(autoAnswer, windowId);

  return { ...page, uid: generatedKey(saved) ?? 0 };
}

function samePair(page: NewPage): Partial<NewPage> {
  return {
    supplierId: page.supplierId,
    productGroupId: page.productGroupId,
    effectiveDate: "2027-03-01",
    expirationDate: "2027-09-30",
  };
}

describe("dialogs with ResponseWindowHandlingEnabled true", () => {
  it("quirks 20 and 31: an overlapping save blocks (Status 3, windowopened); Yes saves", async () => {
    const first = await existingPage();
    const windowId = await openWindow(handling, "SalesPricePage");
    const parentTools = await tools(handling, windowId);
    const second = samplePage(DEMO, samePair(first));
    await keyNewPage(handling, windowId, second);

    const popupId = popupOf(await save(handling, windowId));

    const popup = await interactive(handling, "GET", `/v2/window?id=${popupId}`);
    expect(popup.status).toBe(200);
    expect(popup.json()).toMatchObject({
      Definition: { Name: "w_message", Title: "Price Page", Datawindows: {}, TabPageList: [] },
    });
    const popupTools = await tools(handling, popupId);
    expect(popupTools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ToolName: "cb_1", Text: "Yes" }),
        expect.objectContaining({ ToolName: "cb_2", Text: "No" }),
      ]),
    );
    const parentNames = parentTools.map((tool) => tool.ToolName);
    const ribbon = popupTools.filter((tool) => parentNames.includes(tool.ToolName));
    expect(ribbon.length, "the popup's list mixes in the parent's ribbon").toBeGreaterThan(0);

    const answered = await press(handling, popupId, "Yes");

    const result = answered.json<ResultEnvelope>();
    expect(result.Status).toBe(1);
    expect(generatedKey(result)).toBeDefined();
    expect(findEvent(result, "savesucceeded")).toBeDefined();
    expect(await pagesByDescription(handling, second.description)).toHaveLength(1);
    await closeWindow(handling, windowId);
  });

  it("the overlap warning's text is in the Blocked answer (Type 1) and the popup's Definition", async () => {
    const first = await existingPage();
    const windowId = await openWindow(handling, "SalesPricePage");
    await keyNewPage(handling, windowId, samplePage(DEMO, samePair(first)));
    const text = `Another active price page exists for supplier ${first.supplierId} and product group ${first.productGroupId} over these dates. Save anyway?`;

    const blocked = await save(handling, windowId);

    const popupId = popupOf(blocked);
    expect(blocked.json<ResultEnvelope>().Messages).toEqual([{ Text: text, Type: 1 }]);
    const popup = await interactive(handling, "GET", `/v2/window?id=${popupId}`);
    expect(popup.json()).toMatchObject({ Definition: { Name: "w_message", Text: text } });
    expect((await press(handling, popupId, "No")).status).toBe(200);
    await closeWindow(handling, windowId);
  });

  it("the save-before-close question is in the Blocked answer and the popup's Definition", async () => {
    const page = await existingPage();
    const windowId = await openWindow(handling, "SalesPricePage");
    requireSuccess(await loadPage(handling, windowId, page.uid), "load");
    requireSuccess(await changeOne(handling, windowId, "FORM", "description", "asked"), "edit");

    const closing = await closeWindow(handling, windowId);

    const popupId = popupOf(closing);
    const question = { Text: "Save changes before closing?", Type: 1 };
    expect(closing.json<ResultEnvelope>().Messages).toEqual([question]);
    const popup = await interactive(handling, "GET", `/v2/window?id=${popupId}`);
    expect(popup.json()).toMatchObject({ Definition: { Text: question.Text } });
    expect((await press(handling, popupId, "No")).status).toBe(200);
  });

  it("quirk 31: calls on the parent are refused while the popup is open", async () => {
    const first = await existingPage();
    const windowId = await openWindow(handling, "SalesPricePage");
    await keyNewPage(handling, windowId, samplePage(DEMO, samePair(first)));
    const popupId = popupOf(await save(handling, windowId));

    const refused = await changeOne(handling, windowId, "VALUES", "calculation_value1", "2");

    expect(refused.status).toBe(400);
    expect((await press(handling, popupId, "No")).status).toBe(200);
    const accepted = await changeOne(handling, windowId, "VALUES", "calculation_value1", "2");
    expect(accepted.json<ResultEnvelope>().Status).toBe(1);
    await closeWindow(handling, windowId);
  });

  it("quirk 31: answering No cancels the save and saves nothing", async () => {
    const first = await existingPage();
    const windowId = await openWindow(handling, "SalesPricePage");
    const second = samplePage(DEMO, samePair(first));
    await keyNewPage(handling, windowId, second);
    const popupId = popupOf(await save(handling, windowId));

    const answered = await press(handling, popupId, "No");

    const result = answered.json<ResultEnvelope>();
    expect(result.Status).toBe(2);
    expect(result.Messages.map((message) => message.Text)).toContain("Save cancelled.");
    expect(await pagesByDescription(handling, second.description)).toHaveLength(0);
    await closeWindow(handling, windowId);
  });

  it("quirk 34: closing with unsaved edits asks Save changes before closing? (No discards)", async () => {
    const page = await existingPage();
    const windowId = await openWindow(handling, "SalesPricePage");
    requireSuccess(await loadPage(handling, windowId, page.uid), "load");
    requireSuccess(await changeOne(handling, windowId, "FORM", "description", "unsaved"), "edit");

    const popupId = popupOf(await closeWindow(handling, windowId));

    const popupTools = await tools(handling, popupId);
    expect(popupTools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ToolName: "cb_1", Text: "Yes" }),
        expect.objectContaining({ ToolName: "cb_2", Text: "No" }),
        expect.objectContaining({ ToolName: "cb_3", Text: "Cancel" }),
      ]),
    );
    expect((await press(handling, popupId, "No")).status).toBe(200);
    expect((await interactive(handling, "GET", `/v2/window?id=${windowId}`)).status).toBe(404);
    expect((await pageByUid(handling, page.uid))?.["description"]).toBe(page.description);
  });

  it("quirk 34: Cancel keeps the window open with its edit", async () => {
    const page = await existingPage();
    const windowId = await openWindow(handling, "SalesPricePage");
    requireSuccess(await loadPage(handling, windowId, page.uid), "load");
    requireSuccess(await changeOne(handling, windowId, "FORM", "description", "kept"), "edit");
    const popupId = popupOf(await closeWindow(handling, windowId));

    await press(handling, popupId, "Cancel");

    expect((await interactive(handling, "GET", `/v2/window?id=${windowId}`)).status).toBe(200);
    const popupGone = await interactive(handling, "GET", `/v2/window?id=${popupId}`);
    expect(popupGone.status).toBe(404);
    await clearAndClose(handling, windowId);
  });

  it("quirk 34: Yes saves before closing", async () => {
    // Dates no other page of this file uses, so that the save raises no overlap warning.
    const page = await existingPage({ effectiveDate: "2091-01-01", expirationDate: "2091-01-31" });
    const windowId = await openWindow(handling, "SalesPricePage");
    requireSuccess(await loadPage(handling, windowId, page.uid), "load");
    const edited = `saved on close ${page.uid}`;
    requireSuccess(await changeOne(handling, windowId, "FORM", "description", edited), "edit");
    const popupId = popupOf(await closeWindow(handling, windowId));

    const answered = await press(handling, popupId, "Yes");

    const result = answered.json<ResultEnvelope>();
    expect(result.Status).toBe(1);
    expect(findEvent(result, "savesucceeded")).toBeDefined();

    expect((await pageByUid(handling, page.uid))?.["description"]).toBe(edited);
    expect((await interactive(handling, "GET", `/v2/window?id=${windowId}`)).status).toBe(404);
  });

  it("a close without unsaved edits does not ask", async () => {
    const windowId = await openWindow(handling, "SalesPricePage");

    const answer = await closeWindow(handling, windowId);

    expect(answer.status).toBe(200);
    expect(answer.text === "" || answer.json<ResultEnvelope>().Status !== 3).toBe(true);
  });
});

async function clearAndClose(who: Party, windowId: string): Promise<void> {
  await interactive(who, "DELETE", `/v2/data?id=${windowId}`);
  const answer = await closeWindow(who, windowId);
  if (answer.text !== "" && answer.json<ResultEnvelope>().Status === 3) {
    await press(who, popupOf(answer), "No");
  }
}

describe("dialogs with ResponseWindowHandlingEnabled false", () => {
  it("quirk 40: the overlap warning is answered Yes, letting two active pages share a key", async () => {
    const first = await existingPage();
    const windowId = await openWindow(autoAnswer, "SalesPricePage");
    const second = samplePage(DEMO, samePair(first));

    const saved = requireSuccess(await keyAndSave(autoAnswer, windowId, second), "duplicate");

    expect(generatedKey(saved)).toBeDefined();
    const active = await odataRows(
      autoAnswer,
      "price_page",
      filter(
        `supplier_id eq ${first.supplierId} and product_group_id eq '${first.productGroupId}' and row_status_flag eq 704`,
      ),
    );
    const descriptions = active.map((row) => row["description"]);
    expect(descriptions).toEqual(expect.arrayContaining([first.description, second.description]));
    await closeWindow(autoAnswer, windowId);
  });

  it("quirk 33: Save changes before closing? is auto-answered No: closed, edit discarded", async () => {
    const page = await existingPage();
    const windowId = await openWindow(autoAnswer, "SalesPricePage");
    requireSuccess(await loadPage(autoAnswer, windowId, page.uid), "load");
    requireSuccess(await changeOne(autoAnswer, windowId, "FORM", "description", "lost"), "edit");

    const answer = await closeWindow(autoAnswer, windowId);

    expect(answer.status).toBe(200);
    expect((await interactive(autoAnswer, "GET", `/v2/window?id=${windowId}`)).status).toBe(404);
    expect((await pageByUid(autoAnswer, page.uid))?.["description"]).toBe(page.description);
  });
});

describe("ResponseWindowHandlingEnabled omitted", () => {
  it("quirk 11: omitting it behaves like false (the overlap warning is auto-answered)", async () => {
    const omitted = await party(simulator());
    await createSession(omitted, {});
    const first = await existingPage();
    const windowId = await openWindow(omitted, "SalesPricePage");

    const answer = await keyAndSave(omitted, windowId, samplePage(DEMO, samePair(first)));

    expect(answer.json<ResultEnvelope>().Status).toBe(1);
    await endSession(omitted);
  });
});
