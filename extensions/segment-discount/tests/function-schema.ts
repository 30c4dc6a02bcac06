/**
 * The Function's contract with Shopify, checked offline against schema.graphql:
 * - each target's input query is valid GraphQL for the schema, within Shopify's cost and size limits;
 * - a fixture's `input` is exactly what Shopify could send for that query (shape, scalars, enums,
 *   nullability, lists, the union's members), with the variables the configuration metafield gives;
 * - a fixture's `expectedOutput` (or any run's output) coerces to the target's result input type.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildSchema,
  coerceInputValue,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isAbstractType,
  isEnumType,
  isInputType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { parse as parseToml } from "smol-toml";

export const EXTENSION_ROOT = join(import.meta.dirname, "..");
export const SCHEMA_PATH = join(EXTENSION_ROOT, "schema.graphql");

/** Shopify's limits for an input query (SHOPIFY-NOTES §4(b)). */
export const MAX_QUERY_COST = 30;
export const MAX_QUERY_BYTES = 3000;
/** List arguments and list variables hold at most 100 items. */
export const MAX_LIST_VARIABLE = 100;
/** Per run for carts up to 200 lines. */
export const MAX_INPUT_BYTES = 128 * 1024;
export const MAX_OUTPUT_BYTES = 20 * 1024;

/** Fields Shopify charges 3 for; every other leaf costs 1, `__typename` nothing. */
const EXPENSIVE_FIELDS = new Set(["metafield", "hasAnyTag", "hasTags", "inAnyCollection", "inCollections"]);

const DECIMAL = /^-?\d+(?:\.\d+)?$/;

export interface Target {
  /** e.g. "cart.lines.discounts.generate.run" */
  target: string;
  /** e.g. "cart-lines-discounts-generate-run" */
  export: string;
  /** the input query file, relative to the extension */
  inputQuery: string;
  queryText: string;
  query: DocumentNode;
}

interface ExtensionToml {
  api_version: string;
  extensions: {
    targeting: { target: string; input_query: string; export: string }[];
    input?: { variables?: { namespace: string; key: string } };
  }[];
}

export function readExtensionToml(): ExtensionToml {
  return parseToml(readFileSync(join(EXTENSION_ROOT, "shopify.extension.toml"), "utf8")) as unknown as ExtensionToml;
}

/** The targets declared in shopify.extension.toml, with their parsed input queries. */
export function extensionTargets(): Target[] {
  const [extension] = readExtensionToml().extensions;
  if (!extension) throw new Error("shopify.extension.toml declares no [[extensions]]");
  return extension.targeting.map((t) => {
    const queryText = readFileSync(join(EXTENSION_ROOT, t.input_query), "utf8");
    return { target: t.target, export: t.export, inputQuery: t.input_query, queryText, query: parse(queryText) };
  });
}

export function targetFor(exportName: string): Target {
  const target = extensionTargets().find((t) => t.export === exportName);
  if (!target) throw new Error(`no target exports "${exportName}" in shopify.extension.toml`);
  return target;
}

/**
 * The schema, with Shopify's custom scalars made strict: input (query answers) and output
 * (results) both write Decimal as a string; Shopify also takes a number in a result, as the
 * official examples' percentages show.
 */
export function loadFunctionSchema(path = SCHEMA_PATH): GraphQLSchema {
  const schema = buildSchema(readFileSync(path, "utf8"));
  const strict: Record<string, (value: unknown) => unknown> = {
    Decimal: (value) => {
      if (typeof value === "string" && DECIMAL.test(value)) return value;
      if (typeof value === "number" && Number.isFinite(value)) return value;
      throw new TypeError(`Decimal must be a decimal string such as "29.99", got ${JSON.stringify(value)}`);
    },
    Handle: (value) => {
      if (typeof value === "string" && value.length > 0) return value;
      throw new TypeError(`Handle must be a non-empty string, got ${JSON.stringify(value)}`);
    },
  };
  for (const [name, parseValue] of Object.entries(strict)) {
    const type = schema.getType(name);
    if (!isScalarType(type)) throw new Error(`${path} has no scalar ${name}`);
    Object.assign(type, { parseValue });
  }
  return schema;
}

