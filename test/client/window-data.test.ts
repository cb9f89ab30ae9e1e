// How the client reads a window's data, definition and tools in the shapes it accepts: the
// simulator gives one of each, a real server (and its XML answers, read into plain values)
// may give the others. Pure unit tests of the parsers.
import { describe, expect, it } from "vitest";
import { P21ProtocolError } from "../../src/client/errors.js";
import {
  parseDatawindows,
  parseTools,
  parseWindowDefinition,
} from "../../src/client/window-data.js";

const context = { method: "GET", path: "/uiserver0/api/ui/interactive/v2/data?id=w1" };

describe("window data", () => {
  it("takes a bare list or one under Data or Datawindows, rows as lists or as records", () => {
    const form = {
      Name: "form",
      FullName: "TABPAGE_1.form",
      ActiveRow: "1",
      TotalRows: 2,
      Columns: ["price_page_uid", "description"],
      Data: [
        [101, "first"],
        [102, null],
      ],
    };
    const values = {
      Name: "values",
      Columns: ["calculation_value1"],
      Rows: [{ calculation_value1: 0.55 }],
    };

    for (const body of [
      [form, values],
      { Data: [form, values] },
      { Datawindows: [form, values] },
    ]) {
      const [first, second] = parseDatawindows(body, context);
      expect(first).toMatchObject({
        name: "form",
        fullName: "TABPAGE_1.form",
        activeRow: 1,
        totalRows: 2,
        rows: [
          ["101", "first"],
          ["102", null],
        ],
      });
      expect(first?.value("DESCRIPTION")).toBeNull();
      expect(first?.value("price_page_uid", 0)).toBe("101");
      expect(first?.value("no_such_column")).toBeUndefined();
      expect(first?.record(0)).toEqual({ price_page_uid: "101", description: "first" });
      expect(first?.record(5)).toBeUndefined();
      // No active row or row count given: the first row, and as many rows as came.
      expect(second).toMatchObject({ activeRow: 0, totalRows: 1, rows: [["0.55"]] });
    }
  });

  it("reads a datawindow without columns or rows as empty, and refuses what is not a list", () => {
    expect(parseDatawindows([{ Name: "empty" }], context)).toMatchObject([
      { name: "empty", columns: [], rows: [], totalRows: 0 },
    ]);
    expect(() => parseDatawindows({ Message: "no" }, context)).toThrow(P21ProtocolError);
    expect(() => parseDatawindows("text", context)).toThrow(/not a list of datawindows/);
  });
});

describe("a window definition", () => {
  it("reads tab pages and fields from lists or from maps keyed by name, under Definition or not", () => {
    const asLists = {
      Title: "Sales Price Page Maintenance",
      Definition: {
        WindowId: "w1",
        Name: "w_price_page",
        TabPageList: [
          { Name: "FORM", DisplayText: "Form", Enabled: true },
          { Name: "VALUES", Text: "Values", Enabled: "False" },
        ],
        Datawindows: [
          {
            Name: "form",
            ParentPage: "FORM",
            Style: "Form",
            Fields: [{ Name: "description", Label: "Description", Enabled: "true", DataType: 1 }],
          },
        ],
      },
    };
    const asMaps = {
      Id: "w1",
      Name: "w_price_page",
      Title: "Sales Price Page Maintenance",
      TabPages: { FORM: { DisplayText: "Form", Enabled: true }, VALUES: { Text: "Values" } },
      Datawindows: {
        form: {
          ParentPage: "FORM",
          Fields: { description: { Label: "Description", DataType: "char(40)" } },
        },
      },
    };

    const lists = parseWindowDefinition(asLists);
    expect(lists).toMatchObject({
      id: "w1",
      name: "w_price_page",
      title: "Sales Price Page Maintenance",
      tabPages: [
        { name: "FORM", text: "Form", enabled: true },
        { name: "VALUES", text: "Values", enabled: false },
      ],
      datawindows: [
        {
          name: "form",
          parentPage: "FORM",
          style: "Form",
          fields: [{ name: "description", label: "Description", enabled: true, dataType: 1 }],
        },
      ],
    });
    expect(lists.raw).toBe(asLists);

    expect(parseWindowDefinition(asMaps)).toMatchObject({
      id: "w1",
      tabPages: [
        { name: "FORM", text: "Form", enabled: true },
        { name: "VALUES", text: "Values", enabled: undefined },
      ],
      datawindows: [
        {
          name: "form",
          style: undefined,
          fields: [{ name: "description", enabled: undefined, dataType: "char(40)" }],
        },
      ],
    });
  });

  it("reads a definition with nothing structural as empty", () => {
    expect(parseWindowDefinition({})).toMatchObject({
      id: undefined,
      title: undefined,
      tabPages: [],
      datawindows: [],
    });
    expect(parseWindowDefinition({ Definition: { Id: 7 } }).id).toBe("7");
  });
});

describe("a window's tools", () => {
  it("takes a bare list or one under Tools, with the names either spelling gives", () => {
    const tools = [
      { ToolName: "cb_1", Text: "&Yes", DatawindowName: null, FieldName: null },
      { Name: "Quick.Save", ToolText: "Save", DataWindowName: "form", FieldName: "description" },
      { ToolName: "cb_2", DisplayText: "&No" },
    ];
    const expected = [
      { name: "cb_1", text: "&Yes", datawindow: undefined, field: undefined },
      { name: "Quick.Save", text: "Save", datawindow: "form", field: "description" },
      { name: "cb_2", text: "&No", datawindow: undefined, field: undefined },
    ];

    expect(parseTools(tools, context)).toMatchObject(expected);
    expect(parseTools({ Tools: tools }, context)).toMatchObject(expected);
    expect(() => parseTools({ Message: "no" }, context)).toThrow(/tool list is not a list/);
  });
});
