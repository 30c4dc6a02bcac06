import { z } from "zod";
import { AdminApiError, runOperation, type AdminClient, type AdminRequestOptions } from "../admin-client.server";
import { defineOperation, graphql } from "../graphql";
import { customerFromGraphql, graphqlMetafield, ShopifyRecordError, type BulkResource } from "~/sync/from-graphql";
import type { CustomerInput, MetafieldInput } from "~/sync/records";
import { BULK_OPERATION_FIELDS, bulkOperation } from "./bulk-operations";

/**
 * What the sync reads from Shopify: the bulk queries of the initial import (products, customers,
 * orders), and the customer details a webhook body lacks (tags, consents, metafields), fetched
 * for up to 50 customers at once. One selection per resource serves both, so an imported customer
 * and a refreshed one are the same record (app/sync/from-graphql.ts maps them).
 *
 * Field names and nullability are Shopify's (the stand-in's schema, test/shopify/admin/schema.ts,
 * follows them). Bulk queries obey Shopify's limits — at most 5 connections, nested at most 2
 * deep, no connection inside a list — and inline their selections instead of spreading fragments.
 * https://shopify.dev/docs/api/usage/bulk-operations/queries
 */

/** A customer's own fields; its metafields are a connection, selected where it is used. */
export const CUSTOMER_SELECTION = `
  id firstName lastName email phone locale tags state verifiedEmail note createdAt updatedAt
  emailMarketingConsent { marketingState consentUpdatedAt }
  smsMarketingConsent { marketingState consentUpdatedAt }
  defaultAddress { id }
  addresses { id city province provinceCode countryCodeV2 zip company }`;

/** `id` lets a bulk child line say what it is (gid://shopify/Metafield/…). */
export const METAFIELD_SELECTION = `id namespace key type value`;

const SHOP_MONEY = `shopMoney { amount currencyCode }`;

/** An order's own fields with its refunds (a list, not a connection: it stays on the order's line). */
export const ORDER_SELECTION = `
  id name email currencyCode
  customer { id }
  subtotalPriceSet { ${SHOP_MONEY} }
  totalDiscountsSet { ${SHOP_MONEY} }
  totalShippingPriceSet { ${SHOP_MONEY} }
  totalTaxSet { ${SHOP_MONEY} }
  totalPriceSet { ${SHOP_MONEY} }
  discountCodes displayFinancialStatus cancelledAt cancelReason test processedAt createdAt updatedAt
  refunds { id createdAt updatedAt note totalRefundedSet { ${SHOP_MONEY} } }`;

export const LINE_ITEM_SELECTION = `
  id title quantity sku
  product { id }
  variant { id }
  originalUnitPriceSet { ${SHOP_MONEY} }
  totalDiscountSet { ${SHOP_MONEY} }`;

export const PRODUCT_SELECTION = `id title handle productType vendor tags createdAt updatedAt`;
export const VARIANT_SELECTION = `id sku title price`;
export const COLLECTION_SELECTION = `id handle title`;

/** Products with their variants and collections: 3 connections. */
export const PRODUCTS_BULK_QUERY = graphql`#graphql
  {
    products {
      edges {
        node {
          ${PRODUCT_SELECTION}
          variants { edges { node { ${VARIANT_SELECTION} } } }
          collections { edges { node { ${COLLECTION_SELECTION} } } }
        }
      }
    }
  }
`;

/** Customers with their addresses, consents and metafields: 2 connections. */
export const CUSTOMERS_BULK_QUERY = graphql`#graphql
  {
    customers {
      edges {
        node {
          ${CUSTOMER_SELECTION}
          metafields { edges { node { ${METAFIELD_SELECTION} } } }
        }
      }
    }
  }
`;

/** Orders with their refunds and line items: 2 connections. */
export const ORDERS_BULK_QUERY = graphql`#graphql
  {
    orders {
      edges {
        node {
          ${ORDER_SELECTION}
          lineItems { edges { node { ${LINE_ITEM_SELECTION} } } }
        }
      }
    }
  }
`;

export const SYNC_BULK_QUERIES: Readonly<Record<BulkResource, string>> = {
  products: PRODUCTS_BULK_QUERY,
  customers: CUSTOMERS_BULK_QUERY,
  orders: ORDERS_BULK_QUERY,
};

// ------------------------------------------------------------------------------------ watching a bulk query

const unsignedInt64 = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number);

/** A bulk operation as the sync watches it: rootObjectCount is what the progress bar counts. */
export const syncBulkOperation = bulkOperation.extend({ rootObjectCount: unsignedInt64 });
export type SyncBulkOperation = z.infer<typeof syncBulkOperation>;

export const SYNC_BULK_OPERATION_QUERY = graphql`#graphql
  query AppSyncBulkOperation($id: ID!) {
    bulkOperation(id: $id) { ...AppBulkOperation rootObjectCount }
  }
  ${BULK_OPERATION_FIELDS}
`;

export const syncBulkOperationData = z.object({ bulkOperation: syncBulkOperation.nullable() });

export const syncBulkOperationQuery = defineOperation<z.infer<typeof syncBulkOperationData>, { id: string }>(SYNC_BULK_OPERATION_QUERY, syncBulkOperationData);

/**
 * The app's latest bulk operations, newest first (2026-01+): a process killed between starting an
 * export and recording its id finds it here instead of starting another.
 */
export const RECENT_BULK_OPERATIONS_QUERY = graphql`#graphql
  query AppSyncRecentBulkOperations {
    bulkOperations(first: 10, sortKey: CREATED_AT) {
      nodes { ...AppBulkOperation rootObjectCount type query }
    }
  }
  ${BULK_OPERATION_FIELDS}
`;

