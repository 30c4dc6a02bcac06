import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
// shopify-app-remix runs Shopify's validation on web Requests, as the web-api adapter does
import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lookups, resources } from "./fixtures";
import { buildPayload } from "./payloads";
import { exponentialBackoff, MAX_RETRIES, SHOPIFY_RETRY_SCHEDULE_MS, WebhookSender, type WebhookSenderOptions } from "./sender";

const SECRET = "webhook-test-secret";
const SHOP = "fixture.myshopify.com";

interface Arrival {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

let server: Server;
let url: string;
const arrivals: Arrival[] = [];
/** statuses to answer with, one per request; 200 once empty */
let script: number[] = [];
/** answer this late (ms), to provoke timeouts */
let stallMs = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      arrivals.push({ path: request.url ?? "", headers: request.headers, raw: Buffer.concat(chunks) });
      const status = script.shift() ?? 200;
      setTimeout(() => {
        response.statusCode = status;
        // a redirect that a following client would take straight back here
        if (status >= 300 && status < 400) response.setHeader("Location", `${url}/moved`);
        response.end();
      }, stallMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("receiver has no port");
  url = `http://127.0.0.1:${(address satisfies AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  arrivals.length = 0;
  script = [];
  stallMs = 0;
});

/** A seeded generator (mulberry32), so ids and shuffles repeat run to run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sender(extra: Partial<WebhookSenderOptions> = {}): WebhookSender {
  return new WebhookSender({ appSecret: SECRET, apiVersion: "2026-10", shopDomain: SHOP, retrySchedule: [5, 5, 5], random: seeded(7), ...extra });
}

function header(arrival: Arrival | undefined, name: string): string {
  const value = arrival?.headers[name];
  return typeof value === "string" ? value : "";
}

function verifies(arrival: Arrival | undefined, secret = SECRET): boolean {
  const expected = createHmac("sha256", secret).update(arrival?.raw ?? Buffer.alloc(0)).digest();
  const given = Buffer.from(header(arrival, "x-shopify-hmac-sha256"), "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const shopifyApp = shopifyApi({ apiKey: "key", apiSecretKey: SECRET, apiVersion: ApiVersion.January25, hostName: "app.example.com", isEmbeddedApp: true, logger: { level: 0 } });

/** Shopify's library check of one arrival, rebuilt as the web Request Remix would hand it. */
async function shopifyValidate(arrival: Arrival | undefined) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(arrival?.headers ?? {})) if (typeof value === "string") headers[name] = value;
  return shopifyApp.webhooks.validate({ rawBody: arrival?.raw.toString("utf8") ?? "", rawRequest: new Request(url, { method: "POST", headers }) });
}

const customerPayload = buildPayload("customers/update", resources["customers/update"], lookups);

describe("WebhookSender", () => {
  it("POSTs the JSON body with Shopify's headers and a verifiable signature", async () => {
    const triggeredAt = new Date("2025-06-01T10:00:00.000Z");
    await sender().send({ topic: "customers/update", address: `${url}/webhooks/customers/update`, payload: customerPayload, triggeredAt, eventId: "evt-1" });
    expect(arrivals).toHaveLength(1);
    const arrival = arrivals[0];
    expect(arrival?.path).toBe("/webhooks/customers/update");
    expect(JSON.parse(arrival?.raw.toString("utf8") ?? "")).toEqual(customerPayload);
    expect(verifies(arrival)).toBe(true);
    expect(header(arrival, "content-type")).toBe("application/json");
    expect(header(arrival, "user-agent")).toBe("Shopify-Captain-Hook");
    expect(header(arrival, "x-shopify-topic")).toBe("customers/update");
    expect(header(arrival, "x-shopify-shop-domain")).toBe(SHOP);
    expect(header(arrival, "x-shopify-api-version")).toBe("2026-10");
    expect(header(arrival, "x-shopify-triggered-at")).toBe("2025-06-01T10:00:00.000Z");
    expect(header(arrival, "x-shopify-event-id")).toBe("evt-1");
    expect(header(arrival, "x-shopify-webhook-id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("signs the raw bytes, so non-ASCII bodies verify too", async () => {
    await sender().send({ topic: "customers/update", address: url, payload: { ...customerPayload, note: "Grüße — 日本" } });
    expect(verifies(arrivals[0])).toBe(true);
  });

  it("passes Shopify's own webhook validation (what authenticate.webhook runs), and fails it when mis-signed", async () => {
    await sender().send({ topic: "orders/create", address: url, payload: buildPayload("orders/create", resources["orders/create"], lookups) });
    await sender().send({ topic: "orders/create", address: url, payload: { id: 1 } }, { misSign: true });
    const arrival = arrivals[0];
    const result = await shopifyValidate(arrival);
    expect(await shopifyValidate(arrivals[1])).toEqual({ valid: false, reason: "invalid_hmac" });
    expect(result, JSON.stringify(result)).toMatchObject({ valid: true, topic: "ORDERS_CREATE", domain: SHOP, apiVersion: "2026-10", webhookId: header(arrival, "x-shopify-webhook-id") });
  });

  it("mis-signs or drops the signature on request", async () => {
    const s = sender();
    await s.send({ topic: "shop/redact", address: url, payload: { shop_id: 1, shop_domain: SHOP } }, { misSign: true });
    await s.send({ topic: "shop/redact", address: url, payload: { shop_id: 1, shop_domain: SHOP } }, { dropHmac: true });
    expect(header(arrivals[0], "x-shopify-hmac-sha256")).not.toBe("");
    expect(verifies(arrivals[0])).toBe(false);
    expect(arrivals[1]?.headers["x-shopify-hmac-sha256"]).toBeUndefined();
  });

  it("sends duplicates with the same webhook id and body", async () => {
    const s = sender();
    await s.send({ topic: "customers/update", address: url, payload: customerPayload }, { duplicate: 2 });
    expect(arrivals).toHaveLength(3);
    expect(new Set(arrivals.map((a) => header(a, "x-shopify-webhook-id"))).size).toBe(1);
    expect(new Set(arrivals.map((a) => a.raw.toString("base64"))).size).toBe(1);
    expect(s.deliveries().map((d) => d.status)).toEqual([200, 200, 200]);
  });

  it("holds deliveries and releases them reversed (orders/updated before orders/create)", async () => {
    const s = sender();
    s.hold();
    await s.send({ topic: "orders/create", address: url, payload: { id: 1 } });
    await s.send({ topic: "orders/updated", address: url, payload: { id: 1 } });
    expect(arrivals).toHaveLength(0);
    expect(s.heldCount()).toBe(2);
    await s.release({ order: "reverse" });
    expect(s.heldCount()).toBe(0);
    expect(arrivals.map((a) => header(a, "x-shopify-topic"))).toEqual(["orders/updated", "orders/create"]);
  });

  it("shuffles held deliveries the same way for the same seed", async () => {
    const order = async (seed: number): Promise<string[]> => {
      arrivals.length = 0;
      const s = sender({ random: seeded(seed) });
      s.hold();
      const sent = ["a", "b", "c", "d", "e", "f"].map((id) => s.send({ topic: "products/update", address: url, payload: { id } }));
      await s.release({ order: "shuffle" });
      await Promise.all(sent);
      return arrivals.map((a) => a.raw.toString("utf8"));
    };
    const first = await order(42);
    expect(await order(42)).toEqual(first);
    expect([...first].sort()).toEqual(["a", "b", "c", "d", "e", "f"].map((id) => JSON.stringify({ id })));
  });

  it("is deterministic with injected random and now", async () => {
    const now = () => new Date("2025-06-01T00:00:00.000Z");
    const ids = async () => {
      const s = sender({ random: seeded(3), now });
      await s.send({ topic: "shop/redact", address: url, payload: {} });
      return s.deliveries().map((d) => [d.webhookId, d.ms]);
    };
    expect(await ids()).toEqual(await ids());
    expect(header(arrivals[0], "x-shopify-triggered-at")).toBe("2025-06-01T00:00:00.000Z");
  });

  it("retries a 500 with the same id and body, and stops after the first success", async () => {
    script = [500, 503];
    const s = sender();
    await s.send({ topic: "customers/update", address: url, payload: customerPayload });
    expect(arrivals).toHaveLength(3);
    expect(new Set(arrivals.map((a) => header(a, "x-shopify-webhook-id"))).size).toBe(1);
    expect(s.deliveries().map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
  });

  it("gives up after the schedule, and never retries more than 8 times", async () => {
    script = Array.from({ length: 20 }, () => 500);
    const s = sender({ retrySchedule: Array.from({ length: 12 }, () => 1) });
    await s.send({ topic: "customers/update", address: url, payload: {} });
    expect(arrivals).toHaveLength(MAX_RETRIES + 1);
    expect(s.deliveries().at(-1)).toMatchObject({ attempt: 9, status: 500 });
  });

  it("counts a slow answer as a timeout and retries it", async () => {
    stallMs = 200;
    const s = sender({ timeoutMs: 50, retrySchedule: [1] });
    await s.send({ topic: "customers/update", address: url, payload: {} });
    expect(s.deliveries().map((d) => d.status)).toEqual(["timeout", "timeout"]);
  });

  it("records an unreachable address as an error", async () => {
    const s = sender({ retrySchedule: [] });
    await s.send({ topic: "customers/update", address: "http://127.0.0.1:1/", payload: {} });
    expect(s.deliveries()).toMatchObject([{ topic: "customers/update", attempt: 1, status: "error" }]);
  });

  it("waits delayMs before sending", async () => {
    const started = Date.now();
    await sender().send({ topic: "customers/update", address: url, payload: {} }, { delayMs: 60 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(arrivals).toHaveLength(1);
  });
  it("publishes one event to every subscription: one event id, a webhook id per address", async () => {
    const s = sender();
    await s.publish({ topic: "orders/create", addresses: [`${url}/a`, `${url}/b`], payload: { id: 1 }, triggeredAt: "2025-06-01T10:00:00.123456789Z" });
    expect(arrivals.map((a) => a.path).sort()).toEqual(["/a", "/b"]);
    expect(new Set(arrivals.map((a) => header(a, "x-shopify-event-id"))).size).toBe(1);
    expect(new Set(arrivals.map((a) => header(a, "x-shopify-webhook-id"))).size).toBe(2);
    // a string trigger time is sent as given (Shopify sends nanoseconds)
    expect(arrivals.map((a) => header(a, "x-shopify-triggered-at"))).toEqual(["2025-06-01T10:00:00.123456789Z", "2025-06-01T10:00:00.123456789Z"]);
  });

  it("retries with the original headers and bytes: same signature, trigger time and event id", async () => {
    script = [500];
    let tick = Date.parse("2025-06-01T00:00:00.000Z");
    const s = sender({ now: () => new Date((tick += 1_000)) });
    await s.send({ topic: "customers/update", address: url, payload: customerPayload });
    expect(arrivals).toHaveLength(2);
    for (const name of ["x-shopify-hmac-sha256", "x-shopify-triggered-at", "x-shopify-event-id", "x-shopify-webhook-id"]) expect(header(arrivals[1], name), name).toBe(header(arrivals[0], name));
    expect(arrivals[1]?.raw.equals(arrivals[0]?.raw ?? Buffer.alloc(0))).toBe(true);
    expect(s.deliveries().map((d) => [d.attempt, d.status, d.ok, d.ms])).toEqual([
      [1, 500, false, 1_000],
      [2, 200, true, 1_000],
    ]);
  });

  it("does not follow redirects: a 3xx is a failed attempt", async () => {
    script = [302];
    const s = sender({ retrySchedule: [1] });
    await s.send({ topic: "customers/update", address: url, payload: {} });
    expect(arrivals.map((a) => a.path)).toEqual(["/", "/"]);
    expect(s.deliveries().map((d) => d.status)).toEqual([302, 200]);
  });

  it("a dropped signature fails Shopify's own validation too", async () => {
    await sender().send({ topic: "orders/create", address: url, payload: { id: 1 } }, { dropHmac: true });
    expect(await shopifyValidate(arrivals[0])).toMatchObject({ valid: false });
  });

  it("stop() cancels pending retries, and the send resolves", async () => {
    script = [500, 500];
    const s = sender({ retrySchedule: [60_000] });
    const sending = s.send({ topic: "customers/update", address: url, payload: {} });
    await new Promise((resolve) => setTimeout(resolve, 50));
    s.stop();
    await sending;
    expect(s.deliveries()).toMatchObject([{ attempt: 1, status: 500 }]);
  });

  it("defaults to Shopify's schedule: 8 exponential retries over 4 hours", () => {
    expect(SHOPIFY_RETRY_SCHEDULE_MS).toHaveLength(MAX_RETRIES);
    SHOPIFY_RETRY_SCHEDULE_MS.slice(1).forEach((wait, i) => expect(wait / (SHOPIFY_RETRY_SCHEDULE_MS[i] ?? 1)).toBeCloseTo(2, 3));
    expect(SHOPIFY_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0) / 3_600_000).toBeCloseTo(4, 2);
    expect(exponentialBackoff(5, 4)).toEqual([5, 10, 20, 40]);
  });
});
