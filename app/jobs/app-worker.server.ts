import { db, dbKind } from "~/db.server";
import { env } from "~/env.server";
import { adminClientFor, unauthenticated } from "~/shopify.server";
import { ensureInProcessWorker, startWorker, type OfflineAdmin } from "./runtime.server";
import type { Worker } from "./worker.server";

/**
 * The offline Admin API client of an installed shop. Shopify's library loads the offline session
 * and refreshes an expired token (expiring offline tokens); a shop without one (uninstalled) fails
 * the job with Shopify's reason.
 */
export const adminForShop: OfflineAdmin = async (shop) => {
  const { session } = await unauthenticated.admin(shop);
  if (!session.accessToken) throw new Error(`${shop} has no offline access token (is the app installed?)`);
  return adminClientFor(env(), shop, session.accessToken);
};

/** The web process's worker (unless JOBS_IN_PROCESS=0). */
export function startAppWorker(): Worker | undefined {
  return ensureInProcessWorker(env(), { db, kind: dbKind, adminFor: adminForShop });
}

/** A dedicated worker process's worker (`npm run worker`). */
export function startDedicatedWorker(concurrency: number): Worker {
  return startWorker({ db, kind: dbKind, adminFor: adminForShop, worker: { concurrency } });
}
