/**
 * Random valid segment queries for a random shop (./random-shop.ts): every filter in the catalogue
 * (FILTERS, the shop's metafields, anniversary, age), every operator the filter takes, the
 * function forms with every parameter (IN, BETWEEN, the legacy `f(id: 1) = true` form), NOT and
 * nested AND/OR — with values drawn mostly from the shop's own data (its tags in random case, its
 * city keys, product ids, skus, amounts on exactly the stored minor units, the days of stored
 * instants and relative dates around them) so clauses both hit and miss.
 *
 * Every query this makes must be valid; the tests assert `analyse(q).ok` rather than filtering.
 */
import fc from "fast-check";
import { cityKey, regionKey } from "~/segments/address-keys";
import { FILTERS, metafieldFilter, operatorsOf, type ClauseOperator, type FilterDefinition, type FunctionParameter } from "~/segments/filters";
import { addDaysTo, addMonthsTo, localDateTimeOf, localDayOf, majorUnits, type RandomShop } from "./random-shop";

/** A string as a query value: single quotes, with `\` and `'` escaped. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Product ids random shops use, so ids of another shop's products (and of no product) turn up too. */
const OTHER_PRODUCT_IDS = ["7781234", "1", "42", "8123456789012", "555000555", "7781299", "123", "99999999"];

/** The neighbouring doubles: 0.3 → 0.30000000000000004 / 0.29999999999999993. */
function nextDouble(value: number, direction: 1 | -1): number {
  if (value === 0) return direction * Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, (value > 0) === (direction > 0) ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** Number text the lexer reads (no exponent form). */
function numberText(value: number): string | null {
  const text = String(value);
  return /^-?\d+(\.\d+)?$/.test(text) ? text : null;
}

function uniq<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}

function nonEmpty<T>(items: readonly T[], fallback: readonly T[]): readonly T[] {
  return items.length > 0 ? items : fallback;
}

const keyword = (word: string) => fc.constantFrom(word, word.toLowerCase());

/** Random case, character by character (non-ASCII too). */
const randomCase = (text: string) =>
  fc.array(fc.boolean(), { minLength: [...text].length, maxLength: [...text].length }).map((flips) =>
    [...text].map((c, i) => (flips[i] ? c.toUpperCase() : c.toLowerCase())).join(""),
  );

/** the text as stored, or in random case, or upper/lower-cased */
const caseVariants = (text: string) => fc.oneof(fc.constant(text), randomCase(text), fc.constant(text.toUpperCase()), fc.constant(text.toLowerCase()));

/** Beyond what columns hold or numbers represent exactly: the compiler folds or passes them, the evaluator compares them. */
const EXTREME_NUMBERS = ["0.000001", "-0", "9007199254740991", "9007199254740993", "-9007199254740993", "123456789012345678901234567890", "2147483648", "-2147483649"];
const EXTREME_DATES = ["0100-01-01", "0100-01-02", "1900-02-28", "1970-01-01", "9999-12-31", "-5000y", "+8000y", "+3000000d", "-99999m"];

const PAST_DAYS = [0, 1, 2, 6, 7, 8, 13, 14, 15, 29, 30, 31, 59, 60, 61, 89, 90, 91, 92, 180, 364, 365, 366, 399, 400];

/** The pools of values a shop's data gives, per filter. */
class ShopValues {
  readonly today: string;
  constructor(readonly shop: RandomShop) {
    this.today = localDayOf(shop.now, shop.timeZone);
  }

  private get customers() {
    return this.shop.customers;
  }

  private get orders() {
    return this.customers.flatMap((c) => c.orders);
  }

  private get lines() {
    return this.orders.flatMap((o) => o.lines);
  }

  // ---- numbers and money

