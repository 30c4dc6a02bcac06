import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Clause, Expression, Parameter, Query, Value } from "./ast";
import { check } from "./checker";
import { FILTERS, metafieldFilter, operatorsOf, type FilterDefinition, type FilterType } from "./filters";
import { parse } from "./parser";
import { print, value as printValue } from "./print";
import {
  isRows,
  normaliseRows,
  EMPTY_ARGS_REASON,
  NOT_GROUP_REASON,
  NOT_REASON,
  queryFromRows,
  rowsFromQuery,
  rowsProblems,
  TOO_DEEP_REASON,
  type ParameterRow,
  type Row,
  type RowGroup,
  type Rows,
  type RowsCombinator,
} from "./rows";

const METAFIELDS = [
  { namespace: "facts", key: "birth_date", type: "date" },
  { namespace: "facts", key: "height", type: "number_decimal" },
  { namespace: "custom", key: "pet_type", type: "single_line_text_field" },
  { namespace: "custom", key: "newsletter", type: "boolean" },
];
const METAFIELD_FILTERS = METAFIELDS.map((m) => metafieldFilter(m) as FilterDefinition);
const ALL_FILTERS: FilterDefinition[] = [...FILTERS.values(), ...METAFIELD_FILTERS];

const canonical = (source: string) => print(parse(source));

function fitting(source: string): Rows {
  const result = rowsFromQuery(parse(source));
  if (!result.fits) throw new Error(`expected ${source} to fit rows: ${result.reason}`);
  return result.rows;
}

function textOf(rows: Rows): string {
  const result = queryFromRows(rows);
  if (!result.ok) throw new Error(`expected rows to make a query: ${JSON.stringify(result.problems)}`);
  return result.text;
}

const one = (row: Row): Rows => ({ combinator: "AND", groups: [{ combinator: "OR", rows: [row] }] });
const singles = (combinator: RowsCombinator, ...rows: Row[]): Rows => ({
  combinator,
  groups: rows.map((row) => ({ combinator: combinator === "AND" ? "OR" : "AND", rows: [row] })),
});
const a: Row = { filter: "amount_spent", operator: ">", value: "100" };
const b: Row = { filter: "customer_tags", operator: "CONTAINS", value: "'vip'" };
const c: Row = { filter: "rfm_group", operator: "=", value: "'LOYAL'" };
const d: Row = { filter: "last_order_date", operator: "<", value: "-90d" };

