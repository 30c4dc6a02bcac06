import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerResponse } from "node:http";
import {
  getArgumentValues,
  getNamedType,
  isLeafType,
  isObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { formatValidationError } from "./errors";
import type { BulkFailure } from "./faults";
import { LeanExecutor } from "./lean";
import { bulkRootList, type Ctx, type Env } from "./resolvers";
import { versionAtLeast } from "./schema";
import { gid, parseGid, type ShopState, type StoredBulkOperation } from "./store";

/** The webhook payload of bulk_operations/finish, as Shopify sends it. */
export interface BulkOperationFinishPayload {
  admin_graphql_api_id: string;
  completed_at: string | null;
  created_at: string;
  error_code: string | null;
  status: string;
  type: string;
}

export interface BulkOptions {
  /** the resolver-attached schema of an API version */
  schemaFor: (version: string) => GraphQLSchema;
  env: () => Env;
  origin: () => string;
  now: () => number;
  onFinish?: (shopDomain: string, payload: BulkOperationFinishPayload) => void;
  /** root objects per execution slice; smaller slices make objectCount grow visibly */
  chunkSize?: number;
  /** pause between slices, so tests can watch an operation run or cancel it */
  chunkDelayMs?: number;
  /** a planned failure for the query being started (fault injection) */
  takeFailure?: () => BulkFailure | null;
}

/** Thrown inside an export to fail it with Shopify's error code. */
class BulkOperationFailed extends Error {
  constructor(readonly errorCode: NonNullable<StoredBulkOperation["errorCode"]>) {
    super(`bulk operation failed: ${errorCode}`);
  }
}

/** Concurrent bulk queries per app and shop: 5 from 2026-01, one before (Shopify's documented limits). */
export function maxConcurrentBulkQueries(version: string): number {
  return versionAtLeast(version, "2026-01") ? 5 : 1;
}

type UserError = { field: string[] | null; message: string; code: string | null };

const ACTIVE = new Set(["CREATED", "RUNNING", "CANCELING"]);

function isConnectionType(name: string): boolean {
  return name.endsWith("Connection");
}

interface Shape {
  /** connection fields selected directly on this node, by response key */
  children: { key: string; selection: SelectionSetNode; nodeType: GraphQLObjectType; viaEdges: boolean }[];
}

/** Shapes depend only on the (immutable) selection, so they are worked out once, not per exported object. */
const shapes = new WeakMap<SelectionSetNode, Shape>();
function cachedShape(selection: SelectionSetNode, type: GraphQLObjectType): Shape {
  let shape = shapes.get(selection);
  if (!shape) shapes.set(selection, (shape = shapeOf(selection, type)));
  return shape;
}

/** The node type and node selection inside a connection field's selection (edges.node or nodes). */
function nodeSelection(field: FieldNode, connection: GraphQLObjectType): { selection: SelectionSetNode; nodeType: GraphQLObjectType; viaEdges: boolean } | null {
  for (const sel of field.selectionSet?.selections ?? []) {
    if (sel.kind !== Kind.FIELD) continue;
    if (sel.name.value === "nodes" && sel.selectionSet) {
      const t = getNamedType(connection.getFields()["nodes"]?.type);
      if (isObjectType(t)) return { selection: sel.selectionSet, nodeType: t, viaEdges: false };
    }
    if (sel.name.value === "edges" && sel.selectionSet) {
      const edgeType = getNamedType(connection.getFields()["edges"]?.type);
      if (!isObjectType(edgeType)) continue;
      for (const inner of sel.selectionSet.selections) {
        if (inner.kind === Kind.FIELD && inner.name.value === "node" && inner.selectionSet) {
          const t = getNamedType(edgeType.getFields()["node"]?.type);
          if (isObjectType(t)) return { selection: inner.selectionSet, nodeType: t, viaEdges: true };
        }
      }
    }
  }
  return null;
}

function shapeOf(selection: SelectionSetNode, type: GraphQLObjectType): Shape {
  const children: Shape["children"] = [];
  for (const sel of selection.selections) {
    if (sel.kind !== Kind.FIELD) continue;
    const def = type.getFields()[sel.name.value];
    const named = def ? getNamedType(def.type) : undefined;
    if (!named || isLeafType(named) || !isObjectType(named) || !isConnectionType(named.name)) continue;
    const inner = nodeSelection(sel, named);
    if (inner) children.push({ key: sel.alias?.value ?? sel.name.value, ...inner });
  }
  return { children };
}

/** Counts connections and their nesting; Shopify allows ≤5 connections, ≤2 levels. */
function connectionStats(selection: SelectionSetNode, type: GraphQLCompositeType, depth: number): { count: number; maxDepth: number; listInside: boolean } {
  let count = 0;
  let maxDepth = depth;
  let listInside = false;
  if (!isObjectType(type)) return { count, maxDepth, listInside };
  for (const sel of selection.selections) {
    if (sel.kind !== Kind.FIELD || !sel.selectionSet) continue;
    const def = type.getFields()[sel.name.value];
    if (!def) continue;
    const named = getNamedType(def.type);
    if (isLeafType(named)) continue;
    if (isObjectType(named) && isConnectionType(named.name)) {
      count++;
      const inner = nodeSelection(sel, named);
      if (inner) {
        const s = connectionStats(inner.selection, inner.nodeType, depth + 1);
        count += s.count;
        maxDepth = Math.max(maxDepth, s.maxDepth);
        listInside ||= s.listInside;
      } else maxDepth = Math.max(maxDepth, depth + 1);
    } else {
      const s = connectionStats(sel.selectionSet, named as GraphQLCompositeType, depth);
      if (s.count > 0 && def.type.toString().startsWith("[")) listInside = true;
      count += s.count;
      maxDepth = Math.max(maxDepth, s.maxDepth);
      listInside ||= s.listInside;
    }
  }
  return { count, maxDepth, listInside };
}

/** Adds `id` to every node selection that has nested connections: children need it for __parentId. */
function withParentIds(selection: SelectionSetNode, type: GraphQLObjectType): SelectionSetNode {
  const shape = shapeOf(selection, type);
  if (shape.children.length === 0) return selection;
  const hasId = selection.selections.some((s) => s.kind === Kind.FIELD && s.name.value === "id" && !s.alias);
  const rewritten = selection.selections.map((sel) => {
    if (sel.kind !== Kind.FIELD || !sel.selectionSet) return sel;
    const def = type.getFields()[sel.name.value];
    const named = def ? getNamedType(def.type) : undefined;
    if (!isObjectType(named) || !isConnectionType(named.name)) return sel;
    return { ...sel, selectionSet: rewriteNodes(sel.selectionSet, named) };
  });
  const idField: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: "id" } };
  return { ...selection, selections: hasId ? rewritten : [idField, ...rewritten] };
}

