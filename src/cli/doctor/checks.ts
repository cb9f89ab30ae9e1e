import { P21Error } from "../../client/errors.js";
import type { P21Client, Session } from "../../client/index.js";
import { REFERENCE_TABLES, tableRefused } from "../../pricing/operations/references.js";
import { quirksForBuild, type BuildQuirk } from "./quirks.js";

export type Verdict = "ok" | "warn" | "fail" | "skip";

/** The outcome of one doctor check, with what to do when it is not ok. */
export interface CheckResult {
  readonly check: string;
  readonly verdict: Verdict;
  readonly detail: string;
  readonly action?: string;
  readonly durationMs: number;
  /** For the quirks check: the quirks of the server's build. */
  readonly quirks?: readonly BuildQuirk[];
}

function describeFailure(error: unknown): string {
  if (error instanceof P21Error) {
    const status = error.status === undefined ? "" : ` (HTTP ${error.status})`;
    return `${error.code}${status}: ${error.message}`;
  }

  return error instanceof Error ? error.message : String(error);
}

function actionFor(check: string, error: unknown): string {
  const code = error instanceof P21Error ? error.code : undefined;
  if (code === "P21_AUTH_FAILED") {
    return "check the user and password (or consumer key); the user must be a P21 user allowed to use the API";
  }

  const causeCode = (error as { cause?: { code?: unknown } }).cause?.code;
  if (causeCode === "ERR_SSL_WRONG_VERSION_NUMBER") {
    return "the server does not answer HTTPS there: try the base URL with http://, or its HTTPS port";
  }

  if (code === "P21_NETWORK" || code === "P21_TIMEOUT") {
    return "check --base-url and that this machine reaches the server (proxy, firewall, VPN); --ca FILE for a private CA";
  }

  // A token endpoint that is not there: the URL is most likely the UI server's, or a page.
  if (check === "token" && code === "P21_HTTP" && (error as P21Error).status === 404) {
    return "check --base-url: it is the P21 base URL (token, router and OData live there), not the UI server's";
  }

  if (code === "P21_POOL_EXHAUSTED") {
    return "every API instance is busy: wait, end idle sessions, or ask for a larger pool";
  }

  switch (check) {
    case "router":
      return "the router must answer the UI-server URL: check that the Interactive API is enabled on this server";
    case "session":
      return 'the user may lack API access ("Allow access to the API system pool") or the pool is full';
    case "SalesPricePage":
    case "SalesPriceBook":
      return `the user needs permission to open ${check} (check frame_menu and the user's role)`;
    case "odata":
      return "the user (or the consumer key's scope) needs OData read access to price_page, price_book and price_book_x_page";
    default:
      return "run again with --log-level debug for the requests and answers";
  }
}

async function timed(
  check: string,
  work: () => Promise<{ verdict?: Verdict; detail: string; action?: string }>,
): Promise<CheckResult> {
  const startedAt = performance.now();
  try {
    const outcome = await work();
    return {
      check,
      verdict: outcome.verdict ?? "ok",
      detail: outcome.detail,
      ...(outcome.action === undefined ? {} : { action: outcome.action }),
      durationMs: Math.round(performance.now() - startedAt),
    };
  } catch (error) {
    return {
      check,
      verdict: "fail",
      detail: describeFailure(error),
      action: actionFor(check, error),
      durationMs: Math.round(performance.now() - startedAt),
    };
  }
}

function skipped(check: string, reason: string): CheckResult {
  return { check, verdict: "skip", detail: reason, durationMs: 0 };
}

async function openAndClose(session: Session, service: string, signal: AbortSignal) {
  const window = await session.openWindow(service, { signal });
  const closed = await window.close({ signal });
  if (closed?.blocked) {
    return {
      verdict: "warn" as const,
      detail: `${service} opened, but closing it raised a dialog`,
      action: "another user or a rule may hold the window; p21kit answers close dialogs with No",
    };
  }

  return { detail: `${service} opened and closed` };
}

/**
 * Whether the tables the plan checks a file against can be read: one it cannot is a warning,
 * not a failure (the run goes on without that check, and the server refuses a value missing
 * there at its record).
 */
