/**
 * A webhook storm against the real stand-in, shared by test/sync/webhook-storm.test.ts (~2,000
 * deliveries) and bench/webhook-storm.ts (20,000):
 *
 * 1. a slice of the CDNOW demo shop is served by the stand-in and already imported into a fresh
 *    store (through the app's webhook mappers and the store writers), segments computed;
 * 2. the app's webhook receiver (Shopify's own HMAC check, then the durable inbox) listens on
 *    loopback and is subscribed to every topic;
 * 3. merchants change the shop (customers created, updated, deleted; orders created, updated,
 *    cancelled, deleted; refunds; products updated) while the stand-in holds the webhooks; 10% of
 *    the changes are delivered twice, and forged deliveries (a tampered body, a wrong signature)
 *    make up 5%; then everything is released in a shuffled order while Workers process the inbox;
 * 4. the store is compared with the stand-in's truth, field by field.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import { LogSeverity } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { DatabaseKind, Db } from "~/db/client";
import { parseEnv } from "~/env.server";
import { Worker } from "~/jobs/worker.server";
import { recomputeShopSegments } from "~/services/membership.server";
import { offlineSession } from "~/services/demo.server";
import { receiveWebhook } from "~/services/webhook-receiver.server";
import { createAdminClient } from "~/shopify/admin-client.server";
import { parseWebhookBody, type WebhookBodies } from "~/shopify/webhook-payloads";
import { registerWebhookSubscriptions } from "~/shopify/webhooks.server";
import { recomputeCustomerStats } from "~/store/customer-stats.server";
import { writeCustomers, writeOrders, writeProducts } from "~/store/sync-writes.server";
import type { SyncDeps } from "~/sync/deps";
import { customerFromWebhook, orderFromWebhook, productFromWebhook } from "~/sync/from-webhook";
import { CUSTOMER_REFRESH_JOB, WEBHOOK_JOB, webhookJobHandlers } from "~/sync/inbox.server";
import { currencyDigits, decimalToMinor } from "~/sync/money";
import type { CustomerInput } from "~/sync/records";
import { prepareTestApp, TEST_SCOPES } from "../app/test-app";
import { startShopifyStandIn, type ShopifyStandIn } from "../shopify";
import type { DatasetCustomer, DatasetOrder, ShopDataset } from "../shopify/dataset";
import { customerPayload, orderPayload, productPayload } from "../shopify/webhooks/payloads";
import { freshStore } from "../store/harness";
import { seededRandom } from "../support/random";
import { demoShopSlice } from "./support";

export interface StormOptions {
  kind: DatabaseKind;
  /** deliveries to make: every change's webhooks, their duplicates and the forged ones (retries not counted) */
  deliveries: number;
  /** customers in the imported shop (default 200) */
  customers?: number;
  seed?: number;
  /** Workers side by side (default 1 on SQLite, 2 on PostgreSQL), each running this many jobs at once (default 8: their stats and membership refreshes are coalesced) */
  workers?: number;
  concurrency?: number;
  log?: (line: string) => void;
}

export interface StormReport {
  kind: DatabaseKind;
  changes: number;
  /** first attempts: genuine, their duplicates, forged */
  deliveries: number;
  duplicates: number;
  forged: number;
  /** HTTP requests made, retries of failed deliveries included */
  requests: number;
  /** from the first delivery to the last answer */
  deliverySeconds: number;
  /** from the first delivery until the inbox and the refreshes were done */
  totalSeconds: number;
  deliveriesPerSecond: number;
  forgedAnswered401: boolean;
  forgedStored: number;
  eventsStored: number;
  eventsDone: number;
  eventsFailed: number;
  /** every difference between the store and the stand-in's truth; empty when they are equal */
  mismatches: string[];
}

const API_VERSION = "2026-10";
const TOKEN = "shpat_storm";
const FORGED_EMAIL = "forged@attacker.example";

/** Segments whose members the comparison checks against the truth. */
const SEGMENTS = {
  repeat: "number_of_orders >= 2",
  vip: "customer_tags CONTAINS 'vip'",
  big: "amount_spent >= 150",
} as const;

