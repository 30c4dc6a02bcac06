/**
 * Segment speed on the benchmark shop (bench/generate.ts): for five representative segments, the
 * compiled query (analyse + compileToSql, run with the raw driver) against a hand-written SQL query
 * for the same segment and against loading the rows into JS and filtering there — measured side by
 * side in one run, on SQLite and PostgreSQL. Then one customer against 500 segments in memory.
 *
 *   tsx bench/segments.ts [--customers N] [--seed S] [--dialect sqlite|postgresql|both]
 *                         [--runs 11] [--js-runs 3] [--passes 500] [--explain]
 *
 * Every path of a segment must find the same customers (count and id checksum), or the run fails.
 * Times are medians after one warm-up run. Goals: compiled/hand ≤ 1.3, JS/compiled ≥ 50,
 * 500 segments on one customer < 1 ms.
 */
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { openDb } from "~/db/client";
import { compileToSql, type Dialect } from "~/segments/compile";
import { analyse, type CheckedQuery } from "~/segments/engine";
import { evaluate, prepare } from "~/segments/evaluate";
import type { CustomerRecord } from "~/segments/record";
import { addDays, localDay, startOfDay } from "~/segments/time";
import { loadCustomerRecords } from "~/store/customer-records.server";
import { seededRandom } from "../test/support/random";
import {
  BENCH_NOW,
  benchConfigFromArgs,
  postgresClient,
  postgresSchema,
  postgresTimestamp,
  preparePostgres,
  prepareSqlite,
  SHOP_ID,
  SHOP_TIME_ZONE,
  sqliteFile,
  sqliteTimestamp,
  type BenchFacts,
  type Prepared,
} from "./generate";

const CONTEXT = { now: BENCH_NOW, timeZone: SHOP_TIME_ZONE, currencyDigits: 2 } as const;
const METAFIELDS = [{ namespace: "facts", key: "birth_date", type: "date", name: "Birth date" }];

// timestamp without time zone holds UTC: read it as UTC whatever the process's time zone
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (text) => Date.parse(`${text.replace(" ", "T")}Z`));

// ——— the five segments ——————————————————————————————————————————————————————

type Param = string | number | boolean;
interface Sql {
  readonly text: string;
  readonly params: readonly Param[];
}

/** Runs a statement and returns the rows; one per dialect. */
interface Runner {
  readonly dialect: Dialect;
  all(sql: Sql): Promise<Record<string, unknown>[]>;
  explain(sql: Sql): Promise<string>;
}

interface Segment {
  readonly name: string;
  readonly query: string;
  /** the SQL a competent engineer would write for this segment against the store's indexes */
  hand(dialect: Dialect): Sql;
  /** load the rows the segment needs into JS objects and filter them there: the member ids */
  js(runner: Runner): Promise<number[]>;
}

/** The instant a day relative to today starts in the shop's time zone (−30 → 30 days ago). */
function dayStart(offsetDays: number): number {
  return startOfDay(addDays(localDay(BENCH_NOW, SHOP_TIME_ZONE), offsetDays), SHOP_TIME_ZONE);
}

/** A timestamp parameter as each store keeps DateTime columns. */
function at(dialect: Dialect, ms: number): string {
  return dialect === "sqlite" ? sqliteTimestamp(ms) : postgresTimestamp(ms);
}

/** `?` for SQLite, `$n` for PostgreSQL (n counted per statement). */
function placeholders(dialect: Dialect): (cast?: string) => string {
  let n = 0;
  return (cast) => (dialect === "sqlite" ? "?" : `$${++n}${cast ? `::${cast}` : ""}`);
}

const asTime = (value: unknown): number | null => (value === null ? null : typeof value === "number" ? value : Date.parse(String(value)));
const notTest = (dialect: Dialect) => (dialect === "sqlite" ? `o."test" = 0` : `NOT o."test"`);

