import type { P21ClientOptions } from "../../../src/client/index.js";

/** The phase the engine tests run. */
export const phase = "create";

/** Options of a test client of the simulator's default user. */
export function clientOptions(
  baseUrl: string,
  timeouts: P21ClientOptions["timeouts"] = { defaultMs: 5_000, saveMs: 5_000, authMs: 5_000 },
): P21ClientOptions {
  return { baseUrl, username: "api_user", password: "api_password", timeouts };
}
