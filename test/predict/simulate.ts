/**
 * Customers drawn from the models' own generative process, for parameter-recovery tests and the
 * benchmark (bench/predict.ts).
 */
import type { BgNbdParams } from "~/predict/bgnbd";
import type { GammaGammaParams } from "~/predict/gamma-gamma";
import type { PurchaseSummaries } from "~/predict/model";

/** Gamma and Beta draws from a uniform source: Marsaglia & Tsang (2000), with the shape < 1 boost. */
function distributions(random: () => number) {
  const uniform = () => 1 - random(); // (0, 1]: safe under a logarithm
  const normal = () => {
    // Marsaglia's polar method; the second value is dropped for simplicity
    for (;;) {
      const u = 2 * random() - 1;
      const v = 2 * random() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
    }
  };
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * Math.pow(uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = uniform();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  };
  const beta = (a: number, b: number) => {
    const x = gamma(a);
    return x / (x + gamma(b));
  };
  return { uniform, gamma, beta };
}

/**
 * Customers as BG/NBD and Gamma-Gamma describe them: purchase rate λ ~ Gamma(r, α), drop-out
 * chance after each repeat purchase p ~ Beta(a, b), spend per purchase day ~ Gamma(p, ν) with
 * ν ~ Gamma(q, γ); the first purchase on a day up to `historyDays` before the as-of day. With
 * `wholeDays` false, purchase times and ages are not rounded to days (the model's own assumption).
 */
export function simulateCustomers(
  random: () => number,
  n: number,
  truth: { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams },
  { historyDays, wholeDays = true }: { historyDays: number; wholeDays?: boolean },
): PurchaseSummaries {
  const { uniform, gamma, beta } = distributions(random);
  const { r, alpha, a, b } = truth.bgnbd;
  const { p, q, gamma: scale } = truth.gammaGamma;
  const data = {
    frequency: new Float64Array(n),
    recency: new Float64Array(n),
    age: new Float64Array(n),
    monetary: new Float64Array(n),
    orders: new Float64Array(n),
    spent: new Float64Array(n),
    spentLastYear: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const T = wholeDays ? Math.floor(uniform() * historyDays) % historyDays : uniform() * historyDays;
    const rate = gamma(r) / alpha;
    const dropOut = beta(a, b);
    const nu = gamma(q) / scale;
    const firstValue = gamma(p) / nu;
    let spent = firstValue;
    let lastYear = T < 365 ? firstValue : 0;
    let repeatSpend = 0;
    let x = 0;
    let lastDay = 0;
    let orders = 1;
    let t = 0;
    for (;;) {
      t += -Math.log(uniform()) / rate;
      if (!(t <= T)) break;
      orders++;
      const day = wholeDays ? Math.floor(t) : t;
      if (day > lastDay) {
        // a new purchase day (or, in continuous time, any purchase): one occasion, one spend draw
        const value = gamma(p) / nu;
        x++;
        lastDay = day;
        repeatSpend += value;
        spent += value;
        if (day > T - 365) lastYear += value;
      }
      if (uniform() <= dropOut) break;
    }
    data.frequency[i] = x;
    data.recency[i] = lastDay;
    data.age[i] = T;
    data.monetary[i] = x > 0 ? repeatSpend / x : 0;
    data.orders[i] = orders;
    data.spent[i] = spent;
    data.spentLastYear[i] = lastYear;
  }
  return data;
}
