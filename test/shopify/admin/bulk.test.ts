import { afterEach, describe, expect, it } from "vitest";
import { buildDataset } from "./builder";
import { startAdminStandIn, type AdminStandIn, type AdminStandInOptions, type BulkOperationFinishPayload } from "./index";

const TOKEN = "shpat_bulk";
let standIn: AdminStandIn | null = null;

afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

async function start(options: AdminStandInOptions = {}, dataset = buildDataset({ customers: 4, ordersEach: 2 })) {
  standIn = await startAdminStandIn(options);
  standIn.addShop(dataset, TOKEN);
  return standIn;
}

type Body = { data?: Record<string, Record<string, unknown>>; errors?: unknown[] };

async function gql(s: AdminStandIn, query: string, variables: Record<string, unknown> = {}): Promise<Body> {
  const res = await fetch(`${s.url}/admin/api/2026-01/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Body;
}

const RUN = `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }`;
const STATUS = `query($id: ID!) { bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt } }`;

interface BulkStatus {
  id: string;
  status: string;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
}

async function run(s: AdminStandIn, q: string): Promise<string> {
  const r = await gql(s, RUN, { q });
  const payload = r.data?.["bulkOperationRunQuery"] as { bulkOperation: { id: string; status: string } | null; userErrors: unknown[] };
  expect(payload.userErrors).toEqual([]);
  expect(payload.bulkOperation?.status).toBe("CREATED");
  return payload.bulkOperation?.id ?? "";
}

async function waitFor(s: AdminStandIn, id: string, done: (b: BulkStatus) => boolean): Promise<BulkStatus> {
  for (let i = 0; i < 500; i++) {
    const b = (await gql(s, STATUS, { id })).data?.["bulkOperation"] as unknown as BulkStatus;
    if (done(b)) return b;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("bulk operation did not finish");
}

describe("bulk operations", () => {
  it("exports parent and child lines with __parentId and reports completion", async () => {
    const finished: [string, BulkOperationFinishPayload][] = [];
    const s = await start({ onBulkOperationFinish: (shop, p) => finished.push([shop, p]) });
    const id = await run(s, `{ customers { edges { node { id email orders { edges { node { id name } } } metafields { nodes { key value } } } } } }`);
    const done = await waitFor(s, id, (b) => b.status === "COMPLETED");
    expect(done).toMatchObject({ objectCount: String(4 + 8 + 4), rootObjectCount: "4", partialDataUrl: null });
    expect(Number(done.fileSize)).toBeGreaterThan(0);
    const url = done.url ?? "";
    expect(url.startsWith(s.url)).toBe(true);
    const text = await (await fetch(url)).text();
    const lines = text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(16);
    expect(lines[0]).toEqual({ id: "gid://shopify/Customer/7000000001", email: "c1@example.com" });
    expect(lines[1]).toEqual({ id: "gid://shopify/Order/5000000001", name: "#1001", __parentId: "gid://shopify/Customer/7000000001" });
    expect(lines[3]).toEqual({ key: "birthday", value: "1984-03-02", __parentId: "gid://shopify/Customer/7000000001" });
    const lineItems = await run(s, "{ orders(query: \"id:<=5000000002\") { nodes { name lineItems { nodes { sku quantity } } } } }");
    const second = await waitFor(s, lineItems, (b) => b.status === "COMPLETED");
    const text2 = await (await fetch(second.url ?? "")).text();
    expect(text2.trim().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual([
      { id: "gid://shopify/Order/5000000001", name: "#1001" },
      { sku: "VINYL-1", quantity: 2, __parentId: "gid://shopify/Order/5000000001" },
      { id: "gid://shopify/Order/5000000002", name: "#1002" },
      { sku: "VINYL-1", quantity: 2, __parentId: "gid://shopify/Order/5000000002" },
    ]);
    expect(finished.slice(0, 1)).toEqual([
      ["tiny.myshopify.com", { admin_graphql_api_id: id, completed_at: expect.any(String), created_at: expect.any(String), error_code: null, status: "completed", type: "query" }],
    ]);
    const current = await gql(s, "{ currentBulkOperation { id status } bulkOperations(first: 5) { nodes { id } } }");
    expect(current.data?.["currentBulkOperation"]).toEqual({ id: lineItems, status: "COMPLETED" });
    // the address is not guessable from the id
    expect((await fetch(`${s.url}/bulk-operation-results/00.jsonl`)).status).toBe(404);
  });

  it("refuses invalid bulk queries with userErrors", async () => {
    const s = await start();
    const errorsFor = async (q: string) => {
      const r = await gql(s, RUN, { q });
      return (r.data?.["bulkOperationRunQuery"] as { userErrors: { message: string; code: string }[] }).userErrors;
    };
    expect((await errorsFor("{ shop { name } }"))[0]?.message).toMatch(/connection/);
    expect((await errorsFor("{ customers { nodes { id } } orders { nodes { id } } }"))[0]?.message).toMatch(/top-level/);
    expect((await errorsFor("{ customers { nodes { orders { nodes { lineItems { nodes { id } } } } } } }"))[0]?.message).toMatch(/nesting depth/);
    expect((await errorsFor("{ customers { nodes { nope } } }"))[0]?.code).toBe("INVALID");
  });

  it("grows objectCount while running, can be canceled, and limits concurrency to 5", async () => {
    const s = await start({ bulkChunkSize: 1, bulkChunkDelayMs: 40 }, buildDataset({ customers: 30, ordersEach: 0 }));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await run(s, "{ customers { nodes { id } } }"));
    const sixth = await gql(s, RUN, { q: "{ customers { nodes { id } } }" });
    expect((sixth.data?.["bulkOperationRunQuery"] as { userErrors: { code: string }[] }).userErrors[0]?.code).toBe("LIMIT_REACHED");
    const first = ids[0] ?? "";
    const running = await waitFor(s, first, (b) => b.status === "RUNNING" && Number(b.objectCount) > 0);
    expect(Number(running.objectCount)).toBeLessThan(30);
    const cancel = await gql(s, "mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }", { id: first });
    expect(cancel.data?.["bulkOperationCancel"]).toEqual({ bulkOperation: { status: "CANCELING" }, userErrors: [] });
    const canceled = await waitFor(s, first, (b) => b.status === "CANCELED");
    expect(canceled.url).toBeNull();
    expect(canceled.partialDataUrl).not.toBeNull();
  });
});
