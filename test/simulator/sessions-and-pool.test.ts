import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import { InstancePool } from "../../src/simulator/sessions/pool.js";
import { WireError } from "../../src/simulator/http/answer.js";
import { openSession, openWindow, send, tokenOf } from "./support/wire.js";

describe("instance pool", () => {
  it("hands instances out first come, first served, and times out a waiter", async () => {
    const pool = new InstancePool(1, 50);
    const signal = new AbortController().signal;
    await pool.acquire(signal);
    const order: string[] = [];
    const second = pool.acquire(signal).then(() => order.push("second"));
    const third = pool.acquire(signal).catch((error: unknown) => {
      order.push("third timed out");
      return error;
    });

    pool.release();
    await second;
    const thirdError = await third;

    expect(order).toEqual(["second", "third timed out"]);
    expect(thirdError).toBeInstanceOf(WireError);
    expect((thirdError as WireError).statusCode).toBe(503);
    expect(pool.busy).toBe(1);
  });

  it("stops waiting when the signal aborts", async () => {
    const pool = new InstancePool(1, 60_000);
    const controller = new AbortController();
    await pool.acquire(controller.signal);
    const waiting = pool.acquire(controller.signal);
    controller.abort(new Error("closing"));
    await expect(waiting).rejects.toThrow("closing");
    expect(pool.waiting).toBe(0);
  });
});

describe("sessions on a running simulator", () => {
  let simulator: SimulatorHandle | undefined;
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });

  it("makes a create wait for a free instance, then answers the inferred 503", async () => {
    simulator = await startSimulator({ poolSize: 1, poolWaitMs: 100 });
    await openSession(simulator);
    const second = await tokenOf(simulator);

    const refused = await send(`${simulator.uiServerUrl}/api/ui/interactive/sessions`, "POST", {
      token: second,
      body: {},
    });

    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({
      ErrorMessage: "No API instance became available within 0 seconds.",
      ErrorType: "P21.UI.Service.PoolTimeoutException",
    });
  });

  it("gives a waiting create the instance a deleted session frees", async () => {
    simulator = await startSimulator({ poolSize: 1, poolWaitMs: 10_000 });
    const first = await openSession(simulator);
    const second = await tokenOf(simulator);
    const waiting = send(`${simulator.uiServerUrl}/api/ui/interactive/sessions`, "POST", {
      token: second,
      body: {},
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    await send(`${simulator.uiServerUrl}/api/ui/interactive/sessions`, "DELETE", { token: first });

    expect((await waiting).status).toBe(200);
    expect(simulator.stats().sessionsOpen).toBe(1);
    expect(simulator.stats().sessionsPeak).toBe(1);
  });

  it("ends a session only when the DELETE names it or nothing, on the token that made it", async () => {
    simulator = await startSimulator();
    const token = await tokenOf(simulator);
    const sessions = `${simulator.uiServerUrl}/api/ui/interactive/sessions`;
    const created = await send(sessions, "POST", { token, body: {} });
    const sessionId = (created.body as { Id: string }).Id;

    const namedOther = await send(`${sessions}?id=another-session`, "DELETE", { token });
    expect(namedOther.status).toBe(400);
    expect(namedOther.body).toMatchObject({ ErrorMessage: "Invalid session" });
    const inBody = await send(sessions, "DELETE", { token, body: { SessionId: "another" } });
    expect(inBody.status).toBe(400);

    const named = await send(`${sessions}?sessionId=${sessionId}`, "DELETE", {
      token,
      body: { Id: sessionId },
    });
    expect(named.status).toBe(200);
    expect(named.body).toEqual({ Id: sessionId, Status: "Ended" });
    expect((await send(sessions, "DELETE", { token })).status).toBe(400);
  });

  it("serves the help page without a token", async () => {
    simulator = await startSimulator();
    const help = await send(`${simulator.uiServerUrl}/api/ui/interactive/sessions/help`, "GET");

    expect(help.status).toBe(200);
    expect(help.text).toContain("Interactive API help");
  });

  it("ends an idle session after its timeout: its windows are gone", async () => {
    simulator = await startSimulator();
    const token = await openSession(simulator, {
      ResponseWindowHandlingEnabled: false,
      SessionTimeout: 1,
    });
    const windowId = await openWindow(simulator, token, "SalesPricePage");
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    const state = await send(
      `${simulator.uiServerUrl}/api/ui/interactive/v2/window?id=${windowId}`,
      "GET",
      { token },
    );

    expect(state.status).toBe(400);
    expect(state.body).toEqual({ ErrorMessage: "Invalid session", ErrorType: null });
    expect(simulator.stats().sessionsOpen).toBe(0);
  });

  it("orphans the session of an invalidated token under latest-only", async () => {
    simulator = await startSimulator({ tokenPolicy: "latest-only" });
    const old = await openSession(simulator);
    const fresh = await tokenOf(simulator);

    const oldCall = await send(`${simulator.uiServerUrl}/api/ui/interactive/sessions`, "GET", {
      token: old,
    });
    const listed = await send(`${simulator.uiServerUrl}/api/ui/interactive/sessions`, "GET", {
      token: fresh,
    });
    const deleted = await send(`${simulator.uiServerUrl}/api/ui/interactive/sessions`, "DELETE", {
      token: fresh,
    });

    expect(oldCall.status).toBe(401);
    expect(listed.body).toHaveLength(1);
    expect(deleted.status).toBe(400);
    expect(simulator.stats().sessionsOpen).toBe(1);
  });

  it("leaves a ghost session on 26.1.5910 when Accept lacks application/json", async () => {
    simulator = await startSimulator({ profile: "26.1.5910" });
    const token = await tokenOf(simulator);
    const url = `${simulator.uiServerUrl}/api/ui/interactive/sessions`;

    const ghost = await send(url, "POST", { token, body: {}, headers: { accept: "*/*" } });
    const again = await send(url, "POST", { token, body: {} });
    const cleared = await send(url, "DELETE", { token });
    const fresh = await send(url, "POST", { token, body: {} });

    expect([ghost.status, ghost.text]).toEqual([500, ""]);
    expect(again.status).toBe(409);
    expect(cleared.status).toBe(200);
    expect(fresh.status).toBe(200);
  });
});
