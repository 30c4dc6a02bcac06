/**
 * Webhook bodies (validated by app/shopify/webhook-payloads.ts) → the sync's record vocabulary
 * (app/sync/records.ts), so a webhook writes a record exactly as an import does.
 *
 * - Money: the REST amounts of orders, refunds and variants are in the shop currency (the order's
 *   `currency` names it); they become minor units of that currency, exactly (app/sync/money.ts).
 *   A checkout's amounts are in the buyer's (presentment) currency, kept with that currency's code.
 * - What a body does not carry stays `undefined` so the store keeps its own: a customer body has no
 *   tags, consents or metafields (2025-01+), a product body no collections.
 * - The customer inside an order or checkout may have null timestamps: it is created with the
 *   order's created_at and the epoch as its version, so any real customers/* body supersedes it.
 * - Blank product type, vendor and locale become null, as the GraphQL import stores them.
 */
import type {
  AddressInput,
  CheckoutInput,
  CustomerInput,
  EmbeddedCustomerInput,
  OrderInput,
  OrderLineInput,
  ProductInput,
  RefundInput,
} from "./records";
import { currencyDigits, decimalToMinor } from "./money";
import type {
  CheckoutBody,
  CustomerAddressBody,
  CustomerBody,
  EmbeddedCustomerBody,
  LineItemBody,
  OrderBody,
  ProductBody,
  RefundBody,
} from "~/shopify/webhook-payloads";

/** The version given a customer known only from an order or checkout: older than any real one. */
export const EMBEDDED_CUSTOMER_VERSION = new Date(0);

function minor(amount: string, currencyCode: string): bigint {
  return decimalToMinor(amount, currencyDigits(currencyCode));
}

function blankAsNull(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === "" ? null : value;
}

// ------------------------------------------------------------------------------------ customers

function addressInput(address: CustomerAddressBody, isDefault: boolean): AddressInput {
  return {
    shopifyId: address.id,
    isDefault,
    city: address.city,
    province: address.province,
    provinceCode: address.province_code,
    countryCode: address.country_code === null ? null : address.country_code.toUpperCase(),
    zip: address.zip,
    company: address.company,
  };
}

/** The body's addresses; the first one marked default (or equal to default_address) is the default. */
function addressInputs(body: Pick<CustomerBody, "addresses" | "default_address">): AddressInput[] | undefined {
  if (body.addresses === undefined) return body.default_address ? [addressInput(body.default_address, true)] : undefined;
  const defaultId = body.default_address?.id ?? null;
  let defaultSeen = false;
  return body.addresses.map((address) => {
    const isDefault = !defaultSeen && (address.default === true || (defaultId !== null && address.id === defaultId));
    defaultSeen ||= isDefault;
    return addressInput(address, isDefault);
  });
}

/** customers/create and customers/update: no tags, consents or metafields (kept as the store has them). */
export function customerFromWebhook(body: CustomerBody): CustomerInput {
  return {
    shopifyId: body.id,
    firstName: body.first_name,
    lastName: body.last_name,
    email: body.email,
    phone: body.phone,
    // REST customer bodies carry no locale: the store's is kept (the refresh job reads it with the details)
    locale: undefined,
    accountState: body.state,
    verifiedEmail: body.verified_email,
    note: body.note,
    createdAt: body.created_at,
    updatedAt: body.updated_at,
    addresses: addressInputs(body),
  };
}

/** The customer inside an order or checkout, enough to create the row the order counts for. */
export function embeddedCustomerFromWebhook(body: EmbeddedCustomerBody, context: { createdAt: Date; locale: string | null }): EmbeddedCustomerInput {
  return {
    shopifyId: body.id,
    firstName: body.first_name,
    lastName: body.last_name,
    email: body.email,
    phone: body.phone,
    locale: context.locale,
    accountState: body.state ?? "DISABLED",
    verifiedEmail: body.verified_email ?? false,
    note: body.note,
    createdAt: body.created_at ?? context.createdAt,
    updatedAt: body.updated_at ?? EMBEDDED_CUSTOMER_VERSION,
    addresses: body.default_address ? [addressInput(body.default_address, true)] : undefined,
  };
}

// ------------------------------------------------------------------------------------ orders

/**
 * A refund's amount: its successful refund transactions, when they are in the shop currency;
 * otherwise (or without transactions) the shop-money subtotal and tax of its refunded lines.
 */
