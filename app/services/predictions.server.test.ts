import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseKind, Db } from "~/db/client";
import { claim, enqueue, PermanentJobError, type Job } from "~/jobs/queue.server";
import { jobHandlers } from "~/jobs/runtime.server";
import { Worker } from "~/jobs/worker.server";
import { DEFAULT_PREDICT_OPTIONS, predictCustomers, SPEND_TIERS } from "~/predict/model";
import { RFM_GROUPS } from "~/predict/rfm";
import { dayNumber, summarizePurchases, type Purchase } from "~/predict/summarize";
import { compileToSql } from "~/segments/compile";
import { analyse } from "~/segments/engine";
import { evaluate } from "~/segments/evaluate";
import { insertRows, TABLES } from "~/store/bulk-insert.server";
import { loadCustomerRecords } from "~/store/customer-records.server";
import { recomputeCustomerStats } from "~/store/customer-stats.server";
import { latestPredictionRun } from "~/store/prediction-runs.server";
import { PREDICTION_COLUMNS, prospectScores } from "~/store/prediction-writes.server";
import type { SyncDeps } from "~/sync/deps";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { seededRandom } from "../../test/support/random";
import {
  localDayNumbers,
  nightlyRefitKey,
  PREDICTIONS_JOB,
  predictionsJobHandler,
  queueRefit,
  RefitBusyError,
  refitKey,
  refitPredictions,
  scheduleNightlyRefit,
  type RefitResult,
} from "./predictions.server";

const kinds = await storeKinds();
const DAY_MS = 86_400_000;
/** 11:00 UTC is 04:00 in Los Angeles (daylight time since 8 March 2026). */
const NOW = new Date("2026-03-10T11:00:00.000Z");
const TIME_ZONE = "America/Los_Angeles";

/** The shop's calendar day of an instant, by Intl directly (not the code under test). */
function shopDay(ms: number, timeZone = TIME_ZONE): number {
  const text = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));
  return dayNumber(text) as number;
}

interface GeneratedOrder {
  customer: number;
  at: number;
  totalMinor: bigint;
  refundedMinor: bigint;
  cancelled: boolean;
  test: boolean;
}

interface GeneratedShop {
  /** customers by index: whether they exist without orders is up to the orders */
  customers: number;
  orders: GeneratedOrder[];
}

/**
 * Customers who buy at their own rate until they drop out after a purchase with their own
 * probability (BG/NBD's story; Beta(1, 3) unless `dropout` fixes it for everyone), with their own
 * order values; some orders cancelled, test or partly refunded; some customers never buy.
 */
function generateShop(seed: number, customers: number, { dropout, prospects = 40 }: { dropout?: number; prospects?: number } = {}): GeneratedShop {
  const random = seededRandom(seed);
  const orders: GeneratedOrder[] = [];
  for (let c = 0; c < customers - prospects; c++) {
    const rate = (0.2 + 2.5 * random() ** 2) / 30; // purchases a day
    const leaves = dropout ?? 1 - random() ** (1 / 3);
    const meanMinor = 1_500 + Math.floor(random() * 15_000);
    let at = NOW.getTime() - Math.floor((20 + random() * 700) * DAY_MS);
    for (;;) {
      const totalMinor = BigInt(Math.max(0, Math.round(meanMinor * (0.4 + 1.2 * random()))));
      const roll = random();
      orders.push({ customer: c, at, totalMinor, refundedMinor: roll < 0.05 ? totalMinor / 3n : 0n, cancelled: roll > 0.97, test: roll > 0.955 && roll <= 0.97 });
      if (random() < leaves) break;
      at += Math.floor((-Math.log(1 - random()) / rate) * DAY_MS);
      if (at > NOW.getTime()) break;
    }
  }
  return { customers, orders };
}

let shopCount = 0;

