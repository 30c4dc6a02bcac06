import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDataset } from "../../test/shopify/admin/builder";
import { startAdminStandIn, type AdminStandIn } from "../../test/shopify/admin";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import type { Job } from "~/db/generated/sqlite/client";
import { PermanentJobError } from "~/jobs/queue.server";
import { createAdminClient } from "~/shopify/admin-client.server";
import { SYNC_BULK_QUERIES } from "~/shopify/operations/sync-queries";
import {
  queueSyncRun,
  recordBulkOperationFinished,
  runSync,
  startSyncRun,
  SYNC_JOB_KIND,
  syncJobHandler,
  SyncRunTakenOver,
  type SyncTuning,
} from "./bulk-import.server";
import type { SyncDeps } from "./deps";

const kinds = await storeKinds();
const FAST: Partial<SyncTuning> = { batchLines: 7, firstPollMs: 20, maxPollMs: 100, watchMs: 10 };

let standIn: AdminStandIn;
beforeAll(async () => {
  standIn = await startAdminStandIn({ bulkChunkSize: 10 });
});
afterAll(() => standIn.close());

describe.each(kinds)("the bulk import on %s", (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(kind);
  });
  afterAll(() => store.drop());

  let shops = 0;
  /** A stand-in shop (n customers with 2 orders each) and its row in the store. */
  async function setup(customers = 30) {
    shops += 1;
    const domain = `import-${shops}-${kind}.myshopify.com`;
    const token = `token-${shops}-${kind}`;
    const dataset = buildDataset({ domain, customers, ordersEach: 2 });
    standIn.addShop(dataset, token);
    const shop = await store.db.shop.create({ data: { domain, name: dataset.shop.name, currencyCode: dataset.shop.currencyCode } });
    const deps: SyncDeps = {
      db: store.db,
      kind,
      adminFor: async (shopDomain) => createAdminClient({ shop: shopDomain, accessToken: token, apiVersion: "2026-10", origin: standIn.url, retry: { baseDelayMs: 1, maxDelayMs: 10 } }),
      now: () => new Date(),
    };
    return { domain, dataset, shop, deps, remote: standIn.shop(domain) };
  }

  async function counts(shopId: number) {
    const where = { shopId };
    const [customers, orders, lines, products, variants, collections, metafields, addresses, tags] = await Promise.all([
      store.db.customer.count({ where }),
      store.db.order.count({ where }),
      store.db.orderLine.count({ where }),
      store.db.product.count({ where }),
      store.db.productVariant.count({ where }),
      store.db.productCollection.count({ where }),
      store.db.customerMetafield.count({ where }),
      store.db.customerAddress.count({ where }),
      store.db.customerTag.count({ where }),
    ]);
    return { customers, orders, lines, products, variants, collections, metafields, addresses, tags };
  }

  const expectedCounts = (n: number) => ({ customers: n, orders: 2 * n, lines: 2 * n, products: 1, variants: 1, collections: 1, metafields: n, addresses: n, tags: Math.floor(n / 2) });

  it("imports a shop phase by phase, mirrors its progress on the shop, computes stats and segments, and does nothing the second time", async () => {
    const { shop, deps, remote } = await setup();
    await store.db.segment.create({ data: { shopId: shop.id, name: "Repeat buyers", handle: "repeat-buyers", query: "number_of_orders >= 2" } });
    const run = await startSyncRun(store.db, shop.id, "install");
    expect((await store.db.shop.findUniqueOrThrow({ where: { id: shop.id } })).syncState).toBe("QUEUED");
    const done = await runSync(deps, { shopId: shop.id, runId: run.id, tuning: FAST });
    expect(done).toMatchObject({ state: "SUCCEEDED", phase: "finish", objectsDone: 91, objectsTotal: 91, error: null });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(await counts(shop.id)).toEqual(expectedCounts(30));
    expect(await store.db.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({ syncState: "SUCCEEDED", syncObjectsDone: 91, syncObjectsTotal: 91, syncError: null });
    // stats in the database, from the orders: 2 × 45.00
    const customer = await store.db.customer.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "7000000001" } });
    expect(customer).toMatchObject({ numberOfOrders: 2, amountSpentMinor: 9000n, detailsStale: false });
    expect((await store.db.segment.findFirstOrThrow({ where: { shopId: shop.id } })).memberCount).toBe(30);
    // each phase exported once, with groupObjects false
    expect(remote.bulkOperations.map((op) => [op.query, op.groupObjects])).toEqual([
      [SYNC_BULK_QUERIES.products, false],
      [SYNC_BULK_QUERIES.customers, false],
      [SYNC_BULK_QUERIES.orders, false],
    ]);
    const again = await runSync(deps, { shopId: shop.id, runId: run.id, tuning: FAST });
    expect(again.state).toBe("SUCCEEDED");
    expect(remote.bulkOperations).toHaveLength(3);
  });

  it("starts a failed export again, fails the run with a reason after too many, and a retry resumes it", async () => {
    const { shop, deps, remote } = await setup(5);
    const run = await startSyncRun(store.db, shop.id, "install");
    standIn.faults.failNextBulkOperation({ afterObjects: 0, errorCode: "INTERNAL_SERVER_ERROR" }).failNextBulkOperation({ afterObjects: 0, errorCode: "TIMEOUT" });
    const error = await runSync(deps, { shopId: shop.id, runId: run.id, tuning: { ...FAST, maxExportAttempts: 2 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("the products export failed 2 times; last time it ended FAILED (TIMEOUT)");
    expect(await store.db.syncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ state: "FAILED", error: "importing products: the products export failed 2 times; last time it ended FAILED (TIMEOUT)" });
    expect(await store.db.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({ syncState: "FAILED", syncError: expect.stringContaining("TIMEOUT") });
    // the job queue's retry
    standIn.faults.failNextBulkOperation({ afterObjects: 0 });
    const done = await runSync(deps, { shopId: shop.id, runId: run.id, tuning: FAST });
    expect(done.state).toBe("SUCCEEDED");
    expect(await counts(shop.id)).toEqual(expectedCounts(5));
    expect(remote.bulkOperations.map((op) => op.status)).toEqual(["FAILED", "FAILED", "FAILED", "COMPLETED", "COMPLETED", "COMPLETED"]);
    expect(await store.db.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({ syncState: "SUCCEEDED", syncError: null });
  });

  it("says which scope is missing when Shopify denies an export, and does not retry", async () => {
    const { shop, deps } = await setup(3);
    const run = await startSyncRun(store.db, shop.id, "install");
    standIn.faults.failNextBulkOperation({ afterObjects: Number.MAX_SAFE_INTEGER }).failNextBulkOperation({ afterObjects: 0, errorCode: "ACCESS_DENIED" });
    const error = await runSync(deps, { shopId: shop.id, runId: run.id, tuning: FAST }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect((error as Error).message).toBe("Shopify refused the customers export (ACCESS_DENIED): the app needs the read_customers scope");
    expect(await store.db.syncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ state: "FAILED", phase: "customers" });
    // the products phase was committed before: a later run after the merchant grants the scope carries on from customers
    expect(await store.db.product.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("hears the bulk_operations/finish webhook instead of waiting for its next poll", async () => {
    // exports that take a while (one root per slice, 100 ms a slice): still running at the first poll
    const heard: boolean[] = [];
    let shopId = 0;
    const slow = await startAdminStandIn({
      bulkChunkSize: 1,
      bulkChunkDelayMs: 100,
      onBulkOperationFinish: (_domain, payload) => {
        void recordBulkOperationFinished(store.db, { shopId, bulkOperationId: payload.admin_graphql_api_id, status: payload.status, errorCode: payload.error_code }).then((matched) => heard.push(matched));
      },
    });
    try {
      const domain = `webhook-${kind}.myshopify.com`;
      const dataset = buildDataset({ domain, customers: 3, ordersEach: 1 });
      slow.addShop(dataset, "token-webhook");
      const shop = await store.db.shop.create({ data: { domain, name: dataset.shop.name, currencyCode: dataset.shop.currencyCode } });
      shopId = shop.id;
      const deps: SyncDeps = {
        db: store.db,
        kind,
        adminFor: async (shopDomain) => createAdminClient({ shop: shopDomain, accessToken: "token-webhook", apiVersion: "2026-10", origin: slow.url }),
        now: () => new Date(),
      };
      const run = await startSyncRun(store.db, shop.id, "install");
      const started = performance.now();
      // without the webhook every phase would wait a minute for its second poll
      const done = await runSync(deps, { shopId: shop.id, runId: run.id, tuning: { ...FAST, firstPollMs: 60_000, maxPollMs: 60_000, watchMs: 20 } });
      expect(done.state).toBe("SUCCEEDED");
      expect(performance.now() - started).toBeLessThan(15_000);
      expect(heard).toEqual([true, true, true]);
      expect(slow.shop(domain).bulkOperations.map((op) => op.status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    } finally {
      await slow.close();
    }
    await expect(recordBulkOperationFinished(store.db, { shopId, bulkOperationId: "gid://shopify/BulkOperation/1", status: "completed" })).resolves.toBe(false);
    await expect(recordBulkOperationFinished(store.db, { shopId, bulkOperationId: "gid://shopify/Order/1", status: "completed" })).rejects.toThrow(/bulkOperationId: expected a BulkOperation id/);
    await expect(recordBulkOperationFinished(store.db, { shopId, bulkOperationId: "1", status: "finished" })).rejects.toThrow(/status/);
  });

  it("resumes a run stopped mid-phase from its checkpoint, with exact counts and progress", async () => {
    const { shop, deps } = await setup(40);
    const run = await startSyncRun(store.db, shop.id, "install");
    // stop after the 12th committed batch: products are one batch, customers and their metafields 27
    const controller = new AbortController();
    let commits = 0;
    const db = new Proxy(store.db, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property);
        if (property === "$transaction") {
          return async (...args: Parameters<typeof target.$transaction>) => {
            const result: unknown = await (target.$transaction as (...a: unknown[]) => Promise<unknown>)(...args);
            if (++commits === 12) controller.abort(new Error("stopped"));
            return result;
          };
        }
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const stopped = await runSync({ ...deps, db }, { shopId: shop.id, runId: run.id, signal: controller.signal, tuning: { ...FAST, batchLines: 3 } }).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(Error);
    const halfway = await store.db.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    // an abort is not a failure: the run waits, RUNNING, for whoever carries it on
    expect(halfway).toMatchObject({ state: "RUNNING", phase: "customers", linesDone: 33, error: null });
    // one product, then 11 batches of 3 lines: customers and, after every 10 of them, their metafields
    expect(halfway.objectsDone).toBe(1 + (await store.db.customer.count({ where: { shopId: shop.id } })));
    const done = await runSync(deps, { shopId: shop.id, runId: run.id, tuning: FAST });
    expect(done).toMatchObject({ state: "SUCCEEDED", objectsDone: 121 });
    expect(await counts(shop.id)).toEqual(expectedCounts(40));
  });

  it("lets only one of two processes commit a run's lines", async () => {
    const { shop, deps } = await setup(20);
    const run = await startSyncRun(store.db, shop.id, "install");
    const outcomes = await Promise.allSettled([
      runSync(deps, { shopId: shop.id, runId: run.id, tuning: { ...FAST, batchLines: 2 } }),
      runSync(deps, { shopId: shop.id, runId: run.id, tuning: { ...FAST, batchLines: 2 } }),
    ]);
    for (const outcome of outcomes) if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(SyncRunTakenOver);
    const final = await runSync(deps, { shopId: shop.id, runId: run.id, tuning: FAST });
    expect(final).toMatchObject({ state: "SUCCEEDED", objectsDone: 61 });
    expect(await counts(shop.id)).toEqual(expectedCounts(20));
  });

  it("runs as the sync.shop job, refusing a payload it cannot read", async () => {
    const { shop, deps } = await setup(2);
    const { run, job } = await queueSyncRun(store.db, { shopId: shop.id, reason: "manual" });
    expect(job).toMatchObject({ kind: SYNC_JOB_KIND, shopId: shop.id, payload: { shopId: shop.id, runId: run.id } });
    // a second "Sync now" while the first is queued is the same run and the same job
    const twice = await queueSyncRun(store.db, { shopId: shop.id, reason: "manual" });
    expect([twice.run.id, twice.job.id]).toEqual([run.id, job.id]);
    const handler = syncJobHandler(deps, FAST);
    await handler(job, new AbortController().signal);
    expect((await store.db.syncRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe("SUCCEEDED");
    await expect(handler({ ...job, payload: { shopId: "one" } } as Job, new AbortController().signal)).rejects.toThrow(PermanentJobError);
    await expect(handler({ ...job, payload: { shopId: shop.id + 1000, runId: run.id } } as Job, new AbortController().signal)).rejects.toThrow(/is for shop/);
  });

  it("does not sync a shop that uninstalled the app", async () => {
    const { shop, deps } = await setup(1);
    const run = await startSyncRun(store.db, shop.id, "install");
    await store.db.shop.update({ where: { id: shop.id }, data: { installState: "UNINSTALLED" } });
    await expect(runSync(deps, { shopId: shop.id, runId: run.id, tuning: FAST })).rejects.toThrow(PermanentJobError);
    expect(await store.db.syncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ state: "FAILED", error: expect.stringContaining("uninstalled") });
  });
});
