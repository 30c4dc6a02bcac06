/**
 * The initial sync: a shop's products, customers and orders pulled from Shopify with bulk
 * operations and streamed into the store, resumable after a crash at any point.
 *
 * The SyncRun row is the checkpoint. A run goes products → customers → orders → finish; in each
 * import phase it starts a bulk query (groupObjects: false), records the operation's id, waits for
 * it (polling with growing intervals, and watching the row the bulk_operations/finish webhook
 * writes), then streams the JSONL result from line `linesDone`. Every batch of lines is written in
 * ONE transaction together with the new `linesDone`, fenced on the old one — so a process killed
 * anywhere resumes exactly after the last committed line (no duplicates, no gaps), and two
 * processes that both think they own a run cannot both commit the same lines.
 *
 * Children (JSONL lines with __parentId) only promise to come after their parent. A parent is
 * written with its child lists empty ("replace with none") in the batch holding its line, and its
 * children are added in whatever later batch they arrive; a resume never rewrites a parent whose
 * line was committed, so children committed before the crash stay and the rest are added.
 *
 * "finish" reads the shop's customer metafield definitions (what `metafields.<ns>.<key>` filters
 * check against), links orders to customers, computes the customers' derived stats in the database
 * and recomputes every segment, then the run SUCCEEDED. The progress (objectsDone/objectsTotal, root
 * records: products, customers, orders) is mirrored onto the Shop row for the admin's progress bar.
 */
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import type { Db, DatabaseKind } from "~/db/client";
import type { Prisma, SyncRun } from "~/db/generated/sqlite/client";
import { enqueue, PermanentJobError, type Job, type Queryable } from "~/jobs/queue.server";
import type { JobHandler } from "~/jobs/worker.server";
import { logger } from "~/logger.server";
import { recomputeShopSegments } from "~/services/membership.server";
import { refreshMetafieldDefinitions } from "~/services/metafield-definitions.server";
import { queueRefit } from "~/services/predictions.server";
import { AdminApiError, assertNoUserErrors, runOperation, type AdminClient } from "~/shopify/admin-client.server";
import { bulkOperationRunQuery } from "~/shopify/operations/bulk-operations";
import { recentBulkOperationsQuery, SYNC_BULK_QUERIES, syncBulkOperationQuery, syncCountsQuery, type SyncBulkOperation } from "~/shopify/operations/sync-queries";
import { recomputeCustomerStats } from "~/store/customer-stats.server";
import {
  addCustomerMetafields,
  addOrderLines,
  addProductCollections,
  addProductVariants,
  linkOrdersToCustomers,
  writeCustomers,
  writeOrders,
  writeProducts,
  type SyncWriteContext,
} from "~/store/sync-writes.server";
import type { SyncDeps } from "./deps";
import { BulkLineError, parseBulkLine, toShopifyGid, type BulkRecord, type BulkResource } from "./from-graphql";
import { JsonlFetchError, readJsonl, type JsonlLine } from "./jsonl";

export const SYNC_JOB_KIND = "sync.shop";

export type SyncReason = "install" | "manual" | "reconcile";
export type SyncPhase = BulkResource | "finish";

/** The import phases in order; products first, so order lines find their product's type. */
export const IMPORT_PHASES: readonly BulkResource[] = ["products", "customers", "orders"];

export interface SyncTuning {
  /** JSONL lines per transaction */
  batchLines: number;
  /** first wait between polls of a running bulk operation; it grows by pollGrowth up to maxPollMs */
  firstPollMs: number;
  maxPollMs: number;
  pollGrowth: number;
  /** how often the run's row is read for what the bulk_operations/finish webhook recorded */
  watchMs: number;
  /** exports of one phase started in one runSync before the run fails (FAILED, CANCELED, EXPIRED) */
  maxExportAttempts: number;
  /** times a result stream that broke off is opened again from the checkpoint */
  maxStreamAttempts: number;
}

export const DEFAULT_SYNC_TUNING: Readonly<SyncTuning> = {
  batchLines: 1_000,
  firstPollMs: 1_000,
  maxPollMs: 30_000,
  pollGrowth: 1.6,
  watchMs: 1_000,
  maxExportAttempts: 3,
  maxStreamAttempts: 3,
};

/** A sync that cannot go on, with a reason written for the merchant and the support team. */
export class SyncError extends Error {
  override name = "SyncError";
}

