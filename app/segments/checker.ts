import type { Clause, Expression, FilterRef, Parameter, Query, Value, ValueList } from "./ast";
import { SegmentQueryError, type Span } from "./errors";
import {
  closest,
  FILTERS,
  metafieldFilter,
  operatorsOf,
  type ClauseOperator,
  type FilterDefinition,
  type FilterType,
  type FunctionParameter,
  type MetafieldDefinitionInfo,
} from "./filters";
import { message, type Message } from "./messages";

export interface CheckContext {
  /** the shop's customer metafield definitions: they make `metafields.<namespace>.<key>` filters */
  readonly metafields?: readonly MetafieldDefinitionInfo[];
}

export interface CheckResult {
  readonly errors: readonly SegmentQueryError[];
  /** the filter each clause resolved to (for clauses without errors in the filter name) */
  readonly filters: ReadonlyMap<Clause, FilterDefinition>;
}

/**
 * Checks a parsed query against the filter catalogue and the shop's metafields: every filter
 * known, every operator allowed for its type, every value of the right kind. Returns all errors,
 * in source order, rather than stopping at the first.
 */
export function check(query: Query, source: string, context: CheckContext = {}): CheckResult {
  const checker = new Checker(source, context);
  checker.expression(query.expression);
  return { errors: checker.errors.sort((a, b) => a.span.start - b.span.start), filters: checker.filters };
}

class Checker {
  readonly errors: SegmentQueryError[] = [];
  readonly filters = new Map<Clause, FilterDefinition>();
  private readonly metafields: Map<string, FilterDefinition>;

  constructor(
    private readonly source: string,
    context: CheckContext,
  ) {
    this.metafields = new Map();
    for (const definition of context.metafields ?? []) {
      const filter = metafieldFilter(definition);
      if (filter) this.metafields.set(filter.name, filter);
    }
  }

  expression(node: Expression): void {
    switch (node.kind) {
      case "And":
      case "Or":
        node.operands.forEach((operand) => this.expression(operand));
        return;
      case "Not":
        this.expression(node.operand);
        return;
      default:
        this.clause(node);
    }
  }

  private clause(clause: Clause): void {
    const definition = this.resolve(clause.filter);
    if (!definition) return;
    this.filters.set(clause, definition);
    const legacy = definition.type === "function" && clause.filter.args !== null;
    if (legacy) return this.legacyFunction(clause, definition);
    if (clause.filter.args !== null && definition.name !== "anniversary") {
      this.fail("SYNTAX", clause.filter.span, message("checker.noArguments", { filter: definition.name }));
      return;
    }
    if (definition.name === "anniversary") this.anniversaryArgument(clause.filter);
    const operator = operatorOf(clause);
    if (!operatorsOf(definition).includes(operator)) {
      const allowed = operatorsOf(definition).join(", ");
      this.fail("BAD_OPERATOR", clause.span, message("checker.badOperator", { name: definition.name, operator }), message("checker.takesOperators", { name: definition.name, operators: allowed }));
      return;
    }
    switch (clause.kind) {
      case "Comparison":
      case "Contains":
        this.value(clause.value, definition.type === "list" ? "string" : definition.type, definition, definition.integer);
        return;
      case "Between":
        this.value(clause.low, definition.type, definition, definition.integer);
        this.value(clause.high, definition.type, definition, definition.integer);
        return;
      case "NullCheck":
        return;
      case "Matches":
        this.parameters(clause.parameters, definition);
        return;
    }
  }

  /** `products_purchased(id: 123) = true`: the pre-2026-10 form, still accepted. */
  private legacyFunction(clause: Clause, definition: FilterDefinition): void {
    if (clause.kind !== "Comparison" || (clause.operator !== "=" && clause.operator !== "!=") || clause.value.kind !== "Boolean") {
      this.fail("BAD_OPERATOR", clause.span, message("checker.legacyComparison", { filter: definition.name }), message("checker.orMatches", { filter: definition.name }));
      return;
    }
    const seen = new Set<string>();
    for (const argument of clause.filter.args ?? []) {
      const parameter = this.parameterDefinition(definition, argument.name, argument.span, seen);
      if (!parameter) continue;
      if (argument.value.kind === "ValueList") {
        if (parameter.list) this.valueList(argument.value, parameter);
        else this.fail("BAD_VALUE", argument.value.span, message("checker.notAList", { name: argument.name }), listParameters(definition) ? message("checker.onlyListParameters", { names: listParameters(definition) }) : undefined);
      } else this.value(argument.value, parameter.type, definition, parameter.integer, argument.name);
    }
  }

