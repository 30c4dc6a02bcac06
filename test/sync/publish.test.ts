/**
 * Publishing membership (issue 7) against the Shopify stand-in, on SQLite and PostgreSQL: the
 * $app:segments definition with storefront access, only changed customers sent, a publish that
 * dies after some requests resumed without sending anything twice, customers Shopify refuses
 * skipped, deleted segments and tag settings followed, the bucket never overdrawn, another shop
 * never touched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDataset } from "../shopify/admin/builder";
import { startAdminStandIn, type AdminStandIn, type CostRecord, type ShopState } from "../shopify/admin";
import { freshStore, storeKinds, type TestStore } from "../store/harness";
import { runJobsUntilIdle } from "./webhooks-harness";
import type { DatabaseKind, Db } from "~/db/client";
import { installShop } from "~/services/install.server";
import { deleteSegments } from "~/services/segments.server";
import { recomputeSegment, refreshMembership } from "~/services/membership.server";
import {
  ensureSegmentsDefinition,
  publishJobHandler,
  publishShop,
  PUBLISH_JOB,
  queuePublish,
  republishAll,
  setSegmentPublishTag,
  type PublishOptions,
} from "~/services/publish.server";
import { createAdminClient, type AdminClient } from "~/shopify/admin-client.server";
import type { SyncDeps } from "~/sync/deps";

const kinds = await storeKinds();
const NOW = new Date("2026-03-10T12:00:00Z");
const APP_NAMESPACE = "app--7000001";

let standIn: AdminStandIn;
const costs = new Map<string, CostRecord[]>();
/** each test shop's client, by domain: what the jobs' adminFor hands out */
const admins = new Map<string, AdminClient>();
beforeAll(async () => {
  standIn = await startAdminStandIn({ onCost: (domain, record) => costs.set(domain, [...(costs.get(domain) ?? []), record]) });
});
afterAll(() => standIn.close());

/** What the app sent in its publishing requests, field by field. */
class Sent {
  requests = 0;
  readonly sets: { ownerId: string; value: string }[] = [];
  readonly deletes: string[] = [];
  readonly tagsAdd: { ownerId: string; tags: string[] }[] = [];
  readonly tagsRemove: { ownerId: string; tags: string[] }[] = [];
  /** publishing requests after this many fail before they leave the process (a crash) */
  failAfter = Number.POSITIVE_INFINITY;

