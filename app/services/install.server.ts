import type { Db } from "~/db/client";
import { logger } from "~/logger.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { fetchShopInfo } from "~/shopify/shop.server";
import { registerWebhookSubscriptions } from "~/shopify/webhooks.server";
import { queueInitialSync, upsertInstalledShop } from "~/store/shops.server";

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

/** What happens when a merchant installs (or re-authorises) the app: the same code for a real shop and the demo. */
export async function installShop(options: InstallOptions): Promise<InstallResult> {
  const { db, admin, shop, scopes, appUrl } = options;
  const now = options.now ?? new Date();
  const info = await fetchShopInfo(admin);
  const row = await upsertInstalledShop({ db, shop, info, scopes, now });
  const webhooks = options.registerWebhooksViaApi
    ? await registerWebhookSubscriptions(admin, appUrl)
    : ("declared-in-app-config" as const);
  const initialSyncQueued = await queueInitialSync({ db, shop });
  logger.info({ shop, webhooks, initialSyncQueued }, "app installed");
  return { shopId: row.id, webhooks, initialSyncQueued };
}
