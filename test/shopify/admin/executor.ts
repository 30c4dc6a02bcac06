import {
  execute,
  GraphQLError,
  GraphQLObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { actualCost, fragmentsOf, requestedCost } from "./cost";
import { discountNode, mutationResolvers } from "./mutations";
import { queryResolvers, r, type Ctx, type ResolverMap } from "./resolvers";
import { gid } from "./store";
import { baseSchema } from "./schema";
import type { ShopState } from "./store";

export const MAX_QUERY_COST = 1000;

export interface BucketOptions {
  maximumAvailable: number;
  restoreRate: number;
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

export interface GraphQLResponseBody {
  data?: unknown;
  errors?: unknown[];
  extensions?: { cost: CostExtension | Record<string, unknown> };
}

let attached = false;

/** The shared schema with resolvers attached (once per process). */
export function standInSchema(): GraphQLSchema {
  const schema = baseSchema();
  if (attached) return schema;
  attached = true;
  // discount lookups live here: they need mutations.ts, which itself imports resolvers.ts
  const discountLookup = (kind: "automatic" | "code", type: string) =>
    r<unknown, { id: string }>((_s, { id }, ctx) => {
      const d = ctx.shop.discounts.find((x) => x.kind === kind && gid(type, x.id) === id);
      return d ? discountNode(d, ctx) : null;
    });
  const all: ResolverMap = {
    ...queryResolvers,
    QueryRoot: {
      ...queryResolvers["QueryRoot"],
      automaticDiscountNode: discountLookup("automatic", "DiscountAutomaticNode"),
      codeDiscountNode: discountLookup("code", "DiscountCodeNode"),
    },
    Mutation: mutationResolvers,
  };
  for (const [typeName, fields] of Object.entries(all)) {
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) throw new Error(`resolvers for unknown type ${typeName}`);
    const defined = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = defined[fieldName];
      if (!field) throw new Error(`resolver for unknown field ${typeName}.${fieldName}`);
      field.resolve = resolve;
    }
  }
  return schema;
}

/** graphql-js messages → the codes Shopify's graphql-ruby puts in extensions.code. */
function validationCode(message: string): string {
  const rules: [RegExp, string][] = [
    [/^Cannot query field/, "undefinedField"],
    [/^Unknown argument/, "argumentNotAccepted"],
    [/argument .* is required/, "missingRequiredArguments"],
    [/^Unknown type/, "undefinedType"],
    [/must have a selection of subfields|must not have a selection/, "selectionMismatch"],
    [/is never used/, "variableNotUsed"],
    [/is not defined/, "undefinedVariable"],
    [/^Unknown fragment/, "undefinedFragment"],
    [/cannot represent|Expected value of type|Enum .* has no value/, "argumentLiteralsIncompatible"],
    [/used in position expecting/, "variableMismatch"],
  ];
  return rules.find(([re]) => re.test(message))?.[1] ?? "GRAPHQL_VALIDATION_FAILED";
}

function formatError(error: GraphQLError, fallbackCode?: string): GraphQLFormattedError {
  const formatted = error.toJSON();
  const code = formatted.extensions?.["code"] ?? fallbackCode;
  return { ...formatted, ...(code ? { extensions: { ...formatted.extensions, code } } : {}) };
}

/** Refills the shop's bucket by the time passed, as a leaky bucket does. */
export function refill(shop: ShopState, options: BucketOptions, nowMs: number): void {
  const elapsed = Math.max(0, nowMs - shop.bucket.updatedAtMs) / 1000;
  shop.bucket.available = Math.min(options.maximumAvailable, shop.bucket.available + elapsed * options.restoreRate);
  shop.bucket.updatedAtMs = nowMs;
}

function costExtension(shop: ShopState, options: BucketOptions, requested: number, actual: number | null): CostExtension {
  return {
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: { maximumAvailable: options.maximumAvailable, currentlyAvailable: Math.floor(shop.bucket.available), restoreRate: options.restoreRate },
  };
}

export interface RunRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** Parses, validates, prices, throttles and executes one GraphQL request against a shop. */
export async function runGraphQL(ctx: Ctx, bucket: BucketOptions, request: RunRequest): Promise<GraphQLResponseBody> {
  const { shop } = ctx;
  const schema = standInSchema();
  refill(shop, bucket, ctx.env.now());
  const noCost = () => ({ cost: costExtension(shop, bucket, 0, 0) });
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    const e = error instanceof GraphQLError ? error : new GraphQLError(String(error));
    return { errors: [formatError(e)], extensions: noCost() };
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length) return { errors: validationErrors.map((e) => formatError(e, validationCode(e.message))), extensions: noCost() };

  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = request.operationName ? operations.find((o) => o.name?.value === request.operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) {
    const message = request.operationName ? `No operation named "${request.operationName}"` : "An operation name is required";
    return { errors: [{ message, extensions: { code: "OPERATION_NOT_FOUND" } }], extensions: noCost() };
  }
  const variables = request.variables ?? {};
  const fragments = fragmentsOf(document);
  const requested = requestedCost(schema, operation, fragments, variables);
  if (requested > MAX_QUERY_COST) {
    return {
      errors: [
        {
          message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
          extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_QUERY_COST },
        },
      ],
      extensions: { cost: costExtension(shop, bucket, requested, null) },
    };
  }
  if (shop.bucket.available < requested) {
    return {
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      extensions: { cost: costExtension(shop, bucket, requested, null) },
    };
  }
  shop.bucket.available -= requested;
  const result = await execute({ schema, document, operationName: operation.name?.value ?? null, variableValues: variables, contextValue: ctx });
  const executed = result.data !== undefined;
  const actual = executed ? actualCost(schema, operation, fragments, variables, result.data) : 0;
  // the unused part of the requested cost is refunded, as Shopify does
  shop.bucket.available = Math.min(bucket.maximumAvailable, shop.bucket.available + (requested - actual));
  const body: GraphQLResponseBody = {};
  if (result.errors?.length) body.errors = result.errors.map((e) => formatError(e, executed ? undefined : "INVALID_VARIABLE"));
  if (executed) body.data = result.data;
  body.extensions = { cost: costExtension(shop, bucket, requested, actual) };
  return body;
}