  fetch: typeof fetch = async (input, init) => {
    const body = JSON.parse(String(init?.body ?? "{}")) as { query: string; variables: Record<string, unknown> };
    if (body.query.includes("AppPublishSegments")) {
      if (this.requests >= this.failAfter) throw new Error("the process died before the request left");
      this.requests += 1;
      for (const [, index, kind] of body.query.matchAll(/f(\d+): (metafieldsSet|metafieldsDelete|tagsAdd|tagsRemove)\(/g)) {
        const value = body.variables[`v${index}`];
        if (kind === "metafieldsSet") this.sets.push(...(value as { ownerId: string; value: string }[]).map(({ ownerId, value }) => ({ ownerId, value })));
        if (kind === "metafieldsDelete") this.deletes.push(...(value as { ownerId: string }[]).map((m) => m.ownerId));
        if (kind === "tagsAdd") this.tagsAdd.push({ ownerId: value as string, tags: body.variables[`t${index}`] as string[] });
        if (kind === "tagsRemove") this.tagsRemove.push({ ownerId: value as string, tags: body.variables[`t${index}`] as string[] });
      }
    }
    return fetch(input, init);
  };

  clear(): void {
    this.requests = 0;
    this.sets.length = 0;
    this.deletes.length = 0;
    this.tagsAdd.length = 0;
    this.tagsRemove.length = 0;
  }
}

const gidOf = (shopifyId: string) => `gid://shopify/Customer/${shopifyId}`;

/** The $app:segments value the stand-in holds for the customer, or null. */
function carried(remote: ShopState, shopifyId: string): string[] | null {
  const metafield = remote.metafields.get(gidOf(shopifyId))?.find((m) => m.namespace === APP_NAMESPACE && m.key === "segments");
  return metafield ? (JSON.parse(metafield.value) as string[]) : null;
}

interface TestShop {
  domain: string;
  shopId: number;
  remote: ShopState;
  /** store id → Shopify id */
  shopifyIds: Map<number, string>;
  customerIds: number[];
  sent: Sent;
  admin: AdminClient;
  deps: SyncDeps;
}

/** A shop of n customers in the stand-in and the store; customer i (0-based) has spent i × 10.00 in i % 3 orders. */
async function makeShop(db: Db, kind: DatabaseKind, domain: string, customers: number, limits?: { maximumAvailable: number; restoreRate: number }): Promise<TestShop> {
  const data = buildDataset({ domain, customers, ordersEach: 0 });
  const token = `token-${domain}`;
  const remote = standIn.addShop(data, token, limits);
  const shop = await db.shop.create({ data: { domain, name: domain, currencyCode: "EUR" } });
  await db.customer.createMany({
    data: data.customers.map((c, i) => ({ shopId: shop.id, shopifyId: c.id, shopifyCreatedAt: NOW, shopifyUpdatedAt: NOW, amountSpentMinor: BigInt(i * 1_000), numberOfOrders: i % 3 })),
  });
  const rows = await db.customer.findMany({ where: { shopId: shop.id }, select: { id: true, shopifyId: true }, orderBy: { id: "asc" } });
  const sent = new Sent();
  const admin = createAdminClient({ shop: domain, accessToken: token, apiVersion: "2026-10", origin: standIn.url, fetch: sent.fetch, retry: { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 200 } });
  admins.set(domain, admin);
  const deps: SyncDeps = {
    db,
    kind,
    now: () => new Date(),
    adminFor: async (shopDomain) => {
      const found = admins.get(shopDomain);
      if (!found) throw new Error(`no client for ${shopDomain}`);
      return found;
    },
  };
  return { domain, shopId: shop.id, remote, shopifyIds: new Map(rows.map((r) => [r.id, r.shopifyId])), customerIds: rows.map((r) => r.id), sent, admin, deps };
}

async function segment(db: Db, kind: DatabaseKind, shopId: number, handle: string, query: string, publishTag = false) {
  const created = await db.segment.create({ data: { shopId, name: handle, handle, query, publishTag } });
  await recomputeSegment(db, kind, { shopId, segmentId: created.id, now: NOW });
  return created;
}

function publishJobs(shop: TestShop, options: PublishOptions = {}) {
  return runJobsUntilIdle(shop.deps.db, { [PUBLISH_JOB]: publishJobHandler(shop.deps, options) }, { timeoutMs: 60_000 });
}

async function dirty(db: Db, shopId: number): Promise<number> {
  return db.customerPublication.count({ where: { shopId, dirty: true } });
}

describe.each(kinds)("publishing membership on %s", (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(kind);
  });
  afterAll(() => store.drop());

  it("creates the $app:segments definition once, readable by the storefront, and finds it when it is taken", async () => {
    const db = store.db;
    const shop = await makeShop(db, kind, `definition-${kind}.myshopify.com`, 2);
    const id = await ensureSegmentsDefinition({ db, admin: shop.admin, shopId: shop.shopId });
    expect(await ensureSegmentsDefinition({ db, admin: shop.admin, shopId: shop.shopId })).toBe(id);
    const definitions = shop.remote.metafieldDefinitions.filter((d) => d.namespace === APP_NAMESPACE);
    expect(definitions).toEqual([
      expect.objectContaining({ key: "segments", name: "Segments", type: "list.single_line_text_field", ownerType: "CUSTOMER", access: { admin: "MERCHANT_READ", storefront: "PUBLIC_READ", customerAccount: "NONE" } }),
    ]);
    expect(id).toBe(`gid://shopify/MetafieldDefinition/${definitions[0]?.id}`);
    // the store forgot it (a restored backup, say): Shopify answers TAKEN and the same definition is found
    await db.shop.update({ where: { id: shop.shopId }, data: { segmentsDefinitionId: null } });
    expect(await ensureSegmentsDefinition({ db, admin: shop.admin, shopId: shop.shopId })).toBe(id);
    expect(shop.remote.metafieldDefinitions.filter((d) => d.namespace === APP_NAMESPACE)).toHaveLength(1);
    expect((await db.shop.findUniqueOrThrow({ where: { id: shop.shopId } })).segmentsDefinitionId).toBe(id);
  });

