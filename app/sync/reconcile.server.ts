/**
 * Reconciliation: the daily check that the store still matches Shopify. Webhooks are at-least-once
 * and can be lost for good after Shopify's 8 retries in 4 hours; this job finds what they missed.
 *
 * 1. Recent changes: every customer, order and product Shopify says was updated since the last
 *    reconcile (less a safety margin; the first time, the last 24 hours) is listed by id and
 *    updatedAt only. Those the store lacks, or holds an older version of, are re-read whole and
 *    written through the store writers (which keep order safety, tombstones and redactions).
 * 2. Counts: Shopify's customersCount / ordersCount / productsCount against the store's. Where
 *    they differ, counts over id ranges narrow the difference down (a range whose counts agree is
 *    done) until a range is small enough to list; there the store's ids and Shopify's are compared.
 *    Records Shopify lacks are confirmed gone by id, then deleted with a tombstone; records the store
 *    lacks are read and written. A shortfall too large to mend record by record (more than
 *    `largeDriftShare` of the resource, and at least `largeDriftMin` records) queues a full sync
 *    instead (the import brings missing records; it deletes nothing, so extra records are always
 *    mended here).
 * 3. The touched customers' stats are recomputed in SQL and their segment membership refreshed.
 * 4. The shop's customer metafield definitions are read again and replace the store's (their
 *    webhooks can be lost too); segments naming one that came, went or changed type are recomputed.
 *    Shop.lastReconciledAt is set to when this run started, and the next run is queued for a day
 *    later (its dedupe key names the day).
 *
 * A range whose counts agree but that holds a deleted record and a missing one at once escapes
 * step 2; the missing one is found by step 1 of the run after it was created, so only a record
 * created while no reconcile ran for longer than the window could hide that way.
 */
import { z } from "zod";
import type { Db } from "~/db/client";
import { enqueue, PermanentJobError, type Queryable } from "~/jobs/queue.server";
import type { JobHandler } from "~/jobs/worker.server";
import { logger } from "~/logger.server";
import { forgetCustomers, refreshMembership } from "~/services/membership.server";
import { refreshMetafieldDefinitions, type DefinitionsRefresh } from "~/services/metafield-definitions.server";
import { runOperation, type AdminClient } from "~/shopify/admin-client.server";
import {
  countInRanges,
  existingIds,
  fetchOrders,
  fetchProducts,
  ID_PAGE_SIZE,
  listIdsInRange,
  listRecentlyUpdated,
  RANGES_PER_REQUEST,
  type IdRange,
  type ReconciledResource,
} from "~/shopify/operations/reconcile";
import { fetchCustomerDetails, syncCountsQuery } from "~/shopify/operations/sync-queries";
import { recomputeCustomerStats } from "~/store/customer-stats.server";
import { deleteResources, writeCustomers, writeOrders, writeProducts, type SyncWriteContext } from "~/store/sync-writes.server";
import { queueSyncRun } from "./bulk-import.server";
import type { SyncDeps } from "./deps";
import type { Prisma } from "~/db/generated/sqlite/client";
import type { CustomerInput, OrderInput } from "./records";

export const RECONCILE_JOB = "sync.reconcile";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface ReconcileTuning {
  /** how far before the last reconcile the next one looks again (clock skew, Shopify's search index lag) */
  marginMs: number;
  /** the first reconcile of a shop looks this far back */
  firstWindowMs: number;
  /** a shortfall above this share of Shopify's count (and above largeDriftMin) queues a full sync */
  largeDriftShare: number;
  largeDriftMin: number;
  /** records written per transaction */
  writeBatch: number;
  /** the next run, this long after this one started */
  intervalMs: number;
}

export const DEFAULT_RECONCILE_TUNING: Readonly<ReconcileTuning> = {
  marginMs: HOUR_MS,
  firstWindowMs: DAY_MS,
  largeDriftShare: 0.1,
  largeDriftMin: 100,
  writeBatch: 250,
  intervalMs: DAY_MS,
};

const RESOURCES: readonly ReconciledResource[] = ["products", "customers", "orders"];

