import { describe, expect, it } from "vitest";
import { analyse } from "./engine";
import { evaluate, prepare } from "./evaluate";
import type { CustomerRecord, RecordOrder } from "./record";
import type { EvaluationContext } from "./semantics";

const AMSTERDAM: EvaluationContext = { now: Date.parse("2026-11-23T12:00:00Z"), timeZone: "Europe/Amsterdam", currencyDigits: 2 };
const METAFIELDS = [
  { namespace: "facts", key: "birth_date", type: "date" },
  { namespace: "loyalty", key: "points", type: "number_integer" },
  { namespace: "loyalty", key: "member", type: "boolean" },
];

export function customer(overrides: Partial<CustomerRecord> = {}): CustomerRecord {
  return {
    id: 1,
    createdAt: Date.parse("2024-05-01T10:00:00Z"),
    emailDomain: "example.com",
    locale: "nl",
    accountState: "ENABLED",
    emailMarketingState: "SUBSCRIBED",
    smsMarketingState: "NOT_SUBSCRIBED",
    numberOfOrders: 0,
    amountSpentMinor: 0,
    amountPaidMinor: 0,
    firstOrderAt: null,
    lastOrderAt: null,
    lastOrderAmountMinor: null,
    averageOrderValueMinor: null,
    discountOrderShare: null,
    lastAbandonedCheckoutAt: null,
    predictedSpendTier: null,
    rfmGroup: null,
    predictedSpend12mMinor: null,
    predictedClvMinor: null,
    churnProbability: null,
    expectedNextOrderAt: null,
    tags: [],
    addresses: [],
    metafields: {},
    orders: [],
    ...overrides,
  };
}

function order(processedAt: string, totalMinor: number, lines: Partial<RecordOrder["lines"][number]>[] = [], extra: Partial<RecordOrder> = {}): RecordOrder {
  return {
    processedAt: Date.parse(processedAt),
    totalMinor,
    cancelled: false,
    test: false,
    lines: lines.map((line) => ({ productId: null, sku: null, productType: null, quantity: 1, productTags: [], ...line })),
    ...extra,
  };
}

function matches(query: string, record: CustomerRecord, context = AMSTERDAM): boolean {
  const analysis = analyse(query, { metafields: METAFIELDS });
  if (!analysis.ok) throw new Error(analysis.errors.map(String).join("\n"));
  return evaluate(analysis.checked, record, context);
}

