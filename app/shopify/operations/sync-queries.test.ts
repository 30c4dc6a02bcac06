import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDataset } from "../../../test/shopify/admin/builder";
import { startAdminStandIn, type AdminStandIn, type CostRecord } from "../../../test/shopify/admin";
import { gid } from "../../../test/shopify/admin/store";
import { AdminApiError, assertNoUserErrors, createAdminClient, runOperation } from "../admin-client.server";
import { readJsonl } from "~/sync/jsonl";
import { parseBulkLine, type BulkRecord, type BulkResource } from "~/sync/from-graphql";
import { bulkOperationRunQuery } from "./bulk-operations";
import { CUSTOMER_DETAILS_BATCH, fetchCustomerDetails, SYNC_BULK_QUERIES, syncBulkOperationQuery, syncCountsQuery } from "./sync-queries";

const DOMAIN = "queries.myshopify.com";
const TOKEN = "shpat_queries";
let standIn: AdminStandIn;
const costs: CostRecord[] = [];
const admin = () => createAdminClient({ shop: DOMAIN, accessToken: TOKEN, apiVersion: "2026-10", origin: standIn.url, retry: { baseDelayMs: 1, maxDelayMs: 5 } });

beforeAll(async () => {
  standIn = await startAdminStandIn({ onCost: (_shop, record) => costs.push(record) });
  const dataset = buildDataset({ domain: DOMAIN, customers: 120, ordersEach: 1 });
  // a customer with more metafields than the first page holds, and one with no consents at all
  const first = dataset.customers[0];
  if (!first) throw new Error("no customer");
  first.metafields = Array.from({ length: 13 }, (_, i) => ({ namespace: "custom", key: `fact_${i}`, type: "single_line_text_field" as const, value: `value ${i}` }));
  const second = dataset.customers[1];
  if (second) second.emailMarketingConsent = null;
  standIn.addShop(dataset, TOKEN);
});
afterAll(() => standIn.close());

async function exportOf(resource: BulkResource): Promise<BulkRecord[]> {
  const client = admin();
  const started = await runOperation(client, bulkOperationRunQuery, { query: SYNC_BULK_QUERIES[resource], groupObjects: false });
  assertNoUserErrors("bulkOperationRunQuery", started.bulkOperationRunQuery.userErrors);
  const id = started.bulkOperationRunQuery.bulkOperation?.id ?? "";
  for (;;) {
    const { bulkOperation } = await runOperation(client, syncBulkOperationQuery, { id });
    if (bulkOperation?.status === "COMPLETED") {
      const records: BulkRecord[] = [];
      if (bulkOperation.url) for await (const line of readJsonl(bulkOperation.url)) records.push(parseBulkLine(resource, line.text, line.number, { shopCurrency: "EUR" }));
      expect(records).toHaveLength(bulkOperation.objectCount);
      return records;
    }
    expect(bulkOperation?.status).toMatch(/CREATED|RUNNING/);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the sync's bulk queries", () => {
  it("are accepted by Shopify's rules (≤5 connections, ≤2 deep) and every line of their results maps to a record", async () => {
    const shop = standIn.shop(DOMAIN);
    const customers = await exportOf("customers");
    expect(customers.filter((r) => r.kind === "customer")).toHaveLength(120);
    expect(customers.filter((r) => r.kind === "metafield")).toHaveLength(119 + 13);
    const zoe = customers.find((r) => r.kind === "customer" && r.customer.shopifyId === "7000000001");
    const source = shop.customers.get("7000000001");
    expect(zoe).toMatchObject({ customer: { email: source?.email, tags: source?.tags, addresses: [{ isDefault: true, countryCode: "NL", city: "Amsterdam" }], metafields: [] } });
    const orders = await exportOf("orders");
    expect(orders.filter((r) => r.kind === "order")).toHaveLength(120);
    expect(orders.filter((r) => r.kind === "orderLine")).toHaveLength(120);
    expect(orders.find((r) => r.kind === "order")).toMatchObject({ order: { totalMinor: 4500n, subtotalMinor: 4000n, totalShippingMinor: 500n, lines: [], refunds: [] } });
    const products = await exportOf("products");
    expect(products.map((r) => r.kind).sort()).toEqual(["collection", "product", "variant"]);
  });

  it("ask for the shop's counts in one cheap query", async () => {
    const counts = await runOperation(admin(), syncCountsQuery, {});
    expect(counts).toEqual({ productsCount: { count: 1 }, customersCount: { count: 120 }, ordersCount: { count: 120 } });
  });
});

describe("fetchCustomerDetails", () => {
  it("returns the customers that still exist, with every metafield, 50 per request", async () => {
    standIn.actions.deleteCustomer(DOMAIN, "7000000003");
    const ids = Array.from({ length: 60 }, (_, i) => String(7000000001 + i));
    costs.length = 0;
    const customers = await fetchCustomerDetails(admin(), [...ids, "7000000001"]);
    expect(customers.map((c) => c.shopifyId)).toEqual(ids.filter((id) => id !== "7000000003"));
    // 60 distinct ids: two batches, and one more page for the first batch's customer with 13 metafields
    expect(costs.map((c) => c.operationName)).toEqual(["AppSyncCustomerDetails", "AppSyncCustomerMetafields", "AppSyncCustomerDetails"]);
    expect(CUSTOMER_DETAILS_BATCH).toBe(50);
    expect(Math.max(...costs.map((c) => c.requestedQueryCost))).toBeLessThan(1_000);
    const first = customers[0];
    expect(first?.metafields).toHaveLength(13);
    expect(first?.metafields?.map((m) => m.key)).toEqual(Array.from({ length: 13 }, (_, i) => `fact_${i}`));
    expect(customers[1]).toMatchObject({ emailMarketing: { state: "NOT_SUBSCRIBED", updatedAt: null }, metafields: [{ namespace: "custom", key: "birthday", type: "date", value: "1984-03-02" }] });
    const vip = customers.find((c) => c.shopifyId === "7000000002");
    expect(vip?.tags).toEqual(["vip"]);
    expect(vip?.updatedAt).toEqual(new Date(standIn.shop(DOMAIN).customers.get("7000000002")?.updatedAt ?? ""));
  });

  it("refuses ids that are not the store's legacy ids, before asking Shopify", async () => {
    costs.length = 0;
    await expect(fetchCustomerDetails(admin(), [gid("Customer", 1)])).rejects.toThrow(/legacy numeric customer id/);
    expect(costs).toEqual([]);
    expect(await fetchCustomerDetails(admin(), [])).toEqual([]);
  });

  it("reports an answer that is not a customer as an invalid Admin API response", async () => {
    const shop = standIn.shop(DOMAIN);
    const customer = shop.customers.get("7000000010");
    if (!customer) throw new Error("no customer");
    (customer as { state: string }).state = "ARCHIVED";
    const error = await fetchCustomerDetails(admin(), ["7000000010"]).catch((e: unknown) => e);
    // the stand-in's own schema refuses the value first, as Shopify's enum would
    expect(error).toBeInstanceOf(AdminApiError);
    (customer as { state: string }).state = "ENABLED";
  });
});