function operationOf(query: DocumentNode): OperationDefinitionNode {
  const operations = query.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || !operations[0]) throw new Error("an input query holds exactly one operation");
  return operations[0];
}

/** graphql-js validation, plus Shopify's @restrictTarget: a field may be limited to some targets. */
export function queryProblems(schema: GraphQLSchema, target: Target): string[] {
  const problems = validate(schema, target.query).map((e) => e.message);
  const restrict = schema.getDirective("restrictTarget");
  const typeInfo = new TypeInfo(schema);
  visit(
    target.query,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const def = typeInfo.getFieldDef();
        if (!restrict || !def?.astNode) return;
        const only = getDirectiveValues(restrict, def.astNode)?.["only"];
        if (Array.isArray(only) && !only.includes(target.target)) problems.push(`field "${node.name.value}" is not available in ${target.target}`);
      },
    }),
  );
  return problems;
}

/** Shopify's query cost: metafield, hasAnyTag, hasTags, inAnyCollection, inCollections 3 each; other leaves 1. */
export function queryCost(query: DocumentNode): number {
  let cost = 0;
  visit(query, {
    Field(node) {
      if (node.name.value === "__typename") return;
      if (EXPENSIVE_FIELDS.has(node.name.value)) cost += 3;
      else if (!node.selectionSet) cost += 1;
    },
  });
  return cost;
}

/** The query's size in bytes as written, and without its comment lines (what Shopify counts). */
export function queryBytes(queryText: string): { raw: number; withoutComments: number } {
  const withoutComments = queryText
    .split("\n")
    .filter((line) => !line.trim().startsWith("#"))
    .join("\n");
  return { raw: Buffer.byteLength(queryText, "utf8"), withoutComments: Buffer.byteLength(withoutComments, "utf8") };
}

/**
 * The query's variables as Shopify builds them from the configuration metafield
 * ([extensions.input.variables]): each top-level key of the metafield's JSON that names a variable.
 */
export function variablesFromInput(input: unknown): Record<string, unknown> {
  const discount = isRecord(input) ? input["discount"] : undefined;
  const metafield = isRecord(discount) ? discount["metafield"] : undefined;
  const json = isRecord(metafield) ? metafield["jsonValue"] : undefined;
  return isRecord(json) ? json : {};
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, SelectionSetNode>;
  variables: Record<string, unknown>;
  problems: string[];
}

/**
 * Why `input` is not what Shopify would send for the target's query; empty when it is. The input
 * must hold exactly the selected fields (no more, no fewer) with values of the schema's types,
 * and arguments that make an answer certain are honoured (`hasAnyTag(tags: [])` is false).
 */
export function inputProblems(schema: GraphQLSchema, target: Target, input: unknown): string[] {
  const operation = operationOf(target.query);
  const problems: string[] = [];
  const provided = variablesFromInput(input);
  const names = new Set((operation.variableDefinitions ?? []).map((d) => d.variable.name.value));
  const inputs = Object.fromEntries(Object.entries(provided).filter(([key]) => names.has(key)));
  for (const [name, value] of Object.entries(inputs)) {
    if (Array.isArray(value) && value.length > MAX_LIST_VARIABLE) problems.push(`$${name}: more than ${MAX_LIST_VARIABLE} items`);
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], inputs);
  if (coerced.errors) return [...problems, ...coerced.errors.map((e) => `variables: ${e.message}`)];

  const fragments = new Map<string, SelectionSetNode>();
  for (const d of target.query.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d.selectionSet);
  const root = schema.getQueryType();
  if (!root) return ["the schema has no query type"];
  const walk: Walk = { schema, fragments, variables: coerced.coerced, problems };
  checkObject(walk, root, [operation.selectionSet], input, "input");
  return problems;
}

