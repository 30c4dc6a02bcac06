import type { Db } from "~/db/client";
import type { ShopInfo } from "~/shopify/shop.server";

/** Records that the app is installed on a shop, with what Shopify says about the shop. */
export async function upsertInstalledShop({ db, shop, info, scopes, now }: { db: Db; shop: string; info: ShopInfo; scopes: string; now: Date }) {
  const fields = {
    name: info.name,
    email: info.email,
    currencyCode: info.currencyCode,
    ianaTimezone: info.ianaTimezone,
    planName: info.plan?.displayName ?? null,
    scopes,
    installState: "INSTALLED" as const,
    uninstalledAt: null,
  };
  return db.shop.upsert({
    where: { domain: shop },
    create: { domain: shop, installedAt: now, ...fields },
    update: fields,
  });
}

export async function getShop({ db, shop }: { db: Db; shop: string }) {
  return db.shop.findUnique({ where: { domain: shop } });
}

/**
 * app/scopes_update: the access scopes the merchant has granted now. A change from before the
 * shop's latest install is stale (the install recorded the scopes it was granted) and is ignored.
 */
export async function recordScopesUpdate(db: Db, { shopDomain, scopes, at }: { shopDomain: string; scopes: readonly string[]; at: Date }): Promise<boolean> {
  const { count } = await db.shop.updateMany({ where: { domain: shopDomain, installedAt: { lte: at } }, data: { scopes: scopes.join(",") } });
  return count === 1;
}

export async function markShopUninstalled({ db, shop, now }: { db: Db; shop: string; now: Date }) {
  await db.shop.updateMany({ where: { domain: shop }, data: { installState: "UNINSTALLED", uninstalledAt: now } });
}

export interface ShopOverview {
  domain: string;
  name: string;
  currencyCode: string;
  ianaTimezone: string;
  planName: string | null;
  installState: "INSTALLED" | "UNINSTALLED";
  installedAt: Date;
  sync: {
    state: "NEVER" | "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED";
    startedAt: Date | null;
    finishedAt: Date | null;
    objectsDone: number;
    objectsTotal: number | null;
    error: string | null;
  };
  customers: number;
  orders: number;
  segments: number;
  lastWebhookAt: Date | null;
  webhookEvents: { pending: number; failed: number };
}

/** What the admin home shows: the shop's state as the store holds it. */
export async function getShopOverview({ db, shop }: { db: Db; shop: string }): Promise<ShopOverview | null> {
  const row = await db.shop.findUnique({ where: { domain: shop } });
  if (!row) return null;
  const shopId = row.id;
  const [customers, orders, segments, pending, failed] = await Promise.all([
    db.customer.count({ where: { shopId } }),
    db.order.count({ where: { shopId } }),
    db.segment.count({ where: { shopId } }),
    db.webhookEvent.count({ where: { shopId, status: { in: ["PENDING", "PROCESSING"] } } }),
    db.webhookEvent.count({ where: { shopId, status: "FAILED" } }),
  ]);
  return {
    domain: row.domain,
    name: row.name,
    currencyCode: row.currencyCode,
    ianaTimezone: row.ianaTimezone,
    planName: row.planName,
    installState: row.installState,
    installedAt: row.installedAt,
    sync: {
      state: row.syncState,
      startedAt: row.syncStartedAt,
      finishedAt: row.syncFinishedAt,
      objectsDone: row.syncObjectsDone,
      objectsTotal: row.syncObjectsTotal,
      error: row.syncError,
    },
    customers,
    orders,
    segments,
    lastWebhookAt: row.lastWebhookAt,
    webhookEvents: { pending, failed },
  };
}