/** Writes a generated shop; returns its id and its customers' ids by index. */
async function writeShop(db: Db, kind: DatabaseKind, shop: GeneratedShop, options: { timeZone?: string; currencyCode?: string } = {}) {
  shopCount++;
  const row = await db.shop.create({
    data: { domain: `predictions-${shopCount}-${kind}.myshopify.com`, name: `Shop ${shopCount}`, ianaTimezone: options.timeZone ?? TIME_ZONE, currencyCode: options.currencyCode ?? "EUR" },
  });
  const created = new Date("2023-01-01T00:00:00Z");
  await insertRows(
    db,
    kind,
    "Customer",
    TABLES.Customer,
    Array.from({ length: shop.customers }, (_, i) => ({
      shopId: row.id,
      shopifyId: `${i}`,
      accountState: "DISABLED",
      verifiedEmail: false,
      emailMarketingState: "NOT_SUBSCRIBED",
      smsMarketingState: "NOT_SUBSCRIBED",
      detailsStale: false,
      shopifyCreatedAt: created,
      shopifyUpdatedAt: created,
      createdAt: created,
      updatedAt: created,
    })),
  );
  const ids = (await db.customer.findMany({ where: { shopId: row.id }, select: { id: true, shopifyId: true } })).reduce<number[]>((all, c) => {
    all[Number(c.shopifyId)] = c.id;
    return all;
  }, []);
  await insertRows(
    db,
    kind,
    "Order",
    TABLES.Order,
    shop.orders.map((order, i) => ({
      shopId: row.id,
      shopifyId: `${i}`,
      customerId: ids[order.customer],
      currencyCode: options.currencyCode ?? "EUR",
      subtotalMinor: order.totalMinor,
      totalDiscountsMinor: 0n,
      totalShippingMinor: 0n,
      totalTaxMinor: 0n,
      totalMinor: order.totalMinor,
      totalRefundedMinor: order.refundedMinor,
      discountCodes: [],
      hasDiscountCode: false,
      cancelledAt: order.cancelled ? new Date(order.at) : null,
      test: order.test,
      processedAt: new Date(order.at),
      shopifyCreatedAt: new Date(order.at),
      shopifyUpdatedAt: new Date(order.at),
      createdAt: new Date(order.at),
      updatedAt: new Date(order.at),
    })),
  );
  return { shopId: row.id, ids };
}

/** What the models say for this history, computed here from the generated orders (not read back from the store). */
function expectedPredictions(shop: GeneratedShop, ids: readonly number[], now: Date, digits = 2, timeZone = TIME_ZONE) {
  const purchases: Purchase[] = shop.orders
    .filter((order) => !order.cancelled && !order.test)
    .map((order) => ({ customerId: String(ids[order.customer]), day: shopDay(order.at, timeZone), amount: Number(order.totalMinor - order.refundedMinor) / 10 ** digits }));
  const { customerIds, summaries } = summarizePurchases(purchases, shopDay(now.getTime(), timeZone));
  return { customerIds: customerIds.map(Number), summaries, predictions: predictCustomers(summaries, { horizonDays: 365 }) };
}

const SCORE_COLUMNS = { id: true, ...PREDICTION_COLUMNS } as const;
const { customerId: _prospect, ...PROSPECT } = prospectScores(0);

function deps(store: TestStore, now: Date = NOW): SyncDeps {
  return {
    db: store.db,
    kind: store.kind,
    adminFor: () => Promise.reject(new Error("a refit never calls Shopify")),
    now: () => now,
  };
}

