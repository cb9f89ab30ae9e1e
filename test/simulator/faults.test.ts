import { afterEach, describe, expect, it } from "vitest";
import { FaultScheduler, mulberry32, parseFaultRates } from "../../src/simulator/faults.js";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import { SimulatorError } from "../../src/simulator/errors.js";
import { keyNewPage, openSession, openWindow, save, send } from "./support/wire.js";

const CHANGE = "PUT /api/ui/interactive/v2/change";
const SAVE = "PUT /api/ui/interactive/v2/data";
const candidate = (route: string, write = false) => ({
  route,
  interactive: true,
  write,
  window: true,
});

describe("fault rates", () => {
  it("parse from the command-line form", () => {
    expect(
      parseFaultRates("http500=0.02, reset=0.01,stall=0.005,corrupt=0.01,expire=0.005"),
    ).toEqual({
      http500: 0.02,
      reset: 0.01,
      stall: 0.005,
      corrupt: 0.01,
      expire: 0.005,
    });
    expect(parseFaultRates(undefined)).toEqual({
      http500: 0,
      reset: 0,
      stall: 0,
      corrupt: 0,
      expire: 0,
    });
  });

  it.each(["boom=0.1", "http500=2", "http500=", "http500=0.6,reset=0.6"])("refuse %j", (rates) => {
    expect(() => parseFaultRates(rates)).toThrow(SimulatorError);
  });
});

