/**
 * What a checked clause means, resolved against `now`, the shop's time zone and currency: the
 * shared first step of the in-memory evaluator and the SQL compiler. A date value becomes the
 * instants its day starts and ends; money becomes minor units; a function's parameters become
 * line/order conditions and aggregate conditions. Each path then applies these conditions its own
 * way, and the differential property test holds the two to the same answers.
 */
import type { Argument, Clause, ComparisonOperator, Parameter, Value } from "./ast";
import type { FilterDefinition } from "./filters";
import { addDays, addMonths, isLeapYear, localDay, parseDay, startOfDay, zonedInstant, type Day } from "./time";

export interface EvaluationContext {
  /** the moment "today" is taken from, ms since the epoch */
  readonly now: number;
  /** the shop's IANA time zone */
  readonly timeZone: string;
  /** the shop currency's minor-unit digits (2 for EUR, 0 for JPY); default 2 */
  readonly currencyDigits?: number;
}

export interface Bound<T> {
  readonly value: T;
  readonly inclusive: boolean;
}

/** `low ≤ v ≤ high` (bounds optional, each inclusive or not); `negated` asks for a value outside it. Null never matches. */
export interface Condition<T extends number | string> {
  readonly low: Bound<T> | null;
  readonly high: Bound<T> | null;
  readonly negated: boolean;
}

export function inCondition<T extends number | string>(condition: Condition<T>, value: T | null | undefined): boolean {
  if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))) return false;
  const { low, high } = condition;
  const inside =
    (!low || (low.inclusive ? value >= low.value : value > low.value)) && (!high || (high.inclusive ? value <= high.value : value < high.value));
  return inside !== condition.negated;
}

function comparison<T extends number | string>(operator: ComparisonOperator, value: T): Condition<T> {
  const at = { value, inclusive: true };
  switch (operator) {
    case "=":
      return { low: at, high: at, negated: false };
    case "!=":
      return { low: at, high: at, negated: true };
    case ">":
      return { low: { value, inclusive: false }, high: null, negated: false };
    case ">=":
      return { low: at, high: null, negated: false };
    case "<":
      return { low: null, high: { value, inclusive: false }, negated: false };
    case "<=":
      return { low: null, high: at, negated: false };
  }
}

// ---------------------------------------------------------------- numbers and money

export function numberOf(value: Value): number {
  return value.kind === "Number" ? value.value : Number.NaN;
}

/** Major units as written → minor units, exactly for the digits written (100.1 → 10010, not 10009.999…). */
export function minorUnits(value: Value, digits: number): number {
  if (value.kind !== "Number") return Number.NaN;
  const scaled = value.value * 10 ** digits;
  return Number.isFinite(scaled) ? Math.round(scaled * 1e6) / 1e6 : scaled;
}

export function numberCondition(operator: ComparisonOperator, value: number): Condition<number> {
  return comparison(operator, value);
}

export function numberBetween(low: number, high: number): Condition<number> {
  return { low: { value: low, inclusive: true }, high: { value: high, inclusive: true }, negated: false };
}

// ---------------------------------------------------------------- dates

export function today(context: EvaluationContext): Day {
  return localDay(context.now, context.timeZone);
}

/** A date value as a day (`2025-01-31`, `-30d`, `today`) or an instant (`2025-01-31T10:00:00`, shop-local). */
export type ResolvedDate = { readonly day: Day } | { readonly instant: number; readonly day: Day };

