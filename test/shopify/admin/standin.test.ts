import { afterEach, describe, expect, it } from "vitest";
import { createAdminClient } from "~/shopify/admin-client.server";
import { fetchShopInfo } from "~/shopify/shop.server";
import { registerWebhookSubscriptions } from "~/shopify/webhooks.server";
import { buildDataset } from "./builder";
import { startAdminStandIn, type AdminStandIn, type AdminStandInOptions } from "./index";
import { at, client } from "./testing";

const TOKEN = "shpat_test";
let standIn: AdminStandIn | null = null;

async function start(options: AdminStandInOptions = {}, dataset = buildDataset()) {
  standIn = await startAdminStandIn(options);
  standIn.addShop(dataset, TOKEN);
  return { s: standIn, gql: client(standIn, TOKEN) };
}

afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

describe("HTTP, tokens and versions", () => {
  it("answers shop in Shopify's shape, with the served version and cost extensions", async () => {
    const { gql } = await start();
    const r = await gql("{ shop { id name email myshopifyDomain currencyCode ianaTimezone timezoneAbbreviation plan { displayName partnerDevelopment shopifyPlus } } }");
    expect(r.status).toBe(200);
    expect(r.headers.get("x-shopify-api-version")).toBe("2026-10");
    expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.body.data?.["shop"]).toMatchObject({
      name: "Tiny",
      email: "owner@example.com",
      myshopifyDomain: "tiny.myshopify.com",
      currencyCode: "EUR",
      ianaTimezone: "Europe/Amsterdam",
      timezoneAbbreviation: "CET",
      plan: { displayName: "Basic", partnerDevelopment: false, shopifyPlus: false },
    });
    expect(String(at(r.body.data, "shop", "id"))).toMatch(/^gid:\/\/shopify\/Shop\/\d+$/);
    expect(r.body.extensions?.cost).toEqual({ requestedQueryCost: 2, actualQueryCost: 2, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1998, restoreRate: 100 } });
  });

  it("refuses a missing or unknown token with Shopify's 401 body", async () => {
    const { s, gql } = await start();
    const bad = await gql("{ shop { name } }", {}, { token: "nope" });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    const missing = await fetch(`${s.url}/admin/api/2026-10/graphql.json`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"query":"{ shop { name } }"}' });
    expect(missing.status).toBe(401);
  });

  it("serves the pinned and recent versions and answers 404 for others", async () => {
    const { s, gql } = await start();
    expect(s.apiVersions).toEqual(["2025-10", "2026-01", "2026-04", "2026-07", "2026-10"]);
    for (const version of s.apiVersions) expect((await gql("{ shop { name } }", {}, { version })).status).toBe(200);
    expect((await gql("{ shop { name } }", {}, { version: "2023-01" })).status).toBe(404);
    expect((await gql("{ shop { name } }", {}, { version: "unstable" })).status).toBe(404);
  });

  it("chooses the shop by access token", async () => {
    const { s, gql } = await start();
    s.addShop(buildDataset({ domain: "other.myshopify.com", customers: 1 }), "other-token");
    const r = await gql("{ shop { myshopifyDomain } customers(first: 5) { nodes { id } } }", {}, { token: "other-token" });
    expect(r.body.data).toEqual({ shop: { myshopifyDomain: "other.myshopify.com" }, customers: { nodes: [{ id: "gid://shopify/Customer/7000000001" }] } });
  });

  it("words validation errors as Shopify does, with 200, locations and a code", async () => {
    const { gql } = await start();
    const r = await gql("{\n  shop { nope }\n}");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      errors: [{ message: "Field 'nope' doesn't exist on type 'Shop'", locations: [{ line: 2, column: 10 }], extensions: { code: "undefinedField", typeName: "Shop", fieldName: "nope" } }],
    });
    expect(r.body.data).toBeUndefined();
    const missing = await gql("{ customer { id } }");
    expect(missing.body.errors?.[0]).toMatchObject({ message: "Field 'customer' is missing required arguments: id", extensions: { code: "missingRequiredArguments" } });
    const arg = await gql("{ customers(first: 1, colour: 2) { nodes { id } } }");
    expect(arg.body.errors?.[0]).toMatchObject({ message: "Field 'customers' doesn't accept argument 'colour'", extensions: { code: "argumentNotAccepted" } });
    const variable = await gql("query($id: ID!) { customer(id: $id) { id } }", {});
    expect(variable.body.errors?.[0]).toMatchObject({ message: "Variable $id of type ID! was provided invalid value", extensions: { code: "INVALID_VARIABLE" } });
    const enumAsString = await gql('{ customers(first: 1, sortKey: "ID") { nodes { id } } }');
    expect(enumAsString.body.errors?.[0]?.extensions?.["code"]).toBe("argumentLiteralsIncompatible");
  });

  it("asks for first or last on a connection and caps them at 250", async () => {
    const { gql } = await start();
    expect((await gql("{ customers { nodes { id } } }")).body.errors?.[0]?.message).toBe("you must provide one of first or last");
    expect((await gql("{ customers(first: 251) { nodes { id } } }")).body.errors?.[0]?.message).toMatch(/between 0 and 250/);
  });
});

