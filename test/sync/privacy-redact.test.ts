/**
 * The proof that redaction erases: a shop's store is filled the way the app fills it (the store
 * writers, webhook bodies in the inbox, a data-request report, segment membership, predictions),
 * then customers/redact runs and EVERY column of EVERY table — listed from the database's own
 * catalogue, so a column added later cannot escape — is searched for the customer's personal data.
 * None is left; another customer of the shop, and the same person at another shop, are intact.
 * After shop/redact nothing of the shop is left at all. Both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseKind } from "~/db/client";
import { enqueue } from "~/jobs/queue.server";
import { handleCustomersDataRequest, handleCustomersRedact, handleShopRedact, REDACTED_PAYLOAD, type PrivacyDeps } from "~/services/privacy.server";
import { refreshMembership } from "~/services/membership.server";
import { recomputeCustomerStats } from "~/store/customer-stats.server";
import { storeWebhook } from "~/store/webhook-inbox.server";
import { writeCheckouts, writeCustomers, writeEmbeddedCustomers, writeOrders, writeProducts } from "~/store/sync-writes.server";
import type { CheckoutInput, CustomerInput, OrderInput } from "~/sync/records";
import type { DatasetCheckout, DatasetCustomer, DatasetOrder, DatasetShop } from "../shopify/dataset";
import { checkoutPayload, customerPayload, customersDataRequestPayload, customersRedactPayload, orderPayload, shopRedactPayload } from "../shopify/webhooks/payloads";
import { freshStore, storeKinds, type TestStore } from "../store/harness";

const kinds = await storeKinds();
const NOW = new Date("2026-11-23T12:00:00.000Z");

// ------------------------------------------------------------------------------------ the people

interface Person {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  address1: string;
  city: string;
  zip: string;
  company: string;
  birthDate: string;
  nickname: string;
  tag: string;
  note: string;
}

/** The subject of the redaction: every value distinctive, so a leftover is found by text search. */
const WILHELMINA: Person = {
  id: "7000000101",
  firstName: "Wilhelmina",
  lastName: "Zwaardvegers",
  email: "wilhelmina.z@example.org",
  phone: "+31612345678",
  address1: "Prinsengracht 263",
  city: "Oostzaan",
  zip: "1016 GV",
  company: "Zwaardvegers Haven BV",
  birthDate: "1961-07-14",
  nickname: "Mina the brave",
  tag: "mina-vip-friend",
  note: "Call Wilhelmina after six",
};

/** Another customer of the same shop: must come out untouched. */
const BART: Person = {
  id: "7000000102",
  firstName: "Bartholomeus",
  lastName: "Overbeek",
  email: "bart.overbeek@example.com",
  phone: "+31698765432",
  address1: "Keizersgracht 12",
  city: "Zaandijk",
  zip: "1544 AA",
  company: "Overbeek Tuinen",
  birthDate: "1975-02-28",
  nickname: "Bart the builder",
  tag: "bart-regular",
  note: "Prefers vinyl",
};

/** What must not survive about a person (lower-cased; the phone also without its +). */
function personalData(p: Person): string[] {
  return [p.firstName, p.lastName, p.email, p.phone, p.phone.slice(1), p.address1, p.city, p.zip, p.company, p.birthDate, p.nickname, p.tag, p.note].map((s) => s.toLowerCase());
}

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString();

function datasetCustomer(p: Person): DatasetCustomer {
  return {
    id: p.id,
    firstName: p.firstName,
    lastName: p.lastName,
    email: p.email,
    phone: p.phone,
    locale: "nl",
    tags: [p.tag],
    state: "ENABLED",
    verifiedEmail: true,
    note: p.note,
    emailMarketingConsent: { marketingState: "SUBSCRIBED", marketingOptInLevel: "SINGLE_OPT_IN", consentUpdatedAt: day(1) },
    smsMarketingConsent: { marketingState: "SUBSCRIBED", marketingOptInLevel: "SINGLE_OPT_IN", consentUpdatedAt: day(1) },
    addresses: [{ id: `6${p.id}`, address1: p.address1, city: p.city, province: "Noord-Holland", provinceCode: "NH", country: "Netherlands", countryCode: "NL", zip: p.zip, company: p.company }],
    metafields: [
      { namespace: "facts", key: "birth_date", type: "date", value: p.birthDate },
      { namespace: "custom", key: "nickname", type: "single_line_text_field", value: p.nickname },
    ],
    createdAt: day(1),
    updatedAt: day(2),
  };
}

