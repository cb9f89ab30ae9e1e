import { describe, expect, it } from "vitest";
import { SessionExpiredError } from "../../src/client/errors.js";
import { Redactor } from "../../src/client/redact.js";
import { errorFromAnswer, serverMessageOf } from "../../src/client/server-answers.js";
import { decodeBody, type IncomingAnswer } from "../../src/client/transport.js";

function answer(text: string, contentType: string): IncomingAnswer {
  return { status: 500, contentType, text, ...decodeBody(text, contentType), path: "/x" };
}

describe("a server's message", () => {
  it("is the envelope's ErrorMessage when there is one", () => {
    const envelope = JSON.stringify({ ErrorMessage: "Invalid session", ErrorType: "X" });
    expect(serverMessageOf(answer(envelope, "application/json"))).toBe("Invalid session");
  });

  it("names an HTML page by its title, whether or not it also reads as XML", () => {
    const wellFormed = "<html><head><title> Service\n Unavailable </title></head><body/></html>";
    const loose = "<!DOCTYPE HTML>\n<html><head><title>Error response</title><body><p>x";

    expect(serverMessageOf(answer(wellFormed, "text/html"))).toBe(
      "an HTML page: Service Unavailable",
    );
    expect(serverMessageOf(answer(loose, "text/plain"))).toBe("an HTML page: Error response");
    expect(serverMessageOf(answer("<html><body>Down</body></html>", "text/html"))).toBe(
      "an HTML page",
    );
  });

  it("is the envelope's ErrorMessage even when the server labels the JSON as HTML", () => {
    const envelope = JSON.stringify({ ErrorMessage: "Invalid session", ErrorType: "X" });
    const labelled = { ...answer(envelope, "text/html; charset=utf-8"), status: 400 };

    expect(serverMessageOf(labelled)).toBe("Invalid session");
    // So an expired session is still told apart, and the client signs in again.
    const context = { method: "GET", description: "reading window w1" };
    expect(errorFromAnswer(labelled, context, new Redactor())).toBeInstanceOf(SessionExpiredError);
  });

  it("puts other text on one line and cuts it short", () => {
    const long = `first line\r\n\tsecond ${"x".repeat(600)}`;
    const message = serverMessageOf(answer(long, "text/plain")) ?? "";

    expect(message.startsWith("first line second xxx")).toBe(true);
    expect(message).toHaveLength(501);
    expect(message.endsWith("…")).toBe(true);
    expect(serverMessageOf(answer("  short\nanswer ", "text/plain"))).toBe("short answer");
  });
});
