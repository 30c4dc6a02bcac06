/**
 * The filter catalogue: every filter a query may name, its type, the operators that type allows,
 * the values an enum takes, and whether Shopify's own segments know it (native) or only this app.
 * (SQL and record mappings come with the compiler and evaluator.)
 */
export type FilterType = "number" | "money" | "date" | "string" | "enum" | "list" | "boolean" | "function";
export type FilterGroup = "customer" | "orders" | "products" | "predictions" | "metafields";
export type ClauseOperator = "=" | "!=" | ">" | ">=" | "<" | "<=" | "BETWEEN" | "CONTAINS" | "NOT CONTAINS" | "IS NULL" | "IS NOT NULL" | "MATCHES" | "NOT MATCHES";

export interface FunctionParameter {
  readonly name: string;
  readonly type: Exclude<FilterType, "function" | "list" | "enum">;
  /** `id IN (…)` is allowed (and only =, != besides) */
  readonly list?: boolean;
  /** whole numbers only */
  readonly integer?: boolean;
}

export interface FilterDefinition {
  readonly name: string;
  readonly type: FilterType;
  readonly group: FilterGroup;
  /** Shopify's segment language knows it, so a native segment can mirror it */
  readonly native: boolean;
  readonly label: { readonly en: string; readonly nl: string };
  /** allowed values of an enum (or suggested values of a list) */
  readonly values?: readonly string[];
  /** list values compare case-insensitively (tags) */
  readonly caseInsensitive?: boolean;
  readonly parameters?: readonly FunctionParameter[];
  /** whole numbers only (Shopify's Integer attributes) */
  readonly integer?: boolean;
  /** the operators this filter takes, where narrower than its type's */
  readonly operators?: readonly ClauseOperator[];
}

/** The operators a filter takes. */
export function operatorsOf(definition: FilterDefinition): readonly ClauseOperator[] {
  return definition.operators ?? OPERATORS_BY_TYPE[definition.type];
}

const COMPARE: readonly ClauseOperator[] = ["=", "!=", ">", ">=", "<", "<=", "BETWEEN", "IS NULL", "IS NOT NULL"];

/** The operators a type allows, in the order the editor offers them. */
export const OPERATORS_BY_TYPE: Readonly<Record<FilterType, readonly ClauseOperator[]>> = {
  number: COMPARE,
  money: COMPARE,
  date: COMPARE,
  string: ["=", "!=", "IS NULL", "IS NOT NULL"],
  enum: ["=", "!=", "IS NULL", "IS NOT NULL"],
  list: ["CONTAINS", "NOT CONTAINS", "IS NULL", "IS NOT NULL"],
  boolean: ["=", "!=", "IS NULL", "IS NOT NULL"],
  function: ["MATCHES", "NOT MATCHES"],
};

export const SUBSCRIPTION_STATES = ["SUBSCRIBED", "NOT_SUBSCRIBED", "PENDING", "UNSUBSCRIBED", "INVALID", "REDACTED"] as const;
/** SMS consent has no INVALID state (Shopify's SmsMarketingState). */
export const SMS_SUBSCRIPTION_STATES = ["SUBSCRIBED", "NOT_SUBSCRIBED", "PENDING", "UNSUBSCRIBED", "REDACTED"] as const;
export const SPEND_TIERS = ["HIGH", "MEDIUM", "LOW"] as const;
export const RFM_GROUPS = [
  "CHAMPIONS",
  "LOYAL",
  "ACTIVE",
  "NEW",
  "PROMISING",
  "NEEDS_ATTENTION",
  "AT_RISK",
  "ALMOST_LOST",
  "PREVIOUSLY_LOYAL",
  "DORMANT",
  "PROSPECTS",
] as const;
export const ACCOUNT_STATES = ["DISABLED", "INVITED", "ENABLED", "DECLINED"] as const;

type Entry = Omit<FilterDefinition, "label"> & { en: string; nl: string };

