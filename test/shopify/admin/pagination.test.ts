import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDataset } from "./builder";
import { startAdminStandIn, type AdminStandIn } from "./index";
import { client } from "./testing";

const TOKEN = "shpat_pages";
const CUSTOMERS = 24_000;
let standIn: AdminStandIn;
let gql: ReturnType<typeof client>;

beforeAll(async () => {
  // a bucket large enough that the walk never waits: this test is about cursors, not throttling;
  // the clock sits after every generated updatedAt, so an update moves a customer to the end
  standIn = await startAdminStandIn({ maximumAvailable: 1_000_000, restoreRate: 1_000_000, now: () => Date.parse("2200-01-01T00:00:00Z") });
  standIn.addShop(buildDataset({ customers: CUSTOMERS, ordersEach: 0 }), TOKEN);
  gql = client(standIn, TOKEN);
});
afterAll(() => standIn.close());

type Page = { nodes: { legacyResourceId: string }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null } };

async function page(args: string, variables: Record<string, unknown>): Promise<Page> {
  const r = await gql(`query($cursor: String) { customers(${args}) { nodes { legacyResourceId } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, variables);
  expect(r.body.errors).toBeUndefined();
  return (r.body.data as { customers: Page }).customers;
}

const expected = Array.from({ length: CUSTOMERS }, (_, i) => String(7000000001 + i));

describe(`paginating ${CUSTOMERS} customers`, () => {
  it("visits every customer once, in id order, forwards with first/after", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const p = await page("first: 250, after: $cursor", { cursor: after });
      expect(p.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...p.nodes.map((n) => n.legacyResourceId));
      pages++;
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(pages).toBe(CUSTOMERS / 250);
    expect(seen).toEqual(expected);
  });

  it("visits every customer once backwards with last/before", async () => {
    const seen: string[] = [];
    let before: string | null = null;
    for (;;) {
      const p = await page("last: 250, before: $cursor", { cursor: before });
      seen.unshift(...p.nodes.map((n) => n.legacyResourceId));
      if (!p.pageInfo.hasPreviousPage) break;
      before = p.pageInfo.startCursor;
    }
    expect(seen).toEqual(expected);
  });

  it("keeps the walk whole when a customer is added or updated midway (sortKey UPDATED_AT)", async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    let count = 0;
    for (let i = 0; ; i++) {
      const p = await page("first: 250, after: $cursor, sortKey: UPDATED_AT", { cursor: after });
      for (const n of p.nodes) seen.add(n.legacyResourceId);
      count += p.nodes.length;
      if (i === 3) {
        // an update moves a customer not yet visited to the end; a new one joins at the end
        standIn.actions.updateCustomer("tiny.myshopify.com", "7000023000", { note: "moved" });
        const template = standIn.shop("tiny.myshopify.com").customers.get("7000000001");
        if (template) standIn.actions.createCustomer("tiny.myshopify.com", { ...structuredClone(template), id: "7100000000" });
      }
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    // the moved customer is seen once (at its new place), the new one once, nobody else twice or never
    expect(count).toBe(CUSTOMERS + 1);
    expect(seen.size).toBe(CUSTOMERS + 1);
    expect(seen.has("7000023000") && seen.has("7100000000")).toBe(true);
  });
});
