/**
 * Predictions in the app: refit a shop's models to its order history and write every customer's
 * scores (spend tier, RFM group, 12-month spend, lifetime value, expected orders, churn risk, next
 * order date), then bring the segments that filter on them up to date.
 *
 * - When: after an import finishes (reason "sync"), every night at 03:00 in the shop's time zone
 *   ("nightly", a chain each run extends), and from Settings ("manual", also after saving the
 *   tier and lifetime-value settings). All run as the "predictions.refit" job.
 * - One refit per shop at a time: on-demand refits share one dedupe key, and a refit asked for while
 *   one runs is queued once more behind it (the running one may have read the old history or
 *   settings). A refit that finds another of its shop running waits for it (retried later); a
 *   nightly one just leaves it the work.
 * - Purchase days are the shop's calendar days; amounts are totals less refunds in the shop's major
 *   unit. Redacted customers keep their anonymous order history and are scored like anyone else
 *   (customers/redact keeps derived totals and predictions; see privacy.server.ts).
 */
import { z } from "zod";
import type { DatabaseKind, Db } from "~/db/client";
import type { MessageKey } from "~/i18n";
import { enqueue, PermanentJobError, type Job, type Queryable } from "~/jobs/queue.server";
import type { JobHandler } from "~/jobs/worker.server";
import { logger } from "~/logger.server";
import { DEFAULT_PREDICT_OPTIONS, predictCustomers, SPEND_TIERS, type PredictOptions, type Predictions } from "~/predict/model";
import { RFM_GROUPS } from "~/predict/rfm";
import { dayNumber, summarizePurchases, type Purchase } from "~/predict/summarize";
import { analyse } from "~/segments/engine";
import { addDays, isTimeZone, localDay, parseDay, zonedInstant } from "~/segments/time";
import { finishPredictionRun, failPredictionRun, latestPredictionRun, latestScoredRun, startPredictionRun, type PredictionModel, type PredictionRunView } from "~/store/prediction-runs.server";
import { prospectScores, purchaseHistory, writeCustomerScores, type CustomerScores } from "~/store/prediction-writes.server";
import type { SyncDeps } from "~/sync/deps";
import { currencyDigits } from "~/sync/money";
import { BrokenSegmentError, recomputeSegment, SegmentNotFoundError } from "./membership.server";

export const PREDICTIONS_JOB = "predictions.refit";
export const REFIT_REASONS = ["sync", "nightly", "manual"] as const;
export type RefitReason = (typeof REFIT_REASONS)[number];

/** The nightly refit's local hour: after the day's orders, before the merchant's morning. */
export const NIGHTLY_REFIT_HOUR = 3;
/** Predicted spend and expected orders look this far ahead (the filters say "12 months"). */
const HORIZON_DAYS = 365;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Customers per call that writes scores: the lease is checked between them. */
const WRITE_CHUNK = 5_000;

// ------------------------------------------------------------------------------------------------
// the refit

export interface RefitResult {
  status: "FITTED" | "FALLBACK";
  runId: number;
  /** why the fallback was used */
  detail: string | null;
  /** customers scored (with at least one counted order up to the as-of day) */
  customers: number;
  repeatBuyers: number;
  /** customers who became PROSPECTS in this refit (no counted order) */
  prospects: number;
  /** segments filtering on predictions that were recomputed */
  segments: number;
  seconds: { read: number; fit: number; write: number };
}

export type RefitOutcome = RefitResult | { status: "skipped"; reason: string };

/**
 * Refits the shop's models and writes every customer's scores (see the file's comment). Records a
 * PredictionRun: FITTED, FALLBACK with the reason, or FAILED with the error (then rethrows, so the
 * job is retried). A shop that is gone or uninstalled is skipped.
 */
