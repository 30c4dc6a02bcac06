/**
 * Where each filter's data lives: the Customer column (and the CustomerRecord field the evaluator
 * reads), a child table of values (tags, addresses), a metafield, or a function over orders. The
 * evaluator and the SQL compiler both read this table, so a filter is mapped in one place.
 */
import type { FilterRef } from "./ast";
import type { CustomerRecord } from "./record";
import { cityKey, regionKey } from "./address-keys";

/** How a column is stored: integer columns take whole-number bounds; enums need PostgreSQL's type name. */
export type Storage =
  | { readonly kind: "int"; readonly bits: 32 | 64 }
  | { readonly kind: "float" }
  | { readonly kind: "timestamp" }
  | { readonly kind: "text"; readonly lowerCase?: boolean }
  | { readonly kind: "enum"; readonly postgresType: string };

export type NumericRecordKey = {
  [K in keyof CustomerRecord]: CustomerRecord[K] extends number | null ? K : never;
}[keyof CustomerRecord];
export type TextRecordKey = {
  [K in keyof CustomerRecord]: CustomerRecord[K] extends string | null ? K : never;
}[keyof CustomerRecord];

export type Field =
  | { readonly kind: "number"; readonly column: string; readonly record: NumericRecordKey; readonly storage: Storage; readonly money: boolean }
  | { readonly kind: "instant"; readonly column: string; readonly record: NumericRecordKey }
  | { readonly kind: "text"; readonly column: string; readonly record: TextRecordKey; readonly storage: Storage }
  | {
      readonly kind: "list";
      readonly table: "CustomerTag" | "CustomerAddress";
      readonly column: string;
      readonly lowerCase: boolean;
      readonly values: (record: CustomerRecord) => readonly (string | null)[];
    }
  | { readonly kind: "age" }
  | { readonly kind: "anniversary" }
  | { readonly kind: "metafield" }
  | { readonly kind: "function" };

const int32 = { kind: "int", bits: 32 } as const;
const int64 = { kind: "int", bits: 64 } as const;
const float = { kind: "float" } as const;
const enumOf = (postgresType: string) => ({ kind: "enum", postgresType }) as const;

/** The metafield the app's `age` filter reads: Shopify's standard customer birth date. */
export const BIRTH_DATE_METAFIELD = { namespace: "facts", key: "birth_date" } as const;

export const FIELDS: Readonly<Record<string, Field>> = {
  amount_spent: { kind: "number", column: "amountSpentMinor", record: "amountSpentMinor", storage: int64, money: true },
  number_of_orders: { kind: "number", column: "numberOfOrders", record: "numberOfOrders", storage: int32, money: false },
  first_order_date: { kind: "instant", column: "firstOrderAt", record: "firstOrderAt" },
  last_order_date: { kind: "instant", column: "lastOrderAt", record: "lastOrderAt" },
  customer_added_date: { kind: "instant", column: "shopifyCreatedAt", record: "createdAt" },
  abandoned_checkout_date: { kind: "instant", column: "lastAbandonedCheckoutAt", record: "lastAbandonedCheckoutAt" },
  customer_tags: { kind: "list", table: "CustomerTag", column: "normalized", lowerCase: true, values: (record) => record.tags },
  customer_email_domain: { kind: "text", column: "emailDomain", record: "emailDomain", storage: { kind: "text", lowerCase: true } },
  customer_language: { kind: "text", column: "locale", record: "locale", storage: { kind: "text" } },
  customer_cities: { kind: "list", table: "CustomerAddress", column: "cityKey", lowerCase: false, values: (record) => record.addresses.map(cityKey) },
  customer_countries: {
    kind: "list",
    table: "CustomerAddress",
    column: "countryCode",
    lowerCase: false,
    values: (record) => record.addresses.map((address) => address.countryCode),
  },
  customer_regions: { kind: "list", table: "CustomerAddress", column: "regionKey", lowerCase: false, values: (record) => record.addresses.map(regionKey) },
  customer_account_status: { kind: "text", column: "accountState", record: "accountState", storage: enumOf("CustomerAccountState") },
  email_subscription_status: { kind: "text", column: "emailMarketingState", record: "emailMarketingState", storage: enumOf("EmailMarketingState") },
  sms_subscription_status: { kind: "text", column: "smsMarketingState", record: "smsMarketingState", storage: enumOf("SmsMarketingState") },
  predicted_spend_tier: { kind: "text", column: "predictedSpendTier", record: "predictedSpendTier", storage: enumOf("SpendTier") },
  rfm_group: { kind: "text", column: "rfmGroup", record: "rfmGroup", storage: enumOf("RfmGroup") },
  products_purchased: { kind: "function" },
  orders_placed: { kind: "function" },
  anniversary: { kind: "anniversary" },
  age: { kind: "age" },
  average_order_value: { kind: "number", column: "averageOrderValueMinor", record: "averageOrderValueMinor", storage: int64, money: true },
  amount_paid: { kind: "number", column: "amountPaidMinor", record: "amountPaidMinor", storage: int64, money: true },
  discount_order_share: { kind: "number", column: "discountOrderShare", record: "discountOrderShare", storage: float, money: false },
  last_order_amount: { kind: "number", column: "lastOrderAmountMinor", record: "lastOrderAmountMinor", storage: int64, money: true },
  predicted_spend_12m: { kind: "number", column: "predictedSpend12mMinor", record: "predictedSpend12mMinor", storage: int64, money: true },
  predicted_clv: { kind: "number", column: "predictedClvMinor", record: "predictedClvMinor", storage: int64, money: true },
  churn_probability: { kind: "number", column: "churnProbability", record: "churnProbability", storage: float, money: false },
  expected_next_order_date: { kind: "instant", column: "expectedNextOrderAt", record: "expectedNextOrderAt" },
};

const METAFIELD: Field = { kind: "metafield" };

export function fieldOf(filterName: string): Field {
  if (filterName.startsWith("metafields.")) return METAFIELD;
  const field = FIELDS[filterName];
  if (!field) throw new RangeError(`no field for ${filterName}`);
  return field;
}

/** The metafield `anniversary(date: 'metafields.facts.birth_date')` reads. */
export function anniversaryMetafield(filter: FilterRef): { namespace: string; key: string } {
  const argument = filter.args?.[0]?.value;
  return metafieldKey(argument?.kind === "String" ? argument.value : "metafields..");
}

/** `metafields.facts.birth_date` → ['facts', 'birth_date'] (the key may itself hold dots? Shopify's may not). */
export function metafieldKey(filterName: string): { namespace: string; key: string } {
  const rest = filterName.slice("metafields.".length);
  const dot = rest.indexOf(".");
  return { namespace: rest.slice(0, dot), key: rest.slice(dot + 1) };
}
