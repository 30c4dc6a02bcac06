import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { insertRows, TABLES } from "./bulk-insert.server";

const kinds = await storeKinds();

describe.each(kinds)("multi-row insert on %s", (kind) => {
  let store: TestStore;
  let shopId: number;
  beforeAll(async () => {
    store = await freshStore(kind);
    shopId = (await store.db.shop.create({ data: { domain: `bulk-${kind}.myshopify.com`, name: "Bulk" } })).id;
  });
  afterAll(() => store.drop());

  it("writes rows that read back through Prisma exactly like its own", async () => {
    const when = new Date("2026-03-04T05:06:07.089Z");
    const [row] = await insertRows(
      store.db,
      kind,
      "Order",
      TABLES.Order,
      [{ shopId, shopifyId: "1", name: "#1", currencyCode: "EUR", subtotalMinor: 9_007_199_254_740_993n, totalDiscountsMinor: 0n, totalShippingMinor: 0n, totalTaxMinor: 0n,
         totalMinor: 1999n, totalRefundedMinor: 0n, discountCodes: ["A", "B"], hasDiscountCode: true, financialStatus: "PARTIALLY_REFUNDED", test: false,
         processedAt: when, shopifyCreatedAt: when, shopifyUpdatedAt: when, createdAt: when, updatedAt: when }],
      { returning: ["id"] },
    );
    const order = await store.db.order.findFirstOrThrow({ where: { shopId, id: Number(row?.id) } });
    expect(order).toMatchObject({ subtotalMinor: 9_007_199_254_740_993n, discountCodes: ["A", "B"], hasDiscountCode: true, test: false, financialStatus: "PARTIALLY_REFUNDED", processedAt: when, cancelledAt: null, customerId: null });
    // and Prisma's own comparisons see the same instant
    expect(await store.db.order.count({ where: { shopId, processedAt: { gte: when, lte: when } } })).toBe(1);
  });

  it("splits a large batch into statements and leaves conflicting rows out only when asked", async () => {
    const now = new Date();
    const customers = Array.from({ length: 2_500 }, (_, i) => ({ shopId, shopifyId: String(i), accountState: "ENABLED", verifiedEmail: i % 2 === 0, emailMarketingState: "NOT_SUBSCRIBED", smsMarketingState: "NOT_SUBSCRIBED", detailsStale: false, shopifyCreatedAt: now, shopifyUpdatedAt: now, createdAt: now, updatedAt: now }));
    const inserted = await insertRows(store.db, kind, "Customer", TABLES.Customer, customers, { returning: ["id", "shopifyId"] });
    expect(inserted).toHaveLength(2_500);
    expect(await store.db.customer.count({ where: { shopId, verifiedEmail: true } })).toBe(1_250);
    const again = await insertRows(store.db, kind, "Customer", TABLES.Customer, customers.slice(0, 10), { ignoreConflicts: true, returning: ["id"] });
    expect(again).toEqual([]);
    await expect(insertRows(store.db, kind, "Customer", TABLES.Customer, customers.slice(0, 1))).rejects.toThrow();
    // a NOT NULL column left out is an error, not a row silently dropped
    await expect(insertRows(store.db, kind, "Customer", TABLES.Customer, [{ shopId, shopifyId: "x" }], { ignoreConflicts: true })).rejects.toThrow();
  });
});
