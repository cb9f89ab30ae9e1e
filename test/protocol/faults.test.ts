import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { DEMO, startSimulator } from "../../src/simulator/index.js";
import type { ErrorEnvelope, Party, ResultEnvelope } from "./http.js";
import {
  call,
  changeOne,
  closeWindow,
  createSession,
  endSession,
  fieldValue,
  interactive,
  openWindow,
  party,
  save,
} from "./http.js";
import {
  keyNewPage,
  loadPage,
  pagesByDescription,
  requireSuccess,
  samplePage,
  someActivePageUid,
} from "./pages.js";
import type { Simulator } from "./simulator.js";

const CHANGE = "PUT /api/ui/interactive/v2/change";
const SAVE = "PUT /api/ui/interactive/v2/data";
const WINDOW_STATE = "GET /api/ui/interactive/v2/window";

let simulator: Simulator;
let who: Party;
let sessionId: string;

beforeEach(async () => {
  simulator = await startSimulator({ data: "demo" });
  who = await party(simulator);
  sessionId = await createSession(who);
});

afterEach(async () => {
  await simulator.close();
});

async function loadedWindow(): Promise<string> {
  const windowId = await openWindow(who, "SalesPricePage");
  requireSuccess(await loadPage(who, windowId, await someActivePageUid(who)), "load");

  return windowId;
}

async function serverStillAnswers(): Promise<void> {
  const fresh = await party(simulator);
  const answer = await call("GET", `${simulator.uiServerUrl}/ui/common/v1/serverinfo`, {
    token: fresh.token,
  });
  expect(answer.status).toBe(200);
}

