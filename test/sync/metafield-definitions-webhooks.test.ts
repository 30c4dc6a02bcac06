/**
 * The metafield_definitions/* webhooks: a signed delivery from the stand-in's sender reaches the
 * route and the inbox; processing reads the shop's customer definitions back through the Admin
 * API (the bodies are thin), replaces the store's, and re-checks the segments naming a definition
 * that came or went. Other owner types, bad bodies and uninstalled shops are handled without a 500
 * or a lost event.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "~/db/client";
import { namesMetafield } from "~/services/metafield-definitions.server";
import { createAdminClient, runOperation } from "~/shopify/admin-client.server";
import { defineOperation, graphql } from "~/shopify/graphql";
import { parseWebhookBody } from "~/shopify/webhook-payloads";
import type { SyncDeps } from "~/sync/deps";
import { webhookJobHandlers } from "~/sync/inbox.server";
import { z } from "zod";
import { buildDataset } from "../shopify/admin/builder";
import { startAdminStandIn, type AdminStandIn, type ChangeEvent, type CostRecord } from "../shopify/admin";
import { metafieldDefinitionDeletePayload, metafieldDefinitionPayload, WebhookSender, type MetafieldDefinitionRecord } from "../shopify/webhooks";
import { freshStore, storeKinds, type TestStore } from "../store/harness";
import { deliver, runJobsUntilIdle } from "./webhooks-harness";

const ctx = await vi.hoisted(() => import("../app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));
const { installTestShop } = await import("../app/test-app");

const kinds = await storeKinds();
let standIn: AdminStandIn;
const changes: ChangeEvent[] = [];
const requests: CostRecord[] = [];

beforeAll(async () => {
  standIn = await startAdminStandIn({ onChange: (event) => changes.push(event), onCost: (_shop, record) => requests.push(record) });
});
afterAll(async () => {
  await standIn.close();
  await ctx.store.drop();
});

/** The body Shopify sends for the change the stand-in reported last on this topic. */
function lastBody(domain: string, topic: string): unknown {
  const event = changes.filter((c) => c.shopDomain === domain && c.topic === topic).pop();
  if (!event) throw new Error(`the stand-in reported no ${topic}`);
  const shopId = Number(standIn.shop(domain).numericId);
  return topic === "metafield_definitions/delete"
    ? metafieldDefinitionDeletePayload(event.resource as unknown as { id: string; type: string })
    : metafieldDefinitionPayload(event.resource as unknown as MetafieldDefinitionRecord, shopId);
}

function depsFor(db: Db, kind: TestStore["kind"], token: string): SyncDeps {
  return {
    db,
    kind,
    now: () => new Date(),
    adminFor: async (shopDomain) => createAdminClient({ shop: shopDomain, accessToken: token, apiVersion: "2026-10", origin: standIn.url, retry: { maxAttempts: 1 } }),
  };
}

const held = async (db: Db, shopId: number) => (await db.metafieldDefinition.findMany({ where: { shopId }, orderBy: [{ namespace: "asc" }, { key: "asc" }] })).map((d) => `${d.namespace}.${d.key}`);

describe("metafield definition bodies", () => {
  it("are read for the owner type (create, update) or the definition's id (delete), with a clear error otherwise", () => {
    const create = metafieldDefinitionPayload({ ownerType: "CUSTOMER", namespace: "facts", key: "birth_date", name: "Birthday", type: "date" }, 1);
    expect(parseWebhookBody("metafield_definitions/create", JSON.stringify(create))).toEqual({ ok: true, topic: "metafield_definitions/create", body: { owner_type: "Customer", namespace: "facts", key: "birth_date", type_name: "date" } });
    expect(parseWebhookBody("metafield_definitions/update", JSON.stringify({ ...create, owner_type: 5 }))).toEqual({
      ok: false,
      error: "metafield_definitions/update body is not what Shopify sends: owner_type: Invalid input: expected string, received number",
    });
    expect(parseWebhookBody("metafield_definitions/delete", JSON.stringify(metafieldDefinitionDeletePayload({ id: "12", type: "date" })))).toMatchObject({ ok: true, body: { id: "gid://shopify/MetafieldDefinition/12" } });
    expect(parseWebhookBody("metafield_definitions/delete", JSON.stringify({ id: 12, type: "x" }))).toMatchObject({ ok: false, error: expect.stringContaining("id: ") });
  });

  it("a segment names a metafield as a filter or inside anniversary(), not as a prefix of a longer key", () => {
    expect(namesMetafield("metafields.facts.birth_date IS NOT NULL", "facts.birth_date")).toBe(true);
    expect(namesMetafield("anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d", "facts.birth_date")).toBe(true);
    expect(namesMetafield("metafields.facts.birth_date_2 IS NOT NULL", "facts.birth_date")).toBe(false);
    expect(namesMetafield("metafields.facts.birth_dates IS NOT NULL AND amount_spent > 5", "facts.birth_date")).toBe(false);
    expect(namesMetafield("metafields.custom.a-b = 'x'", "custom.a")).toBe(false);
    expect(namesMetafield("metafields.facts2.birth_date IS NULL", "facts.birth_date")).toBe(false);
  });
});

