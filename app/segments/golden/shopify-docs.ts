import { TEMPLATE_METAFIELDS } from "../templates";
import { NOTS_33, PARENS_33 } from "./errors";
import type { GoldenCase, KnownGap } from "./run";

/**
 * Every example segment query found in Shopify's public segment documentation (stored copies,
 * read through the search tool), with what this engine should make of it. Queries are as
 * printed on the page; where a query had to be adapted (HTML entities, a condition shown without
 * its attribute) the case says so in `note`.
 *
 * Examples that use filters or parameters the app does not support are kept as expected
 * UNKNOWN_FILTER errors, so the corpus shows the gap rather than hiding it.
 */

/** Developer reference. Read from a verbatim copy of the page compiled 2026-05-01 (its header names this URL). */
const REFERENCE = "https://shopify.dev/docs/api/shopifyql/segment-query-language-reference";
/** ShopifyQL syntax reference; its MATCHES examples are full ShopifyQL queries, of which the WHERE condition is kept. */
const SHOPIFYQL = "https://shopify.dev/docs/api/shopifyql";
const CHANGELOG = "https://shopify.dev/changelog/updated-function-syntax-on-the-segment-query-language";
const HELP_FILTERS = "https://help.shopify.com/en/manual/customers/customer-segmentation/reference-guide/shopify-segments";
/** An older revision of the same help page, mirrored; the stored copy of help.shopify.com cuts off before these sections. */
const HELP_FILTERS_MIRROR =
  "https://theturtleeffect.com/help/en/manual/customers/customer-segmentation/customer-segments/customer-segmentation-reference/customer-segment-shopify";
const HELP_COMPONENTS = "https://help.shopify.com/en/manual/customers/customer-segmentation/customer-segments/customer-segments-components";
const HELP_PREDICTED_SPEND = "https://help.shopify.com/en/manual/customers/customer-segmentation/predicted-spend-tier";
const HELP_METAFIELDS = "https://help.shopify.com/en/manual/customers/customer-segmentation/reference-guide/metafield-segments";
const TEMPLATE_COMPONENT = "https://shopify.dev/docs/api/admin-extensions/2024-01/components/customersegmenttemplate";

const ok = (source: string, query: string, canonical = query, extra: Partial<GoldenCase> = {}): GoldenCase => ({ source, query, canonical, ...extra });
const unknownFilter = (source: string, query: string, column = 1, extra: Partial<GoldenCase> = {}): GoldenCase => ({
  source,
  query,
  errors: [{ line: 1, column, code: "UNKNOWN_FILTER" }],
  ...extra,
});

const ELEVEN_COUNTRIES = ["CA", "FR", "MX", "AU", "AX", "AZ", "FI", "BE", "TH", "ES", "BR"].map((code) => `customer_countries CONTAINS '${code}'`).join(" OR ");