function customerInput(c: DatasetCustomer): CustomerInput {
  const address = c.addresses[0];
  return {
    shopifyId: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    phone: c.phone,
    locale: c.locale,
    accountState: c.state,
    verifiedEmail: c.verifiedEmail,
    note: c.note,
    createdAt: new Date(c.createdAt),
    updatedAt: new Date(c.updatedAt),
    tags: c.tags,
    emailMarketing: { state: "SUBSCRIBED", updatedAt: new Date(day(1)) },
    smsMarketing: { state: "SUBSCRIBED", updatedAt: new Date(day(1)) },
    addresses: address
      ? [{ shopifyId: address.id, isDefault: true, city: address.city, province: address.province, provinceCode: address.provinceCode, countryCode: address.countryCode, zip: address.zip, company: address.company }]
      : [],
    metafields: c.metafields,
  };
}

function datasetOrder(id: string, customer: DatasetCustomer | null, email: string, refundNote: string | null): DatasetOrder {
  return {
    id,
    name: `#${id.slice(-4)}`,
    customerId: customer?.id ?? null,
    email,
    currencyCode: "EUR",
    subtotalPrice: "40.00",
    totalDiscounts: "0.00",
    totalShipping: "5.00",
    totalTax: "0.00",
    totalPrice: "45.00",
    discountCodes: [],
    financialStatus: refundNote ? "PARTIALLY_REFUNDED" : "PAID",
    cancelledAt: null,
    cancelReason: null,
    test: false,
    processedAt: day(10),
    createdAt: day(10),
    updatedAt: day(11),
    lineItems: [{ id: `3${id}`, productId: "8000000001", variantId: "9000000001", sku: "VINYL-1", title: "Vinyl record", quantity: 2, originalUnitPrice: "20.00", totalDiscount: "0.00" }],
    refunds: refundNote ? [{ id: `88${id}`, createdAt: day(12), totalRefunded: "5.00", note: refundNote }] : [],
  };
}

function orderInput(o: DatasetOrder): OrderInput {
  return {
    shopifyId: o.id,
    name: o.name,
    customerShopifyId: o.customerId,
    email: o.email,
    currencyCode: o.currencyCode,
    subtotalMinor: 4000n,
    totalDiscountsMinor: 0n,
    totalShippingMinor: 500n,
    totalTaxMinor: 0n,
    totalMinor: 4500n,
    discountCodes: o.discountCodes,
    financialStatus: o.financialStatus,
    cancelledAt: null,
    cancelReason: null,
    test: false,
    processedAt: new Date(o.processedAt),
    createdAt: new Date(o.createdAt),
    updatedAt: new Date(o.updatedAt),
    lines: o.lineItems.map((l) => ({ shopifyId: l.id, productShopifyId: l.productId, variantShopifyId: l.variantId, sku: l.sku, title: l.title, quantity: l.quantity, unitPriceMinor: 2000n, totalDiscountMinor: 0n })),
    refunds: o.refunds.map((r) => ({ shopifyId: r.id, amountMinor: 500n, note: r.note, createdAt: new Date(r.createdAt) })),
  };
}

function datasetCheckout(token: string, customer: DatasetCustomer | null, email: string): DatasetCheckout {
  return {
    id: token,
    token,
    customerId: customer?.id ?? null,
    email,
    currencyCode: "EUR",
    totalPrice: "20.00",
    lineItems: [{ productId: "8000000001", variantId: "9000000001", sku: "VINYL-1", title: "Vinyl record", quantity: 1, price: "20.00" }],
    abandonedCheckoutUrl: `https://example.com/checkouts/${token}`,
    completedAt: null,
    createdAt: day(20),
    updatedAt: day(20),
  };
}

function checkoutInput(c: DatasetCheckout): CheckoutInput {
  return { token: c.token, customerShopifyId: c.customerId, email: c.email, currencyCode: c.currencyCode, totalMinor: 2000n, completedAt: null, createdAt: new Date(c.createdAt), updatedAt: new Date(c.updatedAt) };
}

// ------------------------------------------------------------------------------------ a shop, filled as the app fills it

interface FilledShop {
  shopId: number;
  domain: string;
  info: DatasetShop;
  orderIds: Record<"wilhelmina" | "bart", string[]>;
}

let webhookSeq = 0;

