import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { queryString, urlParts } from "../../src/client/url-parts.js";

function byUrl(url: string) {
  const parsed = new URL(url);

  return {
    origin: parsed.origin,
    path: parsed.pathname,
    pathWithQuery: `${parsed.pathname}${parsed.search}`,
  };
}

/** Characters that make `new URL()` encode, decode or normalise something. */
const tricky = [..."aZ09-._~!$&'()*+,;=:@/%?#[] \"<>`{}|\\^", "%2e", "%2E", "..", "%41", "é"];

const piece = fc
  .array(fc.constantFrom(...tricky), { maxLength: 12 })
  .map((parts) => parts.join(""));
const host = fc.constantFrom(
  "127.0.0.1",
  "localhost",
  "p21.example.com",
  "P21.Example.com",
  "0x7f.1",
  "1.2.3",
  "256.1.1.1",
  "010.0.0.1",
  "xn--nxasmq6b.com",
  "host.",
  "[::1]",
  "user@host",
);
const port = fc.constantFrom("", ":80", ":443", ":8443", ":0443", ":65535", ":65536", ":5");

describe("urlParts", () => {
  it("cuts the client's own URLs by hand, as new URL() would", () => {
    expect(
      urlParts("http://127.0.0.1:4312/uiserver0/api/ui/interactive/v2/change?id=ab-12"),
    ).toEqual({
      origin: "http://127.0.0.1:4312",
      path: "/uiserver0/api/ui/interactive/v2/change",
      pathWithQuery: "/uiserver0/api/ui/interactive/v2/change?id=ab-12",
    });
    for (const url of [
      "https://p21.example.com",
      "http://host:8080/a/../b",
      "http://host/a/%2e%2E/b",
      "http://host/a?x='y'",
      "http://host:80/a",
      "http://0x7f.1/a",
    ]) {
      expect(urlParts(url)).toEqual(byUrl(url));
    }
  });

  it("gives new URL()'s parts for any URL new URL() accepts", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("http", "https", "HTTP"),
        host,
        port,
        piece,
        piece,
        (scheme, name, portText, path, query) => {
          const url = `${scheme}://${name}${portText}/${path}${query === "" ? "" : `?${query}`}`;
          let expected;
          try {
            expected = byUrl(url);
          } catch {
            expect(() => urlParts(url)).toThrow();
            return;
          }
          expect(urlParts(url)).toEqual(expected);
        },
      ),
      { numRuns: 3_000 },
    );
  });
});

describe("queryString", () => {
  it("encodes keys and values as URLSearchParams reads them back", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (query) => {
        const read = Object.fromEntries(new URLSearchParams(queryString(query)));
        expect(read).toEqual(Object.fromEntries(Object.entries(query)));
      }),
    );
  });
});