export interface ResourceReport {
  /** records Shopify listed as updated in the window */
  recent: number;
  /** records re-read and written (store lacked them or held an older version) */
  fetched: number;
  /** records written (the writers skip tombstoned and redacted ones) */
  written: number;
  /** store records Shopify no longer has, deleted with a tombstone */
  deleted: number;
  shopifyCount: number | null;
  storeCount: number | null;
  /** a full sync was queued for this resource's shortfall */
  fullSync: boolean;
}

export type ReconcileOutcome =
  | {
      status: "reconciled";
      shopId: number;
      since: Date;
      resources: Record<ReconciledResource, ResourceReport>;
      customersTouched: number;
      fullSyncQueued: boolean;
      /** what changed in the store's customer metafield definitions, and the segments re-checked for it */
      definitions: DefinitionsRefresh;
    }
  | { status: "skipped"; shopId: number; reason: string };

/** Shop.scopes ("read_orders,read_all_orders"); a write scope implies its read scope. */
function grantedScopes(scopes: string | null): Set<string> {
  const granted = new Set<string>();
  for (const scope of (scopes ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    granted.add(scope);
    if (scope.startsWith("write_")) granted.add(`read_${scope.slice("write_".length)}`);
  }
  return granted;
}

function emptyReport(): ResourceReport {
  return { recent: 0, fetched: 0, written: 0, deleted: 0, shopifyCount: null, storeCount: null, fullSync: false };
}

/**
 * Reconciles one shop with Shopify (see the file's comment). Skips a shop that is gone,
 * uninstalled, or has a full sync queued or running (the import is bringing everything anyway).
 */
export async function reconcileShop(deps: SyncDeps, args: { shopId: number; signal?: AbortSignal; tuning?: Partial<ReconcileTuning> }): Promise<ReconcileOutcome> {
  const tuning: ReconcileTuning = { ...DEFAULT_RECONCILE_TUNING, ...args.tuning };
  const { db, kind } = deps;
  const { shopId, signal } = args;
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { id: true, domain: true, currencyCode: true, installState: true, syncState: true, lastReconciledAt: true, scopes: true } });
  if (!shop) return { status: "skipped", shopId, reason: "no such shop" };
  if (shop.installState !== "INSTALLED") return { status: "skipped", shopId, reason: "the app is not installed" };
  if (shop.syncState === "NEVER" || shop.syncState === "QUEUED" || shop.syncState === "RUNNING") {
    return { status: "skipped", shopId, reason: `a full sync is ${shop.syncState === "NEVER" ? "still to come" : shop.syncState.toLowerCase()}` };
  }
  const startedAt = deps.now();
  const since = shop.lastReconciledAt ? new Date(shop.lastReconciledAt.getTime() - tuning.marginMs) : new Date(startedAt.getTime() - tuning.firstWindowMs);
  const admin = await deps.adminFor(shop.domain);
  const run = new ShopReconcile(deps, admin, { id: shop.id, domain: shop.domain, currencyCode: shop.currencyCode }, tuning, signal);

  // Products first (order lines take their type), then customers (orders link to them).
  for (const resource of RESOURCES) await run.recentChanges(resource, since);
  const counts = await runOperation(admin, syncCountsQuery, {}, { ...(signal ? { signal } : {}) });
  // Without read_all_orders Shopify shows only the last 60 days of orders: every older order in the
  // store would look deleted. Orders are then reconciled by their recent changes only.
  const allOrders = grantedScopes(shop.scopes).has("read_all_orders");
  if (!allOrders) logger.warn({ shop: shop.domain }, "reconcile: no read_all_orders scope; orders are not compared by count");
  for (const resource of RESOURCES) {
    if (resource === "orders" && !allOrders) continue;
    const shopifyCount = counts[`${resource}Count`]?.count;
    if (shopifyCount === undefined) throw new Error(`reconcile: Shopify answered no ${resource}Count for ${shop.domain}`);
    await run.compareCounts(resource, shopifyCount);
  }
  await run.finish();
  const definitions = await refreshMetafieldDefinitions(deps, { shopId, admin, now: deps.now(), ...(signal ? { signal } : {}) });

  await db.shop.updateMany({ where: { id: shopId }, data: { lastReconciledAt: startedAt } });
  const outcome = { status: "reconciled" as const, shopId, since, resources: run.reports, customersTouched: run.touchedCount, fullSyncQueued: run.fullSyncQueued, definitions };
  logger.info({ shop: shop.domain, since, resources: run.reports, customersTouched: run.touchedCount, fullSyncQueued: run.fullSyncQueued, definitions: definitions.changes }, "reconcile: done");
  return outcome;
}

