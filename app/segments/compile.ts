/**
 * The SQL compiler: a checked query × dialect × now × time zone → one SELECT of the ids of the
 * shop's customers in the segment. Every value — amounts, dates, tags, ids — goes in as a
 * parameter; the text holds only the compiler's own identifiers and keywords. The SQL reads like
 * what a person would write against the store's indexes: a range on a Customer column, or a
 * subquery on a child table (tags, addresses, metafields, orders) placed where each store plans it
 * best — `c."id" IN (…)` for a top-level conjunct, a correlated `EXISTS (…)` under OR or NOT, the
 * child table alone for a one-clause query (see `related`).
 */
import type { Clause, Expression } from "./ast";
import { filterOf, type CheckedQuery } from "./engine";
import { anniversaryMetafield, BIRTH_DATE_METAFIELD, fieldOf, metafieldKey, type Storage } from "./fields";
import type { FilterDefinition } from "./filters";
import {
  clauseAnniversaryDays,
  clauseDayCondition,
  clauseInstantCondition,
  clauseNumberCondition,
  functionSpec,
  yearsBefore,
  type AggregateCondition,
  type Bound,
  type Condition,
  type EvaluationContext,
  type LineCondition,
} from "./semantics";

export type Dialect = "sqlite" | "postgresql";
export type SqlParameter = string | number;

export interface CompileOptions extends EvaluationContext {
  readonly dialect: Dialect;
  readonly shopId: number;
}

export interface CompiledQuery {
  /** `SELECT c."id" AS "id" FROM "Customer" AS c WHERE c."shopId" = ? AND (…)` */
  readonly text: string;
  readonly params: readonly SqlParameter[];
}

export function compileToSql(checked: CheckedQuery, options: CompileOptions): CompiledQuery {
  const expression = checked.query.expression;
  if (expression.kind !== "And" && expression.kind !== "Or" && expression.kind !== "Not") {
    // one clause on a child table (a tag, a purchase): select from that table alone, as a person would
    const compiler = new Compiler(checked, options);
    const text = compiler.directSelect(expression);
    if (text) return { text, params: compiler.params };
  }
  const compiler = new Compiler(checked, options);
  const shop = compiler.param(options.shopId);
  const where = compiler.expression(expression, true);
  return { text: `SELECT c."id" AS "id" FROM "Customer" AS c WHERE c."shopId" = ${shop} AND ${where}`, params: compiler.params };
}

/** `SELECT count(*) AS "count" FROM (…)`: the segment's size. */
export function compileCount(checked: CheckedQuery, options: CompileOptions): CompiledQuery {
  const { text, params } = compileToSql(checked, options);
  return { text: `SELECT count(*) AS "count" FROM (${text}) AS segment`, params };
}

const FALSE = "(1 = 0)";
const INT_RANGE = { 32: [-2_147_483_648, 2_147_483_647], 64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] } as const;
/** 0001-01-01 … 9999-12-31: what both stores can hold as a timestamp. */
const INSTANT_RANGE = [-62_135_596_800_000, 253_402_300_799_999] as const;

/** Orders that count as purchases: not cancelled, not test orders. */
const COUNTED_ORDER = `o."cancelledAt" IS NULL AND NOT o."test"`;

type Placement = "select" | "drive" | "probe";

interface Subquery {
  /** the child rows' conditions besides the shop, built when placed (SQLite's ? are positional) */
  readonly conditions: () => string[];
  /** aggregate conditions over a customer's matching rows */
  readonly having?: () => string[];
  /** the clause asks for customers with such rows (not without them) */
  readonly positive?: boolean;
  /** at most one matching row per customer, so a direct select needs no DISTINCT */
  readonly unique?: boolean;
}

class Compiler {
  readonly params: SqlParameter[] = [];
  /** whether the clause being compiled is a conjunct of the whole query (so it can drive the query) */
  private top = false;
  private selecting = false;

  constructor(
    private readonly checked: CheckedQuery,
    private readonly options: CompileOptions,
  ) {}

  param(value: SqlParameter): string {
    this.params.push(value);
    return this.options.dialect === "postgresql" ? `$${this.params.length}` : "?";
  }

  private shop(): string {
    return this.param(this.options.shopId);
  }