function segments(facts: BenchFacts): Segment[] {
  const product = facts.midPopularProductId;
  return [
    {
      name: "spend threshold",
      query: "amount_spent > 500",
      hand(dialect) {
        const p = placeholders(dialect);
        return { text: `SELECT "id" FROM "Customer" WHERE "shopId" = ${p()} AND "amountSpentMinor" > ${p()}`, params: [SHOP_ID, 50_000] };
      },
      async js(runner) {
        const rows = await runner.all({ text: `SELECT "id", "amountSpentMinor" FROM "Customer" WHERE "shopId" = ${placeholders(runner.dialect)()}`, params: [SHOP_ID] });
        return rows.filter((row) => Number(row.amountSpentMinor) > 50_000).map((row) => row.id as number);
      },
    },
    {
      name: "date window",
      query: "last_order_date BETWEEN -90d AND -30d",
      hand(dialect) {
        const p = placeholders(dialect);
        const ts = dialect === "sqlite" ? undefined : "timestamp(3)";
        return {
          text: `SELECT "id" FROM "Customer" WHERE "shopId" = ${p()} AND "lastOrderAt" >= ${p(ts)} AND "lastOrderAt" < ${p(ts)}`,
          params: [SHOP_ID, at(dialect, dayStart(-90)), at(dialect, dayStart(-29))],
        };
      },
      async js(runner) {
        const rows = await runner.all({ text: `SELECT "id", "lastOrderAt" FROM "Customer" WHERE "shopId" = ${placeholders(runner.dialect)()}`, params: [SHOP_ID] });
        const from = dayStart(-90);
        const to = dayStart(-29);
        return rows.filter((row) => {
          const last = asTime(row.lastOrderAt);
          return last !== null && last >= from && last < to;
        }).map((row) => row.id as number);
      },
    },
    {
      name: "tag",
      query: "customer_tags CONTAINS 'vip'",
      hand(dialect) {
        const p = placeholders(dialect);
        // (customerId, normalized) is the primary key: one row per customer and tag
        return { text: `SELECT "customerId" AS "id" FROM "CustomerTag" WHERE "shopId" = ${p()} AND "normalized" = ${p()}`, params: [SHOP_ID, "vip"] };
      },
      async js(runner) {
        const rows = await runner.all({ text: `SELECT "customerId", "normalized" FROM "CustomerTag" WHERE "shopId" = ${placeholders(runner.dialect)()}`, params: [SHOP_ID] });
        const members = new Set<number>();
        for (const row of rows) if (row.normalized === "vip") members.add(row.customerId as number);
        return [...members];
      },
    },
    {
      name: "products_purchased",
      query: `products_purchased MATCHES (id = ${product}, date > -365d)`,
      hand(dialect) {
        const p = placeholders(dialect);
        const ts = dialect === "sqlite" ? undefined : "timestamp(3)";
        return {
          text: `SELECT DISTINCT o."customerId" AS "id" FROM "OrderLine" l JOIN "Order" o ON o."id" = l."orderId"
                 WHERE l."shopId" = ${p()} AND l."productShopifyId" = ${p()} AND o."shopId" = ${p()} AND o."processedAt" >= ${p(ts)}
                   AND o."cancelledAt" IS NULL AND ${notTest(dialect)} AND o."customerId" IS NOT NULL`,
          params: [SHOP_ID, product, SHOP_ID, at(dialect, dayStart(-364))],
        };
      },
      async js(runner) {
        const rows = await runner.all({
          text: `SELECT o."customerId", o."processedAt", o."cancelledAt", o."test", l."productShopifyId"
                 FROM "Order" o JOIN "OrderLine" l ON l."orderId" = o."id" WHERE o."shopId" = ${placeholders(runner.dialect)()}`,
          params: [SHOP_ID],
        });
        const from = dayStart(-364);
        const members = new Set<number>();
        for (const row of rows) {
          if (row.productShopifyId !== product || row.customerId === null || row.cancelledAt !== null || row.test === true || row.test === 1) continue;
          if (asTime(row.processedAt)! >= from) members.add(row.customerId as number);
        }
        return [...members];
      },
    },
    {
      name: "four-clause mix with OR",
      query: "amount_spent > 200 AND (customer_tags CONTAINS 'newsletter' OR number_of_orders >= 5) AND customer_countries CONTAINS 'NL'",
      hand(dialect) {
        const p = placeholders(dialect);
        // Driven from the most selective index (country), one primary-key probe per address;
        // DISTINCT because a customer may have several addresses in the country.
        return {
          text: `SELECT DISTINCT c."id" FROM "CustomerAddress" a JOIN "Customer" c ON c."id" = a."customerId"
                 WHERE a."shopId" = ${p()} AND a."countryCode" = ${p()} AND c."shopId" = ${p()} AND c."amountSpentMinor" > ${p()}
                   AND (c."numberOfOrders" >= ${p()} OR EXISTS (SELECT 1 FROM "CustomerTag" t WHERE t."customerId" = c."id" AND t."normalized" = ${p()}))`,
          params: [SHOP_ID, "NL", SHOP_ID, 20_000, 5, "newsletter"],
        };
      },
      async js(runner) {
        const p = () => placeholders(runner.dialect)();
        const customers = await runner.all({ text: `SELECT "id", "amountSpentMinor", "numberOfOrders" FROM "Customer" WHERE "shopId" = ${p()}`, params: [SHOP_ID] });
        const tags = await runner.all({ text: `SELECT "customerId", "normalized" FROM "CustomerTag" WHERE "shopId" = ${p()}`, params: [SHOP_ID] });
        const addresses = await runner.all({ text: `SELECT "customerId", "countryCode" FROM "CustomerAddress" WHERE "shopId" = ${p()}`, params: [SHOP_ID] });
        const newsletter = new Set<number>();
        for (const row of tags) if (row.normalized === "newsletter") newsletter.add(row.customerId as number);
        const dutch = new Set<number>();
        for (const row of addresses) if (row.countryCode === "NL") dutch.add(row.customerId as number);
        return customers
          .filter((c) => Number(c.amountSpentMinor) > 20_000 && (newsletter.has(c.id as number) || (c.numberOfOrders as number) >= 5) && dutch.has(c.id as number))
          .map((c) => c.id as number);
      },
    },
  ];
}