describe.each(kinds)("metafield_definitions/* processing on %s", (kind) => {
  let store: TestStore;
  let db: Db;
  const domain = `definitions-${kind}.myshopify.com`;
  const token = `definitions-token-${kind}`;
  let shopId: number;
  let deps: SyncDeps;
  let birthdayId: string;
  let shoesId: string;

  beforeAll(async () => {
    store = await freshStore(kind);
    db = store.db;
    standIn.addShop(buildDataset({ domain, customers: 6, ordersEach: 0 }), token);
    shopId = (await db.shop.create({ data: { domain, name: "Definitions", currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam" } })).id;
    const now = new Date();
    for (const [i, size] of ["44", "46", null].entries()) {
      const customer = await db.customer.create({ data: { shopId, shopifyId: String(7000000001 + i), shopifyCreatedAt: now, shopifyUpdatedAt: now } });
      if (size) await db.customerMetafield.create({ data: { shopId, customerId: customer.id, namespace: "facts", key: "shoe_size", type: "number_integer", value: size } });
      await db.customerMetafield.create({ data: { shopId, customerId: customer.id, namespace: "custom", key: "birthday", type: "date", value: "1984-03-02" } });
    }
    // saved before the store knew a definition: neither checks yet
    birthdayId = (await db.segment.create({ data: { shopId, name: "Birthday known", handle: "birthday-known", query: "metafields.custom.birthday IS NOT NULL" } })).id;
    shoesId = (await db.segment.create({ data: { shopId, name: "Big feet", handle: "big-feet", query: "metafields.facts.shoe_size >= 45" } })).id;
    deps = depsFor(db, kind, token);
  });
  afterAll(() => store.drop());

  const members = async (segmentId: string) => (await db.segment.findUniqueOrThrow({ where: { id: segmentId }, select: { memberCount: true } })).memberCount;
  const lastEvent = () => db.webhookEvent.findFirstOrThrow({ where: { shopDomain: domain }, orderBy: { id: "desc" } });
  const process = () => runJobsUntilIdle(db, webhookJobHandlers(deps));

  it("create: the shop's definitions are read back and stored; segments naming them get their members", async () => {
    standIn.actions.createMetafieldDefinition(domain, { ownerType: "CUSTOMER", namespace: "facts", key: "shoe_size", name: "Shoe size", type: "number_integer" });
    expect(await deliver(db, domain, "metafield_definitions/create", lastBody(domain, "metafield_definitions/create"), { webhookId: `create-${kind}` })).toBe("stored");
    await process();
    // Shopify's list, not only the body's definition: the dataset's custom.birthday comes too
    expect(await held(db, shopId)).toEqual(["custom.birthday", "facts.shoe_size"]);
    expect(await db.metafieldDefinition.findFirst({ where: { shopId, key: "shoe_size" } })).toMatchObject({ name: "Shoe size", type: "number_integer", shopifyId: expect.stringMatching(/^gid:\/\/shopify\/MetafieldDefinition\/\d+$/) });
    expect(await lastEvent()).toMatchObject({ topic: "metafield_definitions/create", status: "DONE", lastError: null });
    expect(await members(shoesId)).toBe(1);
    expect(await members(birthdayId)).toBe(3);
    // the same delivery again is not stored again
    expect(await deliver(db, domain, "metafield_definitions/create", lastBody(domain, "metafield_definitions/create"), { webhookId: `create-${kind}` })).toBe("duplicate");
  });

  it("update: a rename follows", async () => {
    standIn.actions.updateMetafieldDefinition(domain, "CUSTOMER", "facts", "shoe_size", { name: "Shoe size (EU)" });
    await deliver(db, domain, "metafield_definitions/update", lastBody(domain, "metafield_definitions/update"));
    await process();
    expect(await db.metafieldDefinition.findFirst({ where: { shopId, key: "shoe_size" }, select: { name: true } })).toEqual({ name: "Shoe size (EU)" });
    expect(await lastEvent()).toMatchObject({ status: "DONE", lastError: null });
  });

  it("the app's own definition ($app namespace) is reported too, and never stored", async () => {
    const client = await deps.adminFor(domain);
    const create = defineOperation<{ metafieldDefinitionCreate: { userErrors: unknown[] } }>(
      graphql`#graphql
        mutation AppTestDefinitionCreate {
          metafieldDefinitionCreate(definition: { name: "Segments", namespace: "$app", key: "segments", type: "list.single_line_text_field", ownerType: CUSTOMER }) { userErrors { message } }
        }
      `,
      z.object({ metafieldDefinitionCreate: z.object({ userErrors: z.array(z.unknown()) }) }),
    );
    expect((await runOperation(client, create)).metafieldDefinitionCreate.userErrors).toEqual([]);
    const body = lastBody(domain, "metafield_definitions/create");
    expect(body).toMatchObject({ namespace: expect.stringMatching(/^app--/), owner_type: "Customer" });
    await deliver(db, domain, "metafield_definitions/create", body);
    await process();
    expect(await held(db, shopId)).toEqual(["custom.birthday", "facts.shoe_size"]);
  });

  it("delete: the definition leaves; a segment naming it keeps its members and nothing fails", async () => {
    standIn.actions.deleteMetafieldDefinition(domain, "CUSTOMER", "custom", "birthday");
    await deliver(db, domain, "metafield_definitions/delete", lastBody(domain, "metafield_definitions/delete"));
    await process();
    expect(await held(db, shopId)).toEqual(["facts.shoe_size"]);
    expect(await lastEvent()).toMatchObject({ topic: "metafield_definitions/delete", status: "DONE", lastError: null });
    expect(await members(birthdayId)).toBe(3);
    expect(await members(shoesId)).toBe(1);
  });

  it("another owner type is ignored without asking Shopify", async () => {
    const before = requests.length;
    const product = metafieldDefinitionPayload({ ownerType: "PRODUCT", namespace: "specs", key: "weight", name: "Weight", type: "number_decimal" }, Number(standIn.shop(domain).numericId));
    await deliver(db, domain, "metafield_definitions/create", product);
    await process();
    expect(await lastEvent()).toMatchObject({ status: "DONE", lastError: "a Product metafield definition is no customer filter: ignored" });
    expect(requests.length).toBe(before);
    expect(await held(db, shopId)).toEqual(["facts.shoe_size"]);
  });

  it("a body that is not what Shopify sends fails for good, naming the field, and changes nothing", async () => {
    await deliver(db, domain, "metafield_definitions/update", { namespace: "facts", key: "shoe_size" });
    await process();
    expect(await lastEvent()).toMatchObject({ status: "FAILED", lastError: expect.stringContaining("owner_type: ") });
    expect(await held(db, shopId)).toEqual(["facts.shoe_size"]);
  });

  it("with the app uninstalled nothing can be read: the event is done with a note", async () => {
    await db.shop.update({ where: { id: shopId }, data: { installState: "UNINSTALLED" } });
    const before = requests.length;
    try {
      await deliver(db, domain, "metafield_definitions/delete", metafieldDefinitionDeletePayload({ id: "1", type: "date" }));
      await process();
    } finally {
      await db.shop.update({ where: { id: shopId }, data: { installState: "INSTALLED" } });
    }
    expect(await lastEvent()).toMatchObject({ status: "DONE", lastError: "the app is not installed: the shop's metafield definitions cannot be read" });
    expect(requests.length).toBe(before);
  });
});

describe("a signed metafield_definitions/create from the stand-in's sender", () => {
  it("reaches the route, is stored in the inbox, and its processing brings the definition", async () => {
    const domain = "signed-definitions.myshopify.com";
    const token = "signed-definitions-token";
    standIn.addShop(buildDataset({ domain, customers: 1, ordersEach: 0 }), token);
    const shop = await installTestShop(ctx, domain);
    const routes = {
      "metafield_definitions/create": await import("~/routes/webhooks.metafield-definitions.create"),
      "metafield_definitions/update": await import("~/routes/webhooks.metafield-definitions.update"),
      "metafield_definitions/delete": await import("~/routes/webhooks.metafield-definitions.delete"),
    };
    const answers: number[] = [];
    const sender = new WebhookSender({
      appSecret: ctx.apiSecret,
      apiVersion: "2026-10",
      shopDomain: domain,
      retrySchedule: [],
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const topic = request.headers.get("x-shopify-topic") as keyof typeof routes;
        const response = await routes[topic].action({ request, params: {}, context: {} } as ActionFunctionArgs);
        answers.push(response.status);
        return response;
      },
    });
    const address = `${ctx.appUrl}/webhooks/metafield-definitions/create`;
    standIn.actions.createMetafieldDefinition(domain, { ownerType: "CUSTOMER", namespace: "facts", key: "birth_date", name: "Birthday", type: "date" });
    await sender.send({ topic: "metafield_definitions/create", address, payload: lastBody(domain, "metafield_definitions/create") });
    // a forged one is refused and stored nowhere
    await sender.send({ topic: "metafield_definitions/delete", address, payload: metafieldDefinitionDeletePayload({ id: "1", type: "date" }) }, { misSign: true });
    expect(answers).toEqual([200, 401]);
    const events = await ctx.store.db.webhookEvent.findMany({ where: { shopDomain: domain } });
    expect(events.map((e) => ({ topic: e.topic, status: e.status }))).toEqual([{ topic: "metafield_definitions/create", status: "PENDING" }]);

    await runJobsUntilIdle(ctx.store.db, webhookJobHandlers(depsFor(ctx.store.db, ctx.store.kind, token)));
    expect(await held(ctx.store.db, shop.id)).toEqual(["custom.birthday", "facts.birth_date"]);
    expect(await ctx.store.db.webhookEvent.findFirstOrThrow({ where: { shopDomain: domain } })).toMatchObject({ status: "DONE", lastError: null });
  });
});
