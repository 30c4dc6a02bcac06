/**
 * Processing the durable webhook inbox: one "webhook.process" job per stored delivery (queued with
 * it, app/store/webhook-inbox.server.ts), and the "customers.refresh" job that reads through the
 * Admin API what customer bodies no longer carry.
 *
 * - The event shows where it is: PROCESSING while a worker has it, DONE (processedAt) when applied,
 *   PENDING with lastError and the attempt count between retries, FAILED with lastError when the
 *   job's attempts are used up or the body can never be applied (not what Shopify sends: a
 *   PermanentJobError naming the field). Nothing is dropped.
 * - Order-safe and idempotent: the store writers compare Shopify's updated_at with what the store
 *   holds, deletes leave tombstones (dated by X-Shopify-Triggered-At), refunds are keyed by id.
 * - The writes of one event are one transaction; it also records on the job which customers they
 *   touched, so a retry after a crash between the writes and the stats/membership refresh still
 *   refreshes them (the writes, repeated, may change nothing and report no one).
 * - Events of a shop the store has no row for are DONE with a note, except the compliance topics,
 *   which are always honoured.
 */
import { z } from "zod";
import type { DatabaseKind } from "~/db/client";
import type { WebhookEvent } from "~/db/generated/sqlite/client";
import { enqueue, PermanentJobError, type Job } from "~/jobs/queue.server";
import type { JobHandler } from "~/jobs/worker.server";
import { logger } from "~/logger.server";
import { forgetCustomers, refreshMembership } from "~/services/membership.server";
import { refreshMetafieldDefinitions } from "~/services/metafield-definitions.server";
import { handleAppUninstalled, handleCustomersDataRequest, handleCustomersRedact, handleShopRedact } from "~/services/privacy.server";
import type { AdminClient, AdminRequestOptions } from "~/shopify/admin-client.server";
import { fetchCustomerDetails } from "~/shopify/operations/sync-queries";
import { describeIssues, isCustomerOwnerType, parseWebhookBody, type WebhookBodies, type WebhookBody } from "~/shopify/webhook-payloads";
import { recomputeCustomerStats } from "~/store/customer-stats.server";
import { recordScopesUpdate } from "~/store/shops.server";
import {
  deleteResources,
  writeCheckouts,
  writeCustomers,
  writeEmbeddedCustomers,
  writeOrders,
  writeProducts,
  writeRefunds,
  type SyncWriteContext,
  type Tx,
} from "~/store/sync-writes.server";
import { WEBHOOK_JOB_KIND } from "~/store/webhook-inbox.server";
import { recordBulkOperationFinished } from "./bulk-import.server";
import type { SyncDeps } from "./deps";
import {
  checkoutCustomerFromWebhook,
  checkoutFromWebhook,
  customerFromWebhook,
  orderCustomerFromWebhook,
  orderFromWebhook,
  productFromWebhook,
  refundFromWebhook,
} from "./from-webhook";
import { MoneyFormatError } from "./money";
import type { CustomerInput, EmbeddedCustomerInput } from "./records";

/** The job kind of one stored delivery's processing (queued by the inbox with the delivery). */
export const WEBHOOK_JOB = WEBHOOK_JOB_KIND;
export const CUSTOMER_REFRESH_JOB = "customers.refresh";
/** Customers per Admin API round of the refresh (Shopify's nodes() takes up to 250; 50 keeps a round cheap). */
export const CUSTOMER_REFRESH_BATCH = 50;
/** The refresh waits this long after the first stale customer, so a burst of updates is read in few rounds. */
export const DEFAULT_REFRESH_DELAY_MS = 1_000;

// PostgreSQL advisory lock namespace (first key) for "is a refresh of this shop queued?"
const REFRESH_QUEUE_LOCK = 0x5e6_0001;

export interface WebhookProcessingOptions {
  /** how long a newly queued customers.refresh waits (default DEFAULT_REFRESH_DELAY_MS) */
  refreshDelayMs?: number;
}

const webhookJobPayload = z.object({
  eventId: z.number().int().positive(),
  /** customers the event's writes touched, kept by an earlier attempt */
  customerIds: z.array(z.number().int()).optional(),
});

const refreshJobPayload = z.object({ shopId: z.number().int().positive() });

/** What applying one event did. */
interface Applied {
  /** the customer the body is about, for WebhookEvent.customerShopifyId */
  customerShopifyId: string | null;
  /** shown on a DONE event that changed nothing on purpose (unknown shop, stale change) */
  note: string | null;
  shopId: number | null;
}

