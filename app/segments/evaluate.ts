/**
 * The in-memory evaluator: a checked query × one customer record × now × time zone → member or
 * not. It serves one customer at webhook time, so `prepare` resolves every date and amount once
 * and returns a predicate that runs in microseconds; `evaluate` is the one-off form.
 */
import type { Clause, Expression } from "./ast";
import { filterOf, type CheckedQuery } from "./engine";
import { anniversaryMetafield, BIRTH_DATE_METAFIELD, fieldOf, metafieldKey } from "./fields";
import type { FilterDefinition } from "./filters";
import type { CustomerRecord, RecordLine, RecordOrder } from "./record";
import {
  ageOn,
  clauseAnniversaryDays,
  clauseDayCondition,
  clauseInstantCondition,
  clauseNumberCondition,
  functionSpec,
  inCondition,
  METAFIELD_NUMBER,
  today,
  type AggregateCondition,
  type Condition,
  type EvaluationContext,
  type LineCondition,
  type OrderCondition,
} from "./semantics";

export type Predicate = (record: CustomerRecord) => boolean;

/**
 * Whether one customer is in the segment. The predicate is prepared once per query and kept
 * while the context means the same thing: a prepared query depends on `now` only through the
 * shop's local day, so calls through a day reuse it.
 */
export function evaluate(checked: CheckedQuery, record: CustomerRecord, context: EvaluationContext): boolean {
  let entry = prepared.get(checked);
  if (!entry || entry.context !== context) {
    const key = contextKey(context);
    entry = entry && entry.key === key ? { ...entry, context } : { context, key, predicate: prepare(checked, context) };
    prepared.set(checked, entry);
  }
  return entry.predicate(record);
}

const prepared = new WeakMap<CheckedQuery, { context: EvaluationContext; key: string; predicate: Predicate }>();

function contextKey(context: EvaluationContext): string {
  return `${context.timeZone}|${context.currencyDigits ?? 2}|${today(context)}`;
}

export function prepare(checked: CheckedQuery, context: EvaluationContext): Predicate {
  return new Preparer(checked, context).expression(checked.query.expression);
}

const never: Predicate = () => false;
/** a metafield value that starts like a date (YYYY-MM-DD) */
const DATED = /^[0-9]{4}-[0-9]{2}-[0-9]{2}/;

class Preparer {
  constructor(
    private readonly checked: CheckedQuery,
    private readonly context: EvaluationContext,
  ) {}

  expression(node: Expression): Predicate {
    switch (node.kind) {
      case "And": {
        const operands = node.operands.map((operand) => this.expression(operand));
        return (record) => operands.every((operand) => operand(record));
      }
      case "Or": {
        const operands = node.operands.map((operand) => this.expression(operand));
        return (record) => operands.some((operand) => operand(record));
      }
      case "Not": {
        const operand = this.expression(node.operand);
        return (record) => !operand(record);
      }
      default:
        return this.clause(node, filterOf(this.checked, node));
    }
  }