describe.each(kinds)("predictions on %s", (kind) => {
  let store: TestStore;
  let db: Db;
  beforeAll(async () => {
    store = await freshStore(kind);
    db = store.db;
  });
  afterAll(() => store?.drop());

  const scoresOf = async (shopId: number) => new Map((await db.customer.findMany({ where: { shopId }, select: SCORE_COLUMNS })).map(({ id, ...scores }) => [id, scores]));

  it("fits a shop with enough history and writes exactly what the models predict, prospects included; segments follow in SQL and in memory alike", async () => {
    const generated = generateShop(7, 700);
    const { shopId, ids } = await writeShop(db, kind, generated);
    await recomputeCustomerStats(db, kind, shopId);
    const bystander = await writeShop(db, kind, generateShop(8, 50));
    // a redacted customer keeps an anonymous history and is scored like anyone else
    await db.customer.update({ where: { id: ids[3]! }, data: { redactedAt: new Date("2026-01-01T00:00:00Z"), email: null } });
    const queries = [
      "predicted_spend_tier = 'HIGH'",
      "churn_probability > 0.5",
      "rfm_group = 'CHAMPIONS' OR rfm_group = 'PROSPECTS'",
      "predicted_spend_12m >= 100 AND expected_next_order_date <= +60d",
      "predicted_clv IS NULL",
      "number_of_orders >= 2",
    ];
    const segments = await Promise.all(queries.map((query, i) => db.segment.create({ data: { shopId, name: `Segment ${i}`, handle: `segment-${i}`, query } })));

    const outcome = (await refitPredictions(deps(store), { shopId, reason: "manual", now: NOW })) as RefitResult;
    const expected = expectedPredictions(generated, ids, NOW);
    const { predictions } = expected;
    expect(predictions.status).toBe("fitted");
    expect(predictions.repeatBuyers).toBeGreaterThanOrEqual(300);
    expect(outcome).toMatchObject({ status: "FITTED", customers: predictions.customers, repeatBuyers: predictions.repeatBuyers, detail: null, segments: 5 });

    const run = await latestPredictionRun(db, shopId);
    expect(run).toMatchObject({ status: "FITTED", reason: "manual", customers: predictions.customers, repeatBuyers: predictions.repeatBuyers, detail: null, asOf: NOW });
    expect(run?.model?.bgnbd?.r).toBeCloseTo(predictions.bgnbd!.params.r, 10);
    expect(run?.model?.bgnbd?.alpha).toBeCloseTo(predictions.bgnbd!.params.alpha, 8);
    expect(run?.model?.gammaGamma?.gamma).toBeCloseTo(predictions.gammaGamma!.params.gamma, 8);
    expect(run?.model?.tierCutoffsMinor).toEqual({ high: String(Math.round(predictions.tierCutoffs.high * 100)), low: String(Math.round(predictions.tierCutoffs.low * 100)) });
    expect(run?.model?.currencyCode).toBe("EUR");
    expect(run?.finishedAt).toBeInstanceOf(Date);

    const stored = await scoresOf(shopId);
    expect(stored.size).toBe(700);
    expected.customerIds.forEach((customerId, i) => {
      const scores = stored.get(customerId)!;
      expect(scores.predictedSpendTier).toBe(SPEND_TIERS[predictions.tier[i]!]);
      expect(scores.rfmGroup).toBe(RFM_GROUPS[predictions.rfm.group[i]!]);
      expect(scores.predictedSpend12mMinor).toBe(BigInt(Math.round(predictions.predictedSpend[i]! * 100)));
      expect(scores.predictedClvMinor).toBe(BigInt(Math.round(predictions.clv[i]! * 100)));
      expect(scores.expectedOrders12m).toBeCloseTo(predictions.expectedPurchases[i]!, 12);
      expect(scores.churnProbability).toBeCloseTo(1 - predictions.pAlive[i]!, 12);
      expect(scores.churnProbability).toBeGreaterThanOrEqual(0);
      expect(scores.churnProbability).toBeLessThanOrEqual(1);
      const next = predictions.nextOrderInDays[i]!;
      expect(scores.expectedNextOrderAt).toEqual(Number.isNaN(next) ? null : new Date(NOW.getTime() + Math.round(next * DAY_MS)));
      expect(scores.predictedAt).toEqual(NOW);
    });
    const scored = new Set(expected.customerIds);
    const prospects = ids.filter((id) => !scored.has(id));
    // 40 never bought; a few more had only cancelled or test orders
    expect(prospects.length).toBeGreaterThanOrEqual(40);
    for (const id of prospects) expect(stored.get(id)).toEqual(PROSPECT);
    expect(stored.get(ids[3]!)?.predictedSpendTier).not.toBeNull();
    // every tier and several groups occur, and churn is not the same for everyone
    expect(new Set([...stored.values()].map((s) => s.predictedSpendTier))).toEqual(new Set(["HIGH", "MEDIUM", "LOW", null]));
    expect(new Set([...stored.values()].map((s) => s.rfmGroup)).size).toBeGreaterThanOrEqual(8);
    expect(new Set([...stored.values()].map((s) => s.churnProbability)).size).toBeGreaterThan(100);

    // another shop's customers are untouched
    for (const scores of (await scoresOf(bystander.shopId)).values()) expect(Object.values(scores).every((value) => value === null)).toBe(true);

    // each segment: members as kept = the compiled query = the evaluator on the customers' records
    const records = await loadCustomerRecords(db, shopId);
    const context = { now: NOW.getTime(), timeZone: TIME_ZONE, currencyDigits: 2 };
    for (const segment of segments) {
      const analysis = analyse(segment.query);
      if (!analysis.ok) throw new Error(`${segment.query} does not check`);
      const compiled = compileToSql(analysis.checked, { dialect: kind, shopId, ...context });
      const bySql = (await db.$queryRawUnsafe<{ id: number | bigint }[]>(compiled.text, ...compiled.params)).map((row) => Number(row.id)).sort((a, b) => a - b);
      const byEvaluator = records.filter((record) => evaluate(analysis.checked, record, context)).map((record) => record.id);
      const kept = (await db.segmentMember.findMany({ where: { segmentId: segment.id }, orderBy: { customerId: "asc" } })).map((m) => m.customerId);
      expect(bySql, segment.query).toEqual(byEvaluator);
      if (segment.query !== "number_of_orders >= 2") {
        // recomputed after the refit, with an event for each member that joined
        expect(kept, segment.query).toEqual(bySql);
        expect(await db.segmentMembershipEvent.count({ where: { segmentId: segment.id, change: "JOINED" } })).toBe(kept.length);
      } else {
        // no prediction filter: not the refit's to recompute
        expect(kept).toEqual([]);
      }
      expect(bySql.length, segment.query).toBeGreaterThan(0);
      expect(bySql.length, segment.query).toBeLessThan(700);
    }

    // orders vanish: one customer's cancelled, one's deleted, one's marked test — they lose their scores
    const [cancelled, deleted, tested] = expected.customerIds.filter((id) => stored.get(id)?.predictedSpendTier === "HIGH") as [number, number, number];
    await db.order.updateMany({ where: { shopId, customerId: cancelled }, data: { cancelledAt: NOW } });
    await db.order.deleteMany({ where: { shopId, customerId: deleted } });
    await db.order.updateMany({ where: { shopId, customerId: tested }, data: { test: true } });
    const tomorrow = new Date(NOW.getTime() + DAY_MS);
    const again = (await refitPredictions(deps(store, tomorrow), { shopId, reason: "nightly", now: tomorrow })) as RefitResult;
    expect(again.customers).toBe(predictions.customers - 3);
    expect(again.prospects).toBe(3);
    const after = await scoresOf(shopId);
    for (const id of [cancelled, deleted, tested]) expect(after.get(id)).toEqual(PROSPECT);
    const high = segments[0]!.id;
    expect(await db.segmentMember.count({ where: { segmentId: high, customerId: { in: [cancelled, deleted, tested] } } })).toBe(0);
    expect(await db.segmentMembershipEvent.count({ where: { segmentId: high, change: "LEFT", customerId: { in: [cancelled, deleted, tested] } } })).toBe(3);
    expect(await db.predictionRun.count({ where: { shopId } })).toBe(2);
  });

  it("falls back for a shop with little history: tiers from the last 12 months' spend, no churn, lifetime value or next order", async () => {
    // most customers buy once: far fewer than 200 repeat buyers
    const generated = generateShop(11, 120, { dropout: 0.8, prospects: 5 });
    const { shopId, ids } = await writeShop(db, kind, generated, { currencyCode: "JPY", timeZone: "Asia/Tokyo" });
    const outcome = (await refitPredictions(deps(store), { shopId, reason: "sync", now: NOW })) as RefitResult;
    const expected = expectedPredictions(generated, ids, NOW, 0, "Asia/Tokyo");
    const { predictions } = expected;
    expect(predictions.status).toBe("fallback");
    expect(predictions.repeatBuyers).toBeLessThan(DEFAULT_PREDICT_OPTIONS.minRepeatBuyers);
    expect(outcome).toMatchObject({ status: "FALLBACK", repeatBuyers: predictions.repeatBuyers, customers: predictions.customers });
    const run = await latestPredictionRun(db, shopId);
    expect(run).toMatchObject({ status: "FALLBACK", detail: `${predictions.repeatBuyers} repeat buyers; the models need at least 200`, reason: "sync" });
    expect(run?.model).toMatchObject({ bgnbd: null, gammaGamma: null, currencyCode: "JPY" });

    const stored = await scoresOf(shopId);
    const asOfDay = shopDay(NOW.getTime(), "Asia/Tokyo");
    expected.customerIds.forEach((customerId, i) => {
      const lastYear = generated.orders
        .filter((order) => ids[order.customer] === customerId && !order.cancelled && !order.test && shopDay(order.at, "Asia/Tokyo") > asOfDay - 365)
        .reduce((sum, order) => sum + (order.totalMinor - order.refundedMinor), 0n);
      expect(stored.get(customerId)).toEqual({
        predictedSpendTier: SPEND_TIERS[predictions.tier[i]!],
        rfmGroup: RFM_GROUPS[predictions.rfm.group[i]!],
        predictedSpend12mMinor: lastYear,
        predictedClvMinor: null,
        expectedOrders12m: null,
        churnProbability: null,
        expectedNextOrderAt: null,
        predictedAt: NOW,
      });
      // nothing spent in the last year: LOW
      if (lastYear === 0n) expect(stored.get(customerId)?.predictedSpendTier).toBe("LOW");
    });
    expect([...stored.values()].filter((s) => s.rfmGroup === "PROSPECTS")).toHaveLength(120 - predictions.customers);
  });

  it("scores an empty shop as prospects only, and counts days in the shop's time zone", async () => {
    const { shopId, ids } = await writeShop(db, kind, { customers: 3, orders: [] });
    expect(await refitPredictions(deps(store), { shopId, reason: "manual", now: NOW })).toMatchObject({ status: "FALLBACK", customers: 0, prospects: 3 });
    for (const scores of (await scoresOf(shopId)).values()) expect(scores).toEqual(PROSPECT);
    expect(ids).toHaveLength(3);

    // 23:30 on 7 March in Los Angeles is 07:30 UTC on the 8th; the day daylight time starts has 23 hours
    const day = localDayNumbers(TIME_ZONE);
    expect(day(Date.parse("2026-03-08T07:30:00Z"))).toBe(dayNumber("2026-03-07"));
    expect(day(Date.parse("2026-03-08T08:00:00Z"))).toBe(dayNumber("2026-03-08"));
    expect(day(Date.parse("2026-03-09T06:59:59.999Z"))).toBe(dayNumber("2026-03-08"));
    expect(day(Date.parse("2026-03-09T07:00:00Z"))).toBe(dayNumber("2026-03-09"));
    const kathmandu = localDayNumbers("Asia/Kathmandu");
    for (let ms = Date.parse("2026-03-01T00:00:00Z"); ms < Date.parse("2026-03-03T00:00:00Z"); ms += 7 * 60_000) expect(kathmandu(ms)).toBe(shopDay(ms, "Asia/Kathmandu"));
  });

  it("records a failure on the run and throws, so the job is retried", async () => {
    const generated = generateShop(13, 30);
    const { shopId } = await writeShop(db, kind, generated);
    const stopped = new AbortController();
    stopped.abort(new Error("the lease was lost"));
    await expect(refitPredictions(deps(store), { shopId, reason: "manual", now: NOW, signal: stopped.signal })).rejects.toThrow("the lease was lost");
    expect(await latestPredictionRun(db, shopId)).toMatchObject({ status: "FAILED", detail: "the lease was lost" });
    // the next run does not leave an older RUNNING one behind either
    await db.predictionRun.create({ data: { shopId, reason: "manual", status: "RUNNING", asOf: NOW, startedAt: NOW } });
    await refitPredictions(deps(store), { shopId, reason: "manual", now: NOW });
    expect(await db.predictionRun.count({ where: { shopId, status: "RUNNING" } })).toBe(0);
    expect(await db.predictionRun.count({ where: { shopId, status: "FAILED" } })).toBe(2);
  });

  describe("the job", () => {
    const handler = () => predictionsJobHandler(deps(store));
    const signal = new AbortController().signal;
    const fakeJob = async (shopId: number | null, payload: object) => enqueue(db, { kind: PREDICTIONS_JOB, shopId, payload: payload as never });

    it("refuses a payload it cannot read, or one naming another shop, for good", async () => {
      const { shopId } = await writeShop(db, kind, { customers: 1, orders: [] });
      for (const payload of [{}, { shopId }, { shopId: "1", reason: "manual" }, { shopId, reason: "weekly" }, { shopId, reason: "manual", extra: true }]) {
        await expect(handler()(await fakeJob(shopId, payload), signal)).rejects.toBeInstanceOf(PermanentJobError);
      }
      const other = await writeShop(db, kind, { customers: 1, orders: [] });
      await expect(handler()(await fakeJob(other.shopId, { shopId, reason: "manual" }), signal)).rejects.toThrow(/is for shop/);
      expect(await db.predictionRun.count({ where: { shopId } })).toBe(0);
    });

    it("queues one refit per shop, and one more behind a running one", async () => {
      const { shopId } = await writeShop(db, kind, { customers: 1, orders: [] });
      const other = await writeShop(db, kind, { customers: 1, orders: [] });
      const first = await queueRefit(db, { shopId, reason: "sync", now: NOW });
      expect(first).toMatchObject({ kind: PREDICTIONS_JOB, shopId, payload: { shopId, reason: "sync" }, dedupeKey: refitKey(shopId), state: "QUEUED" });
      expect((await queueRefit(db, { shopId, reason: "manual", now: NOW })).id).toBe(first.id);
      expect((await queueRefit(db, { shopId: other.shopId, reason: "manual", now: NOW })).id).not.toBe(first.id);

      const [running] = await claim(db, PREDICTIONS_JOB, { workerId: "test", leaseMs: 60_000 });
      expect(running?.id).toBe(first.id);
      const behind = await queueRefit(db, { shopId, reason: "manual", now: NOW });
      expect(behind.id).not.toBe(first.id);
      expect(behind).toMatchObject({ state: "QUEUED", dedupeKey: `${refitKey(shopId)}:next` });
      expect((await queueRefit(db, { shopId, reason: "manual", now: NOW })).id).toBe(behind.id);

      // the one behind waits while the other runs (a retry later); a nightly one leaves it the work
      const live = new Date();
      const busy = predictionsJobHandler({ ...deps(store), now: () => live });
      await expect(busy(behind, signal)).rejects.toBeInstanceOf(RefitBusyError);
      const nightly = await fakeJob(shopId, { shopId, reason: "nightly" });
      await busy(nightly, signal);
      expect(await db.predictionRun.count({ where: { shopId } })).toBe(0);
      await db.job.deleteMany({ where: { shopId: { in: [shopId, other.shopId] } } });
    });

    it("is registered with the worker, which runs a queued refit to the end", async () => {
      const { shopId } = await writeShop(db, kind, generateShop(19, 30));
      const handlers = jobHandlers(deps(store));
      const worker = new Worker({ db, handlers: { [PREDICTIONS_JOB]: handlers[PREDICTIONS_JOB]! }, pollMs: 20, leaseMs: 5_000 }).start();
      try {
        const job = await queueRefit(db, { shopId, reason: "manual", now: new Date() });
        for (let waited = 0; (await db.job.findUniqueOrThrow({ where: { id: job.id } })).state !== "DONE"; waited += 20) {
          if (waited > 20_000) throw new Error("the worker did not finish the refit");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        await worker.stop();
      }
      expect(await latestPredictionRun(db, shopId)).toMatchObject({ status: "FALLBACK", reason: "manual" });
    });

    it("runs nightly at 03:00 in the shop's time zone, each run queueing the next night's", async () => {
      const { shopId } = await writeShop(db, kind, generateShop(17, 20));
      // 02:00 in Los Angeles: tonight's 03:00 is still to come
      const early = await scheduleNightlyRefit(db, { shopId, timeZone: TIME_ZONE, now: new Date("2026-03-10T09:00:00Z") });
      expect(early).toMatchObject({ runAt: new Date("2026-03-10T10:00:00Z"), dedupeKey: nightlyRefitKey(shopId, "2026-03-10"), payload: { shopId, reason: "nightly" } });
      // the run itself (04:00 local) queues tomorrow's, then refits
      await handler()(early as Job, signal);
      const next = await db.job.findMany({ where: { kind: PREDICTIONS_JOB, shopId, id: { not: early.id } } });
      expect(next).toHaveLength(1);
      expect(next[0]).toMatchObject({ state: "QUEUED", runAt: new Date("2026-03-11T10:00:00Z"), dedupeKey: nightlyRefitKey(shopId, "2026-03-11") });
      expect(await latestPredictionRun(db, shopId)).toMatchObject({ reason: "nightly", status: "FALLBACK" });
      // idempotent: asking again the same night queues nothing more
      expect((await scheduleNightlyRefit(db, { shopId, timeZone: TIME_ZONE, now: NOW })).id).toBe(next[0]!.id);
      // an unknown zone falls back to UTC days
      const elsewhere = await writeShop(db, kind, { customers: 1, orders: [] });
      expect(await scheduleNightlyRefit(db, { shopId: elsewhere.shopId, timeZone: "Mars/Olympus", now: NOW })).toMatchObject({
        runAt: new Date("2026-03-11T03:00:00Z"),
        dedupeKey: nightlyRefitKey(elsewhere.shopId, "2026-03-11"),
      });

      // uninstalled: no refit, and the chain ends
      await db.shop.update({ where: { id: shopId }, data: { installState: "UNINSTALLED" } });
      const jobs = await db.job.count({ where: { shopId } });
      await handler()(next[0]!, signal);
      expect(await db.job.count({ where: { shopId } })).toBe(jobs);
      expect(await db.predictionRun.count({ where: { shopId } })).toBe(1);
    });
  });
});
