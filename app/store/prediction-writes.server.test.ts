import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { insertRows, TABLES } from "./bulk-insert.server";
import { PREDICTION_COLUMNS, purchaseHistory, writeCustomerScores, type CustomerScores } from "./prediction-writes.server";

const kinds = await storeKinds();
const NOW = new Date("2026-03-10T12:00:00.000Z");
let shops = 0;

/** A shop with `customers` customers; returns their ids in creation order. */
async function makeShop(db: Db, kind: TestStore["kind"], customers: number) {
  shops++;
  const shop = await db.shop.create({ data: { domain: `writes-${shops}.myshopify.com`, name: `Shop ${shops}` } });
  await insertRows(
    db,
    kind,
    "Customer",
    TABLES.Customer,
    Array.from({ length: customers }, (_, i) => ({
      shopId: shop.id,
      shopifyId: `c${i}`,
      accountState: "DISABLED",
      verifiedEmail: false,
      emailMarketingState: "NOT_SUBSCRIBED",
      smsMarketingState: "NOT_SUBSCRIBED",
      detailsStale: false,
      shopifyCreatedAt: NOW,
      shopifyUpdatedAt: NOW,
      createdAt: NOW,
      updatedAt: NOW,
    })),
  );
  const ids = (await db.customer.findMany({ where: { shopId: shop.id }, orderBy: { id: "asc" }, select: { id: true } })).map((c) => c.id);
  return { shopId: shop.id, ids };
}

let orders = 0;
function order(shopId: number, customerId: number | null, fields: { totalMinor?: bigint; refundedMinor?: bigint; at?: Date; cancelled?: boolean; test?: boolean } = {}) {
  orders++;
  const at = fields.at ?? NOW;
  return {
    shopId,
    shopifyId: `o${orders}`,
    customerId,
    currencyCode: "EUR",
    subtotalMinor: fields.totalMinor ?? 1000n,
    totalMinor: fields.totalMinor ?? 1000n,
    totalDiscountsMinor: 0n,
    totalShippingMinor: 0n,
    totalTaxMinor: 0n,
    totalRefundedMinor: fields.refundedMinor ?? 0n,
    discountCodes: [],
    hasDiscountCode: false,
    cancelledAt: fields.cancelled ? at : null,
    test: fields.test ?? false,
    processedAt: at,
    shopifyCreatedAt: at,
    shopifyUpdatedAt: at,
    createdAt: at,
    updatedAt: at,
  };
}

function scores(customerId: number, overrides: Partial<CustomerScores> = {}): CustomerScores {
  return {
    customerId,
    predictedSpendTier: "HIGH",
    rfmGroup: "CHAMPIONS",
    predictedSpend12mMinor: 12_345n,
    predictedClvMinor: 67_890n,
    expectedOrders12m: 1.75,
    churnProbability: 0.125,
    expectedNextOrderAt: new Date("2026-04-01T08:30:00.123Z"),
    predictedAt: NOW,
    ...overrides,
  };
}