export const SHOPIFY_DOC_CASES: readonly GoldenCase[] = [
  // Developer reference: clause format
  ok(REFERENCE, "email_subscription_status = 'SUBSCRIBED'"),

  // Developer reference: date attributes
  ok(REFERENCE, "last_order_date = 2020-05-30"),
  ok(REFERENCE, "last_order_date >= 2020-05-30T04:00:00 AND last_order_date < 2020-05-31T04:00:00", undefined, {
    note: "shown as the UTC equivalent of a whole-day comparison; valid segment syntax as written",
  }),
  ok(REFERENCE, "last_order_date > 2020-05-30"),
  ok(REFERENCE, "last_order_date != 2020-05-30"),
  ok(REFERENCE, "last_order_date >= 2020-05-30"),
  ok(REFERENCE, "last_order_date < 2020-05-30"),
  ok(REFERENCE, "last_order_date <= 2020-05-30"),
  {
    source: REFERENCE,
    query: "last_order_date BETWEEN 2020-02-30 AND 2020-03-30",
    errors: [{ line: 1, column: 25, code: "BAD_VALUE", message: "2020-02-30" }],
    note: "the reference's BETWEEN example is written without an attribute (last_order_date added, as in the rows around it) and uses 30 February, which does not exist",
  },
  ok(REFERENCE, "last_order_date > -7d"),
  ok(REFERENCE, "last_order_date >= -2w"),
  ok(REFERENCE, "last_order_date = -1m"),
  ok(REFERENCE, "last_order_date < -1y", undefined, { note: "printed on the page as `last_order_date &lt; -1y` (HTML entity)" }),
  ok(REFERENCE, "last_order_date BETWEEN 2021-01-01 AND today"),
  ok(REFERENCE, "last_order_date BETWEEN 2020-01-01 AND -7d"),
  ok(REFERENCE, "last_order_date = today"),
  ok(REFERENCE, "last_order_date = yesterday"),
  ok(REFERENCE, "last_order_date > 2020-05-30T16:00:00"),
  {
    source: REFERENCE,
    query: "last_order_date BETWEEN 1pm AND 3pm",
    errors: [{ line: 1, column: 25, code: "SYNTAX" }],
    note: "the reference shows this as invalid: time-only syntax is not supported",
  },

  // Developer reference: enum, float, integer, list and string attributes
  ok(REFERENCE, "customer_account_status = 'DISABLED'"),
  ok(REFERENCE, "customer_account_status != 'DISABLED'"),
  ok(REFERENCE, "amount_spent = 10.99"),
  ok(REFERENCE, "amount_spent != 10.99"),
  ok(REFERENCE, "amount_spent > 10.99"),
  ok(REFERENCE, "amount_spent >= 10.99"),
  ok(REFERENCE, "amount_spent < 10.99", undefined, { note: "printed on the page as `amount_spent &lt; 10.99` (HTML entity)" }),
  ok(REFERENCE, "amount_spent <= 10.99"),
  ok(REFERENCE, "amount_spent BETWEEN 100 AND 1000.99"),
  ok(REFERENCE, "number_of_orders = 10"),
  ok(REFERENCE, "number_of_orders != 10"),
  ok(REFERENCE, "number_of_orders > 10"),
  ok(REFERENCE, "number_of_orders >= 10"),
  ok(REFERENCE, "number_of_orders < 10", undefined, { note: "printed on the page as `number_of_orders &lt; 10` (HTML entity)" }),
  ok(REFERENCE, "number_of_orders <= 10"),
  ok(REFERENCE, "number_of_orders BETWEEN 100 AND 1000"),
  ok(REFERENCE, "customer_tags CONTAINS 'vip'"),
  ok(REFERENCE, "customer_cities CONTAINS 'US-CA-LosAngeles'"),
  ok(REFERENCE, "customer_tags NOT CONTAINS 'vip'"),
  ok(REFERENCE, "customer_cities NOT CONTAINS 'US-CA-LosAngeles'"),
  ok(REFERENCE, "customer_tags CONTAINS '\\'VIP\\''", undefined, {
    note: "the reference shows the escaped condition '\\'VIP\\'' on its own; customer_tags added",
  }),
  ok(REFERENCE, "customer_email_domain = 'example.com'"),
  ok(REFERENCE, "customer_email_domain != 'example.com'"),

  // Developer reference: function attributes
  ok(REFERENCE, "products_purchased MATCHES (id = 1234, count > 1)"),
  ok(REFERENCE, "anniversary ('metafields.facts.birth_date') = today", "anniversary(date: 'metafields.facts.birth_date') = today", {
    metafields: TEMPLATE_METAFIELDS,
    note: "the reference writes anniversary with an unnamed argument; the help centre writes anniversary(date: '…')",
  }),
  ok(REFERENCE, "products_purchased NOT MATCHES ()"),
  ok(REFERENCE, "products_purchased MATCHES (id = 2012162031638)"),
  ok(REFERENCE, "products_purchased MATCHES (tag = 'Sports wear')"),
  ok(REFERENCE, "products_purchased MATCHES (id IN (2012162031638, 1012132033639))"),
  ok(REFERENCE, "products_purchased MATCHES (id = 1012132033639)"),
  ok(REFERENCE, "products_purchased MATCHES (id IN (1012132033639, 2012162031638, 32421429314657))"),
  ok(REFERENCE, "products_purchased MATCHES (id NOT IN (1012132033639))"),
  ok(REFERENCE, "products_purchased MATCHES (id = 1012132033639, date = 2022-01-01)"),
  ok(REFERENCE, "products_purchased NOT MATCHES (date > -3m)"),
  ok(REFERENCE, "products_purchased MATCHES (tag = 'Sports wear', date >= -12m)"),
  ok(REFERENCE, "products_purchased MATCHES (id = 1012132033639, date BETWEEN -12m AND today)"),
  unknownFilter(REFERENCE, "shopify_email.opened MATCHES ()", 1, { note: "also the changelog's example of the new form" }),
  unknownFilter(REFERENCE, "shopify_email.opened MATCHES (activity_id = 5240029206)"),
  unknownFilter(REFERENCE, "shopify_email.opened NOT MATCHES (activity_id = 5240029206)"),
  unknownFilter(REFERENCE, "shopify_email.delivered MATCHES (activity_id = 5240029206)"),
  unknownFilter(REFERENCE, "shopify_email.opened MATCHES (activity_id IN (5240029206, 1932881090, 3250045832))"),
  unknownFilter(REFERENCE, "shopify_email.unsubscribed MATCHES (activity_id IN (5240029206))"),
  unknownFilter(REFERENCE, "shopify_email.delivered MATCHES (activity_id = 5240029206, date = 2022-01-01)"),
  unknownFilter(REFERENCE, "shopify_email.marked_as_spam MATCHES (activity_id = 5240029206, date > -3m)"),
  unknownFilter(REFERENCE, "shopify_email.bounced NOT MATCHES (activity_id = 5240029206, date BETWEEN -12m AND today)"),

  // Developer reference: grouped clauses
  ok(REFERENCE, "email_subscription_status = 'SUBSCRIBED' AND customer_countries CONTAINS 'CA'"),
  ok(REFERENCE, "email_subscription_status = 'SUBSCRIBED' OR customer_countries CONTAINS 'CA'"),
  ok(REFERENCE, ELEVEN_COUNTRIES, undefined, {
    note: "the reference marks this invalid in Shopify ('Too many clauses (>10)'); the app's own language has no clause limit, so it is accepted here — a native mirror of it would be refused",
  }),
  ok(REFERENCE, "email_subscription_status = 'SUBSCRIBED' AND customer_countries CONTAINS 'CA' OR amount_spent > 999.99"),
  ok(
    REFERENCE,
    "(email_subscription_status = 'SUBSCRIBED' AND customer_countries CONTAINS 'CA') OR amount_spent > 999.99",
    "email_subscription_status = 'SUBSCRIBED' AND customer_countries CONTAINS 'CA' OR amount_spent > 999.99",
    { note: "AND binds tighter than OR, so the parentheses are redundant and the printer drops them" },
  ),
  ok(REFERENCE, "email_subscription_status = 'SUBSCRIBED' AND (customer_countries CONTAINS 'CA' OR amount_spent > 999.99)"),

  // ShopifyQL syntax reference: the WHERE conditions of its MATCHES examples
  ok(SHOPIFYQL, "orders_placed MATCHES (date > 2025-01-01)"),
  unknownFilter(SHOPIFYQL, "shopify_email.opened MATCHES (activity_id = 5240029206, date > 2025-01-01)"),
  ok(SHOPIFYQL, "products_purchased NOT MATCHES (date > 2025-01-01)"),
  {
    source: SHOPIFYQL,
    query: "orders_placed MATCHES (date > 2025-01-01, date < 2025-06-01)",
    errors: [{ line: 1, column: 43, code: "SYNTAX", message: "twice" }],
    note: "the page shows this as invalid: date is used twice in one MATCHES",
  },

  // Changelog: the 2026-10 function syntax
  unknownFilter(CHANGELOG, "shopify_email.opened() = true", 1, { note: "the legacy form of shopify_email.opened MATCHES ()" }),
  ok(CHANGELOG, "products_purchased(quantity: 5) = true", "products_purchased MATCHES (quantity = 5)"),
  ok(CHANGELOG, "products_purchased MATCHES (quantity = 5)"),
  ok(CHANGELOG, "products_purchased MATCHES (quantity != 5)"),
  ok(CHANGELOG, "products_purchased MATCHES (quantity > 5)"),

  // Help centre: Shopify-based filters
  ok(HELP_FILTERS, "abandoned_checkout_date >= 7_days_ago", "abandoned_checkout_date >= -7d"),
  ok(HELP_FILTERS, "abandoned_checkout_date > -8m"),
  ok(HELP_FILTERS, "abandoned_checkout_date = today", undefined, { note: "named date 'Today: = today' of the abandoned checkout date filter" }),
  ok(HELP_FILTERS, "abandoned_checkout_date = yesterday", undefined, { note: "named date 'Yesterday: = yesterday'" }),
  ok(HELP_FILTERS, "abandoned_checkout_date >= 30_days_ago", "abandoned_checkout_date >= -30d", { note: "named date 'In the last 30 days'" }),
  ok(HELP_FILTERS, "abandoned_checkout_date >= 90_days_ago", "abandoned_checkout_date >= -90d", { note: "named date 'In the last 90 days'" }),
  ok(HELP_FILTERS, "abandoned_checkout_date >= 12_months_ago", "abandoned_checkout_date >= -12m", { note: "named date 'In the last 12 months'" }),
  ok(HELP_FILTERS, "anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d", undefined, { metafields: TEMPLATE_METAFIELDS }),
  ok(HELP_FILTERS, "anniversary(date: 'metafields.facts.birth_date') = today", undefined, {
    metafields: TEMPLATE_METAFIELDS,
    note: "named date 'Today: = today' of the anniversary filter",
  }),
  ok(HELP_FILTERS, "anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +7d", undefined, {
    metafields: TEMPLATE_METAFIELDS,
    note: "named range 'In the next 7 days: BETWEEN today AND +7d'",
  }),
  ok(HELP_FILTERS_MIRROR, "amount_spent BETWEEN 1 AND 999.99"),
  ok(HELP_FILTERS_MIRROR, "customer_cities CONTAINS 'US-NY-NewYorkCity'"),

  // Help centre: other pages
  unknownFilter(HELP_COMPONENTS, "shopify_email.opened(activity_id: 123) = true"),
  ok(HELP_PREDICTED_SPEND, "predicted_spend_tier = 'HIGH' AND email_subscription_status = 'SUBSCRIBED'"),
  unknownFilter(HELP_METAFIELDS, "customer.points_balance >= 100", 1, {
    metafields: [{ namespace: "customer", key: "points_balance", type: "number_integer", name: "Points balance" }],
    note: "the help page writes the metafield without its metafields. prefix; the editor's code is metafields.customer.points_balance",
  }),

  // Customer segment template extension component
  ok(TEMPLATE_COMPONENT, "number_of_orders > 0"),
  {
    source: TEMPLATE_COMPONENT,
    query: "number_of_orders > 0'",
    errors: [{ line: 1, column: 21, code: "SYNTAX", message: "closing quote" }],
    note: "a stray quote in the page's second code sample (the component does not validate queries)",
  },
];