function rewriteNodes(connectionSelection: SelectionSetNode, connection: GraphQLObjectType): SelectionSetNode {
  return {
    ...connectionSelection,
    selections: connectionSelection.selections.map((sel) => {
      if (sel.kind !== Kind.FIELD || !sel.selectionSet) return sel;
      if (sel.name.value === "nodes") {
        const t = getNamedType(connection.getFields()["nodes"]?.type);
        return isObjectType(t) ? { ...sel, selectionSet: withParentIds(sel.selectionSet, t) } : sel;
      }
      if (sel.name.value === "edges") {
        const edgeType = getNamedType(connection.getFields()["edges"]?.type);
        if (!isObjectType(edgeType)) return sel;
        const nodeType = getNamedType(edgeType.getFields()["node"]?.type);
        if (!isObjectType(nodeType)) return sel;
        return {
          ...sel,
          selectionSet: {
            ...sel.selectionSet,
            selections: sel.selectionSet.selections.map((inner) =>
              inner.kind === Kind.FIELD && inner.name.value === "node" && inner.selectionSet ? { ...inner, selectionSet: withParentIds(inner.selectionSet, nodeType) } : inner,
            ),
          },
        };
      }
      return sel;
    }),
  };
}

function nodesOf(connection: unknown, viaEdges: boolean): Record<string, unknown>[] {
  if (connection === null || typeof connection !== "object") return [];
  const c = connection as { edges?: { node?: Record<string, unknown> }[]; nodes?: Record<string, unknown>[] };
  if (viaEdges) return (c.edges ?? []).flatMap((e) => (e.node ? [e.node] : []));
  return c.nodes ?? [];
}

/** What one accepted bulk query exports: the rewritten document and the sorted root objects. */
interface ExportPlan {
  schema: GraphQLSchema;
  version: string;
  doc: DocumentNode;
  rootItems: unknown[];
  rootKey: string;
  inner: { selection: SelectionSetNode; nodeType: GraphQLObjectType; viaEdges: boolean };
  failure: BulkFailure | null;
}

