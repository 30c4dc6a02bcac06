/**
 * Publishing after a webhook (issue 7): an orders/create delivery through the app's webhook route
 * moves its buyer into a segment; the running Worker processes the delivery, refreshes membership
 * and publishes — and within seconds of the 200 the stand-in holds the buyer's $app:segments value
 * and, for a segment with publishTag, the `segment:<handle>` tag.
 */
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import { LogSeverity } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "~/env.server";
import { Worker } from "~/jobs/worker.server";
import { offlineSession } from "~/services/demo.server";
import { PUBLISH_JOB, publishJobHandler } from "~/services/publish.server";
import { receiveWebhook } from "~/services/webhook-receiver.server";
import { createAdminClient } from "~/shopify/admin-client.server";
import type { SyncDeps } from "~/sync/deps";
import { webhookJobHandlers } from "~/sync/inbox.server";
import { prepareTestApp, TEST_SCOPES, webhookRequest } from "../app/test-app";
import { buildDataset } from "../shopify/admin/builder";
import { startAdminStandIn, type AdminStandIn } from "../shopify/admin";
import { lookups, order } from "../shopify/webhooks/fixtures";
import { orderPayload } from "../shopify/webhooks/payloads";
import { freshStore, storeKinds, type TestStore } from "../store/harness";

const kinds = await storeKinds();
/** the in-app worker's poll (app/jobs/runtime.server.ts) */
const POLL_MS = 250;

let createShopify: (typeof import("~/shopify.server"))["createShopify"];
let standIn: AdminStandIn;
beforeAll(async () => {
  await prepareTestApp("sqlite");
  ({ createShopify } = await import("~/shopify.server"));
  standIn = await startAdminStandIn();
});
afterAll(() => standIn.close());

describe.each(kinds)("publishing after a webhook on %s", (kind) => {
  let store: TestStore;
  let worker: Worker | undefined;
  const domain = `publish-webhook-${kind}.myshopify.com`;
  const token = `shpat_publish_${kind}`;
  const config = testConfig();

  beforeAll(async () => {
    store = await freshStore(kind);
  });
  afterAll(async () => {
    await worker?.stop();
    await store.drop();
  });

  it("a buyer's first order puts the segment's handle in their metafield and its tag on them, within seconds of the 200", async () => {
    const db = store.db;
    const data = buildDataset({ domain, customers: 3, ordersEach: 0 });
    const remote = standIn.addShop(data, token);
    const shop = await db.shop.create({ data: { domain, name: "Publish", currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam" } });
    await db.segment.create({ data: { shopId: shop.id, name: "Buyers", handle: "buyers", query: "number_of_orders >= 1", publishTag: true } });
    await db.segment.create({ data: { shopId: shop.id, name: "Anyone", handle: "anyone", query: "number_of_orders >= 0" } });
    await new PrismaSessionStorage(db as never).storeSession(offlineSession(domain, token, TEST_SCOPES));
    const shopify = createShopify(parseEnv(process.env), db, testConfig({ sessionStorage: new PrismaSessionStorage(db as never), scopes: TEST_SCOPES, logger: { level: LogSeverity.Error } }));
    const admin = createAdminClient({ shop: domain, accessToken: token, apiVersion: "2026-10", origin: standIn.url });
    const deps: SyncDeps = { db, kind, now: () => new Date(), adminFor: async () => admin };
    worker = new Worker({ db, handlers: { ...webhookJobHandlers(deps), [PUBLISH_JOB]: publishJobHandler(deps) }, pollMs: POLL_MS, concurrency: 4 }).start();

    const latencies: number[] = [];
    for (const [i, buyer] of data.customers.entries()) {
      const body = JSON.stringify(orderPayload({ ...order, id: String(5_200_001 + i), customerId: buyer.id, email: buyer.email, refunds: [] }, buyer, { ...lookups.shop, myshopifyDomain: domain }, "orders/create"));
      const request = webhookRequest({ apiSecret: config.apiSecretKey, appUrl: config.appUrl }, {
        path: "/webhooks/orders/create",
        topic: "orders/create",
        shop: domain,
        body,
        webhookId: `publish-${kind}-${i}`,
        triggeredAt: new Date().toISOString(),
      });
      const response = await receiveWebhook(request, { authenticate: (r) => shopify.authenticate.webhook(r), db });
      const acknowledged = performance.now();
      expect(response.status).toBe(200);
      const gid = `gid://shopify/Customer/${buyer.id}`;
      for (;;) {
        const metafield = remote.metafields.get(gid)?.find((m) => m.namespace === "app--7000001" && m.key === "segments");
        const tags = remote.customers.get(buyer.id)?.tags ?? [];
        if (metafield?.value === JSON.stringify(["anyone", "buyers"]) && tags.includes("segment:buyers")) break;
        if (performance.now() - acknowledged > 10_000) throw new Error(`buyer ${i}: not published 10 s after the 200 (metafield ${metafield?.value ?? "none"}, tags ${tags.join(",")})`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      latencies.push(performance.now() - acknowledged);
    }
    const max = Math.max(...latencies);
    console.info(`${kind}: webhook 200 → metafield and tag in the stand-in: ${latencies.map((ms) => ms.toFixed(0)).join(", ")} ms (worker polls every ${POLL_MS} ms)`);
    expect(max).toBeLessThan(5_000);
    // the definition the storefront reads it through
    expect(remote.metafieldDefinitions.find((d) => d.namespace === "app--7000001" && d.key === "segments")?.access.storefront).toBe("PUBLIC_READ");
    // and the store records it as published (the request's answer is recorded just after Shopify has it)
    await expect.poll(() => db.customerPublication.count({ where: { shopId: shop.id, dirty: true } }), { timeout: 5_000 }).toBe(0);
    expect(await db.customerPublication.count({ where: { shopId: shop.id, error: { not: null } } })).toBe(0);
  }, 60_000);
});