// ------------------------------------------------------------------------------------ webhook.process

/** The handler of "webhook.process" jobs: applies one stored delivery to the store. */
export function webhookJobHandler(deps: SyncDeps, options: WebhookProcessingOptions = {}): JobHandler {
  return async (job) => {
    const parsed = webhookJobPayload.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError(`${WEBHOOK_JOB_KIND} job ${job.id}: the payload is not { eventId }: ${describeIssues(parsed.error.issues)}`);
    const { eventId } = parsed.data;
    const { db } = deps;
    const [event] = await db.webhookEvent.updateManyAndReturn({ where: { id: eventId, status: { not: "DONE" } }, data: { status: "PROCESSING", attempts: job.attempts } });
    // gone with its shop (shop/redact), or applied by an attempt whose outcome was not recorded
    if (!event) return;
    try {
      const applied = await applyEvent(deps, options, job, event, parsed.data.customerIds ?? []);
      await db.webhookEvent.updateMany({
        where: { id: eventId },
        data: {
          status: "DONE",
          processedAt: deps.now(),
          lastError: applied.note,
          ...(applied.customerShopifyId === null ? {} : { customerShopifyId: applied.customerShopifyId }),
          ...(event.shopId === null && applied.shopId !== null ? { shopId: applied.shopId } : {}),
        },
      });
    } catch (error) {
      const final = error instanceof PermanentJobError || job.attempts >= job.maxAttempts;
      try {
        await db.webhookEvent.updateMany({
          where: { id: eventId, status: { not: "DONE" } },
          data: { status: final ? "FAILED" : "PENDING", lastError: failureText(error), attempts: job.attempts },
        });
      } catch (recordError) {
        // the job keeps the error either way; the event shows it at the next attempt
        logger.error({ err: recordError, eventId }, "webhook inbox: could not record a failed attempt on the event");
      }
      throw error;
    }
  };
}

/** For the admin: the error without a stack trace (the job row keeps the full one). */
function failureText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause === undefined ? "" : `\ncaused by: ${failureText(error.cause)}`;
  return `${error.name}: ${error.message}${cause}`.slice(0, 8_000);
}

async function applyEvent(deps: SyncDeps, options: WebhookProcessingOptions, job: Job, event: WebhookEvent, earlierCustomerIds: readonly number[]): Promise<Applied> {
  const parsed = parseWebhookBody(event.topic, event.payload);
  if (!parsed.ok) throw new PermanentJobError(`webhook ${event.webhookId} from ${event.shopDomain}: ${parsed.error}`);
  const shopDomain = event.shopDomain;
  // topics without an updated_at are dated by when Shopify says the event happened
  const at = event.triggeredAt ?? event.receivedAt;

  // Compliance requests are honoured whether or not the store knows the shop.
  switch (parsed.topic) {
    case "customers/data_request":
      await handleCustomersDataRequest(deps, { shopDomain, body: parsed.body });
      return { customerShopifyId: parsed.body.customer.id, note: null, shopId: null };
    case "customers/redact":
      await handleCustomersRedact(deps, { shopDomain, body: parsed.body });
      return { customerShopifyId: parsed.body.customer.id, note: null, shopId: null };
    case "shop/redact":
      await handleShopRedact(deps, { shopDomain, body: parsed.body });
      return { customerShopifyId: null, note: null, shopId: null };
    default:
      break;
  }

  const shop = await deps.db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, currencyCode: true, installState: true, installedAt: true } });
  if (!shop) return { customerShopifyId: aboutCustomer(parsed), note: `the app does not know the shop ${shopDomain}: nothing to apply`, shopId: null };
  const done = (note: string | null = null): Applied => ({ customerShopifyId: aboutCustomer(parsed), note, shopId: shop.id });

  switch (parsed.topic) {
    case "app/uninstalled":
      // an uninstall from before the latest install is not news
      if (at < shop.installedAt) return done(`an uninstall at ${at.toISOString()} predates the install at ${shop.installedAt.toISOString()}: ignored`);
      await handleAppUninstalled(deps, { shopDomain, at });
      return done();
    case "app/scopes_update": {
      const recorded = await recordScopesUpdate(deps.db, { shopDomain, scopes: parsed.body.current, at: parsed.body.updated_at ?? at });
      return done(recorded ? null : "a scopes change from before the latest install: ignored");
    }
    case "bulk_operations/finish": {
      const waited = await recordBulkOperationFinished(deps.db, { shopId: shop.id, bulkOperationId: parsed.body.admin_graphql_api_id, status: parsed.body.status, errorCode: parsed.body.error_code });
      return done(waited ? null : "no sync of this shop was waiting for this bulk operation");
    }
    case "metafield_definitions/create":
    case "metafield_definitions/update":
      if (!isCustomerOwnerType(parsed.body.owner_type)) return done(`a ${parsed.body.owner_type} metafield definition is no customer filter: ignored`);
      return done(await refreshDefinitions(deps, { id: shop.id, domain: shopDomain, installState: shop.installState }));
    case "metafield_definitions/delete":
      // the body does not say whose definition it was: the shop's list says what is left
      return done(await refreshDefinitions(deps, { id: shop.id, domain: shopDomain, installState: shop.installState }));
    default: {
      const ctx: SyncWriteContext = { kind: deps.kind, shopId: shop.id };
      const refreshable = shop.installState === "INSTALLED";
      const customerIds = await deps.db.$transaction(
        async (tx) => {
          await lockRecords(tx, deps.kind, shop.id, recordsOf(parsed));
          const written = await writeBody(tx, ctx, parsed, { at, shopCurrency: shop.currencyCode });
          // stale customers get their tags, consents and metafields read back (not without a token)
          if (written.stale && refreshable) await queueCustomerRefresh(tx, deps.kind, shop.id, deps.now(), options.refreshDelayMs ?? DEFAULT_REFRESH_DELAY_MS);
          const all = [...new Set([...earlierCustomerIds, ...written.customerIds])];
          if (all.length > earlierCustomerIds.length) await rememberCustomers(tx, job, all);
          return all;
        },
        // many jobs may wait for SQLite's one connection
        { timeout: 60_000, maxWait: 30_000 },
      );
      await refreshQueueFor(deps).refresh(shop.id, customerIds);
      return done();
    }
  }
}