let app: Awaited<ReturnType<typeof prepareTestApp>> | undefined;

/** Runs one storm on a fresh store of the given kind and reports what happened and what differs. */
export async function runWebhookStorm(options: StormOptions): Promise<StormReport> {
  const log = options.log ?? (() => undefined);
  // The app's configuration needs an environment; the first store prepared for it is not used here.
  app ??= await prepareTestApp("sqlite");
  const { createShopify } = await import("~/shopify.server");
  const config = testConfig();
  const store = await freshStore(options.kind);
  const db = store.db;
  if (options.kind === "sqlite") {
    // the store as a busy shop should run it (see the report): write-ahead log, no fsync per commit
    await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  }
  const random = seededRandom(options.seed ?? 7);
  const domain = `storm-${options.kind}-${Math.floor(random() * 1e9)}.myshopify.com`;
  const dataset = demoShopSlice({ customers: options.customers ?? 200, domain });

  // the stand-in's clock: a second passes between two changes, so every change has its own updated_at
  const clock: Clock = { offset: 0 };
  const standIn = await startShopifyStandIn({
    appSecret: config.apiSecretKey,
    apiVersion: API_VERSION,
    shops: [{ dataset, accessToken: TOKEN }],
    retrySchedule: [5, 10, 20],
    random: seededRandom((options.seed ?? 7) + 1),
    now: () => Date.now() + clock.offset,
  });
  const shopify = createShopify(parseEnv(process.env), db, testConfig({ sessionStorage: new PrismaSessionStorage(db as never), scopes: TEST_SCOPES, logger: { level: LogSeverity.Error } }));
  const server = await serveWebhooks((request) => receiveWebhook(request, { authenticate: (r) => shopify.authenticate.webhook(r), db }));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const workers: Worker[] = [];
  try {
    const admin = () => createAdminClient({ shop: domain, accessToken: TOKEN, apiVersion: API_VERSION, origin: standIn.url });
    await registerWebhookSubscriptions(admin(), appUrl);
    const shopId = await importShop(db, options.kind, dataset);
    await new PrismaSessionStorage(db as never).storeSession(offlineSession(domain, TOKEN, TEST_SCOPES));
    log(`${options.kind}: imported ${dataset.customers.length} customers, ${dataset.orders.length} orders, ${dataset.products.length} products`);

    const sender = standIn.sender(domain);
    sender.hold();
    const plan = makeChanges(standIn, domain, options.deliveries, random, appUrl, clock);
    log(`${options.kind}: ${plan.changes} changes → ${plan.deliveries} deliveries (${plan.duplicates} duplicates, ${plan.forged} forged)`);

    const deps: SyncDeps = { db, kind: options.kind, now: () => new Date(), adminFor: async () => admin() };
    const handlers = webhookJobHandlers(deps);
    // SQLite has one writer (the store's client serialises transactions): one worker is enough there
    for (let i = 0; i < (options.workers ?? (options.kind === "sqlite" ? 1 : 2)); i++) {
      workers.push(new Worker({ db, handlers, concurrency: options.concurrency ?? 8, pollMs: 20, backoff: { baseMs: 20, maxMs: 200 }, onError: () => undefined }).start());
    }
    const started = performance.now();
    await sender.release({ order: "shuffle" });
    await standIn.settled();
    const deliverySeconds = (performance.now() - started) / 1000;
    log(`${options.kind}: delivered in ${deliverySeconds.toFixed(1)} s; waiting for the inbox`);
    await waitForIdle(db, [WEBHOOK_JOB, CUSTOMER_REFRESH_JOB], 600_000);
    const totalSeconds = (performance.now() - started) / 1000;
    await Promise.all(workers.splice(0).map((w) => w.stop()));

    const attempts = sender.deliveries();
    const forgedIds = new Set(plan.forgedWebhookIds);
    const forgedAttempts = attempts.filter((a) => forgedIds.has(a.webhookId));
    const genuineIds = new Set(attempts.filter((a) => !forgedIds.has(a.webhookId)).map((a) => a.webhookId));
    const stored = await db.webhookEvent.findMany({ where: { shopDomain: domain }, select: { webhookId: true, status: true, lastError: true } });
    const mismatches = await compareWithTruth(db, shopId, standIn, domain);
    const acknowledged = new Set(attempts.filter((a) => a.ok).map((a) => a.webhookId));
    for (const id of genuineIds) if (!acknowledged.has(id)) mismatches.push(`delivery ${id} never got a 2xx`);
    if (stored.length !== genuineIds.size) mismatches.push(`inbox holds ${stored.length} events for ${genuineIds.size} genuine deliveries`);
    for (const event of stored.filter((e) => e.status !== "DONE").slice(0, 5)) mismatches.push(`event ${event.webhookId} is ${event.status}: ${event.lastError ?? ""}`);
    return {
      kind: options.kind,
      changes: plan.changes,
      deliveries: plan.deliveries,
      duplicates: plan.duplicates,
      forged: plan.forged,
      requests: attempts.length,
      deliverySeconds,
      totalSeconds,
      deliveriesPerSecond: plan.deliveries / totalSeconds,
      forgedAnswered401: forgedAttempts.length > 0 && forgedAttempts.every((a) => a.status === 401),
      forgedStored: stored.filter((e) => forgedIds.has(e.webhookId)).length,
      eventsStored: stored.length,
      eventsDone: stored.filter((e) => e.status === "DONE").length,
      eventsFailed: stored.filter((e) => e.status === "FAILED").length,
      mismatches,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await new Promise((resolve) => server.close(resolve));
    await standIn.close();
    await store.drop();
  }
}

/** The app's webhook receiver on loopback: every /webhooks/* path, as the route modules do. */
async function serveWebhooks(receive: (request: Request) => Promise<Response>): Promise<Server> {
  const server = createServer((incoming, outgoing) => {
    void (async () => {
      try {
        const body = await readAll(incoming);
        const headers = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
        const request = new Request(`http://${incoming.headers.host ?? "127.0.0.1"}${incoming.url ?? "/"}`, { method: incoming.method, headers, body: incoming.method === "POST" ? new Uint8Array(body) : undefined });
        const response = await receive(request);
        outgoing.writeHead(response.status).end(await response.text());
      } catch {
        outgoing.writeHead(500).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

async function readAll(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function waitForIdle(db: Db, kinds: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await db.job.count({ where: { kind: { in: kinds }, state: { in: ["QUEUED", "RUNNING"] } } })) > 0) {
    if (Date.now() > deadline) throw new Error(`the inbox is not done after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ------------------------------------------------------------------------------------ the import

function parsed<T extends keyof WebhookBodies>(topic: T, json: unknown): WebhookBodies[T] {
  const result = parseWebhookBody(topic, JSON.stringify(json));
  if (!result.ok) throw new Error(result.error);
  return result.body as WebhookBodies[T];
}

/** What the Admin API knows of a customer beyond its webhook body: tags, consents, metafields. */
function fullCustomer(c: DatasetCustomer, shop: ShopDataset["shop"]): CustomerInput {
  const consent = <S extends string>(value: { marketingState: S; consentUpdatedAt: string | null } | null) =>
    value ? { state: value.marketingState, updatedAt: value.consentUpdatedAt === null ? null : new Date(value.consentUpdatedAt) } : { state: "NOT_SUBSCRIBED" as const, updatedAt: null };
  return {
    ...customerFromWebhook(parsed("customers/create", customerPayload(c, shop, "customers/create"))),
    locale: c.locale,
    tags: c.tags,
    emailMarketing: consent(c.emailMarketingConsent),
    smsMarketing: consent(c.smsMarketingConsent),
    metafields: c.metafields.map((m) => ({ namespace: m.namespace, key: m.key, type: m.type, value: m.value })),
  };
}

/** The shop as an initial sync leaves it: every record written, stats and segments computed. */
async function importShop(db: Db, kind: DatabaseKind, dataset: ShopDataset): Promise<number> {
  const shop = await db.shop.create({
    data: { domain: dataset.shop.myshopifyDomain, name: dataset.shop.name, currencyCode: dataset.shop.currencyCode, ianaTimezone: dataset.shop.ianaTimezone, syncState: "SUCCEEDED", installedAt: new Date(0) },
  });
  const ctx = { kind, shopId: shop.id };
  const collections = new Map(dataset.collections.map((c) => [c.id, c]));
  const customers = new Map(dataset.customers.map((c) => [c.id, c]));
  const batch = <T>(items: readonly T[], size = 200) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
  for (const products of batch(dataset.products)) {
    await db.$transaction(
      (tx) =>
        writeProducts(
          tx,
          ctx,
          products.map((p) => ({
            ...productFromWebhook(parsed("products/update", productPayload(p)), dataset.shop.currencyCode),
            collections: p.collectionIds.flatMap((id) => {
              const c = collections.get(id);
              return c ? [{ shopifyId: c.id, handle: c.handle, title: c.title }] : [];
            }),
          })),
        ),
      { timeout: 60_000 },
    );
  }
  for (const group of batch(dataset.customers)) await db.$transaction((tx) => writeCustomers(tx, ctx, group.map((c) => fullCustomer(c, dataset.shop))), { timeout: 60_000 });
  for (const orders of batch(dataset.orders)) {
    const inputs = orders.map((o) => orderFromWebhook(parsed("orders/create", orderPayload(o, o.customerId ? (customers.get(o.customerId) ?? null) : null, dataset.shop))));
    await db.$transaction((tx) => writeOrders(tx, ctx, inputs), { timeout: 60_000 });
  }
  for (const [name, query] of Object.entries(SEGMENTS)) await db.segment.create({ data: { shopId: shop.id, name, handle: name, query } });
  await recomputeCustomerStats(db, kind, shop.id);
  await recomputeShopSegments(db, kind, { shopId: shop.id, now: new Date() });
  return shop.id;
}

// ------------------------------------------------------------------------------------ the changes

interface Plan {
  changes: number;
  deliveries: number;
  duplicates: number;
  forged: number;
  forgedWebhookIds: string[];
}

function pick<T>(items: readonly T[], random: () => number): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(random() * items.length)];
}

const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
const cents = (amount: string) => Number(decimalToMinor(amount, 2));

/**
 * Merchants change the shop until the held deliveries reach the target: each change is made
 * through the stand-in's merchant actions (which emit its webhooks), 10% of them delivered twice,
 * and forged deliveries are added for 5% of the target.
 */
/** The stand-in's clock runs this far ahead of the machine's. */
interface Clock {
  offset: number;
}

function makeChanges(standIn: ShopifyStandIn, domain: string, target: number, random: () => number, appUrl: string, clock: Clock): Plan {
  const shop = standIn.admin.shop(domain);
  const actions = standIn.admin.actions;
  const sender = standIn.sender(domain);
  const plan: Plan = { changes: 0, deliveries: 0, duplicates: 0, forged: 0, forgedWebhookIds: [] };
  const templateOrder = [...shop.orders.values()].find((o) => o.lineItems.length > 0 && o.refunds.length === 0) as DatasetOrder;
  const templateCustomer = [...shop.customers.values()][0] as DatasetCustomer;
  let sequence = 0;
  const nextId = (base: number) => String(base + ++sequence);

  const changes: { weight: number; run: () => boolean }[] = [
    {
      weight: 25,
      run: () => {
        const customer = pick([...shop.customers.values()], random);
        if (!customer) return false;
        const variants: Partial<DatasetCustomer>[] = [
          { firstName: `${customer.firstName.split(" ")[0] ?? ""} ${sequence}` },
          { note: `called on change ${sequence}` },
          { tags: customer.tags.includes("vip") ? customer.tags.filter((t) => t !== "vip") : [...customer.tags, "vip"] },
          { phone: `+3161${String(1_000_000 + sequence).slice(-7)}` },
        ];
        actions.updateCustomer(domain, customer.id, pick(variants, random) ?? {});
        return true;
      },
    },
    {
      weight: 8,
      run: () => {
        const id = nextId(8_800_000_000);
        actions.createCustomer(domain, {
          ...structuredClone(templateCustomer),
          id,
          firstName: `New${sequence}`,
          email: `new${sequence}@example.com`,
          phone: null,
          tags: random() < 0.3 ? ["vip"] : [],
          addresses: templateCustomer.addresses.map((a, i) => ({ ...a, id: nextId(8_900_000_000 + i) })),
          createdAt: "",
        });
        return true;
      },
    },
    {
      weight: 3,
      run: () => {
        // Shopify deletes only customers without orders
        const customer = pick([...shop.customers.values()].filter((c) => shop.ordersOf(c.id).length === 0), random);
        if (!customer) return false;
        actions.deleteCustomer(domain, customer.id);
        return true;
      },
    },
    {
      weight: 20,
      run: () => {
        const customer = random() < 0.1 ? null : pick([...shop.customers.values()], random);
        const id = nextId(6_600_000_000);
        const at = new Date(Date.now() + clock.offset).toISOString();
        actions.createOrder(domain, {
          ...structuredClone(templateOrder),
          id,
          name: `#${50_000 + sequence}`,
          customerId: customer?.id ?? null,
          email: customer?.email ?? null,
          financialStatus: "PAID",
          cancelledAt: null,
          cancelReason: null,
          refunds: [],
          processedAt: at,
          createdAt: "",
          lineItems: templateOrder.lineItems.map((l, i) => ({ ...l, id: nextId(6_700_000_000 + i) })),
        });
        return true;
      },
    },
    {
      weight: 12,
      run: () => {
        const order = pick([...shop.orders.values()], random);
        if (!order) return false;
        const patch: Partial<DatasetOrder> = random() < 0.5 ? { email: `changed${sequence}@example.com` } : { financialStatus: order.financialStatus === "PAID" ? "PENDING" : "PAID" };
        actions.updateOrder(domain, order.id, patch);
        return true;
      },
    },
    {
      weight: 5,
      run: () => {
        const order = pick([...shop.orders.values()].filter((o) => o.cancelledAt === null), random);
        if (!order) return false;
        actions.cancelOrder(domain, order.id);
        return true;
      },
    },
    {
      weight: 3,
      run: () => {
        const order = pick([...shop.orders.values()], random);
        if (!order) return false;
        actions.deleteOrder(domain, order.id);
        return true;
      },
    },
    {
      weight: 8,
      run: () => {
        const order = pick([...shop.orders.values()].filter((o) => o.cancelledAt === null && cents(o.totalPrice) - o.refunds.reduce((s, r) => s + cents(r.totalRefunded), 0) >= 100), random);
        if (!order) return false;
        actions.addRefund(domain, order.id, { id: nextId(6_900_000_000), totalRefunded: money(100 + Math.floor(random() * 400)), note: null });
        return true;
      },
    },
    {
      weight: 5,
      run: () => {
        const product = pick([...shop.products.values()], random);
        if (!product) return false;
        actions.updateProduct(domain, product.id, random() < 0.5 ? { title: `${product.title.split(" (")[0] ?? ""} (edition ${sequence})` } : { tags: [...product.tags.filter((t) => t !== "sale"), ...(product.tags.includes("sale") ? [] : ["sale"])] });
        return true;
      },
    },
  ];
  const totalWeight = changes.reduce((sum, c) => sum + c.weight, 0);
  const forgedTarget = Math.round(target * 0.05);

  while (plan.deliveries < target - forgedTarget) {
    let roll = random() * totalWeight;
    const change = changes.find((c) => (roll -= c.weight) < 0) ?? (changes[0] as (typeof changes)[number]);
    const duplicate = random() < 0.1;
    standIn.delivery = duplicate ? { duplicate: 1 } : {};
    const before = sender.heldCount();
    clock.offset += 1000;
    if (!change.run()) continue;
    const added = sender.heldCount() - before;
    plan.changes += 1;
    plan.deliveries += added * (duplicate ? 2 : 1);
    if (duplicate) plan.duplicates += added;
  }
  standIn.delivery = {};

  // forged: a customer body with a tampered e-mail, signed with the wrong secret
  for (let i = 0; i < forgedTarget; i++) {
    const customer = pick([...shop.customers.values()], random) ?? templateCustomer;
    const webhookId = `forged-${i}-${Math.floor(random() * 1e9)}`;
    plan.forgedWebhookIds.push(webhookId);
    void sender.send(
      { topic: "customers/update", address: `${appUrl}/webhooks/customers/update`, webhookId, payload: customerPayload({ ...customer, email: FORGED_EMAIL, updatedAt: new Date(Date.now() + 86_400_000).toISOString() }, shop.data.shop) },
      { misSign: true },
    );
    plan.forged += 1;
    plan.deliveries += 1;
  }
  return plan;
}

// ------------------------------------------------------------------------------------ the comparison

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) === JSON.stringify(b, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

const time = (value: string | Date | null | undefined) => (value === null || value === undefined || value === "" ? null : new Date(value).getTime());

/** Every field of the store that differs from the stand-in's truth (customers, orders, lines, refunds, products, stats, tags, segments). */
async function compareWithTruth(db: Db, shopId: number, standIn: ShopifyStandIn, domain: string): Promise<string[]> {
  const truth = standIn.admin.shop(domain);
  const found: string[] = [];
  const differ = (what: string, store: unknown, shopify: unknown) => {
    if (!same(store, shopify)) found.push(`${what}: store ${JSON.stringify(store, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}, Shopify ${JSON.stringify(shopify, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`);
  };
  const counted = (o: DatasetOrder) => o.cancelledAt === null && !o.test;
  const refunded = (o: DatasetOrder) => o.refunds.reduce((sum, r) => sum + decimalToMinor(r.totalRefunded, 2), 0n);
  const digits = currencyDigits(truth.data.shop.currencyCode);

  // customers: the record, its details (after the refresh) and the stats derived from its orders
  const customers = await db.customer.findMany({ where: { shopId }, include: { tags: true, addresses: true, metafields: true } });
  const customerRows = new Map(customers.map((c) => [c.shopifyId, c]));
  differ("customer ids", [...customerRows.keys()].sort(), [...truth.customers.keys()].sort());
  for (const c of truth.customers.values()) {
    const row = customerRows.get(c.id);
    if (!row) continue;
    const orders = truth.ordersOf(c.id).filter(counted);
    const processed = orders.map((o) => time(o.processedAt) as number);
    const metafields = (truth.metafields.get(`gid://shopify/Customer/${c.id}`) ?? []).map((m) => `${m.namespace}.${m.key}=${m.value}`).sort();
    differ(`customer ${c.id}`, {
      firstName: row.firstName, lastName: row.lastName, email: row.email, phone: row.phone, note: row.note, state: row.accountState, verifiedEmail: row.verifiedEmail, locale: row.locale,
      tags: row.tags.map((t) => t.normalized).sort(),
      emailMarketing: row.emailMarketingState, smsMarketing: row.smsMarketingState,
      metafields: row.metafields.map((m) => `${m.namespace}.${m.key}=${m.value}`).sort(),
      cities: row.addresses.map((a) => `${a.countryCode ?? ""}/${a.city ?? ""}`).sort(),
      stale: row.detailsStale,
      orders: row.numberOfOrders, spent: row.amountSpentMinor, first: time(row.firstOrderAt), last: time(row.lastOrderAt),
    }, {
      firstName: c.firstName, lastName: c.lastName, email: c.email, phone: c.phone, note: c.note, state: c.state, verifiedEmail: c.verifiedEmail, locale: c.locale,
      tags: [...new Set(c.tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].sort(),
      emailMarketing: c.emailMarketingConsent?.marketingState ?? "NOT_SUBSCRIBED", smsMarketing: c.smsMarketingConsent?.marketingState ?? "NOT_SUBSCRIBED",
      metafields,
      cities: c.addresses.map((a) => `${a.countryCode}/${a.city}`).sort(),
      stale: false,
      orders: orders.length,
      spent: orders.reduce((sum, o) => sum + decimalToMinor(o.totalPrice, digits) - refunded(o), 0n),
      first: processed.length ? Math.min(...processed) : null,
      last: processed.length ? Math.max(...processed) : null,
    });
  }

  // orders, their lines and refunds
  const orders = await db.order.findMany({ where: { shopId }, include: { lines: true } });
  const orderRows = new Map(orders.map((o) => [o.shopifyId, o]));
  const refundRows = await db.orderRefund.findMany({ where: { shopId } });
  differ("order ids", [...orderRows.keys()].sort(), [...truth.orders.keys()].sort());
  differ("refund ids", refundRows.map((r) => `${r.orderShopifyId}/${r.shopifyId}`).sort(), [...truth.orders.values()].flatMap((o) => o.refunds.map((r) => `${o.id}/${r.id}`)).sort());
  for (const o of truth.orders.values()) {
    const row = orderRows.get(o.id);
    if (!row) continue;
    differ(`order ${o.id}`, {
      email: row.email, customer: row.customerShopifyId, linked: row.customerId !== null, status: row.financialStatus, cancelledAt: time(row.cancelledAt), total: row.totalMinor, refunded: row.totalRefundedMinor,
      lines: row.lines.map((l) => `${l.shopifyId}x${l.quantity}@${l.unitPriceMinor}`).sort(),
    }, {
      email: o.email, customer: o.customerId, linked: o.customerId !== null && truth.customers.has(o.customerId), status: o.financialStatus, cancelledAt: time(o.cancelledAt), total: decimalToMinor(o.totalPrice, digits), refunded: refunded(o),
      lines: o.lineItems.map((l) => `${l.id}x${l.quantity}@${decimalToMinor(l.originalUnitPrice, digits)}`).sort(),
    });
  }

  // products
  const products = await db.product.findMany({ where: { shopId }, include: { tags: true, variants: true } });
  const productRows = new Map(products.map((p) => [p.shopifyId, p]));
  differ("product ids", [...productRows.keys()].sort(), [...truth.products.keys()].sort());
  for (const p of truth.products.values()) {
    const row = productRows.get(p.id);
    if (!row) continue;
    differ(`product ${p.id}`, { title: row.title, tags: row.tags.map((t) => t.normalized).sort(), variants: row.variants.map((v) => `${v.shopifyId}:${v.sku ?? ""}@${v.priceMinor}`).sort() }, {
      title: p.title,
      tags: [...new Set(p.tags.map((t) => t.toLowerCase()))].sort(),
      variants: p.variants.map((v) => `${v.id}:${v.sku}@${decimalToMinor(v.price, digits)}`).sort(),
    });
  }

  // segment members, as the truth says they must be
  const expected: Record<keyof typeof SEGMENTS, (c: DatasetCustomer) => boolean> = {
    repeat: (c) => truth.ordersOf(c.id).filter(counted).length >= 2,
    vip: (c) => c.tags.some((t) => t.toLowerCase() === "vip"),
    big: (c) => truth.ordersOf(c.id).filter(counted).reduce((sum, o) => sum + decimalToMinor(o.totalPrice, digits) - refunded(o), 0n) >= 150n * 10n ** BigInt(digits),
  };
  for (const [handle, isMember] of Object.entries(expected)) {
    const segment = await db.segment.findFirstOrThrow({ where: { shopId, handle }, include: { members: { include: { customer: { select: { shopifyId: true } } } } } });
    const members = segment.members.map((m) => m.customer.shopifyId).sort();
    const truthMembers = [...truth.customers.values()].filter(isMember).map((c) => c.id).sort();
    differ(`segment ${handle} members`, members, truthMembers);
    differ(`segment ${handle} memberCount`, segment.memberCount, truthMembers.length);
  }
  if ((await db.customer.count({ where: { shopId, email: FORGED_EMAIL } })) > 0) found.push("a forged body reached the store");
  return found;
}
