import { describe, expect, it } from "vitest";
import { analyse } from "./engine";
import { localizedMessage, localizedSuggestion, SegmentQueryError, suggestedReplacement } from "./errors";
import { LONG_ONE_LINE } from "./golden/errors";
import { message, MESSAGES, render, type Locale, type MessageKey } from "./messages";
import { parse } from "./parser";
import { rowsFromQuery, rowsProblems, type ParameterRow, type Row, type Rows } from "./rows";

/**
 * The engine's messages in English and Dutch. The English tables were taken from the engine before
 * its messages moved into the catalogue: every throw site's words, byte for byte, so the CLI, the
 * golden files and `error.message` say what they always said.
 */

const METAFIELDS = [
  { namespace: "facts", key: "birth_date", type: "date" },
  { namespace: "facts", key: "vip", type: "boolean" },
  { namespace: "facts", key: "shoe_size", type: "number_integer" },
];
const HUGE = `1${"0".repeat(400)}`;

/** A bad query and each of its errors as `CODE line:column message; suggestion`. */
const QUERIES: readonly (readonly [string, string | readonly string[]])[] = [
  [LONG_ONE_LINE, "TOO_LONG 1:10001 the query is 10016 characters long; at most 10000 are allowed; split it into smaller segments"],
  ["metafields.custom. = 1", "SYNTAX 1:1 \"metafields.custom.\" ends with a dot; a filter name looks like metafields.namespace.key"],
  ["customer_tags CONTAINS \"vip\"", "SYNTAX 1:24 unexpected character \"\"\"; text values go in single quotes, like 'vip'"],
  ["last_order_date > 01/31/2025", "SYNTAX 1:21 unexpected character \"/\"; write dates as 2025-01-31"],
  ["amount_spent > $100", "SYNTAX 1:16 unexpected character \"$\""],
  ["customer_tags CONTAINS 'a\u0000b'", "SYNTAX 1:24 this text value holds a character that cannot be stored; remove control characters and broken characters from it"],
  ["customer_tags CONTAINS 'vip", "SYNTAX 1:24 this text value has no closing quote; end it with a single quote (')"],
  ["(".repeat(5001), "TOO_LONG 1:5001 the query has more than 5000 parts; split it into smaller segments"],
  ["", "SYNTAX 1:1 the query is empty; start with a filter, like amount_spent > 100"],
  ["   ", "SYNTAX 1:1 the query is empty; start with a filter, like amount_spent > 100"],
  ["amount_spent > 1)", "SYNTAX 1:17 this closing parenthesis has no opening one"],
  ["amount_spent > 1,000", "SYNTAX 1:17 numbers are written without thousands separators; write 1000 without the comma"],
  ["amount_spent > 1 amount_spent > 2", "SYNTAX 1:18 expected AND or OR before \"amount_spent\"; join clauses with AND or OR"],
  ["(amount_spent > 1", "SYNTAX 1:1 this parenthesis is never closed"],
  ["amount_spent IS 1", "SYNTAX 1:17 expected NULL after IS, found \"1\"; write IS NULL or IS NOT NULL"],
  ["amount_spent IS NOT", "SYNTAX 1:20 expected NULL after IS, found the end of the query; write IS NULL or IS NOT NULL"],
  ["customer_tags NOT 'x'", "SYNTAX 1:19 expected CONTAINS or MATCHES after NOT, found 'x'"],
  ["customer_tags NOT", "SYNTAX 1:18 expected CONTAINS or MATCHES after NOT, found the end of the query"],
  ["amount_spent 100", "SYNTAX 1:14 expected an operator after amount_spent, found \"100\"; use =, !=, >, >=, <, <=, BETWEEN, CONTAINS, MATCHES or IS NULL"],
  ["amount_spent", "SYNTAX 1:13 expected an operator after amount_spent, found the end of the query; use =, !=, >, >=, <, <=, BETWEEN, CONTAINS, MATCHES or IS NULL"],
  ["amount_spent 'x'", "SYNTAX 1:14 expected an operator after amount_spent, found 'x'; use =, !=, >, >=, <, <=, BETWEEN, CONTAINS, MATCHES or IS NULL"],
  ["amount_spent BETWEEN 1 2", "SYNTAX 1:24 BETWEEN needs AND between its two values, found \"2\"; write BETWEEN 10 AND 20"],
  ["amount_spent BETWEEN 1", "SYNTAX 1:23 BETWEEN needs AND between its two values, found the end of the query; write BETWEEN 10 AND 20"],
  ["products_purchased MATCHES id = 1", "SYNTAX 1:28 MATCHES needs its conditions in parentheses, found \"id\"; write MATCHES (id = 123)"],
  ["products_purchased MATCHES", "SYNTAX 1:27 MATCHES needs its conditions in parentheses, found the end of the query; write MATCHES (id = 123)"],
  ["products_purchased MATCHES (1 = 1)", "SYNTAX 1:29 expected a condition such as id = 123, found \"1\""],
  ["products_purchased MATCHES (AND = 1)", "SYNTAX 1:29 expected a condition such as id = 123, found \"AND\""],
  ["products_purchased MATCHES (id NOT 1)", "SYNTAX 1:36 expected IN after NOT, found \"1\"; write id NOT IN (1, 2)"],
  ["products_purchased MATCHES (date BETWEEN -1d -2d)", "SYNTAX 1:46 BETWEEN needs AND between its two values, found \"-2d\"; write BETWEEN 10 AND 20"],
  ["products_purchased MATCHES (id 1)", "SYNTAX 1:32 expected an operator after id, found \"1\"; use =, !=, >, >=, <, <=, IN, NOT IN or BETWEEN"],
  ["products_purchased MATCHES (id = 1", "SYNTAX 1:28 this parenthesis is never closed"],
  ["amount_spent > 1 AND", "SYNTAX 1:21 the query ends where a filter should follow; remove the trailing AND, OR or NOT, or add a clause"],
  ["AND amount_spent > 1", "SYNTAX 1:1 AND needs a clause before it"],
  ["or amount_spent > 1", "SYNTAX 1:1 OR needs a clause before it"],
  ["'x' = 1", "SYNTAX 1:1 expected a filter name, found 'x'; start a clause with a filter, like amount_spent"],
  ["> 1", "SYNTAX 1:1 expected a filter name, found \">\"; start a clause with a filter, like amount_spent"],
  ["products_purchased(1) = true", "SYNTAX 1:20 expected an argument such as id: 123, found \"1\""],
  ["products_purchased(id 1) = true", "SYNTAX 1:23 expected \":\" after id, found \"1\""],
  ["products_purchased(id: 1 = true", "SYNTAX 1:19 this parenthesis is never closed"],
  ["products_purchased MATCHES (id IN 1)", "SYNTAX 1:35 expected a list of values in parentheses, found \"1\"; write IN (1, 2, 3)"],
  ["products_purchased MATCHES (id IN (1, 2)", "SYNTAX 1:28 this parenthesis is never closed"],
  ["amount_spent > abc", "SYNTAX 1:16 expected a value, found the word abc; text values go in single quotes: 'abc'"],
  ["amount_spent BETWEEN abc AND 2", "SYNTAX 1:22 expected the lower bound, found the word abc; text values go in single quotes: 'abc'"],
  ["amount_spent BETWEEN 1 AND abc", "SYNTAX 1:28 expected the upper bound, found the word abc; text values go in single quotes: 'abc'"],
  ["amount_spent > )", "SYNTAX 1:16 expected a value, found \")\""],
  ["amount_spent > AND", "SYNTAX 1:16 expected a value, found \"AND\""],
  ["amount_spent >", "SYNTAX 1:15 expected a value, found the end of the query"],
  ["amount_spent BETWEEN ) AND 1", "SYNTAX 1:22 expected the lower bound, found \")\""],
  ["(((((((((((((((((((((((((((((((((amount_spent > 1)))))))))))))))))))))))))))))))))", "TOO_DEEP 1:33 the query is nested more than 32 levels deep; remove some parentheses or NOTs"],
  ["NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT amount_spent > 1", "TOO_DEEP 1:129 the query is nested more than 32 levels deep; remove some parentheses or NOTs"],
  ["last_order_date > 30 days ago", "SYNTAX 1:22 expected AND or OR before \"days\"; join clauses with AND or OR"],
  ["amount_spent(x: 1) > 1", "SYNTAX 1:1 amount_spent takes no arguments in parentheses"],
  ["customer_tags > 3", "BAD_OPERATOR 1:1 customer_tags cannot be used with >; customer_tags takes CONTAINS, NOT CONTAINS, IS NULL, IS NOT NULL"],
  ["customer_tags = 'vip'", "BAD_OPERATOR 1:1 customer_tags cannot be used with =; customer_tags takes CONTAINS, NOT CONTAINS, IS NULL, IS NOT NULL"],
  ["products_purchased = true", "BAD_OPERATOR 1:1 products_purchased cannot be used with =; products_purchased takes MATCHES, NOT MATCHES"],
  ["products_purchased(id: 1) > 3", "BAD_OPERATOR 1:1 products_purchased(…) is compared with = true or = false; or write products_purchased MATCHES (…)"],
  ["products_purchased(date: (-1d, -2d)) = true", "BAD_VALUE 1:26 date takes one value, not a list; only id takes a list"],
  ["orders_placed(date: (-1d, -2d)) = true", "BAD_VALUE 1:21 date takes one value, not a list"],
  ["anniversary(x: 1) = today", "SYNTAX 1:1 anniversary needs one argument naming a date metafield; write anniversary(date: 'metafields.facts.birth_date')"],
  ["anniversary(date: 'metafields.facts.birthday') = today", "UNKNOWN_FILTER 1:19 metafields.facts.birthday is not a date metafield of this shop; did you mean 'metafields.facts.birth_date'?"],
  ["anniversary(date: 'metafields.nothing.here') = today", "UNKNOWN_FILTER 1:19 metafields.nothing.here is not a date metafield of this shop"],
  ["products_purchased MATCHES (sku IN ('a', 'b'))", "BAD_OPERATOR 1:29 sku cannot be used with IN; only id takes a list"],
  ["orders_placed MATCHES (count IN (1, 2))", "BAD_OPERATOR 1:24 count cannot be used with IN; orders_placed has no condition that takes a list"],
  ["products_purchased MATCHES (sku NOT IN ('a'))", "BAD_OPERATOR 1:29 sku cannot be used with NOT IN; only id takes a list"],
  ["products_purchased MATCHES (sku BETWEEN 'a' AND 'b')", "BAD_OPERATOR 1:29 sku cannot be used with BETWEEN; sku takes = or !="],
  ["products_purchased MATCHES (id BETWEEN 1 AND 2)", "BAD_OPERATOR 1:29 id cannot be used with BETWEEN; id takes = or != or IN (…)"],
  ["products_purchased MATCHES (sku > 'x')", "BAD_OPERATOR 1:29 sku cannot be used with >; sku takes = or !="],
  ["products_purchased MATCHES (id > 1)", "BAD_OPERATOR 1:29 id cannot be used with >; id takes = or !="],
  ["products_purchased MATCHES (dat > -30d)", "UNKNOWN_FILTER 1:29 products_purchased has no condition dat; did you mean date?"],
  ["products_purchased MATCHES (zzzzzzzz = 1)", "UNKNOWN_FILTER 1:29 products_purchased has no condition zzzzzzzz; use id, tag, product_type, sku, date, sum_quantity, quantity, count"],
  ["products_purchased MATCHES (id = 1, id = 2)", "SYNTAX 1:37 id appears twice in products_purchased; each condition can appear only once"],
  ["amount_spent > 'ten'", "BAD_VALUE 1:16 amount_spent compares with a number, not 'ten'; write a number such as 100 or 12.50, without thousands separators"],
  ["number_of_orders > 2.5", "BAD_VALUE 1:20 number_of_orders counts in whole numbers, not 2.5; write 3"],
  ["number_of_orders > -2.5", "BAD_VALUE 1:20 number_of_orders counts in whole numbers, not -2.5; write -2"],
  [`number_of_orders > ${HUGE}`, `BAD_VALUE 1:20 number_of_orders counts in whole numbers, not ${HUGE}; write a whole number`],
  ["number_of_orders > 12345678901234567890", "BAD_VALUE 1:20 number_of_orders counts in whole numbers, not 12345678901234567890; write 12345678901234567000"],
  ["last_order_date > 0099-12-31", "BAD_VALUE 1:19 0099-12-31 is too far in the past; dates start at 0100-01-01"],
  ["first_order_date > 2025-02-30", "BAD_VALUE 1:20 2025-02-30 is not a date on the calendar"],
  ["last_order_date > 2025-01-31T25:00:00", "BAD_VALUE 1:19 2025-01-31T25:00:00 is not a date on the calendar"],
  ["last_order_date > 'yesterday'", "BAD_VALUE 1:19 last_order_date compares with a date, not 'yesterday'; write 2025-01-31, -30d, today or yesterday"],
  ["last_order_date > 5", "BAD_VALUE 1:19 last_order_date compares with a date, not 5; write 2025-01-31, -30d, today or yesterday"],
  ["customer_email_domain = 5", "BAD_VALUE 1:25 customer_email_domain compares with text in single quotes, not 5"],
  ["customer_tags CONTAINS -30d", "BAD_VALUE 1:24 customer_tags compares with text in single quotes, not -30d"],
  ["rfm_group = 5", "BAD_VALUE 1:13 rfm_group is one of CHAMPIONS, LOYAL, ACTIVE, NEW, PROMISING, NEEDS_ATTENTION, AT_RISK, ALMOST_LOST, PREVIOUSLY_LOYAL, DORMANT, PROSPECTS, in single quotes"],
  ["rfm_group = 'LOYL'", "BAD_VALUE 1:13 'LOYL' is not a value of rfm_group; it is one of CHAMPIONS, LOYAL, ACTIVE, NEW, PROMISING, NEEDS_ATTENTION, AT_RISK, ALMOST_LOST, PREVIOUSLY_LOYAL, DORMANT, PROSPECTS; did you mean 'LOYAL'?"],
  ["rfm_group = 'nothing like it'", "BAD_VALUE 1:13 'nothing like it' is not a value of rfm_group; it is one of CHAMPIONS, LOYAL, ACTIVE, NEW, PROMISING, NEEDS_ATTENTION, AT_RISK, ALMOST_LOST, PREVIOUSLY_LOYAL, DORMANT, PROSPECTS"],
  ["metafields.facts.vip = 'yes'", "BAD_VALUE 1:24 metafields.facts.vip is true or false, not 'yes'"],
  ["products_purchased MATCHES (id = 'abc')", "BAD_VALUE 1:34 id compares with a number, not 'abc'; write a number such as 100 or 12.50, without thousands separators"],
  ["products_purchased MATCHES (id IN ('abc', 2))", "BAD_VALUE 1:36 id compares with a number, not 'abc'; write a number such as 100 or 12.50, without thousands separators"],
  ["products_purchased MATCHES (date > 5)", "BAD_VALUE 1:36 date compares with a date, not 5; write 2025-01-31, -30d, today or yesterday"],
  ["metafields.facts.birth_dat IS NULL", "UNKNOWN_FILTER 1:1 this shop has no customer metafield definition metafields.facts.birth_dat; did you mean metafields.facts.birth_date?"],
  ["metafields.custom.vip = true", "UNKNOWN_FILTER 1:1 this shop has no customer metafield definition metafields.custom.vip; did you mean metafields.facts.vip?"],
  ["amount_spend > 100", "UNKNOWN_FILTER 1:1 unknown filter amount_spend; did you mean amount_spent?"],
  ["zzzzzzzzzzzz > 1", "UNKNOWN_FILTER 1:1 unknown filter zzzzzzzzzzzz"],
  ["amount_spend > 100 AND rfm_group = 'LOYL' AND customer_tags > 3", ["UNKNOWN_FILTER 1:1 unknown filter amount_spend; did you mean amount_spent?", "BAD_VALUE 1:36 'LOYL' is not a value of rfm_group; it is one of CHAMPIONS, LOYAL, ACTIVE, NEW, PROMISING, NEEDS_ATTENTION, AT_RISK, ALMOST_LOST, PREVIOUSLY_LOYAL, DORMANT, PROSPECTS; did you mean 'LOYAL'?", "BAD_OPERATOR 1:47 customer_tags cannot be used with >; customer_tags takes CONTAINS, NOT CONTAINS, IS NULL, IS NOT NULL"]],
];

