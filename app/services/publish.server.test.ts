import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDataset } from "../../test/shopify/admin/builder";
import { startAdminStandIn, type AdminStandIn } from "../../test/shopify/admin";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { claim, enqueue } from "~/jobs/queue.server";
import { createAdminClient } from "~/shopify/admin-client.server";
import { acquirePublishLease, markCustomersDirty, releasePublishLease } from "~/store/publish.server";
import type { DirtyCustomer } from "~/store/publish.server";
import type { SyncDeps } from "~/sync/deps";
import { fieldsPerRequest, planCustomer, publishJobHandler, PUBLISH_JOB, publishKey, queuePublish } from "./publish.server";

const customer = (segments: string | null, tags: string[] = []): DirtyCustomer => ({ customerId: 1, shopifyId: "7000000001", version: 3, segments, tags: JSON.stringify(tags) });
const member = (handle: string, publishTag = false) => ({ handle, publishTag });

describe("what a customer should carry", () => {
  it("is the sorted handles of its segments, and nothing to send when it carries them", () => {
    const plan = planCustomer(customer("[]"), [member("vip"), member("at-risk"), member("vip")]);
    expect(plan).toMatchObject({ segments: '["at-risk","vip"]', metafield: "set", tagsAdd: [], tagsRemove: [] });
    expect(planCustomer(customer('["at-risk","vip"]'), [member("vip"), member("at-risk")])).toMatchObject({ metafield: null, tagsAdd: [], tagsRemove: [] });
  });

  it("deletes the metafield of a customer in no segment, unless there is none", () => {
    expect(planCustomer(customer('["vip"]'), []).metafield).toBe("delete");
    expect(planCustomer(customer("[]"), []).metafield).toBeNull();
    // unknown (republish all): written or deleted whatever it was
    expect(planCustomer(customer(null), []).metafield).toBe("delete");
    expect(planCustomer(customer(null), [member("vip")]).metafield).toBe("set");
  });

  it("adds and removes only the segment tags that changed, ignoring case, and adds them all again on a republish", () => {
    const plan = planCustomer(customer('["a","b"]', ["segment:a", "segment:old"]), [member("a", true), member("b", true), member("c")]);
    expect(plan).toMatchObject({ tags: ["segment:a", "segment:b"], tagsAdd: ["segment:b"], tagsRemove: ["segment:old"], metafield: "set" });
    expect(planCustomer(customer('["a"]', ["Segment:A"]), [member("a", true)])).toMatchObject({ tagsAdd: [], tagsRemove: [] });
    expect(planCustomer(customer(null, ["segment:a"]), [member("a", true)])).toMatchObject({ tagsAdd: ["segment:a"], tagsRemove: [] });
  });
});

describe("request size", () => {
  const admin = (status: { maximumAvailable: number; restoreRate: number } | null) =>
    ({ bucket: { throttleStatus: status && { ...status, currentlyAvailable: 0 } } }) as unknown as Parameters<typeof fieldsPerRequest>[0];
  it("is about a second of the restore rate, within the bucket and a query's 1,000 points; one field before any answer", () => {
    expect(fieldsPerRequest(admin(null))).toBe(1);
    expect(fieldsPerRequest(admin({ maximumAvailable: 1_000, restoreRate: 100 }))).toBe(10);
    expect(fieldsPerRequest(admin({ maximumAvailable: 10_000, restoreRate: 1_000 }))).toBe(100);
    expect(fieldsPerRequest(admin({ maximumAvailable: 40_000, restoreRate: 2_000 }))).toBe(100);
    expect(fieldsPerRequest(admin({ maximumAvailable: 30, restoreRate: 100 }))).toBe(3);
    expect(fieldsPerRequest(admin({ maximumAvailable: 5, restoreRate: 1 }))).toBe(1);
    expect(fieldsPerRequest(admin({ maximumAvailable: 1_000, restoreRate: 100 }), 4)).toBe(4);
  });
});

const kinds = await storeKinds();
let standIn: AdminStandIn;
beforeAll(async () => {
  standIn = await startAdminStandIn();
});
afterAll(() => standIn.close());