  /** `top`: the node is the whole query or one of its top-level conjuncts. */
  expression(node: Expression, top = false): string {
    switch (node.kind) {
      case "And":
        return this.balanced(node.operands, "AND", top);
      case "Or":
        return this.balanced(node.operands, "OR", false);
      case "Not":
        // Two-valued logic: a clause on a missing value is false, so NOT of it is true.
        return `(NOT COALESCE(${this.expression(node.operand)}, ${FALSE}))`;
      default:
        this.top = top;
        return this.clause(node, filterOf(this.checked, node));
    }
  }

  /**
   * The whole query when it is one positive clause on a child table: `SELECT DISTINCT
   * t."customerId" AS "id" FROM "CustomerTag" AS t WHERE t."shopId" = ? AND …` — the child row
   * carries the shop, so the Customer table need not be read. Null for any other clause.
   */
  directSelect(clause: Clause): string | null {
    const definition = filterOf(this.checked, clause);
    const field = fieldOf(definition.name);
    const positive =
      (field.kind === "list" && clause.kind === "Contains" && !clause.negated) ||
      (field.kind === "function" && !functionSpec(clause, definition, this.options).negated);
    if (!positive) return null;
    this.selecting = true;
    return this.clause(clause, definition);
  }

  /**
   * `(a OR b OR …)`, nested as a balanced tree past 16 operands: SQLite parses a flat chain as a
   * tree as deep as it is long and refuses more than 1,000 levels.
   */
  private balanced(operands: readonly Expression[], joiner: "AND" | "OR", top: boolean): string {
    if (operands.length <= 16) return `(${operands.map((operand) => this.expression(operand, top)).join(` ${joiner} `)})`;
    const middle = Math.ceil(operands.length / 2);
    return `(${this.balanced(operands.slice(0, middle), joiner, top)} ${joiner} ${this.balanced(operands.slice(middle), joiner, top)})`;
  }

  private clause(clause: Clause, definition: FilterDefinition): string {
    const field = fieldOf(definition.name);
    switch (field.kind) {
      case "number": {
        const column = `c."${field.column}"`;
        if (clause.kind === "NullCheck") return nullCheck(column, clause.negated);
        return this.range(column, clauseNumberCondition(clause, field.money, this.options), field.storage);
      }
      case "instant": {
        const column = `c."${field.column}"`;
        if (clause.kind === "NullCheck") return nullCheck(column, clause.negated);
        return this.range(column, clauseInstantCondition(clause, this.options), { kind: "timestamp" });
      }
      case "text": {
        const column = `c."${field.column}"`;
        if (clause.kind === "NullCheck") return nullCheck(column, clause.negated);
        if (clause.kind !== "Comparison" || clause.value.kind !== "String") return FALSE;
        const wanted = field.storage.kind === "text" && field.storage.lowerCase ? clause.value.value.toLowerCase() : clause.value.value;
        return `${column} ${clause.operator === "=" ? "=" : "<>"} ${this.typed(wanted, field.storage)}`;
      }
      case "list": {
        const alias = field.table === "CustomerTag" ? "t" : "a";
        const from = `"${field.table}" AS ${alias}`;
        if (clause.kind === "NullCheck") {
          const any = this.related(alias, from, { conditions: () => [`${alias}."${field.column}" IS NOT NULL`], positive: clause.negated });
          return clause.negated ? `(${any})` : `(NOT ${any})`;
        }
        if (clause.kind !== "Contains" || clause.value.kind !== "String") return FALSE;
        const wanted = field.lowerCase ? clause.value.value.toLowerCase() : clause.value.value;
        const contains = this.related(alias, from, {
          conditions: () => [`${alias}."${field.column}" = ${this.param(wanted)}`],
          positive: !clause.negated,
          // a customer has a tag once (its key is customerId + tag); an address country can repeat
          unique: field.table === "CustomerTag",
        });
        if (this.selecting) return contains;
        return clause.negated ? `(NOT ${contains})` : `(${contains})`;
      }
      case "age":
        return this.age(clause);
      case "anniversary":
        return this.anniversary(clause);
      case "metafield":
        return this.metafield(clause, definition);
      case "function":
        return this.function(clause, definition);
    }
  }

