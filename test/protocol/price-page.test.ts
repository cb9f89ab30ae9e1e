import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO } from "../../src/simulator/index.js";
import type { ErrorEnvelope, Party, ResultEnvelope } from "./http.js";
import {
  change,
  changeOne,
  clear,
  closeWindow,
  createSession,
  endSession,
  eventValue,
  fieldValue,
  findEvent,
  generatedKey,
  interactive,
  openWindow,
  party,
  save,
  selectTab,
} from "./http.js";
import {
  formFields,
  keyAndSave,
  keyNewPage,
  loadPage,
  pageByUid,
  pagesByDescription,
  requireSuccess,
  samplePage,
} from "./pages.js";
import { PROFILES, simulatorForBlock } from "./simulator.js";

const simulator = simulatorForBlock({ data: "demo" });
let who: Party;

beforeAll(async () => {
  who = await party(simulator());
  await createSession(who);
});

afterAll(async () => {
  await endSession(who);
});

function statusOf(answer: { json<T>(): T }): unknown {
  return answer.json<ResultEnvelope>().Status;
}

interface TabsState {
  Definition: { TabPageList: { DisplayText: string; Enabled: boolean }[] };
}

async function tabEnabled(windowId: string, displayText: string): Promise<boolean | undefined> {
  const answer = await interactive(who, "GET", `/v2/window?id=${windowId}`);
  const tabs = answer.json<TabsState>().Definition.TabPageList;

  return tabs.find((tab) => tab.DisplayText === displayText)?.Enabled;
}

describe("field order on a new SalesPricePage", () => {
  it("quirk 37: a field set before the page type is refused with a message and not applied", async () => {
    const windowId = await openWindow(who, "SalesPricePage");

    const answer = await changeOne(who, windowId, "FORM", "company_id", DEMO.companyId);

    expect(answer.status).toBe(200);
    const result = answer.json<ResultEnvelope>();
    expect(result.Status).toBe(2);
    expect(result.Messages).toHaveLength(1);
    expect(result.Messages[0]?.Type).toBe(2);
    expect(result.Messages[0]?.Text).toMatch(/^.+ cannot be set before .+\.$/);
    expect(await fieldValue(who, windowId, "form", "company_id")).not.toBe(DEMO.companyId);
    await closeWindow(who, windowId);
  });

  it("quirk 37: the product group before the company is refused", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const [type] = formFields(samplePage(DEMO));
    requireSuccess(
      await changeOne(who, windowId, "FORM", type?.field ?? "", String(type?.value)),
      "type",
    );

    const answer = await changeOne(
      who,
      windowId,
      "FORM",
      "product_group_id",
      DEMO.productGroupIds[0] ?? "",
    );

    expect(statusOf(answer)).toBe(2);
    expect(answer.json<ResultEnvelope>().Messages[0]?.Text).toContain("cannot be set before");
    await closeWindow(who, windowId);
  });

  it("expiration_date is optional: VALUES opens once effective_date is set", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const fields = formFields(samplePage(DEMO, { expirationDate: null }));
    for (const field of fields.slice(0, -1)) {
      requireSuccess(await change(who, windowId, [field]), field.field);
    }

    const early = await selectTab(who, windowId, "VALUES");
    const expirationFirst = await changeOne(who, windowId, "FORM", "expiration_date", "2027-12-31");
    expect(statusOf(early)).toBe(2);
    expect(expirationFirst.json<ResultEnvelope>().Messages).toEqual([
      { Text: "Expiration Date cannot be set before Effective Date.", Type: 2 },
    ]);
    expect(await tabEnabled(windowId, "VALUES")).toBe(false);

    requireSuccess(await change(who, windowId, fields.slice(-1)), "effective_date");

    expect(await tabEnabled(windowId, "VALUES")).toBe(true);
    requireSuccess(await selectTab(who, windowId, "VALUES"), "tab VALUES");
    await closeWindow(who, windowId);
  });

  it("expiration_date can still be set after effective_date, before or after VALUES", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    await keyNewPage(who, windowId, samplePage(DEMO, { expirationDate: null }));

    const late = await changeOne(who, windowId, "FORM", "expiration_date", "2027-10-31");

    expect(statusOf(late)).toBe(1);
    requireSuccess(await selectTab(who, windowId, "FORM"), "tab FORM");
    expect(await fieldValue(who, windowId, "form", "expiration_date")).toMatch(/^2027-10-31/);
    await closeWindow(who, windowId);
  });

  it("quirk 37: fields in the documented order are all accepted", async () => {
    const windowId = await openWindow(who, "SalesPricePage");

    await keyNewPage(who, windowId, samplePage(DEMO));

    expect(await fieldValue(who, windowId, "values", "calculation_value1")).toBeDefined();
    await closeWindow(who, windowId);
  });
});

