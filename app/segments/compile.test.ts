import { describe, expect, it } from "vitest";
import { compileCount, compileToSql, type Dialect } from "./compile";
import { analyse } from "./engine";
import { FIELDS } from "./fields";
import { FILTERS, type MetafieldDefinitionInfo } from "./filters";
import { ERROR_CASES } from "./golden/errors";
import { SHOPIFY_DOC_CASES } from "./golden/shopify-docs";
import { TEMPLATE_METAFIELDS, TEMPLATES } from "./templates";

const CONTEXT = { now: Date.parse("2026-11-23T12:00:00Z"), timeZone: "America/St_Johns", currencyDigits: 2, shopId: 42 };
const VALID = [
  ...SHOPIFY_DOC_CASES.filter((golden) => golden.canonical !== undefined).map((golden) => ({ query: golden.query, metafields: golden.metafields ?? [] })),
  ...TEMPLATES.map((template) => ({ query: template.query, metafields: TEMPLATE_METAFIELDS })),
  ...ERROR_CASES.filter((golden) => golden.canonical !== undefined).map((golden) => ({ query: golden.query, metafields: golden.metafields ?? [] })),
];

function compiled(query: string, dialect: Dialect, metafields: readonly MetafieldDefinitionInfo[] = []) {
  const analysis = analyse(query, { metafields });
  if (!analysis.ok) throw new Error(`${query}: ${analysis.errors.map(String).join("; ")}`);
  return compileToSql(analysis.checked, { ...CONTEXT, dialect });
}

describe("the SQL compiler", () => {
  it("maps every filter in the catalogue to the store", () => {
    expect([...FILTERS.keys()].filter((name) => !(name in FIELDS))).toEqual([]);
  });

  it.each(VALID.map((golden) => [golden.query, golden.metafields] as const))("compiles %s with its placeholders in order", (query, metafields) => {
    const sqlite = compiled(query, "sqlite", metafields);
    const postgres = compiled(query, "postgresql", metafields);
    // SQLite binds ? by position: the parameters must be pushed in the order they appear.
    expect(sqlite.text.split("?").length - 1).toBe(sqlite.params.length);
    const numbers = [...postgres.text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1]));
    expect(numbers).toEqual(postgres.params.map((_, index) => index + 1));
    expect(postgres.params).toEqual(sqlite.params.map((value, index) => (typeof value === "string" && value.endsWith("+00:00") ? postgres.params[index] : value)));
    // a single clause on a child table selects from it alone; anything else reads Customer
    expect(sqlite.text).toMatch(/^SELECT (c\."id" AS "id" FROM "Customer" AS c WHERE c\."shopId" = \?|(DISTINCT )?\w+\."customerId" AS "id" FROM "\w+" AS \w+|o\."customerId" AS "id" FROM "Order" AS o)/);
    expect(sqlite.params[0]).toBe(42);
  });

  it("scopes every table it reads to the shop", () => {
    for (const { query, metafields } of VALID) {
      const { text, params } = compiled(query, "postgresql", metafields);
      const tables = [...text.matchAll(/(?:FROM|JOIN) "(\w+)" AS (\w+)/g)].map((match) => match[2] as string);
      for (const alias of tables.filter((alias) => alias !== "l" && alias !== "pt")) {
        const scoped = new RegExp(`${alias}\\."shopId" = \\$(\\d+)`, "g");
        const places = [...text.matchAll(scoped)].map((match) => params[Number(match[1]) - 1]);
        expect(places.length, `${alias} in ${query}`).toBeGreaterThan(0);
        expect(new Set(places)).toEqual(new Set([42]));
      }
    }
  });

  it("gives whole-number bounds to whole-number columns and folds bounds no column can hold", () => {
    expect(compiled("amount_spent > 100.505", "sqlite")).toMatchObject({ text: expect.stringContaining(`c."amountSpentMinor" >= ?`), params: [42, 10051] });
    expect(compiled("amount_spent <= 100.505", "sqlite").params).toEqual([42, 10050]);
    expect(compiled("amount_spent = 100.505", "sqlite").text).toContain("(1 = 0)");
    expect(compiled("amount_spent < 99999999999999999999", "sqlite").text).toContain(`c."amountSpentMinor" IS NOT NULL`);
    expect(compiled("number_of_orders > 9999999999", "postgresql").text).toContain("(1 = 0)");
    // far dates stop at 9999-12-31 rather than making a timestamp the store cannot parse
    for (const query of ["last_order_date > 9999-12-31", "last_order_date >= +9000y", "last_order_date < -9000y"]) {
      for (const value of compiled(query, "postgresql").params.slice(1)) expect(value).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
  });

  it("casts timestamps and enums for PostgreSQL and writes SQLite's timestamp text", () => {
    const postgres = compiled("predicted_spend_tier = 'HIGH' AND customer_added_date = 2026-01-31", "postgresql");
    expect(postgres.text).toContain(`c."predictedSpendTier" = CAST($2 AS "SpendTier")`);
    expect(postgres.text).toContain(`c."shopifyCreatedAt" >= CAST($3 AS timestamp(3))`);
    // St John's is UTC−3:30 in January: the day starts at 03:30 UTC.
    expect(postgres.params.slice(2)).toEqual(["2026-01-31T03:30:00.000", "2026-02-01T03:30:00.000"]);
    expect(compiled("customer_added_date = 2026-01-31", "sqlite").params.slice(1)).toEqual(["2026-01-31T03:30:00.000+00:00", "2026-02-01T03:30:00.000+00:00"]);
  });

  it("counts", () => {
    const analysis = analyse("customer_tags CONTAINS 'vip' AND amount_spent > 1");
    if (!analysis.ok) throw new Error("invalid");
    expect(compileCount(analysis.checked, { ...CONTEXT, dialect: "sqlite" }).text).toMatch(/^SELECT count\(\*\) AS "count" FROM \(SELECT c\."id"/);
  });
});