// ——— drivers ————————————————————————————————————————————————————————————————

function sqliteRunner(file: string): Runner & { close(): void } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  return {
    dialect: "sqlite",
    all: async (sql) => db.prepare(sql.text).all(...sql.params.map((v) => (typeof v === "boolean" ? Number(v) : v))) as Record<string, unknown>[],
    explain: async (sql) => {
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql.text}`).all(...sql.params.map((v) => (typeof v === "boolean" ? Number(v) : v))) as { id: number; parent: number; detail: string }[];
      const depth = new Map<number, number>([[0, 0]]);
      return rows
        .map((row) => {
          const d = (depth.get(row.parent) ?? 0) + 1;
          depth.set(row.id, d);
          return `${"  ".repeat(d - 1)}${row.detail}`;
        })
        .join("\n");
    },
    close: () => db.close(),
  };
}

async function postgresRunner(schema: string, timeoutSeconds: number): Promise<Runner & { close(): Promise<void> }> {
  const client = postgresClient(schema);
  await client.connect();
  // a runaway plan is reported as a timeout instead of holding the run
  await client.query(`SET statement_timeout = ${Math.round(timeoutSeconds * 1000)}`);
  return {
    dialect: "postgresql",
    all: async (sql) => (await client.query(sql.text, sql.params as Param[])).rows as Record<string, unknown>[],
    async explain(sql) {
      const plan = async (options: string) => ((await client.query(`EXPLAIN (${options}) ${sql.text}`, sql.params as Param[])).rows as { "QUERY PLAN": string }[]).map((row) => row["QUERY PLAN"]).join("\n");
      try {
        return await plan("ANALYZE, BUFFERS");
      } catch (error) {
        if (!isTimeout(error)) throw error;
        return `(EXPLAIN ANALYZE timed out; the plan without running it:)\n${await plan("COSTS")}`;
      }
    },
    close: () => client.end(),
  };
}

// ——— measuring ——————————————————————————————————————————————————————————————

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface Members {
  readonly count: number;
  readonly sum: number;
  readonly xor: number;
}

function membersOf(ids: readonly number[]): Members {
  let sum = 0;
  let xor = 0;
  for (const id of ids) {
    sum += id;
    xor ^= Math.imul(id, 2654435761);
  }
  return { count: ids.length, sum, xor };
}

const sameMembers = (a: Members, b: Members) => a.count === b.count && a.sum === b.sum && a.xor === b.xor;

type Measured = { readonly ms: number; readonly members: Members } | { readonly timedOut: number };

/** PostgreSQL's statement_timeout: the query was cancelled. */
const isTimeout = (error: unknown) => (error as { code?: string } | null)?.code === "57014";

/**
 * One warm-up of each path, then `runs` rounds in which every path runs once, in turn (so a
 * noisy moment on the machine hits all of them alike): each path's median in ms and its members.
 */
async function measure(runs: number, timeoutSeconds: number, paths: readonly (() => Promise<number[]>)[]): Promise<Measured[]> {
  const members: (Members | null)[] = [];
  for (const run of paths) {
    try {
      members.push(membersOf(await run()));
    } catch (error) {
      if (!isTimeout(error)) throw error;
      members.push(null);
    }
  }
  const times: number[][] = paths.map(() => []);
  for (let round = 0; round < runs; round++) {
    for (const [i, run] of paths.entries()) {
      const expected = members[i];
      if (!expected) continue; // timed out: not run again
      const start = performance.now();
      const ids = await run();
      times[i]!.push(performance.now() - start);
      if (!sameMembers(membersOf(ids), expected)) throw new Error("a path returned different customers on different runs");
    }
  }
  return paths.map((_, i) => {
    const found = members[i];
    return found ? { ms: median(times[i]!), members: found } : { timedOut: timeoutSeconds };
  });
}

const msOf = (m: Measured) => ("ms" in m ? m.ms : Infinity);

interface Row {
  readonly segment: Segment;
  readonly members: number;
  readonly compiledMs: number;
  readonly handMs: number;
  readonly jsMs: number;
  /** the count in the database (what the editor's live count runs), compiled and hand-written */
  readonly compiledCountMs: number;
  readonly handCountMs: number;
  readonly compiled: Sql;
  readonly hand: Sql;
}

async function benchDialect(runner: Runner, facts: BenchFacts, options: { runs: number; jsRuns: number; timeout: number }): Promise<Row[]> {
  const rows: Row[] = [];
  for (const segment of segments(facts)) {
    const analysis = analyse(segment.query, { metafields: METAFIELDS });
    if (!analysis.ok) throw new Error(`${segment.query}: ${analysis.errors.map((e) => e.message).join("; ")}`);
    const compiled = compileToSql(analysis.checked, { ...CONTEXT, dialect: runner.dialect, shopId: SHOP_ID });
    const hand = segment.hand(runner.dialect);
    const ids = async (sql: Sql) => (await runner.all(sql)).map((row) => row.id as number);
    const [c, h] = (await measure(options.runs, options.timeout, [() => ids(compiled), () => ids(hand)])) as [Measured, Measured];
    const [j] = (await measure(options.jsRuns, options.timeout, [() => segment.js(runner)])) as [Measured];
    const counted = (sql: Sql): Sql => ({ text: `SELECT count(*) AS "n" FROM (${sql.text}) AS segment`, params: sql.params });
    const count = async (sql: Sql) => [Number((await runner.all(counted(sql)))[0]?.n ?? -1)];
    const [cc, hc] = (await measure(options.runs, options.timeout, [() => count(compiled), () => count(hand)])) as [Measured, Measured];
    if ("ms" in cc && "ms" in hc && !sameMembers(cc.members, hc.members)) throw new Error(`${runner.dialect}, ${segment.name}: compiled and hand-written counts differ`);
    if (!("ms" in h) || !("ms" in j)) throw new Error(`${runner.dialect}, ${segment.name}: the hand-written SQL or the JS filter timed out`);
    if ("ms" in c) {
      for (const [name, other] of [["hand-written SQL", h], ["JS filter", j]] as const) {
        if (!sameMembers(c.members, other.members)) {
          throw new Error(`${runner.dialect}, ${segment.name}: compiled query finds ${c.members.count} customers, ${name} finds ${other.members.count} (or other ids)\n  compiled: ${compiled.text}\n  hand: ${hand.text}`);
        }
      }
    }
    if (!sameMembers(h.members, j.members)) throw new Error(`${runner.dialect}, ${segment.name}: hand-written SQL finds ${h.members.count} customers, the JS filter ${j.members.count} (or other ids)`);
    const row: Row = { segment, members: h.members.count, compiledMs: msOf(c), handMs: h.ms, jsMs: j.ms, compiledCountMs: msOf(cc), handCountMs: msOf(hc), compiled, hand };
    rows.push(row);
    process.stderr.write(`  ${runner.dialect}: ${segment.name} — ${row.members} members, compiled ${fmt(row.compiledMs)} ms, hand ${fmt(h.ms)} ms, JS ${fmt(j.ms)} ms\n`);
  }
  return rows;
}

const fmt = (ms: number) => (ms === Infinity ? `timeout` : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

function table(headers: string[], body: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(" | ")} |`;
  return [line(headers), `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`, ...body.map(line)].join("\n");
}

