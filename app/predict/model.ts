/**
 * From each customer's purchase history to their predictions: fit BG/NBD and Gamma-Gamma to the
 * shop (or fall back when its history is too thin), then score every customer — P(alive), expected
 * purchases and spend over the horizon, lifetime value, the median wait for the next order, spend
 * tier and RFM group. One function serves the app's job, `npm run predict` and the benchmark.
 *
 * Time is in whole days; money in the shop's major unit (the caller converts to minor units).
 */
import { expectedPurchasesIfAlive, fitBgnbd, medianTimeToNextPurchase, probabilityAlive, type BgNbdFit, type BgNbdParams } from "./bgnbd";
import type { Columns } from "./columns";
import { expectedTransactionValue, fitGammaGamma, type GammaGammaFit } from "./gamma-gamma";
import { rfmScores, type RfmScores } from "./rfm";

/** Customers with at least one order, as columns (index i is the same customer in each). */
export interface PurchaseSummaries {
  /** repeat purchase days: days with a purchase, less the first */
  frequency: Columns;
  /** days from the first to the last purchase day */
  recency: Columns;
  /** days from the first purchase day to the as-of day */
  age: Columns;
  /** mean value of the repeat purchase days (0 without repeats) */
  monetary: Columns;
  /** orders placed (RFM's F; a day with two orders counts two) */
  orders: Columns;
  /** total spent (RFM's M) */
  spent: Columns;
  /** spent in the 365 days up to the as-of day (the fallback's forecast) */
  spentLastYear: Columns;
}

export interface PredictOptions {
  /** days ahead for expected purchases and predicted spend (default 365) */
  horizonDays?: number;
  /** HIGH above this percentile of predicted spend (default 70) */
  tierHighPercentile?: number;
  /** LOW below this percentile, or zero (default 10) */
  tierLowPercentile?: number;
  /** lifetime value: months ahead (default 36) and the yearly discount rate (default 0.1) */
  clvMonths?: number;
  annualDiscountRate?: number;
  /** fewer repeat buyers than this and the models are not fitted (default 200) */
  minRepeatBuyers?: number;
}

export const DEFAULT_PREDICT_OPTIONS: Required<PredictOptions> = {
  horizonDays: 365,
  tierHighPercentile: 70,
  tierLowPercentile: 10,
  clvMonths: 36,
  annualDiscountRate: 0.1,
  minRepeatBuyers: 200,
};

export const SPEND_TIERS = ["LOW", "MEDIUM", "HIGH"] as const;
export type SpendTier = (typeof SPEND_TIERS)[number];

export interface Predictions {
  /** "fitted": the models' predictions; "fallback": last year's spend carried forward, no churn figures */
  status: "fitted" | "fallback";
  /** why the fallback was used */
  reason: string | null;
  options: Required<PredictOptions>;
  customers: number;
  repeatBuyers: number;
  bgnbd: BgNbdFit | null;
  gammaGamma: GammaGammaFit | null;
  /** predicted spend at the tier boundaries */
  tierCutoffs: { high: number; low: number };
  /** per customer; NaN where the fallback predicts nothing */
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  expectedOrderValue: Float64Array;
  predictedSpend: Float64Array;
  clv: Float64Array;
  /** days from the as-of day until the customer is as likely as not to have ordered again; NaN: not expected */
  nextOrderInDays: Float64Array;
  /** index into SPEND_TIERS */
  tier: Uint8Array;
  rfm: RfmScores;
}