export async function refitPredictions(
  deps: Pick<SyncDeps, "db" | "kind">,
  args: { shopId: number; reason: RefitReason; now: Date; signal?: AbortSignal },
): Promise<RefitOutcome> {
  const { db, kind } = deps;
  const { shopId, now, signal } = args;
  const shop = await db.shop.findUnique({
    where: { id: shopId },
    select: { installState: true, currencyCode: true, ianaTimezone: true, tierHighPercentile: true, tierLowPercentile: true, clvHorizonMonths: true, clvAnnualDiscountRate: true },
  });
  if (!shop) return { status: "skipped", reason: "no such shop" };
  if (shop.installState !== "INSTALLED") return { status: "skipped", reason: "the app is not installed" };
  const timeZone = isTimeZone(shop.ianaTimezone) ? shop.ianaTimezone : "UTC";
  const digits = currencyDigits(shop.currencyCode);
  const options: Required<PredictOptions> = {
    ...DEFAULT_PREDICT_OPTIONS,
    horizonDays: HORIZON_DAYS,
    tierHighPercentile: shop.tierHighPercentile,
    tierLowPercentile: shop.tierLowPercentile,
    clvMonths: shop.clvHorizonMonths,
    annualDiscountRate: shop.clvAnnualDiscountRate,
  };

  const runId = await startPredictionRun(db, { shopId, reason: args.reason, asOf: now, now });
  try {
    let mark = performance.now();
    const lap = () => {
      const seconds = (performance.now() - mark) / 1000;
      mark = performance.now();
      return seconds;
    };
    const asOfDay = dayNumber(localDay(now.getTime(), timeZone)) as number;
    const history = await readHistory(db, kind, shopId, timeZone, digits, signal);
    const read = lap();

    const { customerIds, summaries } = summarizePurchases(history.purchases(), asOfDay);
    const predictions = predictCustomers(summaries, options);
    const fit = lap();

    const scored = customerIds.map(Number);
    // without a counted order up to the as-of day (every order cancelled, deleted, or dated after it): PROSPECTS
    const scoredIds = new Set(scored);
    const unscored = history.customerIds.filter((customerId) => !scoredIds.has(customerId));
    await writeInChunks(db, kind, shopId, customerScores(scored, predictions, digits, now), signal);
    const prospects = await writeInChunks(db, kind, shopId, unscored.map(prospectScores), signal);
    const write = lap();

    const seconds = { read: round(read), fit: round(fit), write: round(write) };
    const status = predictions.status === "fitted" ? "FITTED" : "FALLBACK";
    await finishPredictionRun(db, {
      shopId,
      runId,
      status,
      detail: predictions.reason,
      customers: predictions.customers,
      repeatBuyers: predictions.repeatBuyers,
      model: modelSummary(predictions, shop.currencyCode, digits, seconds),
      // the injected clock moved on by the time taken
      now: new Date(now.getTime() + Math.round((read + fit + write) * 1000)),
    });
    const segments = await recomputePredictionSegments(db, kind, shopId, now, signal);
    logger.info({ shopId, runId, status, customers: predictions.customers, repeatBuyers: predictions.repeatBuyers, segments, seconds }, "predictions: refit");
    return { status, runId, detail: predictions.reason, customers: predictions.customers, repeatBuyers: predictions.repeatBuyers, prospects, segments, seconds };
  } catch (error) {
    await failPredictionRun(db, { shopId, runId, error: error instanceof Error ? error.message : String(error), now }).catch((writeError: unknown) =>
      logger.error({ shopId, runId, err: writeError }, "predictions: could not record the failure"),
    );
    throw error;
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** Writes scores a chunk at a time, checking the job's lease between chunks; returns the rows changed. */
async function writeInChunks(db: Db, kind: DatabaseKind, shopId: number, scores: readonly CustomerScores[], signal: AbortSignal | undefined): Promise<number> {
  let changed = 0;
  for (let start = 0; start < scores.length; start += WRITE_CHUNK) {
    signal?.throwIfAborted();
    changed += await writeCustomerScores(db, kind, shopId, scores.slice(start, start + WRITE_CHUNK));
  }
  return changed;
}

/** The shop's customer ids, and its counted orders as columns (customer, local day, amount in major units). */
async function readHistory(db: Db, kind: DatabaseKind, shopId: number, timeZone: string, digits: number, signal: AbortSignal | undefined) {
  const dayOf = localDayNumbers(timeZone);
  const scale = 10 ** digits;
  let size = 0;
  let customer = new Int32Array(1024);
  let day = new Int32Array(1024);
  let amount = new Float64Array(1024);
  const customerIds: number[] = [];
  for await (const page of purchaseHistory(db, kind, { shopId, ...(signal ? { signal } : {}) })) {
    for (const id of page.customerIds) customerIds.push(id);
    if (size + page.purchases.length > customer.length) {
      const capacity = Math.max(customer.length * 2, size + page.purchases.length);
      customer = grow(customer, new Int32Array(capacity));
      day = grow(day, new Int32Array(capacity));
      amount = grow(amount, new Float64Array(capacity));
    }
    for (const row of page.purchases) {
      customer[size] = row.customerId;
      day[size] = dayOf(row.processedAt);
      amount[size] = row.amountMinor / scale;
      size++;
    }
  }
  return {
    customerIds,
    *purchases(): Generator<Purchase> {
      for (let i = 0; i < size; i++) yield { customerId: String(customer[i]), day: day[i]!, amount: amount[i]! };
    },
  };
}

function grow<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * Instant → the shop's calendar day as a day number. Days are looked up once per UTC hour (an hour
 * wholly inside one local day), and exactly for the hours a local midnight falls in.
 */
export function localDayNumbers(timeZone: string): (ms: number) => number {
  const exact = (ms: number) => dayNumber(localDay(ms, timeZone)) as number;
  const hours = new Map<number, number>();
  return (ms) => {
    const hour = Math.floor(ms / HOUR_MS);
    let day = hours.get(hour);
    if (day === undefined) {
      const first = exact(hour * HOUR_MS);
      day = first === exact(hour * HOUR_MS + HOUR_MS - 1) ? first : NaN;
      hours.set(hour, day);
    }
    return Number.isNaN(day) ? exact(ms) : day;
  };
}

/** The Customer columns from the predictions (fallback: no churn, expected orders, lifetime value or next order). */
function customerScores(customerIds: readonly number[], predictions: Predictions, digits: number, now: Date): CustomerScores[] {
  const scale = 10 ** digits;
  const fitted = predictions.status === "fitted";
  const minor = (major: number) => (Number.isFinite(major) ? BigInt(Math.round(major * scale)) : null);
  return customerIds.map((customerId, i) => {
    const nextInDays = predictions.nextOrderInDays[i]!;
    const pAlive = predictions.pAlive[i]!;
    return {
      customerId,
      predictedSpendTier: SPEND_TIERS[predictions.tier[i]!]!,
      rfmGroup: RFM_GROUPS[predictions.rfm.group[i]!]!,
      predictedSpend12mMinor: minor(predictions.predictedSpend[i]!),
      predictedClvMinor: fitted ? minor(predictions.clv[i]!) : null,
      expectedOrders12m: fitted && Number.isFinite(predictions.expectedPurchases[i]!) ? predictions.expectedPurchases[i]! : null,
      churnProbability: fitted && Number.isFinite(pAlive) ? Math.min(1, Math.max(0, 1 - pAlive)) : null,
      expectedNextOrderAt: fitted && Number.isFinite(nextInDays) ? new Date(now.getTime() + Math.round(nextInDays * DAY_MS)) : null,
      predictedAt: now,
    };
  });
}

/** What the run records about its models: α in days, γ in the major unit, cut-offs in minor units. */
function modelSummary(predictions: Predictions, currencyCode: string, digits: number, seconds: PredictionModel["seconds"]): PredictionModel {
  const { options, bgnbd, gammaGamma, tierCutoffs } = predictions;
  const minorText = (major: number) => String(Math.round(major * 10 ** digits));
  return {
    currencyCode,
    horizonDays: options.horizonDays,
    clvMonths: options.clvMonths,
    annualDiscountRate: options.annualDiscountRate,
    tierHighPercentile: options.tierHighPercentile,
    tierLowPercentile: options.tierLowPercentile,
    minRepeatBuyers: options.minRepeatBuyers,
    tierCutoffsMinor: { high: minorText(tierCutoffs.high), low: minorText(tierCutoffs.low) },
    bgnbd: bgnbd ? { ...bgnbd.params, logLikelihood: bgnbd.logLikelihood, iterations: bgnbd.optimizer.iterations } : null,
    gammaGamma: gammaGamma ? { ...gammaGamma.params, logLikelihood: gammaGamma.logLikelihood, iterations: gammaGamma.optimizer.iterations } : null,
    seconds,
  };
}

/**
 * Recomputes the shop's segments whose query reads a prediction filter, so their members follow
 * the new scores (with JOINED/LEFT events as usual). Returns how many were recomputed.
 */
async function recomputePredictionSegments(db: Db, kind: DatabaseKind, shopId: number, now: Date, signal: AbortSignal | undefined): Promise<number> {
  const shop = await db.shop.findUnique({
    where: { id: shopId },
    select: {
      metafieldDefinitions: { where: { ownerType: "CUSTOMER" }, select: { namespace: true, key: true, type: true, name: true } },
      segments: { select: { id: true, query: true }, orderBy: { id: "asc" } },
    },
  });
  if (!shop) return 0;
  let recomputed = 0;
  for (const segment of shop.segments) {
    const analysis = analyse(segment.query, { metafields: shop.metafieldDefinitions });
    if (!analysis.ok || ![...analysis.checked.filters.values()].some((filter) => filter.group === "predictions")) continue;
    signal?.throwIfAborted();
    try {
      await recomputeSegment(db, kind, { shopId, segmentId: segment.id, now });
      recomputed++;
    } catch (error) {
      // deleted meanwhile, or its query stopped checking (recomputeSegment leaves it as it was)
      if (error instanceof SegmentNotFoundError || error instanceof BrokenSegmentError) continue;
      throw error;
    }
  }
  return recomputed;
}

// ------------------------------------------------------------------------------------------------
// the job

const RefitPayload = z.object({ shopId: z.number().int().positive(), reason: z.enum(REFIT_REASONS) }).strict();

/** A refit found another refit of its shop running: it is retried after it. */
export class RefitBusyError extends Error {
  override name = "RefitBusyError";
}

/** The dedupe key of a shop's on-demand refit (after a sync, from Settings). */
export function refitKey(shopId: number): string {
  return `shop:${shopId}`;
}

/** The dedupe key of a shop's nightly refit: it names the shop's day, so the chain holds one job per night. */
export function nightlyRefitKey(shopId: number, day: string): string {
  return `nightly:${shopId}:${day}`;
}

/**
 * Queues a refit of the shop now. While one is queued, that one is returned; while one is running,
 * one more is queued behind it (once), as the running one may have read the history or settings
 * from before the change that asks for this one.
 */
export async function queueRefit(db: Queryable, args: { shopId: number; reason: Exclude<RefitReason, "nightly">; now: Date }): Promise<Job> {
  const input = { kind: PREDICTIONS_JOB, shopId: args.shopId, payload: { shopId: args.shopId, reason: args.reason }, runAt: args.now, dedupeKey: refitKey(args.shopId) };
  const job = await enqueue(db, input, { now: args.now });
  if (job.state !== "RUNNING") return job;
  return enqueue(db, { ...input, dedupeKey: `${refitKey(args.shopId)}:next` }, { now: args.now });
}

/**
 * Queues the shop's next nightly refit: 03:00 on its calendar, today if that is still to come,
 * else tomorrow. Idempotent (the dedupe key names the night).
 */
export async function scheduleNightlyRefit(db: Queryable, args: { shopId: number; timeZone: string; now: Date }): Promise<Job> {
  const timeZone = isTimeZone(args.timeZone) ? args.timeZone : "UTC";
  const at = (day: string) => zonedInstant(...parseDay(day), NIGHTLY_REFIT_HOUR, 0, 0, timeZone);
  let day = localDay(args.now.getTime(), timeZone);
  if (at(day) <= args.now.getTime()) day = addDays(day, 1);
  return enqueue(
    db,
    { kind: PREDICTIONS_JOB, shopId: args.shopId, payload: { shopId: args.shopId, reason: "nightly" }, runAt: new Date(at(day)), dedupeKey: nightlyRefitKey(args.shopId, day) },
    { now: args.now },
  );
}

/**
 * The "predictions.refit" job: payload { shopId, reason }. A nightly run first queues the next
 * night's (so a run that fails every attempt does not end the chain); a shop that is gone or
 * uninstalled ends its chain.
 */
export function predictionsJobHandler(deps: SyncDeps): JobHandler {
  return async (job, signal) => {
    const parsed = RefitPayload.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError(`${PREDICTIONS_JOB} job ${job.id}: the payload must be { shopId, reason }: ${z.prettifyError(parsed.error)}`);
    const { shopId, reason } = parsed.data;
    if (job.shopId !== null && job.shopId !== shopId) throw new PermanentJobError(`${PREDICTIONS_JOB} job ${job.id} is for shop ${job.shopId} but names shop ${shopId}`);
    const { db } = deps;
    const shop = await db.shop.findUnique({ where: { id: shopId }, select: { installState: true, ianaTimezone: true } });
    if (!shop || shop.installState !== "INSTALLED") {
      logger.info({ shopId, reason }, "predictions: shop gone or uninstalled, no refit");
      return;
    }
    const now = deps.now();
    if (reason === "nightly") await scheduleNightlyRefit(db, { shopId, timeZone: shop.ianaTimezone, now });
    const other = await db.job.findFirst({
      where: { kind: PREDICTIONS_JOB, shopId, state: "RUNNING", id: { not: job.id }, lockedUntil: { gt: now } },
      select: { id: true },
    });
    if (other) {
      if (reason === "nightly") {
        logger.info({ shopId, running: other.id }, "predictions: a refit of the shop is running; the nightly one leaves it the work");
        return;
      }
      throw new RefitBusyError(`refit job ${other.id} of shop ${shopId} is running; this one runs after it`);
    }
    await refitPredictions(deps, { shopId, reason, now, signal });
  };
}

// ------------------------------------------------------------------------------------------------
// Settings

/** The settings form's fields as the merchant types them (the discount rate in percent). */
export interface PredictionSettingsForm {
  tierHighPercentile: number;
  tierLowPercentile: number;
  clvHorizonMonths: number;
  clvAnnualDiscountPercent: number;
}

export type PredictionSettingsField = keyof PredictionSettingsForm;

/** A decimal number typed in a form ("12.5" or "12,5"), or the message key saying what is wanted. */
function decimalField(message: MessageKey) {
  return z
    .string({ error: message })
    .trim()
    .transform((text) => text.replace(",", "."))
    .pipe(
      z
        .string()
        .regex(/^-?\d+(\.\d+)?$/, { error: message })
        .transform(Number),
    );
}

/** The form and the action share this schema; its messages are locale keys, translated where shown. */
export const predictionSettingsSchema = z
  .object({
    tierHighPercentile: decimalField("settings.predictions.error.percentile").pipe(z.number().min(0, { error: "settings.predictions.error.percentile" }).max(100, { error: "settings.predictions.error.percentile" })),
    tierLowPercentile: decimalField("settings.predictions.error.percentile").pipe(z.number().min(0, { error: "settings.predictions.error.percentile" }).max(100, { error: "settings.predictions.error.percentile" })),
    clvHorizonMonths: decimalField("settings.predictions.error.months").pipe(
      z.number().int({ error: "settings.predictions.error.months" }).min(1, { error: "settings.predictions.error.months" }).max(120, { error: "settings.predictions.error.months" }),
    ),
    clvAnnualDiscountPercent: decimalField("settings.predictions.error.rate").pipe(z.number().min(0, { error: "settings.predictions.error.rate" }).max(100, { error: "settings.predictions.error.rate" })),
  })
  // compared only once each field is a valid number
  .refine((form) => form.tierLowPercentile < form.tierHighPercentile, {
    path: ["tierLowPercentile"],
    error: "settings.predictions.error.lowBelowHigh",
    when: (payload) => payload.issues.length === 0,
  });

export type PredictionSettingsResult = { ok: true; settings: PredictionSettingsForm } | { ok: false; errors: Partial<Record<PredictionSettingsField, MessageKey>> };

/** Validates the settings form (its fields as strings); the first problem of each field, as a locale key. */
export function parsePredictionSettings(input: Record<string, unknown>): PredictionSettingsResult {
  const parsed = predictionSettingsSchema.safeParse(input);
  if (parsed.success) return { ok: true, settings: parsed.data };
  const errors: Partial<Record<PredictionSettingsField, MessageKey>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as PredictionSettingsField;
    errors[field] ??= issue.message as MessageKey;
  }
  return { ok: false, errors };
}