describe("rows from a query", () => {
  it.each<[string, Row]>([
    ["amount_spent >= 100", { filter: "amount_spent", operator: ">=", value: "100" }],
    ["amount_spent != 12.50", { filter: "amount_spent", operator: "!=", value: "12.5" }],
    ["number_of_orders < 3", { filter: "number_of_orders", operator: "<", value: "3" }],
    ["number_of_orders <= -3", { filter: "number_of_orders", operator: "<=", value: "-3" }],
    ["last_order_date > 30_days_ago", { filter: "last_order_date", operator: ">", value: "-30d" }],
    ["first_order_date = 2025-01-31T10:00:00", { filter: "first_order_date", operator: "=", value: "2025-01-31T10:00:00" }],
    ["customer_added_date between 2025-01-01 and TODAY", { filter: "customer_added_date", operator: "BETWEEN", value: "2025-01-01", valueTo: "today" }],
    ["customer_tags CONTAINS 'rock \\'n\\' roll'", { filter: "customer_tags", operator: "CONTAINS", value: "'rock \\'n\\' roll'" }],
    ["customer_tags not contains 'wholesale'", { filter: "customer_tags", operator: "NOT CONTAINS", value: "'wholesale'" }],
    ["customer_email_domain IS NULL", { filter: "customer_email_domain", operator: "IS NULL" }],
    ["customer_email_domain is not null", { filter: "customer_email_domain", operator: "IS NOT NULL" }],
    ["predicted_spend_tier = 'HIGH'", { filter: "predicted_spend_tier", operator: "=", value: "'HIGH'" }],
    ["metafields.custom.newsletter = TRUE", { filter: "metafields.custom.newsletter", operator: "=", value: "true" }],
    ["metafields.facts.birth_date < yesterday", { filter: "metafields.facts.birth_date", operator: "<", value: "yesterday" }],
    ["metafields.facts.height BETWEEN 1.5 AND 2", { filter: "metafields.facts.height", operator: "BETWEEN", value: "1.5", valueTo: "2" }],
    [
      "products_purchased MATCHES (id IN (1,2), date BETWEEN -90d AND today, sum_quantity >= 2)",
      {
        filter: "products_purchased",
        operator: "MATCHES",
        parameters: [
          { name: "id", operator: "IN", value: "1, 2" },
          { name: "date", operator: "BETWEEN", value: "-90d", valueTo: "today" },
          { name: "sum_quantity", operator: ">=", value: "2" },
        ],
      },
    ],
    [
      "orders_placed NOT MATCHES (sum_amount < 500, date > 2025-01-01)",
      {
        filter: "orders_placed",
        operator: "NOT MATCHES",
        parameters: [
          { name: "sum_amount", operator: "<", value: "500" },
          { name: "date", operator: ">", value: "2025-01-01" },
        ],
      },
    ],
    [
      "anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d",
      { filter: "anniversary", args: "date: 'metafields.facts.birth_date'", operator: "BETWEEN", value: "today", valueTo: "+30d" },
    ],
    [
      "products_purchased(id: 123) = true",
      { filter: "products_purchased", operator: "MATCHES", parameters: [{ name: "id", operator: "=", value: "123" }] },
    ],
    [
      "products_purchased(id: (1, 2), date: 30_days_ago) = false",
      {
        filter: "products_purchased",
        operator: "NOT MATCHES",
        parameters: [
          { name: "id", operator: "IN", value: "1, 2" },
          { name: "date", operator: ">=", value: "-30d" },
        ],
      },
    ],
    [
      "products_purchased(tag: 'jazz') != false",
      { filter: "products_purchased", operator: "MATCHES", parameters: [{ name: "tag", operator: "=", value: "'jazz'" }] },
    ],
    ["products_purchased MATCHES ()", { filter: "products_purchased", operator: "MATCHES", parameters: [] }],
    ["products_purchased() = false", { filter: "products_purchased", operator: "NOT MATCHES", parameters: [] }],
    [
      "products_purchased MATCHES (id NOT IN (1, 2), quantity >= 3)",
      {
        filter: "products_purchased",
        operator: "MATCHES",
        parameters: [
          { name: "id", operator: "NOT IN", value: "1, 2" },
          { name: "quantity", operator: ">=", value: "3" },
        ],
      },
    ],
    ["anniversary('metafields.facts.birth_date') = today", { filter: "anniversary", args: "date: 'metafields.facts.birth_date'", operator: "=", value: "today" }],
    // not the legacy form the printer rewrites: kept with its arguments
    ["products_purchased(id: 1) > 3", { filter: "products_purchased", args: "id: 1", operator: ">", value: "3" }],
    ["anniversary(date: 'metafields.facts.birth_date') = true", { filter: "anniversary", args: "date: 'metafields.facts.birth_date'", operator: "=", value: "true" }],
  ])("shows %s as one row, and writes it back canonically", (source, row) => {
    const rows = fitting(source);
    expect(rows).toStrictEqual(one(row));
    expect(textOf(rows)).toBe(canonical(source));
    expect(JSON.parse(JSON.stringify(rows))).toStrictEqual(rows);
  });

  it("shows an AND or an OR of clauses as one row per group", () => {
    const and = fitting("amount_spent > 100 AND customer_tags CONTAINS 'vip' AND rfm_group = 'LOYAL'");
    expect(and).toStrictEqual(singles("AND", a, b, c));
    const or = fitting("amount_spent > 100 or customer_tags CONTAINS 'vip'");
    expect(or).toStrictEqual(singles("OR", a, b));
  });

  it("shows an OR of ANDs and an AND of ORs as groups", () => {
    const orOfAnds = "amount_spent > 100 AND customer_tags CONTAINS 'vip' OR rfm_group = 'LOYAL' OR last_order_date < -90d AND amount_spent > 100";
    expect(fitting(orOfAnds)).toStrictEqual({
      combinator: "OR",
      groups: [
        { combinator: "AND", rows: [a, b] },
        { combinator: "AND", rows: [c] },
        { combinator: "AND", rows: [d, a] },
      ],
    });
    expect(textOf(fitting(orOfAnds))).toBe(canonical(orOfAnds));

    const andOfOrs = "(amount_spent > 100 OR customer_tags CONTAINS 'vip') AND rfm_group = 'LOYAL' AND (last_order_date < -90d OR amount_spent > 100)";
    expect(fitting(andOfOrs)).toStrictEqual({
      combinator: "AND",
      groups: [
        { combinator: "OR", rows: [a, b] },
        { combinator: "OR", rows: [c] },
        { combinator: "OR", rows: [d, a] },
      ],
    });
    expect(textOf(fitting(andOfOrs))).toBe(andOfOrs);
  });

  it("spreads redundant parentheses around the same combinator", () => {
    const source = "((amount_spent > 100 AND customer_tags CONTAINS 'vip') AND (rfm_group = 'LOYAL' OR (last_order_date < -90d OR amount_spent > 100)))";
    expect(fitting(source)).toStrictEqual({
      combinator: "AND",
      groups: [
        { combinator: "OR", rows: [a] },
        { combinator: "OR", rows: [b] },
        { combinator: "OR", rows: [c, d, a] },
      ],
    });
    expect(textOf(fitting(source))).toBe(canonical(source));
  });

  it.each<[string, string, string]>([
    ["NOT amount_spent > 100", NOT_REASON, "NOT amount_spent > 100"],
    ["not customer_tags contains 'vip'", NOT_REASON, "not customer_tags contains 'vip'"],
    ["amount_spent > 100 AND NOT customer_tags CONTAINS 'vip'", NOT_REASON, "NOT customer_tags CONTAINS 'vip'"],
    ["amount_spent > 100 OR rfm_group = 'LOYAL' AND NOT (customer_tags CONTAINS 'vip')", NOT_REASON, "NOT (customer_tags CONTAINS 'vip')"],
    ["(amount_spent > 100 OR NOT customer_tags CONTAINS 'vip') AND rfm_group = 'LOYAL'", NOT_REASON, "NOT customer_tags CONTAINS 'vip'"],
    ["NOT (amount_spent > 100 AND customer_tags CONTAINS 'vip')", NOT_GROUP_REASON, "NOT (amount_spent > 100 AND customer_tags CONTAINS 'vip')"],
    ["NOT NOT amount_spent > 100", NOT_GROUP_REASON, "NOT NOT amount_spent > 100"],
    ["a = 1 AND (b = 2 OR (c = 3 AND d = 4))", TOO_DEEP_REASON, "c = 3 AND d = 4"],
    ["amount_spent() > 1", EMPTY_ARGS_REASON, "amount_spent()"],
    ["a = 1 OR anniversary() IS NULL AND NOT b = 2", EMPTY_ARGS_REASON, "anniversary()"],
    ["a = 1 OR b = 2 AND (c = 3 OR d = 4)", TOO_DEEP_REASON, "c = 3 OR d = 4"],
    ["(a = 1 OR b = 2 AND (c = 3 OR d = 4 AND e = 5)) AND f = 6", TOO_DEEP_REASON, "b = 2 AND (c = 3 OR d = 4 AND e = 5)"],
  ])("does not fit %s: %s, at the offending part", (source, reason, offending) => {
    const result = rowsFromQuery(parse(source));
    expect(result.fits).toBe(false);
    if (result.fits) return;
    expect(result.reason).toBe(reason);
    expect(source.slice(result.span.start, result.span.end)).toBe(offending);
  });
});