/** Fits and scores; never throws for valid summaries, and every number it returns is finite or NaN by design. */
export function predictCustomers(data: PurchaseSummaries, options: PredictOptions = {}): Predictions {
  // an option given as undefined keeps its default
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const settings: Required<PredictOptions> = { ...DEFAULT_PREDICT_OPTIONS, ...given };
  const n = data.frequency.length;
  let repeatBuyers = 0;
  for (let i = 0; i < n; i++) if (data.frequency[i]! > 0) repeatBuyers++;

  const result = {
    options: settings,
    customers: n,
    repeatBuyers,
    pAlive: new Float64Array(n).fill(NaN),
    expectedPurchases: new Float64Array(n).fill(NaN),
    expectedOrderValue: new Float64Array(n).fill(NaN),
    predictedSpend: new Float64Array(n),
    clv: new Float64Array(n).fill(NaN),
    nextOrderInDays: new Float64Array(n).fill(NaN),
    rfm: rfmScores({ daysSinceLastOrder: Float64Array.from({ length: n }, (_, i) => data.age[i]! - data.recency[i]!), orders: data.orders, spent: data.spent }),
  };

  const fits = repeatBuyers < settings.minRepeatBuyers ? { reason: `${repeatBuyers} repeat buyers; the models need at least ${settings.minRepeatBuyers}` } : fitModels(data);
  if ("reason" in fits) {
    for (let i = 0; i < n; i++) result.predictedSpend[i] = Math.max(0, data.spentLastYear[i]!) * (settings.horizonDays / 365);
    const { tier, cutoffs } = spendTiers(result.predictedSpend, settings);
    return { status: "fallback", reason: fits.reason, bgnbd: null, gammaGamma: null, tier, tierCutoffs: cutoffs, ...result };
  }

  const { bgnbd, gammaGamma, populationOrderValue } = fits;
  const params = bgnbd.params;
  const monthDays = 365.25 / 12;
  const monthlyDiscount = Math.pow(1 + settings.annualDiscountRate, 1 / 12) - 1;
  const discount = Float64Array.from({ length: settings.clvMonths + 1 }, (_, m) => Math.pow(1 + monthlyDiscount, -m));
  // E[X(t) | alive] depends on (x, T, t) only: cached, as many customers share x and T (whole days)
  const cache = new Map<number, Float64Array>();
  const alivePurchases = (x: number, T: number): Float64Array => {
    const key = x * 4_194_304 + T;
    let row = cache.get(key);
    if (!row) {
      // [horizon, month 1 … month M]
      row = new Float64Array(settings.clvMonths + 1);
      row[0] = expectedPurchasesIfAlive(params, x, T, settings.horizonDays);
      for (let m = 1; m <= settings.clvMonths; m++) row[m] = expectedPurchasesIfAlive(params, x, T, m * monthDays);
      cache.set(key, row);
    }
    return row;
  };

  for (let i = 0; i < n; i++) {
    const x = data.frequency[i]!;
    const tx = data.recency[i]!;
    const T = data.age[i]!;
    const pAlive = probabilityAlive(params, x, tx, T);
    const row = alivePurchases(x, T);
    const value = expectedTransactionValue(gammaGamma.params, x, data.monetary[i]!) ?? populationOrderValue;
    const purchases = pAlive * row[0]!;
    let clv = 0;
    let previous = 0;
    for (let m = 1; m <= settings.clvMonths; m++) {
      const cumulative = pAlive * row[m]!;
      clv += (cumulative - previous) * value * discount[m]!;
      previous = cumulative;
    }
    result.pAlive[i] = pAlive;
    result.expectedPurchases[i] = purchases;
    result.expectedOrderValue[i] = value;
    result.predictedSpend[i] = purchases * value;
    result.clv[i] = clv;
    result.nextOrderInDays[i] = medianTimeToNextPurchase(params, x, pAlive, T) ?? NaN;
  }
  const { tier, cutoffs } = spendTiers(result.predictedSpend, settings);
  return { status: "fitted", reason: null, bgnbd, gammaGamma, tier, tierCutoffs: cutoffs, ...result };
}

type ModelFits = { bgnbd: BgNbdFit; gammaGamma: GammaGammaFit; populationOrderValue: number } | { reason: string };

function fitModels(data: PurchaseSummaries): ModelFits {
  const bgnbd = fitBgnbd({ frequency: data.frequency, recency: data.recency, age: data.age });
  if (!bgnbd.optimizer.converged || bgnbd.atBound || !finiteParams(bgnbd.params)) {
    return { reason: `the repeat-purchase model did not settle on finite parameters (${describe(bgnbd.params)})` };
  }
  const frequency: number[] = [];
  const monetary: number[] = [];
  let spendSum = 0;
  let orderCount = 0;
  for (let i = 0; i < data.frequency.length; i++) {
    const x = data.frequency[i]!;
    const m = data.monetary[i]!;
    if (x > 0 && m > 0) {
      frequency.push(x);
      monetary.push(m);
      spendSum += m * x;
      orderCount += x;
    }
  }
  if (frequency.length < 2) return { reason: "fewer than two repeat buyers spent anything" };
  const gammaGamma = fitGammaGamma({ frequency, monetary });
  if (!gammaGamma.optimizer.converged || gammaGamma.atBound) {
    return { reason: `the spend model did not settle on finite parameters (p ${gammaGamma.params.p}, q ${gammaGamma.params.q}, γ ${gammaGamma.params.gamma})` };
  }
  const { p, q, gamma } = gammaGamma.params;
  // customers without repeat purchases: the model's population mean, or the observed one when it has none
  const populationOrderValue = q > 1 ? (p * gamma) / (q - 1) : spendSum / orderCount;
  return { bgnbd, gammaGamma, populationOrderValue };
}

function finiteParams(params: BgNbdParams): boolean {
  return Object.values(params).every((v) => Number.isFinite(v) && v > 0);
}

function describe(params: BgNbdParams): string {
  return `r ${params.r.toPrecision(3)}, α ${params.alpha.toPrecision(3)}, a ${params.a.toPrecision(3)}, b ${params.b.toPrecision(3)}`;
}

/** The value below which `percentile` % of the values lie (linear interpolation between order statistics). */
export function percentile(sorted: Float64Array, percentile: number): number {
  if (sorted.length === 0) return 0;
  const position = (Math.min(100, Math.max(0, percentile)) / 100) * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (position - low) * (sorted[high]! - sorted[low]!);
}

/**
 * HIGH above the high percentile of predicted spend; LOW below the low percentile or zero; MEDIUM
 * between (Shopify: "HIGH above the 70th percentile, LOW below the 10th").
 */
export function spendTiers(spend: Float64Array, options: Pick<Required<PredictOptions>, "tierHighPercentile" | "tierLowPercentile">) {
  const sorted = Float64Array.from(spend).sort();
  const cutoffs = { high: percentile(sorted, options.tierHighPercentile), low: percentile(sorted, options.tierLowPercentile) };
  const tier = new Uint8Array(spend.length);
  for (let i = 0; i < spend.length; i++) {
    const s = spend[i]!;
    tier[i] = s <= 0 || s < cutoffs.low ? 0 : s > cutoffs.high ? 2 : 1;
  }
  return { tier, cutoffs };
}