/** Another process committed to this run since we read it: it carries on, we stop without a word. */
export class SyncRunTakenOver extends Error {
  override name = "SyncRunTakenOver";
}

const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);

/** The scope each export needs, for the message when Shopify answers ACCESS_DENIED. */
const SCOPES: Record<BulkResource, string> = {
  products: "read_products",
  customers: "read_customers",
  orders: "read_orders (and read_all_orders for orders older than 60 days)",
};

/** Shopify's bulk operation clock and ours may differ: an export this much older than the run may still be the run's. */
const ADOPT_SKEW_MS = 2 * 60_000;

// ------------------------------------------------------------------------------------ starting

/**
 * A new sync run for the shop (on install, or "Sync now" in Settings), or the one already running:
 * a shop is imported by one run at a time. The shop shows QUEUED until the job picks it up.
 */
export async function startSyncRun(db: Queryable, shopId: number, reason: SyncReason, now: Date = new Date()): Promise<SyncRun> {
  const running = await db.syncRun.findFirst({ where: { shopId, state: "RUNNING" }, orderBy: { id: "desc" } });
  if (running) return running;
  const run = await db.syncRun.create({ data: { shopId, reason, state: "RUNNING", phase: IMPORT_PHASES[0] as string, startedAt: now } });
  await db.shop.updateMany({
    where: { id: shopId },
    data: { syncState: "QUEUED", syncStartedAt: now, syncFinishedAt: null, syncObjectsDone: 0, syncObjectsTotal: null, syncError: null },
  });
  return run;
}

/** startSyncRun and its "sync.shop" job, in one transaction (one queued job per shop at a time). */
export async function queueSyncRun(db: Db, args: { shopId: number; reason: SyncReason; now?: Date }): Promise<{ run: SyncRun; job: Job }> {
  const now = args.now ?? new Date();
  return db.$transaction(async (tx) => {
    const run = await startSyncRun(tx, args.shopId, args.reason, now);
    const job = await enqueue(tx, { kind: SYNC_JOB_KIND, shopId: args.shopId, payload: { shopId: args.shopId, runId: run.id }, dedupeKey: `shop:${args.shopId}`, priority: 10 }, { now });
    return { run, job };
  });
}

// ------------------------------------------------------------------------------------ the bulk_operations/finish webhook

const BULK_STATUSES = ["CANCELED", "CANCELING", "COMPLETED", "CREATED", "EXPIRED", "FAILED", "RUNNING"] as const;

const bulkFinished = z.object({
  shopId: z.number().int().positive(),
  /** the webhook's admin_graphql_api_id (a numeric id is accepted too) */
  bulkOperationId: z.string().regex(/^(gid:\/\/shopify\/BulkOperation\/)?\d+$/, "expected a BulkOperation id"),
  /** as the webhook sends it ("completed") or as GraphQL does ("COMPLETED") */
  status: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(BULK_STATUSES)),
  errorCode: z.string().nullish(),
  url: z.string().url().nullish(),
  objectCount: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]).nullish(),
});

export type BulkOperationFinished = z.input<typeof bulkFinished>;

/**
 * For the bulk_operations/finish webhook: records what Shopify says on the run waiting for that
 * operation, nothing more — the job running the import notices within a second and reads the
 * operation itself. True when a running sync was waiting for it (other operations are not ours).
 */
export async function recordBulkOperationFinished(db: Db, input: BulkOperationFinished): Promise<boolean> {
  const parsed = bulkFinished.safeParse(input);
  if (!parsed.success) throw new Error(`bulk_operations/finish: ${parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ")}`);
  const { shopId, bulkOperationId, status, url, objectCount } = parsed.data;
  const { count } = await db.syncRun.updateMany({
    where: { shopId, state: "RUNNING", bulkOperationId: toShopifyGid("BulkOperation", bulkOperationId) },
    data: { bulkStatus: status, ...(url ? { bulkUrl: url } : {}), ...(objectCount !== null && objectCount !== undefined ? { bulkObjectCount: objectCount } : {}) },
  });
  return count > 0;
}

// ------------------------------------------------------------------------------------ running

export interface RunSyncArgs {
  shopId: number;
  /** the run to carry on; default the shop's latest (a new "install" run when it has none) */
  runId?: number;
  /** aborts when the job's lease is lost or the worker stops: the run stays as it is, to be resumed */
  signal?: AbortSignal;
  tuning?: Partial<SyncTuning>;
}

