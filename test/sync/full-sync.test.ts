/**
 * Proof: a full sync of a demo shop (a slice of the CDNOW shop) against the Shopify stand-in leaves
 * the store an exact copy — every count, and field by field for a sample of customers with their
 * orders and lines and for every product, money to the cent — with the derived customer stats
 * equal to what the dataset says they must be. The shop's customer metafield definitions come
 * with it, so the segments and the editor know `metafields.facts.birth_date`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../support/random";
import { startAdminStandIn, type AdminStandIn } from "../shopify/admin";
import type { DatasetCustomer, DatasetOrder, ShopDataset } from "../shopify/dataset";
import { freshStore, storeKinds, type TestStore } from "../store/harness";
import { cents, datasetCounts, demoShopSlice, duplicateKeys, storeCounts } from "./support";
import { loadEditor, NEW_SEGMENT } from "~/services/segment-editor.server";
import { createAdminClient } from "~/shopify/admin-client.server";
import { analyse } from "~/segments/engine";
import { BIRTH_DATE_METAFIELD, TEMPLATES } from "~/segments/templates";
import { runSync, startSyncRun } from "~/sync/bulk-import.server";

const kinds = await storeKinds();
const CUSTOMERS = 300;
const SAMPLE = 50;

let standIn: AdminStandIn;
beforeAll(async () => {
  standIn = await startAdminStandIn();
});
afterAll(() => standIn.close());

const instant = (iso: string | null) => (iso === null ? null : new Date(iso));
const PAID = new Set(["PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED", "REFUNDED"]);

/** The derived stats of app/store/customer-stats.server.ts, worked out from the dataset alone. */
function expectedStats(orders: readonly DatasetOrder[]) {
  const counted = orders.filter((o) => o.cancelledAt === null && !o.test);
  if (counted.length === 0) return { numberOfOrders: 0, amountSpentMinor: 0n, amountPaidMinor: 0n, firstOrderAt: null, lastOrderAt: null, lastOrderAmountMinor: null, averageOrderValueMinor: null };
  const net = (o: DatasetOrder) => cents(o.totalPrice) - o.refunds.reduce((sum, r) => sum + cents(r.totalRefunded), 0n);
  const spent = counted.reduce((sum, o) => sum + net(o), 0n);
  const byTime = [...counted].sort((a, b) => Date.parse(a.processedAt) - Date.parse(b.processedAt) || Number(a.id) - Number(b.id));
  const last = byTime[byTime.length - 1] as DatasetOrder;
  return {
    numberOfOrders: counted.length,
    amountSpentMinor: spent,
    amountPaidMinor: counted.filter((o) => PAID.has(o.financialStatus)).reduce((sum, o) => sum + net(o), 0n),
    firstOrderAt: new Date((byTime[0] as DatasetOrder).processedAt),
    lastOrderAt: new Date(last.processedAt),
    lastOrderAmountMinor: cents(last.totalPrice),
    averageOrderValueMinor: BigInt(Math.round(Number(spent) / counted.length)),
  };
}

