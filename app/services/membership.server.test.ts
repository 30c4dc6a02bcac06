import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "~/db/client";
import { claim, enqueue, PermanentJobError, type Job } from "~/jobs/queue.server";
import { logger } from "~/logger.server";
import { analyse } from "~/segments/engine";
import type { SyncDeps } from "~/sync/deps";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import {
  BrokenSegmentError,
  DAILY_MEMBERSHIP_JOB,
  dailyMembershipJobHandler,
  dependsOnDate,
  forgetCustomers,
  recomputeSegment,
  recomputeShopSegments,
  refreshMembership,
  SegmentNotFoundError,
} from "./membership.server";

const kinds = await storeKinds();
const DAY = 86_400_000;
/** 23:30 UTC is already the next day in Amsterdam: the shop's day is 2026-03-11. */
const NOW = new Date("2026-03-10T23:30:00Z");
const later = (days: number) => new Date(NOW.getTime() + days * DAY);

let shops = 0;

interface Fixture {
  shopId: number;
  customers: Record<string, number>;
  segments: Record<string, string>;
}

/** A shop in Amsterdam with customers and segments; every test gets its own, so tests do not share rows. */
async function makeShop(
  db: Db,
  customers: Record<string, { spentMinor?: bigint; tags?: string[]; lastOrderAt?: Date | null; shoeSize?: string }>,
  segments: Record<string, string>,
  shop: { timeZone?: string; currencyCode?: string } = {},
): Promise<Fixture> {
  shops++;
  const { id: shopId } = await db.shop.create({
    data: { domain: `membership-${shops}-${Math.random().toString(36).slice(2, 8)}.myshopify.com`, name: `Shop ${shops}`, ianaTimezone: shop.timeZone ?? "Europe/Amsterdam", currencyCode: shop.currencyCode ?? "EUR" },
  });
  await db.metafieldDefinition.create({ data: { shopId, namespace: "facts", key: "shoe_size", name: "Shoe size", type: "number_decimal" } });
  const fixture: Fixture = { shopId, customers: {}, segments: {} };
  let n = 0;
  for (const [name, c] of Object.entries(customers)) {
    n++;
    const created = new Date("2024-01-01T00:00:00Z");
    const { id } = await db.customer.create({
      data: {
        shopId,
        shopifyId: `${shopId}${n}`,
        email: `${name}@example.com`,
        emailDomain: "example.com",
        shopifyCreatedAt: created,
        shopifyUpdatedAt: created,
        amountSpentMinor: c.spentMinor ?? 0n,
        numberOfOrders: c.lastOrderAt ? 1 : 0,
        lastOrderAt: c.lastOrderAt ?? null,
        firstOrderAt: c.lastOrderAt ?? null,
      },
    });
    fixture.customers[name] = id;
    for (const tag of c.tags ?? []) await db.customerTag.create({ data: { shopId, customerId: id, tag, normalized: tag.toLowerCase() } });
    if (c.shoeSize) await db.customerMetafield.create({ data: { shopId, customerId: id, namespace: "facts", key: "shoe_size", type: "number_decimal", value: c.shoeSize } });
  }
  for (const [name, query] of Object.entries(segments)) {
    const { id } = await db.segment.create({ data: { shopId, name, handle: name.toLowerCase().replace(/\W+/g, "-"), query } });
    fixture.segments[name] = id;
  }
  return fixture;
}

