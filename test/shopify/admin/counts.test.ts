import { afterEach, describe, expect, it } from "vitest";
import { buildDataset } from "./builder";
import { startAdminStandIn, type AdminStandIn } from "./index";
import { countOf } from "./resolvers";
import { client } from "./testing";

const TOKEN = "shpat_counts";
let standIn: AdminStandIn | null = null;

async function start(dataset = buildDataset({ customers: 6, ordersEach: 2 })) {
  standIn = await startAdminStandIn({ now: () => Date.parse("2025-03-01T00:00:00Z") });
  standIn.addShop(dataset, TOKEN);
  return { s: standIn, gql: client(standIn, TOKEN) };
}

afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

describe("customersCount, ordersCount, productsCount", () => {
  it("count every record, or those a search matches, as Count { count precision }", async () => {
    const { gql } = await start();
    const r = await gql(`{
      customersCount { count precision }
      ordersCount { count precision }
      productsCount { count precision }
      vip: customersCount(query: "tag:vip") { count precision }
      recent: customersCount(query: "updated_at:>='2025-01-14T00:00:00Z'") { count }
      late: ordersCount(query: "processed_at:>=2025-01-30") { count }
    }`);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data).toEqual({
      customersCount: { count: 6, precision: "EXACT" },
      ordersCount: { count: 12, precision: "EXACT" },
      productsCount: { count: 1, precision: "EXACT" },
      vip: { count: 3, precision: "EXACT" },
      // updatedAt of customer i is day 10 + i: 2025-01-14 is customer 3's day
      recent: { count: 4 },
      // processedAt of order n is day 20 + n: 2025-01-30 is order 9's day
      late: { count: 4 },
    });
    // a Count is one object: cost 1 each
    expect(r.body.extensions?.cost.requestedQueryCost).toBe(6);
  });

  it("stops at the limit (10,000 unless asked) and says AT_LEAST; null counts everything", async () => {
    const { gql } = await start();
    const r = await gql(`{ a: customersCount(limit: 4) { count precision } b: customersCount(limit: 6) { count precision } c: customersCount(limit: null) { count precision } }`);
    expect(r.body.data).toEqual({ a: { count: 4, precision: "AT_LEAST" }, b: { count: 6, precision: "EXACT" }, c: { count: 6, precision: "EXACT" } });
    expect(countOf(10_001, undefined)).toEqual({ count: 10_001, precision: "EXACT" });
    expect(countOf(10_001, 10_000)).toEqual({ count: 10_000, precision: "AT_LEAST" });
    const negative = await gql(`{ customersCount(limit: -1) { count } }`);
    expect(negative.body.errors?.[0]?.message).toMatch(/limit/);
  });

  it("follow the merchant's changes: deleted records are no longer counted", async () => {
    const { s, gql } = await start();
    s.actions.deleteCustomer("tiny.myshopify.com", "7000000001");
    s.actions.deleteOrder("tiny.myshopify.com", "5000000001");
    s.actions.deleteProduct("tiny.myshopify.com", "8000000001");
    const r = await gql(`{ customersCount { count } ordersCount { count } productsCount { count } }`);
    expect(r.body.data).toEqual({ customersCount: { count: 5 }, ordersCount: { count: 11 }, productsCount: { count: 0 } });
  });
});
