import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ShopDataset } from "../dataset";
import { MerchantActions, type ChangeEvent } from "./actions";
import { BulkRunner, type BulkOperationFinishPayload } from "./bulk";
import type { DiscountFunction } from "./discounts";
import { runGraphQL, standInSchema, type BucketOptions } from "./executor";
import { Faults, type BulkFailure, type Fault, type FaultPlan } from "./faults";
import type { CostRecord, Env } from "./resolvers";
import { isSupportedVersion, SUPPORTED_VERSIONS, type ApiVersion } from "./schema";
import { gid, ShopState } from "./store";

export type { ApiVersion, BucketOptions, BulkFailure, BulkOperationFinishPayload, ChangeEvent, CostRecord, DiscountFunction, Fault, FaultPlan, ShopState };
export { Faults, MerchantActions, SUPPORTED_VERSIONS };

/**
 * Rate-limit parameters by plan, for `addShop(…, limits)`. Shopify publishes the restore rates;
 * bucket sizes are not published — these are 20× the restore rate, as responses have shown. They
 * are parameters for tests, not facts the app may rely on (it must read `throttleStatus`).
 */
export const RATE_LIMIT_PRESETS = {
  standard: { maximumAvailable: 2000, restoreRate: 100 },
  advanced: { maximumAvailable: 4000, restoreRate: 200 },
  plus: { maximumAvailable: 20000, restoreRate: 1000 },
  enterprise: { maximumAvailable: 40000, restoreRate: 2000 },
} as const satisfies Record<string, BucketOptions>;

export interface AdminStandInOptions {
  /** 0 (default) picks a free port */
  port?: number;
  /** clock in ms since the epoch; drives the leaky bucket, timestamps and updatedAt bumps (default Date.now) */
  now?: () => number;
  /** default bucket size of every shop (2000, Shopify's standard plans); per shop see `addShop` */
  maximumAvailable?: number;
  /** default points restored per second (100); Plus would be 1000 */
  restoreRate?: number;
  /** numeric app id behind the `$app` namespace (app--<appId>) */
  appId?: string;
  /** the app's client id, served as AppDiscountType.appKey */
  apiKey?: string;
  /** discount Functions the app has released; when given, discounts naming another function get a userError */
  discountFunctions?: DiscountFunction[];
  /** called when a bulk operation finishes, canceled or failed too (the bulk_operations/finish webhook) */
  onBulkOperationFinish?: (shopDomain: string, payload: BulkOperationFinishPayload) => void;
  /**
   * Called for every merchant action and for changes the app's own calls cause that Shopify
   * reports by webhook (tagsAdd → customers/update, segmentCreate → segments/create,
   * metafieldDefinitionCreate → metafield_definitions/create), with the
   * webhook topic. A throw from it fails a merchant action but never an Admin API call.
   */
  onChange?: (event: ChangeEvent) => void;
  /**
   * Called for every request priced against a shop's leaky bucket — charged or refused as
   * THROTTLED — with the bucket before and after; for tests that check a client's pacing.
   * `shop(domain).usage` keeps the totals.
   */
  onCost?: (shopDomain: string, record: CostRecord) => void;
  /** root objects per bulk slice (default 500) */
  bulkChunkSize?: number;
  /** pause between bulk slices in ms (default none) */
  bulkChunkDelayMs?: number;
  /** faults to start with; change them later through `faults` */
  faults?: FaultPlan;
  /** shops to add right away */
  shops?: { dataset: ShopDataset; accessToken: string; limits?: BucketOptions }[];
}

export interface WebhookSubscriptionInfo {
  id: string;
  /** GraphQL enum, e.g. "ORDERS_CREATE" */
  topic: string;
  /** webhook topic, e.g. "orders/create" */
  webhookTopic: string;
  uri: string;
  format: "JSON" | "XML";
}

export interface AdminStandIn {
  /** origin, e.g. "http://127.0.0.1:41234"; the Admin endpoint is `${url}/admin/api/<version>/graphql.json` */
  readonly url: string;
  /** API versions served; any other version in the path answers 404 */
  readonly apiVersions: readonly ApiVersion[];
  /**
   * Serves dataset as a shop reachable with accessToken (the dataset is copied; the caller's stays
   * untouched) and returns the live shop state. `limits` overrides the default bucket for this shop.
   */
  addShop(dataset: ShopDataset, accessToken: string, limits?: BucketOptions): ShopState;
  /** The live state of a shop by myshopify domain; throws if unknown. */
  shop(domain: string): ShopState;
  /** Webhook subscriptions the app created for a shop, optionally for one topic ("orders/create" or "ORDERS_CREATE"). */
  subscriptions(domain: string, topic?: string): WebhookSubscriptionInfo[];
  /** Fault injection for the GraphQL endpoint and for bulk operations, changeable at any time. */
  readonly faults: Faults;
  /** Merchant/buyer actions that change shop data and report webhook topics. */
  readonly actions: MerchantActions;
  /** Stops the server; running bulk operations stop without calling onBulkOperationFinish. */
  close(): Promise<void>;
}

/** "ORDERS_CREATE" → "orders/create" */
export function webhookTopicOf(graphqlTopic: string): string {
  const lower = graphqlTopic.toLowerCase();
  const known = ["bulk_operations", "customer_tags", "metafield_definitions", "app"];
  for (const prefix of known) if (lower.startsWith(`${prefix}_`)) return `${prefix}/${lower.slice(prefix.length + 1)}`;
  return lower.replace("_", "/");
}