/**
 * Runs (or resumes) a shop's sync run to the end. A run that SUCCEEDED is left as it is. On
 * failure the reason is kept on the run and on the shop, and the error is thrown (the job queue
 * retries; the next attempt resumes from the checkpoint).
 */
export async function runSync(deps: SyncDeps, args: RunSyncArgs): Promise<SyncRun> {
  const { db } = deps;
  const tuning: SyncTuning = { ...DEFAULT_SYNC_TUNING, ...args.tuning };
  const shop = await db.shop.findUnique({ where: { id: args.shopId }, select: { id: true, domain: true, currencyCode: true, installState: true } });
  if (!shop) throw new PermanentJobError(`sync: there is no shop ${args.shopId}`);
  let run =
    args.runId === undefined
      ? ((await db.syncRun.findFirst({ where: { shopId: shop.id }, orderBy: { id: "desc" } })) ?? (await startSyncRun(db, shop.id, "install", deps.now())))
      : await db.syncRun.findFirst({ where: { id: args.runId, shopId: shop.id } });
  if (!run) throw new PermanentJobError(`sync: shop ${shop.domain} has no sync run ${args.runId}`);
  if (run.state === "SUCCEEDED") return run;

  const sync = new ShopSync(deps, shop, run, tuning, args.signal);
  try {
    if (shop.installState === "UNINSTALLED") throw new PermanentJobError(`the app was uninstalled from ${shop.domain}`);
    await sync.begin();
    sync.admin = await deps.adminFor(shop.domain);
    await sync.estimate();
    while (sync.run.phase !== "finish") {
      const phase = sync.run.phase;
      if (!isImportPhase(phase)) throw new SyncError(`sync run ${sync.run.id} is in an unknown phase ${JSON.stringify(phase)}`);
      await sync.importPhase(phase);
    }
    run = await sync.finish();
    logger.info({ shop: shop.domain, runId: run.id, objects: run.objectsDone }, "sync: finished");
    return run;
  } catch (error) {
    if (args.signal?.aborted || error instanceof SyncRunTakenOver) throw error;
    await sync.fail(error);
    throw error;
  }
}

/** The job handler of "sync.shop" jobs: payload { shopId, runId }. */
export function syncJobHandler(deps: SyncDeps, tuning?: Partial<SyncTuning>): JobHandler {
  return async (job, signal) => {
    const payload = syncJobPayload.safeParse(job.payload);
    if (!payload.success) throw new PermanentJobError(`sync.shop job ${job.id}: ${payload.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ")}`);
    if (job.shopId !== null && job.shopId !== payload.data.shopId) throw new PermanentJobError(`sync.shop job ${job.id} is for shop ${job.shopId} but names shop ${payload.data.shopId}`);
    await runSync(deps, { ...payload.data, signal, ...(tuning ? { tuning } : {}) });
  };
}

const syncJobPayload = z.object({ shopId: z.number().int().positive(), runId: z.number().int().positive().optional() });

function isImportPhase(phase: string): phase is BulkResource {
  return (IMPORT_PHASES as readonly string[]).includes(phase);
}

type Checkpoint = Partial<Pick<SyncRun, "phase" | "bulkOperationId" | "bulkStatus" | "bulkUrl" | "bulkObjectCount" | "linesDone" | "objectsDone" | "objectsTotal">>;

/** One shop's run in this process: the run as last committed, and the way to Shopify. */
class ShopSync {
  admin: AdminClient | undefined;
  /** exports given up on in this process (their results expired), never adopted again */
  private readonly abandoned = new Set<string>();
  private readonly ctx: SyncWriteContext;

  constructor(
    private readonly deps: SyncDeps,
    private readonly shop: { id: number; domain: string; currencyCode: string },
    public run: SyncRun,
    private readonly tuning: SyncTuning,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.ctx = { kind: deps.kind, shopId: shop.id };
  }

  private get db(): Db {
    return this.deps.db;
  }

  private get kind(): DatabaseKind {
    return this.deps.kind;
  }

  private client(): AdminClient {
    if (!this.admin) throw new Error("sync: no Admin API client yet");
    return this.admin;
  }

  private requestOptions() {
    return this.signal ? { signal: this.signal } : {};
  }