describe("connections, search and nodes", () => {
  it("walks forwards, backwards, reversed and by sort key without repeats", async () => {
    const { gql } = await start({}, buildDataset({ customers: 7 }));
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const r = await gql("query($after: String) { customers(first: 3, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }", { after });
      const conn = at(r.body.data, "customers") as { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      seen.push(...conn.edges.map((e) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `gid://shopify/Customer/${7000000001 + i}`));
    const last = await gql("{ customers(last: 2, sortKey: UPDATED_AT) { nodes { legacyResourceId } pageInfo { hasPreviousPage hasNextPage } } }");
    expect(at(last.body.data, "customers")).toEqual({ nodes: [{ legacyResourceId: "7000000006" }, { legacyResourceId: "7000000007" }], pageInfo: { hasPreviousPage: true, hasNextPage: false } });
    const rev = await gql("{ customers(first: 1, reverse: true) { nodes { legacyResourceId } } }");
    expect(at(rev.body.data, "customers", "nodes", 0, "legacyResourceId")).toBe("7000000007");
    const bad = await gql('{ customers(first: 1, after: "garbage") { nodes { id } } }');
    expect(bad.body.errors?.[0]?.message).toMatch(/cursor/i);
  });

  it("filters with Shopify's search syntax", async () => {
    const { gql } = await start({}, buildDataset({ customers: 6 }));
    const ids = async (query: string) => {
      const r = await gql("query($q: String) { customers(first: 50, query: $q) { nodes { legacyResourceId } } }", { q: query });
      return (at(r.body.data, "customers", "nodes") as { legacyResourceId: string }[]).map((n) => Number(n.legacyResourceId) - 7000000000);
    };
    expect(await ids("updated_at:>'2025-01-15T00:00:00Z'")).toEqual([5, 6]);
    expect(await ids("created_at:<=2025-01-03")).toEqual([1, 2]);
    expect(await ids("id:>7000000004")).toEqual([5, 6]);
    expect(await ids("tag:vip id:<7000000005")).toEqual([2, 4]);
    expect(await ids("tag:vip AND id:<7000000005")).toEqual([2, 4]);
    expect(await ids("email:c3@example.com")).toEqual([3]);
    expect(await ids("email:C3@EXAMPLE.COM OR email:c5@example.com")).toEqual([3, 5]);
    expect(await ids("-tag:vip")).toEqual([1, 3, 5]);
    expect(await ids("NOT tag:vip")).toEqual([1, 3, 5]);
    expect(await ids("(id:1 OR tag:vip) id:>=7000000004")).toEqual([4, 6]);
    expect(await ids("id:7000000001 OR (tag:vip id:>7000000005)")).toEqual([1, 6]);
    expect(await ids("-(tag:vip OR id:7000000001)")).toEqual([3, 5]);
    expect(await ids("email:c1*")).toEqual([1]);
    expect(await ids("nonsense_field:x id:7000000002")).toEqual([2]);
    const orders = await gql(`{ orders(first: 10, query: "customer_id:7000000002 financial_status:paid") { nodes { name } } }`);
    expect(at(orders.body.data, "orders", "nodes")).toEqual([{ name: "#1003" }, { name: "#1004" }]);
    const products = await gql(`{ products(first: 10, query: "product_type:Music tag:music") { nodes { handle } } }`);
    expect(at(products.body.data, "products", "nodes")).toEqual([{ handle: "vinyl" }]);
  });

  it("serves the fields the sync reads, and node(id)", async () => {
    const { gql } = await start({}, buildDataset({ customers: 1, ordersEach: 2 }));
    const r = await gql(
      `{ customer(id: "gid://shopify/Customer/7000000001") { id legacyResourceId firstName lastName displayName email phone locale tags state verifiedEmail note createdAt updatedAt
          numberOfOrders amountSpent { amount currencyCode }
          emailMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt } smsMarketingConsent { marketingState }
          defaultAddress { address1 city province provinceCode country countryCodeV2 zip company } addresses(first: 5) { city }
          metafield(namespace: "custom", key: "birthday") { namespace key type value }
          metafields(first: 5, namespace: "custom") { nodes { key value } } }
        order(id: "gid://shopify/Order/5000000001") { name email customer { id } currencyCode displayFinancialStatus cancelledAt cancelReason test processedAt discountCodes
          subtotalPriceSet { shopMoney { amount } } totalPriceSet { shopMoney { amount currencyCode } } totalDiscountsSet { shopMoney { amount } }
          totalShippingPriceSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } } totalRefundedSet { shopMoney { amount } }
          lineItems(first: 5) { nodes { id title quantity sku product { id productType } variant { id sku } originalUnitPriceSet { shopMoney { amount } } totalDiscountSet { shopMoney { amount } } } }
          refunds { id createdAt note totalRefundedSet { shopMoney { amount } } } }
        product(id: "gid://shopify/Product/8000000001") { title handle productType vendor tags collections(first: 5) { nodes { id handle title } } variants(first: 5) { nodes { id sku title price } } }
        node(id: "gid://shopify/Order/5000000002") { id ... on Order { name } } }`,
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data).toMatchObject({
      customer: {
        id: "gid://shopify/Customer/7000000001",
        legacyResourceId: "7000000001",
        displayName: "First1 Last1",
        locale: "en",
        state: "ENABLED",
        numberOfOrders: "2",
        amountSpent: { amount: "90.00", currencyCode: "EUR" },
        emailMarketingConsent: { marketingState: "SUBSCRIBED", marketingOptInLevel: "SINGLE_OPT_IN", consentUpdatedAt: "2025-01-02T00:00:00.000Z" },
        smsMarketingConsent: null,
        defaultAddress: { address1: "Main 1", city: "Amsterdam", province: "Noord-Holland", provinceCode: "NH", country: "Netherlands", countryCodeV2: "NL", zip: "1000AA", company: null },
        addresses: [{ city: "Amsterdam" }],
        metafield: { namespace: "custom", key: "birthday", type: "date", value: "1984-03-02" },
        metafields: { nodes: [{ key: "birthday", value: "1984-03-02" }] },
      },
      order: {
        name: "#1001",
        customer: { id: "gid://shopify/Customer/7000000001" },
        currencyCode: "EUR",
        totalPriceSet: { shopMoney: { amount: "45.00", currencyCode: "EUR" } },
        totalShippingPriceSet: { shopMoney: { amount: "5.00" } },
        displayFinancialStatus: "PAID",
        lineItems: { nodes: [{ id: "gid://shopify/LineItem/3000000010", quantity: 2, sku: "VINYL-1", product: { id: "gid://shopify/Product/8000000001", productType: "Music" }, variant: { id: "gid://shopify/ProductVariant/9000000001", sku: "VINYL-1" } }] },
        refunds: [],
        totalRefundedSet: { shopMoney: { amount: "0.00" } },
      },
      product: { handle: "vinyl", collections: { nodes: [{ id: "gid://shopify/Collection/4100000001", handle: "music", title: "Music" }] }, variants: { nodes: [{ sku: "VINYL-1", price: "20.00" }] } },
      node: { id: "gid://shopify/Order/5000000002", name: "#1002" },
    });
    const wrongType = await gql('{ customer(id: "gid://shopify/Order/5000000001") { id } }');
    expect(wrongType.body.errors?.[0]?.message).toBe("Invalid id: gid://shopify/Order/5000000001");
    expect((await gql('{ customer(id: "gid://shopify/Customer/1") { id } }')).body.data).toEqual({ customer: null });
  });
});

describe("faults", () => {
  it("serves injected 429s, 5xx and delays, then recovers", async () => {
    const { s, gql } = await start();
    s.faults.next(1, { kind: "status", status: 429, retryAfterSeconds: 1 }).next(1, { kind: "status", status: 503 }).next(1, { kind: "status", status: 502 });
    const a = await gql("{ shop { name } }");
    expect(a.status).toBe(429);
    expect(a.headers.get("retry-after")).toBe("1");
    expect(a.body).toEqual({ errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." });
    expect((await gql("{ shop { name } }")).status).toBe(503);
    expect((await gql("{ shop { name } }")).status).toBe(502);
    expect((await gql("{ shop { name } }")).status).toBe(200);
    s.faults.next(1, { kind: "delay", ms: 150 });
    const t0 = Date.now();
    expect((await gql("{ shop { name } }")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(s.faults.served).toBe(4);
  });

  it("fails a seeded fraction of requests the same way every time, and can start with faults", async () => {
    const statuses = async () => {
      const { gql } = await start({ faults: { next: [{ count: 1, fault: { kind: "status", status: 500 } }], fraction: { probability: 0.3, fault: { kind: "status", status: 503 }, seed: 7 } } });
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await gql("{ shop { name } }")).status);
      await standIn?.close();
      standIn = null;
      return out;
    };
    const first = await statuses();
    expect(first[0]).toBe(500);
    expect(first.filter((x) => x === 503).length).toBeGreaterThan(3);
    expect(first.filter((x) => x === 200).length).toBeGreaterThan(10);
    expect(await statuses()).toEqual(first);
    const { s, gql } = await start({ faults: { fraction: { probability: 1, fault: { kind: "status", status: 500 } } } });
    expect((await gql("{ shop { name } }")).status).toBe(500);
    s.faults.clear();
    expect((await gql("{ shop { name } }")).status).toBe(200);
  });

  it("mixes several faults in a seeded fraction and counts what it served by kind", async () => {
    const { s, gql } = await start();
    s.faults.fraction(0.5, [{ kind: "status", status: 429, retryAfterSeconds: 1 }, { kind: "status", status: 500 }, { kind: "status", status: 503 }], 3);
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await gql("{ shop { name } }")).status);
    const count = (status: number) => statuses.filter((x) => x === status).length;
    expect(count(429)).toBeGreaterThan(3);
    expect(count(500)).toBeGreaterThan(3);
    expect(count(503)).toBeGreaterThan(3);
    expect(s.faults.servedByKind).toEqual({ "429": count(429), "500": count(500), "503": count(503) });
    expect(s.faults.served).toBe(60 - count(200));
  });
});

describe("the app's own Admin calls", () => {
  it("fetchShopInfo and registerWebhookSubscriptions work and registration is idempotent", async () => {
    const { s } = await start();
    const admin = createAdminClient({ shop: "tiny.myshopify.com", accessToken: TOKEN, apiVersion: "2026-10", origin: s.url });
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

  it("webhookSubscriptionCreate accepts uri or the deprecated callbackUrl, refuses duplicates, lists by topic and deletes", async () => {
    const { s, gql } = await start();
    const create = (field: string, topic: string) =>
      gql(`mutation { webhookSubscriptionCreate(topic: ${topic}, webhookSubscription: { ${field}: "https://x.example/h", format: JSON }) { webhookSubscription { id topic uri callbackUrl format } userErrors { field message } } }`);
    const a = await create("callbackUrl", "ORDERS_CREATE");
    const id = String(at(a.body.data, "webhookSubscriptionCreate", "webhookSubscription", "id"));
    expect(at(a.body.data, "webhookSubscriptionCreate")).toEqual({ webhookSubscription: { id, topic: "ORDERS_CREATE", uri: "https://x.example/h", callbackUrl: "https://x.example/h", format: "JSON" }, userErrors: [] });
    expect(id).toMatch(/^gid:\/\/shopify\/WebhookSubscription\/\d+$/);
    await create("uri", "CUSTOMERS_UPDATE");
    const dup = await create("uri", "ORDERS_CREATE");
    expect(at(dup.body.data, "webhookSubscriptionCreate")).toEqual({ webhookSubscription: null, userErrors: [{ field: ["webhookSubscription", "uri"], message: "Address for this topic has already been taken" }] });
    const invalid = await gql('mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { uri: "not a url" }) { userErrors { message } } }');
    expect(at(invalid.body.data, "webhookSubscriptionCreate", "userErrors", 0, "message")).toBe("Address is invalid");
    const listed = await gql("{ webhookSubscriptions(first: 10, topics: [CUSTOMERS_UPDATE]) { nodes { topic } } }");
    expect(at(listed.body.data, "webhookSubscriptions")).toEqual({ nodes: [{ topic: "CUSTOMERS_UPDATE" }] });
    const del = await gql("mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }", { id });
    expect(at(del.body.data, "webhookSubscriptionDelete", "deletedWebhookSubscriptionId")).toBe(id);
    expect(s.subscriptions("tiny.myshopify.com").map((x) => x.webhookTopic)).toEqual(["customers/update"]);
  });
});