async function fillShop(store: TestStore, domain: string, people: readonly Person[]): Promise<FilledShop> {
  const { db, kind } = store;
  const info: DatasetShop = { myshopifyDomain: domain, name: "Privacy shop", email: "owner@example.com", currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam", planName: "Basic", createdAt: day(0) };
  const shop = await db.shop.create({ data: { domain, name: info.name, email: info.email, currencyCode: "EUR", ianaTimezone: info.ianaTimezone, syncState: "SUCCEEDED" } });
  const ctx = { kind, shopId: shop.id };
  const customers = people.map(datasetCustomer);
  const orderIds: FilledShop["orderIds"] = { wilhelmina: [], bart: [] };
  const orders: DatasetOrder[] = [];
  const checkouts: DatasetCheckout[] = [];
  for (const [i, c] of customers.entries()) {
    const key = c.firstName === WILHELMINA.firstName ? "wilhelmina" : "bart";
    const base = 5_000_000_100 + i * 10;
    const own = [datasetOrder(String(base + 1), c, c.email ?? "", `Refund for ${c.firstName}: scratched`), datasetOrder(String(base + 2), c, c.email ?? "", null)];
    // a guest order with the same e-mail, placed before the account existed
    const guest = datasetOrder(String(base + 3), null, c.email ?? "", null);
    orders.push(...own, guest);
    orderIds[key].push(...own.map((o) => o.id));
    checkouts.push(datasetCheckout(`tok-${c.id}`, c, c.email ?? ""), datasetCheckout(`guest-${c.id}`, null, c.email ?? ""));
  }
  await db.$transaction(
    async (tx) => {
      await writeProducts(tx, ctx, [{ shopifyId: "8000000001", title: "Vinyl record", handle: "vinyl", productType: "Music", vendor: "CDNow", tags: ["music"], createdAt: new Date(day(0)), updatedAt: new Date(day(0)), variants: [{ shopifyId: "9000000001", sku: "VINYL-1", title: "Default", priceMinor: 2000n }], collections: [] }]);
      await writeCustomers(tx, ctx, customers.map(customerInput));
      await writeOrders(tx, ctx, orders.map(orderInput));
      await writeCheckouts(tx, ctx, checkouts.map(checkoutInput));
    },
    { timeout: 60_000 },
  );
  await recomputeCustomerStats(db, kind, shop.id);
  await db.customer.updateMany({ where: { shopId: shop.id }, data: { predictedSpendTier: "HIGH", rfmGroup: "LOYAL", predictedSpend12mMinor: 12_000n, churnProbability: 0.2, predictedAt: NOW } });
  await db.segment.create({ data: { shopId: shop.id, name: "Big spenders", handle: "big-spenders", query: "amount_spent >= 50" } });
  const ids = (await db.customer.findMany({ where: { shopId: shop.id }, select: { id: true } })).map((c) => c.id);
  await refreshMembership(db, { shopId: shop.id, customerIds: ids, now: NOW });

  // The inbox: bodies as Shopify sent them, some processed (tagged with their customer), some not yet.
  const deliver = async (topic: string, body: unknown, about: string | null, status: "DONE" | "PENDING" | "FAILED") => {
    webhookSeq += 1;
    const webhookId = `wh-${webhookSeq}`;
    await storeWebhook({ db, now: NOW, webhook: { shop: domain, webhookId, eventId: null, topic, apiVersion: "2026-10", triggeredAt: NOW, rawBody: JSON.stringify(body) } });
    await db.webhookEvent.updateMany({ where: { shopDomain: domain, webhookId }, data: { status, customerShopifyId: about } });
  };
  for (const c of customers) {
    await deliver("customers/create", customerPayload(c, info, "customers/create"), c.id, "DONE");
    await deliver("customers/update", customerPayload(c, info), null, "PENDING");
    for (const o of orders.filter((o) => o.email === c.email)) await deliver("orders/create", orderPayload(o, o.customerId ? c : null, info, "orders/create"), o.customerId, o.customerId ? "DONE" : "FAILED");
    for (const k of checkouts.filter((k) => k.email === c.email)) await deliver("checkouts/create", checkoutPayload(k, k.customerId ? c : null, info, "checkouts/create"), null, "PENDING");
  }
  // staff session and queued work of the shop
  await db.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "", accessToken: "shpat_x", email: "owner@example.com" } });
  await enqueue(db, { kind: "webhook.process", shopId: shop.id, payload: { eventId: 1 } }, { now: NOW });
  return { shopId: shop.id, domain, info, orderIds };
}

