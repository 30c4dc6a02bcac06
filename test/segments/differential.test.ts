/**
 * The segment engine's two paths must agree: for random valid queries over random shops, the
 * customers the in-memory evaluator accepts are exactly the ids the compiled SQL selects — on
 * SQLite, and on PostgreSQL when it answers (always under CI=true). Also: analyse never throws on
 * any text, and compiled SQL never carries a query's values in its text.
 *
 * Knobs: DIFFERENTIAL_RUNS (default 1000 per property), DIFFERENTIAL_SEED (shop seeds; default
 * fixed so a failure reproduces), FC_SEED (fast-check's seed, printed with every failure).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Query, Value } from "~/segments/ast";
import { check } from "~/segments/checker";
import { compileToSql } from "~/segments/compile";
import { analyse } from "~/segments/engine";
import { SegmentQueryError } from "~/segments/errors";
import { evaluate } from "~/segments/evaluate";
import { FILTERS } from "~/segments/filters";
import { parse } from "~/segments/parser";
import type { CustomerRecord } from "~/segments/record";
import { freshStore, storeKinds, type TestStore } from "../store/harness";
import { queryArbitrary } from "./random-query";
import { localDateTimeOf, METAFIELD_DEFINITIONS, randomShop, TIME_ZONES, writeShop, type RandomShop, type WrittenShop } from "./random-shop";

const kinds = await storeKinds();
const RUNS = Number(process.env.DIFFERENTIAL_RUNS ?? 1000);
const SEED = Number(process.env.DIFFERENTIAL_SEED ?? 20261123);
const FC_SEED = process.env.FC_SEED === undefined ? {} : { seed: Number(process.env.FC_SEED) };
const CUSTOMERS = 80;

/** Four shops per store kind, every one of the six time zones covered between the two kinds. */
const ZONES_BY_KIND: Record<string, readonly (typeof TIME_ZONES)[number][]> = {
  sqlite: ["UTC", "Europe/Amsterdam", "Pacific/Kiritimati", "America/St_Johns"],
  postgresql: ["America/Los_Angeles", "Asia/Kathmandu", "Pacific/Kiritimati", "America/St_Johns"],
};

function shopsFor(kind: string): RandomShop[] {
  const zones = ZONES_BY_KIND[kind] ?? TIME_ZONES;
  return zones.map((timeZone, i) => randomShop(SEED + (kind === "sqlite" ? 0 : 1000) + i, { timeZone, customers: CUSTOMERS }));
}

const contextOf = (shop: RandomShop) => ({ now: shop.now, timeZone: shop.timeZone, currencyDigits: shop.currencyDigits });
const ascending = (a: number, b: number) => a - b;

/** A record with its instants also shown as the shop's wall-clock time, for reading a counterexample. */
function describeRecord(record: CustomerRecord, timeZone: string): string {
  const local = (ms: number | null) => (ms === null ? null : `${new Date(ms).toISOString()} (local ${localDateTimeOf(ms, timeZone)})`);
  return JSON.stringify(
    {
      ...record,
      createdAt: local(record.createdAt),
      firstOrderAt: local(record.firstOrderAt),
      lastOrderAt: local(record.lastOrderAt),
      lastAbandonedCheckoutAt: local(record.lastAbandonedCheckoutAt),
      expectedNextOrderAt: local(record.expectedNextOrderAt),
      orders: record.orders.map((order) => ({ ...order, processedAt: local(order.processedAt) })),
    },
    null,
    1,
  ).replace(/\n\s*/g, " ");
}