  money(minors: readonly (number | null)[]): fc.Arbitrary<string> {
    const digits = this.shop.currencyDigits;
    const stored = uniq(minors.filter((m): m is number => m !== null));
    const exact = fc.constantFrom(...nonEmpty(stored, [0]));
    return fc.oneof(
      { weight: 6, arbitrary: exact.map((m) => majorUnits(m, digits)) },
      { weight: 2, arbitrary: fc.tuple(exact, fc.constantFrom(-1, 1)).map(([m, d]) => majorUnits(m + d, digits)) },
      // trailing zeros (12.30) and half a minor unit (12.345)
      { weight: 1, arbitrary: exact.map((m) => `${this.padded(m)}${digits === 0 ? "." : ""}0`) },
      { weight: 1, arbitrary: exact.map((m) => `${this.padded(m)}${digits === 0 ? "." : ""}5`) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 3000 }).map(String) },
      { weight: 1, arbitrary: fc.constantFrom(...EXTREME_NUMBERS) },
    );
  }

  /** minor units as major-unit text with every minor digit written: 1200 → '12.00' */
  private padded(minor: number): string {
    const digits = this.shop.currencyDigits;
    const text = majorUnits(minor, digits);
    if (digits === 0) return text;
    const [whole, fraction = ""] = text.split(".");
    return `${whole}.${fraction.padEnd(digits, "0")}`;
  }

  number(stored: readonly (number | null)[], options: { float?: boolean } = {}): fc.Arbitrary<string> {
    const values = uniq(stored.filter((v): v is number => v !== null));
    const exact = fc.constantFrom(...nonEmpty(values, [0]));
    const texts = [
      { weight: 6, arbitrary: exact.map(String) },
      { weight: 2, arbitrary: fc.tuple(exact, fc.constantFrom(-1, 1, 0.5)).map(([v, d]) => String(Math.round((v + d) * 1e6) / 1e6)) },
      { weight: 1, arbitrary: fc.integer({ min: -2, max: 20 }).map(String) },
      { weight: 1, arbitrary: fc.constantFrom(...EXTREME_NUMBERS) },
    ];
    if (options.float) {
      // 17 significant digits: the double next to a stored value
      texts.push({ weight: 2, arbitrary: fc.tuple(exact, fc.constantFrom<1 | -1>(1, -1)).map(([v, d]) => numberText(nextDouble(v, d)) ?? String(v)) });
    }
    return fc.oneof(...texts).map((text) => (/^-?\d+(\.\d+)?$/.test(text) ? text : "0"));
  }

  // ---- dates

  /** Days of stored instants (±1), relative dates, today/yesterday, the deprecated `30_days_ago` and times of day. */
  date(instants: readonly (number | null)[], options: { future?: boolean; years?: readonly number[] } = {}): fc.Arbitrary<string> {
    const tz = this.shop.timeZone;
    const stored = uniq(instants.filter((v): v is number => v !== null));
    const fromData = stored.length > 0 ? fc.constantFrom(...stored) : fc.constant(this.shop.now);
    const day = fc.tuple(fromData, fc.constantFrom(0, 0, -1, 1)).map(([ms, shift]) => addDaysTo(localDayOf(ms, tz), shift));
    const dateTime = fc.tuple(fromData, fc.constantFrom(0, -1000, 1000, 60_000), fc.boolean()).map(([ms, shift, seconds]) =>
      seconds ? localDateTimeOf(ms + shift, tz) : localDateTimeOf(ms + shift, tz).slice(0, 16),
    );
    const sign = options.future ? fc.constantFrom("-", "+", "+") : fc.constantFrom("-", "-", "-", "+");
    const years = options.years ?? [0, 1, 2, 3];
    const relative = fc.oneof(
      fc.tuple(sign, fc.oneof(fc.constantFrom(...PAST_DAYS), fc.integer({ min: 0, max: 400 }))).map(([s, n]) => `${s}${n}d`),
      fc.tuple(sign, fc.constantFrom(0, 1, 2, 4, 13, 52, 57)).map(([s, n]) => `${s}${n}w`),
      fc.tuple(sign, fc.constantFrom(0, 1, 2, 3, 6, 12, 13)).map(([s, n]) => `${s}${n}m`),
      fc.tuple(sign, fc.constantFrom(...years)).map(([s, n]) => `${s}${n}y`),
    );
    const deprecated = fc
      .tuple(fc.constantFrom(0, 1, 7, 30, 90, 365), fc.constantFrom("days", "days", "weeks", "months", "years"))
      .map(([n, unit]) => `${unit === "days" ? n : Math.max(1, Math.round(n / 30))}_${unit}_ago`);
    return fc.oneof(
      { weight: 5, arbitrary: day },
      { weight: 1, arbitrary: fc.constantFrom(...EXTREME_DATES) },
      { weight: 1, arbitrary: dateTime },
      { weight: 5, arbitrary: relative },
      { weight: 2, arbitrary: fc.constantFrom("today", "yesterday", "TODAY", "Yesterday") },
      { weight: 1, arbitrary: deprecated },
    );
  }

  // ---- per filter

  /** The values a comparison or BETWEEN on this filter takes. */
  value(definition: FilterDefinition): fc.Arbitrary<string> {
    const c = this.customers;
    switch (definition.name) {
      case "amount_spent":
        return this.money(c.map((r) => r.amountSpentMinor));
      case "amount_paid":
        return this.money(c.map((r) => r.amountPaidMinor));
      case "average_order_value":
        return this.money(c.map((r) => r.averageOrderValueMinor));
      case "last_order_amount":
        return this.money(c.map((r) => r.lastOrderAmountMinor));
      case "predicted_spend_12m":
        return this.money(c.map((r) => r.predictedSpend12mMinor));
      case "predicted_clv":
        return this.money(c.map((r) => r.predictedClvMinor));
      case "number_of_orders":
        return this.number(c.map((r) => r.numberOfOrders));
      case "discount_order_share":
        return this.number(c.map((r) => r.discountOrderShare), { float: true });
      case "churn_probability":
        return this.number(c.map((r) => r.churnProbability), { float: true });
      case "age":
        return this.number([0, 1, 17, 18, 21, 29, 30, 40, 64, 65, ...this.ages()]);
      case "first_order_date":
        return this.date(c.map((r) => r.firstOrderAt));
      case "last_order_date":
        return this.date(c.map((r) => r.lastOrderAt));
      case "customer_added_date":
        return this.date(c.map((r) => r.createdAt));
      case "abandoned_checkout_date":
        return this.date(c.map((r) => r.lastAbandonedCheckoutAt));
      case "expected_next_order_date":
        return this.date(c.map((r) => r.expectedNextOrderAt), { future: true });
      case "anniversary":
        return this.anniversaryValue();
      case "customer_email_domain":
        return this.text([...c.map((r) => r.emailDomain), "nope.example", "gmail"]);
      case "customer_language":
        return this.text([...c.map((r) => r.locale), "en", "EN", "fr"]);
      case "customer_tags":
        return this.text([...c.flatMap((r) => r.tags), ...this.shop.tagsAsWritten.flat(), "nope", "vi"]);
      case "customer_cities": {
        const addresses = c.flatMap((r) => r.addresses);
        return this.text([...addresses.map(cityKey), ...addresses.map((a) => a.city), "US-NY-New York", "Amsterdam"]);
      }
      case "customer_countries":
        return this.text([...c.flatMap((r) => r.addresses.map((a) => a.countryCode)), "XX"]);
      case "customer_regions":
        return this.text([...c.flatMap((r) => r.addresses.map(regionKey)), "NL", "CA-NL"]);
      default:
        break;
    }
    if (definition.type === "enum") return fc.constantFrom(...(definition.values ?? [])).map(quote);
    if (definition.name.startsWith("metafields.")) return this.metafieldValue(definition);
    throw new Error(`random-query: no values for filter ${definition.name}; add it to ShopValues.value`);
  }

  private metafieldValues(name: string): string[] {
    const key = name.slice("metafields.".length);
    return this.customers.flatMap((r) => (r.metafields[key] === undefined ? [] : [r.metafields[key] as string]));
  }

  private metafieldValue(definition: FilterDefinition): fc.Arbitrary<string> {
    const stored = this.metafieldValues(definition.name);
    switch (definition.type) {
      case "number":
        return this.number(stored.map(Number), { float: true });
      case "date": {
        const tz = this.shop.timeZone;
        const days = stored.map((day) => new Date(`${day.slice(0, 10)}T12:00:00Z`).getTime()).filter(Number.isFinite);
        return fc.oneof(
          this.date(days, { years: [0, 1, 17, 18, 21, 30, 65, 100] }),
          // the day a birthday turns someone n today
          fc.constantFrom(18, 21, 30, 65).map((n) => addMonthsTo(localDayOf(this.shop.now, tz), -12 * n)),
        );
      }
      case "boolean":
        return fc.constantFrom("true", "false", "TRUE", "False");
      default:
        return this.text([...stored, "nope"]);
    }
  }

  private text(values: readonly (string | null | undefined)[]): fc.Arbitrary<string> {
    const stored = uniq(values.filter((v): v is string => v !== null && v !== undefined && !v.includes("\n")));
    const value = fc.constantFrom(...nonEmpty(stored, ["x"])).chain(caseVariants);
    // now and then a character a pasted value can carry (NUL, which no store can hold, is refused by the lexer and tested there)
    const odd = fc.tuple(value, fc.constantFrom("\t", "\r", "\u200b", "\u{1F600}")).map(([v, c]) => `${v}${c}`);
    return fc.oneof({ weight: 40, arbitrary: value }, { weight: 1, arbitrary: odd }).map(quote);
  }

  /** Whole years from birth day to today (what age compares with), ±1. */
  private ages(): number[] {
    const [ty, tm, td] = this.today.split("-").map(Number) as [number, number, number];
    return this.metafieldValues("metafields.facts.birth_date")
      .filter((birth) => /^\d{4}-\d{2}-\d{2}$/.test(birth))
      .map((birth) => {
        const [by, bm, bd] = birth.split("-").map(Number) as [number, number, number];
        return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
      });
  }

  /** Days near today's month-day, Feb 28/29 and Mar 1, in this year and others; relative days. */
  private anniversaryValue(): fc.Arbitrary<string> {
    const year = Number(this.today.slice(0, 4));
    const nearToday = fc.tuple(fc.constantFrom(-31, -7, -1, 0, 0, 1, 7, 30, 31), fc.constantFrom(0, 0, -1, 1, -4)).map(([shift, years]) =>
      addMonthsTo(addDaysTo(this.today, shift), 12 * years),
    );
    const leap = fc.constantFrom(`${year}-02-28`, `${year}-03-01`, "2024-02-29", "2028-02-29", `${year}-12-31`, `${year + 1}-01-01`);
    return fc.oneof(
      { weight: 3, arbitrary: nearToday },
      { weight: 1, arbitrary: leap },
      { weight: 3, arbitrary: fc.tuple(fc.constantFrom("-", "+"), fc.constantFrom(0, 1, 2, 6, 7, 14, 30, 31, 364, 365, 366)).map(([s, n]) => `${s}${n}d`) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom("-", "+"), fc.constantFrom(1, 2, 11, 12, 13)).map(([s, n]) => `${s}${n}m`) },
      { weight: 2, arbitrary: fc.constantFrom("today", "yesterday", "+1y", "-1y") },
    );
  }

  // ---- function parameters

  parameterValue(fn: string, parameter: FunctionParameter): fc.Arbitrary<string> {
    const products = this.shop.products;
    switch (`${fn}.${parameter.name}`) {
      case "products_purchased.id": {
        const ids = uniq([...products.map((p) => p.shopifyId), ...this.lines.flatMap((l) => (l.productId ? [l.productId] : []))]);
        const id = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...nonEmpty(ids, ["1"])) }, { weight: 2, arbitrary: fc.constantFrom(...OTHER_PRODUCT_IDS) });
        // the same id written as 07781234 or 7781234.0
        return fc.tuple(id, fc.constantFrom("", "", "", "", "", "", "0", ".0")).map(([v, form]) => (form === "0" ? `0${v}` : form === ".0" ? `${v}.0` : v));
      }
      case "products_purchased.tag":
        return this.text([...products.flatMap((p) => p.tags), "nope"]);
      case "products_purchased.product_type":
        return this.text([...products.map((p) => p.productType), ...this.lines.map((l) => l.productType), "nope"]);
      case "products_purchased.sku":
        return this.text([...products.flatMap((p) => p.skus), ...this.lines.map((l) => l.sku), "nope"]);
      case "products_purchased.date":
      case "orders_placed.date":
        return this.date(this.orders.map((o) => o.processedAt));
      case "products_purchased.sum_quantity":
      case "products_purchased.quantity":
        return fc.oneof(fc.integer({ min: 0, max: 12 }).map(String), fc.constantFrom("2.0", "-1", "1.5"));
      case "products_purchased.count":
      case "orders_placed.count":
        return fc.oneof(fc.integer({ min: 0, max: 6 }).map(String), fc.constantFrom("1.0", "-1", "1.5"));
      case "orders_placed.amount":
        return this.money(this.orders.map((o) => o.totalMinor));
      case "orders_placed.sum_amount":
        return this.money(this.customers.map((c) => c.orders.filter((o) => !o.cancelled && !o.test).reduce((sum, o) => sum + o.totalMinor, 0)));
      default:
        // a parameter the catalogue gained since this was written: values by its type
        switch (parameter.type) {
          case "money":
            return this.money(this.orders.map((o) => o.totalMinor));
          case "date":
            return this.date(this.orders.map((o) => o.processedAt));
          case "string":
            return this.text(["x", "nope"]);
          default:
            return fc.integer({ min: -1, max: 12 }).map(String);
        }
    }
  }
}

