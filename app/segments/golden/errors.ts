import { TEMPLATE_METAFIELDS } from "../templates";
import type { GoldenCase } from "./run";

/**
 * Queries merchants get wrong, written by hand, with the place each error should point to.
 * Positions were worked out from the text (where would a merchant want the caret?) before the
 * engine was run; where the engine disagrees and is wrong, the case is in KNOWN_GAPS.
 */
const SOURCE = "app/segments/golden/errors.ts";

/** 10,016 characters on one line: the first character past the limit is column 10,001. */
export const LONG_ONE_LINE = `${"amount_spent > 1 OR ".repeat(500)}amount_spent > 1`;
/** The same length over 501 lines of 20 characters (newline included): offset 10,000 starts line 501. */
export const LONG_MANY_LINES = `${"amount_spent > 1 OR\n".repeat(500)}amount_spent > 1`;
/** 32 parentheses deep: the deepest nesting allowed. */
export const PARENS_32 = `${"(".repeat(32)}amount_spent > 1${")".repeat(32)}`;
/** 33 parentheses deep: the 33rd "(" (column 33) opens one level too many. */
export const PARENS_33 = `${"(".repeat(33)}amount_spent > 1${")".repeat(33)}`;
/** 33 NOTs: the 33rd NOT (offset 128, column 129) is one level too many. */
export const NOTS_33 = `${"NOT ".repeat(33)}amount_spent > 1`;

const c = (query: string, errors: GoldenCase["errors"], extra: Partial<GoldenCase> = {}): GoldenCase => ({ source: SOURCE, query, errors, ...extra });

