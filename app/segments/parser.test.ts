import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Expression } from "./ast";
import { SegmentQueryError } from "./errors";
import { parse } from "./parser";

/** A compact rendering of the tree, to compare structure without spans. */
function shape(expression: Expression): string {
  switch (expression.kind) {
    case "And":
    case "Or":
      return `${expression.kind}(${expression.operands.map(shape).join(", ")})`;
    case "Not":
      return `Not(${shape(expression.operand)})`;
    case "Comparison":
      return `${expression.filter.name} ${expression.operator} ${expression.value.kind}`;
    case "Between":
      return `${expression.filter.name} BETWEEN ${expression.low.kind} ${expression.high.kind}`;
    case "Contains":
      return `${expression.filter.name} ${expression.negated ? "NOT " : ""}CONTAINS ${expression.value.kind}`;
    case "NullCheck":
      return `${expression.filter.name} IS ${expression.negated ? "NOT " : ""}NULL`;
    case "Matches":
      return `${expression.filter.name} ${expression.negated ? "NOT " : ""}MATCHES(${expression.parameters.map((p) => `${p.name}:${p.kind}`).join(", ")})`;
  }
}

function error(source: string): SegmentQueryError {
  try {
    parse(source);
  } catch (thrown) {
    if (thrown instanceof SegmentQueryError) return thrown;
    throw thrown;
  }
  throw new Error(`expected "${source}" to be refused`);
}