function printDialect(dialect: Dialect, rows: Row[], options: { timeout: number }): void {
  console.log(`\n${dialect === "sqlite" ? "SQLite" : "PostgreSQL"} — median ms; goals: compiled/hand ≤ 1.3, JS/compiled ≥ 50\n`);
  console.log(
    table(
      ["segment", "members", "compiled ms", "hand ms", "JS ms", "compiled/hand", "JS/compiled"],
      rows.map((r) => {
        const ratio = r.compiledMs / r.handMs;
        const speedup = r.jsMs / r.compiledMs;
        return [
          `${r.segment.name}: ${r.segment.query}`,
          String(r.members),
          r.compiledMs === Infinity ? `> ${options.timeout * 1000} (timeout)` : fmt(r.compiledMs),
          fmt(r.handMs),
          fmt(r.jsMs),
          ratio === Infinity ? "∞ ✗" : `${ratio.toFixed(2)}${ratio <= 1.3 ? "" : " ✗"}`,
          speedup === 0 ? "< 1× ✗" : `${speedup >= 10 ? speedup.toFixed(0) : speedup.toFixed(1)}×${speedup >= 50 ? "" : " ✗"}`,
        ];
      }),
    ),
  );
  console.log(`\n${dialect === "sqlite" ? "SQLite" : "PostgreSQL"}, counting in the database (the editor's live count) — median ms\n`);
  console.log(
    table(
      ["segment", "compiled count ms", "hand count ms", "compiled/hand", "JS/compiled count"],
      rows.map((r) => {
        const ratio = r.compiledCountMs / r.handCountMs;
        const speedup = r.jsMs / r.compiledCountMs;
        return [
          r.segment.name,
          fmt(r.compiledCountMs),
          fmt(r.handCountMs),
          `${ratio.toFixed(2)}${ratio <= 1.3 ? "" : " ✗"}`,
          `${speedup >= 10 ? speedup.toFixed(0) : speedup.toFixed(1)}×${speedup >= 50 ? "" : " ✗"}`,
        ];
      }),
    ),
  );
}