/**
 * The metafield_definitions/* topics: the bodies are thin (no id, no access settings), so the shop's
 * customer definitions are read again from the Admin API and replace the store's; segments naming a
 * definition that came, went or changed type are re-checked. A note when nothing could be read.
 */
async function refreshDefinitions(deps: SyncDeps, shop: { id: number; domain: string; installState: string }): Promise<string | null> {
  if (shop.installState !== "INSTALLED") return "the app is not installed: the shop's metafield definitions cannot be read";
  const admin = await deps.adminFor(shop.domain);
  await refreshMetafieldDefinitions(deps, { shopId: shop.id, admin, now: deps.now() });
  return null;
}

/** The customer a body is about, for customers/redact to find the stored body later. */
function aboutCustomer(parsed: WebhookBody): string | null {
  switch (parsed.topic) {
    case "customers/create":
    case "customers/update":
    case "customers/delete":
      return parsed.body.id;
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled":
    case "checkouts/create":
    case "checkouts/update":
      return parsed.body.customer?.id ?? null;
    case "customers/data_request":
    case "customers/redact":
      return parsed.body.customer.id;
    default:
      return null;
  }
}

/** Stats in SQL, then membership in memory, for the customers a change touched. */
async function refreshCustomers(deps: SyncDeps, shopId: number, customerIds: readonly number[]): Promise<void> {
  if (customerIds.length === 0) return;
  await recomputeCustomerStats(deps.db, deps.kind, shopId, customerIds);
  await refreshMembership(deps.db, { shopId, customerIds, now: deps.now() });
}

