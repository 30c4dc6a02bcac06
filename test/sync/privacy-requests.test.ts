/**
 * customers/data_request (the report, for the merchant to download), the bodies the compliance
 * handlers refuse, and app/uninstalled — on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseKind } from "~/db/client";
import { claim, enqueue } from "~/jobs/queue.server";
import {
  getDataRequestReport,
  handleAppUninstalled,
  handleCustomersDataRequest,
  handleCustomersRedact,
  handleShopRedact,
  listDataRequests,
  PrivacyRequestError,
  type PrivacyDeps,
} from "~/services/privacy.server";
import { refreshMembership } from "~/services/membership.server";
import { recomputeCustomerStats } from "~/store/customer-stats.server";
import { storeWebhook } from "~/store/webhook-inbox.server";
import { writeCheckouts, writeCustomers, writeOrders } from "~/store/sync-writes.server";
import type { CustomerInput, OrderInput } from "~/sync/records";
import { freshStore, storeKinds, type TestStore } from "../store/harness";

const kinds = await storeKinds();
const NOW = new Date("2026-11-23T12:00:00.000Z");
const at = (n: number) => new Date(Date.UTC(2026, 0, n));

const customer = (id: string, first: string, email: string, phone: string | null): CustomerInput => ({
  shopifyId: id,
  firstName: first,
  lastName: "Jansen",
  email,
  phone,
  locale: "nl",
  accountState: "ENABLED",
  verifiedEmail: true,
  note: `note about ${first}`,
  createdAt: at(1),
  updatedAt: at(2),
  tags: ["newsletter", `${first.toLowerCase()}-tag`],
  emailMarketing: { state: "SUBSCRIBED", updatedAt: at(1) },
  smsMarketing: { state: "NOT_SUBSCRIBED", updatedAt: null },
  addresses: [{ shopifyId: `6${id}`, isDefault: true, city: "Utrecht", province: "Utrecht", provinceCode: "UT", countryCode: "NL", zip: "3511 AB", company: null }],
  metafields: [{ namespace: "facts", key: "birth_date", type: "date", value: "1980-01-31" }],
});

const order = (id: string, customerShopifyId: string | null, email: string, total: bigint): OrderInput => ({
  shopifyId: id,
  name: `#${id.slice(-3)}`,
  customerShopifyId,
  email,
  currencyCode: "EUR",
  subtotalMinor: total,
  totalDiscountsMinor: 0n,
  totalShippingMinor: 0n,
  totalTaxMinor: 0n,
  totalMinor: total,
  discountCodes: ["WELCOME"],
  financialStatus: "PAID",
  cancelledAt: null,
  cancelReason: null,
  test: false,
  processedAt: at(10),
  createdAt: at(10),
  updatedAt: at(10),
  lines: [{ shopifyId: `3${id}`, productShopifyId: null, variantShopifyId: null, sku: "CD-1", title: "Greatest hits", quantity: 1, unitPriceMinor: total, totalDiscountMinor: 0n }],
  refunds: [{ shopifyId: `8${id}`, amountMinor: 100n, note: "late delivery", createdAt: at(11) }],
});

/** The report as the merchant downloads it. */
function parsed(report: string | null): Record<string, any> {
  expect(report).not.toBeNull();
  return JSON.parse(report as string) as Record<string, any>;
}

