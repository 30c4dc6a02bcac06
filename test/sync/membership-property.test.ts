/**
 * The live path and the whole-segment path must keep the same members: for random small shops,
 * random segment queries and a random stale membership to start from, refreshing every customer in
 * memory (refreshMembership) and recomputing each segment in SQL (recomputeSegment) end with the
 * same members, the same JOINED/LEFT events (exactly the difference from the stale state), the same
 * memberCount.
 *
 * Knobs: MEMBERSHIP_RUNS (default 100 per store kind), MEMBERSHIP_SEED (shop seeds), FC_SEED.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client";
import { recomputeSegment, refreshMembership } from "~/services/membership.server";
import { queryArbitrary } from "../segments/random-query";
import { randomShop, type RandomShop, type WrittenShop, writeShop } from "../segments/random-shop";
import { freshStore, storeKinds, type TestStore } from "../store/harness";
import { seededRandom } from "../support/random";

const kinds = await storeKinds();
const RUNS = Number(process.env.MEMBERSHIP_RUNS ?? 100);
const SEED = Number(process.env.MEMBERSHIP_SEED ?? 20261202);
const FC_SEED = process.env.FC_SEED === undefined ? {} : { seed: Number(process.env.FC_SEED) };
const ZONES = ["Europe/Amsterdam", "America/St_Johns", "Pacific/Kiritimati"] as const;

interface Outcome {
  members: number[][];
  joined: number[][];
  left: number[][];
  counts: number[];
}

const ascending = (a: number, b: number) => a - b;

async function outcome(db: Db, segmentIds: readonly string[]): Promise<Outcome> {
  const where = { segmentId: { in: [...segmentIds] } };
  const [rows, events, segments] = await Promise.all([
    db.segmentMember.findMany({ where, select: { segmentId: true, customerId: true } }),
    db.segmentMembershipEvent.findMany({ where, select: { segmentId: true, customerId: true, change: true } }),
    db.segment.findMany({ where: { id: { in: [...segmentIds] } }, select: { id: true, memberCount: true } }),
  ]);
  const ids = (list: { segmentId: string; customerId: number }[], segmentId: string) => list.filter((x) => x.segmentId === segmentId).map((x) => x.customerId).sort(ascending);
  return {
    members: segmentIds.map((id) => ids(rows, id)),
    joined: segmentIds.map((id) => ids(events.filter((e) => e.change === "JOINED"), id)),
    left: segmentIds.map((id) => ids(events.filter((e) => e.change === "LEFT"), id)),
    counts: segmentIds.map((id) => segments.find((segment) => segment.id === id)?.memberCount ?? -1),
  };
}

describe.each(kinds)("refreshMembership and recomputeSegment agree on %s", (kind) => {
  let store: TestStore;
  const shops: RandomShop[] = ZONES.map((timeZone, i) => randomShop(SEED + i + (kind === "sqlite" ? 0 : 100), { timeZone, customers: 40 }));
  const written: WrittenShop[] = [];

  beforeAll(async () => {
    store = await freshStore(kind);
    for (const shop of shops) written.push(await writeShop(store.db, shop));
  });
  afterAll(() => store?.drop());

  it(`for ${RUNS} random shops, queries and stale memberships`, async () => {
    const db = store.db;
    let run = 0;
    const scenario = fc.integer({ min: 0, max: shops.length - 1 }).chain((index) =>
      fc.record({
        index: fc.constant(index),
        queries: fc.array(queryArbitrary(shops[index] as RandomShop, { maxDepth: 2 }), { minLength: 1, maxLength: 4 }),
        staleSeed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      }),
    );
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(scenario, async ({ index, queries, staleSeed }) => {
        run++;
        const shop = shops[index] as RandomShop;
        const { shopId, customers } = written[index] as WrittenShop;
        const ids = customers.map((c) => c.id);
        const now = new Date(shop.now);
        const segmentIds: string[] = [];
        for (const [i, query] of queries.entries()) {
          const segment = await db.segment.create({ data: { shopId, name: `p${run}-${i}`, handle: `p${run}-${i}`, query } });
          segmentIds.push(segment.id);
        }
        // a stale membership to start from: a random third of the customers in each segment
        const random = seededRandom(staleSeed);
        const stale = segmentIds.map(() => ids.filter(() => random() < 0.33).sort(ascending));
        const reset = () =>
          db.$transaction(async (tx) => {
            await tx.segmentMembershipEvent.deleteMany({ where: { segmentId: { in: segmentIds } } });
            await tx.segmentMember.deleteMany({ where: { segmentId: { in: segmentIds } } });
            for (const [i, segmentId] of segmentIds.entries()) {
              const members = stale[i] as number[];
              await tx.segmentMember.createMany({ data: members.map((customerId) => ({ shopId, segmentId, customerId, joinedAt: now })) });
              await tx.segment.update({ where: { id: segmentId }, data: { memberCount: members.length } });
            }
          });
        try {
          await reset();
          const live = await refreshMembership(db, { shopId, customerIds: ids, now });
          const byRefresh = await outcome(db, segmentIds);

          await reset();
          let joined = 0;
          let left = 0;
          for (const [i, segmentId] of segmentIds.entries()) {
            const result = await recomputeSegment(db, kind, { shopId, segmentId, now });
            expect(result.members).toBe(byRefresh.members[i]?.length);
            joined += result.joined;
            left += result.left;
          }
          const bySql = await outcome(db, segmentIds);

          const context = `queries: ${JSON.stringify(queries)}\nshop seed ${shop.seed} (${shop.timeZone}), now ${now.toISOString()}`;
          expect(bySql, context).toEqual(byRefresh);
          expect({ joined, left }, context).toEqual(live);
          // the events are exactly the difference from the stale membership
          for (const [i, members] of byRefresh.members.entries()) {
            const before = new Set(stale[i]);
            const after = new Set(members);
            expect(byRefresh.joined[i], context).toEqual(members.filter((id) => !before.has(id)));
            expect(byRefresh.left[i], context).toEqual((stale[i] as number[]).filter((id) => !after.has(id)));
            expect(byRefresh.counts[i], context).toBe(members.length);
          }
        } finally {
          await db.segment.deleteMany({ where: { id: { in: segmentIds } } });
        }
      }),
      { numRuns: RUNS, ...FC_SEED },
    );
    console.info(`membership property (${kind}): ${RUNS} runs in ${Math.round(performance.now() - started)} ms`);
  }, 300_000);
});