describe.each(kinds)("prediction writes on %s", (kind) => {
  let store: TestStore;
  let db: Db;
  beforeAll(async () => {
    store = await freshStore(kind);
    db = store.db;
  });
  afterAll(() => store?.drop());

  it("reads the counted orders of the shop's customers a page of customers at a time, net of refunds", async () => {
    const { shopId, ids } = await makeShop(db, kind, 5);
    const other = await makeShop(db, kind, 1);
    const [a, b, c, d, e] = ids as [number, number, number, number, number];
    const day = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
    await insertRows(db, kind, "Order", TABLES.Order, [
      order(shopId, a, { totalMinor: 5000n, refundedMinor: 1500n, at: day(3) }),
      order(shopId, a, { totalMinor: 700n, at: day(1) }),
      order(shopId, b, { cancelled: true }),
      order(shopId, b, { test: true }),
      order(shopId, c, { totalMinor: 250n, at: day(10) }),
      order(shopId, null, { totalMinor: 999n }),
      order(shopId, e, { totalMinor: 100n, at: day(2) }),
      order(shopId, e, { totalMinor: 200n, at: day(2) }),
      order(shopId, e, { totalMinor: 300n, at: day(2) }),
      order(other.shopId, other.ids[0]!, { totalMinor: 4242n }),
    ]);
    const pages = [];
    for await (const page of purchaseHistory(db, kind, { shopId, customersPerPage: 2 })) pages.push(page);
    // customers a–b, c–d, e: three pages, each customer's orders in one, customers without orders too
    expect(pages.map((page) => page.customerIds)).toEqual([[a, b], [c, d], [e]]);
    const sorted = (rows: { customerId: number; processedAt: number; amountMinor: number }[]) =>
      [...rows].sort((x, y) => x.customerId - y.customerId || x.processedAt - y.processedAt || x.amountMinor - y.amountMinor);
    expect(sorted(pages[0]!.purchases)).toEqual([
      { customerId: a, processedAt: day(3).getTime(), amountMinor: 3500 },
      { customerId: a, processedAt: day(1).getTime(), amountMinor: 700 },
    ]);
    expect(sorted(pages[1]!.purchases)).toEqual([{ customerId: c, processedAt: day(10).getTime(), amountMinor: 250 }]);
    expect(sorted(pages[2]!.purchases).map((row) => row.amountMinor)).toEqual([100, 200, 300]);
    expect(pages.flatMap((page) => page.purchases).some((row) => row.customerId === d || row.customerId === b)).toBe(false);

    const aborted = new AbortController();
    aborted.abort(new Error("lease lost"));
    await expect(purchaseHistory(db, kind, { shopId, signal: aborted.signal }).next()).rejects.toThrow("lease lost");
  });

  it("writes each customer's scores in batches, only for customers of the shop", async () => {
    const { shopId, ids } = await makeShop(db, kind, 1_900);
    const other = await makeShop(db, kind, 1);
    const otherId = other.ids[0]!;
    const rows = ids.map((id, i) =>
      i % 3 === 0
        ? scores(id, { predictedSpendTier: "LOW", rfmGroup: "DORMANT", predictedSpend12mMinor: BigInt(i), predictedClvMinor: null, expectedOrders12m: null, churnProbability: null, expectedNextOrderAt: null })
        : scores(id, { predictedSpend12mMinor: 9_007_199_254_740_993n, churnProbability: (i % 1_024) / 1_024 }),
    );
    const written = await writeCustomerScores(db, kind, shopId, [...rows, scores(otherId)]);
    expect(written).toBe(1_900);
    const stored = await db.customer.findMany({ where: { shopId }, orderBy: { id: "asc" }, select: { id: true, ...PREDICTION_COLUMNS } });
    expect(stored.map(({ id, ...columns }) => ({ customerId: id, ...columns }))).toEqual(rows);
    expect(await db.customer.findUniqueOrThrow({ where: { id: otherId }, select: PREDICTION_COLUMNS })).toEqual({
      predictedSpendTier: null,
      rfmGroup: null,
      predictedSpend12mMinor: null,
      predictedClvMinor: null,
      expectedOrders12m: null,
      churnProbability: null,
      expectedNextOrderAt: null,
      predictedAt: null,
    });
  });

  it("leaves rows that already hold their values alone, so prospects are not rewritten every night", async () => {
    const { shopId, ids } = await makeShop(db, kind, 3);
    const [scored, gone, fresh] = ids as [number, number, number];
    const prospect = (customerId: number): CustomerScores => ({
      customerId,
      predictedSpendTier: null,
      rfmGroup: "PROSPECTS",
      predictedSpend12mMinor: null,
      predictedClvMinor: null,
      expectedOrders12m: null,
      churnProbability: null,
      expectedNextOrderAt: null,
      predictedAt: null,
    });
    expect(await writeCustomerScores(db, kind, shopId, [scores(scored), scores(gone)])).toBe(2);
    // a customer who lost their orders and one never scored become prospects; the same again changes nothing
    expect(await writeCustomerScores(db, kind, shopId, [prospect(gone), prospect(fresh)])).toBe(2);
    expect(await writeCustomerScores(db, kind, shopId, [prospect(gone), prospect(fresh)])).toBe(0);
    expect(await writeCustomerScores(db, kind, shopId, [scores(scored)])).toBe(0);
    expect(await writeCustomerScores(db, kind, shopId, [scores(scored, { predictedAt: new Date(NOW.getTime() + 1) })])).toBe(1);
    const { customerId: _, ...emptied } = prospect(gone);
    expect(await db.customer.findUniqueOrThrow({ where: { id: gone }, select: PREDICTION_COLUMNS })).toEqual(emptied);
    expect(await db.customer.findUniqueOrThrow({ where: { id: fresh }, select: PREDICTION_COLUMNS })).toEqual(emptied);
  });
});