const COMPARISONS = ["=", "!=", ">", ">=", "<", "<="] as const;

/** Only whole numbers where the catalogue says so (7781234.0 and 07781234 are whole numbers too). */
function whole(value: fc.Arbitrary<string>, integer: boolean | undefined): fc.Arbitrary<string> {
  const clamp = (n: number) => Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, Math.round(n)));
  return integer ? value.map((text) => (Number.isSafeInteger(Number(text)) ? text : String(clamp(Number(text))))) : value;
}

function parameterArbitrary(values: ShopValues, fn: FilterDefinition, parameter: FunctionParameter): fc.Arbitrary<string> {
  const value = whole(values.parameterValue(fn.name, parameter), parameter.integer);
  const equality = parameter.type === "string" || parameter.list;
  const forms: fc.Arbitrary<string>[] = [
    fc.tuple(fc.constantFrom(...(equality ? (["=", "!="] as const) : COMPARISONS)), value).map(([op, v]) => `${parameter.name} ${op} ${v}`),
  ];
  if (parameter.list) {
    const list = fc.array(value, { minLength: 1, maxLength: 4 });
    forms.push(fc.tuple(fc.constantFrom("IN", "in", "NOT IN", "not in"), list).map(([kw, vs]) => `${parameter.name} ${kw} (${vs.join(", ")})`));
  }
  if (!equality) forms.push(fc.tuple(keyword("BETWEEN"), value, value).map(([kw, a, b]) => `${parameter.name} ${kw} ${a} AND ${b}`));
  return fc.oneof(...forms);
}