/** The fields a selection set asks of an object of `type`, by response key. */
function collectFields(walk: Walk, type: GraphQLObjectType, sets: readonly SelectionSetNode[], into = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> {
  for (const set of sets) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        into.set(key, [...(into.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (appliesTo(walk.schema, selection.typeCondition?.name.value, type)) collectFields(walk, type, [selection.selectionSet], into);
      } else {
        const fragment = walk.fragments.get(selection.name.value);
        if (fragment) collectFields(walk, type, [fragment], into);
      }
    }
  }
  return into;
}

function appliesTo(schema: GraphQLSchema, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (condition === undefined || condition === type.name) return true;
  const conditionType = schema.getType(condition);
  return isAbstractType(conditionType) && schema.isSubType(conditionType, type);
}

function checkObject(walk: Walk, type: GraphQLObjectType, sets: readonly SelectionSetNode[], value: unknown, path: string): void {
  if (!isRecord(value)) {
    walk.problems.push(`${path}: expected a ${type.name} object, got ${JSON.stringify(value)}`);
    return;
  }
  const fields = collectFields(walk, type, sets);
  for (const key of Object.keys(value)) if (!fields.has(key)) walk.problems.push(`${path}.${key}: not selected by the query (${type.name})`);
  for (const [key, nodes] of fields) {
    const fieldPath = `${path}.${key}`;
    if (!(key in value)) {
      walk.problems.push(`${fieldPath}: missing`);
      continue;
    }
    const node = nodes[0];
    if (!node) continue;
    if (node.name.value === "__typename") {
      if (value[key] !== type.name) walk.problems.push(`${fieldPath}: expected "${type.name}"`);
      continue;
    }
    const field = type.getFields()[node.name.value];
    if (!field) {
      walk.problems.push(`${fieldPath}: ${type.name} has no field ${node.name.value}`);
      continue;
    }
    checkValue(walk, field.type, nodes, value[key], fieldPath);
    checkCertainAnswer(walk, field, node, value[key], fieldPath);
  }
}

/** Answers the arguments decide: no tags or collections to look for means no match. */
function checkCertainAnswer(walk: Walk, field: GraphQLField<unknown, unknown>, node: FieldNode, value: unknown, path: string): void {
  const listArgument = { hasAnyTag: "tags", hasTags: "tags", inAnyCollection: "ids", inCollections: "ids" }[field.name];
  if (listArgument === undefined) return;
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(field, node, walk.variables);
  } catch (error) {
    walk.problems.push(`${path}: ${(error as Error).message}`);
    return;
  }
  const list = args[listArgument];
  if (Array.isArray(list) && list.length > MAX_LIST_VARIABLE) walk.problems.push(`${path}: ${listArgument} has more than ${MAX_LIST_VARIABLE} items`);
  if (Array.isArray(list) && list.length === 0) {
    const empty = field.name === "hasAnyTag" || field.name === "inAnyCollection" ? false : [];
    if (JSON.stringify(value) !== JSON.stringify(empty)) walk.problems.push(`${path}: with no ${listArgument} Shopify answers ${JSON.stringify(empty)}`);
  }
}

