import { executeSync, parse } from "graphql";
import { afterEach, describe, expect, it } from "vitest";
import { buildDataset } from "./builder";
import { standInSchema } from "./executor";
import { startAdminStandIn, type AdminStandIn, type AdminStandInOptions, type BulkOperationFinishPayload } from "./index";
import { LeanExecutor } from "./lean";
import type { Ctx, Env } from "./resolvers";
import { ShopState } from "./store";
import { at, client } from "./testing";

const TOKEN = "shpat_bulk";
let standIn: AdminStandIn | null = null;

afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

async function start(options: AdminStandInOptions = {}, dataset = buildDataset({ customers: 4, ordersEach: 2 }), version = "2026-10") {
  standIn = await startAdminStandIn(options);
  standIn.addShop(dataset, TOKEN);
  const gql = client(standIn, TOKEN, version);
  const s = standIn;

  /** Starts a bulk query and returns its id (asserting Shopify's CREATED answer). */
  const run = async (query: string, groupObjects?: boolean): Promise<string> => {
    const r = await gql(`mutation($q: String!${groupObjects === undefined ? "" : ", $g: Boolean!"}) { bulkOperationRunQuery(query: $q${groupObjects === undefined ? "" : ", groupObjects: $g"}) { bulkOperation { id status } userErrors { field message code } } }`, {
      q: query,
      ...(groupObjects === undefined ? {} : { g: groupObjects }),
    });
    const payload = at(r.body.data, "bulkOperationRunQuery") as { bulkOperation: { id: string; status: string } | null; userErrors: unknown[] };
    expect(payload.userErrors).toEqual([]);
    expect(payload.bulkOperation?.status).toBe("CREATED");
    return payload.bulkOperation?.id ?? "";
  };

  const userErrors = async (query: string) => {
    const r = await gql("mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { field message code } } }", { q: query });
    return at(r.body.data, "bulkOperationRunQuery", "userErrors") as { field: string[]; message: string; code: string }[];
  };

  /** Polls as an app does: `bulkOperation(id)` from 2026-01, `node(id)` before. */
  const waitFor = async (id: string, done: (b: BulkStatus) => boolean): Promise<BulkStatus> => {
    const query = version >= "2026-01" ? `query($id: ID!) { bulkOperation(id: $id) { ${FIELDS} } }` : `query($id: ID!) { bulkOperation: node(id: $id) { ... on BulkOperation { ${FIELDS} } } }`;
    for (let i = 0; i < 1000; i++) {
      const b = at((await gql(query, { id })).body.data, "bulkOperation") as BulkStatus;
      if (done(b)) return b;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("bulk operation did not finish");
  };

  const lines = async (url: string | null) => {
    expect(url?.startsWith(s.url)).toBe(true);
    const text = await (await fetch(url ?? "")).text();
    return text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return { s, gql, run, userErrors, waitFor, lines };
}

const FIELDS = "id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt";

interface BulkStatus {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
  createdAt: string;
  completedAt: string | null;
}

const CUSTOMERS_WITH_CHILDREN = `{ customers { edges { node { id email orders { edges { node { id name } } } metafields { nodes { key value } } } } } }`;

describe("bulk operations: the JSONL file", () => {
  it("groups children under their parent with __parentId when asked, and reports completion", async () => {
    const finished: [string, BulkOperationFinishPayload][] = [];
    const { s, gql, run, waitFor, lines } = await start({ onBulkOperationFinish: (shop, p) => finished.push([shop, p]) });
    const id = await run(CUSTOMERS_WITH_CHILDREN, true);
    const done = await waitFor(id, (b) => b.status === "COMPLETED");
    expect(done).toMatchObject({ objectCount: String(4 + 8 + 4), rootObjectCount: "4", errorCode: null, partialDataUrl: null });
    const file = await lines(done.url);
    expect(Number(done.fileSize)).toBe(Buffer.byteLength(file.map((l) => JSON.stringify(l)).join("\n") + "\n"));
    expect(file).toHaveLength(16);
    expect(file.slice(0, 4)).toEqual([
      { id: "gid://shopify/Customer/7000000001", email: "c1@example.com" },
      { id: "gid://shopify/Order/5000000001", name: "#1001", __parentId: "gid://shopify/Customer/7000000001" },
      { id: "gid://shopify/Order/5000000002", name: "#1002", __parentId: "gid://shopify/Customer/7000000001" },
      { key: "birthday", value: "1984-03-02", __parentId: "gid://shopify/Customer/7000000001" },
    ]);
    expect(file[4]).toEqual({ id: "gid://shopify/Customer/7000000002", email: "c2@example.com" });
    expect(finished).toEqual([
      ["tiny.myshopify.com", { admin_graphql_api_id: id, completed_at: done.completedAt, created_at: done.createdAt, error_code: null, status: "completed", type: "query" }],
    ]);
    const current = await gql("{ currentBulkOperation { id status } }");
    expect(current.body.data).toEqual({ currentBulkOperation: { id, status: "COMPLETED" } });
    // the address is not guessable from the id
    expect((await fetch(`${s.url}/bulk-operation-results/00.jsonl`)).status).toBe(404);
  });

  it("puts children after all parents of their slice when not grouped (the 2026-01 default), adding the parent id", async () => {
    const { run, waitFor, lines } = await start({}, buildDataset({ customers: 3, ordersEach: 2 }));
    const id = await run(`{ orders(query: "id:<=5000000003") { nodes { name lineItems { nodes { sku quantity } } } } }`);
    const file = await lines((await waitFor(id, (b) => b.status === "COMPLETED")).url);
    expect(file).toEqual([
      { id: "gid://shopify/Order/5000000001", name: "#1001" },
      { id: "gid://shopify/Order/5000000002", name: "#1002" },
      { id: "gid://shopify/Order/5000000003", name: "#1003" },
      { sku: "VINYL-1", quantity: 2, __parentId: "gid://shopify/Order/5000000001" },
      { sku: "VINYL-1", quantity: 2, __parentId: "gid://shopify/Order/5000000002" },
      { sku: "VINYL-1", quantity: 2, __parentId: "gid://shopify/Order/5000000003" },
    ]);
  });

  it("holds the same lines either way, every child after its parent", async () => {
    const { run, waitFor, lines } = await start({ bulkChunkSize: 2 }, buildDataset({ customers: 5, ordersEach: 2 }));
    const grouped = await lines((await waitFor(await run(CUSTOMERS_WITH_CHILDREN, true), (b) => b.status === "COMPLETED")).url);
    const ungrouped = await lines((await waitFor(await run(CUSTOMERS_WITH_CHILDREN, false), (b) => b.status === "COMPLETED")).url);
    const sorted = (l: Record<string, unknown>[]) => l.map((x) => JSON.stringify(x)).sort();
    expect(sorted(ungrouped)).toEqual(sorted(grouped));
    expect(ungrouped).not.toEqual(grouped);
    const seen = new Set<unknown>();
    for (const line of ungrouped) {
      if ("__parentId" in line) expect(seen.has(line["__parentId"])).toBe(true);
      seen.add(line["id"]);
    }
  });

  it("exports ~24k customers and 72k orders with their line items in a few seconds, streamed to disk", { timeout: 60_000 }, async () => {
    const { run, waitFor } = await start({ maximumAvailable: 1_000_000 }, buildDataset({ customers: 24_000, ordersEach: 3 }));
    const t0 = Date.now();
    const customers = await run("{ customers { edges { node { id email firstName lastName tags numberOfOrders amountSpent { amount currencyCode } defaultAddress { countryCodeV2 } } } } }");
    const orders = await run("{ orders { edges { node { id name createdAt customer { id } totalPriceSet { shopMoney { amount currencyCode } } lineItems { edges { node { id sku quantity originalUnitPriceSet { shopMoney { amount } } } } } } } } }");
    const [c, o] = await Promise.all([waitFor(customers, (b) => b.status === "COMPLETED"), waitFor(orders, (b) => b.status === "COMPLETED")]);
    const seconds = (Date.now() - t0) / 1000;
    expect([c.objectCount, o.objectCount, o.rootObjectCount]).toEqual(["24000", "144000", "72000"]);
    expect(Number(o.fileSize)).toBeGreaterThan(20_000_000);
    // a few seconds on an idle machine; the bound leaves room for a loaded CI runner
    expect(seconds).toBeLessThan(20);
  });
});

describe("bulk operations: what Shopify refuses", () => {
  it("refuses invalid bulk queries with userErrors", async () => {
    const { userErrors } = await start();
    expect((await userErrors("{ shop { name } }"))[0]?.message).toBe("Bulk queries must contain at least one connection.");
    expect((await userErrors("{ customers { nodes { id } } orders { nodes { id } } }"))[0]?.message).toMatch(/top-level/);
    expect((await userErrors("{ customers { nodes { orders { nodes { lineItems { nodes { id } } } } } } }"))[0]?.message).toMatch(/nesting depth/);
    const six = "{ products { nodes { a: collections { nodes { id } } b: collections { nodes { id } } c: variants { nodes { id } } d: variants { nodes { id } } e: variants { nodes { id } } } } }";
    expect((await userErrors(six))[0]?.message).toMatch(/more than 5 connections/);
    expect((await userErrors('{ node(id: "gid://shopify/Customer/7000000001") { id } }'))[0]?.message).toMatch(/node and nodes/);
    expect(await userErrors("{ customers { nodes { nope } } }")).toEqual([
      { field: ["query"], message: "Invalid bulk query: Field 'nope' doesn't exist on type 'Customer'", code: "INVALID" },
    ]);
    expect((await userErrors("mutation { tagsAdd(id: \"x\", tags: []) { userErrors { message } } }"))[0]?.code).toBe("INVALID");
  });

  it("grows objectCount while running, can be canceled with partial data, and runs up to 5 at once from 2026-01", async () => {
    const { gql, run, waitFor } = await start({ bulkChunkSize: 1, bulkChunkDelayMs: 40 }, buildDataset({ customers: 30, ordersEach: 0 }), "2026-01");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await run("{ customers { nodes { id } } }"));
    const sixth = await gql("mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { field message code } } }", { q: "{ customers { nodes { id } } }" });
    expect(at(sixth.body.data, "bulkOperationRunQuery")).toEqual({
      bulkOperation: null,
      userErrors: [{ field: ["query"], message: "A maximum of 5 bulk query operations can run at the same time for this app and shop.", code: "LIMIT_REACHED" }],
    });
    const first = ids[0] ?? "";
    const running = await waitFor(first, (b) => b.status === "RUNNING" && Number(b.objectCount) > 0);
    expect(Number(running.objectCount)).toBeLessThan(30);
    const cancel = await gql("mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }", { id: first });
    expect(at(cancel.body.data, "bulkOperationCancel")).toEqual({ bulkOperation: { status: "CANCELING" }, userErrors: [] });
    const canceled = await waitFor(first, (b) => b.status === "CANCELED");
    expect(canceled.url).toBeNull();
    expect(canceled.partialDataUrl).not.toBeNull();
    const again = await gql("mutation($id: ID!) { bulkOperationCancel(id: $id) { userErrors { message } } }", { id: first });
    expect(at(again.body.data, "bulkOperationCancel", "userErrors", 0, "message")).toBe("A bulk operation cannot be canceled when it is canceled");
  });

  it("lists bulk operations newest first, filtered by Shopify's search syntax", async () => {
    const { gql, run, waitFor } = await start();
    const a = await run("{ customers { nodes { id } } }");
    await waitFor(a, (b) => b.status === "COMPLETED");
    const b = await run("{ products { nodes { id } } }");
    await waitFor(b, (x) => x.status === "COMPLETED");
    const list = await gql('{ all: bulkOperations(first: 5) { nodes { id } } oldest: bulkOperations(first: 5, reverse: true) { nodes { id } } done: bulkOperations(first: 5, query: "status:completed operation_type:query") { nodes { id } } none: bulkOperations(first: 5, query: "status:running") { nodes { id } } }');
    expect(list.body.data).toEqual({ all: { nodes: [{ id: b }, { id: a }] }, oldest: { nodes: [{ id: a }, { id: b }] }, done: { nodes: [{ id: b }, { id: a }] }, none: { nodes: [] } });
  });

  it("fails an operation on demand, keeping what was written as partial data", async () => {
    const finished: BulkOperationFinishPayload[] = [];
    const { s, run, waitFor, lines } = await start({ bulkChunkSize: 1, onBulkOperationFinish: (_shop, p) => finished.push(p) });
    s.faults.failNextBulkOperation({ afterObjects: 2, errorCode: "TIMEOUT" });
    const id = await run("{ customers { nodes { id } } }");
    const failed = await waitFor(id, (b) => b.status === "FAILED");
    expect(failed).toMatchObject({ errorCode: "TIMEOUT", url: null, objectCount: "2" });
    expect(await lines(failed.partialDataUrl)).toEqual([{ id: "gid://shopify/Customer/7000000001" }, { id: "gid://shopify/Customer/7000000002" }]);
    expect(finished).toEqual([expect.objectContaining({ status: "failed", error_code: "timeout" })]);
  });
});

describe("bulk operations before 2026-01 (2025-10)", () => {
  it("runs one query at a time, groups by default, and has no bulkOperations field yet", async () => {
    const { gql, run, waitFor, lines } = await start({ bulkChunkSize: 1, bulkChunkDelayMs: 20 }, buildDataset({ customers: 3, ordersEach: 1 }), "2025-10");
    const id = await run("{ customers { nodes { id orders { nodes { name } } } } }");
    const second = await gql("mutation { bulkOperationRunQuery(query: \"{ products { nodes { id } } }\") { userErrors { message code } } }");
    expect(at(second.body.data, "bulkOperationRunQuery", "userErrors")).toEqual([{ message: `A bulk query operation for this app and shop is already in progress: ${id}.`, code: "OPERATION_IN_PROGRESS" }]);
    const done = await waitFor(id, (b) => b.status === "COMPLETED");
    expect((await lines(done.url)).slice(0, 2)).toEqual([{ id: "gid://shopify/Customer/7000000001" }, { name: "#1001", __parentId: "gid://shopify/Customer/7000000001" }]);
    const missing = await gql("{ bulkOperations(first: 1) { nodes { id } } }");
    expect(missing.body.errors?.[0]?.extensions?.["code"]).toBe("undefinedField");
    expect((await gql("{ currentBulkOperation { status } }")).body.data).toEqual({ currentBulkOperation: { status: "COMPLETED" } });
  });
});

describe("the bulk executor", () => {
  it("produces exactly what graphql-js produces for the same export", () => {
    const schema = standInSchema("2026-10");
    const shop = new ShopState(buildDataset({ customers: 3, ordersEach: 2 }), "t", { maximumAvailable: 1, restoreRate: 1 }, 0);
    const env: Env = {
      now: () => 0,
      appId: "1",
      apiKey: "k",
      discountFunctions: undefined,
      bulk: { run: () => ({ operation: null, userErrors: [] }), cancel: () => ({ operation: null, userErrors: [] }) },
      onChange: () => undefined,
    };
    const document = parse(`query Export {
      orders { edges { cursor node { __typename id ...Money name alias: email customer { id displayName tags defaultAddress { countryCodeV2 } }
        lineItems { pageInfo { hasNextPage } nodes { id quantity variant { sku product { handle } } originalUnitPriceSet { shopMoney { amount currencyCode } } } } } } }
    }
    fragment Money on Order { totalPriceSet { shopMoney { amount } } refunds { id } displayFinancialStatus }`);
    const ctx: Ctx = { shop, env, version: "2026-10", bulkRoot: [...shop.orders.values()] };
    const reference = executeSync({ schema, document, contextValue: ctx });
    expect(reference.errors).toBeUndefined();
    expect(JSON.parse(JSON.stringify(new LeanExecutor(schema, document).run(ctx)))).toEqual(JSON.parse(JSON.stringify(reference.data)));
  });
});