describe("query from rows", () => {
  it("puts parentheses only where the meaning needs them", () => {
    expect(textOf({ combinator: "AND", groups: [{ combinator: "OR", rows: [a, b] }, { combinator: "OR", rows: [c] }] })).toBe(
      "(amount_spent > 100 OR customer_tags CONTAINS 'vip') AND rfm_group = 'LOYAL'",
    );
    expect(textOf({ combinator: "OR", groups: [{ combinator: "AND", rows: [a, b] }, { combinator: "AND", rows: [c] }] })).toBe(
      "amount_spent > 100 AND customer_tags CONTAINS 'vip' OR rfm_group = 'LOYAL'",
    );
    // one group: no parentheses around it
    expect(textOf({ combinator: "AND", groups: [{ combinator: "OR", rows: [a, b] }] })).toBe("amount_spent > 100 OR customer_tags CONTAINS 'vip'");
    // a group joined like the groups is the same as one row per group
    expect(textOf({ combinator: "AND", groups: [{ combinator: "AND", rows: [a, b] }, { combinator: "OR", rows: [c, d] }] })).toBe(
      "amount_spent > 100 AND customer_tags CONTAINS 'vip' AND (rfm_group = 'LOYAL' OR last_order_date < -90d)",
    );
  });

  it("writes values, names and arguments canonically", () => {
    const rows = singles(
      "AND",
      { filter: " amount_spent ", operator: "BETWEEN", value: " 100.50 ", valueTo: "2000" },
      { filter: "last_order_date", operator: ">", value: "12_months_ago" },
      { filter: "metafields.custom.newsletter", operator: "=", value: "FALSE" },
      { filter: "anniversary", args: "date:'metafields.facts.birth_date'", operator: "BETWEEN", value: "TODAY", valueTo: "+2w" },
      { filter: "products_purchased", operator: "MATCHES", parameters: [{ name: " id ", operator: "IN", value: "1,2 ,3" }] },
      { filter: "products_purchased", args: "id: (4, 5), date: -30d", operator: "=", value: "true" },
    );
    expect(textOf(rows)).toBe(
      "amount_spent BETWEEN 100.5 AND 2000 AND last_order_date > -12m AND metafields.custom.newsletter = false" +
        " AND anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +2w AND products_purchased MATCHES (id IN (1, 2, 3))" +
        " AND products_purchased MATCHES (id IN (4, 5), date >= -30d)",
    );
  });

  it("refuses incomplete rows and says what is missing, row by row", () => {
    const rows: Rows = {
      combinator: "AND",
      groups: [
        {
          combinator: "OR",
          rows: [
            { filter: "", operator: "" },
            { filter: "amount_spent", operator: ">" },
            { filter: "amount_spent", operator: "BETWEEN", value: "1" },
            { filter: "amount_spent", operator: "BETWEEN", valueTo: "1" },
            { filter: "products_purchased", operator: "MATCHES", value: "1" },
            { filter: "customer_tags", operator: "IS NULL", value: "'vip'" },
            { filter: "customer_tags", operator: "CONTAINS", value: "'vip'", valueTo: "'x'" },
            { filter: "amount_spent", operator: ">", value: "1", parameters: [{ name: "id", operator: "=", value: "1" }] },
          ],
        },
        { combinator: "AND", rows: [] },
        {
          combinator: "AND",
          rows: [
            {
              filter: "products_purchased",
              operator: "MATCHES",
              parameters: [
                { name: "", operator: "", value: "" },
                { name: "date", operator: "BETWEEN", value: "-30d" },
                { name: "id", operator: "IN", value: "" },
                { name: "id", operator: "=", value: "1", valueTo: "2" },
                { name: "id", operator: "NOT IN", value: "1,, 2" },
              ],
            },
          ],
        },
      ],
    };
    expect(rowsProblems(rows)).toEqual([
      { group: 0, row: 0, message: "choose a filter" },
      { group: 0, row: 0, message: "choose an operator" },
      { group: 0, row: 1, message: "enter a value" },
      { group: 0, row: 2, message: "enter an upper value" },
      { group: 0, row: 3, message: "enter a lower value" },
      { group: 0, row: 4, message: "MATCHES takes no value; clear it" },
      { group: 0, row: 5, message: "IS NULL takes no value; clear it" },
      { group: 0, row: 6, message: "CONTAINS takes one value; clear the second one" },
      { group: 0, row: 7, message: "> takes no conditions; remove them" },
      { group: 1, row: null, message: "this group has no rows; add one or remove the group" },
      { group: 2, row: 0, parameter: 0, message: "this condition needs a name, like id or date" },
      { group: 2, row: 0, parameter: 0, message: "choose an operator for this condition" },
      { group: 2, row: 0, parameter: 1, message: "enter an upper value" },
      { group: 2, row: 0, parameter: 2, message: "enter one or more values, separated by commas" },
      { group: 2, row: 0, parameter: 3, message: "= takes one value; clear the second one" },
      { group: 2, row: 0, parameter: 4, message: "1,, 2 is not a list of values; write values separated by commas, like 1, 2, 3" },
    ]);
    expect(queryFromRows(rows)).toEqual({ ok: false, problems: rowsProblems(rows) });
    expect(rowsProblems({ combinator: "AND", groups: [] })).toEqual([{ group: null, row: null, message: "add at least one row" }]);
  });

  it.each<[Row, string]>([
    [{ filter: "customer_tags", operator: "CONTAINS", value: "vip" }, "vip cannot be read: expected a value, found the word vip; text values go in single quotes: 'vip'"],
    [{ filter: "customer_tags", operator: "CONTAINS", value: "'vip" }, "'vip cannot be read: this text value has no closing quote; end it with a single quote (')"],
    [{ filter: "amount_spent", operator: ">", value: "1 OR number_of_orders > 2" }, "1 OR number_of_orders > 2 is not a single value; write one value such as 100, 'vip', -30d, 2025-01-31, today or true"],
    [{ filter: "amount_spent", operator: ">", value: "1 2" }, "1 2 is not a single value; write one value such as 100, 'vip', -30d, 2025-01-31, today or true"],
    [{ filter: "amount_spent", operator: ">", value: "1)" }, "1) is not a single value; write one value such as 100, 'vip', -30d, 2025-01-31, today or true"],
    [{ filter: "amount_spent > 1 OR amount_spent", operator: ">", value: "1" }, "amount_spent > 1 OR amount_spent is not a filter name"],
    [{ filter: "AND", operator: "IS NULL" }, "AND is not a filter name"],
    [{ filter: "anniversary(date: 'x')", operator: "IS NULL" }, "write the filter name without parentheses; its arguments go apart"],
    [
      { filter: "anniversary", args: "date: 'x') IS NULL OR (a = 1", operator: "IS NULL" },
      "the arguments date: 'x') IS NULL OR (a = 1 cannot be read; write them like date: 'metafields.facts.birth_date'",
    ],
    [{ filter: "amount_spent", operator: "LIKE" as Row["operator"], value: "1" }, "LIKE is not an operator"],
  ])("refuses unreadable text in %j", (row, message) => {
    expect(rowsProblems(one(row))).toEqual([{ group: 0, row: 0, message }]);
  });

  it.each<[ParameterRow, string]>([
    [{ name: "id", operator: "IN", value: "1), sku IN (2" }, "1), sku IN (2 is not a list of values; write values separated by commas, like 1, 2, 3"],
    [{ name: "id = 1, sku", operator: "=", value: "2" }, "id = 1, sku is not a condition name"],
    [{ name: "id", operator: "IN", value: "1, abc" }, "1, abc is not a list of values; write values separated by commas, like 1, 2, 3"],
    [{ name: "id", operator: "IN", value: "(1, 2)" }, "(1, 2) cannot be read: expected a value, found \"(\""],
    [{ name: "id", operator: "LIKE" as ParameterRow["operator"], value: "2" }, "LIKE is not an operator for a condition"],
    [{ name: "sku", operator: "=", value: "abc" }, "abc cannot be read: expected a value, found the word abc; text values go in single quotes: 'abc'"],
  ])("refuses unreadable MATCHES condition %j", (parameter, message) => {
    expect(rowsProblems(one({ filter: "products_purchased", operator: "MATCHES", parameters: [parameter] }))).toEqual([{ group: 0, row: 0, parameter: 0, message }]);
  });
});