const one = (row: Row): Rows => ({ combinator: "AND", groups: [{ combinator: "OR", rows: [row] }] });
const condition = (parameter: ParameterRow): Rows => one({ filter: "products_purchased", operator: "MATCHES", parameters: [parameter] });

/** Rows and what is wrong with them. */
const ROWS: readonly (readonly [Rows, readonly string[]])[] = [
  [{ combinator: "AND", groups: [] }, ["add at least one row"]],
  [
    { combinator: "XOR" as "AND", groups: [{ combinator: "NOR" as "OR", rows: [{ filter: "amount_spent", operator: ">", value: "1" }] }] },
    ["choose AND or OR to join the groups", "choose AND or OR to join the rows of this group"],
  ],
  [{ combinator: "AND", groups: [{ combinator: "OR", rows: [] }] }, ["this group has no rows; add one or remove the group"]],
  [one({ filter: "", operator: "" }), ["choose a filter", "choose an operator"]],
  [one({ filter: "amount_spent", operator: ">" }), ["enter a value"]],
  [one({ filter: "amount_spent", operator: "BETWEEN", value: "1" }), ["enter an upper value"]],
  [one({ filter: "amount_spent", operator: "BETWEEN", valueTo: "1" }), ["enter a lower value"]],
  [one({ filter: "products_purchased", operator: "MATCHES", value: "1" }), ["MATCHES takes no value; clear it"]],
  [one({ filter: "customer_tags", operator: "IS NULL", value: "'vip'" }), ["IS NULL takes no value; clear it"]],
  [one({ filter: "customer_tags", operator: "CONTAINS", value: "'vip'", valueTo: "'x'" }), ["CONTAINS takes one value; clear the second one"]],
  [one({ filter: "amount_spent", operator: ">", value: "1", parameters: [{ name: "id", operator: "=", value: "1" }] }), ["> takes no conditions; remove them"]],
  [one({ filter: "customer_tags", operator: "CONTAINS", value: "vip" }), ["vip cannot be read: expected a value, found the word vip; text values go in single quotes: 'vip'"]],
  [one({ filter: "customer_tags", operator: "CONTAINS", value: "'vip" }), ["'vip cannot be read: this text value has no closing quote; end it with a single quote (')"]],
  [
    one({ filter: "amount_spent", operator: ">", value: "1 OR number_of_orders > 2" }),
    ["1 OR number_of_orders > 2 is not a single value; write one value such as 100, 'vip', -30d, 2025-01-31, today or true"],
  ],
  [one({ filter: "amount_spent", operator: ">", value: '"x"' }), ['"x" cannot be read: unexpected character """; text values go in single quotes, like \'vip\'']],
  [one({ filter: "amount_spent > 1 OR amount_spent", operator: ">", value: "1" }), ["amount_spent > 1 OR amount_spent is not a filter name"]],
  [one({ filter: "anniversary(date: 'x')", operator: "IS NULL" }), ["write the filter name without parentheses; its arguments go apart"]],
  [
    one({ filter: "anniversary", args: "date: 'x') IS NULL OR (a = 1", operator: "IS NULL" }),
    ["the arguments date: 'x') IS NULL OR (a = 1 cannot be read; write them like date: 'metafields.facts.birth_date'"],
  ],
  [one({ filter: "amount_spent", operator: "LIKE" as Row["operator"], value: "1" }), ["LIKE is not an operator"]],
  [condition({ name: "", operator: "", value: "" }), ["this condition needs a name, like id or date", "choose an operator for this condition"]],
  [condition({ name: "date", operator: "BETWEEN", value: "-30d" }), ["enter an upper value"]],
  [condition({ name: "id", operator: "IN", value: "" }), ["enter one or more values, separated by commas"]],
  [condition({ name: "id", operator: "=", value: "1", valueTo: "2" }), ["= takes one value; clear the second one"]],
  [condition({ name: "id", operator: "", value: "1", valueTo: "2" }), ["choose an operator for id", "this operator takes one value; clear the second one"]],
  [condition({ name: "id", operator: "NOT IN", value: "1,, 2" }), ["1,, 2 is not a list of values; write values separated by commas, like 1, 2, 3"]],
  [condition({ name: "id", operator: "IN", value: "(1, 2)" }), ['(1, 2) cannot be read: expected a value, found "("']],
  [condition({ name: "id = 1, sku", operator: "=", value: "2" }), ["id = 1, sku is not a condition name"]],
  [condition({ name: "id", operator: "LIKE" as ParameterRow["operator"], value: "2" }), ["LIKE is not an operator for a condition"]],
  [condition({ name: "sku", operator: "=", value: "abc" }), ["abc cannot be read: expected a value, found the word abc; text values go in single quotes: 'abc'"]],
];