  private clause(clause: Clause, definition: FilterDefinition): Predicate {
    const field = fieldOf(definition.name);
    switch (field.kind) {
      case "number": {
        const get = field.record;
        if (clause.kind === "NullCheck") return (record) => (record[get] === null) !== clause.negated;
        const condition = clauseNumberCondition(clause, field.money, this.context);
        return (record) => inCondition(condition, record[get]);
      }
      case "instant": {
        const get = field.record;
        if (clause.kind === "NullCheck") return (record) => (record[get] === null) !== clause.negated;
        const condition = clauseInstantCondition(clause, this.context);
        return (record) => inCondition(condition, record[get]);
      }
      case "text": {
        const get = field.record;
        if (clause.kind === "NullCheck") return (record) => (record[get] === null) !== clause.negated;
        if (clause.kind !== "Comparison" || clause.value.kind !== "String") return never;
        const lower = field.storage.kind === "text" && field.storage.lowerCase;
        const wanted = lower ? clause.value.value.toLowerCase() : clause.value.value;
        const equal = clause.operator === "=";
        return (record) => {
          const value = record[get];
          return value !== null && (value === wanted) === equal;
        };
      }
      case "list": {
        const values = field.values;
        if (clause.kind === "NullCheck") return (record) => !values(record).some((value) => value !== null) !== clause.negated;
        if (clause.kind !== "Contains" || clause.value.kind !== "String") return never;
        const wanted = field.lowerCase ? clause.value.value.toLowerCase() : clause.value.value;
        return (record) => values(record).includes(wanted) !== clause.negated;
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

  private age(clause: Clause): Predicate {
    const key = `${BIRTH_DATE_METAFIELD.namespace}.${BIRTH_DATE_METAFIELD.key}`;
    if (clause.kind === "NullCheck") return (record) => (record.metafields[key] === undefined) !== clause.negated;
    const condition = clauseNumberCondition(clause, false, this.context);
    const todayDay = today(this.context);
    return (record) => {
      const birth = record.metafields[key];
      return birth !== undefined && DATED.test(birth) && inCondition(condition, ageOn(birth.slice(0, 10), todayDay));
    };
  }

  private anniversary(clause: Clause): Predicate {
    const { namespace, key: name } = anniversaryMetafield(clause.filter);
    const key = `${namespace}.${name}`;
    if (clause.kind === "NullCheck") return (record) => (record.metafields[key] === undefined) !== clause.negated;
    const anniversary = clauseAnniversaryDays(clause, this.context);
    if (!anniversary) return never;
    const { days, negated } = anniversary;
    return (record) => {
      const value = record.metafields[key];
      if (value === undefined) return false;
      return (days === "any" || days.has(value.slice(5, 10))) !== negated;
    };
  }

  private metafield(clause: Clause, definition: FilterDefinition): Predicate {
    const { namespace, key } = metafieldKey(definition.name);
    const path = `${namespace}.${key}`;
    if (clause.kind === "NullCheck") return (record) => (record.metafields[path] === undefined) !== clause.negated;
    switch (definition.type) {
      case "number": {
        const condition = clauseNumberCondition(clause, false, this.context);
        return (record) => {
          const value = record.metafields[path];
          return value !== undefined && METAFIELD_NUMBER.test(value) && inCondition(condition, Number(value));
        };
      }
      case "date": {
        const condition = clauseDayCondition(clause, this.context);
        if (!condition) return never;
        return (record) => {
          const value = record.metafields[path];
          return value !== undefined && inCondition(condition, value.slice(0, 10));
        };
      }
      case "boolean":
      case "string": {
        if (clause.kind !== "Comparison") return never;
        const wanted = clause.value.kind === "Boolean" ? String(clause.value.value) : clause.value.kind === "String" ? clause.value.value : "";
        const equal = clause.operator === "=";
        return (record) => {
          const value = record.metafields[path];
          return value !== undefined && (value === wanted) === equal;
        };
      }
      default:
        return never;
    }
  }

  private function(clause: Clause, definition: FilterDefinition): Predicate {
    const spec = functionSpec(clause, definition, this.context);
    if (spec.function === "orders_placed") {
      return (record) => {
        let count = 0;
        let sum = 0;
        for (const order of record.orders) {
          if (!counts(order) || !spec.orders.every((condition) => orderMatches(condition, order))) continue;
          count++;
          sum += order.totalMinor;
        }
        return matched(count, { count, sum_amount: sum, sum_quantity: 0 }, spec.aggregates) !== spec.negated;
      };
    }
    return (record) => {
      let count = 0;
      let quantity = 0;
      for (const order of record.orders) {
        if (!counts(order)) continue;
        let hit = false;
        for (const line of order.lines) {
          if (!spec.lines.every((condition) => lineMatches(condition, line, order))) continue;
          hit = true;
          quantity += line.quantity;
        }
        if (hit) count++;
      }
      return matched(count, { count, sum_quantity: quantity, sum_amount: 0 }, spec.aggregates) !== spec.negated;
    };
  }
}

/** Cancelled and test orders do not count as purchases. */
function counts(order: RecordOrder): boolean {
  return !order.cancelled && !order.test;
}

function orderMatches(condition: OrderCondition, order: RecordOrder): boolean {
  return inCondition(condition.condition, condition.name === "date" ? order.processedAt : order.totalMinor);
}

function lineMatches(condition: LineCondition, line: RecordLine, order: RecordOrder): boolean {
  switch (condition.name) {
    case "id":
      return line.productId !== null && condition.values.includes(line.productId) !== condition.negated;
    case "tag":
      return line.productTags.includes(condition.value) !== condition.negated;
    case "product_type":
      return line.productType !== null && (line.productType === condition.value) !== condition.negated;
    case "sku":
      return line.sku !== null && (line.sku === condition.value) !== condition.negated;
    case "date":
      return inCondition(condition.condition, order.processedAt);
  }
}

/** MATCHES needs at least one matching order, and every aggregate condition over the matches. */
function matched(count: number, totals: Record<AggregateCondition["name"], number>, aggregates: readonly AggregateCondition[]): boolean {
  return count > 0 && aggregates.every((aggregate) => inCondition(aggregate.condition, totals[aggregate.name]));
}
