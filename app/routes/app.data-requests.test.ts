import { afterAll, describe, expect, it, vi } from "vitest";

const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));

const { adminRequest, installTestShop } = await import("../../test/app/test-app");
const { loader } = await import("./app.data-requests.$id");

afterAll(() => ctx.store.drop());

async function download(shop: string, id: string) {
  try {
    return await loader({ request: await adminRequest(ctx, `/app/data-requests/${id}`, shop), params: { id }, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe("data request download", () => {
  it("serves a shop its own report as a JSON attachment and nobody else's", async () => {
    const mine = await installTestShop(ctx, "privacy-a.myshopify.com");
    await installTestShop(ctx, "privacy-b.myshopify.com");
    const row = await ctx.store.db.customerDataRequest.create({
      data: { shopId: mine.id, customerShopifyId: "7", ordersRequested: [], requestedAt: new Date(), assembledAt: new Date(), report: JSON.stringify({ customerFound: true }) },
    });
    const response = await download("privacy-a.myshopify.com", String(row.id));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain(`customer-data-request-${row.id}.json`);
    expect(await response.json()).toEqual({ customerFound: true });
    expect((await download("privacy-b.myshopify.com", String(row.id))).status).toBe(404);
    expect((await download("privacy-a.myshopify.com", "999999")).status).toBe(404);
    expect((await download("privacy-a.myshopify.com", "not-a-number")).status).toBe(404);
  });
});