  private anniversaryArgument(filter: FilterRef): void {
    const [argument, ...extra] = filter.args ?? [];
    if (!argument || argument.name !== "date" || argument.value.kind !== "String" || extra.length > 0) {
      this.fail("SYNTAX", filter.span, message("checker.anniversaryArgument"), message("checker.writeAnniversary"));
      return;
    }
    const target = this.metafields.get(argument.value.value);
    if (!target || target.type !== "date") {
      const suggestion = closest(argument.value.value, [...this.metafields.values()].filter((m) => m.type === "date").map((m) => m.name));
      this.fail("UNKNOWN_FILTER", argument.value.span, message("checker.notDateMetafield", { name: argument.value.value }), suggestion ? message("hint.didYouMean", { replacement: `'${suggestion}'` }) : undefined);
    }
  }

  private parameters(parameters: readonly Parameter[], definition: FilterDefinition): void {
    const seen = new Set<string>();
    for (const parameter of parameters) {
      const info = this.parameterDefinition(definition, parameter.name, parameter.span, seen);
      if (!info) continue;
      if (parameter.kind === "ParamIn") {
        if (!info.list) {
          const lists = listParameters(definition);
          this.fail(
            "BAD_OPERATOR",
            parameter.span,
            message("checker.badOperator", { name: parameter.name, operator: parameter.negated ? "NOT IN" : "IN" }),
            lists ? message("checker.onlyListParameters", { names: lists }) : message("checker.noListParameter", { filter: definition.name }),
          );
        }
        else this.valueList(parameter.values, info);
      } else if (parameter.kind === "ParamBetween") {
        if (info.list || info.type === "string") {
          this.fail("BAD_OPERATOR", parameter.span, message("checker.badOperator", { name: parameter.name, operator: "BETWEEN" }), message(info.list ? "checker.takesEqualityOrIn" : "checker.takesEquality", { name: parameter.name }));
          continue;
        }
        this.value(parameter.low, info.type, definition, info.integer, parameter.name);
        this.value(parameter.high, info.type, definition, info.integer, parameter.name);
      } else {
        if ((info.type === "string" || info.list) && parameter.operator !== "=" && parameter.operator !== "!=") {
          this.fail("BAD_OPERATOR", parameter.span, message("checker.badOperator", { name: parameter.name, operator: parameter.operator }), message("checker.takesEquality", { name: parameter.name }));
        } else this.value(parameter.value, info.type, definition, info.integer, parameter.name);
      }
    }
  }

  private parameterDefinition(definition: FilterDefinition, name: string, span: Span, seen: Set<string>): FunctionParameter | undefined {
    const info = definition.parameters?.find((p) => p.name === name);
    if (!info) {
      const names = (definition.parameters ?? []).map((p) => p.name);
      const suggestion = closest(name, names);
      this.fail(
        "UNKNOWN_FILTER",
        span,
        message("checker.noSuchCondition", { filter: definition.name, name }),
        suggestion ? message("hint.didYouMean", { replacement: suggestion }) : message("checker.useConditions", { names: names.join(", ") }),
      );
      return undefined;
    }
    if (seen.has(name)) {
      this.fail("SYNTAX", span, message("checker.conditionTwice", { name, filter: definition.name }), message("checker.conditionOnce"));
      return undefined;
    }
    seen.add(name);
    return info;
  }

  private valueList(list: ValueList, parameter: FunctionParameter): void {
    for (const value of list.values) this.value(value, parameter.type, undefined, parameter.integer, parameter.name);
  }