interface RefreshRequest {
  customerIds: readonly number[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Coalesces the stats and membership refreshes that jobs running side by side ask for: while one
 * run for a shop is under way, the requests that arrive wait and are served together by the next,
 * so under load one run covers many events (most of a refresh's cost is per run, not per
 * customer). Each job still waits for its own customers, so an event is DONE only once they are
 * refreshed. A combined run that fails is retried request by request, so one bad customer fails
 * only the jobs that asked for it.
 */
class CustomerRefreshQueue {
  private readonly shops = new Map<number, { waiting: RefreshRequest[]; running: boolean }>();

  constructor(private readonly deps: SyncDeps) {}

  refresh(shopId: number, customerIds: readonly number[]): Promise<void> {
    if (customerIds.length === 0) return Promise.resolve();
    let shop = this.shops.get(shopId);
    if (!shop) this.shops.set(shopId, (shop = { waiting: [], running: false }));
    const queue = shop;
    const done = new Promise<void>((resolve, reject) => queue.waiting.push({ customerIds, resolve, reject }));
    if (!queue.running) void this.drain(shopId, queue);
    return done;
  }

  private async drain(shopId: number, queue: { waiting: RefreshRequest[]; running: boolean }): Promise<void> {
    queue.running = true;
    // jobs whose writes commit in the same turn of the event loop join this run
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.waiting.length > 0) {
      const requests = queue.waiting.splice(0);
      try {
        await refreshCustomers(this.deps, shopId, [...new Set(requests.flatMap((r) => r.customerIds))]);
        for (const request of requests) request.resolve();
      } catch (error) {
        if (requests.length === 1) requests[0]?.reject(error);
        else await this.oneByOne(shopId, requests);
      }
    }
    queue.running = false;
    this.shops.delete(shopId);
  }

  private async oneByOne(shopId: number, requests: readonly RefreshRequest[]): Promise<void> {
    for (const request of requests) {
      try {
        await refreshCustomers(this.deps, shopId, request.customerIds);
        request.resolve();
      } catch (error) {
        request.reject(error);
      }
    }
  }
}

const refreshQueues = new WeakMap<SyncDeps, CustomerRefreshQueue>();

/** One queue per set of dependencies, shared by the handlers made from them. */
function refreshQueueFor(deps: SyncDeps): CustomerRefreshQueue {
  let queue = refreshQueues.get(deps);
  if (!queue) refreshQueues.set(deps, (queue = new CustomerRefreshQueue(deps)));
  return queue;
}

/** Kept on the job (fenced on this worker's claim), so a retry refreshes them even if its writes change nothing. */
async function rememberCustomers(tx: Tx, job: Job, customerIds: readonly number[]): Promise<void> {
  const payload = { ...(job.payload as Record<string, unknown>), customerIds: [...customerIds] };
  const { count } = await tx.job.updateMany({ where: { id: job.id, state: "RUNNING", lockedBy: job.lockedBy, attempts: job.attempts }, data: { payload } });
  if (count !== 1) throw new Error(`${WEBHOOK_JOB_KIND} job ${job.id}: the lease was lost; another worker applies the event`);
}

interface Written {
  customerIds: number[];
  /** customers were written without their details: a refresh must read them */
  stale: boolean;
}

/** A body's record in the sync's terms; an amount the currency cannot hold can never be applied. */
function mapped<T>(topic: string, map: () => T): T {
  try {
    return map();
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new PermanentJobError(`${topic} body: ${error.message}`);
    throw error;
  }
}

async function writeEmbedded(tx: Tx, ctx: SyncWriteContext, customer: EmbeddedCustomerInput | null): Promise<Written> {
  if (customer === null) return { customerIds: [], stale: false };
  const result = await writeEmbeddedCustomers(tx, ctx, [customer]);
  return { customerIds: result.customerIds, stale: result.written.size > 0 };
}

type DataTopicBody = Exclude<
  WebhookBody,
  {
    topic:
      | "customers/data_request"
      | "customers/redact"
      | "shop/redact"
      | "app/uninstalled"
      | "app/scopes_update"
      | "bulk_operations/finish"
      | "metafield_definitions/create"
      | "metafield_definitions/update"
      | "metafield_definitions/delete";
  }
>;

async function writeBody(tx: Tx, ctx: SyncWriteContext, parsed: WebhookBody, { at, shopCurrency }: { at: Date; shopCurrency: string }): Promise<Written> {
  const data = parsed as DataTopicBody;
  switch (data.topic) {
    case "customers/create":
    case "customers/update": {
      const input: CustomerInput = customerFromWebhook(data.body);
      const result = await writeCustomers(tx, ctx, [input], { markDetailsStale: true });
      return { customerIds: result.customerIds, stale: result.written.size > 0 };
    }
    case "customers/delete":
      await deleteCustomer(tx, ctx, data.body.id, at);
      return { customerIds: [], stale: false };
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled": {
      const body: WebhookBodies["orders/create"] = data.body;
      const order = mapped(data.topic, () => orderFromWebhook(body));
      const embedded = await writeEmbedded(tx, ctx, orderCustomerFromWebhook(body));
      const result = await writeOrders(tx, ctx, [order]);
      return { customerIds: [...embedded.customerIds, ...result.customerIds], stale: embedded.stale };
    }
    case "orders/delete":
      return { customerIds: (await deleteResources(tx, ctx, "ORDER", [data.body.id], at)).customerIds, stale: false };
    case "refunds/create": {
      const body = data.body;
      const refund = mapped(data.topic, () => refundFromWebhook(body, shopCurrency));
      return { customerIds: (await writeRefunds(tx, ctx, body.order_id, [refund])).customerIds, stale: false };
    }
    case "products/update": {
      const body = data.body;
      const product = mapped(data.topic, () => productFromWebhook(body, shopCurrency));
      return { customerIds: (await writeProducts(tx, ctx, [product])).customerIds, stale: false };
    }
    case "products/delete":
      return { customerIds: (await deleteResources(tx, ctx, "PRODUCT", [data.body.id], at)).customerIds, stale: false };
    case "checkouts/create":
    case "checkouts/update": {
      const body = data.body;
      const checkout = mapped(data.topic, () => checkoutFromWebhook(body));
      const embedded = await writeEmbedded(tx, ctx, checkoutCustomerFromWebhook(body));
      const result = await writeCheckouts(tx, ctx, [checkout]);
      return { customerIds: [...embedded.customerIds, ...result.customerIds], stale: embedded.stale };
    }
  }
}

