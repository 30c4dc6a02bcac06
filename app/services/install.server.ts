import type { DatabaseKind, Db } from "~/db/client";
import { dialectOf } from "~/jobs/queue.server";
import { logger } from "~/logger.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { fetchShopInfo } from "~/shopify/shop.server";
import { registerWebhookSubscriptions } from "~/shopify/webhooks.server";
import { scheduleDailyMembership } from "~/services/membership.server";
import { queueRefit, scheduleNightlyRefit } from "~/services/predictions.server";
import { ensureSegmentsDefinition, forgetPublishedState, queuePublish } from "~/services/publish.server";
import { queueSyncRun } from "~/sync/bulk-import.server";
import { scheduleReconcile } from "~/sync/reconcile.server";
import { upsertInstalledShop } from "~/store/shops.server";

export interface InstallOptions {
  db: Db;
  admin: AdminClient;
  shop: string;
  scopes: string;
  appUrl: string;
  /**
   * Whether this install subscribes to webhooks through the Admin API. Off for an app whose
   * subscriptions shopify.app.toml declares (deployed by the CLI) — registering them again would
   * double every delivery.
   */
  registerWebhooksViaApi: boolean;
  now?: Date;
}

export interface InstallResult {
  shopId: number;
  webhooks: { created: string[]; alreadyPresent: string[] } | "declared-in-app-config";
  initialSyncQueued: boolean;
}

/**
 * The $app:segments definition, so the storefront can read membership from the first publish on (the
 * publish job makes sure of it again, so a failure here does not stop the install). A reinstall
 * writes every customer's metafield again: what the app owned may have gone with the uninstall.
 */
async function preparePublishing(args: { db: Db; kind: DatabaseKind; admin: AdminClient; shopId: number; reinstalled: boolean; now: Date }): Promise<void> {
  const { db, kind, admin, shopId } = args;
  if (args.reinstalled && (await forgetPublishedState(db, kind, shopId)) > 0) await queuePublish(db, { shopId, now: args.now });
  try {
    await ensureSegmentsDefinition({ db, admin, shopId });
  } catch (error) {
    logger.warn({ err: error, shopId }, "install: the $app:segments definition could not be made now; the first publish tries again");
  }
}

/** What happens when a merchant installs (or re-authorises) the app: the same code for a real shop and the demo. */
export async function installShop(options: InstallOptions): Promise<InstallResult> {
  const { db, admin, shop, scopes, appUrl } = options;
  const kind = dialectOf(db);
  const now = options.now ?? new Date();
  const info = await fetchShopInfo(admin);
  const before = await db.shop.findUnique({ where: { domain: shop }, select: { syncState: true, installState: true } });
  const row = await upsertInstalledShop({ db, shop, info, scopes, now });
  const webhooks = options.registerWebhooksViaApi
    ? await registerWebhookSubscriptions(admin, appUrl)
    : ("declared-in-app-config" as const);
  // The first install imports everything; so does a re-install, as no webhooks came while uninstalled.
  const initialSyncQueued = !before || before.syncState === "NEVER" || before.installState === "UNINSTALLED";
  if (initialSyncQueued) await queueSyncRun(db, { shopId: row.id, reason: "install", now });
  await preparePublishing({ db, kind, admin, shopId: row.id, reinstalled: before?.installState === "UNINSTALLED", now });
  // the daily chains: relative-date segments, the check that mends what webhooks missed, and the predictions' refit
  await scheduleDailyMembership(db, { shopId: row.id, timeZone: row.ianaTimezone, now });
  await scheduleReconcile(db, { shopId: row.id, now });
  await scheduleNightlyRefit(db, { shopId: row.id, timeZone: row.ianaTimezone, now });
  // a shop imported before predictions existed is scored now rather than at night (an import queues its own refit)
  if (!initialSyncQueued && before?.syncState === "SUCCEEDED" && (await db.predictionRun.count({ where: { shopId: row.id } })) === 0) {
    await queueRefit(db, { shopId: row.id, reason: "sync", now });
  }
  logger.info({ shop, webhooks, initialSyncQueued }, "app installed");
  return { shopId: row.id, webhooks, initialSyncQueued };
}
