/**
 * Export memory and speed: a segment of 1,000,000 members (and one of a tenth of them) written to
 * CSV and XLSX with every column, through the app's own export (`runSegmentExport`, pages of 1,000
 * members), each run in its own process with its time and peak RSS (sampled every 50 ms and after
 * every page). Goal: memory flat — the 1,000,000-member peak not much above the 100,000-member one.
 * With --naive, the same export read as one page (every member in memory at once, the CSV built as
 * one string) for comparison.
 *
 *   npm run bench:export [-- --customers 1000000 --formats csv,xlsx --naive --fresh]
 *
 * The shop is generated once into bench/.data/export-<N>.db (SQLite, from the committed
 * migrations) and reused: customers with a default address, ~10% with a `manager:` tag, ~40% with
 * a birth date, 1–2 orders each, predictions on three in four, one in a thousand with a name that
 * starts with "=". It is written with better-sqlite3 directly in Prisma's SQLite forms (one
 * transaction, prepared statements): a million customers took 6.4 minutes on this shared machine. Generation is not
 * timed; the export reads the store through Prisma like the app.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { openDb } from "~/db/client";
import { EXPORT_COLUMNS, runSegmentExport } from "~/services/exports.server";
import { sqliteInstant } from "~/store/bulk-insert.server";
import { createExport } from "~/store/exports.server";
import { migrationScripts } from "../test/store/harness";
import { seededRandom } from "../test/support/random";

const DATA_DIR = join(import.meta.dirname, ".data");
const SHOP_ID = 1;
const ALL = "bench-all";
const TENTH = "bench-tenth";
const NOW = Date.UTC(2026, 10, 1, 12);
const DAY = 86_400_000;
const GENERATOR_VERSION = 1;

interface RunResult {
  format: "csv" | "xlsx";
  mode: "paged" | "naive";
  segment: string;
  rows: number;
  bytes: number;
  seconds: number;
  baselineRssMb: number;
  peakRssMb: number;
}

// ——— the shop ———————————————————————————————————————————————————————————————

const FIRST = ["Anna", "Bram", "Chloé", "Daan", "Émile", "Fleur", "Gijs", "Hannah", "Ingrid", "Joris", "Kees", "Lotte", "Mila", "Noah", "Olivia", "Pieter", "Quinten", "Rosa", "Sem", "Tess"];
const LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer"];
const PLACES = [
  { city: "Amsterdam", province: "Noord-Holland", country: "NL", phone: () => `06 ${digits(8)}` },
  { city: "Antwerpen", province: "Antwerpen", country: "BE", phone: () => `0470 ${digits(6)}` },
  { city: "Berlin", province: "Berlin", country: "DE", phone: () => `+49 151 ${digits(8)}` },
  { city: "New York", province: "New York", country: "US", phone: () => `(212) 555-${digits(4)}` },
];
const TIERS = ["HIGH", "MEDIUM", "LOW"];
const GROUPS = ["CHAMPIONS", "LOYAL", "ACTIVE", "NEW", "PROMISING", "NEEDS_ATTENTION", "AT_RISK", "ALMOST_LOST", "PREVIOUSLY_LOYAL", "DORMANT"];
let random = seededRandom(20261101);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
function digits(n: number): string {
  let text = "";
  for (let i = 0; i < n; i++) text += Math.floor(random() * 10);
  return text;
}

function storeFile(customers: number): string {
  return join(DATA_DIR, `export-${customers}.db`);
}

function generated(file: string, customers: number): boolean {
  if (!existsSync(file)) return false;
  const sqlite = new Database(file, { readonly: true });
  try {
    const row = sqlite.prepare(`SELECT "marker" FROM "BenchMeta"`).get() as { marker: string } | undefined;
    return row?.marker === JSON.stringify({ version: GENERATOR_VERSION, customers });
  } catch {
    return false;
  } finally {
    sqlite.close();
  }
}

function generate(file: string, customers: number): void {
  mkdirSync(DATA_DIR, { recursive: true });
  rmSync(file, { force: true });
  const started = performance.now();
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = OFF");
  for (const script of migrationScripts("sqlite")) sqlite.exec(script);
  random = seededRandom(20261101);
  const now = sqliteInstant(new Date(NOW));
  const insert = {
    customer: sqlite.prepare(`INSERT INTO "Customer" ("id", "shopId", "shopifyId", "firstName", "lastName", "email", "emailDomain", "phone", "emailMarketingState", "smsMarketingState",
      "shopifyCreatedAt", "shopifyUpdatedAt", "updatedAt", "numberOfOrders", "amountSpentMinor", "firstOrderAt", "lastOrderAt", "predictedSpendTier", "rfmGroup",
      "predictedSpend12mMinor", "predictedClvMinor", "churnProbability", "expectedNextOrderAt", "predictedAt")
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    address: sqlite.prepare(`INSERT INTO "CustomerAddress" ("shopId", "customerId", "isDefault", "city", "province", "countryCode", "zip", "company") VALUES (?, ?, 1, ?, ?, ?, ?, ?)`),
    tag: sqlite.prepare(`INSERT INTO "CustomerTag" ("shopId", "customerId", "tag", "normalized") VALUES (?, ?, ?, ?)`),
    metafield: sqlite.prepare(`INSERT INTO "CustomerMetafield" ("shopId", "customerId", "namespace", "key", "type", "value") VALUES (?, ?, 'facts', 'birth_date', 'date', ?)`),
    order: sqlite.prepare(`INSERT INTO "Order" ("shopId", "shopifyId", "name", "customerId", "currencyCode", "subtotalMinor", "totalMinor", "discountCodes", "processedAt", "shopifyCreatedAt", "shopifyUpdatedAt", "updatedAt")
      VALUES (?, ?, ?, ?, 'EUR', ?, ?, '[]', ?, ?, ?, ?)`),
    member: sqlite.prepare(`INSERT INTO "SegmentMember" ("shopId", "segmentId", "customerId", "joinedAt") VALUES (?, ?, ?, ?)`),
  };
  sqlite.transaction(() => {
    sqlite.prepare(`INSERT INTO "Shop" ("id", "domain", "name", "currencyCode", "ianaTimezone", "updatedAt") VALUES (?, 'export-bench.myshopify.com', 'Export bench', 'EUR', 'Europe/Amsterdam', ?)`).run(SHOP_ID, now);
    const segment = sqlite.prepare(`INSERT INTO "Segment" ("id", "shopId", "name", "handle", "query", "memberCount", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?)`);
    segment.run(ALL, SHOP_ID, "Everyone", "everyone", "number_of_orders >= 0", customers, now);
    segment.run(TENTH, SHOP_ID, "A tenth", "a-tenth", "number_of_orders >= 0", Math.ceil(customers / 10), now);
    let orderId = 0;
    for (let id = 1; id <= customers; id++) {
      const first = random() < 0.001 ? `=HYPERLINK("http://x/${id}")` : pick(FIRST);
      const last = pick(LAST);
      const place = pick(PLACES);
      const created = NOW - Math.floor(random() * 5 * 365 * DAY);
      const orders = 1 + (random() < 0.5 ? 1 : 0);
      const orderTimes = Array.from({ length: orders }, () => created + Math.floor(random() * (NOW - created)));
      const spent = BigInt(Math.floor(random() * 50_000)) * BigInt(orders);
      const predicted = random() < 0.75;
      const email = `${first.toLowerCase().replace(/[^a-z]/g, "")}.${id}@example.${place.country.toLowerCase()}`;
      insert.customer.run(
        id, SHOP_ID, String(7_000_000_000 + id), first, last, email, `example.${place.country.toLowerCase()}`, random() < 0.6 ? place.phone() : null,
        random() < 0.45 ? "SUBSCRIBED" : "NOT_SUBSCRIBED", random() < 0.15 ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
        sqliteInstant(new Date(created)), now, now, orders, spent, sqliteInstant(new Date(Math.min(...orderTimes))), sqliteInstant(new Date(Math.max(...orderTimes))),
        predicted ? pick(TIERS) : null, predicted ? pick(GROUPS) : null, predicted ? BigInt(Math.floor(random() * 40_000)) : null, predicted ? BigInt(Math.floor(random() * 90_000)) : null,
        predicted ? random() : null, predicted ? sqliteInstant(new Date(NOW + Math.floor(random() * 200) * DAY)) : null, predicted ? now : null,
      );
      insert.address.run(SHOP_ID, id, place.city, place.province, place.country, `${digits(4)} ${place.country === "NL" ? "AB" : ""}`.trim(), random() < 0.05 ? `${last} BV` : null);
      if (random() < 0.1) {
        const manager = pick(FIRST);
        insert.tag.run(SHOP_ID, id, `manager:${manager}`, `manager:${manager.toLowerCase()}`);
      }
      if (random() < 0.4) insert.metafield.run(SHOP_ID, id, new Date(NOW - (18 + Math.floor(random() * 60)) * 365.25 * DAY).toISOString().slice(0, 10));
      for (const at of orderTimes) {
        orderId++;
        const when = sqliteInstant(new Date(at));
        insert.order.run(SHOP_ID, String(8_000_000_000 + orderId), `#${1000 + orderId}`, id, spent / BigInt(orders), spent / BigInt(orders), when, when, when, now);
      }
      insert.member.run(SHOP_ID, ALL, id, now);
      if (id % 10 === 0) insert.member.run(SHOP_ID, TENTH, id, now);
    }
    sqlite.exec(`CREATE TABLE "BenchMeta" ("marker" TEXT NOT NULL)`);
    sqlite.prepare(`INSERT INTO "BenchMeta" ("marker") VALUES (?)`).run(JSON.stringify({ version: GENERATOR_VERSION, customers }));
  })();
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.close();
  console.log(`generated ${customers.toLocaleString("en-US")} customers in ${((performance.now() - started) / 1000).toFixed(1)} s → ${file}`);
}

// ——— one export, in its own process ——————————————————————————————————————————————

async function child(file: string, format: "csv" | "xlsx", segmentId: string, mode: "paged" | "naive"): Promise<RunResult> {
  const { db } = openDb(`file:${file}`);
  const directory = mkdtempSync(join(tmpdir(), "export-bench-"));
  try {
    const members = await db.segmentMember.count({ where: { segmentId } });
    const exportRow = await createExport(db, { shopId: SHOP_ID, segmentId, segmentName: segmentId, format: format === "csv" ? "CSV" : "XLSX", columns: EXPORT_COLUMNS, locale: "en", now: new Date(NOW) });
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
    const timer = setInterval(sample, 50);
    const started = performance.now();
    const outcome = await runSegmentExport({ db, kind: "sqlite", now: () => new Date(NOW) }, { shopId: SHOP_ID, exportId: exportRow.id }, { directory, pageSize: mode === "naive" ? members + 1 : undefined, onPage: () => void sample() });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    sample();
    if (outcome.status !== "written") throw new Error(`export not written: ${outcome.reason}`);
    return { format, mode, segment: segmentId, rows: outcome.rows, bytes: outcome.bytes, seconds: Math.round(seconds * 10) / 10, baselineRssMb: mb(baseline), peakRssMb: mb(peak) };
  } finally {
    await db.$disconnect();
    rmSync(directory, { recursive: true, force: true });
  }
}

function runInChild(file: string, format: "csv" | "xlsx", segmentId: string, mode: "paged" | "naive"): RunResult | { error: string } {
  const result = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, "--child", file, format, segmentId, mode], {
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "silent" },
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = result.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as RunResult;
  } catch {
    return { error: `exit ${result.status ?? result.signal}: ${(result.stderr || result.stdout).trim().split("\n").slice(-3).join(" | ")}` };
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    const [, file, format, segmentId, mode] = args;
    console.log(JSON.stringify(await child(file!, format as "csv" | "xlsx", segmentId!, mode as "paged" | "naive")));
    return;
  }
  const { values } = parseArgs({
    args,
    options: { customers: { type: "string", default: "1000000" }, formats: { type: "string", default: "csv,xlsx" }, naive: { type: "boolean", default: false }, fresh: { type: "boolean", default: false } },
  });
  const customers = Number(values.customers);
  if (!Number.isInteger(customers) || customers < 10) throw new Error("--customers must be a whole number ≥ 10");
  const formats = values.formats.split(",").map((format) => format.trim()) as ("csv" | "xlsx")[];
  const file = storeFile(customers);
  if (values.fresh || !generated(file, customers)) generate(file, customers);
  else console.log(`reusing ${file}`);

  const runs: [format: "csv" | "xlsx", segment: string, mode: "paged" | "naive"][] = [];
  for (const format of formats) {
    runs.push([format, TENTH, "paged"], [format, ALL, "paged"]);
    if (values.naive) runs.push([format, TENTH, "naive"], [format, ALL, "naive"]);
  }
  console.log("| format | how | members | rows | file | time | rows/s | RSS before | peak RSS |");
  console.log("|---|---|--:|--:|--:|--:|--:|--:|--:|");
  for (const [format, segment, mode] of runs) {
    const result = runInChild(file, format, segment, mode);
    const members = segment === ALL ? customers : Math.floor(customers / 10);
    if ("error" in result) {
      console.log(`| ${format.toUpperCase()} | ${mode} | ${members.toLocaleString("en-US")} | failed: ${result.error} |`);
      continue;
    }
    console.log(
      `| ${format.toUpperCase()} | ${mode === "paged" ? "pages of 1,000 (the app)" : "one page (all in memory)"} | ${members.toLocaleString("en-US")} | ${result.rows.toLocaleString("en-US")} | ${(result.bytes / 1024 / 1024).toFixed(1)} MB | ${result.seconds} s | ${Math.round(result.rows / result.seconds).toLocaleString("en-US")} | ${result.baselineRssMb} MB | ${result.peakRssMb} MB |`,
    );
  }
}

await main();
