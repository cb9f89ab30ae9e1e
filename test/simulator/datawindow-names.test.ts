import { describe, expect, it } from "vitest";
import { WireError } from "../../src/simulator/http/answer.js";
import { PricePageWindow } from "../../src/simulator/windows/price-page-window.js";
import { harness, item } from "./support/window-harness.js";

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
