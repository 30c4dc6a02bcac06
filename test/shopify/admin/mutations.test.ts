import { afterEach, describe, expect, it } from "vitest";
import { buildDataset } from "./builder";
import { startAdminStandIn, type AdminStandIn, type AdminStandInOptions, type ChangeEvent } from "./index";

const TOKEN = "shpat_mut";
let standIn: AdminStandIn | null = null;

afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

async function start(options: AdminStandInOptions = {}) {
  standIn = await startAdminStandIn(options);
  standIn.addShop(buildDataset({ customers: 2, ordersEach: 1 }), TOKEN);
  return standIn;
}

type Body = { status: number; data?: Record<string, Record<string, unknown> | null>; errors?: unknown[] };

async function gql(s: AdminStandIn, query: string, variables: Record<string, unknown> = {}): Promise<Body> {
  const res = await fetch(`${s.url}/admin/api/2026-01/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as Omit<Body, "status">) };
}

const C1 = "gid://shopify/Customer/7000000001";
const SET = `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { namespace key type value } userErrors { field message code } } }`;

describe("mutations", () => {
  it("metafieldsSet validates, writes all-or-nothing and reads back with $app", async () => {
    const s = await start();
    const bad = await gql(s, SET, { m: [{ ownerId: C1, namespace: "$app", key: "segments", type: "list.single_line_text_field", value: "not json" }] });
    expect(bad.data?.["metafieldsSet"]).toMatchObject({ metafields: null, userErrors: [{ field: ["metafields", "0", "value"], code: "INVALID_VALUE" }] });
    const missing = await gql(s, SET, { m: [{ ownerId: "gid://shopify/Customer/1", namespace: "x", key: "yy", type: "json", value: "{}" }] });
    expect(missing.data?.["metafieldsSet"]).toMatchObject({ userErrors: [{ field: ["metafields", "0", "ownerId"] }] });
    const tooMany = Array.from({ length: 26 }, (_, i) => ({ ownerId: C1, namespace: "x", key: `k${i}`, type: "json", value: "1" }));
    expect((await gql(s, SET, { m: tooMany })).data?.["metafieldsSet"]).toMatchObject({ metafields: null, userErrors: [{ code: "LESS_THAN_OR_EQUAL_TO" }] });
    const ok = await gql(s, SET, { m: [{ ownerId: C1, namespace: "$app", key: "segments", type: "list.single_line_text_field", value: '["vip","loyal"]' }] });
    expect(ok.data?.["metafieldsSet"]).toEqual({ metafields: [{ namespace: "app--7000001", key: "segments", type: "list.single_line_text_field", value: '["vip","loyal"]' }], userErrors: [] });
    const read = await gql(s, `{ customer(id: "${C1}") { a: metafield(namespace: "$app", key: "segments") { value jsonValue } b: metafield(key: "segments") { value } } }`);
    expect(read.data?.["customer"]).toEqual({ a: { value: '["vip","loyal"]', jsonValue: ["vip", "loyal"] }, b: { value: '["vip","loyal"]' } });
  });

  it("metafieldDefinitionCreate refuses duplicates with TAKEN", async () => {
    const s = await start();
    const q = `mutation { metafieldDefinitionCreate(definition: { name: "Segments", namespace: "$app", key: "segments", type: "list.single_line_text_field", ownerType: CUSTOMER, access: { storefront: "PUBLIC_READ" } }) { createdDefinition { id namespace } userErrors { field message code } } }`;
    const first = await gql(s, q);
    expect(first.data?.["metafieldDefinitionCreate"]).toMatchObject({ createdDefinition: { namespace: "app--7000001" }, userErrors: [] });
    expect((await gql(s, q)).data?.["metafieldDefinitionCreate"]).toMatchObject({ createdDefinition: null, userErrors: [{ code: "TAKEN" }] });
    const list = await gql(s, "{ metafieldDefinitions(ownerType: CUSTOMER, first: 10) { nodes { key } } }");
    expect(list.data?.["metafieldDefinitions"]).toEqual({ nodes: [{ key: "birthday" }, { key: "segments" }] });
  });

  it("segments have unique names and can be updated and deleted", async () => {
    const s = await start();
    const create = `mutation { segmentCreate(name: "VIP", query: "customer_tags CONTAINS 'vip'") { segment { id name } userErrors { field message } } }`;
    const a = await gql(s, create);
    const id = String((a.data?.["segmentCreate"] as { segment: { id: string } }).segment.id);
    expect((await gql(s, create)).data?.["segmentCreate"]).toEqual({ segment: null, userErrors: [{ field: ["name"], message: "Name has already been taken" }] });
    await gql(s, `mutation($id: ID!) { segmentUpdate(id: $id, name: "VIPs") { segment { name } userErrors { message } } }`, { id });
    expect((await gql(s, `query($id: ID!) { segment(id: $id) { name query } }`, { id })).data?.["segment"]).toEqual({ name: "VIPs", query: "customer_tags CONTAINS 'vip'" });
    const del = await gql(s, `mutation($id: ID!) { segmentDelete(id: $id) { deletedSegmentId userErrors { message } } }`, { id });
    expect(del.data?.["segmentDelete"]).toEqual({ deletedSegmentId: id, userErrors: [] });
    expect((await gql(s, "{ segments(first: 5) { nodes { id } } }")).data?.["segments"]).toEqual({ nodes: [] });
  });

  it("tagsAdd/tagsRemove change customer tags", async () => {
    const s = await start();
    await gql(s, `mutation { tagsAdd(id: "${C1}", tags: ["a", "b,c"]) { userErrors { message } } }`);
    await gql(s, `mutation { tagsRemove(id: "${C1}", tags: ["b"]) { node { id } userErrors { message } } }`);
    expect((await gql(s, `{ customer(id: "${C1}") { tags } }`)).data?.["customer"]).toEqual({ tags: ["a", "c"] });
  });

  it("stores app discounts scoped to segments", async () => {
    const s = await start();
    const seg = await gql(s, `mutation { segmentCreate(name: "S", query: "number_of_orders > 0") { segment { id } } }`);
    const segId = (seg.data?.["segmentCreate"] as { segment: { id: string } }).segment.id;
    const r = await gql(
      s,
      `mutation($seg: ID!) { discountCodeAppCreate(codeAppDiscount: { title: "10%", code: "TEN", functionId: "fn-1", startsAt: "2025-01-01T00:00:00Z", context: { customerSegments: { add: [$seg] } } }) {
        codeAppDiscount { discountId title status codes(first: 1) { nodes { code } } context { ... on DiscountCustomerSegments { segments { id } } } } userErrors { field message code } } }`,
      { seg: segId },
    );
    const payload = r.data?.["discountCodeAppCreate"] as { codeAppDiscount: { discountId: string }; userErrors: unknown[] };
    expect(payload).toMatchObject({ codeAppDiscount: { title: "10%", status: "ACTIVE", codes: { nodes: [{ code: "TEN" }] }, context: { segments: [{ id: segId }] } }, userErrors: [] });
    const dup = await gql(s, `mutation { discountCodeAppCreate(codeAppDiscount: { title: "x", code: "ten", functionId: "fn-1" }) { userErrors { code } } }`);
    expect(dup.data?.["discountCodeAppCreate"]).toEqual({ userErrors: [{ code: "TAKEN" }] });
    const del = await gql(s, `mutation($id: ID!) { discountCodeDelete(id: $id) { deletedCodeDiscountId userErrors { message } } }`, { id: payload.codeAppDiscount.discountId });
    expect(del.data?.["discountCodeDelete"]).toEqual({ deletedCodeDiscountId: payload.codeAppDiscount.discountId, userErrors: [] });
  });
});

describe("merchant actions", () => {
  it("change data, bump updatedAt by the clock and report webhook topics", async () => {
    const events: ChangeEvent[] = [];
    const clock = Date.parse("2026-02-01T00:00:00Z");
    const s = await start({ now: () => clock, onChange: (e) => events.push(e) });
    s.actions.updateCustomer("tiny.myshopify.com", "7000000001", { firstName: "Renamed" });
    s.actions.addRefund("tiny.myshopify.com", "5000000001", { id: "1", totalRefunded: "45.00", note: null });
    const r = await gql(s, `{ customers(first: 5, query: "updated_at:>=2026-01-01") { nodes { firstName updatedAt amountSpent { amount } } } }`);
    expect(r.data?.["customers"]).toEqual({ nodes: [{ firstName: "Renamed", updatedAt: "2026-02-01T00:00:00.000Z", amountSpent: { amount: "0.00" } }] });
    expect(events.map((e) => e.topic)).toEqual(["customers/update", "refunds/create", "orders/updated"]);
    s.actions.uninstall("tiny.myshopify.com");
    expect(events.at(-1)?.topic).toBe("app/uninstalled");
    expect((await gql(s, "{ shop { name } }")).status).toBe(401);
  });
});
