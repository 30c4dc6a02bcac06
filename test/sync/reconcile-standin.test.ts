/**
 * Reconciliation against the Shopify stand-in, on both stores: the merchant changes and deletes
 * records while their webhooks are lost (the Admin stand-in alone sends none), reconcile runs, and
 * the store matches Shopify again — field by field, with tombstones, stats and membership; the
 * shop's customer metafield definitions follow too. A second run with nothing changed costs five
 * cheap requests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PermanentJobError, type Job } from "~/jobs/queue.server";
import { createAdminClient, type AdminClient } from "~/shopify/admin-client.server";
import { fetchOrders, fetchProducts } from "~/shopify/operations/reconcile";
import { fetchCustomerDetails } from "~/shopify/operations/sync-queries";
import { recomputeCustomerStats } from "~/store/customer-stats.server";
import { writeCustomers, writeOrders, writeProducts } from "~/store/sync-writes.server";
import type { SyncDeps } from "~/sync/deps";
import { RECONCILE_JOB, reconcileJobHandler, reconcileShop } from "~/sync/reconcile.server";
import { buildDataset } from "../shopify/admin/builder";
import { startAdminStandIn, type AdminStandIn, type CostRecord } from "../shopify/admin";
import type { DatasetCustomer, DatasetOrder, DatasetProduct, ShopDataset } from "../shopify/dataset";
import { freshStore, storeKinds, type TestStore } from "../store/harness";

const kinds = await storeKinds();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse("2026-11-20T12:00:00.000Z");
const SCOPES = "read_customers,write_customers,read_orders,read_all_orders,read_products";

let clock = T0;
let standIn: AdminStandIn;
const requests = new Map<string, CostRecord[]>();

beforeAll(async () => {
  standIn = await startAdminStandIn({
    now: () => clock,
    // a Plus-sized bucket: these tests count requests, not throttling
    maximumAvailable: 20_000,
    restoreRate: 1_000,
    onCost: (domain, record) => requests.set(domain, [...(requests.get(domain) ?? []), record]),
  });
});
afterAll(() => standIn.close());

/** The tiny dataset, with more to reconcile: three products, a refund and a discount code. */
function dataset(domain: string, customers: number, ordersEach: number): ShopDataset {
  const data = buildDataset({ domain, customers, ordersEach });
  const day = (n: number) => new Date(Date.UTC(2025, 0, 1 + n)).toISOString();
  const product = (id: string, title: string, variants: number): DatasetProduct => ({
    id,
    handle: title.toLowerCase().replace(/\W+/g, "-"),
    title,
    productType: "Merch",
    vendor: "CDNow",
    tags: ["merch"],
    collectionIds: ["4100000001"],
    variants: Array.from({ length: variants }, (_, i) => ({ id: `${id}${i}`, sku: `SKU-${id}-${i}`, title: `Size ${i}`, price: "15.00" })),
    createdAt: day(1),
    updatedAt: day(2),
  });
  data.products.push(product("8000000002", "Tour shirt", 3), product("8000000003", "Poster", 1));
  const first = data.orders[0];
  if (first) {
    first.discountCodes = ["WELCOME10"];
    first.refunds = [{ id: "8800000001", createdAt: day(30), totalRefunded: "5.00", note: "Scratched sleeve" }];
    first.financialStatus = "PARTIALLY_REFUNDED";
  }
  return data;
}