describe.each(kinds)("a full sync of the demo shop into %s", (kind) => {
  let store: TestStore;
  let data: ShopDataset;
  let shopId: number;
  let seconds = 0;

  beforeAll(async () => {
    store = await freshStore(kind);
    const domain = `cdnow-full-${kind}.myshopify.com`;
    data = demoShopSlice({ customers: CUSTOMERS, domain });
    // the app's own definition lives in Shopify too; it is no merchant filter
    data.metafieldDefinitions.push({ ownerType: "CUSTOMER", namespace: "app--7000001", key: "segments", name: "Segments", type: "single_line_text_field" });
    standIn.addShop(data, `token-${kind}`);
    const shop = await store.db.shop.create({ data: { domain, name: data.shop.name, currencyCode: data.shop.currencyCode, ianaTimezone: data.shop.ianaTimezone } });
    shopId = shop.id;
    // a definition the merchant deleted in Shopify since, and segments saved before the import: one naming it
    await store.db.metafieldDefinition.create({ data: { shopId, namespace: "custom", key: "gone", name: "Gone", type: "boolean" } });
    await store.db.segment.createMany({
      data: [
        { shopId, name: "Birth date known", handle: "birth-date-known", query: `${BIRTH_DATE_METAFIELD} IS NOT NULL` },
        { shopId, name: "Gone", handle: "gone", query: "metafields.custom.gone = true" },
      ],
    });
    const run = await startSyncRun(store.db, shopId, "install");
    const started = performance.now();
    const done = await runSync(
      {
        db: store.db,
        kind,
        adminFor: async (shopDomain) => createAdminClient({ shop: shopDomain, accessToken: `token-${kind}`, apiVersion: "2026-10", origin: standIn.url }),
        now: () => new Date(),
      },
      { shopId, runId: run.id, tuning: { firstPollMs: 50, watchMs: 20 } },
    );
    seconds = (performance.now() - started) / 1000;
    expect(done.state).toBe("SUCCEEDED");
  }, 120_000);
  afterAll(() => store.drop());

  it("holds exactly what the shop holds: every count, no duplicates, the progress figures", async () => {
    expect(data.customers).toHaveLength(CUSTOMERS);
    const expected = datasetCounts(data);
    expect(await storeCounts(store.db, shopId)).toEqual(expected);
    expect(Object.values(await duplicateKeys(store.db, kind, shopId)).every((n) => n === 0)).toBe(true);
    const roots = expected.products + expected.customers + expected.orders;
    expect(await store.db.shop.findUniqueOrThrow({ where: { id: shopId } })).toMatchObject({ syncState: "SUCCEEDED", syncObjectsDone: roots, syncObjectsTotal: roots, syncError: null });
    // a few seconds for ~1,000 orders: the figure is printed for the record, not asserted
    console.info(`full sync on ${kind}: ${roots} records in ${seconds.toFixed(1)} s`);
  });

  it("holds the shop's customer metafield definitions, so segments and the editor know them", async () => {
    const remote = standIn.shop(data.shop.myshopifyDomain).metafieldDefinitions;
    const shopifyId = (namespace: string, key: string) => `gid://shopify/MetafieldDefinition/${remote.find((d) => d.namespace === namespace && d.key === key)?.id}`;
    const definitions = await store.db.metafieldDefinition.findMany({ where: { shopId }, orderBy: [{ namespace: "asc" }, { key: "asc" }] });
    // the demo's two; the app's own namespace left out; the one Shopify no longer has deleted
    expect(definitions.map(({ ownerType, namespace, key, name, type, shopifyId: id }) => ({ ownerType, namespace, key, name, type, shopifyId: id }))).toEqual([
      { ownerType: "CUSTOMER", namespace: "custom", key: "pet_type", name: "Pet", type: "single_line_text_field", shopifyId: shopifyId("custom", "pet_type") },
      { ownerType: "CUSTOMER", namespace: "facts", key: "birth_date", name: "Birthday", type: "date", shopifyId: shopifyId("facts", "birth_date") },
    ]);

    // a segment naming a definition checks and has its members; one naming the deleted one is skipped and did not stop the import
    const withBirthDate = data.customers.filter((c) => c.metafields.some((m) => m.namespace === "facts" && m.key === "birth_date")).length;
    expect(withBirthDate).toBeGreaterThan(0);
    const segments = await store.db.segment.findMany({ where: { shopId }, orderBy: { handle: "asc" }, select: { handle: true, memberCount: true, computedAt: true } });
    expect(segments).toEqual([
      { handle: "birth-date-known", memberCount: withBirthDate, computedAt: expect.any(Date) },
      { handle: "gone", memberCount: 0, computedAt: null },
    ]);

    // the editor offers the filter, and the birthday template's query checks against the shop's definitions
    const template = TEMPLATES.find((t) => t.query.includes(BIRTH_DATE_METAFIELD));
    expect(template).toBeDefined();
    const editor = await loadEditor({ db: store.db, shop: data.shop.myshopifyDomain, id: NEW_SEGMENT, templateKey: template?.key ?? null, locale: "en" });
    expect(editor?.query).toBe(template?.query);
    expect(editor?.filters.find((f) => f.name === BIRTH_DATE_METAFIELD)).toMatchObject({ label: "Birthday", type: "date", group: "metafields" });
    expect(editor?.filters.find((f) => f.name === "metafields.custom.pet_type")).toMatchObject({ label: "Pet", type: "string" });
    expect(analyse(template?.query ?? "", { metafields: definitions }).ok).toBe(true);
  });

  it("matches a sample of customers field by field, with their orders and lines, money to the cent", async () => {
    const random = seededRandom(7);
    const sample = new Set<DatasetCustomer>();
    while (sample.size < SAMPLE) sample.add(data.customers[Math.floor(random() * data.customers.length)] as DatasetCustomer);
    const productTypes = new Map(data.products.map((p) => [p.id, p.productType]));
    for (const source of sample) {
      const stored = await store.db.customer.findUniqueOrThrow({
        where: { shopId_shopifyId: { shopId, shopifyId: source.id } },
        include: { tags: true, addresses: true, metafields: true, orders: { include: { lines: true } } },
      });
      expect({
        firstName: stored.firstName,
        lastName: stored.lastName,
        email: stored.email,
        emailDomain: stored.emailDomain,
        phone: stored.phone,
        locale: stored.locale,
        accountState: stored.accountState,
        verifiedEmail: stored.verifiedEmail,
        note: stored.note,
        emailMarketingState: stored.emailMarketingState,
        emailMarketingUpdatedAt: stored.emailMarketingUpdatedAt,
        smsMarketingState: stored.smsMarketingState,
        smsMarketingUpdatedAt: stored.smsMarketingUpdatedAt,
        shopifyCreatedAt: stored.shopifyCreatedAt,
        shopifyUpdatedAt: stored.shopifyUpdatedAt,
        detailsStale: stored.detailsStale,
      }).toEqual({
        firstName: source.firstName,
        lastName: source.lastName,
        email: source.email,
        emailDomain: source.email?.split("@")[1]?.toLowerCase() ?? null,
        phone: source.phone,
        locale: source.locale,
        accountState: source.state,
        verifiedEmail: source.verifiedEmail,
        note: source.note,
        emailMarketingState: source.emailMarketingConsent?.marketingState ?? "NOT_SUBSCRIBED",
        emailMarketingUpdatedAt: instant(source.emailMarketingConsent?.consentUpdatedAt ?? null),
        smsMarketingState: source.smsMarketingConsent?.marketingState ?? "NOT_SUBSCRIBED",
        smsMarketingUpdatedAt: instant(source.smsMarketingConsent?.consentUpdatedAt ?? null),
        shopifyCreatedAt: new Date(source.createdAt),
        shopifyUpdatedAt: new Date(source.updatedAt),
        detailsStale: false,
      });
      expect(stored.tags.map((t) => t.tag).sort()).toEqual([...source.tags].sort());
      expect(stored.addresses.map((a) => ({ shopifyId: a.shopifyId, isDefault: a.isDefault, city: a.city, province: a.province, provinceCode: a.provinceCode, countryCode: a.countryCode, zip: a.zip, company: a.company }))).toEqual(
        source.addresses.map((a, i) => ({ shopifyId: a.id, isDefault: i === 0, city: a.city, province: a.province, provinceCode: a.provinceCode, countryCode: a.countryCode, zip: a.zip, company: a.company })),
      );
      const byKey = (m: { namespace: string; key: string }) => `${m.namespace}.${m.key}`;
      expect(stored.metafields.map((m) => ({ namespace: m.namespace, key: m.key, type: m.type, value: m.value })).sort((a, b) => byKey(a).localeCompare(byKey(b)))).toEqual(
        source.metafields.map((m) => ({ namespace: m.namespace, key: m.key, type: m.type, value: m.value })).sort((a, b) => byKey(a).localeCompare(byKey(b))),
      );

      const sourceOrders = data.orders.filter((o) => o.customerId === source.id);
      expect(stored.orders.map((o) => o.shopifyId).sort()).toEqual(sourceOrders.map((o) => o.id).sort());
      for (const order of sourceOrders) {
        const row = stored.orders.find((o) => o.shopifyId === order.id);
        const refunds = await store.db.orderRefund.findMany({ where: { shopId, orderShopifyId: order.id }, orderBy: { shopifyId: "asc" } });
        expect({
          name: row?.name,
          customerShopifyId: row?.customerShopifyId,
          email: row?.email,
          currencyCode: row?.currencyCode,
          subtotalMinor: row?.subtotalMinor,
          totalDiscountsMinor: row?.totalDiscountsMinor,
          totalShippingMinor: row?.totalShippingMinor,
          totalTaxMinor: row?.totalTaxMinor,
          totalMinor: row?.totalMinor,
          totalRefundedMinor: row?.totalRefundedMinor,
          discountCodes: row?.discountCodes,
          hasDiscountCode: row?.hasDiscountCode,
          financialStatus: row?.financialStatus,
          cancelledAt: row?.cancelledAt,
          cancelReason: row?.cancelReason,
          test: row?.test,
          processedAt: row?.processedAt,
          shopifyCreatedAt: row?.shopifyCreatedAt,
          shopifyUpdatedAt: row?.shopifyUpdatedAt,
          refunds: refunds.map((r) => ({ shopifyId: r.shopifyId, amountMinor: r.amountMinor, note: r.note, createdAt: r.shopifyCreatedAt })),
        }).toEqual({
          name: order.name,
          customerShopifyId: order.customerId,
          email: order.email,
          currencyCode: order.currencyCode,
          subtotalMinor: cents(order.subtotalPrice),
          totalDiscountsMinor: cents(order.totalDiscounts),
          totalShippingMinor: cents(order.totalShipping),
          totalTaxMinor: cents(order.totalTax),
          totalMinor: cents(order.totalPrice),
          totalRefundedMinor: order.refunds.reduce((sum, r) => sum + cents(r.totalRefunded), 0n),
          discountCodes: order.discountCodes,
          hasDiscountCode: order.discountCodes.length > 0,
          financialStatus: order.financialStatus,
          cancelledAt: instant(order.cancelledAt),
          cancelReason: order.cancelReason,
          test: order.test,
          processedAt: new Date(order.processedAt),
          shopifyCreatedAt: new Date(order.createdAt),
          shopifyUpdatedAt: new Date(order.updatedAt),
          refunds: [...order.refunds].sort((a, b) => a.id.localeCompare(b.id)).map((r) => ({ shopifyId: r.id, amountMinor: cents(r.totalRefunded), note: r.note, createdAt: new Date(r.createdAt) })),
        });
        const lines = [...(row?.lines ?? [])].sort((a, b) => a.shopifyId.localeCompare(b.shopifyId));
        expect(lines.map((l) => ({ shopifyId: l.shopifyId, productShopifyId: l.productShopifyId, variantShopifyId: l.variantShopifyId, sku: l.sku, title: l.title, productType: l.productType, quantity: l.quantity, unitPriceMinor: l.unitPriceMinor, totalDiscountMinor: l.totalDiscountMinor }))).toEqual(
          [...order.lineItems]
            .sort((a, b) => a.id.localeCompare(b.id))
            .map((l) => ({
              shopifyId: l.id,
              productShopifyId: l.productId,
              variantShopifyId: l.variantId,
              sku: l.sku,
              title: l.title,
              productType: l.productId === null ? null : (productTypes.get(l.productId) ?? null),
              quantity: l.quantity,
              unitPriceMinor: cents(l.originalUnitPrice),
              totalDiscountMinor: cents(l.totalDiscount),
            })),
        );
      }
    }
  });

  it("matches every product with its variants, tags and collections", async () => {
    const products = await store.db.product.findMany({ where: { shopId }, include: { variants: true, tags: true, collections: { include: { collection: true } } } });
    const byId = new Map(products.map((p) => [p.shopifyId, p]));
    for (const source of data.products) {
      const stored = byId.get(source.id);
      expect({
        title: stored?.title,
        handle: stored?.handle,
        productType: stored?.productType,
        vendor: stored?.vendor,
        createdAt: stored?.shopifyCreatedAt,
        updatedAt: stored?.shopifyUpdatedAt,
        tags: stored?.tags.map((t) => t.tag).sort(),
        variants: stored?.variants.map((v) => ({ shopifyId: v.shopifyId, sku: v.sku, title: v.title, priceMinor: v.priceMinor })),
        collections: stored?.collections.map((c) => ({ shopifyId: c.collection.shopifyId, handle: c.collection.handle, title: c.collection.title })),
      }).toEqual({
        title: source.title,
        handle: source.handle,
        productType: source.productType,
        vendor: source.vendor,
        createdAt: new Date(source.createdAt),
        updatedAt: new Date(source.updatedAt),
        tags: [...source.tags].sort(),
        variants: source.variants.map((v) => ({ shopifyId: v.id, sku: v.sku, title: v.title, priceMinor: cents(v.price) })),
        collections: source.collectionIds.map((id) => {
          const c = data.collections.find((x) => x.id === id);
          return { shopifyId: id, handle: c?.handle, title: c?.title };
        }),
      });
    }
  });

  it("derives every customer's stats in the database exactly as the dataset says", async () => {
    const ordersOf = new Map<string, DatasetOrder[]>();
    for (const order of data.orders) if (order.customerId) ordersOf.set(order.customerId, [...(ordersOf.get(order.customerId) ?? []), order]);
    const rows = await store.db.customer.findMany({ where: { shopId } });
    expect(rows).toHaveLength(CUSTOMERS);
    for (const row of rows) {
      const orders = ordersOf.get(row.shopifyId) ?? [];
      expect({
        numberOfOrders: row.numberOfOrders,
        amountSpentMinor: row.amountSpentMinor,
        amountPaidMinor: row.amountPaidMinor,
        firstOrderAt: row.firstOrderAt,
        lastOrderAt: row.lastOrderAt,
        lastOrderAmountMinor: row.lastOrderAmountMinor,
        averageOrderValueMinor: row.averageOrderValueMinor,
      }).toEqual(expectedStats(orders));
      const counted = orders.filter((o) => o.cancelledAt === null && !o.test);
      if (counted.length === 0) expect(row.discountOrderShare).toBeNull();
      else expect(row.discountOrderShare).toBeCloseTo(counted.filter((o) => o.discountCodes.length > 0).length / counted.length, 10);
    }
  });
});
