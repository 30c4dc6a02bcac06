import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BulkLineError, customerFromGraphql, orderFromGraphql, parseBulkLine, ShopifyRecordError, toShopifyGid } from "./from-graphql";

const money = (amount: string, currencyCode = "USD") => ({ shopMoney: { amount, currencyCode } });

const customerNode = {
  id: "gid://shopify/Customer/7000000001",
  firstName: "Zoë",
  lastName: "de Vries",
  email: "zoe@example.nl",
  phone: null,
  locale: "nl",
  tags: ["vip", "Newsletter"],
  state: "ENABLED",
  verifiedEmail: true,
  note: null,
  createdAt: "2025-01-02T10:00:00Z",
  updatedAt: "2025-03-04T11:30:00+01:00",
  emailMarketingConsent: { marketingState: "SUBSCRIBED", consentUpdatedAt: "2025-01-02T10:00:00Z" },
  smsMarketingConsent: null,
  defaultAddress: { id: "gid://shopify/MailingAddress/7100000002?model_name=CustomerAddress" },
  addresses: [
    { id: "gid://shopify/MailingAddress/7100000001?model_name=CustomerAddress", city: "Utrecht", province: "Utrecht", provinceCode: "UT", countryCodeV2: "NL", zip: "3511", company: null },
    { id: "gid://shopify/MailingAddress/7100000002?model_name=CustomerAddress", city: "Amsterdam", province: "Noord-Holland", provinceCode: "NH", countryCodeV2: "NL", zip: "1000", company: "Acme" },
  ],
};

const orderNode = {
  id: "gid://shopify/Order/8000000001",
  name: "#1001",
  email: "zoe@example.nl",
  currencyCode: "USD",
  customer: { id: "gid://shopify/Customer/7000000001" },
  subtotalPriceSet: money("40.00"),
  totalDiscountsSet: money("4.99"),
  totalShippingPriceSet: money("5"),
  totalTaxSet: null,
  totalPriceSet: money("40.01"),
  discountCodes: ["WELCOME10"],
  displayFinancialStatus: "PARTIALLY_REFUNDED",
  cancelledAt: null,
  cancelReason: null,
  test: false,
  processedAt: "2025-02-01T09:00:00Z",
  createdAt: "2025-02-01T09:00:00Z",
  updatedAt: "2025-02-03T09:00:00Z",
  refunds: [{ id: "gid://shopify/Refund/8800000001", createdAt: null, updatedAt: "2025-02-03T09:00:00Z", note: "Damaged case", totalRefundedSet: money("10.50") }],
};

const line = (node: unknown) => JSON.stringify(node);

describe("customers", () => {
  it("maps a Customer node to the sync's record: legacy ids, the default address, consents, blanks", () => {
    const customer = customerFromGraphql({ ...customerNode, locale: "" });
    expect(customer).toMatchObject({
      shopifyId: "7000000001",
      firstName: "Zoë",
      locale: null,
      accountState: "ENABLED",
      tags: ["vip", "Newsletter"],
      updatedAt: new Date("2025-03-04T10:30:00Z"),
      emailMarketing: { state: "SUBSCRIBED", updatedAt: new Date("2025-01-02T10:00:00Z") },
      // no consent object: never asked
      smsMarketing: { state: "NOT_SUBSCRIBED", updatedAt: null },
    });
    expect(customer.addresses).toEqual([
      { shopifyId: "7100000001", isDefault: false, city: "Utrecht", province: "Utrecht", provinceCode: "UT", countryCode: "NL", zip: "3511", company: null },
      { shopifyId: "7100000002", isDefault: true, city: "Amsterdam", province: "Noord-Holland", provinceCode: "NH", countryCode: "NL", zip: "1000", company: "Acme" },
    ]);
    // metafields come as child lines: the record leaves them to the store
    expect(customer.metafields).toBeUndefined();
  });

  it("refuses a node that does not fit, saying which field", () => {
    expect(() => customerFromGraphql({ ...customerNode, state: "ACTIVE" })).toThrow(ShopifyRecordError);
    expect(() => customerFromGraphql({ ...customerNode, state: "ACTIVE" })).toThrow(/customer gid:\/\/shopify\/Customer\/7000000001: state: /);
    expect(() => customerFromGraphql({ ...customerNode, id: "gid://shopify/Order/1" })).toThrow(/id: expected a Customer id/);
    expect(() => customerFromGraphql({ ...customerNode, updatedAt: "yesterday" })).toThrow(/updatedAt/);
  });
});

