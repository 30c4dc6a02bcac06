import { parse, validate } from "graphql";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startAdminStandIn, type AdminStandIn, type BucketOptions, type CostRecord, type ShopState } from "../../test/shopify/admin";
import { buildDataset } from "../../test/shopify/admin/builder";
import { standInSchema } from "../../test/shopify/admin/executor";
import { seededRandom } from "../../test/support/random";
import { AdminApiError, adminQuery, assertNoUserErrors, createAdminClient, runOperation, type AdminClientEvent, type AdminClientOptions } from "./admin-client.server";
import { estimateQueryCost } from "./graphql";
import * as operations from "./operations";
import { bulkOperationNodeQuery, bulkOperationQuery, bulkOperationRunQuery, currentBulkOperationQuery, SHOP_QUERY, shopQuery } from "./operations";
import { BucketRegistry, CostBucket, type Clock } from "./throttle.server";

const VERSION = "2026-10";
const DOMAIN = "pacing.myshopify.com";
const TOKEN = "shpat_pacing";

/**
 * Virtual time shared by the client and the stand-in's leaky bucket: a sleep returns at once (after
 * one turn of the event loop) and moves the clock forward to its end, so minutes of pacing and
 * backoff take milliseconds and both sides agree on what has been restored.
 */
function virtualClock(start = Date.UTC(2026, 0, 15, 9)): Clock & { sleeps: number[]; elapsed(): number } {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleeps,
    elapsed: () => t - start,
    async sleep(ms) {
      sleeps.push(ms);
      const until = t + ms;
      await new Promise((resolve) => setImmediate(resolve));
      if (until > t) t = until;
    },
  };
}

