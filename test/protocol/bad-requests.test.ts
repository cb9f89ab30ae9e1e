import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Answer, ErrorEnvelope, Party } from "./http.js";
import { call, createSession, endSession, interactive, openWindow, party } from "./http.js";
import { simulatorForBlock } from "./simulator.js";

const BODY_LIMIT_BYTES = 16_384;
const UNKNOWN_WINDOW = "6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5";

const simulator = simulatorForBlock({ data: "demo", bodyLimitBytes: BODY_LIMIT_BYTES });
let who: Party;
let windowId: string;

beforeAll(async () => {
  who = await party(simulator());
  await createSession(who);
  windowId = await openWindow(who, "SalesPricePage");
});

afterAll(async () => {
  await endSession(who);
});

/** A refusal in the error envelope: a 4xx status and a string ErrorMessage, no Status. */
function expectEnvelope(answer: Answer, status?: number): ErrorEnvelope {
  if (status === undefined) {
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
  } else {
    expect(answer.status).toBe(status);
  }

  const error = answer.json<ErrorEnvelope>();
  expect(typeof error.ErrorMessage).toBe("string");
  expect(error).toHaveProperty("ErrorType");
  expect(error).not.toHaveProperty("Status");

  return error;
}

describe("malformed bodies", () => {
  it("malformed JSON on /v2/change answers 400 in the envelope", async () => {
    expectEnvelope(
      await interactive(who, "PUT", "/v2/change", { rawBody: '{"WindowId": "x", ' }),
      400,
    );
  });

  it("malformed JSON on session create answers 400 in the envelope", async () => {
    const fresh = await party(simulator());

    expectEnvelope(await interactive(fresh, "POST", "/sessions", { rawBody: "{not json" }), 400);
  });

  it("malformed JSON on token v2 answers 400", async () => {
    const answer = await call("POST", `${simulator().url}/api/security/token/v2`, {
      rawBody: "{",
    });

    expect(answer.status).toBe(400);
  });

  it("an empty body sent as application/json on a change is refused, not crashed", async () => {
    expectEnvelope(
      await interactive(who, "PUT", "/v2/change", { rawBody: "", contentType: "application/json" }),
    );
  });

  it("a body that is not JSON at all (text/plain) is refused with the envelope", async () => {
    expectEnvelope(
      await interactive(who, "PUT", "/v2/change", { rawBody: "hello", contentType: "text/plain" }),
    );
  });
});

describe("wrong types and missing fields", () => {
  it("List that is not an array is refused", async () => {
    expectEnvelope(
      await interactive(who, "PUT", "/v2/change", {
        json: { WindowId: windowId, List: "description" },
      }),
    );
  });

  it("a List entry without FieldName is refused", async () => {
    expectEnvelope(
      await interactive(who, "PUT", "/v2/change", {
        json: {
          WindowId: windowId,
          List: [{ TabName: "FORM", DatawindowName: "form", Value: "x" }],
        },
      }),
    );
  });

  it("a change without WindowId answers Window ID was not provided", async () => {
    const error = expectEnvelope(
      await interactive(who, "PUT", "/v2/change", {
        json: {
          List: [{ TabName: "FORM", DatawindowName: "form", FieldName: "description", Value: "x" }],
        },
      }),
    );

    expect(error.ErrorMessage).toBe("Window ID was not provided");
  });

  it("a WindowId that is a number is refused", async () => {
    expectEnvelope(
      await interactive(who, "PUT", "/v2/change", { json: { WindowId: 42, List: [] } }),
    );
  });

  it("a save body that is a number is refused with 422", async () => {
    expectEnvelope(await interactive(who, "PUT", "/v2/data", { json: 42 }), 422);
  });

  it("an open without any name is a 400 with a blank name", async () => {
    const error = expectEnvelope(await interactive(who, "POST", "/v2/window", { json: {} }), 400);

    expect(error.ErrorMessage).toContain("Cannot open window  because");
  });

  it("a tab request without PageName or WindowId is refused", async () => {
    expectEnvelope(await interactive(who, "PUT", "/v2/tab", { json: {} }));
  });

  it("a session create whose SessionTimeout is a string is refused", async () => {
    const fresh = await party(simulator());

    expectEnvelope(
      await interactive(fresh, "POST", "/sessions", { json: { SessionTimeout: "soon" } }),
    );
  });
});

describe("unknown ids", () => {
  it.each([
    ["GET", `/v2/window?id=${UNKNOWN_WINDOW}`, undefined],
    ["GET", `/v2/data?id=${UNKNOWN_WINDOW}`, undefined],
    ["DELETE", `/v2/data?id=${UNKNOWN_WINDOW}`, undefined],
    ["DELETE", `/v2/window?id=${UNKNOWN_WINDOW}`, undefined],
    ["GET", `/v2/tools?windowId=${UNKNOWN_WINDOW}`, undefined],
    ["PUT", "/v2/data", UNKNOWN_WINDOW],
    ["PUT", "/v2/tab", { WindowId: UNKNOWN_WINDOW, PageName: "VALUES" }],
    [
      "PUT",
      "/v2/change",
      {
        WindowId: UNKNOWN_WINDOW,
        List: [{ TabName: "FORM", DatawindowName: "form", FieldName: "description", Value: "x" }],
      },
    ],
  ])("%s %s on an unknown window answers 404 Window not found", async (method, path, body) => {
    const answer = await interactive(who, method, path, body === undefined ? {} : { json: body });

    expect(expectEnvelope(answer, 404).ErrorMessage).toBe("Window not found");
  });

  it("a window id that is not a GUID answers in the envelope", async () => {
    expectEnvelope(await interactive(who, "GET", "/v2/window?id=not-a-guid"));
  });

  it("an unknown route answers 404", async () => {
    expect((await interactive(who, "GET", "/v2/nothing-here")).status).toBe(404);
  });
});

describe("oversized bodies", () => {
  it("a change over the body limit answers 413 in the envelope", async () => {
    const answer = await interactive(who, "PUT", "/v2/change", {
      json: {
        WindowId: windowId,
        List: [
          {
            TabName: "FORM",
            DatawindowName: "form",
            FieldName: "description",
            Value: "x".repeat(BODY_LIMIT_BYTES * 2),
          },
        ],
      },
    });

    expectEnvelope(answer, 413);
  });

  it("a token request over the body limit answers 413", async () => {
    const answer = await call("POST", `${simulator().url}/api/security/token/v2`, {
      json: { username: "api_user", password: "x".repeat(BODY_LIMIT_BYTES * 2) },
    });

    expect(answer.status).toBe(413);
  });
});

describe("empty bodies that real clients send", () => {
  it("DELETE /sessions with Content-Type application/json and no body is served", async () => {
    const fresh = await party(simulator());
    await createSession(fresh);

    const answer = await interactive(fresh, "DELETE", "/sessions", {
      contentType: "application/json",
    });

    expect(answer.status).toBe(200);
  });

  it("GET /v2/window with Content-Type application/json and no body is served", async () => {
    const answer = await interactive(who, "GET", `/v2/window?id=${windowId}`, {
      contentType: "application/json",
    });

    expect(answer.status).toBe(200);
  });
});

describe("after all of the above", () => {
  it("the server still answers, and the session is usable", async () => {
    const answer = await interactive(who, "GET", `/v2/window?id=${windowId}`);

    expect(answer.status).toBe(200);
    const fresh = await party(simulator());
    expect(await createSession(fresh)).not.toBe("");
    await endSession(fresh);
  });
});
