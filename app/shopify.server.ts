import "@shopify/shopify-app-remix/adapters/node";
import {
  ApiVersion,
  AppDistribution,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { Db } from "./db/client";
import { db } from "./db.server";
import { env, type Env } from "./env.server";
import { installShop } from "./services/install.server";
import { createAdminClient, type AdminClient } from "./shopify/admin-client.server";

/**
 * The one Admin API version of the app. shopify.app.toml's `[webhooks] api_version` repeats it
 * (a test holds them equal); everything else imports it from here.
 */
export const apiVersion = ApiVersion.October26;

/** The Admin API client for a shop, at the configured origin and the pinned version. */
export function adminClientFor(config: Env, shop: string, accessToken: string): AdminClient {
  return createAdminClient({ shop, accessToken, apiVersion, origin: config.SHOPIFY_ADMIN_API_ORIGIN });
}

/** What runs once a shop's offline session is stored: by token exchange for a real shop, by the demo for its shop. */
export function afterInstall(config: Env, store: Db, session: { shop: string; accessToken?: string; scope?: string }) {
  return installShop({
    db: store,
    admin: adminClientFor(config, session.shop, session.accessToken ?? ""),
    shop: session.shop,
    scopes: session.scope ?? "",
    appUrl: config.SHOPIFY_APP_URL,
    registerWebhooksViaApi: config.SHOPIFY_WEBHOOKS_VIA_API,
  });
}

type Overrides = Partial<Parameters<typeof shopifyApp>[0]>;

/** The app's Shopify configuration; tests pass @shopify/shopify-app-remix/test-helpers' testConfig() as overrides. */
export function createShopify(config: Env, store: Db, overrides: Overrides = {}) {
  return shopifyApp({
    apiKey: config.SHOPIFY_API_KEY,
    apiSecretKey: config.SHOPIFY_API_SECRET,
    apiVersion,
    scopes: config.SCOPES,
    appUrl: config.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    // The session storage library types its client loosely; ours is the generated client for this store.
    sessionStorage: new PrismaSessionStorage(store as never),
    distribution: AppDistribution.AppStore,
    isEmbeddedApp: true,
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    hooks: {
      afterAuth: ({ session }) => afterInstall(config, store, session).then(() => undefined),
    },
    ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
    ...overrides,
  });
}

export const shopify = createShopify(env(), db);
export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