/** Runs bulk queries in the background and serves their JSONL files. */
export class BulkRunner {
  private readonly dir = mkdtempSync(join(tmpdir(), "shopify-bulk-"));
  private readonly files = new Map<string, string>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: BulkOptions) {}

  run(shop: ShopState, query: string, groupObjects: boolean, version: string): { operation: StoredBulkOperation | null; userErrors: UserError[] } {
    const invalid = (message: string, code = "INVALID") => ({ operation: null, userErrors: [{ field: ["query"], message, code }] });
    const schema = this.options.schemaFor(version);
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return invalid(`Invalid bulk query: ${(error as Error).message}`);
    }
    const errors = validate(schema, document);
    if (errors.length) return invalid(`Invalid bulk query: ${errors.map((e) => formatValidationError(e).message).join("; ")}`);
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation = operations[0];
    if (operations.length !== 1 || !operation || operation.operation !== "query") return invalid("Invalid bulk query: a bulk query must contain exactly one query operation.");
    const rootFields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && !s.name.value.startsWith("__"));
    const queryType = schema.getQueryType();
    const root = rootFields[0];
    if (!queryType || rootFields.length !== 1 || !root) return invalid("Bulk queries must contain exactly one top-level field.");
    if (root.name.value === "node" || root.name.value === "nodes") return invalid("The top-level node and nodes fields can't be used in bulk queries.");
    const rootDef = queryType.getFields()[root.name.value];
    const rootType = rootDef ? getNamedType(rootDef.type) : undefined;
    if (!rootDef || !isObjectType(rootType) || !isConnectionType(rootType.name)) return invalid("Bulk queries must contain at least one connection.");
    const stats = connectionStats(operation.selectionSet, queryType, 0);
    if (stats.count > 5) return invalid("Bulk queries cannot contain more than 5 connections.");
    if (stats.maxDepth > 2) return invalid("Bulk queries cannot contain connections with a nesting depth greater than 2.");
    if (stats.listInside) return invalid("Queries that contain a connection field within a list field are not currently supported.");
    const inner = nodeSelection(root, rootType);
    if (!inner) return invalid("Bulk queries must select edges.node or nodes of the top-level connection.");
    const active = shop.bulkOperations.filter((o) => o.type === "QUERY" && ACTIVE.has(o.status));
    const limit = maxConcurrentBulkQueries(version);
    if (active.length >= limit) {
      const running = active[active.length - 1];
      return limit === 1 && running
        ? invalid(`A bulk query operation for this app and shop is already in progress: ${gid("BulkOperation", running.id)}.`, "OPERATION_IN_PROGRESS")
        : invalid(`A maximum of ${limit} bulk query operations can run at the same time for this app and shop.`, "LIMIT_REACHED");
    }
    const rootArgs = getArgumentValues(rootDef, root, {});
    const list = bulkRootList(shop, root.name.value, rootArgs);
    if (!list) return invalid(`Bulk export of ${root.name.value} is not supported by the stand-in.`);

    const op: StoredBulkOperation = {
      id: shop.newId(),
      query,
      type: "QUERY",
      status: "CREATED",
      errorCode: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
      partialDataUrl: null,
      createdAt: new Date(this.options.now()).toISOString(),
      completedAt: null,
      cancelRequested: false,
      groupObjects,
    };
    shop.bulkOperations.push(op);
    const rootSelection = { ...root, selectionSet: rewriteNodes(root.selectionSet ?? operation.selectionSet, rootType) };
    const doc: DocumentNode = { kind: Kind.DOCUMENT, definitions: [{ ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections: [rootSelection] } }] };
    const failure = this.options.takeFailure?.() ?? null;
    const task = this.execute(shop, op, { schema, version, doc, rootItems: list.items, rootKey: root.alias?.value ?? root.name.value, inner, failure }).finally(() => this.running.delete(task));
    this.running.add(task);
    return { operation: op, userErrors: [] };
  }

  cancel(shop: ShopState, id: string): { operation: StoredBulkOperation | null; userErrors: { field: string[] | null; message: string }[] } {
    const parsed = parseGid(id);
    const op = parsed?.type === "BulkOperation" ? shop.bulkOperations.find((o) => String(o.id) === parsed.id) : undefined;
    if (!op) return { operation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
    if (!ACTIVE.has(op.status)) {
      return { operation: op, userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}` }] };
    }
    op.cancelRequested = true;
    op.status = "CANCELING";
    return { operation: op, userErrors: [] };
  }

  private async execute(shop: ShopState, op: StoredBulkOperation, plan: ExportPlan): Promise<void> {
    const { schema, version, doc, rootItems, rootKey, inner, failure } = plan;
    const executor = new LeanExecutor(schema, doc);
    const token = randomBytes(24).toString("hex");
    const path = join(this.dir, `${token}.jsonl`);
    const out = createWriteStream(path);
    let bytes = 0;
    const write = async (chunk: string) => {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", resolve));
    };
    const chunkSize = this.options.chunkSize ?? 500;
    // the mutation answers CREATED first, as Shopify does
    await new Promise((resolve) => setImmediate(resolve));
    try {
      if (op.status === "CREATED") op.status = "RUNNING";
      for (let i = 0; i < rootItems.length; i += chunkSize) {
        if (op.cancelRequested || this.closed) break;
        if (failure && op.objectCount >= failure.afterObjects) throw new BulkOperationFailed(failure.errorCode ?? "INTERNAL_SERVER_ERROR");
        const ctx: Ctx = { shop, env: this.options.env(), version, bulkRoot: rootItems.slice(i, i + chunkSize) };
        const data = executor.run(ctx);
        // grouped: children right under their parent; ungrouped: after every parent of the slice
        const byDepth: string[][] = [[], [], []];
        const emit = (node: Record<string, unknown>, selection: SelectionSetNode, type: GraphQLObjectType, parentId: string | null, depth: number) => {
          const shape = cachedShape(selection, type);
          const own: Record<string, unknown> = { ...node };
          for (const child of shape.children) delete own[child.key];
          if (parentId !== null) own["__parentId"] = parentId;
          byDepth[op.groupObjects ? 0 : Math.min(depth, 2)]?.push(JSON.stringify(own));
          op.objectCount++;
          const id = typeof node["id"] === "string" ? node["id"] : null;
          for (const child of shape.children) {
            for (const c of nodesOf(node[child.key], child.viaEdges)) emit(c, child.selection, child.nodeType, id, depth + 1);
          }
        };
        for (const node of nodesOf(data[rootKey], inner.viaEdges)) {
          op.rootObjectCount++;
          emit(node, inner.selection, inner.nodeType, null, 0);
        }
        const text = byDepth.filter((lines) => lines.length > 0).map((lines) => lines.join("\n")).join("\n");
        if (text) await write(text + "\n");
        if (this.options.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, this.options.chunkDelayMs));
        else await new Promise((resolve) => setImmediate(resolve));
      }
      await closeStream(out);
      const url = this.publish(token, path);
      if (op.cancelRequested || this.closed) {
        op.status = "CANCELED";
        op.partialDataUrl = op.objectCount > 0 ? url : null;
      } else {
        op.status = "COMPLETED";
        // Shopify gives no file when nothing matched
        op.url = op.objectCount > 0 ? url : null;
        op.fileSize = op.objectCount > 0 ? bytes : null;
      }
    } catch (error) {
      await closeStream(out);
      op.status = "FAILED";
      op.errorCode = error instanceof BulkOperationFailed ? error.errorCode : "INTERNAL_SERVER_ERROR";
      op.partialDataUrl = op.objectCount > 0 ? this.publish(token, path) : null;
    }
    op.completedAt = new Date(this.options.now()).toISOString();
    if (!this.closed) {
      this.options.onFinish?.(shop.domain, {
        admin_graphql_api_id: gid("BulkOperation", op.id),
        completed_at: op.completedAt,
        created_at: op.createdAt,
        error_code: op.errorCode?.toLowerCase() ?? null,
        status: op.status.toLowerCase(),
        type: op.type.toLowerCase(),
      });
    }
  }

  private publish(token: string, path: string): string {
    this.files.set(token, path);
    return `${this.options.origin()}/bulk-operation-results/${token}.jsonl`;
  }

  /** Serves GET /bulk-operation-results/<token>.jsonl; false when the path isn't ours. */
  serve(pathname: string, res: ServerResponse): boolean {
    const m = /^\/bulk-operation-results\/([0-9a-f]+)\.jsonl$/.exec(pathname);
    if (!m?.[1]) return false;
    const path = this.files.get(m[1]);
    if (!path) {
      res.writeHead(404, { "Content-Type": "application/xml" }).end("<Error><Code>NoSuchKey</Code></Error>");
      return true;
    }
    res.writeHead(200, { "Content-Type": "application/jsonl" });
    createReadStream(path).pipe(res);
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function closeStream(out: WriteStream): Promise<void> {
  return new Promise((resolve) => out.end(() => resolve()));
}
