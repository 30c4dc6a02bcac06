import { GraphQLError } from "graphql";

/**
 * Shopify's search syntax, the subset the app uses: `field:value`, comparators (`:>`, `:>=`, `:<`,
 * `:<=`), quoted values, a trailing `*` for prefix match, `-`/`NOT` negation, implicit AND between
 * terms and `OR` between groups. Fields the resource doesn't know are ignored, as Shopify does.
 */
export type FieldValue = string | number | boolean | null | readonly string[];
export type FieldKind = "date" | "number" | "string" | "list" | "boolean";
export type SearchFields<T> = Record<string, { kind: FieldKind; get: (item: T) => FieldValue }>;

interface Term {
  negate: boolean;
  field: string | null;
  op: ":" | ">" | ">=" | "<" | "<=";
  value: string;
}

function tokenize(input: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (const ch of input) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (/\s/.test(ch)) {
      if (current) tokens.push(current);
      current = "";
    } else current += ch;
  }
  if (current) tokens.push(current);
  return tokens;
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === "'" || v[0] === '"') && v[v.length - 1] === v[0]) return v.slice(1, -1);
  return v;
}

function parseTerm(token: string, negate: boolean): Term {
  let t = token;
  if (t.startsWith("-")) {
    negate = !negate;
    t = t.slice(1);
  }
  const m = /^([A-Za-z_][\w.]*):(>=|<=|>|<)?(.*)$/s.exec(t);
  if (!m?.[1]) return { negate, field: null, op: ":", value: unquote(t) };
  const op = (m[2] ?? ":") as Term["op"];
  return { negate, field: m[1].toLowerCase(), op, value: unquote(m[3] ?? "") };
}

/** OR-groups of AND-ed terms. */
function parse(query: string): Term[][] {
  const groups: Term[][] = [[]];
  let negateNext = false;
  for (const token of tokenize(query)) {
    if (token === "AND") continue;
    if (token === "OR") {
      groups.push([]);
      continue;
    }
    if (token === "NOT") {
      negateNext = true;
      continue;
    }
    groups[groups.length - 1]?.push(parseTerm(token, negateNext));
    negateNext = false;
  }
  return groups.filter((g) => g.length > 0);
}

function compare(a: number, op: Term["op"], b: number): boolean {
  switch (op) {
    case ":":
      return a === b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
  }
}

function matchString(actual: string, expected: string): boolean {
  const a = actual.toLowerCase();
  const e = expected.toLowerCase();
  return e.endsWith("*") ? a.startsWith(e.slice(0, -1)) : a === e;
}

function matchTerm<T>(item: T, term: Term, fields: SearchFields<T>, freeText: (item: T) => string): boolean {
  if (term.field === null) return freeText(item).toLowerCase().includes(term.value.toLowerCase().replace(/\*$/, ""));
  const field = fields[term.field];
  if (!field) return true; // unknown fields are ignored, like Shopify (which adds a search warning)
  const actual = field.get(item);
  if (term.value === "*") return actual !== null && actual !== "";
  switch (field.kind) {
    case "date": {
      const expected = Date.parse(term.value);
      if (typeof actual !== "string" || Number.isNaN(expected)) return false;
      return compare(Date.parse(actual), term.op, expected);
    }
    case "number": {
      const expected = Number(term.value);
      if (actual === null || Number.isNaN(expected)) return false;
      return compare(Number(actual), term.op, expected);
    }
    case "boolean":
      return String(actual) === term.value.toLowerCase();
    case "list":
      return Array.isArray(actual) && actual.some((v: string) => matchString(v, term.value));
    case "string":
      return typeof actual === "string" && matchString(actual, term.value);
  }
}

export function search<T>(items: Iterable<T>, query: string | null | undefined, fields: SearchFields<T>, freeText: (item: T) => string): T[] {
  const all = [...items];
  if (!query?.trim()) return all;
  const groups = parse(query);
  if (groups.length === 0) return all;
  return all.filter((item) => groups.some((g) => g.every((t) => matchTerm(item, t, fields, freeText) !== t.negate)));
}

// ---------------------------------------------------------------------------------------------
// Connections

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

type SortValue = string | number;
interface CursorKey {
  last_id: number;
  last_value: SortValue;
}

/** Opaque to clients, like Shopify's (which is base64 JSON of last_id/last_value too). */
function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

function decodeCursor(cursor: string): CursorKey {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (parsed && typeof parsed === "object" && "last_id" in parsed && "last_value" in parsed) {
      const { last_id, last_value } = parsed as { last_id: unknown; last_value: unknown };
      if (typeof last_id === "number" && (typeof last_value === "string" || typeof last_value === "number")) return { last_id, last_value };
    }
  } catch {
    // fall through to the error below
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
}

export const MAX_PAGE_SIZE = 250;

export interface PaginateOptions<T> {
  id: (item: T) => string;
  sortValue?: (item: T) => SortValue;
  /** bulk operations read whole nested connections, ignoring first/last */
  unbounded?: boolean;
  /** items are already in their final order (root slices of a bulk operation) */
  presorted?: boolean;
}

function cmpKeys(a: CursorKey, b: CursorKey): number {
  if (a.last_value < b.last_value) return -1;
  if (a.last_value > b.last_value) return 1;
  return a.last_id - b.last_id;
}

/** Relay pagination over a list, ordered by (sortValue, numeric id), reversible. */
export function paginate<T>(all: readonly T[], args: ConnectionArgs, options: PaginateOptions<T>): Connection<T> {
  const sortValue = options.sortValue ?? ((item: T) => Number(options.id(item)));
  const keyed = all.map((item) => ({ item, key: { last_id: Number(options.id(item)), last_value: sortValue(item) } }));
  if (!options.presorted) {
    keyed.sort((a, b) => cmpKeys(a.key, b.key));
    if (args.reverse) keyed.reverse();
  }
  const dir = args.reverse ? -1 : 1;
  if (!options.unbounded) {
    if (args.first == null && args.last == null) {
      throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
    }
    for (const [name, n] of [["first", args.first], ["last", args.last]] as const) {
      if (n != null && (n < 0 || n > MAX_PAGE_SIZE)) {
        throw new GraphQLError(`The '${name}' argument must be between 0 and ${MAX_PAGE_SIZE}.`, { extensions: { code: "BAD_REQUEST" } });
      }
    }
  }
  let start = 0;
  let end = keyed.length;
  if (args.after) {
    const after = decodeCursor(args.after);
    while (start < end && cmpKeys(keyed[start]?.key ?? after, after) * dir <= 0) start++;
  }
  if (args.before) {
    const before = decodeCursor(args.before);
    while (end > start && cmpKeys(keyed[end - 1]?.key ?? before, before) * dir >= 0) end--;
  }
  if (!options.unbounded) {
    if (args.first != null) end = Math.min(end, start + args.first);
    if (args.last != null) start = Math.max(start, end - args.last);
  }
  const slice = keyed.slice(start, end);
  const edges = slice.map(({ item, key }) => ({ cursor: encodeCursor(key), node: item }));
  return {
    edges,
    nodes: slice.map((s) => s.item),
    pageInfo: {
      hasNextPage: end < keyed.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
