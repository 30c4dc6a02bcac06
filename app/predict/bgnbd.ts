/**
 * The BG/NBD model of repeat purchasing (Fader, Hardie & Lee, "Counting Your Customers the Easy
 * Way", Marketing Science 24(2), 2005), and the note "Implementing the BG/NBD Model for Customer
 * Base Analysis in Excel" for the likelihood's form.
 *
 * While active, a customer buys at rate λ ~ Gamma(r, α); after each purchase they drop out with
 * probability p ~ Beta(a, b). From each customer's repeat purchases x, the time of the last one t_x
 * and the time observed T (all measured from their first purchase, in one time unit):
 *
 *   ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
 *          + ln[ (α+T)^−(r+x) + [x>0] · a/(b+x−1) · (α+t_x)^−(r+x) ]
 *
 * The fit maximises Σ ln L over ln r, ln α, ln a, ln b with analytic gradients (L-BFGS). The terms
 * that depend only on x are computed once per distinct x, so a million customers cost a few
 * logarithms each per evaluation.
 */
import { boundedExp, boundedExpSlope, type Columns } from "./columns";
import { lbfgs, type MinimizeResult } from "./optimize";
import { digamma, logAddExp, logGamma } from "./special";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Repeat-purchase histories, one entry per customer (column arrays, so a million fit in a few MB). */
export interface RepeatHistories {
  /** x: repeat purchases (purchase occasions after the first), a whole number ≥ 0 */
  frequency: Columns;
  /** t_x: time from the first to the last purchase, 0 ≤ t_x ≤ T */
  recency: Columns;
  /** T: time from the first purchase to the end of observation, ≥ 0 */
  age: Columns;
  /** how many customers share each entry's history (1 when absent) */
  count?: Columns;
}

/** Checks the histories the models rely on; returns the first problem or null. */
export function invalidHistory(data: RepeatHistories): string | null {
  const n = data.frequency.length;
  if (data.recency.length !== n || data.age.length !== n) return "frequency, recency and age must have one entry per customer";
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i]!;
    const tx = data.recency[i]!;
    const T = data.age[i]!;
    if (!Number.isInteger(x) || x < 0) return `customer ${i}: frequency must be a whole number ≥ 0 (got ${x})`;
    if (!(T >= 0) || !Number.isFinite(T)) return `customer ${i}: age must be a finite number ≥ 0 (got ${T})`;
    if (!(tx >= 0) || tx > T) return `customer ${i}: recency must lie between 0 and the age ${T} (got ${tx})`;
    if (x === 0 && tx !== 0) return `customer ${i}: a customer without repeat purchases has recency 0 (got ${tx})`;
  }
  return null;
}

/** Distinct frequencies, with each customer's index into them and the count of each. */
interface FrequencyGroups {
  values: Float64Array;
  counts: Float64Array;
  index: Uint32Array;
}

function groupFrequencies(frequency: Columns, count?: Columns): FrequencyGroups {
  const positions = new Map<number, number>();
  const values: number[] = [];
  const counts: number[] = [];
  const index = new Uint32Array(frequency.length);
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i]!;
    let k = positions.get(x);
    if (k === undefined) {
      k = values.length;
      positions.set(x, k);
      values.push(x);
      counts.push(0);
    }
    counts[k]! += count ? count[i]! : 1;
    index[i] = k;
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts), index };
}

/**
 * Σ ln L over the customers, and its gradient with respect to (r, α, a, b) written into
 * `gradient` when given. `groups` may be passed to reuse the grouping across evaluations.
 */
