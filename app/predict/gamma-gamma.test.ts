import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectedTransactionValue, fitGammaGamma, gammaGammaLogLikelihood, invalidSpendHistory, type SpendHistories } from "./gamma-gamma";

const params = fc.record({
  p: fc.double({ min: 0.2, max: 20, noNaN: true }),
  q: fc.double({ min: 0.2, max: 20, noNaN: true }),
  gamma: fc.double({ min: 0.5, max: 500, noNaN: true }),
});
const spend = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0.01, max: 5000, noNaN: true })), { minLength: 1, maxLength: 60 })
  .map((rows): SpendHistories => ({ frequency: rows.map(([x]) => x), monetary: rows.map(([, m]) => m) }));

describe("Gamma-Gamma", () => {
  it("has the gradient it reports", () => {
    fc.assert(
      fc.property(params, spend, (p, data) => {
        const gradient = new Float64Array(3);
        gammaGammaLogLikelihood(p, data, gradient);
        (["p", "q", "gamma"] as const).forEach((key, j) => {
          const h = 1e-6 * p[key];
          const numeric = (gammaGammaLogLikelihood({ ...p, [key]: p[key] + h }, data) - gammaGammaLogLikelihood({ ...p, [key]: p[key] - h }, data)) / (2 * h);
          expect(Math.abs(gradient[j]! - numeric)).toBeLessThan(1e-4 * Math.max(1, Math.abs(numeric)));
        });
      }),
      { numRuns: 100 },
    );
  });

  it("fits finite parameters for any valid spend history, identical values included", () => {
    fc.assert(
      fc.property(spend, (data) => {
        const fit = fitGammaGamma(data);
        for (const value of Object.values(fit.params)) expect(Number.isFinite(value) && value > 0).toBe(true);
        expect(Number.isFinite(fit.logLikelihood)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("expects a customer's value between the population mean and their own mean", () => {
    fc.assert(
      fc.property(params, fc.integer({ min: 1, max: 50 }), fc.double({ min: 0.01, max: 1000, noNaN: true }), (p, x, m) => {
        fc.pre(p.q > 1);
        const population = (p.p * p.gamma) / (p.q - 1);
        const value = expectedTransactionValue(p, x, m)!;
        expect(value).toBeGreaterThanOrEqual(Math.min(population, m) * (1 - 1e-12));
        expect(value).toBeLessThanOrEqual(Math.max(population, m) * (1 + 1e-12));
      }),
    );
    expect(expectedTransactionValue({ p: 6.25, q: 3.74, gamma: 15.44 }, 0, 0)).toBeCloseTo((6.25 * 15.44) / 2.74, 10);
    expect(expectedTransactionValue({ p: 1, q: 0.5, gamma: 15 }, 0, 0)).toBeNull(); // no finite population mean
  });

  it("takes repeat buyers with positive spend only", () => {
    expect(invalidSpendHistory({ frequency: [0], monetary: [10] })).toMatch(/repeat buyers only/);
    expect(invalidSpendHistory({ frequency: [2], monetary: [0] })).toMatch(/must be positive/);
    expect(() => fitGammaGamma({ frequency: [], monetary: [] })).toThrow(/no repeat buyers/);
  });
});