  /** Checks a value against its type; `subject` names what it is compared with (the filter, or the argument or condition of it). */
  private value(value: Value, type: FilterType, definition: FilterDefinition | undefined, integer = false, subject?: string): void {
    const name: string | Message = subject ?? definition?.name ?? message("subject.thisCondition");
    switch (type) {
      case "number":
      case "money":
        if (value.kind !== "Number") this.fail("BAD_VALUE", value.span, message("checker.expectsNumber", { name, value: describeValue(value) }), message("checker.writeNumber"));
        else if (integer && !Number.isSafeInteger(value.value)) {
          const whole = Number.isFinite(value.value) ? message("hint.writeNumber", { replacement: String(Math.round(value.value)) }) : message("checker.writeWholeNumber");
          this.fail("BAD_VALUE", value.span, message("checker.wholeNumbers", { name, value: value.raw }), whole);
        }
        return;
      case "date":
        if (value.kind === "Date") {
          if (value.value < "0100") this.fail("BAD_VALUE", value.span, message("checker.dateTooEarly", { date: value.value }), message("checker.datesStart"));
          else if (!validDate(value.value)) this.fail("BAD_VALUE", value.span, message("checker.notOnCalendar", { date: value.value }));
        } else if (value.kind !== "RelativeDate" && value.kind !== "NamedDate") {
          this.fail("BAD_VALUE", value.span, message("checker.expectsDate", { name, value: describeValue(value) }), message("checker.writeDate"));
        }
        return;
      case "string":
      case "list":
        if (value.kind !== "String") this.fail("BAD_VALUE", value.span, message("checker.expectsText", { name, value: describeValue(value) }));
        return;
      case "enum": {
        const allowed = definition?.values ?? [];
        if (value.kind !== "String") {
          this.fail("BAD_VALUE", value.span, message("checker.expectsEnum", { name, values: allowed.join(", ") }));
        } else if (!allowed.includes(value.value)) {
          const suggestion = closest(value.value, allowed);
          this.fail(
            "BAD_VALUE",
            value.span,
            message("checker.notAnEnumValue", { value: value.value, name, values: allowed.join(", ") }),
            suggestion ? message("hint.didYouMean", { replacement: `'${suggestion}'` }) : undefined,
          );
        }
        return;
      }
      case "boolean":
        if (value.kind !== "Boolean") this.fail("BAD_VALUE", value.span, message("checker.expectsBoolean", { name, value: describeValue(value) }));
        return;
      case "function":
        return;
    }
  }

  private resolve(filter: FilterRef): FilterDefinition | undefined {
    const known = FILTERS.get(filter.name) ?? this.metafields.get(filter.name);
    if (known) return known;
    const span = { start: filter.span.start, end: filter.span.start + filter.name.length };
    if (filter.name.startsWith("metafields.")) {
      const suggestion = closest(filter.name, this.metafields.keys());
      this.fail(
        "UNKNOWN_FILTER",
        span,
        message("checker.unknownMetafield", { name: filter.name }),
        suggestion ? message("hint.didYouMean", { replacement: suggestion }) : message("checker.createDefinition"),
      );
      return undefined;
    }
    const suggestion = closest(filter.name, [...FILTERS.keys(), ...this.metafields.keys()]);
    this.fail("UNKNOWN_FILTER", span, message("checker.unknownFilter", { name: filter.name }), suggestion ? message("hint.didYouMean", { replacement: suggestion }) : undefined);
    return undefined;
  }

  private fail(code: SegmentQueryError["code"], span: Span, problem: Message, suggestion?: Message): void {
    this.errors.push(new SegmentQueryError(code, problem, this.source, span, suggestion));
  }
}

/** The operator a clause uses, as the filter catalogue names it. */
export function operatorOf(clause: Clause): ClauseOperator {
  switch (clause.kind) {
    case "Comparison":
      return clause.operator;
    case "Between":
      return "BETWEEN";
    case "Contains":
      return clause.negated ? "NOT CONTAINS" : "CONTAINS";
    case "NullCheck":
      return clause.negated ? "IS NOT NULL" : "IS NULL";
    case "Matches":
      return clause.negated ? "NOT MATCHES" : "MATCHES";
  }
}

function listParameters(definition: FilterDefinition): string {
  return (definition.parameters ?? []).filter((p) => p.list).map((p) => p.name).join(", ");
}

function describeValue(value: Value): string {
  switch (value.kind) {
    case "Number":
      return value.raw;
    case "String":
      return `'${value.value}'`;
    case "Date":
      return value.value;
    case "RelativeDate":
      return `${value.amount >= 0 ? "+" : ""}${value.amount}${value.unit}`;
    case "NamedDate":
      return value.name;
    case "Boolean":
      return String(value.value);
  }
}

/** A calendar date (and time, if given) that exists: 2025-02-30 and 2025-01-31T25:00 do not. */
export function validDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (!match) return false;
  const [, y, m, d, hh = "0", mm = "0", ss = "0"] = match;
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  const probe = new Date(Date.UTC(year, month - 1, day));
  return (
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() === month - 1 &&
    probe.getUTCDate() === day &&
    Number(hh) < 24 &&
    Number(mm) < 60 &&
    Number(ss) < 60
  );
}
