import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAdminClient } from "~/shopify/admin-client.server";
import { registerWebhookSubscriptions } from "~/shopify/webhooks.server";
import { buildDataset } from "./admin/builder";
import type { ShopDataset } from "./dataset";
import { startShopifyStandIn, type ShopifyStandIn } from "./index";
import * as payloads from "./webhooks/payloads";
import { validateRelaxed as validate } from "./webhooks/schema-check";

const SECRET = "stand-in-secret";
const TOKEN = "shpat_standin";

interface Arrival {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let receiver: Server;
let receiverUrl: string;
const arrivals: Arrival[] = [];
let failNext = 0;
let standIn: ShopifyStandIn;
let dataset: ShopDataset;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      arrivals.push({ path: request.url ?? "", headers: request.headers, body });
      response.statusCode = failNext > 0 ? (failNext--, 500) : 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  dataset = buildDataset({ domain: "wired.myshopify.com", customers: 5, ordersEach: 2 });
  standIn = await startShopifyStandIn({ appSecret: SECRET, apiVersion: "2026-10", shops: [{ dataset, accessToken: TOKEN }], retrySchedule: [5, 5, 5] });
  const admin = createAdminClient({ shop: "wired.myshopify.com", accessToken: TOKEN, apiVersion: "2026-10", origin: standIn.url });
  await registerWebhookSubscriptions(admin, receiverUrl);
});

