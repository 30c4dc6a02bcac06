import { createHash } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ShopDataset } from "../../test/shopify/dataset";
import { CDNOW_MASTER_FILE, parseCdnowMaster, readCdnowMaster, type CdnowPurchase } from "./cdnow";
import { generateDemoShop, SHOP_TIME_ZONE } from "./generate";

const MASTER = CDNOW_MASTER_FILE;
const TODAY = new Date("2026-11-23T15:00:00Z");
const cents = (amount: string) => {
  const [whole, fraction] = amount.split(".") as [string, string];
  expect(fraction).toHaveLength(2);
  return Number(whole) * 100 + Number(fraction);
};

let purchases: CdnowPurchase[];
let shop: ShopDataset;
let elapsed: number;
beforeAll(() => {
  purchases = readCdnowMaster(MASTER);
  const started = performance.now();
  shop = generateDemoShop({ masterFile: MASTER, seed: 42, today: TODAY });
  elapsed = performance.now() - started;
}, 60_000);

describe("the CDNOW demo shop", () => {
  it("has every real customer and purchase, generated in seconds", () => {
    expect(purchases).toHaveLength(69_659);
    expect(shop.customers).toHaveLength(23_570);
    expect(shop.orders).toHaveLength(69_659);
    expect(elapsed).toBeLessThan(15_000);
  });

  it("keeps the revenue to the cent, in total and per customer", () => {
    const fileTotal = purchases.reduce((sum, p) => sum + p.cents, 0);
    expect(shop.orders.reduce((sum, o) => sum + cents(o.totalPrice), 0)).toBe(fileTotal);
    const fromFile = new Map<string, { n: number; c: number }>();
    for (const p of purchases) {
      const key = String(7_000_000_000 + p.customerId);
      const entry = fromFile.get(key) ?? { n: 0, c: 0 };
      fromFile.set(key, { n: entry.n + 1, c: entry.c + p.cents });
    }
    const fromShop = new Map<string, { n: number; c: number }>();
    for (const o of shop.orders) {
      const entry = fromShop.get(o.customerId ?? "") ?? { n: 0, c: 0 };
      fromShop.set(o.customerId ?? "", { n: entry.n + 1, c: entry.c + cents(o.totalPrice) });
    }
    expect(fromShop).toEqual(fromFile);
  });

  it("moves the latest purchase to three days before today, in the shop's time zone, by whole days", () => {
    const format = new Intl.DateTimeFormat("en-CA", { timeZone: SHOP_TIME_ZONE });
    const day = (iso: string) => format.format(new Date(iso));
    const latest = shop.orders.map((o) => day(o.processedAt)).sort().at(-1);
    expect(latest).toBe("2026-11-20");
    // the first purchase in the file keeps its distance to the latest one
    const first = shop.orders[0] as ShopDataset["orders"][number];
    const fileDays = (Date.parse("1998-06-30") - Date.parse(`${purchases[0]?.date}`)) / 86_400_000;
    expect((Date.parse("2026-11-20") - Date.parse(day(first.processedAt))) / 86_400_000).toBe(fileDays);
  });

  it("adds up every order exactly: lines minus discounts equal the subtotal and total", () => {
    // plain checks collected, one assertion: expect() per line would take longer than the generation
    const cent = (amount: string) => Math.round(Number(amount) * 100);
    const wrong: string[] = [];
    for (const order of shop.orders) {
      const lines = order.lineItems.reduce((sum, l) => sum + cent(l.originalUnitPrice) * l.quantity, 0);
      const discounts = order.lineItems.reduce((sum, l) => sum + cent(l.totalDiscount), 0);
      const problems = [
        lines - discounts !== cent(order.totalPrice) && "lines − discounts ≠ total",
        discounts !== cent(order.totalDiscounts) && "discounts ≠ totalDiscounts",
        cent(order.subtotalPrice) !== cent(order.totalPrice) && "subtotal ≠ total",
        order.discountCodes.length > 0 !== discounts > 0 && "code without discount or discount without code",
        order.lineItems.some((l) => cent(l.totalDiscount) > cent(l.originalUnitPrice) * l.quantity) && "line discount above line price",
        order.refunds.some((r) => cent(r.totalRefunded) > cent(order.totalPrice)) && "refund above total",
        [order.totalPrice, order.subtotalPrice, ...order.lineItems.map((l) => l.originalUnitPrice)].some((m) => !/^\d+\.\d\d$/.test(m)) && "money not a 2-decimal string",
      ].filter(Boolean);
      if (problems.length) wrong.push(`${order.name}: ${problems.join(", ")}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    const units = purchases.reduce((sum, p) => sum + Math.max(1, p.cds), 0);
    expect(shop.orders.reduce((sum, o) => sum + o.lineItems.reduce((s, l) => s + l.quantity, 0), 0)).toBe(units);
  });

  it("has unique ids and e-mail addresses, and only references what exists", () => {
    const unique = (values: (string | null)[]) => new Set(values).size === values.length;
    expect(unique(shop.customers.map((c) => c.id))).toBe(true);
    expect(unique(shop.customers.map((c) => c.email))).toBe(true);
    expect(unique(shop.orders.map((o) => o.id))).toBe(true);
    expect(unique(shop.orders.flatMap((o) => o.lineItems.map((l) => l.id)))).toBe(true);
    const products = new Set(shop.products.map((p) => p.id));
    expect(shop.orders.every((o) => o.lineItems.every((l) => l.productId && products.has(l.productId)))).toBe(true);
    const collections = new Set(shop.collections.map((c) => c.id));
    expect(shop.products.every((p) => p.collectionIds.every((id) => collections.has(id)))).toBe(true);
    expect(new Set(shop.products.map((p) => p.productType)).size).toBe(10);
  });

  it("gives realistic shares of metafields, tags, consents, countries, discount codes and abandoned checkouts", () => {
    const share = (n: number, of: number) => n / of;
    const c = shop.customers.length;
    const has = (ns: string, key: string) => shop.customers.filter((x) => x.metafields.some((m) => m.namespace === ns && m.key === key)).length;
    expect(share(has("facts", "birth_date"), c)).toBeGreaterThan(0.37);
    expect(share(has("facts", "birth_date"), c)).toBeLessThan(0.43);
    expect(share(has("custom", "pet_type"), c)).toBeGreaterThan(0.17);
    expect(share(has("custom", "pet_type"), c)).toBeLessThan(0.23);
    expect(share(shop.customers.filter((x) => x.tags.length > 0).length, c)).toBeGreaterThan(0.2);
    const subscribed = shop.customers.filter((x) => x.emailMarketingConsent?.marketingState === "SUBSCRIBED").length;
    expect(share(subscribed, c)).toBeGreaterThan(0.4);
    expect(share(subscribed, c)).toBeLessThan(0.5);
    expect(new Set(shop.customers.map((x) => x.addresses[0]?.countryCode))).toEqual(new Set(["NL", "BE", "DE", "US"]));
    const coded = share(shop.orders.filter((o) => o.discountCodes.length > 0).length, shop.orders.length);
    expect(coded).toBeGreaterThan(0.08);
    expect(coded).toBeLessThan(0.12);
    expect(share(shop.abandonedCheckouts.length, c)).toBeGreaterThan(0.03);
    expect(share(shop.abandonedCheckouts.length, c)).toBeLessThan(0.05);
    for (const customer of shop.customers) {
      const birth = customer.metafields.find((m) => m.key === "birth_date")?.value;
      if (birth) expect(2026 - Number(birth.slice(0, 4))).toBeGreaterThanOrEqual(17);
    }
  });

  it("is deterministic: the same seed gives the same shop, another seed other people but the same history", () => {
    const hash = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");
    const again = generateDemoShop({ masterFile: MASTER, seed: 42, today: TODAY });
    expect(hash(again)).toBe(hash(shop));
    const other = generateDemoShop({ masterFile: MASTER, seed: 7, today: TODAY });
    expect(other.customers.slice(0, 50).map((x) => x.email)).not.toEqual(shop.customers.slice(0, 50).map((x) => x.email));
    expect(other.orders.map((o) => [o.customerId, o.totalPrice, o.processedAt.slice(0, 10)])).toEqual(
      shop.orders.map((o) => [o.customerId, o.totalPrice, o.processedAt.slice(0, 10)]),
    );
  }, 60_000);

  it("rejects a malformed row with its line number", () => {
    expect(() => parseCdnowMaster(" customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n 00002 1997011  1   12.00\n")).toThrow(
      /line 3: expected/,
    );
    expect(() => parseCdnowMaster("00001 19970231 1 1.00")).toThrow(/line 1: "19970231" is not a calendar date/);
    expect(parseCdnowMaster(" 00002 19970112  5   77\n")).toEqual([{ customerId: 2, date: "1997-01-12", cds: 5, cents: 7700, line: 1 }]);
  });
});