const CUSTOMERS_PAGE = /* GraphQL */ `#graphql
  query AppCustomersPage($after: String) {
    customers(first: 10, after: $after) {
      nodes { id email }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const customersPage = z.object({
  customers: z.object({
    nodes: z.array(z.object({ id: z.string(), email: z.string().nullable() })),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

let standIn: AdminStandIn | null = null;
afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

interface Setup {
  s: AdminStandIn;
  shop: ShopState;
  clock: ReturnType<typeof virtualClock>;
  records: CostRecord[];
  fetches: () => number;
  maxConcurrent: () => number;
  events: AdminClientEvent[];
  client: (extra?: Partial<AdminClientOptions>) => ReturnType<typeof createAdminClient>;
}

async function start(limits?: BucketOptions, customers = 30): Promise<Setup> {
  const clock = virtualClock();
  const records: CostRecord[] = [];
  standIn = await startAdminStandIn({ now: clock.now, onCost: (_domain, record) => records.push(record) });
  const s = standIn;
  const shop = s.addShop(buildDataset({ domain: DOMAIN, customers, ordersEach: 1 }), TOKEN, limits);
  let fetches = 0;
  let inFlight = 0;
  let maxConcurrent = 0;
  const countingFetch: typeof fetch = async (input, init) => {
    fetches++;
    maxConcurrent = Math.max(maxConcurrent, ++inFlight);
    try {
      return await fetch(input, init);
    } finally {
      inFlight--;
    }
  };
  const buckets = new BucketRegistry({ clock });
  const random = seededRandom(99);
  const events: AdminClientEvent[] = [];
  const client = (extra: Partial<AdminClientOptions> = {}) =>
    createAdminClient({ shop: DOMAIN, accessToken: TOKEN, apiVersion: VERSION, origin: s.url, fetch: countingFetch, clock, random, buckets, onEvent: (e) => events.push(e), ...extra });
  return { s, shop, clock, records, fetches: () => fetches, maxConcurrent: () => maxConcurrent, events, client };
}

/** Walks the customer pages from wherever the cursor is, starting over at the end. */
function pageWalker(client: ReturnType<typeof createAdminClient>) {
  let after: string | null = null;
  return async () => {
    const page = await adminQuery(client, CUSTOMERS_PAGE, { after }, customersPage);
    after = page.customers.pageInfo.hasNextPage ? page.customers.pageInfo.endCursor : null;
    return page.customers.nodes.length;
  };
}

describe("pacing by the shop's cost bucket", () => {
  it("completes 100 queries with the bucket nearly empty and 30% 429/5xx, never overdrawing the bucket", async () => {
    // a tiny bucket restoring slowly, all but empty at the start (another job just used it)
    const { s, shop, clock, records, events, client } = await start({ maximumAvailable: 40, restoreRate: 4 });
    shop.bucket.available = 3;
    s.faults.fraction(
      0.3,
      [
        { kind: "status", status: 429, retryAfterSeconds: 1 },
        { kind: "status", status: 500 },
        { kind: "status", status: 502 },
        { kind: "status", status: 503 },
      ],
      42,
    );
    const admin = client();
    const nextPage = pageWalker(admin);
    let customers = 0;
    for (let i = 0; i < 100; i++) {
      if (i % 4 === 3) expect((await runOperation(admin, shopQuery)).shop.myshopifyDomain).toBe(DOMAIN);
      else customers += await nextPage();
    }
    expect(customers).toBe(75 * 10);

    // the faults were real: about 30% of all requests, each retried
    const retries = events.filter((e) => e.type === "retry");
    expect(s.faults.served).toBeGreaterThan(25);
    expect(retries.length).toBeGreaterThanOrEqual(s.faults.served);
    expect(Object.keys(s.faults.servedByKind).sort()).toEqual(["429", "500", "502", "503"]);

    // the stand-in's own accounting: 100 queries executed, the bucket never short, never below zero
    const executed = records.filter((r) => !r.throttled);
    expect(executed).toHaveLength(100);
    expect(executed.every((r) => r.availableBefore >= r.requestedQueryCost)).toBe(true);
    expect(shop.usage.lowestAvailable).toBeGreaterThanOrEqual(0);
    // the only THROTTLED can be the very first request, sent before any answer told the client the bucket's level
    const throttled = records.flatMap((r, i) => (r.throttled ? [i] : []));
    expect(throttled.filter((i) => i > 0)).toEqual([]);
    expect(shop.usage.throttled).toBe(throttled.length);
    // and it used the bucket rather than idling: it ran close to empty, at about the restore rate
    expect(shop.usage.lowestAvailable).toBeLessThan(12);
    const spentSeconds = clock.elapsed() / 1000;
    expect(shop.usage.charged / spentSeconds).toBeGreaterThan(4 * 0.5);
  });

  it("shares one bucket between 10 parallel callers of one shop, so together they never overdraw it", async () => {
    const { shop, records, maxConcurrent, client } = await start({ maximumAvailable: 60, restoreRate: 6 });
    // ten clients made separately (as ten jobs would), one registry: one bucket
    const callers = Array.from({ length: 10 }, () => client());
    expect(new Set(callers.map((c) => c.bucket)).size).toBe(1);
    const results = await Promise.all(
      callers.map(async (admin) => {
        const nextPage = pageWalker(admin);
        let n = 0;
        for (let i = 0; i < 10; i++) n += await nextPage();
        return n;
      }),
    );
    expect(results.reduce((a, b) => a + b, 0)).toBe(100 * 10);
    expect(records.filter((r) => !r.throttled)).toHaveLength(100);
    expect(shop.usage.throttled).toBe(0);
    expect(shop.usage.lowestAvailable).toBeGreaterThanOrEqual(0);
    // they did run side by side (the bucket holds five 12-point queries), just never more than it holds
    expect(maxConcurrent()).toBeGreaterThan(1);
    expect(callers[0]?.bucket.reserved).toBe(0);
  });

  it("(control) without a shared bucket the same 10 callers overdraw it and get THROTTLED", async () => {
    const { shop, client } = await start({ maximumAvailable: 60, restoreRate: 6 });
    const callers = Array.from({ length: 10 }, () => client({ buckets: new BucketRegistry({ clock: virtualClock() }) }));
    await Promise.allSettled(
      callers.map(async (admin) => {
        const nextPage = pageWalker(admin);
        for (let i = 0; i < 3; i++) await nextPage();
      }),
    );
    expect(shop.usage.throttled).toBeGreaterThan(0);
  });

  it("retries THROTTLED after waiting for the bucket, when something else drained it", async () => {
    const { s, shop, records, events, client } = await start({ maximumAvailable: 100, restoreRate: 10 });
    const admin = client();
    await runOperation(admin, shopQuery);
    shop.bucket.available = 0; // another app instance spent it behind our back
    const n = await pageWalker(admin)();
    expect(n).toBe(10);
    expect(records.map((r) => r.throttled)).toEqual([false, true, false]);
    const retry = events.find((e) => e.type === "retry");
    expect(retry).toMatchObject({ type: "retry", operation: "AppCustomersPage", attempt: 1 });
    expect(retry?.type === "retry" && retry.reason).toMatch(/^Throttled \(query cost 12, 0 of 100 available\)/);
    expect(s.faults.served).toBe(0);
  });

  it("fails at once for a query costing more than the whole bucket", async () => {
    const { client } = await start({ maximumAvailable: 20, restoreRate: 1 });
    const admin = client();
    await runOperation(admin, shopQuery);
    const error = await adminQuery(admin, CUSTOMERS_PAGE, {}, customersPage, { cost: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect((error as AdminApiError).message).toBe("Admin API pacing.myshopify.com AppCustomersPage: the query costs 30 points, more than the shop's whole bucket of 20; it can never run");
  });
});

describe("retries", () => {
  it("gives up after 6 attempts with the reason, having backed off exponentially with jitter", async () => {
    const { s, clock, client } = await start();
    s.faults.next(6, { kind: "status", status: 503 });
    const error = await runOperation(client({ random: () => 0.5 }), shopQuery).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ status: 503, attempts: 6, retryable: true, operation: "AppShop" });
    expect((error as AdminApiError).message).toBe("Admin API pacing.myshopify.com AppShop: gave up after 6 attempts: HTTP 503: Service Unavailable");
    expect(s.faults.served).toBe(6);
    // full jitter at 0.5 of a ceiling doubling from 1 s
    expect(clock.sleeps).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it("keeps the jittered wait within its doubling ceiling, capped", async () => {
    const { s, clock, client } = await start();
    s.faults.next(6, { kind: "status", status: 500 });
    await runOperation(client({ retry: { maxDelayMs: 3000 } }), shopQuery).catch(() => undefined);
    const ceilings = [1000, 2000, 3000, 3000, 3000];
    expect(clock.sleeps).toHaveLength(5);
    clock.sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(ceilings[i] ?? 0);
    });
  });

  it("honours Retry-After on a 429 and retries 5xx and network failures until it succeeds", async () => {
    const { s, clock, fetches, client } = await start();
    s.faults.next(1, { kind: "status", status: 429, retryAfterSeconds: 3 }).next(1, { kind: "status", status: 502 });
    expect((await runOperation(client({ random: () => 0 }), shopQuery)).shop.myshopifyDomain).toBe(DOMAIN);
    expect(clock.sleeps).toEqual([3000, 0]);
    expect(fetches()).toBe(3);

    let resets = 2;
    const flaky: typeof fetch = async (input, init) => {
      if (resets-- > 0) throw new TypeError("fetch failed", { cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }) });
      return fetch(input, init);
    };
    const events: AdminClientEvent[] = [];
    expect((await runOperation(client({ fetch: flaky, onEvent: (e) => events.push(e) }), shopQuery)).shop.name).toBeTruthy();
    expect(events.filter((e) => e.type === "retry").map((e) => e.type === "retry" && e.reason)).toEqual(["network error (ECONNRESET)", "network error (ECONNRESET)"]);
  });

  it("does not retry a 4xx or a GraphQL error other than THROTTLED", async () => {
    const { fetches, client } = await start();
    const bad = await runOperation(client({ accessToken: "wrong" }), shopQuery).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AdminApiError);
    expect(bad).toMatchObject({ status: 401, attempts: 1, retryable: false });
    expect((bad as AdminApiError).message).toBe("Admin API pacing.myshopify.com AppShop: HTTP 401: [API] Invalid API key or access token (unrecognized login or wrong password)");
    expect(fetches()).toBe(1);

    const admin = client();
    const invalid = await admin.request("query AppBroken { shop { nope } }").catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 200, codes: ["undefinedField"], attempts: 1, message: "Admin API pacing.myshopify.com AppBroken: Field 'nope' doesn't exist on type 'Shop'" });
    expect(fetches()).toBe(2);

    const tooDear = await admin.request("query AppTooDear { customers(first: 250) { nodes { orders(first: 250) { nodes { id } } } } }").catch((e: unknown) => e);
    expect(tooDear).toMatchObject({ codes: ["MAX_COST_EXCEEDED"], attempts: 1 });
    expect(fetches()).toBe(3);

    const wrongVersion = await client({ apiVersion: "2019-04" }).request(SHOP_QUERY).catch((e: unknown) => e);
    expect(wrongVersion).toMatchObject({ status: 404, attempts: 1 });
    expect(fetches()).toBe(4);
  });
});

describe("validated answers", () => {
  it("names the path that failed validation", async () => {
    const { client } = await start();
    const admin = client();
    const wrong = z.object({ shop: z.object({ name: z.string(), currencyCode: z.number() }) });
    const error = await adminQuery(admin, SHOP_QUERY, undefined, wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ codes: ["INVALID_RESPONSE"], path: ["shop", "currencyCode"], operation: "AppShop" });
    expect((error as AdminApiError).message).toMatch(/^Admin API pacing\.myshopify\.com AppShop: unexpected response at data\.shop\.currencyCode: Invalid input: expected number, received string$/);

    const nested = z.object({ customers: z.object({ nodes: z.array(z.object({ id: z.string().startsWith("gid://shopify/Order/") })) }) });
    const inList = await adminQuery(admin, CUSTOMERS_PAGE, {}, nested).catch((e: unknown) => e);
    expect((inList as AdminApiError).message).toMatch(/unexpected response at data\.customers\.nodes\.0\.id: .* \(and 9 more\)$/);
  });

  it("surfaces userErrors through assertNoUserErrors", async () => {
    const { client } = await start();
    const result = await runOperation(client(), bulkOperationRunQuery, { query: "{ shop { name } }", groupObjects: false });
    expect(result.bulkOperationRunQuery.bulkOperation).toBeNull();
    expect(() => assertNoUserErrors("bulkOperationRunQuery", result.bulkOperationRunQuery.userErrors)).toThrow(AdminApiError);
    try {
      assertNoUserErrors("bulkOperationRunQuery", result.bulkOperationRunQuery.userErrors);
    } catch (error) {
      expect((error as AdminApiError).codes).toEqual(["USER_ERRORS", "INVALID"]);
      expect((error as AdminApiError).message).toMatch(/^bulkOperationRunQuery failed: query: /);
    }
  });
});

describe("typed operations", () => {
  const documents = Object.entries(operations).filter(([, v]) => typeof v === "object" && v !== null && "document" in v && "schema" in v) as [string, { document: string }][];

  it("are valid against the pinned version's schema", () => {
    expect(documents.map(([name]) => name).sort()).toEqual([
      "bulkOperationCancel",
      "bulkOperationNodeQuery",
      "bulkOperationQuery",
      "bulkOperationRunQuery",
      "currentBulkOperationQuery",
      "shopQuery",
      "webhookSubscriptionCreate",
      "webhookSubscriptionsQuery",
    ]);
    const schema = standInSchema(VERSION);
    for (const [name, op] of documents) expect(validate(schema, parse(op.document)).map((e) => `${name}: ${e.message}`)).toEqual([]);
  });

  it("estimate their cost as Shopify prices it", async () => {
    const { records, client } = await start();
    const admin = client();
    await runOperation(admin, shopQuery);
    await adminQuery(admin, CUSTOMERS_PAGE, { after: null }, customersPage);
    await runOperation(admin, operations.webhookSubscriptionsQuery, { after: null });
    await runOperation(admin, currentBulkOperationQuery);
    const docs = [SHOP_QUERY, CUSTOMERS_PAGE, operations.WEBHOOK_SUBSCRIPTIONS_QUERY, operations.CURRENT_BULK_OPERATION_QUERY];
    expect(docs.map((d) => estimateQueryCost(d))).toEqual(records.map((r) => r.requestedQueryCost));
    expect(records.map((r) => r.requestedQueryCost)).toEqual([2, 12, 102, 1]);
    expect(estimateQueryCost(operations.BULK_OPERATION_RUN_QUERY)).toBe(10);
  });

  it("run a bulk query and poll it to completion", async () => {
    const { clock, client } = await start(undefined, 12);
    const admin = client();
    const started = await runOperation(admin, bulkOperationRunQuery, { query: "{ customers { edges { node { id email } } } }", groupObjects: false });
    assertNoUserErrors("bulkOperationRunQuery", started.bulkOperationRunQuery.userErrors);
    const created = started.bulkOperationRunQuery.bulkOperation;
    expect(created).toMatchObject({ status: "CREATED", errorCode: null, objectCount: 0, url: null, completedAt: null });
    const id = created?.id ?? "";
    let done = null;
    for (let i = 0; i < 500 && !done; i++) {
      const { bulkOperation } = await runOperation(admin, bulkOperationQuery, { id });
      if (bulkOperation?.status === "COMPLETED") done = bulkOperation;
      else await clock.sleep(5);
    }
    expect(done).toMatchObject({ id, status: "COMPLETED", objectCount: 12, errorCode: null, partialDataUrl: null });
    expect(done?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect((await runOperation(admin, bulkOperationNodeQuery, { id })).node).toEqual(done);
    expect((await runOperation(admin, currentBulkOperationQuery)).currentBulkOperation).toEqual(done);
  });
});

describe("CostBucket", () => {
  it("lets one request probe before the first answer, and keeps the lower reading when an older answer arrives late", async () => {
    const clock = virtualClock();
    const bucket = new CostBucket({ clock });
    const first = await bucket.acquire(10);
    let secondStarted = false;
    const second = bucket.acquire(10).then((t) => ((secondStarted = true), t));
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondStarted).toBe(false); // waits for the probe's answer
    bucket.settle(first, { maximumAvailable: 100, currentlyAvailable: 50, restoreRate: 10 });
    const t2 = await second;
    expect(bucket.available()).toBe(40);
    const t3 = await bucket.acquire(10);
    // t3's answer arrives first, then t2's (older, but lower: processed later by the server)
    bucket.settle(t3, { maximumAvailable: 100, currentlyAvailable: 30, restoreRate: 10 });
    bucket.settle(t2, { maximumAvailable: 100, currentlyAvailable: 25, restoreRate: 10 });
    expect(bucket.available()).toBe(25);
    // a stale, higher reading does not raise the estimate
    const t4 = await bucket.acquire(5);
    const t5 = await bucket.acquire(5);
    bucket.settle(t5, { maximumAvailable: 100, currentlyAvailable: 15, restoreRate: 10 });
    bucket.settle(t4, { maximumAvailable: 100, currentlyAvailable: 20, restoreRate: 10 });
    expect(bucket.available()).toBe(15);
    // waiting for 35 points takes 2 s at 10/s
    const before = clock.now();
    await bucket.acquire(35);
    expect(clock.now() - before).toBe(2000);
  });
});
