import { describe, expect, it } from "vitest";

import type { ErrorEnvelope, Party } from "./http.js";
import {
  call,
  createSession,
  DEFAULT_USER,
  endSession,
  GUID,
  interactive,
  openWindow,
  party,
  sleep,
} from "./http.js";
import { PROFILES, simulatorForBlock, withSimulator } from "./simulator.js";

const OTHER_USER = { username: "second_user", password: "second_password" };

describe.each(PROFILES)("session create on %s", (profile) => {
  const simulator = simulatorForBlock({ profile });
  const onTwentySix = profile.startsWith("26.1");

  it.each(["/sessions", "/sessions/"])(
    "quirk 7: creates on %s and names the id per build",
    async (path) => {
      const who = await party(simulator());
      const answer = await interactive(who, "POST", path, {
        json: { ResponseWindowHandlingEnabled: false },
      });

      expect(answer.status).toBe(200);
      const session = answer.json<Record<string, unknown>>();
      if (onTwentySix) {
        expect(String(session["Id"])).toMatch(GUID);
        expect(session).not.toHaveProperty("SessionId");
        expect(JSON.stringify(session["Properties"])).toContain("fullversion");
      } else {
        expect(typeof session["SessionId"]).toBe("string");
        expect(session["SessionId"]).not.toBe("");
        expect(session["Status"]).toBe("Active");
        expect(session).not.toHaveProperty("Id");
      }

      expect((await endSession(who)).status).toBe(200);
    },
  );

  it("accepts every documented create field", async () => {
    const who = await party(simulator());
    const answer = await interactive(who, "POST", "/sessions/", {
      json: {
        SessionType: "Auto",
        SessionTimeout: 120,
        ResponseWindowHandlingEnabled: true,
        ClientPlatformApp: "p21kit protocol suite",
        WorkstationID: "TEST-WS-01",
      },
    });

    expect(answer.status).toBe(200);
    expect((await endSession(who)).status).toBe(200);
  });
});

