/**
 * Proof: the initial sync of a demo shop (a slice of the CDNOW shop) against the Shopify stand-in
 * queues a refit; run as the job, it fits the models and writes every customer's scores — equal to
 * what the models predict from the dataset itself (orders, refunds and time zone as Shopify has
 * them, not as the store holds them).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminStandIn, type AdminStandIn } from "../shopify/admin";
import type { ShopDataset } from "../shopify/dataset";
import { freshStore, storeKinds, type TestStore } from "../store/harness";
import { cents, DEMO_TODAY, demoShopSlice } from "./support";
import { claim } from "~/jobs/queue.server";
import { predictCustomers, SPEND_TIERS } from "~/predict/model";
import { RFM_GROUPS } from "~/predict/rfm";
import { dayNumber, summarizePurchases } from "~/predict/summarize";
import { PREDICTIONS_JOB, predictionsJobHandler, refitKey } from "~/services/predictions.server";
import { createAdminClient } from "~/shopify/admin-client.server";
import { latestPredictionRun } from "~/store/prediction-runs.server";
import { runSync, startSyncRun } from "~/sync/bulk-import.server";
import type { SyncDeps } from "~/sync/deps";

const kinds = await storeKinds();
const CUSTOMERS = 800;

let standIn: AdminStandIn;
beforeAll(async () => {
  standIn = await startAdminStandIn();
});
afterAll(() => standIn.close());

function shopDay(iso: string, timeZone: string): number {
  return dayNumber(new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso))) as number;
}

describe.each(kinds)("predictions after the initial sync on %s", (kind) => {
  let store: TestStore;
  let data: ShopDataset;
  let shopId: number;
  let deps: SyncDeps;

  beforeAll(async () => {
    store = await freshStore(kind);
    const domain = `cdnow-predictions-${kind}.myshopify.com`;
    data = demoShopSlice({ customers: CUSTOMERS, domain });
    standIn.addShop(data, `token-${kind}`);
    const shop = await store.db.shop.create({ data: { domain, name: data.shop.name, currencyCode: data.shop.currencyCode, ianaTimezone: data.shop.ianaTimezone } });
    shopId = shop.id;
    deps = {
      db: store.db,
      kind,
      adminFor: async (shopDomain) => createAdminClient({ shop: shopDomain, accessToken: `token-${kind}`, apiVersion: "2026-10", origin: standIn.url }),
      now: () => DEMO_TODAY,
    };
    const run = await startSyncRun(store.db, shopId, "install");
    expect((await runSync(deps, { shopId, runId: run.id, tuning: { firstPollMs: 50, watchMs: 20 } })).state).toBe("SUCCEEDED");
  }, 120_000);
  afterAll(() => store.drop());

  it("queues one refit when the import succeeds, and the refit scores every customer as the models say", async () => {
    const jobs = await store.db.job.findMany({ where: { kind: PREDICTIONS_JOB, shopId } });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ state: "QUEUED", payload: { shopId, reason: "sync" }, dedupeKey: refitKey(shopId) });

    // a second sync that finds the run done queues nothing more
    await runSync(deps, { shopId });
    expect(await store.db.job.count({ where: { kind: PREDICTIONS_JOB, shopId } })).toBe(1);

    const [job] = await claim(store.db, PREDICTIONS_JOB, { workerId: "test", leaseMs: 60_000 });
    await predictionsJobHandler(deps)(job!, new AbortController().signal);

    const timeZone = data.shop.ianaTimezone;
    const purchases = data.orders
      .filter((order) => order.customerId !== null && order.cancelledAt === null && !order.test)
      .map((order) => ({
        customerId: order.customerId as string,
        day: shopDay(order.processedAt, timeZone),
        amount: Number(cents(order.totalPrice) - order.refunds.reduce((sum, refund) => sum + cents(refund.totalRefunded), 0n)) / 100,
      }));
    const { customerIds, summaries } = summarizePurchases(purchases, shopDay(DEMO_TODAY.toISOString(), timeZone));
    const predictions = predictCustomers(summaries, { horizonDays: 365 });
    expect(predictions.status).toBe("fitted");

    const run = await latestPredictionRun(store.db, shopId);
    expect(run).toMatchObject({ status: "FITTED", reason: "sync", customers: predictions.customers, repeatBuyers: predictions.repeatBuyers });
    expect(run?.model?.bgnbd?.alpha).toBeCloseTo(predictions.bgnbd!.params.alpha, 6);
    console.info(`predictions (${kind}): ${predictions.customers} customers, ${predictions.repeatBuyers} repeat buyers, seconds ${JSON.stringify(run?.model?.seconds)}`);

    const stored = new Map(
      (
        await store.db.customer.findMany({
          where: { shopId },
          select: { shopifyId: true, predictedSpendTier: true, rfmGroup: true, predictedSpend12mMinor: true, predictedClvMinor: true, churnProbability: true, expectedOrders12m: true },
        })
      ).map((c) => [c.shopifyId, c]),
    );
    expect(stored.size).toBe(CUSTOMERS);
    customerIds.forEach((customerId, i) => {
      expect(stored.get(customerId)).toEqual({
        shopifyId: customerId,
        predictedSpendTier: SPEND_TIERS[predictions.tier[i]!],
        rfmGroup: RFM_GROUPS[predictions.rfm.group[i]!],
        predictedSpend12mMinor: BigInt(Math.round(predictions.predictedSpend[i]! * 100)),
        predictedClvMinor: BigInt(Math.round(predictions.clv[i]! * 100)),
        churnProbability: expect.closeTo(1 - predictions.pAlive[i]!, 12),
        expectedOrders12m: expect.closeTo(predictions.expectedPurchases[i]!, 12),
      });
    });
    const scored = new Set(customerIds);
    for (const [shopifyId, customer] of stored) if (!scored.has(shopifyId)) expect(customer.rfmGroup).toBe("PROSPECTS");
  });
});
