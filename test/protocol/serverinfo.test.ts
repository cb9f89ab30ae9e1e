import { describe, expect, it } from "vitest";

import { call, passwordToken } from "./http.js";
import { PROFILES, simulatorForBlock } from "./simulator.js";

describe.each(PROFILES)("serverinfo on %s", (profile) => {
  const simulator = simulatorForBlock({ profile });

  function serverInfoUrl(): string {
    return `${simulator().uiServerUrl}/ui/common/v1/serverinfo`;
  }

  it("answers a flat Result map whose application version is the profile's build", async () => {
    const token = await passwordToken(simulator().url);
    const answer = await call("GET", serverInfoUrl(), { token });

    expect(answer.status).toBe(200);
    const result = answer.json<{ Result: Record<string, unknown> }>().Result;
    expect(String(result["Version/Application Version"])).toMatch(
      new RegExp(`^(20)?${profile.replaceAll(".", "\\.")}`),
    );
    expect(result).toHaveProperty("Version/Build Framework");
    expect(result).toHaveProperty("Monitoring/isproduction");
    expect(Object.keys(result).length).toBeGreaterThanOrEqual(5);
  });

  it("needs a bearer token but no session", async () => {
    expect((await call("GET", serverInfoUrl())).status).toBe(401);
  });

  it("answers XML when Accept does not ask for JSON", async () => {
    const token = await passwordToken(simulator().url);
    const answer = await call("GET", serverInfoUrl(), { token, accept: null });

    expect(answer.status).toBe(200);
    expect(answer.contentType()).toContain("xml");
    expect(answer.text.trimStart().startsWith("<")).toBe(true);
  });

  it("has no version endpoint: /api/version, /api/v2/version, /api/ui/version, /version are 404", async () => {
    const token = await passwordToken(simulator().url);

    for (const path of ["/api/version", "/api/v2/version", "/api/ui/version", "/version"]) {
      const answer = await call("GET", `${simulator().uiServerUrl}${path}`, { token });
      expect(answer.status, path).toBe(404);
    }
  });
});
