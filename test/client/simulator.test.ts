import { describe, expect, it } from "vitest";
import {
  DatawindowNotFoundError,
  P21Client,
  P21TimeoutError,
  PoolExhaustedError,
  RequestSwallowedError,
  ServerRefusedError,
  UnexpectedResponseWindowError,
} from "../../src/client/index.js";
import { DEMO } from "../../src/simulator/index.js";
import { emptyDataPage, fillPricePage, profiles, simulatorPerTest } from "./simulator-helpers.js";

const start = simulatorPerTest();

const demoPage = {
  company: DEMO.companyId,
  productGroup: DEMO.productGroupIds[0] ?? "",
  supplier: String(DEMO.supplierIds[0]),
  description: "Overlapping page",
};

describe.each(profiles)("against the simulator, build %s", (profile) => {
  it("creates a price page through every step, saves it and reads it back through OData", async () => {
    const { simulator, client } = await start({ profile, data: "empty" });
    const info = await client.serverInfo();
    await using session = await client.startSession();
    const window = await session.openWindow("SalesPricePage");

    expect(info.version?.startsWith(profile === "25.2" ? "25.2" : profile)).toBe(true);
    expect(session.id).not.toBe("");
    const results = await fillPricePage(window, emptyDataPage);
    expect(results.map((result) => result.describe())).toEqual(results.map(() => "Success"));

    const [form] = (await window.data()).filter((datawindow) => datawindow.name === "values");
    expect(form?.value("calculation_value1")).toMatch(/^0\.55/);
    const definition = await window.windowState();
    expect(
      definition.tabPages.some((page) => page.name === "VALUES" || page.text === "VALUES"),
    ).toBe(true);
    expect(definition.datawindows.map((datawindow) => datawindow.name)).toEqual(["values"]);

    const saved = await window.save();
    expect(saved.ok).toBe(true);
    expect(saved.generatedKey).toBeGreaterThan(0);
    expect(await window.close()).toMatchObject({ ok: true });
    expect(window.state).toBe("closed");

    const rows = await client.odata.query("price_page", {
      filter: { price_page_uid: saved.generatedKey },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      description: "Integration page",
      supplier_id: 10001,
      calculation_value1: 0.55,
    });
    expect(simulator.rows("price_page")).toHaveLength(1);
  });

  it("reports a field set out of order as a failed result and a wrong datawindow as an error", async () => {
    const { client } = await start({ profile, data: "empty" });
    await using session = await client.startSession();
    const window = await session.openWindow("SalesPricePage");

    const early = await window.change("FORM", "form", "product_group_id", "PG01");
    expect(early.ok).toBe(false);
    expect(early.errors[0]?.text).toMatch(/cannot be set before/);

    const wrong = await window
      .change("FORM", "dw_1", "description", "x")
      .catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(DatawindowNotFoundError);
  });

  it("knows that the request after a wrong datawindow may be swallowed, and re-sending it works", async () => {
    const { client } = await start({ profile, data: "empty" });
    await using session = await client.startSession();
    const window = await session.openWindow("SalesPricePage");
    await expect(window.change("FORM", "dw_1", "price_page_type_cd", "x")).rejects.toBeInstanceOf(
      DatawindowNotFoundError,
    );

    const next = await window
      .change("FORM", "form", "price_page_type_cd", "Supplier / Product Group")
      .catch((error: unknown) => error);
    if (profile === "25.2") {
      expect(next).toMatchObject({ ok: true });
    } else {
      expect(next).toBeInstanceOf(RequestSwallowedError);
      expect(
        (await window.change("FORM", "form", "price_page_type_cd", "Supplier / Product Group")).ok,
      ).toBe(true);
    }
  });

  it("links a page to a price book: tab, add row, change a row, save, select row, clear", async () => {
    const { simulator, client } = await start({ profile, data: "demo" });
    await using session = await client.startSession();
    const pageUid = String(simulator.rows("price_page").at(-1)?.price_page_uid);
    const linksBefore = simulator.rows("price_book_x_page").length;
    const window = await session.openWindow("SalesPriceBook");

    expect((await window.change("FORM", "form", "price_book_id", DEMO.bookIds[2] ?? "")).ok).toBe(
      true,
    );
    expect((await window.selectTab("LIST")).ok).toBe(true);
    const added = await window.addRow("list_detail");
    expect(added.status === 1 || added.status === 2).toBe(true);
    expect((await window.change("LIST", "list_detail", "price_page_uid", pageUid)).ok).toBe(true);
    expect((await window.save()).ok).toBe(true);
    expect(simulator.rows("price_book_x_page")).toHaveLength(linksBefore + 1);

    const list = (await window.data()).find((datawindow) => datawindow.name === "list_detail");
    expect(list?.totalRows).toBeGreaterThan(1);
    expect((await window.selectRow("list_detail", 1)).ok).toBe(true);
    expect((await window.clear()).ok).toBe(true);
    expect((await window.tools()).length).toBeGreaterThan(0);
  });

  it("answers the overlapping-page dialog through its buttons: No cancels, Yes saves", async () => {
    const { simulator, client } = await start({ profile, data: "demo" });
    await using session = await client.startSession();
    const pagesBefore = simulator.rows("price_page").length;
    const window = await session.openWindow("SalesPricePage");
    await fillPricePage(window, demoPage);

    const blocked = await window.save();
    expect(blocked.blocked).toBe(true);
    expect(window.state).toBe("blocked");
    const dialog = blocked.dialog!;
    expect(await dialog.title()).toBe("Price Page");
    expect((await dialog.buttons()).map((button) => button.text)).toEqual(["Yes", "No"]);
    const refused = await dialog.press("No");
    expect(refused.ok).toBe(false);
    expect(simulator.rows("price_page")).toHaveLength(pagesBefore);
    expect(window.state).toBe("open");

    const again = await window.save();
    const answered = await again.dialog!.press("&yes");
    expect(answered.ok).toBe(true);
    expect(answered.generatedKey).toBeGreaterThan(0);
    expect(simulator.rows("price_page")).toHaveLength(pagesBefore + 1);
  });

  it("reads the overlap warning's text through Dialog.text(), also echoed as a warning", async () => {
    const { client } = await start({ profile, data: "demo" });
    await using session = await client.startSession();
    const window = await session.openWindow("SalesPricePage");
    await fillPricePage(window, demoPage);
    const text = `Another active price page exists for supplier ${demoPage.supplier} and product group ${demoPage.productGroup} over these dates. Save anyway?`;

    const blocked = await window.save();

    expect(await blocked.dialog!.text()).toBe(text);
    expect(blocked.messages.map((message) => [message.text, message.type])).toEqual([[text, 1]]);
    expect(blocked.errors).toEqual([]);
    expect((await blocked.dialog!.press("No")).ok).toBe(false);
  });

  it("auto-answers a message box with its default when response windows are not handled", async () => {
    const { simulator, client } = await start({ profile, data: "demo" });
    await using session = await client.startSession({ responseWindowHandling: false });
    const pagesBefore = simulator.rows("price_page").length;
    const window = await session.openWindow("SalesPricePage");
    await fillPricePage(window, demoPage);

    const saved = await window.save();
    expect(saved.ok).toBe(true);
    expect(saved.generatedKey).toBeGreaterThan(0);
    expect(simulator.rows("price_page")).toHaveLength(pagesBefore + 1);
  });

  it("closes a window with unsaved edits through the save-before-close dialog", async () => {
    const { simulator, client } = await start({ profile, data: "empty" });
    await using session = await client.startSession();
    const window = await session.openWindow("SalesPricePage");
    await window.change("FORM", "form", "price_page_type_cd", "Supplier / Product Group");

    const closing = await window.close();
    expect(closing?.blocked).toBe(true);
    expect((await closing!.dialog!.buttons()).map((button) => button.name)).toEqual([
      "cb_1",
      "cb_2",
      "cb_3",
    ]);
    await closing!.dialog!.press("Cancel");
    expect(window.state).toBe("open");

    const again = await window.close();
    await again!.dialog!.press("No");
    expect(window.state).toBe("closed");
    expect(simulator.rows("price_page")).toHaveLength(0);
  });

  it("classifies injected faults: an empty 500, a reset, a corrupted window", async () => {
    const { simulator, client } = await start({ profile, data: "empty" });
    await using session = await client.startSession();
    const window = await session.openWindow("SalesPricePage");

    simulator.injectFault({ kind: "http500", route: "PUT /api/ui/interactive/v2/change" });
    await expect(window.change("FORM", "form", "description", "x")).rejects.toMatchObject({
      code: "P21_SERVER_ERROR",
      retry: "transient",
    });
    simulator.injectFault({ kind: "reset", route: "PUT /api/ui/interactive/v2/change" });
    await expect(window.change("FORM", "form", "description", "x")).rejects.toMatchObject({
      code: "P21_NETWORK",
      retry: "transient",
    });
    simulator.injectFault({
      kind: "http500",
      route: "PUT /api/ui/interactive/v2/data",
      phase: "after",
    });
    await expect(window.save()).rejects.toMatchObject({
      code: "P21_SERVER_ERROR",
      retry: "ambiguous",
    });
    simulator.injectFault({ kind: "corrupt", route: "PUT /api/ui/interactive/v2/tab" });
    const corrupted = await window.selectTab("VALUES").catch((error: unknown) => error);
    expect(corrupted).toMatchObject({ code: "P21_SERVER_ERROR", retry: "transient" });
    await window.close();
    expect(window.state).toBe("closed");
  });

  it("times out a stalled save within the save timeout, as ambiguous, and reports a full pool", async () => {
    const { simulator, client } = await start(
      { profile, data: "empty", poolSize: 1, poolWaitMs: 200 },
      { timeouts: { saveMs: 300 } },
    );
    await using session = await client.startSession();
    const window = await session.openWindow("SalesPricePage");
    await fillPricePage(window, emptyDataPage);
    simulator.injectFault({
      kind: "stall",
      route: "PUT /api/ui/interactive/v2/data",
      phase: "after",
    });

    const lost = await window.save().catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(P21TimeoutError);
    expect(lost).toMatchObject({ retry: "ambiguous", timeoutMs: 300 });
    expect(simulator.rows("price_page")).toHaveLength(1);

    const second = new P21Client({
      baseUrl: simulator.url,
      username: "api_user",
      password: "api_password",
    });
    try {
      await expect(second.startSession()).rejects.toBeInstanceOf(PoolExhaustedError);
    } finally {
      await second.close();
    }
  });

  it("refuses a popup on a session without response-window handling", async () => {
    const { client } = await start({ profile, data: "empty" });
    await using session = await client.startSession({ responseWindowHandling: false });
    const window = await session.openWindow("SalesPricePage");
    const notes = (await window.tools()).find((tool) => /notes/i.test(tool.name));

    const error = await window
      .runTool(notes?.name ?? "Quick.Notes")
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnexpectedResponseWindowError);
  });

  it("reports an unknown service as a refusal and lists its sessions", async () => {
    const { client } = await start({ profile, data: "empty" });
    await using session = await client.startSession();

    await expect(session.openWindow("NoSuchWindow")).rejects.toBeInstanceOf(ServerRefusedError);
    expect((await client.listSessions()).length).toBe(1);
  });
});
