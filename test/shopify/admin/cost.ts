import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * Shopify's calculated query cost: scalars and enums 0, objects 1, a connection 2 plus
 * first/last × the cost of one node, an interface or union the most expensive of its possible
 * selections, a mutation field 10. The actual cost recounts connections with the number of
 * nodes really returned.
 */
export const MUTATION_COST = 10;
export const CONNECTION_BASE = 2;

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

interface Collected {
  node: FieldNode;
  parent: GraphQLCompositeType;
}

/** Whether a fragment on `condition` applies to objects of type `parent`. */
function applies(walk: Walk, condition: string, parent: GraphQLCompositeType): boolean {
  if (condition === parent.name) return true;
  const type = walk.schema.getType(condition);
  return type !== undefined && isAbstractType(type) && isObjectType(parent) && walk.schema.isSubType(type, parent);
}

/** The fields selected on objects of type `parent` (an object type), through fragments that apply to it. */
function collect(walk: Walk, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, out: Collected[] = []): Collected[] {
  for (const sel of selectionSet.selections) {
    if (sel.kind === Kind.FIELD) out.push({ node: sel, parent });
    else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (!sel.typeCondition || applies(walk, sel.typeCondition.name.value, parent)) collect(walk, sel.selectionSet, parent, out);
    } else {
      const frag = walk.fragments[sel.name.value];
      if (frag && applies(walk, frag.typeCondition.name.value, parent)) collect(walk, frag.selectionSet, parent, out);
    }
  }
  return out;
}

/** The object types a selection on `type` may meet: itself, or every possible type of an interface or union. */
function concreteTypes(walk: Walk, type: GraphQLCompositeType): GraphQLCompositeType[] {
  return isAbstractType(type) ? [...walk.schema.getPossibleTypes(type)] : [type];
}

function fieldInfo(walk: Walk, { node, parent }: Collected) {
  if (node.name.value.startsWith("__")) return null;
  if (!isObjectType(parent) && !isInterfaceType(parent)) return null;
  const def = parent.getFields()[node.name.value];
  if (!def) return null;
  const named = getNamedType(def.type);
  const arg = (name: string): unknown => {
    const argNode = node.arguments?.find((a) => a.name.value === name);
    const argDef = def.args.find((a) => a.name === name);
    if (!argNode || !argDef) return argDef?.defaultValue;
    return valueFromAST(argNode.value, argDef.type, walk.variables);
  };
  return { def, named, arg };
}

function isConnection(typeName: string): boolean {
  return typeName.endsWith("Connection");
}

/** Cost of one node of a connection: the object itself plus what is selected inside it. */
function connectionNodeCost(walk: Walk, selectionSet: SelectionSetNode | undefined, connectionType: GraphQLCompositeType): number {
  if (!selectionSet || !isObjectType(connectionType)) return 0;
  let cost = 0;
  for (const item of collect(walk, selectionSet, connectionType)) {
    const name = item.node.name.value;
    const fields = connectionType.getFields();
    if (name === "nodes") {
      const nodeType = getNamedType(fields["nodes"]?.type);
      if (nodeType && !isLeafType(nodeType)) cost = Math.max(cost, 1 + selectionCost(walk, item.node.selectionSet, nodeType as GraphQLCompositeType));
    } else if (name === "edges" && item.node.selectionSet) {
      const edgeType = getNamedType(fields["edges"]?.type);
      if (!isObjectType(edgeType)) continue;
      for (const inner of collect(walk, item.node.selectionSet, edgeType)) {
        if (inner.node.name.value !== "node") continue;
        const nodeType = getNamedType(edgeType.getFields()["node"]?.type);
        if (nodeType && !isLeafType(nodeType)) cost = Math.max(cost, 1 + selectionCost(walk, inner.node.selectionSet, nodeType as GraphQLCompositeType));
      }
    }
  }
  return cost;
}

function selectionCost(walk: Walk, selectionSet: SelectionSetNode | undefined, type: GraphQLCompositeType): number {
  if (!selectionSet) return 0;
  // an interface or union costs its most expensive possible selection
  return Math.max(0, ...concreteTypes(walk, type).map((parent) => objectSelectionCost(walk, selectionSet, parent)));
}