describe.each(kinds)("one publish of a shop at a time, on %s", (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(kind);
  });
  afterAll(() => store.drop());

  it("queues one publish while one waits, and one more behind a running one", async () => {
    const db = store.db;
    const { id: shopId } = await db.shop.create({ data: { domain: `queue-${kind}.myshopify.com`, name: "Q" } });
    const first = await queuePublish(db, { shopId });
    expect(await queuePublish(db, { shopId })).toMatchObject({ id: first.id, dedupeKey: publishKey(shopId) });
    const [running] = await claim(db, PUBLISH_JOB, { workerId: "w", leaseMs: 60_000 });
    expect(running?.id).toBe(first.id);
    const behind = await queuePublish(db, { shopId });
    expect(behind).toMatchObject({ state: "QUEUED", dedupeKey: `${publishKey(shopId)}:next` });
    expect((await queuePublish(db, { shopId })).id).toBe(behind.id);
  });

  it("lets a second job leave the work to the live one holding the lease, which finds the change after letting go", async () => {
    const db = store.db;
    const domain = `lease-${kind}.myshopify.com`;
    const data = buildDataset({ domain, customers: 2, ordersEach: 0 });
    const remote = standIn.addShop(data, `token-lease-${kind}`);
    const { id: shopId } = await db.shop.create({ data: { domain, name: "Lease" } });
    const at = new Date("2026-03-10T12:00:00Z");
    await db.customer.createMany({ data: data.customers.map((c) => ({ shopId, shopifyId: c.id, shopifyCreatedAt: at, shopifyUpdatedAt: at })) });
    const ids = (await db.customer.findMany({ where: { shopId }, orderBy: { id: "asc" } })).map((c) => c.id);
    const segment = await db.segment.create({ data: { shopId, name: "All", handle: "all", query: "amount_spent >= 0" } });
    await db.segmentMember.createMany({ data: ids.map((customerId) => ({ shopId, segmentId: segment.id, customerId })) });
    await markCustomersDirty(db, kind, shopId, ids);

    const holder = await enqueue(db, { kind: PUBLISH_JOB, shopId, payload: { shopId } });
    const other = await enqueue(db, { kind: PUBLISH_JOB, shopId, payload: { shopId } });
    expect(await acquirePublishLease(db, kind, shopId, holder.id)).toBe(true);
    expect(await acquirePublishLease(db, kind, shopId, holder.id)).toBe(true);
    expect(await acquirePublishLease(db, kind, shopId, other.id)).toBe(false);

    let asked = 0;
    const admin = createAdminClient({ shop: domain, accessToken: `token-lease-${kind}`, apiVersion: "2026-10", origin: standIn.url });
    const deps: SyncDeps = { db, kind, now: () => new Date(), adminFor: async () => (asked++, admin) };
    const handler = publishJobHandler(deps);
    // the other job finds the lease held by a live job: nothing published, nothing asked of Shopify
    await handler(other, new AbortController().signal);
    expect(asked).toBe(0);
    expect(await db.customerPublication.count({ where: { shopId, dirty: true } })).toBe(2);
    // the holder publishes the change the other left to it
    await handler(holder, new AbortController().signal);
    expect(await db.customerPublication.count({ where: { shopId, dirty: true } })).toBe(0);
    for (const c of data.customers) expect(remote.metafields.get(`gid://shopify/Customer/${c.id}`)?.find((m) => m.key === "segments")?.value).toBe('["all"]');
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).publishJobId).toBeNull();

    // a lease held by a job that is no longer queued or running (done, or failed for good) is free
    expect(await acquirePublishLease(db, kind, shopId, holder.id)).toBe(true);
    await db.job.update({ where: { id: holder.id }, data: { state: "FAILED" } });
    expect(await acquirePublishLease(db, kind, shopId, other.id)).toBe(true);
    await releasePublishLease(db, kind, shopId, holder.id);
    expect((await db.shop.findUniqueOrThrow({ where: { id: shopId } })).publishJobId).toBe(other.id);
  });
});
