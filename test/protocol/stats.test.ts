import { describe, expect, it } from "vitest";

import type { Simulator } from "./simulator.js";
import { call, changeOne, createSession, endSession, openWindow, party } from "./http.js";
import { withSimulator } from "./simulator.js";

interface Stats {
  requests: Record<string, number>;
  totalRequests: number;
  sessionsOpen: number;
  sessionsPeak: number;
  faultsInjected: Record<string, number>;
}

async function statsOverHttp(simulator: Simulator): Promise<Stats> {
  const answer = await call("GET", `${simulator.url}/__simulator/stats`);
  expect(answer.status).toBe(200);

  return answer.json<Stats>();
}

describe("GET /__simulator/stats", () => {
  it("counts requests per route, sessions open and their peak", async () => {
    await withSimulator({}, async (simulator) => {
      const first = await party(simulator);
      const second = await party(simulator);
      simulator.resetStats();

      await createSession(first);
      await createSession(second);
      const windowId = await openWindow(first, "SalesPricePage");
      for (const value of ["one", "two", "three"]) {
        await changeOne(first, windowId, "FORM", "description", value);
      }

      const whileOpen = await statsOverHttp(simulator);
      expect(whileOpen.requests["PUT /api/ui/interactive/v2/change"]).toBe(3);
      expect(whileOpen.requests["POST /api/ui/interactive/v2/window"]).toBe(1);
      expect(whileOpen.sessionsOpen).toBe(2);
      expect(whileOpen.sessionsPeak).toBe(2);
      expect(whileOpen.totalRequests).toBeGreaterThanOrEqual(6);

      await endSession(first);
      await endSession(second);
      const afterwards = await statsOverHttp(simulator);
      expect(afterwards.sessionsOpen).toBe(0);
      expect(afterwards.sessionsPeak).toBe(2);
      expect(afterwards.requests["DELETE /api/ui/interactive/sessions"]).toBe(2);
    });
  });

  it("agrees with the handle's stats() and starts over on resetStats()", async () => {
    await withSimulator({}, async (simulator) => {
      const who = await party(simulator);
      await createSession(who);

      const overHttp = await statsOverHttp(simulator);
      const fromHandle = simulator.stats();
      expect(fromHandle.sessionsOpen).toBe(overHttp.sessionsOpen);
      expect(fromHandle.requests["POST /api/ui/interactive/sessions"]).toBe(
        overHttp.requests["POST /api/ui/interactive/sessions"],
      );

      simulator.resetStats();
      const reset = simulator.stats();
      expect(reset.requests["POST /api/ui/interactive/sessions"] ?? 0).toBe(0);
      expect(reset.sessionsOpen).toBe(1);
      await endSession(who);
    });
  });

  it("counts injected faults", async () => {
    await withSimulator({}, async (simulator) => {
      const who = await party(simulator);
      await createSession(who);
      const windowId = await openWindow(who, "SalesPricePage");
      simulator.injectFault({
        kind: "http500",
        route: "PUT /api/ui/interactive/v2/change",
        count: 2,
      });

      await changeOne(who, windowId, "FORM", "description", "a");
      await changeOne(who, windowId, "FORM", "description", "b");

      const stats = await statsOverHttp(simulator);
      const total = Object.values(stats.faultsInjected).reduce((sum, count) => sum + count, 0);
      expect(total).toBe(2);
      await endSession(who);
    });
  });
});