describe("orders", () => {
  it("keeps money exact in minor units, refunds on the order, nulls as zero where Shopify has none", () => {
    const order = orderFromGraphql(orderNode);
    expect(order).toMatchObject({
      shopifyId: "8000000001",
      customerShopifyId: "7000000001",
      subtotalMinor: 4000n,
      totalDiscountsMinor: 499n,
      totalShippingMinor: 500n,
      totalTaxMinor: 0n,
      totalMinor: 4001n,
      discountCodes: ["WELCOME10"],
      financialStatus: "PARTIALLY_REFUNDED",
    });
    // Refund.createdAt is nullable: its updatedAt stands in
    expect(order.refunds).toEqual([{ shopifyId: "8800000001", amountMinor: 1050n, note: "Damaged case", createdAt: new Date("2025-02-03T09:00:00Z") }]);
    expect(order.lines).toBeUndefined();
  });

  it("converts any amount to the cent, in currencies with 0, 2 and 3 decimals", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.constantFrom(["JPY", 0], ["EUR", 2], ["KWD", 3]), (minor, [currency, digits]) => {
        const scale = 10n ** BigInt(digits as number);
        const amount = digits === 0 ? String(minor) : `${minor / scale}.${String(minor % scale).padStart(digits as number, "0")}`;
        const order = orderFromGraphql({ ...orderNode, currencyCode: currency, totalPriceSet: money(amount, currency as string), subtotalPriceSet: null, totalDiscountsSet: null, totalShippingPriceSet: money("0", currency as string), refunds: [] });
        expect(order.totalMinor).toBe(minor);
      }),
    );
  });

  it("refuses an amount with more decimals than its currency has", () => {
    expect(() => orderFromGraphql({ ...orderNode, totalPriceSet: money("12.345") })).toThrow(/totalPriceSet: 12.345 has more than 2 decimals \(USD\)/);
  });
});

