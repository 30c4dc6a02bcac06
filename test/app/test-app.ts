/**
 * Runs the app's real Shopify configuration (app/shopify.server.ts) in tests, with
 * @shopify/shopify-app-remix/test-helpers' testConfig() laid over it and a fresh store.
 * Use it from a test file:
 *
 *   const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
 *   vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));
 */
import { createHmac } from "node:crypto";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import { LogSeverity } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { freshStore, type TestStore } from "../store/harness";
import { parseEnv } from "~/env.server";
import { mintSessionToken, offlineSession } from "~/services/demo.server";
import type * as ShopifyServer from "~/shopify.server";
import type { DatabaseKind } from "~/db/client";

export const TEST_SCOPES = ["read_customers", "write_customers", "read_orders", "read_products"];

export interface TestApp {
  store: TestStore;
  apiKey: string;
  apiSecret: string;
  appUrl: string;
}

/** A fresh store and a valid environment naming it, set before the app's modules load. */
export async function prepareTestApp(kind: DatabaseKind = "sqlite"): Promise<TestApp> {
  const store = await freshStore(kind);
  const config = testConfig();
  Object.assign(process.env, {
    NODE_ENV: "test",
    SHOPIFY_API_KEY: config.apiKey,
    SHOPIFY_API_SECRET: config.apiSecretKey,
    SHOPIFY_APP_URL: config.appUrl,
    SCOPES: TEST_SCOPES.join(","),
    DATABASE_URL: store.url,
  });
  delete process.env.DEMO_MODE;
  return { store, apiKey: config.apiKey, apiSecret: config.apiSecretKey, appUrl: config.appUrl };
}

/** The module ~/shopify.server with its app built from createShopify(…, testConfig()). */
export async function testShopifyServer(importOriginal: () => Promise<unknown>, ctx: TestApp): Promise<typeof ShopifyServer> {
  const actual = (await importOriginal()) as typeof ShopifyServer;
  const app = actual.createShopify(
    parseEnv(process.env),
    ctx.store.db,
    testConfig({
      sessionStorage: new PrismaSessionStorage(ctx.store.db as never),
      scopes: TEST_SCOPES,
      logger: { level: LogSeverity.Error },
    }),
  );
  return {
    ...actual,
    shopify: app,
    default: app,
    authenticate: app.authenticate,
    unauthenticated: app.unauthenticated,
    login: app.login,
    sessionStorage: app.sessionStorage,
    addDocumentResponseHeaders: app.addDocumentResponseHeaders,
    registerWebhooks: app.registerWebhooks,
  };
}

/** Installs a shop the way token exchange leaves it: an offline session and a Shop row. */
export async function installTestShop(ctx: TestApp, shop: string, name = "Test shop") {
  const storage = new PrismaSessionStorage(ctx.store.db as never);
  await storage.storeSession(offlineSession(shop, "shpat_test_token", TEST_SCOPES));
  return ctx.store.db.shop.upsert({
    where: { domain: shop },
    create: { domain: shop, name, currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam" },
    update: {},
  });
}

/** A fetch-style admin request carrying a session token, as App Bridge sends it. */
/** Runs a loader or action: what it returned, or the Response it threw (a redirect, a 404). */
export async function callRoute<T>(run: () => Promise<T>): Promise<{ data?: T; response?: Response }> {
  try {
    return { data: await run() };
  } catch (thrown) {
    if (thrown instanceof Response) return { response: thrown };
    throw thrown;
  }
}

export async function adminRequest(ctx: TestApp, path: string, shop: string, init: RequestInit = {}): Promise<Request> {
  const token = await mintSessionToken({ apiKey: ctx.apiKey, apiSecret: ctx.apiSecret, shop });
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return new Request(new URL(path, ctx.appUrl), { ...init, headers });
}

/** A webhook delivery signed the way Shopify signs it (or mis-signed). */
export function webhookRequest(
  ctx: Pick<TestApp, "apiSecret" | "appUrl">,
  args: { path: string; topic: string; shop: string; body: string; webhookId: string; triggeredAt?: string; secret?: string },
): Request {
  const hmac = createHmac("sha256", args.secret ?? ctx.apiSecret).update(args.body, "utf8").digest("base64");
  return new Request(new URL(args.path, ctx.appUrl), {
    method: "POST",
    body: args.body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": args.topic,
      "X-Shopify-Hmac-Sha256": hmac,
      "X-Shopify-Shop-Domain": args.shop,
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": args.webhookId,
      "X-Shopify-Triggered-At": args.triggeredAt ?? "2026-11-20T10:00:00.000Z",
      "X-Shopify-Event-Id": `event-${args.webhookId}`,
    },
  });
}
