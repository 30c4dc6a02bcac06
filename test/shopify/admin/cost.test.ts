import { afterEach, describe, expect, it } from "vitest";
import { buildDataset } from "./builder";
import { RATE_LIMIT_PRESETS, startAdminStandIn, type AdminStandIn, type AdminStandInOptions, type CostRecord } from "./index";
import { client } from "./testing";

const TOKEN = "shpat_cost";
let standIn: AdminStandIn | null = null;

async function start(options: AdminStandInOptions = {}, dataset = buildDataset({ customers: 5, ordersEach: 2 })) {
  standIn = await startAdminStandIn(options);
  standIn.addShop(dataset, TOKEN);
  return { s: standIn, gql: client(standIn, TOKEN) };
}

afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

/**
 * Figures from Shopify's rate-limit documentation and its engineering write-up ("Rate limiting
 * GraphQL APIs by calculating query complexity"): scalars and enums 0, objects 1, connections 2
 * plus first/last × one node, mutations 10; actual cost recounts connections by what came back.
 */
describe("calculated query cost", () => {
  it("charges an object 1 and its scalars nothing (the write-up's shop example)", async () => {
    const { gql } = await start();
    const r = await gql("{ shop { id name ianaTimezone currencyCode } }");
    expect(r.body.extensions?.cost).toMatchObject({ requestedQueryCost: 1, actualQueryCost: 1 });
  });

  it("charges a connection 2 + first and refunds what was not returned (the documented 252 / 12)", async () => {
    // ten orders in the shop: requested for 250, actual for the ten that came back
    const { gql } = await start({}, buildDataset({ customers: 5, ordersEach: 2 }));
    const r = await gql("{ orders(first: 250) { edges { node { id } } pageInfo { hasNextPage } } }");
    expect(r.body.extensions?.cost).toEqual({ requestedQueryCost: 252, actualQueryCost: 12, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1988, restoreRate: 100 } });
  });

  it("multiplies nested connections and counts nested objects", async () => {
    const { gql } = await start();
    // 2 + 10 × (1 product + 2 + 5 × 1 variant)
    const products = await gql("{ products(first: 10) { edges { node { title variants(first: 5) { edges { node { price } } } } } } }");
    expect(products.body.extensions?.cost.requestedQueryCost).toBe(82);
    // one product with one variant came back: 2 + 1 × (1 + 2 + 1)
    expect(products.body.extensions?.cost.actualQueryCost).toBe(6);
    // 2 + 10 × (1 customer + 1 amountSpent)
    const customers = await gql("{ customers(first: 10) { nodes { id amountSpent { amount } } } }");
    expect(customers.body.extensions?.cost).toMatchObject({ requestedQueryCost: 22, actualQueryCost: 2 + 5 * 2 });
    // edges and nodes side by side cost the larger of the two, not their sum
    const both = await gql("{ customers(first: 10) { nodes { id } edges { cursor node { id } } } }");
    expect(both.body.extensions?.cost.requestedQueryCost).toBe(12);
  });

  it("charges an interface or union its dearest possible selection", async () => {
    const { gql } = await start();
    // node: 1 + max(Order: customer 1 + defaultAddress 1, Customer: defaultAddress 1)
    const r = await gql(`{ node(id: "gid://shopify/Order/5000000001") { id ... on Order { customer { defaultAddress { city } } } ... on Customer { defaultAddress { city } } } }`);
    expect(r.body.extensions?.cost).toMatchObject({ requestedQueryCost: 3, actualQueryCost: 3 });
  });

  it("charges a mutation 10", async () => {
    const { gql } = await start();
    const m = await gql('mutation { segmentCreate(name: "A", query: "number_of_orders > 1") { segment { id } userErrors { field message } } }');
    expect(m.body.extensions?.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
  });

  it("refuses a single query over 1000 points with MAX_COST_EXCEEDED, charging nothing", async () => {
    const { gql } = await start();
    const r = await gql("{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }");
    expect(r.status).toBe(200);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors?.[0]).toMatchObject({ extensions: { code: "MAX_COST_EXCEEDED", cost: 63252, maxCost: 1000 } });
    expect(r.body.errors?.[0]?.message).toMatch(/^Query cost is 63252, which exceeds the single query max cost limit \(1000\)\./);
    expect(r.body.extensions?.cost).toMatchObject({ requestedQueryCost: 63252, actualQueryCost: null, throttleStatus: { currentlyAvailable: 2000 } });
  });
});

