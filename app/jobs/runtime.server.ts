/**
 * The background side of the app: which job kinds exist and who does them, and the Worker that
 * runs them — inside the web process (the default; the only way on SQLite) or in dedicated worker
 * processes (`npm run worker`, PostgreSQL, any number of them).
 */
import type { DatabaseKind, Db } from "~/db/client";
import type { Env } from "~/env.server";
import { logger } from "~/logger.server";
import { EXPORT_JOB, exportJobHandler } from "~/services/exports.server";
import { DAILY_MEMBERSHIP_JOB, dailyMembershipJobHandler } from "~/services/membership.server";
import { MIRROR_JOB, nativeMirrorJobHandler } from "~/services/native-segments.server";
import { PREDICTIONS_JOB, predictionsJobHandler } from "~/services/predictions.server";
import { PUBLISH_JOB, publishJobHandler } from "~/services/publish.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { SYNC_JOB_KIND, syncJobHandler } from "~/sync/bulk-import.server";
import type { SyncDeps } from "~/sync/deps";
import { CUSTOMER_REFRESH_JOB, WEBHOOK_JOB, customerRefreshJobHandler, webhookJobHandler } from "~/sync/inbox.server";
import { RECONCILE_JOB, reconcileJobHandler } from "~/sync/reconcile.server";
import { Worker, type JobHandlers, type WorkerOptions } from "./worker.server";

/** Every job kind of the app and its handler. */
export function jobHandlers(deps: SyncDeps): JobHandlers {
  return {
    [SYNC_JOB_KIND]: syncJobHandler(deps),
    [WEBHOOK_JOB]: webhookJobHandler(deps),
    [CUSTOMER_REFRESH_JOB]: customerRefreshJobHandler(deps),
    [DAILY_MEMBERSHIP_JOB]: dailyMembershipJobHandler(deps),
    [RECONCILE_JOB]: reconcileJobHandler(deps),
    [PREDICTIONS_JOB]: predictionsJobHandler(deps),
    [EXPORT_JOB]: exportJobHandler(deps),
    [PUBLISH_JOB]: publishJobHandler(deps),
    [MIRROR_JOB]: nativeMirrorJobHandler(deps),
  };
}

/**
 * The Admin API client of an installed shop for background work: its offline session, refreshed
 * through Shopify's library when the token expired.
 */
export type OfflineAdmin = (shopDomain: string) => Promise<AdminClient>;

export interface BackgroundOptions {
  db: Db;
  kind: DatabaseKind;
  adminFor: OfflineAdmin;
  worker?: Partial<Omit<WorkerOptions, "db" | "handlers">>;
}

/** A started worker for every job kind. */
export function startWorker(options: BackgroundOptions): Worker {
  const deps: SyncDeps = { db: options.db, kind: options.kind, adminFor: options.adminFor, now: () => new Date() };
  // Webhooks are acknowledged at once and done here: a short poll keeps a change visible within a second.
  return new Worker({ db: options.db, handlers: jobHandlers(deps), pollMs: 250, ...options.worker }).start();
}

declare global {
  // Remix's dev server reloads modules: one worker per process.
  var __segmentStudioWorker: Worker | undefined;
}

/** Starts the web process's own worker once, unless JOBS_IN_PROCESS=0. */
export function ensureInProcessWorker(config: Pick<Env, "JOBS_IN_PROCESS" | "NODE_ENV">, options: BackgroundOptions): Worker | undefined {
  if (!config.JOBS_IN_PROCESS || config.NODE_ENV === "test") return undefined;
  if (!globalThis.__segmentStudioWorker) {
    globalThis.__segmentStudioWorker = startWorker(options);
    logger.info({ workerId: globalThis.__segmentStudioWorker.workerId }, "background jobs run in this process");
    // Let running jobs finish (10 s at most), then end as the signal would have without this listener.
    const stop = (signal: NodeJS.Signals) =>
      void globalThis.__segmentStudioWorker?.stop({ timeoutMs: 10_000 }).finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  }
  return globalThis.__segmentStudioWorker;
}

/** Polls the in-process worker at once (after queueing work in this process), if there is one. */
export function wakeInProcessWorker(): void {
  globalThis.__segmentStudioWorker?.wake();
}
