import { Kind, parse, valueFromASTUntyped, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import type { z } from "zod";

/**
 * Identity tag for Admin GraphQL documents: `graphql\`#graphql query …\`` returns the string as
 * written (interpolations included), so editors and codegen recognise the document while the
 * app sends plain text.
 */
export function graphql(strings: TemplateStringsArray, ...values: readonly (string | number)[]): string {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += String(values[i]) + (strings[i + 1] ?? "");
  return out;
}

/** The variables of an operation that takes none. */
export type NoVariables = Record<never, never>;

/** A typed Admin operation: its document, the zod schema of its `data`, and what it costs at most. */
export interface AdminOperation<Data, Variables extends Record<string, unknown> = NoVariables> {
  readonly name: string;
  readonly document: string;
  readonly schema: z.ZodType<Data>;
  /** requested cost for the bucket, when the document's static estimate would be wrong (it rarely is) */
  readonly cost?: number;
  /** phantom: the variables' type */
  readonly __variables?: Variables;
}

export function defineOperation<Data, Variables extends Record<string, unknown> = NoVariables>(
  document: string,
  schema: z.ZodType<Data>,
  options: { cost?: number } = {},
): AdminOperation<Data, Variables> {
  const name = operationName(document);
  if (!name) throw new Error("an Admin operation needs a name (query AppSomething { … })");
  return { name, document, schema, ...(options.cost === undefined ? {} : { cost: options.cost }) };
}

/** "query AppShop { … }" → "AppShop"; null for an anonymous document. */
export function operationName(document: string): string | null {
  return /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(document)?.[1] ?? null;
}

const MUTATION_FIELD_COST = 10;
const CONNECTION_BASE_COST = 2;

const parsed = new Map<string, DocumentNode | null>();

function parseCached(document: string): DocumentNode | null {
  if (parsed.has(document)) return parsed.get(document) ?? null;
  let doc: DocumentNode | null;
  try {
    doc = parse(document);
  } catch {
    doc = null;
  }
  if (parsed.size > 500) parsed.clear();
  parsed.set(document, doc);
  return doc;
}

/**
 * Shopify's requested query cost, estimated from the document alone (no schema): a field with a
 * selection is an object (1) unless it takes `first`/`last`, then it is a connection (2 + n × one
 * node, read through `nodes` or `edges.node`); scalars cost 0; each mutation field 10; fragments
 * on different types cost the dearest one. Shopify's figure (extensions.cost.requestedQueryCost)
 * replaces it once seen. Null when the document does not parse.
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits ("Cost calculation")
 */
export function estimateQueryCost(document: string, variables: Record<string, unknown> = {}): number | null {
  const doc = parseCached(document);
  if (!doc) return null;
  const operations = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const operation = operations[0];
  if (!operation) return null;
  if (operation.operation === "mutation") {
    return operation.selectionSet.selections.filter((s) => s.kind !== Kind.FIELD || !s.name.value.startsWith("__")).length * MUTATION_FIELD_COST;
  }
  return selectionCost(operation.selectionSet, fragments, variables, new Set());
}

function selectionCost(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>, seen: Set<string>): number {
  let untyped = 0;
  const byType = new Map<string, number>();
  const addTyped = (type: string | undefined, cost: number) => {
    if (type === undefined) untyped += cost;
    else byType.set(type, (byType.get(type) ?? 0) + cost);
  };
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (!sel.selectionSet) continue;
      const arg = (name: string): unknown => {
        const node = sel.arguments?.find((a) => a.name.value === name);
        return node ? valueFromASTUntyped(node.value, variables) : undefined;
      };
      const size = Number(arg("first") ?? arg("last") ?? Number.NaN);
      untyped += Number.isFinite(size)
        ? CONNECTION_BASE_COST + size * connectionNodeCost(sel.selectionSet, fragments, variables, seen)
        : 1 + selectionCost(sel.selectionSet, fragments, variables, seen);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      addTyped(sel.typeCondition?.name.value, selectionCost(sel.selectionSet, fragments, variables, seen));
    } else {
      const fragment = fragments[sel.name.value];
      if (!fragment || seen.has(fragment.name.value)) continue;
      addTyped(fragment.typeCondition.name.value, selectionCost(fragment.selectionSet, fragments, variables, new Set([...seen, fragment.name.value])));
    }
  }
  // fragments on the same type add up; on different types only one can apply
  return untyped + Math.max(0, ...byType.values());
}

function connectionNodeCost(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>, seen: Set<string>): number {
  let cost = 0;
  for (const sel of set.selections) {
    if (sel.kind !== Kind.FIELD || !sel.selectionSet) continue;
    if (sel.name.value === "nodes") cost = Math.max(cost, 1 + selectionCost(sel.selectionSet, fragments, variables, seen));
    if (sel.name.value === "edges") {
      for (const inner of sel.selectionSet.selections) {
        if (inner.kind === Kind.FIELD && inner.name.value === "node" && inner.selectionSet) {
          cost = Math.max(cost, 1 + selectionCost(inner.selectionSet, fragments, variables, seen));
        }
      }
    }
  }
  return cost;
}
