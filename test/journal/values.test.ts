import { describe, expect, it } from "vitest";

import {
  JournalError,
  canonicalJson,
  digestInput,
  isSecretKey,
  redactSecrets,
  redactText,
} from "../../src/journal/index.js";

describe("canonicalJson and digestInput", () => {
  it("gives equal values the same text whatever their key order", () => {
    const first = { b: 1, a: { d: [1, { y: 2, x: 1 }], c: "z" } };
    const second = { a: { c: "z", d: [1, { x: 1, y: 2 }] }, b: 1 };

    expect(canonicalJson(first)).toBe('{"a":{"c":"z","d":[1,{"x":1,"y":2}]},"b":1}');
    expect(digestInput(first)).toBe(digestInput(second));
  });

  it("is a SHA-256 in hex, and tells different values apart", () => {
    expect(digestInput([1, 2])).toMatch(/^[0-9a-f]{64}$/);
    expect(digestInput([1, 2])).not.toBe(digestInput([2, 1]));
    expect(digestInput({ a: 1 })).not.toBe(digestInput({ a: "1" }));
  });

  it("follows JSON for undefined members, dates and non-finite numbers", () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: Number.NaN })).toBe(
      '{"b":[null],"c":null}',
    );
    expect(canonicalJson(new Date("2026-01-02T03:04:05.000Z"))).toBe('"2026-01-02T03:04:05.000Z"');
    expect(canonicalJson(undefined)).toBe("null");
  });

  it("refuses cycles and BigInts with P21_JOURNAL_INPUT", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    for (const value of [cyclic, { n: 1n }]) {
      expect(() => canonicalJson(value)).toThrow(
        expect.objectContaining({ code: "P21_JOURNAL_INPUT" }),
      );
    }

    expect(() => digestInput(cyclic)).toThrow(JournalError);
  });

  it("allows a shared object that is not a cycle", () => {
    const shared = { x: 1 };

    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});

describe("redactSecrets", () => {
  it("drops secret keys at every depth, in any case and spelling", () => {
    const options = {
      sessions: 5,
      password: "p",
      Password: "p",
      credentials: { username: "admin", passWord: "p" },
      auth: { consumerKey: "k", consumer_key: "k", "Consumer-Key": "k", clientSecret: "s" },
      headers: [{ Authorization: "Bearer t", accept: "json" }],
      accessToken: "t",
      refresh_token: "t",
      apiKey: "k",
      Cookie: "c",
    };

    expect(redactSecrets(options)).toEqual({
      sessions: 5,
      auth: {},
      headers: [{ accept: "json" }],
    });
  });

  it("removes credentials inside URLs and leaves other text alone", () => {
    expect(
      redactSecrets({ baseUrl: "https://admin:hunter2@p21.example.com/api?x=1", note: "a@b" }),
    ).toEqual({ baseUrl: "https://p21.example.com/api?x=1", note: "a@b" });
  });

  it("scrubs bearer tokens and password fields quoted inside texts", () => {
    const redacted = redactSecrets({
      note: "request sent with Bearer abc.def.ghi",
      detail: ["login password=hunter2 refused"],
    }) as { note: string; detail: string[] };

    expect(redacted.note).not.toContain("abc.def.ghi");
    expect(redacted.detail[0]).not.toContain("hunter2");
    expect(redactText("nothing secret here")).toBe("nothing secret here");
  });

  it("does not change its argument and replaces cycles", () => {
    const value: Record<string, unknown> = { token: "t", keep: 1 };
    value.loop = value;

    expect(redactSecrets(value)).toEqual({ keep: 1, loop: "[circular]" });
    expect(value.token).toBe("t");
  });

  it("recognises secret key names", () => {
    for (const key of ["password", "PASSWD", "bearer_token", "X-Api-Key", "privateKey"]) {
      expect(isSecretKey(key), key).toBe(true);
    }

    for (const key of ["username", "baseUrl", "sessions", "supplierId", "keyField"]) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });
});