/** What the store must hold of each record, read from Shopify's side (the stand-in's live shop). */
function shopifySnapshot(domain: string) {
  const shop = standIn.shop(domain);
  const iso = (s: string | null) => (s === null ? null : new Date(s).toISOString());
  const cents = (s: string) => Math.round(Number(s) * 100);
  const customers = [...shop.customers.values()].map((c: DatasetCustomer) => ({
    id: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    phone: c.phone,
    tags: [...c.tags].sort(),
    zips: c.addresses.map((a) => a.zip).sort(),
    metafields: (shop.metafields.get(`gid://shopify/Customer/${c.id}`) ?? []).map((m) => `${m.namespace}.${m.key}=${m.value}`).sort(),
    updatedAt: iso(c.updatedAt),
  }));
  const orders = [...shop.orders.values()].map((o: DatasetOrder) => ({
    id: o.id,
    customer: o.customerId,
    email: o.email,
    total: cents(o.totalPrice),
    refunded: o.refunds.reduce((sum, r) => sum + cents(r.totalRefunded), 0),
    financialStatus: o.financialStatus,
    cancelledAt: iso(o.cancelledAt),
    lines: o.lineItems.map((l) => l.id).sort(),
    updatedAt: iso(o.updatedAt),
  }));
  const products = [...shop.products.values()].map((p: DatasetProduct) => ({
    id: p.id,
    title: p.title,
    productType: p.productType,
    variants: p.variants.map((v) => v.id).sort(),
    collections: [...p.collectionIds].sort(),
    updatedAt: iso(p.updatedAt),
  }));
  const byId = <T extends { id: string }>(rows: T[]) => rows.sort((a, b) => a.id.localeCompare(b.id));
  return { customers: byId(customers), orders: byId(orders), products: byId(products) };
}

/** The same, read from the store. */
async function storeSnapshot(store: TestStore, shopId: number) {
  const { db } = store;
  const customers = await db.customer.findMany({ where: { shopId, redactedAt: null }, include: { tags: true, addresses: true, metafields: true } });
  const orders = await db.order.findMany({ where: { shopId }, include: { lines: true } });
  const products = await db.product.findMany({ where: { shopId }, include: { variants: true, collections: { include: { collection: true } } } });
  const byId = <T extends { id: string }>(rows: T[]) => rows.sort((a, b) => a.id.localeCompare(b.id));
  return {
    customers: byId(
      customers.map((c) => ({
        id: c.shopifyId,
        firstName: c.firstName,
        lastName: c.lastName,
        email: c.email,
        phone: c.phone,
        tags: c.tags.map((t) => t.tag).sort(),
        zips: c.addresses.map((a) => a.zip).sort(),
        metafields: c.metafields.map((m) => `${m.namespace}.${m.key}=${m.value}`).sort(),
        updatedAt: c.shopifyUpdatedAt.toISOString(),
      })),
    ),
    orders: byId(
      orders.map((o) => ({
        id: o.shopifyId,
        customer: o.customerShopifyId,
        email: o.email,
        total: Number(o.totalMinor),
        refunded: Number(o.totalRefundedMinor),
        financialStatus: o.financialStatus,
        cancelledAt: o.cancelledAt?.toISOString() ?? null,
        lines: o.lines.map((l) => l.shopifyId).sort(),
        updatedAt: o.shopifyUpdatedAt.toISOString(),
      })),
    ),
    products: byId(
      products.map((p) => ({
        id: p.shopifyId,
        title: p.title,
        productType: p.productType,
        variants: p.variants.map((v) => v.shopifyId).sort(),
        collections: p.collections.map((c) => c.collection.shopifyId).sort(),
        updatedAt: p.shopifyUpdatedAt.toISOString(),
      })),
    ),
  };
}

/** A store in step with Shopify at the start: every record read through the Admin API and written. */
async function seedFromShopify(store: TestStore, shopId: number, admin: AdminClient, domain: string): Promise<void> {
  const shop = standIn.shop(domain);
  const ctx = { kind: store.kind, shopId };
  const products = await fetchProducts(admin, [...shop.products.keys()], "EUR");
  const customers = await fetchCustomerDetails(admin, [...shop.customers.keys()]);
  const orders = await fetchOrders(admin, [...shop.orders.keys()]);
  await store.db.$transaction(
    async (tx) => {
      await writeProducts(tx, ctx, products);
      await writeCustomers(tx, ctx, customers);
      await writeOrders(tx, ctx, orders);
    },
    { timeout: 60_000 },
  );
  await recomputeCustomerStats(store.db, store.kind, shopId);
}

interface Setup {
  store: TestStore;
  shopId: number;
  domain: string;
  deps: SyncDeps;
}