describe("the in-memory evaluator", () => {
  it("compares money in major units of the shop currency, exactly", () => {
    const spent = customer({ amountSpentMinor: 10010 });
    expect(matches("amount_spent >= 100.1", spent)).toBe(true);
    expect(matches("amount_spent > 100.1", spent)).toBe(false);
    expect(matches("amount_spent BETWEEN 100 AND 100.10", spent)).toBe(true);
    expect(matches("amount_spent >= 10010", spent, { ...AMSTERDAM, currencyDigits: 0 })).toBe(true);
  });

  it("takes dates as whole days in the shop's time zone", () => {
    // 23:30 UTC on 22 November is 00:30 on 23 November in Amsterdam: "today" there.
    const lateOrder = customer({ lastOrderAt: Date.parse("2026-11-22T23:30:00Z") });
    expect(matches("last_order_date = today", lateOrder)).toBe(true);
    expect(matches("last_order_date = yesterday", lateOrder)).toBe(false);
    expect(matches("last_order_date = yesterday", lateOrder, { ...AMSTERDAM, timeZone: "UTC" })).toBe(true);
    expect(matches("last_order_date > -1d", lateOrder)).toBe(true);
    expect(matches("last_order_date >= 2026-11-23", lateOrder)).toBe(true);
    expect(matches("last_order_date < 2026-11-23T01:00:00", lateOrder)).toBe(true);
    expect(matches("last_order_date BETWEEN -30d AND today", lateOrder)).toBe(true);
    expect(matches("last_order_date != today", lateOrder)).toBe(false);
  });

  it("counts months and years on the calendar, and accepts the deprecated forms", () => {
    const record = customer({ lastOrderAt: Date.parse("2026-08-23T10:00:00Z") });
    expect(matches("last_order_date >= -3m", record)).toBe(true);
    expect(matches("last_order_date > -3m", record)).toBe(false);
    expect(matches("last_order_date > 90_days_ago", record)).toBe(false); // -90d is 25 August
    expect(matches("last_order_date > 12_months_ago", record)).toBe(true);
  });

  it("treats a missing value as matching no comparison, and NOT of that as true", () => {
    const never = customer();
    expect(matches("last_order_date < -30d", never)).toBe(false);
    expect(matches("NOT last_order_date >= -30d", never)).toBe(true);
    expect(matches("last_order_date IS NULL", never)).toBe(true);
    expect(matches("average_order_value != 10", never)).toBe(false);
  });

  it("matches tags ignoring case, and places by Shopify's keys", () => {
    const record = customer({ tags: ["vip", "ünïcode"], addresses: [{ countryCode: "US", provinceCode: "CA", city: "Los Angeles" }] });
    expect(matches("customer_tags CONTAINS 'VIP'", record)).toBe(true);
    expect(matches("customer_tags CONTAINS 'ÜNÏCODE'", record)).toBe(true);
    expect(matches("customer_tags NOT CONTAINS 'vip'", record)).toBe(false);
    expect(matches("customer_cities CONTAINS 'US-CA-LosAngeles'", record)).toBe(true);
    expect(matches("customer_regions CONTAINS 'US-CA'", record)).toBe(true);
    expect(matches("customer_countries CONTAINS 'US'", record)).toBe(true);
    expect(matches("customer_tags IS NULL", customer())).toBe(true);
  });

  it("works out age from the birth date, with 29 February birthdays on the 28th", () => {
    const leapling = customer({ metafields: { "facts.birth_date": "2000-02-29" } });
    const on = (day: string) => ({ ...AMSTERDAM, now: Date.parse(`${day}T12:00:00Z`) });
    expect(matches("age >= 26", leapling, on("2026-02-28"))).toBe(false);
    expect(matches("age >= 26", leapling, on("2026-03-01"))).toBe(true);
    expect(matches("age = 25", leapling, on("2026-02-28"))).toBe(true);
    expect(matches("age > 25.5", leapling, on("2026-03-01"))).toBe(true);
    expect(matches("anniversary(date: 'metafields.facts.birth_date') = today", leapling, on("2026-02-28"))).toBe(true);
    expect(matches("anniversary(date: 'metafields.facts.birth_date') = today", leapling, on("2028-02-28"))).toBe(false);
    expect(matches("anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d", leapling, on("2026-02-10"))).toBe(true);
    expect(matches("anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d", customer({ metafields: { "facts.birth_date": "1980-01-05" } }), on("2026-12-20"))).toBe(true);
  });

  it("reads typed metafields", () => {
    const record = customer({ metafields: { "loyalty.points": "120", "loyalty.member": "true" } });
    expect(matches("metafields.loyalty.points BETWEEN 100 AND 200", record)).toBe(true);
    expect(matches("metafields.loyalty.member = true", record)).toBe(true);
    expect(matches("metafields.loyalty.member != true", record)).toBe(false);
    expect(matches("metafields.loyalty.points > 100", customer({ metafields: { "loyalty.points": "12a" } }))).toBe(false);
  });

  it("evaluates products_purchased and orders_placed over counted orders", () => {
    const record = customer({
      orders: [
        order("2026-11-01T10:00:00Z", 5000, [{ productId: "123", sku: "sand-wash-jeans", quantity: 2, productTags: ["denim"] }]),
        order("2025-01-01T10:00:00Z", 9000, [{ productId: "456", productType: "Shirt" }]),
        order("2026-11-02T10:00:00Z", 7000, [{ productId: "789" }], { cancelled: true }),
      ],
    });
    expect(matches("products_purchased MATCHES (id = 123)", record)).toBe(true);
    expect(matches("products_purchased MATCHES (id = 789)", record)).toBe(false);
    expect(matches("products_purchased MATCHES (id IN (456, 789), date > -90d)", record)).toBe(false);
    expect(matches("products_purchased MATCHES (sku = 'sand-wash-jeans', sum_quantity >= 2)", record)).toBe(true);
    expect(matches("products_purchased MATCHES (tag = 'DENIM', count = 1)", record)).toBe(true);
    expect(matches("products_purchased NOT MATCHES (product_type = 'Shirt')", record)).toBe(false);
    expect(matches("products_purchased(id: 123) = true", record)).toBe(true);
    expect(matches("products_purchased(id: 123, date: -30d) = false", record)).toBe(false);
    expect(matches("orders_placed MATCHES (date BETWEEN 2025-01-01 AND 2026-12-31, sum_amount BETWEEN 140 AND 140)", record)).toBe(true);
    expect(matches("orders_placed MATCHES (amount > 60, count >= 1)", record)).toBe(true);
    expect(matches("orders_placed MATCHES (count >= 3)", record)).toBe(false);
  });

  it("prepares once and evaluates a customer in microseconds", () => {
    const analysis = analyse("amount_spent > 100 AND (customer_tags CONTAINS 'vip' OR last_order_date > -30d)");
    if (!analysis.ok) throw new Error("invalid");
    const predicate = prepare(analysis.checked, AMSTERDAM);
    expect(predicate(customer({ amountSpentMinor: 20000, tags: ["vip"] }))).toBe(true);
    expect(predicate(customer({ amountSpentMinor: 20000 }))).toBe(false);
  });
});

describe("evaluate's prepared queries", () => {
  it("reuses a prepared query through the shop's day and prepares again when the day changes", () => {
    const analysis = analyse("last_order_date = today");
    if (!analysis.ok) throw new Error("invalid");
    const record = customer({ lastOrderAt: Date.parse("2026-11-23T10:00:00Z") });
    expect(evaluate(analysis.checked, record, AMSTERDAM)).toBe(true);
    expect(evaluate(analysis.checked, record, { ...AMSTERDAM, now: Date.parse("2026-11-23T22:59:00Z") })).toBe(true);
    // 23:00 UTC is midnight in Amsterdam: a new day, so the same record is no longer "today"
    expect(evaluate(analysis.checked, record, { ...AMSTERDAM, now: Date.parse("2026-11-23T23:00:00Z") })).toBe(false);
    // 10:00 UTC is still 22 November in Pago Pago (UTC−11), where it is 23 November at noon UTC
    expect(evaluate(analysis.checked, record, { ...AMSTERDAM, timeZone: "Pacific/Pago_Pago" })).toBe(false);
  });
});