describe("bulk result lines", () => {
  const ctx = { shopCurrency: "USD" };

  it("parses roots with empty child lists and children with their parent's legacy id", () => {
    expect(parseBulkLine("customers", line(customerNode), 1, ctx)).toMatchObject({ kind: "customer", customer: { shopifyId: "7000000001", metafields: [] } });
    expect(parseBulkLine("customers", line({ id: "gid://shopify/Metafield/5", namespace: "facts", key: "birth_date", type: "date", value: "1984-03-02", __parentId: customerNode.id }), 2, ctx)).toEqual({
      kind: "metafield",
      customerShopifyId: "7000000001",
      metafield: { namespace: "facts", key: "birth_date", type: "date", value: "1984-03-02" },
    });
    expect(parseBulkLine("orders", line(orderNode), 1, ctx)).toMatchObject({ kind: "order", order: { shopifyId: "8000000001", lines: [] } });
    const lineItem = {
      id: "gid://shopify/LineItem/8500000001",
      title: "Blue Train",
      quantity: 2,
      sku: null,
      product: { id: "gid://shopify/Product/9000000001" },
      variant: null,
      originalUnitPriceSet: money("12.99"),
      totalDiscountSet: money("1.30"),
      __parentId: orderNode.id,
    };
    expect(parseBulkLine("orders", line(lineItem), 2, ctx)).toEqual({
      kind: "orderLine",
      orderShopifyId: "8000000001",
      line: { shopifyId: "8500000001", productShopifyId: "9000000001", variantShopifyId: null, sku: null, title: "Blue Train", quantity: 2, unitPriceMinor: 1299n, totalDiscountMinor: 130n },
    });
    const product = { id: "gid://shopify/Product/9000000001", title: "Blue Train", handle: "blue-train", productType: "", vendor: "Blue Note", tags: ["jazz"], createdAt: "2024-01-01T00:00:00Z", updatedAt: "2024-01-01T00:00:00Z" };
    expect(parseBulkLine("products", line(product), 1, ctx)).toMatchObject({ kind: "product", product: { productType: null, variants: [], collections: [] } });
    // a variant's price is in the shop's currency: yen have no minor unit
    expect(parseBulkLine("products", line({ id: "gid://shopify/ProductVariant/9100000001", sku: "CD-1", title: "CD", price: "1299", __parentId: product.id }), 2, { shopCurrency: "JPY" })).toMatchObject({
      variant: { priceMinor: 1299n },
    });
    expect(parseBulkLine("products", line({ id: "gid://shopify/ProductVariant/9100000001", sku: "CD-1", title: "CD", price: "12.99", __parentId: product.id }), 2, ctx)).toMatchObject({
      variant: { priceMinor: 1299n },
    });
    expect(parseBulkLine("products", line({ id: "gid://shopify/Collection/9500000001", handle: "jazz", title: "Jazz", __parentId: product.id }), 3, ctx)).toEqual({
      kind: "collection",
      productShopifyId: "9000000001",
      collection: { shopifyId: "9500000001", handle: "jazz", title: "Jazz" },
    });
  });

  it("names the line of anything it cannot use: never a silent skip", () => {
    const fails = (resource: "customers" | "orders" | "products", text: string, n: number) => {
      try {
        parseBulkLine(resource, text, n, ctx);
      } catch (error) {
        expect(error).toBeInstanceOf(BulkLineError);
        expect((error as BulkLineError).lineNumber).toBe(n);
        return (error as Error).message;
      }
      throw new Error(`line ${n} was accepted: ${text}`);
    };
    expect(fails("customers", `{"id": "gid://shopify/Customer/1", `, 7)).toMatch(/^line 7: not JSON/);
    expect(fails("customers", `[1,2]`, 8)).toMatch(/^line 8: not a JSON object/);
    expect(fails("customers", `{"title":"no id"}`, 9)).toMatch(/^line 9: no Shopify id/);
    expect(fails("customers", line({ ...customerNode, tags: "vip" }), 10)).toMatch(/^line 10: customer gid:\/\/shopify\/Customer\/7000000001: tags: /);
    expect(fails("customers", line(orderNode), 11)).toMatch(/^line 11: a Order without __parentId in the customers export/);
    expect(fails("customers", line({ id: "gid://shopify/LineItem/1", __parentId: customerNode.id }), 12)).toMatch(/^line 12: a LineItem is not expected in the customers export/);
    expect(fails("orders", line({ id: "gid://shopify/LineItem/1", __parentId: "gid://shopify/Customer/1" }), 13)).toMatch(/^line 13: a LineItem needs a Order __parentId/);
    expect(fails("products", line({ id: "gid://shopify/ProductVariant/1", sku: null, title: "CD", price: "1.001", __parentId: "gid://shopify/Product/1" }), 14)).toMatch(
      /^line 14: variant gid:\/\/shopify\/ProductVariant\/1: price: 1.001 has more than 2 decimals/,
    );
  });

  it("writes gids from legacy ids and leaves gids alone", () => {
    expect(toShopifyGid("BulkOperation", "123")).toBe("gid://shopify/BulkOperation/123");
    expect(toShopifyGid("BulkOperation", "gid://shopify/BulkOperation/123")).toBe("gid://shopify/BulkOperation/123");
  });
});