class ShopReconcile {
  readonly reports: Record<ReconciledResource, ResourceReport> = { products: emptyReport(), customers: emptyReport(), orders: emptyReport() };
  fullSyncQueued = false;
  /** store ids of customers whose stats and membership may have changed */
  private readonly touched = new Set<number>();
  private readonly ctx: SyncWriteContext;

  constructor(
    private readonly deps: SyncDeps,
    private readonly admin: AdminClient,
    private readonly shop: { id: number; domain: string; currencyCode: string },
    private readonly tuning: ReconcileTuning,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.ctx = { kind: deps.kind, shopId: shop.id };
  }

  get touchedCount(): number {
    return this.touched.size;
  }

  private get db(): Db {
    return this.deps.db;
  }

  private get options() {
    return this.signal ? { signal: this.signal } : {};
  }

  /** Step 1: what changed in the window and is missing or older in the store is read again. */
  async recentChanges(resource: ReconciledResource, since: Date): Promise<void> {
    const recent = await listRecentlyUpdated(this.admin, resource, since, this.options);
    this.reports[resource].recent = recent.length;
    if (recent.length === 0) return;
    const held = await this.storeVersions(resource, recent.map((r) => r.id));
    const blocked = await this.blocked(resource, recent.map((r) => r.id));
    const drifted = recent.filter((r) => !blocked.has(r.id) && (held.get(r.id)?.getTime() ?? Number.NEGATIVE_INFINITY) < r.updatedAt.getTime()).map((r) => r.id);
    await this.fetchAndWrite(resource, drifted);
  }

  /** Step 2: counts, then the id ranges where they differ. */
  async compareCounts(resource: ReconciledResource, shopifyCount: number): Promise<void> {
    const report = this.reports[resource];
    const storeIds = await this.storeIds(resource);
    report.shopifyCount = shopifyCount;
    report.storeCount = storeIds.length;
    if (shopifyCount === storeIds.length) return;
    const shortfall = shopifyCount - storeIds.length;
    if (shortfall > Math.max(this.tuning.largeDriftMin, this.tuning.largeDriftShare * shopifyCount)) {
      report.fullSync = true;
      await this.queueFullSync(resource, shortfall, shopifyCount);
      return;
    }
    const { missing, extra } = await findIdDrift(this.admin, resource, storeIds, shopifyCount, this.options);
    await this.fetchAndWrite(resource, missing);
    if (extra.length === 0) return;
    // search can lag behind a write: a record is gone only when Shopify has no node for its id
    const stillThere = await existingIds(this.admin, resource, extra, this.options);
    const gone = extra.filter((id) => !stillThere.has(id));
    await this.delete(resource, gone);
  }

  /** Step 3: derived stats and membership of every customer a write or delete touched. */
  async finish(): Promise<void> {
    const ids = [...this.touched];
    if (ids.length === 0) return;
    await recomputeCustomerStats(this.db, this.deps.kind, this.shop.id, ids);
    await refreshMembership(this.db, { shopId: this.shop.id, customerIds: ids, now: this.deps.now() });
  }

  private async queueFullSync(resource: ReconciledResource, shortfall: number, shopifyCount: number): Promise<void> {
    if (this.fullSyncQueued) return;
    await queueSyncRun(this.db, { shopId: this.shop.id, reason: "reconcile", now: this.deps.now() });
    this.fullSyncQueued = true;
    logger.warn({ shop: this.shop.domain, resource, shortfall, shopifyCount }, "reconcile: the store lacks too many records to mend one by one; a full sync is queued");
  }

