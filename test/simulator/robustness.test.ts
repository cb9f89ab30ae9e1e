import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import { openSession, openWindow, send } from "./support/wire.js";

const ROUTES = [
  ["PUT", "/v2/change"],
  ["PUT", "/v2/tab"],
  ["POST", "/v2/row"],
  ["PUT", "/v2/row"],
  ["PUT", "/v2/data"],
  ["POST", "/v2/tools"],
  ["POST", "/v2/window"],
] as const;

describe("arbitrary request bodies", () => {
  let simulator: SimulatorHandle;
  let token: string;
  let windowId: string;
  beforeAll(async () => {
    simulator = await startSimulator({ data: "demo" });
    token = await openSession(simulator);
    windowId = await openWindow(simulator, token, "SalesPricePage");
  });

  afterAll(async () => {
    await simulator.close();
  });

  it("never crash the simulator: every answer is a result, an error envelope or an empty 500", async () => {
    const field = fc.constantFrom(
      "price_page_uid",
      "price_page_type_cd",
      "description",
      "calculation_value1",
      "nope",
    );
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
      fc.jsonValue(),
    );
    const change = fc.record(
      {
        TabName: fc.oneof(fc.constantFrom("FORM", "VALUES", null, "NOPE"), fc.jsonValue()),
        DatawindowName: fc.oneof(
          fc.constantFrom("form", "values", "", null, "dw_1"),
          fc.jsonValue(),
        ),
        FieldName: fc.oneof(field, fc.jsonValue()),
        Value: value,
        ValueType: fc.oneof(fc.constantFrom("Display", "Data", "Other"), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({
        WindowId: fc.constantFrom("own", "other"),
        List: fc.array(change, { maxLength: 4 }),
      }),
      fc.record(
        {
          WindowId: fc.constantFrom("own", "other"),
          PageName: fc.jsonValue(),
          TabName: fc.jsonValue(),
          Row: fc.jsonValue(),
          DatawindowName: fc.jsonValue(),
          ToolName: fc.jsonValue(),
        },
        { requiredKeys: ["WindowId"] },
      ),
      fc.constantFrom("own", "other"),
    );

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), body, async ([method, path], raw) => {
        const resolved = JSON.parse(
          JSON.stringify(raw ?? null)
            .replaceAll('"own"', JSON.stringify(windowId))
            .replaceAll('"other"', '"00000000-0000-0000-0000-000000000000"'),
        ) as unknown;
        const answer = await send(`${simulator.uiServerUrl}/api/ui/interactive${path}`, method, {
          token,
          body: resolved,
        });

        expect([200, 400, 404, 409, 422, 500]).toContain(answer.status);
        if (answer.status === 200) return;
        if (answer.text === "") {
          expect(answer.status).toBe(500);
          return;
        }

        expect(answer.body).toHaveProperty("ErrorMessage");
        expect((answer.body as { ErrorType: unknown }).ErrorType).not.toBe("System.Exception");
      }),
      { numRuns: 300, seed: 21 },
    );

    const still = await send(
      `${simulator.uiServerUrl}/api/ui/interactive/v2/data?id=${windowId}`,
      "GET",
      { token },
    );
    expect([200, 500]).toContain(still.status);
  });
});
