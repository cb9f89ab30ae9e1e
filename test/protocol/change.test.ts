import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ErrorEnvelope, Party, ResultEnvelope } from "./http.js";
import {
  change,
  changeOne,
  closeWindow,
  createSession,
  endSession,
  fieldValue,
  interactive,
  openWindow,
  party,
  selectTab,
} from "./http.js";
import { loadPage, requireSuccess, someActivePageUid } from "./pages.js";
import { PROFILES, simulatorForBlock } from "./simulator.js";

interface FieldsState {
  Definition: { Datawindows: Record<string, { Fields: Record<string, { Enabled: boolean }> }> };
}

/** Opens SalesPricePage with an existing demo page loaded. */
async function loadedWindow(who: Party): Promise<{ windowId: string; pricePageUid: number }> {
  const pricePageUid = await someActivePageUid(who);
  const windowId = await openWindow(who, "SalesPricePage");
  requireSuccess(await loadPage(who, windowId, pricePageUid), "load");

  return { windowId, pricePageUid };
}

async function disabledFormFields(who: Party, windowId: string): Promise<string[]> {
  const answer = await interactive(who, "GET", `/v2/window?id=${windowId}`);
  const fields = answer.json<FieldsState>().Definition.Datawindows["form"]?.Fields ?? {};

  return Object.entries(fields)
    .filter(([, field]) => !field.Enabled)
    .map(([name]) => name);
}

describe.each(PROFILES)("change on %s", (profile) => {
  const simulator = simulatorForBlock({ profile, data: "demo" });
  const onTwentySix = profile.startsWith("26.1");
  let who: Party;

  beforeAll(async () => {
    who = await party(simulator());
    await createSession(who);
  });

  afterAll(async () => {
    await endSession(who);
  });

  it("quirk 17: a change answers the result envelope with an integer Status", async () => {
    const { windowId } = await loadedWindow(who);

    const answer = await changeOne(who, windowId, "FORM", "description", "single change");

    expect(answer.status).toBe(200);
    const result = answer.json<ResultEnvelope>();
    expect(result.Status).toBe(1);
    expect(Array.isArray(result.Messages)).toBe(true);
    expect(Array.isArray(result.Events)).toBe(true);
    expect(result.ResponseWindowId).toBe("");
    expect(await fieldValue(who, windowId, "form", "description")).toBe("single change");
    await closeWindow(who, windowId);
  });

  it("quirk 25: DatawindowName is required on 25.2 and optional for header fields on 26.1", async () => {
    const { windowId } = await loadedWindow(who);
    const variants: { datawindow: string | null | undefined; value: string }[] = [
      { datawindow: undefined, value: "omitted name" },
      { datawindow: "", value: "empty name" },
      { datawindow: null, value: "null name" },
    ];

    for (const variant of variants) {
      const answer = await change(who, windowId, [
        { tab: "FORM", datawindow: variant.datawindow, field: "description", value: variant.value },
      ]);

      if (onTwentySix) {
        expect(answer.status).toBe(200);
        expect(answer.json<ResultEnvelope>().Status).toBe(1);
        expect(await fieldValue(who, windowId, "form", "description")).toBe(variant.value);
      } else {
        const refused = answer.status >= 400 || answer.json<ResultEnvelope>().Status !== 1;
        expect(refused).toBe(true);
        await closeWindow(who, windowId);
        break;
      }
    }

    if (onTwentySix) await closeWindow(who, windowId);
  });

  it("quirk 26: a bad DatawindowName answers 400 Unable to find datawindow named", async () => {
    const { windowId } = await loadedWindow(who);

    const answer = await change(who, windowId, [
      { tab: "FORM", datawindow: "dw_1", field: "description", value: "wrong datawindow" },
    ]);

    expect(answer.status).toBe(400);
    const error = answer.json<ErrorEnvelope>();
    expect(error.ErrorMessage).toBe("Unable to find datawindow named dw_1");
    expect(error).not.toHaveProperty("Status");
    await closeWindow(who, windowId);
  });

  if (onTwentySix) {
    it("quirk 26: a bad DatawindowName burns the next request (empty 500, nothing applied)", async () => {
      const { windowId } = await loadedWindow(who);
      const before = await fieldValue(who, windowId, "form", "description");
      await change(who, windowId, [
        { tab: "FORM", datawindow: "dw_1", field: "description", value: "wrong datawindow" },
      ]);

      const burned = await changeOne(who, windowId, "FORM", "description", "burned request");

      expect(burned.status).toBe(500);
      expect(burned.text).toBe("");
      expect(await fieldValue(who, windowId, "form", "description")).toBe(before);
      const resent = await changeOne(who, windowId, "FORM", "description", "burned request");
      expect(resent.json<ResultEnvelope>().Status).toBe(1);
      expect(await fieldValue(who, windowId, "form", "description")).toBe("burned request");
      await closeWindow(who, windowId);
    });

    it("quirk 26: the burned request can be a data read, and only one request is lost", async () => {
      const { windowId } = await loadedWindow(who);
      await change(who, windowId, [
        { tab: "FORM", datawindow: "nope", field: "description", value: "x" },
      ]);

      const burned = await interactive(who, "GET", `/v2/data?id=${windowId}`);
      const healthy = await interactive(who, "GET", `/v2/data?id=${windowId}`);

      expect(burned.status).toBe(500);
      expect(burned.text).toBe("");
      expect(healthy.status).toBe(200);
      await closeWindow(who, windowId);
    });
  }
});

