import { afterEach, describe, expect, it } from "vitest";
import { buildDataset } from "./builder";
import { startAdminStandIn, type AdminStandIn, type AdminStandInOptions, type ChangeEvent } from "./index";
import { at, client } from "./testing";

const TOKEN = "shpat_mut";
const DOMAIN = "tiny.myshopify.com";
let standIn: AdminStandIn | null = null;

afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

async function start(options: AdminStandInOptions = {}) {
  standIn = await startAdminStandIn(options);
  standIn.addShop(buildDataset({ customers: 2, ordersEach: 1 }), TOKEN);
  const gql = client(standIn, TOKEN);
  /** the payload of a one-mutation document */
  const payload = async (query: string, variables: Record<string, unknown> = {}) => {
    const r = await gql(query, variables);
    expect(r.body.errors).toBeUndefined();
    const [value] = Object.values(r.body.data ?? {});
    return value as Record<string, unknown>;
  };
  return { s: standIn, gql, payload };
}

const C1 = "gid://shopify/Customer/7000000001";
const SET = `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { namespace key type value compareDigest } userErrors { field message code elementIndex } } }`;

describe("metafields", () => {
  it("metafieldsSet validates every entry, writes all or nothing, and reads back through $app", async () => {
    const { gql, payload } = await start();
    const bad = await payload(SET, {
      m: [
        { ownerId: C1, namespace: "$app", key: "segments", type: "list.single_line_text_field", value: '["ok"]' },
        { ownerId: C1, namespace: "$app", key: "tier", type: "number_integer", value: "gold" },
      ],
    });
    expect(bad).toEqual({ metafields: null, userErrors: [{ field: ["metafields", "1", "value"], message: "Value is invalid for type number_integer.", code: "INVALID_VALUE", elementIndex: null }] });
    expect(at(await gql(`{ customer(id: "${C1}") { metafield(namespace: "$app", key: "segments") { value } } }`), "body", "data")).toEqual({ customer: { metafield: null } });

    const missing = await payload(SET, { m: [{ ownerId: "gid://shopify/Customer/1", namespace: "custom", key: "yy", type: "json", value: "{}" }] });
    expect(missing).toMatchObject({ userErrors: [{ field: ["metafields", "0", "ownerId"], code: "INVALID" }] });
    const unknownType = await payload(SET, { m: [{ ownerId: C1, namespace: "custom", key: "yy", type: "list.json", value: "[]" }] });
    expect(unknownType).toMatchObject({ userErrors: [{ field: ["metafields", "0", "type"], code: "INCLUSION" }] });
    const definedType = await payload(SET, { m: [{ ownerId: C1, namespace: "custom", key: "birthday", type: "single_line_text_field", value: "soon" }] });
    expect(definedType).toMatchObject({ userErrors: [{ field: ["metafields", "0", "type"], code: "INVALID_TYPE" }] });
    const tooMany = Array.from({ length: 26 }, (_, i) => ({ ownerId: C1, namespace: "custom", key: `k${i}`, type: "json", value: "1" }));
    expect(await payload(SET, { m: tooMany })).toMatchObject({ metafields: null, userErrors: [{ code: "LESS_THAN_OR_EQUAL_TO" }] });

    const ok = await payload(SET, {
      m: [
        { ownerId: C1, namespace: "$app", key: "segments", type: "list.single_line_text_field", value: '["vip","loyal"]' },
        { ownerId: C1, namespace: "$app:facts", key: "settings", type: "json", value: '{"a":1}' },
        { ownerId: C1, namespace: "custom", key: "birthday", value: "1990-12-24" },
      ],
    });
    expect(ok["userErrors"]).toEqual([]);
    expect((ok["metafields"] as { namespace: string; type: string }[]).map((m) => [m.namespace, m.type])).toEqual([
      ["app--7000001", "list.single_line_text_field"],
      ["app--7000001--facts", "json"],
      ["custom", "date"],
    ]);
    const read = await gql(`{ customer(id: "${C1}") {
      a: metafield(namespace: "$app", key: "segments") { value jsonValue }
      b: metafield(key: "segments") { value }
      c: metafield(namespace: "$app:facts", key: "settings") { jsonValue definition { name } }
      d: metafield(namespace: "custom", key: "birthday") { value definition { name type { name category } } }
      all: metafields(first: 10, keys: ["$app.segments", "custom.birthday"]) { nodes { key } } } }`);
    expect(read.body.data).toEqual({
      customer: {
        a: { value: '["vip","loyal"]', jsonValue: ["vip", "loyal"] },
        b: { value: '["vip","loyal"]' },
        c: { jsonValue: { a: 1 }, definition: null },
        d: { value: "1990-12-24", definition: { name: "Birthday", type: { name: "date", category: "DATE_TIME" } } },
        all: { nodes: [{ key: "birthday" }, { key: "segments" }] },
      },
    });
  });

  it("metafieldsSet honours compareDigest", async () => {
    const { payload } = await start();
    const first = await payload(SET, { m: [{ ownerId: C1, namespace: "$app", key: "segments", type: "list.single_line_text_field", value: '["a"]', compareDigest: null }] });
    const digest = String(at(first, "metafields", 0, "compareDigest"));
    const again = await payload(SET, { m: [{ ownerId: C1, namespace: "$app", key: "segments", type: "list.single_line_text_field", value: '["b"]', compareDigest: null }] });
    expect(again).toMatchObject({ metafields: null, userErrors: [{ field: ["metafields", "0", "compareDigest"], code: "INVALID_COMPARE_DIGEST" }] });
    const matched = await payload(SET, { m: [{ ownerId: C1, namespace: "$app", key: "segments", type: "list.single_line_text_field", value: '["b"]', compareDigest: digest }] });
    expect(matched["userErrors"]).toEqual([]);
    const stale = await payload(SET, { m: [{ ownerId: C1, namespace: "$app", key: "segments", type: "list.single_line_text_field", value: '["c"]', compareDigest: digest }] });
    expect(stale).toMatchObject({ userErrors: [{ code: "INVALID_COMPARE_DIGEST" }] });
  });

  it("metafieldsDelete removes what exists and answers null for what does not, the owner's other metafields kept", async () => {
    const { gql, payload } = await start();
    await payload(SET, { m: [{ ownerId: C1, namespace: "$app", key: "segments", type: "list.single_line_text_field", value: '["a"]' }] });
    const DELETE = `mutation($m: [MetafieldIdentifierInput!]!) { metafieldsDelete(metafields: $m) { deletedMetafields { ownerId namespace key } userErrors { field message } } }`;
    const deleted = await payload(DELETE, {
      m: [
        { ownerId: C1, namespace: "$app", key: "segments" },
        { ownerId: C1, namespace: "$app", key: "segments" },
        { ownerId: "gid://shopify/Customer/1", namespace: "$app", key: "segments" },
      ],
    });
    expect(deleted).toEqual({ deletedMetafields: [{ ownerId: C1, namespace: "app--7000001", key: "segments" }, null, null], userErrors: [] });
    expect(at(await gql(`{ customer(id: "${C1}") { a: metafield(namespace: "$app", key: "segments") { value } b: metafield(namespace: "custom", key: "birthday") { value } } }`), "body", "data")).toEqual({
      customer: { a: null, b: { value: "1984-03-02" } },
    });
    expect(await payload(DELETE, { m: [] })).toMatchObject({ deletedMetafields: null, userErrors: [{ field: ["metafields"] }] });
    // a mutation field: 10 points, like every other
    expect((await gql(DELETE, { m: [{ ownerId: C1, namespace: "custom", key: "birthday" }] })).body.extensions?.cost.requestedQueryCost).toBe(10);
  });

  it("metafieldDefinitionCreate takes Shopify's access enums and refuses duplicates with TAKEN", async () => {
    const { gql, payload } = await start();
    const q = `mutation { metafieldDefinitionCreate(definition: { name: "Segments", namespace: "$app", key: "segments", type: "list.single_line_text_field", ownerType: CUSTOMER, access: { admin: MERCHANT_READ, storefront: PUBLIC_READ } }) {
      createdDefinition { id namespace key type { name } access { admin storefront customerAccount } } userErrors { field message code } } }`;
    expect(await payload(q)).toEqual({
      createdDefinition: { id: expect.stringMatching(/^gid:\/\/shopify\/MetafieldDefinition\/\d+$/), namespace: "app--7000001", key: "segments", type: { name: "list.single_line_text_field" }, access: { admin: "MERCHANT_READ", storefront: "PUBLIC_READ", customerAccount: "NONE" } },
      userErrors: [],
    });
    expect(await payload(q)).toMatchObject({ createdDefinition: null, userErrors: [{ field: ["definition", "key"], code: "TAKEN" }] });
    const asString = await gql(`mutation { metafieldDefinitionCreate(definition: { name: "X", namespace: "custom", key: "xx", type: "boolean", ownerType: CUSTOMER, access: { storefront: "PUBLIC_READ" } }) { userErrors { code } } }`);
    expect(asString.body.errors?.[0]?.extensions?.["code"]).toBe("argumentLiteralsIncompatible");
    const adminOnMerchant = await payload(`mutation { metafieldDefinitionCreate(definition: { name: "X", namespace: "custom", key: "xx", type: "boolean", ownerType: CUSTOMER, access: { admin: MERCHANT_READ } }) { userErrors { code } } }`);
    expect(adminOnMerchant).toEqual({ userErrors: [{ code: "ADMIN_ACCESS_INPUT_NOT_ALLOWED" }] });
    const list = await gql("{ metafieldDefinitions(ownerType: CUSTOMER, first: 10) { nodes { key } } }");
    expect(list.body.data?.["metafieldDefinitions"]).toEqual({ nodes: [{ key: "birthday" }, { key: "segments" }] });
  });
});

