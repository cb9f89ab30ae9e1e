import { describe, expect, it } from "vitest";
import { decodeBody } from "../../src/client/transport.js";
import { parseXml } from "../../src/client/xml.js";

describe("tolerant XML reading", () => {
  it("reads a token answer", () => {
    const xml =
      '<?xml version="1.0"?><TokenResponse xmlns="urn:x"><AccessToken>abc</AccessToken>' +
      "<TokenType>Bearer</TokenType><ExpiresIn>86400</ExpiresIn><RefreshToken/></TokenResponse>";

    expect(decodeBody(xml, "application/xml")).toEqual({
      format: "xml",
      body: { AccessToken: "abc", TokenType: "Bearer", ExpiresIn: "86400", RefreshToken: "" },
    });
  });

  it("reads a DataContract session with namespaces, nil and entities", () => {
    const xml =
      '<Session xmlns="http://schemas.datacontract.org/2004/07/P21.UI.Service.Request" ' +
      'xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><Id>s-1</Id><Status i:nil="true"/>' +
      "<Note>a &amp; b &lt;c&gt; &#65;&#x42;</Note><Properties><Property><Name>x</Name></Property>" +
      "<Property><Name>y</Name></Property></Properties><a:Extra xmlns:a='urn:a'>1</a:Extra></Session>";

    expect(parseXml(xml)).toEqual({
      Session: {
        Id: "s-1",
        Status: null,
        Note: "a & b <c> AB",
        Properties: { Property: [{ Name: "x" }, { Name: "y" }] },
        Extra: "1",
      },
    });
  });

  it("reads a router answer and CDATA", () => {
    expect(
      decodeBody("<RouterResponse><Url><![CDATA[https://h/uiserver0]]></Url></RouterResponse>", ""),
    ).toEqual({
      format: "xml",
      body: { Url: "https://h/uiserver0" },
    });
  });

  it("refuses malformed XML and keeps it as text", () => {
    expect(parseXml("<a><b></a>")).toBeUndefined();
    expect(decodeBody("<html>oops", "text/html")).toEqual({ format: "text", body: "<html>oops" });
  });

  it("prefers JSON, and reads an empty body as nothing", () => {
    expect(decodeBody('"window-id"', "")).toEqual({ format: "json", body: "window-id" });
    expect(decodeBody("  ", "application/json")).toEqual({ format: "empty", body: undefined });
  });
});
