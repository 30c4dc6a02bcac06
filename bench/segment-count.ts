/**
 * The segment editor's live count on the demo shop (the whole CDNOW shop: 23,570 customers, 69,659
 * orders) on SQLite: `countSegment` — shop lookup, analyse, compile to SQL, the count and the first
 * ten members in the database — for thirteen representative segments (eleven templates, a tag in a
 * city and a product), `--runs` times each after a warm-up. Goal: p95 under 300 ms.
 *
 *   tsx bench/segment-count.ts [--runs 30] [--database file:…] [--fresh] [--without-statistics]
 *
 * The store: `--database` if given; else the demo's `.demo/demo.db` when it holds the demo shop;
 * else `bench/.data/segment-count-demo.db`, built once (and reused) the way the app fills it: the
 * demo dataset (seed 42, today 2026-11-23) served by the local Shopify stand-in, imported by runSync,
 * then a refit of the predictions. `--fresh` rebuilds that file.
 *
 * The import ends with ANALYZE (refreshPlannerStatistics), as the app's does; a store built before
 * that gets it here. `--without-statistics` drops them to show why: without them SQLite plans some
 * segments badly (`products_purchased MATCHES (date >= -30d, sum_quantity >= 3)` walks every order
 * line instead of the month's orders).
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { CDNOW_MASTER_FILE } from "../scripts/demo-data/cdnow";
import { generateDemoShop } from "../scripts/demo-data/generate";
import { startAdminStandIn } from "../test/shopify/admin";
import { migrationScripts } from "../test/store/harness";
import { DEMO_TODAY } from "../test/sync/support";
import { openDb, type Db } from "~/db/client";
import { sqliteFileUrl } from "~/db/url";
import { refitPredictions } from "~/services/predictions.server";
import { countSegment } from "~/services/segments.server";
import { TEMPLATES } from "~/segments/templates";
import { createAdminClient } from "~/shopify/admin-client.server";
import { refreshPlannerStatistics, runSync, startSyncRun } from "~/sync/bulk-import.server";

const DOMAIN = "cdnow-demo.myshopify.com";
const root = join(import.meta.dirname, "..");
const { values } = parseArgs({ options: { runs: { type: "string", default: "30" }, database: { type: "string" }, fresh: { type: "boolean", default: false }, "without-statistics": { type: "boolean", default: false } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a whole number ≥ 1");

async function demoShopIn(url: string): Promise<{ db: Db; customers: number } | null> {
  if (!existsSync(sqliteFileUrl(url))) return null;
  const { db } = openDb(url);
  const shop = await db.shop.findUnique({ where: { domain: DOMAIN }, select: { id: true, syncState: true } }).catch(() => null);
  if (!shop || shop.syncState !== "SUCCEEDED") {
    await db.$disconnect();
    return null;
  }
  return { db, customers: await db.customer.count({ where: { shopId: shop.id } }) };
}

/** The demo shop imported into a fresh SQLite file through the app's own sync, predictions refitted. */
async function buildStore(file: string): Promise<void> {
  mkdirSync(join(file, ".."), { recursive: true });
  for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  const sqlite = new Database(file);
  for (const script of migrationScripts("sqlite")) sqlite.exec(script);
  sqlite.close();
  const started = performance.now();
  const data = generateDemoShop({ masterFile: CDNOW_MASTER_FILE, seed: 42, today: DEMO_TODAY, shopDomain: DOMAIN });
  const standIn = await startAdminStandIn();
  const { db, kind } = openDb(`file:${file}`);
  try {
    standIn.addShop(data, "bench-token");
    const shop = await db.shop.create({ data: { domain: DOMAIN, name: data.shop.name, currencyCode: data.shop.currencyCode, ianaTimezone: data.shop.ianaTimezone } });
    // the sync does not import metafield definitions (yet): the shop's own, as Shopify holds them, so birthday and age segments check
    await db.metafieldDefinition.createMany({
      data: data.metafieldDefinitions.map(({ namespace, key, name, type }) => ({ shopId: shop.id, ownerType: "CUSTOMER" as const, namespace, key, name, type })),
    });
    const run = await startSyncRun(db, shop.id, "install");
    const done = await runSync(
      { db, kind, adminFor: async (shopDomain) => createAdminClient({ shop: shopDomain, accessToken: "bench-token", apiVersion: "2026-10", origin: standIn.url }), now: () => new Date() },
      { shopId: shop.id, runId: run.id, tuning: { firstPollMs: 100 } },
    );
    if (done.state !== "SUCCEEDED") throw new Error(`the import ended ${done.state}`);
    const refit = await refitPredictions({ db, kind }, { shopId: shop.id, reason: "manual", now: DEMO_TODAY });
    console.log(`built ${file}: import and refit (${refit.status}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await db.$disconnect();
    await standIn.close();
  }
}

let url = values.database;
let opened = url ? await demoShopIn(url) : null;
if (url && !opened) throw new Error(`no synced ${DOMAIN} in ${url}`);
if (!opened && !values.fresh) opened = await demoShopIn((url = `file:${join(root, ".demo", "demo.db")}`));
if (!opened) {
  const file = join(root, "bench", ".data", "segment-count-demo.db");
  url = `file:${file}`;
  if (values.fresh || !(await demoShopIn(url))) await buildStore(file);
  opened = await demoShopIn(url);
}
if (!opened) throw new Error("could not open the demo store");
const { customers } = opened;
let db = opened.db;
const statistics = await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'sqlite\\_stat%' ESCAPE '\\'`);
if (!values["without-statistics"] && statistics.length === 0) {
  const started = performance.now();
  await refreshPlannerStatistics(db, "sqlite");
  console.log(`ANALYZE: ${(performance.now() - started).toFixed(0)} ms`);
} else if (values["without-statistics"]) {
  if (statistics.length > 0) {
    for (const { name } of statistics) await db.$executeRawUnsafe(`DROP TABLE "${name}"`);
    // a connection keeps the statistics it loaded when it opened: a new one plans without them
    await db.$disconnect();
    db = openDb(url ?? "").db;
  }
}
const orders = await db.order.count({ where: { shop: { domain: DOMAIN } } });
// "now" a day after the data's end for the bench's own store; the demo's own store is as of today
const now = url?.endsWith(join(".demo", "demo.db")) ? new Date() : DEMO_TODAY;

const shop = await db.shop.findUniqueOrThrow({ where: { domain: DOMAIN }, select: { id: true } });
const [topProduct] = await db.orderLine.groupBy({ by: ["productShopifyId"], where: { shopId: shop.id, productShopifyId: { not: null } }, _count: { _all: true }, orderBy: { _count: { productShopifyId: "desc" } }, take: 1 });
const template = (key: string) => {
  const found = TEMPLATES.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no template ${key}`);
  return { label: key, query: found.query };
};
const segments = [
  template("vip-top-spenders"),
  template("champions-and-loyal"),
  template("repeat-buyers"),
  template("lapsed-90-days"),
  template("first-time-buyers"),
  template("birthday-next-30-days"),
  template("subscribers-never-bought"),
  template("high-predicted-spend"),
  template("churn-risk"),
  template("orders-50k-200k-in-2025"),
  template("stocked-up-recently"),
  { label: "tag in a city", query: "customer_tags CONTAINS 'vip' AND customer_cities CONTAINS 'NL-NH-Amsterdam'" },
  { label: "top product, last year", query: `products_purchased MATCHES (id = ${topProduct?.productShopifyId ?? "0"}, date > -365d)` },
];

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
const all: number[] = [];
const rows: string[] = [];
console.log(`${url}: ${customers.toLocaleString("en")} customers, ${orders.toLocaleString("en")} orders; ${values["without-statistics"] ? "without" : "with"} ANALYZE statistics; ${runs} runs per segment after 3 warm-up runs; node ${process.version}\n`);
for (const segment of segments) {
  const times: number[] = [];
  let count = 0;
  for (let run = -3; run < runs; run++) {
    const started = performance.now();
    const answer = await countSegment({ db, kind: "sqlite", shop: DOMAIN, query: segment.query, now });
    const ms = performance.now() - started;
    if (!answer?.ok) throw new Error(`${segment.label}: ${JSON.stringify(answer)}`);
    count = answer.count;
    if (run >= 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  all.push(...times);
  rows.push(`| ${segment.label} | \`${segment.query}\` | ${count.toLocaleString("en")} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} | ${times[times.length - 1]!.toFixed(1)} |`);
  console.log(rows[rows.length - 1]);
}
all.sort((a, b) => a - b);
const p95 = percentile(all, 95);
console.log(`\n| segment | query | members | p50 ms | p95 ms | max ms |\n|---|---|--:|--:|--:|--:|\n${rows.join("\n")}`);
console.log(`\noverall (${all.length} counts): p50 ${percentile(all, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${all[all.length - 1]!.toFixed(1)} ms — goal p95 < 300 ms: ${p95 < 300 ? "met" : "NOT met"}`);
await db.$disconnect();
