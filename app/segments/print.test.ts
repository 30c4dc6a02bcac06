import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "./parser";
import { print } from "./print";

const canonical = (source: string) => print(parse(source));

describe("printer", () => {
  it.each([
    ["amount_spent>=100 and   number_of_orders = 2", "amount_spent >= 100 AND number_of_orders = 2"],
    ["(a = 1 AND b = 2) OR c = 3", "a = 1 AND b = 2 OR c = 3"],
    ["a = 1 AND (b = 2 OR c = 3)", "a = 1 AND (b = 2 OR c = 3)"],
    ["not (a = 1 and b = 2)", "NOT (a = 1 AND b = 2)"],
    ["NOT (a = 1)", "NOT a = 1"],
    ["((a = 1))", "a = 1"],
    ["last_order_date > 30_days_ago", "last_order_date > -30d"],
    ["last_order_date > 12_months_ago", "last_order_date > -12m"],
    ["customer_added_date between 2025-01-01 and TODAY", "customer_added_date BETWEEN 2025-01-01 AND today"],
    ["customer_tags not contains 'rock \\'n\\' roll'", "customer_tags NOT CONTAINS 'rock \\'n\\' roll'"],
    ["email is not null", "email IS NOT NULL"],
    ["products_purchased(id: 123) = true", "products_purchased MATCHES (id = 123)"],
    ["products_purchased(id: (1, 2), date: -30d) = false", "products_purchased NOT MATCHES (id IN (1, 2), date >= -30d)"],
    ["products_purchased(tag: 'jazz') != false", "products_purchased MATCHES (tag = 'jazz')"],
    ["products_purchased matches (id in (1,2),date between -90d and today)", "products_purchased MATCHES (id IN (1, 2), date BETWEEN -90d AND today)"],
    ["anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d", "anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d"],
    ["amount_spent > 100.50", "amount_spent > 100.5"],
    ["amount_spent > 0.0000001", "amount_spent > 0.0000001"],
    ["amount_spent > 12345678901234567891", "amount_spent > 12345678901234567891"],
    ["amount_spent > 007.500", "amount_spent > 7.5"],
    ["amount_spent > -0.0", "amount_spent > 0"],
    ["customer_tags CONTAINS 'a\\\nb'", "customer_tags CONTAINS 'a\\\nb'"],
    ["products_purchased MATCHES (id not in (1, 2))", "products_purchased MATCHES (id NOT IN (1, 2))"],
    ["products_purchased MATCHES ()", "products_purchased MATCHES ()"],
    ["products_purchased() = false", "products_purchased NOT MATCHES ()"],
    ["anniversary('metafields.facts.birth_date') = today", "anniversary(date: 'metafields.facts.birth_date') = today"],
  ])("prints %s as %s", (source, expected) => {
    expect(canonical(source)).toBe(expected);
  });

  it("is a fixed point: printing what it printed changes nothing (random queries)", () => {
    const name = fc.constantFrom("amount_spent", "customer_tags", "last_order_date", "metafields.facts.birth_date", "rfm_group");
    const value = fc.oneof(
      fc.integer({ min: -1000, max: 100000 }).map(String),
      fc.stringMatching(/^-?\d{1,30}(\.\d{1,12})?$/),
      fc.double({ min: 0, max: 1e6, noNaN: true }).map((n) => String(Math.round(n * 100) / 100)),
      fc.string({ maxLength: 12 }).map((s) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\\n")}'`),
      fc.constantFrom("today", "yesterday", "-30d", "+2w", "2025-01-31", "90_days_ago", "true"),
    );
    const clause = fc.oneof(
      fc.tuple(name, fc.constantFrom("=", "!=", ">", ">=", "<", "<="), value).map(([n, o, v]) => `${n} ${o} ${v}`),
      fc.tuple(name, value, value).map(([n, a, b]) => `${n} BETWEEN ${a} AND ${b}`),
      fc.tuple(name, fc.boolean(), value).map(([n, neg, v]) => `${n} ${neg ? "NOT " : ""}CONTAINS ${v}`),
      fc.tuple(name, fc.boolean()).map(([n, neg]) => `${n} IS ${neg ? "NOT " : ""}NULL`),
      fc.tuple(fc.boolean(), value).map(([neg, v]) => `products_purchased ${neg ? "NOT " : ""}MATCHES (id IN (1, 2), date > ${v})`),
      fc.tuple(value, fc.boolean()).map(([v, b]) => `products_purchased(sku: ${v}) = ${b}`),
    );
    const expression: fc.Arbitrary<string> = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        clause,
        fc.tuple(tie("node"), tie("node")).map(([a, b]) => `${a} AND ${b}`),
        fc.tuple(tie("node"), tie("node")).map(([a, b]) => `(${a} OR ${b})`),
        tie("node").map((a) => `NOT (${a})`),
      ),
    })).node as fc.Arbitrary<string>;
    fc.assert(
      fc.property(expression, (source) => {
        const once = canonical(source);
        expect(canonical(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });
});