async function printPlans(runner: Runner, rows: Row[], all: boolean): Promise<void> {
  for (const row of rows) {
    if (!all && row.compiledMs <= 1.3 * row.handMs) continue;
    console.log(`\n${runner.dialect}: ${row.segment.name} — compiled ${fmt(row.compiledMs)} ms vs hand ${fmt(row.handMs)} ms`);
    for (const [label, sql] of [["compiled", row.compiled], ["hand", row.hand]] as const) {
      console.log(`\n-- ${label}\n${sql.text.replace(/\s+/g, " ")}\n-- params ${JSON.stringify(sql.params)}\n${await runner.explain(sql)}`);
    }
  }
}

// ——— one customer against 500 segments —————————————————————————————————————

const TAGS = ["newsletter", "vip", "returning", "wholesale", "gift-buyer", "collector", "b2b", "loyalty-gold", "interest-coffee", "campaign-007"];
const COUNTRIES = ["NL", "US", "DE", "BE", "GB", "FR", "CA", "IT"];
const REGIONS = ["NL-NH", "NL-ZH", "US-CA", "US-NY", "CA-ON", "IT-MI"];
const CITIES = ["NL-NH-Amsterdam", "NL-ZH-DenHaag", "US-CA-LosAngeles", "DE-München", "BE-Gent", "GB-London"];
const PRODUCT_TYPES = ["Mugs", "Shirts", "Coffee", "Sneakers", "Books", "Candles"];
const PRODUCT_TAGS = ["sale", "new", "bestseller", "organic", "colour-red", "gift"];
const ENUMS: Record<string, readonly string[]> = {
  rfm_group: ["CHAMPIONS", "LOYAL", "AT_RISK", "DORMANT", "NEW"],
  predicted_spend_tier: ["HIGH", "MEDIUM", "LOW"],
  email_subscription_status: ["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED"],
  customer_account_status: ["ENABLED", "DISABLED", "INVITED"],
};