type RecordKey = readonly [kind: "CUSTOMER" | "ORDER" | "PRODUCT" | "CHECKOUT", shopifyId: string];

/** The records a body writes (the customer inside an order or checkout too). */
function recordsOf(parsed: WebhookBody): RecordKey[] {
  const customer = (id: string | null | undefined): RecordKey[] => (id ? [["CUSTOMER", id]] : []);
  switch (parsed.topic) {
    case "customers/create":
    case "customers/update":
    case "customers/delete":
      return customer(parsed.body.id);
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled":
      return [["ORDER", parsed.body.id], ...customer(parsed.body.customer?.id)];
    case "orders/delete":
      return [["ORDER", parsed.body.id]];
    case "refunds/create":
      return [["ORDER", parsed.body.order_id]];
    case "products/update":
    case "products/delete":
      return [["PRODUCT", parsed.body.id]];
    case "checkouts/create":
    case "checkouts/update":
      return [["CHECKOUT", parsed.body.token], ...customer(parsed.body.customer?.id)];
    default:
      return [];
  }
}

// PostgreSQL advisory lock namespaces (first key) of the records a transaction writes
const RECORD_LOCKS = { CUSTOMER: 0x5e6_0011, ORDER: 0x5e6_0012, PRODUCT: 0x5e6_0013, CHECKOUT: 0x5e6_0014 } as const;

/** 32-bit FNV-1a of the shop and the record's id: the second key (a collision only makes two records take turns). */
function recordLockKey(shopId: number, shopifyId: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${shopId}:${shopifyId}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return hash | 0;
}

/**
 * PostgreSQL: locks the records a transaction is about to write, in one global order, until it
 * ends. Two workers applying bodies of the same record then take turns, and the second sees what
 * the first committed (its version, its tombstone) — without it, a delete and a create applied at
 * once both pass the tombstone check. SQLite has one writer at a time anyway.
 */
async function lockRecords(tx: Tx, kind: DatabaseKind, shopId: number, records: readonly RecordKey[]): Promise<void> {
  if (kind !== "postgresql" || records.length === 0) return;
  const keys = [...new Map(records.map(([record, id]) => [`${RECORD_LOCKS[record]}:${recordLockKey(shopId, id)}`, [RECORD_LOCKS[record], recordLockKey(shopId, id)] as const])).values()];
  keys.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [namespace, key] of keys) await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(CAST($1 AS integer), CAST($2 AS integer))`, namespace, key);
}

/** The customer leaves every segment first (counts adjusted by exactly their rows), then goes with a tombstone. */
async function deleteCustomer(tx: Tx, ctx: SyncWriteContext, shopifyId: string, at: Date): Promise<void> {
  const row = await tx.customer.findUnique({ where: { shopId_shopifyId: { shopId: ctx.shopId, shopifyId } }, select: { id: true } });
  if (row) await forgetCustomers(tx, ctx.kind, { shopId: ctx.shopId, customerIds: [row.id] });
  await deleteResources(tx, ctx, "CUSTOMER", [shopifyId], at);
}

/**
 * Makes sure a customers.refresh job of the shop is QUEUED: at most one waits at a time, while one
 * may be running (it may already have read past customers marked stale after it started).
 */
async function queueCustomerRefresh(tx: Tx, kind: DatabaseKind, shopId: number, now: Date, delayMs: number): Promise<void> {
  // two transactions must not both see none queued (READ COMMITTED); SQLite has one writer anyway
  if (kind === "postgresql") await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(CAST($1 AS integer), CAST($2 AS integer))`, REFRESH_QUEUE_LOCK, shopId);
  const queued = await tx.job.findFirst({ where: { kind: CUSTOMER_REFRESH_JOB, shopId, state: "QUEUED" }, select: { id: true } });
  if (!queued) await enqueue(tx, { kind: CUSTOMER_REFRESH_JOB, shopId, payload: { shopId }, runAt: new Date(now.getTime() + delayMs) }, { now });
}

