import {
  getArgumentValues,
  getNullableType,
  isAbstractType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * A small executor for bulk exports: the same schema, resolvers and serialisation as graphql-js,
 * without its per-field bookkeeping (paths, promises, error collection, dev-mode checks), which
 * dominates the time of exporting a hundred thousand objects. Bulk queries have no variables, so
 * arguments are worked out once per field, not once per object. A resolver error aborts the
 * export (the bulk operation then FAILS), so there is no partial-error handling to reproduce.
 * bulk.test.ts holds its output equal to graphql-js's.
 */

interface PlannedField {
  key: string;
  name: string;
  def: GraphQLField<unknown, unknown> | null;
  args: Record<string, unknown>;
  nodes: FieldNode[];
}

// resolvers of the stand-in never read `info`; an empty one saves building it per field
const NO_INFO = {} as GraphQLResolveInfo;

export class LeanExecutor {
  private readonly fragments: Record<string, FragmentDefinitionNode> = {};
  private readonly plans = new WeakMap<SelectionSetNode, Map<string, PlannedField[]>>();
  private readonly operation: OperationDefinitionNode;

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
  ) {
    let operation: OperationDefinitionNode | undefined;
    for (const d of document.definitions) {
      if (d.kind === Kind.FRAGMENT_DEFINITION) this.fragments[d.name.value] = d;
      else if (d.kind === Kind.OPERATION_DEFINITION) operation ??= d;
    }
    if (!operation) throw new Error("no operation in the bulk document");
    this.operation = operation;
  }

  /** Runs the query operation against the root type with the given context; returns `data`. */
  run(context: unknown): Record<string, unknown> {
    const root = this.schema.getQueryType();
    if (!root) throw new Error("schema without a query type");
    return this.completeObject(root, [this.operation.selectionSet], undefined, context);
  }

  private plan(type: GraphQLObjectType, selectionSet: SelectionSetNode): PlannedField[] {
    let byType = this.plans.get(selectionSet);
    if (!byType) this.plans.set(selectionSet, (byType = new Map()));
    const cached = byType.get(type.name);
    if (cached) return cached;
    const grouped = new Map<string, FieldNode[]>();
    this.collect(type, selectionSet, grouped);
    const fields = type.getFields();
    const planned: PlannedField[] = [];
    for (const [key, nodes] of grouped) {
      const first = nodes[0];
      if (!first) continue;
      const name = first.name.value;
      const def = fields[name] ?? null;
      planned.push({ key, name, def, args: def ? getArgumentValues(def, first, {}) : {}, nodes });
    }
    byType.set(type.name, planned);
    return planned;
  }

  private collect(type: GraphQLObjectType, selectionSet: SelectionSetNode, out: Map<string, FieldNode[]>): void {
    for (const sel of selectionSet.selections) {
      if (!this.included(sel.directives)) continue;
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        const list = out.get(key);
        if (list) list.push(sel);
        else out.set(key, [sel]);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (!sel.typeCondition || this.applies(type, sel.typeCondition.name.value)) this.collect(type, sel.selectionSet, out);
      } else {
        const fragment = this.fragments[sel.name.value];
        if (fragment && this.applies(type, fragment.typeCondition.name.value)) this.collect(type, fragment.selectionSet, out);
      }
    }
  }

  /** @skip / @include with literal conditions (bulk queries have no variables). */
  private included(directives: FieldNode["directives"]): boolean {
    for (const d of directives ?? []) {
      const arg = d.arguments?.find((a) => a.name.value === "if")?.value;
      const value = arg?.kind === Kind.BOOLEAN ? arg.value : false;
      if (d.name.value === "skip" && value) return false;
      if (d.name.value === "include" && !value) return false;
    }
    return true;
  }

  private applies(type: GraphQLObjectType, condition: string): boolean {
    if (condition === type.name) return true;
    const conditional = this.schema.getType(condition);
    return conditional !== undefined && isAbstractType(conditional) && this.schema.isSubType(conditional, type);
  }

  private completeObject(type: GraphQLObjectType, selectionSets: SelectionSetNode[], source: unknown, context: unknown): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const selectionSet of selectionSets) {
      for (const field of this.plan(type, selectionSet)) {
        if (field.name === "__typename") {
          result[field.key] = type.name;
          continue;
        }
        if (!field.def) throw new Error(`no field ${type.name}.${field.name}`);
        const value = field.def.resolve ? field.def.resolve(source, field.args, context, NO_INFO) : defaultResolve(source, field.name, field.args, context);
        result[field.key] = this.complete(field.def.type, field.nodes, value, context);
      }
    }
    return result;
  }

  private complete(returnType: GraphQLOutputType, nodes: FieldNode[], value: unknown, context: unknown): unknown {
    if (value === null || value === undefined) return null;
    const kind = kindOf(returnType);
    switch (kind.kind) {
      case "list":
        if (!Array.isArray(value)) throw new Error("expected a list from a resolver");
        return value.map((item: unknown) => this.complete(kind.item, nodes, item, context));
      case "leaf":
        return kind.serialize(value);
      case "object":
        return this.completeObject(kind.type, this.subSelections(nodes), value, context);
      case "abstract": {
        const objectType = this.runtimeType(value);
        if (!objectType) throw new Error(`cannot resolve the runtime type of ${kind.name}`);
        return this.completeObject(objectType, this.subSelections(nodes), value, context);
      }
    }
  }

  private runtimeType(value: unknown): GraphQLObjectType | undefined {
    const name = (value as { __typename?: unknown }).__typename;
    const type = typeof name === "string" ? this.schema.getType(name) : undefined;
    return isObjectType(type) ? type : undefined;
  }

  private subSelections(nodes: FieldNode[]): SelectionSetNode[] {
    if (nodes.length === 1) {
      const only = nodes[0]?.selectionSet;
      return only ? [only] : [];
    }
    return nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  }
}

type Kinded =
  | { kind: "list"; item: GraphQLOutputType }
  | { kind: "leaf"; serialize: (value: unknown) => unknown }
  | { kind: "object"; type: GraphQLObjectType }
  | { kind: "abstract"; name: string };

// graphql-js's type predicates are costly in development mode; a type's kind never changes
const kinds = new WeakMap<GraphQLOutputType, Kinded>();
function kindOf(returnType: GraphQLOutputType): Kinded {
  const cached = kinds.get(returnType);
  if (cached) return cached;
  const type = getNullableType(returnType);
  const kind: Kinded = isListType(type)
    ? { kind: "list", item: type.ofType }
    : isLeafType(type)
      ? { kind: "leaf", serialize: (value) => type.serialize(value) }
      : isObjectType(type)
        ? { kind: "object", type }
        : { kind: "abstract", name: type.name };
  kinds.set(returnType, kind);
  return kind;
}

/** graphql-js's default resolver: the property, called with the arguments when it is a function. */
function defaultResolve(source: unknown, name: string, args: Record<string, unknown>, context: unknown): unknown {
  if (source === null || typeof source !== "object") return undefined;
  const property = (source as Record<string, unknown>)[name];
  return typeof property === "function" ? (property as (a: unknown, c: unknown) => unknown).call(source, args, context) : property;
}
