// The simulator's options: their defaults, and each refusal with a message that names the
// option and what it takes (pure unit tests of the resolver; the command line's flags reach it
// through command.test.ts).
import { describe, expect, it } from "vitest";
import { SimulatorError } from "../../src/simulator/errors.js";
import { SEED_LATENCY } from "../../src/simulator/latency.js";
import { checkUsers, DEFAULT_USER, resolveOptions } from "../../src/simulator/options.js";
import type { SimulatorOptions } from "../../src/simulator/types.js";

function refusal(options: unknown): string {
  try {
    resolveOptions(options as SimulatorOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(SimulatorError);
    expect((error as SimulatorError).code).toBe("P21_SIMULATOR_OPTIONS");
    return (error as Error).message;
  }

  throw new Error(`resolveOptions accepted ${JSON.stringify(options)}`);
}

describe("simulator options", () => {
  it("default to an empty loopback server on any port, the latest build, no latency", () => {
    const resolved = resolveOptions();

    expect(resolved).toMatchObject({
      host: "127.0.0.1",
      port: 0,
      profile: "26.1.5950",
      timeScale: 1,
      poolSize: 5,
      poolWaitMs: 60_000,
      sessionTimeoutSeconds: 60,
      tokenLifetimeSeconds: 86_400,
      tokenPolicy: "independent",
      faults: "",
      stallMs: undefined,
      data: "empty",
      statePath: undefined,
      users: [DEFAULT_USER],
      tls: undefined,
      xmlMiddleware: false,
    });
    expect(Object.values(resolved.latency).every((ms) => ms === 0)).toBe(true);
    expect(Number.isInteger(resolved.faultSeed)).toBe(true);
    // A partial latency table takes the production timings for what it does not name.
    expect(resolveOptions({ latency: { save: 10 } }).latency).toEqual({
      ...SEED_LATENCY,
      save: 10,
    });
  });

  it("refuse an unknown option, with the known one it resembles", () => {
    expect(refusal({ pool: 3 })).toBe('unknown simulator option "pool"; did you mean "poolSize"?');
    expect(refusal({ colour: "red" })).toBe('unknown simulator option "colour"');
  });

  it("refuse each value out of its range, naming the option and the rule", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ port: 70_000 }, "port must be a port number, got 70000"],
      [{ port: 1.5 }, "port must be a port number, got 1.5"],
      [{ timeScale: -1 }, "timeScale must be a number ≥ 0, got -1"],
      [{ timeScale: Number.POSITIVE_INFINITY }, "timeScale must be a number ≥ 0, got Infinity"],
      [{ poolSize: 0 }, "poolSize must be a whole number ≥ 1, got 0"],
      [{ poolWaitMs: Number.NaN }, "poolWaitMs must be a number ≥ 0, got NaN"],
      [{ sessionTimeoutSeconds: 0 }, "sessionTimeoutSeconds must be a number > 0, got 0"],
      [{ tokenLifetimeSeconds: "60" }, 'tokenLifetimeSeconds must be a number > 0, got "60"'],
      [{ faultSeed: 0.5 }, "faultSeed must be a whole number, got 0.5"],
      [{ stallMs: 0 }, "stallMs must be a number > 0, got 0"],
      [{ profile: "2024.1" }, 'profile must be one of 26.1.5950, 26.1.5910, 25.2, got "2024.1"'],
      [
        { tokenPolicy: "newest" },
        'tokenPolicy must be "independent" or "latest-only", got "newest"',
      ],
      [{ data: "full" }, 'data must be "empty" or "demo", got "full"'],
      [{ tls: { cert: "C" } }, "tls needs both cert and key"],
      [{ statePath: "" }, "statePath must be a non-empty string"],
      [{ latency: { save: -5 } }, 'latency of "save" must be a non-negative number'],
      [{ latency: { saving: 5 } }, 'unknown latency operation "saving"'],
      [{ latency: "fast" }, 'latency must be "none", "seed" or a table of milliseconds'],
    ];

    for (const [options, message] of cases) {
      expect(refusal(options), JSON.stringify(options)).toContain(message);
    }
  });

  it("refuse users that are not distinct, complete accounts", () => {
    const cases: [unknown, string][] = [
      [[], "users must be a non-empty array"],
      ["api_user", "users must be a non-empty array"],
      [[null], "users[0] must be an object"],
      [[{ username: "a", password: "p", role: "admin" }], "users[0] has unknown keys: role"],
      [[{ username: "", password: "p" }], "users[0].username must be a non-empty string"],
      [[{ username: "a" }], "users[0].password must be a non-empty string"],
      [
        [{ username: "a", password: "p", consumerKey: "" }],
        "users[0].consumerKey must be a non-empty string",
      ],
      [
        [{ username: "a", password: "p", consumerKey: "k", scope: 7 }],
        "users[0].scope must be a non-empty string",
      ],
      [
        [
          { username: "api_user", password: "p" },
          { username: "API_USER", password: "q" },
        ],
        'users[1].username "API_USER" is repeated',
      ],
    ];

    for (const [users, message] of cases) {
      expect(() => checkUsers(users), JSON.stringify(users)).toThrow(message);
    }
    expect(
      checkUsers([
        { username: "api_user", password: "p" },
        { username: "svc", password: "q", consumerKey: "key-1" },
      ]),
    ).toEqual([
      { username: "api_user", password: "p" },
      { username: "svc", password: "q", consumerKey: "key-1" },
    ]);
  });
});
