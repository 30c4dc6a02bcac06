import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "~/db/client";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import {
  backoffDelay,
  claim,
  complete,
  enqueue,
  fail,
  heartbeat,
  listJobs,
  PermanentJobError,
  release,
  retryJob,
  type Job,
} from "./queue.server";

const kinds = await storeKinds();

const T0 = new Date("2026-11-23T12:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

describe.each(kinds)("job queue on %s", (storeKind) => {
  let store: TestStore;
  let shopA: number;
  let shopB: number;
  // every test uses its own job kind, so tests never claim each other's jobs
  let n = 0;
  const kindName = (name: string) => `${name}-${(n += 1)}`;

  beforeAll(async () => {
    store = await freshStore(storeKind);
    shopA = (await store.db.shop.create({ data: { domain: "a.myshopify.com", name: "A" } })).id;
    shopB = (await store.db.shop.create({ data: { domain: "b.myshopify.com", name: "B" } })).id;
  });
  afterAll(() => store.drop());

  it("queues a job with its defaults", async () => {
    const kind = kindName("defaults");
    const job = await enqueue(store.db, { kind, shopId: shopA, payload: { customers: [1, 2], note: "ü" } }, { now: T0 });
    expect(job).toMatchObject({ kind, shopId: shopA, payload: { customers: [1, 2], note: "ü" }, state: "QUEUED", priority: 0, attempts: 0, maxAttempts: 8, runAt: T0, lockedBy: null, dedupeKey: null });
  });

  it("dedupes on (kind, dedupeKey) while queued or running, and frees the key when the job finishes", async () => {
    const kind = kindName("sync");
    const first = await enqueue(store.db, { kind, shopId: shopA, payload: { n: 1 }, dedupeKey: "shop-3" }, { now: T0 });
    const again = await enqueue(store.db, { kind, shopId: shopA, payload: { n: 2 }, dedupeKey: "shop-3" }, { now: T0 });
    expect(again.id).toBe(first.id);
    expect(again.payload).toEqual({ n: 1 });
    // same key, other kind: another job; no key: always another job
    const otherKind = await enqueue(store.db, { kind: `${kind}-other`, payload: {}, dedupeKey: "shop-3" }, { now: T0 });
    expect(otherKind.id).not.toBe(first.id);

    const [running] = await claim(store.db, kind, { workerId: "w", leaseMs: 60_000, now: T0 });
    expect(running?.id).toBe(first.id);
    expect((await enqueue(store.db, { kind, payload: { n: 3 }, dedupeKey: "shop-3" }, { now: T0 })).id).toBe(first.id);

    expect(await complete(store.db, running!, { now: at(1) })).toBe(true);
    const done = await store.db.job.findUniqueOrThrow({ where: { id: first.id } });
    expect(done).toMatchObject({ state: "DONE", dedupeKey: null, releasedDedupeKey: "shop-3", finishedAt: at(1), lockedUntil: null });
    const next = await enqueue(store.db, { kind, payload: { n: 4 }, dedupeKey: "shop-3" }, { now: at(2) });
    expect(next.id).not.toBe(first.id);
    expect(next.state).toBe("QUEUED");
  });

  it("dedupes concurrent enqueues, from two clients and inside a transaction, without an error", async () => {
    const kind = kindName("concurrent");
    const other = openDb(store.url).db;
    try {
      const jobs = await Promise.all(
        Array.from({ length: 12 }, (_, i) => enqueue(i % 2 ? other : store.db, { kind, payload: { i }, dedupeKey: "k" })),
      );
      expect(new Set(jobs.map((j) => j.id)).size).toBe(1);
      // inside a transaction (the outbox): the duplicate neither throws nor poisons the transaction
      const [inTx, dupInTx, count] = await store.db.$transaction(async (tx) => {
        const a = await enqueue(tx, { kind, payload: {}, dedupeKey: "tx" });
        const b = await enqueue(tx, { kind, payload: {}, dedupeKey: "tx" });
        const c = await enqueue(tx, { kind, payload: {}, dedupeKey: "k" });
        expect(c.id).toBe(jobs[0]!.id);
        return [a, b, await tx.job.count({ where: { kind } })];
      });
      expect(dupInTx.id).toBe(inTx.id);
      expect(count).toBe(2);
    } finally {
      await other.$disconnect();
    }
  });

  it("claims by priority (highest first), then runAt, never before runAt, and only the kinds asked for", async () => {
    const kind = kindName("order");
    const add = (name: string, priority: number, runAt: Date) => enqueue(store.db, { kind, payload: { name }, priority, runAt }, { now: T0 });
    await add("low-early", 0, at(-3000));
    await add("high-late", 5, at(-1000));
    await add("high-early", 5, at(-2000));
    await add("future-urgent", 100, at(60_000));
    await add("low-late", 0, at(-500));
    await enqueue(store.db, { kind: `${kind}-x`, payload: { name: "other kind" }, priority: 1000 }, { now: at(-9000) });

    const order: string[] = [];
    for (;;) {
      const [job] = await claim(store.db, kind, { workerId: "w", leaseMs: 60_000, now: T0 });
      if (!job) break;
      order.push((job.payload as { name: string }).name);
    }
    expect(order).toEqual(["high-early", "high-late", "low-early", "low-late"]);
    const [future] = await claim(store.db, [kind], { workerId: "w", leaseMs: 60_000, now: at(60_000) });
    expect((future?.payload as { name: string }).name).toBe("future-urgent");

    // a batch claim returns the same order
    const batchKind = kindName("batch");
    for (let i = 0; i < 5; i += 1) await enqueue(store.db, { kind: batchKind, payload: { i }, priority: i % 2, runAt: at(-i) }, { now: T0 });
    const batch = await claim(store.db, batchKind, { workerId: "w", leaseMs: 1000, limit: 10, now: T0 });
    expect(batch.map((j) => (j.payload as { i: number }).i)).toEqual([3, 1, 4, 2, 0]);
  });

  it("returns claimed rows with the same types and values as the store reads them", async () => {
    const kind = kindName("types");
    await enqueue(store.db, { kind, shopId: shopA, payload: { nested: { list: [1, "two", null], big: 12345678901 } }, dedupeKey: "types" }, { now: T0 });
    const [claimed] = await claim(store.db, kind, { workerId: "worker-1", leaseMs: 5000, now: at(10) });
    const read = await store.db.job.findUniqueOrThrow({ where: { id: claimed!.id } });
    expect(claimed).toEqual(read);
    expect(claimed).toMatchObject({ state: "RUNNING", lockedBy: "worker-1", lockedUntil: at(5010), attempts: 1, runAt: T0, updatedAt: at(10) });
    expect(claimed!.createdAt).toBeInstanceOf(Date);
  });

  it("retries with exponential backoff and jitter, then keeps the job FAILED with its error", async () => {
    const kind = kindName("flaky");
    const job = await enqueue(store.db, { kind, shopId: shopA, payload: {}, maxAttempts: 3, dedupeKey: "flaky" }, { now: T0 });
    const backoff = { baseMs: 1000, maxMs: 3000 };
    let now = T0;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const [claimed] = await claim(store.db, kind, { workerId: "w", leaseMs: 60_000, now });
      expect(claimed).toMatchObject({ id: job.id, attempts: attempt });
      const state = await fail(store.db, claimed!, new Error(`boom ${attempt}`), { now, backoff, random: () => 0.5 });
      const row = await store.db.job.findUniqueOrThrow({ where: { id: job.id } });
      expect(row.lastError).toContain(`boom ${attempt}`);
      if (attempt < 3) {
        expect(state).toBe("QUEUED");
        expect(row).toMatchObject({ state: "QUEUED", lockedBy: null, lockedUntil: null, dedupeKey: "flaky" });
        delays.push(row.runAt.getTime() - now.getTime());
        // not due before its backoff
        expect(await claim(store.db, kind, { workerId: "w", leaseMs: 60_000, now: new Date(row.runAt.getTime() - 1) })).toEqual([]);
        now = row.runAt;
      } else {
        expect(state).toBe("FAILED");
        expect(row).toMatchObject({ state: "FAILED", attempts: 3, finishedAt: now, dedupeKey: null, releasedDedupeKey: "flaky", lockedBy: "w" });
        expect(row.lastError).toMatch(/^Error: boom 3\n\s+at /);
      }
    }
    // 1000·2^(n−1), capped at 3000, with jitter 0.5 → three quarters of it
    expect(delays).toEqual([750, 1500]);
    expect(await claim(store.db, kind, { workerId: "w", leaseMs: 60_000, now: at(10 * 60_000) })).toEqual([]);
    expect((await listJobs(store.db, shopA, { state: "FAILED" })).map((j) => j.id)).toContain(job.id);
  });

  it("computes backoff: doubling, capped, jittered between half and all of it", () => {
    const b = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffDelay(n, b, () => 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, b, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect(backoffDelay(1)).toBeGreaterThanOrEqual(5000);
    expect(backoffDelay(1)).toBeLessThanOrEqual(10_000);
  });

  it("fails a PermanentJobError at once", async () => {
    const kind = kindName("permanent");
    await enqueue(store.db, { kind, payload: {} }, { now: T0 });
    const [job] = await claim(store.db, kind, { workerId: "w", leaseMs: 1000, now: T0 });
    expect(await fail(store.db, job!, new PermanentJobError("bad payload"), { now: T0 })).toBe("FAILED");
    expect(await store.db.job.findUniqueOrThrow({ where: { id: job!.id } })).toMatchObject({ state: "FAILED", attempts: 1 });
  });

  it("lets the admin retry a FAILED job of their shop only, with fresh attempts and its dedupe key back", async () => {
    const kind = kindName("retry");
    const job = await enqueue(store.db, { kind, shopId: shopA, payload: {}, maxAttempts: 1, dedupeKey: "r" }, { now: T0 });
    const [claimed] = await claim(store.db, kind, { workerId: "w", leaseMs: 1000, now: T0 });
    expect(await retryJob(store.db, shopA, job.id)).toMatchObject({ status: "not-failed" });
    await fail(store.db, claimed!, new Error("nope"), { now: T0 });

    expect(await retryJob(store.db, shopB, job.id)).toEqual({ status: "not-found" });
    expect(await retryJob(store.db, null, job.id)).toEqual({ status: "not-found" });
    const retried = await retryJob(store.db, shopA, job.id, { now: at(5) });
    expect(retried).toMatchObject({ status: "queued", job: { id: job.id, state: "QUEUED", attempts: 0, runAt: at(5), dedupeKey: "r", releasedDedupeKey: null, finishedAt: null } });
    expect(retried.status === "queued" && retried.job.lastError).toContain("nope");
    expect((await enqueue(store.db, { kind, payload: {}, dedupeKey: "r" })).id).toBe(job.id);

    // fail it again; meanwhile an equal job is queued: retry points at that one instead
    const [again] = await claim(store.db, kind, { workerId: "w", leaseMs: 1000, now: at(5) });
    await fail(store.db, again!, new Error("nope again"), { now: at(6) });
    const fresh = await enqueue(store.db, { kind, shopId: shopA, payload: {}, dedupeKey: "r" });
    expect(await retryJob(store.db, shopA, job.id)).toMatchObject({ status: "already-queued", job: { id: fresh.id } });
    expect(await store.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ state: "FAILED" });
  });

  it("lists a shop's jobs newest first, by state; global jobs under null; a deleted shop takes its jobs along", async () => {
    const kind = kindName("list");
    const shop = (await store.db.shop.create({ data: { domain: `list-${kind}.myshopify.com`, name: "L" } })).id;
    const a = await enqueue(store.db, { kind, shopId: shop, payload: {} }, { now: at(1) });
    const b = await enqueue(store.db, { kind, shopId: shop, payload: {} }, { now: at(2) });
    const global = await enqueue(store.db, { kind, payload: {} }, { now: at(3) });
    await claim(store.db, kind, { workerId: "w", leaseMs: 1000, now: at(1) }); // takes a (runAt 1)
    expect((await listJobs(store.db, shop)).map((j) => j.id)).toEqual([b.id, a.id]);
    expect((await listJobs(store.db, shop, { state: "RUNNING" })).map((j) => j.id)).toEqual([a.id]);
    expect((await listJobs(store.db, shop, { state: ["QUEUED", "FAILED"] })).map((j) => j.id)).toEqual([b.id]);
    expect((await listJobs(store.db, null, { kind })).map((j) => j.id)).toEqual([global.id]);
    await store.db.shop.delete({ where: { id: shop } });
    expect(await store.db.job.count({ where: { kind } })).toBe(1);
  });

  it("claims a RUNNING job again once its lease expired (the worker died), and fences the old holder off", async () => {
    const kind = kindName("lease");
    const job = await enqueue(store.db, { kind, payload: {} }, { now: T0 });
    const [a] = await claim(store.db, kind, { workerId: "A", leaseMs: 1000, now: T0 });
    expect(a?.id).toBe(job.id);
    // while the lease holds, nobody else gets it
    expect(await claim(store.db, kind, { workerId: "B", leaseMs: 1000, now: at(999) })).toEqual([]);
    // a heartbeat extends it
    expect(await heartbeat(store.db, a!, { leaseMs: 1000, now: at(900) })).toBe(true);
    expect(await claim(store.db, kind, { workerId: "B", leaseMs: 1000, now: at(1500) })).toEqual([]);
    // A goes silent; after the lease B takes it, as attempt 2
    const [b] = await claim(store.db, kind, { workerId: "B", leaseMs: 1000, now: at(1901) });
    expect(b).toMatchObject({ id: job.id, lockedBy: "B", attempts: 2, state: "RUNNING" });
    // A wakes up: it can neither extend, complete, fail nor release what B holds
    expect(await heartbeat(store.db, a!, { leaseMs: 1000, now: at(1950) })).toBe(false);
    expect(await complete(store.db, a!, { now: at(1950) })).toBe(false);
    expect(await fail(store.db, a!, new Error("late"), { now: at(1950) })).toBeNull();
    expect(await release(store.db, a!, { now: at(1950) })).toBe(false);
    expect(await complete(store.db, b!, { now: at(2000) })).toBe(true);
    expect(await store.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ state: "DONE", lockedBy: "B", attempts: 2, lastError: null });
  });

  it("keeps a job whose worker died on its last attempt as FAILED, saying so", async () => {
    const kind = kindName("dead");
    const job = await enqueue(store.db, { kind, payload: {}, maxAttempts: 1 }, { now: T0 });
    await claim(store.db, kind, { workerId: "doomed", leaseMs: 1000, now: T0 });
    expect(await claim(store.db, kind, { workerId: "B", leaseMs: 1000, now: at(1001) })).toEqual([]);
    const row = await store.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ state: "FAILED", attempts: 1, finishedAt: at(1001), lockedUntil: null });
    expect(row.lastError).toBe("the worker doomed stopped during attempt 1 of 1 (its lease expired)");
  });

  it("releases a job without counting the attempt", async () => {
    const kind = kindName("release");
    await enqueue(store.db, { kind, payload: {} }, { now: T0 });
    const [job] = await claim(store.db, kind, { workerId: "w", leaseMs: 1000, now: T0 });
    expect(await release(store.db, job!, { now: at(10) })).toBe(true);
    const [again] = await claim(store.db, kind, { workerId: "v", leaseMs: 1000, now: at(10) });
    expect(again).toMatchObject({ id: job!.id, attempts: 1, lockedBy: "v" });
  });

  it("uses the database's clock when none is given", async () => {
    const kind = kindName("clock");
    const job = await enqueue(store.db, { kind, payload: {} });
    const before = Date.now();
    const [claimed] = await claim(store.db, kind, { workerId: "w", leaseMs: 10_000 });
    expect(claimed?.id).toBe(job.id);
    const until = claimed!.lockedUntil!.getTime();
    // same machine: the store's clock and ours agree to well within a second
    expect(Math.abs(until - (before + 10_000))).toBeLessThan(1000);
    expect(await heartbeat(store.db, claimed!, { leaseMs: 20_000 })).toBe(true);
    const row = await store.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(Math.abs(row.lockedUntil!.getTime() - (Date.now() + 20_000))).toBeLessThan(1000);
  });
});