  /** Shopify's updatedAt of the rows the store holds, by legacy id. */
  private async storeVersions(resource: ReconciledResource, ids: readonly string[]): Promise<Map<string, Date>> {
    const versions = new Map<string, Date>();
    const shopId = this.shop.id;
    for (const chunk of chunks(ids, 500)) {
      const where = { shopId, shopifyId: { in: chunk } };
      const select = { shopifyId: true, shopifyUpdatedAt: true } as const;
      const rows =
        resource === "customers" ? await this.db.customer.findMany({ where, select }) : resource === "orders" ? await this.db.order.findMany({ where, select }) : await this.db.product.findMany({ where, select });
      for (const row of rows) versions.set(row.shopifyId, row.shopifyUpdatedAt);
    }
    return versions;
  }

  /** Ids the writers would refuse anyway: tombstoned, or (customers) redacted. Not worth a request. */
  private async blocked(resource: ReconciledResource, ids: readonly string[]): Promise<Set<string>> {
    const blocked = new Set<string>();
    const shopId = this.shop.id;
    for (const chunk of chunks(ids, 500)) {
      const dead = await this.db.deletedResource.findMany({ where: { shopId, kind: TOMBSTONE_KIND[resource], shopifyId: { in: chunk } }, select: { shopifyId: true } });
      for (const row of dead) blocked.add(row.shopifyId);
      if (resource === "customers") {
        const redacted = await this.db.customer.findMany({ where: { shopId, shopifyId: { in: chunk }, redactedAt: { not: null } }, select: { shopifyId: true } });
        for (const row of redacted) blocked.add(row.shopifyId);
      }
    }
    return blocked;
  }

  /** The store's ids of records Shopify should also have, ascending (redacted customers are gone from Shopify). */
  private async storeIds(resource: ReconciledResource): Promise<bigint[]> {
    const shopId = this.shop.id;
    const select = { shopifyId: true } as const;
    const rows =
      resource === "customers"
        ? await this.db.customer.findMany({ where: { shopId, redactedAt: null }, select })
        : resource === "orders"
          ? await this.db.order.findMany({ where: { shopId }, select })
          : await this.db.product.findMany({ where: { shopId }, select });
    return rows.map((row) => BigInt(row.shopifyId)).sort(compareIds);
  }

  private async fetchAndWrite(resource: ReconciledResource, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const report = this.reports[resource];
    for (const batch of chunks(ids, this.tuning.writeBatch)) {
      this.signal?.throwIfAborted();
      switch (resource) {
        case "products": {
          const products = await fetchProducts(this.admin, batch, this.shop.currencyCode, this.options);
          report.fetched += products.length;
          report.written += await this.write((tx) => writeProducts(tx, this.ctx, products));
          break;
        }
        case "customers": {
          const customers = await fetchCustomerDetails(this.admin, batch, this.options);
          report.fetched += customers.length;
          report.written += await this.writeCustomers(customers);
          break;
        }
        case "orders": {
          const orders = await fetchOrders(this.admin, batch, this.options);
          report.fetched += orders.length;
          await this.bringCustomersOf(orders);
          report.written += await this.write((tx) => writeOrders(tx, this.ctx, orders));
          break;
        }
      }
    }
  }

  private writeCustomers(customers: readonly CustomerInput[]): Promise<number> {
    return this.write((tx) => writeCustomers(tx, this.ctx, customers));
  }

  /** Orders whose customer the store lacks (its webhook lost too): the customer is read first, so the order links. */
  private async bringCustomersOf(orders: readonly OrderInput[]): Promise<void> {
    const wanted = [...new Set(orders.flatMap((o) => (o.customerShopifyId === null ? [] : [o.customerShopifyId])))];
    if (wanted.length === 0) return;
    const known = await this.storeVersions("customers", wanted);
    const blocked = await this.blocked("customers", wanted);
    const missing = wanted.filter((id) => !known.has(id) && !blocked.has(id));
    if (missing.length === 0) return;
    const customers = await fetchCustomerDetails(this.admin, missing, this.options);
    this.reports.customers.fetched += customers.length;
    this.reports.customers.written += await this.writeCustomers(customers);
  }