/** 500 varied segment queries (deterministic): one to four clauses of every kind, AND/OR/NOT, functions included. */
function manySegments(facts: BenchFacts, count: number): string[] {
  const random = seededRandom(500);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const productIds = [facts.midPopularProductId, ...Array.from({ length: 8 }, () => String(7_700_001 + int(0, 4999)))];
  const clauses: (() => string)[] = [
    () => `amount_spent ${pick([">", ">=", "<"])} ${int(1, 20) * 50}`,
    () => `amount_spent BETWEEN ${int(1, 5) * 100} AND ${int(6, 30) * 100}`,
    () => `number_of_orders ${pick([">=", "=", "<"])} ${int(0, 12)}`,
    () => `last_order_date ${pick([">", "<", ">="])} -${int(1, 400)}d`,
    () => `last_order_date BETWEEN -${int(60, 365)}d AND -${int(1, 59)}d`,
    () => `first_order_date ${pick([">", "<"])} -${int(1, 5)}${pick(["m", "y"])}`,
    () => `customer_added_date BETWEEN 2024-${String(int(1, 12)).padStart(2, "0")}-01 AND today`,
    () => `abandoned_checkout_date >= -${int(1, 60)}d`,
    () => `customer_tags ${pick(["CONTAINS", "CONTAINS", "NOT CONTAINS"])} '${pick(TAGS)}'`,
    () => `customer_countries CONTAINS '${pick(COUNTRIES)}'`,
    () => `customer_regions CONTAINS '${pick(REGIONS)}'`,
    () => `customer_cities CONTAINS '${pick(CITIES)}'`,
    () => {
      const [filter, values] = pick(Object.entries(ENUMS));
      return `${filter} ${pick(["=", "!="])} '${pick(values!)}'`;
    },
    () => `customer_email_domain = '${pick(["gmail.com", "ziggo.nl", "web.de", "outlook.com"])}'`,
    () => `customer_language = '${pick(["nl", "en", "de", "fr"])}'`,
    () => `products_purchased MATCHES (id = ${pick(productIds)}${random() < 0.5 ? `, date > -${int(30, 730)}d` : ""})`,
    () => `products_purchased MATCHES (id IN (${pick(productIds)}, ${pick(productIds)}, ${pick(productIds)}))`,
    () => `products_purchased ${pick(["MATCHES", "NOT MATCHES"])} (tag = '${pick(PRODUCT_TAGS)}', date >= -${int(30, 365)}d)`,
    () => `products_purchased MATCHES (product_type = '${pick(PRODUCT_TYPES)}', sum_quantity >= ${int(1, 4)})`,
    () => `orders_placed MATCHES (date > -${int(30, 365)}d, count >= ${int(1, 5)})`,
    () => `orders_placed MATCHES (sum_amount >= ${int(1, 20) * 50}, date BETWEEN -${int(200, 700)}d AND -${int(1, 199)}d)`,
    () => `anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +${int(1, 30)}d`,
    () => `age ${pick([">", "<", ">="])} ${int(18, 70)}`,
    () => `metafields.facts.birth_date ${pick(["IS NULL", "IS NOT NULL"])}`,
    () => `average_order_value > ${int(20, 150)}`,
    () => `discount_order_share >= 0.${int(1, 9)}`,
    () => `last_order_amount < ${int(20, 200)}`,
    () => `churn_probability >= 0.${int(1, 9)}`,
    () => `predicted_clv > ${int(100, 2000)}`,
    () => `expected_next_order_date < +${int(1, 90)}d`,
  ];
  const queries: string[] = [];
  while (queries.length < count) {
    const n = pick([1, 1, 2, 2, 2, 3, 3, 4]);
    const parts = Array.from({ length: n }, () => {
      const clause = pick(clauses)();
      return random() < 0.08 ? `NOT ${clause}` : clause;
    });
    if (n === 4) queries.push(`${parts[0]} AND (${parts[1]} OR ${parts[2]}) AND ${parts[3]}`);
    else if (n === 3 && random() < 0.5) queries.push(`(${parts[0]} OR ${parts[1]}) AND ${parts[2]}`);
    else queries.push(parts.join(pick([" AND ", " AND ", " OR "])));
  }
  return queries;
}

