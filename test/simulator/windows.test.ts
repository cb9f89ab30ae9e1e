import { describe, expect, it } from "vitest";
import { demoContents } from "../../src/simulator/data/demo-data.js";
import { emptyContents, SimulatorStore } from "../../src/simulator/data/store.js";
import { WireError } from "../../src/simulator/http/answer.js";
import type { BuildProfile, CommitInfo } from "../../src/simulator/types.js";
import { closeWindow, PopupWindow } from "../../src/simulator/windows/dialogs.js";
import { PriceBookWindow } from "../../src/simulator/windows/price-book-window.js";
import { PricePageWindow } from "../../src/simulator/windows/price-page-window.js";
import type { ResultEnvelope } from "../../src/simulator/windows/result.js";
import type {
  ChangeItem,
  InteractiveWindow,
  WindowContext,
} from "../../src/simulator/windows/window.js";

interface Harness {
  context: WindowContext;
  windows: Map<string, InteractiveWindow>;
  commits: CommitInfo[];
  store: SimulatorStore;
}

function harness(
  options: { demo?: boolean; dialogs?: boolean; profile?: BuildProfile } = {},
): Harness {
  const store = new SimulatorStore(options.demo === false ? emptyContents() : demoContents());
  const windows = new Map<string, InteractiveWindow>();
  const commits: CommitInfo[] = [];
  const context: WindowContext = {
    store,
    username: "api_user",
    profile: options.profile ?? "26.1.5950",
    responseWindowHandling: options.dialogs ?? false,
    register: (window) => windows.set(window.id, window),
    unregister: (window) => windows.delete(window.id),
    emitCommitted: (info) => commits.push(info),
  };
  return { context, windows, commits, store };
}

const item = (
  DatawindowName: string | null,
  FieldName: string,
  Value: string | null,
  ValueType: "Display" | "Data" = "Display",
): ChangeItem => ({
  TabName: null,
  DatawindowName,
  FieldName,
  Value,
  ValueType,
});

function keyForm(
  window: PricePageWindow,
  supplierId = "10010",
  groupId = "FASTN",
  effective = "2027-01-01",
) {
  const fields: [string, string][] = [
    ["price_page_type_cd", "Supplier / Product Group"],
    ["company_id", "ACME"],
    ["product_group_id", groupId],
    ["supplier_id", supplierId],
    ["description", "Test page"],
    ["pricing_method_cd", "Source"],
    ["source_price_cd", "Supplier List Price"],
    ["effective_date", effective],
    ["expiration_date", "2027-12-31"],
  ];
  for (const [field, value] of fields)
    expect(window.change([item("form", field, value)]).Status).toBe(1);
  expect(window.selectTab("VALUES").Status).toBe(1);
  expect(window.change([item("values", "calculation_method_cd", "Multiplier")]).Status).toBe(1);
  expect(window.change([item("values", "calculation_value1", "0.5")]).Status).toBe(1);
}

function eventValue(result: ResultEnvelope, name: string): string | undefined {
  return result.Events.find((event) => event.Name === name)?.Data[0]?.Value;
}

