import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { cancelShopJobs, claim, complete, enqueue } from "./queue.server";

const kinds = await storeKinds();

const T0 = new Date("2026-11-23T12:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

describe.each(kinds)("cancelShopJobs on %s", (storeKind) => {
  let store: TestStore;
  let shopA: number;
  let shopB: number;

  beforeAll(async () => {
    store = await freshStore(storeKind);
    shopA = (await store.db.shop.create({ data: { domain: "a.myshopify.com", name: "A" } })).id;
    shopB = (await store.db.shop.create({ data: { domain: "b.myshopify.com", name: "B" } })).id;
  });
  afterAll(() => store.drop());

  it("fails the shop's queued jobs with the reason, frees their keys, and leaves running, finished and other shops' jobs alone", async () => {
    const kind = "cancel-test";
    const queued = await enqueue(store.db, { kind, shopId: shopA, payload: { n: 1 }, dedupeKey: "sync-a" }, { now: T0 });
    const later = await enqueue(store.db, { kind, shopId: shopA, payload: { n: 2 }, runAt: at(3_600_000) }, { now: T0 });
    const running = await enqueue(store.db, { kind: "cancel-running", shopId: shopA, payload: {} }, { now: T0 });
    const [claimed] = await claim(store.db, "cancel-running", { workerId: "w", leaseMs: 60_000, now: T0 });
    expect(claimed?.id).toBe(running.id);
    const done = await enqueue(store.db, { kind: "cancel-done", shopId: shopA, payload: {} }, { now: T0 });
    const [doneClaim] = await claim(store.db, "cancel-done", { workerId: "w", leaseMs: 60_000, now: T0 });
    await complete(store.db, doneClaim!, { now: at(1) });
    const otherShop = await enqueue(store.db, { kind, shopId: shopB, payload: {}, dedupeKey: "sync-b" }, { now: T0 });
    const global = await enqueue(store.db, { kind, shopId: null, payload: {} }, { now: T0 });

    expect(await cancelShopJobs(store.db, shopA, "the app was uninstalled", { now: at(10) })).toBe(2);

    const row = (id: number) => store.db.job.findUniqueOrThrow({ where: { id } });
    expect(await row(queued.id)).toMatchObject({ state: "FAILED", lastError: "the app was uninstalled", finishedAt: at(10), dedupeKey: null, releasedDedupeKey: "sync-a" });
    expect(await row(later.id)).toMatchObject({ state: "FAILED", lastError: "the app was uninstalled", dedupeKey: null, releasedDedupeKey: null });
    expect(await row(running.id)).toMatchObject({ state: "RUNNING", lastError: null });
    expect(await row(done.id)).toMatchObject({ state: "DONE", lastError: null });
    expect(await row(otherShop.id)).toMatchObject({ state: "QUEUED", dedupeKey: "sync-b" });
    expect(await row(global.id)).toMatchObject({ state: "QUEUED" });

    // nothing of the shop is claimable any more, and the freed key can be queued again (a reinstall)
    expect((await claim(store.db, kind, { workerId: "w", leaseMs: 60_000, limit: 10, now: at(7_200_000) })).map((j) => j.id).sort()).toEqual([otherShop.id, global.id].sort());
    const again = await enqueue(store.db, { kind, shopId: shopA, payload: { n: 3 }, dedupeKey: "sync-a" }, { now: at(20) });
    expect(again.id).not.toBe(queued.id);
    // a second call finds only the new job
    expect(await cancelShopJobs(store.db, shopA, "again", { now: at(30) })).toBe(1);
    expect(await cancelShopJobs(store.db, shopA, "again", { now: at(40) })).toBe(0);
  });
});