async function readReferenceTables(client: P21Client, signal: AbortSignal) {
  const refused: string[] = [];
  for (const table of REFERENCE_TABLES) {
    try {
      await client.odata.query(table, { top: 1, signal });
    } catch (error) {
      if (!tableRefused(error)) throw error;
      refused.push(
        `${table} (${error.status === undefined ? error.code : `HTTP ${error.status}`})`,
      );
    }
  }

  if (refused.length === 0) return { detail: `read ${REFERENCE_TABLES.join(", ")}` };
  return {
    verdict: "warn" as const,
    detail: `cannot read ${refused.join(", ")}: what a file names there is not checked before anything is sent`,
    action:
      "give the user (or the consumer key's /odata: scope) read access to those tables, so that a run refuses a missing value before it starts",
  };
}

/**
 * Runs the read-only checks of a server, in order, and yields each result as it is known.
 * Nothing is written: windows are opened and closed without a change, OData is only read.
 */
export async function* runDoctorChecks(
  client: P21Client,
  signal: AbortSignal,
): AsyncGenerator<CheckResult> {
  const token = await timed("token", async () => {
    await client.authenticate(signal);
    return { detail: `token received for ${client.username ?? "the consumer key"}` };
  });
  yield token;
  const later = [
    "router",
    "build",
    "session",
    "SalesPricePage",
    "SalesPriceBook",
    "odata",
    "lookups",
    "quirks",
  ];
  if (token.verdict === "fail") {
    for (const check of later) yield skipped(check, "needs a token");
    return;
  }

  const router = await timed("router", async () => ({
    detail: `UI server ${await client.uiServerUrl(signal)}`,
  }));
  yield router;
  if (router.verdict === "fail") {
    for (const check of later.slice(1)) yield skipped(check, "needs the UI server");
    return;
  }

  let version: string | undefined;
  yield await timed("build", async () => {
    const info = await client.serverInfo(signal);
    version = info.version;
    const production = info.raw["Monitoring/isproduction"];
    if (version === undefined) {
      return {
        verdict: "warn",
        detail: "server info has no Version/Application Version",
        action: "the build is read from the session instead",
      };
    }

    if (production === true || production === "true" || production === "True") {
      return {
        verdict: "warn",
        detail: `build ${version}, marked as production`,
        action: "rehearse on `p21kit simulator --profile` of this build and use --dry-run first",
      };
    }

    return { detail: `build ${version}` };
  });

  let session: Session | undefined;
  const sessionCheck = await timed("session", async () => {
    session = await client.startSession({ signal });
    version ??= session.build;
    return { detail: `session created${session.build ? ` (build ${session.build})` : ""}` };
  });
  if (session === undefined) {
    yield sessionCheck;
    yield skipped("SalesPricePage", "needs a session");
    yield skipped("SalesPriceBook", "needs a session");
  } else {
    const open = session;
    const pages = await timed("SalesPricePage", () => openAndClose(open, "SalesPricePage", signal));
    const books = await timed("SalesPriceBook", () => openAndClose(open, "SalesPriceBook", signal));
    const ended = await timed("session", async () => {
      await open.close();
      return { detail: `${sessionCheck.detail}, and ended` };
    });
    yield { ...ended, durationMs: ended.durationMs + sessionCheck.durationMs };
    yield pages;
    yield books;
  }

  yield await timed("odata", async () => {
    const tables = ["price_page", "price_book", "price_book_x_page"];
    for (const table of tables) await client.odata.query(table, { top: 1, signal });
    return { detail: `read ${tables.join(", ")}` };
  });

  yield await timed("lookups", () => readReferenceTables(client, signal));

  const { known, quirks } = quirksForBuild(version);
  const warnings = quirks.filter((quirk) => quirk.verdict === "warn");
  yield {
    check: "quirks",
    verdict: !known || warnings.length > 0 ? "warn" : "ok",
    detail: known
      ? `${quirks.length} known quirks apply to ${version}; p21kit handles each`
      : "unknown build: p21kit assumes 2026.1 behaviour",
    ...(warnings.length > 0
      ? { action: warnings.map((quirk) => `quirk ${quirk.number}: ${quirk.handling}`).join("; ") }
      : !known
        ? { action: "rehearse on `p21kit simulator` with the closest --profile first" }
        : {}),
    durationMs: 0,
    quirks,
  };
}