export function bgnbdLogLikelihood(params: BgNbdParams, data: RepeatHistories, gradient?: Float64Array, groups: FrequencyGroups = groupFrequencies(data.frequency, data.count)): number {
  const { r, alpha, a, b } = params;
  const k = groups.values.length;
  // per distinct x: constant terms, their derivatives, and ln(a/(b+x−1))
  let constant = 0;
  let dr = 0;
  let da = 0;
  let db = 0;
  const logRatio = new Float64Array(k);
  const lgR = logGamma(r);
  const lgAB = logGamma(a + b);
  const lgB = logGamma(b);
  const psiR = digamma(r);
  const psiAB = digamma(a + b);
  const psiB = digamma(b);
  const logA = Math.log(a);
  for (let j = 0; j < k; j++) {
    const x = groups.values[j]!;
    const count = groups.counts[j]!;
    const psiABX = digamma(a + b + x);
    constant += count * (logGamma(r + x) - lgR + lgAB + logGamma(b + x) - lgB - logGamma(a + b + x));
    if (gradient) {
      dr += count * (digamma(r + x) - psiR);
      da += count * (psiAB - psiABX);
      db += count * (psiAB + digamma(b + x) - psiB - psiABX);
    }
    logRatio[j] = x > 0 ? logA - Math.log(b + x - 1) : -Infinity;
  }

  let customers = 0;
  for (let j = 0; j < k; j++) customers += groups.counts[j]!;
  const logAlpha = Math.log(alpha);
  let sum = constant + customers * r * logAlpha;
  let dAlpha = customers * (r / alpha);
  dr += customers * logAlpha;
  const { frequency, recency, age, count } = data;
  const index = groups.index;
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i]!;
    const weight = count ? count[i]! : 1;
    const rx = r + x;
    const logT = Math.log(alpha + age[i]!);
    const term3 = -rx * logT;
    if (x > 0) {
      const logTx = Math.log(alpha + recency[i]!);
      const lr = logRatio[index[i]!]!;
      const term4 = lr - rx * logTx;
      const lse = logAddExp(term3, term4);
      sum += weight * lse;
      if (gradient) {
        const w = Math.exp(term4 - lse);
        dr -= weight * ((1 - w) * logT + w * logTx);
        dAlpha -= weight * rx * ((1 - w) / (alpha + age[i]!) + w / (alpha + recency[i]!));
        da += (weight * w) / a;
        db -= (weight * w) / (b + x - 1);
      }
    } else {
      sum += weight * term3;
      if (gradient) {
        dr -= weight * logT;
        dAlpha -= (weight * rx) / (alpha + age[i]!);
      }
    }
  }
  if (gradient) {
    gradient[0] = dr;
    gradient[1] = dAlpha;
    gradient[2] = da;
    gradient[3] = db;
  }
  return sum;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  optimizer: Pick<MinimizeResult, "iterations" | "evaluations" | "converged" | "stop">;
  /** true when a parameter ended at the edge of the search box (the data cannot pin it down) */
  atBound: boolean;
}

/**
 * Customers without repeat purchases and the same whole-number T — often most of a shop — as one
 * entry with a count, so each likelihood evaluation costs one term for all of them. Everyone else
 * keeps their own entry (their (x, t_x, T) rarely coincide).
 */
export function shareHistories(data: RepeatHistories): RepeatHistories {
  if (data.count) return data;
  const n = data.frequency.length;
  const oneTimers = new Map<number, number>(); // T → customers
  const frequency: number[] = [];
  const recency: number[] = [];
  const age: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i]!;
    const T = data.age[i]!;
    if (x === 0 && Number.isInteger(T) && T < 1_073_741_824) {
      oneTimers.set(T, (oneTimers.get(T) ?? 0) + 1);
    } else {
      frequency.push(x);
      recency.push(data.recency[i]!);
      age.push(T);
      count.push(1);
    }
  }
  // not worth a second copy unless it saves a good share of the terms
  if (frequency.length + oneTimers.size > 0.8 * n) return data;
  for (const [T, customers] of oneTimers) {
    frequency.push(0);
    recency.push(0);
    age.push(T);
    count.push(customers);
  }
  return { frequency: Float64Array.from(frequency), recency: Float64Array.from(recency), age: Float64Array.from(age), count: Float64Array.from(count) };
}

/** Search box for ln(parameter): e^±LOG_BOUND, wide enough for any sensible shop. */
export const LOG_BOUND = 15;

/**
 * Maximum-likelihood fit. Times are rescaled internally to a mean age of 1 (α scales with the time
 * unit; r, a, b do not), so the same start serves days and weeks.
 */