async function setUp(store: TestStore, name: string, { customers = 30, ordersEach = 2 } = {}): Promise<Setup> {
  clock = T0;
  const domain = `${name}-${store.kind}.myshopify.com`;
  const token = `token-${domain}`;
  standIn.addShop(dataset(domain, customers, ordersEach), token);
  const admin = createAdminClient({ shop: domain, accessToken: token, apiVersion: "2026-10", origin: standIn.url });
  const shop = await store.db.shop.create({ data: { domain, name, currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam", syncState: "SUCCEEDED", lastReconciledAt: new Date(T0), scopes: SCOPES } });
  await seedFromShopify(store, shop.id, admin, domain);
  const deps: SyncDeps = { db: store.db, kind: store.kind, adminFor: async () => admin, now: () => new Date(clock) };
  return { store, shopId: shop.id, domain, deps };
}

/** The Admin requests a run made, by operation name. */
async function counting<T>(domain: string, run: () => Promise<T>): Promise<{ result: T; operations: string[] }> {
  const before = requests.get(domain)?.length ?? 0;
  const result = await run();
  const operations = (requests.get(domain) ?? []).slice(before).map((r) => r.operationName ?? "?");
  return { result, operations };
}

describe.each(kinds)("reconciliation on %s", (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(kind);
  });
  afterAll(() => store.drop());

  it("mends lost webhooks: the store matches Shopify again; a second run with nothing changed asks five cheap questions", async () => {
    const { shopId, domain, deps } = await setUp(store, "lost");
    expect(await storeSnapshot(store, shopId)).toEqual(shopifySnapshot(domain));
    const loyal = await store.db.segment.create({ data: { shopId, name: "Loyal", handle: "loyal", query: "number_of_orders >= 3" } });

    // Two hours later the merchant works in Shopify; none of it reaches the app.
    clock = T0 + 2 * HOUR;
    const actions = standIn.actions;
    const template = standIn.shop(domain).customers.get("7000000001") as DatasetCustomer;
    actions.updateCustomer(domain, "7000000003", { email: "renamed@example.net", firstName: "Renamed", tags: ["vip", "wholesale"] });
    actions.createCustomer(domain, { ...structuredClone(template), id: "7000000031", firstName: "New", email: "new@example.com", createdAt: "", metafields: [{ namespace: "custom", key: "birthday", type: "date", value: "1990-05-05" }] });
    const orderOf = (id: string, customerId: string, email: string): DatasetOrder => ({ ...structuredClone(standIn.shop(domain).orders.get("5000000001") as DatasetOrder), id, name: `#${id}`, customerId, email, discountCodes: [], refunds: [], financialStatus: "PAID", createdAt: "" });
    actions.createOrder(domain, orderOf("5000000101", "7000000031", "new@example.com"));
    actions.createOrder(domain, orderOf("5000000102", "7000000005", "c5@example.com"));
    actions.cancelOrder(domain, "5000000013"); // customer 7's first order
    actions.addRefund(domain, "5000000003", { id: "8800000002", totalRefunded: "45.00", note: null }); // customer 2's
    actions.updateProduct(domain, "8000000002", { title: "Tour shirt 2026", productType: "Apparel" });
    for (const order of ["5000000017", "5000000018"]) actions.deleteOrder(domain, order); // customer 9's orders
    actions.deleteCustomer(domain, "7000000009");
    actions.deleteOrder(domain, "5000000021"); // customer 11's first
    actions.deleteProduct(domain, "8000000003");
    // an order Shopify holds whose updatedAt is long past (its creation was missed long ago): only counts find it
    standIn.shop(domain).indexOrder({ ...orderOf("5000000103", "7000000001", "c1@example.com"), createdAt: "2025-03-01T00:00:00.000Z", updatedAt: "2025-03-01T00:00:00.000Z" });

    clock = T0 + DAY;
    const first = await counting(domain, () => reconcileShop(deps, { shopId }));
    expect(first.result.status).toBe("reconciled");
    expect(await storeSnapshot(store, shopId)).toEqual(shopifySnapshot(domain));
    if (first.result.status !== "reconciled") return;
    expect(first.result.resources.customers).toMatchObject({ deleted: 1, shopifyCount: 30 });
    expect(first.result.resources.orders).toMatchObject({ deleted: 3, shopifyCount: 60 });
    expect(first.result.resources.products).toMatchObject({ deleted: 1, fetched: 1, shopifyCount: 2 });
    expect(first.result.fullSyncQueued).toBe(false);

    // tombstones keep the deleted records out if a late webhook brings them
    const tombstones = await store.db.deletedResource.findMany({ where: { shopId }, orderBy: [{ kind: "asc" }, { shopifyId: "asc" }] });
    expect(tombstones.map((t) => `${t.kind}:${t.shopifyId}`)).toEqual(["CUSTOMER:7000000009", "ORDER:5000000017", "ORDER:5000000018", "ORDER:5000000021", "PRODUCT:8000000003"]);
    // derived stats follow: new orders, a cancelled one, a refund, a deleted one, the long-missed one
    const stats = async (shopifyId: string) =>
      store.db.customer.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId, shopifyId } }, select: { numberOfOrders: true, amountSpentMinor: true, detailsStale: true } });
    expect(await stats("7000000005")).toEqual({ numberOfOrders: 3, amountSpentMinor: 13_500n, detailsStale: false });
    expect(await stats("7000000007")).toMatchObject({ numberOfOrders: 1, amountSpentMinor: 4_500n });
    expect(await stats("7000000002")).toMatchObject({ numberOfOrders: 2, amountSpentMinor: 4_500n });
    expect(await stats("7000000011")).toMatchObject({ numberOfOrders: 1, amountSpentMinor: 4_500n });
    expect(await stats("7000000031")).toMatchObject({ numberOfOrders: 1, amountSpentMinor: 4_500n, detailsStale: false });
    expect(await stats("7000000001")).toMatchObject({ numberOfOrders: 3 });
    // membership: customers 1 and 5 reached three orders
    const members = await store.db.segmentMember.findMany({ where: { segmentId: loyal.id }, include: { customer: { select: { shopifyId: true } } } });
    expect(members.map((m) => m.customer.shopifyId).sort()).toEqual(["7000000001", "7000000005"]);
    expect(await store.db.segmentMembershipEvent.count({ where: { segmentId: loyal.id, change: "JOINED" } })).toBe(2);
    const shopRow = await store.db.shop.findUniqueOrThrow({ where: { id: shopId } });
    expect(shopRow.lastReconciledAt?.getTime()).toBe(T0 + DAY);

    // A day later, nothing changed: three listings of recent changes (all empty), one count and one list of definitions, nothing fetched.
    clock = T0 + 2 * DAY;
    const second = await counting(domain, () => reconcileShop(deps, { shopId }));
    expect(second.operations.sort()).toEqual(["AppCustomerMetafieldDefinitions", "AppReconcileRecentCustomers", "AppReconcileRecentOrders", "AppReconcileRecentProducts", "AppSyncCounts"]);
    expect(second.result).toMatchObject({ definitions: { changes: { created: [], updated: [], deleted: [] }, recomputed: [] } });
    expect(second.result.status === "reconciled" && Object.values(second.result.resources).every((r) => r.fetched === 0 && r.deleted === 0 && r.written === 0)).toBe(true);
    expect(await storeSnapshot(store, shopId)).toEqual(shopifySnapshot(domain));
  });

  it("picks up metafield definitions whose webhooks were lost, and re-checks the segments that name them", async () => {
    const { shopId, domain, deps } = await setUp(store, "definitions");
    // saved before the store knew any definition: neither checks yet
    const birthday = await store.db.segment.create({ data: { shopId, name: "Birthday known", handle: "birthday-known", query: "metafields.custom.birthday IS NOT NULL" } });
    const shoes = await store.db.segment.create({ data: { shopId, name: "Big feet", handle: "big-feet", query: "metafields.facts.shoe_size >= 45" } });
    await store.db.segment.create({ data: { shopId, name: "Loyal", handle: "loyal", query: "number_of_orders >= 3" } });
    // two customers' shoe sizes, already in the store before their definition
    for (const [shopifyId, value] of [["7000000002", "46"], ["7000000004", "40"]] as const) {
      const customer = await store.db.customer.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId, shopifyId } }, select: { id: true } });
      await store.db.customerMetafield.create({ data: { shopId, customerId: customer.id, namespace: "facts", key: "shoe_size", type: "number_integer", value } });
    }
    const sizes = async () =>
      Object.fromEntries((await store.db.segment.findMany({ where: { shopId }, select: { handle: true, memberCount: true, computedAt: true } })).map((s) => [s.handle, { members: s.memberCount, computed: s.computedAt !== null }]));

    clock = T0 + DAY;
    const first = await reconcileShop(deps, { shopId });
    expect(first).toMatchObject({ status: "reconciled", definitions: { changes: { created: ["custom.birthday"], deleted: [] }, recomputed: [birthday.id], broken: [] } });
    expect(await sizes()).toEqual({ "birthday-known": { members: 30, computed: true }, "big-feet": { members: 0, computed: false }, loyal: { members: 0, computed: false } });

    // the merchant adds one definition and deletes the other in Shopify's admin; both webhooks are lost
    clock = T0 + DAY + HOUR;
    standIn.actions.createMetafieldDefinition(domain, { ownerType: "CUSTOMER", namespace: "facts", key: "shoe_size", name: "Shoe size", type: "number_integer" });
    standIn.actions.deleteMetafieldDefinition(domain, "CUSTOMER", "custom", "birthday");
    clock = T0 + 2 * DAY;
    const second = await reconcileShop(deps, { shopId });
    expect(second).toMatchObject({ status: "reconciled", definitions: { changes: { created: ["facts.shoe_size"], deleted: ["custom.birthday"] }, recomputed: [shoes.id], broken: [birthday.id] } });
    // the segment whose definition went keeps its members; the one that now checks is computed
    expect(await sizes()).toEqual({ "birthday-known": { members: 30, computed: true }, "big-feet": { members: 1, computed: true }, loyal: { members: 0, computed: false } });
    expect((await store.db.metafieldDefinition.findMany({ where: { shopId } })).map((d) => `${d.namespace}.${d.key}:${d.type}`)).toEqual(["facts.shoe_size:number_integer"]);
    expect(await store.db.segmentMember.count({ where: { segmentId: shoes.id } })).toBe(1);
  });

  it("finds deleted records among more than a page of them by counting id ranges, not by listing every id", async () => {
    const { shopId, domain, deps } = await setUp(store, "many", { customers: 600, ordersEach: 0 });
    clock = T0 + 2 * HOUR;
    standIn.shop(domain).customers.delete("7000000123"); // gone without a customers/delete webhook or any trace in updated_at
    standIn.shop(domain).customers.delete("7000000480");
    clock = T0 + DAY;
    const { result, operations } = await counting(domain, () => reconcileShop(deps, { shopId }));
    expect(result.status === "reconciled" && result.resources.customers).toMatchObject({ deleted: 2, shopifyCount: 598, storeCount: 600 });
    expect(await storeSnapshot(store, shopId)).toEqual(shopifySnapshot(domain));
    // 600 customers are 3 pages of ids; counting ranges narrowed it to a page or so per side
    expect(operations.filter((op) => op === "AppReconcileCustomersIds").length).toBeLessThanOrEqual(2);
    expect(operations.filter((op) => op.startsWith("AppReconcileCustomersRangeCounts")).length).toBeGreaterThan(0);
    expect(operations.filter((op) => op === "AppReconcileExisting")).toHaveLength(1);
  });

  it("queues a full sync when the store lacks too much to mend record by record", async () => {
    const { shopId, domain, deps } = await setUp(store, "drifted");
    // ten customers' creations never reached the store (no tombstones: simply missing)
    const lost = await store.db.customer.findMany({ where: { shopId }, orderBy: { shopifyId: "desc" }, take: 10, select: { id: true } });
    await store.db.order.deleteMany({ where: { shopId, customerId: { in: lost.map((c) => c.id) } } });
    await store.db.customer.deleteMany({ where: { id: { in: lost.map((c) => c.id) } } });
    clock = T0 + DAY;
    const { result, operations } = await counting(domain, () => reconcileShop(deps, { shopId, tuning: { largeDriftMin: 5 } }));
    expect(result.status === "reconciled" && result.fullSyncQueued).toBe(true);
    expect(result.status === "reconciled" && result.resources.customers).toMatchObject({ fullSync: true, fetched: 0, shopifyCount: 30, storeCount: 20 });
    expect(operations.some((op) => op.startsWith("AppSyncCustomerDetails"))).toBe(false);
    const run = await store.db.syncRun.findFirstOrThrow({ where: { shopId }, orderBy: { id: "desc" } });
    expect(run).toMatchObject({ reason: "reconcile", state: "RUNNING" });
    expect(await store.db.job.count({ where: { shopId, kind: "sync.shop", state: "QUEUED" } })).toBe(1);
    expect((await store.db.shop.findUniqueOrThrow({ where: { id: shopId } })).syncState).toBe("QUEUED");
    // while that sync is queued, reconcile leaves the shop alone
    const again = await counting(domain, () => reconcileShop(deps, { shopId }));
    expect(again.result).toMatchObject({ status: "skipped" });
    expect(again.operations).toEqual([]);
  });

  it("without read_all_orders, does not compare orders by count: Shopify would hide every order older than 60 days", async () => {
    const { store: s, shopId, domain, deps } = await setUp(store, "recent-orders-only");
    await s.db.shop.update({ where: { id: shopId }, data: { scopes: "read_customers,read_orders,read_products" } });
    clock = T0 + 2 * HOUR;
    standIn.actions.deleteOrder(domain, "5000000002");
    clock = T0 + DAY;
    const { result, operations } = await counting(domain, () => reconcileShop(deps, { shopId }));
    expect(result.status === "reconciled" && result.resources.orders).toMatchObject({ shopifyCount: null, deleted: 0 });
    expect(operations.some((op) => op.startsWith("AppReconcileOrders"))).toBe(false);
    expect(await s.db.order.count({ where: { shopId } })).toBe(60);
  });

  it("runs daily as a job: a shop's run queues the next one first; {} starts every installed shop; a bad payload fails for good", async () => {
    const { shopId, domain, deps } = await setUp(store, "daily");
    const other = await store.db.shop.create({ data: { domain: `gone-${kind}.myshopify.com`, name: "Gone", installState: "UNINSTALLED", syncState: "SUCCEEDED" } });
    const handler = reconcileJobHandler(deps);
    const job = (payload: unknown, jobShopId: number | null): Job => ({ id: 1, shopId: jobShopId, kind: RECONCILE_JOB, payload, state: "RUNNING" }) as Job;
    const signal = new AbortController().signal;

    clock = T0 + DAY;
    await handler(job({}, null), signal);
    const queued = await store.db.job.findMany({ where: { kind: RECONCILE_JOB, state: "QUEUED" }, orderBy: { id: "asc" } });
    const mine = queued.filter((j) => j.shopId === shopId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ payload: { shopId }, dedupeKey: `shop:${shopId}:2026-11-21` });
    expect(queued.some((j) => j.shopId === other.id)).toBe(false);
    expect(queued.find((j) => j.shopId === null)).toMatchObject({ payload: {}, dedupeKey: "all:2026-11-22", runAt: new Date(T0 + 2 * DAY) });
    // the same global run again adds nothing
    await handler(job({}, null), signal);
    expect(await store.db.job.count({ where: { kind: RECONCILE_JOB, state: "QUEUED" } })).toBe(queued.length);

    const { operations } = await counting(domain, () => handler(job({ shopId }, shopId), signal));
    expect(operations).toContain("AppSyncCounts");
    expect((await store.db.shop.findUniqueOrThrow({ where: { id: shopId } })).lastReconciledAt?.getTime()).toBe(T0 + DAY);
    expect(await store.db.job.findFirst({ where: { kind: RECONCILE_JOB, shopId, dedupeKey: `shop:${shopId}:2026-11-22` } })).toMatchObject({ state: "QUEUED", runAt: new Date(T0 + 2 * DAY) });

    // an uninstalled shop's chain ends quietly, with no Admin request
    const stopped = await counting(`gone-${kind}.myshopify.com`, () => handler(job({ shopId: other.id }, other.id), signal));
    expect(stopped.operations).toEqual([]);
    expect(await store.db.job.count({ where: { kind: RECONCILE_JOB, shopId: other.id } })).toBe(0);

    await expect(handler(job({ shopId: "three" }, null), signal)).rejects.toThrow(PermanentJobError);
    await expect(handler(job({ shopId: shopId + 1000 }, shopId), signal)).rejects.toThrow(/is for shop/);
  });
});