async function benchEvaluate(file: string, facts: BenchFacts, passes: number): Promise<string> {
  const { db } = openDb(`file:${file}`);
  let record: CustomerRecord;
  try {
    const [loaded] = await loadCustomerRecords(db, SHOP_ID, [facts.sampleCustomerId]);
    if (!loaded) throw new Error(`customer ${facts.sampleCustomerId} not found`);
    record = loaded;
  } finally {
    await db.$disconnect();
  }
  const checked: CheckedQuery[] = manySegments(facts, 500).map((query) => {
    const analysis = analyse(query, { metafields: METAFIELDS });
    if (!analysis.ok) throw new Error(`${query}: ${analysis.errors.map((e) => e.message).join("; ")}`);
    return analysis.checked;
  });
  const timePasses = (pass: () => number) => {
    for (let i = 0; i < Math.min(50, passes); i++) pass();
    const times: number[] = [];
    let members = 0;
    for (let i = 0; i < passes; i++) {
      const start = performance.now();
      members = pass();
      times.push(performance.now() - start);
    }
    return { ms: median(times), members };
  };
  const oneOff = timePasses(() => checked.reduce((n, q) => n + (evaluate(q, record, CONTEXT) ? 1 : 0), 0));
  const predicates = checked.map((q) => prepare(q, CONTEXT));
  const prepared = timePasses(() => predicates.reduce((n, p) => n + (p(record) ? 1 : 0), 0));
  if (oneOff.members !== prepared.members) throw new Error("evaluate and prepare disagree");
  const lines = record.orders.reduce((n, o) => n + o.lines.length, 0);
  return [
    `\nOne customer against 500 segments in memory — customer ${record.id}: ${record.orders.length} orders, ${lines} lines, ${record.tags.length} tags; member of ${oneOff.members} of 500; median of ${passes} passes; goal < 1 ms`,
    "",
    table(
      ["pass", "ms per pass", "µs per segment"],
      [
        [`evaluate(checked, record, context) × 500`, `${oneOff.ms.toFixed(3)}${oneOff.ms < 1 ? "" : " ✗"}`, ((oneOff.ms * 1000) / 500).toFixed(2)],
        [`prepare once, predicate(record) × 500`, `${prepared.ms.toFixed(3)}${prepared.ms < 1 ? "" : " ✗"}`, ((prepared.ms * 1000) / 500).toFixed(2)],
      ],
    ),
  ].join("\n");
}

// ——— main ———————————————————————————————————————————————————————————————————

async function main() {
  const { values } = parseArgs({
    options: {
      customers: { type: "string" },
      seed: { type: "string" },
      dialect: { type: "string", default: "both" },
      runs: { type: "string", default: "11" },
      "js-runs": { type: "string", default: "3" },
      passes: { type: "string", default: "500" },
      explain: { type: "boolean", default: false },
      timeout: { type: "string", default: "120" },
    },
  });
  const config = benchConfigFromArgs(values);
  if (!["sqlite", "postgresql", "both"].includes(values.dialect)) throw new Error(`--dialect is sqlite, postgresql or both, got ${values.dialect}`);
  const dialects: Dialect[] = values.dialect === "both" ? ["sqlite", "postgresql"] : [values.dialect as Dialect];
  const options = { runs: Number(values.runs), jsRuns: Number(values["js-runs"]), explain: values.explain, timeout: Number(values.timeout) };

  const prepared = new Map<Dialect, Prepared>();
  const sqlite = await prepareSqlite(config);
  if (dialects.includes("sqlite")) prepared.set("sqlite", sqlite);
  if (dialects.includes("postgresql")) prepared.set("postgresql", await preparePostgres(config));
  const facts = sqlite.facts;
  console.log(
    `Benchmark shop: ${facts.customers} customers, ${facts.orders} orders, ${facts.lines} order lines (seed ${config.seed}); now ${new Date(BENCH_NOW).toISOString()}, ${SHOP_TIME_ZONE}` +
      [...prepared].map(([d, p]) => `\n  ${d}: ${p.seconds === null ? "existing data reused" : `generated in ${p.seconds.toFixed(0)} s`}`).join(""),
  );

  for (const dialect of dialects) {
    if (dialect === "sqlite") {
      const runner = sqliteRunner(sqliteFile(config));
      try {
        const rows = await benchDialect(runner, facts, options);
        printDialect(dialect, rows, options);
        await printPlans(runner, rows, options.explain);
      } finally {
        runner.close();
      }
    } else {
      const runner = await postgresRunner(postgresSchema(config), options.timeout);
      try {
        const rows = await benchDialect(runner, prepared.get("postgresql")!.facts, options);
        printDialect(dialect, rows, options);
        await printPlans(runner, rows, options.explain);
      } finally {
        await runner.close();
      }
    }
  }
  console.log(await benchEvaluate(sqliteFile(config), facts, Number(values.passes)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