  /** Marks the run (a FAILED one the queue retries, too) and the shop as running. */
  async begin(): Promise<void> {
    const { count } = await this.db.syncRun.updateMany({ where: { id: this.run.id, state: { not: "SUCCEEDED" } }, data: { state: "RUNNING", error: null } });
    if (count !== 1) throw new SyncRunTakenOver(`sync run ${this.run.id} finished meanwhile`);
    this.run = await this.db.syncRun.findUniqueOrThrow({ where: { id: this.run.id } });
    await this.mirror({ syncState: "RUNNING", syncStartedAt: this.run.startedAt, syncFinishedAt: null, syncError: null });
  }

  /** What the import will bring, for the progress bar; a shop that will not say is shown without a total. */
  async estimate(): Promise<void> {
    if (this.run.objectsTotal !== null) return;
    try {
      const counts = await runOperation(this.client(), syncCountsQuery, {}, this.requestOptions());
      const total = (counts.productsCount?.count ?? 0) + (counts.customersCount?.count ?? 0) + (counts.ordersCount?.count ?? 0);
      await this.save({ objectsTotal: Math.max(total, this.run.objectsDone) });
    } catch (error) {
      if (this.signal?.aborted || !(error instanceof AdminApiError)) throw error;
      logger.warn({ shop: this.shop.domain, err: error }, "sync: could not count the shop's records; the progress bar shows no total until the exports finish");
    }
  }

  /** Writes checkpoint fields, fenced on what this process last committed. */
  private async save(data: Checkpoint, tx: Queryable = this.db): Promise<void> {
    const { count } = await tx.syncRun.updateMany({ where: this.fence(), data });
    if (count !== 1) throw new SyncRunTakenOver(`sync run ${this.run.id} was carried on by another process`);
    this.run = { ...this.run, ...data };
    if (data.objectsDone !== undefined || data.objectsTotal !== undefined) {
      await tx.shop.updateMany({ where: { id: this.shop.id }, data: { syncObjectsDone: this.run.objectsDone, syncObjectsTotal: this.run.objectsTotal } });
    }
  }

  private fence(): Prisma.SyncRunWhereInput {
    return { id: this.run.id, shopId: this.shop.id, state: "RUNNING", phase: this.run.phase, bulkOperationId: this.run.bulkOperationId, linesDone: this.run.linesDone };
  }

  private async mirror(data: Prisma.ShopUpdateManyMutationInput): Promise<void> {
    await this.db.shop.updateMany({ where: { id: this.shop.id }, data });
  }

  // -------------------------------------------------------------------------------- one phase

  async importPhase(resource: BulkResource): Promise<void> {
    let failures = 0;
    let last = "";
    for (;;) {
      this.signal?.throwIfAborted();
      if (this.run.bulkOperationId === null) {
        const started = await this.startExport(resource);
        await this.save({ bulkOperationId: started.id, bulkStatus: started.status, bulkUrl: null, bulkObjectCount: null, linesDone: 0 });
      }
      const operation = await this.waitForExport();
      if (operation?.status === "COMPLETED") {
        // the count estimate grows if the export found more (a resumed phase keeps its estimate; finish makes it exact)
        const objectsTotal = this.run.linesDone === 0 ? Math.max(this.run.objectsTotal ?? 0, this.run.objectsDone + operation.rootObjectCount) : this.run.objectsTotal;
        await this.save({ bulkStatus: operation.status, bulkUrl: operation.url, bulkObjectCount: operation.objectCount, objectsTotal });
        if ((await this.importResult(resource, operation)) === "imported") {
          await this.save({ phase: nextPhase(resource), bulkOperationId: null, bulkStatus: null, bulkUrl: null, bulkObjectCount: null, linesDone: 0 });
          return;
        }
        this.abandoned.add(operation.id);
        last = "its result expired before it was read";
      } else if (operation) {
        if (operation.errorCode === "ACCESS_DENIED") {
          throw new PermanentJobError(`Shopify refused the ${resource} export (ACCESS_DENIED): the app needs the ${SCOPES[resource]} scope`);
        }
        last = `it ended ${operation.status}${operation.errorCode ? ` (${operation.errorCode})` : ""}`;
      } else {
        last = "Shopify no longer knows it";
      }
      failures += 1;
      logger.warn({ shop: this.shop.domain, runId: this.run.id, resource, attempt: failures, reason: last }, "sync: export failed, starting it again");
      if (failures >= this.tuning.maxExportAttempts) throw new SyncError(`the ${resource} export failed ${failures} times; last time ${last}`);
      await this.save({ bulkOperationId: null, bulkStatus: null, bulkUrl: null, bulkObjectCount: null, linesDone: 0 });
    }
  }

