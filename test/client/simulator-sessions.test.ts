// Sessions and tokens of the client against the simulator, on every build profile: leaked
// sessions, ends that fail, tokens the server stops accepting, sessions that expire.
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { P21Client, SessionExpiredError, silentLogger } from "../../src/client/index.js";
import type { Logger } from "../../src/client/index.js";
import { authorizationRecorder, profiles, simulatorPerTest } from "./simulator-helpers.js";

const start = simulatorPerTest();

/** The route of a session's end. */
const endRoute = "DELETE /api/ui/interactive/sessions";

/** A logger that keeps the messages of its warnings in `warnings`. */
function keepingWarnings(warnings: string[]): Logger {
  return {
    ...silentLogger,
    warn: (_fields, message) => void warnings.push(message ?? ""),
  };
}

describe.each(profiles)("sessions and tokens against the simulator, build %s", (profile) => {
  it("recovers a leaked session of its own token (409) by ending it and creating again", async () => {
    const recorder = authorizationRecorder();
    const simulator = await start({ profile, data: "empty" }).then((started) => started.simulator);
    const client = new P21Client(
      { baseUrl: simulator.url, username: "api_user", password: "api_password" },
      { dispatcher: recorder.dispatcher },
    );
    try {
      const uiServerUrl = await client.uiServerUrl();
      const [authorization = ""] = recorder.authorizations;
      // A session of this token that nobody ended (a crashed run, a lost answer).
      const leaked = await request(`${uiServerUrl}/api/ui/interactive/sessions`, {
        method: "POST",
        headers: { authorization, accept: "application/json", "content-type": "application/json" },
        body: JSON.stringify({
          SessionType: "Auto",
          SessionTimeout: 60,
          ResponseWindowHandlingEnabled: true,
        }),
      });
      expect(leaked.statusCode).toBe(200);
      await leaked.body.text();
      simulator.resetStats();

      const session = await client.startSession();
      expect(session.state).toBe("open");
      expect(simulator.stats().requests).toMatchObject({
        "POST /api/ui/interactive/sessions": 2,
        "DELETE /api/ui/interactive/sessions": 1,
      });
      await session.close();
    } finally {
      await client.close();
      await recorder.dispatcher.close();
    }
  });

  it("ends a session again after a 500 or a lost answer on its end, and leaves none open", async () => {
    const warnings: string[] = [];
    const { simulator, client } = await start(
      { profile, data: "empty" },
      { logger: keepingWarnings(warnings) },
    );

    simulator.injectFault({ kind: "http500", route: endRoute });
    await (await client.startSession()).close();
    expect(simulator.stats().requests[endRoute]).toBe(2);
    expect(await client.listSessions()).toHaveLength(0);

    // Ended, and the answer lost: the second attempt hears "Invalid session", which says so.
    simulator.resetStats();
    simulator.injectFault({ kind: "reset", route: endRoute, phase: "after" });
    await (await client.startSession()).close();
    expect(simulator.stats().requests[endRoute]).toBe(2);
    expect(await client.listSessions()).toHaveLength(0);
    expect(warnings).toEqual([]);
  });

  it("gives up ending a session after three failures or one refusal, and says so", async () => {
    const warnings: string[] = [];
    const { simulator, client } = await start(
      { profile, data: "empty" },
      { logger: keepingWarnings(warnings) },
    );

    simulator.injectFault({ kind: "http500", route: endRoute, count: 3 });
    await (await client.startSession()).close();
    expect(simulator.stats().requests[endRoute]).toBe(3);
    expect(await client.listSessions()).toHaveLength(1);
    expect(warnings).toEqual(["p21 session end refused; the server's cleanup will reap it"]);

    // The next session of this token ends the one left open (409), then its own end is refused
    // once (a 401): no second attempt.
    simulator.resetStats();
    const next = await client.startSession();
    simulator.injectFault({ kind: "expire-token", route: endRoute });
    await next.close();
    expect(simulator.stats().requests[endRoute]).toBe(2);
    expect(warnings.slice(1)).toEqual([
      "p21 session already exists; ending it",
      "p21 session end refused; the server's cleanup will reap it",
    ]);
  });

  it("renews a token the server stopped accepting and retries the read once", async () => {
    const { simulator, client } = await start({ profile, data: "demo" });
    await using session = await client.startSession();
    await session.close();
    simulator.injectFault({ kind: "expire-token", route: "GET /odataservice/odata/table/:name" });

    const rows = await client.odata.query("price_book");
    expect(rows.length).toBeGreaterThan(0);
    expect(simulator.stats().requests["POST /api/security/token/v2"]).toBe(2);
  });

  it("renews a token close to expiry before using it", async () => {
    const { simulator, client } = await start({ profile, data: "empty", tokenLifetimeSeconds: 60 });
    await client.authenticate();
    await client.authenticate();

    // A 60 s token is always within the 5-minute margin: each call renews it.
    expect(simulator.stats().requests["POST /api/security/token/v2"]).toBe(2);
  });

  it("turns a refused token on a session call into an expired session, and starts anew", async () => {
    const { simulator, client } = await start({ profile, data: "empty" });
    const session = await client.startSession();
    const window = await session.openWindow("SalesPricePage");
    simulator.injectFault({ kind: "expire-token", route: "PUT /api/ui/interactive/v2/change" });

    const error = await window
      .change("FORM", "form", "price_page_type_cd", "x")
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect(session.state).toBe("expired");
    await expect(window.clear()).rejects.toBeInstanceOf(SessionExpiredError);

    await using next = await client.startSession();
    expect(next.state).toBe("open");
    expect(simulator.stats().requests["POST /api/security/token/v2"]).toBe(2);
  });

  it("reads an expired session as SessionExpiredError on every later call", async () => {
    const { simulator, client } = await start({ profile, data: "empty" });
    const session = await client.startSession();
    const window = await session.openWindow("SalesPricePage");
    simulator.injectFault({ kind: "expire-session", route: "PUT /api/ui/interactive/v2/tab" });

    await expect(window.selectTab("VALUES")).rejects.toMatchObject({
      code: "P21_SESSION_EXPIRED",
      retry: "transient",
    });
    expect(session.state).toBe("expired");
    await expect(session.openWindow("SalesPricePage")).rejects.toBeInstanceOf(SessionExpiredError);
    await session.close();
  });
});