describe("dropdown labels", () => {
  async function typedWindow(): Promise<string> {
    const windowId = await openWindow(who, "SalesPricePage");
    const fields = formFields(samplePage(DEMO));
    for (const field of fields.slice(0, 6)) {
      requireSuccess(
        await changeOne(who, windowId, "FORM", field.field, String(field.value)),
        field.field,
      );
    }

    return windowId;
  }

  it("quirk 37: a dropdown refuses a code with Invalid <field> value", async () => {
    const windowId = await openWindow(who, "SalesPricePage");

    const answer = await changeOne(who, windowId, "FORM", "price_page_type_cd", "214");

    expect(answer.status).toBe(200);
    const result = answer.json<ResultEnvelope>();
    expect(result.Status).toBe(2);
    expect(result.Messages[0]?.Text).toMatch(/^Invalid .+ value: 214$/);
    expect(result.Messages[0]?.Type).toBe(2);
    await closeWindow(who, windowId);
  });

  it("dropdown labels compare case-insensitively", async () => {
    const windowId = await openWindow(who, "SalesPricePage");

    const answer = await changeOne(
      who,
      windowId,
      "FORM",
      "price_page_type_cd",
      "supplier / PRODUCT group",
    );

    expect(statusOf(answer)).toBe(1);
    await closeWindow(who, windowId);
  });

  it("quirk 38: both spellings Mark Up and Mark up are accepted, the code 229 is not", async () => {
    const windowId = await typedWindow();
    for (const field of formFields(samplePage(DEMO)).slice(6)) {
      requireSuccess(
        await changeOne(who, windowId, "FORM", field.field, String(field.value)),
        field.field,
      );
    }

    requireSuccess(await selectTab(who, windowId, "VALUES"), "tab VALUES");

    for (const label of ["Mark Up", "Mark up", "MARK UP"]) {
      const answer = await changeOne(who, windowId, "VALUES", "calculation_method_cd", label);
      expect(statusOf(answer), label).toBe(1);
    }

    const code = await changeOne(who, windowId, "VALUES", "calculation_method_cd", "229");
    expect(statusOf(code)).toBe(2);
    expect(code.json<ResultEnvelope>().Messages[0]?.Text).toMatch(/^Invalid .+ value: 229$/);
    await closeWindow(who, windowId);
  });

  it("quirk 38: Replacement Cost and Primary Supplier Cost both name source price 201", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const fields = formFields(samplePage(DEMO));
    for (const field of fields.slice(0, 6)) {
      requireSuccess(
        await changeOne(who, windowId, "FORM", field.field, String(field.value)),
        field.field,
      );
    }

    for (const label of ["Primary Supplier Cost", "Replacement Cost"]) {
      const answer = await changeOne(who, windowId, "FORM", "source_price_cd", label);
      expect(statusOf(answer), label).toBe(1);
    }

    const unknown = await changeOne(who, windowId, "FORM", "source_price_cd", "Cheapest Price");
    expect(statusOf(unknown)).toBe(2);
    await closeWindow(who, windowId);
  });
});