  it("publishes each member's sorted handles, then only what changed; leavers lose the metafield; another shop is never touched", async () => {
    const db = store.db;
    const shop = await makeShop(db, kind, `changes-${kind}.myshopify.com`, 60);
    const other = await makeShop(db, kind, `other-${kind}.myshopify.com`, 10);
    await segment(db, kind, other.shopId, "others", "amount_spent >= 0");
    const big = await segment(db, kind, shop.shopId, "big", "amount_spent >= 300");
    await segment(db, kind, shop.shopId, "active", "number_of_orders >= 1");
    // customer i: big from i = 30, active unless i % 3 = 0
    const wanted = (i: number) => [...(i % 3 !== 0 ? ["active"] : []), ...(i >= 30 ? ["big"] : [])];
    expect(await dirty(db, shop.shopId)).toBe(shop.customerIds.filter((_, i) => wanted(i).length > 0).length);
    expect(await db.job.count({ where: { kind: PUBLISH_JOB, shopId: shop.shopId, state: "QUEUED" } })).toBe(1);

    // both shops' jobs run; each shop's client sends only its own
    await publishJobs(shop);
    shop.customerIds.forEach((id, i) => {
      const value = carried(shop.remote, shop.shopifyIds.get(id) as string);
      expect(value, `customer ${i}`).toEqual(wanted(i).length > 0 ? wanted(i) : null);
    });
    const members = shop.customerIds.filter((_, i) => wanted(i).length > 0).length;
    expect(shop.sent.sets).toHaveLength(members);
    expect(new Set(shop.sent.sets.map((s) => s.ownerId)).size).toBe(members);
    expect(shop.sent.deletes).toEqual([]);
    expect(await dirty(db, shop.shopId)).toBe(0);
    // 40 writes fit one request of 25 × bucket-sized fields
    expect(shop.sent.requests).toBeLessThanOrEqual(2);
    // the other shop: its customers carry only its own segment, nothing of this shop's went there
    for (const id of other.customerIds) expect(carried(other.remote, other.shopifyIds.get(id) as string)).toEqual(["others"]);
    expect(other.sent.sets.every((s) => JSON.parse(s.value)[0] === "others")).toBe(true);

    // three customers change: 31 stops being big, 3 starts being active, 4 stops being active (and is in nothing then)
    shop.sent.clear();
    const [c31, c3, c4] = [31, 3, 4].map((i) => shop.customerIds[i] as number) as [number, number, number];
    await db.customer.update({ where: { id: c31 }, data: { amountSpentMinor: 0n } });
    await db.customer.update({ where: { id: c3 }, data: { numberOfOrders: 2 } });
    await db.customer.update({ where: { id: c4 }, data: { numberOfOrders: 0 } });
    // a refresh that changes nothing for others sends nothing for them
    await refreshMembership(db, { shopId: shop.shopId, customerIds: [...shop.customerIds], now: NOW });
    await publishJobs(shop);
    expect(shop.sent.sets.map((s) => [s.ownerId, JSON.parse(s.value)]).sort()).toEqual(
      [
        [gidOf(shop.shopifyIds.get(c31) as string), ["active"]],
        [gidOf(shop.shopifyIds.get(c3) as string), ["active"]],
      ].sort(),
    );
    expect(shop.sent.deletes).toEqual([gidOf(shop.shopifyIds.get(c4) as string)]);
    expect(carried(shop.remote, shop.shopifyIds.get(c4) as string)).toBeNull();
    expect(carried(shop.remote, shop.shopifyIds.get(c3) as string)).toEqual(["active"]);

    // nothing changed: nothing dirty, no request
    shop.sent.clear();
    await refreshMembership(db, { shopId: shop.shopId, customerIds: [...shop.customerIds], now: NOW });
    await queuePublish(db, { shopId: shop.shopId });
    await publishJobs(shop);
    expect(shop.sent.requests).toBe(0);

    // a deleted segment leaves its members' metafields; the other shop's rows are still its own
    await deleteSegments({ db, shop: shop.domain, ids: [big.id] });
    await publishJobs(shop);
    expect(shop.sent.sets.every((s) => !JSON.parse(s.value).includes("big"))).toBe(true);
    shop.customerIds.forEach((id, i) => {
      const expected = wanted(i).filter((h) => h !== "big");
      if (i === 3) expected.push("active");
      const value = carried(shop.remote, shop.shopifyIds.get(id) as string);
      expect(value, `customer ${i}`).toEqual(i === 4 || expected.length === 0 ? null : expected);
    });
    expect(await dirty(db, other.shopId)).toBe(0);
    expect(other.sent.requests).toBe(1);
  }, 60_000);