  /** Starts the phase's bulk query, or adopts the one a killed process started but never recorded. */
  private async startExport(resource: BulkResource): Promise<{ id: string; status: string }> {
    const query = SYNC_BULK_QUERIES[resource];
    const adopted = await this.findOrphan(query);
    if (adopted) {
      logger.info({ shop: this.shop.domain, runId: this.run.id, resource, bulkOperationId: adopted.id }, "sync: adopting an export started before a restart");
      return adopted;
    }
    const data = await runOperation(this.client(), bulkOperationRunQuery, { query, groupObjects: false }, this.requestOptions());
    const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
    if (userErrors.some((e) => e.code === "LIMIT_REACHED" || e.code === "OPERATION_IN_PROGRESS")) {
      // other bulk queries of this app are running in the shop: a retry later will find room
      throw new SyncError(`Shopify is already running as many bulk queries for this app as it allows: ${userErrors.map((e) => e.message).join("; ")}`);
    }
    if (userErrors.length > 0) {
      // INVALID: the query itself is wrong, which no retry mends
      try {
        assertNoUserErrors("bulkOperationRunQuery", userErrors);
      } catch (error) {
        throw new PermanentJobError(`the ${resource} export was refused: ${(error as Error).message}`);
      }
    }
    if (!bulkOperation) throw new SyncError(`Shopify started no ${resource} export and gave no reason`);
    logger.info({ shop: this.shop.domain, runId: this.run.id, resource, bulkOperationId: bulkOperation.id }, "sync: export started");
    return bulkOperation;
  }

  private async findOrphan(query: string): Promise<{ id: string; status: string } | null> {
    let recent;
    try {
      recent = await runOperation(this.client(), recentBulkOperationsQuery, {}, this.requestOptions());
    } catch (error) {
      if (this.signal?.aborted || !(error instanceof AdminApiError) || error.retryable) throw error;
      // an API version without bulkOperations: start a new export
      return null;
    }
    const since = this.run.startedAt.getTime() - ADOPT_SKEW_MS;
    const orphan = recent.bulkOperations.nodes.find(
      (op) =>
        op.type === "QUERY" &&
        op.query === query &&
        !this.abandoned.has(op.id) &&
        (op.status === "CREATED" || op.status === "RUNNING" || op.status === "COMPLETED") &&
        Date.parse(op.createdAt) >= since,
    );
    return orphan ?? null;
  }

  /**
   * Waits until the operation ends: polls Shopify at growing intervals, and meanwhile reads the
   * run's row every watchMs — the bulk_operations/finish webhook's news brings the poll forward.
   * Null when Shopify no longer knows the operation.
   */
  private async waitForExport(): Promise<SyncBulkOperation | null> {
    const id = this.run.bulkOperationId;
    if (id === null) throw new Error("sync: no export to wait for");
    let interval = this.tuning.firstPollMs;
    let nextPollAt = 0;
    for (;;) {
      if (performance.now() >= nextPollAt) {
        const { bulkOperation } = await runOperation(this.client(), syncBulkOperationQuery, { id }, this.requestOptions());
        if (!bulkOperation || TERMINAL.has(bulkOperation.status)) return bulkOperation;
        nextPollAt = performance.now() + interval;
        interval = Math.min(interval * this.tuning.pollGrowth, this.tuning.maxPollMs);
      } else {
        const row = await this.db.syncRun.findUnique({ where: { id: this.run.id }, select: { bulkOperationId: true, bulkStatus: true } });
        if (row?.bulkOperationId !== id) throw new SyncRunTakenOver(`sync run ${this.run.id} moved on to another export`);
        if (row.bulkStatus !== null && TERMINAL.has(row.bulkStatus)) {
          nextPollAt = 0;
          continue;
        }
      }
      const wait = Math.max(0, Math.min(this.tuning.watchMs, nextPollAt - performance.now()));
      await delay(wait, undefined, this.signal ? { signal: this.signal } : {});
    }
  }

