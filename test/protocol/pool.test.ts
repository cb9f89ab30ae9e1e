import { describe, expect, it } from "vitest";

import type { ErrorEnvelope } from "./http.js";
import { createSession, endSession, interactive, party, sleep } from "./http.js";
import { withSimulator } from "./simulator.js";

describe("pool of API instances", () => {
  it("quirk 42: with the pool full a create waits, then answers 503 PoolTimeoutException", async () => {
    await withSimulator({ poolSize: 1, poolWaitMs: 300 }, async (server) => {
      const first = await party(server);
      const second = await party(server);
      await createSession(first);

      const answer = await interactive(second, "POST", "/sessions", {
        json: { ResponseWindowHandlingEnabled: false },
      });

      expect(answer.status).toBe(503);
      const error = answer.json<ErrorEnvelope>();
      expect(error.ErrorType).toBe("P21.UI.Service.PoolTimeoutException");
      expect(error.ErrorMessage).toMatch(/^No API instance became available within \d+ seconds\.$/);
      expect(server.stats().sessionsOpen).toBe(1);
      await endSession(first);
    });
  });

  it("quirk 42: a waiting create succeeds when a session ends during the wait", async () => {
    await withSimulator({ poolSize: 1, poolWaitMs: 5000 }, async (server) => {
      const first = await party(server);
      const second = await party(server);
      await createSession(first);

      const waiting = interactive(second, "POST", "/sessions", {
        json: { ResponseWindowHandlingEnabled: false },
      });
      await sleep(200);
      expect((await endSession(first)).status).toBe(200);
      const answer = await waiting;

      expect(answer.status).toBe(200);
      expect(server.stats().sessionsOpen).toBe(1);
      await endSession(second);
    });
  });

  it("quirk 42: the pool admits up to its size at once", async () => {
    await withSimulator({ poolSize: 3, poolWaitMs: 200 }, async (server) => {
      const parties = await Promise.all([party(server), party(server), party(server)]);
      await Promise.all(parties.map((who) => createSession(who)));
      const fourth = await party(server);

      const refused = await interactive(fourth, "POST", "/sessions", { json: {} });

      expect(refused.status).toBe(503);
      expect(server.stats().sessionsPeak).toBe(3);
      await Promise.all(parties.map((who) => endSession(who)));
    });
  });
});
