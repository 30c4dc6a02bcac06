/**
 * predictCustomers end to end: parameter recovery from customers drawn from the models themselves,
 * the fallback for thin histories, and finite numbers for any valid input.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SPEND_TIERS, predictCustomers, type PurchaseSummaries, type Predictions } from "~/predict/model";
import { RFM_GROUPS } from "~/predict/rfm";
import { seededRandom } from "../support/random";
import { simulateCustomers } from "./simulate";

const TRUTH = { r: 0.243, alpha: 30.9, a: 0.793, b: 2.426 };
const SPEND = { p: 6.25, q: 3.74, gamma: 15.44 };

/** Every number finite (NaN only where the fallback predicts nothing), probabilities in [0, 1], money ≥ 0. */
function expectNumbersSound(result: Predictions) {
  const problems: string[] = [];
  const fitted = result.status === "fitted";
  const columns = { pAlive: result.pAlive, expectedPurchases: result.expectedPurchases, expectedOrderValue: result.expectedOrderValue, predictedSpend: result.predictedSpend, clv: result.clv };
  for (const [name, column] of Object.entries(columns)) {
    column.forEach((v, i) => {
      const allowedNaN = !fitted && name !== "predictedSpend";
      if (allowedNaN ? !Number.isNaN(v) : !(Number.isFinite(v) && v >= 0)) problems.push(`${name}[${i}] = ${v}`);
    });
  }
  result.nextOrderInDays.forEach((v, i) => {
    if (!Number.isNaN(v) && !(Number.isFinite(v) && v >= 0)) problems.push(`nextOrderInDays[${i}] = ${v}`);
  });
  if (fitted) result.pAlive.forEach((v, i) => v > 1 && problems.push(`pAlive[${i}] = ${v}`));
  result.tier.forEach((t, i) => SPEND_TIERS[t] === undefined && problems.push(`tier[${i}] = ${t}`));
  result.rfm.group.forEach((g, i) => RFM_GROUPS[g] === undefined && problems.push(`group[${i}] = ${g}`));
  if (!Number.isFinite(result.tierCutoffs.high) || !Number.isFinite(result.tierCutoffs.low)) problems.push("tier cut-offs");
  expect(problems.slice(0, 10)).toEqual([]);
}

describe("fitted on customers drawn from the models", () => {
  const data = simulateCustomers(seededRandom(7), 40_000, { bgnbd: TRUTH, gammaGamma: SPEND }, { historyDays: 730 });
  const result = predictCustomers(data);

  it("recovers the parameters that generated them", () => {
    expect(result.status).toBe("fitted");
    const fitted = result.bgnbd!.params;
    expect(fitted.r).toBeCloseTo(TRUTH.r, 1);
    expect(Math.abs(fitted.alpha / TRUTH.alpha - 1)).toBeLessThan(0.15);
    expect(Math.abs(fitted.a / TRUTH.a - 1)).toBeLessThan(0.2);
    expect(Math.abs(fitted.b / TRUTH.b - 1)).toBeLessThan(0.25);
    const spend = result.gammaGamma!.params;
    expect(Math.abs(spend.p / SPEND.p - 1)).toBeLessThan(0.15);
    expect(Math.abs(spend.q / SPEND.q - 1)).toBeLessThan(0.15);
    expect(Math.abs(spend.gamma / SPEND.gamma - 1)).toBeLessThan(0.2);
  });

  it("scores every customer with sound numbers, spend = purchases × value, CLV over three years ≥ one year's spend discounted", () => {
    expectNumbersSound(result);
    for (let i = 0; i < 2000; i++) {
      expect(result.predictedSpend[i]).toBeCloseTo(result.expectedPurchases[i]! * result.expectedOrderValue[i]!, 8);
      expect(result.clv[i]! + 1e-9).toBeGreaterThanOrEqual(result.predictedSpend[i]! / 1.1);
    }
  });

  it("puts about 30 % in HIGH and about 10 % in LOW, by the cut-offs", () => {
    const share = (tier: number) => result.tier.filter((t) => t === tier).length / result.tier.length;
    expect(share(2)).toBeCloseTo(0.3, 2);
    expect(share(0)).toBeGreaterThanOrEqual(0.09);
    expect(share(0)).toBeLessThan(0.12);
    for (let i = 0; i < result.tier.length; i++) {
      const spend = result.predictedSpend[i]!;
      if (result.tier[i] === 2) expect(spend).toBeGreaterThan(result.tierCutoffs.high);
      if (result.tier[i] === 0) expect(spend <= 0 || spend < result.tierCutoffs.low).toBe(true);
    }
  });

  it("moves the cut-offs with the shop's percentiles", () => {
    const strict = predictCustomers(data, { tierHighPercentile: 95, tierLowPercentile: 50 });
    expect(strict.tier.filter((t) => t === 2).length / strict.tier.length).toBeCloseTo(0.05, 2);
    expect(strict.tierCutoffs.high).toBeGreaterThan(result.tierCutoffs.high);
  });

  it("predicts more from a recent frequent buyer than from one who stopped long ago", () => {
    const two: PurchaseSummaries = {
      frequency: [10, 10],
      recency: [600, 100],
      age: [610, 610],
      monetary: [50, 50],
      orders: [11, 11],
      spent: [550, 550],
      spentLastYear: [300, 0],
    };
    const merged = mergeColumns(data, two);
    const scored = predictCustomers(merged);
    const n = merged.frequency.length;
    expect(scored.pAlive[n - 2]!).toBeGreaterThan(0.9);
    expect(scored.pAlive[n - 1]!).toBeLessThan(0.05);
    expect(scored.predictedSpend[n - 2]!).toBeGreaterThan(10 * scored.predictedSpend[n - 1]!);
    expect(scored.nextOrderInDays[n - 2]!).toBeGreaterThan(0);
    expect(scored.nextOrderInDays[n - 1]!).toBeNaN();
  });
});

