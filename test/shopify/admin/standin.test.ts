import { afterEach, describe, expect, it } from "vitest";
import { createAdminClient } from "~/shopify/admin-client.server";
import { fetchShopInfo } from "~/shopify/shop.server";
import { registerWebhookSubscriptions } from "~/shopify/webhooks.server";
import { buildDataset } from "./builder";
import { startAdminStandIn, type AdminStandIn, type AdminStandInOptions } from "./index";

const TOKEN = "shpat_test";
const VERSION = "2026-01";
let standIn: AdminStandIn | null = null;

async function start(options: AdminStandInOptions = {}, dataset = buildDataset()): Promise<AdminStandIn> {
  standIn = await startAdminStandIn(options);
  standIn.addShop(dataset, TOKEN);
  return standIn;
}

afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

interface Gql {
  status: number;
  body: { data?: Record<string, unknown>; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: { cost: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: { currentlyAvailable: number; maximumAvailable: number; restoreRate: number } } } };
  headers: Headers;
}

async function gql(s: AdminStandIn, query: string, variables: Record<string, unknown> = {}, token = TOKEN, version = VERSION): Promise<Gql> {
  const res = await fetch(`${s.url}/admin/api/${version}/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Gql["body"], headers: res.headers };
}

/** Reads a nested value in a test answer; fails the test if a step is missing. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (current === null || typeof current !== "object") throw new Error(`no ${String(step)} in ${JSON.stringify(current)}`);
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

describe("Admin GraphQL stand-in: HTTP and auth", () => {
  it("answers shop in Shopify's shape with cost extensions", async () => {
    const s = await start();
    const r = await gql(s, "{ shop { id name email myshopifyDomain currencyCode ianaTimezone plan { displayName partnerDevelopment shopifyPlus } } }");
    expect(r.status).toBe(200);
    expect(r.body.data?.["shop"]).toMatchObject({ name: "Tiny", myshopifyDomain: "tiny.myshopify.com", currencyCode: "EUR", plan: { displayName: "Basic", shopifyPlus: false } });
    expect(String(at(r.body.data, "shop", "id"))).toMatch(/^gid:\/\/shopify\/Shop\/\d+$/);
    expect(r.body.extensions?.cost).toEqual({ requestedQueryCost: 2, actualQueryCost: 2, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1998, restoreRate: 100 } });
  });

  it("rejects a bad token with 401 and an unsupported version with 404", async () => {
    const s = await start();
    const bad = await gql(s, "{ shop { name } }", {}, "nope");
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    expect((await gql(s, "{ shop { name } }", {}, TOKEN, "2023-01")).status).toBe(404);
  });

  it("chooses the shop by access token", async () => {
    const s = await start();
    s.addShop(buildDataset({ domain: "other.myshopify.com", customers: 1 }), "other-token");
    const r = await gql(s, "{ shop { myshopifyDomain } }", {}, "other-token");
    expect(at(r.body.data, "shop", "myshopifyDomain")).toBe("other.myshopify.com");
  });

  it("reports validation errors with 200 and a code", async () => {
    const s = await start();
    const r = await gql(s, "{ shop { nope } }");
    expect(r.status).toBe(200);
    expect(r.body.errors?.[0]).toMatchObject({ message: expect.stringContaining("nope"), extensions: { code: "undefinedField" } });
    expect(r.body.data).toBeUndefined();
  });
});

describe("connections, search and nodes", () => {
  it("visits every customer exactly once, forwards and backwards", async () => {
    const s = await start({}, buildDataset({ customers: 7 }));
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const r = await gql(s, "query($after: String) { customers(first: 3, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }", { after });
      const conn = at(r.body.data, "customers") as { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      seen.push(...conn.edges.map((e) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    const last = await gql(s, "{ customers(last: 2, sortKey: UPDATED_AT) { nodes { legacyResourceId } pageInfo { hasPreviousPage hasNextPage } } }");
    expect(at(last.body.data, "customers")).toEqual({ nodes: [{ legacyResourceId: "7000000006" }, { legacyResourceId: "7000000007" }], pageInfo: { hasPreviousPage: true, hasNextPage: false } });
    const rev = await gql(s, "{ customers(first: 1, reverse: true) { nodes { legacyResourceId } } }");
    expect(at(rev.body.data, "customers", "nodes", 0, "legacyResourceId")).toBe("7000000007");
  });

  it("filters with Shopify's search syntax", async () => {
    const s = await start({}, buildDataset({ customers: 6 }));
    const ids = async (query: string) => {
      const r = await gql(s, "query($q: String) { customers(first: 50, query: $q) { nodes { legacyResourceId } } }", { q: query });
      return (at(r.body.data, "customers", "nodes") as { legacyResourceId: string }[]).map((n) => n.legacyResourceId);
    };
    expect(await ids("updated_at:>'2025-01-15T00:00:00Z'")).toEqual(["7000000005", "7000000006"]);
    expect(await ids("created_at:<=2025-01-03")).toEqual(["7000000001", "7000000002"]);
    expect(await ids("id:>7000000004")).toEqual(["7000000005", "7000000006"]);
    expect(await ids("tag:vip id:<7000000005")).toEqual(["7000000002", "7000000004"]);
    expect(await ids("email:c3@example.com")).toEqual(["7000000003"]);
    expect(await ids("-tag:vip")).toEqual(["7000000001", "7000000003", "7000000005"]);
  });

  it("serves the fields the sync reads", async () => {
    const s = await start({}, buildDataset({ customers: 1, ordersEach: 2 }));
    const r = await gql(
      s,
      `{ customer(id: "gid://shopify/Customer/7000000001") { id displayName numberOfOrders amountSpent { amount currencyCode }
          emailMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt } smsMarketingConsent { marketingState }
          defaultAddress { city countryCodeV2 provinceCode } metafield(namespace: "custom", key: "birthday") { type value }
          metafields(first: 5, namespace: "custom") { nodes { key value } } }
        order(id: "gid://shopify/Order/5000000001") { name customer { id } totalPriceSet { shopMoney { amount currencyCode } } displayFinancialStatus
          lineItems(first: 5) { nodes { quantity sku product { id productType } variant { id sku } originalUnitPriceSet { shopMoney { amount } } } }
          refunds { id } totalRefundedSet { shopMoney { amount } } }
        product(id: "gid://shopify/Product/8000000001") { handle collections(first: 5) { nodes { handle } } variants(first: 5) { nodes { sku price } } } }`,
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data).toMatchObject({
      customer: {
        id: "gid://shopify/Customer/7000000001",
        displayName: "First1 Last1",
        numberOfOrders: "2",
        amountSpent: { amount: "90.00", currencyCode: "EUR" },
        emailMarketingConsent: { marketingState: "SUBSCRIBED", marketingOptInLevel: "SINGLE_OPT_IN" },
        smsMarketingConsent: null,
        defaultAddress: { city: "Amsterdam", countryCodeV2: "NL", provinceCode: "NH" },
        metafield: { type: "date", value: "1984-03-02" },
        metafields: { nodes: [{ key: "birthday", value: "1984-03-02" }] },
      },
      order: {
        name: "#1001",
        customer: { id: "gid://shopify/Customer/7000000001" },
        totalPriceSet: { shopMoney: { amount: "45.00", currencyCode: "EUR" } },
        displayFinancialStatus: "PAID",
        lineItems: { nodes: [{ quantity: 2, sku: "VINYL-1", product: { id: "gid://shopify/Product/8000000001", productType: "Music" }, variant: { id: "gid://shopify/ProductVariant/9000000001", sku: "VINYL-1" } }] },
        refunds: [],
        totalRefundedSet: { shopMoney: { amount: "0.00" } },
      },
      product: { handle: "vinyl", collections: { nodes: [{ handle: "music" }] }, variants: { nodes: [{ sku: "VINYL-1", price: "20.00" }] } },
    });
  });
});

describe("cost and throttling", () => {
  it("computes requested and actual cost like Shopify", async () => {
    const s = await start({}, buildDataset({ customers: 3 }));
    // 2 + 10 × (1 customer + 1 amountSpent)
    const r = await gql(s, "{ customers(first: 10) { edges { node { id amountSpent { amount } } } } }");
    expect(r.body.extensions?.cost.requestedQueryCost).toBe(22);
    expect(r.body.extensions?.cost.actualQueryCost).toBe(2 + 3 * 2);
    // orders: 2 + 5 × (1 + lineItems(2 + 10 × 1))
    const o = await gql(s, "{ orders(first: 5) { nodes { id lineItems(first: 10) { nodes { id } } } } }");
    expect(o.body.extensions?.cost.requestedQueryCost).toBe(2 + 5 * 13);
    const m = await gql(s, 'mutation { segmentCreate(name: "A", query: "number_of_orders > 1") { segment { id } userErrors { field message } } }');
    expect(m.body.extensions?.cost.requestedQueryCost).toBe(10);
  });

  it("rejects queries over 1000 points", async () => {
    const s = await start();
    const r = await gql(s, "{ customers(first: 250) { nodes { id orders(first: 5) { nodes { id } } } } }");
    expect(r.body.errors?.[0]?.extensions?.["code"]).toBe("MAX_COST_EXCEEDED");
  });

  it("throttles a drained bucket and restores at the restore rate", async () => {
    let clock = 1_000_000;
    const s = await start({ now: () => clock, maximumAvailable: 100, restoreRate: 10 }, buildDataset({ customers: 60, ordersEach: 0 }));
    const first = await gql(s, "{ customers(first: 40) { nodes { id } } }"); // 42, all used
    expect(first.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(58);
    const heavy = "{ customers(first: 60) { nodes { id } } }"; // 62
    expect((await gql(s, heavy)).body.errors?.[0]?.extensions?.["code"]).toBe("THROTTLED");
    clock += 1_000; // +10 points
    const ok = await gql(s, heavy);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(6);
    const throttled = await gql(s, heavy);
    expect(throttled.status).toBe(200);
    expect(throttled.body).toEqual({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      extensions: { cost: { requestedQueryCost: 62, actualQueryCost: null, throttleStatus: { maximumAvailable: 100, currentlyAvailable: 6, restoreRate: 10 } } },
    });
    clock += 5_000;
    expect((await gql(s, heavy)).body.errors?.[0]?.extensions?.["code"]).toBe("THROTTLED");
    clock += 1_000;
    expect((await gql(s, heavy)).body.errors).toBeUndefined();
  });
});

describe("faults", () => {
  it("serves injected 429s, 5xx and delays, then recovers", async () => {
    const s = await start();
    s.faults.next(1, { kind: "status", status: 429, retryAfterSeconds: 1 }).next(1, { kind: "status", status: 503 });
    const a = await gql(s, "{ shop { name } }");
    expect(a.status).toBe(429);
    expect(a.headers.get("retry-after")).toBe("1");
    expect((await gql(s, "{ shop { name } }")).status).toBe(503);
    expect((await gql(s, "{ shop { name } }")).status).toBe(200);
    s.faults.next(1, { kind: "delay", ms: 150 });
    const t0 = Date.now();
    expect((await gql(s, "{ shop { name } }")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    s.faults.fraction(0.5, { kind: "status", status: 500 }, 42);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => gql(s, "{ shop { name } }").then((r) => r.status)));
    expect(statuses.filter((x) => x === 500).length).toBeGreaterThan(3);
    expect(statuses.filter((x) => x === 200).length).toBeGreaterThan(3);
    s.faults.clear();
    expect((await gql(s, "{ shop { name } }")).status).toBe(200);
  });
});

describe("the app's own Admin calls", () => {
  it("fetchShopInfo and registerWebhookSubscriptions work and registration is idempotent", async () => {
    const s = await start();
    const admin = createAdminClient({ shop: "tiny.myshopify.com", accessToken: TOKEN, apiVersion: VERSION, origin: s.url });
    const info = await fetchShopInfo(admin);
    expect(info).toMatchObject({ name: "Tiny", currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam", plan: { displayName: "Basic" } });
    const first = await registerWebhookSubscriptions(admin, "https://app.example.com");
    expect(first.created.length).toBeGreaterThan(5);
    const second = await registerWebhookSubscriptions(admin, "https://app.example.com");
    expect(second.created).toEqual([]);
    expect(second.alreadyPresent.sort()).toEqual(first.created.sort());
    expect(s.subscriptions("tiny.myshopify.com", "orders/create")).toEqual([
      expect.objectContaining({ topic: "ORDERS_CREATE", webhookTopic: "orders/create", uri: "https://app.example.com/webhooks/orders/create" }),
    ]);
    expect(s.subscriptions("tiny.myshopify.com", "BULK_OPERATIONS_FINISH")[0]?.webhookTopic).toBe("bulk_operations/finish");
  });

  it("webhookSubscriptionCreate accepts callbackUrl, refuses duplicates, and deletes", async () => {
    const s = await start();
    const create = 'mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { callbackUrl: "https://x.example/h", format: JSON }) { webhookSubscription { id topic uri } userErrors { field message } } }';
    const a = await gql(s, create);
    const id = String(at(a.body.data, "webhookSubscriptionCreate", "webhookSubscription", "id"));
    expect(id).toMatch(/^gid:\/\/shopify\/WebhookSubscription\/\d+$/);
    const dup = await gql(s, create);
    expect(at(dup.body.data, "webhookSubscriptionCreate", "userErrors", 0, "message")).toBe("Address for this topic has already been taken");
    const del = await gql(s, "mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }", { id });
    expect(at(del.body.data, "webhookSubscriptionDelete", "deletedWebhookSubscriptionId")).toBe(id);
    expect(s.subscriptions("tiny.myshopify.com")).toEqual([]);
  });
});