/** `products_purchased MATCHES (id = 1, date > -30d)` or the legacy `products_purchased(id: 1, date: -30d) = true`. */
function functionClause(values: ShopValues, definition: FilterDefinition): fc.Arbitrary<string> {
  const parameters = definition.parameters ?? [];
  const chosen = fc.subarray([...parameters], { minLength: 1, maxLength: 3 }).chain((ps) => fc.shuffledSubarray(ps, { minLength: ps.length, maxLength: ps.length }));
  const matches = chosen
    .chain((ps) => fc.tuple(...ps.map((p) => parameterArbitrary(values, definition, p))))
    .chain((conditions) =>
      fc.tuple(fc.constantFrom("", "NOT ", "not "), keyword("MATCHES")).map(([not, kw]) => `${definition.name} ${not}${kw} (${conditions.join(", ")})`),
    );
  const legacyArgument = (p: FunctionParameter) => {
    const value = whole(values.parameterValue(definition.name, p), p.integer);
    if (!p.list) return value.map((v) => `${p.name}: ${v}`);
    return fc.oneof(value.map((v) => `${p.name}: ${v}`), fc.array(value, { minLength: 1, maxLength: 3 }).map((vs) => `${p.name}: (${vs.join(", ")})`));
  };
  const legacy = chosen
    .chain((ps) => fc.tuple(...ps.map(legacyArgument)))
    .chain((args) => fc.tuple(fc.constantFrom("=", "!="), fc.constantFrom("true", "false")).map(([op, b]) => `${definition.name}(${args.join(", ")}) ${op} ${b}`));
  // `MATCHES ()` and `f() = true`: any counted purchase or order at all
  const bare = fc.oneof(
    fc.constantFrom("", "NOT ").map((not) => `${definition.name} ${not}MATCHES ()`),
    fc.tuple(fc.constantFrom("=", "!="), fc.constantFrom("true", "false")).map(([op, b]) => `${definition.name}() ${op} ${b}`),
  );
  return fc.oneof({ weight: 8, arbitrary: matches }, { weight: 2, arbitrary: legacy }, { weight: 1, arbitrary: bare });
}

