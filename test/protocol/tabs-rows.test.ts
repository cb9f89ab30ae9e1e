import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO } from "../../src/simulator/index.js";
import type { DataWindow, ErrorEnvelope, Party, ResultEnvelope } from "./http.js";
import {
  changeOne,
  closeWindow,
  createSession,
  endSession,
  interactive,
  openWindow,
  party,
  selectTab,
  windowData,
} from "./http.js";
import { loadPage, requireSuccess, someActivePageUid } from "./pages.js";
import { PROFILES, simulatorForBlock } from "./simulator.js";

async function datawindowNames(who: Party, windowId: string): Promise<string[]> {
  const answer = await interactive(who, "GET", `/v2/window?id=${windowId}`);
  const state = answer.json<{ Definition: { Datawindows: Record<string, unknown> } }>();

  return Object.keys(state.Definition.Datawindows);
}

describe.each(PROFILES)("tabs on %s", (profile) => {
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

  async function loadedWindow(): Promise<string> {
    const windowId = await openWindow(who, "SalesPricePage");
    requireSuccess(await loadPage(who, windowId, await someActivePageUid(who)), "load");

    return windowId;
  }

  it("quirk 22: each tab selection replaces the datawindows of the last", async () => {
    const windowId = await loadedWindow();
    const walk: [string, string][] = [
      ["VALUES", "values"],
      ["COSTS", "costs"],
      ["PO COST MULTIPLIERS", "price_page_po_cost_calc"],
      ["FORM", "form"],
    ];

    for (const [pageName, datawindow] of walk) {
      const answer = await selectTab(who, windowId, pageName);
      expect(answer.status, pageName).toBe(200);
      expect(answer.json<ResultEnvelope>().Status, pageName).toBe(1);
      expect(await datawindowNames(who, windowId), pageName).toEqual([datawindow]);
    }

    await closeWindow(who, windowId);
  });

  it("quirk 23: /v2/data follows the tab touched last", async () => {
    const windowId = await loadedWindow();
    requireSuccess(await selectTab(who, windowId, "VALUES"), "tab VALUES");

    const names = (await windowData(who, windowId)).map((element: DataWindow) => element.Name);

    expect(names).toContain("values");
    await closeWindow(who, windowId);
  });

  it("quirk 16: TabName alone is a 400 with a blank name on 26.1 and tolerated on 25.2", async () => {
    const windowId = await loadedWindow();

    const answer = await interactive(who, "PUT", "/v2/tab", {
      json: { WindowId: windowId, TabName: "VALUES" },
    });

    if (onTwentySix) {
      expect(answer.status).toBe(400);
      expect(answer.json<ErrorEnvelope>().ErrorMessage).toBe(
        "Tab with name or display text of  does not exist.",
      );
      expect(await datawindowNames(who, windowId)).toEqual(["form"]);
    } else {
      expect(answer.status).toBe(200);
      expect(answer.json<ResultEnvelope>().Status).toBe(1);
      expect(await datawindowNames(who, windowId)).toEqual(["values"]);
    }

    await closeWindow(who, windowId);
  });

  it("quirk 16: with both TabName and PageName, PageName wins", async () => {
    const windowId = await loadedWindow();

    const answer = await interactive(who, "PUT", "/v2/tab", {
      json: { WindowId: windowId, TabName: "COSTS", PageName: "VALUES" },
    });

    expect(answer.json<ResultEnvelope>().Status).toBe(1);
    expect(await datawindowNames(who, windowId)).toEqual(["values"]);
    await closeWindow(who, windowId);
  });

  it("quirk 16: the v1 PagePath wrapper answers 500", async () => {
    const windowId = await loadedWindow();

    const answer = await interactive(who, "PUT", "/v2/tab", {
      json: { WindowId: windowId, PagePath: { PageName: "VALUES" } },
    });

    expect(answer.status).toBe(500);
    await closeWindow(who, windowId);
  });

  it("an unknown tab page is refused with the error envelope", async () => {
    const windowId = await loadedWindow();

    const answer = await selectTab(who, windowId, "NO_SUCH_TAB");

    expect(answer.status).toBe(400);
    expect(answer.json<ErrorEnvelope>().ErrorMessage).toBe(
      "Tab with name or display text of NO_SUCH_TAB does not exist.",
    );
    await closeWindow(who, windowId);
  });
});