describe("segments and tags", () => {
  it("segments have unique names and can be updated, listed and deleted; the query is stored as given", async () => {
    const { payload, gql } = await start();
    const create = `mutation($name: String!) { segmentCreate(name: $name, query: "customer_tags CONTAINS 'vip'") { segment { id name query creationDate } userErrors { field message } } }`;
    const a = await payload(create, { name: "VIP" });
    const id = String(at(a, "segment", "id"));
    expect(id).toMatch(/^gid:\/\/shopify\/Segment\/\d+$/);
    expect(await payload(create, { name: "VIP" })).toEqual({ segment: null, userErrors: [{ field: ["name"], message: "Name has already been taken" }] });
    await payload(create, { name: "Other" });
    expect(await payload(`mutation($id: ID!) { segmentUpdate(id: $id, name: "Other") { segment { name } userErrors { field message } } }`, { id })).toEqual({ segment: null, userErrors: [{ field: ["name"], message: "Name has already been taken" }] });
    await payload(`mutation($id: ID!) { segmentUpdate(id: $id, name: "VIPs", query: "amount_spent >= 100") { segment { name } userErrors { message } } }`, { id });
    expect((await gql(`query($id: ID!) { segment(id: $id) { name query } }`, { id })).body.data?.["segment"]).toEqual({ name: "VIPs", query: "amount_spent >= 100" });
    expect((await gql("{ segments(first: 5) { nodes { name } } }")).body.data?.["segments"]).toEqual({ nodes: [{ name: "VIPs" }, { name: "Other" }] });
    expect(await payload(`mutation($id: ID!) { segmentDelete(id: $id) { deletedSegmentId userErrors { message } } }`, { id })).toEqual({ deletedSegmentId: id, userErrors: [] });
    expect((await gql("{ segments(first: 5) { nodes { name } } }")).body.data?.["segments"]).toEqual({ nodes: [{ name: "Other" }] });
  });

  it("tagsAdd/tagsRemove change tags without case duplicates and report customers/update", async () => {
    const events: ChangeEvent[] = [];
    const { payload, gql } = await start({ onChange: (e) => events.push(e) });
    await payload(`mutation { tagsAdd(id: "${C1}", tags: ["a", "b, c", "A"]) { node { id } userErrors { message } } }`);
    await payload(`mutation { tagsRemove(id: "${C1}", tags: ["B"]) { node { id } userErrors { message } } }`);
    expect((await gql(`{ customer(id: "${C1}") { tags } }`)).body.data?.["customer"]).toEqual({ tags: ["a", "c"] });
    expect(events.map((e) => [e.topic, (e.resource as { tags?: string[] }).tags])).toEqual([
      ["customers/update", ["a", "b", "c"]],
      ["customers/update", ["a", "c"]],
    ]);
    // nothing changed, nothing reported
    await payload(`mutation { tagsRemove(id: "${C1}", tags: ["zzz"]) { userErrors { message } } }`);
    expect(events).toHaveLength(2);
    expect(await payload(`mutation { tagsAdd(id: "gid://shopify/Customer/1", tags: ["a"]) { node { id } userErrors { field message } } }`)).toEqual({ node: null, userErrors: [{ field: ["id"], message: "Resource does not exist" }] });
  });

  it("refuses input arrays over 250 items, as every Shopify API does", async () => {
    const { gql } = await start();
    const tags = Array.from({ length: 251 }, (_, i) => `t${i}`);
    const r = await gql("mutation($tags: [String!]!) { tagsAdd(id: \"gid://shopify/Customer/7000000001\", tags: $tags) { userErrors { message } } }", { tags });
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors?.[0]).toMatchObject({ message: "The input array size of 251 is greater than the maximum allowed of 250.", extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" } });
    expect((await gql("mutation($tags: [String!]!) { tagsAdd(id: \"gid://shopify/Customer/7000000001\", tags: $tags) { userErrors { message } } }", { tags: tags.slice(0, 250) })).body.errors).toBeUndefined();
  });

  it("never fails an API call because a change listener throws", async () => {
    const { payload } = await start({
      onChange: () => {
        throw new Error("listener broke");
      },
    });
    expect(await payload(`mutation { tagsAdd(id: "${C1}", tags: ["x"]) { userErrors { message } } }`)).toEqual({ userErrors: [] });
  });
});

const FUNCTION = { id: "0b6d0a56-1111-4e3b-9a3c-6f1b9c2a0001", handle: "segment-discount", title: "Segment discount" };

describe("app discounts", () => {
  it("creates an automatic app discount for a segment, with its configuration metafield, and reads it back by node", async () => {
    const { payload, gql } = await start({ now: () => Date.parse("2026-03-01T00:00:00Z"), discountFunctions: [FUNCTION], apiKey: "client-id" });
    const segment = String(at(await payload(`mutation { segmentCreate(name: "VIP", query: "number_of_orders > 0") { segment { id } } }`), "segment", "id"));
    const created = await payload(
      `mutation($input: DiscountAutomaticAppInput!) { discountAutomaticAppCreate(automaticAppDiscount: $input) {
        automaticAppDiscount { discountId title status startsAt endsAt discountClass discountClasses combinesWith { orderDiscounts productDiscounts shippingDiscounts }
          appDiscountType { appKey functionId title } context { __typename ... on DiscountCustomerSegments { segments { id name } } } }
        userErrors { field message code } } }`,
      {
        input: {
          title: "VIP 10%",
          functionId: FUNCTION.id,
          startsAt: "2026-02-01T00:00:00Z",
          combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
          discountClasses: ["PRODUCT"],
          context: { customerSegments: { add: [segment] } },
          metafields: [{ namespace: "$app", key: "function-configuration", type: "json", value: '{"percentage":10}' }],
        },
      },
    );
    expect(created).toEqual({
      automaticAppDiscount: {
        discountId: expect.stringMatching(/^gid:\/\/shopify\/DiscountAutomaticNode\/\d+$/),
        title: "VIP 10%",
        status: "ACTIVE",
        startsAt: "2026-02-01T00:00:00Z",
        endsAt: null,
        discountClass: "PRODUCT",
        discountClasses: ["PRODUCT"],
        combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
        appDiscountType: { appKey: "client-id", functionId: FUNCTION.id, title: "Segment discount" },
        context: { __typename: "DiscountCustomerSegments", segments: [{ id: segment, name: "VIP" }] },
      },
      userErrors: [],
    });
    const id = String(at(created, "automaticAppDiscount", "discountId"));
    const node = await gql(`query($id: ID!) { automaticDiscountNode(id: $id) { id automaticDiscount { __typename ... on DiscountAutomaticApp { title } }
      metafield(namespace: "$app", key: "function-configuration") { type jsonValue } } node(id: $id) { id } }`, { id });
    expect(node.body.data).toEqual({
      automaticDiscountNode: { id, automaticDiscount: { __typename: "DiscountAutomaticApp", title: "VIP 10%" }, metafield: { type: "json", jsonValue: { percentage: 10 } } },
      node: { id },
    });

    const off = await payload(`mutation($id: ID!) { discountAutomaticDeactivate(id: $id) { automaticDiscountNode { automaticDiscount { ... on DiscountAutomaticApp { status endsAt } } } userErrors { message } } }`, { id });
    expect(off).toEqual({ automaticDiscountNode: { automaticDiscount: { status: "EXPIRED", endsAt: "2026-03-01T00:00:00.000Z" } }, userErrors: [] });
    const on = await payload(`mutation($id: ID!) { discountAutomaticActivate(id: $id) { automaticDiscountNode { automaticDiscount { ... on DiscountAutomaticApp { status endsAt } } } userErrors { message } } }`, { id });
    expect(on).toEqual({ automaticDiscountNode: { automaticDiscount: { status: "ACTIVE", endsAt: null } }, userErrors: [] });

    const updated = await payload(`mutation($id: ID!) { discountAutomaticAppUpdate(id: $id, automaticAppDiscount: { title: "VIP 15%", context: { all: ALL } }) { automaticAppDiscount { title context { __typename } } userErrors { message } } }`, { id });
    expect(updated).toEqual({ automaticAppDiscount: { title: "VIP 15%", context: { __typename: "DiscountBuyerSelectionAll" } }, userErrors: [] });
    expect(await payload(`mutation($id: ID!) { discountAutomaticDelete(id: $id) { deletedAutomaticDiscountId userErrors { message } } }`, { id })).toEqual({ deletedAutomaticDiscountId: id, userErrors: [] });
    expect((await gql(`query($id: ID!) { automaticDiscountNode(id: $id) { id } }`, { id })).body.data).toEqual({ automaticDiscountNode: null });
  });

  it("refuses what Shopify refuses: unknown functions, two identifiers, bad dates, taken codes", async () => {
    const { payload } = await start({ discountFunctions: [FUNCTION] });
    const create = (input: string) => payload(`mutation { discountCodeAppCreate(codeAppDiscount: { ${input} }) { codeAppDiscount { discountId } userErrors { field code } } }`);
    expect(await create(`title: "x", code: "X1", functionId: "nope"`)).toEqual({ codeAppDiscount: null, userErrors: [{ field: ["codeAppDiscount", "functionId"], code: "INVALID" }] });
    expect(await create(`title: "x", code: "X1", functionId: "${FUNCTION.id}", functionHandle: "segment-discount"`)).toEqual({ codeAppDiscount: null, userErrors: [{ field: ["codeAppDiscount", "functionHandle"], code: "MULTIPLE_FUNCTION_IDENTIFIERS" }] });
    expect(await create(`title: "x", code: "X1"`)).toEqual({ codeAppDiscount: null, userErrors: [{ field: ["codeAppDiscount", "functionId"], code: "MISSING_FUNCTION_IDENTIFIER" }] });
    expect(await create(`title: "x", code: "X1", functionHandle: "segment-discount", startsAt: "2026-02-01T00:00:00Z", endsAt: "2026-01-01T00:00:00Z"`)).toEqual({
      codeAppDiscount: null,
      userErrors: [{ field: ["codeAppDiscount", "endsAt"], code: "END_DATE_BEFORE_START_DATE" }],
    });
    expect(await create(`title: "x", code: "X1", functionHandle: "segment-discount", context: { customerSegments: { add: ["gid://shopify/Segment/1"] } }`)).toEqual({
      codeAppDiscount: null,
      userErrors: [{ field: ["codeAppDiscount", "context", "customerSegments", "add", "0"], code: "INVALID" }],
    });
    expect(await create(`title: "x", code: "X1", functionHandle: "segment-discount", metafields: [{ namespace: "$app", key: "cfg", type: "json", value: "{" }]`)).toEqual({
      codeAppDiscount: null,
      userErrors: [{ field: ["codeAppDiscount", "metafields", "0", "value"], code: "INVALID" }],
    });
    expect((await create(`title: "x", code: "X1", functionHandle: "segment-discount"`))["userErrors"]).toEqual([]);
    expect(await create(`title: "y", code: "x1", functionHandle: "segment-discount"`)).toEqual({ codeAppDiscount: null, userErrors: [{ field: ["codeAppDiscount", "code"], code: "TAKEN" }] });
  });

  it("stores code discounts for customers, serves their codes, and activates and deletes them", async () => {
    const { payload, gql } = await start({ now: () => Date.parse("2026-03-01T00:00:00Z") });
    const created = await payload(
      `mutation { discountCodeAppCreate(codeAppDiscount: { title: "10%", code: "TEN", functionHandle: "segment-discount", startsAt: "2026-04-01T00:00:00Z", usageLimit: 5, appliesOncePerCustomer: true, context: { customers: { add: ["${C1}"] } } }) {
        codeAppDiscount { discountId status usageLimit appliesOncePerCustomer appDiscountType { functionId } codes(first: 5) { nodes { code } edges { cursor } }
          context { ... on DiscountCustomers { customers { id } } } } userErrors { field message code } } }`,
    );
    expect(created).toMatchObject({
      codeAppDiscount: { status: "SCHEDULED", usageLimit: 5, appliesOncePerCustomer: true, codes: { nodes: [{ code: "TEN" }] }, context: { customers: [{ id: C1 }] } },
      userErrors: [],
    });
    expect(String(at(created, "codeAppDiscount", "appDiscountType", "functionId"))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const id = String(at(created, "codeAppDiscount", "discountId"));
    expect(id).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/);
    const activated = await payload(`mutation($id: ID!) { discountCodeActivate(id: $id) { codeDiscountNode { codeDiscount { ... on DiscountCodeApp { status startsAt } } } userErrors { message } } }`, { id });
    expect(activated).toEqual({ codeDiscountNode: { codeDiscount: { status: "ACTIVE", startsAt: "2026-03-01T00:00:00.000Z" } }, userErrors: [] });
    const read = await gql(`query($id: ID!) { codeDiscountNode(id: $id) { codeDiscount { ... on DiscountCodeApp { title } } } }`, { id });
    expect(read.body.data).toEqual({ codeDiscountNode: { codeDiscount: { title: "10%" } } });
    expect(await payload(`mutation($id: ID!) { discountCodeDelete(id: $id) { deletedCodeDiscountId userErrors { message } } }`, { id })).toEqual({ deletedCodeDiscountId: id, userErrors: [] });
    expect(await payload(`mutation($id: ID!) { discountCodeDelete(id: $id) { deletedCodeDiscountId userErrors { field message code } } }`, { id })).toEqual({
      deletedCodeDiscountId: null,
      userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }],
    });
  });
});