describe("SalesPricePage rules", () => {
  it("refuses a field set before the ones it depends on, applying nothing", () => {
    const { context } = harness();
    const window = new PricePageWindow(context);
    expect(
      window.change([item("form", "price_page_type_cd", "Supplier / Product Group")]).Status,
    ).toBe(1);

    const early = window.change([item("form", "supplier_id", "10010")]);

    expect(early).toMatchObject({
      Status: 2,
      Messages: [{ Text: "Supplier ID cannot be set before Company ID.", Type: 2 }],
    });
    expect(window.dataElements()[0]?.Data[0]?.[5]).toBe("");
  });

  it("takes display labels case-insensitively, in both spellings, and refuses codes", () => {
    const { context } = harness();
    const window = new PricePageWindow(context);
    expect(window.change([item("form", "price_page_type_cd", "214")])).toMatchObject({
      Status: 2,
      Messages: [{ Text: "Invalid price_page_type_cd value: 214" }],
    });
    expect(
      window.change([item("form", "price_page_type_cd", "supplier / product group")]).Status,
    ).toBe(1);
    expect(window.change([item("form", "company_id", "ACME")]).Status).toBe(1);
    expect(window.change([item("form", "product_group_id", "FASTN")]).Status).toBe(1);
    expect(window.change([item("form", "supplier_id", "10010")]).Status).toBe(1);
    expect(window.change([item("form", "description", "x")]).Status).toBe(1);
    expect(window.change([item("form", "pricing_method_cd", "220", "Data")]).Status).toBe(1);
    expect(window.change([item("form", "source_price_cd", "Replacement Cost")]).Status).toBe(1);
    expect(window.dataElements()[0]?.Data[0]?.[8]).toBe("Primary Supplier Cost");
  });

  it("validates lookups, numbers, dates and lengths at change time", () => {
    const { context } = harness();
    const window = new PricePageWindow(context);
    window.change([item("form", "price_page_type_cd", "Supplier / Product Group")]);
    expect(window.change([item("form", "company_id", "NOPE")]).Messages[0]?.Text).toBe(
      "Invalid company_id value: NOPE",
    );
    window.change([item("form", "company_id", "acme")]);
    expect(window.change([item("form", "product_group_id", "ZZZ")]).Status).toBe(2);
    window.change([item("form", "product_group_id", "fastn")]);
    expect(window.change([item("form", "supplier_id", "10.5")]).Status).toBe(2);
    expect(window.change([item("form", "supplier_id", "99")]).Status).toBe(2);
    window.change([item("form", "supplier_id", "10010")]);
    expect(
      window.change([item("form", "description", "x".repeat(41))]).Messages[0]?.Text,
    ).toContain("too long");
    window.change([item("form", "description", "ok")]);
    window.change([item("form", "pricing_method_cd", "Source")]);
    window.change([item("form", "source_price_cd", "Average Cost")]);
    expect(window.change([item("form", "effective_date", "2027-02-30")]).Status).toBe(2);
    window.change([item("form", "effective_date", "2027-02-01")]);
    expect(window.change([item("form", "expiration_date", "2027-01-01")]).Messages[0]?.Text).toBe(
      "Expiration Date cannot be before Effective Date.",
    );
  });

  it("disables the fields a page type does not use", () => {
    const { context } = harness();
    const window = new PricePageWindow(context);
    window.change([item("form", "price_page_type_cd", "Supplier / Product Group")]);
    window.change([item("form", "company_id", "ACME")]);
    expect(() => window.change([item("form", "discount_group_id", "DG")])).toThrow(
      "Column is disabled: discount_group_id",
    );
  });

  it("applies a batched change in order and stops at the first rejection with a 400", () => {
    const { context } = harness();
    const window = new PricePageWindow(context);
    const batch = [
      item("form", "price_page_type_cd", "Supplier / Product Group"),
      item("form", "supplier_id", "10010"),
      item("form", "company_id", "ACME"),
    ];

    expect(() => window.change(batch)).toThrow(WireError);
    const record = window.dataElements()[0]?.Data[0];
    expect(record?.[1]).toBe("Supplier / Product Group");
    expect(record?.[2]).toBe("");
  });

  it("answers a new key from the counter in keygenerated, then holds the saved page", () => {
    const { context, commits, store } = harness({ demo: false });
    const window = new PricePageWindow(context);
    keyForm(window, "77", "ANY");

    const saved = window.save();

    expect(saved.Status).toBe(1);
    expect(eventValue(saved, "keygenerated")).toBe("100001");
    expect(commits).toEqual([
      {
        table: "price_page",
        kind: "insert",
        key: { price_page_uid: 100001 },
        username: "api_user",
      },
    ]);
    expect(store.pricePage(100001)).toMatchObject({
      supplier_id: 77,
      calculation_method_cd: 211,
      row_status_flag: 704,
    });
    expect(window.save().Events).toEqual([]);
  });

  it("loads an unknown uid as Status 2 (Status 0 on 25.2) and an empty, writable window", () => {
    for (const [profile, status] of [
      ["26.1.5950", 2],
      ["25.2", 0],
    ] as const) {
      const window = new PricePageWindow(harness({ profile }).context);
      expect(window.change([item("form", "price_page_uid", "42")])).toMatchObject({
        Status: status,
        Messages: [{ Text: "Enter a valid ID or leave ID blank.", Type: 2 }],
      });
      expect(window.change([item("form", "price_page_type_cd", "Supplier")]).Status).toBe(1);
    }
  });

  it("opens VALUES after the effective date and saves a page without expiration date as open-ended", () => {
    const { context, store } = harness({ demo: false });
    const window = new PricePageWindow(context);
    const valuesEnabled = () =>
      window.state().Definition.TabPageList.find((tab) => tab.DisplayText === "VALUES")?.Enabled;
    const required: [string, string][] = [
      ["price_page_type_cd", "Supplier / Product Group"],
      ["company_id", "ACME"],
      ["product_group_id", "ANY"],
      ["supplier_id", "77"],
      ["description", "Open-ended page"],
      ["pricing_method_cd", "Source"],
      ["source_price_cd", "Supplier List Price"],
    ];
    for (const [field, value] of required) {
      expect(window.change([item("form", field, value)]).Status).toBe(1);
    }

    expect(valuesEnabled()).toBe(false);
    expect(window.selectTab("VALUES").Status).toBe(2);
    expect(window.change([item("form", "expiration_date", "2027-12-31")])).toMatchObject({
      Status: 2,
      Messages: [{ Text: "Expiration Date cannot be set before Effective Date.", Type: 2 }],
    });
    expect(window.change([item("form", "effective_date", "2027-01-01")]).Status).toBe(1);
    expect(valuesEnabled()).toBe(true);
    expect(window.selectTab("VALUES").Status).toBe(1);
    expect(window.change([item("values", "calculation_method_cd", "Multiplier")]).Status).toBe(1);
    expect(window.change([item("values", "calculation_value1", "0.5")]).Status).toBe(1);

    const saved = window.save();

    expect(saved.Status).toBe(1);
    expect(store.pricePage(100001)).toMatchObject({
      effective_date: "2027-01-01T00:00:00",
      expiration_date: null,
      row_status_flag: 704,
    });
  });

  it("takes an expiration date after the VALUES fields of a new page too", () => {
    const { context, store } = harness({ demo: false });
    const window = new PricePageWindow(context);
    keyForm(window, "77", "ANY");
    expect(window.change([item("form", "expiration_date", null)]).Status).toBe(1);
    expect(window.change([item("form", "expiration_date", "2028-06-30")]).Status).toBe(1);

    expect(window.save().Status).toBe(1);
    expect(store.pricePage(100001)?.expiration_date).toBe("2028-06-30T00:00:00");
  });

  it("expires a page: load, change expiration_date, save updates it", () => {
    const { context, commits, store } = harness();
    const window = new PricePageWindow(context);
    expect(window.change([item("form", "price_page_uid", "100028")]).Status).toBe(1);
    expect(() => window.change([item("form", "supplier_id", "10020")])).toThrow(
      "Column is disabled: supplier_id",
    );
    expect(window.change([item("form", "expiration_date", "2026-06-30")]).Status).toBe(1);

    expect(window.save().Status).toBe(1);
    expect(commits[0]).toMatchObject({
      table: "price_page",
      kind: "update",
      key: { price_page_uid: 100028 },
    });
    expect(store.pricePage(100028)).toMatchObject({
      expiration_date: "2026-06-30T00:00:00",
      row_status_flag: 705,
    });
  });
});

