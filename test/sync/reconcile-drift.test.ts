/**
 * How reconciliation narrows a count difference down to ids (findIdDrift, splitRange), against a
 * Shopify that answers the same count and listing queries from an in-memory set of ids. Fast: no
 * HTTP, no store. The stand-in test (reconcile-standin.test.ts) runs the same code end to end.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AdminClient } from "~/shopify/admin-client.server";
import type { CostBucket } from "~/shopify/throttle.server";
import { ID_PAGE_SIZE } from "~/shopify/operations/reconcile";
import { findIdDrift, idsIn, splitRange } from "~/sync/reconcile.server";

const RANGE = /^id:>=(\d+) id:<=(\d+)$/;

/** A Shopify holding these customer ids, answering the reconcile's count and id queries; it counts requests. */
function fakeShopify(ids: readonly bigint[]) {
  const sorted = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const requests: string[] = [];
  const inRange = (query: unknown) => {
    const match = RANGE.exec(String(query));
    if (!match) throw new Error(`unexpected query ${String(query)}`);
    return idsIn(sorted, { from: BigInt(match[1] as string), to: BigInt(match[2] as string) });
  };
  const admin: AdminClient = {
    shop: "drift.myshopify.com",
    endpoint: "memory",
    bucket: null as unknown as CostBucket,
    async request<T>(document: string, variables: Record<string, unknown> = {}): Promise<T> {
      const name = /query (\w+)/.exec(document)?.[1] ?? "?";
      requests.push(name);
      if (/RangeCounts\d+$/.test(name)) {
        return Object.fromEntries(Object.entries(variables).map(([key, query]) => [key.replace("q", "r"), { count: inRange(query).length }])) as T;
      }
      if (name === "AppReconcileCustomersIds") {
        const all = inRange(variables["query"]);
        const start = variables["after"] === null ? 0 : Number(variables["after"]);
        const page = all.slice(start, start + ID_PAGE_SIZE);
        const end = start + page.length;
        return { page: { nodes: page.map((id) => ({ id: `gid://shopify/Customer/${id}` })), pageInfo: { hasNextPage: end < all.length, endCursor: String(end) } } } as T;
      }
      throw new Error(`the fake Shopify does not answer ${name}`);
    },
  };
  return { admin, requests };
}

const sortIds = (ids: Iterable<bigint>) => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const asStrings = (ids: Iterable<bigint>) => [...ids].map(String).sort();

describe("splitRange", () => {
  it("cuts a range into adjacent, non-empty parts that cover it exactly, and always makes progress", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.uniqueArray(fc.bigInt({ min: 0n, max: 10n ** 15n }), { maxLength: 60 }),
        fc.integer({ min: 2, max: 8 }),
        (a, b, store, parts) => {
          const range = a <= b ? { from: a, to: b } : { from: b, to: a };
          const pieces = splitRange(range, sortIds(store), parts);
          expect(pieces.length).toBeGreaterThanOrEqual(1);
          expect(pieces.length).toBeLessThanOrEqual(parts);
          expect(pieces[0]?.from).toBe(range.from);
          expect(pieces[pieces.length - 1]?.to).toBe(range.to);
          pieces.forEach((piece, i) => {
            expect(piece.from <= piece.to).toBe(true);
            if (i > 0) expect(piece.from).toBe((pieces[i - 1]?.to as bigint) + 1n);
          });
          // a range wider than one id is always cut, so narrowing ends
          if (range.to > range.from) expect(pieces.length).toBeGreaterThan(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("findIdDrift", () => {
  // ids as Shopify hands them out: large, increasing, with gaps
  const idSet = (min: number, max: number) => fc.uniqueArray(fc.bigInt({ min: 7_000_000_000n, max: 7_000_000_000n + 5_000_000n }), { minLength: min, maxLength: max, size: "max" });

  it("finds exactly the ids the store lacks, and exactly those it holds that Shopify does not, when drift runs one way", async () => {
    await fc.assert(
      fc.asyncProperty(
        idSet(0, 3000).chain((base) => fc.tuple(fc.constant(base), fc.subarray(base, { maxLength: Math.min(30, base.length) }), fc.boolean())),
        async ([base, taken, storeHasExtra]) => {
          // the taken ids are missing on one side: the store lacks them, or Shopify deleted them
          const picked = new Set(taken);
          const shopify = storeHasExtra ? base.filter((id) => !picked.has(id)) : base;
          const store = storeHasExtra ? base : base.filter((id) => !picked.has(id));
          const { admin } = fakeShopify(shopify);
          const drift = await findIdDrift(admin, "customers", sortIds(store), shopify.length);
          expect(drift.extra.sort()).toEqual(storeHasExtra ? asStrings(picked) : []);
          expect(drift.missing.sort()).toEqual(storeHasExtra ? [] : asStrings(picked));
        },
      ),
      // thousands of ids shrink slowly: report the first counterexample as found
      { numRuns: 60, endOnFailure: true },
    );
  });

  it("never reports an id that is not really different, whatever the two sides hold", async () => {
    await fc.assert(
      fc.asyncProperty(idSet(0, 2000), idSet(0, 40), idSet(0, 40), async (common, onlyStore, onlyShopify) => {
        const storeSet = new Set([...common, ...onlyStore]);
        const shopifySet = new Set([...common, ...onlyShopify]);
        const { admin } = fakeShopify([...shopifySet]);
        const drift = await findIdDrift(admin, "customers", sortIds(storeSet), shopifySet.size);
        for (const id of drift.extra) expect(storeSet.has(BigInt(id)) && !shopifySet.has(BigInt(id))).toBe(true);
        for (const id of drift.missing) expect(shopifySet.has(BigInt(id)) && !storeSet.has(BigInt(id))).toBe(true);
      }),
      // thousands of ids shrink slowly: report the first counterexample as found
      { numRuns: 60, endOnFailure: true },
    );
  });

  it("asks little: one deleted customer among 20,000 costs a few count requests and one listing, not 80 pages of ids", async () => {
    const shopify = Array.from({ length: 20_000 }, (_, i) => 7_000_000_000n + BigInt(i * 37));
    const gone = shopify[12_345] as bigint;
    const store = sortIds([...shopify]);
    const { admin, requests } = fakeShopify(shopify.filter((id) => id !== gone));
    const drift = await findIdDrift(admin, "customers", store, shopify.length - 1);
    expect(drift).toEqual({ missing: [], extra: [String(gone)] });
    const counts = requests.filter((name) => name.includes("RangeCounts")).length;
    // 20,000 → 2,500 → 313 → 40 per range: three rounds of eight counts, then one page
    expect(counts).toBeLessThanOrEqual(4);
    expect(requests.filter((name) => name === "AppReconcileCustomersIds")).toHaveLength(1);
  });

  it("lists everything at once when Shopify holds no more than a page", async () => {
    const { admin, requests } = fakeShopify([7_000_000_001n, 7_000_000_003n]);
    const drift = await findIdDrift(admin, "customers", [7_000_000_001n, 7_000_000_002n], 2);
    expect(drift).toEqual({ missing: ["7000000003"], extra: ["7000000002"] });
    expect(requests).toEqual(["AppReconcileCustomersIds"]);
  });
});
