import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import type { CustomerInput, OrderInput, ProductInput } from "~/sync/records";
import {
  addCustomerMetafields,
  addOrderLines,
  deleteResources,
  linkOrdersToCustomers,
  writeCheckouts,
  writeCustomers,
  writeEmbeddedCustomers,
  writeOrders,
  writeProducts,
  writeRefunds,
  type SyncWriteContext,
} from "./sync-writes.server";

const kinds = await storeKinds();

const at = (day: number, hour = 0) => new Date(Date.UTC(2026, 10, day, hour));

function customer(shopifyId: string, updatedAt: Date, patch: Partial<CustomerInput> = {}): CustomerInput {
  return {
    shopifyId,
    firstName: "Ann",
    lastName: "Smith",
    email: "Ann@Example.COM",
    phone: "+31612345678",
    locale: "nl",
    accountState: "ENABLED",
    verifiedEmail: true,
    note: null,
    createdAt: at(1),
    updatedAt,
    tags: ["VIP", "vip ", "Newsletter"],
    emailMarketing: { state: "SUBSCRIBED", updatedAt: at(1) },
    smsMarketing: { state: "NOT_SUBSCRIBED", updatedAt: null },
    addresses: [{ shopifyId: "a1", isDefault: true, city: "Los Angeles", province: "California", provinceCode: "ca", countryCode: "us", zip: "90001", company: null }],
    metafields: [{ namespace: "facts", key: "birth_date", type: "date", value: "1984-03-02" }],
    ...patch,
  };
}

function order(shopifyId: string, customerShopifyId: string | null, updatedAt: Date, patch: Partial<OrderInput> = {}): OrderInput {
  return {
    shopifyId,
    name: `#${shopifyId}`,
    customerShopifyId,
    email: "ann@example.com",
    currencyCode: "EUR",
    subtotalMinor: 2500n,
    totalDiscountsMinor: 0n,
    totalShippingMinor: 500n,
    totalTaxMinor: 0n,
    totalMinor: 3000n,
    discountCodes: [],
    financialStatus: "PAID",
    cancelledAt: null,
    cancelReason: null,
    test: false,
    processedAt: at(2),
    createdAt: at(2),
    updatedAt,
    lines: [{ shopifyId: `${shopifyId}-1`, productShopifyId: "p1", variantShopifyId: "v1", sku: "CD-1", title: "Kind of Blue", quantity: 2, unitPriceMinor: 1250n, totalDiscountMinor: 0n }],
    refunds: [],
    ...patch,
  };
}

function product(shopifyId: string, updatedAt: Date, patch: Partial<ProductInput> = {}): ProductInput {
  return {
    shopifyId,
    title: "Kind of Blue",
    handle: "kind-of-blue",
    productType: "Jazz",
    vendor: "Columbia",
    tags: ["Jazz", "Classic"],
    createdAt: at(1),
    updatedAt,
    variants: [{ shopifyId: "v1", sku: "CD-1", title: "CD", priceMinor: 1250n }],
    collections: [{ shopifyId: "c1", handle: "jazz", title: "Jazz" }],
    ...patch,
  };
}