  /** Streams the result from the checkpoint into the store; "gone" when its URL expired. */
  private async importResult(resource: BulkResource, operation: SyncBulkOperation): Promise<"imported" | "gone"> {
    // Shopify gives no file when nothing matched
    if (operation.url === null) return "imported";
    let breaks = 0;
    for (;;) {
      try {
        let batch: JsonlLine[] = [];
        for await (const line of readJsonl(operation.url, { afterLine: this.run.linesDone, ...this.requestOptions() })) {
          batch.push(line);
          if (batch.length >= this.tuning.batchLines) {
            await this.commit(resource, batch);
            batch = [];
          }
        }
        if (batch.length > 0) await this.commit(resource, batch);
        return "imported";
      } catch (error) {
        if (!(error instanceof JsonlFetchError) || this.signal?.aborted) throw error;
        if (error.gone) return "gone";
        breaks += 1;
        if (breaks >= this.tuning.maxStreamAttempts) throw new SyncError(`the ${resource} export could not be read: ${error.message}`, { cause: error });
        logger.warn({ shop: this.shop.domain, runId: this.run.id, resource, linesDone: this.run.linesDone, err: error }, "sync: result stream broke off, reading on from the checkpoint");
        await delay(500 * 2 ** breaks, undefined, this.signal ? { signal: this.signal } : {});
      }
    }
  }

  /** One batch of lines and the checkpoint after it, in one transaction. */
  private async commit(resource: BulkResource, lines: readonly JsonlLine[]): Promise<void> {
    const records: BulkRecord[] = [];
    for (const line of lines) {
      try {
        records.push(parseBulkLine(resource, line.text, line.number, { shopCurrency: this.shop.currencyCode }));
      } catch (error) {
        if (error instanceof BulkLineError) throw new SyncError(`the ${resource} export has a line the app cannot read, ${error.message}`, { cause: error });
        throw error;
      }
    }
    const last = lines[lines.length - 1] as JsonlLine;
    const batch = groupRecords(records);
    const checkpoint = { linesDone: last.number, objectsDone: this.run.objectsDone + batch.roots };
    // the run's id goes on every parent it writes; children are added only to those
    const options = { importRunId: this.run.id };
    const { ctx } = this;
    await this.db.$transaction(
      async (tx) => {
        // first: on PostgreSQL it also locks the run's row, so a second process waits here and then finds the fence moved
        await this.save(checkpoint, tx);
        if (batch.products.length) await writeProducts(tx, ctx, batch.products, options);
        if (batch.customers.length) await writeCustomers(tx, ctx, batch.customers, options);
        if (batch.orders.length) await writeOrders(tx, ctx, batch.orders, options);
        if (batch.variants.length) await addProductVariants(tx, ctx, batch.variants, options);
        if (batch.collections.length) await addProductCollections(tx, ctx, batch.collections, options);
        if (batch.metafields.length) await addCustomerMetafields(tx, ctx, batch.metafields, options);
        if (batch.lines.length) await addOrderLines(tx, ctx, batch.lines, options);
      },
      { timeout: 60_000 },
    ).catch(async (error: unknown) => {
      // the transaction rolled back: so did the checkpoint this process thought it had saved
      this.run = await this.db.syncRun.findUniqueOrThrow({ where: { id: this.run.id } });
      throw error;
    });
  }

  // -------------------------------------------------------------------------------- the end

  /** Metafield definitions, links, derived stats and segments for the whole shop; each step can run again after a crash. */
  async finish(): Promise<SyncRun> {
    this.signal?.throwIfAborted();
    // before the segments: a query naming a merchant's metafield checks only against its definition
    await refreshMetafieldDefinitions(this.deps, { shopId: this.shop.id, admin: this.client(), now: this.deps.now(), recheckSegments: false, ...(this.signal ? { signal: this.signal } : {}) });
    await linkOrdersToCustomers(this.db, this.ctx);
    await recomputeCustomerStats(this.db, this.kind, this.shop.id);
    // the planner's statistics: after a bulk load it has none, and segment counts pick scans of every order line
    await refreshPlannerStatistics(this.db, this.kind);
    await recomputeShopSegments(this.db, this.kind, { shopId: this.shop.id, now: this.deps.now(), ...(this.signal ? { signal: this.signal } : {}) });
    const finishedAt = this.deps.now();
    const count = await this.db.$transaction(async (tx) => {
      const finished = await tx.syncRun.updateMany({
        where: this.fence(),
        data: { state: "SUCCEEDED", finishedAt, objectsTotal: this.run.objectsDone, error: null },
      });
      // the predictions follow the imported history; queued with the success, so neither happens without the other
      if (finished.count === 1) await queueRefit(tx, { shopId: this.shop.id, reason: "sync", now: finishedAt });
      return finished.count;
    });
    if (count !== 1) throw new SyncRunTakenOver(`sync run ${this.run.id} was finished by another process`);
    await this.mirror({ syncState: "SUCCEEDED", syncFinishedAt: finishedAt, syncObjectsDone: this.run.objectsDone, syncObjectsTotal: this.run.objectsDone, syncError: null });
    return this.db.syncRun.findUniqueOrThrow({ where: { id: this.run.id } });
  }