describe("normal form", () => {
  it("spreads groups joined like the groups, lifts a lone group and sets group combinators", () => {
    expect(normaliseRows({ combinator: "AND", groups: [{ combinator: "AND", rows: [a, b] }, { combinator: "AND", rows: [c] }] })).toStrictEqual(singles("AND", a, b, c));
    expect(normaliseRows({ combinator: "AND", groups: [{ combinator: "OR", rows: [a, b] }] })).toStrictEqual(singles("OR", a, b));
    expect(normaliseRows({ combinator: "OR", groups: [{ combinator: "OR", rows: [a] }] })).toStrictEqual(one(a));
    expect(normaliseRows({ combinator: "OR", groups: [{ combinator: "OR", rows: [a, b] }, { combinator: "AND", rows: [c, d] }] })).toStrictEqual({
      combinator: "OR",
      groups: [
        { combinator: "AND", rows: [a] },
        { combinator: "AND", rows: [b] },
        { combinator: "AND", rows: [c, d] },
      ],
    });
  });

  it("rewrites complete rows canonically and leaves incomplete ones alone", () => {
    const incomplete: Row = { filter: "amount_spent", operator: ">", value: "" };
    expect(
      normaliseRows(singles("OR", { filter: "amount_spent ", operator: ">", value: "100.0" }, incomplete, { filter: "products_purchased", args: "sku: 'x'", operator: "!=", value: "true" })),
    ).toStrictEqual(
      singles(
        "OR",
        { filter: "amount_spent", operator: ">", value: "100" },
        incomplete,
        { filter: "products_purchased", operator: "NOT MATCHES", parameters: [{ name: "sku", operator: "=", value: "'x'" }] },
      ),
    );
  });

  it("tells rows from other JSON", () => {
    expect(isRows(JSON.parse(JSON.stringify(singles("AND", a, b))))).toBe(true);
    expect(isRows(one({ filter: "", operator: "" }))).toBe(true);
    expect(isRows({ combinator: "AND", groups: [{ combinator: "XOR", rows: [] }] })).toBe(false);
    expect(isRows({ combinator: "AND", groups: [{ combinator: "OR", rows: [{ filter: "a", operator: "LIKE" }] }] })).toBe(false);
    expect(isRows({ combinator: "AND", groups: [{ combinator: "OR", rows: [{ filter: "a", operator: "=", value: 1 }] }] })).toBe(false);
    expect(isRows({ combinator: "AND", groups: [{ combinator: "OR", rows: [{ filter: "a", operator: "MATCHES", parameters: [{ name: "id" }] }] }] })).toBe(false);
    expect(isRows(null)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// properties

const RUNS = { numRuns: 1000 };
const NOWHERE = { start: 0, end: 0 };

/** Values of a type as AST nodes (all valid for the checker). */
function valueNode(type: FilterType | "list", definition?: FilterDefinition, integer = false): fc.Arbitrary<Value> {
  switch (type) {
    case "number":
    case "money":
      return (integer ? fc.integer({ min: -100_000, max: 1_000_000 }) : fc.oneof(fc.integer({ min: -100_000, max: 1_000_000 }), fc.integer({ min: -10_000_000, max: 10_000_000 }).map((n) => n / 100)))
        .map((n): Value => ({ kind: "Number", value: n, raw: String(n), span: NOWHERE }));
    case "date":
      return fc.oneof(
        fc
          .tuple(fc.date({ min: new Date("2000-01-01"), max: new Date("2035-12-31"), noInvalidDate: true }), fc.constantFrom(10, 16, 19))
          .map(([date, length]): Value => ({ kind: "Date", value: date.toISOString().slice(0, length), span: NOWHERE })),
        fc
          .tuple(fc.integer({ min: -400, max: 400 }), fc.constantFrom("d", "w", "m", "y"), fc.boolean())
          .map(([amount, unit, deprecated]): Value => ({ kind: "RelativeDate", amount: deprecated ? -Math.abs(amount) : amount, unit, deprecated, span: NOWHERE })),
        fc.constantFrom("today", "yesterday").map((name): Value => ({ kind: "NamedDate", name, span: NOWHERE })),
      );
    case "enum":
      return fc.constantFrom(...(definition?.values ?? ["x"])).map((v): Value => ({ kind: "String", value: v, span: NOWHERE }));
    case "string":
    case "list":
      // no line breaks: print.ts writes them raw, and the lexer cannot read that back (see the refusal test)
      return fc.string({ maxLength: 12 }).map((s): Value => ({ kind: "String", value: s.replace(/\n/g, " "), span: NOWHERE }));
    case "boolean":
      return fc.boolean().map((v): Value => ({ kind: "Boolean", value: v, span: NOWHERE }));
    case "function":
      throw new Error("functions have parameters, not values");
  }
}

const COMPARISONS = ["=", "!=", ">", ">=", "<", "<="] as const;

function parametersOf(definition: FilterDefinition): fc.Arbitrary<Parameter[]> {
  const all = definition.parameters ?? [];
  // no conditions at all is `MATCHES ()`: bought anything
  return fc.shuffledSubarray([...all], { minLength: 0, maxLength: 3 }).chain((chosen) =>
    fc.tuple(
      ...chosen.map((p): fc.Arbitrary<Parameter> => {
        const options: fc.Arbitrary<Parameter>[] = [];
        if (p.type === "string" || p.list) {
          options.push(fc.tuple(fc.constantFrom("=", "!=" as const), valueNode(p.type, undefined, p.integer)).map(([operator, value]) => ({ kind: "ParamComparison", name: p.name, operator, value, span: NOWHERE })));
        } else {
          options.push(fc.tuple(fc.constantFrom(...COMPARISONS), valueNode(p.type, undefined, p.integer)).map(([operator, value]) => ({ kind: "ParamComparison", name: p.name, operator, value, span: NOWHERE })));
          options.push(fc.tuple(valueNode(p.type, undefined, p.integer), valueNode(p.type, undefined, p.integer)).map(([low, high]) => ({ kind: "ParamBetween", name: p.name, low, high, span: NOWHERE })));
        }
        if (p.list) {
          options.push(
            fc
              .tuple(fc.boolean(), fc.array(valueNode(p.type, undefined, p.integer), { minLength: 1, maxLength: 3 }))
              .map(([negated, values]) => ({ kind: "ParamIn", name: p.name, negated, values: { kind: "ValueList", values, span: NOWHERE }, span: NOWHERE })),
          );
        }
        return fc.oneof(...options);
      }),
    ),
  );
}

const BIRTH_DATE: Value = { kind: "String", value: "metafields.facts.birth_date", span: NOWHERE };

/** A clause over a real filter, with an operator its type allows and values of its type. */
function clauseOf(definition: FilterDefinition): fc.Arbitrary<Clause> {
  const anniversary = definition.name === "anniversary";
  const filter = {
    kind: "Filter" as const,
    name: definition.name,
    args: anniversary ? [{ kind: "Argument" as const, name: "date", value: BIRTH_DATE, span: NOWHERE }] : null,
    span: NOWHERE,
  };
  if (definition.type === "function") {
    const matches = fc
      .tuple(fc.boolean(), parametersOf(definition))
      .map(([negated, parameters]): Clause => ({ kind: "Matches", filter, negated, parameters, span: NOWHERE }));
    // the legacy form: f(a: 1, b: (2, 3)) = true
    const legacy = fc
      .tuple(fc.shuffledSubarray([...(definition.parameters ?? [])], { minLength: 0, maxLength: 3 }), fc.constantFrom("=", "!=" as const), fc.boolean())
      .chain(([chosen, operator, truth]) =>
        fc
          .tuple(
            ...chosen.map((p) =>
              p.list
                ? fc.oneof(
                    valueNode(p.type, undefined, p.integer),
                    fc.array(valueNode(p.type, undefined, p.integer), { minLength: 1, maxLength: 3 }).map((values) => ({ kind: "ValueList" as const, values, span: NOWHERE })),
                  )
                : valueNode(p.type, undefined, p.integer),
            ),
          )
          .map(
            (values): Clause => ({
              kind: "Comparison",
              filter: { ...filter, args: chosen.map((p, i) => ({ kind: "Argument", name: p.name, value: values[i] as Value, span: NOWHERE })) },
              operator,
              value: { kind: "Boolean", value: truth, span: NOWHERE },
              span: NOWHERE,
            }),
          ),
      );
    return fc.oneof(matches, legacy);
  }
  const type = definition.type;
  return fc.constantFrom(...operatorsOf(definition)).chain((operator): fc.Arbitrary<Clause> => {
    switch (operator) {
      case "BETWEEN":
        return fc.tuple(valueNode(type, definition, definition.integer), valueNode(type, definition, definition.integer)).map(([low, high]) => ({ kind: "Between", filter, low, high, span: NOWHERE }));
      case "CONTAINS":
      case "NOT CONTAINS":
        return valueNode("string").map((value) => ({ kind: "Contains", filter, negated: operator === "NOT CONTAINS", value, span: NOWHERE }));
      case "IS NULL":
      case "IS NOT NULL":
        return fc.constant({ kind: "NullCheck", filter, negated: operator === "IS NOT NULL", span: NOWHERE });
      case "MATCHES":
      case "NOT MATCHES":
        throw new Error("only functions match");
      default:
        return valueNode(type, definition, definition.integer).map((value) => ({ kind: "Comparison", filter, operator, value, span: NOWHERE }));
    }
  });
}

const anyClause: fc.Arbitrary<Clause> = fc.constantFrom(...ALL_FILTERS).chain(clauseOf);

/** Fully parenthesised text, so that the parser makes nested And-in-And (which rows must spread). */
function looseText(node: Expression): string {
  switch (node.kind) {
    case "And":
    case "Or":
      return `(${node.operands.map(looseText).join(node.kind === "And" ? " and " : " or ")})`;
    case "Not":
      return `not (${looseText(node.operand)})`;
    default:
      return print({ kind: "Query", expression: node, span: NOWHERE });
  }
}

const compound = (kind: "And" | "Or", operands: Expression[]): Expression => ({ kind, operands, span: NOWHERE });

const anyExpression: fc.Arbitrary<Expression> = fc.letrec<{ node: Expression }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    anyClause,
    fc.array(tie("node"), { minLength: 2, maxLength: 3 }).map((operands) => compound("And", operands)),
    fc.array(tie("node"), { minLength: 2, maxLength: 3 }).map((operands) => compound("Or", operands)),
    tie("node").map((operand): Expression => ({ kind: "Not", operand, span: NOWHERE })),
  ),
})).node;

/** How many levels of alternating AND/OR the expression has once same-kind nesting is spread; NOT counts as too many. */
function levels(node: Expression): number {
  switch (node.kind) {
    case "Not":
      return Infinity;
    case "And":
    case "Or":
      return 1 + Math.max(...node.operands.map((o) => (o.kind === node.kind ? levels(o) - 1 : levels(o))));
    default:
      return 0;
  }
}

/** Every NOT, and every AND/OR at the third level of alternation or deeper (counting from 1 at the top). */
function offendingNodes(node: Expression, parent?: "And" | "Or", level = 0): Expression[] {
  switch (node.kind) {
    case "Not":
      return [node, ...offendingNodes(node.operand)];
    case "And":
    case "Or": {
      const here = node.kind === parent ? level : level + 1;
      return [...(here >= 3 ? [node] : []), ...node.operands.flatMap((operand) => offendingNodes(operand, node.kind, here))];
    }
    default:
      return [];
  }
}

/** Expressions that fit rows, with same-kind nesting thrown in. */
const fittingExpression: fc.Arbitrary<Expression> = fc.constantFrom("And" as const, "Or" as const).chain((outer) => {
  const inner = outer === "And" ? "Or" : "And";
  const nest = (kind: "And" | "Or", items: Expression[], split: number): Expression =>
    // optionally as (x op y) op z: same meaning, different tree
    items.length > 2 && split > 0 && split < items.length - 1
      ? compound(kind, [compound(kind, items.slice(0, split + 1)), ...items.slice(split + 1)])
      : compound(kind, items);
  const group = fc.oneof(
    anyClause,
    fc.tuple(fc.array(anyClause, { minLength: 2, maxLength: 4 }), fc.nat(3)).map(([items, split]) => nest(inner, items, split)),
  );
  return fc.oneof(
    anyClause,
    fc.tuple(fc.array(group, { minLength: 2, maxLength: 4 }), fc.nat(3)).map(([items, split]) => nest(outer, items, split)),
  );
});

describe("round trips (properties)", () => {
  it("generated clauses are what the checker accepts (the generators are type-appropriate)", () => {
    fc.assert(
      fc.property(anyClause, (clause) => {
        const text = print({ kind: "Query", expression: clause, span: NOWHERE });
        expect(check(parse(text), text, { metafields: METAFIELDS }).errors.map(String)).toEqual([]);
      }),
      RUNS,
    );
  });

  it("a query that fits rows comes back from them as its canonical text", () => {
    fc.assert(
      fc.property(fittingExpression, (expression) => {
        const source = looseText(expression);
        const query = parse(source);
        const result = rowsFromQuery(query);
        if (!result.fits) throw new Error(`${source} should fit: ${result.reason}`);
        expect(rowsProblems(result.rows)).toEqual([]);
        expect(queryFromRows(result.rows)).toEqual({ ok: true, text: print(query) });
        expect(normaliseRows(result.rows)).toStrictEqual(result.rows);
        expect(JSON.parse(JSON.stringify(result.rows))).toStrictEqual(result.rows);
        expect(isRows(result.rows)).toBe(true);
      }),
      RUNS,
    );
  });

  it("any query fits rows exactly when it has no NOT and at most two levels; otherwise the span shows the offending part", () => {
    let fits = 0;
    fc.assert(
      fc.property(anyExpression, (expression) => {
        const source = looseText(expression);
        const query = parse(source);
        const result = rowsFromQuery(query);
        expect(result.fits).toBe(levels(expression) <= 2);
        if (result.fits) {
          fits++;
          expect(queryFromRows(result.rows)).toEqual({ ok: true, text: print(query) });
          return;
        }
        // the span is that of a node that does not fit: a NOT, or an AND/OR at a third level
        const offending = offendingNodes(query.expression).filter((node) => node.span.start === result.span.start && node.span.end === result.span.end);
        expect(offending.length).toBeGreaterThan(0);
        const node = offending[0] as Expression;
        if (result.reason === TOO_DEEP_REASON) expect(["And", "Or"]).toContain(node.kind);
        else {
          expect(source.slice(result.span.start, result.span.start + 4)).toBe("not ");
          expect(node.kind).toBe("Not");
          if (node.kind === "Not") expect(result.reason).toBe(["And", "Or", "Not"].includes(node.operand.kind) ? NOT_GROUP_REASON : NOT_REASON);
        }
      }),
      RUNS,
    );
    expect(fits).toBeGreaterThan(100);
  });

  // rows as an editor makes them: any grouping, values as a merchant might type them
  const spelled = (node: Value): fc.Arbitrary<string> => {
    const text = printValue(node);
    const variants: string[] = [text, ` ${text} `];
    if (node.kind === "Number" && Number.isInteger(node.value)) variants.push(`${text}.00`);
    if (node.kind === "Number" && !Number.isInteger(node.value)) variants.push(node.value.toFixed(4));
    if (node.kind === "NamedDate" || node.kind === "Boolean") variants.push(text.toUpperCase());
    if (node.kind === "RelativeDate" && node.amount < 0) variants.push(`${-node.amount}_${{ d: "days", w: "weeks", m: "months", y: "years" }[node.unit]}_ago`);
    return fc.constantFrom(...variants);
  };
  const spelledList = (values: readonly Value[]): fc.Arbitrary<string> => fc.tuple(...values.map(spelled), fc.constantFrom(", ", ",", " , ")).map((parts) => parts.slice(0, -1).join(parts.at(-1)));

  function rowOf(clause: Clause): fc.Arbitrary<Row> {
    const filter = clause.filter.name;
    const args = clause.filter.args
      ? fc
          .constantFrom(", ", ",")
          .chain((comma) =>
            fc
              .tuple(
                ...(clause.filter.args ?? []).map((argument) =>
                  argument.value.kind === "ValueList" ? spelledList(argument.value.values).map((list) => `${argument.name}: (${list})`) : spelled(argument.value).map((v) => `${argument.name}:${v}`),
                ),
              )
              .map((parts) => ({ args: parts.join(comma) })),
          )
      : fc.constant({});
    const body = ((): fc.Arbitrary<Omit<Row, "filter">> => {
      switch (clause.kind) {
        case "Comparison":
          return spelled(clause.value).map((value) => ({ operator: clause.operator, value }));
        case "Between":
          return fc.tuple(spelled(clause.low), spelled(clause.high)).map(([value, valueTo]) => ({ operator: "BETWEEN", value, valueTo }));
        case "Contains":
          return spelled(clause.value).map((value) => ({ operator: clause.negated ? "NOT CONTAINS" : "CONTAINS", value }));
        case "NullCheck":
          return fc.constant({ operator: clause.negated ? "IS NOT NULL" : "IS NULL" });
        case "Matches":
          return fc
            .tuple(
              ...clause.parameters.map((p): fc.Arbitrary<ParameterRow> => {
                switch (p.kind) {
                  case "ParamComparison":
                    return spelled(p.value).map((value) => ({ name: p.name, operator: p.operator, value }));
                  case "ParamIn":
                    return spelledList(p.values.values).map((value) => ({ name: p.name, operator: p.negated ? "NOT IN" : "IN", value }));
                  case "ParamBetween":
                    return fc.tuple(spelled(p.low), spelled(p.high)).map(([value, valueTo]) => ({ name: p.name, operator: "BETWEEN", value, valueTo }));
                }
              }),
            )
            .chain((parameters) =>
              parameters.length === 0
                ? fc.constantFrom<Omit<Row, "filter">>({ operator: clause.negated ? "NOT MATCHES" : "MATCHES", parameters }, { operator: clause.negated ? "NOT MATCHES" : "MATCHES" })
                : fc.constant<Omit<Row, "filter">>({ operator: clause.negated ? "NOT MATCHES" : "MATCHES", parameters }),
            );
      }
    })();
    return fc.tuple(args, body).map(([a, rest]) => ({ filter, ...a, ...rest }));
  }

  const combinator = fc.constantFrom<RowsCombinator>("AND", "OR");
  const anyRow = anyClause.chain(rowOf);
  const anyRows: fc.Arbitrary<Rows> = fc.record({
    combinator,
    groups: fc.array(fc.record<RowGroup>({ combinator, rows: fc.array(anyRow, { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 4 }),
  });

  it("complete rows come back from their query text as the same rows, normalised", () => {
    fc.assert(
      fc.property(anyRows, (rows) => {
        expect(rowsProblems(rows)).toEqual([]);
        const text = textOf(rows);
        expect(canonical(text)).toBe(text);
        const back = rowsFromQuery(parse(text));
        expect(back).toStrictEqual({ fits: true, rows: normaliseRows(rows) });
        expect(normaliseRows(normaliseRows(rows))).toStrictEqual(normaliseRows(rows));
        expect(textOf(normaliseRows(rows))).toBe(text);
      }),
      RUNS,
    );
  });

  it("rows with arbitrary text either make a query of exactly those rows or say what is wrong", () => {
    const fragment = fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.constantFrom("", " ", "1", "'x'", "1 OR a = 2", "1) OR (a = 2", "'a' AND b IS NULL", "today", "x", ")", "(", ",", "1, 2", "NOT", "true", "id = 1, sku"),
    );
    const operator = fc.constantFrom<Row["operator"]>("", "=", ">", "BETWEEN", "CONTAINS", "NOT CONTAINS", "IS NULL", "IS NOT NULL", "MATCHES", "NOT MATCHES");
    const parameter = fc.record<ParameterRow>(
      { name: fc.oneof(fc.constantFrom("id", "date", "sku"), fragment), operator: fc.constantFrom("", "=", "IN", "BETWEEN"), value: fragment, valueTo: fragment },
      { requiredKeys: ["name", "operator", "value"] },
    );
    const junkRow = fc.record<Row>(
      { filter: fc.oneof(fc.constantFrom(...ALL_FILTERS.map((f) => f.name)), fragment), args: fragment, operator, value: fragment, valueTo: fragment, parameters: fc.array(parameter, { maxLength: 2 }) },
      { requiredKeys: ["filter", "operator"] },
    );
    // a complete row with one field replaced by arbitrary text
    const perturbed = fc.tuple(anyRow, fc.constantFrom("filter", "args", "value", "valueTo", "operator", "parameter"), fragment, operator).map(([row, field, text, op]): Row => {
      switch (field) {
        case "operator":
          return { ...row, operator: op };
        case "parameter":
          return row.parameters && row.parameters.length > 0 ? { ...row, parameters: [{ ...(row.parameters[0] as ParameterRow), value: text }, ...row.parameters.slice(1)] } : { ...row, parameters: [{ name: "id", operator: "=", value: text }] };
        default:
          return { ...row, [field]: text };
      }
    });
    const row = fc.oneof({ arbitrary: anyRow, weight: 2 }, { arbitrary: perturbed, weight: 3 }, { arbitrary: junkRow, weight: 1 });
    const rows = fc.record({ combinator, groups: fc.array(fc.record<RowGroup>({ combinator, rows: fc.array(row, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 3 }) });
    let made = 0;
    fc.assert(
      fc.property(rows, (input) => {
        const result = queryFromRows(input);
        if (result.ok) made++;
        if (!result.ok) {
          expect(result.problems.length).toBeGreaterThan(0);
          return;
        }
        expect(canonical(result.text)).toBe(result.text);
        const back = rowsFromQuery(parse(result.text));
        if (!back.fits) throw new Error(`${result.text} should fit rows`);
        const count = (r: Rows) => r.groups.reduce((sum, g) => sum + g.rows.length, 0);
        expect(count(back.rows)).toBe(count(input));
        expect(back.rows).toStrictEqual(normaliseRows(input));
      }),
      RUNS,
    );
    expect(made).toBeGreaterThan(30);
  });
});

describe("values the printer writes exactly", () => {
  it.each<[Row, string]>([
    [{ filter: "amount_spent", operator: ">", value: "1000000000000000000000" }, "amount_spent > 1000000000000000000000"],
    [{ filter: "amount_spent", operator: ">", value: "0.0000001" }, "amount_spent > 0.0000001"],
    [{ filter: "customer_tags", operator: "CONTAINS", value: "'a\\\nb'" }, "customer_tags CONTAINS 'a\\\nb'"],
  ])("keeps %j as written", (row, text) => {
    expect(queryFromRows({ combinator: "AND", groups: [{ combinator: "OR", rows: [row] }] })).toEqual({ ok: true, text });
  });
});
