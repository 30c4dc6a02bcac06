import type { DatasetCustomer, DatasetOrder, DatasetProduct, ShopDataset } from "../dataset";

/** Tiny hand-made datasets for the stand-in's tests: n customers, each with `ordersEach` orders. */
export function buildDataset(options: { domain?: string; customers?: number; ordersEach?: number; plan?: string } = {}): ShopDataset {
  const domain = options.domain ?? "tiny.myshopify.com";
  const day = (n: number) => new Date(Date.UTC(2025, 0, 1 + n)).toISOString();
  const product: DatasetProduct = {
    id: "8000000001",
    handle: "vinyl",
    title: "Vinyl record",
    productType: "Music",
    vendor: "CDNow",
    tags: ["music"],
    collectionIds: ["4100000001"],
    variants: [{ id: "9000000001", sku: "VINYL-1", title: "Default", price: "20.00" }],
    createdAt: day(0),
    updatedAt: day(0),
  };
  const customers: DatasetCustomer[] = [];
  const orders: DatasetOrder[] = [];
  let orderSeq = 0;
  for (let i = 1; i <= (options.customers ?? 5); i++) {
    const id = String(7000000000 + i);
    customers.push({
      id,
      firstName: `First${i}`,
      lastName: `Last${i}`,
      email: `c${i}@example.com`,
      phone: null,
      locale: "en",
      tags: i % 2 === 0 ? ["vip"] : [],
      state: "ENABLED",
      verifiedEmail: true,
      note: null,
      emailMarketingConsent: { marketingState: "SUBSCRIBED", marketingOptInLevel: "SINGLE_OPT_IN", consentUpdatedAt: day(i) },
      smsMarketingConsent: null,
      addresses: [{ id: String(6000000000 + i), address1: "Main 1", city: "Amsterdam", province: "Noord-Holland", provinceCode: "NH", country: "Netherlands", countryCode: "NL", zip: "1000AA", company: null }],
      metafields: [{ namespace: "custom", key: "birthday", type: "date", value: "1984-03-02" }],
      createdAt: day(i),
      updatedAt: day(10 + i),
    });
    for (let j = 0; j < (options.ordersEach ?? 2); j++) {
      orderSeq++;
      orders.push({
        id: String(5000000000 + orderSeq),
        name: `#${1000 + orderSeq}`,
        customerId: id,
        email: `c${i}@example.com`,
        currencyCode: "EUR",
        subtotalPrice: "40.00",
        totalDiscounts: "0.00",
        totalShipping: "5.00",
        totalTax: "0.00",
        totalPrice: "45.00",
        discountCodes: [],
        financialStatus: "PAID",
        cancelledAt: null,
        cancelReason: null,
        test: false,
        processedAt: day(20 + orderSeq),
        createdAt: day(20 + orderSeq),
        updatedAt: day(20 + orderSeq),
        lineItems: [
          { id: String(3000000000 + orderSeq * 10), productId: product.id, variantId: "9000000001", sku: "VINYL-1", title: "Vinyl record", quantity: 2, originalUnitPrice: "20.00", totalDiscount: "0.00" },
        ],
        refunds: [],
      });
    }
  }
  return {
    shop: { myshopifyDomain: domain, name: "Tiny", email: "owner@example.com", currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam", planName: options.plan ?? "Basic", createdAt: day(0) },
    metafieldDefinitions: [{ ownerType: "CUSTOMER", namespace: "custom", key: "birthday", name: "Birthday", type: "date" }],
    collections: [{ id: "4100000001", handle: "music", title: "Music" }],
    products: [product],
    customers,
    orders,
    abandonedCheckouts: [],
  };
}
