import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, type TestStore } from "../test/store/harness";
import { main } from "./segments";

async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) }, env);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("npm run segments", () => {
  it("check prints the canonical query and exits 0", async () => {
    const result = await run(["check", "amount_spent>=100.50 and not (customer_tags contains 'vip')"]);
    expect(result).toEqual({ code: 0, out: "amount_spent >= 100.5 AND NOT customer_tags CONTAINS 'vip'", err: "" });
  });

  it("check prints every error as line:column message with a caret excerpt and exits 1", async () => {
    const result = await run(["check", "amount_spend > 100 AND\ncustomer_tags > 3"]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      [
        "1:1 unknown filter amount_spend; did you mean amount_spent?",
        "amount_spend > 100 AND",
        "^^^^^^^^^^^^",
        "2:1 customer_tags cannot be used with >; customer_tags takes CONTAINS, NOT CONTAINS, IS NULL, IS NOT NULL",
        "customer_tags > 3",
        "^^^^^^^^^^^^^^^^^",
      ].join("\n"),
    );
  });

  it("check knows metafields given on the command line", async () => {
    expect((await run(["check", "metafields.facts.birth_date IS NULL"])).code).toBe(1);
    expect((await run(["check", "--metafield", "facts.birth_date:date", "metafields.facts.birth_date IS NULL"])).code).toBe(0);
  });

  it("sql prints the SQL with placeholders and the parameters apart", async () => {
    const result = await run(["sql", "--dialect", "postgresql", "--shop-id", "4", "customer_tags CONTAINS 'VIP'"]);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`t."normalized" = $2`);
    expect(result.out.split("\n")[0]).not.toContain("vip");
    expect(result.out).toContain(`-- parameters: [4,"vip"]`);
  });

  it("refuses unknown commands and bad options with the usage and exit 2", async () => {
    expect((await run(["explain", "amount_spent > 1"])).code).toBe(2);
    expect((await run(["sql", "--dialect", "oracle", "amount_spent > 1"])).code).toBe(2);
    expect((await run(["check", "--time-zone", "Mars/Olympus", "amount_spent > 1"])).code).toBe(2);
  });

  describe("count", () => {
    let store: TestStore;
    beforeAll(async () => {
      store = await freshStore("sqlite");
      const shop = await store.db.shop.create({ data: { domain: "cdnow-demo.myshopify.com", name: "CDNOW", currencyCode: "JPY", ianaTimezone: "Asia/Tokyo" } });
      const other = await store.db.shop.create({ data: { domain: "other.myshopify.com", name: "Other" } });
      const now = new Date();
      for (const [shopId, spent] of [[shop.id, 500n], [shop.id, 1500n], [shop.id, 2500n], [other.id, 9000n]] as const) {
        await store.db.customer.create({ data: { shopId, shopifyId: `${shopId}-${spent}`, shopifyCreatedAt: now, shopifyUpdatedAt: now, amountSpentMinor: spent } });
      }
    });
    afterAll(() => store.drop());

    it("counts the demo shop's members in the configured database, in the shop's currency", async () => {
      const result = await run(["count", "amount_spent > 1000"], { DATABASE_URL: store.url });
      expect(result).toEqual({ code: 0, out: "2 customers of cdnow-demo.myshopify.com match amount_spent > 1000", err: "" });
    });

    it("says so when the shop or the database is missing", async () => {
      expect((await run(["count", "--shop", "nope.myshopify.com", "amount_spent > 1"], { DATABASE_URL: store.url })).code).toBe(2);
      expect((await run(["count", "amount_spent > 1"], { DATABASE_URL: "file:/nonexistent/dir/x.db" })).err).toContain("no database");
    });
  });
});