export function resolveDate(value: Value, context: EvaluationContext): ResolvedDate {
  switch (value.kind) {
    case "Date": {
      const day = value.value.slice(0, 10);
      if (value.value.length === 10) return { day };
      const [year, month, date] = parseDay(day);
      const [hour = 0, minute = 0, second = 0] = value.value.slice(11).split(":").map(Number);
      return { day, instant: zonedInstant(year, month, date, hour, minute, second, context.timeZone) };
    }
    case "RelativeDate": {
      const base = today(context);
      switch (value.unit) {
        case "d":
          return { day: addDays(base, value.amount) };
        case "w":
          return { day: addDays(base, value.amount * 7) };
        case "m":
          return { day: addMonths(base, value.amount) };
        case "y":
          return { day: addMonths(base, value.amount * 12) };
      }
      break;
    }
    case "NamedDate":
      return { day: value.name === "today" ? today(context) : addDays(today(context), -1) };
    default:
      break;
  }
  // The checker lets no other value reach a date filter.
  return { day: "" };
}

/** A comparison of an instant (a timestamp column) with a date value: whole local days unless a time is given. */
export function instantCondition(operator: ComparisonOperator, value: Value, context: EvaluationContext): Condition<number> {
  const resolved = resolveDate(value, context);
  if ("instant" in resolved) return comparison(operator, resolved.instant);
  const start = startOfDay(resolved.day, context.timeZone);
  const next = startOfDay(addDays(resolved.day, 1), context.timeZone);
  switch (operator) {
    case "=":
      return { low: { value: start, inclusive: true }, high: { value: next, inclusive: false }, negated: false };
    case "!=":
      return { low: { value: start, inclusive: true }, high: { value: next, inclusive: false }, negated: true };
    case ">":
      return { low: { value: next, inclusive: true }, high: null, negated: false };
    case ">=":
      return { low: { value: start, inclusive: true }, high: null, negated: false };
    case "<":
      return { low: null, high: { value: start, inclusive: false }, negated: false };
    case "<=":
      return { low: null, high: { value: next, inclusive: false }, negated: false };
  }
}

export function instantBetween(low: Value, high: Value, context: EvaluationContext): Condition<number> {
  const from = instantCondition(">=", low, context).low;
  const to = instantCondition("<=", high, context).high;
  return { low: from, high: to, negated: false };
}

/** A comparison of a day (a date metafield) with a date value; a time in the value is ignored. */
export function dayCondition(operator: ComparisonOperator, value: Value, context: EvaluationContext): Condition<string> {
  return comparison(operator, resolveDate(value, context).day);
}

export function dayBetween(low: Value, high: Value, context: EvaluationContext): Condition<string> {
  return { low: { value: resolveDate(low, context).day, inclusive: true }, high: { value: resolveDate(high, context).day, inclusive: true }, negated: false };
}

/** The day `years` whole years before today (Feb 29 → Feb 28 in other years): age ≥ n ⟺ born on or before it. */
export function yearsBefore(context: EvaluationContext, years: number): Day {
  return addMonths(today(context), -12 * years);
}

