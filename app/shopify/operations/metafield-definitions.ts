import { z } from "zod";
import { AdminApiError, runOperation, type AdminClient, type AdminRequestOptions } from "../admin-client.server";
import { defineOperation, graphql } from "../graphql";

/**
 * The shop's customer metafield definitions: what makes `metafields.<namespace>.<key>` a filter of
 * the segment editor. Read whole (a shop has at most a few hundred per owner type) by the full
 * sync, the daily reconcile and the metafield_definitions/* webhooks, whose bodies are too thin to
 * trust. Reading customer definitions needs read_customers, which the app has.
 * https://shopify.dev/docs/api/admin-graphql/latest/queries/metafieldDefinitions
 */

/** Definitions per page at most: 2 + 250 × 2 = 502 requested points. */
export const DEFINITIONS_PAGE_SIZE = 250;

export const CUSTOMER_METAFIELD_DEFINITIONS_QUERY = graphql`#graphql
  query AppCustomerMetafieldDefinitions($first: Int!, $after: String) {
    metafieldDefinitions(ownerType: CUSTOMER, first: $first, after: $after) {
      nodes { id namespace key name type { name } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** A customer metafield definition as Shopify has it; `type` is Shopify's type name ("date", "number_integer" …). */
export interface ShopifyMetafieldDefinition {
  /** gid://shopify/MetafieldDefinition/… */
  shopifyId: string;
  namespace: string;
  key: string;
  name: string;
  type: string;
}

const definitionNode = z
  .object({
    id: z.string().regex(/^gid:\/\/shopify\/MetafieldDefinition\/\d+$/, "expected a MetafieldDefinition id"),
    namespace: z.string().min(1, "a namespace is never empty"),
    key: z.string().min(1, "a key is never empty"),
    name: z.string(),
    type: z.object({ name: z.string().min(1, "a type name is never empty") }),
  })
  .transform((node): ShopifyMetafieldDefinition => ({ shopifyId: node.id, namespace: node.namespace, key: node.key, name: node.name, type: node.type.name }));

export const customerMetafieldDefinitionsData = z.object({
  metafieldDefinitions: z.object({
    nodes: z.array(definitionNode),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

export type CustomerMetafieldDefinitionsData = z.output<typeof customerMetafieldDefinitionsData>;

export const customerMetafieldDefinitionsQuery = defineOperation<CustomerMetafieldDefinitionsData, { first: number; after: string | null }>(
  CUSTOMER_METAFIELD_DEFINITIONS_QUERY,
  customerMetafieldDefinitionsData,
);

/**
 * Definitions per page: DEFINITIONS_PAGE_SIZE, or fewer when the shop's bucket (as last read) is
 * smaller than such a page costs — a query dearer than the whole bucket could never run.
 */
export function definitionsPageSize(admin: AdminClient): number {
  const bucket = admin.bucket.throttleStatus?.maximumAvailable;
  if (bucket === undefined) return DEFINITIONS_PAGE_SIZE;
  return Math.max(1, Math.min(DEFINITIONS_PAGE_SIZE, Math.floor((bucket - 2) / 2)));
}

/** A guard against an answer whose pages never end, far beyond any shop's definitions. */
const MAX_PAGES = 10_000;

/**
 * Every customer metafield definition of the shop, app-reserved namespaces included (the store
 * decides what to keep). An answer that does not fit fails with an AdminApiError naming the field.
 */
export async function fetchCustomerMetafieldDefinitions(admin: AdminClient, options: AdminRequestOptions = {}): Promise<ShopifyMetafieldDefinition[]> {
  const definitions: ShopifyMetafieldDefinition[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    options.signal?.throwIfAborted();
    const data: CustomerMetafieldDefinitionsData = await runOperation(admin, customerMetafieldDefinitionsQuery, { first: definitionsPageSize(admin), after }, options);
    const { nodes, pageInfo } = data.metafieldDefinitions;
    definitions.push(...nodes);
    if (!pageInfo.hasNextPage || pageInfo.endCursor === null) return definitions;
    // a cursor that does not move would page forever
    if (pageInfo.endCursor === after) break;
    after = pageInfo.endCursor;
  }
  throw new AdminApiError(`Admin API ${admin.shop} AppCustomerMetafieldDefinitions: unexpected response: the pages of definitions do not end`, 200, ["INVALID_RESPONSE"], {
    operation: "AppCustomerMetafieldDefinitions",
  });
}