describe.each(kinds)("sync writers on %s", (kind) => {
  let store: TestStore;
  let ctx: SyncWriteContext;
  let other: SyncWriteContext;

  beforeAll(async () => {
    store = await freshStore(kind);
    const shop = await store.db.shop.create({ data: { domain: `writers-${kind}.myshopify.com`, name: "Writers" } });
    const second = await store.db.shop.create({ data: { domain: `other-${kind}.myshopify.com`, name: "Other" } });
    ctx = { kind, shopId: shop.id };
    other = { kind, shopId: second.id };
  });
  afterAll(() => store.drop());

  it("creates a customer with its tags, addresses and metafields in the store's conventions", async () => {
    const { db } = store;
    const result = await writeCustomers(db, ctx, [customer("100", at(3))]);
    const id = result.written.get("100");
    expect(id).toBeTypeOf("number");
    const row = await db.customer.findUniqueOrThrow({ where: { id }, include: { tags: true, addresses: true, metafields: true } });
    expect(row).toMatchObject({ emailDomain: "example.com", emailMarketingState: "SUBSCRIBED", detailsStale: false, shopifyUpdatedAt: at(3) });
    expect(row.tags.map((t) => [t.tag, t.normalized]).sort()).toEqual([["Newsletter", "newsletter"], ["VIP", "vip"]]);
    expect(row.addresses[0]).toMatchObject({ countryCode: "US", regionKey: "US-CA", cityKey: "US-CA-LosAngeles" });
    expect(row.metafields).toMatchObject([{ namespace: "facts", key: "birth_date", value: "1984-03-02" }]);
    // the same Shopify id in another shop is another customer
    const elsewhere = await writeCustomers(db, other, [customer("100", at(3))]);
    expect(elsewhere.written.get("100")).not.toBe(id);
  });

  it("ignores an older version, writes a newer one, and keeps what a body does not carry", async () => {
    const { db } = store;
    await writeCustomers(db, ctx, [customer("101", at(5))]);
    const older = await writeCustomers(db, ctx, [customer("101", at(4), { firstName: "Old" })]);
    expect(older.skipped).toEqual(["101"]);
    // a webhook body: no tags, consents or metafields; stale until the refresh reads them
    const body = customer("101", at(6), { firstName: "New", locale: undefined, tags: undefined, emailMarketing: undefined, smsMarketing: undefined, metafields: undefined });
    const newer = await writeCustomers(db, ctx, [body], { markDetailsStale: true });
    expect(newer.written.has("101")).toBe(true);
    const row = await db.customer.findFirstOrThrow({ where: { shopId: ctx.shopId, shopifyId: "101" }, include: { tags: true, metafields: true } });
    expect(row).toMatchObject({ firstName: "New", detailsStale: true, emailMarketingState: "SUBSCRIBED", locale: "nl" });
    expect(row.tags).toHaveLength(2);
    expect(row.metafields).toHaveLength(1);
    // the same body again (a duplicate delivery) changes nothing
    expect((await writeCustomers(db, ctx, [body], { markDetailsStale: true })).skipped).toEqual(["101"]);
    // the refresh: the same version with everything: written, no longer stale
    const refreshed = await writeCustomers(db, ctx, [customer("101", at(6), { firstName: "New", tags: ["gold"], metafields: [] })]);
    expect(refreshed.written.has("101")).toBe(true);
    const after = await db.customer.findFirstOrThrow({ where: { shopId: ctx.shopId, shopifyId: "101" }, include: { tags: true, metafields: true } });
    expect(after).toMatchObject({ detailsStale: false });
    expect(after.tags.map((t) => t.normalized)).toEqual(["gold"]);
    expect(after.metafields).toEqual([]);
  });

  it("keeps the newest version of a record given twice in one batch", async () => {
    const result = await writeCustomers(store.db, ctx, [customer("102", at(8), { firstName: "Late" }), customer("102", at(7), { firstName: "Early" })]);
    expect(result.written.size).toBe(1);
    expect((await store.db.customer.findFirstOrThrow({ where: { shopId: ctx.shopId, shopifyId: "102" } })).firstName).toBe("Late");
  });

  it("links an order that arrived before its customer, counts refunds that arrived before the order", async () => {
    const { db } = store;
    await writeProducts(db, ctx, [product("p1", at(1))]);
    const refund = await writeRefunds(db, ctx, "900", [{ shopifyId: "r1", amountMinor: 1000n, note: null, createdAt: at(3) }]);
    expect(refund.customerIds).toEqual([]);
    const orders = await writeOrders(db, ctx, [order("900", "200", at(3))]);
    const orderRow = await db.order.findFirstOrThrow({ where: { shopId: ctx.shopId, shopifyId: "900" }, include: { lines: true } });
    expect(orders.customerIds).toEqual([]);
    expect(orderRow).toMatchObject({ customerId: null, customerShopifyId: "200", totalRefundedMinor: 1000n, hasDiscountCode: false });
    expect(orderRow.lines).toMatchObject([{ productType: "Jazz", quantity: 2, unitPriceMinor: 1250n }]);
    // the refund again (a duplicate) is counted once
    await writeRefunds(db, ctx, "900", [{ shopifyId: "r1", amountMinor: 1000n, note: null, createdAt: at(3) }]);
    const created = await writeCustomers(db, ctx, [customer("200", at(3))]);
    const customerId = created.written.get("200");
    expect(created.customerIds).toContain(customerId);
    expect((await db.order.findFirstOrThrow({ where: { shopId: ctx.shopId, shopifyId: "900" } })).customerId).toBe(customerId);
    expect((await db.order.findFirstOrThrow({ where: { shopId: ctx.shopId, shopifyId: "900" } })).totalRefundedMinor).toBe(1000n);
    // orders/updated before orders/create: the older create changes nothing
    await writeOrders(db, ctx, [order("901", "200", at(5), { totalMinor: 4000n })]);
    const late = await writeOrders(db, ctx, [order("901", "200", at(4), { totalMinor: 1n })]);
    expect(late.skipped).toEqual(["901"]);
    expect((await db.order.findFirstOrThrow({ where: { shopId: ctx.shopId, shopifyId: "901" } })).totalMinor).toBe(4000n);
  });

  it("creates the customer an order body embeds, never overwrites one", async () => {
    const { db } = store;
    const embedded = { ...customer("300", at(2)), firstName: "Embedded" };
    const first = await writeEmbeddedCustomers(db, ctx, [embedded]);
    expect(first.written.has("300")).toBe(true);
    expect((await db.customer.findFirstOrThrow({ where: { shopId: ctx.shopId, shopifyId: "300" } })).detailsStale).toBe(true);
    const again = await writeEmbeddedCustomers(db, ctx, [{ ...embedded, firstName: "Other", updatedAt: at(9) }]);
    expect(again.skipped).toEqual(["300"]);
    expect((await db.customer.findFirstOrThrow({ where: { shopId: ctx.shopId, shopifyId: "300" } })).firstName).toBe("Embedded");
  });

  it("deletes with a tombstone: a late update does not bring a customer or an order back", async () => {
    const { db } = store;
    const { written } = await writeCustomers(db, ctx, [customer("400", at(2))]);
    await writeOrders(db, ctx, [order("940", "400", at(2))]);
    const gone = await deleteResources(db, ctx, "ORDER", ["940"], at(3));
    expect(gone.customerIds).toEqual([written.get("400")]);
    expect((await writeOrders(db, ctx, [order("940", "400", at(4))])).skipped).toEqual(["940"]);
    await deleteResources(db, ctx, "CUSTOMER", ["400"], at(3));
    expect((await writeCustomers(db, ctx, [customer("400", at(9))])).skipped).toEqual(["400"]);
    expect(await db.customer.count({ where: { shopId: ctx.shopId, shopifyId: "400" } })).toBe(0);
    // deleting twice is fine
    await deleteResources(db, ctx, "CUSTOMER", ["400"], at(4));
  });

  it("keeps a redacted customer's personal data off their orders, refunds and checkouts written later", async () => {
    const { db } = store;
    const { written } = await writeCustomers(db, ctx, [customer("510", at(2))]);
    await db.customer.update({ where: { id: written.get("510") }, data: { redactedAt: at(3), email: null } });
    await writeOrders(db, ctx, [order("951", "510", at(4), { refunds: [{ shopifyId: "r51", amountMinor: 100n, note: "Ann called about it", createdAt: at(4) }] })]);
    await writeRefunds(db, ctx, "951", [{ shopifyId: "r52", amountMinor: 100n, note: "Ann again", createdAt: at(5) }]);
    await writeCheckouts(db, ctx, [{ token: "tok-51", customerShopifyId: "510", email: "ann@example.com", currencyCode: "EUR", totalMinor: 1n, completedAt: null, createdAt: at(4), updatedAt: at(4) }]);
    expect(await db.order.findFirstOrThrow({ where: { shopId: ctx.shopId, shopifyId: "951" } })).toMatchObject({ email: null, totalMinor: 3000n, totalRefundedMinor: 200n });
    expect((await db.orderRefund.findMany({ where: { shopId: ctx.shopId, orderShopifyId: "951" } })).map((r) => r.note)).toEqual([null, null]);
    expect((await db.abandonedCheckout.findFirstOrThrow({ where: { shopId: ctx.shopId, shopifyId: "tok-51" } })).email).toBeNull();
  });

  it("never writes a redacted customer again", async () => {
    const { db } = store;
    const { written } = await writeCustomers(db, ctx, [customer("500", at(2))]);
    await db.customer.update({ where: { id: written.get("500") }, data: { redactedAt: at(3), firstName: null, email: null } });
    expect((await writeCustomers(db, ctx, [customer("500", at(9))])).skipped).toEqual(["500"]);
    expect((await db.customer.findUniqueOrThrow({ where: { id: written.get("500") } })).email).toBeNull();
  });

  it("adds bulk children once (a resumed import repeats lines), only to parents the import wrote", async () => {
    const { db } = store;
    const importRunId = 77;
    await writeCustomers(db, ctx, [customer("600", at(9), { metafields: [] })], { importRunId });
    // a webhook wrote 601 (and its newer version) while the import ran: the import's older row and its children stay out
    await writeCustomers(db, ctx, [customer("601", at(11), { metafields: [{ namespace: "facts", key: "birth_date", type: "date", value: "1970-07-07" }] })]);
    expect((await writeCustomers(db, ctx, [customer("601", at(9), { metafields: [] })], { importRunId })).skipped).toEqual(["601"]);
    const rows = [
      { customerShopifyId: "600", metafield: { namespace: "facts", key: "birth_date", type: "date", value: "1990-01-01" } },
      { customerShopifyId: "601", metafield: { namespace: "facts", key: "birth_date", type: "date", value: "1990-01-01" } },
    ];
    await addCustomerMetafields(db, ctx, rows, { importRunId });
    await addCustomerMetafields(db, ctx, rows, { importRunId });
    expect(await db.customerMetafield.count({ where: { shopId: ctx.shopId, customer: { shopifyId: "600" } } })).toBe(1);
    expect((await db.customerMetafield.findMany({ where: { shopId: ctx.shopId, customer: { shopifyId: "601" } } })).map((m) => m.value)).toEqual(["1970-07-07"]);

    await writeOrders(db, ctx, [order("960", "600", at(9), { lines: [] })], { importRunId });
    const line = { shopifyId: "960-1", productShopifyId: "p1", variantShopifyId: null, sku: null, title: "Kind of Blue", quantity: 1, unitPriceMinor: 1250n, totalDiscountMinor: 0n };
    await addOrderLines(db, ctx, [{ orderShopifyId: "960", line }], { importRunId });
    await addOrderLines(db, ctx, [{ orderShopifyId: "960", line }], { importRunId });
    expect(await db.orderLine.count({ where: { shopId: ctx.shopId, order: { shopifyId: "960" } } })).toBe(1);
  });

  it("keeps the lines a webhook brought when the import meets the same version of the order", async () => {
    const { db } = store;
    // orders/updated during a long export: the webhook is processed first, then the export's row of the same version arrives
    await writeOrders(db, ctx, [order("961", null, at(12))]);
    const imported = await writeOrders(db, ctx, [order("961", null, at(12), { lines: [] })], { importRunId: 78 });
    expect(imported.skipped).toEqual(["961"]);
    await addOrderLines(db, ctx, [{ orderShopifyId: "961", line: { shopifyId: "other", productShopifyId: null, variantShopifyId: null, sku: null, title: "x", quantity: 1, unitPriceMinor: 1n, totalDiscountMinor: 0n } }], { importRunId: 78 });
    expect((await db.orderLine.findMany({ where: { shopId: ctx.shopId, order: { shopifyId: "961" } } })).map((l) => l.shopifyId)).toEqual(["961-1"]);
    // a later import run rewrites what an import wrote (a re-sync re-imports the same version whole)
    await writeOrders(db, ctx, [order("962", null, at(12))], { importRunId: 78 });
    expect((await writeOrders(db, ctx, [order("962", null, at(12), { lines: [] })], { importRunId: 79 })).written.has("962")).toBe(true);
  });

  it("replaces a product's tags, variants and collections; reports its buyers when its tags change", async () => {
    const { db } = store;
    const { written } = await writeCustomers(db, ctx, [customer("700", at(2))]);
    await writeOrders(db, ctx, [order("970", "700", at(2))]);
    const result = await writeProducts(db, ctx, [product("p1", at(12), { tags: ["Sale"], variants: [{ shopifyId: "v2", sku: "CD-2", title: "LP", priceMinor: 2000n }] })]);
    expect(result.customerIds).toContain(written.get("700"));
    const row = await db.product.findFirstOrThrow({ where: { shopId: ctx.shopId, shopifyId: "p1" }, include: { tags: true, variants: true, collections: true } });
    expect(row.tags.map((t) => t.normalized)).toEqual(["sale"]);
    expect(row.variants.map((v) => v.shopifyId)).toEqual(["v2"]);
    expect(row.collections).toHaveLength(1);
  });

  it("keeps abandoned checkouts by token, order-safe, linked to their customer", async () => {
    const { db } = store;
    const { written } = await writeCustomers(db, ctx, [customer("800", at(2))]);
    const checkout = { token: "tok-1", customerShopifyId: "800", email: "ann@example.com", currencyCode: "EUR", totalMinor: 1999n, completedAt: null, createdAt: at(3), updatedAt: at(3) };
    expect((await writeCheckouts(db, ctx, [checkout])).customerIds).toEqual([written.get("800")]);
    expect((await writeCheckouts(db, ctx, [{ ...checkout, totalMinor: 1n, updatedAt: at(2) }])).skipped).toEqual(["tok-1"]);
    await writeCheckouts(db, ctx, [{ ...checkout, completedAt: at(4), updatedAt: at(4) }]);
    expect(await db.abandonedCheckout.findFirstOrThrow({ where: { shopId: ctx.shopId, shopifyId: "tok-1" } })).toMatchObject({ totalMinor: 1999n, completedAt: at(4), customerId: written.get("800") });
  });

  it("links every unlinked order of the shop, and only of the shop", async () => {
    const { db } = store;
    await writeOrders(db, ctx, [order("980", "900", at(2))]);
    await writeOrders(db, other, [order("980", "900", at(2))]);
    await db.customer.create({ data: { shopId: ctx.shopId, shopifyId: "900", shopifyCreatedAt: at(1), shopifyUpdatedAt: at(1) } });
    const { customerIds } = await linkOrdersToCustomers(db, ctx);
    expect(customerIds).toHaveLength(1);
    expect((await db.order.findFirstOrThrow({ where: { shopId: other.shopId, shopifyId: "980" } })).customerId).toBeNull();
  });

  it("writes a batch inside a transaction", async () => {
    const { db } = store;
    const many = Array.from({ length: 1200 }, (_, i) => customer(String(10_000 + i), at(2), { email: `c${i}@shop.test` }));
    const result = await db.$transaction((tx) => writeCustomers(tx, ctx, many), { timeout: 60_000 });
    expect(result.written.size).toBe(1200);
    expect(await db.customerTag.count({ where: { shopId: ctx.shopId, customer: { emailDomain: "shop.test" } } })).toBe(2400);
  });
});