// ------------------------------------------------------------------------------------ the scan

/** Every table of the store, from the database's own catalogue. */
async function tablesOf(store: TestStore): Promise<string[]> {
  const rows =
    store.kind === "postgresql"
      ? await store.db.$queryRawUnsafe<{ name: string }[]>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
      : await store.db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
  return rows.map((r) => r.name).sort();
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("utf8");
  if (typeof value === "object") return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return String(value);
}

interface Hit {
  table: string;
  column: string;
  needle: string;
}

/**
 * Every cell of every table that contains one of the needles (case-insensitive), except rows that
 * belong to one of the shops named in `except` (by shopId, or by the domain in shop/shopDomain/domain).
 */
async function scan(store: TestStore, needles: readonly string[], except: { shopIds: number[]; domains: string[] } = { shopIds: [], domains: [] }): Promise<Hit[]> {
  const hits: Hit[] = [];
  for (const table of await tablesOf(store)) {
    const rows = await store.db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table}"`);
    for (const row of rows) {
      const owner = row["shopId"];
      if (owner !== undefined && owner !== null && except.shopIds.includes(Number(owner))) continue;
      if (["shop", "shopDomain", "domain"].some((column) => typeof row[column] === "string" && except.domains.includes(row[column] as string))) continue;
      for (const [column, value] of Object.entries(row)) {
        const text = asText(value).toLowerCase();
        for (const needle of needles) if (text.includes(needle)) hits.push({ table, column, needle });
      }
    }
  }
  return hits;
}

/** Rows of every table that belong to the shop: by shopId, or naming its domain anywhere. */
async function rowsOfShop(store: TestStore, shopId: number, domain: string): Promise<string[]> {
  const found: string[] = [];
  for (const table of await tablesOf(store)) {
    const rows = await store.db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table}"`);
    for (const row of rows) {
      const mine = (row["shopId"] !== undefined && row["shopId"] !== null && Number(row["shopId"]) === shopId) || Object.values(row).some((v) => asText(v).toLowerCase().includes(domain));
      if (mine) found.push(`${table}: ${JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)).slice(0, 200)}`);
    }
  }
  return found;
}

const where = (hits: readonly Hit[]) => [...new Set(hits.map((h) => `${h.table}.${h.column}`))].sort();

// ------------------------------------------------------------------------------------ the tests

