import { z } from "zod";
import { AdminApiError, runOperation, type AdminClient, type AdminRequestOptions } from "../admin-client.server";
import { defineOperation, graphql, type AdminOperation } from "../graphql";
import { collectionFromGraphql, lineItemFromGraphql, orderFromGraphql, productFromGraphql, ShopifyRecordError, variantFromGraphql } from "~/sync/from-graphql";
import type { CollectionInput, OrderInput, OrderLineInput, ProductInput, VariantInput } from "~/sync/records";
import { COLLECTION_SELECTION, LINE_ITEM_SELECTION, ORDER_SELECTION, PRODUCT_SELECTION, VARIANT_SELECTION } from "./sync-queries";

/**
 * What reconciliation reads from Shopify (app/sync/reconcile.server.ts): the ids and updatedAt of
 * recently changed records, counts of records in id ranges (to find what the store holds that
 * Shopify no longer has, without listing every id), the ids in a range, and whole orders and
 * products by id. Customers are re-read with the sync's customer details query
 * (sync-queries.ts, fetchCustomerDetails); orders and products use the sync's selections too,
 * so a reconciled record is the same record an import writes.
 *
 * Shopify's search syntax: `updated_at:>='2026-11-23T12:00:00Z'`, `id:>=123 id:<=456`.
 * https://shopify.dev/docs/api/usage/search-syntax
 * Counts: customersCount / ordersCount / productsCount return Count { count precision }, capped at
 * 10,000 unless `limit: null` (2025-07+). https://shopify.dev/changelog/uncapped-graphql-counts
 */

/** The resources reconciliation compares, by the name of their root connection. */
export type ReconciledResource = "customers" | "orders" | "products";

const TYPE_OF: Record<ReconciledResource, string> = { customers: "Customer", orders: "Order", products: "Product" };
const NAME_OF: Record<ReconciledResource, string> = { customers: "Customers", orders: "Orders", products: "Products" };

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/;

function legacyIdOf(type: string) {
  return z.string().transform((value, ctx) => {
    const match = GID.exec(value);
    if (match?.[1] === type && match[2]) return match[2];
    ctx.addIssue({ code: "custom", message: `expected a ${type} id, got ${JSON.stringify(value)}` });
    return z.NEVER;
  });
}

const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

/** Records per page when listing ids: a page costs 2 + 250 × 1. */
export const ID_PAGE_SIZE = 250;

// ------------------------------------------------------------------------------------ recently updated

export interface RecentRecord {
  /** legacy numeric id */
  id: string;
  updatedAt: Date;
}

const recentOperations = new Map<ReconciledResource, AdminOperation<{ page: { nodes: RecentRecord[]; pageInfo: z.infer<typeof pageInfo> } }, { query: string; after: string | null }>>();

function recentOperation(resource: ReconciledResource) {
  let operation = recentOperations.get(resource);
  if (!operation) {
    const document = graphql`#graphql
      query AppReconcileRecent${NAME_OF[resource]}($query: String!, $after: String) {
        page: ${resource}(first: ${ID_PAGE_SIZE}, after: $after, query: $query, sortKey: UPDATED_AT) {
          nodes { id updatedAt }
          pageInfo { hasNextPage endCursor }
        }
      }
    `;
    const schema = z.object({
      page: z.object({
        nodes: z.array(z.object({ id: legacyIdOf(TYPE_OF[resource]), updatedAt: z.iso.datetime({ offset: true }).transform((v) => new Date(v)) })),
        pageInfo,
      }),
    });
    operation = defineOperation(document, schema);
    recentOperations.set(resource, operation);
  }
  return operation;
}

/** Shopify's search value for an instant: quoted ISO-8601 in UTC, whole seconds (rounded down, so nothing at the edge is missed). */
export function searchInstant(at: Date): string {
  return `'${new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z")}'`;
}

