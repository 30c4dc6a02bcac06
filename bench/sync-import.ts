/**
 * Initial sync speed: the whole CDNOW demo shop (23,570 customers, 69,659 orders, their lines,
 * metafields and refunds, 300 products) exported by the local Shopify stand-in with bulk
 * operations and imported by runSync — the app's own code path — into a fresh SQLite store and a
 * fresh PostgreSQL schema. The import runs in its own process (test/sync/import-child.ts, compiled
 * once with esbuild), so its peak RSS is the importer's alone, not the stand-in's.
 *
 *   tsx bench/sync-import.ts [--customers N] [--dialect sqlite|postgresql|both] [--batch-lines 1000]
 *
 * Prints, per store: records (products + customers + orders) and JSONL lines per second, wall
 * time, and the importing process's peak RSS. The store is checked against the dataset's counts
 * before a figure is printed.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CDNOW_MASTER_FILE } from "../scripts/demo-data/cdnow";
import { generateDemoShop } from "../scripts/demo-data/generate";
import { startAdminStandIn } from "../test/shopify/admin";
import type { ShopDataset } from "../test/shopify/dataset";
import { freshStore } from "../test/store/harness";
import { buildImportChild, datasetCounts, DEMO_TODAY, demoShopSlice, storeCounts } from "../test/sync/support";
import type { DatabaseKind } from "~/db/client";
import { startSyncRun } from "~/sync/bulk-import.server";

const { values } = parseArgs({
  options: {
    customers: { type: "string" },
    dialect: { type: "string", default: "both" },
    "batch-lines": { type: "string", default: "1000" },
  },
});
const dialects: DatabaseKind[] = values.dialect === "both" ? ["sqlite", "postgresql"] : [values.dialect as DatabaseKind];
const batchLines = Number(values["batch-lines"]);
const root = join(import.meta.dirname, "..");

// compiled once, so the importer's RSS is its own and not tsx's loader's as well
const childFile = await buildImportChild();

function child(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [childFile], { cwd: root, env: { ...process.env, ...env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" } });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const domain = "cdnow-demo.myshopify.com";
const started = performance.now();
const data: ShopDataset = values.customers
  ? demoShopSlice({ customers: Number(values.customers), domain })
  : generateDemoShop({ masterFile: CDNOW_MASTER_FILE, seed: 42, today: DEMO_TODAY, shopDomain: domain });
const expected = datasetCounts(data);
const roots = expected.products + expected.customers + expected.orders;
const lines = roots + expected.variants + expected.productCollections + expected.metafields + expected.orderLines;
console.log(`dataset: ${expected.customers} customers, ${expected.orders} orders, ${expected.orderLines} lines, ${expected.products} products (${roots} records, ${lines} JSONL lines) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const standIn = await startAdminStandIn();
const rows: string[] = [];
try {
  for (const kind of dialects) {
    const token = `bench-${kind}`;
    standIn.addShop({ ...data, shop: { ...data.shop, myshopifyDomain: `${kind}-${domain}` } }, token);
    const store = await freshStore(kind);
    try {
      const shop = await store.db.shop.create({ data: { domain: `${kind}-${domain}`, name: data.shop.name, currencyCode: data.shop.currencyCode, ianaTimezone: data.shop.ianaTimezone } });
      const run = await startSyncRun(store.db, shop.id, "install");
      const wall = performance.now();
      const result = await child({
        SYNC_DATABASE_URL: store.url,
        SYNC_SHOP_ID: String(shop.id),
        SYNC_RUN_ID: String(run.id),
        SYNC_ADMIN_ORIGIN: standIn.url,
        SYNC_ACCESS_TOKEN: token,
        SYNC_TUNING: JSON.stringify({ batchLines, firstPollMs: 250, maxPollMs: 2_000 }),
      });
      const seconds = (performance.now() - wall) / 1000;
      if (result.code !== 0) throw new Error(`the import failed on ${kind} (exit ${result.code}): ${result.stderr.slice(-2_000)}`);
      // LOG_LEVEL=info shows the importer's own log
      if (process.env.LOG_LEVEL) process.stderr.write(result.stdout);
      const report = JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}") as { seconds: number; maxRssKb: number; objectsDone: number };
      const counts = await storeCounts(store.db, shop.id);
      if (JSON.stringify(counts) !== JSON.stringify(expected)) throw new Error(`the ${kind} store does not match the shop: ${JSON.stringify(counts)} vs ${JSON.stringify(expected)}`);
      rows.push(
        `${kind.padEnd(10)} ${String(report.objectsDone).padStart(8)} records  ${(report.objectsDone / report.seconds).toFixed(0).padStart(6)} records/s  ${(lines / report.seconds).toFixed(0).padStart(6)} lines/s  ${report.seconds.toFixed(1).padStart(6)} s import (${seconds.toFixed(1)} s with process start)  peak RSS ${(report.maxRssKb / 1024).toFixed(0)} MB`,
      );
      console.log(rows[rows.length - 1]);
    } finally {
      await store.drop();
    }
  }
} finally {
  await standIn.close();
  rmSync(childFile, { force: true });
}
console.log(`\nsync import, batch of ${batchLines} lines, node ${process.version}\n${rows.join("\n")}`);
