/**
 * Publishing speed (issue 7): 1,000,000 membership changes — a million customers marked dirty, each
 * to be given its `$app:segments` metafield — published through the app's own `publishShop`
 * against the Shopify stand-in, at the standard restore rate (100 points/s, bucket 1,000) and at
 * Plus (1,000 points/s, bucket 10,000), side by side in one run. Goal: achieved points/s ≥ 0.9 of
 * the restore rate.
 *
 *   npm run bench:publish [-- --customers 1000000 --window-seconds 120 --full]
 *
 * - Standard runs for a fixed window (default 120 s; a full million takes over an hour there) and
 *   prints the projected time for the whole million; `--full` runs it to the end. Plus runs the
 *   whole million.
 * - The ratio is points charged ÷ (restore rate × seconds), in steady state: from the first answer
 *   that finds less than a second of restore in the bucket to the last, less what the bucket still
 *   held at that first answer (the full bucket at the start is a head start, not a rate). Overall
 *   (head start included) is printed beside it.
 * - The store is SQLite in a temporary file, generated with set-based SQL: 1,000,000 customers in
 *   one or two of 8 segments, every one dirty. Between runs the rows are made dirty again and the
 *   stand-in forgets the metafields.
 * - The stand-in runs in a child process (its own event loop and heap, as Shopify would be); its
 *   bucket is the shop's. Peak RSS of both processes is printed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { openDb } from "~/db/client";
import { publishShop } from "~/services/publish.server";
import { createAdminClient, type AdminClientEvent } from "~/shopify/admin-client.server";
import { BucketRegistry } from "~/shopify/throttle.server";
import { buildDataset } from "../test/shopify/admin/builder";
import { startAdminStandIn } from "../test/shopify/admin";
import type { DatasetCustomer } from "../test/shopify/dataset";
import { migrationScripts } from "../test/store/harness";

const DOMAIN = "bench-publish.myshopify.com";
const TOKEN = "shpat_bench_publish";
const FIRST_SHOPIFY_ID = 7_000_000_000;
const SEGMENTS = 8;
const METAFIELDS_PER_CALL = 25;
const POINTS_PER_CALL = 10;

interface Limits {
  maximumAvailable: number;
  restoreRate: number;
}

const PLANS: { name: string; limits: Limits }[] = [
  { name: "standard", limits: { maximumAvailable: 1_000, restoreRate: 100 } },
  { name: "plus", limits: { maximumAvailable: 10_000, restoreRate: 1_000 } },
];

type ToChild = { type: "start"; customers: number } | { type: "reset"; limits: Limits } | { type: "stats" } | { type: "stop" };
type FromChild =
  | { type: "ready"; url: string }
  | { type: "reset" }
  | { type: "stats"; charged: number; throttled: number; lowestAvailable: number; withMetafield: number; peakRssMb: number };

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

// ——— the stand-in, in its own process ————————————————————————————————————————————

async function standInProcess(): Promise<void> {
  const send = (message: FromChild) => process.send?.(message);
  let standIn: Awaited<ReturnType<typeof startAdminStandIn>> | undefined;
  process.on("message", async (message: ToChild) => {
    if (message.type === "start") {
      standIn = await startAdminStandIn();
      const shop = standIn.addShop(buildDataset({ domain: DOMAIN, customers: 0, ordersEach: 0 }), TOKEN);
      const day = "2025-01-01T00:00:00.000Z";
      for (let n = 1; n <= message.customers; n++) {
        const id = String(FIRST_SHOPIFY_ID + n);
        const customer: DatasetCustomer = {
          id,
          firstName: "",
          lastName: "",
          email: null,
          phone: null,
          locale: "en",
          tags: [],
          state: "DISABLED",
          verifiedEmail: false,
          note: null,
          emailMarketingConsent: null,
          smsMarketingConsent: null,
          addresses: [],
          metafields: [],
          createdAt: day,
          updatedAt: day,
        };
        shop.customers.set(id, customer);
      }
      send({ type: "ready", url: standIn.url });
    } else if (message.type === "reset" && standIn) {
      const shop = standIn.shop(DOMAIN);
      shop.limits.maximumAvailable = message.limits.maximumAvailable;
      shop.limits.restoreRate = message.limits.restoreRate;
      shop.bucket.available = message.limits.maximumAvailable;
      shop.bucket.updatedAtMs = Date.now();
      Object.assign(shop.usage, { priced: 0, throttled: 0, charged: 0, lowestAvailable: message.limits.maximumAvailable });
      shop.metafields.clear();
      send({ type: "reset" });
    } else if (message.type === "stats" && standIn) {
      const shop = standIn.shop(DOMAIN);
      send({ type: "stats", charged: shop.usage.charged, throttled: shop.usage.throttled, lowestAvailable: shop.usage.lowestAvailable, withMetafield: shop.metafields.size, peakRssMb: mb(process.resourceUsage().maxRSS * 1024) });
    } else if (message.type === "stop") {
      await standIn?.close();
      process.exit(0);
    }
  });
}

class StandInChild {
  private readonly child: ChildProcess;
  private waiting: ((message: FromChild) => void)[] = [];
  constructor() {
    this.child = spawn(process.execPath, [...process.execArgv, import.meta.filename, "--stand-in"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child.on("message", (message: FromChild) => this.waiting.shift()?.(message));
    this.child.on("exit", (code) => {
      if (code !== 0 && code !== null) console.error(`the stand-in exited with code ${code}`);
    });
  }
  ask<T extends FromChild["type"]>(message: ToChild, _answer: T): Promise<Extract<FromChild, { type: T }>> {
    return new Promise((resolve) => {
      this.waiting.push((answer) => resolve(answer as Extract<FromChild, { type: T }>));
      this.child.send(message);
    });
  }
  stop(): void {
    this.child.send({ type: "stop" } satisfies ToChild);
  }
}

// ——— the store ———————————————————————————————————————————————————————————————————

/** A million customers, each in one or two of 8 segments, every one dirty: set-based SQL in one transaction. */
function generateStore(file: string, customers: number): void {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  for (const script of migrationScripts("sqlite")) sqlite.exec(script);
  const at = "2026-11-01T12:00:00.000+00:00";
  sqlite.transaction(() => {
    sqlite.prepare(`INSERT INTO "Shop" ("id", "domain", "name", "currencyCode", "updatedAt", "segmentsDefinitionId") VALUES (1, ?, 'Bench', 'EUR', ?, 'gid://shopify/MetafieldDefinition/1')`).run(DOMAIN, at);
    sqlite
      .prepare(
        `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
         INSERT INTO "Customer" ("id", "shopId", "shopifyId", "shopifyCreatedAt", "shopifyUpdatedAt", "updatedAt", "amountSpentMinor", "numberOfOrders")
         SELECT n, 1, CAST(? + n AS TEXT), ?, ?, ?, (n * 7919) % 100000, n % 7 FROM seq`,
      )
      .run(customers, BigInt(FIRST_SHOPIFY_ID), at, at, at);
    const segment = sqlite.prepare(`INSERT INTO "Segment" ("id", "shopId", "name", "handle", "query", "updatedAt") VALUES (?, 1, ?, ?, 'amount_spent >= 0', ?)`);
    const handles = ["champions", "loyal-customers", "at-risk", "big-spenders", "new-customers", "newsletter", "vip", "win-back"];
    for (let s = 0; s < SEGMENTS; s++) segment.run(`seg-${s}`, handles[s], handles[s], at);
    // segment n % 8, and (n / 8) % 8 as well when it differs: one or two segments each
    sqlite
      .prepare(
        `INSERT INTO "SegmentMember" ("shopId", "segmentId", "customerId", "joinedAt")
         SELECT 1, 'seg-' || s.k, c."id", ? FROM "Customer" AS c JOIN (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7) AS s
           ON s.k = c."id" % 8 OR s.k = (c."id" / 8) % 8`,
      )
      .run(at);
    sqlite.prepare(`INSERT INTO "CustomerPublication" ("customerId", "shopId", "dirty", "version", "segments", "tags") SELECT "id", 1, 1, 1, '[]', '[]' FROM "Customer"`).run();
  })();
  sqlite.exec("ANALYZE");
  sqlite.close();
}

