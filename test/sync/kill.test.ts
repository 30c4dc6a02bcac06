/**
 * Proof: kill -9 of the importing process at random points, then a restart, until it finishes —
 * and the store holds exactly the shop: every count, no key twice, no record missing, the progress
 * figure exact. The import runs in a child process (test/sync/import-child.ts); the stand-in in
 * this process exports in small slices, so the kills land while exports run, inside a batch's
 * transaction, between batches and phases, and during the finish.
 *
 * Kill points are seeded: most are positions in the import (phase and line, read from the
 * checkpoint, plus a random few milliseconds so the kill lands inside the next batch; the last
 * position is the finish), some are plain times after the process started (during start-up or
 * while an export runs). The child is compiled once with esbuild (buildImportChild) so that each
 * restart costs Node's start-up, not a TypeScript compile.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../support/random";
import { startAdminStandIn, type AdminStandIn } from "../shopify/admin";
import type { ShopDataset } from "../shopify/dataset";
import { freshStore, storeKinds, type TestStore } from "../store/harness";
import { buildImportChild, datasetCounts, demoShopSlice, duplicateKeys, storeCounts } from "./support";
import { IMPORT_PHASES, startSyncRun } from "~/sync/bulk-import.server";

const kinds = await storeKinds();
const SEEDS = [1101, 2202];
const KILLS_PER_RUN = 3;
const CUSTOMERS = 60;
const ROOT = join(import.meta.dirname, "..", "..");

let standIn: AdminStandIn;
let data: ShopDataset;
let child = "";
beforeAll(async () => {
  child = await buildImportChild();
  // small slices with a pause between them: an export takes a moment, as Shopify's do
  standIn = await startAdminStandIn({ bulkChunkSize: 25, bulkChunkDelayMs: 5 });
  data = demoShopSlice({ customers: CUSTOMERS, domain: "kill.myshopify.com" });
});
afterAll(async () => {
  await standIn.close();
  rmSync(child, { force: true });
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function startChild(env: Record<string, string>): { proc: ChildProcess; exited: Promise<Exit> } {
  const proc = spawn(process.execPath, [child], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exit>((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal, stderr })));
  return { proc, exited };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(kinds)("kill -9 of the import on %s", (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(kind);
  });
  afterAll(() => store.drop());

  it.each(SEEDS)("seed %i: killed at random points and restarted, it ends with the exact shop", async (seed) => {
    const random = seededRandom(seed);
    const domain = `kill-${seed}-${kind}.myshopify.com`;
    const token = `token-kill-${seed}-${kind}`;
    standIn.addShop({ ...data, shop: { ...data.shop, myshopifyDomain: domain } }, token);
    const shop = await store.db.shop.create({ data: { domain, name: data.shop.name, currencyCode: data.shop.currencyCode } });
    const run = await startSyncRun(store.db, shop.id, "install");
    const env = {
      SYNC_DATABASE_URL: store.url,
      SYNC_SHOP_ID: String(shop.id),
      SYNC_RUN_ID: String(run.id),
      SYNC_ADMIN_ORIGIN: standIn.url,
      SYNC_ACCESS_TOKEN: token,
      SYNC_TUNING: JSON.stringify({ batchLines: 100, firstPollMs: 30, maxPollMs: 200, watchMs: 20 }),
    };

    // positions in the import: each phase's JSONL lines, then the finish
    const expected = datasetCounts(data);
    const phaseLines = {
      products: expected.products + expected.variants + expected.productCollections,
      customers: expected.customers + expected.metafields,
      orders: expected.orders + expected.orderLines,
    };
    const offsets = { products: 0, customers: phaseLines.products, orders: phaseLines.products + phaseLines.customers, finish: phaseLines.products + phaseLines.customers + phaseLines.orders };
    const position = (row: { phase: string; linesDone: number }) => offsets[row.phase as keyof typeof offsets] + row.linesDone;

    const kills: { phase: string; linesDone: number; how: string; ms: number }[] = [];
    for (let attempt = 0; attempt < KILLS_PER_RUN; attempt++) {
      const { proc, exited } = startChild(env);
      let done: Exit | null = null;
      void exited.then((exit) => (done = exit));
      const byTime = random() < 0.25;
      const startedAt = performance.now();
      const deadline = 200 + random() * 2_500;
      // somewhere in what is left to do, the finish included
      const from = position(await store.db.syncRun.findUniqueOrThrow({ where: { id: run.id } }));
      const target = from + 1 + Math.floor(random() * (offsets.finish - from));
      const jitter = random() * 40;
      for (;;) {
        if (done) break;
        if (byTime) {
          if (performance.now() - startedAt >= deadline) break;
        } else {
          const row = await store.db.syncRun.findUniqueOrThrow({ where: { id: run.id } });
          if (row.state !== "RUNNING" || position(row) >= target) {
            await sleep(jitter);
            break;
          }
        }
        await sleep(25);
      }
      if (done) break;
      proc.kill("SIGKILL");
      const exit = await exited;
      expect(exit.signal).toBe("SIGKILL");
      const row = await store.db.syncRun.findUniqueOrThrow({ where: { id: run.id } });
      kills.push({ phase: row.phase, linesDone: row.linesDone, how: byTime ? `after ${deadline.toFixed(0)} ms` : `past position ${target}`, ms: Math.round(performance.now() - startedAt) });
    }

    const lastStart = performance.now();
    const last = startChild(env);
    const exit = await last.exited;
    expect(exit.stderr).toBe("");
    expect(exit.code).toBe(0);

    // what the kills hit, for the record: every run must have been cut at least once inside an import phase
    console.info(`${kind} seed ${seed}: killed ${JSON.stringify(kills)}, then finished in ${Math.round(performance.now() - lastStart)} ms`);
    expect(kills.length).toBeGreaterThan(0);
    expect(kills.some((k) => (IMPORT_PHASES as readonly string[]).includes(k.phase) && k.linesDone > 0)).toBe(true);

    const final = await store.db.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(final).toMatchObject({ state: "SUCCEEDED", objectsDone: expected.products + expected.customers + expected.orders });
    expect(await storeCounts(store.db, shop.id)).toEqual(expected);
    expect(await duplicateKeys(store.db, kind, shop.id)).toEqual(Object.fromEntries(Object.keys(await duplicateKeys(store.db, kind, shop.id)).map((table) => [table, 0])));
    // no gaps: every record of the shop, by id
    const ids = async (rows: Promise<{ shopifyId: string }[]>) => (await rows).map((r) => r.shopifyId).sort();
    expect(await ids(store.db.customer.findMany({ where: { shopId: shop.id }, select: { shopifyId: true } }))).toEqual(data.customers.map((c) => c.id).sort());
    expect(await ids(store.db.order.findMany({ where: { shopId: shop.id }, select: { shopifyId: true } }))).toEqual(data.orders.map((o) => o.id).sort());
    expect(await ids(store.db.orderLine.findMany({ where: { shopId: shop.id }, select: { shopifyId: true } }))).toEqual(data.orders.flatMap((o) => o.lineItems.map((l) => l.id)).sort());
    expect(await ids(store.db.productVariant.findMany({ where: { shopId: shop.id }, select: { shopifyId: true } }))).toEqual(data.products.flatMap((p) => p.variants.map((v) => v.id)).sort());
    const metafields = await store.db.customerMetafield.findMany({ where: { shopId: shop.id }, select: { customer: { select: { shopifyId: true } }, namespace: true, key: true } });
    expect(metafields.map((m) => `${m.customer.shopifyId}/${m.namespace}.${m.key}`).sort()).toEqual(data.customers.flatMap((c) => c.metafields.map((m) => `${c.id}/${m.namespace}.${m.key}`)).sort());
    // exports restarted only where a kill left one unrecorded, and then adopted rather than run twice
    expect(standIn.shop(domain).bulkOperations.length).toBeLessThanOrEqual(3 + kills.length);
  }, 60_000);
});