describe("merchant actions", () => {
  it("change data, bump updatedAt by the clock and report webhook topics", async () => {
    const events: ChangeEvent[] = [];
    let clock = Date.parse("2026-02-01T00:00:00Z");
    const { s, gql } = await start({ now: () => clock, onChange: (e) => events.push(e) });
    s.actions.updateCustomer(DOMAIN, "7000000001", { firstName: "Renamed" });
    clock += 60_000;
    s.actions.addRefund(DOMAIN, "5000000001", { id: "1", totalRefunded: "45.00", note: null });
    const r = await gql(`{ customers(first: 5, query: "updated_at:>=2026-01-01") { nodes { firstName updatedAt amountSpent { amount } } }
      order(id: "gid://shopify/Order/5000000001") { displayFinancialStatus updatedAt totalRefundedSet { shopMoney { amount } } refunds { id createdAt } } }`);
    expect(r.body.data).toEqual({
      customers: { nodes: [{ firstName: "Renamed", updatedAt: "2026-02-01T00:00:00.000Z", amountSpent: { amount: "0.00" } }] },
      order: { displayFinancialStatus: "REFUNDED", updatedAt: "2026-02-01T00:01:00.000Z", totalRefundedSet: { shopMoney: { amount: "45.00" } }, refunds: [{ id: "gid://shopify/Refund/1", createdAt: "2026-02-01T00:01:00.000Z" }] },
    });
    expect(events.map((e) => e.topic)).toEqual(["customers/update", "refunds/create", "orders/updated"]);
    expect(events[0]).toMatchObject({ shopDomain: DOMAIN, resource: { id: "7000000001", firstName: "Renamed", admin_graphql_api_id: C1 } });

    const order = s.actions.createOrder(DOMAIN, { ...structuredClone(s.shop(DOMAIN).orders.get("5000000002") ?? never()), id: "5000009999", name: "#9999" });
    s.actions.cancelOrder(DOMAIN, order.id, "FRAUD");
    s.actions.deleteOrder(DOMAIN, "5000000002");
    s.actions.updateProduct(DOMAIN, "8000000001", { title: "LP" });
    s.actions.createCheckout(DOMAIN, { id: "77", token: "t", customerId: "7000000002", email: null, currencyCode: "EUR", totalPrice: "1.00", lineItems: [], abandonedCheckoutUrl: "https://x", completedAt: null, createdAt: "", updatedAt: "" });
    s.actions.updateCheckout(DOMAIN, "77", { completedAt: "2026-02-01T00:02:00Z" });
    s.actions.deleteCustomer(DOMAIN, "7000000002");
    s.actions.deleteProduct(DOMAIN, "8000000001");
    expect(events.slice(3).map((e) => e.topic)).toEqual(["orders/create", "orders/cancelled", "orders/updated", "orders/delete", "products/update", "checkouts/create", "checkouts/update", "customers/delete", "products/delete"]);
    const after = await gql(`{ orders(first: 10) { nodes { name cancelReason } } customer(id: "gid://shopify/Customer/7000000002") { id } product(id: "gid://shopify/Product/8000000001") { id } }`);
    expect(after.body.data).toEqual({ orders: { nodes: [{ name: "#1001", cancelReason: null }, { name: "#9999", cancelReason: "FRAUD" }] }, customer: null, product: null });

    s.actions.uninstall(DOMAIN);
    expect(events.at(-1)?.topic).toBe("app/uninstalled");
    expect((await gql("{ shop { name } }")).status).toBe(401);
  });
});

function never(): never {
  throw new Error("missing fixture record");
}