describe.each(kinds)("redaction on %s", (kind: DatabaseKind) => {
  let store: TestStore;
  let deps: PrivacyDeps;
  let shopA: FilledShop;
  let shopB: FilledShop;

  beforeAll(async () => {
    store = await freshStore(kind);
    deps = { db: store.db, kind, now: () => NOW };
    shopA = await fillShop(store, `privacy-a-${kind}.myshopify.com`, [WILHELMINA, BART]);
    // the same person shops at another merchant too: that merchant's data is not this request's business
    shopB = await fillShop(store, `privacy-b-${kind}.myshopify.com`, [WILHELMINA]);
    await handleCustomersDataRequest(deps, { shopDomain: shopA.domain, body: customersDataRequestPayload(shopA.info, 1, datasetCustomer(WILHELMINA), shopA.orderIds.wilhelmina, 501) });
    await handleCustomersDataRequest(deps, { shopDomain: shopA.domain, body: customersDataRequestPayload(shopA.info, 1, datasetCustomer(BART), shopA.orderIds.bart, 502) });
  });
  afterAll(() => store.drop());

  it("reads the table list from the catalogue, and the filled store holds the subject's data in many places before", async () => {
    const tables = await tablesOf(store);
    expect(tables).toEqual(expect.arrayContaining(["Customer", "CustomerAddress", "CustomerMetafield", "CustomerTag", "Order", "OrderRefund", "AbandonedCheckout", "WebhookEvent", "CustomerDataRequest", "Session", "Job"]));
    expect(tables.length).toBeGreaterThanOrEqual(25);
    const before = where(await scan(store, personalData(WILHELMINA), { shopIds: [shopB.shopId], domains: [shopB.domain] }));
    // the scan finds what it is meant to find: without this, "no hits" afterwards would prove nothing
    expect(before).toEqual(
      expect.arrayContaining([
        "AbandonedCheckout.email",
        "Customer.email",
        "Customer.firstName",
        "Customer.lastName",
        "Customer.note",
        "Customer.phone",
        "CustomerAddress.city",
        "CustomerAddress.cityKey",
        "CustomerAddress.zip",
        "CustomerAddress.company",
        "CustomerDataRequest.report",
        "CustomerMetafield.value",
        "CustomerTag.tag",
        "CustomerTag.normalized",
        "Order.email",
        "OrderRefund.note",
        "WebhookEvent.payload",
      ]),
    );
  });

  it("customers/redact leaves none of the subject's personal data in any table, keeps the anonymous totals, and spares the others", async () => {
    const subjectBefore = await store.db.customer.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shopA.shopId, shopifyId: WILHELMINA.id } } });
    const redactBody = customersRedactPayload(shopA.info, 1, datasetCustomer(WILHELMINA), shopA.orderIds.wilhelmina);
    // the redact delivery itself sits in the inbox, as it would while it is being processed
    await storeWebhook({ db: store.db, now: NOW, webhook: { shop: shopA.domain, webhookId: "wh-redact", eventId: null, topic: "customers/redact", apiVersion: "2026-10", triggeredAt: NOW, rawBody: JSON.stringify(redactBody) } });

    const outcome = await handleCustomersRedact(deps, { shopDomain: shopA.domain, body: redactBody });
    expect(outcome).toMatchObject({ status: "redacted", customerFound: true, customerId: subjectBefore.id, ordersRedacted: 3, checkoutsRedacted: 2, reportsErased: 1 });
    expect(outcome.webhookEventsErased).toBeGreaterThanOrEqual(8);

    const hits = await scan(store, personalData(WILHELMINA), { shopIds: [shopB.shopId], domains: [shopB.domain] });
    expect(where(hits)).toEqual([]);

    // the row stays, anonymised, with its totals and predictions; segments that count spend keep it
    const after = await store.db.customer.findUniqueOrThrow({ where: { id: subjectBefore.id } });
    expect(after).toMatchObject({
      firstName: null,
      lastName: null,
      email: null,
      emailDomain: null,
      phone: null,
      note: null,
      locale: null,
      emailMarketingState: "REDACTED",
      smsMarketingState: "REDACTED",
      redactedAt: NOW,
      numberOfOrders: subjectBefore.numberOfOrders,
      amountSpentMinor: subjectBefore.amountSpentMinor,
      predictedSpendTier: "HIGH",
    });
    expect(subjectBefore.numberOfOrders).toBe(2);
    expect(await store.db.segmentMember.count({ where: { customerId: subjectBefore.id } })).toBe(1);
    // erased bodies say so; one that waited is closed, not left to fail on the marker
    const erased = await store.db.webhookEvent.findMany({ where: { shopDomain: shopA.domain, payload: REDACTED_PAYLOAD } });
    expect(erased.length).toBe(outcome.webhookEventsErased);
    expect(erased.filter((e) => e.webhookId !== "wh-redact").every((e) => e.status === "DONE")).toBe(true);

    // the other customer of the shop: every personal value still where it was
    const bartHits = where(await scan(store, [BART.email.toLowerCase(), BART.lastName.toLowerCase(), BART.zip.toLowerCase(), BART.birthDate], { shopIds: [shopB.shopId], domains: [shopB.domain] }));
    expect(bartHits).toEqual(
      expect.arrayContaining(["Customer.email", "Customer.lastName", "CustomerAddress.zip", "CustomerMetafield.value", "Order.email", "AbandonedCheckout.email", "WebhookEvent.payload", "CustomerDataRequest.report"]),
    );
    // the same person at the other shop: untouched
    const elsewhere = await store.db.customer.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shopB.shopId, shopifyId: WILHELMINA.id } } });
    expect(elsewhere).toMatchObject({ email: WILHELMINA.email, firstName: WILHELMINA.firstName, redactedAt: null });
    expect(await store.db.webhookEvent.count({ where: { shopDomain: shopB.domain, payload: REDACTED_PAYLOAD } })).toBe(0);
  });

  it("a second delivery changes nothing, and later writes for the customer are refused", async () => {
    const snapshot = await store.db.customer.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shopA.shopId, shopifyId: WILHELMINA.id } } });
    const again = await handleCustomersRedact({ ...deps, now: () => new Date(NOW.getTime() + 60_000) }, { shopDomain: shopA.domain, body: customersRedactPayload(shopA.info, 1, datasetCustomer(WILHELMINA), shopA.orderIds.wilhelmina) });
    expect(again).toMatchObject({ status: "redacted", customerFound: true, customerId: snapshot.id });
    const row = await store.db.customer.findUniqueOrThrow({ where: { id: snapshot.id } });
    expect(row.redactedAt).toEqual(NOW);

    // a late customers/update (a webhook retried by Shopify) and an order's embedded customer
    const ctx = { kind, shopId: shopA.shopId };
    const later = { ...customerInput(datasetCustomer(WILHELMINA)), updatedAt: new Date(NOW.getTime() + 3_600_000) };
    const written = await store.db.$transaction((tx) => writeCustomers(tx, ctx, [later]));
    expect(written.skipped).toEqual([WILHELMINA.id]);
    const embedded = await store.db.$transaction((tx) => writeEmbeddedCustomers(tx, ctx, [later]));
    expect(embedded.written.size).toBe(0);
    expect(where(await scan(store, personalData(WILHELMINA), { shopIds: [shopB.shopId], domains: [shopB.domain] }))).toEqual([]);
  });

  it("a customer the store never saw: inbox bodies are erased and an anonymised row keeps late webhooks out", async () => {
    const stranger: Person = { ...WILHELMINA, id: "7000000999", firstName: "Gerrit", lastName: "Onbekend", email: "gerrit.onbekend@example.net", phone: "+31600000999" };
    await storeWebhook({ db: store.db, now: NOW, webhook: { shop: shopA.domain, webhookId: "wh-stranger", eventId: null, topic: "customers/update", apiVersion: "2026-10", triggeredAt: NOW, rawBody: JSON.stringify(customerPayload(datasetCustomer(stranger), shopA.info)) } });
    const outcome = await handleCustomersRedact(deps, { shopDomain: shopA.domain, body: customersRedactPayload(shopA.info, 1, datasetCustomer(stranger), []) });
    expect(outcome).toMatchObject({ status: "redacted", customerFound: false, webhookEventsErased: 1 });
    const placeholder = await store.db.customer.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shopA.shopId, shopifyId: stranger.id } } });
    expect(placeholder).toMatchObject({ email: null, firstName: null, redactedAt: NOW });
    const late = await store.db.$transaction((tx) => writeCustomers(tx, { kind, shopId: shopA.shopId }, [customerInput(datasetCustomer(stranger))]));
    expect(late.skipped).toEqual([stranger.id]);
    expect(where(await scan(store, [stranger.firstName.toLowerCase(), stranger.lastName.toLowerCase(), stranger.email, stranger.phone]))).toEqual([]);
  });

  it("shop/redact leaves nothing of the shop in any table, and the other shop whole", async () => {
    const bBefore = await store.db.customer.count({ where: { shopId: shopB.shopId } });
    const aDomain = shopA.domain.toLowerCase();
    expect((await rowsOfShop(store, shopA.shopId, aDomain)).length).toBeGreaterThan(50);
    await storeWebhook({ db: store.db, now: NOW, webhook: { shop: shopA.domain, webhookId: "wh-shop-redact", eventId: null, topic: "shop/redact", apiVersion: "2026-10", triggeredAt: NOW, rawBody: JSON.stringify(shopRedactPayload(shopA.info, 1)) } });

    const outcome = await handleShopRedact(deps, { shopDomain: shopA.domain, body: shopRedactPayload(shopA.info, 1) });
    expect(outcome).toMatchObject({ shopDeleted: true, sessionsDeleted: 1 });
    expect(await rowsOfShop(store, shopA.shopId, aDomain)).toEqual([]);
    expect(where(await scan(store, [...personalData(BART), aDomain]))).toEqual([]);

    // the other shop: every row still there, the same person's data included
    expect(await store.db.customer.count({ where: { shopId: shopB.shopId } })).toBe(bBefore);
    expect(where(await scan(store, [WILHELMINA.email]))).toEqual(expect.arrayContaining(["Customer.email", "WebhookEvent.payload", "Order.email"]));
    expect(await store.db.session.count({ where: { shop: shopB.domain } })).toBe(1);

    // delivered again (Shopify retries): nothing left to delete, no error
    expect(await handleShopRedact(deps, { shopDomain: shopA.domain, body: shopRedactPayload(shopA.info, 1) })).toEqual({ shopDeleted: false, sessionsDeleted: 0, webhookEventsDeleted: 0 });
  });
});