  /** One transaction per batch; the customers it touched are remembered for step 3. */
  private async write(work: (tx: Prisma.TransactionClient) => Promise<{ written: Map<string, number>; customerIds: number[] }>): Promise<number> {
    const result = await this.db.$transaction(work, { timeout: 60_000 });
    for (const id of result.customerIds) this.touched.add(id);
    return result.written.size;
  }

  private async delete(resource: ReconciledResource, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const now = this.deps.now();
    const kind = TOMBSTONE_KIND[resource];
    for (const batch of chunks(ids, this.tuning.writeBatch)) {
      const touched = await this.db.$transaction(
        async (tx) => {
          if (resource === "customers") {
            const doomed = await tx.customer.findMany({ where: { shopId: this.shop.id, shopifyId: { in: [...batch] } }, select: { id: true } });
            // their memberships leave with them, counts adjusted exactly
            await forgetCustomers(tx, this.deps.kind, { shopId: this.shop.id, customerIds: doomed.map((c) => c.id) });
            await deleteResources(tx, this.ctx, kind, batch, now);
            return [];
          }
          const { customerIds } = await deleteResources(tx, this.ctx, kind, batch, now);
          return customerIds;
        },
        { timeout: 60_000 },
      );
      for (const id of touched) this.touched.add(id);
      this.reports[resource].deleted += batch.length;
    }
  }
}

const TOMBSTONE_KIND = { customers: "CUSTOMER", orders: "ORDER", products: "PRODUCT" } as const satisfies Record<ReconciledResource, string>;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function compareIds(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ------------------------------------------------------------------------------------ finding id drift

/** The largest legacy id Shopify's search can be asked about (ids are 64-bit). */
const MAX_ID = 2n ** 63n - 1n;

/** Index of the first id ≥ value in an ascending list. */
function lowerBound(ids: readonly bigint[], value: bigint): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ids[mid] as bigint) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The store's ids inside a range (a view of the ascending list). */
export function idsIn(ids: readonly bigint[], range: IdRange): readonly bigint[] {
  return ids.slice(lowerBound(ids, range.from), lowerBound(ids, range.to + 1n));
}

/**
 * Splits a range into up to `parts` non-empty, adjacent ranges covering it: at the store's id
 * quantiles when the store holds enough ids inside (so each part holds a share of them), else
 * into equal widths.
 */
export function splitRange(range: IdRange, storeIds: readonly bigint[], parts: number): IdRange[] {
  const inside = idsIn(storeIds, range);
  const cuts: bigint[] = [];
  if (inside.length >= parts) {
    for (let j = 1; j < parts; j++) cuts.push(inside[Math.floor((j * inside.length) / parts)] as bigint);
  } else {
    const width = range.to - range.from + 1n;
    const n = BigInt(parts);
    for (let j = 1n; j < n; j++) cuts.push(range.from + (width * j) / n);
  }
  const starts = [range.from, ...cuts.filter((cut) => cut > range.from && cut <= range.to)];
  const unique = [...new Set(starts)].sort(compareIds);
  return unique.map((from, i) => ({ from, to: i + 1 < unique.length ? (unique[i + 1] as bigint) - 1n : range.to }));
}

export interface IdDrift {
  /** ids Shopify has and the store lacks */
  missing: string[];
  /** ids the store has and Shopify's search does not list */
  extra: string[];
}

/**
 * Narrows a count difference down to ids: ranges whose counts differ are split and counted again
 * (RANGES_PER_REQUEST per request) until Shopify holds at most a page of ids in one; those are
 * listed and compared with the store's. Costs about (records that differ) × log₈(records) counts.
 */