describe("dialogs", () => {
  it("with handling off, answers the overlap warning Yes and saves, echoing its text", () => {
    const { context, store } = harness({ dialogs: false });
    const window = new PricePageWindow(context);
    keyForm(window);

    const saved = window.save();

    expect(saved.Status).toBe(1);
    expect(saved.Messages[0]?.Text).toContain(
      "Another active price page exists for supplier 10010 and product group FASTN",
    );
    expect(store.overlappingActivePages(store.pricePage(100721) ?? {}, 100721)).toHaveLength(1);
  });

  it("with handling on, blocks the window until the popup is answered", () => {
    const { context, windows, commits } = harness({ dialogs: true });
    const window = new PricePageWindow(context);
    keyForm(window);

    const blocked = window.save();
    const popupId = eventValue(blocked, "windowopened") ?? "";
    const popup = windows.get(popupId);

    expect(blocked.Status).toBe(3);
    expect(popup).toBeInstanceOf(PopupWindow);
    expect(() => window.admit("other")).toThrow("waiting for an answer");
    expect(
      popup
        ?.tools()
        .map((tool) => [tool.ToolName, tool.Text])
        .slice(0, 2),
    ).toEqual([
      ["cb_1", "Yes"],
      ["cb_2", "No"],
    ]);

    const answered = popup?.runTool("cb_1");
    expect(eventValue(answered ?? blocked, "keygenerated")).toBe("100721");
    expect(commits).toHaveLength(1);
    expect(windows.has(popupId)).toBe(false);
    expect(() => window.admit("other")).not.toThrow();
  });

  it("with handling on, shows the message box text in the Blocked answer and the popup's state", () => {
    const { context, windows } = harness({ dialogs: true });
    const window = new PricePageWindow(context);
    keyForm(window);
    const text =
      "Another active price page exists for supplier 10010 and product group FASTN over these dates. Save anyway?";

    const blocked = window.save();
    const popup = windows.get(eventValue(blocked, "windowopened") ?? "");

    expect(blocked).toMatchObject({ Status: 3, Messages: [{ Text: text, Type: 1 }] });
    expect(popup?.state().Definition).toMatchObject({
      Name: "w_message",
      Title: "Price Page",
      Text: text,
    });
    expect(window.state().Definition).not.toHaveProperty("Text");
  });

  it("shows no text for a popup that is not a message box", () => {
    const { context, windows } = harness({ dialogs: true });
    const window = new PricePageWindow(context);

    const blocked = window.runTool("Quick.Notes");
    const popup = windows.get(eventValue(blocked, "windowopened") ?? "");

    expect(blocked).toMatchObject({ Status: 3, Messages: [] });
    expect(popup?.state().Definition).toMatchObject({ Name: "w_notepad_response_lite" });
    expect(popup?.state().Definition).not.toHaveProperty("Text");
  });

  it("lets a notepad popup take its own fields, refuse a save and run only its parent's ribbon", () => {
    const { context, windows } = harness({ dialogs: true });
    const window = new PricePageWindow(context);
    const blocked = window.runTool("Quick.Notes");
    const popup = windows.get(eventValue(blocked, "windowopened") ?? "");
    if (!(popup instanceof PopupWindow)) throw new Error("no popup opened");

    expect(
      popup.change([item("_dw_hdr", "topic", "Freight"), item("_dw_hdr", "note", "Ships Fridays")]),
    ).toMatchObject({ Status: 1 });
    expect(popup.values()).toMatchObject({ topic: "Freight", note: "Ships Fridays" });
    expect(popup.change([item("_dw_hdr", "topic", "x".repeat(41))]).Messages[0]?.Text).toContain(
      "too long",
    );
    expect(popup.values()).toMatchObject({ topic: "Freight" });
    expect(popup.save()).toMatchObject({
      Status: 2,
      Messages: [{ Text: "There is nothing to save in a response window." }],
    });
    expect(popup.runTool("quick.clear")).toMatchObject({ Status: 1 });
    expect(popup.runTool("cb_99")).toMatchObject({
      Status: 2,
      Messages: [{ Text: "Tool cb_99 is not available in this window." }],
    });
    expect(popup.tools().map((tool) => tool.ToolName)).toContain("Quick.Save");

    popup.clear();
    expect(popup.values()).toMatchObject({ topic: null, note: null });
  });

  it("saves nothing when the overlap warning is answered No", () => {
    const { context, windows, commits } = harness({ dialogs: true });
    const window = new PricePageWindow(context);
    keyForm(window);
    const popupId = eventValue(window.save(), "windowopened") ?? "";

    const answered = windows.get(popupId)?.runTool("cb_2");

    expect(answered).toMatchObject({ Status: 2, Messages: [{ Text: "Save cancelled." }] });
    expect(commits).toHaveLength(0);
  });

  it("asks before closing with unsaved edits; with handling off the edits are discarded", () => {
    const asked = harness({ dialogs: true });
    const window = new PricePageWindow(asked.context);
    asked.windows.set(window.id, window);
    window.change([item("form", "price_page_type_cd", "Supplier")]);
    const closing = closeWindow(window);
    expect(closing.Status).toBe(3);
    const popup = asked.windows.get(eventValue(closing, "windowopened") ?? "");
    expect(popup?.runTool("cb_3").Status).toBe(1);
    expect(asked.windows.has(window.id)).toBe(true);

    const silent = harness({ dialogs: false });
    const other = new PricePageWindow(silent.context);
    silent.windows.set(other.id, other);
    other.change([item("form", "price_page_type_cd", "Supplier")]);
    expect(closeWindow(other).Status).toBe(1);
    expect(silent.windows.size).toBe(0);
    expect(silent.commits).toHaveLength(0);
  });

  it("refuses a popup that is not a message box when handling is off", () => {
    const window = new PricePageWindow(harness({ dialogs: false }).context);
    expect(() => window.runTool("Quick.Notes")).toThrow(
      "Unexpected response window: Notepad Entry Window. Window class: w_notepad_response_lite",
    );
  });
});