  /**
   * A condition on a column: `col >= ? AND col < ?`, or for != `(col < ? OR col > ?)`. Integer
   * columns get whole-number bounds (amount_spent > 100.505 is amountSpentMinor >= 10051), and a
   * bound beyond what the column can hold folds to true or false, so no parameter overflows.
   */
  range(column: string, condition: Condition<number>, storage: Storage): string {
    let low: Bound<number> | null = condition.low;
    let high: Bound<number> | null = condition.high;
    let limits: readonly [number, number] = [-Infinity, Infinity];
    if (storage.kind === "int") {
      const whole = wholeBounds(condition);
      low = whole.low === null ? null : { value: whole.low, inclusive: true };
      high = whole.high === null ? null : { value: whole.high, inclusive: true };
      limits = INT_RANGE[storage.bits];
    } else if (storage.kind === "timestamp") limits = INSTANT_RANGE;
    else if (storage.kind === "float") limits = [-Number.MAX_VALUE, Number.MAX_VALUE];
    const empty =
      (low !== null && (Number.isNaN(low.value) || low.value > limits[1] || (low.value === limits[1] && !low.inclusive))) ||
      (high !== null && (Number.isNaN(high.value) || high.value < limits[0] || (high.value === limits[0] && !high.inclusive))) ||
      (low !== null && high !== null && (low.value > high.value || (low.value === high.value && !(low.inclusive && high.inclusive))));
    if (empty) return condition.negated ? nullCheck(column, true) : FALSE;
    if (low && low.value < limits[0]) low = null;
    if (high && high.value > limits[1]) high = null;
    if (!low && !high) return condition.negated ? FALSE : nullCheck(column, true);
    return bounded(column, low, high, condition.negated, (value) => this.typed(value, storage));
  }

  /** A text condition: days compare as 'YYYY-MM-DD' text. */
  private textRange(column: string, condition: Condition<string>): string {
    const { low, high } = condition;
    if (low && high && low.value > high.value) return condition.negated ? nullCheck(column, true) : FALSE;
    if (!low && !high) return condition.negated ? FALSE : nullCheck(column, true);
    return bounded(column, low, high, condition.negated, (value) => this.param(value));
  }

  /** A parameter in the column's type: timestamps and enums are cast explicitly for PostgreSQL. */
  private typed(value: number | string, storage: Storage): string {
    const postgres = this.options.dialect === "postgresql";
    if (storage.kind === "timestamp") {
      const iso = new Date(value as number).toISOString();
      return postgres ? `CAST(${this.param(iso.slice(0, -1))} AS timestamp(3))` : this.param(iso.replace("Z", "+00:00"));
    }
    if (storage.kind === "enum" && postgres) return `CAST(${this.param(value)} AS "${storage.postgresType}")`;
    // Prisma sends a float parameter rounded to 16 digits (0.30000000000000004 → 0.3) and refuses
    // one beyond 2^53: floats travel as their shortest exact text and are cast by the database.
    if (storage.kind === "float") return `CAST(${this.param(String(value))} AS ${postgres ? "double precision" : "REAL"})`;
    return this.param(value);
  }

  /**
   * "The customer has rows in a child table that meet these conditions (and, grouped per customer,
   * these aggregates)", placed the way each store plans best:
   * - drive: a positive top-level conjunct, `c."id" IN (SELECT … [GROUP BY … HAVING …])`, which
   *   both stores turn into a semi-join led by the child table's index;
   * - probe: under OR or NOT, a correlated `EXISTS (SELECT 1 … WHERE "customerId" = c."id" …)`,
   *   an index probe per candidate customer — an `IN` there would be read whole first (SQLite) or,
   *   too big to hash, re-read for every customer (PostgreSQL: minutes on a million);
   * - select: the whole query (see directSelect).
   * Placeholders are positional in SQLite, so conditions are built in the order they appear.
   */
  private related(alias: string, from: string, subquery: Subquery): string {
    const { conditions, having, positive = true, unique = false } = subquery;
    const placement: Placement = this.selecting ? "select" : this.top && positive ? "drive" : "probe";
    const shop = `${alias}."shopId" = ${this.shop()}`;
    const where = [shop, ...conditions()].join(" AND ");
    const aggregates = having?.() ?? [];
    const grouped = aggregates.length ? ` GROUP BY ${alias}."customerId" HAVING ${aggregates.join(" AND ")}` : "";
    switch (placement) {
      case "select":
        return `SELECT ${grouped || unique ? "" : "DISTINCT "}${alias}."customerId" AS "id" FROM ${from} WHERE ${where}${grouped}`;
      case "drive":
        return `c."id" IN (SELECT ${alias}."customerId" FROM ${from} WHERE ${where}${grouped})`;
      case "probe":
        // an aggregate without GROUP BY yields a row even over no rows: at least one must match
        // (SQLite takes HAVING without GROUP BY only in a query that selects an aggregate)
        if (aggregates.length === 0) return `EXISTS (SELECT 1 FROM ${from} WHERE ${alias}."customerId" = c."id" AND ${where})`;
        return `EXISTS (SELECT count(*) FROM ${from} WHERE ${alias}."customerId" = c."id" AND ${where} HAVING count(*) > 0 AND ${aggregates.join(" AND ")})`;
    }
  }

