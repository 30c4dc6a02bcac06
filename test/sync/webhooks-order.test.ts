/**
 * Order safety, for every arrival order: versions of an order (and maybe its deletion) delivered
 * shuffled, some twice, leave the store holding the newest version — or nothing, once deleted —
 * and the buyer's stats and membership agree with it. A fast-check property on both stores.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client";
import type { SyncDeps } from "~/sync/deps";
import { WEBHOOK_JOB, webhookJobHandler } from "~/sync/inbox.server";
import type { DatasetOrder } from "../shopify/dataset";
import { lookups, order } from "../shopify/webhooks/fixtures";
import { orderDeletePayload, orderPayload } from "../shopify/webhooks/payloads";
import { freshStore, storeKinds, type TestStore } from "../store/harness";
import { deliver, runJobsUntilIdle } from "./webhooks-harness";

const kinds = await storeKinds();
const FINANCIAL = ["PAID", "PENDING", "REFUNDED", "PARTIALLY_PAID"] as const;

interface Version {
  email: string;
  financialStatus: (typeof FINANCIAL)[number];
  cancelled: boolean;
}

const version = fc.record({ email: fc.constantFrom("a@example.com", "b@example.com", "c@example.com"), financialStatus: fc.constantFrom(...FINANCIAL), cancelled: fc.boolean() });
const scenario = fc.record({
  versions: fc.array(version, { minLength: 1, maxLength: 4 }),
  deleted: fc.boolean(),
  // a permutation key and a duplicate flag per delivery
  arrival: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { minLength: 5, maxLength: 5 }),
});

describe.each(kinds)("order safety on %s", (kind) => {
  let store: TestStore;
  let db: Db;
  let deps: SyncDeps;
  let shops = 0;

  beforeAll(async () => {
    store = await freshStore(kind);
    db = store.db;
    deps = { db, kind, now: () => new Date(), adminFor: () => Promise.reject(new Error("not used")) };
  });
  afterAll(() => store.drop());

  it("any arrival order of an order's versions leaves the newest (or its deletion), with stats and membership to match", async () => {
    const handlers = { [WEBHOOK_JOB]: webhookJobHandler(deps, { refreshDelayMs: 0 }) };
    await fc.assert(
      fc.asyncProperty(scenario, async ({ versions, deleted, arrival }) => {
        shops += 1;
        const domain = `order-safety-${shops}.myshopify.com`;
        const shop = await db.shop.create({ data: { domain, name: "Order safety", currencyCode: "EUR" } });
        const buyers = await db.segment.create({ data: { shopId: shop.id, name: "Buyers", handle: "buyers", query: "number_of_orders >= 1" } });
        const base = Date.parse(order.createdAt);
        const bodies: { topic: string; body: unknown; at: Date }[] = versions.map((v: Version, i) => {
          const updatedAt = new Date(base + (i + 1) * 60_000).toISOString();
          const o: DatasetOrder = { ...order, refunds: [], email: v.email, financialStatus: v.financialStatus, cancelledAt: v.cancelled ? updatedAt : null, cancelReason: v.cancelled ? "CUSTOMER" : null, updatedAt };
          const customer = lookups.customer?.(order.customerId ?? "") ?? null;
          return { topic: i === 0 ? "orders/create" : "orders/updated", body: orderPayload(o, customer, lookups.shop, "orders/updated"), at: new Date(updatedAt) };
        });
        if (deleted) bodies.push({ topic: "orders/delete", body: orderDeletePayload(order), at: new Date(base + 10 * 60_000) });
        const arrivals = bodies.map((b, i) => ({ ...b, key: arrival[i]?.[0] ?? 0, twice: arrival[i]?.[1] ?? false, id: `${domain}-${i}` })).sort((a, b) => a.key - b.key);
        for (const d of arrivals) {
          await deliver(db, domain, d.topic, d.body, { webhookId: d.id, triggeredAt: d.at });
          if (d.twice) await deliver(db, domain, d.topic, d.body, { webhookId: d.id, triggeredAt: d.at });
        }
        // two workers, so versions of the order are applied side by side
        await runJobsUntilIdle(db, handlers, { workers: 2 });

        const row = await db.order.findFirst({ where: { shopId: shop.id } });
        const newest = versions[versions.length - 1] as Version;
        const buyer = await db.customer.findFirstOrThrow({ where: { shopId: shop.id } });
        const counts = !deleted && !newest.cancelled;
        if (deleted) expect(row).toBeNull();
        else expect(row).toMatchObject({ email: newest.email, financialStatus: newest.financialStatus, cancelReason: newest.cancelled ? "CUSTOMER" : null });
        expect(buyer).toMatchObject({ numberOfOrders: counts ? 1 : 0, amountSpentMinor: counts ? 2745n : 0n });
        expect(await db.segmentMember.count({ where: { segmentId: buyers.id } })).toBe(counts ? 1 : 0);
        expect(await db.webhookEvent.count({ where: { shopDomain: domain, status: { not: "DONE" } } })).toBe(0);
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});
