/**
 * The editor's words for what the query text writes in symbols: operators by the filter's type
 * ("is at least", "is before"), filter groups, MATCHES conditions and enum values. Pure: the caller
 * passes the language's translator.
 */
import type { Locale, MessageKey, Translate } from "~/i18n";
import en from "~/locales/en.json";
import { FILTERS, type ClauseOperator, type FilterGroup, type FilterType, type FunctionParameter } from "~/segments/filters";
import type { ParameterOperator } from "~/segments/rows";
import type { EditorFilter } from "~/services/segment-editor.types";
import { RFM_GROUP_ORDER, rfmGroupLabel, SPEND_TIER_ORDER, tierLabel } from "~/components/prediction-text";

type Comparing = "=" | "!=" | ">" | ">=" | "<" | "<=" | "BETWEEN";

const NUMBER: Record<Comparing, MessageKey> = {
  "=": "editor.operator.number.eq",
  "!=": "editor.operator.number.ne",
  ">": "editor.operator.number.gt",
  ">=": "editor.operator.number.gte",
  "<": "editor.operator.number.lt",
  "<=": "editor.operator.number.lte",
  BETWEEN: "editor.operator.between",
};

const DATE: Record<Comparing, MessageKey> = {
  "=": "editor.operator.date.eq",
  "!=": "editor.operator.date.ne",
  ">": "editor.operator.date.gt",
  ">=": "editor.operator.date.gte",
  "<": "editor.operator.date.lt",
  "<=": "editor.operator.date.lte",
  BETWEEN: "editor.operator.between",
};

const OTHER: Record<Exclude<ClauseOperator | ParameterOperator, Comparing>, MessageKey> = {
  CONTAINS: "editor.operator.contains",
  "NOT CONTAINS": "editor.operator.notContains",
  "IS NULL": "editor.operator.isNull",
  "IS NOT NULL": "editor.operator.isNotNull",
  MATCHES: "editor.operator.matches",
  "NOT MATCHES": "editor.operator.notMatches",
  IN: "editor.operator.in",
  "NOT IN": "editor.operator.notIn",
};

const isComparing = (operator: string): operator is Comparing => operator in NUMBER;

/** An operator in words for a filter (or MATCHES condition) of `type`: > on money is "is more than", on a date "is after". */
export function operatorLabel(t: Translate, type: FilterType, operator: ClauseOperator | ParameterOperator): string {
  if (isComparing(operator)) {
    if (type === "date") return t(DATE[operator]);
    if (type === "number" || type === "money") return t(NUMBER[operator]);
    if (operator === "=") return t("editor.operator.is");
    if (operator === "!=") return t("editor.operator.isNot");
    return t(NUMBER[operator]);
  }
  return t(OTHER[operator]);
}

/** The operators a MATCHES condition takes, as the checker allows them: lists = != IN, text = !=, numbers, money and dates every comparison. */
export function parameterOperators(parameter: FunctionParameter): ParameterOperator[] {
  if (parameter.list) return ["=", "!=", "IN", "NOT IN"];
  if (parameter.type === "string" || parameter.type === "boolean") return ["=", "!="];
  return ["=", "!=", ">", ">=", "<", "<=", "BETWEEN"];
}

export const GROUP_ORDER: readonly FilterGroup[] = ["customer", "orders", "products", "predictions", "metafields"];

const GROUPS: Record<FilterGroup, MessageKey> = {
  customer: "editor.group.customer",
  orders: "editor.group.orders",
  products: "editor.group.products",
  predictions: "editor.group.predictions",
  metafields: "editor.group.metafields",
};

export function groupLabel(t: Translate, group: FilterGroup): string {
  return t(GROUPS[group]);
}

/** A filter's name in the admin's language: the catalogue's own label (the page may have loaded in another language), else the one sent. */
export function filterLabel(filter: Pick<EditorFilter, "name" | "label">, locale: Locale): string {
  return FILTERS.get(filter.name)?.label[locale] ?? filter.label;
}

const PARAMETERS: Record<string, MessageKey> = {
  id: "editor.parameter.id",
  tag: "editor.parameter.tag",
  product_type: "editor.parameter.product_type",
  sku: "editor.parameter.sku",
  date: "editor.parameter.date",
  sum_quantity: "editor.parameter.sum_quantity",
  quantity: "editor.parameter.quantity",
  count: "editor.parameter.count",
  amount: "editor.parameter.amount",
  sum_amount: "editor.parameter.sum_amount",
};

/** A MATCHES condition's name in words ("Product ID", "Total quantity"); a name the editor does not know as written. */
export function parameterLabel(t: Translate, name: string): string {
  const key = PARAMETERS[name];
  return key ? t(key) : name;
}

const ENUM_VALUES: Record<string, MessageKey> = {
  SUBSCRIBED: "editor.enum.SUBSCRIBED",
  NOT_SUBSCRIBED: "editor.enum.NOT_SUBSCRIBED",
  PENDING: "editor.enum.PENDING",
  UNSUBSCRIBED: "editor.enum.UNSUBSCRIBED",
  INVALID: "editor.enum.INVALID",
  REDACTED: "editor.enum.REDACTED",
  DISABLED: "editor.enum.DISABLED",
  INVITED: "editor.enum.INVITED",
  ENABLED: "editor.enum.ENABLED",
  DECLINED: "editor.enum.DECLINED",
};

/** An enum value in words: tiers and RFM groups as the customer pages name them, consent and account states, else as written. */
export function enumLabel(t: Translate, filter: string, value: string): string {
  const tier = SPEND_TIER_ORDER.find((known) => known === value);
  if (filter === "predicted_spend_tier" && tier) return tierLabel(t, tier);
  const group = RFM_GROUP_ORDER.find((known) => known === value);
  if (filter === "rfm_group" && group) return rfmGroupLabel(t, group);
  const key = ENUM_VALUES[value];
  return key ? t(key) : value;
}

/** A field message from the server: a message key in the admin's language, or text as it came. */
export function fieldMessage(t: Translate, message: string): string {
  return isMessageKey(message) ? t(message) : message;
}

function isMessageKey(text: string): text is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, text);
}