  private metafieldRows(namespace: string, key: string, condition?: () => string, positive = true): string {
    return this.related("m", `"CustomerMetafield" AS m`, {
      conditions: () => [`m."namespace" = ${this.param(namespace)}`, `m."key" = ${this.param(key)}`, ...(condition ? [condition()] : [])],
      positive,
    });
  }

  private presence(namespace: string, key: string, negated: boolean): string {
    const any = this.metafieldRows(namespace, key, undefined, negated);
    return negated ? `(${any})` : `(NOT ${any})`;
  }

  /** age ≥ n ⟺ born on or before today − n years; an integer range of ages is a range of birth days. */
  private age(clause: Clause): string {
    const { namespace, key } = BIRTH_DATE_METAFIELD;
    if (clause.kind === "NullCheck") return this.presence(namespace, key, clause.negated);
    const condition = clauseNumberCondition(clause, false, this.options);
    const { low, high } = wholeBounds(condition);
    const clamp = (years: number) => Math.min(Math.max(years, -1000), 2000);
    const birthDays: Condition<string> = {
      // age ≤ high ⟺ born after today − (high + 1) years; age ≥ low ⟺ born on or before today − low years
      low: high === null ? null : { value: yearsBefore(this.options, clamp(high + 1)), inclusive: false },
      high: low === null ? null : { value: yearsBefore(this.options, clamp(low)), inclusive: true },
      negated: condition.negated,
    };
    // only a value that starts like a date has an age
    const dated = this.options.dialect === "postgresql" ? `m."value" ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'` : `m."value" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'`;
    if (low !== null && high !== null && low > high) return condition.negated ? this.metafieldRows(namespace, key, () => dated) : FALSE;
    return this.metafieldRows(namespace, key, () => `${dated} AND ${this.textRange(`substr(m."value", 1, 10)`, birthDays)}`);
  }

  private anniversary(clause: Clause): string {
    const { namespace, key } = anniversaryMetafield(clause.filter);
    if (clause.kind === "NullCheck") return this.presence(namespace, key, clause.negated);
    const anniversary = clauseAnniversaryDays(clause, this.options);
    if (!anniversary) return FALSE;
    const { days, negated } = anniversary;
    if (days === "any") return negated ? FALSE : this.presence(namespace, key, true);
    if (days.size === 0) return negated ? this.presence(namespace, key, true) : FALSE;
    const wanted = [...days].sort();
    return this.metafieldRows(namespace, key, () => `substr(m."value", 6, 5) ${negated ? "NOT IN" : "IN"} (${wanted.map((day) => this.param(day)).join(", ")})`);
  }

  private metafield(clause: Clause, definition: FilterDefinition): string {
    const { namespace, key } = metafieldKey(definition.name);
    if (clause.kind === "NullCheck") return this.presence(namespace, key, clause.negated);
    switch (definition.type) {
      case "number": {
        // Only values that are strictly decimal numbers take part (a stray value never fails the query).
        const number =
          this.options.dialect === "postgresql"
            ? `CASE WHEN m."value" ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN CAST(m."value" AS double precision) END`
            : `CASE WHEN (m."value" GLOB '[0-9]*' OR m."value" GLOB '-[0-9]*') AND ltrim(m."value", '-') NOT GLOB '*[^0-9.]*' AND m."value" NOT GLOB '*.*.*' AND m."value" NOT GLOB '*.' THEN CAST(m."value" AS REAL) END`;
        const condition = clauseNumberCondition(clause, false, this.options);
        return this.metafieldRows(namespace, key, () => this.range(`(${number})`, condition, { kind: "float" }));
      }
      case "date": {
        const condition = clauseDayCondition(clause, this.options);
        if (!condition) return FALSE;
        return this.metafieldRows(namespace, key, () => this.textRange(`substr(m."value", 1, 10)`, condition));
      }
      case "boolean":
      case "string": {
        if (clause.kind !== "Comparison") return FALSE;
        const wanted = clause.value.kind === "Boolean" ? String(clause.value.value) : clause.value.kind === "String" ? clause.value.value : "";
        const operator = clause.operator === "=" ? "=" : "<>";
        return this.metafieldRows(namespace, key, () => `m."value" ${operator} ${this.param(wanted)}`);
      }
      default:
        return FALSE;
    }
  }