export function refundFromWebhook(body: RefundBody, shopCurrency: string): RefundInput {
  const transactions = (body.transactions ?? []).filter((t) => t.kind === "refund" && (t.status === undefined || t.status === null || t.status === "success"));
  const inShopCurrency = transactions.length > 0 && transactions.every((t) => t.currency === undefined || t.currency === null || t.currency === shopCurrency);
  let amountMinor = 0n;
  if (inShopCurrency) {
    for (const t of transactions) amountMinor += minor(t.amount, shopCurrency);
  } else {
    for (const line of body.refund_line_items ?? []) {
      for (const set of [line.subtotal_set, line.total_tax_set]) if (set) amountMinor += minor(set.shop_money.amount, set.shop_money.currency_code);
    }
  }
  return { shopifyId: body.id, amountMinor, note: body.note, createdAt: body.created_at };
}

function lineFromWebhook(line: LineItemBody, currency: string): OrderLineInput {
  // Shopify recommends discount_allocations over the line's total_discount
  const allocations = line.discount_allocations ?? [];
  let totalDiscountMinor = 0n;
  if (allocations.length > 0) {
    for (const allocation of allocations) {
      const amount = allocation.amount_set?.shop_money.amount ?? allocation.amount;
      if (amount !== undefined) totalDiscountMinor += minor(amount, currency);
    }
  } else if (line.total_discount !== undefined) {
    totalDiscountMinor = minor(line.total_discount, currency);
  }
  return {
    shopifyId: line.id,
    productShopifyId: line.product_id,
    variantShopifyId: line.variant_id,
    sku: line.sku,
    title: line.title,
    quantity: line.quantity,
    unitPriceMinor: minor(line.price, currency),
    totalDiscountMinor,
  };
}

/** orders/create, orders/updated, orders/cancelled: the order with its lines and the refunds it lists. */
export function orderFromWebhook(body: OrderBody): OrderInput {
  const currency = body.currency;
  const shipping = body.total_shipping_price_set?.shop_money;
  return {
    shopifyId: body.id,
    name: body.name,
    customerShopifyId: body.customer?.id ?? null,
    email: body.email ?? body.contact_email,
    currencyCode: currency,
    subtotalMinor: minor(body.subtotal_price, currency),
    totalDiscountsMinor: minor(body.total_discounts, currency),
    totalShippingMinor: shipping ? minor(shipping.amount, shipping.currency_code) : 0n,
    totalTaxMinor: body.total_tax === undefined ? 0n : minor(body.total_tax, currency),
    totalMinor: minor(body.total_price, currency),
    discountCodes: (body.discount_codes ?? []).map((discount) => discount.code),
    financialStatus: body.financial_status,
    cancelledAt: body.cancelled_at,
    // the GraphQL enum's spelling, as an import stores it
    cancelReason: body.cancel_reason === null ? null : body.cancel_reason.toUpperCase(),
    test: body.test ?? false,
    processedAt: body.processed_at ?? body.created_at,
    createdAt: body.created_at,
    updatedAt: body.updated_at,
    lines: body.line_items.map((line) => lineFromWebhook(line, currency)),
    refunds: body.refunds?.map((refund) => refundFromWebhook(refund, currency)),
  };
}

/** The order's customer, for writeEmbeddedCustomers; null for a guest order. */
export function orderCustomerFromWebhook(body: OrderBody): EmbeddedCustomerInput | null {
  return body.customer ? embeddedCustomerFromWebhook(body.customer, { createdAt: body.created_at, locale: blankAsNull(body.customer_locale) }) : null;
}

// ------------------------------------------------------------------------------------ products

/** products/update: tags from Shopify's comma-separated string; collections are not in the body. */
export function productFromWebhook(body: ProductBody, shopCurrency: string): ProductInput {
  const tags = typeof body.tags === "string" ? body.tags.split(",") : (body.tags ?? []);
  return {
    shopifyId: body.id,
    title: body.title,
    handle: body.handle,
    productType: blankAsNull(body.product_type),
    vendor: blankAsNull(body.vendor),
    tags: tags.map((tag) => tag.trim()).filter((tag) => tag !== ""),
    // products/update examples carry a null created_at; the store needs one
    createdAt: body.created_at ?? body.updated_at,
    updatedAt: body.updated_at,
    variants: body.variants?.map((variant) => ({ shopifyId: variant.id, sku: variant.sku, title: variant.title, priceMinor: minor(variant.price, shopCurrency) })),
  };
}

// ------------------------------------------------------------------------------------ checkouts

export function checkoutFromWebhook(body: CheckoutBody): CheckoutInput {
  const currency = body.presentment_currency ?? body.currency;
  return {
    token: body.token,
    customerShopifyId: body.customer?.id ?? null,
    email: body.email,
    currencyCode: currency,
    totalMinor: minor(body.total_price, currency),
    completedAt: body.completed_at,
    createdAt: body.created_at,
    updatedAt: body.updated_at,
  };
}

export function checkoutCustomerFromWebhook(body: CheckoutBody): EmbeddedCustomerInput | null {
  return body.customer ? embeddedCustomerFromWebhook(body.customer, { createdAt: body.created_at, locale: blankAsNull(body.customer_locale) }) : null;
}