describe("sessions", () => {
  const simulator = simulatorForBlock({
    users: [DEFAULT_USER, OTHER_USER],
  });

  it("quirk 8: a second create on the same token answers 409 Session already exists.", async () => {
    const who = await party(simulator());
    await createSession(who);

    const second = await interactive(who, "POST", "/sessions", { json: {} });

    expect(second.status).toBe(409);
    expect(second.json<ErrorEnvelope>().ErrorMessage).toBe("Session already exists.");
    expect((await endSession(who)).status).toBe(200);
    expect(await createSession(who)).not.toBe("");
    await endSession(who);
  });

  it("quirk 9: only the creating token can delete its session, by every form", async () => {
    const creator = await party(simulator());
    const other = await party(simulator());
    const sessionId = await createSession(creator);

    const attempts = [
      await interactive(other, "DELETE", "/sessions"),
      await interactive(other, "DELETE", `/sessions?id=${sessionId}`),
      await interactive(other, "DELETE", `/sessions?sessionId=${sessionId}`),
      await interactive(other, "DELETE", "/sessions", { json: { Id: sessionId } }),
      await interactive(other, "DELETE", "/sessions", { json: { SessionId: sessionId } }),
    ];

    for (const answer of attempts) {
      expect(answer.status).toBe(400);
      expect(answer.json<ErrorEnvelope>().ErrorMessage).toBe("Invalid session");
    }

    const listed = await interactive(creator, "GET", "/sessions");
    expect(listed.text).toContain(sessionId);
    expect((await endSession(creator)).status).toBe(200);
  });

  it("quirk 9: after re-authenticating, the old session is an orphan: listed, not deletable", async () => {
    const crashed = await party(simulator());
    const orphanId = await createSession(crashed);
    const restarted = await party(simulator());

    const answer = await endSession(restarted);

    expect(answer.status).toBe(400);
    expect(answer.json<ErrorEnvelope>().ErrorMessage).toBe("Invalid session");
    expect((await interactive(restarted, "GET", "/sessions")).text).toContain(orphanId);
    expect((await endSession(crashed)).status).toBe(200);
    expect((await interactive(restarted, "GET", "/sessions")).text).not.toContain(orphanId);
  });

  it("a same-token DELETE answers 200 and ends the session at once", async () => {
    const who = await party(simulator());
    await createSession(who);
    const windowId = await openWindow(who, "SalesPricePage");

    expect((await endSession(who)).status).toBe(200);

    const afterwards = await interactive(who, "GET", `/v2/window?id=${windowId}`);
    expect(afterwards.status).toBe(400);
    expect(afterwards.json<ErrorEnvelope>().ErrorMessage).toBe("Invalid session");
    expect((await endSession(who)).status).toBe(400);
  });

  it("lists the user's sessions and not another user's", async () => {
    const mine = await party(simulator());
    const theirs = await party(simulator(), OTHER_USER.username, OTHER_USER.password);
    const mySession = await createSession(mine);
    const theirSession = await createSession(theirs);

    const answer = await interactive(mine, "GET", "/sessions");

    expect(answer.status).toBe(200);
    expect(answer.text).toContain(mySession);
    expect(answer.text).not.toContain(theirSession);
    await endSession(mine);
    await endSession(theirs);
  });

  it("there is no /v2/sessions: DELETE /v2/sessions?id= answers 404", async () => {
    const who = await party(simulator());
    const sessionId = await createSession(who);

    const answer = await interactive(who, "DELETE", `/v2/sessions?id=${sessionId}`);

    expect(answer.status).toBe(404);
    await endSession(who);
  });

  it("an Interactive call with no session answers 400 Invalid session", async () => {
    const who = await party(simulator());

    const answer = await interactive(who, "POST", "/v2/window", {
      json: { ServiceName: "SalesPricePage" },
    });

    expect(answer.status).toBe(400);
    expect(answer.json<ErrorEnvelope>().ErrorMessage).toBe("Invalid session");
  });
});

describe("idle timeout", () => {
  async function expectExpired(who: Party, windowId: string): Promise<void> {
    const answer = await interactive(who, "GET", `/v2/window?id=${windowId}`);

    expect(answer.status).toBe(400);
    expect(answer.json<ErrorEnvelope>().ErrorMessage).toBe("Invalid session");
  }

  it("quirk 10: after the configured idle timeout the session's calls fail and it is gone", async () => {
    await withSimulator({ sessionTimeoutSeconds: 1 }, async (server) => {
      const who = await party(server);
      await createSession(who);
      const windowId = await openWindow(who, "SalesPricePage");

      await sleep(1500);

      await expectExpired(who, windowId);
      const listed = await interactive(who, "GET", "/sessions");
      expect(listed.status).toBe(200);
      expect(await createSession(who)).not.toBe("");
      await endSession(who);
    });
  });

  it("quirk 10: SessionTimeout in the create body sets the session's idle timeout", async () => {
    await withSimulator({}, async (server) => {
      const who = await party(server);
      await createSession(who, { ResponseWindowHandlingEnabled: false, SessionTimeout: 1 });
      const windowId = await openWindow(who, "SalesPricePage");

      await sleep(1500);

      await expectExpired(who, windowId);
    });
  });

  it("quirk 10: a session inside its timeout stays alive", async () => {
    await withSimulator({ sessionTimeoutSeconds: 30 }, async (server) => {
      const who = await party(server);
      await createSession(who);
      const windowId = await openWindow(who, "SalesPricePage");

      await sleep(300);

      const answer = await call(
        "GET",
        `${server.uiServerUrl}/api/ui/interactive/v2/window?id=${windowId}`,
        {
          token: who.token,
        },
      );
      expect(answer.status).toBe(200);
      await endSession(who);
    });
  });
});
