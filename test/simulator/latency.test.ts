import { describe, expect, it, vi } from "vitest";
import {
  lateness,
  LatencyModel,
  type LatencyAccount,
  resolveLatency,
  SEED_LATENCY,
  sleep,
} from "../../src/simulator/latency.js";
import { SimulatorError } from "../../src/simulator/errors.js";
import { startSimulator } from "../../src/simulator/index.js";
import type { TokenRecord } from "../../src/simulator/auth/tokens.js";
import { InteractiveSession } from "../../src/simulator/sessions/session.js";
import type { SessionParameters } from "../../src/simulator/sessions/session.js";

describe("latency cost model", () => {
  it("costs the timing table, scaled", () => {
    const model = new LatencyModel(resolveLatency("seed"), 0.01);
    expect(model.costMs("authenticate")).toBeCloseTo(2);
    expect(model.costMs("startSession")).toBeCloseTo(3);
    expect(model.costMs("openWindow")).toBeCloseTo(5);
    expect(model.costMs("save")).toBeCloseTo(4);
    expect(model.costMs("clear")).toBeCloseTo(2);
    expect(model.costMs("close")).toBeCloseTo(2);
    expect(model.costMs("endSession")).toBeCloseTo(1);
  });

  it("costs a change as a part per request plus a part per field, 100 ms for one field", () => {
    const model = new LatencyModel(resolveLatency("seed"), 1);
    expect(model.changeCostMs(1)).toBe(100);
    expect(model.changeCostMs(3)).toBe(200);
  });

  it("costs nothing with latency none", () => {
    const model = new LatencyModel(resolveLatency("none"), 1);
    expect(model.costMs("save")).toBe(0);
    expect(model.changeCostMs(10)).toBe(0);
  });

  it("takes a partial table, keeping the seed for the rest", () => {
    const table = resolveLatency({ save: 1000 });
    expect(table.save).toBe(1000);
    expect(table.openWindow).toBe(SEED_LATENCY.openWindow);
  });

  it("refuses unknown operations and bad numbers", () => {
    expect(() => resolveLatency({ sav: 1 } as never)).toThrow(SimulatorError);
    expect(() => resolveLatency({ save: -1 })).toThrow("non-negative");
    expect(() => resolveLatency({ save: "1" } as never)).toThrow("non-negative");
  });

  it("makes the next waits up for late timers, so that the time served adds up to the model", () => {
    // Timers that fire 0.3 ms late, on waits charged 1 ms each.
    let lateMs = 0;
    let servedMs = 0;
    for (let index = 0; index < 1_000; index += 1) {
      const waitMs = Math.max(0, 1 - lateMs);
      const served = waitMs > 0 ? waitMs + 0.3 : 0;
      servedMs += served;
      lateMs = lateness(lateMs, 1, served);
    }

    expect(servedMs).toBeGreaterThan(999);
    expect(servedMs).toBeLessThan(1_001);
    // A long stall is made up for by a millisecond at most, not by skipping many waits.
    expect(lateness(0, 1, 51)).toBe(1);
    expect(lateness(0, 5, 0)).toBe(-1);
  });

  it("keeps the lateness of each account apart, so that concurrent sessions do not share it", async () => {
    const model = new LatencyModel(resolveLatency({ save: 2 }), 1);
    const first: LatencyAccount = { lateMs: 0.5 };
    const second: LatencyAccount = { lateMs: 0.7 };
    const signal = new AbortController().signal;

    await Promise.all([model.pay("save", signal, first), model.pay("save", signal, first)]);
    expect(first.lateMs).toBeGreaterThanOrEqual(-1);
    expect(first.lateMs).toBeLessThanOrEqual(1);
    expect(second.lateMs).toBe(0.7);

    // A session's account is its own.
    const owner = { accessToken: "t", username: "api_user" } as TokenRecord;
    const parameters = {} as SessionParameters;
    const sessions = [0, 1].map(() => new InteractiveSession(owner, parameters, 0));
    expect(sessions[0]?.latency).toEqual({ lateMs: 0 });
    expect(sessions[0]?.latency).not.toBe(sessions[1]?.latency);
  });

  it("ends a sleep when the signal aborts", async () => {
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal);
    controller.abort(new Error("closing"));
    await expect(sleeping).rejects.toThrow("closing");
  });
});

describe("server time in the stats", () => {
  it("adds up what the model charged for each request, and how long the waits took", async () => {
    const simulator = await startSimulator({ latency: "seed", timeScale: 0.05 });
    try {
      const token = await fetch(`${simulator.url}/api/security/token/v2`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ username: "api_user", password: "api_password" }),
      });
      const { AccessToken } = (await token.json()) as { AccessToken: string };
      await fetch(`${simulator.url}/api/ui/router/v1/?urlType=external`, {
        headers: { authorization: `Bearer ${AccessToken}`, accept: "application/json" },
      });

      const { serverTimeMs } = simulator.stats();
      // authenticate 200 ms + router 50 ms, times 0.05
      expect(serverTimeMs.modeled).toBeCloseTo(12.5, 6);
      expect(serverTimeMs.served).toBeGreaterThan(0);
      // Counted once an answer is written, which can come just after the client has read it.
      await vi.waitFor(() => {
        expect(simulator.stats().serverTimeMs.handled).toBeGreaterThanOrEqual(serverTimeMs.served);
      });

      simulator.resetStats();
      expect(simulator.stats().serverTimeMs).toEqual({ modeled: 0, served: 0, handled: 0 });
    } finally {
      await simulator.close();
    }
  });
});
