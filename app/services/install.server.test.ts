import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDataset } from "../../test/shopify/admin/builder";
import { startAdminStandIn, type AdminStandIn } from "../../test/shopify/admin";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { AdminApiError, createAdminClient } from "~/shopify/admin-client.server";
import { WEBHOOK_TOPICS } from "~/shopify/webhook-topics";
import { installShop } from "./install.server";
import { PREDICTIONS_JOB } from "./predictions.server";

const kinds = await storeKinds();
let standIn: AdminStandIn;
beforeAll(async () => {
  standIn = await startAdminStandIn();
});
afterAll(() => standIn.close());

describe.each(kinds)("installing on %s", (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(kind);
  });
  afterAll(() => store.drop());

  const domain = `install-${kind}.myshopify.com`;
  const admin = () => createAdminClient({ shop: domain, accessToken: `token-${kind}`, apiVersion: "2026-10", origin: standIn.url });

  it("records the shop as Shopify describes it, subscribes every topic and queues the initial sync", async () => {
    standIn.addShop(buildDataset({ domain, customers: 3, ordersEach: 1 }), `token-${kind}`);
    const result = await installShop({ db: store.db, admin: admin(), shop: domain, scopes: "read_customers", appUrl: "https://app.example.com", registerWebhooksViaApi: true });
    const shop = await store.db.shop.findUniqueOrThrow({ where: { domain } });
    const info = standIn.shop(domain).data.shop;
    expect(shop).toMatchObject({ name: info.name, currencyCode: info.currencyCode, ianaTimezone: info.ianaTimezone, installState: "INSTALLED", syncState: "QUEUED", scopes: "read_customers" });
    expect(result.initialSyncQueued).toBe(true);
    expect(standIn.subscriptions(domain).map((s) => [s.webhookTopic, s.uri]).sort()).toEqual(
      WEBHOOK_TOPICS.map((t) => [t.topic, `https://app.example.com${t.path}`]).sort(),
    );
    // the nightly refit of the predictions: 03:00 in the shop's time zone
    const refits = await store.db.job.findMany({ where: { kind: PREDICTIONS_JOB, shopId: shop.id } });
    expect(refits).toHaveLength(1);
    expect(refits[0]).toMatchObject({ state: "QUEUED", payload: { shopId: shop.id, reason: "nightly" } });
    expect(refits[0]?.dedupeKey).toMatch(new RegExp(`^nightly:${shop.id}:\\d{4}-\\d{2}-\\d{2}$`));
    const local = new Intl.DateTimeFormat("en-GB", { timeZone: shop.ianaTimezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(refits[0]!.runAt);
    expect(local).toBe("03:00");
    expect(refits[0]!.runAt.getTime()).toBeGreaterThan(Date.now());
  });

  it("changes nothing when it runs again (a re-authorisation), but scores a synced shop that never was", async () => {
    await store.db.shop.update({ where: { domain }, data: { syncState: "SUCCEEDED" } });
    const again = await installShop({ db: store.db, admin: admin(), shop: domain, scopes: "read_customers", appUrl: "https://app.example.com", registerWebhooksViaApi: true });
    expect(again.webhooks).toEqual({ created: [], alreadyPresent: WEBHOOK_TOPICS.map((t) => t.graphqlTopic) });
    expect(again.initialSyncQueued).toBe(false);
    expect(standIn.subscriptions(domain)).toHaveLength(WEBHOOK_TOPICS.length);
    const shop = await store.db.shop.findUniqueOrThrow({ where: { domain } });
    expect(shop.syncState).toBe("SUCCEEDED");
    // imported before predictions existed: scored now, once
    const refits = await store.db.job.findMany({ where: { kind: PREDICTIONS_JOB, shopId: shop.id }, orderBy: { id: "asc" } });
    expect(refits.map((job) => job.payload)).toEqual([
      { shopId: shop.id, reason: "nightly" },
      { shopId: shop.id, reason: "sync" },
    ]);
    await store.db.predictionRun.create({ data: { shopId: shop.id, reason: "sync", status: "FITTED", asOf: new Date(), startedAt: new Date() } });
    await installShop({ db: store.db, admin: admin(), shop: domain, scopes: "read_customers", appUrl: "https://app.example.com", registerWebhooksViaApi: true });
    expect(await store.db.job.count({ where: { kind: PREDICTIONS_JOB, shopId: shop.id } })).toBe(2);
  });

  it("leaves subscriptions to shopify.app.toml unless asked, and fails clearly with a bad token", async () => {
    const other = `toml-${kind}.myshopify.com`;
    standIn.addShop(buildDataset({ domain: other, customers: 1, ordersEach: 0 }), `toml-${kind}`);
    const client = createAdminClient({ shop: other, accessToken: `toml-${kind}`, apiVersion: "2026-10", origin: standIn.url });
    const result = await installShop({ db: store.db, admin: client, shop: other, scopes: "read_customers", appUrl: "https://app.example.com", registerWebhooksViaApi: false });
    expect(result.webhooks).toBe("declared-in-app-config");
    expect(standIn.subscriptions(other)).toEqual([]);
    const bad = createAdminClient({ shop: other, accessToken: "wrong", apiVersion: "2026-10", origin: standIn.url });
    await expect(installShop({ db: store.db, admin: bad, shop: other, scopes: "", appUrl: "https://app.example.com", registerWebhooksViaApi: true })).rejects.toThrow(AdminApiError);
  });
});
