import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bgnbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesIfAlive,
  fitBgnbd,
  hypergeometric2F1,
  invalidHistory,
  medianTimeToNextPurchase,
  probabilityAlive,
  shareHistories,
  type BgNbdParams,
  type RepeatHistories,
} from "./bgnbd";
import { logGamma } from "./special";

const params = fc.record({
  r: fc.double({ min: 0.05, max: 5, noNaN: true }),
  alpha: fc.double({ min: 0.1, max: 100, noNaN: true }),
  a: fc.double({ min: 0.05, max: 5, noNaN: true }),
  b: fc.double({ min: 0.05, max: 10, noNaN: true }),
});

/** Valid histories: whole-number frequencies, 0 ≤ t_x ≤ T, t_x = 0 without repeats. */
const histories = fc
  .array(
    fc.tuple(fc.nat({ max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true })),
    { minLength: 1, maxLength: 60 },
  )
  .map((rows): RepeatHistories => ({
    frequency: rows.map(([x]) => x),
    recency: rows.map(([x, share, T]) => (x === 0 ? 0 : share * T)),
    age: rows.map(([, , T]) => T),
  }));

/** The paper's likelihood of one customer, term by term, as a reference. */
function referenceLogLikelihood({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  const A1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const A2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const A3 = -(r + x) * Math.log(alpha + T);
  const A4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
  return A1 + A2 + Math.log(Math.exp(A3) + Math.exp(A4));
}

describe("the likelihood", () => {
  it("equals the paper's formula customer by customer", () => {
    fc.assert(
      fc.property(params, histories, (p, data) => {
        let reference = 0;
        for (let i = 0; i < data.frequency.length; i++) reference += referenceLogLikelihood(p, data.frequency[i]!, data.recency[i]!, data.age[i]!);
        // the reference underflows where the fast form does not; compare where it is finite
        if (Number.isFinite(reference)) expect(bgnbdLogLikelihood(p, data)).toBeCloseTo(reference, 6);
      }),
      { numRuns: 200 },
    );
  });

  it("has the gradient it reports (central differences)", () => {
    fc.assert(
      fc.property(params, histories, (p, data) => {
        const gradient = new Float64Array(4);
        bgnbdLogLikelihood(p, data, gradient);
        const keys = ["r", "alpha", "a", "b"] as const;
        keys.forEach((key, j) => {
          const h = 1e-6 * p[key];
          const up = bgnbdLogLikelihood({ ...p, [key]: p[key] + h }, data);
          const down = bgnbdLogLikelihood({ ...p, [key]: p[key] - h }, data);
          const numeric = (up - down) / (2 * h);
          expect(Math.abs(gradient[j]! - numeric)).toBeLessThan(1e-4 * Math.max(1, Math.abs(numeric)));
        });
      }),
      { numRuns: 100 },
    );
  });
});

it("customers without repeats sharing an age count as one weighted entry, with the same likelihood and gradient", () => {
  const whole = fc
    .array(fc.tuple(fc.nat({ max: 4 }), fc.nat({ max: 6 }), fc.nat({ max: 6 })), { minLength: 1, maxLength: 80 })
    .map((rows): RepeatHistories => ({
      frequency: rows.map(([x]) => x),
      recency: rows.map(([x, tx, T]) => (x === 0 ? 0 : Math.min(tx, T))),
      age: rows.map(([, , T]) => T),
    }));
  fc.assert(
    fc.property(params, whole, (p, data) => {
      const shared = shareHistories(data);
      const g1 = new Float64Array(4);
      const g2 = new Float64Array(4);
      expect(bgnbdLogLikelihood(p, shared, g2)).toBeCloseTo(bgnbdLogLikelihood(p, data, g1), 8);
      g1.forEach((v, j) => expect(g2[j]).toBeCloseTo(v, 6));
    }),
    { numRuns: 100 },
  );
  const oneTimers = { frequency: [0, 0, 0, 0, 2], recency: [0, 0, 0, 0, 3], age: [9, 9, 9, 4, 9] };
  expect(shareHistories(oneTimers)).toEqual({
    frequency: Float64Array.from([2, 0, 0]),
    recency: Float64Array.from([3, 0, 0]),
    age: Float64Array.from([9, 9, 4]),
    count: Float64Array.from([1, 3, 1]),
  });
});

describe("the fit", () => {
  it("returns finite parameters and likelihood for any valid history (one customer, all one-time buyers, same-day repeats)", () => {
    fc.assert(
      fc.property(histories, (data) => {
        const fit = fitBgnbd(data);
        for (const value of Object.values(fit.params)) {
          expect(Number.isFinite(value)).toBe(true);
          expect(value).toBeGreaterThan(0);
        }
        expect(Number.isFinite(fit.logLikelihood)).toBe(true);
      }),
      { numRuns: 60 },
    );
    const oneTimeBuyers = fitBgnbd({ frequency: [0, 0, 0], recency: [0, 0, 0], age: [10, 20, 0] });
    expect(Number.isFinite(oneTimeBuyers.logLikelihood)).toBe(true);
    expect(oneTimeBuyers.atBound).toBe(true); // nothing pins the dropout process down: the caller falls back
  });

  it("refuses invalid histories with the customer and the rule", () => {
    expect(invalidHistory({ frequency: [1.5], recency: [1], age: [2] })).toMatch(/customer 0: frequency must be a whole number/);
    expect(invalidHistory({ frequency: [1], recency: [3], age: [2] })).toMatch(/customer 0: recency must lie between 0 and the age 2/);
    expect(invalidHistory({ frequency: [0], recency: [1], age: [2] })).toMatch(/without repeat purchases has recency 0/);
    expect(invalidHistory({ frequency: [1], recency: [1], age: [NaN] })).toMatch(/age must be a finite number/);
    expect(() => fitBgnbd({ frequency: [], recency: [], age: [] })).toThrow(/no customers/);
  });
});

describe("conditional expectations", () => {
  it("Euler's transformation gives the paper's hypergeometric form", () => {
    fc.assert(
      fc.property(params, fc.nat({ max: 30 }), fc.double({ min: 0, max: 200, noNaN: true }), fc.double({ min: 0.5, max: 400, noNaN: true }), (p, x, T, t) => {
        const z = t / (p.alpha + T + t);
        fc.pre(z < 0.9 && Math.abs(p.a - 1) > 0.01);
        const direct = ((p.a + p.b + x - 1) / (p.a - 1)) * (1 - Math.pow((p.alpha + T) / (p.alpha + T + t), p.r + x) * hypergeometric2F1(p.r + x, p.b + x, p.a + p.b + x - 1, z));
        const value = expectedPurchasesIfAlive(p, x, T, t);
        expect(Math.abs(value - direct)).toBeLessThan(1e-7 * Math.max(1, Math.abs(direct)));
      }),
      { numRuns: 300 },
    );
  });

  it("are finite, grow with the horizon, and P(alive) lies in [0, 1]", () => {
    fc.assert(
      fc.property(params, fc.nat({ max: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 3000, noNaN: true }), (p, x, share, T) => {
        const tx = x === 0 ? 0 : share * T;
        const pAlive = probabilityAlive(p, x, tx, T);
        expect(pAlive).toBeGreaterThanOrEqual(0);
        expect(pAlive).toBeLessThanOrEqual(1);
        const shorter = expectedPurchases(p, x, tx, T, 30);
        const longer = expectedPurchases(p, x, tx, T, 365);
        expect(Number.isFinite(longer)).toBe(true);
        expect(longer).toBeGreaterThanOrEqual(shorter - 1e-9);
        expect(shorter).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it("handles a = 1, where the formula has a removable singularity", () => {
    const near = (a: number) => expectedPurchasesIfAlive({ r: 0.5, alpha: 10, a, b: 2 }, 3, 100, 365);
    expect(near(1)).toBeCloseTo(near(1.001), 2);
    expect(near(1)).toBeCloseTo(near(0.999), 2);
  });

  it("the median wait for the next order solves P(alive)·(1 − ((α+T)/(α+T+s))^(r+x)) = ½", () => {
    const p = { r: 0.243, alpha: 30.9, a: 0.793, b: 2.426 };
    const pAlive = probabilityAlive(p, 4, 200, 220);
    const s = medianTimeToNextPurchase(p, 4, pAlive, 220)!;
    expect(pAlive * (1 - Math.pow((p.alpha + 220) / (p.alpha + 220 + s), p.r + 4))).toBeCloseTo(0.5, 10);
    expect(medianTimeToNextPurchase(p, 4, 0.4, 220)).toBeNull();
  });
});
