import { z } from "zod";
import { AdminApiError, adminQuery, assertNoUserErrors, runOperation, type AdminClient, type AdminRequestOptions } from "../admin-client.server";
import { defineOperation, graphql } from "../graphql";

/**
 * Publishing segment membership to Shopify (decision 010): the app-owned customer metafield
 * `$app:segments` (a list of segment handles), its definition with storefront read access, and the
 * customer tags `segment:<handle>`. https://shopify.dev/docs/apps/build/metafields/definitions
 */

export const SEGMENTS_METAFIELD = { namespace: "$app", key: "segments", type: "list.single_line_text_field", name: "Segments" } as const;

/** Shopify: "Allows a maximum of 25 metafields to be set at a time." */
export const METAFIELDS_PER_SET = 25;
/** Identifiers per metafieldsDelete: kept to the same 25 (every input array may hold 250). */
export const METAFIELDS_PER_DELETE = 25;
/** Every mutation field costs 10 points, aliases included. */
export const MUTATION_FIELD_COST = 10;
/** The most one query may cost. */
export const MAX_QUERY_COST = 1_000;

// ------------------------------------------------------------------------------------------------
// the definition

export const SEGMENTS_DEFINITION_CREATE = graphql`#graphql
  mutation AppSegmentsDefinitionCreate($definition: MetafieldDefinitionInput!) {
    metafieldDefinitionCreate(definition: $definition) {
      createdDefinition { id access { storefront } }
      userErrors { field message code }
    }
  }
`;

const userError = z.object({ field: z.array(z.string()).nullish(), message: z.string(), code: z.string().nullish() });

const definitionCreateData = z.object({
  metafieldDefinitionCreate: z.object({
    createdDefinition: z.object({ id: z.string().min(1), access: z.object({ storefront: z.string().nullable() }) }).nullable(),
    userErrors: z.array(userError),
  }),
});

export const segmentsDefinitionCreate = defineOperation<z.output<typeof definitionCreateData>, { definition: Record<string, unknown> }>(SEGMENTS_DEFINITION_CREATE, definitionCreateData);

export const SEGMENTS_DEFINITION_QUERY = graphql`#graphql
  query AppSegmentsDefinition {
    metafieldDefinitions(ownerType: CUSTOMER, namespace: "$app", key: "segments", first: 1) {
      nodes { id type { name } access { storefront } }
    }
  }
`;

const definitionQueryData = z.object({
  metafieldDefinitions: z.object({
    nodes: z.array(z.object({ id: z.string().min(1), type: z.object({ name: z.string() }), access: z.object({ storefront: z.string().nullable() }) })),
  }),
});

export const segmentsDefinitionQuery = defineOperation<z.output<typeof definitionQueryData>>(SEGMENTS_DEFINITION_QUERY, definitionQueryData);

export interface SegmentsDefinition {
  /** gid://shopify/MetafieldDefinition/… */
  id: string;
  /** MetafieldStorefrontAccess: PUBLIC_READ when the theme block can read it */
  storefront: string | null;
  created: boolean;
}

/**
 * Creates the `$app:segments` customer metafield definition — readable by the storefront (the
 * theme block, the discount Function), read-only for the merchant — or, when it exists already
 * (TAKEN), finds it. Any other refusal is an AdminApiError.
 */
export async function createOrFindSegmentsDefinition(admin: AdminClient, options: AdminRequestOptions = {}): Promise<SegmentsDefinition> {
  const definition = {
    name: SEGMENTS_METAFIELD.name,
    namespace: SEGMENTS_METAFIELD.namespace,
    key: SEGMENTS_METAFIELD.key,
    description: "The app's segments this customer belongs to (handles), for the storefront and discounts.",
    type: SEGMENTS_METAFIELD.type,
    ownerType: "CUSTOMER",
    access: { admin: "MERCHANT_READ", storefront: "PUBLIC_READ" },
  };
  const data = await runOperation(admin, segmentsDefinitionCreate, { definition }, options);
  const { createdDefinition, userErrors } = data.metafieldDefinitionCreate;
  if (createdDefinition) return { id: createdDefinition.id, storefront: createdDefinition.access.storefront, created: true };
  if (userErrors.some((e) => e.code === "TAKEN")) {
    const found = await runOperation(admin, segmentsDefinitionQuery, {}, options);
    const node = found.metafieldDefinitions.nodes[0];
    if (node) return { id: node.id, storefront: node.access.storefront, created: false };
  }
  assertNoUserErrors("metafieldDefinitionCreate", userErrors);
  throw new AdminApiError("metafieldDefinitionCreate: no definition was created and none was found", 200, ["INVALID_RESPONSE"], { operation: "AppSegmentsDefinition" });
}

