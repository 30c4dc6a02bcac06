/**
 * Customers drawn from the models' own generative process, for parameter-recovery tests: each
 * buys at rate λ ~ Gamma(r, α) per day and drops out after each purchase with p ~ Beta(a, b); each
 * purchase's value is Gamma(p, ν) with ν ~ Gamma(q, γ). Purchase times are whole days.
 */
import type { BgNbdParams } from "~/predict/bgnbd";
import type { GammaGammaParams } from "~/predict/gamma-gamma";
import type { PurchaseSummaries } from "~/predict/model";

/** Gamma(shape, rate) by Marsaglia & Tsang. */
export function sampleGamma(random: () => number, shape: number, rate: number): number {
  if (shape < 1) return sampleGamma(random, shape + 1, rate) * Math.pow(random() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      // Box–Muller normal
      x = Math.sqrt(-2 * Math.log(random() || Number.MIN_VALUE)) * Math.cos(2 * Math.PI * random());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (Math.log(u || Number.MIN_VALUE) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

function sampleBeta(random: () => number, a: number, b: number): number {
  const x = sampleGamma(random, a, 1);
  return x / (x + sampleGamma(random, b, 1));
}

/** `count` customers whose first purchases fall uniformly in the `spanDays` before the as-of day. */
export function simulateCustomers(random: () => number, count: number, bgnbd: BgNbdParams, spend: GammaGammaParams, spanDays: number): PurchaseSummaries {
  const columns = {
    frequency: new Float64Array(count),
    recency: new Float64Array(count),
    age: new Float64Array(count),
    monetary: new Float64Array(count),
    orders: new Float64Array(count),
    spent: new Float64Array(count),
    spentLastYear: new Float64Array(count),
  };
  for (let i = 0; i < count; i++) {
    const T = Math.floor(random() * spanDays);
    const lambda = sampleGamma(random, bgnbd.r, bgnbd.alpha);
    const dropout = sampleBeta(random, bgnbd.a, bgnbd.b);
    const nu = sampleGamma(random, spend.q, spend.gamma);
    const value = () => sampleGamma(random, spend.p, nu);
    let spent = value();
    let lastYear = T < 365 ? spent : 0;
    let orders = 1;
    let t = 0;
    let lastDay = 0;
    let days = 0;
    let repeatSpend = 0;
    // alive after the first purchase; each repeat purchase may be the last
    for (;;) {
      t += -Math.log(random() || Number.MIN_VALUE) / lambda;
      const day = Math.floor(t);
      if (day > T) break;
      const amount = value();
      spent += amount;
      orders++;
      if (T - day < 365) lastYear += amount;
      // purchases on the first day belong to the first purchase occasion
      if (day > 0) {
        repeatSpend += amount;
        if (day !== lastDay) {
          days++;
          lastDay = day;
        }
      }
      if (random() < dropout) break;
    }
    columns.orders[i] = orders;
    columns.frequency[i] = days;
    columns.recency[i] = days > 0 ? lastDay : 0;
    columns.age[i] = T;
    columns.monetary[i] = days > 0 ? repeatSpend / days : 0;
    columns.spent[i] = spent;
    columns.spentLastYear[i] = lastYear;
  }
  return columns;
}
