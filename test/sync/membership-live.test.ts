/**
 * Live membership under load: several workers (separate connection pools on PostgreSQL) refreshing
 * the same customers while their data changes end with the right members, and every customer's
 * events alternate JOINED, LEFT, JOINED… (never doubled); and the cost of one refresh in a shop with
 * tens of segments.
 */
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "~/db/client";
import { recomputeSegment, recomputeShopSegments, refreshMembership } from "~/services/membership.server";
import { TEMPLATE_METAFIELDS, TEMPLATES } from "~/segments/templates";
import { queryArbitrary } from "../segments/random-query";
import { randomShop, writeShop } from "../segments/random-shop";
import { freshStore, POSTGRES_TEST_URL, storeKinds, type TestStore } from "../store/harness";

const kinds = await storeKinds();
const NOW = new Date("2026-03-10T12:00:00Z");

describe.each(kinds)("live membership with concurrent workers on %s", (kind) => {
  let store: TestStore;
  /** one pool per simulated worker process (SQLite: one process, so one client) */
  let workers: Db[];

  beforeAll(async () => {
    store = await freshStore(kind);
    workers = kind === "postgresql" ? [store.db, openDb(store.url).db, openDb(store.url).db] : [store.db];
  });
  afterAll(async () => {
    for (const db of workers?.slice(1) ?? []) await db.$disconnect();
    await store?.drop();
  });

  it("ends with the right members and never doubles an event while refreshes race data changes", async () => {
    const db = store.db;
    const { id: shopId } = await db.shop.create({ data: { domain: "race.myshopify.com", name: "Race" } });
    const customerIds: number[] = [];
    for (let i = 0; i < 12; i++) {
      const { id } = await db.customer.create({ data: { shopId, shopifyId: `r${i}`, shopifyCreatedAt: NOW, shopifyUpdatedAt: NOW } });
      customerIds.push(id);
    }
    const segments = await Promise.all(
      ["amount_spent >= 100", "amount_spent < 100", "number_of_orders >= 3", "amount_spent >= 50 AND number_of_orders >= 1"].map((query, i) =>
        db.segment.create({ data: { shopId, name: `S${i}`, handle: `s${i}`, query } }),
      ),
    );

    const pending: Promise<unknown>[] = [];
    let round = 0;
    const fire = (ids: number[]) => {
      for (let copy = 0; copy < 3; copy++) {
        const worker = workers[(round + copy) % workers.length] as Db;
        pending.push(refreshMembership(worker, { shopId, customerIds: ids, now: new Date(NOW.getTime() + round * 1000) }));
      }
    };
    for (round = 0; round < 8; round++) {
      // each round flips some customers' figures, then several workers refresh overlapping sets at once
      const changed = customerIds.filter((_, i) => (i + round) % 3 !== 0);
      for (const id of changed) {
        const spent = ((id * 7 + round * 13) % 4) * 40;
        await db.customer.update({ where: { id }, data: { amountSpentMinor: BigInt(spent * 100), numberOfOrders: (id + round) % 5 } });
      }
      fire(changed);
      fire(customerIds.slice(round % 4));
      if (round % 4 === 0) await Promise.all(pending.splice(0));
    }
    fire(customerIds);
    await Promise.all(pending);

    // the members the final data asks for, by recomputing each segment in SQL: nothing may be left to change
    for (const segment of segments) expect(await recomputeSegment(db, kind, { shopId, segmentId: segment.id, now: NOW })).toMatchObject({ joined: 0, left: 0 });
    for (const segment of segments) {
      const rows = await db.segmentMember.count({ where: { segmentId: segment.id } });
      expect((await db.segment.findUniqueOrThrow({ where: { id: segment.id } })).memberCount).toBe(rows);
      const events = await db.segmentMembershipEvent.findMany({ where: { segmentId: segment.id }, orderBy: { id: "asc" } });
      const members = new Set((await db.segmentMember.findMany({ where: { segmentId: segment.id } })).map((m) => m.customerId));
      for (const customerId of customerIds) {
        const changes = events.filter((e) => e.customerId === customerId).map((e) => e.change);
        // a JOINED only by the call that inserted the row, a LEFT only by the one that deleted it
        changes.forEach((change, i) => expect(change, `${segment.query}, customer ${customerId}: ${changes.join(" ")}`).toBe(i % 2 === 0 ? "JOINED" : "LEFT"));
        expect(changes.length % 2 === 1).toBe(members.has(customerId));
      }
    }
  }, 120_000);

  if (kind === "postgresql") {
    // SQLite runs one transaction at a time in its one process; PostgreSQL's workers interleave
    it("a refresh that waits behind another refresh of the same customer decides from the data as it is then", async () => {
      const db = store.db;
      const { id: shopId } = await db.shop.create({ data: { domain: "turns.myshopify.com", name: "Turns" } });
      const { id: customerId } = await db.customer.create({ data: { shopId, shopifyId: "t1", shopifyCreatedAt: NOW, shopifyUpdatedAt: NOW, amountSpentMinor: 20_000n } });
      const segment = await db.segment.create({ data: { shopId, name: "Big", handle: "big", query: "amount_spent >= 100" } });
      const schema = new URL(store.url).searchParams.get("schema") as string;
      const holder = new pg.Client({ connectionString: POSTGRES_TEST_URL });
      const watcher = new pg.Client({ connectionString: POSTGRES_TEST_URL });
      await holder.connect();
      await watcher.connect();
      /** whether some transaction waits for the holder's to end (a refresh blocked on the row it holds) */
      const blockedBy = async (xid: string) => {
        for (let i = 0; i < 400; i++) {
          const { rows } = await watcher.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted AND transactionid::text = $1`, [xid]);
          if ((rows[0] as { n: number }).n > 0) return true;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        return false;
      };
      try {
        // another transaction holds the row refresh A will insert, so A stops after reading, before writing
        await holder.query(`SET search_path TO "${schema}"`);
        await holder.query("BEGIN");
        await holder.query(`INSERT INTO "SegmentMember" ("shopId", "segmentId", "customerId", "joinedAt") VALUES ($1, $2, $3, now())`, [shopId, segment.id, customerId]);
        const { rows } = await holder.query(`SELECT backend_xid::text AS xid FROM pg_stat_activity WHERE pid = pg_backend_pid()`);
        const first = refreshMembership(workers[1] as Db, { shopId, customerIds: [customerId], now: NOW });
        expect(await blockedBy((rows[0] as { xid: string }).xid)).toBe(true);
        // the customer's spend changes, and the refresh for that change starts while A still holds its turn
        await db.customer.update({ where: { id: customerId }, data: { amountSpentMinor: 0n } });
        let secondDone = false;
        const second = refreshMembership(workers[2] as Db, { shopId, customerIds: [customerId], now: new Date(NOW.getTime() + 1000) }).finally(() => (secondDone = true));
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(secondDone).toBe(false);
        await holder.query("ROLLBACK");
        expect(await first).toEqual({ joined: 1, left: 0 });
        expect(await second).toEqual({ joined: 0, left: 1 });
        expect(await db.segmentMember.count({ where: { segmentId: segment.id } })).toBe(0);
        expect((await db.segment.findUniqueOrThrow({ where: { id: segment.id } })).memberCount).toBe(0);
      } finally {
        await holder.end();
        await watcher.end();
      }
    }, 60_000);
  }

  it("a recompute and refreshes of the same segment at once agree and double nothing", async () => {
    const db = store.db;
    const { id: shopId } = await db.shop.create({ data: { domain: "mixed.myshopify.com", name: "Mixed" } });
    const customerIds: number[] = [];
    for (let i = 0; i < 30; i++) {
      const { id } = await db.customer.create({ data: { shopId, shopifyId: `m${i}`, shopifyCreatedAt: NOW, shopifyUpdatedAt: NOW, amountSpentMinor: BigInt((i % 3) * 10_000) } });
      customerIds.push(id);
    }
    const segment = await db.segment.create({ data: { shopId, name: "Big", handle: "big", query: "amount_spent >= 100" } });
    await Promise.all([
      recomputeSegment(workers[0] as Db, kind, { shopId, segmentId: segment.id, now: NOW }),
      refreshMembership(workers[1 % workers.length] as Db, { shopId, customerIds, now: NOW }),
      refreshMembership(workers[2 % workers.length] as Db, { shopId, customerIds: customerIds.slice(10), now: NOW }),
      recomputeSegment(workers[1 % workers.length] as Db, kind, { shopId, segmentId: segment.id, now: NOW }),
    ]);
    const expected = customerIds.filter((_, i) => i % 3 !== 0).sort((a, b) => a - b);
    const members = (await db.segmentMember.findMany({ where: { segmentId: segment.id }, orderBy: { customerId: "asc" } })).map((m) => m.customerId);
    expect(members).toEqual(expected);
    const joined = await db.segmentMembershipEvent.findMany({ where: { segmentId: segment.id }, orderBy: { customerId: "asc" } });
    expect(joined.map((e) => [e.customerId, e.change])).toEqual(expected.map((id) => [id, "JOINED"]));
    expect((await db.segment.findUniqueOrThrow({ where: { id: segment.id } })).memberCount).toBe(expected.length);
  }, 60_000);
});

describe.each(kinds)("the cost of a live refresh on %s", (kind) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await freshStore(kind);
  });
  afterAll(() => store?.drop());

  it("re-evaluates one customer against 40 segments in a few milliseconds", async () => {
    const db = store.db;
    const shop = randomShop(4242, { customers: 800, timeZone: "Europe/Amsterdam" });
    const { shopId, customers } = await writeShop(db, shop);
    await db.metafieldDefinition.createMany({
      data: TEMPLATE_METAFIELDS.filter((m) => !shop.metafieldDefinitions.some((d) => d.namespace === m.namespace && d.key === m.key)).map((m) => ({
        shopId,
        namespace: m.namespace,
        key: m.key,
        name: m.name ?? m.key,
        type: m.type,
      })),
    });
    const queries = [...TEMPLATES.map((t) => t.query), ...fc.sample(queryArbitrary(shop, { maxDepth: 2 }), { numRuns: 40 - TEMPLATES.length, seed: 7 })];
    await db.segment.createMany({ data: queries.map((query, i) => ({ shopId, name: `Segment ${i}`, handle: `segment-${i}`, query })) });
    const now = new Date(shop.now);

    let started = performance.now();
    const whole = await recomputeShopSegments(db, kind, { shopId, now });
    const recomputeMs = performance.now() - started;
    expect(whole.segments).toBe(40);

    // warm: the queries are checked and prepared once per process and shop day
    await refreshMembership(db, { shopId, customerIds: [customers[0]!.id], now });
    const timings: number[] = [];
    for (let i = 0; i < 40; i++) {
      const customer = customers[(i * 37) % customers.length]!;
      // a webhook changed the customer: their figures move
      await db.customer.update({ where: { id: customer.id }, data: { amountSpentMinor: BigInt((i % 5) * 50_000), numberOfOrders: i % 4 } });
      started = performance.now();
      await refreshMembership(db, { shopId, customerIds: [customer.id], now });
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    const median = timings[Math.floor(timings.length / 2)]!;
    const p95 = timings[Math.floor(timings.length * 0.95)]!;
    // from no members at all, one call for every customer (several transactions of customers)
    await db.segmentMember.deleteMany({ where: { shopId } });
    await db.segment.updateMany({ where: { shopId }, data: { memberCount: 0 } });
    started = performance.now();
    const batch = await refreshMembership(db, { shopId, customerIds: customers.map((c) => c.id), now });
    const batchMs = performance.now() - started;
    expect(batch.left).toBe(0);
    console.info(
      `live refresh (${kind}): 1 customer × 40 segments median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms; all 800 customers ${batchMs.toFixed(0)} ms (${batch.joined} joins); ` +
        `recompute of 40 segments × 800 customers in SQL ${recomputeMs.toFixed(0)} ms`,
    );
    // relative to the same machine's pace (it is shared): a refresh that read the whole shop would cost about as much as all of it
    expect(median).toBeLessThan(batchMs / 4);
    // whatever the path, the result is the recompute's
    for (const segment of await db.segment.findMany({ where: { shopId }, select: { id: true, memberCount: true } })) {
      const recomputed = await recomputeSegment(db, kind, { shopId, segmentId: segment.id, now });
      expect(recomputed).toMatchObject({ joined: 0, left: 0, members: segment.memberCount });
    }
  }, 120_000);
});
