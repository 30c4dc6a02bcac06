import type { Db } from "~/db/client";
import type { SpendTier } from "~/predict/model";
import { RFM_GROUPS, type RfmGroup } from "~/predict/rfm";
import type { ShopInfo } from "~/shopify/shop.server";
import { latestPredictionRun, latestScoredRun, type PredictionRunView } from "./prediction-runs.server";

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
  /** the Shop row's id, for the store functions that take shopId */
  id: number;
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
  predictions: PredictionOverview;
}

export interface PredictionOverview {
  /** the newest run, running or finished */
  latestRun: PredictionRunView | null;
  /** the newest run that scored customers: what the counts come from */
  scoredRun: PredictionRunView | null;
  /** customers per predicted spend tier (prospects have none) and per RFM group (PROSPECTS included) */
  tiers: Record<SpendTier, number>;
  rfmGroups: Record<RfmGroup, number>;
  /** customers the job has not scored yet (created since its last run): every scored customer has an RFM group */
  unscored: number;
}

/** What the admin home shows: the shop's state as the store holds it. */
export async function getShopOverview({ db, shop }: { db: Db; shop: string }): Promise<ShopOverview | null> {
  const row = await db.shop.findUnique({ where: { domain: shop } });
  if (!row) return null;
  const shopId = row.id;
  const [customers, orders, segments, pending, failed, predictions] = await Promise.all([
    db.customer.count({ where: { shopId } }),
    db.order.count({ where: { shopId } }),
    db.segment.count({ where: { shopId } }),
    db.webhookEvent.count({ where: { shopId, status: { in: ["PENDING", "PROCESSING"] } } }),
    db.webhookEvent.count({ where: { shopId, status: "FAILED" } }),
    getPredictionOverview(db, shopId),
  ]);
  return {
    id: shopId,
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
    predictions,
  };
}

/** Customers counted per spend tier and per RFM group in the database (GROUP BY on the shop's indexes), with the runs they came from. */
async function getPredictionOverview(db: Db, shopId: number): Promise<PredictionOverview> {
  const [byTier, byGroup, latestRun, scoredRun] = await Promise.all([
    db.customer.groupBy({ by: ["predictedSpendTier"], where: { shopId }, _count: { _all: true } }),
    db.customer.groupBy({ by: ["rfmGroup"], where: { shopId }, _count: { _all: true } }),
    latestPredictionRun(db, shopId),
    latestScoredRun(db, shopId),
  ]);
  const tiers: Record<SpendTier, number> = { HIGH: 0, MEDIUM: 0, LOW: 0 };
  for (const row of byTier) if (row.predictedSpendTier !== null) tiers[row.predictedSpendTier] = row._count._all;
  const rfmGroups = Object.fromEntries(RFM_GROUPS.map((group) => [group, 0])) as Record<RfmGroup, number>;
  let unscored = 0;
  for (const row of byGroup) {
    if (row.rfmGroup === null) unscored = row._count._all;
    else rfmGroups[row.rfmGroup] = row._count._all;
  }
  return { latestRun, scoredRun, tiers, rfmGroups, unscored };
}