function markAllDirty(file: string): void {
  const sqlite = new Database(file);
  sqlite.prepare(`UPDATE "CustomerPublication" SET "dirty" = 1, "segments" = '[]', "version" = "version" + 1`).run();
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.close();
}

// ——— one run ——————————————————————————————————————————————————————————————————————

interface Answer {
  atMs: number;
  charged: number;
  available: number;
}

interface RunResult {
  plan: string;
  limits: Limits;
  mode: string;
  changes: number;
  requests: number;
  points: number;
  seconds: number;
  overall: number;
  steady: number | null;
  steadySeconds: number;
  /** seconds for every change at the steady rate, the head start counted */
  projectedSeconds: number;
  finished: boolean;
  lowestAvailable: number;
  throttled: number;
}

async function run(url: string, file: string, customers: number, plan: { name: string; limits: Limits }, windowSeconds: number | null): Promise<RunResult> {
  const { db } = openDb(`file:${file}`);
  const answers: Answer[] = [];
  const onEvent = (event: AdminClientEvent) => {
    if (event.type === "response" && event.cost) {
      answers.push({ atMs: performance.now(), charged: event.cost.actualQueryCost ?? 0, available: event.cost.throttleStatus.currentlyAvailable });
    }
  };
  // a bucket of its own per run: the client learns the shop's limits from the answers, as with Shopify
  const admin = createAdminClient({ shop: DOMAIN, accessToken: TOKEN, apiVersion: "2026-10", origin: url, buckets: new BucketRegistry(), onEvent });
  const controller = new AbortController();
  const timer = windowSeconds === null ? undefined : setTimeout(() => controller.abort(new Error("the window is over")), windowSeconds * 1000);
  let changes = 0;
  let requests = 0;
  const started = performance.now();
  let finished = true;
  try {
    await publishShop({ db, kind: "sqlite", admin }, { shopId: 1, signal: controller.signal }, { onChunk: (chunk) => ((changes += chunk.customers), (requests += chunk.requests)) });
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    finished = false;
  } finally {
    clearTimeout(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  const [refused] = await db.$queryRawUnsafe<{ n: number | bigint; error: string | null }[]>(`SELECT count(*) AS n, min("error") AS error FROM "CustomerPublication" WHERE "error" IS NOT NULL`);
  if (refused && Number(refused.n) > 0) throw new Error(`Shopify refused ${refused.n} customers, e.g. ${refused.error}`);
  await db.$disconnect();
  const points = answers.reduce((sum, a) => sum + a.charged, 0);
  const { restoreRate, maximumAvailable } = plan.limits;
  // steady state: from the first answer that finds the bucket nearly empty
  // (under a second of restore left: what the head start still holds then is small beside the window)
  const drained = answers.findIndex((a) => a.available < Math.min(restoreRate, maximumAvailable * 0.1));
  const last = answers[answers.length - 1];
  let steady: number | null = null;
  let steadySeconds = 0;
  if (drained >= 0 && last && drained < answers.length - 1) {
    const from = answers[drained] as Answer;
    steadySeconds = (last.atMs - from.atMs) / 1000;
    const charged = answers.slice(drained + 1).reduce((sum, a) => sum + a.charged, 0);
    // what the bucket still held then is not the restore rate's doing
    steady = (charged - from.available) / steadySeconds / restoreRate;
  }
  const pointsPerChange = changes > 0 ? points / changes : POINTS_PER_CALL / METAFIELDS_PER_CALL;
  const projectedSeconds = Math.max(0, customers * pointsPerChange - maximumAvailable) / (restoreRate * (steady ?? 1));
  return {
    plan: plan.name,
    limits: plan.limits,
    mode: windowSeconds === null ? "full" : `window ${windowSeconds} s`,
    changes,
    requests,
    points,
    seconds,
    // to the last answer: a window's end waits for requests in hand, which send nothing more
    overall: last ? points / ((last.atMs - started) / 1000) / restoreRate : 0,
    steady,
    steadySeconds,
    projectedSeconds,
    finished,
    lowestAvailable: 0,
    throttled: 0,
  };
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${String(m).padStart(2, "0")} min` : `${m} min ${String(s % 60).padStart(2, "0")} s`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      customers: { type: "string", default: "1000000" },
      "window-seconds": { type: "string", default: "120" },
      full: { type: "boolean", default: false },
      "stand-in": { type: "boolean", default: false },
    },
  });
  if (values["stand-in"]) return standInProcess();
  const customers = Number(values.customers);
  const windowSeconds = Number(values["window-seconds"]);
  if (!Number.isInteger(customers) || customers < 1 || !Number.isFinite(windowSeconds) || windowSeconds <= 0) {
    console.error("usage: npm run bench:publish -- [--customers 1000000] [--window-seconds 120] [--full]");
    process.exit(2);
  }
  process.env.LOG_LEVEL ??= "warn";

  const dir = mkdtempSync(join(tmpdir(), "bench-publish-"));
  const file = join(dir, "store.db");
  const child = new StandInChild();
  try {
    let t = performance.now();
    generateStore(file, customers);
    console.log(`store: ${customers.toLocaleString("en")} customers in ${SEGMENTS} segments, all dirty, generated in ${((performance.now() - t) / 1000).toFixed(1)} s (${file})`);
    t = performance.now();
    const { url } = await child.ask({ type: "start", customers }, "ready");
    console.log(`stand-in: ${customers.toLocaleString("en")} customers, ready in ${((performance.now() - t) / 1000).toFixed(1)} s at ${url}`);

    const results: RunResult[] = [];
    for (const plan of PLANS) {
      markAllDirty(file);
      await child.ask({ type: "reset", limits: plan.limits }, "reset");
      const window = plan.name === "standard" && !values.full ? windowSeconds : null;
      console.log(`\n${plan.name}: restore ${plan.limits.restoreRate} points/s, bucket ${plan.limits.maximumAvailable.toLocaleString("en")}, ${window === null ? "every change" : `${window} s`} …`);
      const result = await run(url, file, customers, plan, window);
      const stats = await child.ask({ type: "stats" }, "stats");
      result.lowestAvailable = stats.lowestAvailable;
      result.throttled = stats.throttled;
      if (stats.withMetafield !== result.changes) console.warn(`  ! the stand-in holds ${stats.withMetafield} metafields for ${result.changes} recorded changes (a request in flight at the window's end)`);
      results.push(result);
      console.log(
        `  ${result.changes.toLocaleString("en")} changes in ${result.requests.toLocaleString("en")} requests, ${result.points.toLocaleString("en")} points in ${result.seconds.toFixed(1)} s; steady ${result.steady?.toFixed(3) ?? "n/a"} of the restore rate`,
      );
    }

    const stats = await child.ask({ type: "stats" }, "stats");
    console.log(`\n| plan | restore (points/s) | bucket | run | changes | requests | seconds | points/s | ÷ restore, steady | ÷ restore, overall | ${customers.toLocaleString("en")} changes take | lowest bucket | throttled |`);
    console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|---|`);
    for (const r of results) {
      const total = r.finished && r.changes === customers ? `${duration(r.seconds)} (measured)` : `${duration(r.projectedSeconds)} (projected)`;
      console.log(
        `| ${r.plan} | ${r.limits.restoreRate.toLocaleString("en")} | ${r.limits.maximumAvailable.toLocaleString("en")} | ${r.mode} | ${r.changes.toLocaleString("en")} | ${r.requests.toLocaleString("en")} | ${r.seconds.toFixed(1)} | ${(r.points / r.seconds).toFixed(1)} | **${r.steady?.toFixed(3) ?? "n/a"}** (over ${r.steadySeconds.toFixed(0)} s) | ${r.overall.toFixed(3)} | ${total} | ${r.lowestAvailable.toFixed(0)} | ${r.throttled} |`,
      );
    }
    console.log(`\npeak RSS: publisher (app code, SQLite store) ${mb(process.resourceUsage().maxRSS * 1024)} MB; stand-in ${stats.peakRssMb} MB`);
    const goal = results.every((r) => r.steady !== null && r.steady >= 0.9);
    console.log(`goal (steady ≥ 0.9 of the restore rate on every plan): ${goal ? "met" : "NOT met"}`);
  } finally {
    child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
