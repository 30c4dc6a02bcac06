/**
 * RFM: recency, frequency and monetary scores 1–5 as shop-relative quintiles, and Shopify's 11
 * groups from R and FM = (F + M) / 2 (docs/decisions/008-predictions.md explains the grid).
 */
import type { Columns } from "./columns";

export const RFM_GROUPS = [
  "CHAMPIONS",
  "LOYAL",
  "ACTIVE",
  "NEW",
  "PROMISING",
  "NEEDS_ATTENTION",
  "AT_RISK",
  "ALMOST_LOST",
  "PREVIOUSLY_LOYAL",
  "DORMANT",
  "PROSPECTS",
] as const;
export type RfmGroup = (typeof RFM_GROUPS)[number];

/**
 * Quintile scores, ties alike: a customer scores s when at least (s−1)·20% of customers rank
 * strictly below them, so 5 is the top 20% and everyone sharing the lowest value scores 1 (the
 * many one-order customers get F = 1, not a middling score from where the tie happens to fall).
 */
export function quintileScores(values: Columns): Uint8Array {
  const n = values.length;
  const scores = new Uint8Array(n);
  if (n === 0) return scores;
  const sorted = Float64Array.from(values).sort();
  // score > s exactly when at least ⌈s·n/5⌉ values lie strictly below: when the ⌈s·n/5⌉-th smallest is smaller
  const thresholds = [1, 2, 3, 4].map((s) => sorted[Math.ceil((s * n) / 5) - 1]!);
  const [t1, t2, t3, t4] = thresholds as [number, number, number, number];
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    scores[i] = 1 + (v > t1 ? 1 : 0) + (v > t2 ? 1 : 0) + (v > t3 ? 1 : 0) + (v > t4 ? 1 : 0);
  }
  return scores;
}

/**
 * The group of a customer with orders, from R (1–5) and FM = (F+M)/2 (1, 1.5, … 5). Shopify
 * describes the groups but publishes no grid; this one follows its descriptions: very recent (R 5),
 * recent (R 3–4) and not recent (R 1–2), crossed with few / some / many orders and spend.
 */
export function rfmGroup(r: number, fm: number): Exclude<RfmGroup, "PROSPECTS"> {
  if (r >= 5) return fm >= 4 ? "CHAMPIONS" : fm >= 2.5 ? "ACTIVE" : "NEW";
  if (r === 4) return fm >= 4 ? "LOYAL" : fm >= 2.5 ? "ACTIVE" : "PROMISING";
  if (r === 3) return fm >= 4 ? "LOYAL" : fm >= 2.5 ? "NEEDS_ATTENTION" : "PROMISING";
  if (fm >= 4.5) return "PREVIOUSLY_LOYAL";
  if (fm >= 3) return "AT_RISK";
  return r === 2 ? "ALMOST_LOST" : "DORMANT";
}

export interface RfmScores {
  recency: Uint8Array;
  frequency: Uint8Array;
  monetary: Uint8Array;
  /** index into RFM_GROUPS */
  group: Uint8Array;
}

/**
 * Scores for customers with at least one order (those without are PROSPECTS and take no part in
 * the quintiles): days since the last order (fewer is better), orders, total spent.
 */
export function rfmScores(data: { daysSinceLastOrder: Columns; orders: Columns; spent: Columns }): RfmScores {
  const n = data.orders.length;
  const recent = new Float64Array(n);
  for (let i = 0; i < n; i++) recent[i] = -data.daysSinceLastOrder[i]!;
  const recency = quintileScores(recent);
  const frequency = quintileScores(data.orders);
  const monetary = quintileScores(data.spent);
  // the grid as a table: R × (F + M)
  const table = new Uint8Array(6 * 11);
  for (let r = 1; r <= 5; r++) for (let fm = 2; fm <= 10; fm++) table[r * 11 + fm] = RFM_GROUPS.indexOf(rfmGroup(r, fm / 2));
  const group = new Uint8Array(n);
  for (let i = 0; i < n; i++) group[i] = table[recency[i]! * 11 + frequency[i]! + monetary[i]!]!;
  return { recency, frequency, monetary, group };
}
