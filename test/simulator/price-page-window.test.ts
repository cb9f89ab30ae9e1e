import { describe, expect, it } from "vitest";
import { WireError } from "../../src/simulator/http/answer.js";
import { PricePageWindow } from "../../src/simulator/windows/price-page-window.js";
import { keyForm } from "./support/price-page-key-form.js";
import { DELETED, withDeletedRows } from "./support/deleted-rows.js";
import { eventValue, harness, item } from "./support/window-harness.js";

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

  it("refuses a discount group the store does not have, of any company, as P21 refuses a value", () => {
    for (const pageType of ["Supplier / Discount Group", "Discount Group"]) {
      const window = new PricePageWindow(harness().context);
      window.change([item("form", "price_page_type_cd", pageType)]);
      window.change([item("form", "company_id", "ACME")]);

      expect(window.change([item("form", "discount_group_id", "NODG")])).toMatchObject({
        Status: 2,
        Messages: [{ Text: "Invalid discount_group_id value: NODG", Type: 2 }],
      });
      expect(window.dataElements()[0]?.Data[0]?.[4]).toBe("");
      expect(window.change([item("form", "discount_group_id", "stock")]).Status).toBe(1);
    }

    // An empty store (`--data empty`) has no discount groups to check against.
    const empty = new PricePageWindow(harness({ demo: false }).context);
    empty.change([item("form", "price_page_type_cd", "Supplier / Discount Group")]);
    empty.change([item("form", "company_id", "ACME")]);
    expect(empty.change([item("form", "discount_group_id", "ANY")]).Status).toBe(1);
  });

  it("refuses a company, supplier, product group or discount group marked deleted, as an unknown one", () => {
    const contents = withDeletedRows();
    const refusal = (field: string, value: string) => ({
      Status: 2,
      Messages: [{ Text: `Invalid ${field} value: ${value}`, Type: 2 }],
    });
    const window = new PricePageWindow(harness({ contents }).context);
    window.change([item("form", "price_page_type_cd", "Supplier / Product Group")]);

    expect(window.change([item("form", "company_id", DELETED.companyId)])).toMatchObject(
      refusal("company_id", DELETED.companyId),
    );
    window.change([item("form", "company_id", "ACME")]);
    expect(window.change([item("form", "product_group_id", "abras")])).toMatchObject(
      refusal("product_group_id", "ABRAS"),
    );
    window.change([item("form", "product_group_id", "ADHES")]);
    expect(window.change([item("form", "supplier_id", "10250")])).toMatchObject(
      refusal("supplier_id", "10250"),
    );
    expect(window.dataElements()[0]?.Data[0]?.[5]).toBe("");

    const discount = new PricePageWindow(harness({ contents }).context);
    discount.change([item("form", "price_page_type_cd", "Supplier / Discount Group")]);
    discount.change([item("form", "company_id", "ACME")]);
    expect(discount.change([item("form", "discount_group_id", "clearnc")])).toMatchObject(
      refusal("discount_group_id", "CLEARNC"),
    );
    // A row without `delete_flag` stands.
    expect(discount.change([item("form", "discount_group_id", "NOFLAG")]).Status).toBe(1);
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