describe.runIf(kinds.includes("postgresql"))("job queue on postgresql, many claimers", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore("postgresql");
  });
  afterAll(() => store.drop());

  it("hands each of 500 jobs to exactly one of 6 claimers on separate connection pools", async () => {
    const kind = "contended";
    await store.db.job.createMany({ data: Array.from({ length: 500 }, (_, i) => ({ kind, payload: { i }, priority: i % 3 })) });
    const clients = Array.from({ length: 6 }, () => openDb(store.url).db);
    const claimedBy = new Map<number, string>();
    const duplicates: number[] = [];
    try {
      await Promise.all(
        clients.flatMap((client, c) =>
          // two concurrent loops per client: 12 claimers racing on 6 pools
          [0, 1].map(async (loop) => {
            const workerId = `c${c}-${loop}`;
            for (;;) {
              const jobs: Job[] = await claim(client, kind, { workerId, leaseMs: 60_000, limit: 7 });
              if (jobs.length === 0) return;
              for (const job of jobs) {
                if (claimedBy.has(job.id)) duplicates.push(job.id);
                claimedBy.set(job.id, workerId);
                expect(await complete(client, job)).toBe(true);
              }
            }
          }),
        ),
      );
    } finally {
      await Promise.all(clients.map((c) => c.$disconnect()));
    }
    expect(duplicates).toEqual([]);
    expect(claimedBy.size).toBe(500);
    expect(new Set(claimedBy.values()).size).toBeGreaterThan(1);
    expect(await store.db.job.count({ where: { kind, state: "DONE", attempts: 1 } })).toBe(500);
  });
});