  private function(clause: Clause, definition: FilterDefinition): string {
    const spec = functionSpec(clause, definition, this.options);
    const orders = spec.function === "orders_placed";
    const from = orders ? `"Order" AS o` : `"Order" AS o JOIN "OrderLine" AS l ON l."orderId" = o."id"`;
    const conditions = () => {
      const where = [`o."customerId" IS NOT NULL`, COUNTED_ORDER];
      if (spec.function === "orders_placed") {
        for (const condition of spec.orders) {
          where.push(
            condition.name === "date"
              ? this.range(`o."processedAt"`, condition.condition, { kind: "timestamp" })
              : this.range(`o."totalMinor"`, condition.condition, { kind: "int", bits: 64 }),
          );
        }
      } else {
        // the line's own shop column lets the (shopId, productShopifyId) index lead
        where.push(`l."shopId" = ${this.shop()}`);
        for (const condition of spec.lines) where.push(this.line(condition));
      }
      return where;
    };
    const matches = this.related("o", from, { conditions, having: () => spec.aggregates.map((aggregate) => this.aggregate(aggregate)), positive: !spec.negated });
    if (this.selecting) return matches;
    return spec.negated ? `(NOT ${matches})` : `(${matches})`;
  }

  private line(condition: LineCondition): string {
    switch (condition.name) {
      case "id":
        if (condition.values.length === 1) return `l."productShopifyId" ${condition.negated ? "<>" : "="} ${this.param(condition.values[0] as string)}`;
        return `l."productShopifyId" ${condition.negated ? "NOT IN" : "IN"} (${condition.values.map((value) => this.param(value)).join(", ")})`;
      case "tag": {
        const tagged = `l."productShopifyId" IN (SELECT p."shopifyId" FROM "Product" AS p JOIN "ProductTag" AS pt ON pt."productId" = p."id" WHERE p."shopId" = ${this.shop()} AND pt."normalized" = ${this.param(condition.value)})`;
        return condition.negated ? `(NOT COALESCE(${tagged}, ${FALSE}))` : tagged;
      }
      case "product_type":
        return `l."productType" ${condition.negated ? "<>" : "="} ${this.param(condition.value)}`;
      case "sku":
        return `l."sku" ${condition.negated ? "<>" : "="} ${this.param(condition.value)}`;
      case "date":
        return this.range(`o."processedAt"`, condition.condition, { kind: "timestamp" });
    }
  }

  private aggregate(aggregate: AggregateCondition): string {
    const expression = aggregate.name === "count" ? `count(DISTINCT o."id")` : aggregate.name === "sum_quantity" ? `sum(l."quantity")` : `sum(o."totalMinor")`;
    return this.range(expression, aggregate.condition, { kind: "int", bits: 64 });
  }
}

/** The whole numbers a condition's bounds allow (x > 2.5 → x ≥ 3; x < 3 → x ≤ 2): both inclusive. */
function wholeBounds(condition: Condition<number>): { low: number | null; high: number | null } {
  const { low, high } = condition;
  return {
    low: low && (low.inclusive ? Math.ceil(low.value) : Math.floor(low.value) + 1),
    high: high && (high.inclusive ? Math.floor(high.value) : Math.ceil(high.value) - 1),
  };
}

/**
 * `col >= ? AND col < ?` for a range with at least one bound, `(col < ? OR col >= ?)` outside it
 * (`!=`), `col = ?` / `col <> ?` when the bounds meet.
 */
function bounded<T extends number | string>(column: string, low: Bound<T> | null, high: Bound<T> | null, negated: boolean, value: (value: T) => string): string {
  if (low && high && low.value === high.value && low.inclusive && high.inclusive) return `${column} ${negated ? "<>" : "="} ${value(low.value)}`;
  const parts = negated
    ? [low && `${column} ${low.inclusive ? "<" : "<="} ${value(low.value)}`, high && `${column} ${high.inclusive ? ">" : ">="} ${value(high.value)}`]
    : [low && `${column} ${low.inclusive ? ">=" : ">"} ${value(low.value)}`, high && `${column} ${high.inclusive ? "<=" : "<"} ${value(high.value)}`];
  const present = parts.filter((part): part is string => Boolean(part));
  return present.length === 1 ? (present[0] as string) : `(${present.join(negated ? " OR " : " AND ")})`;
}

function nullCheck(column: string, negated: boolean): string {
  return `${column} IS ${negated ? "NOT " : ""}NULL`;
}