  it.each([
    { where: "between chunks", options: { maxFieldsPerRequest: 1, concurrency: 3 }, failAfter: 3 },
    { where: "inside a chunk of several requests", options: { maxFieldsPerRequest: 1, chunkSize: 100, concurrency: 1 }, failAfter: 6 },
  ])("a publish that dies $where resumes with exactly the customers not yet done", async ({ where, options, failAfter }: { where: string; options: PublishOptions; failAfter: number }) => {
    const db = store.db;
    const shop = await makeShop(db, kind, `resume-${where.split(" ")[0]}-${kind}.myshopify.com`, 200);
    await segment(db, kind, shop.shopId, "everyone", "amount_spent >= 0");
    shop.sent.failAfter = failAfter;
    await expect(publishShop({ db, kind, admin: shop.admin }, { shopId: shop.shopId }, options)).rejects.toThrow(/the process died/);
    const first = shop.sent.sets.map((s) => s.ownerId);
    expect(first).toHaveLength(failAfter * 25);
    // every customer Shopify got is recorded; the rest wait
    expect(await dirty(db, shop.shopId)).toBe(200 - first.length);

    shop.sent.clear();
    shop.sent.failAfter = Number.POSITIVE_INFINITY;
    const stats = await publishShop({ db, kind, admin: shop.admin }, { shopId: shop.shopId }, options);
    const second = shop.sent.sets.map((s) => s.ownerId);
    expect(second).toHaveLength(200 - first.length);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    expect(new Set([...first, ...second]).size).toBe(200);
    expect(stats).toMatchObject({ customers: 200 - first.length, unchanged: 0, failed: 0, metafieldsSet: 200 - first.length });
    expect(await dirty(db, shop.shopId)).toBe(0);
  }, 60_000);

  it("skips a customer Shopify no longer has, records why, and publishes the others of its request", async () => {
    const db = store.db;
    const shop = await makeShop(db, kind, `refused-${kind}.myshopify.com`, 30);
    await segment(db, kind, shop.shopId, "everyone", "amount_spent >= 0");
    const gone = shop.customerIds[7] as number;
    shop.remote.customers.delete(shop.shopifyIds.get(gone) as string);
    const stats = await publishShop({ db, kind, admin: shop.admin }, { shopId: shop.shopId }, {});
    expect(stats).toMatchObject({ customers: 30, failed: 1, metafieldsSet: 29 });
    for (const id of shop.customerIds) if (id !== gone) expect(carried(shop.remote, shop.shopifyIds.get(id) as string)).toEqual(["everyone"]);
    const row = await db.customerPublication.findUniqueOrThrow({ where: { customerId: gone } });
    expect(row).toMatchObject({ dirty: false, segments: "[]" });
    expect(row.error).toMatch(/Owner does not exist/);
    // not tried again until its membership changes
    shop.sent.clear();
    await publishShop({ db, kind, admin: shop.admin }, { shopId: shop.shopId }, {});
    expect(shop.sent.requests).toBe(0);
  }, 60_000);

  it("adds and removes `segment:<handle>` tags as the setting and membership change, leaving the merchant's tags", async () => {
    const db = store.db;
    const shop = await makeShop(db, kind, `tags-${kind}.myshopify.com`, 6);
    const vip = await segment(db, kind, shop.shopId, "vip", "amount_spent >= 30", true);
    await publishJobs(shop);
    const tagsOf = (i: number) => shop.remote.customers.get(shop.shopifyIds.get(shop.customerIds[i] as number) as string)?.tags;
    // the dataset gives every second customer the merchant's own tag "vip"; ours is segment:vip
    expect([0, 1, 2, 3, 4, 5].map(tagsOf)).toEqual([[], ["vip"], [], ["vip", "segment:vip"], ["segment:vip"], ["vip", "segment:vip"]]);
    expect(shop.sent.tagsAdd).toHaveLength(3);

    shop.sent.clear();
    await db.customer.update({ where: { id: shop.customerIds[5] as number }, data: { amountSpentMinor: 0n } });
    await refreshMembership(db, { shopId: shop.shopId, customerIds: [shop.customerIds[5] as number], now: NOW });
    await publishJobs(shop);
    expect(tagsOf(5)).toEqual(["vip"]);
    expect(shop.sent.tagsRemove).toEqual([{ ownerId: gidOf(shop.shopifyIds.get(shop.customerIds[5] as number) as string), tags: ["segment:vip"] }]);

    // the setting off: the tag goes from every member, the metafield stays
    expect(await setSegmentPublishTag({ db, shopId: shop.shopId, segmentId: vip.id, publishTag: false })).toBe(true);
    await publishJobs(shop);
    expect([0, 1, 2, 3, 4, 5].map(tagsOf)).toEqual([[], ["vip"], [], ["vip"], [], ["vip"]]);
    expect(carried(shop.remote, shop.shopifyIds.get(shop.customerIds[4] as number) as string)).toEqual(["vip"]);
    // another shop's segment id changes nothing
    expect(await setSegmentPublishTag({ db, shopId: shop.shopId + 999, segmentId: vip.id, publishTag: true })).toBe(false);
  }, 60_000);

