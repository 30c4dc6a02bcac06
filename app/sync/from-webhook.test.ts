import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DatasetOrder } from "../../test/shopify/dataset";
import { checkout, customer, guestOrder, lookups, order, product, refund } from "../../test/shopify/webhooks/fixtures";
import { buildPayload, examplePayload, type TopicResources, type WebhookTopic } from "../../test/shopify/webhooks/payloads";
import { parseWebhookBody, type WebhookBodies, type WebhookBodyTopic } from "~/shopify/webhook-payloads";
import {
  checkoutCustomerFromWebhook,
  checkoutFromWebhook,
  customerFromWebhook,
  EMBEDDED_CUSTOMER_VERSION,
  orderCustomerFromWebhook,
  orderFromWebhook,
  productFromWebhook,
  refundFromWebhook,
} from "./from-webhook";

function bodyOf<T extends WebhookBodyTopic>(topic: T, json: unknown): WebhookBodies[T] {
  const parsed = parseWebhookBody(topic, JSON.stringify(json));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.body as WebhookBodies[T];
}

function built<T extends WebhookTopic & WebhookBodyTopic>(topic: T, resource: TopicResources[T]): WebhookBodies[T] {
  return bodyOf(topic, buildPayload(topic, resource, lookups));
}

/** "12.34" → 1234n, the way a person reads two-decimal money. */
function cents(amount: string): bigint {
  const [whole = "0", fraction = ""] = amount.replace("-", "").split(".");
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0"));
  return amount.startsWith("-") ? -value : value;
}

