/** The editor's resource routes: POST /app/segments/count and GET /app/segments/suggestions. */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));

const { adminRequest, installTestShop } = await import("../../test/app/test-app");
const count = await import("./app.segments.count");
const suggestions = await import("./app.segments.suggestions");

const SHOP = "segments-resources-a.myshopify.com";
const OTHER = "segments-resources-b.myshopify.com";
const NOW = new Date();

beforeAll(async () => {
  const db = ctx.store.db;
  const shop = await installTestShop(ctx, SHOP);
  const other = await installTestShop(ctx, OTHER);
  const customers = [
    { shopId: shop.id, first: "Anna", spent: 20_000n, tags: ["VIP"] },
    { shopId: shop.id, first: "Bram", spent: 4_000n, tags: ["Newsletter", "VIP-gold"] },
    { shopId: shop.id, first: "Cas", spent: 0n, tags: [] },
    { shopId: other.id, first: "Zoë", spent: 90_000n, tags: ["VIP", "Wholesale"] },
  ];
  for (const [i, c] of customers.entries()) {
    await db.customer.create({
      data: {
        shopId: c.shopId,
        shopifyId: String(i + 1),
        firstName: c.first,
        email: `${c.first.toLowerCase()}@example.com`,
        amountSpentMinor: c.spent,
        numberOfOrders: c.spent > 0n ? 1 : 0,
        shopifyCreatedAt: NOW,
        shopifyUpdatedAt: NOW,
        tags: { create: c.tags.map((tag) => ({ shopId: c.shopId, tag, normalized: tag.toLowerCase() })) },
      },
    });
  }
});
afterAll(() => ctx.store.drop());

/** A route's answer as status and body, whether it returned data(), a plain object, or threw a Response. */
async function answer(run: () => Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    const result = await run();
    if (result && typeof result === "object" && "type" in result && result.type === "DataWithResponseInit") {
      const { data, init } = result as unknown as { data: unknown; init: ResponseInit | null };
      return { status: init?.status ?? 200, body: data };
    }
    return { status: 200, body: result };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, body: await thrown.text() };
    throw thrown;
  }
}

const countFor = (fields: Record<string, string>, shop = SHOP) =>
  answer(async () => count.action({ request: await adminRequest(ctx, "/app/segments/count", shop, { method: "POST", body: new URLSearchParams(fields) }), params: {}, context: {} }));
const suggest = (search: string, shop = SHOP) => answer(async () => suggestions.loader({ request: await adminRequest(ctx, `/app/segments/suggestions${search}`, shop), params: {}, context: {} }));

describe("POST /app/segments/count", () => {
  it("counts the session's shop's customers and shows the first members, biggest spenders first", async () => {
    const { status, body } = await countFor({ query: "amount_spent > 10" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, count: 2, preview: [{ name: "Anna", email: "anna@example.com", orders: 1, amountSpentMinor: "20000", lastOrderAt: null }, { name: "Bram" }] });
    expect((body as { milliseconds: number }).milliseconds).toBeGreaterThanOrEqual(0);
    expect(await countFor({ query: "customer_tags CONTAINS 'vip'" }, OTHER)).toMatchObject({ status: 200, body: { ok: true, count: 1, preview: [{ name: "Zoë" }] } });
    // the answer travels as JSON
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  });

  it("answers a query with problems as a normal answer: 200, ok false, each problem at its place", async () => {
    expect(await countFor({ query: "amount_spend > 10" })).toEqual({
      status: 200,
      body: { ok: false, problems: [{ message: "unknown filter amount_spend", line: 1, column: 1, start: 0, end: 12, suggestion: "did you mean amount_spent?", replacement: "amount_spent" }] },
    });
    expect(await countFor({ query: "" })).toMatchObject({ status: 200, body: { ok: false, problems: [{ message: "the query is empty", line: 1, column: 1 }] } });
  });

  it("answers the problems in the language the form names, else the request's", async () => {
    const dutch = { ok: false, problems: [{ message: "onbekend filter amount_spend", line: 1, column: 1, start: 0, end: 12, suggestion: "misschien amount_spent?", replacement: "amount_spent" }] };
    expect(await countFor({ query: "amount_spend > 10", locale: "nl" })).toEqual({ status: 200, body: dutch });
    // a language the admin does not have: the request's (no ?locale=, no Accept-Language: English)
    expect(await countFor({ query: "amount_spend > 10", locale: "fr" })).toMatchObject({ status: 200, body: { problems: [{ message: "unknown filter amount_spend" }] } });
  });

  it("answers 400 without a query or with one over 10,000 characters, and has no GET", async () => {
    expect((await countFor({})).status).toBe(400);
    expect((await countFor({ query: `amount_spent > ${"9".repeat(10_000)}` })).status).toBe(400);
    expect("loader" in count).toBe(false);
  });

  it("refuses a request without a session token", async () => {
    const request = new Request(new URL("/app/segments/count", ctx.appUrl), { method: "POST", body: new URLSearchParams({ query: "amount_spent > 1" }) });
    const { status } = await answer(() => count.action({ request, params: {}, context: {} }));
    expect(status).not.toBe(200);
  });
});

describe("GET /app/segments/suggestions", () => {
  it("suggests the session's shop's values for a filter", async () => {
    expect(await suggest("?filter=customer_tags&q=vip")).toEqual({
      status: 200,
      body: {
        filter: "customer_tags",
        suggestions: [
          { value: "VIP", label: "VIP" },
          { value: "VIP-gold", label: "VIP-gold" },
        ],
      },
    });
    expect(await suggest("?filter=customer_tags&q=vip&limit=1")).toMatchObject({ body: { suggestions: [{ value: "VIP" }] } });
    expect(await suggest("?filter=customer_tags&q=wholesale")).toEqual({ status: 200, body: { filter: "customer_tags", suggestions: [] } });
    expect(await suggest("?filter=customer_tags&q=wholesale", OTHER)).toMatchObject({ body: { suggestions: [{ value: "Wholesale" }] } });
    expect(await suggest("?filter=rfm_group&q=champ&locale=nl")).toEqual({ status: 200, body: { filter: "rfm_group", suggestions: [{ value: "CHAMPIONS", label: "Kampioenen" }] } });
    // a known filter with nothing to suggest, a function parameter, a metafield the shop has not defined
    expect(await suggest("?filter=amount_spent&q=1")).toEqual({ status: 200, body: { filter: "amount_spent", suggestions: [] } });
    expect(await suggest("?filter=products_purchased.sku&q=x")).toEqual({ status: 200, body: { filter: "products_purchased.sku", suggestions: [] } });
    expect(await suggest("?filter=metafields.custom.pet&q=")).toEqual({ status: 200, body: { filter: "metafields.custom.pet", suggestions: [] } });
  });

  it("answers 400 for a filter the catalogue does not know, or bad parameters", async () => {
    for (const search of ["?filter=amount_spend&q=1", "?q=vip", "?filter=", "?filter=products_purchased.colour", "?filter=customer_tags.x", "?filter=metafields.custom", "?filter=customer_tags&limit=0", "?filter=customer_tags&limit=abc", `?filter=customer_tags&q=${"v".repeat(201)}`]) {
      const { status, body } = await suggest(search);
      expect(status, search).toBe(400);
      expect(body, search).toMatchObject({ error: "bad suggestion request" });
    }
  });
});