export const ERROR_CASES: readonly GoldenCase[] = [
  // Unknown filters, with "did you mean"
  c("amount_spend > 100", [{ line: 1, column: 1, code: "UNKNOWN_FILTER", message: "amount_spend", suggestion: "amount_spent" }]),
  c("number_of_orders >= 2\nOR last_oder_date < -90d", [{ line: 2, column: 4, code: "UNKNOWN_FILTER", suggestion: "last_order_date" }], {
    note: "second line",
  }),
  c("amount_spent > 100\r\nAND amount_spend < 500", [{ line: 2, column: 5, code: "UNKNOWN_FILTER", suggestion: "amount_spent" }], {
    note: "Windows line ending pasted from a spreadsheet: the \\r must not shift the column",
  }),
  c("metafields.custom.vip = true", [{ line: 1, column: 1, code: "UNKNOWN_FILTER", suggestion: "create the definition" }], {
    note: "the shop has no metafield definitions",
  }),
  c("anniversary(date: 'metafields.facts.birthday') = today", [{ line: 1, column: 19, code: "UNKNOWN_FILTER", suggestion: "metafields.facts.birth_date" }], {
    metafields: TEMPLATE_METAFIELDS,
  }),
  c("anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d", [{ line: 1, column: 19, code: "UNKNOWN_FILTER" }], {
    note: "Shopify's own birthday example, in a shop without the birth date metafield definition",
  }),

  // Operators the filter does not take
  c("customer_tags > 3", [{ line: 1, column: 1, code: "BAD_OPERATOR", message: "customer_tags cannot be used with >" }]),
  c("customer_tags = 'vip'", [{ line: 1, column: 1, code: "BAD_OPERATOR", suggestion: "CONTAINS" }]),
  c("products_purchased = true", [{ line: 1, column: 1, code: "BAD_OPERATOR", suggestion: "MATCHES" }]),
  c("products_purchased MATCHES (sku > 'x')", [{ line: 1, column: 29, code: "BAD_OPERATOR" }]),

  // Values of the wrong kind
  c("amount_spent > abc", [{ line: 1, column: 16, code: "SYNTAX", suggestion: "'abc'" }]),
  c("amount_spent > 'abc'", [{ line: 1, column: 16, code: "BAD_VALUE", message: "number" }]),
  c("predicted_spend_tier = 'VIP'", [{ line: 1, column: 24, code: "BAD_VALUE", message: "HIGH, MEDIUM, LOW" }]),
  c("email_subscription_status = 'subscribed'", [{ line: 1, column: 29, code: "BAD_VALUE", suggestion: "'SUBSCRIBED'" }], {
    note: "enum values are case-sensitive",
  }),
  c("rfm_group = AT_RISK", [{ line: 1, column: 13, code: "SYNTAX", suggestion: "'AT_RISK'" }], { note: "enum value without quotes" }),
  c("customer_email_domain = gmail.com", [{ line: 1, column: 25, code: "SYNTAX", suggestion: "'gmail.com'" }]),
  c("customer_countries CONTAINS NL", [{ line: 1, column: 29, code: "SYNTAX", suggestion: "'NL'" }]),
  c("last_order_date > 'yesterday'", [{ line: 1, column: 19, code: "BAD_VALUE", message: "date" }]),
  c("products_purchased MATCHES (id = 'abc')", [{ line: 1, column: 34, code: "BAD_VALUE" }]),
  c("number_of_orders > 2.5", [{ line: 1, column: 20, code: "BAD_VALUE" }], {
    note: "number_of_orders is an integer; Shopify's reference: 'Conditions accept only integer numbers. Floats aren't valid.'",
  }),
  c("amount_spent > 1,000", [{ line: 1, column: 17, code: "SYNTAX" }], { note: "thousands separator" }),
  c("amount_spent > $100", [{ line: 1, column: 16, code: "SYNTAX", message: "$" }], { note: "currency symbol" }),
  c("amount_spent > -", [{ line: 1, column: 16, code: "SYNTAX" }]),

  // Dates
  c("first_order_date > 2025-02-30", [{ line: 1, column: 20, code: "BAD_VALUE", message: "2025-02-30" }]),
  c("last_order_date > 2025-13-01", [{ line: 1, column: 19, code: "BAD_VALUE" }]),
  c("last_order_date > 2025-01-31T25:00:00", [{ line: 1, column: 19, code: "BAD_VALUE" }]),
  c("last_order_date > 30 days ago", [{ line: 1, column: 22, code: "SYNTAX" }]),
  c("last_order_date >= -30 d", [{ line: 1, column: 24, code: "SYNTAX" }], { note: "space inside the date offset" }),
  c("last_order_date > 01/31/2025", [{ line: 1, column: 21, code: "SYNTAX", message: "/" }], { note: "US date format" }),

  // Text values
  c('customer_tags CONTAINS "vip"', [{ line: 1, column: 24, code: "SYNTAX", suggestion: "single quotes" }]),
  c("customer_tags CONTAINS 'vip", [{ line: 1, column: 24, code: "SYNTAX", message: "closing quote" }]),
  c("customer_tags CONTAINS 'vip\nAND amount_spent > 1", [{ line: 1, column: 24, code: "SYNTAX", message: "closing quote" }], {
    note: "a text value does not run on to the next line",
  }),
  c("customer_tags CONTAINS 'vip', 'gold'", [{ line: 1, column: 29, code: "SYNTAX" }], {
    note: "CONTAINS takes one value; Shopify asks for one clause per value",
  }),

  // Structure
  c("", [{ line: 1, column: 1, code: "SYNTAX", message: "empty" }]),
  c("   \n\t ", [{ line: 1, column: 1, code: "SYNTAX", message: "empty" }]),
  c("amount_spent 100", [{ line: 1, column: 14, code: "SYNTAX", message: "operator" }]),
  c("amount_spent => 100", [{ line: 1, column: 15, code: "SYNTAX" }], { note: "= is read as the operator; > is where a value should be" }),
  c("amount_spent BETWEEN 100 500", [{ line: 1, column: 26, code: "SYNTAX", message: "AND" }]),
  c("amount_spent IS NULLL", [{ line: 1, column: 17, code: "SYNTAX", message: "NULL" }]),
  c("customer_tags NOT CONTAINS", [{ line: 1, column: 27, code: "SYNTAX" }]),
  c("amount_spent > 100 number_of_orders > 2", [{ line: 1, column: 20, code: "SYNTAX", suggestion: "AND or OR" }]),
  c("amount_spent > 100 AND", [{ line: 1, column: 23, code: "SYNTAX", suggestion: "trailing AND" }], { note: "dangling AND: the caret sits at the end" }),
  c("AND amount_spent > 100", [{ line: 1, column: 1, code: "SYNTAX" }]),
  c("amount_spent >= 100 AND AND number_of_orders > 1", [{ line: 1, column: 25, code: "SYNTAX" }]),
  c("NOT", [{ line: 1, column: 4, code: "SYNTAX" }]),
  c("(amount_spent > 100 AND number_of_orders > 2", [{ line: 1, column: 1, code: "SYNTAX", message: "never closed" }], {
    note: "an unclosed parenthesis is reported where it opens",
  }),
  c("amount_spent > 100\nAND (customer_tags CONTAINS 'vip'\n  OR customer_tags CONTAINS 'gold'", [{ line: 2, column: 5, code: "SYNTAX", message: "never closed" }]),
  c("amount_spent > 100)", [{ line: 1, column: 19, code: "SYNTAX", message: "no opening" }]),
  c("products_purchased MATCHES id = 1", [{ line: 1, column: 28, code: "SYNTAX", message: "parentheses" }]),
  c("orders_placed MATCHES (date > -90d, date < -30d)", [{ line: 1, column: 37, code: "SYNTAX", message: "twice" }], {
    note: "each parameter appears once per MATCHES",
  }),

  // Several errors at once, in source order
  c("amount_spend > 1 AND rfm_group = 'X'", [
    { line: 1, column: 1, code: "UNKNOWN_FILTER" },
    { line: 1, column: 34, code: "BAD_VALUE" },
  ]),
  c("amount_spent > 100\nAND customer_tags CONTAINS 'vip'\nAND rfm_group = 'CHAMPION'", [{ line: 3, column: 17, code: "BAD_VALUE", suggestion: "'CHAMPIONS'" }]),

  // Size and depth guards
  c(LONG_ONE_LINE, [{ line: 1, column: 10_001, code: "TOO_LONG" }], { note: "10,016 characters; at most 10,000" }),
  c(LONG_MANY_LINES, [{ line: 501, column: 1, code: "TOO_LONG" }], { note: "10,016 characters over 501 lines" }),
  c(PARENS_33, [{ line: 1, column: 33, code: "TOO_DEEP" }], { note: "33 levels of parentheses; at most 32" }),
  c(NOTS_33, [{ line: 1, column: 129, code: "TOO_DEEP" }], { note: "33 NOTs; at most 32 levels" }),
  { source: SOURCE, query: PARENS_32, canonical: "amount_spent > 1", note: "32 levels is still allowed" },
];