function checkValue(walk: Walk, type: GraphQLOutputType, nodes: FieldNode[], value: unknown, path: string): void {
  if (isNonNullType(type)) {
    if (value === null || value === undefined) walk.problems.push(`${path}: must not be null (${String(type)})`);
    else checkValue(walk, type.ofType, nodes, value, path);
    return;
  }
  if (value === null) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (!Array.isArray(value)) {
      walk.problems.push(`${path}: expected a list (${String(type)})`);
      return;
    }
    value.forEach((item, i) => checkValue(walk, nullable.ofType, nodes, item, `${path}[${i}]`));
    return;
  }
  const named = getNamedType(type);
  const sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  if (isObjectType(named)) {
    checkObject(walk, named, sets, value, path);
    return;
  }
  if (isAbstractType(named)) {
    // No __typename: the value is whichever member's selected fields it has exactly.
    const members = walk.schema.getPossibleTypes(named);
    const keys = isRecord(value) ? Object.keys(value).sort().join(",") : null;
    const matching = members.filter((member) => [...collectFields(walk, member, sets).keys()].sort().join(",") === keys);
    const trials = matching.map((member) => {
      const trial: Walk = { ...walk, problems: [] };
      checkObject(trial, member, sets, value, path);
      return trial.problems;
    });
    if (trials.some((problems) => problems.length === 0)) return;
    // one member has exactly these fields: its problems say what is wrong
    if (trials.length === 1 && trials[0]) walk.problems.push(...trials[0]);
    else walk.problems.push(`${path}: not the selected fields of any ${named.name} member (${members.map((m) => m.name).join(", ")})`);
    return;
  }
  if (isEnumType(named)) {
    if (typeof value !== "string" || !named.getValue(value)) walk.problems.push(`${path}: ${JSON.stringify(value)} is not a ${named.name}`);
    return;
  }
  const problem = scalarProblem(named.name, value);
  if (problem) walk.problems.push(`${path}: ${problem}`);
}

/** Scalars as Shopify serializes them in a Function's input JSON. */
function scalarProblem(scalar: string, value: unknown): string | null {
  switch (scalar) {
    case "Int":
      return Number.isInteger(value) && Math.abs(value as number) <= 2 ** 31 - 1 ? null : `${JSON.stringify(value)} is not an Int`;
    case "Float":
      return typeof value === "number" && Number.isFinite(value) ? null : `${JSON.stringify(value)} is not a Float`;
    case "Boolean":
      return typeof value === "boolean" ? null : `${JSON.stringify(value)} is not a Boolean`;
    case "Decimal":
      return typeof value === "string" && DECIMAL.test(value) ? null : `${JSON.stringify(value)} is not a Decimal string`;
    case "JSON":
      return value === undefined ? "missing JSON" : null;
    case "ID":
    case "Handle":
      return typeof value === "string" && value.length > 0 ? null : `${JSON.stringify(value)} is not a ${scalar}`;
    default:
      return typeof value === "string" ? null : `${JSON.stringify(value)} is not a ${scalar} string`;
  }
}

/** The input type a target's result must coerce to: the `result` argument of its MutationRoot field. */
export function resultType(schema: GraphQLSchema, target: Target): GraphQLInputType {
  // "cart.delivery-options.discounts.generate.run" → cartDeliveryOptionsDiscountsGenerateRun
  const fieldName = target.target.replace(/[.-]([a-z])/g, (_, c: string) => c.toUpperCase());
  const field = schema.getMutationType()?.getFields()[fieldName];
  const type = field?.args.find((a) => a.name === "result")?.type;
  if (!type || !isInputType(type)) throw new Error(`the schema has no MutationRoot.${fieldName}(result:)`);
  return type;
}

/** Why `output` is not a valid result for the target; empty when it is. */
export function outputProblems(schema: GraphQLSchema, target: Target, output: unknown): string[] {
  const problems = jsonProblems(output, "output");
  coerceInputValue(output, resultType(schema, target), (path, _invalid, error) => {
    problems.push(`output${path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}: ${error.message}`);
  });
  return problems;
}

/** What JSON.stringify would drop or refuse: undefined, functions, BigInt, NaN, class instances. */
export function jsonProblems(value: unknown, path: string): string[] {
  if (value === null || typeof value === "string" || typeof value === "boolean") return [];
  if (typeof value === "number") return Number.isFinite(value) ? [] : [`${path}: ${value} is not a JSON number`];
  if (Array.isArray(value)) return value.flatMap((item, i) => jsonProblems(item, `${path}[${i}]`));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).flatMap(([key, item]) => jsonProblems(item, `${path}.${key}`));
  }
  return [`${path}: ${typeof value} is not JSON`];
}
