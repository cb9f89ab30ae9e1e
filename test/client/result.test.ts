import { describe, expect, it } from "vitest";
import { Result } from "../../src/client/index.js";

describe("Result envelope reading", () => {
  it("reads Status as an int and as a name", () => {
    expect(Result.parse({ Status: 1 }).ok).toBe(true);
    expect(Result.parse({ Status: "Success" }).ok).toBe(true);
    expect(Result.parse({ Status: "failure" }).status).toBe(2);
    expect(Result.parse({ Status: 3 }).blocked).toBe(true);
    expect(Result.parse({ Status: "Blocked" }).statusName).toBe("Blocked");
    expect(Result.parse({ Status: "2" }).statusName).toBe("Failure");
  });

  it("treats a missing Status as None (not ok)", () => {
    const result = Result.parse({ Messages: [] });

    expect(result.status).toBe(0);
    expect(result.statusName).toBe("None");
    expect(result.ok).toBe(false);
  });

  it("reads Messages with their types, and their string form is the text", () => {
    const result = Result.parse({
      Status: 2,
      Messages: [
        { Text: "Enter a valid ID or leave ID blank.", Type: 2 },
        { Text: "note", Type: 1 },
        { Text: "fyi", Type: 0 },
        { Text: "named", Type: "Warning" },
      ],
    });

    expect(result.messages.map((message) => message.type)).toEqual([2, 1, 0, 1]);
    expect(result.messages.join("; ")).toBe(
      "Enter a valid ID or leave ID blank.; note; fyi; named",
    );
    expect(result.errors).toHaveLength(1);
  });

  it("infers the type of an untyped message from the status", () => {
    expect(Result.parse({ Status: 2, Messages: [{ Text: "bad" }] }).messages[0]?.type).toBe(2);
    expect(Result.parse({ Status: 1, Messages: [{ Text: "ok" }] }).messages[0]?.type).toBe(0);
  });

  it("reads event data as a key/value list and as an object", () => {
    const listForm = Result.parse({
      Status: 1,
      Events: [{ Name: "keygenerated", Data: [{ Key: "price_page_uid", Value: "123456" }] }],
    });
    const objectForm = Result.parse({
      Status: 1,
      Events: [{ Name: "keygenerated", Data: { Value: 654321 } }],
    });

    expect(listForm.events[0]?.get("PRICE_PAGE_UID")).toBe("123456");
    expect(listForm.generatedKey).toBe(123456);
    expect(objectForm.generatedKey).toBe(654321);
  });

  it("takes the first integer value of keygenerated", () => {
    const result = Result.parse({
      Status: 1,
      Events: [
        { Name: "savesucceeded", Data: [{ Key: "dw", Value: "7" }] },
        {
          Name: "KeyGenerated",
          Data: [
            { Key: "name", Value: "price_page_uid" },
            { Key: "value", Value: "42" },
          ],
        },
      ],
    });

    expect(result.generatedKey).toBe(42);
    expect(Result.parse({ Status: 1 }).generatedKey).toBeUndefined();
  });

  it("takes the opened window from windowopened, case-insensitively, not from an empty ResponseWindowId", () => {
    const result = Result.parse({
      Status: 3,
      ResponseWindowId: "",
      Events: [{ Name: "windowopened", Data: [{ Key: "WindowID", Value: "popup-1" }] }],
    });
    const seedForm = Result.parse({
      Status: 3,
      Events: [{ Name: "windowopened", Data: { WindowId: "popup-2" } }],
    });

    expect(result.openedWindowId).toBe("popup-1");
    expect(seedForm.openedWindowId).toBe("popup-2");
    expect(Result.parse({ Status: 1, ResponseWindowId: "" }).openedWindowId).toBeUndefined();
  });

  it("describes itself by its messages", () => {
    expect(Result.parse({ Status: 2, Messages: [{ Text: "a" }, { Text: "b" }] }).describe()).toBe(
      "a; b",
    );
    expect(Result.parse({ Status: 2 }).describe()).toBe("Failure");
  });
});