describe("parser", () => {
  it.each([
    ["amount_spent >= 100", "amount_spent >= Number"],
    ["number_of_orders = 0", "number_of_orders = Number"],
    ["last_order_date < -90d", "last_order_date < RelativeDate"],
    ["customer_added_date BETWEEN 2025-01-01 AND today", "customer_added_date BETWEEN Date NamedDate"],
    ["first_order_date > 2025-01-31T10:00:00", "first_order_date > Date"],
    ["customer_tags CONTAINS 'vip'", "customer_tags CONTAINS String"],
    ["customer_tags NOT CONTAINS 'wholesale'", "customer_tags NOT CONTAINS String"],
    ["customer_email_domain IS NOT NULL", "customer_email_domain IS NOT NULL"],
    ["predicted_spend_tier = 'HIGH'", "predicted_spend_tier = String"],
    ["metafields.facts.birth_date IS NULL", "metafields.facts.birth_date IS NULL"],
    ["products_purchased MATCHES (id = 123, date > -90d)", "products_purchased MATCHES(id:ParamComparison, date:ParamComparison)"],
    ["products_purchased NOT MATCHES (id IN (1, 2, 3))", "products_purchased NOT MATCHES(id:ParamIn)"],
    ["orders_placed MATCHES (sum_amount BETWEEN 50000 AND 200000, date BETWEEN 2025-01-01 AND 2025-12-31)", "orders_placed MATCHES(sum_amount:ParamBetween, date:ParamBetween)"],
    ["products_purchased(id: 123) = true", "products_purchased = Boolean"],
    ["anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d", "anniversary BETWEEN NamedDate RelativeDate"],
    ["last_order_date > 30_days_ago", "last_order_date > RelativeDate"],
    ["a = 1 AND b = 2 OR c = 3", "Or(And(a = Number, b = Number), c = Number)"],
    ["a = 1 and (b = 2 or c = 3)", "And(a = Number, Or(b = Number, c = Number))"],
    ["NOT a = 1 AND NOT (b = 2)", "And(Not(a = Number), Not(b = Number))"],
    ["amount_spent > -5", "amount_spent > Number"],
  ])("reads %s", (source, expected) => {
    expect(shape(parse(source).expression)).toBe(expected);
  });

  it("reads the deprecated relative dates as their new form and marks them", () => {
    const clause = parse("last_order_date > 12_months_ago").expression;
    expect(clause).toMatchObject({ kind: "Comparison", value: { kind: "RelativeDate", amount: -12, unit: "m", deprecated: true } });
  });

  it("keeps the legacy function arguments for the checker to rewrite", () => {
    expect(parse("products_purchased(id: (1, 2), tag: 'jazz') = true").expression).toMatchObject({
      kind: "Comparison",
      filter: { name: "products_purchased", args: [{ name: "id", value: { kind: "ValueList" } }, { name: "tag", value: { kind: "String", value: "jazz" } }] },
      value: { kind: "Boolean", value: true },
    });
  });

  it("reads escaped quotes and spans every node", () => {
    const query = parse("customer_tags CONTAINS 'rock \\'n\\' roll'");
    expect(query.expression).toMatchObject({ value: { kind: "String", value: "rock 'n' roll", span: { start: 23, end: 40 } }, span: { start: 0, end: 40 } });
  });

  it.each([
    ["amount_spent >", 1, 15, "expected a value, found the end of the query"],
    ["amount_spent > 100 AND", 1, 23, "the query ends where a filter should follow"],
    ["(amount_spent > 100", 1, 1, "this parenthesis is never closed"],
    ["amount_spent > 100)", 1, 19, "this closing parenthesis has no opening one"],
    ["amount_spent 100", 1, 14, 'expected an operator after amount_spent, found "100"'],
    ["customer_tags CONTAINS vip", 1, 24, "expected a value, found the word vip"],
    ['customer_tags CONTAINS "vip"', 1, 24, 'unexpected character """'],
    ["customer_tags CONTAINS 'vip", 1, 24, "this text value has no closing quote"],
    ["amount_spent BETWEEN 1 20", 1, 24, 'BETWEEN needs AND between its two values, found "20"'],
    ["amount_spent > 1\nAND OR b = 2", 2, 5, "OR needs a clause before it"],
    ["amount_spent > 1 number_of_orders > 2", 1, 18, 'expected AND or OR before "number_of_orders"'],
    ["", 1, 1, "the query is empty"],
  ])("refuses %j at %i:%i: %s", (source, line, column, message) => {
    const refused = error(source);
    expect(refused.message).toBe(message);
    expect([refused.line, refused.column]).toEqual([line, column]);
  });

  it("shows the line with a caret under the mistake, and a suggestion", () => {
    const refused = error("amount_spent > 1 AND\ncustomer_tags CONTAINS vip");
    expect(refused.excerpt()).toBe("customer_tags CONTAINS vip\n                       ^^^");
    expect(refused.toString()).toBe("2:24 expected a value, found the word vip; text values go in single quotes: 'vip'");
  });

  it("refuses over-long and over-deep queries with a clear error, not a stack overflow", () => {
    expect(error(`amount_spent > 1${" AND amount_spent > 1".repeat(600)}`).code).toBe("TOO_LONG");
    expect(error(`${"(".repeat(40)}a = 1${")".repeat(40)}`).code).toBe("TOO_DEEP");
    expect(error(`${"NOT ".repeat(2000)}a = 1`).code).toBe("TOO_DEEP");
    expect(parse(`${"(".repeat(32)}a = 1${")".repeat(32)}`).expression.kind).toBe("Comparison");
  });

  it("throws nothing but SegmentQueryError for any text", () => {
    const alphabet = fc.constantFrom(..."abc_.()'\",:=!<>-+0123456789 dwmyTANDORNOTBETWEENCONTAINSISNULLMATCHESIN\n\\".split(""));
    const words = fc.constantFrom("amount_spent", "AND", "OR", "NOT", "(", ")", ">", "=", "100", "'x'", "-30d", "BETWEEN", "MATCHES", "IN", ",", "IS", "NULL", "today", "2025-01-01");
    const text = fc.oneof(fc.string({ unit: alphabet, maxLength: 80 }), fc.array(words, { maxLength: 30 }).map((parts) => parts.join(" ")));
    fc.assert(
      fc.property(text, (source) => {
        try {
          parse(source);
        } catch (thrown) {
          if (!(thrown instanceof SegmentQueryError)) throw thrown;
          expect(thrown.line).toBeGreaterThanOrEqual(1);
          expect(thrown.span.start).toBeLessThanOrEqual(source.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