export async function findIdDrift(
  admin: AdminClient,
  resource: ReconciledResource,
  storeIds: readonly bigint[],
  shopifyCount: number,
  options: { signal?: AbortSignal } = {},
): Promise<IdDrift> {
  const drift: IdDrift = { missing: [], extra: [] };
  const whole: IdRange = { from: 0n, to: MAX_ID };
  const leaves: IdRange[] = [];
  let frontier: IdRange[] = [];
  if (shopifyCount <= ID_PAGE_SIZE) leaves.push(whole);
  else frontier = splitRange(whole, storeIds, RANGES_PER_REQUEST);
  while (frontier.length > 0) {
    const counts = await countInRanges(admin, resource, frontier, options);
    const next: IdRange[] = [];
    frontier.forEach((range, i) => {
      const shopify = counts[i] as number;
      if (shopify === idsIn(storeIds, range).length) return;
      if (shopify <= ID_PAGE_SIZE || range.from === range.to) leaves.push(range);
      else next.push(...splitRange(range, storeIds, RANGES_PER_REQUEST));
    });
    frontier = next;
  }
  for (const range of leaves) {
    const theirs = new Set(await listIdsInRange(admin, resource, range, options));
    const ours = new Set(idsIn(storeIds, range).map(String));
    for (const id of theirs) if (!ours.has(id)) drift.missing.push(id);
    for (const id of ours) if (!theirs.has(id)) drift.extra.push(id);
  }
  return drift;
}

// ------------------------------------------------------------------------------------ the job

const ReconcilePayload = z.union([z.object({ shopId: z.number().int().positive() }).strict(), z.object({}).strict()]);

/** The dedupe key of a shop's run on a day (UTC): one queued run per shop per day. */
export function reconcileKey(shopId: number, day: string): string {
  return `shop:${shopId}:${day}`;
}

function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Queues a shop's reconcile for `runAt` (default a day after now); idempotent per shop and day. */
export async function scheduleReconcile(db: Queryable, args: { shopId: number; now: Date; runAt?: Date }) {
  const runAt = args.runAt ?? new Date(args.now.getTime() + DEFAULT_RECONCILE_TUNING.intervalMs);
  return enqueue(db, { kind: RECONCILE_JOB, shopId: args.shopId, payload: { shopId: args.shopId }, runAt, dedupeKey: reconcileKey(args.shopId, utcDay(runAt)) }, { now: args.now });
}

/**
 * The job handler of "sync.reconcile". With { shopId }: queues the shop's next run first (so a run
 * that fails every attempt does not end the chain), then reconciles the shop. With {}: starts the
 * run of every installed shop that has none queued or running, and queues itself for the next day.
 */
export function reconcileJobHandler(deps: SyncDeps, tuning?: Partial<ReconcileTuning>): JobHandler {
  return async (job, signal) => {
    const parsed = ReconcilePayload.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError(`${RECONCILE_JOB} job ${job.id}: the payload must be { shopId } or {}: ${z.prettifyError(parsed.error)}`);
    const now = deps.now();
    const interval = tuning?.intervalMs ?? DEFAULT_RECONCILE_TUNING.intervalMs;
    if (!("shopId" in parsed.data)) {
      await startMissingRuns(deps, now, interval);
      return;
    }
    const { shopId } = parsed.data;
    if (job.shopId !== null && job.shopId !== shopId) throw new PermanentJobError(`${RECONCILE_JOB} job ${job.id} is for shop ${job.shopId} but names shop ${shopId}`);
    const shop = await deps.db.shop.findUnique({ where: { id: shopId }, select: { installState: true } });
    if (!shop || shop.installState !== "INSTALLED") {
      logger.info({ shopId }, "reconcile: shop gone or uninstalled, its daily run stops");
      return;
    }
    await scheduleReconcile(deps.db, { shopId, now, runAt: new Date(now.getTime() + interval) });
    await reconcileShop(deps, { shopId, signal, ...(tuning ? { tuning } : {}) });
  };
}

async function startMissingRuns(deps: SyncDeps, now: Date, interval: number): Promise<void> {
  const { db } = deps;
  const shops = await db.shop.findMany({ where: { installState: "INSTALLED" }, select: { id: true }, orderBy: { id: "asc" } });
  const live = await db.job.findMany({ where: { kind: RECONCILE_JOB, state: { in: ["QUEUED", "RUNNING"] }, shopId: { not: null } }, select: { shopId: true } });
  const running = new Set(live.map((job) => job.shopId));
  for (const shop of shops) if (!running.has(shop.id)) await scheduleReconcile(db, { shopId: shop.id, now, runAt: now });
  const next = new Date(now.getTime() + interval);
  await enqueue(db, { kind: RECONCILE_JOB, shopId: null, payload: {}, runAt: next, dedupeKey: `all:${utcDay(next)}` }, { now });
}

