/**
 * Multi-row INSERT in one statement, for the sync's batches. Prisma's createMany costs about half a
 * millisecond per row through the driver adapters here (its query interpreter handles each row);
 * one parameterised INSERT … VALUES (…), (…) is about ten times faster on SQLite and PostgreSQL
 * alike. Values are always parameters, converted to the form Prisma itself stores them in, so rows
 * written here read back through Prisma exactly like its own:
 * - SQLite: DateTime as ISO-8601 text with "+00:00", booleans as 0/1, Json as text;
 * - PostgreSQL: every parameter cast to its column's type (timestamp(3) holding UTC, enums, jsonb).
 */
import type { DatabaseKind } from "~/db/client";
import type { Tx } from "./sync-writes.server";

export type ColumnType = "int" | "bigint" | "float" | "text" | "bool" | "timestamp" | "json" | { enum: string };

export type TableSpec = Readonly<Record<string, ColumnType>>;

/** Statement parameters stay well under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMETERS = 8_000;

export interface InsertOptions<R extends string> {
  /** ON CONFLICT DO NOTHING: rows that would violate a unique key are left out (any other violation still fails) */
  ignoreConflicts?: boolean;
  /** columns to return for the rows inserted */
  returning?: readonly R[];
}

/**
 * Inserts rows (objects keyed by column name; a missing key is NULL) into `table`, whose columns
 * and types `spec` names. Returns the `returning` columns of the rows inserted.
 */
export async function insertRows<R extends string = never>(
  tx: Tx,
  kind: DatabaseKind,
  table: string,
  spec: TableSpec,
  rows: readonly Readonly<Record<string, unknown>>[],
  options: InsertOptions<R> = {},
): Promise<Record<R, unknown>[]> {
  if (rows.length === 0) return [];
  const columns = Object.keys(spec);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const postgres = kind === "postgresql";
  const out: Record<R, unknown>[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const cells = columns.map((column) => {
        const type = spec[column] as ColumnType;
        params.push(toParameter(row[column], type, postgres));
        return postgres ? `CAST($${params.length} AS ${pgType(type)})` : "?";
      });
      return `(${cells.join(", ")})`;
    });
    const conflict = options.ignoreConflicts ? " ON CONFLICT DO NOTHING" : "";
    const returning = options.returning?.length ? ` RETURNING ${options.returning.map((c) => `"${c}"`).join(", ")}` : "";
    const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}${conflict}${returning}`;
    if (returning) out.push(...(await tx.$queryRawUnsafe<Record<R, unknown>[]>(sql, ...params)));
    else await tx.$executeRawUnsafe(sql, ...params);
  }
  return out;
}

function pgType(type: ColumnType): string {
  if (typeof type === "object") return `"${type.enum}"`;
  switch (type) {
    case "int":
      return "integer";
    case "bigint":
      return "bigint";
    case "float":
      return "double precision";
    case "text":
      return "text";
    case "bool":
      return "boolean";
    case "timestamp":
      return "timestamp(3)";
    case "json":
      return "jsonb";
  }
}

/** Prisma's SQLite form of a DateTime. */
export function sqliteInstant(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

function toParameter(value: unknown, type: ColumnType, postgres: boolean): unknown {
  if (value === undefined || value === null) return null;
  if (type === "json") return JSON.stringify(value);
  if (type === "timestamp") {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`insertRows: ${String(value)} is not a valid Date`);
    return postgres ? value.toISOString() : sqliteInstant(value);
  }
  if (type === "bool") return postgres ? Boolean(value) : value ? 1 : 0;
  if (type === "bigint") return postgres ? String(value) : BigInt(value as bigint | number);
  return value;
}

/** Store tables the sync writes in bulk, with the type of each column it writes. */
export const TABLES = {
  Customer: {
    shopId: "int",
    shopifyId: "text",
    firstName: "text",
    lastName: "text",
    email: "text",
    emailDomain: "text",
    phone: "text",
    locale: "text",
    accountState: { enum: "CustomerAccountState" },
    verifiedEmail: "bool",
    note: "text",
    emailMarketingState: { enum: "EmailMarketingState" },
    emailMarketingUpdatedAt: "timestamp",
    smsMarketingState: { enum: "SmsMarketingState" },
    smsMarketingUpdatedAt: "timestamp",
    shopifyCreatedAt: "timestamp",
    shopifyUpdatedAt: "timestamp",
    detailsStale: "bool",
    importRunId: "int",
    createdAt: "timestamp",
    updatedAt: "timestamp",
  },
  CustomerTag: { shopId: "int", customerId: "int", tag: "text", normalized: "text" },
  CustomerAddress: {
    shopId: "int",
    customerId: "int",
    shopifyId: "text",
    isDefault: "bool",
    city: "text",
    province: "text",
    provinceCode: "text",
    countryCode: "text",
    zip: "text",
    company: "text",
    regionKey: "text",
    cityKey: "text",
  },
  CustomerMetafield: { shopId: "int", customerId: "int", namespace: "text", key: "text", type: "text", value: "text" },
  Order: {
    shopId: "int",
    shopifyId: "text",
    name: "text",
    customerId: "int",
    customerShopifyId: "text",
    email: "text",
    currencyCode: "text",
    subtotalMinor: "bigint",
    totalDiscountsMinor: "bigint",
    totalShippingMinor: "bigint",
    totalTaxMinor: "bigint",
    totalMinor: "bigint",
    totalRefundedMinor: "bigint",
    discountCodes: "json",
    hasDiscountCode: "bool",
    financialStatus: { enum: "FinancialStatus" },
    cancelledAt: "timestamp",
    cancelReason: "text",
    test: "bool",
    processedAt: "timestamp",
    shopifyCreatedAt: "timestamp",
    shopifyUpdatedAt: "timestamp",
    importRunId: "int",
    createdAt: "timestamp",
    updatedAt: "timestamp",
  },
  OrderLine: {
    shopId: "int",
    orderId: "int",
    shopifyId: "text",
    productShopifyId: "text",
    variantShopifyId: "text",
    sku: "text",
    title: "text",
    productType: "text",
    quantity: "int",
    unitPriceMinor: "bigint",
    totalDiscountMinor: "bigint",
  },
  OrderRefund: { shopId: "int", orderShopifyId: "text", shopifyId: "text", amountMinor: "bigint", note: "text", shopifyCreatedAt: "timestamp" },
  Product: {
    shopId: "int",
    shopifyId: "text",
    title: "text",
    handle: "text",
    productType: "text",
    vendor: "text",
    shopifyCreatedAt: "timestamp",
    shopifyUpdatedAt: "timestamp",
    importRunId: "int",
    createdAt: "timestamp",
    updatedAt: "timestamp",
  },
  AbandonedCheckout: {
    shopId: "int",
    shopifyId: "text",
    token: "text",
    customerId: "int",
    customerShopifyId: "text",
    email: "text",
    currencyCode: "text",
    totalMinor: "bigint",
    completedAt: "timestamp",
    shopifyCreatedAt: "timestamp",
    shopifyUpdatedAt: "timestamp",
  },
  ProductTag: { shopId: "int", productId: "int", tag: "text", normalized: "text" },
  ProductVariant: { shopId: "int", productId: "int", shopifyId: "text", sku: "text", title: "text", priceMinor: "bigint" },
  ProductCollection: { shopId: "int", productId: "int", collectionId: "int" },
  DeletedResource: { shopId: "int", kind: { enum: "ResourceKind" }, shopifyId: "text", deletedAt: "timestamp" },
} as const satisfies Record<string, TableSpec>;
