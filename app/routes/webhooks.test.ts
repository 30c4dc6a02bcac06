import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, describe, expect, it, vi } from "vitest";

const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));

const { installTestShop, webhookRequest } = await import("../../test/app/test-app");
const customersUpdate = await import("./webhooks.customers.update");
const compliance = await import("./webhooks.compliance");

const SHOP = "webhook-test.myshopify.com";
afterAll(() => ctx.store.drop());

const body = JSON.stringify({ id: 7001, email: "ann@example.com", updated_at: "2026-11-20T10:00:00+01:00" });

function deliver(request: Request, route: { action: (args: ActionFunctionArgs) => Promise<Response> } = customersUpdate) {
  return route.action({ request, params: {}, context: {} });
}

describe("webhook routes", () => {
  it("store a signed delivery in the inbox, verbatim, and answer 200", async () => {
    const shop = await installTestShop(ctx, SHOP);
    const response = await deliver(webhookRequest(ctx, { path: "/webhooks/customers/update", topic: "customers/update", shop: SHOP, body, webhookId: "wh-1" }));
    expect(response.status).toBe(200);
    const stored = await ctx.store.db.webhookEvent.findMany({ where: { shopDomain: SHOP } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ shopId: shop.id, topic: "customers/update", webhookId: "wh-1", eventId: "event-wh-1", payload: body, status: "PENDING", apiVersion: "2026-10" });
    expect(stored[0]?.triggeredAt?.toISOString()).toBe("2026-11-20T10:00:00.000Z");
    expect((await ctx.store.db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).lastWebhookAt).not.toBeNull();
    // its processing is queued with it, in the same transaction
    expect(await ctx.store.db.job.findMany({ select: { kind: true, payload: true, state: true, shopId: true } })).toEqual([
      { kind: "webhook.process", payload: { eventId: stored[0]?.id }, state: "QUEUED", shopId: null },
    ]);
  });

  it("acknowledge a repeated delivery (same X-Shopify-Webhook-Id) without storing it again", async () => {
    const response = await deliver(webhookRequest(ctx, { path: "/webhooks/customers/update", topic: "customers/update", shop: SHOP, body, webhookId: "wh-1" }));
    expect(response.status).toBe(200);
    expect(await ctx.store.db.webhookEvent.count({ where: { shopDomain: SHOP, webhookId: "wh-1" } })).toBe(1);
    expect(await ctx.store.db.job.count({ where: { kind: "webhook.process" } })).toBe(1);
  });

  it("answer 401 to a bad HMAC and store nothing", async () => {
    const response = await deliver(
      webhookRequest(ctx, { path: "/webhooks/customers/update", topic: "customers/update", shop: SHOP, body, webhookId: "wh-forged", secret: "wrong" }),
    );
    expect(response.status).toBe(401);
    expect(await ctx.store.db.webhookEvent.count({ where: { webhookId: "wh-forged" } })).toBe(0);
    expect(await ctx.store.db.job.count({ where: { kind: "webhook.process" } })).toBe(1);
  });

  it("answer 401 to a delivery with no HMAC header", async () => {
    const request = webhookRequest(ctx, { path: "/webhooks/customers/update", topic: "customers/update", shop: SHOP, body, webhookId: "wh-nohmac" });
    request.headers.delete("X-Shopify-Hmac-Sha256");
    const response = await deliver(request);
    expect(response.status).toBe(401);
    expect(await ctx.store.db.webhookEvent.count({ where: { webhookId: "wh-nohmac" } })).toBe(0);
  });

  it("answer 400, not 500, to a signed body that is not JSON", async () => {
    const response = await deliver(webhookRequest(ctx, { path: "/webhooks/customers/update", topic: "customers/update", shop: SHOP, body: "{not json", webhookId: "wh-garbage" }));
    expect(response.status).toBe(400);
    expect(await ctx.store.db.webhookEvent.count({ where: { webhookId: "wh-garbage" } })).toBe(0);
  });

  it("take the GDPR topics on the compliance route, and deliveries for a shop the app does not know", async () => {
    const redact = JSON.stringify({ shop_id: 1, shop_domain: "unknown.myshopify.com", customer: { id: 5, email: "x@example.com", phone: null }, orders_to_redact: [] });
    const response = await deliver(
      webhookRequest(ctx, { path: "/webhooks/compliance", topic: "customers/redact", shop: "unknown.myshopify.com", body: redact, webhookId: "wh-gdpr" }),
      compliance,
    );
    expect(response.status).toBe(200);
    expect(await ctx.store.db.webhookEvent.findFirst({ where: { webhookId: "wh-gdpr" } })).toMatchObject({ shopId: null, topic: "customers/redact" });
  });

  it("store no event without its job: when the job cannot be queued the delivery fails and Shopify retries it", async () => {
    // the job insert fails inside the delivery's transaction (the route answers 500: Shopify retries)
    await ctx.store.db.$executeRawUnsafe(`CREATE TRIGGER refuse_jobs BEFORE INSERT ON "Job" BEGIN SELECT RAISE(ABORT, 'the queue refuses jobs'); END`);
    try {
      await expect(deliver(webhookRequest(ctx, { path: "/webhooks/customers/update", topic: "customers/update", shop: SHOP, body, webhookId: "wh-atomic" }))).rejects.toThrow(/db\.job\.create/);
    } finally {
      await ctx.store.db.$executeRawUnsafe(`DROP TRIGGER refuse_jobs`);
    }
    expect(await ctx.store.db.webhookEvent.count({ where: { webhookId: "wh-atomic" } })).toBe(0);
    // Shopify's retry of the same delivery is then stored, with its job
    expect((await deliver(webhookRequest(ctx, { path: "/webhooks/customers/update", topic: "customers/update", shop: SHOP, body, webhookId: "wh-atomic" }))).status).toBe(200);
    const event = await ctx.store.db.webhookEvent.findFirstOrThrow({ where: { webhookId: "wh-atomic" } });
    expect(await ctx.store.db.job.count({ where: { kind: "webhook.process", payload: { equals: { eventId: event.id } } } })).toBe(1);
  });
});
