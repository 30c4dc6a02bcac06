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
  const sorted = Float64Array.from(values).sort();
  const scores = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const below = countBelow(sorted, values[i]!);
    scores[i] = Math.min(5, 1 + Math.floor((5 * below) / n));
  }
  return scores;
}

/** How many entries of `sorted` are strictly less than v. */
function countBelow(sorted: Float64Array, v: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < v) low = mid + 1;
    else high = mid;
  }
  return low;
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
  const recency = quintileScores(Float64Array.from(data.daysSinceLastOrder, (d) => -d));
  const frequency = quintileScores(data.orders);
  const monetary = quintileScores(data.spent);
  const group = new Uint8Array(n);
  for (let i = 0; i < n; i++) group[i] = RFM_GROUPS.indexOf(rfmGroup(recency[i]!, (frequency[i]! + monetary[i]!) / 2));
  return { recency, frequency, monetary, group };
}