describe.each(kinds)("evaluator and SQL agree on %s", (kind) => {
  const shops = shopsFor(kind);
  let store: TestStore;
  let written: WrittenShop[];

  beforeAll(async () => {
    const started = performance.now();
    store = await freshStore(kind);
    written = [];
    for (const shop of shops) written.push(await writeShop(store.db, shop));
    console.info(`differential (${kind}): ${shops.length} shops × ${CUSTOMERS} customers written in ${Math.round(performance.now() - started)} ms`);
  });
  afterAll(() => store?.drop());

  it(`gives the same members for ${RUNS} random queries`, async () => {
    const started = performance.now();
    const arbitrary = fc.oneof(...shops.map((shop, index) => queryArbitrary(shop).map((query) => ({ index, query }))));
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ index, query }) => {
        const shop = shops[index] as RandomShop;
        const { shopId, customers } = written[index] as WrittenShop;
        const analysis = analyse(query, { metafields: shop.metafieldDefinitions });
        if (!analysis.ok) throw new Error(`random-query made an invalid query: ${query}\n${analysis.errors.map(String).join("\n")}`);
        const context = contextOf(shop);
        const byEvaluator = customers.filter((record) => evaluate(analysis.checked, record, context)).map((r) => r.id);
        const sql = compileToSql(analysis.checked, { dialect: kind, shopId, ...context });
        let rows: { id: number | bigint }[];
        try {
          rows = await store.db.$queryRawUnsafe<{ id: number | bigint }[]>(sql.text, ...sql.params);
        } catch (error) {
          throw new Error(`the SQL failed on ${kind}: ${String(error)}\nquery: ${query}\nsql: ${sql.text}\nparams: ${JSON.stringify(sql.params)}`);
        }
        const bySql = rows.map((row) => Number(row.id)).sort(ascending);
        byEvaluator.sort(ascending);
        if (JSON.stringify(bySql) === JSON.stringify(byEvaluator)) return;
        const onlyEvaluator = byEvaluator.filter((id) => !bySql.includes(id));
        const onlySql = bySql.filter((id) => !byEvaluator.includes(id));
        const record = (id: number) => describeRecord(customers.find((r) => r.id === id) as CustomerRecord, shop.timeZone);
        throw new Error(
          [
            `evaluator and SQL (${kind}) disagree`,
            `query:     ${query}`,
            `canonical: ${analysis.canonical}`,
            `shop:      seed ${shop.seed}, time zone ${shop.timeZone}, currency ${shop.currencyCode} (${shop.currencyDigits} digits)`,
            `now:       ${new Date(shop.now).toISOString()} (local ${localDateTimeOf(shop.now, shop.timeZone)}) = ${shop.now}`,
            `sql:       ${sql.text}`,
            `params:    ${JSON.stringify(sql.params)}`,
            ...onlyEvaluator.slice(0, 3).map((id) => `member by the evaluator only: ${record(id)}`),
            ...onlySql.slice(0, 3).map((id) => `member by the SQL only: ${record(id)}`),
            `(${onlyEvaluator.length} evaluator-only, ${onlySql.length} SQL-only)`,
          ].join("\n"),
        );
      }),
      { numRuns: RUNS, ...FC_SEED },
    );
    console.info(`differential (${kind}): ${RUNS} queries in ${Math.round(performance.now() - started)} ms`);
  });
});

// ---------------------------------------------------------------------------------------------
// without a database

const allShops = TIME_ZONES.map((timeZone, i) => randomShop(SEED + 500 + i, { timeZone, customers: 20 }));
const anyShopQuery = fc.oneof(...allShops.map((shop, index) => queryArbitrary(shop).map((query) => ({ index, query }))));

