import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDataset } from "../../../test/shopify/admin/builder";
import { startAdminStandIn, type AdminStandIn, type CostRecord } from "../../../test/shopify/admin";
import { AdminApiError, createAdminClient, type AdminClient } from "../admin-client.server";
import { estimateQueryCost } from "../graphql";
import { CUSTOMER_METAFIELD_DEFINITIONS_QUERY, DEFINITIONS_PAGE_SIZE, definitionsPageSize, fetchCustomerMetafieldDefinitions } from "./metafield-definitions";

const DOMAIN = "definitions.myshopify.com";
const TOKEN = "shpat_definitions";
let standIn: AdminStandIn;
const costs: CostRecord[] = [];
const admin = () => createAdminClient({ shop: DOMAIN, accessToken: TOKEN, apiVersion: "2026-10", origin: standIn.url, retry: { baseDelayMs: 1, maxDelayMs: 5 } });

beforeAll(async () => {
  standIn = await startAdminStandIn({ onCost: (_shop, record) => costs.push(record) });
  const dataset = buildDataset({ domain: DOMAIN, customers: 1, ordersEach: 0 });
  // more than a page of customer definitions, and a product one that must not come back
  for (let i = 0; i < DEFINITIONS_PAGE_SIZE + 12; i++) dataset.metafieldDefinitions.push({ ownerType: "CUSTOMER", namespace: "extra", key: `fact_${i}`, name: `Fact ${i}`, type: "number_integer" });
  standIn.addShop(dataset, TOKEN);
  standIn.shop(DOMAIN).metafieldDefinitions.push({
    id: 42,
    name: "Weight",
    namespace: "specs",
    key: "weight",
    description: null,
    type: "number_decimal",
    ownerType: "PRODUCT",
    access: { admin: "PUBLIC_READ_WRITE", storefront: "NONE", customerAccount: "NONE" },
  });
});
afterAll(() => standIn.close());

/** A client whose every answer is `data` (the request itself is not sent anywhere). */
function answering(...pages: unknown[]): AdminClient {
  const client = admin();
  let call = 0;
  return { shop: client.shop, endpoint: client.endpoint, bucket: client.bucket, request: async <T>() => pages[Math.min(call++, pages.length - 1)] as T };
}

const node = (id: number, namespace = "custom", key = "birthday") => ({ id: `gid://shopify/MetafieldDefinition/${id}`, namespace, key, name: "Birthday", type: { name: "date" } });
const page = (nodes: unknown[], hasNextPage = false, endCursor: string | null = null) => ({ metafieldDefinitions: { nodes, pageInfo: { hasNextPage, endCursor } } });

describe("fetchCustomerMetafieldDefinitions", () => {
  it("pages through every customer definition of the shop, with its Shopify id, name and type", async () => {
    costs.length = 0;
    const definitions = await fetchCustomerMetafieldDefinitions(admin());
    expect(definitions).toHaveLength(1 + DEFINITIONS_PAGE_SIZE + 12);
    expect(definitions[0]).toEqual({ shopifyId: expect.stringMatching(/^gid:\/\/shopify\/MetafieldDefinition\/\d+$/), namespace: "custom", key: "birthday", name: "Birthday", type: "date" });
    expect(definitions.find((d) => d.key === "fact_7")).toMatchObject({ namespace: "extra", name: "Fact 7", type: "number_integer" });
    expect(definitions.some((d) => d.namespace === "specs")).toBe(false);
    expect(new Set(definitions.map((d) => d.shopifyId)).size).toBe(definitions.length);
    expect(costs.map((c) => c.operationName)).toEqual(["AppCustomerMetafieldDefinitions", "AppCustomerMetafieldDefinitions"]);
  });

  it("asks for well under Shopify's 1,000-point limit per page", () => {
    expect(estimateQueryCost(CUSTOMER_METAFIELD_DEFINITIONS_QUERY, { first: DEFINITIONS_PAGE_SIZE, after: null })).toBe(2 + DEFINITIONS_PAGE_SIZE * 2);
  });

  it("asks for smaller pages when the shop's bucket is smaller than a full page costs", async () => {
    const domain = "small-bucket.myshopify.com";
    const dataset = buildDataset({ domain, customers: 1, ordersEach: 0 });
    for (let i = 0; i < 40; i++) dataset.metafieldDefinitions.push({ ownerType: "CUSTOMER", namespace: "extra", key: `fact_${i}`, name: `Fact ${i}`, type: "boolean" });
    standIn.addShop(dataset, "shpat_small", { maximumAvailable: 30, restoreRate: 1_000 });
    const client = createAdminClient({ shop: domain, accessToken: "shpat_small", apiVersion: "2026-10", origin: standIn.url, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    // before any answer the bucket's size is unknown: a full page
    expect(definitionsPageSize(client)).toBe(DEFINITIONS_PAGE_SIZE);
    await client.request(`query AppTestShop { shop { name } }`);
    expect(definitionsPageSize(client)).toBe(14);
    costs.length = 0;
    expect(await fetchCustomerMetafieldDefinitions(client)).toHaveLength(41);
    expect(costs.map((c) => c.requestedQueryCost)).toEqual([30, 30, 30]);
  });

  it("fails with a clear error naming the field when the answer is not what Shopify sends", async () => {
    const failure = (data: unknown) => fetchCustomerMetafieldDefinitions(answering(data)).then(
      () => {
        throw new Error("expected a failure");
      },
      (error: unknown) => error,
    );
    const noType = await failure(page([{ ...node(1), type: null }]));
    expect(noType).toBeInstanceOf(AdminApiError);
    expect(noType).toMatchObject({ codes: ["INVALID_RESPONSE"], operation: "AppCustomerMetafieldDefinitions" });
    expect((noType as Error).message).toBe(
      `Admin API ${DOMAIN} AppCustomerMetafieldDefinitions: unexpected response at data.metafieldDefinitions.nodes.0.type: Invalid input: expected object, received null`,
    );
    expect(((await failure(page([{ ...node(1), id: "gid://shopify/Product/1" }]))) as Error).message).toMatch(/nodes\.0\.id: expected a MetafieldDefinition id$/);
    expect(((await failure(page([{ ...node(1), key: "" }]))) as Error).message).toMatch(/nodes\.0\.key: a key is never empty$/);
    expect(((await failure({ metafieldDefinitions: null })) as Error).message).toMatch(/at data\.metafieldDefinitions: /);
  });

  it("stops on a cursor that does not move instead of paging forever", async () => {
    const stuck = answering(page([node(1)], true, "c1"), page([node(2, "custom", "other")], true, "c1"));
    await expect(fetchCustomerMetafieldDefinitions(stuck)).rejects.toThrow(/the pages of definitions do not end/);
  });

  it("returns what Shopify lists, app-reserved namespaces included (the store decides what to keep)", async () => {
    const definitions = await fetchCustomerMetafieldDefinitions(answering(page([node(1), node(2, "app--7000001", "segments")])));
    expect(definitions.map((d) => `${d.namespace}.${d.key}`)).toEqual(["custom.birthday", "app--7000001.segments"]);
  });
});