/** Queries rows cannot show, and why. */
const NOT_FITTING: readonly (readonly [string, string])[] = [
  ["NOT amount_spent > 100", "NOT in front of a clause cannot be shown as rows"],
  ["NOT (amount_spent > 100 AND customer_tags CONTAINS 'vip')", "NOT in front of a group in parentheses cannot be shown as rows"],
  ["a = 1 AND (b = 2 OR (c = 3 AND d = 4))", "this part is nested too deeply to show as rows: rows combine groups of conditions, but not groups within groups"],
  ["amount_spent() > 1", "empty parentheses after a filter name cannot be shown as rows"],
];

const errorsOf = (query: string): readonly SegmentQueryError[] => {
  const analysis = analyse(query, { metafields: METAFIELDS });
  if (analysis.ok) throw new Error(`expected errors in ${query}`);
  return analysis.errors;
};
const label = (text: string) => (text.length > 60 ? `${JSON.stringify(text.slice(0, 50))}… (${text.length} characters)` : JSON.stringify(text));

/** English words that have no business in a Dutch message (code such as IS NOT NULL or today is upper-case or allowed). */
const ENGLISH = /\b(expected|found|did you mean|write|use|cannot|takes|needs|enter|choose|the|is not|not a|only|add|remove|clear|value|values|with|without|between|after|before|in front of|this|these|must|should|unknown|text|number|date|shop|group|rows?|quotes?|parenthes[ie]s)\b/;

