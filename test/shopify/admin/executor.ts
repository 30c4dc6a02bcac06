import {
  execute,
  getArgumentValues,
  GraphQLError,
  GraphQLObjectType,
  Kind,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { actualCost, fragmentsOf, requestedCost } from "./cost";
import { formatError, formatValidationError, formatVariableError } from "./errors";
import { discountNodeResolvers, mutationResolvers } from "./mutations";
import { queryResolvers, type Ctx, type ResolverMap } from "./resolvers";
import { buildVersionSchema, SUPPORTED_VERSIONS } from "./schema";
import type { ShopState } from "./store";

export const MAX_QUERY_COST = 1000;
/** Shopify's limit on every input array, in every API. */
export const MAX_INPUT_ARRAY = 250;

/** The first argument array longer than Shopify accepts, with where it was given. */
function oversizedInput(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): GraphQLFormattedError | null {
  const typeInfo = new TypeInfo(schema);
  let found: GraphQLFormattedError | null = null;
  const longest = (value: unknown): number => {
    if (Array.isArray(value)) return Math.max(value.length, ...value.map(longest));
    if (value !== null && typeof value === "object") return Math.max(0, ...Object.values(value).map(longest));
    return 0;
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const def = typeInfo.getFieldDef();
        if (found || !def || !node.arguments?.length) return;
        let args: Record<string, unknown>;
        try {
          args = getArgumentValues(def, node, variables);
        } catch {
          return; // invalid variables are execution's to report
        }
        const size = longest(args);
        if (size > MAX_INPUT_ARRAY) {
          found = {
            message: `The input array size of ${size} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`,
            locations: [{ line: node.loc?.startToken.line ?? 1, column: node.loc?.startToken.column ?? 1 }],
            extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
          };
        }
      },
    }),
  );
  return found;
}

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

const schemas = new Map<string, GraphQLSchema>();
const LATEST = SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1] ?? "2026-10";

/** The schema of one API version with resolvers attached; built once per process and version. */
export function standInSchema(version: string = LATEST): GraphQLSchema {
  const cached = schemas.get(version);
  if (cached) return cached;
  const schema = buildVersionSchema(version);
  // discount node resolvers live in mutations.ts, which itself imports resolvers.ts
  const all: ResolverMap = { ...queryResolvers, ...discountNodeResolvers, QueryRoot: { ...queryResolvers["QueryRoot"], ...discountNodeResolvers["QueryRoot"] }, Mutation: mutationResolvers };
  for (const [typeName, fields] of Object.entries(all)) {
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) throw new Error(`resolvers for unknown type ${typeName}`);
    const defined = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = defined[fieldName];
      // a field this version lacks (bulkOperations before 2026-01) keeps no resolver; a typo is caught by the schema test
      if (field) field.resolve = resolve;
    }
  }
  schemas.set(version, schema);
  return schema;
}

/** Refills the shop's bucket by the time passed, as a leaky bucket does. */
export function refill(shop: ShopState, nowMs: number): void {
  const elapsed = Math.max(0, nowMs - shop.bucket.updatedAtMs) / 1000;
  shop.bucket.available = Math.min(shop.limits.maximumAvailable, shop.bucket.available + elapsed * shop.limits.restoreRate);
  shop.bucket.updatedAtMs = nowMs;
}

function costExtension(shop: ShopState, requested: number, actual: number | null): CostExtension {
  return {
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: { maximumAvailable: shop.limits.maximumAvailable, currentlyAvailable: Math.floor(shop.bucket.available), restoreRate: shop.limits.restoreRate },
  };
}

export interface RunRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** Parses, validates, prices, throttles and executes one GraphQL request against a shop. */
export async function runGraphQL(ctx: Ctx, request: RunRequest): Promise<GraphQLResponseBody> {
  const { shop } = ctx;
  const schema = standInSchema(ctx.version);
  refill(shop, ctx.env.now());
  const noCost = () => ({ cost: costExtension(shop, 0, 0) });
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    const e = error instanceof GraphQLError ? error : new GraphQLError(String(error));
    return { errors: [formatError(e)], extensions: noCost() };
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length) return { errors: validationErrors.map(formatValidationError), extensions: noCost() };

  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = request.operationName ? operations.find((o) => o.name?.value === request.operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) {
    const message = request.operationName ? `No operation named "${request.operationName}"` : "An operation name is required";
    return { errors: [{ message, extensions: { code: "OPERATION_NOT_FOUND" } }], extensions: noCost() };
  }
  const variables = request.variables ?? {};
  const oversized = oversizedInput(schema, document, variables);
  if (oversized) return { errors: [oversized], extensions: noCost() };
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
      extensions: { cost: costExtension(shop, requested, null) },
    };
  }
  const availableBefore = shop.bucket.available;
  const record = (actual: number | null) => {
    const throttled = actual === null;
    shop.usage.priced++;
    if (throttled) shop.usage.throttled++;
    else shop.usage.charged += actual;
    try {
      ctx.env.onCost?.(shop, { atMs: ctx.env.now(), operationName: operation.name?.value ?? null, requestedQueryCost: requested, actualQueryCost: actual, availableBefore, availableAfter: shop.bucket.available, throttled });
    } catch (error) {
      process.emitWarning(`stand-in onCost failed: ${String(error)}`);
    }
  };
  if (shop.bucket.available < requested) {
    record(null);
    return {
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      extensions: { cost: costExtension(shop, requested, null) },
    };
  }
  shop.bucket.available -= requested;
  shop.usage.lowestAvailable = Math.min(shop.usage.lowestAvailable, shop.bucket.available);
  const result = await execute({ schema, document, operationName: operation.name?.value ?? null, variableValues: variables, contextValue: ctx });
  const executed = result.data !== undefined;
  const actual = executed ? actualCost(schema, operation, fragments, variables, result.data) : 0;
  // the unused part of the requested cost is refunded, as Shopify does
  shop.bucket.available = Math.min(shop.limits.maximumAvailable, shop.bucket.available + (requested - actual));
  record(actual);
  const body: GraphQLResponseBody = {};
  if (result.errors?.length) body.errors = result.errors.map((e) => (executed ? formatError(e) : formatVariableError(e)));
  if (executed) body.data = result.data;
  body.extensions = { cost: costExtension(shop, requested, actual) };
  return body;
}
