import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { Session } from "@shopify/shopify-api";
import type { Env } from "~/env.server";

/**
 * The demo sign-in: outside Shopify admin nobody hands the app a session token, so the demo signs
 * one itself with the app secret — the same HS256 token Shopify admin issues — and every request
 * then goes through the real authenticate.admin. It is refused whenever NODE_ENV is production.
 */
export const DEMO_APP_BRIDGE_PATH = "/demo/app-bridge.js";
export const DEMO_USER_ID = "1";

export class DemoRefused extends Error {
  override name = "DemoRefused";
}

/** Throws unless the demo is switched on outside production. Checked on every demo request. */
export function assertDemoAllowed(config: Pick<Env, "DEMO_MODE" | "DEMO_SHOP" | "NODE_ENV">): { shop: string } {
  if (process.env.NODE_ENV === "production" || config.NODE_ENV === "production") {
    throw new DemoRefused("The demo sign-in does not exist when NODE_ENV=production.");
  }
  if (!config.DEMO_MODE || !config.DEMO_SHOP) throw new DemoRefused("The demo sign-in is off (DEMO_MODE is not set).");
  return { shop: config.DEMO_SHOP };
}

/** A session token as Shopify admin would issue it for this shop and app, valid for a minute. */
export async function mintSessionToken(args: { apiKey: string; apiSecret: string; shop: string; userId?: string; now?: Date }): Promise<string> {
  const now = Math.floor((args.now ?? new Date()).getTime() / 1000);
  return new SignJWT({
    iss: `https://${args.shop}/admin`,
    dest: `https://${args.shop}`,
    aud: args.apiKey,
    sub: args.userId ?? DEMO_USER_ID,
    sid: randomUUID(),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + 60)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(args.apiSecret));
}

/** The `host` parameter Shopify admin passes: base64 of the admin URL of the shop, unpadded. */
export function adminHostParam(shop: string): string {
  const store = shop.replace(/\.myshopify\.com$/, "");
  return Buffer.from(`admin.shopify.com/store/${store}`).toString("base64").replace(/=+$/, "");
}

/** The offline session a real install stores after token exchange. */
export function offlineSession(shop: string, accessToken: string, scopes: string[]): Session {
  return new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken, scope: scopes.join(",") });
}

/** Where the demo sign-in sends the browser: the embedded app URL as Shopify admin would load it. */
export async function demoAppUrl(config: Pick<Env, "SHOPIFY_API_KEY" | "SHOPIFY_API_SECRET">, shop: string, locale = "en", now?: Date) {
  const token = await mintSessionToken({ apiKey: config.SHOPIFY_API_KEY, apiSecret: config.SHOPIFY_API_SECRET, shop, now });
  const params = new URLSearchParams({ embedded: "1", shop, host: adminHostParam(shop), locale, id_token: token });
  return `/app?${params.toString()}`;
}