/** Every key with a placeholder for each parameter: `{name}`. */
const PLACEHOLDERS = new Proxy({}, { get: (_, name) => `{${String(name)}}` }) as never;
const keys = Object.keys(MESSAGES) as MessageKey[];
const wordsOf = (key: MessageKey, locale: Locale) => (MESSAGES[key][locale] as (p: never) => string)(PLACEHOLDERS);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

/** Keys whose words are the query's own text, the same in every language. */
const SAME_IN_EVERY_LANGUAGE = new Set<MessageKey>(["verbatim", "found.token", "found.string"]);

describe("the catalogue", () => {
  it("has English and Dutch words for every message, with the same parameters", () => {
    expect(keys.length).toBeGreaterThan(100);
    for (const key of keys) {
      expect(typeof MESSAGES[key].en, key).toBe("function");
      expect(typeof MESSAGES[key].nl, key).toBe("function");
      const en = wordsOf(key, "en");
      const nl = wordsOf(key, "nl");
      expect(en.trim(), key).not.toBe("");
      expect(nl.trim(), key).not.toBe("");
      expect(placeholders(nl), key).toEqual(placeholders(en));
    }
  });

  it("says every message in Dutch words, not English ones", () => {
    for (const key of keys) {
      const nl = wordsOf(key, "nl");
      if (!SAME_IN_EVERY_LANGUAGE.has(key)) expect(nl, key).not.toBe(wordsOf(key, "en"));
      // the filter names, operators and examples in the query language are cut out first
      const prose = nl.replace(/\{\w+\}/g, "").replace(/'[^']*'|"[^"]*"|“[^”]*”/g, "").replace(/\b(?:today|yesterday|true|false|metafields\.[\w.]+|date|id|anniversary\(.*?\))\b/g, "");
      expect(prose, `${key}: ${nl}`).not.toMatch(ENGLISH);
    }
  });

  it("puts a message's own messages into words in the same language", () => {
    const problem = message("parser.expectedValue", { what: message("what.lowerBound"), found: message("found.end") });
    expect(render(problem, "en")).toBe("expected the lower bound, found the end of the query");
    expect(render(problem, "nl")).toBe("hier hoort de ondergrens, maar de query houdt op");
    // an optional parameter left out is left out
    expect(render(message("rows.unreadable", { text: "x", problem: message("parser.empty"), suggestion: undefined }), "nl")).toBe("x is onleesbaar: de query is leeg");
  });
});

