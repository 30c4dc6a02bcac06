import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { getCustomerProfile, PROFILE_ORDERS } from "./customer-profile.server";

const kinds = await storeKinds();

describe.each(kinds)("customer profile on %s", (kind) => {
  let store: TestStore;
  let shopId: number;
  let customerId: number;
  let otherCustomerId: number;
  const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n, 12));

  beforeAll(async () => {
    store = await freshStore(kind);
    shopId = (await store.db.shop.create({ data: { domain: "profile.myshopify.com", name: "Profile", currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam", clvHorizonMonths: 24 } })).id;
    const otherShopId = (await store.db.shop.create({ data: { domain: "other.myshopify.com", name: "Other" } })).id;
    const customer = await store.db.customer.create({
      data: {
        shopId,
        shopifyId: "501",
        firstName: "Anna",
        lastName: "de Vries",
        email: "anna@example.nl",
        phone: "+31612345678",
        shopifyCreatedAt: day(0),
        shopifyUpdatedAt: day(0),
        numberOfOrders: 12,
        amountSpentMinor: 60000n,
        predictedSpendTier: "HIGH",
        rfmGroup: "LOYAL",
        predictedSpend12mMinor: 7413n,
        predictedClvMinor: 15020n,
        expectedOrders12m: 1.83,
        churnProbability: 0.18,
        expectedNextOrderAt: day(80),
        predictedAt: day(30),
        tags: { create: [{ shopId, tag: "VIP", normalized: "vip" }, { shopId, tag: "newsletter", normalized: "newsletter" }] },
      },
    });
    customerId = customer.id;
    for (let n = 1; n <= 12; n++) {
      await store.db.order.create({
        data: {
          shopId,
          shopifyId: `o${n}`,
          name: `#10${String(n).padStart(2, "0")}`,
          customerId,
          currencyCode: "EUR",
          subtotalMinor: 5000n,
          totalMinor: 5000n + BigInt(n),
          discountCodes: [],
          financialStatus: "PAID",
          cancelledAt: n === 12 ? day(n + 1) : null,
          processedAt: day(n),
          shopifyCreatedAt: day(n),
          shopifyUpdatedAt: day(n),
        },
      });
    }
    const vip = await store.db.segment.create({ data: { shopId, name: "VIPs", handle: "vips", query: "customer_tags CONTAINS 'vip'" } });
    const loyal = await store.db.segment.create({ data: { shopId, name: "Loyal", handle: "loyal", query: "rfm_group = 'LOYAL'" } });
    await store.db.segmentMember.createMany({
      data: [
        { shopId, segmentId: vip.id, customerId, joinedAt: day(3) },
        { shopId, segmentId: loyal.id, customerId, joinedAt: day(31) },
      ],
    });
    await store.db.predictionRun.create({ data: { shopId, reason: "sync", status: "FITTED", asOf: day(30), startedAt: day(30), finishedAt: day(30), customers: 1, repeatBuyers: 1 } });
    otherCustomerId = (await store.db.customer.create({ data: { shopId: otherShopId, shopifyId: "501", shopifyCreatedAt: day(0), shopifyUpdatedAt: day(0) } })).id;
  });
  afterAll(() => store.drop());

  it("reads the customer's profile, newest orders, segments and predictions", async () => {
    const profile = await getCustomerProfile(store.db, { shop: "profile.myshopify.com", customerId });
    expect(profile?.shop).toEqual({ currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam", clvHorizonMonths: 24 });
    expect(profile?.customer).toMatchObject({ id: customerId, shopifyId: "501", firstName: "Anna", email: "anna@example.nl", phone: "+31612345678", tags: ["newsletter", "VIP"], redactedAt: null });
    expect(profile?.orders).toHaveLength(PROFILE_ORDERS);
    expect(profile?.orders.map((order) => order.name)).toEqual(["#1012", "#1011", "#1010", "#1009", "#1008", "#1007", "#1006", "#1005", "#1004", "#1003"]);
    expect(profile?.orders[0]).toMatchObject({ totalMinor: 5012n, currencyCode: "EUR", financialStatus: "PAID", cancelledAt: day(13) });
    expect(profile?.segments).toEqual([
      { id: expect.any(String), name: "Loyal", joinedAt: day(31) },
      { id: expect.any(String), name: "VIPs", joinedAt: day(3) },
    ]);
    expect(profile?.prediction).toEqual({
      numberOfOrders: 12,
      predictedAt: day(30),
      predictedSpendTier: "HIGH",
      rfmGroup: "LOYAL",
      predictedSpend12mMinor: 7413n,
      predictedClvMinor: 15020n,
      expectedOrders12m: 1.83,
      churnProbability: 0.18,
      expectedNextOrderAt: day(80),
    });
    expect(profile?.predictionRun).toEqual({ status: "FITTED", finishedAt: day(30), asOf: day(30) });
  });

  it("does not find another shop's customer, an unknown id, or a shop not installed", async () => {
    expect(await getCustomerProfile(store.db, { shop: "profile.myshopify.com", customerId: otherCustomerId })).toBeNull();
    expect(await getCustomerProfile(store.db, { shop: "profile.myshopify.com", customerId: 999_999 })).toBeNull();
    expect(await getCustomerProfile(store.db, { shop: "nowhere.myshopify.com", customerId })).toBeNull();
    expect(await getCustomerProfile(store.db, { shop: "other.myshopify.com", customerId: otherCustomerId })).toMatchObject({ orders: [], segments: [], predictionRun: null });
  });
});
