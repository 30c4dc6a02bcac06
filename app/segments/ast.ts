import type { Span } from "./errors";

/** Nodes are readonly, tagged by kind and carry their span, so `switch (node.kind)` is exhaustive. */
export interface Query {
  readonly kind: "Query";
  readonly expression: Expression;
  readonly span: Span;
}

export type Expression = And | Or | Not | Clause;
export type Clause = Comparison | Between | Contains | NullCheck | Matches;

export interface And {
  readonly kind: "And";
  readonly operands: readonly Expression[];
  readonly span: Span;
}

export interface Or {
  readonly kind: "Or";
  readonly operands: readonly Expression[];
  readonly span: Span;
}

export interface Not {
  readonly kind: "Not";
  readonly operand: Expression;
  readonly span: Span;
}

/** A filter as written: `amount_spent`, `metafields.facts.birth_date`, `anniversary(date: '…')`, `products_purchased(id: 1)`. */
export interface FilterRef {
  readonly kind: "Filter";
  readonly name: string;
  /** arguments in parentheses after the name (anniversary's date, the legacy function form), else null */
  readonly args: readonly Argument[] | null;
  readonly span: Span;
}

export interface Argument {
  readonly kind: "Argument";
  readonly name: string;
  readonly value: Value | ValueList;
  readonly span: Span;
}

export type ComparisonOperator = "=" | "!=" | ">" | ">=" | "<" | "<=";

export interface Comparison {
  readonly kind: "Comparison";
  readonly filter: FilterRef;
  readonly operator: ComparisonOperator;
  readonly value: Value;
  readonly span: Span;
}

export interface Between {
  readonly kind: "Between";
  readonly filter: FilterRef;
  readonly low: Value;
  readonly high: Value;
  readonly span: Span;
}

export interface Contains {
  readonly kind: "Contains";
  readonly filter: FilterRef;
  readonly negated: boolean;
  readonly value: Value;
  readonly span: Span;
}

export interface NullCheck {
  readonly kind: "NullCheck";
  readonly filter: FilterRef;
  readonly negated: boolean;
  readonly span: Span;
}

/** `products_purchased MATCHES (id = 1, date > -90d)` — the 2026-10 function form. */
export interface Matches {
  readonly kind: "Matches";
  readonly filter: FilterRef;
  readonly negated: boolean;
  readonly parameters: readonly Parameter[];
  readonly span: Span;
}

/** One condition inside MATCHES: `id = 1`, `id IN (1, 2)`, `date BETWEEN -30d AND today`. */
export type Parameter =
  | { readonly kind: "ParamComparison"; readonly name: string; readonly operator: ComparisonOperator; readonly value: Value; readonly span: Span }
  | { readonly kind: "ParamIn"; readonly name: string; readonly negated: boolean; readonly values: ValueList; readonly span: Span }
  | { readonly kind: "ParamBetween"; readonly name: string; readonly low: Value; readonly high: Value; readonly span: Span };

export type Value = NumberValue | StringValue | DateValue | RelativeDateValue | NamedDateValue | BooleanValue;

export interface NumberValue {
  readonly kind: "Number";
  readonly value: number;
  readonly raw: string;
  readonly span: Span;
}

export interface StringValue {
  readonly kind: "String";
  readonly value: string;
  readonly span: Span;
}

/** `2025-01-31` or `2025-01-31T10:00:00`, as written (the checker validates the calendar). */
export interface DateValue {
  readonly kind: "Date";
  readonly value: string;
  readonly span: Span;
}

/** `-30d`, `+2w`; the deprecated `30_days_ago` is read as `-30d` with `deprecated` set. */
export interface RelativeDateValue {
  readonly kind: "RelativeDate";
  readonly amount: number;
  readonly unit: "d" | "w" | "m" | "y";
  readonly deprecated: boolean;
  readonly span: Span;
}

export interface NamedDateValue {
  readonly kind: "NamedDate";
  readonly name: "today" | "yesterday";
  readonly span: Span;
}

export interface BooleanValue {
  readonly kind: "Boolean";
  readonly value: boolean;
  readonly span: Span;
}

export interface ValueList {
  readonly kind: "ValueList";
  readonly values: readonly Value[];
  readonly span: Span;
}
