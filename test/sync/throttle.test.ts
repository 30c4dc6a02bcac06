/**
 * Proof: with the shop's cost bucket nearly empty and small, and 30% of Admin API requests
 * answered 429 or 5xx, the initial sync still completes with the exact shop — and the stand-in's
 * own accounting shows the client never asked for more than the bucket held.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminStandIn, type AdminStandIn, type CostRecord } from "../shopify/admin";
import { freshStore, storeKinds, type TestStore } from "../store/harness";
import { datasetCounts, demoShopSlice, duplicateKeys, storeCounts } from "./support";
import { createAdminClient, type AdminClientEvent } from "~/shopify/admin-client.server";
import { runSync, startSyncRun } from "~/sync/bulk-import.server";

const kinds = await storeKinds();
/** big enough for the sync's dearest query (the 10 latest bulk operations: 12 points), little more */
const LIMITS = { maximumAvailable: 30, restoreRate: 10 };

let standIn: AdminStandIn;
const costs = new Map<string, CostRecord[]>();
beforeAll(async () => {
  standIn = await startAdminStandIn({ onCost: (domain, record) => costs.set(domain, [...(costs.get(domain) ?? []), record]) });
});
afterAll(() => standIn.close());

describe.each(kinds)("the sync under throttling and faults, into %s", (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(kind);
  });
  afterAll(() => store.drop());

  it("completes exactly, and never overdraws the shop's bucket", async () => {
    const domain = `throttled-${kind}.myshopify.com`;
    const data = demoShopSlice({ customers: 40, domain });
    const remote = standIn.addShop(data, `token-${kind}`, LIMITS);
    standIn.faults.fraction(
      0.3,
      [
        { kind: "status", status: 429, retryAfterSeconds: 0.2 },
        { kind: "status", status: 500 },
        { kind: "status", status: 502 },
        { kind: "status", status: 503 },
      ],
      kind === "sqlite" ? 7 : 8,
    );
    const servedBefore = standIn.faults.served;
    const events: AdminClientEvent[] = [];
    const shop = await store.db.shop.create({ data: { domain, name: data.shop.name, currencyCode: data.shop.currencyCode } });
    const run = await startSyncRun(store.db, shop.id, "install");
    // nearly empty as the sync starts: another app instance spent it
    remote.bucket.available = 1;
    remote.bucket.updatedAtMs = Date.now();
    try {
      const done = await runSync(
        {
          db: store.db,
          kind,
          // Shopify's retry advice, with backoff kept short for a test; enough attempts that 30% faults never exhaust them
          adminFor: async (shopDomain) =>
            createAdminClient({ shop: shopDomain, accessToken: `token-${kind}`, apiVersion: "2026-10", origin: standIn.url, retry: { maxAttempts: 12, baseDelayMs: 20, maxDelayMs: 200 }, onEvent: (e) => events.push(e) }),
          now: () => new Date(),
        },
        { shopId: shop.id, runId: run.id, tuning: { batchLines: 100, firstPollMs: 50, maxPollMs: 300, watchMs: 25 } },
      );
      expect(done.state).toBe("SUCCEEDED");
    } finally {
      standIn.faults.clear();
    }

    // the shop, exactly
    expect(await storeCounts(store.db, shop.id)).toEqual(datasetCounts(data));
    expect(Object.values(await duplicateKeys(store.db, kind, shop.id)).every((n) => n === 0)).toBe(true);

    // the faults were real, and every one was retried
    const served = standIn.faults.served - servedBefore;
    expect(served).toBeGreaterThan(3);
    expect(events.filter((e) => e.type === "retry").length).toBeGreaterThanOrEqual(served);

    // the stand-in's accounting: every query that ran found the bucket holding its cost, it never went below zero,
    // and only the very first request (sent before any answer said how full the bucket was) could be THROTTLED
    const records = costs.get(domain) ?? [];
    const executed = records.filter((r) => !r.throttled);
    // at least the counts, then per phase: the latest bulk operations, the start, a poll
    expect(executed.length).toBeGreaterThanOrEqual(1 + 3 * 3);
    expect(executed.every((r) => r.availableBefore >= r.requestedQueryCost)).toBe(true);
    expect(remote.usage.lowestAvailable).toBeGreaterThanOrEqual(0);
    expect(records.flatMap((r, i) => (r.throttled ? [i] : [])).filter((i) => i > 0)).toEqual([]);
    // and it did run on an almost empty bucket, spending more than the bucket ever held
    expect(remote.usage.lowestAvailable).toBeLessThan(LIMITS.maximumAvailable / 2);
    expect(remote.usage.charged).toBeGreaterThan(LIMITS.maximumAvailable);
    console.info(`${kind}: ${executed.length} queries ran, ${served} faults retried, ${remote.usage.charged} points charged, the bucket at ${remote.usage.lowestAvailable} at its lowest`);
  }, 60_000);
});