/** Every record of the resource updated at or after `since`: ids and updatedAt only, oldest first. */
export async function listRecentlyUpdated(admin: AdminClient, resource: ReconciledResource, since: Date, options: AdminRequestOptions = {}): Promise<RecentRecord[]> {
  const query = `updated_at:>=${searchInstant(since)}`;
  const records: RecentRecord[] = [];
  let after: string | null = null;
  for (;;) {
    options.signal?.throwIfAborted();
    const { page }: { page: { nodes: RecentRecord[]; pageInfo: z.infer<typeof pageInfo> } } = await runOperation(admin, recentOperation(resource), { query, after }, options);
    records.push(...page.nodes);
    if (!page.pageInfo.hasNextPage || page.pageInfo.endCursor === null) return records;
    after = page.pageInfo.endCursor;
  }
}

// ------------------------------------------------------------------------------------ counts by id range

/** An inclusive range of legacy numeric ids. */
export interface IdRange {
  from: bigint;
  to: bigint;
}

/** Ranges counted per request: each count costs 1, aliases keep it one round trip. */
export const RANGES_PER_REQUEST = 8;

export function rangeQuery(range: IdRange): string {
  return `id:>=${range.from} id:<=${range.to}`;
}

const countField = z.object({ count: z.number().int().nonnegative() }).nullable();
const rangeCountOperations = new Map<string, AdminOperation<Record<string, { count: number } | null>, Record<string, string>>>();

function rangeCountOperation(resource: ReconciledResource, ranges: number) {
  const key = `${resource}:${ranges}`;
  let operation = rangeCountOperations.get(key);
  if (!operation) {
    const indexes = Array.from({ length: ranges }, (_, i) => i);
    const document = `#graphql
      query AppReconcile${NAME_OF[resource]}RangeCounts${ranges}(${indexes.map((i) => `$q${i}: String!`).join(", ")}) {
        ${indexes.map((i) => `r${i}: ${resource}Count(query: $q${i}, limit: null) { count }`).join("\n        ")}
      }
    `;
    operation = defineOperation(document, z.object(Object.fromEntries(indexes.map((i) => [`r${i}`, countField]))) as z.ZodType<Record<string, { count: number } | null>>);
    rangeCountOperations.set(key, operation);
  }
  return operation;
}

/** How many records of the resource Shopify has in each id range (up to RANGES_PER_REQUEST per request). */
export async function countInRanges(admin: AdminClient, resource: ReconciledResource, ranges: readonly IdRange[], options: AdminRequestOptions = {}): Promise<number[]> {
  const counts: number[] = [];
  for (let i = 0; i < ranges.length; i += RANGES_PER_REQUEST) {
    options.signal?.throwIfAborted();
    const batch = ranges.slice(i, i + RANGES_PER_REQUEST);
    const variables = Object.fromEntries(batch.map((range, j) => [`q${j}`, rangeQuery(range)]));
    const data = await runOperation(admin, rangeCountOperation(resource, batch.length), variables, options);
    batch.forEach((_, j) => {
      const answer = data[`r${j}`];
      if (!answer) throw new AdminApiError(`Admin API ${admin.shop}: ${resource}Count answered null`, 200, ["INVALID_RESPONSE"], { operation: `AppReconcile${NAME_OF[resource]}RangeCounts` });
      counts.push(answer.count);
    });
  }
  return counts;
}

// ------------------------------------------------------------------------------------ ids in a range

const idsInRangeOperations = new Map<ReconciledResource, AdminOperation<{ page: { nodes: { id: string }[]; pageInfo: z.infer<typeof pageInfo> } }, { query: string; after: string | null }>>();

function idsInRangeOperation(resource: ReconciledResource) {
  let operation = idsInRangeOperations.get(resource);
  if (!operation) {
    const document = graphql`#graphql
      query AppReconcile${NAME_OF[resource]}Ids($query: String!, $after: String) {
        page: ${resource}(first: ${ID_PAGE_SIZE}, after: $after, query: $query, sortKey: ID) {
          nodes { id }
          pageInfo { hasNextPage endCursor }
        }
      }
    `;
    operation = defineOperation(document, z.object({ page: z.object({ nodes: z.array(z.object({ id: legacyIdOf(TYPE_OF[resource]) })), pageInfo }) }));
    idsInRangeOperations.set(resource, operation);
  }
  return operation;
}

