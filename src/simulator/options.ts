import { randomInt } from "node:crypto";
import { SimulatorError } from "./errors.js";
import { parseFaultRates } from "./faults.js";
import { resolveLatency } from "./latency.js";
import type {
  BuildProfile,
  FaultRates,
  LatencyTable,
  SimulatorOptions,
  SimulatorUser,
} from "./types.js";

/** Options with every default applied, checked once at start. */
export interface ResolvedOptions {
  host: string;
  port: number;
  profile: BuildProfile;
  latency: LatencyTable;
  timeScale: number;
  poolSize: number;
  poolWaitMs: number;
  sessionTimeoutSeconds: number;
  tokenLifetimeSeconds: number;
  tokenPolicy: "independent" | "latest-only";
  faults: FaultRates | string;
  faultSeed: number;
  stallMs: number | undefined;
  data: "empty" | "demo";
  statePath: string | undefined;
  users: SimulatorUser[];
  tls: { cert: string | Buffer; key: string | Buffer } | undefined;
  bodyLimitBytes: number;
  xmlMiddleware: boolean;
}

export const DEFAULT_USER: SimulatorUser = { username: "api_user", password: "api_password" };
export const PROFILES: readonly BuildProfile[] = ["26.1.5950", "26.1.5910", "25.2"];

const KNOWN_KEYS = [
  "host",
  "port",
  "profile",
  "latency",
  "timeScale",
  "poolSize",
  "poolWaitMs",
  "sessionTimeoutSeconds",
  "tokenLifetimeSeconds",
  "tokenPolicy",
  "faults",
  "faultSeed",
  "stallMs",
  "data",
  "statePath",
  "users",
  "tls",
  "bodyLimitBytes",
  "xmlMiddleware",
] as const;

function fail(message: string): never {
  throw new SimulatorError("P21_SIMULATOR_OPTIONS", message);
}

function closestKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  return KNOWN_KEYS.find(
    (known) => known.toLowerCase().includes(lower) || lower.includes(known.toLowerCase()),
  );
}

function number(
  name: string,
  value: number | undefined,
  fallback: number,
  check: (candidate: number) => boolean,
  rule: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || !check(value)) {
    const shown = typeof value === "number" ? String(value) : JSON.stringify(value);
    fail(`${name} must be ${rule}, got ${shown}`);
  }

  return value;
}

/** Checks users: names and passwords are non-empty strings, names and keys unique. */
export function checkUsers(users: unknown): SimulatorUser[] {
  if (!Array.isArray(users) || users.length === 0) fail("users must be a non-empty array");

  const seen = new Set<string>();
  return users.map((user: unknown, index) => {
    if (typeof user !== "object" || user === null) fail(`users[${index}] must be an object`);

    const { username, password, consumerKey, scope, ...rest } = user as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) fail(`users[${index}] has unknown keys: ${extra.join(", ")}`);
    if (typeof username !== "string" || username === "") {
      fail(`users[${index}].username must be a non-empty string`);
    }

    if (typeof password !== "string" || password === "") {
      fail(`users[${index}].password must be a non-empty string`);
    }

    if (consumerKey !== undefined && (typeof consumerKey !== "string" || consumerKey === "")) {
      fail(`users[${index}].consumerKey must be a non-empty string`);
    }

    if (scope !== undefined && (typeof scope !== "string" || scope === "")) {
      fail(`users[${index}].scope must be a non-empty string`);
    }

    if (seen.has(username.toLowerCase()))
      fail(`users[${index}].username "${username}" is repeated`);
    seen.add(username.toLowerCase());
    return {
      username,
      password,
      ...(consumerKey === undefined ? {} : { consumerKey }),
      ...(scope === undefined ? {} : { scope }),
    };
  });
}

/** Applies defaults and refuses unknown keys (with a hint) and out-of-range values. */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  for (const key of Object.keys(options)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      const hint = closestKey(key);
      fail(
        `unknown simulator option "${key}"${hint === undefined ? "" : `; did you mean "${hint}"?`}`,
      );
    }
  }

  const profile = options.profile ?? "26.1.5950";
  if (!PROFILES.includes(profile))
    fail(`profile must be one of ${PROFILES.join(", ")}, got ${JSON.stringify(profile)}`);

  const tokenPolicy = options.tokenPolicy ?? "independent";
  if (tokenPolicy !== "independent" && tokenPolicy !== "latest-only") {
    fail(`tokenPolicy must be "independent" or "latest-only", got ${JSON.stringify(tokenPolicy)}`);
  }

  const data = options.data ?? "empty";
  if (data !== "empty" && data !== "demo")
    fail(`data must be "empty" or "demo", got ${JSON.stringify(data)}`);

  const faults = options.faults ?? "";
  parseFaultRates(faults);

  const tls = options.tls;
  if (tls !== undefined && (tls.cert === undefined || tls.key === undefined)) {
    fail("tls needs both cert and key");
  }

  if (
    options.statePath !== undefined &&
    (typeof options.statePath !== "string" || options.statePath === "")
  ) {
    fail("statePath must be a non-empty string");
  }

  const xmlMiddleware = options.xmlMiddleware ?? false;
  if (typeof xmlMiddleware !== "boolean") {
    fail(`xmlMiddleware must be true or false, got ${JSON.stringify(xmlMiddleware)}`);
  }

  const wholeAtLeast = (minimum: number) => (value: number) =>
    Number.isInteger(value) && value >= minimum;
  return {
    host: options.host ?? "127.0.0.1",
    port: number(
      "port",
      options.port,
      0,
      (value) => wholeAtLeast(0)(value) && value <= 65_535,
      "a port number",
    ),
    profile,
    latency: resolveLatency(options.latency),
    timeScale: number("timeScale", options.timeScale, 1, (value) => value >= 0, "a number ≥ 0"),
    poolSize: number("poolSize", options.poolSize, 5, wholeAtLeast(1), "a whole number ≥ 1"),
    poolWaitMs: number(
      "poolWaitMs",
      options.poolWaitMs,
      60_000,
      (value) => value >= 0,
      "a number ≥ 0",
    ),
    sessionTimeoutSeconds: number(
      "sessionTimeoutSeconds",
      options.sessionTimeoutSeconds,
      60,
      (value) => value > 0,
      "a number > 0",
    ),
    tokenLifetimeSeconds: number(
      "tokenLifetimeSeconds",
      options.tokenLifetimeSeconds,
      86_400,
      (value) => value > 0,
      "a number > 0",
    ),
    tokenPolicy,
    faults,
    faultSeed: number(
      "faultSeed",
      options.faultSeed,
      randomInt(2 ** 31),
      Number.isInteger,
      "a whole number",
    ),
    stallMs:
      options.stallMs === undefined
        ? undefined
        : number("stallMs", options.stallMs, 0, (value) => value > 0, "a number > 0"),
    data,
    statePath: options.statePath,
    users: options.users === undefined ? [{ ...DEFAULT_USER }] : checkUsers(options.users),
    tls,
    bodyLimitBytes: number(
      "bodyLimitBytes",
      options.bodyLimitBytes,
      1_048_576,
      wholeAtLeast(1),
      "a whole number ≥ 1",
    ),
    xmlMiddleware,
  };
}