function objectSelectionCost(walk: Walk, selectionSet: SelectionSetNode, parent: GraphQLCompositeType): number {
  let total = 0;
  for (const item of collect(walk, selectionSet, parent)) {
    const info = fieldInfo(walk, item);
    if (!info || isLeafType(info.named)) continue;
    if (isConnection(info.named.name)) {
      const size = Number(info.arg("first") ?? info.arg("last") ?? 0);
      total += CONNECTION_BASE + size * connectionNodeCost(walk, item.node.selectionSet, info.named as GraphQLCompositeType);
    } else {
      total += 1 + selectionCost(walk, item.node.selectionSet, info.named as GraphQLCompositeType);
    }
  }
  return total;
}

export function fragmentsOf(document: { definitions: readonly { kind: string }[] }): Record<string, FragmentDefinitionNode> {
  const out: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) {
      const frag = d as FragmentDefinitionNode;
      out[frag.name.value] = frag;
    }
  }
  return out;
}

export function requestedCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>): number {
  const walk: Walk = { schema, fragments, variables };
  if (operation.operation === "mutation") {
    const root = schema.getMutationType();
    return root ? collect(walk, operation.selectionSet, root).filter((f) => !f.node.name.value.startsWith("__")).length * MUTATION_COST : 0;
  }
  const root = schema.getQueryType();
  return root ? selectionCost(walk, operation.selectionSet, root) : 0;
}

// ---------------------------------------------------------------------------------------------
// actual cost, walking the response data alongside the selection

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function actualSelectionCost(walk: Walk, selectionSet: SelectionSetNode | undefined, type: GraphQLCompositeType, data: unknown): number {
  const record = asRecord(data);
  if (!selectionSet || !record) return 0;
  // without __typename the runtime type is unknown; the dearest reading of what came back stands in
  return Math.max(0, ...concreteTypes(walk, type).map((parent) => actualObjectCost(walk, selectionSet, parent, record)));
}

function actualObjectCost(walk: Walk, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, record: Record<string, unknown>): number {
  let total = 0;
  for (const item of collect(walk, selectionSet, parent)) {
    const info = fieldInfo(walk, item);
    if (!info || isLeafType(info.named)) continue;
    const key = item.node.alias?.value ?? item.node.name.value;
    const value = record[key];
    if (value === undefined) continue;
    if (isConnection(info.named.name)) {
      total += CONNECTION_BASE + actualConnectionCost(walk, item.node.selectionSet, info.named as GraphQLCompositeType, value);
    } else if (value !== null) {
      const values = Array.isArray(value) ? value : [value];
      // a list of objects costs like one object, as in the requested figure
      total += 1 + Math.max(0, ...values.map((v) => actualSelectionCost(walk, item.node.selectionSet, info.named as GraphQLCompositeType, v)));
    }
  }
  return total;
}

function actualConnectionCost(walk: Walk, selectionSet: SelectionSetNode | undefined, connectionType: GraphQLCompositeType, data: unknown): number {
  const record = asRecord(data);
  if (!selectionSet || !record || !isObjectType(connectionType)) return 0;
  let best = 0;
  for (const item of collect(walk, selectionSet, connectionType)) {
    const key = item.node.alias?.value ?? item.node.name.value;
    const value = record[key];
    if (!Array.isArray(value)) continue;
    const fields = connectionType.getFields();
    let cost = 0;
    if (item.node.name.value === "nodes") {
      const nodeType = getNamedType(fields["nodes"]?.type) as GraphQLCompositeType;
      for (const n of value) cost += 1 + actualSelectionCost(walk, item.node.selectionSet, nodeType, n);
    } else if (item.node.name.value === "edges" && item.node.selectionSet) {
      const edgeType = getNamedType(fields["edges"]?.type);
      if (!isObjectType(edgeType)) continue;
      const nodeType = getNamedType(edgeType.getFields()["node"]?.type) as GraphQLCompositeType;
      for (const inner of collect(walk, item.node.selectionSet, edgeType)) {
        if (inner.node.name.value !== "node") continue;
        const innerKey = inner.node.alias?.value ?? "node";
        for (const edge of value) cost += 1 + actualSelectionCost(walk, inner.node.selectionSet, nodeType, asRecord(edge)?.[innerKey]);
      }
    }
    best = Math.max(best, cost);
  }
  return best;
}

export function actualCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  data: unknown,
): number {
  const walk: Walk = { schema, fragments, variables };
  if (operation.operation === "mutation") return requestedCost(schema, operation, fragments, variables);
  const root = schema.getQueryType();
  return root ? actualSelectionCost(walk, operation.selectionSet, root, data) : 0;
}
