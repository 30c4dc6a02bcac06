import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, storeKinds, type TestStore } from "./harness";

const kinds = await storeKinds();

describe.each(kinds)("store on %s", (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(kind);
  });
  afterAll(() => store.drop());

  it("keeps money as exact integers beyond 2^53 and JSON lists as given", async () => {
    const { db } = store;
    const shop = await db.shop.create({ data: { domain: `money-${kind}.myshopify.com`, name: "Money" } });
    const huge = 9_007_199_254_740_993n; // 2^53 + 1: a float would round it
    const customer = await db.customer.create({
      data: { shopId: shop.id, shopifyId: "1", shopifyCreatedAt: new Date(), shopifyUpdatedAt: new Date(), amountSpentMinor: huge },
    });
    const order = await db.order.create({
      data: {
        shopId: shop.id, shopifyId: "10", customerId: customer.id, currencyCode: "USD", subtotalMinor: 1999n, totalMinor: 1999n,
        discountCodes: ["WELCOME10", "VIP20"], processedAt: new Date(), shopifyCreatedAt: new Date(), shopifyUpdatedAt: new Date(),
      },
    });
    expect((await db.customer.findFirstOrThrow({ where: { shopId: shop.id, id: customer.id } })).amountSpentMinor).toBe(huge);
    expect((await db.order.findFirstOrThrow({ where: { shopId: shop.id, id: order.id } })).discountCodes).toEqual(["WELCOME10", "VIP20"]);
  });

  it("refuses a second customer with the same Shopify id in one shop, allows it in another", async () => {
    const { db } = store;
    const [a, b] = await Promise.all([
      db.shop.create({ data: { domain: `a-${kind}.myshopify.com`, name: "A" } }),
      db.shop.create({ data: { domain: `b-${kind}.myshopify.com`, name: "B" } }),
    ]);
    const row = (shopId: number) => ({ shopId, shopifyId: "42", shopifyCreatedAt: new Date(), shopifyUpdatedAt: new Date() });
    await db.customer.create({ data: row(a.id) });
    await db.customer.create({ data: row(b.id) });
    await expect(db.customer.create({ data: row(a.id) })).rejects.toThrow(/Unique constraint/);
  });

  it("deletes a shop's rows with the shop", async () => {
    const { db } = store;
    const shop = await db.shop.create({ data: { domain: `gone-${kind}.myshopify.com`, name: "Gone" } });
    const customer = await db.customer.create({
      data: {
        shopId: shop.id, shopifyId: "7", shopifyCreatedAt: new Date(), shopifyUpdatedAt: new Date(),
        tags: { create: [{ shopId: shop.id, tag: "VIP", normalized: "vip" }] },
      },
    });
    await db.segment.create({ data: { shopId: shop.id, name: "All", handle: "all", query: "number_of_orders >= 0", members: { create: [{ shopId: shop.id, customerId: customer.id }] } } });
    await db.shop.delete({ where: { id: shop.id } });
    expect(await db.customerTag.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await db.segmentMember.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await db.customer.count({ where: { shopId: shop.id } })).toBe(0);
  });
});