/** The legacy ids of every record of the resource Shopify has in the range. */
export async function listIdsInRange(admin: AdminClient, resource: ReconciledResource, range: IdRange, options: AdminRequestOptions = {}): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    options.signal?.throwIfAborted();
    const { page }: { page: { nodes: { id: string }[]; pageInfo: z.infer<typeof pageInfo> } } = await runOperation(admin, idsInRangeOperation(resource), { query: rangeQuery(range), after }, options);
    ids.push(...page.nodes.map((node) => node.id));
    if (!page.pageInfo.hasNextPage || page.pageInfo.endCursor === null) return ids;
    after = page.pageInfo.endCursor;
  }
}

// ------------------------------------------------------------------------------------ existence by id

/** Ids per nodes(ids:) lookup when only existence is asked: each node costs 1. */
export const EXISTENCE_BATCH = 250;

const EXISTING_NODES_QUERY = graphql`#graphql
  query AppReconcileExisting($ids: [ID!]!) {
    nodes(ids: $ids) { id }
  }
`;

const existingNodes = defineOperation<{ nodes: ({ id: string } | null)[] }, { ids: string[] }>(
  EXISTING_NODES_QUERY,
  z.object({ nodes: z.array(z.object({ id: z.string() }).nullable()) }),
);

/**
 * Of these legacy ids, those Shopify still has, looked up by id (not through search, whose index
 * may lag a moment behind a write): what decides that a store record is gone.
 */
export async function existingIds(admin: AdminClient, resource: ReconciledResource, ids: readonly string[], options: AdminRequestOptions = {}): Promise<Set<string>> {
  const found = new Set<string>();
  const type = TYPE_OF[resource];
  for (let i = 0; i < ids.length; i += EXISTENCE_BATCH) {
    options.signal?.throwIfAborted();
    const gids = ids.slice(i, i + EXISTENCE_BATCH).map((id) => `gid://shopify/${type}/${id}`);
    const { nodes } = await runOperation(admin, existingNodes, { ids: gids }, options);
    for (const node of nodes) {
      const match = node ? GID.exec(node.id) : null;
      if (match?.[1] === type && match[2]) found.add(match[2]);
    }
  }
  return found;
}

// ------------------------------------------------------------------------------------ whole orders

/** Orders per request, and line items per order in it: about 5 × (17 + 25 × 7) ≈ 960 points if Shopify prices each node. */
export const ORDERS_BATCH = 5;
const FIRST_LINES = 25;

const lineItemPage = z.object({ nodes: z.array(z.record(z.string(), z.unknown())), pageInfo });

export const RECONCILE_ORDERS_QUERY = graphql`#graphql
  query AppReconcileOrders($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Order {
        ${ORDER_SELECTION}
        lineItems(first: ${FIRST_LINES}) {
          nodes { ${LINE_ITEM_SELECTION} }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
`;

const reconcileOrdersQuery = defineOperation<{ nodes: (Record<string, unknown> | null)[] }, { ids: string[] }>(
  RECONCILE_ORDERS_QUERY,
  z.object({ nodes: z.array(z.record(z.string(), z.unknown()).nullable()) }),
);