export const recentBulkOperationsData = z.object({
  bulkOperations: z.object({ nodes: z.array(syncBulkOperation.extend({ type: z.enum(["QUERY", "MUTATION"]), query: z.string() })) }),
});

export const recentBulkOperationsQuery = defineOperation<z.infer<typeof recentBulkOperationsData>>(RECENT_BULK_OPERATIONS_QUERY, recentBulkOperationsData);

/** How much the import will bring, for the progress bar before the first export finishes. */
export const SYNC_COUNTS_QUERY = graphql`#graphql
  query AppSyncCounts {
    productsCount(limit: null) { count }
    customersCount(limit: null) { count }
    ordersCount(limit: null) { count }
  }
`;

const count = z.object({ count: z.number().int().nonnegative() }).nullable();
export const syncCountsData = z.object({ productsCount: count, customersCount: count, ordersCount: count });

export const syncCountsQuery = defineOperation<z.infer<typeof syncCountsData>>(SYNC_COUNTS_QUERY, syncCountsData);

// ------------------------------------------------------------------------------------ customer details

/** Shopify's nodes(ids:) takes this many at once in this app (its cost stays well under 1,000). */
export const CUSTOMER_DETAILS_BATCH = 50;
/** Metafields per customer in the first request; a customer with more is paged on its own. */
const FIRST_METAFIELDS = 10;

const metafieldPage = z.object({
  nodes: z.array(graphqlMetafield),
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
});

export const CUSTOMER_DETAILS_QUERY = graphql`#graphql
  query AppSyncCustomerDetails($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Customer {
        ...AppSyncCustomer
        metafields(first: ${FIRST_METAFIELDS}) {
          nodes { namespace key type value }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
  fragment AppSyncCustomer on Customer { ${CUSTOMER_SELECTION} }
`;

/** Each node stays raw here: app/sync/from-graphql.ts validates it as a customer, field by field. */
export const customerDetailsData = z.object({ nodes: z.array(z.record(z.string(), z.unknown()).nullable()) });

export const customerDetailsQuery = defineOperation<z.infer<typeof customerDetailsData>, { ids: string[] }>(CUSTOMER_DETAILS_QUERY, customerDetailsData);

export const CUSTOMER_METAFIELDS_QUERY = graphql`#graphql
  query AppSyncCustomerMetafields($id: ID!, $after: String) {
    customer(id: $id) {
      metafields(first: 250, after: $after) {
        nodes { namespace key type value }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

export const customerMetafieldsData = z.object({ customer: z.object({ metafields: metafieldPage }).nullable() });

export const customerMetafieldsQuery = defineOperation<z.infer<typeof customerMetafieldsData>, { id: string; after: string | null }>(CUSTOMER_METAFIELDS_QUERY, customerMetafieldsData);

const legacyIds = z.array(z.string().regex(/^\d+$/, "expected a legacy numeric customer id such as \"7781234\""));

/**
 * The customer details refresh: each customer's record as the Admin API has it now — tags,
 * marketing consents, every metafield, updatedAt and the rest — for the customers that still
 * exist (a deleted one is simply absent). Ids are the store's legacy numeric ids; any number of
 * them, fetched 50 at a time, through the cost-aware client.
 */
export async function fetchCustomerDetails(admin: AdminClient, shopifyIds: readonly string[], options: AdminRequestOptions = {}): Promise<CustomerInput[]> {
  const checked = legacyIds.safeParse(shopifyIds);
  if (!checked.success) throw new Error(`fetchCustomerDetails: ${checked.error.issues[0]?.message ?? "invalid ids"}`);
  const ids = [...new Set(checked.data)];
  const customers: CustomerInput[] = [];
  for (let i = 0; i < ids.length; i += CUSTOMER_DETAILS_BATCH) {
    const gids = ids.slice(i, i + CUSTOMER_DETAILS_BATCH).map((id) => `gid://shopify/Customer/${id}`);
    const data = await runOperation(admin, customerDetailsQuery, { ids: gids }, options);
    for (const node of data.nodes) {
      if (node === null) continue;
      const customer = asAdminAnswer(admin, () => customerFromGraphql(node));
      const first = asAdminAnswer(admin, () => parseMetafieldPage(node["metafields"], customer.shopifyId));
      const metafields = [...first.nodes];
      let page = first.pageInfo;
      let gone = false;
      while (page.hasNextPage && page.endCursor !== null) {
        const more = await runOperation(admin, customerMetafieldsQuery, { id: `gid://shopify/Customer/${customer.shopifyId}`, after: page.endCursor }, options);
        // deleted while we read its metafields: it no longer exists
        if (!more.customer) {
          gone = true;
          break;
        }
        metafields.push(...more.customer.metafields.nodes);
        page = more.customer.metafields.pageInfo;
      }
      if (!gone) customers.push({ ...customer, metafields: metafields.map((m): MetafieldInput => ({ namespace: m.namespace, key: m.key, type: m.type, value: m.value })) });
    }
  }
  return customers;
}

function parseMetafieldPage(value: unknown, customerId: string): z.infer<typeof metafieldPage> {
  const result = metafieldPage.safeParse(value);
  if (result.success) return result.data;
  throw new ShopifyRecordError(`customer ${customerId} metafields: ${result.error.issues[0]?.message ?? "invalid"}`);
}

/** A node that does not fit is an invalid Admin API answer, reported like any other. */
function asAdminAnswer<T>(admin: AdminClient, map: () => T): T {
  try {
    return map();
  } catch (error) {
    if (!(error instanceof ShopifyRecordError)) throw error;
    throw new AdminApiError(`Admin API ${admin.shop} AppSyncCustomerDetails: unexpected response: ${error.message}`, 200, ["INVALID_RESPONSE"], {
      operation: "AppSyncCustomerDetails",
      cause: error,
    });
  }
}