describe("webhook bodies as sync records", () => {
  it("a customer: the body's fields, and nothing for what the body lacks (tags, consents, metafields)", () => {
    const input = customerFromWebhook(built("customers/update", customer));
    expect(input).toEqual({
      shopifyId: "7001",
      firstName: "Anna",
      lastName: "de Vries",
      email: "anna@example.com",
      phone: "+31612345678",
      locale: undefined,
      accountState: "ENABLED",
      verifiedEmail: true,
      note: "Prefers pickup",
      createdAt: new Date(customer.createdAt),
      updatedAt: new Date(customer.updatedAt),
      addresses: [{ shopifyId: "8001", isDefault: true, city: "Amsterdam", province: "Noord-Holland", provinceCode: "NH", countryCode: "NL", zip: "1015 CJ", company: "Acme BV" }],
    });
    expect(input).not.toHaveProperty("tags");
    expect(input).not.toHaveProperty("emailMarketing");
    expect(input).not.toHaveProperty("metafields");
  });

  it("an order: money in minor units of the shop currency, lines, codes, refunds and its customer", () => {
    const body = built("orders/create", order);
    expect(orderFromWebhook(body)).toEqual({
      shopifyId: "5001",
      name: "#1001",
      customerShopifyId: "7001",
      email: "anna@example.com",
      currencyCode: "EUR",
      subtotalMinor: 2250n,
      totalDiscountsMinor: 250n,
      totalShippingMinor: 495n,
      totalTaxMinor: 390n,
      totalMinor: 2745n,
      discountCodes: ["WELCOME10"],
      financialStatus: "PARTIALLY_REFUNDED",
      cancelledAt: null,
      cancelReason: null,
      test: false,
      processedAt: new Date(order.processedAt),
      createdAt: new Date(order.createdAt),
      updatedAt: new Date(order.updatedAt),
      lines: [{ shopifyId: "5101", productShopifyId: "9001", variantShopifyId: "9101", sku: "MUG-BLUE", title: "Blue mug", quantity: 2, unitPriceMinor: 1250n, totalDiscountMinor: 250n }],
      refunds: [{ shopifyId: "6001", amountMinor: 1245n, note: "Chipped", createdAt: new Date(refund.createdAt) }],
    });
    expect(orderCustomerFromWebhook(body)).toMatchObject({ shopifyId: "7001", email: "anna@example.com", locale: "nl", createdAt: new Date(customer.createdAt), updatedAt: new Date(customer.updatedAt) });
  });

  it("a guest's cancelled test order: no customer, the cancel reason as the GraphQL enum", () => {
    const body = built("orders/cancelled", guestOrder);
    expect(orderFromWebhook(body)).toMatchObject({ customerShopifyId: null, cancelledAt: new Date(guestOrder.cancelledAt ?? ""), cancelReason: "INVENTORY", test: true, financialStatus: "PENDING", totalShippingMinor: 0n });
    expect(orderCustomerFromWebhook(body)).toBeNull();
  });

  it("Shopify's order example: the embedded customer's null timestamps become the order's date and the oldest version", () => {
    const body = bodyOf("orders/create", examplePayload("orders/create"));
    const embedded = orderCustomerFromWebhook(body);
    expect(embedded?.createdAt).toEqual(body.created_at);
    expect(embedded?.updatedAt).toEqual(EMBEDDED_CUSTOMER_VERSION);
    // ids beyond 2^53 in Shopify's example are kept as the digits sent
    expect(orderFromWebhook(body).shopifyId).toMatch(/^\d{18}$/);
  });

  it("a refund: its refund transactions, or the shop money of its lines when a transaction is in another currency", () => {
    const example = examplePayload("refunds/create");
    expect(refundFromWebhook(bodyOf("refunds/create", example), "USD").amountMinor).toBe(8500n);
    const foreign = { ...example, transactions: (example["transactions"] as Record<string, unknown>[]).map((t) => ({ ...t, currency: "CAD" })) };
    expect(refundFromWebhook(bodyOf("refunds/create", foreign), "USD").amountMinor).toBe(8999n + 1999n + 2499n + 15999n + 11999n);
    const failed = { ...example, transactions: (example["transactions"] as Record<string, unknown>[]).map((t, i) => ({ ...t, status: i === 0 ? "failure" : "success" })) };
    expect(refundFromWebhook(bodyOf("refunds/create", failed), "USD").amountMinor).toBe(1000n);
  });

  it("a product: tags from the comma-separated string, variant prices in minor units, collections left to the store", () => {
    const input = productFromWebhook(built("products/update", product), "EUR");
    expect(input).toEqual({
      shopifyId: "9001",
      title: "Blue mug",
      handle: "blue-mug",
      productType: "Mugs",
      vendor: "Potters",
      tags: ["ceramic", "blue"],
      createdAt: new Date(product.createdAt),
      updatedAt: new Date(product.updatedAt),
      variants: [{ shopifyId: "9101", sku: "MUG-BLUE", title: "Default Title", priceMinor: 1250n }],
    });
    expect(input).not.toHaveProperty("collections");
    const blank = productFromWebhook(built("products/update", { ...product, tags: [], productType: "", vendor: "" }), "EUR");
    expect(blank).toMatchObject({ tags: [], productType: null, vendor: null });
  });

  it("a checkout: its token and total, and its customer", () => {
    const body = built("checkouts/update", checkout);
    expect(checkoutFromWebhook(body)).toEqual({
      token: "c0ffee",
      customerShopifyId: "7001",
      email: "anna@example.com",
      currencyCode: "EUR",
      totalMinor: 2500n,
      completedAt: null,
      createdAt: new Date(checkout.createdAt),
      updatedAt: new Date(checkout.updatedAt),
    });
    expect(checkoutCustomerFromWebhook(body)?.shopifyId).toBe("7001");
  });

  it("converts every amount exactly, for any order the stand-in can send (EUR, 2 digits; JPY, 0)", () => {
    const amount = (max: number) => fc.integer({ min: 0, max });
    const orders = fc.record({
      subtotal: amount(10_000_000),
      discount: amount(100_000),
      shipping: amount(100_000),
      tax: amount(1_000_000),
      unit: amount(1_000_000),
      lineDiscount: amount(100_000),
      quantity: fc.integer({ min: 1, max: 50 }),
      refunds: fc.array(amount(1_000_000), { maxLength: 3 }),
      currency: fc.constantFrom("EUR", "JPY"),
    });
    fc.assert(
      fc.property(orders, (o) => {
        const digits = o.currency === "JPY" ? 0 : 2;
        const text = (minor: number) => (digits === 0 ? String(minor) : `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`);
        const total = o.subtotal + o.shipping + o.tax;
        const dataset: DatasetOrder = {
          ...order,
          currencyCode: o.currency,
          subtotalPrice: text(o.subtotal),
          totalDiscounts: text(o.discount),
          totalShipping: text(o.shipping),
          totalTax: text(o.tax),
          totalPrice: text(total),
          lineItems: [{ ...(order.lineItems[0] as DatasetOrder["lineItems"][number]), quantity: o.quantity, originalUnitPrice: text(o.unit), totalDiscount: text(o.lineDiscount) }],
          refunds: o.refunds.map((r, i) => ({ id: String(9000 + i), createdAt: order.updatedAt, totalRefunded: text(r), note: null })),
        };
        const input = orderFromWebhook(built("orders/updated", dataset));
        expect(input.subtotalMinor).toBe(BigInt(o.subtotal));
        expect(input.totalShippingMinor).toBe(BigInt(o.shipping));
        expect(input.totalTaxMinor).toBe(BigInt(o.tax));
        expect(input.totalMinor).toBe(BigInt(total));
        expect(input.lines?.[0]).toMatchObject({ unitPriceMinor: BigInt(o.unit), totalDiscountMinor: BigInt(o.lineDiscount), quantity: o.quantity });
        expect(input.refunds?.map((r) => r.amountMinor)).toEqual(o.refunds.map(BigInt));
        if (digits === 2) expect(input.subtotalMinor).toBe(cents(dataset.subtotalPrice));
      }),
      { numRuns: 200 },
    );
  });

  it("fails loudly, not silently, on an amount with more decimals than the currency has", () => {
    const body = built("orders/create", { ...order, currencyCode: "JPY", totalPrice: "27.45" });
    expect(() => orderFromWebhook({ ...body, currency: "JPY" })).toThrow(/more than 0 decimals/);
  });
});