export const RECONCILE_ORDER_LINES_QUERY = graphql`#graphql
  query AppReconcileOrderLines($id: ID!, $after: String) {
    order(id: $id) {
      lineItems(first: 100, after: $after) {
        nodes { ${LINE_ITEM_SELECTION} }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

const reconcileOrderLinesQuery = defineOperation<{ order: { lineItems: z.infer<typeof lineItemPage> } | null }, { id: string; after: string | null }>(
  RECONCILE_ORDER_LINES_QUERY,
  z.object({ order: z.object({ lineItems: lineItemPage }).nullable() }),
);

/** Orders as Shopify has them now, with every line item and refund; a deleted one is simply absent. */
export async function fetchOrders(admin: AdminClient, shopifyIds: readonly string[], options: AdminRequestOptions = {}): Promise<OrderInput[]> {
  const orders: OrderInput[] = [];
  const ids = [...new Set(shopifyIds)];
  for (let i = 0; i < ids.length; i += ORDERS_BATCH) {
    options.signal?.throwIfAborted();
    const { nodes } = await runOperation(admin, reconcileOrdersQuery, { ids: ids.slice(i, i + ORDERS_BATCH).map((id) => `gid://shopify/Order/${id}`) }, options);
    for (const node of nodes) {
      if (node === null) continue;
      const order = asAdminAnswer(admin, "AppReconcileOrders", () => orderFromGraphql(node));
      const first = asAdminAnswer(admin, "AppReconcileOrders", () => parsePage(lineItemPage, node["lineItems"], `order ${order.shopifyId} lineItems`));
      const lines: OrderLineInput[] = first.nodes.map((line) => asAdminAnswer(admin, "AppReconcileOrders", () => lineItemFromGraphql(line)));
      let page = first.pageInfo;
      let gone = false;
      while (page.hasNextPage && page.endCursor !== null) {
        const more = await runOperation(admin, reconcileOrderLinesQuery, { id: `gid://shopify/Order/${order.shopifyId}`, after: page.endCursor }, options);
        // deleted while its lines were read: it no longer exists
        if (!more.order) {
          gone = true;
          break;
        }
        lines.push(...more.order.lineItems.nodes.map((line) => asAdminAnswer(admin, "AppReconcileOrderLines", () => lineItemFromGraphql(line))));
        page = more.order.lineItems.pageInfo;
      }
      if (!gone) orders.push({ ...order, lines });
    }
  }
  return orders;
}

// ------------------------------------------------------------------------------------ whole products

/** Products per request: 10 × (2 + 50 + 2 + 25) ≈ 790 points if Shopify prices each node. */
export const PRODUCTS_BATCH = 10;
const FIRST_VARIANTS = 50;
const FIRST_COLLECTIONS = 25;

const nodePage = z.object({ nodes: z.array(z.record(z.string(), z.unknown())), pageInfo });

export const RECONCILE_PRODUCTS_QUERY = graphql`#graphql
  query AppReconcileProducts($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Product {
        ${PRODUCT_SELECTION}
        variants(first: ${FIRST_VARIANTS}) { nodes { ${VARIANT_SELECTION} } pageInfo { hasNextPage endCursor } }
        collections(first: ${FIRST_COLLECTIONS}) { nodes { ${COLLECTION_SELECTION} } pageInfo { hasNextPage endCursor } }
      }
    }
  }
`;

const reconcileProductsQuery = defineOperation<{ nodes: (Record<string, unknown> | null)[] }, { ids: string[] }>(
  RECONCILE_PRODUCTS_QUERY,
  z.object({ nodes: z.array(z.record(z.string(), z.unknown()).nullable()) }),
);

export const RECONCILE_PRODUCT_CHILDREN_QUERY = graphql`#graphql
  query AppReconcileProductChildren($id: ID!, $variantsAfter: String, $collectionsAfter: String, $withVariants: Boolean!, $withCollections: Boolean!) {
    product(id: $id) {
      variants(first: 250, after: $variantsAfter) @include(if: $withVariants) { nodes { ${VARIANT_SELECTION} } pageInfo { hasNextPage endCursor } }
      collections(first: 250, after: $collectionsAfter) @include(if: $withCollections) { nodes { ${COLLECTION_SELECTION} } pageInfo { hasNextPage endCursor } }
    }
  }
`;