afterAll(async () => {
  await standIn.close();
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(() => {
  arrivals.length = 0;
  standIn.delivery = {};
});

describe("the Shopify stand-in, wired", () => {
  it("delivers a merchant's change to the subscribed route, signed with the app secret, with Shopify's headers", async () => {
    const customer = dataset.customers[0] as ShopDataset["customers"][number];
    standIn.admin.actions.updateCustomer("wired.myshopify.com", customer.id, { firstName: "Renamed" });
    await standIn.settled();
    expect(arrivals).toHaveLength(1);
    const [arrival] = arrivals as [Arrival];
    expect(arrival.path).toBe("/webhooks/customers/update");
    expect(arrival.headers["x-shopify-hmac-sha256"]).toBe(createHmac("sha256", SECRET).update(arrival.body).digest("base64"));
    expect(arrival.headers).toMatchObject({
      "x-shopify-topic": "customers/update",
      "x-shopify-shop-domain": "wired.myshopify.com",
      "x-shopify-api-version": "2026-10",
      "content-type": "application/json",
    });
    expect(arrival.headers["x-shopify-webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(String(arrival.headers["x-shopify-triggered-at"]))).not.toBeNaN();
    const body = JSON.parse(arrival.body) as Record<string, unknown>;
    expect(body).toMatchObject({ id: Number(customer.id), first_name: "Renamed", admin_graphql_api_id: `gid://shopify/Customer/${customer.id}` });
    expect(validate("customers/update", body)).toEqual([]);
  });

  it("duplicates with the same webhook id, mis-signs on demand, and retries a failed delivery with the same id", async () => {
    const order = dataset.orders[0] as ShopDataset["orders"][number];
    standIn.delivery = { duplicate: 2 };
    standIn.admin.actions.cancelOrder("wired.myshopify.com", order.id);
    await standIn.settled();
    const cancelled = arrivals.filter((a) => a.headers["x-shopify-topic"] === "orders/cancelled");
    expect(cancelled).toHaveLength(3);
    expect(new Set(cancelled.map((a) => a.headers["x-shopify-webhook-id"])).size).toBe(1);

    arrivals.length = 0;
    standIn.delivery = { misSign: true };
    standIn.admin.actions.updateProduct("wired.myshopify.com", (dataset.products[0] as ShopDataset["products"][number]).id, { title: "New title" });
    await standIn.settled();
    const [forged] = arrivals as [Arrival];
    expect(forged.headers["x-shopify-hmac-sha256"]).not.toBe(createHmac("sha256", SECRET).update(forged.body).digest("base64"));

    arrivals.length = 0;
    standIn.delivery = {};
    failNext = 2;
    standIn.admin.actions.updateCustomer("wired.myshopify.com", (dataset.customers[1] as ShopDataset["customers"][number]).id, { note: "retry me" });
    await standIn.settled();
    expect(arrivals).toHaveLength(3);
    expect(new Set(arrivals.map((a) => a.headers["x-shopify-webhook-id"])).size).toBe(1);
  });

  it("holds deliveries and releases them in reverse, so orders/updated can arrive before orders/create", async () => {
    const sender = standIn.sender("wired.myshopify.com");
    sender.hold();
    const template = dataset.orders[1] as ShopDataset["orders"][number];
    const created = standIn.admin.actions.createOrder("wired.myshopify.com", { ...structuredClone(template), id: "123456789", name: "#9999" });
    standIn.admin.actions.updateOrder("wired.myshopify.com", created.id, { email: "changed@example.com" });
    await standIn.settled();
    expect(arrivals).toHaveLength(0);
    await sender.release({ order: "reverse" });
    expect(arrivals.map((a) => a.headers["x-shopify-topic"])).toEqual(["orders/updated", "orders/create"]);
    for (const arrival of arrivals) expect(validate(String(arrival.headers["x-shopify-topic"]), JSON.parse(arrival.body))).toEqual([]);
  });

  it("builds every topic's payload in the shape of Shopify's schema", () => {
    const shop = dataset.shop;
    const customer = dataset.customers[0] as ShopDataset["customers"][number];
    const order = { ...(dataset.orders[0] as ShopDataset["orders"][number]), discountCodes: ["VIP20"], refunds: [{ id: "5", createdAt: "2026-11-01T10:00:00-05:00", totalRefunded: "1.00", note: null }] };
    const product = dataset.products[0] as ShopDataset["products"][number];
    const checkout: ShopDataset["abandonedCheckouts"][number] = {
      id: "77", token: "abc", customerId: customer.id, email: customer.email, currencyCode: "USD", totalPrice: "12.00",
      lineItems: [{ productId: product.id, variantId: product.variants[0]?.id ?? null, sku: "SKU", title: product.title, quantity: 1, price: "12.00" }],
      abandonedCheckoutUrl: "https://wired.myshopify.com/checkouts/abc/recover", completedAt: null, createdAt: "2026-11-01T10:00:00-05:00", updatedAt: "2026-11-01T10:00:00-05:00",
    };
    const built: [string, unknown][] = [
      ["customers/create", payloads.customerPayload(customer, shop)],
      ["customers/update", payloads.customerPayload(customer, shop)],
      ["customers/delete", payloads.customerDeletePayload(customer)],
      ["orders/create", payloads.orderPayload(order, customer, shop, "orders/create")],
      ["orders/updated", payloads.orderPayload(order, customer, shop, "orders/updated")],
      ["orders/cancelled", payloads.orderPayload({ ...order, cancelledAt: order.processedAt, cancelReason: "CUSTOMER" }, null, shop, "orders/cancelled")],
      ["orders/delete", payloads.orderDeletePayload(order)],
      ["refunds/create", payloads.refundPayload(order.refunds[0] as ShopDataset["orders"][number]["refunds"][number], order)],
      ["products/update", payloads.productPayload(product)],
      ["products/delete", payloads.productDeletePayload(product)],
      ["checkouts/create", payloads.checkoutPayload(checkout, customer, shop, "checkouts/create")],
      ["checkouts/update", payloads.checkoutPayload(checkout, null, shop, "checkouts/update")],
      ["app/uninstalled", payloads.appUninstalledPayload(shop, 42)],
      ["app/scopes_update", payloads.scopesUpdatePayload(42, ["read_customers"], ["read_customers", "read_orders"], "2026-11-01T00:00:00Z")],
      ["bulk_operations/finish", payloads.bulkOperationFinishPayload({ admin_graphql_api_id: "gid://shopify/BulkOperation/1", completed_at: "2026-11-01T00:00:00Z", created_at: "2026-11-01T00:00:00Z", error_code: null, status: "completed", type: "query" })],
      ["customers/data_request", payloads.customersDataRequestPayload(shop, 42, customer, [order.id], 9)],
      ["customers/redact", payloads.customersRedactPayload(shop, 42, customer, [order.id])],
      ["shop/redact", payloads.shopRedactPayload(shop, 42)],
    ];
    expect(built.flatMap(([topic, payload]) => validate(topic, payload))).toEqual([]);
    const orderBody = built[3]?.[1] as { line_items: { sku: string; quantity: number }[]; discount_codes: { code: string }[]; total_price: string };
    expect(orderBody.total_price).toBe(order.totalPrice);
    expect(orderBody.discount_codes.map((c) => c.code)).toEqual(["VIP20"]);
    expect(orderBody.line_items.map((l) => [l.sku, l.quantity])).toEqual(order.lineItems.map((l) => [l.sku, l.quantity]));
  });

  it("sends metafield_definitions/* when the merchant or the app creates, renames or deletes a definition", async () => {
    const domain = "wired.myshopify.com";
    standIn.admin.actions.createMetafieldDefinition(domain, { ownerType: "CUSTOMER", namespace: "facts", key: "shoe_size", name: "Shoe size", type: "number_integer" });
    standIn.admin.actions.updateMetafieldDefinition(domain, "CUSTOMER", "facts", "shoe_size", { name: "Shoe size (EU)" });
    const admin = createAdminClient({ shop: domain, accessToken: TOKEN, apiVersion: "2026-10", origin: standIn.url });
    await admin.request(`mutation { metafieldDefinitionCreate(definition: { name: "Segments", namespace: "$app", key: "segments", type: "list.single_line_text_field", ownerType: CUSTOMER }) { userErrors { message } } }`);
    const deleted = standIn.admin.shop(domain).metafieldDefinitions.find((d) => d.key === "shoe_size");
    standIn.admin.actions.deleteMetafieldDefinition(domain, "CUSTOMER", "facts", "shoe_size");
    await standIn.settled();
    const byTopic = (topic: string) => arrivals.filter((a) => a.headers["x-shopify-topic"] === topic).map((a) => JSON.parse(a.body) as Record<string, unknown>);
    expect(arrivals.map((a) => a.path).sort()).toEqual([
      "/webhooks/metafield-definitions/create",
      "/webhooks/metafield-definitions/create",
      "/webhooks/metafield-definitions/delete",
      "/webhooks/metafield-definitions/update",
    ]);
    expect(byTopic("metafield_definitions/create").map((b) => [b["namespace"], b["key"], b["owner_type"], b["type_name"]]).sort()).toEqual([
      ["app--7000001", "segments", "Customer", "list.single_line_text_field"],
      ["facts", "shoe_size", "Customer", "number_integer"],
    ]);
    expect(byTopic("metafield_definitions/update")).toEqual([expect.objectContaining({ name: "Shoe size (EU)", shop_id: Number(standIn.admin.shop(domain).numericId) })]);
    expect(byTopic("metafield_definitions/delete")).toEqual([{ id: `gid://shopify/MetafieldDefinition/${deleted?.id}`, type: "ShopifyMetafields::Types::NumberIntegerType", created_by_app_id: null }]);
    for (const arrival of arrivals) expect(validate(String(arrival.headers["x-shopify-topic"]), JSON.parse(arrival.body))).toEqual([]);
  });

  it("sends app/uninstalled to the subscription before removing it", async () => {
    standIn.admin.actions.uninstall("wired.myshopify.com");
    await standIn.settled();
    expect(arrivals.map((a) => a.path)).toEqual(["/webhooks/app/uninstalled"]);
    expect(validate("app/uninstalled", JSON.parse((arrivals[0] as Arrival).body))).toEqual([]);
    expect(standIn.admin.subscriptions("wired.myshopify.com")).toEqual([]);
  });
});