describe("leaky bucket", () => {
  it("throttles a drained bucket and restores at the restore rate by the injected clock", async () => {
    let clock = 1_000_000;
    const { gql } = await start({ now: () => clock, maximumAvailable: 100, restoreRate: 10 }, buildDataset({ customers: 60, ordersEach: 0 }));
    const first = await gql("{ customers(first: 40) { nodes { id } } }"); // 42, all used
    expect(first.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(58);
    const heavy = "{ customers(first: 60) { nodes { id } } }"; // 62
    expect((await gql(heavy)).body.errors?.[0]?.extensions?.["code"]).toBe("THROTTLED");
    clock += 1_000; // +10 points
    const ok = await gql(heavy);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(6);
    const throttled = await gql(heavy);
    expect(throttled.status).toBe(200);
    expect(throttled.body).toEqual({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      extensions: { cost: { requestedQueryCost: 62, actualQueryCost: null, throttleStatus: { maximumAvailable: 100, currentlyAvailable: 6, restoreRate: 10 } } },
    });
    clock += 5_000; // 56: still short
    expect((await gql(heavy)).body.errors?.[0]?.extensions?.["code"]).toBe("THROTTLED");
    clock += 1_000; // 66
    expect((await gql(heavy)).body.errors).toBeUndefined();
    clock += 3_600_000; // never above the bucket size
    expect((await gql("{ shop { name } }")).body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(99);
  });

  it("keeps one bucket per shop, sized by the shop's plan", async () => {
    const clock = 0;
    const { s, gql } = await start({ now: () => clock, maximumAvailable: 300 });
    s.addShop(buildDataset({ domain: "plus.myshopify.com", plan: "Shopify Plus" }), "plus-token", RATE_LIMIT_PRESETS.plus);
    const heavy = "{ customers(first: 250) { nodes { id } } }"; // 252 requested, 2 + 5 actual
    expect((await gql(heavy)).body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(293);
    s.shop("tiny.myshopify.com").bucket.available = 100;
    expect((await gql(heavy)).body.errors?.[0]?.extensions?.["code"]).toBe("THROTTLED");
    expect((await gql(heavy, {}, { token: "plus-token" })).body.errors).toBeUndefined();
    const plus = await gql("{ shop { plan { shopifyPlus } } }", {}, { token: "plus-token" });
    expect(plus.body.data).toEqual({ shop: { plan: { shopifyPlus: true } } });
    expect(plus.body.extensions?.cost.throttleStatus).toEqual({ maximumAvailable: 20000, currentlyAvailable: 20000 - 7 - 2, restoreRate: 1000 });
    s.shop("tiny.myshopify.com").limits.restoreRate = 50;
    expect((await gql("{ shop { name } }")).body.extensions?.cost.throttleStatus.restoreRate).toBe(50);
  });
});

describe("the bucket's accounting, for tests of a client's pacing", () => {
  it("reports every priced request to onCost and keeps totals in usage", async () => {
    let clock = 5_000_000;
    const records: [string, CostRecord][] = [];
    const { s, gql } = await start({ now: () => clock, maximumAvailable: 50, restoreRate: 5, onCost: (domain, record) => records.push([domain, record]) });
    const page = "query Page { customers(first: 10) { nodes { id } } }"; // 12 requested, 2 + 5 actual
    await gql(page);
    await gql("{ shop { nope } }"); // invalid: never priced
    s.shop("tiny.myshopify.com").bucket.available = 4;
    expect((await gql(page)).body.errors?.[0]?.extensions?.["code"]).toBe("THROTTLED");
    clock += 2_000;
    await gql(page);
    expect(records).toEqual([
      ["tiny.myshopify.com", { atMs: 5_000_000, operationName: "Page", requestedQueryCost: 12, actualQueryCost: 7, availableBefore: 50, availableAfter: 43, throttled: false }],
      ["tiny.myshopify.com", { atMs: 5_000_000, operationName: "Page", requestedQueryCost: 12, actualQueryCost: null, availableBefore: 4, availableAfter: 4, throttled: true }],
      ["tiny.myshopify.com", { atMs: 5_002_000, operationName: "Page", requestedQueryCost: 12, actualQueryCost: 7, availableBefore: 14, availableAfter: 7, throttled: false }],
    ]);
    // lowest: what a charge left before its refund (14 − 12)
    expect(s.shop("tiny.myshopify.com").usage).toEqual({ priced: 3, throttled: 1, charged: 14, lowestAvailable: 2 });
  });
});