describe.each(kinds)("data requests and uninstall on %s", (kind: DatabaseKind) => {
  let store: TestStore;
  let deps: PrivacyDeps;
  let shopId: number;
  const domain = `requests-${kind}.myshopify.com`;
  const otherDomain = `requests-other-${kind}.myshopify.com`;

  beforeAll(async () => {
    store = await freshStore(kind);
    deps = { db: store.db, kind, now: () => NOW };
    shopId = (await store.db.shop.create({ data: { domain, name: "Requests", currencyCode: "EUR", syncState: "SUCCEEDED" } })).id;
    await store.db.shop.create({ data: { domain: otherDomain, name: "Other", currencyCode: "EUR" } });
    const ctx = { kind, shopId };
    await store.db.$transaction(
      async (tx) => {
        await writeCustomers(tx, ctx, [customer("7001", "Anna", "anna@example.com", "+31611111111"), customer("7002", "Kees", "kees@example.com", null)]);
        await writeOrders(tx, ctx, [order("5001", "7001", "anna@example.com", 2500n), order("5002", "7001", "anna@example.com", 1500n), order("5003", "7002", "kees@example.com", 900n), order("5004", null, "anna@example.com", 700n)]);
        await writeCheckouts(tx, ctx, [{ token: "tok-anna", customerShopifyId: "7001", email: "anna@example.com", currencyCode: "EUR", totalMinor: 1200n, completedAt: null, createdAt: at(20), updatedAt: at(20) }]);
      },
      { timeout: 60_000 },
    );
    await recomputeCustomerStats(store.db, kind, shopId);
    await store.db.customer.updateMany({ where: { shopId, shopifyId: "7001" }, data: { predictedSpendTier: "HIGH", rfmGroup: "CHAMPIONS", predictedClvMinor: 9_900n } });
    await store.db.segment.create({ data: { shopId, name: "Spenders", handle: "spenders", query: "amount_spent >= 20" } });
    await refreshMembership(store.db, { shopId, customerIds: (await store.db.customer.findMany({ where: { shopId } })).map((c) => c.id), now: NOW });
    await storeWebhook({ db: store.db, now: NOW, webhook: { shop: domain, webhookId: "w1", eventId: null, topic: "customers/update", apiVersion: "2026-10", triggeredAt: NOW, rawBody: JSON.stringify({ id: 7001, email: "anna@example.com", first_name: "Anna" }) } });
    await storeWebhook({ db: store.db, now: NOW, webhook: { shop: domain, webhookId: "w2", eventId: null, topic: "customers/update", apiVersion: "2026-10", triggeredAt: NOW, rawBody: JSON.stringify({ id: 7002, email: "kees@example.com", first_name: "Kees" }) } });
  });
  afterAll(() => store.drop());

  const request = (customerId: number | null, email: string | null, orders: number[], requestId: number | null, phone: string | null = null) => ({
    shop_id: 1,
    shop_domain: domain,
    customer: { id: customerId, email, phone },
    orders_requested: orders,
    ...(requestId === null ? {} : { data_request: { id: requestId } }),
  });

  it("assembles everything the store holds about the customer into one report, once per request", async () => {
    const first = await handleCustomersDataRequest(deps, { shopDomain: domain, body: request(7001, "anna@example.com", [5001, 5002], 77) });
    expect(first).toMatchObject({ status: "assembled", customerFound: true });
    if (first.status !== "assembled") return;
    const row = await getDataRequestReport(store.db, { shop: domain, id: first.dataRequestId });
    expect(row).toMatchObject({ requestId: "77", customerShopifyId: "7001", ordersRequested: ["5001", "5002"], requestedAt: NOW, assembledAt: NOW, erased: false });
    const report = parsed(row?.report ?? null);
    expect(report["customerFound"]).toBe(true);
    expect(report["customer"]).toMatchObject({ shopifyId: "7001", firstName: "Anna", email: "anna@example.com", phone: "+31611111111", note: "note about Anna", emailMarketingState: "SUBSCRIBED", amountSpentMinor: "3800" });
    expect(report["customer"].tags.map((t: { tag: string }) => t.tag)).toEqual(["anna-tag", "newsletter"]);
    expect(report["customer"].addresses[0]).toMatchObject({ city: "Utrecht", zip: "3511 AB" });
    expect(report["customer"].metafields[0]).toMatchObject({ namespace: "facts", key: "birth_date", value: "1980-01-31" });
    // their orders, and the guest order placed with their e-mail; with lines and refunds; money as minor units
    expect(report["orders"].map((o: { shopifyId: string }) => o.shopifyId).sort()).toEqual(["5001", "5002", "5004"]);
    expect(report["orders"][0].lines[0]).toMatchObject({ title: "Greatest hits", sku: "CD-1" });
    expect(report["orders"][0].refunds[0]).toMatchObject({ note: "late delivery", amountMinor: "100" });
    expect(report["abandonedCheckouts"]).toHaveLength(1);
    expect(report["segmentMemberships"]).toEqual([{ segment: "Spenders", segmentHandle: "spenders", joinedAt: NOW.toISOString() }]);
    expect(report["segmentMembershipEvents"]).toEqual([{ segment: "Spenders", segmentHandle: "spenders", change: "JOINED", at: NOW.toISOString() }]);
    expect(report["predictions"]).toMatchObject({ predictedSpendTier: "HIGH", rfmGroup: "CHAMPIONS", predictedClvMinor: "9900" });
    expect(report["webhookDeliveries"]).toHaveLength(1);
    expect(report["webhookDeliveries"][0].payload).toMatchObject({ id: 7001, first_name: "Anna" });
    // nothing about the other customer
    expect(row?.report).not.toContain("kees@example.com");

    // Shopify delivers the same request again later: the same row, assembled again
    const again = await handleCustomersDataRequest({ ...deps, now: () => new Date(NOW.getTime() + 60_000) }, { shopDomain: domain, body: request(7001, "anna@example.com", [5001, 5002], 77) });
    expect(again).toMatchObject({ status: "assembled", dataRequestId: first.dataRequestId });
    const reassembled = await getDataRequestReport(store.db, { shop: domain, id: first.dataRequestId });
    expect(reassembled).toMatchObject({ requestedAt: NOW, assembledAt: new Date(NOW.getTime() + 60_000) });
    expect(await store.db.customerDataRequest.count({ where: { shopId, requestId: "77" } })).toBe(1);
  });

  it("is read only by its own shop", async () => {
    const [latest] = await listDataRequests(store.db, { shop: domain });
    expect(latest).toBeDefined();
    expect(await getDataRequestReport(store.db, { shop: otherDomain, id: latest?.id ?? 0 })).toBeNull();
    expect(await listDataRequests(store.db, { shop: otherDomain })).toEqual([]);
  });

  it("answers for a customer the store does not know, saying so; a guest is found by e-mail", async () => {
    const unknown = await handleCustomersDataRequest(deps, { shopDomain: domain, body: request(7999, "nobody@example.com", [], 78) });
    expect(unknown).toMatchObject({ status: "assembled", customerFound: false });
    if (unknown.status !== "assembled") return;
    const report = parsed((await getDataRequestReport(store.db, { shop: domain, id: unknown.dataRequestId }))?.report ?? null);
    expect(report).toMatchObject({ customerFound: false, customer: null, orders: [], abandonedCheckouts: [] });
    expect(report["note"]).toMatch(/holds no customer record/);

    // no Shopify id: the customer with that e-mail; delivered twice without a request id, still one row
    const guest = await handleCustomersDataRequest(deps, { shopDomain: domain, body: request(null, "kees@example.com", [], null) });
    const guestAgain = await handleCustomersDataRequest(deps, { shopDomain: domain, body: request(null, "kees@example.com", [], null) });
    expect(guest).toMatchObject({ status: "assembled", customerFound: true });
    expect(guestAgain).toEqual(guest);
    if (guest.status !== "assembled") return;
    const row = await getDataRequestReport(store.db, { shop: domain, id: guest.dataRequestId });
    expect(row?.customerShopifyId).toBe("7002");
    expect(parsed(row?.report ?? null)["orders"].map((o: { shopifyId: string }) => o.shopifyId)).toEqual(["5003"]);
    // a shop the store does not know holds nothing
    expect(await handleCustomersDataRequest(deps, { shopDomain: "never.myshopify.com", body: { ...request(7001, null, [], 1), shop_domain: "never.myshopify.com" } })).toEqual({ status: "unknown-shop" });
  });

  it("marks the report erased once the customer is redacted", async () => {
    const [anna] = await store.db.customerDataRequest.findMany({ where: { shopId, requestId: "77" } });
    await handleCustomersRedact(deps, { shopDomain: domain, body: { shop_id: 1, shop_domain: domain, customer: { id: 7001, email: "anna@example.com", phone: "+31611111111" }, orders_to_redact: [5001, 5002] } });
    expect(await getDataRequestReport(store.db, { shop: domain, id: anna?.id ?? 0 })).toMatchObject({ report: null, erased: true });
    // Kees' report is his, and stays
    const kees = (await listDataRequests(store.db, { shop: domain })).find((r) => r.customerShopifyId === "7002");
    expect(kees).toMatchObject({ erased: false });
    expect(kees?.report).toContain("kees@example.com");
  });

  it("refuses bodies that are not what Shopify sends, saying what is wrong, and a body naming another shop", async () => {
    const bad = (body: unknown) => handleCustomersDataRequest(deps, { shopDomain: domain, body });
    await expect(bad("{not json")).rejects.toThrow(PrivacyRequestError);
    await expect(bad({ customer: { id: "seven" } })).rejects.toThrow(/customer\.id/);
    await expect(bad({ orders_requested: [1] })).rejects.toThrow(/customer/);
    await expect(bad({ customer: { id: null, email: null, phone: null } })).rejects.toThrow(/names no customer/);
    await expect(bad({ ...request(7002, null, [], 5), shop_domain: otherDomain })).rejects.toThrow(/names shop/);
    await expect(handleCustomersRedact(deps, { shopDomain: domain, body: { customer: { id: 7002 }, orders_to_redact: ["x"] } })).rejects.toThrow(/orders_to_redact/);
    await expect(handleShopRedact(deps, { shopDomain: domain, body: { shop_id: 1, shop_domain: otherDomain } })).rejects.toThrow(/names shop/);
    await expect(handleShopRedact(deps, { shopDomain: domain, body: {} })).rejects.toThrow(/shop_domain/);
    // nothing was done by any of them
    expect(await store.db.shop.count({ where: { domain: { in: [domain, otherDomain] } } })).toBe(2);
    expect((await store.db.customer.findFirstOrThrow({ where: { shopId, shopifyId: "7002" } })).email).toBe("kees@example.com");
    // the body is also accepted as raw JSON text, as the inbox stores it
    expect(await bad(JSON.stringify(request(7002, null, [], 6)))).toMatchObject({ status: "assembled" });
  });

  it("app/uninstalled deletes the shop's sessions, marks it uninstalled and stops its queued jobs; the data stays", async () => {
    for (const [id, shop] of [["offline_a", domain], ["online_a", domain], ["offline_b", otherDomain]] as const) {
      await store.db.session.create({ data: { id: `${id}_${kind}`, shop, state: "", accessToken: "shpat" } });
    }
    const queued = await enqueue(store.db, { kind: "uninstall-test", shopId, payload: {}, dedupeKey: "refresh" }, { now: NOW });
    await enqueue(store.db, { kind: "uninstall-running", shopId, payload: {} }, { now: NOW });
    const [running] = await claim(store.db, "uninstall-running", { workerId: "w", leaseMs: 60_000, now: NOW });
    const customersBefore = await store.db.customer.count({ where: { shopId } });
    // the queued ones: this test's, and what earlier requests queued (the redaction's publish to Shopify)
    const queuedKinds = (await store.db.job.findMany({ where: { shopId, state: "QUEUED" }, select: { kind: true } })).map((job) => job.kind).sort();
    expect(queuedKinds).toContain("uninstall-test");

    const uninstalledAt = new Date(NOW.getTime() + 5_000);
    const outcome = await handleAppUninstalled(deps, { shopDomain: domain, at: uninstalledAt });
    expect(outcome).toEqual({ shopKnown: true, sessionsDeleted: 2, jobsCancelled: queuedKinds.length });
    expect(await store.db.job.count({ where: { shopId, state: "QUEUED" } })).toBe(0);
    expect(await store.db.shop.findUniqueOrThrow({ where: { id: shopId } })).toMatchObject({ installState: "UNINSTALLED", uninstalledAt });
    expect(await store.db.session.count({ where: { shop: domain } })).toBe(0);
    expect(await store.db.session.count({ where: { shop: otherDomain } })).toBe(1);
    expect(await store.db.job.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({ state: "FAILED", lastError: "the app was uninstalled from the shop", dedupeKey: null });
    expect(await store.db.job.findUniqueOrThrow({ where: { id: running?.id ?? 0 } })).toMatchObject({ state: "RUNNING" });
    expect(await store.db.customer.count({ where: { shopId } })).toBe(customersBefore);

    // delivered again: nothing more happens, the first time stays
    expect(await handleAppUninstalled(deps, { shopDomain: domain, at: new Date(NOW.getTime() + 9_000) })).toEqual({ shopKnown: true, sessionsDeleted: 0, jobsCancelled: 0 });
    expect((await store.db.shop.findUniqueOrThrow({ where: { id: shopId } })).uninstalledAt).toEqual(uninstalledAt);
    // for a shop the store never knew: its sessions go, nothing else to do
    expect(await handleAppUninstalled(deps, { shopDomain: "never.myshopify.com", at: NOW })).toEqual({ shopKnown: false, sessionsDeleted: 0, jobsCancelled: 0 });
  });
});