describe("datawindow names", () => {
  it("burns the next request after a bad datawindow on 26.1, not on 25.2", () => {
    const modern = new PricePageWindow(harness().context);
    expect(() => modern.change([item("dw_1", "description", "x")])).toThrow(
      "Unable to find datawindow named dw_1",
    );
    expect(() => modern.admit("other")).toThrow(WireError);
    expect(() => modern.admit("other")).not.toThrow();

    const old = new PricePageWindow(harness({ profile: "25.2" }).context);
    expect(() => old.change([item("dw_1", "description", "x")])).toThrow(WireError);
    expect(() => old.admit("other")).not.toThrow();
  });

  it("resolves a missing datawindow for header fields on 26.1 only", () => {
    expect(
      new PricePageWindow(harness().context).change([item(null, "price_page_type_cd", "Supplier")])
        .Status,
    ).toBe(1);
    expect(() =>
      new PricePageWindow(harness({ profile: "25.2" }).context).change([
        item(null, "price_page_type_cd", "Supplier"),
      ]),
    ).toThrow("Unable to find datawindow named ");
  });
});

describe("SalesPriceBook", () => {
  it("saves a book's new description as an update of the book, and nothing for an unchanged one", () => {
    const { context, commits, store } = harness();
    const window = new PriceBookWindow(context);
    window.change([item("form", "price_book_id", "DEALER")]);
    expect(window.save().Status).toBe(1);
    expect(commits).toEqual([]);

    expect(window.change([item("form", "description", "Dealer prices 2027")]).Status).toBe(1);
    expect(
      window.change([item("form", "description", "x".repeat(300))]).Messages[0]?.Text,
    ).toContain("too long");
    expect(window.save().Status).toBe(1);

    expect(commits).toMatchObject([
      { table: "price_book", kind: "update", key: { price_book_id: "DEALER" } },
    ]);
    expect(store.priceBook("DEALER")?.description).toBe("Dealer prices 2027");
  });

  it("links several new pages in one save and commits the row cursor at the key", () => {
    const { context, commits, store } = harness();
    const window = new PriceBookWindow(context);
    expect(window.selectTab("LIST").Status).toBe(2);
    expect(window.change([item("form", "price_book_id", "contract")]).Status).toBe(1);
    expect(window.selectTab("LIST").Status).toBe(1);
    expect(() => window.selectRow("list_detail", 0)).toThrow(WireError);

    expect(window.addRow("list_detail").Status).toBe(1);
    expect(
      window.change([
        item("list_detail", "price_page_uid", "100600"),
        item("list_detail", "price_page_uid", "100601"),
      ]).Status,
    ).toBe(1);
    expect(window.addRow("list_detail").Status).toBe(1);
    expect(window.addRow("list_detail")).toMatchObject({
      Status: 2,
      Messages: [
        {
          Text: `Required value missing for Price Page UID on row ${store.linksOfBook("CONTRACT").length + 2}`,
        },
      ],
    });
    expect(window.selectRow("list_detail", store.linksOfBook("CONTRACT").length + 1).Status).toBe(
      1,
    );
    expect(window.change([item("list_detail", "price_page_uid", "100601")]).Status).toBe(1);
    expect(window.change([item("list_detail", "price_page_uid", "999")]).Status).toBe(1);
    expect(window.dataElements()[0]?.Data.at(-2)?.[0]).toBe("100601");
    expect(window.save()).toMatchObject({ Status: 2 });

    window.selectRow("list_detail", store.linksOfBook("CONTRACT").length + 2);
    window.change([item("list_detail", "price_page_uid", "100602")]);
    expect(window.save().Status).toBe(1);
    expect(commits.map((commit) => commit.key.price_page_uid)).toEqual([100600, 100601, 100602]);
    expect(store.isLinked("CONTRACT", 100601)).toBe(true);
  });

  it("under drop-rows, answers a save as a success, shows its rows, and stores none of them", () => {
    const { context, commits, store } = harness();
    const window = new PriceBookWindow(context);
    const before = store.linksOfBook("CONTRACT").length;
    window.change([item("form", "price_book_id", "CONTRACT")]);
    window.selectTab("LIST");
    window.addRow("list_detail");
    window.change([item("list_detail", "price_page_uid", "100600")]);

    expect(window.save({ dropRows: true })).toMatchObject({
      Status: 1,
      Events: [{ Name: "savesucceeded" }],
    });

    expect(window.dirty).toBe(false);
    expect(window.dataElements()[0]?.Data.at(-1)?.[0]).toBe("100600");
    expect(store.isLinked("CONTRACT", 100600)).toBe(false);
    expect(store.linksOfBook("CONTRACT")).toHaveLength(before);
    expect(commits).toEqual([]);
  });

  it("refuses a page already in the book and an unknown book", () => {
    const window = new PriceBookWindow(harness().context);
    expect(window.change([item("form", "price_book_id", "NOPE")])).toMatchObject({
      Status: 2,
      Messages: [{ Text: "Enter a valid ID or leave ID blank." }],
    });
    window.change([item("form", "price_book_id", "RETAIL")]);
    window.selectTab("LIST");
    window.addRow("list_detail");
    expect(window.change([item("list_detail", "price_page_uid", "100021")]).Messages[0]?.Text).toBe(
      "Price page 100021 is already in price book RETAIL.",
    );
  });
});

describe("the store's overlap check", () => {
  const page = (supplier: number) => ({
    company_id: "IFS",
    supplier_id: supplier,
    product_group_id: "PG1",
    discount_group_id: null,
    effective_date: "2030-01-01",
    expiration_date: "2030-12-31",
  });

  it("finds the overlapping pages of the supplier a page has now, after an update moved it", () => {
    const store = new SimulatorStore(emptyContents());
    const first = store.insertPricePage(page(10), "api_user");
    const second = store.insertPricePage(page(20), "api_user");
    const uidsFor = (supplier: number) =>
      store.overlappingActivePages(page(supplier), null).map((row) => row.price_page_uid);

    expect(uidsFor(10)).toEqual([first.price_page_uid]);
    store.updatePricePage(Number(second.price_page_uid), { supplier_id: 10 }, "api_user");
    expect(uidsFor(10).sort()).toEqual([first.price_page_uid, second.price_page_uid].sort());
    expect(uidsFor(20)).toEqual([]);
    expect(store.overlappingActivePages(page(10), Number(first.price_page_uid))).toHaveLength(1);
  });
});