  it("republish all writes every metafield again, whatever Shopify holds", async () => {
    const db = store.db;
    const shop = await makeShop(db, kind, `republish-${kind}.myshopify.com`, 12);
    await segment(db, kind, shop.shopId, "early", "amount_spent < 60");
    await publishJobs(shop);
    // someone removed a customer's metafield in Shopify
    shop.remote.metafields.delete(gidOf(shop.shopifyIds.get(shop.customerIds[0] as number) as string));
    shop.sent.clear();
    const { customers } = await republishAll({ db, kind, shopId: shop.shopId });
    expect(customers).toBe(6);
    await publishJobs(shop);
    expect(shop.sent.sets).toHaveLength(6);
    for (const [i, id] of shop.customerIds.entries()) expect(carried(shop.remote, shop.shopifyIds.get(id) as string)).toEqual(i < 6 ? ["early"] : null);
  }, 60_000);

  it("install makes the definition; a reinstall writes every customer's metafield again", async () => {
    const db = store.db;
    const shop = await makeShop(db, kind, `install-${kind}.myshopify.com`, 8);
    await db.shop.update({ where: { id: shop.shopId }, data: { syncState: "SUCCEEDED" } });
    const install = () => installShop({ db, admin: shop.admin, shop: shop.domain, scopes: "read_customers,write_customers", appUrl: "https://app.example.com", registerWebhooksViaApi: false });
    await install();
    const { segmentsDefinitionId } = await db.shop.findUniqueOrThrow({ where: { id: shop.shopId } });
    expect(segmentsDefinitionId).toMatch(/^gid:\/\/shopify\/MetafieldDefinition\/\d+$/);
    await segment(db, kind, shop.shopId, "first", "amount_spent < 40");
    await publishJobs(shop);
    expect(shop.sent.sets).toHaveLength(4);
    // uninstalled (Shopify drops what the app owned), then installed again: nothing in membership changed
    shop.remote.metafields.clear();
    shop.remote.metafieldDefinitions.splice(0, shop.remote.metafieldDefinitions.length);
    await db.shop.update({ where: { id: shop.shopId }, data: { installState: "UNINSTALLED" } });
    shop.sent.clear();
    await install();
    await runJobsUntilIdle(db, { [PUBLISH_JOB]: publishJobHandler(shop.deps) }, { timeoutMs: 60_000 });
    expect(shop.sent.sets).toHaveLength(4);
    for (const [i, id] of shop.customerIds.entries()) expect(carried(shop.remote, shop.shopifyIds.get(id) as string)).toEqual(i < 4 ? ["first"] : null);
    expect(shop.remote.metafieldDefinitions.filter((d) => d.namespace === APP_NAMESPACE && d.access.storefront === "PUBLIC_READ")).toHaveLength(1);
  }, 60_000);

  it("never asks for more than the bucket holds, starting nearly empty and small", async () => {
    const db = store.db;
    const domain = `bucket-${kind}.myshopify.com`;
    const limits = { maximumAvailable: 60, restoreRate: 50 };
    const shop = await makeShop(db, kind, domain, 40, limits);
    await segment(db, kind, shop.shopId, "tagged", "amount_spent >= 200", true);
    await segment(db, kind, shop.shopId, "all", "amount_spent >= 0");
    shop.remote.bucket.available = 1;
    shop.remote.bucket.updatedAtMs = Date.now();
    await publishJobs(shop);
    for (const [i, id] of shop.customerIds.entries()) expect(carried(shop.remote, shop.shopifyIds.get(id) as string)).toEqual(i >= 20 ? ["all", "tagged"] : ["all"]);
    expect(shop.sent.tagsAdd).toHaveLength(20);
    const records = costs.get(domain) ?? [];
    const executed = records.filter((r) => !r.throttled);
    expect(executed.every((r) => r.availableBefore >= r.requestedQueryCost)).toBe(true);
    expect(executed.every((r) => r.requestedQueryCost <= limits.maximumAvailable)).toBe(true);
    expect(shop.remote.usage.lowestAvailable).toBeGreaterThanOrEqual(0);
    // only the very first request, sent before any answer said how full the bucket was, may be refused
    expect(records.flatMap((r, i) => (r.throttled ? [i] : [])).filter((i) => i > 0)).toEqual([]);
    expect(shop.remote.usage.charged).toBeGreaterThan(limits.maximumAvailable * 3);
  }, 60_000);
});
