/**
 * From purchases (customer, day, amount) to the per-customer summaries the models take: purchases
 * on one day are one purchase occasion (the papers' convention, and what keeps two orders placed
 * minutes apart from looking like a very frequent buyer); frequency counts the occasions after the
 * first; monetary is the mean value of those repeat occasions.
 */
import type { PurchaseSummaries } from "./model";

export interface Purchase {
  customerId: string;
  /** whole days since 1970-01-01 (the caller decides the time zone) */
  day: number;
  /** in the major unit; refunds already taken off */
  amount: number;
}

/** Whole days since 1970-01-01 of a YYYY-MM-DD date, or null when it is not a real date. */
export function dayNumber(date: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  return ms / 86_400_000;
}

export interface Summaries {
  /** customer ids, in the order of the summaries' entries */
  customerIds: string[];
  summaries: PurchaseSummaries;
}

/** Summaries as of the end of `asOfDay`; purchases after it are ignored. */
export function summarizePurchases(purchases: Iterable<Purchase>, asOfDay: number): Summaries {
  // per customer: purchase day → amount, and the number of purchases
  const byCustomer = new Map<string, { days: Map<number, number>; orders: number }>();
  for (const purchase of purchases) {
    if (purchase.day > asOfDay) continue;
    let entry = byCustomer.get(purchase.customerId);
    if (!entry) {
      entry = { days: new Map(), orders: 0 };
      byCustomer.set(purchase.customerId, entry);
    }
    entry.orders++;
    entry.days.set(purchase.day, (entry.days.get(purchase.day) ?? 0) + purchase.amount);
  }
  const n = byCustomer.size;
  const columns = {
    frequency: new Float64Array(n),
    recency: new Float64Array(n),
    age: new Float64Array(n),
    monetary: new Float64Array(n),
    orders: new Float64Array(n),
    spent: new Float64Array(n),
    spentLastYear: new Float64Array(n),
  };
  const customerIds: string[] = [];
  let i = 0;
  for (const [customerId, { days, orders }] of byCustomer) {
    const sortedDays = [...days.keys()].sort((a, b) => a - b);
    const first = sortedDays[0]!;
    const last = sortedDays[sortedDays.length - 1]!;
    let spent = 0;
    let lastYear = 0;
    let repeatSpend = 0;
    for (const day of sortedDays) {
      const amount = days.get(day)!;
      spent += amount;
      if (day > asOfDay - 365) lastYear += amount;
      if (day !== first) repeatSpend += amount;
    }
    const frequency = sortedDays.length - 1;
    customerIds.push(customerId);
    columns.frequency[i] = frequency;
    columns.recency[i] = last - first;
    columns.age[i] = asOfDay - first;
    columns.monetary[i] = frequency > 0 ? Math.max(0, repeatSpend / frequency) : 0;
    columns.orders[i] = orders;
    columns.spent[i] = spent;
    columns.spentLastYear[i] = lastYear;
    i++;
  }
  return { customerIds, summaries: columns };
}
