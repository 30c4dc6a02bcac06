import { afterAll, describe, expect, it, vi } from "vitest";

const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));

const { adminRequest, installTestShop } = await import("../../test/app/test-app");
const { loader } = await import("./app._index");
const { loader: layoutLoader } = await import("./app");

const SHOP = "loader-test.myshopify.com";
afterAll(() => ctx.store.drop());

async function callLoader(request: Request) {
  try {
    return { data: await loader({ request, params: {}, context: {} }) };
  } catch (thrown) {
    if (thrown instanceof Response) return { response: thrown };
    throw thrown;
  }
}

describe("home loader", () => {
  it("authenticates a session token and reads the shop's state from the store", async () => {
    const shop = await installTestShop(ctx, SHOP, "Loader Test Shop");
    const now = new Date();
    await ctx.store.db.customer.createMany({
      data: [1, 2, 3].map((n) => ({ shopId: shop.id, shopifyId: String(n), shopifyCreatedAt: now, shopifyUpdatedAt: now })),
    });
    await ctx.store.db.order.create({
      data: { shopId: shop.id, shopifyId: "900", currencyCode: "EUR", subtotalMinor: 500n, totalMinor: 500n, discountCodes: [], processedAt: now, shopifyCreatedAt: now, shopifyUpdatedAt: now },
    });
    // another shop's rows must not be counted
    const other = await installTestShop(ctx, "other-shop.myshopify.com");
    await ctx.store.db.customer.create({ data: { shopId: other.id, shopifyId: "1", shopifyCreatedAt: now, shopifyUpdatedAt: now } });

    const { data } = await callLoader(await adminRequest(ctx, "/app", SHOP));
    expect(data?.overview).toMatchObject({ name: "Loader Test Shop", domain: SHOP, customers: 3, orders: 1, segments: 0, currencyCode: "EUR" });
    expect(data?.overview?.sync.state).toBe("NEVER");
  });

  it("refuses a session token signed with another secret", async () => {
    const forged = await (await import("~/services/demo.server")).mintSessionToken({ apiKey: ctx.apiKey, apiSecret: "not-the-secret", shop: SHOP });
    const { response } = await callLoader(new Request(new URL("/app", ctx.appUrl), { headers: { Authorization: `Bearer ${forged}` } }));
    expect(response?.status).toBe(401);
  });

  it("does not serve a request without a session token", async () => {
    const { data, response } = await callLoader(new Request(new URL("/app", ctx.appUrl)));
    expect(data).toBeUndefined();
    expect(response?.status).not.toBe(200);
  });

  it("gives the layout the API key and, outside the demo, Shopify's own App Bridge", async () => {
    const data = await layoutLoader({ request: await adminRequest(ctx, "/app?locale=nl-NL", SHOP), params: {}, context: {} });
    expect(data).toEqual({ apiKey: ctx.apiKey, locale: "nl", appBridgeUrl: undefined });
  });
});
