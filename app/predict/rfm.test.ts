import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RFM_GROUPS, quintileScores, rfmGroup, rfmScores } from "./rfm";

describe("quintile scores", () => {
  it("give a fifth of distinct values each score", () => {
    const scores = quintileScores(Array.from({ length: 100 }, (_, i) => 100 - i));
    for (let s = 1; s <= 5; s++) expect(scores.filter((v) => v === s)).toHaveLength(20);
  });

  it("score ties alike, never decrease with the value, and give the lowest value 1", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 300 }), (values) => {
        const scores = quintileScores(values);
        const lowest = Math.min(...values);
        values.forEach((v, i) => {
          expect(scores[i]).toBeGreaterThanOrEqual(1);
          expect(scores[i]).toBeLessThanOrEqual(5);
          if (v === lowest) expect(scores[i]).toBe(1);
          values.forEach((w, j) => {
            if (v === w) expect(scores[i]).toBe(scores[j]);
            if (v < w) expect(scores[i]).toBeLessThanOrEqual(scores[j]!);
          });
        });
        // score 5 only for customers with at least 80% strictly below them
        values.forEach((v, i) => {
          if (scores[i] === 5) expect(values.filter((w) => w < v).length).toBeGreaterThanOrEqual(0.8 * values.length);
        });
      }),
      { numRuns: 100 },
    );
  });

  it("give the many one-order customers F = 1", () => {
    const orders = [...Array(60).fill(1), ...Array(25).fill(2), ...Array(15).fill(5)];
    const scores = quintileScores(orders);
    expect(scores[0]).toBe(1);
    expect(scores[60]).toBe(4); // 60% strictly below
    expect(scores[99]).toBe(5);
  });
});

describe("the group grid", () => {
  it("places every R and FM in one group, reaching all ten groups of buyers", () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) seen.add(rfmGroup(r, (f + m) / 2));
    expect([...seen].sort()).toEqual(RFM_GROUPS.filter((g) => g !== "PROSPECTS").sort());
  });

  it("follows Shopify's descriptions at the corners", () => {
    expect(rfmGroup(5, 5)).toBe("CHAMPIONS"); // very recent, many orders, most spend
    expect(rfmGroup(4, 4.5)).toBe("LOYAL"); // recent, many orders
    expect(rfmGroup(5, 1)).toBe("NEW"); // very recent, few orders, low spend
    expect(rfmGroup(4, 1.5)).toBe("PROMISING"); // recent, few orders
    expect(rfmGroup(4, 3)).toBe("ACTIVE"); // recent, some orders
    expect(rfmGroup(3, 3)).toBe("NEEDS_ATTENTION");
    expect(rfmGroup(1, 5)).toBe("PREVIOUSLY_LOYAL"); // not recent, very strong history
    expect(rfmGroup(2, 3.5)).toBe("AT_RISK"); // not recent, strong history
    expect(rfmGroup(2, 1.5)).toBe("ALMOST_LOST");
    expect(rfmGroup(1, 1)).toBe("DORMANT");
  });

  it("scores recency with the most recent buyers highest", () => {
    const { recency, group } = rfmScores({ daysSinceLastOrder: [1, 400, 2, 300, 3], orders: [1, 1, 1, 1, 1], spent: [10, 10, 10, 10, 10] });
    expect(Array.from(recency)).toEqual([5, 1, 4, 2, 3]);
    expect(RFM_GROUPS[group[0]!]).toBe("NEW");
    expect(RFM_GROUPS[group[1]!]).toBe("DORMANT");
  });
});
