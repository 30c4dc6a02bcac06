import fc from "fast-check";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { edgeResources, lookups, resources } from "../../test/shopify/webhooks/fixtures";
import { buildPayload, examplePayload, type TopicResources, type WebhookTopic } from "../../test/shopify/webhooks/payloads";
import { packageSchema } from "../../test/shopify/webhooks/schema-check";
import { parseWebhookBody, parseWebhookJson, WEBHOOK_BODY_SCHEMAS, type WebhookBodyTopic } from "./webhook-payloads";

const TOPICS = Object.keys(WEBHOOK_BODY_SCHEMAS) as WebhookBodyTopic[];

function built<T extends WebhookTopic>(topic: T): unknown[] {
  const edges: TopicResources[T][] = edgeResources[topic] ?? [];
  return [resources[topic], ...edges].map((resource) => buildPayload(topic, resource, lookups));
}

function parse(topic: string, body: unknown) {
  return parseWebhookBody(topic, JSON.stringify(body));
}

function expectOk(topic: string, body: unknown) {
  const result = parse(topic, body);
  if (!result.ok) throw new Error(result.error);
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every property path the app's schema reads ("line_items[].price"), from its input JSON Schema.
 * Unions are followed into each object member.
 */
function readPaths(schema: unknown, prefix = ""): string[] {
  if (!isRecord(schema)) return [];
  const branches = [schema["anyOf"], schema["oneOf"], schema["allOf"]].flatMap((b) => (Array.isArray(b) ? b : []));
  const paths = branches.flatMap((branch) => readPaths(branch, prefix));
  if (isRecord(schema["items"])) paths.push(...readPaths(schema["items"], `${prefix}[]`));
  if (isRecord(schema["properties"])) {
    for (const [name, sub] of Object.entries(schema["properties"])) {
      const path = prefix ? `${prefix}.${name}` : name;
      paths.push(path, ...readPaths(sub, path));
    }
  }
  return paths;
}

/** Whether Shopify's schema (as the package infers it) has the path; unknown inside arrays it saw empty. */
function packageHas(schema: unknown, path: string): boolean | "unknown" {
  let node: unknown = schema;
  for (const part of path.split(".")) {
    const [name, ...arrays] = part.split("[]");
    const property = isRecord(node) && isRecord(node["properties"]) ? node["properties"][name ?? ""] : undefined;
    if (property === undefined) return false;
    node = property;
    for (let i = 0; i < arrays.length; i++) {
      const items = isRecord(node) ? node["items"] : undefined;
      if (items === false || items === undefined) return "unknown";
      node = items;
    }
  }
  return true;
}

describe("webhook bodies", () => {
  it.each(TOPICS)("%s: the stand-in's bodies (every builder branch) are accepted", (topic) => {
    for (const body of built(topic)) expectOk(topic, body);
  });

  it.each(TOPICS)("%s: Shopify's documented example is accepted", (topic) => {
    expectOk(topic, examplePayload(topic));
  });

  it.each(TOPICS)("%s: every field the app reads is in Shopify's schema of the topic", (topic) => {
    const ours = z.toJSONSchema(WEBHOOK_BODY_SCHEMAS[topic], { io: "input", unrepresentable: "any" });
    const theirs = packageSchema(topic);
    const missing = [...new Set(readPaths(ours))].filter((path) => {
      const found = packageHas(theirs, path.replace(/^refunds\[\]\./, "refunds[]."));
      // an order's refunds are empty in the example: refunds/create's schema describes one
      if (found === "unknown" && path.startsWith("refunds[].")) return packageHas(packageSchema("refunds/create"), path.slice("refunds[].".length)) === false;
      return found === false;
    });
    expect(missing).toEqual([]);
  });

  it("reads what the app needs from an order, in the record's terms", () => {
    const result = expectOk("orders/create", buildPayload("orders/create", resources["orders/create"], lookups));
    if (result.topic !== "orders/create") throw new Error("narrowing");
    const body = result.body;
    expect(body).toMatchObject({
      id: "5001",
      financial_status: "PARTIALLY_REFUNDED",
      currency: "EUR",
      total_price: "27.45",
      customer: { id: "7001", state: "ENABLED" },
      line_items: [{ id: "5101", product_id: "9001", variant_id: "9101", price: "12.50", quantity: 2 }],
    });
    expect(body.updated_at).toEqual(new Date("2025-06-03T11:00:00+02:00"));
    expect(body.refunds?.[0]).toMatchObject({ id: "6001", order_id: "5001" });
    // fields the app does not read are left out of the parsed body
    expect(body).not.toHaveProperty("order_status_url");
  });

  it("lets unknown extra fields pass", () => {
    const body = { ...(buildPayload("customers/update", resources["customers/update"], lookups) as object), field_shopify_adds_in_2027: { any: ["thing"] } };
    expectOk("customers/update", body);
  });

  it("names the field at fault, never throws", () => {
    const customer = buildPayload("customers/update", resources["customers/update"], lookups) as Record<string, unknown>;
    const { updated_at: _dropped, ...noUpdatedAt } = customer;
    expect(parse("customers/update", noUpdatedAt)).toEqual({ ok: false, error: "customers/update body is not what Shopify sends: updated_at: is missing" });
    expect(parse("customers/update", { ...customer, updated_at: "yesterday" })).toEqual({
      ok: false,
      error: 'customers/update body is not what Shopify sends: updated_at: expected an ISO-8601 timestamp, got "yesterday"',
    });
    expect(parse("customers/update", { ...customer, state: "sleeping" })).toMatchObject({ ok: false, error: expect.stringContaining('state: expected one of disabled, invited, enabled, declined, got "sleeping"') });

    const order = buildPayload("orders/create", resources["orders/create"], lookups) as Record<string, unknown> & { line_items: Record<string, unknown>[] };
    const badLine = { ...order, line_items: [{ ...order.line_items[0], price: 12.5 }] };
    expect(parse("orders/create", badLine)).toMatchObject({ ok: false, error: expect.stringMatching(/^orders\/create body is not what Shopify sends: line_items\.0\.price: /) });
    expect(parse("orders/create", { ...order, id: "abc" })).toMatchObject({ ok: false, error: expect.stringContaining('id: expected a numeric id, got "abc"') });
    // a large id in the raw body is read exactly; as a rounded JS number it is refused
    expect(parseWebhookBody("orders/delete", '{"id":1152921504606846977}')).toMatchObject({ ok: true, body: { id: "1152921504606846977" } });
    expect(WEBHOOK_BODY_SCHEMAS["orders/delete"].safeParse({ id: 2 ** 60 }).error?.issues[0]?.message).toMatch(/9007199254740991/);
    expect(parse("orders/create", [])).toMatchObject({ ok: false, error: expect.stringContaining("(body): ") });

    expect(parseWebhookBody("orders/create", "{not json")).toMatchObject({ ok: false, error: expect.stringMatching(/^orders\/create body is not JSON: /) });
    expect(parseWebhookBody("orders/fulfilled", "{}")).toEqual({ ok: false, error: 'no handler for webhook topic "orders/fulfilled"' });
  });

  it("lists at most five problems of a badly broken body", () => {
    const result = parse("orders/create", {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/; and \d+ more$/);
  });
});

describe("parseWebhookJson", () => {
  it("keeps ids beyond 2^53 exact, as their digits", () => {
    const raw = '{"id":706405506930370084,"n":[-12345678901234567,1.5,1e21,12,0.12345678901234568,1234567890123456.5,1.2345678901234567e-300],"s":"706405506930370084 \\" 1234567890123456789"}';
    expect(parseWebhookJson(raw)).toEqual({
      id: "706405506930370084",
      n: ["-12345678901234567", 1.5, 1e21, 12, 0.12345678901234568, 1234567890123456.5, 1.2345678901234567e-300],
      s: '706405506930370084 " 1234567890123456789',
    });
  });

  it("parses any JSON as JSON.parse does when no integer has 16 digits or more", () => {
    const bigInteger = (value: unknown): boolean =>
      typeof value === "number"
        ? Number.isInteger(value) && Math.abs(value) >= 1e15
        : Array.isArray(value)
          ? value.some(bigInteger)
          : typeof value === "object" && value !== null && Object.values(value).some(bigInteger);
    const doubles = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !(Number.isInteger(n) && Math.abs(n) >= 1e15));
    const safe = fc.oneof(fc.jsonValue(), fc.array(doubles), fc.dictionary(fc.string(), doubles)).filter((value) => !bigInteger(value));
    fc.assert(
      fc.property(safe, (value) => {
        const raw = JSON.stringify(value);
        expect(parseWebhookJson(raw)).toEqual(JSON.parse(raw));
      }),
    );
  });

  it("turns every integer of 16 digits or more into its exact digits, wherever it sits", () => {
    const big = fc.bigInt({ min: 10n ** 15n, max: 10n ** 24n }).chain((n) => fc.constantFrom(n, -n));
    const text = fc.string().map((s) => JSON.stringify(s));
    fc.assert(
      fc.property(fc.array(fc.oneof(big.map((n) => ({ raw: String(n), value: String(n) as unknown })), text.map((t) => ({ raw: t, value: JSON.parse(t) as unknown })))), (items) => {
        const raw = `[${items.map((i) => i.raw).join(",")}]`;
        expect(parseWebhookJson(raw)).toEqual(items.map((i) => i.value));
      }),
    );
  });
});
