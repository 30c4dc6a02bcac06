import { GraphQLError } from "graphql";

/**
 * Shopify's search syntax, the subset the app uses: `field:value`, comparators (`:>`, `:>=`, `:<`,
 * `:<=`), quoted values, a trailing `*` for prefix match, `field:*` for presence, `-`/`NOT`
 * negation, implicit or explicit AND, `OR`, and parentheses. Fields the resource doesn't know are
 * ignored, as Shopify does.
 */
export type FieldValue = string | number | boolean | null | readonly string[];
export type FieldKind = "date" | "number" | "string" | "list" | "boolean";
export type SearchFields<T> = Record<string, { kind: FieldKind; get: (item: T) => FieldValue }>;

interface Term {
  field: string | null;
  op: ":" | ">" | ">=" | "<" | "<=";
  value: string;
}

/** A parsed search: terms joined by AND / OR, negated with NOT or `-`, grouped by parentheses. */
type Expr = { kind: "term"; term: Term } | { kind: "and" | "or"; items: Expr[] } | { kind: "not"; expr: Expr };

/** Words, quoted phrases and parentheses (outside quotes) as separate tokens. */
function tokenize(input: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let quote: string | null = null;
  const flush = () => {
    if (current) tokens.push(current);
    current = "";
  };
  for (const ch of input) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (/\s/.test(ch)) flush();
    else if (ch === "(" && current === "") tokens.push("(");
    else if (ch === "(" && current === "-") {
      // "-(" negates a group, like NOT (
      current = "";
      tokens.push("NOT", "(");
    } else if (ch === ")") {
      flush();
      tokens.push(")");
    } else current += ch;
  }
  flush();
  return tokens;
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === "'" || v[0] === '"') && v[v.length - 1] === v[0]) return v.slice(1, -1);
  return v;
}

function parseTerm(token: string): Expr {
  let t = token;
  let negate = false;
  if (t.startsWith("-") && t.length > 1) {
    negate = true;
    t = t.slice(1);
  }
  const m = /^([A-Za-z_][\w.]*):(>=|<=|>|<)?(.*)$/s.exec(t);
  const term: Term = m?.[1] ? { field: m[1].toLowerCase(), op: (m[2] ?? ":") as Term["op"], value: unquote(m[3] ?? "") } : { field: null, op: ":", value: unquote(t) };
  const expr: Expr = { kind: "term", term };
  return negate ? { kind: "not", expr } : expr;
}

/**
 * query   := or
 * or      := and ("OR" and)*
 * and     := unary (("AND")? unary)*
 * unary   := ("NOT")? primary
 * primary := "(" or ")" | term
 * AND binds tighter than OR; a stray parenthesis or connective is ignored, as Shopify ignores what it can't read.
 */
function parse(query: string): Expr | null {
  const tokens = tokenize(query);
  let pos = 0;
  const peek = () => tokens[pos];
  const parseOr = (): Expr | null => {
    const items: Expr[] = [];
    for (;;) {
      const item = parseAnd();
      if (item) items.push(item);
      if (peek() !== "OR") break;
      pos++;
    }
    return items.length === 0 ? null : items.length === 1 ? (items[0] ?? null) : { kind: "or", items };
  };
  const parseAnd = (): Expr | null => {
    const items: Expr[] = [];
    for (;;) {
      const token = peek();
      if (token === undefined || token === ")" || token === "OR") break;
      if (token === "AND") {
        pos++;
        continue;
      }
      const item = parseUnary();
      if (item) items.push(item);
    }
    return items.length === 0 ? null : items.length === 1 ? (items[0] ?? null) : { kind: "and", items };
  };
  const parseUnary = (): Expr | null => {
    if (peek() === "NOT") {
      pos++;
      const inner = parseUnary();
      return inner ? { kind: "not", expr: inner } : null;
    }
    const token = peek();
    pos++;
    if (token === "(") {
      const inner = parseOr();
      if (peek() === ")") pos++;
      return inner;
    }
    return token === undefined || token === ")" ? null : parseTerm(token);
  };
  const expr = parseOr();
  // unbalanced ")" stops the grammar early; read on so the rest still counts (implicit AND)
  const rest: Expr[] = [];
  while (pos < tokens.length) {
    pos++;
    const more = parseOr();
    if (more) rest.push(more);
  }
  if (rest.length === 0) return expr;
  return { kind: "and", items: [...(expr ? [expr] : []), ...rest] };
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
  if (term.value === "*") return actual !== null && actual !== "" && !(Array.isArray(actual) && actual.length === 0);
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

function evaluate<T>(item: T, expr: Expr, fields: SearchFields<T>, freeText: (item: T) => string): boolean {
  switch (expr.kind) {
    case "term":
      return matchTerm(item, expr.term, fields, freeText);
    case "not":
      return !evaluate(item, expr.expr, fields, freeText);
    case "and":
      return expr.items.every((e) => evaluate(item, e, fields, freeText));
    case "or":
      return expr.items.some((e) => evaluate(item, e, fields, freeText));
  }
}

export function search<T>(items: Iterable<T>, query: string | null | undefined, fields: SearchFields<T>, freeText: (item: T) => string): T[] {
  const all = [...items];
  if (!query?.trim()) return all;
  const expr = parse(query);
  if (!expr) return all;
  return all.filter((item) => evaluate(item, expr, fields, freeText));
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
  // cursors are encoded only when read: bulk exports and `nodes` selections never ask for them
  const edges = slice.map(({ item, key }) => ({
    node: item,
    get cursor() {
      return encodeCursor(key);
    },
  }));
  return {
    edges,
    nodes: slice.map((s) => s.item),
    pageInfo: {
      hasNextPage: end < keyed.length,
      hasPreviousPage: start > 0,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges[edges.length - 1]?.cursor ?? null;
      },
    },
  };
}
