// The client against the simulator as some installations set up their credentials: a consumer
// key with a scope, middleware that answers in XML, a key sent without its user.
import { describe, expect, it } from "vitest";
import { AccessDeniedError, ServerRefusedError } from "../../src/client/index.js";
import type { SimulatorOptions } from "../../src/simulator/index.js";
import { simulatorPerTest } from "./simulator-helpers.js";

const start = simulatorPerTest();

describe("a consumer key whose scope has an OData allow-list", () => {
  const consumerKey = "7d3c2b1a-0f9e-4d8c-b7a6-5e4f3d2c1b0a";
  const scoped: SimulatorOptions = {
    data: "demo",
    users: [
      {
        username: "api_user",
        password: "api_password",
        consumerKey,
        scope: "/api;/p21sdk;/odata:price_page",
      },
    ],
  };

  it("reads a table outside the list as AccessDeniedError, without authenticating again", async () => {
    const { simulator, client } = await start(scoped, { consumerKey, password: undefined });
    await using session = await client.startSession();
    const window = await session.openWindow("SalesPricePage");

    const error = await client.odata.query("price_book").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ code: "P21_ACCESS_DENIED", retry: "permanent", status: 401 });
    expect((error as AccessDeniedError).serverMessage).toMatch(/not authorized to access API/);
    expect(simulator.stats().requests["POST /api/security/token/v2"]).toBe(1);
    expect(session.state).toBe("open");
    expect((await window.clear()).ok).toBe(true);
    expect((await client.odata.query("price_page", { top: 1 })).length).toBe(1);
  });
});

describe("behind middleware that answers the token and the router in XML", () => {
  it("authenticates, finds the UI server and runs a session", async () => {
    const { simulator, client } = await start({ data: "empty", xmlMiddleware: true });

    await using session = await client.startSession();
    const window = await session.openWindow("SalesPricePage");
    await client.authenticate();

    expect((await window.selectTab("FORM")).ok).toBe(true);
    expect(await client.uiServerUrl()).toBe(simulator.uiServerUrl);
    expect(simulator.stats().requests["POST /api/security/token/v2"]).toBe(1);
  });
});

describe("a consumer key sent without a username", () => {
  it("gets a token, but its session create is refused for good: sessions need a real user", async () => {
    const consumerKey = "2e4f6a8c-1b3d-4e5f-8a9b-0c1d2e3f4a5b";
    const users = [{ username: "api_user", password: "api_password", consumerKey }];
    const { simulator, client } = await start(
      { data: "empty", users },
      { consumerKey, username: undefined, password: undefined },
    );

    const error = await client.startSession().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ServerRefusedError);
    expect(error).toMatchObject({ retry: "permanent", status: 400 });
    expect((error as ServerRefusedError).serverMessage).toBe("Error retrieving/validating user");
    expect(simulator.stats().requests["POST /api/security/token/v2"]).toBe(1);
  });
});