describe("random queries", () => {
  it("are all valid (random-query.ts makes nothing analyse rejects)", () => {
    fc.assert(
      fc.property(anyShopQuery, ({ index, query }) => {
        const analysis = analyse(query, { metafields: (allShops[index] as RandomShop).metafieldDefinitions });
        if (!analysis.ok) throw new Error(`invalid: ${query}\n${analysis.errors.map(String).join("\n")}`);
      }),
      { numRuns: RUNS, ...FC_SEED },
    );
  });

  it("reach every filter of the catalogue and every function parameter", () => {
    const seen = new Set<string>();
    for (const { query } of fc.sample(anyShopQuery, { numRuns: 3000, seed: 1 })) {
      for (const word of query.match(/[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*(?=\s*(\(|=|!=|>|<|:|\s(between|contains|not|is|matches|in)\b))/gi) ?? []) seen.add(word.toLowerCase());
    }
    const expected = [
      ...FILTERS.keys(),
      ...METAFIELD_DEFINITIONS.map((m) => `metafields.${m.namespace}.${m.key}`),
      ...[...FILTERS.values()].flatMap((f) => (f.parameters ?? []).map((p) => p.name)),
    ];
    expect(expected.filter((name) => !seen.has(name))).toEqual([]);
  });
});

/** Small edits to a valid query: insert, delete or replace a character, swap, repeat or drop a token. */
const mutation = fc.oneof(
  fc.tuple(fc.constant("insert" as const), fc.nat(), fc.oneof(fc.constantFrom(..."()',:=!<>- .\\\n_0123456789adnotANDORNOT"), fc.string({ minLength: 1, maxLength: 1, unit: "binary" }))),
  fc.tuple(fc.constant("delete" as const), fc.nat(), fc.constant("")),
  fc.tuple(fc.constant("replace" as const), fc.nat(), fc.constantFrom(..."()',:=!<>-. 0123456789aZ")),
  fc.tuple(fc.constant("swap" as const), fc.nat(), fc.constant("")),
  fc.tuple(fc.constant("repeat" as const), fc.nat(), fc.constant("")),
  fc.tuple(fc.constant("drop" as const), fc.nat(), fc.constant("")),
);

function mutate(query: string, edits: readonly (readonly ["insert" | "delete" | "replace" | "swap" | "repeat" | "drop", number, string])[]): string {
  let text = query;
  for (const [kind, at, char] of edits) {
    const i = text.length === 0 ? 0 : at % (text.length + 1);
    if (kind === "insert") text = text.slice(0, i) + char + text.slice(i);
    else if (kind === "delete") text = text.slice(0, i) + text.slice(i + 1);
    else if (kind === "replace") text = text.slice(0, i) + char + text.slice(i + 1);
    else {
      const tokens = text.split(/(\s+|[(),])/).filter((t) => t !== "");
      const j = tokens.length === 0 ? 0 : at % tokens.length;
      if (kind === "swap" && j + 1 < tokens.length) [tokens[j], tokens[j + 1]] = [tokens[j + 1] as string, tokens[j] as string];
      else if (kind === "repeat") tokens.splice(j, 0, tokens[j] ?? "");
      else tokens.splice(j, 1);
      text = tokens.join("");
    }
  }
  return text;
}

const SQL_WORDS = "()'=<>!,: ANDORNOTIS NULL BETWEEN CONTAINS MATCHES IN true false today yesterday -30d 2025-01-31 amount_spent customer_tags products_purchased id date".split(" ");

describe("analyse on any text", () => {
  const garbage = fc.oneof(
    fc.string({ maxLength: 80, unit: "binary" }),
    fc.string({ maxLength: 80, unit: "grapheme" }),
    fc.array(fc.constantFrom(...SQL_WORDS, "(", ")", "'", ",", " "), { maxLength: 30 }).map((parts) => parts.join(" ")),
  );
  const edited = fc.tuple(anyShopQuery, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([{ index, query }, edits]) => ({ index, query: mutate(query, edits) }));

  it("never throws, and parse/check throw nothing but SegmentQueryError; what passes evaluates and compiles", () => {
    let valid = 0;
    fc.assert(
      fc.property(fc.oneof(garbage.map((query) => ({ index: 0, query })), edited, edited), ({ index, query }) => {
        const shop = allShops[index] as RandomShop;
        const metafields = shop.metafieldDefinitions;
        const analysis = analyse(query, { metafields });
        let parsed: Query | undefined;
        try {
          parsed = parse(query);
        } catch (error) {
          if (!(error instanceof SegmentQueryError)) throw error;
        }
        if (parsed) {
          const result = check(parsed, query, { metafields });
          expect(result.errors.every((error) => error instanceof SegmentQueryError)).toBe(true);
          expect(analysis.ok).toBe(result.errors.length === 0);
        } else expect(analysis.ok).toBe(false);
        if (!analysis.ok) {
          expect(analysis.errors.length).toBeGreaterThan(0);
          for (const error of analysis.errors) expect(error).toBeInstanceOf(SegmentQueryError);
          return;
        }
        valid++;
        const context = contextOf(shop);
        for (const record of shop.customers) evaluate(analysis.checked, record, context);
        for (const dialect of ["sqlite", "postgresql"] as const) compileToSql(analysis.checked, { dialect, shopId: 1, ...context });
      }),
      { numRuns: RUNS, ...FC_SEED },
    );
    // the edits leave a fair share of queries valid, so evaluation and compilation get odd input too
    expect(valid).toBeGreaterThan(RUNS / 50);
  });
});

// ---------------------------------------------------------------------------------------------
// values only as parameters

/** Every literal value of a query, as its text: strings, number texts, dates (and anniversary's metafield name). */
function literals(query: Query): { strings: string[]; numbers: string[]; dates: string[] } {
  const strings: string[] = [];
  const numbers: string[] = [];
  const dates: string[] = [];
  const value = (v: Value) => {
    if (v.kind === "String") strings.push(v.value);
    else if (v.kind === "Number") numbers.push(v.raw, String(v.value));
    else if (v.kind === "Date") dates.push(v.value, v.value.slice(0, 10));
  };
  const visit = (node: Query["expression"]): void => {
    switch (node.kind) {
      case "And":
      case "Or":
        node.operands.forEach(visit);
        return;
      case "Not":
        visit(node.operand);
        return;
      default:
        for (const argument of node.filter.args ?? []) (argument.value.kind === "ValueList" ? argument.value.values : [argument.value]).forEach(value);
        if (node.kind === "Comparison" || node.kind === "Contains") value(node.value);
        else if (node.kind === "Between") [node.low, node.high].forEach(value);
        else if (node.kind === "Matches") {
          for (const parameter of node.parameters) {
            if (parameter.kind === "ParamComparison") value(parameter.value);
            else if (parameter.kind === "ParamBetween") [parameter.low, parameter.high].forEach(value);
            else parameter.values.values.forEach(value);
          }
        }
    }
  };
  visit(query.expression);
  return { strings, numbers, dates };
}

/** Where a value could hide in SQL text: the contents of its '…' literals, and the rest without "identifiers" or placeholders. */
function sqlParts(text: string): { literals: string[]; bare: string } {
  const found: string[] = [];
  const bare = text
    .replace(/'((?:[^']|'')*)'/g, (_, inner: string) => {
      found.push(inner.replace(/''/g, "'"));
      return " ";
    })
    .replace(/"(?:[^"]|"")*"/g, " ")
    .replace(/\$\d+/g, " ");
  return { literals: found, bare };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("compiled SQL", () => {
  it("never holds a query's values in its text: they travel as parameters (both dialects)", () => {
    fc.assert(
      fc.property(anyShopQuery, ({ index, query }) => {
        const shop = allShops[index] as RandomShop;
        const analysis = analyse(query, { metafields: shop.metafieldDefinitions });
        if (!analysis.ok) throw new Error(`invalid: ${query}`);
        const values = literals(analysis.checked.query);
        for (const dialect of ["sqlite", "postgresql"] as const) {
          const sql = compileToSql(analysis.checked, { dialect, shopId: 1, ...contextOf(shop) });
          const { literals: inSql, bare } = sqlParts(sql.text);
          const problems: string[] = [];
          for (const literal of inSql) {
            for (const text of values.strings.filter((s) => s.length >= 2)) if (literal.includes(text)) problems.push(`string '${text}' inside the SQL literal '${literal}'`);
            if (/\d{4}-\d{2}-\d{2}|\b\d{2}-\d{2}\b/.test(literal)) problems.push(`a date inside the SQL literal '${literal}'`);
          }
          for (const text of values.strings.filter((s) => s.length >= 2)) {
            if (new RegExp(`(?<![\\w.])${escapeRegExp(text)}(?![\\w])`).test(bare)) problems.push(`string ${text} in the SQL text`);
          }
          for (const text of values.dates) if (bare.includes(text)) problems.push(`date ${text} in the SQL text`);
          // numbers of three or more characters (the compiler's own constants, like substr(…, 1, 10), are shorter)
          for (const number of bare.match(/(?<![\w.$])-?\d[\d.]*/g) ?? []) {
            if (number.replace(/^-/, "").length >= 3) problems.push(`number ${number} in the SQL text`);
          }
          if (problems.length > 0) throw new Error(`${problems.join("; ")}\nquery: ${query}\nsql (${dialect}): ${sql.text}`);
        }
      }),
      { numRuns: RUNS, ...FC_SEED },
    );
  });
});
