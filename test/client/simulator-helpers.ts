import { Agent } from "undici";
import type { Dispatcher } from "undici";
import { afterEach } from "vitest";
import { P21Client } from "../../src/client/index.js";
import type { P21ClientOptions, Result, Window } from "../../src/client/index.js";
import { startSimulator } from "../../src/simulator/index.js";
import type { SimulatorOptions } from "../../src/simulator/index.js";

export const profiles = ["26.1.5950", "26.1.5910", "25.2"] as const;
export type Profile = (typeof profiles)[number];

export type SimulatorHandle = Awaited<ReturnType<typeof startSimulator>>;

/** Starts a simulator and a client on it; `close` ends both. */
export async function simulatorAndClient(
  simulatorOptions: SimulatorOptions,
  clientOptions: Partial<P21ClientOptions> = {},
): Promise<{ simulator: SimulatorHandle; client: P21Client; close: () => Promise<void> }> {
  const simulator = await startSimulator(simulatorOptions);
  const client = new P21Client({
    baseUrl: simulator.url,
    username: "api_user",
    password: "api_password",
    ...clientOptions,
  });

  return {
    simulator,
    client,
    close: async () => {
      await client.close();
      await simulator.close();
    },
  };
}

/**
 * For a test file: `start(simulatorOptions, clientOptions)` starts a simulator and a client on
 * it, both closed after the test.
 */
export function simulatorPerTest(): (
  simulatorOptions: SimulatorOptions,
  clientOptions?: Partial<P21ClientOptions>,
) => Promise<{ simulator: SimulatorHandle; client: P21Client }> {
  let closeAll: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await closeAll?.();
    closeAll = undefined;
  });

  return async (simulatorOptions, clientOptions = {}) => {
    const started = await simulatorAndClient(simulatorOptions, clientOptions);
    closeAll = started.close;

    return started;
  };
}

/** An Agent that records the Authorization header of each request (to reuse a token by hand). */
export function authorizationRecorder(): { dispatcher: Dispatcher; authorizations: string[] } {
  const authorizations: string[] = [];
  const dispatcher = new Agent().compose((dispatch) => (options, handler) => {
    const headers = options.headers as Record<string, string> | undefined;
    const authorization = headers?.authorization;
    if (typeof authorization === "string") authorizations.push(authorization);

    return dispatch(options, handler);
  });

  return { dispatcher, authorizations };
}

export interface PageFields {
  company: string;
  productGroup: string;
  supplier: string;
  description: string;
  effectiveDate?: string;
  expirationDate?: string;
  multiplier?: string;
}

/** Sets a new Supplier / Product Group page's fields in the order the server needs. */
export async function fillPricePage(window: Window, page: PageFields): Promise<Result[]> {
  const results: Result[] = [];
  for (const [field, value] of [
    ["price_page_type_cd", "Supplier / Product Group"],
    ["company_id", page.company],
    ["product_group_id", page.productGroup],
    ["supplier_id", page.supplier],
    ["description", page.description],
    ["pricing_method_cd", "Source"],
    ["source_price_cd", "Supplier List Price"],
    ["effective_date", page.effectiveDate ?? "2027-01-01"],
    ["expiration_date", page.expirationDate ?? "2027-12-31"],
  ] as const) {
    results.push(await window.change("FORM", "form", field, value));
  }

  results.push(await window.selectTab("VALUES"));
  results.push(await window.change("VALUES", "values", "calculation_method_cd", "Multiplier"));
  results.push(
    await window.change("VALUES", "values", "calculation_value1", page.multiplier ?? "0.55"),
  );

  return results;
}

export const emptyDataPage: PageFields = {
  company: "ACME",
  productGroup: "PG01",
  supplier: "10001",
  description: "Integration page",
};
