// The existence checks of the plan on a server that cannot tell: each answers undefined, so
// that the plan skips that check, and says so on the client's logger.
import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  P21Client,
  P21HttpError,
  ServerRefusedError,
} from "../../src/client/index.js";
import type { Logger } from "../../src/client/index.js";
import {
  existingCompanies,
  existingDiscountGroups,
  existingProductGroups,
  existingSuppliers,
} from "../../src/pricing/operations/references.js";
import { planWorkflow } from "../../src/pricing/index.js";
import { DEMO, startSimulator } from "../../src/simulator/index.js";
import { demoPage } from "./workflow-harness.js";

/** A logger that keeps the message of each warning. */
function warningLogger(warnings: string[]): Logger {
  const ignore = () => undefined;
  return {
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (fieldsOrMessage, message) => {
      warnings.push(typeof fieldsOrMessage === "string" ? fieldsOrMessage : (message ?? ""));
    },
  };
}

const consumerKey = "5d0c39a4-references-test-key";

describe("existence lookups on a server that cannot tell", () => {
  it("answers undefined for an empty table (the empty simulator checks nothing against it), with a warning", async () => {
    const simulator = await startSimulator({ data: "empty" });
    const warnings: string[] = [];
    const client = new P21Client({
      baseUrl: simulator.url,
      username: "api_user",
      password: "api_password",
      logger: warningLogger(warnings),
    });
    try {
      expect(await existingSuppliers(client, [10_010])).toBeUndefined();
      expect(
        await existingProductGroups(client, [{ companyId: "ACME", productGroupId: "ABRAS" }]),
      ).toBeUndefined();
      expect(await existingDiscountGroups(client, ["STOCK"])).toBeUndefined();
    } finally {
      await client.close();
      await simulator.close();
    }

    expect(warnings).toEqual([
      "OData table supplier holds no rows: suppliers are not checked before anything is sent",
      "OData table product_group holds no rows: product groups are not checked before anything is sent",
      "OData table discount_group holds no rows: discount groups are not checked before anything is sent",
    ]);
  });

  async function scopedSimulator() {
    return startSimulator({
      data: "demo",
      users: [
        {
          username: "api_user",
          password: "api_password",
          consumerKey,
          scope: "/api;/odata:price_page,price_book,price_book_x_page,supplier",
        },
      ],
    });
  }

  it("skips, with a warning, a table outside the consumer key's OData allow-list, and checks the others", async () => {
    const simulator = await scopedSimulator();
    const warnings: string[] = [];
    const client = new P21Client({
      baseUrl: simulator.url,
      consumerKey,
      username: "api_user",
      logger: warningLogger(warnings),
    });
    try {
      expect(await existingSuppliers(client, [10_010, 99_999])).toEqual({
        existing: new Set([10_010]),
        deleted: new Set(),
      });
      expect(await existingCompanies(client, ["NOPE"])).toBeUndefined();
      expect(
        await existingProductGroups(client, [{ companyId: "ACME", productGroupId: "NOGRP" }]),
      ).toBeUndefined();
      expect(await existingDiscountGroups(client, ["NODG"])).toBeUndefined();
    } finally {
      await client.close();
      await simulator.close();
    }

    expect(warnings).toEqual([
      "OData table company cannot be read (HTTP 401): companies are not checked before anything is sent",
      "OData table product_group cannot be read (HTTP 401): product groups are not checked before anything is sent",
      "OData table discount_group cannot be read (HTTP 401): discount groups are not checked before anything is sent",
    ]);
  });

  it("plans the pages of a key that may not read the company and group tables", async () => {
    const simulator = await scopedSimulator();
    const client = new P21Client({ baseUrl: simulator.url, consumerKey, username: "api_user" });
    try {
      const page = demoPage(0, 0, { productGroupId: DEMO.example.productGroupId });
      const plan = await planWorkflow(client, { kind: "create", pages: [page] });

      expect(plan.counts.create).toBe(1);
    } finally {
      await client.close();
      await simulator.close();
    }
  });
});

describe("existence lookups on a table refused", () => {
  // A pure unit test: a client whose OData answers every query with the refusal.
  function refusingClient(refusal: Error, warnings: string[] = []): P21Client {
    const refuse = () => Promise.reject(refusal);
    return {
      odata: { queryAll: refuse, query: refuse },
      logger: warningLogger(warnings),
    } as unknown as P21Client;
  }

  const path = "/odataservice/odata/table/discount_group";
  it.each([
    ["an AccessDeniedError (403)", new AccessDeniedError("denied", { status: 403, path }), 403],
    ["a ServerRefusedError (404)", new ServerRefusedError("no table", { status: 404, path }), 404],
    ["a bare 404", new P21HttpError("not found", { status: 404, path }), 404],
  ])(
    "answers undefined on %s, with a warning, so that the plan skips that check",
    async (_, refusal, status) => {
      const warnings: string[] = [];
      const client = refusingClient(refusal, warnings);

      expect(await existingSuppliers(client, [10_010])).toBeUndefined();
      expect(await existingDiscountGroups(client, ["STOCK"])).toBeUndefined();
      expect(warnings).toEqual([
        `OData table supplier cannot be read (HTTP ${status}): suppliers are not checked before anything is sent`,
        `OData table discount_group cannot be read (HTTP ${status}): discount groups are not checked before anything is sent`,
      ]);
    },
  );

  it("lets any other failure through: a 500 is not a table the user may not read", async () => {
    const failure = new P21HttpError("OData failed with HTTP 500", { status: 500 });
    await expect(existingSuppliers(refusingClient(failure), [10_010])).rejects.toThrow("HTTP 500");
  });
});
