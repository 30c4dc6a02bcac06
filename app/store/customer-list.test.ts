import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { listCustomers, type CustomerListQuery } from "./customer-list.server";

const kinds = await storeKinds();

describe.each(kinds)("customers list on %s", (kind) => {
  let store: TestStore;
  let shopId: number;
  const ids: Record<string, number> = {};
  const query = (changes: Partial<CustomerListQuery>): CustomerListQuery => ({ shopId, search: "", sort: "predictedSpend", direction: "desc", page: 1, pageSize: 50, ...changes });
  const names = async (changes: Partial<CustomerListQuery>) => (await listCustomers(store.db, kind, query(changes))).customers.map((c) => c.firstName);

  beforeAll(async () => {
    store = await freshStore(kind);
    shopId = (await store.db.shop.create({ data: { domain: "list.myshopify.com", name: "List" } })).id;
    const otherShopId = (await store.db.shop.create({ data: { domain: "other.myshopify.com", name: "Other" } })).id;
    const now = new Date("2026-01-01T00:00:00Z");
    const people = [
      { firstName: "Anna", lastName: "de Vries", email: "anna@example.nl", numberOfOrders: 3, amountSpentMinor: 30000n, predictedSpend12mMinor: 9000n, churnProbability: 0.2 },
      { firstName: "Bram", lastName: "Jansen", email: "BRAM.JANSEN@Example.com", numberOfOrders: 8, amountSpentMinor: 12000n, predictedSpend12mMinor: 15000n, churnProbability: 0.05 },
      { firstName: "Chloé", lastName: "Bakker", email: "chloe@example.fr", numberOfOrders: 1, amountSpentMinor: 45000n, predictedSpend12mMinor: 1000n, churnProbability: 0.7 },
      // not predicted yet: last in either direction of a prediction sort
      { firstName: "Daan", lastName: "Visser", email: null, numberOfOrders: 0, amountSpentMinor: 0n, predictedSpend12mMinor: null, churnProbability: null },
    ];
    for (const person of people) {
      ids[person.firstName] = (await store.db.customer.create({ data: { shopId, shopifyId: person.firstName, shopifyCreatedAt: now, shopifyUpdatedAt: now, ...person } })).id;
    }
    await store.db.customer.create({
      data: { shopId: otherShopId, shopifyId: "x", firstName: "Anna", email: "anna@other.nl", shopifyCreatedAt: now, shopifyUpdatedAt: now, predictedSpend12mMinor: 99999n },
    });
  });
  afterAll(() => store.drop());

  it("sorts by predicted spend or amount spent, customers without a prediction last", async () => {
    expect(await names({})).toEqual(["Bram", "Anna", "Chloé", "Daan"]);
    expect(await names({ direction: "asc" })).toEqual(["Chloé", "Anna", "Bram", "Daan"]);
    expect(await names({ sort: "amountSpent" })).toEqual(["Chloé", "Anna", "Bram", "Daan"]);
    expect(await names({ sort: "amountSpent", direction: "asc" })).toEqual(["Daan", "Bram", "Anna", "Chloé"]);
    expect(await names({ sort: "orders" })).toEqual(["Bram", "Anna", "Chloé", "Daan"]);
    expect(await names({ sort: "churn", direction: "asc" })).toEqual(["Bram", "Anna", "Chloé", "Daan"]);
  });

  it("searches names and e-mail addresses in any case, every word matching, in this shop only", async () => {
    expect(await names({ search: "anna" })).toEqual(["Anna"]);
    expect(await names({ search: "jansen" })).toEqual(["Bram"]);
    expect(await names({ search: "bram.jansen@example" })).toEqual(["Bram"]);
    expect(await names({ search: "EXAMPLE" })).toEqual(["Bram", "Anna", "Chloé"]);
    expect(await names({ search: "anna  vries" })).toEqual(["Anna"]);
    expect(await names({ search: "anna bakker" })).toEqual([]);
    expect(await names({ search: "CHLO" })).toEqual(["Chloé"]);
    // PostgreSQL searches % and _ as written; SQLite's LIKE (Prisma writes no ESCAPE there) takes them as wildcards
    expect(await names({ search: "%" })).toEqual(kind === "postgresql" ? [] : ["Bram", "Anna", "Chloé", "Daan"]);
    expect(await names({ search: "a_n" })).toEqual(kind === "postgresql" ? [] : ["Anna", "Daan"]);
  });

  it("pages with a total, reading the last page for a page past it", async () => {
    const first = await listCustomers(store.db, kind, query({ pageSize: 3 }));
    expect(first).toMatchObject({ total: 4, page: 1, pages: 2 });
    expect(first.customers.map((c) => c.id)).toEqual([ids.Bram, ids.Anna, ids.Chloé]);
    const second = await listCustomers(store.db, kind, query({ pageSize: 3, page: 2 }));
    expect(second.customers.map((c) => c.id)).toEqual([ids.Daan]);
    expect(await listCustomers(store.db, kind, query({ pageSize: 3, page: 99 }))).toMatchObject({ page: 2, customers: [{ id: ids.Daan }] });
    expect(await listCustomers(store.db, kind, query({ search: "nobody" }))).toEqual({ customers: [], total: 0, page: 1, pages: 1 });
  });
});
