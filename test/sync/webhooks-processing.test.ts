/**
 * Processing the webhook inbox, topic by topic, on both stores: bodies built by the stand-in's
 * payload builders, stored as the route stores them, applied by real Workers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client";
import type { JobHandlers } from "~/jobs/worker.server";
import type { SyncDeps } from "~/sync/deps";
import { CUSTOMER_REFRESH_JOB, WEBHOOK_JOB, webhookJobHandler } from "~/sync/inbox.server";
import { freshStore, storeKinds, type TestStore } from "../store/harness";
import type { DatasetCustomer, DatasetOrder } from "../shopify/dataset";
import { checkout, customer, lookups, order, product, refund } from "../shopify/webhooks/fixtures";
import { buildPayload, type TopicResources, type WebhookTopic } from "../shopify/webhooks/payloads";
import { deliver, runJobsUntilIdle, withFailingTransactions } from "./webhooks-harness";

const kinds = await storeKinds();

function body<T extends WebhookTopic>(topic: T, resource: TopicResources[T], domain = lookups.shop.myshopifyDomain): Record<string, unknown> {
  return buildPayload(topic, resource, { ...lookups, shop: { ...lookups.shop, myshopifyDomain: domain } }) as Record<string, unknown>;
}

const later = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

describe.each(kinds)("webhook processing on %s", (kind) => {
  let store: TestStore;
  let db: Db;
  let deps: SyncDeps;
  /** no customers.refresh handler here: its job stays queued where the test can see it */
  let handlers: JobHandlers;
  let shops = 0;

  beforeAll(async () => {
    store = await freshStore(kind);
    db = store.db;
    deps = { db, kind, now: () => new Date(), adminFor: () => Promise.reject(new Error("no Admin API in these tests")) };
    handlers = { [WEBHOOK_JOB]: webhookJobHandler(deps, { refreshDelayMs: 0 }) };
  });
  afterAll(() => store.drop());

  /** A shop of its own per test, with a segment of buyers. */
  async function makeShop() {
    shops += 1;
    const domain = `processing-${shops}.myshopify.com`;
    const shop = await db.shop.create({ data: { domain, name: `Shop ${shops}`, currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam" } });
    const buyers = await db.segment.create({ data: { shopId: shop.id, name: "Buyers", handle: "buyers", query: "number_of_orders >= 1" } });
    return { domain, shopId: shop.id, buyersId: buyers.id };
  }

  const run = () => runJobsUntilIdle(db, handlers);
  const customerRow = (shopId: number, shopifyId = customer.id) => db.customer.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId } } });
  const events = (domain: string) => db.webhookEvent.findMany({ where: { shopDomain: domain }, orderBy: { id: "asc" } });
  /** the webhook.process job of an event */
  const jobOf = async (eventId: number | undefined) => (await db.job.findMany({ where: { kind: WEBHOOK_JOB } })).find((job) => (job.payload as { eventId?: number }).eventId === eventId);

  it("customers/create: writes the body's fields, marks the customer stale and queues one refresh of the shop", async () => {
    const { domain, shopId } = await makeShop();
    await deliver(db, domain, "customers/create", body("customers/create", customer));
    await deliver(db, domain, "customers/update", body("customers/update", { ...customer, note: "second", updatedAt: later(customer.updatedAt, 1) }));
    await run();
    const row = await customerRow(shopId);
    expect(row).toMatchObject({ firstName: "Anna", lastName: "de Vries", email: "anna@example.com", emailDomain: "example.com", note: "second", accountState: "ENABLED", detailsStale: true });
    expect(row?.shopifyUpdatedAt).toEqual(new Date(later(customer.updatedAt, 1)));
    expect(await db.customerAddress.findMany({ where: { customerId: row?.id }, select: { city: true, countryCode: true, regionKey: true, isDefault: true } })).toEqual([
      { city: "Amsterdam", countryCode: "NL", regionKey: "NL-NH", isDefault: true },
    ]);
    const stored = await events(domain);
    expect(stored.map((e) => [e.status, e.customerShopifyId, e.attempts, e.lastError])).toEqual([
      ["DONE", "7001", 1, null],
      ["DONE", "7001", 1, null],
    ]);
    expect(stored.every((e) => e.processedAt !== null)).toBe(true);
    expect(await db.job.findMany({ where: { kind: CUSTOMER_REFRESH_JOB, shopId }, select: { state: true, payload: true } })).toEqual([{ state: "QUEUED", payload: { shopId } }]);
  });

  it("an update older than what the store holds changes nothing", async () => {
    const { domain, shopId } = await makeShop();
    await deliver(db, domain, "customers/update", body("customers/update", { ...customer, firstName: "Newer", updatedAt: later(customer.updatedAt, 10) }));
    await run();
    await deliver(db, domain, "customers/update", body("customers/update", { ...customer, firstName: "Older", updatedAt: later(customer.updatedAt, 5) }));
    await run();
    expect((await customerRow(shopId))?.firstName).toBe("Newer");
    expect((await events(domain)).map((e) => e.status)).toEqual(["DONE", "DONE"]);
  });

  it("a delete leaves a tombstone: a late create or update does not bring the customer back", async () => {
    const { domain, shopId } = await makeShop();
    await deliver(db, domain, "customers/create", body("customers/create", customer));
    await run();
    await deliver(db, domain, "customers/delete", body("customers/delete", { id: customer.id }), { triggeredAt: new Date(later(customer.updatedAt, 60)) });
    await run();
    expect(await customerRow(shopId)).toBeNull();
    await deliver(db, domain, "customers/update", body("customers/update", { ...customer, firstName: "Late", updatedAt: later(customer.updatedAt, 30) }));
    await run();
    expect(await customerRow(shopId)).toBeNull();
    expect(await db.deletedResource.findMany({ where: { shopId }, select: { kind: true, shopifyId: true, deletedAt: true } })).toEqual([
      { kind: "CUSTOMER", shopifyId: "7001", deletedAt: new Date(later(customer.updatedAt, 60)) },
    ]);
    expect((await events(domain)).map((e) => [e.topic, e.status, e.customerShopifyId])).toEqual([
      ["customers/create", "DONE", "7001"],
      ["customers/delete", "DONE", "7001"],
      ["customers/update", "DONE", "7001"],
    ]);
  });

  it("orders/updated before orders/create: the newer version stays; the embedded customer counts the order and joins the segment", async () => {
    const { domain, shopId, buyersId } = await makeShop();
    const created: DatasetOrder = { ...order, refunds: [], financialStatus: "PAID", updatedAt: order.createdAt };
    const updated: DatasetOrder = { ...created, email: "changed@example.com", updatedAt: later(order.createdAt, 90) };
    await deliver(db, domain, "orders/updated", body("orders/updated", updated));
    await deliver(db, domain, "orders/create", body("orders/create", created));
    await run();
    const row = await db.order.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: order.id } }, include: { lines: true } });
    expect(row).toMatchObject({ email: "changed@example.com", totalMinor: 2745n, subtotalMinor: 2250n, totalShippingMinor: 495n, financialStatus: "PAID", hasDiscountCode: true });
    expect(row?.lines.map((l) => [l.shopifyId, l.quantity, l.unitPriceMinor, l.totalDiscountMinor])).toEqual([["5101", 2, 1250n, 250n]]);
    const buyer = await customerRow(shopId);
    expect(buyer).toMatchObject({ email: "anna@example.com", locale: "nl", detailsStale: true, numberOfOrders: 1, amountSpentMinor: 2745n, amountPaidMinor: 2745n });
    expect(row?.customerId).toBe(buyer?.id);
    expect(await db.segmentMember.findMany({ where: { segmentId: buyersId }, select: { customerId: true } })).toEqual([{ customerId: buyer?.id }]);
    expect(await db.segmentMembershipEvent.count({ where: { segmentId: buyersId, change: "JOINED" } })).toBe(1);
    expect((await events(domain)).map((e) => [e.topic, e.status, e.customerShopifyId])).toEqual([
      ["orders/updated", "DONE", "7001"],
      ["orders/create", "DONE", "7001"],
    ]);
  });

  it("a refund that arrives before its order is counted once the order arrives, and only once", async () => {
    const { domain, shopId } = await makeShop();
    const placed: DatasetOrder = { ...order, refunds: [], financialStatus: "PAID", updatedAt: order.createdAt };
    await deliver(db, domain, "refunds/create", body("refunds/create", { refund, order }));
    await deliver(db, domain, "refunds/create", body("refunds/create", { refund, order }));
    await run();
    expect(await db.orderRefund.findMany({ where: { shopId }, select: { shopifyId: true, orderShopifyId: true, amountMinor: true } })).toEqual([{ shopifyId: "6001", orderShopifyId: "5001", amountMinor: 1245n }]);
    await deliver(db, domain, "orders/create", body("orders/create", placed));
    await run();
    expect(await db.order.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: order.id } }, select: { totalRefundedMinor: true } })).toEqual({ totalRefundedMinor: 1245n });
    expect(await customerRow(shopId)).toMatchObject({ numberOfOrders: 1, amountSpentMinor: 2745n - 1245n });
    // the order as it is now lists the same refund: still counted once
    await deliver(db, domain, "orders/updated", body("orders/updated", order));
    await run();
    expect(await db.orderRefund.count({ where: { shopId } })).toBe(1);
    expect(await customerRow(shopId)).toMatchObject({ amountSpentMinor: 2745n - 1245n });
  });

  it("a repeated delivery (same X-Shopify-Webhook-Id) is stored and processed once", async () => {
    const { domain, shopId } = await makeShop();
    const payload = body("orders/create", { ...order, refunds: [] });
    expect(await deliver(db, domain, "orders/create", payload, { webhookId: `dup-${kind}` })).toBe("stored");
    expect(await deliver(db, domain, "orders/create", payload, { webhookId: `dup-${kind}` })).toBe("duplicate");
    await run();
    expect(await db.webhookEvent.count({ where: { shopDomain: domain } })).toBe(1);
    expect(await db.order.count({ where: { shopId } })).toBe(1);
    expect(await db.segmentMembershipEvent.count({ where: { shopId } })).toBe(1);
  });

  it("a body that is not what Shopify sends fails at once, with the field named, and writes nothing", async () => {
    const { domain, shopId } = await makeShop();
    const broken = { ...body("orders/create", order), updated_at: "not a date" };
    await deliver(db, domain, "orders/create", broken);
    await deliver(db, domain, "customers/update", "{ this is not json");
    await run();
    const [order1, customer1] = await events(domain);
    expect(order1).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(order1?.lastError).toBe('PermanentJobError: webhook ' + order1?.webhookId + ' from ' + domain + ': orders/create body is not what Shopify sends: updated_at: expected an ISO-8601 timestamp, got "not a date"');
    expect(customer1).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(customer1?.lastError).toMatch(/customers\/update body is not JSON/);
    expect(await db.order.count({ where: { shopId } })).toBe(0);
    expect(await db.customer.count({ where: { shopId } })).toBe(0);
    expect(await jobOf(order1?.id)).toMatchObject({ state: "FAILED", attempts: 1 });
  });

  it("an order the currency cannot hold (more decimals than it has) fails for good, naming the amount", async () => {
    const { domain, shopId } = await makeShop();
    await db.shop.update({ where: { id: shopId }, data: { currencyCode: "JPY" } });
    await deliver(db, domain, "orders/create", { ...body("orders/create", order), currency: "JPY" });
    await run();
    const [event] = await events(domain);
    expect(event).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(event?.lastError).toMatch(/orders\/create body: \d+\.\d+ has more than 0 decimals/);
    expect(await db.order.count({ where: { shopId } })).toBe(0);
  });

  it("a store failure mid-processing is retried; the event shows each failed attempt until it is done", async () => {
    const { domain, shopId } = await makeShop();
    // the writes' transaction fails twice, then works
    const flaky: SyncDeps = { ...deps, db: withFailingTransactions(db, [1, 2]) };
    const failing = { [WEBHOOK_JOB]: webhookJobHandler(flaky, { refreshDelayMs: 0 }) };
    await deliver(db, domain, "orders/create", body("orders/create", { ...order, refunds: [] }));
    await runJobsUntilIdle(db, failing);
    const [event] = await events(domain);
    expect(event).toMatchObject({ status: "DONE", attempts: 3, lastError: null });
    expect(await db.order.count({ where: { shopId } })).toBe(1);
  });

  it("after its last attempt the event is FAILED with the error kept, for the admin", async () => {
    const { domain } = await makeShop();
    const down: SyncDeps = { ...deps, db: withFailingTransactions(db, Array.from({ length: 50 }, (_, i) => i + 1)) };
    const failing = { [WEBHOOK_JOB]: webhookJobHandler(down, { refreshDelayMs: 0 }) };
    await deliver(db, domain, "customers/update", body("customers/update", customer));
    await runJobsUntilIdle(db, failing);
    const [event] = await events(domain);
    expect(event).toMatchObject({ status: "FAILED", attempts: 8 });
    expect(event?.lastError).toMatch(/^Error: the store connection was lost \(transaction \d+\)$/);
    expect(await jobOf(event?.id)).toMatchObject({ state: "FAILED", attempts: 8 });
  });

  it("a retry after the writes committed but the stats did not still brings stats and membership up to date", async () => {
    const { domain, shopId, buyersId } = await makeShop();
    await deliver(db, domain, "orders/create", body("orders/create", { ...order, refunds: [] }));
    await run();
    expect(await db.segmentMember.count({ where: { segmentId: buyersId } })).toBe(1);
    // transaction 1 deletes the order; 2 (the stats) fails; the retry's delete finds nothing to delete
    const flaky: SyncDeps = { ...deps, db: withFailingTransactions(db, [2]) };
    await deliver(db, domain, "orders/delete", body("orders/delete", { id: order.id }));
    await runJobsUntilIdle(db, { [WEBHOOK_JOB]: webhookJobHandler(flaky, { refreshDelayMs: 0 }) });
    expect(await db.order.count({ where: { shopId } })).toBe(0);
    expect(await customerRow(shopId)).toMatchObject({ numberOfOrders: 0, amountSpentMinor: 0n });
    expect(await db.segmentMember.count({ where: { segmentId: buyersId } })).toBe(0);
    expect(await db.segmentMembershipEvent.findMany({ where: { segmentId: buyersId }, select: { change: true }, orderBy: { id: "asc" } })).toEqual([{ change: "JOINED" }, { change: "LEFT" }]);
    expect((await events(domain)).map((e) => [e.topic, e.status, e.attempts])).toEqual([
      ["orders/create", "DONE", 1],
      ["orders/delete", "DONE", 2],
    ]);
  });

  it("orders/delete: a late orders/updated does not bring the order back", async () => {
    const { domain, shopId } = await makeShop();
    await deliver(db, domain, "orders/create", body("orders/create", { ...order, refunds: [] }));
    await run();
    await deliver(db, domain, "orders/delete", body("orders/delete", { id: order.id }));
    await run();
    await deliver(db, domain, "orders/updated", body("orders/updated", { ...order, updatedAt: later(order.updatedAt, 5) }));
    await run();
    expect(await db.order.count({ where: { shopId } })).toBe(0);
    expect(await db.orderRefund.count({ where: { shopId } })).toBe(0);
  });

  it("orders/cancelled: the order stops counting for its customer", async () => {
    const { domain, shopId, buyersId } = await makeShop();
    await deliver(db, domain, "orders/create", body("orders/create", { ...order, refunds: [] }));
    await run();
    const cancelledAt = later(order.updatedAt, 10);
    await deliver(db, domain, "orders/cancelled", body("orders/cancelled", { ...order, refunds: [], cancelledAt, cancelReason: "CUSTOMER", updatedAt: cancelledAt }));
    await run();
    expect(await db.order.findFirst({ where: { shopId }, select: { cancelledAt: true, cancelReason: true } })).toEqual({ cancelledAt: new Date(cancelledAt), cancelReason: "CUSTOMER" });
    expect(await customerRow(shopId)).toMatchObject({ numberOfOrders: 0 });
    expect(await db.segmentMember.count({ where: { segmentId: buyersId } })).toBe(0);
  });

  it("products/update and products/delete; checkouts/create for a customer the store has not seen", async () => {
    const { domain, shopId } = await makeShop();
    await deliver(db, domain, "products/update", body("products/update", product));
    await deliver(db, domain, "checkouts/create", body("checkouts/create", checkout));
    await run();
    const stored = await db.product.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: product.id } }, include: { tags: true, variants: true } });
    expect(stored).toMatchObject({ title: "Blue mug", productType: "Mugs", vendor: "Potters" });
    expect(stored?.tags.map((t) => t.tag).sort()).toEqual(["blue", "ceramic"]);
    expect(stored?.variants.map((v) => [v.shopifyId, v.sku, v.priceMinor])).toEqual([["9101", "MUG-BLUE", 1250n]]);
    expect(await db.abandonedCheckout.findFirst({ where: { shopId }, select: { shopifyId: true, totalMinor: true, customerId: true } })).toMatchObject({ shopifyId: "c0ffee", totalMinor: 2500n });
    expect(await customerRow(shopId)).toMatchObject({ lastAbandonedCheckoutAt: new Date(checkout.createdAt), detailsStale: true });
    await deliver(db, domain, "products/delete", body("products/delete", { id: product.id }));
    await deliver(db, domain, "products/update", body("products/update", product));
    await run();
    expect(await db.product.count({ where: { shopId } })).toBe(0);
  });

  it("app topics: scopes are recorded, an uninstall marks the shop and stops its queued refresh", async () => {
    const { domain, shopId } = await makeShop();
    await deliver(db, domain, "app/scopes_update", body("app/scopes_update", { previous: ["read_customers"], current: ["read_customers", "read_orders"], updatedAt: new Date().toISOString() }));
    await deliver(db, domain, "customers/create", body("customers/create", customer));
    await run();
    expect(await db.shop.findUnique({ where: { id: shopId }, select: { scopes: true } })).toEqual({ scopes: "read_customers,read_orders" });
    expect(await db.job.count({ where: { kind: CUSTOMER_REFRESH_JOB, shopId, state: "QUEUED" } })).toBe(1);
    await deliver(db, domain, "app/uninstalled", body("app/uninstalled", { ...lookups.shop, myshopifyDomain: domain }, domain));
    await run();
    expect(await db.shop.findUnique({ where: { id: shopId }, select: { installState: true } })).toEqual({ installState: "UNINSTALLED" });
    expect(await db.job.count({ where: { kind: CUSTOMER_REFRESH_JOB, shopId, state: "QUEUED" } })).toBe(0);
    // after the uninstall, a customer body is still applied, but no refresh is queued (no token to read with)
    await deliver(db, domain, "customers/update", body("customers/update", { ...customer, note: "after", updatedAt: later(customer.updatedAt, 1) }));
    await run();
    expect((await customerRow(shopId))?.note).toBe("after");
    expect(await db.job.count({ where: { kind: CUSTOMER_REFRESH_JOB, shopId, state: "QUEUED" } })).toBe(0);
  });

  it("bulk_operations/finish is recorded on the sync waiting for it", async () => {
    const { domain, shopId } = await makeShop();
    const run1 = await db.syncRun.create({ data: { shopId, reason: "install", phase: "customers", bulkOperationId: "gid://shopify/BulkOperation/77", startedAt: new Date() } });
    const finish = { admin_graphql_api_id: "gid://shopify/BulkOperation/77", completed_at: new Date().toISOString(), created_at: new Date().toISOString(), error_code: null, status: "completed", type: "query" };
    await deliver(db, domain, "bulk_operations/finish", body("bulk_operations/finish", finish));
    await deliver(db, domain, "bulk_operations/finish", body("bulk_operations/finish", { ...finish, admin_graphql_api_id: "gid://shopify/BulkOperation/78" }));
    await run();
    expect(await db.syncRun.findUnique({ where: { id: run1.id }, select: { bulkStatus: true } })).toEqual({ bulkStatus: "COMPLETED" });
    expect((await events(domain)).map((e) => [e.status, e.lastError])).toEqual([
      ["DONE", null],
      ["DONE", "no sync of this shop was waiting for this bulk operation"],
    ]);
  });

  it("a shop the app does not know: data topics are done with a note, compliance requests are honoured", async () => {
    const domain = `unknown-${kind}.myshopify.com`;
    await deliver(db, domain, "customers/update", body("customers/update", customer));
    await run();
    await deliver(db, domain, "customers/redact", body("customers/redact", { customer, orderIds: [order.id] }, domain));
    await run();
    const [update, redact] = await events(domain);
    expect(update).toMatchObject({ status: "DONE", lastError: `the app does not know the shop ${domain}: nothing to apply`, customerShopifyId: "7001" });
    expect(redact).toMatchObject({ status: "DONE", lastError: null, customerShopifyId: "7001" });
    // the redact erased the stored body that was about the customer
    expect(update?.payload).not.toContain("anna@example.com");
    await deliver(db, domain, "shop/redact", body("shop/redact", { ...lookups.shop, myshopifyDomain: domain }, domain));
    const shopRedact = (await events(domain)).find((e) => e.topic === "shop/redact");
    await run();
    // shop/redact removed every stored delivery of the shop, its own among them, and its job is done
    expect(await db.webhookEvent.count({ where: { shopDomain: domain } })).toBe(0);
    expect(await jobOf(shopRedact?.id)).toMatchObject({ state: "DONE" });
  });

  it("customers/redact and customers/data_request for a known customer", async () => {
    const { domain, shopId } = await makeShop();
    await deliver(db, domain, "orders/create", body("orders/create", { ...order, refunds: [] }));
    await run();
    await deliver(db, domain, "customers/data_request", body("customers/data_request", { customer, orderIds: [order.id], requestId: 42 }, domain));
    await run();
    const request = await db.customerDataRequest.findFirstOrThrow({ where: { shopId } });
    expect(request).toMatchObject({ customerShopifyId: "7001", requestId: "42" });
    expect(request.report).toContain("anna@example.com");
    await deliver(db, domain, "customers/redact", body("customers/redact", { customer, orderIds: [order.id] }, domain));
    await run();
    const redacted = await customerRow(shopId);
    expect(redacted).toMatchObject({ email: null, firstName: null });
    expect(redacted?.redactedAt).not.toBeNull();
    // a late update for the redacted customer adds nothing
    await deliver(db, domain, "customers/update", body("customers/update", { ...customer, updatedAt: later(customer.updatedAt, 100) }));
    await run();
    expect((await customerRow(shopId))?.email).toBeNull();
    expect((await events(domain)).map((e) => [e.topic, e.status, e.customerShopifyId])).toEqual([
      ["orders/create", "DONE", "7001"],
      ["customers/data_request", "DONE", "7001"],
      ["customers/redact", "DONE", "7001"],
      ["customers/update", "DONE", "7001"],
    ]);
  });

  it("a customer inside an order body never overwrites the customer the store holds", async () => {
    const { domain, shopId } = await makeShop();
    const stored: DatasetCustomer = { ...customer, firstName: "Stored", updatedAt: later(customer.updatedAt, 1) };
    await deliver(db, domain, "customers/create", body("customers/create", stored));
    await run();
    await deliver(db, domain, "orders/create", body("orders/create", { ...order, refunds: [] }));
    await run();
    expect(await customerRow(shopId)).toMatchObject({ firstName: "Stored", numberOfOrders: 1 });
  });
});
