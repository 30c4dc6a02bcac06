import type { Clause, Expression, FilterRef, Parameter, Query, Value, ValueList } from "./ast";
import { legacyMatches } from "./semantics";

/**
 * The canonical text of a query: keywords in capitals, single spaces, the fewest parentheses that
 * keep the meaning, deprecated dates in the new form (`30_days_ago` → `-30d`) and the legacy
 * function form rewritten to MATCHES (`products_purchased(id: 1) = true` →
 * `products_purchased MATCHES (id = 1)`). print(parse(print(q))) equals print(q).
 */
export function print(query: Query): string {
  return expression(query.expression, "top");
}

type Context = "top" | "and" | "not";

function expression(node: Expression, context: Context): string {
  switch (node.kind) {
    case "Or": {
      const text = node.operands.map((operand) => expression(operand, "top")).join(" OR ");
      return context === "top" ? text : `(${text})`;
    }
    case "And": {
      const text = node.operands.map((operand) => expression(operand, "and")).join(" AND ");
      return context === "not" ? `(${text})` : text;
    }
    case "Not":
      return `NOT ${expression(node.operand, "not")}`;
    default:
      return clause(node);
  }
}

function clause(node: Clause): string {
  const legacy = legacyAsMatches(node);
  if (legacy) return legacy;
  const name = filter(node.filter);
  switch (node.kind) {
    case "Comparison":
      return `${name} ${node.operator} ${value(node.value)}`;
    case "Between":
      return `${name} BETWEEN ${value(node.low)} AND ${value(node.high)}`;
    case "Contains":
      return `${name} ${node.negated ? "NOT " : ""}CONTAINS ${value(node.value)}`;
    case "NullCheck":
      return `${name} IS ${node.negated ? "NOT " : ""}NULL`;
    case "Matches":
      return `${name} ${node.negated ? "NOT " : ""}MATCHES (${node.parameters.map(parameter).join(", ")})`;
  }
}

/** Legacy `f(a: 1, b: (2, 3)) = true` → `f MATCHES (a = 1, b IN (2, 3))` (see legacyMatches). */
function legacyAsMatches(node: Clause): string | null {
  const legacy = legacyMatches(node);
  if (!legacy) return null;
  return `${node.filter.name} ${legacy.negated ? "NOT " : ""}MATCHES (${legacy.parameters.map(parameter).join(", ")})`;
}

function filter(node: FilterRef): string {
  if (!node.args) return node.name;
  return `${node.name}(${node.args.map((a) => `${a.name}: ${a.value.kind === "ValueList" ? list(a.value) : value(a.value)}`).join(", ")})`;
}

function parameter(node: Parameter): string {
  switch (node.kind) {
    case "ParamComparison":
      return `${node.name} ${node.operator} ${value(node.value)}`;
    case "ParamIn":
      return `${node.name} ${node.negated ? "NOT IN" : "IN"} ${list(node.values)}`;
    case "ParamBetween":
      return `${node.name} BETWEEN ${value(node.low)} AND ${value(node.high)}`;
  }
}

function list(node: ValueList): string {
  return `(${node.values.map(value).join(", ")})`;
}

export function value(node: Value): string {
  switch (node.kind) {
    case "Number":
      return canonicalNumber(node.raw);
    case "String":
      // a line break inside a value is written as backslash + line break, which the lexer reads back
      return `'${node.value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\\n")}'`;
    case "Date":
      return node.value;
    case "RelativeDate":
      return `${node.amount < 0 ? "-" : "+"}${Math.abs(node.amount)}${node.unit}`;
    case "NamedDate":
      return node.name;
    case "Boolean":
      return String(node.value);
  }
}

/** A number as written, without a plus, leading zeros or trailing fractional zeros — never in exponent form, never rounded. */
export function canonicalNumber(raw: string): string {
  const negative = raw.startsWith("-");
  const [whole = "0", fraction = ""] = raw.replace(/^[-+]/, "").split(".");
  const integer = whole.replace(/^0+(?=\d)/, "");
  const decimals = fraction.replace(/0+$/, "");
  const text = decimals ? `${integer}.${decimals}` : integer;
  return negative && text !== "0" ? `-${text}` : text;
}