describe("the engine's English messages (the CLI's and the golden files')", () => {
  it.each(QUERIES.map(([query, errors]) => [label(query), query, typeof errors === "string" ? [errors] : errors] as const))("%s", (_label, query, expected) => {
    expect(errorsOf(query).map((error) => `${error.code} ${String(error)}`)).toEqual(expected);
    for (const error of errorsOf(query)) {
      expect(localizedMessage(error, "en")).toBe(error.message);
      expect(localizedSuggestion(error, "en")).toBe(error.suggestion);
    }
  });

  it.each(ROWS.map(([rows, messages]) => [JSON.stringify(rows).slice(0, 120), rows, messages] as const))("rows %s", (_label, rows, messages) => {
    expect(rowsProblems(rows).map((problem) => problem.message)).toEqual(messages);
    expect(rowsProblems(rows, "en")).toEqual(rowsProblems(rows));
  });

  it.each(NOT_FITTING)("does not fit rows: %s", (query, reason) => {
    expect(rowsFromQuery(parse(query))).toMatchObject({ fits: false, reason });
  });
});

describe("Dutch", () => {
  it.each(QUERIES.map(([query]) => [label(query), query] as const))("%s", (_label, query) => {
    for (const error of errorsOf(query)) {
      const nl = localizedMessage(error, "nl");
      expect(nl).not.toBe(error.message);
      expect(nl, nl).not.toMatch(/\b(expected|found|did you mean|cannot|takes|unknown)\b/);
      const suggestion = localizedSuggestion(error, "nl");
      expect(suggestion === undefined).toBe(error.suggestion === undefined);
      if (suggestion !== undefined) {
        expect(suggestion).not.toBe(error.suggestion);
        expect(suggestion, suggestion).not.toMatch(/\b(did you mean|write|use|split|remove|start|join)\b/);
      }
      // the English stays what it was
      expect(localizedMessage(error, "en")).toBe(error.message);
    }
  });

  it.each(ROWS.map(([rows]) => [JSON.stringify(rows).slice(0, 120), rows] as const))("rows %s", (_label, rows) => {
    const en = rowsProblems(rows);
    const nl = rowsProblems(rows, "nl");
    expect(nl.map(({ message: _, ...place }) => place)).toEqual(en.map(({ message: _, ...place }) => place));
    nl.forEach((problem, i) => {
      expect(problem.message).not.toBe(en[i]?.message);
      expect(problem.message, problem.message).not.toMatch(/\b(expected|found|cannot|takes|enter|choose|clear|is not)\b/);
    });
  });

  it.each(NOT_FITTING)("does not fit rows: %s", (query, reason) => {
    const fitted = rowsFromQuery(parse(query), "nl");
    expect(fitted.fits).toBe(false);
    if (fitted.fits) return;
    expect(fitted.reason).not.toBe(reason);
    expect(fitted.reason).toMatch(/tabblad Voorwaarden/);
    expect(fitted.span).toEqual((rowsFromQuery(parse(query)) as { span: unknown }).span);
  });

  it("reads as a merchant would write it", () => {
    const [unknown, enumValue, operator] = errorsOf("amount_spend > 100 AND rfm_group = 'LOYL' AND customer_tags > 3");
    expect([localizedMessage(unknown!, "nl"), localizedSuggestion(unknown!, "nl")]).toEqual(["onbekend filter amount_spend", "misschien amount_spent?"]);
    expect(localizedSuggestion(enumValue!, "nl")).toBe("misschien 'LOYAL'?");
    expect(localizedMessage(operator!, "nl")).toBe("customer_tags werkt niet met >");
    const [end] = errorsOf("amount_spent >");
    expect(localizedMessage(end!, "nl")).toBe("hier hoort een waarde, maar de query houdt op");
    const [word] = errorsOf("amount_spent > abc");
    expect([localizedMessage(word!, "nl"), localizedSuggestion(word!, "nl")]).toEqual(["hier hoort een waarde, maar er staat het woord abc", "zet tekstwaarden tussen enkele aanhalingstekens: 'abc'"]);
    expect(rowsProblems(one({ filter: "amount_spent", operator: "BETWEEN", value: "1" }), "nl")).toEqual([{ group: 0, row: 0, message: "vul een bovengrens in" }]);
  });
});

