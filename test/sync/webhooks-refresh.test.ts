/**
 * customers.refresh: customer webhook bodies carry no tags, consents or metafields; the refresh job
 * reads them through the Admin API (the stand-in) for the shop's stale customers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client";
import { createAdminClient } from "~/shopify/admin-client.server";
import type { SyncDeps } from "~/sync/deps";
import { CUSTOMER_REFRESH_BATCH, CUSTOMER_REFRESH_JOB, webhookJobHandlers } from "~/sync/inbox.server";
import { buildDataset } from "../shopify/admin/builder";
import { startAdminStandIn, type AdminStandIn } from "../shopify/admin";
import type { DatasetCustomer, ShopDataset } from "../shopify/dataset";
import { customerPayload } from "../shopify/webhooks/payloads";
import { freshStore, storeKinds, type TestStore } from "../store/harness";
import { deliver, runJobsUntilIdle } from "./webhooks-harness";

const kinds = await storeKinds();
let standIn: AdminStandIn;

beforeAll(async () => {
  standIn = await startAdminStandIn();
});
afterAll(() => standIn.close());

/** A shop of 61 customers: more than one refresh batch. Every third is a VIP. */
function dataset(domain: string): ShopDataset {
  const data = buildDataset({ domain, customers: CUSTOMER_REFRESH_BATCH + 11, ordersEach: 0 });
  data.customers = data.customers.map((c, i) => ({
    ...c,
    locale: i % 2 === 0 ? "nl" : "en",
    tags: i % 3 === 0 ? ["VIP", "newsletter"] : ["newsletter"],
    smsMarketingConsent: { marketingState: "SUBSCRIBED", marketingOptInLevel: "SINGLE_OPT_IN", consentUpdatedAt: c.createdAt },
    metafields: [{ namespace: "facts", key: "shoe_size", type: "number_integer", value: String(38 + (i % 8)) }],
  }));
  return data;
}

describe.each(kinds)("the customer details refresh on %s", (kind) => {
  let store: TestStore;
  let db: Db;
  const domain = `refresh-${kind}.myshopify.com`;
  const token = `refresh-token-${kind}`;
  let data: ShopDataset;
  let shopId: number;
  let vipId: string;
  let deps: SyncDeps;

  beforeAll(async () => {
    store = await freshStore(kind);
    db = store.db;
    data = dataset(domain);
    standIn.addShop(data, token);
    const shop = await db.shop.create({ data: { domain, name: "Refresh", currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam" } });
    shopId = shop.id;
    vipId = (await db.segment.create({ data: { shopId, name: "VIP", handle: "vip", query: "customer_tags CONTAINS 'vip'" } })).id;
    deps = {
      db,
      kind,
      now: () => new Date(),
      // one attempt per request: the job's retries are what this test watches
      adminFor: async (shopDomain) => createAdminClient({ shop: shopDomain, accessToken: token, apiVersion: "2026-10", origin: standIn.url, retry: { maxAttempts: 1 } }),
    };
  });
  afterAll(() => store.drop());

  const handlers = () => webhookJobHandlers(deps, { refreshDelayMs: 0 });
  const stored = (c: DatasetCustomer) =>
    db.customer.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId, shopifyId: c.id } }, include: { tags: true, metafields: true } });

  it("reads tags, consents, locale and metafields of every stale customer, in batches, and clears stale", async () => {
    for (const c of data.customers) await deliver(db, domain, "customers/create", customerPayload(c, data.shop, "customers/create"));
    await runJobsUntilIdle(db, handlers());
    for (const c of data.customers) {
      const row = await stored(c);
      expect(row).toMatchObject({ detailsStale: false, locale: c.locale, emailMarketingState: "SUBSCRIBED", smsMarketingState: "SUBSCRIBED" });
      expect(row.tags.map((t) => t.tag).sort()).toEqual([...c.tags].sort());
      expect(row.metafields.map((m) => [m.namespace, m.key, m.value])).toEqual(c.metafields.map((m) => [m.namespace, m.key, m.value]));
    }
    const vips = data.customers.filter((c) => c.tags.includes("VIP")).length;
    expect(await db.segmentMember.count({ where: { segmentId: vipId } })).toBe(vips);
    expect(await db.segment.findUniqueOrThrow({ where: { id: vipId }, select: { memberCount: true } })).toEqual({ memberCount: vips });
    // every delivery asked for a refresh; they were served by few jobs, never two queued at once
    const refreshes = await db.job.findMany({ where: { kind: CUSTOMER_REFRESH_JOB, shopId } });
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
    expect(refreshes.length).toBeLessThan(data.customers.length);
    expect(refreshes.every((job) => job.state === "DONE")).toBe(true);
  });

  it("keeps a customer stale when the store holds a newer version than the one it read", async () => {
    const c = data.customers[1] as DatasetCustomer;
    const newer = { ...c, note: "changed after the read", updatedAt: new Date(Date.parse(c.updatedAt) + 3_600_000).toISOString() };
    await deliver(db, domain, "customers/update", customerPayload(newer, data.shop));
    await runJobsUntilIdle(db, handlers());
    expect(await stored(c)).toMatchObject({ note: "changed after the read", detailsStale: true });
  });

  it("a customer Shopify no longer has is not stale any more", async () => {
    const ghost: DatasetCustomer = { ...(data.customers[0] as DatasetCustomer), id: "7999999999", email: "ghost@example.com" };
    await deliver(db, domain, "customers/create", customerPayload(ghost, data.shop, "customers/create"));
    await runJobsUntilIdle(db, handlers());
    expect(await stored(ghost)).toMatchObject({ email: "ghost@example.com", detailsStale: false });
  });

  it("with the Admin API down, the refresh is retried and then kept FAILED with its error; the webhook itself is done", async () => {
    const c = data.customers[2] as DatasetCustomer;
    standIn.faults.next(10_000, { kind: "status", status: 503 });
    try {
      await deliver(db, domain, "customers/update", customerPayload({ ...c, note: "while down", updatedAt: new Date(Date.parse(c.updatedAt) + 60_000).toISOString() }, data.shop));
      await runJobsUntilIdle(db, handlers());
    } finally {
      standIn.faults.clear();
    }
    const failed = await db.job.findFirstOrThrow({ where: { kind: CUSTOMER_REFRESH_JOB, shopId, state: "FAILED" } });
    expect(failed.attempts).toBe(failed.maxAttempts);
    expect(failed.lastError).toMatch(/503/);
    expect(await stored(c)).toMatchObject({ note: "while down", detailsStale: true });
    const event = await db.webhookEvent.findFirstOrThrow({ where: { shopDomain: domain }, orderBy: { id: "desc" } });
    expect(event).toMatchObject({ status: "DONE", lastError: null });
  });
});
