/**
 * The published table: BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma (Fader, Hardie & Lee 2005;
 * Fader & Hardie 2013) on the papers' 2,357-customer CDNOW sample, 39-week calibration period.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectedPurchases, fitBgnbd, probabilityAlive, type BgNbdFit } from "~/predict/bgnbd";
import { fitGammaGamma, type GammaGammaFit } from "~/predict/gamma-gamma";
import { nelderMead } from "~/predict/optimize";
import { bgnbdLogLikelihood } from "~/predict/bgnbd";
import { dayNumber, summarizePurchases } from "~/predict/summarize";

const DATA = join(import.meta.dirname, "../../data/cdnow");

/** ID, x, t_x, T (weeks), zbar */
function publishedSummary(): number[][] {
  return readFileSync(join(DATA, "cdnow_customers_summary_with_transactions.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",").map(Number));
}

/** The value to `digits` significant figures, as the papers print them. */
function significant(value: number, digits = 3): number {
  return Number(value.toPrecision(digits));
}

describe("CDNOW sample, 39-week calibration", () => {
  const rows = publishedSummary();
  const history = { frequency: rows.map((r) => r[1]!), recency: rows.map((r) => r[2]!), age: rows.map((r) => r[3]!) };
  let bgnbd: BgNbdFit;
  let gammaGamma: GammaGammaFit;
  const repeat = rows.filter((r) => r[1]! > 0);
  beforeAll(() => {
    bgnbd = fitBgnbd(history);
    gammaGamma = fitGammaGamma({ frequency: repeat.map((r) => r[1]!), monetary: repeat.map((r) => r[4]!) });
  });

  it("has the papers' 2,357 customers and 946 repeat buyers", () => {
    expect(rows).toHaveLength(2357);
    expect(repeat).toHaveLength(946);
  });

  it("BG/NBD: r = 0.243, α = 4.414, a = 0.793, b = 2.426, log-likelihood −9582.4", () => {
    const { r, alpha, a, b } = bgnbd.params;
    expect([significant(r), significant(alpha), significant(a), significant(b)]).toEqual([0.243, 4.41, 0.793, 2.43]);
    // to the papers' printed precision as well
    expect(alpha).toBeCloseTo(4.414, 2);
    expect(b).toBeCloseTo(2.426, 2);
    expect(Number(bgnbd.logLikelihood.toFixed(1))).toBe(-9582.4);
    expect(bgnbd.optimizer.converged).toBe(true);
    expect(bgnbd.atBound).toBe(false);
  });

  it("Gamma-Gamma on the 946 repeat buyers: p = 6.25, q = 3.74, γ = 15.44", () => {
    const { p, q, gamma } = gammaGamma.params;
    expect([significant(p), significant(q), significant(gamma)]).toEqual([6.25, 3.74, 15.4]);
    expect(gamma).toBeCloseTo(15.44, 1);
    expect(gammaGamma.optimizer.converged).toBe(true);
  });

  it("the paper's worked example: a customer with x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the next 39 weeks", () => {
    const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    expect(expectedPurchases(published, 2, 30.43, 38.86, 39)).toBeCloseTo(1.226, 3);
    expect(expectedPurchases(bgnbd.params, 2, 30.43, 38.86, 39)).toBeCloseTo(1.226, 2);
    const pAlive = probabilityAlive(published, 2, 30.43, 38.86);
    expect(pAlive).toBeGreaterThan(0.5);
    expect(pAlive).toBeLessThan(1);
  });

  it("a derivative-free optimiser over the same likelihood reaches the same maximum", () => {
    const result = nelderMead((u) => -bgnbdLogLikelihood({ r: Math.exp(u[0]!), alpha: Math.exp(u[1]!), a: Math.exp(u[2]!), b: Math.exp(u[3]!) }, history), [0, 0, 0, 0], {
      maxEvaluations: 5000,
      tolerance: 1e-12,
    });
    expect(-result.value).toBeCloseTo(bgnbd.logLikelihood, 2);
    expect(Math.exp(result.theta[0]!)).toBeCloseTo(bgnbd.params.r, 2);
    expect(Math.exp(result.theta[1]!)).toBeCloseTo(bgnbd.params.alpha, 1);
  });

  it("the summaries made from the sample's transactions are the published summary (in days)", () => {
    const purchases = readFileSync(join(DATA, "CDNOW_sample.txt"), "utf8")
      .trim()
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .map(([, sampleId, date, , dollars]) => ({
        customerId: sampleId!,
        day: dayNumber(`${date!.slice(0, 4)}-${date!.slice(4, 6)}-${date!.slice(6, 8)}`)!,
        amount: Number(dollars),
      }));
    const { customerIds, summaries } = summarizePurchases(purchases, dayNumber("1997-09-30")!);
    expect(customerIds).toHaveLength(2357);
    const mismatches = customerIds.filter((id, i) => {
      const [, x, tx, T, zbar] = rows[Number(id) - 1]!;
      return (
        summaries.frequency[i] !== x ||
        summaries.recency[i] !== Math.round(tx! * 7) ||
        summaries.age[i] !== Math.round(T! * 7) ||
        Math.abs(summaries.monetary[i]! - zbar!) > 0.006
      );
    });
    expect(mismatches).toEqual([]);
  });
});