function graphqlTopicOf(topic: string): string {
  return topic.includes("/") ? topic.toUpperCase().replace("/", "_") : topic;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "X-Request-Id": randomUUID(), ...headers }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseRequest(raw: string): { query: string; variables: Record<string, unknown> | null; operationName: string | null } | null {
  try {
    const body: unknown = JSON.parse(raw);
    if (!body || typeof body !== "object") return null;
    const { query, variables, operationName } = body as Record<string, unknown>;
    if (typeof query !== "string") return null;
    const vars = variables && typeof variables === "object" && !Array.isArray(variables) ? (variables as Record<string, unknown>) : null;
    return { query, variables: vars, operationName: typeof operationName === "string" ? operationName : null };
  } catch {
    return null;
  }
}

const STATUS_TEXT: Record<500 | 502 | 503, string> = { 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable" };

/**
 * Starts the local stand-in of Shopify's Admin GraphQL API on 127.0.0.1. Several shops can be
 * served at once; each request's shop is chosen by its X-Shopify-Access-Token.
 */
export async function startAdminStandIn(options: AdminStandInOptions = {}): Promise<AdminStandIn> {
  const now = options.now ?? (() => Date.now());
  const defaultLimits: BucketOptions = { maximumAvailable: options.maximumAvailable ?? 2000, restoreRate: options.restoreRate ?? 100 };
  const byToken = new Map<string, ShopState>();
  const byDomain = new Map<string, ShopState>();
  const faults = new Faults(options.faults);
  let origin = "";
  const emit = (event: ChangeEvent) => options.onChange?.(event);

  const getShop = (domain: string): ShopState => {
    const shop = byDomain.get(domain);
    if (!shop) throw new Error(`no shop ${domain} in the stand-in`);
    return shop;
  };

  const bulk: BulkRunner = new BulkRunner({
    schemaFor: standInSchema,
    env: () => env,
    origin: () => origin,
    now,
    ...(options.onBulkOperationFinish ? { onFinish: options.onBulkOperationFinish } : {}),
    ...(options.bulkChunkSize ? { chunkSize: options.bulkChunkSize } : {}),
    ...(options.bulkChunkDelayMs ? { chunkDelayMs: options.bulkChunkDelayMs } : {}),
    takeFailure: () => faults.takeBulkFailure(),
  });
  const env: Env = {
    now,
    appId: options.appId ?? "7000001",
    apiKey: options.apiKey ?? "stand-in-api-key",
    discountFunctions: options.discountFunctions,
    bulk,
    ...(options.onCost ? { onCost: (shop: ShopState, record: CostRecord) => options.onCost?.(shop.domain, record) } : {}),
    onChange: (shop, topic, resource) => {
      try {
        emit({ shopDomain: shop.domain, topic, resource: resource as Record<string, unknown> });
      } catch (error) {
        // webhook delivery is Shopify's business, not the API call's: a listener's failure stays out of the response
        process.emitWarning(`stand-in onChange(${topic}) failed: ${String(error)}`);
      }
    },
  };

  const actions = new MerchantActions({
    shop: getShop,
    now,
    emit,
    uninstall: (domain) => {
      const shop = getShop(domain);
      if (shop.accessToken) byToken.delete(shop.accessToken);
      shop.accessToken = null;
      shop.subscriptions.length = 0;
    },
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    if (req.method === "GET" && bulk.serve(url.pathname, res)) return;
    const m = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(url.pathname);
    if (!m?.[1]) return sendJson(res, 404, { errors: "Not Found" });
    const fault = faults.take();
    if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === "status") {
      await readBody(req);
      if (fault.status === 429) {
        return sendJson(res, 429, { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." }, { "Retry-After": String(fault.retryAfterSeconds ?? 2.0) });
      }
      return sendJson(res, fault.status, { errors: STATUS_TEXT[fault.status] });
    }
    const version = m[1];
    if (!isSupportedVersion(version)) return sendJson(res, 404, { errors: "Not Found" });
    if (req.method !== "POST") return sendJson(res, 405, { errors: "Method Not Allowed" });
    const token = req.headers["x-shopify-access-token"];
    const shop = typeof token === "string" ? byToken.get(token) : undefined;
    if (!shop) {
      await readBody(req);
      return sendJson(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    const request = parseRequest(await readBody(req));
    if (!request) return sendJson(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    const body = await runGraphQL({ shop, env, version }, request);
    sendJson(res, 200, body, { "X-Shopify-API-Version": version });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { errors: `Internal Server Error: ${String(error)}` });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const addShop = (dataset: ShopDataset, accessToken: string, limits: BucketOptions = defaultLimits): ShopState => {
    const shop = new ShopState(dataset, accessToken, limits, now());
    byToken.set(accessToken, shop);
    byDomain.set(shop.domain, shop);
    return shop;
  };
  for (const s of options.shops ?? []) addShop(s.dataset, s.accessToken, s.limits);

  return {
    url: origin,
    apiVersions: SUPPORTED_VERSIONS,
    addShop,
    shop: getShop,
    subscriptions(domain, topic) {
      const wanted = topic === undefined ? null : graphqlTopicOf(topic);
      return getShop(domain)
        .subscriptions.filter((s) => wanted === null || s.topic === wanted)
        .map((s) => ({ id: gid("WebhookSubscription", s.id), topic: s.topic, webhookTopic: webhookTopicOf(s.topic), uri: s.uri, format: s.format }));
    },
    faults,
    actions,
    async close() {
      await bulk.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