describe("fault scheduler", () => {
  it("repeats the same random faults for the same seed", () => {
    const decisions = (seed: number) => {
      const scheduler = new FaultScheduler("http500=0.2,reset=0.1,corrupt=0.1,expire=0.1", seed);
      return Array.from({ length: 200 }, () => scheduler.decide(candidate(SAVE, true)));
    };

    expect(decisions(7)).toEqual(decisions(7));
    expect(decisions(7)).not.toEqual(decisions(8));
  });

  it("strikes at about the configured rate", () => {
    const scheduler = new FaultScheduler("http500=0.1", 42);
    let struck = 0;
    for (let index = 0; index < 10_000; index += 1)
      if (scheduler.decide(candidate(CHANGE))) struck += 1;
    expect(struck).toBeGreaterThan(800);
    expect(struck).toBeLessThan(1200);
  });

  it("spares non-interactive routes from random faults", () => {
    const scheduler = new FaultScheduler("http500=1", 1);
    expect(
      scheduler.decide({
        route: "POST /api/security/token/v2",
        interactive: false,
        write: false,
        window: false,
      }),
    ).toBeUndefined();
  });

  it("lets `skip` matching requests through, then strikes `count` of them", () => {
    const scheduler = new FaultScheduler(undefined, 1);
    scheduler.schedule({ kind: "http500", route: SAVE, skip: 2, count: 2 });

    const seen = Array.from({ length: 6 }, () => scheduler.decide(candidate(SAVE))?.kind ?? "none");
    expect(seen).toEqual(["none", "none", "http500", "http500", "none", "none"]);
    expect(scheduler.decide(candidate(CHANGE))).toBeUndefined();
  });

  it("keeps the phase of a scheduled fault and matches any interactive route by default", () => {
    const scheduler = new FaultScheduler(undefined, 1);
    scheduler.schedule({ kind: "reset", phase: "after" });
    expect(
      scheduler.decide({
        route: "GET /odataservice/odata/table/:name",
        interactive: false,
        write: false,
        window: false,
      }),
    ).toBeUndefined();
    expect(scheduler.decide(candidate(CHANGE))).toEqual({ kind: "reset", phase: "after" });
  });

  it("aims corrupt only at requests that name a window", () => {
    const scheduler = new FaultScheduler(undefined, 1);
    scheduler.schedule({ kind: "corrupt" });
    expect(
      scheduler.decide({
        route: "POST /api/ui/interactive/sessions",
        interactive: true,
        write: false,
        window: false,
      }),
    ).toBeUndefined();
    expect(scheduler.decide(candidate(CHANGE))?.kind).toBe("corrupt");
  });

  it("aims drop-rows only at saves", () => {
    const scheduler = new FaultScheduler(undefined, 1);
    scheduler.schedule({ kind: "drop-rows" });
    expect(scheduler.decide(candidate(CHANGE, true))).toBeUndefined();
    expect(scheduler.decide(candidate(SAVE, true))?.kind).toBe("drop-rows");
    expect(scheduler.decide(candidate(SAVE, true))).toBeUndefined();
  });

  it("refuses malformed scheduled faults", () => {
    const scheduler = new FaultScheduler(undefined, 1);
    expect(() => scheduler.schedule({ kind: "boom" } as never)).toThrow(SimulatorError);
    expect(() => scheduler.schedule({ kind: "reset", skip: -1 })).toThrow(SimulatorError);
    expect(() => scheduler.schedule({ kind: "reset", phase: "during" } as never)).toThrow(
      SimulatorError,
    );
  });

  it("draws numbers in [0, 1) from mulberry32", () => {
    const random = mulberry32(123);
    for (let index = 0; index < 1000; index += 1) {
      const value = random();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});

describe("faults on a running simulator", () => {
  let simulator: SimulatorHandle | undefined;
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });

  it("commits a save struck after it applied, then drops the answer", async () => {
    simulator = await startSimulator({ data: "demo" });
    const token = await openSession(simulator);
    const windowId = await openWindow(simulator, token, "SalesPricePage");
    await keyNewPage(simulator, token, windowId, "10010", "FASTN");
    const committed: unknown[] = [];
    simulator.on("committed", (info) => committed.push(info));
    simulator.injectFault({ kind: "reset", route: SAVE, phase: "after" });
    const before = simulator.rows("price_page").length;

    await expect(save(simulator, token, windowId)).rejects.toThrow();

    expect(simulator.rows("price_page")).toHaveLength(before + 1);
    expect(committed).toEqual([
      {
        table: "price_page",
        kind: "insert",
        key: { price_page_uid: 100_721 },
        username: "api_user",
      },
    ]);
    expect(simulator.stats().faultsInjected).toEqual({ reset: 1 });
  });

  it("applies nothing when a save is struck before", async () => {
    simulator = await startSimulator({ data: "demo" });
    const token = await openSession(simulator);
    const windowId = await openWindow(simulator, token, "SalesPricePage");
    await keyNewPage(simulator, token, windowId, "10010", "FASTN");
    simulator.injectFault({ kind: "http500", route: SAVE });
    const before = simulator.rows("price_page").length;

    const answer = await save(simulator, token, windowId);

    expect(answer.status).toBe(500);
    expect(answer.text).toBe("");
    expect(simulator.rows("price_page")).toHaveLength(before);
  });

  it("refuses a request struck by refuse with a 400 envelope, and applies nothing", async () => {
    simulator = await startSimulator({ data: "demo" });
    const token = await openSession(simulator);
    const windowId = await openWindow(simulator, token, "SalesPricePage");
    await keyNewPage(simulator, token, windowId, "10010", "FASTN");
    simulator.injectFault({ kind: "refuse", route: SAVE });
    const before = simulator.rows("price_page").length;

    const refused = await save(simulator, token, windowId);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toMatchObject({
      ErrorMessage: "Refused by a business rule of the server (a simulated refuse fault).",
    });
    expect(simulator.rows("price_page")).toHaveLength(before);

    // Struck once: the same save then goes through.
    expect((await save(simulator, token, windowId)).status).toBe(200);
    expect(simulator.rows("price_page")).toHaveLength(before + 1);
    expect(simulator.stats().faultsInjected).toEqual({ refuse: 1 });
  });

  it("keeps a corrupted window failing until it is closed", async () => {
    simulator = await startSimulator();
    const token = await openSession(simulator);
    const windowId = await openWindow(simulator, token, "SalesPricePage");
    simulator.injectFault({ kind: "corrupt", route: CHANGE });
    const changeType = () =>
      send(`${simulator?.uiServerUrl}/api/ui/interactive/v2/change`, "PUT", {
        token,
        body: {
          WindowId: windowId,
          List: [
            {
              TabName: "FORM",
              DatawindowName: "form",
              FieldName: "price_page_type_cd",
              Value: "Supplier",
            },
          ],
        },
      });

    const answers = [await changeType(), await changeType()];
    const close = await send(
      `${simulator.uiServerUrl}/api/ui/interactive/v2/window?id=${windowId}`,
      "DELETE",
      { token },
    );

    expect(answers.map((answer) => answer.status)).toEqual([500, 500]);
    expect(answers[1]?.body).toMatchObject({ ErrorType: "System.NullReferenceException" });
    expect(close.status).toBe(200);
  });

  it("accepts faults over HTTP for child processes", async () => {
    simulator = await startSimulator();
    const token = await openSession(simulator);
    const scheduled = await send(`${simulator.url}/__simulator/faults`, "POST", {
      body: { kind: "expire-session", route: "POST /api/ui/interactive/v2/window" },
    });
    const refused = await send(`${simulator.url}/__simulator/faults`, "POST", {
      body: { faults: "boom=1" },
    });

    const open = await send(`${simulator.uiServerUrl}/api/ui/interactive/v2/window`, "POST", {
      token,
      body: { ServiceName: "SalesPricePage" },
    });

    expect(scheduled.status).toBe(200);
    expect(refused.status).toBe(400);
    expect(open.status).toBe(400);
    expect(open.body).toEqual({ ErrorMessage: "Invalid session", ErrorType: null });
    expect(simulator.stats().sessionsOpen).toBe(0);
  });

  it("with stallMs, drops a stalled save's connection after the hold, the save applied", async () => {
    simulator = await startSimulator({ data: "demo", stallMs: 100 });
    const token = await openSession(simulator);
    const windowId = await openWindow(simulator, token, "SalesPricePage");
    await keyNewPage(simulator, token, windowId, "10010", "FASTN");
    simulator.injectFault({ kind: "stall", route: SAVE, phase: "after" });
    const before = simulator.rows("price_page").length;

    // Dropped while the simulator is still up: the client sees a reset, not its own timeout.
    await expect(save(simulator, token, windowId)).rejects.toThrow();
    expect(simulator.rows("price_page")).toHaveLength(before + 1);
    expect(simulator.stats().faultsInjected).toEqual({ stall: 1 });

    const sessions = await send(`${simulator.uiServerUrl}/api/ui/interactive/sessions`, "GET", {
      token,
    });
    expect(sessions.status).toBe(200);
  });

  it("releases stalled requests when the simulator closes", async () => {
    simulator = await startSimulator();
    const token = await openSession(simulator);
    simulator.injectFault({ kind: "stall" });
    const stalled = send(`${simulator.uiServerUrl}/api/ui/interactive/sessions`, "GET", { token });
    await new Promise((resolve) => setTimeout(resolve, 50));

    await simulator.close();

    await expect(stalled).rejects.toThrow();
  });
});