/** Completed years from a birth day to today. */
export function ageOn(birthDay: Day, todayDay: Day): number {
  const [by, bm, bd] = parseDay(birthDay);
  const [ty, tm, td] = parseDay(todayDay);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/**
 * The month-days (`MM-DD`) an anniversary condition accepts, or "any" when the window spans a
 * whole year. Someone born on 29 February celebrates on the 28th in other years.
 */
export function anniversaryDays(low: Value, high: Value, context: EvaluationContext): Set<string> | "any" {
  const from = resolveDate(low, context).day;
  const to = resolveDate(high, context).day;
  if (!from || !to || from > to) return new Set();
  if (addMonths(from, 12) <= to) return "any";
  const days = new Set<string>();
  for (let day = from; day <= to; day = addDays(day, 1)) {
    days.add(day.slice(5));
    if (day.slice(5) === "02-28" && !isLeapYear(parseDay(day)[0])) days.add("02-29");
  }
  return days;
}

// ---------------------------------------------------------------- clauses

/** `anniversary(…) = day`, `!= day` or `BETWEEN a AND b` as the month-days it takes; null for other clauses. */
export function clauseAnniversaryDays(clause: Clause, context: EvaluationContext): { days: Set<string> | "any"; negated: boolean } | null {
  if (clause.kind === "Between") return { days: anniversaryDays(clause.low, clause.high, context), negated: false };
  if (clause.kind === "Comparison") return { days: anniversaryDays(clause.value, clause.value, context), negated: clause.operator === "!=" };
  return null;
}

/** The number condition of a comparison or BETWEEN clause (money in minor units); other clauses match nothing. */
export function clauseNumberCondition(clause: Clause, money: boolean, context: EvaluationContext): Condition<number> {
  const convert = money ? (value: Value) => minorUnits(value, context.currencyDigits ?? 2) : numberOf;
  if (clause.kind === "Comparison") return numberCondition(clause.operator, convert(clause.value));
  if (clause.kind === "Between") return numberBetween(convert(clause.low), convert(clause.high));
  return { low: null, high: null, negated: true };
}

/** The instant condition of a date comparison or BETWEEN clause; other clauses match nothing. */
export function clauseInstantCondition(clause: Clause, context: EvaluationContext): Condition<number> {
  if (clause.kind === "Comparison") return instantCondition(clause.operator, clause.value, context);
  if (clause.kind === "Between") return instantBetween(clause.low, clause.high, context);
  return { low: null, high: null, negated: true };
}

/** The day condition (date metafields) of a comparison or BETWEEN clause, or null for other clauses. */
export function clauseDayCondition(clause: Clause, context: EvaluationContext): Condition<string> | null {
  if (clause.kind === "Comparison") return dayCondition(clause.operator, clause.value, context);
  if (clause.kind === "Between") return dayBetween(clause.low, clause.high, context);
  return null;
}

// ---------------------------------------------------------------- functions

export type LineCondition =
  | { readonly name: "id"; readonly values: readonly string[]; readonly negated: boolean }
  | { readonly name: "tag" | "product_type" | "sku"; readonly value: string; readonly negated: boolean }
  | { readonly name: "date"; readonly condition: Condition<number> };

export type OrderCondition =
  | { readonly name: "date"; readonly condition: Condition<number> }
  | { readonly name: "amount"; readonly condition: Condition<number> };

export interface AggregateCondition {
  readonly name: "sum_quantity" | "count" | "sum_amount";
  readonly condition: Condition<number>;
}

/** `products_purchased MATCHES (…)`: lines of the customer's orders that meet every line condition, then aggregates over them. */
export interface PurchaseSpec {
  readonly function: "products_purchased";
  readonly negated: boolean;
  readonly lines: readonly LineCondition[];
  readonly aggregates: readonly AggregateCondition[];
}

/** `orders_placed MATCHES (…)`: the customer's orders that meet every order condition, then aggregates. */
export interface OrdersSpec {
  readonly function: "orders_placed";
  readonly negated: boolean;
  readonly orders: readonly OrderCondition[];
  readonly aggregates: readonly AggregateCondition[];
}

/**
 * The legacy function form `f(a: 1, b: (2, 3)) = true` as the MATCHES it means,
 * `f MATCHES (a = 1, b IN (2, 3))` (a legacy `date` means "on or after"; `= false` and `!= true`
 * mean NOT MATCHES); null for any other clause. The printer, the rows model and both evaluation
 * paths all read the legacy form through this one rule.
 */
export function legacyMatches(clause: Clause): { negated: boolean; parameters: readonly Parameter[] } | null {
  if (clause.kind !== "Comparison" || !clause.filter.args || clause.value.kind !== "Boolean" || clause.filter.name === "anniversary") return null;
  if (clause.operator !== "=" && clause.operator !== "!=") return null;
  return { negated: (clause.operator === "=") !== clause.value.value, parameters: clause.filter.args.map(legacyParameter) };
}

/** The parameters of a MATCHES clause or of the legacy form, as MATCHES parameters. */
export function matchParameters(clause: Clause): { negated: boolean; parameters: readonly Parameter[] } {
  if (clause.kind === "Matches") return { negated: clause.negated, parameters: clause.parameters };
  return legacyMatches(clause) ?? { negated: false, parameters: [] };
}

function legacyParameter(argument: Argument): Parameter {
  if (argument.value.kind === "ValueList") return { kind: "ParamIn", name: argument.name, negated: false, values: argument.value, span: argument.span };
  return { kind: "ParamComparison", name: argument.name, operator: argument.name === "date" ? ">=" : "=", value: argument.value, span: argument.span };
}

function parameterCondition(parameter: Parameter, toNumber: (value: Value) => number): Condition<number> {
  switch (parameter.kind) {
    case "ParamComparison":
      return numberCondition(parameter.operator, toNumber(parameter.value));
    case "ParamBetween":
      return numberBetween(toNumber(parameter.low), toNumber(parameter.high));
    case "ParamIn":
      return { low: null, high: null, negated: true }; // the checker allows IN only for id
  }
}

function dateParameterCondition(parameter: Parameter, context: EvaluationContext): Condition<number> {
  if (parameter.kind === "ParamComparison") return instantCondition(parameter.operator, parameter.value, context);
  if (parameter.kind === "ParamBetween") return instantBetween(parameter.low, parameter.high, context);
  return { low: null, high: null, negated: true };
}

function text(value: Value): string {
  if (value.kind === "String") return value.value;
  if (value.kind === "Number") return Number.isSafeInteger(value.value) ? String(value.value) : value.raw;
  return "";
}

export function functionSpec(clause: Clause, definition: FilterDefinition, context: EvaluationContext): PurchaseSpec | OrdersSpec {
  const { negated, parameters } = matchParameters(clause);
  const digits = context.currencyDigits ?? 2;
  const money = (value: Value) => minorUnits(value, digits);
  const aggregates: AggregateCondition[] = [];
  if (definition.name === "orders_placed") {
    const orders: OrderCondition[] = [];
    for (const parameter of parameters) {
      if (parameter.name === "date") orders.push({ name: "date", condition: dateParameterCondition(parameter, context) });
      else if (parameter.name === "amount") orders.push({ name: "amount", condition: parameterCondition(parameter, money) });
      else if (parameter.name === "count") aggregates.push({ name: "count", condition: parameterCondition(parameter, numberOf) });
      else if (parameter.name === "sum_amount") aggregates.push({ name: "sum_amount", condition: parameterCondition(parameter, money) });
    }
    return { function: "orders_placed", negated, orders, aggregates };
  }
  const lines: LineCondition[] = [];
  for (const parameter of parameters) {
    switch (parameter.name) {
      case "id":
        if (parameter.kind === "ParamIn") lines.push({ name: "id", values: parameter.values.values.map(text), negated: parameter.negated });
        else if (parameter.kind === "ParamComparison") lines.push({ name: "id", values: [text(parameter.value)], negated: parameter.operator === "!=" });
        break;
      case "tag":
      case "product_type":
      case "sku":
        if (parameter.kind === "ParamComparison") {
          const value = parameter.name === "tag" ? text(parameter.value).toLowerCase() : text(parameter.value);
          lines.push({ name: parameter.name, value, negated: parameter.operator === "!=" });
        }
        break;
      case "date":
        lines.push({ name: "date", condition: dateParameterCondition(parameter, context) });
        break;
      case "sum_quantity":
      case "quantity": // the 2026-10 changelog's name for the quantity bought
        aggregates.push({ name: "sum_quantity", condition: parameterCondition(parameter, numberOf) });
        break;
      case "count":
        aggregates.push({ name: "count", condition: parameterCondition(parameter, numberOf) });
        break;
    }
  }
  return { function: "products_purchased", negated, lines, aggregates };
}

/** Strictly a decimal number, as a number metafield holds it ('42', '-12.5'). */
export const METAFIELD_NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
