import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { recomputeCustomerStats } from "./customer-stats.server";

const kinds = await storeKinds();

describe.each(kinds)("derived customer stats on %s", (kind) => {
  let store: TestStore;
  let shopId: number;
  let otherShopId: number;
  const ids: Record<string, number> = {};

  const order = (customerId: number | null, n: number, at: string, total: bigint, extra: Record<string, unknown> = {}) =>
    store.db.order.create({
      data: {
        shopId,
        shopifyId: `o${n}`,
        customerId,
        currencyCode: "EUR",
        subtotalMinor: total,
        totalMinor: total,
        discountCodes: [],
        processedAt: new Date(at),
        shopifyCreatedAt: new Date(at),
        shopifyUpdatedAt: new Date(at),
        financialStatus: "PAID",
        ...extra,
      },
    });

  beforeAll(async () => {
    store = await freshStore(kind);
    shopId = (await store.db.shop.create({ data: { domain: "stats.myshopify.com", name: "Stats" } })).id;
    otherShopId = (await store.db.shop.create({ data: { domain: "other.myshopify.com", name: "Other" } })).id;
    const now = new Date("2026-01-01T00:00:00Z");
    for (const name of ["ann", "bob", "cy"]) {
      ids[name] = (await store.db.customer.create({ data: { shopId, shopifyId: name, shopifyCreatedAt: now, shopifyUpdatedAt: now } })).id;
    }
    ids.other = (await store.db.customer.create({ data: { shopId: otherShopId, shopifyId: "x", shopifyCreatedAt: now, shopifyUpdatedAt: now, numberOfOrders: 7 } })).id;
    await order(ids.ann!, 1, "2025-01-10T10:00:00Z", 10000n, { hasDiscountCode: true });
    await order(ids.ann!, 2, "2025-03-10T10:00:00Z", 5000n, { totalRefundedMinor: 1000n, financialStatus: "PARTIALLY_REFUNDED" });
    await order(ids.ann!, 3, "2025-06-10T10:00:00Z", 3000n, { financialStatus: "PENDING" });
    await order(ids.ann!, 4, "2025-07-10T10:00:00Z", 99999n, { cancelledAt: new Date("2025-07-11T00:00:00Z") });
    await order(ids.ann!, 5, "2025-08-10T10:00:00Z", 88888n, { test: true });
    await order(ids.bob!, 6, "2025-02-01T10:00:00Z", 2500n);
    await order(null, 7, "2025-02-01T10:00:00Z", 7000n);
    await store.db.abandonedCheckout.create({
      data: { shopId, shopifyId: "k1", customerId: ids.cy!, currencyCode: "EUR", totalMinor: 100n, shopifyCreatedAt: new Date("2025-09-01T00:00:00Z"), shopifyUpdatedAt: new Date() },
    });
    await store.db.abandonedCheckout.create({
      data: { shopId, shopifyId: "k2", customerId: ids.cy!, currencyCode: "EUR", totalMinor: 100n, completedAt: new Date(), shopifyCreatedAt: new Date("2025-10-01T00:00:00Z"), shopifyUpdatedAt: new Date() },
    });
  });
  afterAll(() => store?.drop());

  const stats = (id: number) =>
    store.db.customer.findUniqueOrThrow({
      where: { id },
      select: {
        numberOfOrders: true,
        amountSpentMinor: true,
        amountPaidMinor: true,
        firstOrderAt: true,
        lastOrderAt: true,
        lastOrderAmountMinor: true,
        averageOrderValueMinor: true,
        discountOrderShare: true,
        lastAbandonedCheckoutAt: true,
      },
    });

  it("computes every derived column from counted orders, net of refunds", async () => {
    await recomputeCustomerStats(store.db, kind, shopId);
    expect(await stats(ids.ann!)).toEqual({
      numberOfOrders: 3,
      amountSpentMinor: 17000n, // 10000 + (5000 − 1000) + 3000; cancelled and test orders do not count
      amountPaidMinor: 14000n, // the pending order is not paid
      firstOrderAt: new Date("2025-01-10T10:00:00Z"),
      lastOrderAt: new Date("2025-06-10T10:00:00Z"),
      lastOrderAmountMinor: 3000n,
      averageOrderValueMinor: 5667n,
      discountOrderShare: 1 / 3,
      lastAbandonedCheckoutAt: null,
    });
    expect((await stats(ids.bob!)).numberOfOrders).toBe(1);
    expect(await stats(ids.cy!)).toMatchObject({ numberOfOrders: 0, amountSpentMinor: 0n, lastOrderAt: null, lastAbandonedCheckoutAt: new Date("2025-09-01T00:00:00Z") });
    // another shop's customer is never touched
    expect((await stats(ids.other!)).numberOfOrders).toBe(7);
  });

  it("recomputes only the customers named, and resets one left without counted orders", async () => {
    await store.db.order.deleteMany({ where: { shopId, customerId: ids.bob! } });
    await store.db.customer.update({ where: { id: ids.ann! }, data: { numberOfOrders: 42 } });
    await recomputeCustomerStats(store.db, kind, shopId, [ids.bob!]);
    expect(await stats(ids.bob!)).toMatchObject({ numberOfOrders: 0, amountSpentMinor: 0n, firstOrderAt: null, averageOrderValueMinor: null });
    expect((await stats(ids.ann!)).numberOfOrders).toBe(42);
    await recomputeCustomerStats(store.db, kind, shopId, [ids.ann!, ids.other!]);
    expect((await stats(ids.ann!)).numberOfOrders).toBe(3);
    expect((await stats(ids.other!)).numberOfOrders).toBe(7);
  });
});