function mergeColumns(a: PurchaseSummaries, b: PurchaseSummaries): PurchaseSummaries {
  const keys = Object.keys(a) as (keyof PurchaseSummaries)[];
  return Object.fromEntries(keys.map((key) => [key, Float64Array.from([...Array.from(a[key]), ...Array.from(b[key])])])) as unknown as PurchaseSummaries;
}

describe("thin histories", () => {
  const summaries = (rows: [x: number, tx: number, T: number, m: number][]): PurchaseSummaries => ({
    frequency: rows.map((r) => r[0]),
    recency: rows.map((r) => r[1]),
    age: rows.map((r) => r[2]),
    monetary: rows.map((r) => r[3]),
    orders: rows.map((r) => r[0] + 1),
    spent: rows.map((r) => r[3] * (r[0] + 1)),
    spentLastYear: rows.map((r) => (r[2] - r[1] < 365 ? r[3] : 0)),
  });

  it("fall back, saying why, when there are too few repeat buyers", () => {
    const result = predictCustomers(summaries([[0, 0, 30, 0], [2, 20, 40, 15], [0, 0, 500, 0]]));
    expect(result.status).toBe("fallback");
    expect(result.reason).toBe("1 repeat buyers; the models need at least 200");
    expectNumbersSound(result);
    expect(Array.from(result.predictedSpend)).toEqual([0, 15, 0]);
    expect(SPEND_TIERS[result.tier[1]!]).toBe("HIGH");
    expect(SPEND_TIERS[result.tier[0]!]).toBe("LOW");
  });

  it("all one-time buyers, one customer, zero-value orders, same-day purchases: sound numbers, fitted or not", () => {
    for (const rows of [
      [[0, 0, 10, 0], [0, 0, 20, 0]],
      [[3, 10, 12, 20]],
      [[2, 5, 9, 0], [1, 1, 1, 0], [4, 40, 41, 0]],
      [[0, 0, 0, 0], [1, 0, 0, 30]],
    ] as [number, number, number, number][][]) {
      expectNumbersSound(predictCustomers(summaries(rows), { minRepeatBuyers: 0 }));
      expectNumbersSound(predictCustomers(summaries(rows)));
    }
  });

  it("any valid history yields finite numbers (NaN only where the fallback predicts nothing)", () => {
    const row = fc
      .tuple(fc.nat({ max: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat({ max: 1500 }), fc.double({ min: 0, max: 1e5, noNaN: true }))
      .map(([x, share, T, m]): [number, number, number, number] => [x, x === 0 ? 0 : Math.round(share * T), T, x === 0 ? 0 : m]);
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 80 }), (rows) => {
        expectNumbersSound(predictCustomers(summaries(rows), { minRepeatBuyers: 0, clvMonths: 6 }));
      }),
      { numRuns: 40 },
    );
  });
});

it("names tiers and RFM groups as the segment language and the store do (the engine and the models cannot import each other)", async () => {
  const filters = await import("~/segments/filters");
  expect([...RFM_GROUPS].sort()).toEqual([...filters.RFM_GROUPS].sort());
  expect([...SPEND_TIERS].sort()).toEqual([...filters.SPEND_TIERS].sort());
  const { RfmGroup, SpendTier } = await import("~/db/generated/sqlite/enums");
  expect([...RFM_GROUPS].sort()).toEqual(Object.values(RfmGroup).sort());
  expect([...SPEND_TIERS].sort()).toEqual(Object.values(SpendTier).sort());
});