describe.each(kinds)("segment membership on %s", (kind) => {
  let store: TestStore;
  let db: Db;

  beforeAll(async () => {
    store = await freshStore(kind);
    db = store.db;
  });
  afterAll(() => store?.drop());

  const members = async (segmentId: string) =>
    (await db.segmentMember.findMany({ where: { segmentId }, select: { customerId: true }, orderBy: { customerId: "asc" } })).map((m) => m.customerId);
  const events = (segmentId: string) =>
    db.segmentMembershipEvent.findMany({ where: { segmentId }, orderBy: { id: "asc" }, select: { customerId: true, change: true, at: true } });
  const count = async (segmentId: string) => (await db.segment.findUniqueOrThrow({ where: { id: segmentId } })).memberCount;

  it("a live refresh adds and removes exactly the changed members, with events at `now` and kept counts", async () => {
    const f = await makeShop(
      db,
      { ann: { spentMinor: 20_000n, tags: ["VIP"] }, bob: {}, cy: { spentMinor: 500n } },
      { "Big spenders": "amount_spent >= 100", VIPs: "customer_tags CONTAINS 'vip'" },
    );
    const { ann, bob, cy } = f.customers as Record<"ann" | "bob" | "cy", number>;
    const big = f.segments["Big spenders"] as string;
    const vips = f.segments.VIPs as string;

    expect(await refreshMembership(db, { shopId: f.shopId, customerIds: [ann, bob, cy], now: NOW })).toEqual({ joined: 2, left: 0 });
    expect(await members(big)).toEqual([ann]);
    expect(await members(vips)).toEqual([ann]);
    expect(await events(big)).toEqual([{ customerId: ann, change: "JOINED", at: NOW }]);
    expect([await count(big), await count(vips)]).toEqual([1, 1]);

    // bob spends; ann loses her tag
    await db.customer.update({ where: { id: bob }, data: { amountSpentMinor: 15_000n } });
    await db.customerTag.deleteMany({ where: { customerId: ann } });
    const then = later(1);
    expect(await refreshMembership(db, { shopId: f.shopId, customerIds: [ann, bob], now: then })).toEqual({ joined: 1, left: 1 });
    expect(await members(big)).toEqual([ann, bob].sort((a, b) => a - b));
    expect(await members(vips)).toEqual([]);
    expect(await events(big)).toEqual([
      { customerId: ann, change: "JOINED", at: NOW },
      { customerId: bob, change: "JOINED", at: then },
    ]);
    expect(await events(vips)).toEqual([
      { customerId: ann, change: "JOINED", at: NOW },
      { customerId: ann, change: "LEFT", at: then },
    ]);
    expect([await count(big), await count(vips)]).toEqual([2, 0]);

    // nothing changed: nothing written
    expect(await refreshMembership(db, { shopId: f.shopId, customerIds: [ann, bob, cy, ann], now: later(2) })).toEqual({ joined: 0, left: 0 });
    expect((await events(big)).length + (await events(vips)).length).toBe(4);
    expect(await refreshMembership(db, { shopId: f.shopId, customerIds: [], now: NOW })).toEqual({ joined: 0, left: 0 });
  });

  it("a deleted customer leaves every segment and the counts follow", async () => {
    const f = await makeShop(db, { ann: { spentMinor: 20_000n }, bob: { spentMinor: 30_000n } }, { Big: "amount_spent >= 100", Everyone: "amount_spent >= 0" });
    const { ann, bob } = f.customers as Record<"ann" | "bob", number>;
    await refreshMembership(db, { shopId: f.shopId, customerIds: [ann, bob], now: NOW });
    expect(await count(f.segments.Big as string)).toBe(2);
    await db.customer.delete({ where: { id: ann } }); // as customers/delete does (its rows cascade)
    expect(await refreshMembership(db, { shopId: f.shopId, customerIds: [ann], now: later(1) })).toEqual({ joined: 0, left: 0 });
    expect(await members(f.segments.Big as string)).toEqual([bob]);
    expect([await count(f.segments.Big as string), await count(f.segments.Everyone as string)]).toEqual([1, 1]);

    // forgetCustomers before the delete lowers the counts by exactly the rows it removes
    await db.$transaction(async (tx) => {
      await forgetCustomers(tx, kind, { shopId: f.shopId, customerIds: [bob] });
      await tx.customer.delete({ where: { id: bob } });
    });
    expect([await count(f.segments.Big as string), await count(f.segments.Everyone as string)]).toEqual([0, 0]);
  });

  it("a recompute in SQL writes the difference with events, the count, computedAt and the shop day's size", async () => {
    const f = await makeShop(db, { ann: { spentMinor: 20_000n }, bob: {}, cy: { spentMinor: 10_000n } }, { Big: "amount_spent >= 100" });
    const { ann, bob, cy } = f.customers as Record<"ann" | "bob" | "cy", number>;
    const big = f.segments.Big as string;
    // a stale membership: bob is in, cy is not
    await db.segmentMember.createMany({ data: [ann, bob].map((customerId) => ({ shopId: f.shopId, segmentId: big, customerId, joinedAt: later(-5) })) });
    await db.segment.update({ where: { id: big }, data: { memberCount: 2 } });

    expect(await recomputeSegment(db, kind, { shopId: f.shopId, segmentId: big, now: NOW })).toEqual({ joined: 1, left: 1, members: 2 });
    expect(await members(big)).toEqual([ann, cy].sort((a, b) => a - b));
    expect(await events(big)).toEqual(
      expect.arrayContaining([
        { customerId: bob, change: "LEFT", at: NOW },
        { customerId: cy, change: "JOINED", at: NOW },
      ]),
    );
    expect((await events(big)).length).toBe(2);
    const segment = await db.segment.findUniqueOrThrow({ where: { id: big } });
    expect([segment.memberCount, segment.computedAt]).toEqual([2, NOW]);
    // ann's row was kept as it was, not rewritten
    expect((await db.segmentMember.findUniqueOrThrow({ where: { segmentId_customerId: { segmentId: big, customerId: ann } } })).joinedAt).toEqual(later(-5));
    expect(await db.segmentSizeHistory.findMany({ where: { segmentId: big }, select: { day: true, memberCount: true, shopId: true } })).toEqual([
      { day: "2026-03-11", memberCount: 2, shopId: f.shopId },
    ]);

    // again the same day: nothing to change, the day's row updated in place
    await db.customer.update({ where: { id: cy }, data: { amountSpentMinor: 0n } });
    expect(await recomputeSegment(db, kind, { shopId: f.shopId, segmentId: big, now: new Date(NOW.getTime() + 3_600_000) })).toEqual({ joined: 0, left: 1, members: 1 });
    expect(await recomputeSegment(db, kind, { shopId: f.shopId, segmentId: big, now: new Date(NOW.getTime() + 7_200_000) })).toEqual({ joined: 0, left: 0, members: 1 });
    expect(await db.segmentSizeHistory.findMany({ where: { segmentId: big }, select: { day: true, memberCount: true } })).toEqual([{ day: "2026-03-11", memberCount: 1 }]);
    expect((await events(big)).length).toBe(3);

    await expect(recomputeSegment(db, kind, { shopId: f.shopId + 999, segmentId: big, now: NOW })).rejects.toThrow(SegmentNotFoundError);
  });

  it("a relative-date segment drifts with the clock: recomputed (or refreshed) later, the customer leaves", async () => {
    const f = await makeShop(
      db,
      { ann: { spentMinor: 1_000n, lastOrderAt: later(-10) }, bob: { spentMinor: 1_000n, lastOrderAt: later(-100) } },
      { Recent: "last_order_date > -30d", RecentToo: "last_order_date > -30d AND amount_spent > 1" },
    );
    const { ann, bob } = f.customers as Record<"ann" | "bob", number>;
    const recent = f.segments.Recent as string;
    const recentToo = f.segments.RecentToo as string;
    expect(await recomputeSegment(db, kind, { shopId: f.shopId, segmentId: recent, now: NOW })).toEqual({ joined: 1, left: 0, members: 1 });
    expect(await members(recent)).toEqual([ann]);
    const drifted = later(25);
    expect(await recomputeSegment(db, kind, { shopId: f.shopId, segmentId: recent, now: drifted })).toEqual({ joined: 0, left: 1, members: 0 });
    expect(await events(recent)).toEqual([
      { customerId: ann, change: "JOINED", at: NOW },
      { customerId: ann, change: "LEFT", at: drifted },
    ]);
    expect(await db.segmentSizeHistory.findMany({ where: { segmentId: recent }, orderBy: { day: "asc" }, select: { day: true, memberCount: true } })).toEqual([
      { day: "2026-03-11", memberCount: 1 },
      { day: "2026-04-05", memberCount: 0 },
    ]);

    // the live path prepares its predicate per shop day: a later day is not answered from the cache
    expect(await refreshMembership(db, { shopId: f.shopId, customerIds: [ann, bob], now: NOW })).toEqual({ joined: 2, left: 0 });
    expect([await members(recent), await members(recentToo)]).toEqual([[ann], [ann]]);
    expect(await refreshMembership(db, { shopId: f.shopId, customerIds: [ann, bob], now: drifted })).toEqual({ joined: 0, left: 2 });
    expect([await members(recent), await members(recentToo)]).toEqual([[], []]);
  });

  it("recomputeShopSegments does every segment, or only those that depend on the date", async () => {
    const f = await makeShop(
      db,
      { ann: { spentMinor: 20_000n, lastOrderAt: later(-10) }, bob: { spentMinor: 0n } },
      { Big: "amount_spent >= 100", Recent: "last_order_date > -30d", Never: "number_of_orders > 5" },
    );
    expect(await recomputeShopSegments(db, kind, { shopId: f.shopId, now: NOW, onlyRelativeDates: true })).toEqual({ segments: 1, joined: 1, left: 0 });
    expect(await db.segment.findMany({ where: { shopId: f.shopId }, orderBy: { name: "asc" }, select: { name: true, computedAt: true, memberCount: true } })).toEqual([
      { name: "Big", computedAt: null, memberCount: 0 },
      { name: "Never", computedAt: null, memberCount: 0 },
      { name: "Recent", computedAt: NOW, memberCount: 1 },
    ]);
    expect(await recomputeShopSegments(db, kind, { shopId: f.shopId, now: NOW })).toEqual({ segments: 3, joined: 1, left: 0 });
    expect(await recomputeShopSegments(db, kind, { shopId: 987_654, now: NOW })).toEqual({ segments: 0, joined: 0, left: 0 });
  });

  it("a segment whose query no longer checks is skipped, logged once, and keeps its members", async () => {
    const warn = vi.spyOn(logger, "warn");
    try {
      const f = await makeShop(db, { ann: { spentMinor: 20_000n, shoeSize: "44" }, bob: { spentMinor: 20_000n, shoeSize: "38" } }, { Big: "amount_spent >= 100", Feet: "metafields.facts.shoe_size > 40" });
      const { ann, bob } = f.customers as Record<"ann" | "bob", number>;
      const feet = f.segments.Feet as string;
      await refreshMembership(db, { shopId: f.shopId, customerIds: [ann, bob], now: NOW });
      expect(await members(feet)).toEqual([ann]);

      await db.metafieldDefinition.deleteMany({ where: { shopId: f.shopId, key: "shoe_size" } });
      await db.customerMetafield.updateMany({ where: { customerId: ann }, data: { value: "30" } });
      await db.customerMetafield.updateMany({ where: { customerId: bob }, data: { value: "45" } });
      await db.customer.update({ where: { id: ann }, data: { amountSpentMinor: 0n } });
      expect(await refreshMembership(db, { shopId: f.shopId, customerIds: [ann, bob], now: later(1) })).toEqual({ joined: 0, left: 1 });
      expect(await refreshMembership(db, { shopId: f.shopId, customerIds: [ann, bob], now: later(2) })).toEqual({ joined: 0, left: 0 });
      expect(await members(f.segments.Big as string)).toEqual([bob]);
      expect(await members(feet)).toEqual([ann]);
      expect(await count(feet)).toBe(1);
      expect(await recomputeShopSegments(db, kind, { shopId: f.shopId, now: later(2) })).toEqual({ segments: 1, joined: 0, left: 0 });
      await expect(recomputeSegment(db, kind, { shopId: f.shopId, segmentId: feet, now: later(2) })).rejects.toThrow(BrokenSegmentError);
      expect(await members(feet)).toEqual([ann]);
      const logged = warn.mock.calls.filter(([fields]) => (fields as { segmentId?: string }).segmentId === feet);
      expect(logged).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
  });

  it("touches only the shop it is asked about", async () => {
    const a = await makeShop(db, { ann: { spentMinor: 20_000n } }, { Everyone: "amount_spent >= 0" });
    const b = await makeShop(db, { dan: { spentMinor: 20_000n }, eve: {} }, { Everyone: "amount_spent >= 0", Big: "amount_spent >= 100" });
    const { ann } = a.customers as Record<"ann", number>;
    const { dan, eve } = b.customers as Record<"dan" | "eve", number>;
    await refreshMembership(db, { shopId: b.shopId, customerIds: [dan], now: NOW });
    const before = await db.segmentMember.findMany({ where: { shopId: b.shopId }, orderBy: [{ segmentId: "asc" }, { customerId: "asc" }] });
    const eventsBefore = await db.segmentMembershipEvent.count({ where: { shopId: b.shopId } });

    // shop B's customers named in shop A's refresh are not A's: nothing happens to them
    expect(await refreshMembership(db, { shopId: a.shopId, customerIds: [ann, dan, eve], now: NOW })).toEqual({ joined: 1, left: 0 });
    expect(await members(a.segments.Everyone as string)).toEqual([ann]);
    expect(await recomputeShopSegments(db, kind, { shopId: a.shopId, now: NOW })).toEqual({ segments: 1, joined: 0, left: 0 });
    expect(await db.segmentMember.findMany({ where: { shopId: b.shopId }, orderBy: [{ segmentId: "asc" }, { customerId: "asc" }] })).toEqual(before);
    expect(await db.segmentMembershipEvent.count({ where: { shopId: b.shopId } })).toBe(eventsBefore);
    // a segment of shop B is not shop A's to recompute
    await expect(recomputeSegment(db, kind, { shopId: a.shopId, segmentId: b.segments.Big as string, now: NOW })).rejects.toThrow(SegmentNotFoundError);
    expect(await count(b.segments.Everyone as string)).toBe(1);
  });
});

describe("which queries depend on the date", () => {
  const metafields = [
    { namespace: "facts", key: "birth_date", type: "date" },
    { namespace: "facts", key: "shoe_size", type: "number_decimal" },
  ];
  const cases: [string, boolean][] = [
    ["last_order_date > -90d", true],
    ["last_order_date > 2025-01-01", false],
    ["amount_spent > 100 AND NOT (customer_added_date BETWEEN 2024-01-01 AND today)", true],
    ["customer_added_date BETWEEN 2024-01-01 AND 2024-12-31", false],
    ["abandoned_checkout_date = yesterday", true],
    ["expected_next_order_date < +7d", true],
    ["expected_next_order_date < 2027-01-01", false],
    ["age >= 18", true],
    ["age IS NULL", false],
    ["anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d", true],
    ["anniversary(date: 'metafields.facts.birth_date') = 2026-05-01", false],
    ["metafields.facts.birth_date < -18y", true],
    ["metafields.facts.shoe_size > 40", false],
    ["products_purchased MATCHES (id = 123, date > -90d)", true],
    ["products_purchased MATCHES (id = 123, sum_quantity >= 2)", false],
    ["orders_placed MATCHES (date BETWEEN 2025-01-01 AND -1d)", true],
    ["products_purchased(id: 123, date: -30d) = true", true],
    ["products_purchased(id: 123) = true", false],
    ["customer_tags CONTAINS 'vip' OR rfm_group = 'CHAMPIONS'", false],
  ];
  it.each(cases)("%s → %s", (query, expected) => {
    const analysis = analyse(query, { metafields });
    if (!analysis.ok) throw new Error(analysis.errors.map(String).join("\n"));
    expect(dependsOnDate(analysis.checked)).toBe(expected);
  });
});

describe.each(kinds)("the daily membership job on %s", (kind) => {
  let store: TestStore;
  let db: Db;
  let clock: Date;
  let deps: SyncDeps;

  beforeAll(async () => {
    store = await freshStore(kind);
    db = store.db;
    deps = { db, kind, adminFor: () => Promise.reject(new Error("the daily job does not call Shopify")), now: () => clock };
  });
  afterAll(() => store?.drop());

  /** Queues a job, holds it as a worker would (RUNNING), runs the handler on it, then marks it DONE. */
  async function run(payload: object, shopId: number | null): Promise<void> {
    const queued = await enqueue(db, { kind: DAILY_MEMBERSHIP_JOB, shopId, payload: payload as never }, { now: clock });
    const job = await db.job.update({ where: { id: queued.id }, data: { state: "RUNNING", lockedBy: "test", attempts: 1 } });
    await dailyMembershipJobHandler(deps)(job, new AbortController().signal);
    await db.job.update({ where: { id: job.id }, data: { state: "DONE", dedupeKey: null, releasedDedupeKey: job.dedupeKey } });
  }
  const queuedFor = (shopId: number | null) =>
    db.job.findMany({ where: { kind: DAILY_MEMBERSHIP_JOB, shopId, state: "QUEUED" }, select: { runAt: true, dedupeKey: true, payload: true } });

  it("recomputes the shop's relative-date segments, records every size, and queues its successor once", async () => {
    clock = NOW;
    const f = await makeShop(db, { ann: { spentMinor: 20_000n, lastOrderAt: later(-10) } }, { Recent: "last_order_date > -30d", Big: "amount_spent >= 100" });
    const { ann } = f.customers as Record<"ann", number>;
    await refreshMembership(db, { shopId: f.shopId, customerIds: [ann], now: NOW });

    await run({ shopId: f.shopId }, f.shopId);
    // Amsterdam's day is 2026-03-11; the next run is at its midnight ending it (23:00 UTC, winter time)
    expect(await queuedFor(f.shopId)).toEqual([{ runAt: new Date("2026-03-11T23:00:00Z"), dedupeKey: `shop:${f.shopId}:2026-03-12`, payload: { shopId: f.shopId } }]);
    expect(await db.segment.findMany({ where: { shopId: f.shopId }, orderBy: { name: "asc" }, select: { name: true, computedAt: true, memberCount: true } })).toEqual([
      { name: "Big", computedAt: null, memberCount: 1 },
      { name: "Recent", computedAt: NOW, memberCount: 1 },
    ]);
    expect(await db.segmentSizeHistory.count({ where: { shopId: f.shopId, day: "2026-03-11" } })).toBe(2);
    const eventsAfterFirst = await db.segmentMembershipEvent.count({ where: { shopId: f.shopId } });

    // a second run of the same day changes nothing and queues nothing more
    clock = new Date(NOW.getTime() + 60_000);
    await run({ shopId: f.shopId }, f.shopId);
    expect(await queuedFor(f.shopId)).toHaveLength(1);
    expect(await db.segmentMembershipEvent.count({ where: { shopId: f.shopId } })).toBe(eventsAfterFirst);
    expect(await db.segmentSizeHistory.count({ where: { shopId: f.shopId } })).toBe(2);

    // 25 days on, the successor's run: ann's last order is too old
    clock = later(25);
    const [successor] = await claim(db, DAILY_MEMBERSHIP_JOB, { workerId: "test", leaseMs: 60_000, now: clock, limit: 100 }).then((jobs) => jobs.filter((j) => j.shopId === f.shopId));
    await dailyMembershipJobHandler(deps)(successor as Job, new AbortController().signal);
    expect(await db.segmentMember.count({ where: { segmentId: f.segments.Recent as string } })).toBe(0);
    expect(await db.segmentMembershipEvent.findMany({ where: { segmentId: f.segments.Recent as string, change: "LEFT" }, select: { customerId: true, at: true } })).toEqual([{ customerId: ann, at: clock }]);
    expect((await queuedFor(f.shopId)).map((j) => j.dedupeKey)).toEqual([`shop:${f.shopId}:2026-04-06`]);
  });

  it("stops the chain of an uninstalled shop", async () => {
    clock = NOW;
    const f = await makeShop(db, {}, { Recent: "last_order_date > -30d" });
    await db.shop.update({ where: { id: f.shopId }, data: { installState: "UNINSTALLED" } });
    await run({ shopId: f.shopId }, f.shopId);
    expect(await queuedFor(f.shopId)).toEqual([]);
  });

  it("without a shop, starts each installed shop's run that is missing and queues itself for the next UTC day", async () => {
    clock = new Date("2026-06-01T10:00:00Z");
    const waiting = await makeShop(db, {}, {}, { timeZone: "Asia/Kathmandu" });
    const missing = await makeShop(db, {}, {}, { timeZone: "America/Los_Angeles" });
    const gone = await makeShop(db, {}, {});
    await db.shop.update({ where: { id: gone.shopId }, data: { installState: "UNINSTALLED" } });
    await enqueue(db, { kind: DAILY_MEMBERSHIP_JOB, shopId: waiting.shopId, payload: { shopId: waiting.shopId }, runAt: later(100), dedupeKey: `shop:${waiting.shopId}:x` });

    await run({}, null);
    await run({}, null);
    expect(await queuedFor(missing.shopId)).toEqual([{ runAt: clock, dedupeKey: `shop:${missing.shopId}:2026-06-01`, payload: { shopId: missing.shopId } }]);
    expect(await queuedFor(waiting.shopId)).toHaveLength(1);
    expect(await queuedFor(gone.shopId)).toEqual([]);
    expect(await queuedFor(null)).toEqual([{ runAt: new Date("2026-06-02T00:00:00Z"), dedupeKey: "all:2026-06-02", payload: {} }]);
  });

  it("refuses a malformed payload for good", async () => {
    const handler = dailyMembershipJobHandler(deps);
    const job = { id: 1, kind: DAILY_MEMBERSHIP_JOB, payload: { shopId: "three" } } as unknown as Job;
    await expect(handler(job, new AbortController().signal)).rejects.toThrow(PermanentJobError);
    await expect(handler({ ...job, payload: { shopId: 1, extra: true } } as unknown as Job, new AbortController().signal)).rejects.toThrow(/shopId/);
  });
});