describe("rows on SalesPriceBook", () => {
  const simulator = simulatorForBlock({ data: "demo" });
  let who: Party;

  beforeAll(async () => {
    who = await party(simulator());
    await createSession(who);
  });

  afterAll(async () => {
    await endSession(who);
  });

  async function bookOnList(): Promise<string> {
    const windowId = await openWindow(who, "SalesPriceBook");
    requireSuccess(
      await changeOne(who, windowId, "FORM", "price_book_id", DEMO.bookIds[0] ?? ""),
      "load book",
    );
    requireSuccess(await selectTab(who, windowId, "LIST"), "tab LIST");

    return windowId;
  }

  async function listDetail(windowId: string): Promise<DataWindow | undefined> {
    return (await windowData(who, windowId)).find((element) => element.Name === "list_detail");
  }

  it("quirk 35: row 0 is selected after a tab switch and an explicit Row 0 answers 422", async () => {
    const windowId = await bookOnList();
    expect((await listDetail(windowId))?.ActiveRow).toBe(0);

    const answer = await interactive(who, "PUT", "/v2/row", {
      json: { WindowId: windowId, DatawindowName: "list_detail", Row: 0 },
    });

    expect(answer.status).toBe(422);
    await closeWindow(who, windowId);
  });

  it("selects another row of the list", async () => {
    const windowId = await bookOnList();
    const before = await listDetail(windowId);
    expect(before?.TotalRows, "a demo book holds several linked pages").toBeGreaterThan(1);

    const answer = await interactive(who, "PUT", "/v2/row", {
      json: { WindowId: windowId, DatawindowName: "list_detail", Row: 1 },
    });

    expect(answer.status).toBe(200);
    expect(answer.json<ResultEnvelope>().Status).toBe(1);
    expect((await listDetail(windowId))?.ActiveRow).toBe(1);
    await closeWindow(who, windowId);
  });

  it("quirk 35: add row adds a row; with the previous row incomplete it answers Status 2 but still adds", async () => {
    const windowId = await bookOnList();
    const before = (await listDetail(windowId))?.TotalRows ?? 0;
    const addRow = () =>
      interactive(who, "POST", "/v2/row", {
        json: { WindowId: windowId, DatawindowName: "list_detail" },
      });

    const first = await addRow();
    expect(first.status).toBe(200);
    expect((await listDetail(windowId))?.TotalRows).toBe(before + 1);

    const second = await addRow();

    expect(second.status).toBe(200);
    const result = second.json<ResultEnvelope>();
    expect(result.Status).toBe(2);
    expect(result.Messages[0]?.Text).toMatch(/^Required value missing for .+ on row \d+$/);
    expect((await listDetail(windowId))?.TotalRows).toBe(before + 2);
    await closeWindow(who, windowId);
  });

  it("a row of an unknown datawindow is refused with Unable to find datawindow", async () => {
    const windowId = await bookOnList();

    const answer = await interactive(who, "POST", "/v2/row", {
      json: { WindowId: windowId, DatawindowName: "no_such_dw" },
    });

    expect(answer.status).toBe(400);
    expect(answer.json<ErrorEnvelope>().ErrorMessage).toBe(
      "Unable to find datawindow named no_such_dw",
    );
    await closeWindow(who, windowId);
  });

  it("a loaded price book shows its linked pages in list_detail", async () => {
    const windowId = await bookOnList();
    const list = await listDetail(windowId);

    expect(list?.Columns).toContain("price_page_uid");
    expect(list?.Data.length).toBe(list?.TotalRows);
    await closeWindow(who, windowId);
  });
});
