import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check, validDate } from "./checker";
import { SegmentQueryError } from "./errors";
import { FILTERS } from "./filters";
import { parse } from "./parser";

const METAFIELDS = [
  { namespace: "facts", key: "birth_date", type: "date", name: "Birthday" },
  { namespace: "custom", key: "pet_type", type: "single_line_text_field", name: "Pet" },
  { namespace: "custom", key: "loyalty_points", type: "number_integer" },
];

function errorsOf(source: string) {
  return check(parse(source), source, { metafields: METAFIELDS }).errors.map((e) => ({ at: `${e.line}:${e.column}`, message: e.message, suggestion: e.suggestion }));
}

describe("checker", () => {
  it.each([
    "amount_spent >= 100",
    "amount_spent BETWEEN 100 AND 500.50",
    "number_of_orders = 0 OR last_order_date < -90d",
    "customer_added_date BETWEEN 2025-01-01 AND today",
    "customer_tags CONTAINS 'vip' AND customer_tags NOT CONTAINS 'wholesale'",
    "customer_email_domain = 'gmail.com'",
    "customer_countries CONTAINS 'NL'",
    "email_subscription_status = 'SUBSCRIBED'",
    "predicted_spend_tier = 'HIGH'",
    "rfm_group != 'AT_RISK'",
    "products_purchased MATCHES (id IN (1, 2), date > -90d, sum_quantity >= 2)",
    "products_purchased NOT MATCHES (sku = 'sand-wash-jeans')",
    "orders_placed MATCHES (sum_amount BETWEEN 50000 AND 200000, date BETWEEN 2025-01-01 AND 2025-12-31)",
    "products_purchased(id: 123) = true",
    "anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d",
    "metafields.custom.pet_type = 'dog' AND metafields.custom.loyalty_points > 100",
    "metafields.facts.birth_date IS NOT NULL",
    "age > 25 AND churn_probability >= 0.7 AND expected_next_order_date < today",
    "last_order_date > 30_days_ago",
  ])("accepts %s", (source) => {
    expect(errorsOf(source)).toEqual([]);
  });

  it.each([
    ["amount_spend > 100", "1:1", "unknown filter amount_spend", "did you mean amount_spent?"],
    ["customer_tags > 3", "1:1", "customer_tags cannot be used with >", "customer_tags takes CONTAINS, NOT CONTAINS, IS NULL, IS NOT NULL"],
    ["amount_spent > 'abc'", "1:16", "amount_spent compares with a number, not 'abc'", "write a number such as 100 or 12.50, without thousands separators"],
    ["predicted_spend_tier = 'HIHG'", "1:24", "'HIHG' is not a value of predicted_spend_tier; it is one of HIGH, MEDIUM, LOW", "did you mean 'HIGH'?"],
    ["last_order_date > 2025-02-30", "1:19", "2025-02-30 is not a date on the calendar", undefined],
    ["metafields.custom.pet = 'dog'", "1:1", "this shop has no customer metafield definition metafields.custom.pet", "did you mean metafields.custom.pet_type?"],
    ["products_purchased MATCHES (id = 1, id = 2)", "1:37", "id appears twice in products_purchased", "each condition can appear only once"],
    ["products_purchased MATCHES (colour = 'red')", "1:29", "products_purchased has no condition colour", "use id, tag, product_type, sku, date, sum_quantity, quantity, count"],
    ["orders_placed MATCHES (date IN (1, 2))", "1:24", "date cannot be used with IN", "orders_placed has no condition that takes a list"],
  ])("refuses %s at %s", (source, at, message, suggestion) => {
    expect(errorsOf(source)[0]).toEqual({ at, message, suggestion });
  });

  it("reports every error, in source order", () => {
    expect(errorsOf("amount_spend > 1 AND customer_tags > 3 OR rfm_group = 'X'").map((e) => e.at)).toEqual(["1:1", "1:22", "1:55"]);
  });

  it("knows every filter the issue names, and which are Shopify's own", () => {
    for (const name of ["amount_spent", "number_of_orders", "customer_regions", "sms_subscription_status", "rfm_group", "orders_placed"]) expect(FILTERS.get(name)?.native).toBe(true);
    for (const name of ["age", "average_order_value", "amount_paid", "discount_order_share", "last_order_amount", "predicted_spend_12m", "predicted_clv", "churn_probability", "expected_next_order_date"]) {
      expect(FILTERS.get(name)?.native).toBe(false);
    }
  });

  it("validates calendar dates and times", () => {
    expect(["2024-02-29", "2025-12-31T23:59:59", "2025-01-01T00:00"].every(validDate)).toBe(true);
    expect(["2025-02-29", "2025-13-01", "2025-01-31T24:00:00", "2025-01-31T10:60"].some(validDate)).toBe(false);
  });

  it("never throws while checking any query the parser accepts", () => {
    const filters = fc.constantFrom(...FILTERS.keys(), "metafields.custom.pet_type", "nope");
    const values = fc.constantFrom("1", "'x'", "-30d", "today", "2025-02-30", "true", "'HIGH'");
    const operators = fc.constantFrom("=", "!=", ">", "CONTAINS", "NOT CONTAINS", "IS NULL", "MATCHES (id = 1)", "BETWEEN 1 AND");
    const clause = fc.tuple(filters, operators, values).map(([f, o, v]) => (o.startsWith("IS") || o.startsWith("MATCHES") ? `${f} ${o}` : `${f} ${o} ${v}`));
    fc.assert(
      fc.property(fc.array(clause, { minLength: 1, maxLength: 5 }), fc.constantFrom(" AND ", " OR "), (clauses, joiner) => {
        const source = clauses.join(joiner);
        try {
          const result = check(parse(source), source, { metafields: METAFIELDS });
          for (const e of result.errors) expect(e).toBeInstanceOf(SegmentQueryError);
        } catch (thrown) {
          if (!(thrown instanceof SegmentQueryError)) throw thrown;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