const reconcileProductChildrenQuery = defineOperation<
  { product: { variants?: z.infer<typeof nodePage>; collections?: z.infer<typeof nodePage> } | null },
  { id: string; variantsAfter: string | null; collectionsAfter: string | null; withVariants: boolean; withCollections: boolean }
>(RECONCILE_PRODUCT_CHILDREN_QUERY, z.object({ product: z.object({ variants: nodePage.optional(), collections: nodePage.optional() }).nullable() }));

/** Products as Shopify has them now, with every variant and collection; a deleted one is simply absent. */
export async function fetchProducts(admin: AdminClient, shopifyIds: readonly string[], shopCurrency: string, options: AdminRequestOptions = {}): Promise<ProductInput[]> {
  const products: ProductInput[] = [];
  const ids = [...new Set(shopifyIds)];
  for (let i = 0; i < ids.length; i += PRODUCTS_BATCH) {
    options.signal?.throwIfAborted();
    const { nodes } = await runOperation(admin, reconcileProductsQuery, { ids: ids.slice(i, i + PRODUCTS_BATCH).map((id) => `gid://shopify/Product/${id}`) }, options);
    for (const node of nodes) {
      if (node === null) continue;
      const product = asAdminAnswer(admin, "AppReconcileProducts", () => productFromGraphql(node));
      const variantsPage = asAdminAnswer(admin, "AppReconcileProducts", () => parsePage(nodePage, node["variants"], `product ${product.shopifyId} variants`));
      const collectionsPage = asAdminAnswer(admin, "AppReconcileProducts", () => parsePage(nodePage, node["collections"], `product ${product.shopifyId} collections`));
      const variants: VariantInput[] = variantsPage.nodes.map((v) => asAdminAnswer(admin, "AppReconcileProducts", () => variantFromGraphql(v, shopCurrency)));
      const collections: CollectionInput[] = collectionsPage.nodes.map((c) => asAdminAnswer(admin, "AppReconcileProducts", () => collectionFromGraphql(c)));
      let variantsAfter = variantsPage.pageInfo.hasNextPage ? variantsPage.pageInfo.endCursor : null;
      let collectionsAfter = collectionsPage.pageInfo.hasNextPage ? collectionsPage.pageInfo.endCursor : null;
      let gone = false;
      while (variantsAfter !== null || collectionsAfter !== null) {
        const more = await runOperation(
          admin,
          reconcileProductChildrenQuery,
          { id: `gid://shopify/Product/${product.shopifyId}`, variantsAfter, collectionsAfter, withVariants: variantsAfter !== null, withCollections: collectionsAfter !== null },
          options,
        );
        if (!more.product) {
          gone = true;
          break;
        }
        const { variants: v, collections: c } = more.product;
        if (v) {
          variants.push(...v.nodes.map((node) => asAdminAnswer(admin, "AppReconcileProductChildren", () => variantFromGraphql(node, shopCurrency))));
          variantsAfter = v.pageInfo.hasNextPage ? v.pageInfo.endCursor : null;
        }
        if (c) {
          collections.push(...c.nodes.map((node) => asAdminAnswer(admin, "AppReconcileProductChildren", () => collectionFromGraphql(node))));
          collectionsAfter = c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null;
        }
      }
      if (!gone) products.push({ ...product, variants, collections });
    }
  }
  return products;
}

// ------------------------------------------------------------------------------------ helpers

function parsePage<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ShopifyRecordError(`${what}: ${result.error.issues[0]?.message ?? "invalid"}`);
}

/** A node that does not fit is an invalid Admin API answer, reported like any other. */
function asAdminAnswer<T>(admin: AdminClient, operation: string, map: () => T): T {
  try {
    return map();
  } catch (error) {
    if (!(error instanceof ShopifyRecordError)) throw error;
    throw new AdminApiError(`Admin API ${admin.shop} ${operation}: unexpected response: ${error.message}`, 200, ["INVALID_RESPONSE"], { operation, cause: error });
  }
}
