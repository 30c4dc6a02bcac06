/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee, "RFM and CLV: Using
 * Iso-Value Curves for Customer Base Analysis", JMR 42(4), 2005; and Fader & Hardie, "The
 * Gamma-Gamma Model of Monetary Value", 2013).
 *
 * A customer's transaction values are Gamma(p, ν) around their own mean; ν ~ Gamma(q, γ) across
 * customers. Fitted on repeat buyers from x (repeat transactions) and m (their mean value):
 *
 *   ln L = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ+mx)
 */
import { digamma, logGamma } from "./special";
import { lbfgs, type MinimizeResult } from "./optimize";
import { boundedExp, boundedExpSlope, type Columns } from "./columns";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** Repeat buyers only: x ≥ 1 and m > 0. */
export interface SpendHistories {
  /** x: repeat transactions */
  frequency: Columns;
  /** m: mean value of those transactions */
  monetary: Columns;
}

export function invalidSpendHistory(data: SpendHistories): string | null {
  if (data.frequency.length !== data.monetary.length) return "frequency and monetary must have one entry per customer";
  for (let i = 0; i < data.frequency.length; i++) {
    const x = data.frequency[i]!;
    const m = data.monetary[i]!;
    if (!Number.isInteger(x) || x < 1) return `customer ${i}: the spend model takes repeat buyers only (frequency ${x})`;
    if (!(m > 0) || !Number.isFinite(m)) return `customer ${i}: mean transaction value must be positive and finite (got ${m})`;
  }
  return null;
}

/** Per-customer terms that do not change during a fit: the index of x among the distinct x, and ln m. */
interface SpendGroups {
  values: Float64Array;
  index: Uint32Array;
  logMonetary: Float64Array;
}

function groupSpend(data: SpendHistories): SpendGroups {
  const positions = new Map<number, number>();
  const values: number[] = [];
  const index = new Uint32Array(data.frequency.length);
  const logMonetary = new Float64Array(data.frequency.length);
  for (let i = 0; i < data.frequency.length; i++) {
    const x = data.frequency[i]!;
    let k = positions.get(x);
    if (k === undefined) {
      k = values.length;
      positions.set(x, k);
      values.push(x);
    }
    index[i] = k;
    logMonetary[i] = Math.log(data.monetary[i]!);
  }
  return { values: Float64Array.from(values), index, logMonetary };
}

/**
 * Σ ln L, with the gradient with respect to (p, q, γ) written into `gradient` when given.
 * `groups` may be passed to reuse the per-customer constants across evaluations.
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendHistories, gradient?: Float64Array, groups: SpendGroups = groupSpend(data)): number {
  const { p, q, gamma } = params;
  const n = data.frequency.length;
  const lgQ = logGamma(q);
  const psiQ = digamma(q);
  const logGammaParam = Math.log(gamma);
  // terms that depend on x alone, once per distinct x
  const k = groups.values.length;
  const constant = new Float64Array(k);
  const psiDifference = new Float64Array(k);
  const psiPxq = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const x = groups.values[j]!;
    constant[j] = logGamma(p * x + q) - logGamma(p * x) - lgQ + q * logGammaParam + p * x * Math.log(x);
    if (gradient) {
      psiPxq[j] = digamma(p * x + q);
      psiDifference[j] = psiPxq[j]! - digamma(p * x) + Math.log(x);
    }
  }
  let sum = 0;
  let dp = 0;
  let dq = 0;
  let dGamma = 0;
  const { index, logMonetary } = groups;
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i]!;
    const j = index[i]!;
    const logM = logMonetary[i]!;
    const spread = gamma + data.monetary[i]! * x;
    const logDenominator = Math.log(spread);
    sum += constant[j]! + (p * x - 1) * logM - (p * x + q) * logDenominator;
    if (gradient) {
      dp += x * (psiDifference[j]! + logM - logDenominator);
      dq += psiPxq[j]! - psiQ + logGammaParam - logDenominator;
      dGamma += q / gamma - (p * x + q) / spread;
    }
  }
  if (gradient) {
    gradient[0] = dp;
    gradient[1] = dq;
    gradient[2] = dGamma;
  }
  return sum;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  optimizer: Pick<MinimizeResult, "iterations" | "evaluations" | "converged" | "stop">;
  atBound: boolean;
}

const LOG_BOUND = 15;

/** Maximum-likelihood fit; money is rescaled internally to a mean of 1 (γ scales with it). */
export function fitGammaGamma(data: SpendHistories, options: { maxIterations?: number } = {}): GammaGammaFit {
  const problem = invalidSpendHistory(data);
  if (problem) throw new RangeError(problem);
  const n = data.frequency.length;
  if (n === 0) throw new RangeError("no repeat buyers to fit");
  let mean = 0;
  for (let i = 0; i < n; i++) mean += data.monetary[i]! / n;
  const scale = 1 / mean;
  const scaled: SpendHistories = { frequency: data.frequency, monetary: Float64Array.from(data.monetary, (m) => m * scale) };
  const groups = groupSpend(scaled);
  const inner = new Float64Array(3);
  const objective = (u: Float64Array, gradient: Float64Array) => {
    const values = [boundedExp(u[0]!, LOG_BOUND), boundedExp(u[1]!, LOG_BOUND), boundedExp(u[2]!, LOG_BOUND)] as const;
    const ll = gammaGammaLogLikelihood({ p: values[0], q: values[1], gamma: values[2] }, scaled, inner, groups);
    for (let j = 0; j < 3; j++) gradient[j] = (-inner[j]! * boundedExpSlope(u[j]!, values[j]!, LOG_BOUND)) / n;
    return -ll / n;
  };
  const result = lbfgs(objective, [0, 0, 0], { maxIterations: options.maxIterations ?? 500, gradientTolerance: 1e-9 });
  const u = result.theta;
  const params = { p: boundedExp(u[0]!, LOG_BOUND), q: boundedExp(u[1]!, LOG_BOUND), gamma: boundedExp(u[2]!, LOG_BOUND) / scale };
  return {
    params,
    logLikelihood: gammaGammaLogLikelihood(params, data),
    optimizer: { iterations: result.iterations, evaluations: result.evaluations, converged: result.converged, stop: result.stop },
    atBound: Array.from(u).some((v) => Math.abs(v) > LOG_BOUND * 0.9),
  };
}

/**
 * E[M | x, m]: the customer's expected transaction value, a weighted mean of the population mean
 * pγ/(q−1) and their own mean m. Null where the model has no finite mean (q ≤ 1 for a customer
 * without repeat purchases); the caller then uses the shop's observed mean.
 */
export function expectedTransactionValue(params: GammaGammaParams, x: number, m: number): number | null {
  const { p, q, gamma } = params;
  const denominator = p * x + q - 1;
  if (!(denominator > 0)) return x > 0 ? m : null;
  const value = (p * (gamma + m * x)) / denominator;
  return Number.isFinite(value) ? value : null;
}
