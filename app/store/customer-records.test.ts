import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CustomerRecord } from "~/segments/record";
import { compareText, randomShop, writeShop, type RandomShop, type WrittenShop } from "../../test/segments/random-shop";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { loadCustomerRecords } from "./customer-records.server";

const kinds = await storeKinds();

/** A record with the order taken out of what has none (tags, addresses, orders, lines, product tags). */
function canonical(record: CustomerRecord): unknown {
  const sorted = <T>(items: readonly T[]) => [...items].map(stableJson).sort(compareText);
  return {
    ...record,
    tags: [...record.tags].sort(compareText),
    addresses: sorted(record.addresses),
    orders: sorted(record.orders.map((order) => ({ ...order, lines: sorted(order.lines.map((line) => ({ ...line, productTags: [...line.productTags].sort(compareText) }))) }))),
  };
}

/** JSON with every object's keys in one order, so equal values give equal text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => compareText(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const byId = (records: readonly CustomerRecord[]) => [...records].sort((a, b) => a.id - b.id).map(canonical);

describe.each(kinds)("loadCustomerRecords on %s", (kind) => {
  let store: TestStore;
  let shops: { shop: RandomShop; written: WrittenShop }[];

  beforeAll(async () => {
    store = await freshStore(kind);
    shops = [];
    // two shops that share product ids (with different tags) and customers' Shopify ids
    for (const seed of [11, 12]) {
      const shop = randomShop(seed, { customers: 60 });
      shops.push({ shop, written: await writeShop(store.db, shop) });
    }
  });
  afterAll(() => store.drop());

  it("returns every generated customer exactly as generated", async () => {
    for (const { written } of shops) {
      const loaded = await loadCustomerRecords(store.db, written.shopId);
      expect(loaded.map((r) => r.id)).toEqual([...written.idMap.values()].sort((a, b) => a - b));
      expect(byId(loaded)).toEqual(byId(written.customers));
    }
  });

  it("keeps orders by processedAt, tags and product tags sorted, and values typed as the evaluator expects", async () => {
    const { written } = shops[0]!;
    const loaded = await loadCustomerRecords(store.db, written.shopId);
    for (const record of loaded) {
      expect(record.orders.map((o) => o.processedAt)).toEqual([...record.orders.map((o) => o.processedAt)].sort((a, b) => a - b));
      expect(record.tags).toEqual([...record.tags].sort(compareText));
      expect(typeof record.amountSpentMinor).toBe("number");
      expect(typeof record.createdAt).toBe("number");
      for (const line of record.orders.flatMap((o) => o.lines)) expect(line.productTags).toEqual([...line.productTags].sort(compareText));
    }
    // the generator's boundary cases made it through
    expect(loaded.some((r) => r.orders.some((o) => o.cancelled))).toBe(true);
    expect(loaded.some((r) => r.orders.some((o) => o.lines.some((l) => l.productId === null)))).toBe(true);
    expect(loaded.some((r) => r.tags.includes("ünïcode"))).toBe(true);
    expect(loaded.some((r) => r.orders.length === 0)).toBe(true);
  });

  it("loads just the customers asked for, and never another shop's", async () => {
    const [first, second] = shops as [(typeof shops)[0], (typeof shops)[0]];
    const mine = [...first.written.idMap.values()].filter((_, i) => i % 7 === 0);
    const theirs = [...second.written.idMap.values()].slice(0, 5);
    const loaded = await loadCustomerRecords(store.db, first.written.shopId, [...theirs, ...mine, mine[0]!]);
    expect(loaded.map((r) => r.id)).toEqual([...mine].sort((a, b) => a - b));
    expect(byId(loaded)).toEqual(byId(first.written.customers.filter((r) => mine.includes(r.id))));
    expect(await loadCustomerRecords(store.db, first.written.shopId, theirs)).toEqual([]);
    expect(await loadCustomerRecords(store.db, first.written.shopId, [])).toEqual([]);
    expect(await loadCustomerRecords(store.db, 999_999)).toEqual([]);
  });

  it("gives a line the tags of its own shop's product, not of the product with the same id elsewhere", async () => {
    for (const { shop, written } of shops) {
      const tagsOf = new Map(shop.products.map((p) => [p.shopifyId, p.tags.map((t) => t.toLowerCase()).sort(compareText)]));
      for (const record of await loadCustomerRecords(store.db, written.shopId)) {
        for (const line of record.orders.flatMap((o) => o.lines)) {
          expect(line.productTags).toEqual(line.productId === null ? [] : (tagsOf.get(line.productId) ?? []));
        }
      }
    }
  });
});