export function fitBgnbd(data: RepeatHistories, options: { start?: BgNbdParams; maxIterations?: number } = {}): BgNbdFit {
  const problem = invalidHistory(data);
  if (problem) throw new RangeError(problem);
  const n = data.frequency.length;
  if (n === 0) throw new RangeError("no customers to fit");
  let meanAge = 0;
  for (let i = 0; i < n; i++) meanAge += data.age[i]! / n;
  const scale = meanAge > 1e-6 ? 1 / meanAge : 1;
  const distinct = shareHistories(data);
  const scaled: RepeatHistories = {
    frequency: distinct.frequency,
    recency: Float64Array.from(distinct.recency, (v) => v * scale),
    age: Float64Array.from(distinct.age, (v) => v * scale),
    ...(distinct.count ? { count: distinct.count } : {}),
  };
  const groups = groupFrequencies(scaled.frequency, scaled.count);
  const start = options.start ? { ...options.start, alpha: options.start.alpha * scale } : { r: 1, alpha: 1, a: 1, b: 1 };
  const u0 = [start.r, start.alpha, start.a, start.b].map((v) => Math.log(v));
  const inner = new Float64Array(4);
  const objective = (u: Float64Array, gradient: Float64Array) => {
    const params = { r: boundedExp(u[0]!, LOG_BOUND), alpha: boundedExp(u[1]!, LOG_BOUND), a: boundedExp(u[2]!, LOG_BOUND), b: boundedExp(u[3]!, LOG_BOUND) };
    const ll = bgnbdLogLikelihood(params, scaled, inner, groups);
    const values = [params.r, params.alpha, params.a, params.b];
    for (let j = 0; j < 4; j++) gradient[j] = (-inner[j]! * boundedExpSlope(u[j]!, values[j]!, LOG_BOUND)) / n;
    return -ll / n;
  };
  const result = lbfgs(objective, u0, { maxIterations: options.maxIterations ?? 500, gradientTolerance: 1e-9 });
  const u = result.theta;
  const params: BgNbdParams = {
    r: boundedExp(u[0]!, LOG_BOUND),
    alpha: boundedExp(u[1]!, LOG_BOUND) / scale,
    a: boundedExp(u[2]!, LOG_BOUND),
    b: boundedExp(u[3]!, LOG_BOUND),
  };
  const atBound = Array.from(u).some((v) => Math.abs(v) > LOG_BOUND * 0.9);
  return {
    params,
    logLikelihood: bgnbdLogLikelihood(params, distinct),
    optimizer: { iterations: result.iterations, evaluations: result.evaluations, converged: result.converged, stop: result.stop },
    atBound,
  };
}

/** Gauss hypergeometric ₂F₁(A, B; C; z) by its series, for 0 ≤ z < 1. */
export function hypergeometric2F1(A: number, B: number, C: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 1_000_000; k++) {
    term *= ((A + k) * (B + k)) / ((C + k) * (k + 1)) * z;
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum)) break;
  }
  return sum;
}

/** E[X(t) | x, t_x, T]: purchases expected in the next t time units. */
export function expectedPurchases(params: BgNbdParams, x: number, tx: number, T: number, t: number): number {
  return expectedPurchasesIfAlive(params, x, T, t) * probabilityAlive(params, x, tx, T);
}

/**
 * E[X(t) | x, T, alive]: purchases expected in the next t time units from a customer still
 * active. Independent of t_x, so a caller scoring many customers can share it.
 *
 * The paper's ₂F₁(r+x, b+x; a+b+x−1; z) is taken through Euler's transformation to
 * (1−z)^(a−1−r−x) ₂F₁(a+b−1−r, a−1; a+b+x−1; z), whose series converges fast for every x.
 */
export function expectedPurchasesIfAlive(params: BgNbdParams, x: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = params;
  // the formula has a removable singularity at a = 1
  const a = Math.abs(params.a - 1) < 1e-7 ? 1 + 1e-7 : params.a;
  const z = t / (alpha + T + t);
  const numerator = 1 - Math.pow(1 - z, a - 1) * hypergeometric2F1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const expected = ((a + b + x - 1) / (a - 1)) * numerator;
  return expected > 0 && Number.isFinite(expected) ? expected : 0;
}

/** P(alive | x, t_x, T): the chance the customer has not dropped out. */
export function probabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * Time from T until the customer is as likely as not to have bought again, or null when that
 * never happens (P(alive) ≤ ½). While alive, the wait for the next purchase is Lomax(r+x, α+T):
 * P(bought by s) = P(alive) · (1 − ((α+T)/(α+T+s))^(r+x)).
 */
export function medianTimeToNextPurchase(params: BgNbdParams, x: number, pAlive: number, T: number): number | null {
  if (!(pAlive > 0.5)) return null;
  const s = (params.alpha + T) * (Math.pow(1 - 0.5 / pAlive, -1 / (params.r + x)) - 1);
  return Number.isFinite(s) ? s : null;
}