/** Saves the shop's tier cut-offs and lifetime-value settings and queues a refit that uses them. */
export async function savePredictionSettings(db: Db, args: { shopId: number; settings: PredictionSettingsForm; now: Date }): Promise<Job> {
  const { settings } = args;
  return db.$transaction(async (tx) => {
    await tx.shop.updateMany({
      where: { id: args.shopId },
      data: {
        tierHighPercentile: settings.tierHighPercentile,
        tierLowPercentile: settings.tierLowPercentile,
        clvHorizonMonths: settings.clvHorizonMonths,
        clvAnnualDiscountRate: settings.clvAnnualDiscountPercent / 100,
      },
    });
    return queueRefit(tx, { shopId: args.shopId, reason: "manual", now: args.now });
  });
}

export interface PredictionsOverview {
  settings: PredictionSettingsForm;
  /** the newest run, running or finished */
  latestRun: PredictionRunView | null;
  /** the newest run that wrote scores: what the customers' predictions come from */
  scoredRun: PredictionRunView | null;
}

/** What Settings shows about the shop's predictions (null: no such shop). */
export async function predictionsOverview(db: Db, args: { shop: string }): Promise<PredictionsOverview | null> {
  const shop = await db.shop.findUnique({
    where: { domain: args.shop },
    select: { id: true, tierHighPercentile: true, tierLowPercentile: true, clvHorizonMonths: true, clvAnnualDiscountRate: true },
  });
  if (!shop) return null;
  const [latestRun, scoredRun] = await Promise.all([latestPredictionRun(db, shop.id), latestScoredRun(db, shop.id)]);
  return {
    settings: {
      tierHighPercentile: shop.tierHighPercentile,
      tierLowPercentile: shop.tierLowPercentile,
      clvHorizonMonths: shop.clvHorizonMonths,
      // a float's percent can show as 10.000000000000002
      clvAnnualDiscountPercent: Math.round(shop.clvAnnualDiscountRate * 100 * 1e6) / 1e6,
    },
    latestRun,
    scoredRun,
  };
}