describe("change rules", () => {
  const simulator = simulatorForBlock({ data: "demo" });
  let who: Party;

  beforeAll(async () => {
    who = await party(simulator());
    await createSession(who);
  });

  afterAll(async () => {
    await endSession(who);
  });

  it("quirk 27: a batched change is applied in order and stops at the first rejection", async () => {
    const { windowId } = await loadedWindow(who);
    const disabled = await disabledFormFields(who, windowId);
    expect(disabled.length, "a loaded page has at least one disabled form field").toBeGreaterThan(
      0,
    );
    const disabledField = disabled[0] ?? "";
    const expirationBefore = await fieldValue(who, windowId, "form", "expiration_date");

    const answer = await change(who, windowId, [
      { tab: "FORM", datawindow: "form", field: "description", value: "applied before" },
      { tab: "FORM", datawindow: "form", field: disabledField, value: "1" },
      { tab: "FORM", datawindow: "form", field: "expiration_date", value: "2031-03-31" },
    ]);

    expect(answer.status).toBe(400);
    const error = answer.json<ErrorEnvelope>();
    expect(error.ErrorMessage).toBe(`Column is disabled: ${disabledField}`);
    expect(error).not.toHaveProperty("Status");
    expect(await fieldValue(who, windowId, "form", "description")).toBe("applied before");
    expect(await fieldValue(who, windowId, "form", "expiration_date")).toBe(expirationBefore);
    await closeWindow(who, windowId);
  });

  it("quirk 18: a disabled column answers the 400 error envelope, with no Status", async () => {
    const { windowId } = await loadedWindow(who);
    const disabledField = (await disabledFormFields(who, windowId))[0] ?? "price_page_uid";

    const answer = await changeOne(who, windowId, "FORM", disabledField, "1");

    expect(answer.status).toBe(400);
    expect(answer.json<ErrorEnvelope>()).toMatchObject({
      ErrorMessage: `Column is disabled: ${disabledField}`,
    });
    await closeWindow(who, windowId);
  });

  it("quirk 24: the Transaction datawindow name is not an Interactive one", async () => {
    const { windowId } = await loadedWindow(who);

    const answer = await change(who, windowId, [
      { tab: "FORM", datawindow: "d_dw_price_page_main", field: "description", value: "x" },
    ]);

    expect(answer.status).toBe(400);
    expect(answer.json<ErrorEnvelope>().ErrorMessage).toBe(
      "Unable to find datawindow named d_dw_price_page_main",
    );
    await closeWindow(who, windowId);
  });

  it("quirk 36: a Value that is not a string is refused with the error envelope", async () => {
    const { windowId } = await loadedWindow(who);
    const before = await fieldValue(who, windowId, "form", "description");

    const answer = await change(who, windowId, [
      { tab: "FORM", datawindow: "form", field: "description", value: 30 },
    ]);

    expect(answer.status).toBe(400);
    expect(typeof answer.json<ErrorEnvelope>().ErrorMessage).toBe("string");
    expect(await fieldValue(who, windowId, "form", "description")).toBe(before);
    await closeWindow(who, windowId);
  });

  it("quirk 36: an over-long value fails at /change with a Type 2 message", async () => {
    const { windowId } = await loadedWindow(who);

    const answer = await changeOne(who, windowId, "FORM", "description", "x".repeat(1000));

    expect(answer.status).toBe(200);
    const result = answer.json<ResultEnvelope>();
    expect(result.Status).toBe(2);
    expect(result.Messages.some((message) => message.Type === 2)).toBe(true);
    expect(await fieldValue(who, windowId, "form", "description")).not.toBe("x".repeat(1000));
    await closeWindow(who, windowId);
  });

  it("quirk 36: an invalid date is refused with a Type 2 message naming the value", async () => {
    const { windowId } = await loadedWindow(who);

    const answer = await changeOne(who, windowId, "FORM", "expiration_date", "2027-02-30");

    expect(answer.status).toBe(200);
    const result = answer.json<ResultEnvelope>();
    expect(result.Status).toBe(2);
    expect(result.Messages.map((message) => message.Text).join(" ")).toContain("2027-02-30");
    await closeWindow(who, windowId);
  });

  it("a change on the active tab's fields works after a tab switch", async () => {
    const { windowId } = await loadedWindow(who);
    requireSuccess(await selectTab(who, windowId, "VALUES"), "tab VALUES");

    const answer = await changeOne(who, windowId, "VALUES", "calculation_value1", "1.5");

    expect(answer.json<ResultEnvelope>().Status).toBe(1);
    expect(Number(await fieldValue(who, windowId, "values", "calculation_value1"))).toBe(1.5);
    await closeWindow(who, windowId);
  });
});
