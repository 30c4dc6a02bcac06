/**
 * The sync's one vocabulary for Shopify records, whatever they arrived in: a bulk operation's JSONL
 * (GraphQL shapes), a single Admin API query, or a webhook body (REST shapes). Each source maps
 * to these types (app/sync/from-graphql.ts, app/sync/from-webhook.ts), and the store writers
 * (app/store/sync-writes.server.ts) take nothing else — so an import and a webhook write a record
 * the same way.
 *
 * Conventions (the store's, prisma/schema.prisma):
 * - ids are Shopify's legacy numeric ids as decimal text ("7781234"), never gids;
 * - money is integer minor units of the shop currency (bigint), never a float;
 * - instants are Dates; `updatedAt` is Shopify's updated_at, the order-safety key;
 * - a field that is `undefined` was not in the source and keeps what the store holds
 *   (customers/update bodies carry no tags, consents or metafields since 2025-01);
 *   `null` means Shopify says there is no value.
 */

export type CustomerAccountState = "DISABLED" | "INVITED" | "ENABLED" | "DECLINED";
export type EmailMarketingState = "SUBSCRIBED" | "NOT_SUBSCRIBED" | "PENDING" | "UNSUBSCRIBED" | "INVALID" | "REDACTED";
export type SmsMarketingState = "SUBSCRIBED" | "NOT_SUBSCRIBED" | "PENDING" | "UNSUBSCRIBED" | "REDACTED";
export type FinancialStatus = "PENDING" | "AUTHORIZED" | "PARTIALLY_PAID" | "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" | "VOIDED" | "EXPIRED";

export interface AddressInput {
  shopifyId: string | null;
  isDefault: boolean;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  /** ISO 3166-1 alpha-2, upper case */
  countryCode: string | null;
  zip: string | null;
  company: string | null;
}

export interface MetafieldInput {
  namespace: string;
  key: string;
  /** Shopify's type name: date, number_integer, single_line_text_field … */
  type: string;
  /** Shopify's string form */
  value: string;
}

export interface MarketingInput<State extends string> {
  state: State;
  updatedAt: Date | null;
}

export interface CustomerInput {
  shopifyId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  /** customer_language, e.g. "en", "nl-NL"; undefined: not in this source (REST customer bodies), keep the store's */
  locale?: string | null;
  accountState: CustomerAccountState;
  verifiedEmail: boolean;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** undefined: not in this source, keep the store's */
  tags?: readonly string[];
  emailMarketing?: MarketingInput<EmailMarketingState>;
  smsMarketing?: MarketingInput<SmsMarketingState>;
  /** undefined: keep the store's; [] : the customer has none. The first default one is the default address. */
  addresses?: readonly AddressInput[];
  /** undefined: keep the store's (a bulk import delivers them as child lines) */
  metafields?: readonly MetafieldInput[];
}

export interface OrderLineInput {
  shopifyId: string;
  productShopifyId: string | null;
  variantShopifyId: string | null;
  sku: string | null;
  title: string;
  quantity: number;
  /** before discounts */
  unitPriceMinor: bigint;
  totalDiscountMinor: bigint;
}

export interface RefundInput {
  shopifyId: string;
  amountMinor: bigint;
  note: string | null;
  createdAt: Date;
}

export interface OrderInput {
  shopifyId: string;
  name: string | null;
  customerShopifyId: string | null;
  email: string | null;
  currencyCode: string;
  subtotalMinor: bigint;
  totalDiscountsMinor: bigint;
  totalShippingMinor: bigint;
  totalTaxMinor: bigint;
  totalMinor: bigint;
  discountCodes: readonly string[];
  financialStatus: FinancialStatus | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  test: boolean;
  processedAt: Date;
  createdAt: Date;
  updatedAt: Date;
  /** undefined: keep the store's lines (a bulk import delivers them as child lines) */
  lines?: readonly OrderLineInput[];
  /** refunds known to this source; refunds are never removed by an order write */
  refunds?: readonly RefundInput[];
}

export interface VariantInput {
  shopifyId: string;
  sku: string | null;
  title: string;
  priceMinor: bigint;
}

export interface CollectionInput {
  shopifyId: string;
  handle: string;
  title: string;
}

export interface ProductInput {
  shopifyId: string;
  title: string;
  handle: string;
  productType: string | null;
  vendor: string | null;
  tags: readonly string[];
  createdAt: Date;
  updatedAt: Date;
  /** undefined: keep the store's (a bulk import delivers them as child lines) */
  variants?: readonly VariantInput[];
  /** undefined: keep the store's */
  collections?: readonly CollectionInput[];
}

export interface CheckoutInput {
  /** the checkout's token: webhook bodies since 2026-04 carry no id */
  token: string;
  customerShopifyId: string | null;
  email: string | null;
  currencyCode: string;
  totalMinor: bigint;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The customer embedded in an order or checkout body: enough to create the row the order links to. */
export type EmbeddedCustomerInput = Omit<CustomerInput, "tags" | "emailMarketing" | "smsMarketing" | "metafields">;