describe("replacements", () => {
  it("knows which suggestions name the text to put in place of the span", () => {
    const replacement = (query: string) => suggestedReplacement(errorsOf(query)[0]!);
    expect(replacement("amount_spend > 100")).toBe("amount_spent");
    expect(replacement("rfm_group = 'LOYL'")).toBe("'LOYAL'");
    expect(replacement("number_of_orders > 2.5")).toBe("3");
    expect(replacement("anniversary(date: 'metafields.facts.birthday') = today")).toBe("'metafields.facts.birth_date'");
    // advice is not a replacement
    expect(replacement("amount_spent > 'ten'")).toBeNull();
    expect(replacement("amount_spent > 1,000")).toBeNull();
    expect(replacement(`number_of_orders > ${HUGE}`)).toBeNull();
    expect(replacement("zzzzzzzzzzzz > 1")).toBeNull();
  });
});

it("keeps a message given as text the same in every language", () => {
  const error = new SegmentQueryError("SYNTAX", "as it came", "x", { start: 0, end: 1 }, "as suggested");
  expect([error.message, error.suggestion, localizedMessage(error, "nl"), localizedSuggestion(error, "nl")]).toEqual(["as it came", "as suggested", "as it came", "as suggested"]);
  expect(suggestedReplacement(error)).toBeNull();
});