function clauseFor(values: ShopValues, definition: FilterDefinition, name: string): fc.Arbitrary<string> {
  if (definition.type === "function") return functionClause(values, definition);
  const value = whole(values.value(definition), definition.integer);
  const forms = operatorsOf(definition).map((operator: ClauseOperator): fc.Arbitrary<string> => {
    switch (operator) {
      case "BETWEEN":
        return fc.tuple(keyword("BETWEEN"), value, keyword("AND"), value).map(([b, low, and, high]) => `${name} ${b} ${low} ${and} ${high}`);
      case "CONTAINS":
      case "NOT CONTAINS":
        return fc.tuple(fc.constantFrom(operator, operator.toLowerCase()), value).map(([op, v]) => `${name} ${op} ${v}`);
      case "IS NULL":
      case "IS NOT NULL":
        return fc.constantFrom(operator, operator.toLowerCase()).map((op) => `${name} ${op}`);
      case "MATCHES":
      case "NOT MATCHES":
        throw new Error("MATCHES belongs to functions");
      default:
        return value.map((v) => `${name} ${operator} ${v}`);
    }
  });
  // null checks are a tenth of the clauses, not a third of them
  const weighted = operatorsOf(definition).map((operator, i) => ({ weight: operator.startsWith("IS ") ? 1 : 5, arbitrary: forms[i] as fc.Arbitrary<string> }));
  return fc.oneof(...weighted);
}