// ------------------------------------------------------------------------------------------------
// one publishing request: metafieldsSet, metafieldsDelete, tagsAdd and tagsRemove as aliases

/** One mutation field of a publishing request. */
export type PublishField =
  | { kind: "set"; metafields: readonly { ownerId: string; value: string }[] }
  | { kind: "delete"; ownerIds: readonly string[] }
  | { kind: "tagsAdd"; ownerId: string; tags: readonly string[] }
  | { kind: "tagsRemove"; ownerId: string; tags: readonly string[] };

export interface PublishUserError {
  field: string[] | null;
  message: string;
  code: string | null;
  elementIndex: number | null;
}

/** A field's outcome: its userErrors (none: done), or null when Shopify gave no payload for it. */
export type PublishFieldResult = PublishUserError[] | null;

/** The customer's gid, from the legacy numeric id the store keeps. */
export function customerGid(shopifyId: string): string {
  return `gid://shopify/Customer/${shopifyId}`;
}

/** The document and variables for these fields, in their order (f0, f1 …); one document per shape. */
export function publishRequest(fields: readonly PublishField[]): { document: string; variables: Record<string, unknown> } {
  const declarations: string[] = [];
  const selections: string[] = [];
  const variables: Record<string, unknown> = {};
  fields.forEach((field, i) => {
    const v = `v${i}`;
    switch (field.kind) {
      case "set":
        declarations.push(`$${v}: [MetafieldsSetInput!]!`);
        selections.push(`f${i}: metafieldsSet(metafields: $${v}) { userErrors { field message code elementIndex } }`);
        variables[v] = field.metafields.map((m) => ({ ownerId: m.ownerId, namespace: SEGMENTS_METAFIELD.namespace, key: SEGMENTS_METAFIELD.key, type: SEGMENTS_METAFIELD.type, value: m.value }));
        break;
      case "delete":
        declarations.push(`$${v}: [MetafieldIdentifierInput!]!`);
        selections.push(`f${i}: metafieldsDelete(metafields: $${v}) { userErrors { field message } }`);
        variables[v] = field.ownerIds.map((ownerId) => ({ ownerId, namespace: SEGMENTS_METAFIELD.namespace, key: SEGMENTS_METAFIELD.key }));
        break;
      case "tagsAdd":
      case "tagsRemove":
        declarations.push(`$${v}: ID!`, `$t${i}: [String!]!`);
        selections.push(`f${i}: ${field.kind}(id: $${v}, tags: $t${i}) { userErrors { field message } }`);
        variables[v] = field.ownerId;
        variables[`t${i}`] = [...field.tags];
        break;
    }
  });
  const document = `mutation AppPublishSegments(${declarations.join(", ")}) {\n  ${selections.join("\n  ")}\n}`;
  return { document, variables };
}

const fieldPayload = z
  .object({
    userErrors: z.array(
      z.object({
        field: z.array(z.string()).nullish(),
        message: z.string(),
        code: z.string().nullish(),
        elementIndex: z.number().int().nullish(),
      }),
    ),
  })
  .nullable();

/**
 * Sends the fields as one request, charged 10 points a field, and returns each field's userErrors
 * in order. metafieldsSet is all or nothing per field; the other fields stand on their own.
 */
export async function sendPublishFields(admin: AdminClient, fields: readonly PublishField[], options: AdminRequestOptions = {}): Promise<PublishFieldResult[]> {
  if (fields.length === 0) return [];
  const { document, variables } = publishRequest(fields);
  const schema = z.record(z.string(), fieldPayload);
  const data = await adminQuery(admin, document, variables, schema, { cost: fields.length * MUTATION_FIELD_COST, ...options });
  return fields.map((_, i) => {
    const payload = data[`f${i}`];
    if (!payload) return null;
    return payload.userErrors.map((e) => ({ field: e.field ?? null, message: e.message, code: e.code ?? null, elementIndex: e.elementIndex ?? null }));
  });
}