/**
 * Shopify filters and function parameters the app does not support, for which the stored pages
 * hold no example query: one clause each, written from the reference's attribute and parameter
 * tables, so the gap is on record.
 */
export const UNSUPPORTED_FILTER_CASES: readonly GoldenCase[] = [
  unknownFilter(REFERENCE, "companies IS NOT NULL"),
  unknownFilter(REFERENCE, "created_by_app_id = 1234"),
  unknownFilter(REFERENCE, "product_subscription_status IS NOT NULL"),
  unknownFilter(REFERENCE, "shopify_email.clicked MATCHES (activity_id = 5240029206)"),
  unknownFilter(REFERENCE, "storefront_event.product_viewed MATCHES (id = 1234)"),
  unknownFilter(REFERENCE, "storefront_event.collection_viewed MATCHES (id = 1234)"),
  unknownFilter(REFERENCE, "store_credit_accounts MATCHES (balance > 0)"),
  unknownFilter(REFERENCE, "customer_within_distance MATCHES (distance_km <= 10)"),
  unknownFilter(REFERENCE, "products_purchased MATCHES (category = 'Apparel')", 29),
  unknownFilter(REFERENCE, "orders_placed MATCHES (location_id = 1234)", 24),
  unknownFilter(REFERENCE, "orders_placed MATCHES (app_id = 1234)", 24),
].map((golden) => ({ ...golden, note: "written from the reference's tables; no example query in the stored pages" }));

/**
 * Corpus cases (here and in errors.ts) the engine does not yet handle as expected. The golden
 * test leaves them out; each says what the engine does and what it should do.
 */
export const KNOWN_GAPS: readonly KnownGap[] = [];