/** One clause on any filter of the catalogue or of the shop's metafields. */
export function clauseArbitrary(shop: RandomShop): fc.Arbitrary<string> {
  const values = new ShopValues(shop);
  const clauses: fc.Arbitrary<string>[] = [];
  for (const definition of FILTERS.values()) {
    if (definition.name === "anniversary") {
      for (const metafield of shop.metafieldDefinitions.filter((m) => m.type === "date")) {
        const target = `'metafields.${metafield.namespace}.${metafield.key}'`;
        // Shopify's reference writes both anniversary(date: '…') and anniversary('…')
        clauses.push(clauseFor(values, definition, `anniversary(date: ${target})`), clauseFor(values, definition, `anniversary(${target})`));
      }
      continue;
    }
    const weight = definition.type === "function" ? 3 : 1;
    for (let i = 0; i < weight; i++) clauses.push(clauseFor(values, definition, definition.name));
  }
  for (const metafield of shop.metafieldDefinitions) {
    const definition = metafieldFilter(metafield);
    if (definition) clauses.push(clauseFor(values, definition, definition.name));
  }
  return fc.oneof(...clauses);
}

export interface QueryArbitraryOptions {
  /** how deep AND/OR/NOT nest (default 3) */
  maxDepth?: number;
}

/** A valid query: clauses joined by AND/OR, NOT, parentheses, keywords in either case. */
export function queryArbitrary(shop: RandomShop, options: QueryArbitraryOptions = {}): fc.Arbitrary<string> {
  const clause = clauseArbitrary(shop);
  const { expression } = fc.letrec<{ expression: string }>((tie) => ({
    expression: fc.oneof(
      { maxDepth: options.maxDepth ?? 3, depthSize: "small", withCrossShrink: true },
      { weight: 4, arbitrary: clause },
      // operand lists (not pairs) so a failing query shrinks operand by operand, down to one clause
      { weight: 2, arbitrary: fc.tuple(keyword("AND"), fc.array(tie("expression"), { minLength: 1, maxLength: 3 })).map(([kw, xs]) => xs.join(` ${kw} `)) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(keyword("OR"), fc.array(tie("expression"), { minLength: 1, maxLength: 3 }), fc.boolean())
          .map(([kw, xs, paren]) => (paren && xs.length > 1 ? `(${xs.join(` ${kw} `)})` : xs.join(` ${kw} `))),
      },
      { weight: 1, arbitrary: fc.tuple(keyword("NOT"), tie("expression")).map(([kw, a]) => `${kw} (${a})`) },
      { weight: 1, arbitrary: fc.tuple(keyword("NOT"), clause).map(([kw, a]) => `${kw} ${a}`) },
    ),
  }));
  return expression;
}