function faultCount(): number {
  const counts = simulator.stats().faultsInjected;

  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

describe("injected faults", () => {
  it("http500 answers an empty 500 and applies nothing; the next request is healthy", async () => {
    const windowId = await loadedWindow();
    const before = await fieldValue(who, windowId, "form", "description");
    simulator.injectFault({ kind: "http500", route: CHANGE, count: 1 });

    const failed = await changeOne(who, windowId, "FORM", "description", "never applied");

    expect(failed.status).toBe(500);
    expect(failed.text).toBe("");
    expect(await fieldValue(who, windowId, "form", "description")).toBe(before);
    const healthy = await changeOne(who, windowId, "FORM", "description", "applied");
    expect(healthy.json<ResultEnvelope>().Status).toBe(1);
    expect(faultCount()).toBe(1);
  });

  it("reset closes the socket without an answer", async () => {
    const windowId = await loadedWindow();
    simulator.injectFault({ kind: "reset", route: CHANGE, count: 1 });

    await expect(changeOne(who, windowId, "FORM", "description", "reset")).rejects.toThrow();

    const healthy = await changeOne(who, windowId, "FORM", "description", "after reset");
    expect(healthy.json<ResultEnvelope>().Status).toBe(1);
  });

  it("stall never answers; the server still answers others", async () => {
    const windowId = await loadedWindow();
    simulator.injectFault({ kind: "stall", route: WINDOW_STATE, count: 1 });

    const stalled = interactive(who, "GET", `/v2/window?id=${windowId}`, {
      signal: AbortSignal.timeout(500),
    });

    await expect(stalled).rejects.toThrow();
    await serverStillAnswers();
    const other = await party(simulator);
    expect(await createSession(other)).not.toBe("");
    await endSession(other);
  });

  it("corrupt: every later request on the window fails until it is closed; a new window works", async () => {
    const windowId = await loadedWindow();
    simulator.injectFault({ kind: "corrupt", route: CHANGE, count: 1 });

    const first = await changeOne(who, windowId, "FORM", "description", "corrupted");
    const second = await changeOne(who, windowId, "FORM", "description", "still corrupted");
    const read = await interactive(who, "GET", `/v2/data?id=${windowId}`);

    for (const answer of [first, second, read]) {
      expect(answer.status).toBe(500);
      expect(answer.json<ErrorEnvelope>()).toEqual({
        ErrorMessage: "Object reference not set to an instance of an object.",
        ErrorType: "System.NullReferenceException",
      });
    }

    expect((await closeWindow(who, windowId)).status).toBe(200);
    const fresh = await loadedWindow();
    const healthy = await changeOne(who, fresh, "FORM", "description", "fresh window");
    expect(healthy.json<ResultEnvelope>().Status).toBe(1);
  });

  it("expire-session ends the session: its calls answer Invalid session, a new one can start", async () => {
    const windowId = await loadedWindow();
    simulator.injectFault({ kind: "expire-session", route: CHANGE, count: 1 });

    await changeOne(who, windowId, "FORM", "description", "expiring");
    const afterwards = await interactive(who, "GET", `/v2/window?id=${windowId}`);

    expect(afterwards.status).toBe(400);
    expect(afterwards.json<ErrorEnvelope>().ErrorMessage).toBe("Invalid session");
    expect(await createSession(who)).not.toBe("");
  });

  it("expire-token invalidates the token: 401 Authorization has been denied", async () => {
    const windowId = await loadedWindow();
    simulator.injectFault({ kind: "expire-token", route: CHANGE, count: 1 });

    await changeOne(who, windowId, "FORM", "description", "expiring");
    const afterwards = await interactive(who, "GET", `/v2/window?id=${windowId}`);

    expect(afterwards.status).toBe(401);
    expect(afterwards.json()).toEqual({
      ErrorMessage: "Authorization has been denied for this request.",
      ErrorType: null,
    });
    const renewed = await party(simulator);
    expect((await interactive(renewed, "GET", "/sessions")).text).toContain(sessionId);
    expect(await createSession(renewed)).not.toBe("");
  });

  it("a save hit after it committed: the answer is lost (empty 500) but the page exists", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const page = samplePage(DEMO);
    await keyNewPage(who, windowId, page);
    simulator.injectFault({ kind: "http500", route: SAVE, phase: "after", count: 1 });

    const answer = await save(who, windowId);

    expect(answer.status).toBe(500);
    expect(answer.text).toBe("");
    expect(await pagesByDescription(who, page.description)).toHaveLength(1);
  });

  it("a save reset after it committed: no answer, but the page exists", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const page = samplePage(DEMO);
    await keyNewPage(who, windowId, page);
    simulator.injectFault({ kind: "reset", route: SAVE, phase: "after", count: 1 });

    await expect(save(who, windowId)).rejects.toThrow();

    expect(await pagesByDescription(who, page.description)).toHaveLength(1);
  });

  it("a save hit before it committed saves nothing", async () => {
    const windowId = await openWindow(who, "SalesPricePage");
    const page = samplePage(DEMO);
    await keyNewPage(who, windowId, page);
    simulator.injectFault({ kind: "http500", route: SAVE, phase: "before", count: 1 });

    expect((await save(who, windowId)).status).toBe(500);

    expect(await pagesByDescription(who, page.description)).toHaveLength(0);
  });

  it("skip lets requests through before the fault strikes, count bounds it", async () => {
    const windowId = await loadedWindow();
    simulator.injectFault({ kind: "http500", route: CHANGE, skip: 1, count: 2 });

    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      statuses.push(
        (await changeOne(who, windowId, "FORM", "description", `try ${attempt}`)).status,
      );
    }

    expect(statuses).toEqual([200, 500, 500, 200]);
  });
});

describe("random faults", () => {
  async function statusesWithSeed(faultSeed: number): Promise<number[]> {
    const server = await startSimulator({ faults: "http500=0.3", faultSeed });
    try {
      const caller = await party(server);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 40; attempt += 1) {
        const answer = await interactive(caller, "POST", "/sessions", { json: {} });
        statuses.push(answer.status);
        if (answer.status === 200 || answer.status === 409) break;
      }

      for (let attempt = 0; attempt < 40; attempt += 1) {
        const answer = await interactive(caller, "POST", "/v2/window", {
          json: { ServiceName: "SalesPricePage" },
        });
        statuses.push(answer.status);
      }

      return statuses;
    } finally {
      await server.close();
    }
  }

  it("a fault seed makes the faults of a run repeatable", async () => {
    const first = await statusesWithSeed(7);
    const second = await statusesWithSeed(7);

    expect(second).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });
});
