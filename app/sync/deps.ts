import type { DatabaseKind, Db } from "~/db/client";
import type { AdminClient } from "~/shopify/admin-client.server";

/** What background sync work needs from the process that runs it: the store, Shopify, a clock. */
export interface SyncDeps {
  db: Db;
  kind: DatabaseKind;
  /** the Admin API client for a shop, with its offline token (refreshed when it expires) */
  adminFor(shopDomain: string): Promise<AdminClient>;
  /** the clock */
  now(): Date;
}