// ------------------------------------------------------------------------------------ customers.refresh

export type FetchCustomerDetails = (admin: AdminClient, shopifyIds: readonly string[], options?: AdminRequestOptions) => Promise<CustomerInput[]>;

export interface CustomerRefreshOptions {
  /** customers per Admin API round (default CUSTOMER_REFRESH_BATCH) */
  batchSize?: number;
  /** default fetchCustomerDetails (app/shopify/operations/sync-queries.ts) */
  fetchDetails?: FetchCustomerDetails;
}

/**
 * The handler of "customers.refresh" jobs: reads the shop's stale customers (written from webhook
 * bodies that lack tags, consents and metafields) through the Admin API, in batches, and writes
 * them. The writer clears detailsStale only where the store's updatedAt is not newer than what was
 * read; a customer Shopify no longer has is not stale any more (customers/delete removes it).
 * Each customer is read at most once per run; one marked stale meanwhile has a new job queued.
 */
export function customerRefreshJobHandler(deps: SyncDeps, options: CustomerRefreshOptions = {}): JobHandler {
  const batchSize = options.batchSize ?? CUSTOMER_REFRESH_BATCH;
  const fetchDetails = options.fetchDetails ?? fetchCustomerDetails;
  return async (job, signal) => {
    const parsed = refreshJobPayload.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError(`${CUSTOMER_REFRESH_JOB} job ${job.id}: the payload is not { shopId }: ${describeIssues(parsed.error.issues)}`);
    const { shopId } = parsed.data;
    const { db } = deps;
    const shop = await db.shop.findUnique({ where: { id: shopId }, select: { domain: true, installState: true } });
    // redacted, or uninstalled (no token): nothing can be read
    if (!shop || shop.installState === "UNINSTALLED") return;
    const admin = await deps.adminFor(shop.domain);
    const ctx: SyncWriteContext = { kind: deps.kind, shopId };
    let after = 0;
    for (;;) {
      signal.throwIfAborted();
      const stale = await db.customer.findMany({
        where: { shopId, detailsStale: true, redactedAt: null, id: { gt: after } },
        orderBy: { id: "asc" },
        take: batchSize,
        select: { id: true, shopifyId: true },
      });
      const last = stale[stale.length - 1];
      if (!last) return;
      after = last.id;
      const fetched = await fetchDetails(admin, stale.map((c) => c.shopifyId), { signal });
      const customerIds = await db.$transaction(
        async (tx) => {
          await lockRecords(tx, deps.kind, shopId, stale.map((c): RecordKey => ["CUSTOMER", c.shopifyId]));
          const result = await writeCustomers(tx, ctx, fetched);
          const found = new Set(fetched.map((c) => c.shopifyId));
          const gone = stale.filter((c) => !found.has(c.shopifyId)).map((c) => c.id);
          if (gone.length > 0) await tx.customer.updateMany({ where: { shopId, id: { in: gone }, detailsStale: true }, data: { detailsStale: false } });
          return result.customerIds;
        },
        { timeout: 60_000, maxWait: 30_000 },
      );
      await refreshQueueFor(deps).refresh(shopId, customerIds);
    }
  };
}

// ------------------------------------------------------------------------------------ for the worker

/** Both handlers, keyed by job kind, for a Worker. */
export function webhookJobHandlers(deps: SyncDeps, options: WebhookProcessingOptions & CustomerRefreshOptions = {}): Record<string, JobHandler> {
  return {
    [WEBHOOK_JOB]: webhookJobHandler(deps, options),
    [CUSTOMER_REFRESH_JOB]: customerRefreshJobHandler(deps, options),
  };
}
