/**
 * `npm run demo`: the CDNOW demo shop on the local Shopify stand-in, the app on SQLite, installed
 * through the same code a real install runs, served at http://localhost:3000 (sign in at /demo).
 *
 *   npm run demo -- [--port 3000] [--seed 42] [--fresh]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { ShopDataset } from "../test/shopify/dataset";
import { startShopifyStandIn, type ShopifyStandIn } from "../test/shopify";
import { CDNOW_MASTER_FILE } from "./demo-data/cdnow";
import { generateDemoShop } from "./demo-data/generate";
import { prisma, root } from "./db/prisma-cli";

export const DEMO_SHOP = "cdnow-demo.myshopify.com";
export const DEMO_API_KEY = "demo-api-key";

export interface DemoOptions {
  port: number;
  seed: number;
  /** Where the dataset cache and the SQLite store live. */
  dataDir: string;
  /** Start from an empty store. */
  fresh: boolean;
  today: Date;
  /** Vite's HMR websocket port (several demos or a test beside a demo need different ones). */
  hmrPort?: number;
  log?: (line: string) => void;
}

export interface RunningDemo {
  appUrl: string;
  signInUrl: string;
  standIn: ShopifyStandIn;
  dataset: ShopDataset;
  close(): Promise<void>;
}

/** The demo shop for a seed and a day, generated once and cached on disk. */
export function demoDataset(dataDir: string, seed: number, today: Date, log: (line: string) => void): ShopDataset {
  const day = today.toISOString().slice(0, 10);
  const file = join(dataDir, `cdnow-shop-seed${seed}-${day}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as ShopDataset;
  log(`Generating the demo shop from ${CDNOW_MASTER_FILE} (seed ${seed}, today ${day}) …`);
  const dataset = generateDemoShop({ masterFile: CDNOW_MASTER_FILE, seed, today, shopDomain: DEMO_SHOP });
  writeFileSync(file, JSON.stringify(dataset));
  return dataset;
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const log = options.log ?? ((line: string) => console.log(line));
  mkdirSync(options.dataDir, { recursive: true });
  const dataset = demoDataset(options.dataDir, options.seed, options.today, log);

  // A fresh secret per run: the stand-in signs webhooks and the demo signs session tokens with it.
  const apiSecret = randomBytes(24).toString("hex");
  const accessToken = `shpat_${randomBytes(16).toString("hex")}`;
  const { apiVersion } = await import("@shopify/shopify-api").then((m) => ({ apiVersion: m.ApiVersion.October26 }));
  const standIn = await startShopifyStandIn({ appSecret: apiSecret, apiVersion, shops: [{ dataset, accessToken }] });
  log(`Shopify stand-in: ${standIn.url} (${dataset.customers.length} customers, ${dataset.orders.length} orders)`);

  const dbFile = join(options.dataDir, "demo.db");
  if (options.fresh) for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
  const appUrl = `http://localhost:${options.port}`;
  const scopes = /^scopes = "(.*)"$/m.exec(readFileSync(join(root, "shopify.app.toml"), "utf8"))?.[1] ?? "";
  const appEnv: Record<string, string> = {
    NODE_ENV: "development",
    SHOPIFY_API_KEY: DEMO_API_KEY,
    SHOPIFY_API_SECRET: apiSecret,
    SHOPIFY_APP_URL: appUrl,
    SCOPES: scopes,
    DATABASE_URL: `file:${dbFile}`,
    SHOPIFY_ADMIN_API_ORIGIN: standIn.url,
    SHOPIFY_WEBHOOKS_VIA_API: "1",
    DEMO_MODE: "1",
    DEMO_SHOP: DEMO_SHOP,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
    PORT: String(options.port),
    HMR_PORT: String(options.hmrPort ?? 64999),
  };

  const migrate = prisma(["migrate", "deploy"], appEnv.DATABASE_URL ?? "");
  if (migrate.status !== 0) throw new Error(`prisma migrate deploy failed:\n${migrate.stderr}`);

  let server: ChildProcess | undefined;
  try {
    // The app serves first so the install's webhook subscriptions point at a live address.
    server = spawn(join(root, "node_modules", ".bin", "remix"), ["vite:dev", "--port", String(options.port), "--strictPort"], {
      cwd: root,
      env: { ...process.env, ...appEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout?.on("data", (chunk: Buffer) => process.env.DEMO_VERBOSE && log(chunk.toString().trimEnd()));
    server.stderr?.on("data", (chunk: Buffer) => log(chunk.toString().trimEnd()));
    await waitForHttp(`${appUrl}/`, 60_000, server);

    // Install: store the offline session as token exchange would, then run the install hook.
    Object.assign(process.env, appEnv);
    const shopify = await import("../app/shopify.server");
    const { offlineSession } = await import("../app/services/demo.server");
    const { env } = await import("../app/env.server");
    const { db } = await import("../app/db.server");
    const session = offlineSession(DEMO_SHOP, accessToken, scopes.split(","));
    await shopify.sessionStorage.storeSession(session);
    const installed = await shopify.afterInstall(env(), db, session);
    log(`Installed into ${DEMO_SHOP}: webhooks ${JSON.stringify(installed.webhooks)}, initial sync queued: ${installed.initialSyncQueued}`);
    await db.$disconnect();
  } catch (error) {
    server?.kill("SIGTERM");
    await standIn.close();
    throw error;
  }

  const watcher = watchPublishing(standIn, log);
  return {
    appUrl,
    signInUrl: `${appUrl}/demo`,
    standIn,
    dataset,
    async close() {
      clearInterval(watcher);
      server?.kill("SIGTERM");
      await standIn.close();
    },
  };
}

/**
 * Shows publishing at work: whenever the customers carrying `$app:segments` in the stand-in (what
 * the theme block and the discount Function read) have changed and settled, one line says how many
 * carry which segments.
 */
function watchPublishing(standIn: ShopifyStandIn, log: (line: string) => void): NodeJS.Timeout {
  // nothing published is not news
  let shown = "0||0";
  let last = shown;
  const timer = setInterval(() => {
    const shop = standIn.admin.shop(DEMO_SHOP);
    const bySegment = new Map<string, number>();
    let customers = 0;
    let tagged = 0;
    for (const metafields of shop.metafields.values()) {
      const value = metafields.find((m) => /^app--\d+$/.test(m.namespace) && m.key === "segments")?.value;
      if (!value) continue;
      customers += 1;
      for (const handle of JSON.parse(value) as string[]) bySegment.set(handle, (bySegment.get(handle) ?? 0) + 1);
    }
    for (const customer of shop.customers.values()) if (customer.tags.some((tag) => tag.startsWith("segment:"))) tagged += 1;
    const summary = [...bySegment].sort(([a], [b]) => (a < b ? -1 : 1)).map(([handle, n]) => `${handle} ${n.toLocaleString("en")}`).join(", ");
    const now = `${customers}|${summary}|${tagged}`;
    // a line once the numbers hold still for a tick, not one per request while a publish runs
    if (now === last && now !== shown) {
      shown = now;
      log(`Published: ${customers.toLocaleString("en")} customers carry $app:segments in the stand-in${summary ? ` (${summary})` : ""}${tagged ? `; ${tagged.toLocaleString("en")} carry segment: tags` : ""}`);
    }
    last = now;
  }, 1_000);
  timer.unref();
  return timer;
}

async function waitForHttp(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the app did not answer at ${url} within ${timeoutMs} ms`);
}

async function main() {
  const { values } = parseArgs({
    options: { port: { type: "string", default: "3000" }, seed: { type: "string", default: "42" }, fresh: { type: "boolean", default: false } },
  });
  const port = Number(values.port);
  const seed = Number(values.seed);
  if (!Number.isInteger(port) || port <= 0 || !Number.isInteger(seed)) {
    console.error("usage: npm run demo -- [--port 3000] [--seed 42] [--fresh]");
    process.exit(2);
  }
  const demo = await startDemo({ port, seed, fresh: values.fresh, dataDir: join(root, ".demo"), today: new Date() });
  console.log(`\nThe demo admin is ready: open ${demo.signInUrl}\n(Ctrl-C stops it.)`);
  const stop = () => void demo.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