const ENTRIES: Entry[] = [
  { name: "amount_spent", type: "money", group: "orders", native: true, en: "Amount spent", nl: "Besteed bedrag" },
  { name: "number_of_orders", type: "number", integer: true, group: "orders", native: true, en: "Number of orders", nl: "Aantal bestellingen" },
  { name: "first_order_date", type: "date", group: "orders", native: true, en: "First order date", nl: "Datum eerste bestelling" },
  { name: "last_order_date", type: "date", group: "orders", native: true, en: "Last order date", nl: "Datum laatste bestelling" },
  { name: "customer_added_date", type: "date", group: "customer", native: true, en: "Customer added date", nl: "Klant toegevoegd op" },
  { name: "abandoned_checkout_date", type: "date", group: "orders", native: true, en: "Abandoned checkout date", nl: "Datum verlaten checkout" },
  { name: "customer_tags", type: "list", group: "customer", native: true, caseInsensitive: true, en: "Customer tags", nl: "Klanttags" },
  { name: "customer_email_domain", type: "string", group: "customer", native: true, en: "Email domain", nl: "E-maildomein" },
  { name: "customer_language", type: "string", group: "customer", native: true, en: "Language", nl: "Taal" },
  { name: "customer_cities", type: "list", group: "customer", native: true, en: "City", nl: "Stad" },
  { name: "customer_countries", type: "list", group: "customer", native: true, en: "Country", nl: "Land" },
  { name: "customer_regions", type: "list", group: "customer", native: true, en: "Region", nl: "Regio" },
  { name: "customer_account_status", type: "enum", group: "customer", native: true, values: ACCOUNT_STATES, en: "Account status", nl: "Accountstatus" },
  { name: "email_subscription_status", type: "enum", group: "customer", native: true, values: SUBSCRIPTION_STATES, en: "Email subscription", nl: "E-mailabonnement" },
  { name: "sms_subscription_status", type: "enum", group: "customer", native: true, values: SMS_SUBSCRIPTION_STATES, en: "SMS subscription", nl: "Sms-abonnement" },
  { name: "predicted_spend_tier", type: "enum", group: "predictions", native: true, values: SPEND_TIERS, en: "Predicted spend tier", nl: "Voorspelde bestedingsklasse" },
  { name: "rfm_group", type: "enum", group: "predictions", native: true, values: RFM_GROUPS, en: "RFM group", nl: "RFM-groep" },
  {
    name: "products_purchased",
    type: "function",
    group: "products",
    native: true,
    en: "Products purchased",
    nl: "Gekochte producten",
    parameters: [
      { name: "id", type: "number", list: true, integer: true },
      { name: "tag", type: "string" },
      { name: "product_type", type: "string" },
      { name: "sku", type: "string" },
      { name: "date", type: "date" },
      { name: "sum_quantity", type: "number", integer: true },
      { name: "quantity", type: "number", integer: true },
      { name: "count", type: "number", integer: true },
    ],
  },
  {
    name: "orders_placed",
    type: "function",
    group: "orders",
    native: true,
    en: "Orders placed",
    nl: "Geplaatste bestellingen",
    parameters: [
      { name: "date", type: "date" },
      { name: "amount", type: "money" },
      { name: "count", type: "number", integer: true },
      { name: "sum_amount", type: "money" },
    ],
  },
  {
    name: "anniversary",
    type: "date",
    group: "metafields",
    native: true,
    // a day of the year: ordering (>, <) has no meaning across a year's end
    operators: ["=", "!=", "BETWEEN", "IS NULL", "IS NOT NULL"],
    en: "Anniversary",
    nl: "Verjaardag",
  },
  // The app's own filters: what native segments cannot say.
  { name: "age", type: "number", group: "customer", native: false, en: "Age", nl: "Leeftijd" },
  { name: "average_order_value", type: "money", group: "orders", native: false, en: "Average order value", nl: "Gemiddelde bestelwaarde" },
  { name: "amount_paid", type: "money", group: "orders", native: false, en: "Amount paid", nl: "Betaald bedrag" },
  { name: "discount_order_share", type: "number", group: "orders", native: false, en: "Share of orders with a discount code", nl: "Aandeel bestellingen met kortingscode" },
  { name: "last_order_amount", type: "money", group: "orders", native: false, en: "Last order amount", nl: "Bedrag laatste bestelling" },
  { name: "predicted_spend_12m", type: "money", group: "predictions", native: false, en: "Predicted spend, next 12 months", nl: "Voorspelde besteding, komende 12 maanden" },
  { name: "predicted_clv", type: "money", group: "predictions", native: false, en: "Predicted lifetime value", nl: "Voorspelde klantwaarde" },
  { name: "churn_probability", type: "number", group: "predictions", native: false, en: "Churn probability", nl: "Kans op afhaken" },
  { name: "expected_next_order_date", type: "date", group: "predictions", native: false, en: "Expected next order", nl: "Verwachte volgende bestelling" },
];

export const FILTERS: ReadonlyMap<string, FilterDefinition> = new Map(
  ENTRIES.map(({ en, nl, ...definition }) => [definition.name, { ...definition, label: { en, nl } }]),
);

/** A shop's customer metafield definition, by Shopify's type name. */
export interface MetafieldDefinitionInfo {
  readonly namespace: string;
  readonly key: string;
  readonly type: string;
  readonly name?: string;
}

/** number_integer/number_decimal → number, date/date_time → date, single_line_text_field → string, boolean → boolean. */
export function metafieldFilterType(shopifyType: string): FilterType | null {
  if (shopifyType === "number_integer" || shopifyType === "number_decimal") return "number";
  if (shopifyType === "date" || shopifyType === "date_time") return "date";
  if (shopifyType === "single_line_text_field" || shopifyType === "multi_line_text_field") return "string";
  if (shopifyType === "boolean") return "boolean";
  return null;
}

export function metafieldFilter(definition: MetafieldDefinitionInfo): FilterDefinition | null {
  const type = metafieldFilterType(definition.type);
  if (!type) return null;
  const label = definition.name ?? `${definition.namespace}.${definition.key}`;
  return { name: `metafields.${definition.namespace}.${definition.key}`, type, group: "metafields", native: true, label: { en: label, nl: label } };
}

/** Edit distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

/** The closest of the candidates, if it is close enough to be what was meant. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}