  /** Keeps the reason on the run and the shop (unless another process finished the run meanwhile). */
  async fail(error: unknown): Promise<void> {
    const reason = failureText(this.run.phase, error);
    logger.error({ shop: this.shop.domain, runId: this.run.id, phase: this.run.phase, err: error }, "sync: failed");
    try {
      const { count } = await this.db.syncRun.updateMany({ where: { id: this.run.id, state: "RUNNING" }, data: { state: "FAILED", error: reason } });
      if (count === 1) await this.mirror({ syncState: "FAILED", syncError: reason });
    } catch (writeError) {
      logger.error({ shop: this.shop.domain, runId: this.run.id, err: writeError }, "sync: could not record the failure");
    }
  }
}

function nextPhase(resource: BulkResource): SyncPhase {
  const index = IMPORT_PHASES.indexOf(resource);
  return IMPORT_PHASES[index + 1] ?? "finish";
}

function failureText(phase: string, error: unknown): string {
  // the message only: the stack goes to the log and the job's lastError
  const message = error instanceof Error ? error.message : String(error);
  const text = `${phase === "finish" ? "finishing the import" : `importing ${phase}`}: ${message}`;
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
}

interface GroupedBatch {
  roots: number;
  products: Extract<BulkRecord, { kind: "product" }>["product"][];
  customers: Extract<BulkRecord, { kind: "customer" }>["customer"][];
  orders: Extract<BulkRecord, { kind: "order" }>["order"][];
  variants: { productShopifyId: string; variant: Extract<BulkRecord, { kind: "variant" }>["variant"] }[];
  collections: { productShopifyId: string; collection: Extract<BulkRecord, { kind: "collection" }>["collection"] }[];
  metafields: { customerShopifyId: string; metafield: Extract<BulkRecord, { kind: "metafield" }>["metafield"] }[];
  lines: { orderShopifyId: string; line: Extract<BulkRecord, { kind: "orderLine" }>["line"] }[];
}

/** Roots are written before children: a child's parent is earlier in the file, so in this batch or a committed one. */
export function groupRecords(records: readonly BulkRecord[]): GroupedBatch {
  const batch: GroupedBatch = { roots: 0, products: [], customers: [], orders: [], variants: [], collections: [], metafields: [], lines: [] };
  for (const record of records) {
    switch (record.kind) {
      case "product":
        batch.products.push(record.product);
        batch.roots += 1;
        break;
      case "customer":
        batch.customers.push(record.customer);
        batch.roots += 1;
        break;
      case "order":
        batch.orders.push(record.order);
        batch.roots += 1;
        break;
      case "variant":
        batch.variants.push({ productShopifyId: record.productShopifyId, variant: record.variant });
        break;
      case "collection":
        batch.collections.push({ productShopifyId: record.productShopifyId, collection: record.collection });
        break;
      case "metafield":
        batch.metafields.push({ customerShopifyId: record.customerShopifyId, metafield: record.metafield });
        break;
      case "orderLine":
        batch.lines.push({ orderShopifyId: record.orderShopifyId, line: record.line });
        break;
    }
  }
  return batch;
}

/** Tables whose row counts and value spread the segment queries' plans depend on. */
const PLANNED_TABLES = ["Customer", "CustomerTag", "CustomerAddress", "CustomerMetafield", "Order", "OrderLine", "Product", "ProductTag", "ProductCollection", "AbandonedCheckout", "SegmentMember"] as const;

/** ANALYZE after an import: a store that was empty when last analysed plans a million rows as a handful. */
export async function refreshPlannerStatistics(db: Db, kind: DatabaseKind): Promise<void> {
  if (kind === "sqlite") {
    // a sample per index is enough for the planner, and keeps this quick on a million customers
    await db.$executeRawUnsafe("PRAGMA analysis_limit = 1000");
    await db.$executeRawUnsafe("ANALYZE");
  }
  else await db.$executeRawUnsafe(`ANALYZE ${PLANNED_TABLES.map((table) => `"${table}"`).join(", ")}`);
}