describe("save", () => {
  it("quirk 21: a new page's key arrives in keygenerated, with savesucceeded", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const page = samplePage(DEMO);

    const answer = await keyAndSave(who, windowId, page);

    expect(answer.status).toBe(200);
    const result = answer.json<ResultEnvelope>();
    expect(result.Status).toBe(1);
    expect(eventValue(result, "keygenerated", "price_page_uid")).toMatch(/^\d+$/);
    expect(findEvent(result, "savesucceeded")).toBeDefined();
    const pricePageUid = generatedKey(result) ?? 0;
    const stored = await pageByUid(who, pricePageUid);
    expect(stored).toMatchObject({
      description: page.description,
      supplier_id: page.supplierId,
      product_group_id: page.productGroupId,
      company_id: page.companyId,
      row_status_flag: 704,
    });
    expect(String(stored?.["effective_date"])).toMatch(/^2027-01-01/);
    await closeWindow(who, windowId);
  });

  it("quirk 21: new keys come from a counter", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const first = generatedKey((await keyAndSave(who, windowId, samplePage(DEMO))).json());
    requireSuccess(await clear(who, windowId), "clear");
    const second = generatedKey((await keyAndSave(who, windowId, samplePage(DEMO))).json());

    expect(first).toBeDefined();
    expect(second).toBeGreaterThan(first ?? Number.MAX_SAFE_INTEGER);
    await closeWindow(who, windowId);
  });

  it("quirk 15: a save body wrapped in an object answers 422 and saves nothing", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const page = samplePage(DEMO);
    await keyNewPage(who, windowId, page);

    const answer = await interactive(who, "PUT", "/v2/data", { json: { WindowId: windowId } });

    expect(answer.status).toBe(422);
    expect(answer.json<ErrorEnvelope>().ErrorMessage).toBe("Window ID was not provided");
    expect(await pagesByDescription(who, page.description)).toHaveLength(0);
    const saved = await save(who, windowId);
    expect(statusOf(saved)).toBe(1);
    expect(await pagesByDescription(who, page.description)).toHaveLength(1);
    await closeWindow(who, windowId);
  });

  it("a page saved without expiration_date is stored open-ended (null) and active", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const page = samplePage(DEMO, { ...DEMO.example, expirationDate: null });

    const saved = requireSuccess(await keyAndSave(who, windowId, page), "save");

    const stored = await pageByUid(who, generatedKey(saved) ?? 0);
    expect(stored).toMatchObject({ description: page.description, row_status_flag: 704 });
    expect(stored?.["expiration_date"]).toBeNull();
    expect(String(stored?.["effective_date"])).toMatch(/^2027-01-01/);
    await closeWindow(who, windowId);
  });

  it("a save with a required field missing answers Status 2 Required value missing", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const [type] = formFields(samplePage(DEMO));
    requireSuccess(
      await changeOne(who, windowId, "FORM", type?.field ?? "", String(type?.value)),
      "type",
    );

    const answer = await save(who, windowId);

    expect(answer.status).toBe(200);
    const result = answer.json<ResultEnvelope>();
    expect(result.Status).toBe(2);
    expect(result.Messages[0]?.Text).toMatch(/^Required value missing for .+\.$/);
    expect(findEvent(result, "keygenerated")).toBeUndefined();
    await closeWindow(who, windowId);
  });
});

describe("expire and clear", () => {
  it("quirk 40: expiring is load, change expiration_date, save; OData reads it back", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const created = await keyAndSave(who, windowId, samplePage(DEMO));
    const pricePageUid = generatedKey(created.json()) ?? 0;
    await closeWindow(who, windowId);

    const expiring = await openWindow(who, "SalesPricePage");
    requireSuccess(await loadPage(who, expiring, pricePageUid), "load");
    expect(await fieldValue(who, expiring, "form", "price_page_uid")).toBe(String(pricePageUid));
    requireSuccess(
      await changeOne(who, expiring, "FORM", "expiration_date", "2027-06-30"),
      "expiration_date",
    );
    const saved = requireSuccess(await save(who, expiring), "save");

    expect(findEvent(saved, "savesucceeded")).toBeDefined();
    expect(String((await pageByUid(who, pricePageUid))?.["expiration_date"])).toMatch(
      /^2027-06-30/,
    );
    await closeWindow(who, expiring);
  });

  it("quirk 39: clear answers a result envelope and resets the form for the next record", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const first = samplePage(DEMO);
    requireSuccess(await keyAndSave(who, windowId, first), "first save");

    const answer = await clear(who, windowId);

    expect(answer.status).toBe(200);
    expect(statusOf(answer)).toBe(1);
    expect(await fieldValue(who, windowId, "form", "description")).not.toBe(first.description);
    const second = samplePage(DEMO);
    const saved = requireSuccess(await keyAndSave(who, windowId, second), "second save");
    expect(generatedKey(saved)).toBeDefined();
    expect(await pagesByDescription(who, first.description)).toHaveLength(1);
    expect(await pagesByDescription(who, second.description)).toHaveLength(1);
    await closeWindow(who, windowId);
  });
});

describe.each(PROFILES)("load of an unknown price_page_uid on %s", (profile) => {
  const profiled = simulatorForBlock({ profile, data: "demo" });

  it("quirks 19 and 29: answers HTTP 200 with Status 2 (26.1) or 0 (25.2) and an empty window", async () => {
    const caller = await party(profiled());
    await createSession(caller);
    const windowId = await openWindow(caller, "SalesPricePage");

    const answer = await loadPage(caller, windowId, 987654321);

    expect(answer.status).toBe(200);
    const result = answer.json<ResultEnvelope>();
    if (profile.startsWith("26.1")) {
      expect(result.Status).toBe(2);
      expect(result.Messages).toContainEqual({
        Text: "Enter a valid ID or leave ID blank.",
        Type: 2,
      });
    } else {
      expect(result.Status).toBe(0);
    }

    const description = await fieldValue(caller, windowId, "form", "description");
    expect(description ?? "").toBe("");
    await endSession(caller);
  });
});
