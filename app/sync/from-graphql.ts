/**
 * Admin GraphQL objects → the sync's records (app/sync/records.ts): the nodes of the sync's bulk
 * queries and of the customer details query (app/shopify/operations/sync-queries.ts), validated
 * with zod. Anything Shopify sends that does not fit is an error that says where — for a bulk
 * result, the line number and the field — never a record silently dropped or half filled.
 *
 * Ids become legacy numeric ids ("gid://shopify/Customer/123" → "123"); money becomes integer
 * minor units of its currency (app/sync/money.ts), exactly.
 */
import { z } from "zod";
import { currencyDigits, decimalToMinor, MoneyFormatError } from "./money";
import type {
  AddressInput,
  CollectionInput,
  CustomerInput,
  MetafieldInput,
  OrderInput,
  OrderLineInput,
  ProductInput,
  RefundInput,
  VariantInput,
} from "./records";

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/;

/** "gid://shopify/Customer/123" → { type: "Customer", id: "123" }; null for anything else. */
export function parseShopifyGid(value: string): { type: string; id: string } | null {
  const match = GID.exec(value);
  return match?.[1] && match[2] ? { type: match[1], id: match[2] } : null;
}

/** "123" → "gid://shopify/Customer/123" (a gid is passed through). */
export function toShopifyGid(type: string, id: string): string {
  return id.startsWith("gid://") ? id : `gid://shopify/${type}/${id}`;
}

/** A gid of the given type, as its legacy numeric id. */
function legacyId(type: string) {
  return z.string().transform((value, ctx) => {
    const parsed = parseShopifyGid(value);
    if (parsed?.type === type) return parsed.id;
    ctx.addIssue({ code: "custom", message: `expected a ${type} id, got ${JSON.stringify(value)}` });
    return z.NEVER;
  });
}

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** Shopify's Decimal (a string) in a currency, as minor units. */
function minorUnits(amount: string | number, currencyCode: string, ctx: z.RefinementCtx, path: PropertyKey[] = []): bigint {
  try {
    return decimalToMinor(amount, currencyDigits(currencyCode));
  } catch (error) {
    if (!(error instanceof MoneyFormatError)) throw error;
    ctx.addIssue({ code: "custom", path, message: `${error.message} (${currencyCode})` });
    return z.NEVER;
  }
}

const decimal = z.union([z.string(), z.number()]);
const currencyCode = z.string().regex(/^[A-Z]{3}$/, "expected an ISO 4217 currency code");

/** MoneyBag → minor units of the shop's money (shopMoney): what the store keeps. */
const shopMoney = z
  .object({ shopMoney: z.object({ amount: decimal, currencyCode }) })
  .transform(({ shopMoney: money }, ctx) => minorUnits(money.amount, money.currencyCode, ctx));

const nullableText = z.string().nullable();
/** Shopify answers "" where nothing was entered (productType, vendor, locale): the store keeps null. */
const blankAsNull = z
  .string()
  .nullable()
  .transform((value) => (value === null || value.trim() === "" ? null : value));

// ------------------------------------------------------------------------------------ customers

const emailMarketingState = z.enum(["SUBSCRIBED", "NOT_SUBSCRIBED", "PENDING", "UNSUBSCRIBED", "INVALID", "REDACTED"]);
const smsMarketingState = z.enum(["SUBSCRIBED", "NOT_SUBSCRIBED", "PENDING", "UNSUBSCRIBED", "REDACTED"]);

const mailingAddress = z.object({
  id: legacyId("MailingAddress"),
  city: nullableText,
  province: nullableText,
  provinceCode: nullableText,
  countryCodeV2: z.string().nullable(),
  zip: nullableText,
  company: nullableText,
});

export const graphqlCustomer = z.object({
  id: legacyId("Customer"),
  firstName: nullableText,
  lastName: nullableText,
  email: nullableText,
  phone: nullableText,
  locale: blankAsNull,
  tags: z.array(z.string()),
  state: z.enum(["DISABLED", "INVITED", "ENABLED", "DECLINED"]),
  verifiedEmail: z.boolean(),
  note: nullableText,
  createdAt: instant,
  updatedAt: instant,
  emailMarketingConsent: z.object({ marketingState: emailMarketingState, consentUpdatedAt: instant.nullable() }).nullable(),
  smsMarketingConsent: z.object({ marketingState: smsMarketingState, consentUpdatedAt: instant.nullable() }).nullable(),
  defaultAddress: z.object({ id: legacyId("MailingAddress") }).nullable(),
  addresses: z.array(mailingAddress),
});

export const graphqlMetafield = z.object({
  namespace: z.string().min(1),
  key: z.string().min(1),
  type: z.string().min(1),
  value: z.string(),
});

function customerRecord(node: z.output<typeof graphqlCustomer>): CustomerInput {
  const defaultId = node.defaultAddress?.id ?? null;
  let defaultSeen = false;
  const addresses: AddressInput[] = node.addresses.map((address) => {
    // the store's rule: the first default one is the default address
    const isDefault = !defaultSeen && address.id === defaultId;
    defaultSeen ||= isDefault;
    return {
      shopifyId: address.id,
      isDefault,
      city: address.city,
      province: address.province,
      provinceCode: address.provinceCode,
      countryCode: address.countryCodeV2,
      zip: address.zip,
      company: address.company,
    };
  });
  return {
    shopifyId: node.id,
    firstName: node.firstName,
    lastName: node.lastName,
    email: node.email,
    phone: node.phone,
    locale: node.locale,
    accountState: node.state,
    verifiedEmail: node.verifiedEmail,
    note: node.note,
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
    tags: node.tags,
    // Shopify gives no consent object to a customer without an address for it: never asked, so not subscribed
    emailMarketing: node.emailMarketingConsent
      ? { state: node.emailMarketingConsent.marketingState, updatedAt: node.emailMarketingConsent.consentUpdatedAt }
      : { state: "NOT_SUBSCRIBED", updatedAt: null },
    smsMarketing: node.smsMarketingConsent
      ? { state: node.smsMarketingConsent.marketingState, updatedAt: node.smsMarketingConsent.consentUpdatedAt }
      : { state: "NOT_SUBSCRIBED", updatedAt: null },
    addresses,
  };
}

function metafieldRecord(node: z.output<typeof graphqlMetafield>): MetafieldInput {
  return { namespace: node.namespace, key: node.key, type: node.type, value: node.value };
}

// ------------------------------------------------------------------------------------ orders

const financialStatus = z.enum(["PENDING", "AUTHORIZED", "PARTIALLY_PAID", "PAID", "PARTIALLY_REFUNDED", "REFUNDED", "VOIDED", "EXPIRED"]);

const graphqlRefund = z.object({
  id: legacyId("Refund"),
  createdAt: instant.nullable(),
  updatedAt: instant,
  note: nullableText,
  totalRefundedSet: shopMoney,
});

export const graphqlOrder = z.object({
  id: legacyId("Order"),
  name: nullableText,
  email: nullableText,
  currencyCode,
  customer: z.object({ id: legacyId("Customer") }).nullable(),
  subtotalPriceSet: shopMoney.nullable(),
  totalDiscountsSet: shopMoney.nullable(),
  totalShippingPriceSet: shopMoney,
  totalTaxSet: shopMoney.nullable(),
  totalPriceSet: shopMoney,
  discountCodes: z.array(z.string()),
  displayFinancialStatus: financialStatus.nullable(),
  cancelledAt: instant.nullable(),
  cancelReason: nullableText,
  test: z.boolean(),
  processedAt: instant,
  createdAt: instant,
  updatedAt: instant,
  refunds: z.array(graphqlRefund),
});

export const graphqlLineItem = z.object({
  id: legacyId("LineItem"),
  title: z.string(),
  quantity: z.number().int(),
  sku: nullableText,
  product: z.object({ id: legacyId("Product") }).nullable(),
  variant: z.object({ id: legacyId("ProductVariant") }).nullable(),
  originalUnitPriceSet: shopMoney,
  totalDiscountSet: shopMoney,
});

function orderRecord(node: z.output<typeof graphqlOrder>): OrderInput {
  const refunds: RefundInput[] = node.refunds.map((refund) => ({
    shopifyId: refund.id,
    amountMinor: refund.totalRefundedSet,
    note: refund.note,
    // Refund.createdAt is nullable in Shopify's schema; its updatedAt never is
    createdAt: refund.createdAt ?? refund.updatedAt,
  }));
  return {
    shopifyId: node.id,
    name: node.name,
    customerShopifyId: node.customer?.id ?? null,
    email: node.email,
    currencyCode: node.currencyCode,
    subtotalMinor: node.subtotalPriceSet ?? 0n,
    totalDiscountsMinor: node.totalDiscountsSet ?? 0n,
    totalShippingMinor: node.totalShippingPriceSet,
    totalTaxMinor: node.totalTaxSet ?? 0n,
    totalMinor: node.totalPriceSet,
    discountCodes: node.discountCodes,
    financialStatus: node.displayFinancialStatus,
    cancelledAt: node.cancelledAt,
    cancelReason: node.cancelReason,
    test: node.test,
    processedAt: node.processedAt,
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
    refunds,
  };
}

function lineRecord(node: z.output<typeof graphqlLineItem>): OrderLineInput {
  return {
    shopifyId: node.id,
    productShopifyId: node.product?.id ?? null,
    variantShopifyId: node.variant?.id ?? null,
    sku: node.sku,
    title: node.title,
    quantity: node.quantity,
    unitPriceMinor: node.originalUnitPriceSet,
    totalDiscountMinor: node.totalDiscountSet,
  };
}

// ------------------------------------------------------------------------------------ products

export const graphqlProduct = z.object({
  id: legacyId("Product"),
  title: z.string(),
  handle: z.string(),
  productType: blankAsNull,
  vendor: blankAsNull,
  tags: z.array(z.string()),
  createdAt: instant,
  updatedAt: instant,
});

/** ProductVariant.price is a bare Money scalar: in the shop's currency, which the caller names. */
export const graphqlVariant = z.object({ id: legacyId("ProductVariant"), sku: nullableText, title: z.string(), price: decimal });

export const graphqlCollection = z.object({ id: legacyId("Collection"), handle: z.string(), title: z.string() });

function productRecord(node: z.output<typeof graphqlProduct>): ProductInput {
  return { shopifyId: node.id, title: node.title, handle: node.handle, productType: node.productType, vendor: node.vendor, tags: node.tags, createdAt: node.createdAt, updatedAt: node.updatedAt };
}

// ------------------------------------------------------------------------------------ errors

/** What was wrong with an object, field by field: "emailMarketingConsent.marketingState: Invalid option …". */
export function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : "";
  return shown.join("; ") + more;
}

/** A Shopify object that does not have the shape the sync asked for. */
export class ShopifyRecordError extends Error {
  override name = "ShopifyRecordError";
}

function parseWith<S extends z.ZodType>(schema: S, node: unknown, what: string): z.output<S> {
  const result = schema.safeParse(node);
  if (result.success) return result.data;
  const id = node !== null && typeof node === "object" && typeof (node as { id?: unknown }).id === "string" ? ` ${(node as { id: string }).id}` : "";
  throw new ShopifyRecordError(`${what}${id}: ${describeIssues(result.error)}`);
}

/** A Customer node (the details query's or a bulk line's), without metafields: they come separately. */
export function customerFromGraphql(node: unknown): CustomerInput {
  return customerRecord(parseWith(graphqlCustomer, node, "customer"));
}

export function metafieldFromGraphql(node: unknown): MetafieldInput {
  return metafieldRecord(parseWith(graphqlMetafield, node, "metafield"));
}

/** An Order node with its refunds; its line items come separately (child lines of a bulk result). */
export function orderFromGraphql(node: unknown): OrderInput {
  return orderRecord(parseWith(graphqlOrder, node, "order"));
}

export function lineItemFromGraphql(node: unknown): OrderLineInput {
  return lineRecord(parseWith(graphqlLineItem, node, "line item"));
}

/** A Product node; its variants and collections come separately. */
export function productFromGraphql(node: unknown): ProductInput {
  return productRecord(parseWith(graphqlProduct, node, "product"));
}

const variantSchemas = new Map<string, z.ZodType<VariantInput>>();

export function variantFromGraphql(node: unknown, shopCurrency: string): VariantInput {
  let schema = variantSchemas.get(shopCurrency);
  if (!schema) {
    schema = graphqlVariant.transform((v, ctx): VariantInput => ({ shopifyId: v.id, sku: v.sku, title: v.title, priceMinor: minorUnits(v.price, shopCurrency, ctx, ["price"]) }));
    variantSchemas.set(shopCurrency, schema);
  }
  return parseWith(schema, node, "variant");
}

export function collectionFromGraphql(node: unknown): CollectionInput {
  const collection = parseWith(graphqlCollection, node, "collection");
  return { shopifyId: collection.id, handle: collection.handle, title: collection.title };
}

// ------------------------------------------------------------------------------------ bulk lines

/** What one of the sync's bulk queries exports. */
export type BulkResource = "products" | "customers" | "orders";

/**
 * One line of a bulk result. Roots carry their child lists empty (the store replaces what it had
 * with none); their children follow as lines of their own, after their parent (groupObjects: false
 * promises no more than that: not right after it, nor in the same batch).
 */
export type BulkRecord =
  | { kind: "product"; product: ProductInput }
  | { kind: "variant"; productShopifyId: string; variant: VariantInput }
  | { kind: "collection"; productShopifyId: string; collection: CollectionInput }
  | { kind: "customer"; customer: CustomerInput }
  | { kind: "metafield"; customerShopifyId: string; metafield: MetafieldInput }
  | { kind: "order"; order: OrderInput }
  | { kind: "orderLine"; orderShopifyId: string; line: OrderLineInput };

/** A bulk result line the sync cannot use: names the line, so the export can be looked at. */
export class BulkLineError extends Error {
  override name = "BulkLineError";
  constructor(
    readonly lineNumber: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`line ${lineNumber}: ${detail}`, options);
  }
}

export interface BulkLineContext {
  /** the shop's currency: variant prices carry none of their own */
  shopCurrency: string;
}

/** Per export: the root's type, and each child type with the parent type it must hang from. */
const LAYOUT: Record<BulkResource, { root: string; children: Record<string, string> }> = {
  products: { root: "Product", children: { ProductVariant: "Product", Collection: "Product" } },
  customers: { root: "Customer", children: { Metafield: "Customer" } },
  orders: { root: "Order", children: { LineItem: "Order" } },
};

/** Parses one line of the sync's bulk result for `resource`; throws a BulkLineError naming the line. */
export function parseBulkLine(resource: BulkResource, text: string, lineNumber: number, context: BulkLineContext): BulkRecord {
  let node: unknown;
  try {
    node = JSON.parse(text);
  } catch (error) {
    throw new BulkLineError(lineNumber, `not JSON (${error instanceof Error ? error.message : String(error)}): ${text.slice(0, 120)}`, { cause: error });
  }
  if (node === null || typeof node !== "object" || Array.isArray(node)) throw new BulkLineError(lineNumber, `not a JSON object: ${text.slice(0, 120)}`);
  const object = node as Record<string, unknown>;
  const id = typeof object["id"] === "string" ? parseShopifyGid(object["id"]) : null;
  if (!id) throw new BulkLineError(lineNumber, `no Shopify id: ${text.slice(0, 120)}`);
  const layout = LAYOUT[resource];
  const parentField = object["__parentId"];
  try {
    if (parentField === undefined) {
      if (id.type !== layout.root) throw new ShopifyRecordError(`a ${id.type} without __parentId in the ${resource} export (expected ${layout.root} objects)`);
      switch (resource) {
        case "products":
          return { kind: "product", product: { ...productFromGraphql(object), variants: [], collections: [] } };
        case "customers":
          return { kind: "customer", customer: { ...customerFromGraphql(object), metafields: [] } };
        case "orders":
          return { kind: "order", order: { ...orderFromGraphql(object), lines: [] } };
      }
    }
    const parentType = layout.children[id.type];
    if (!parentType) throw new ShopifyRecordError(`a ${id.type} is not expected in the ${resource} export`);
    const parent = typeof parentField === "string" ? parseShopifyGid(parentField) : null;
    if (!parent || parent.type !== parentType) throw new ShopifyRecordError(`a ${id.type} needs a ${parentType} __parentId, got ${JSON.stringify(parentField)}`);
    switch (id.type) {
      case "ProductVariant":
        return { kind: "variant", productShopifyId: parent.id, variant: variantFromGraphql(object, context.shopCurrency) };
      case "Collection":
        return { kind: "collection", productShopifyId: parent.id, collection: collectionFromGraphql(object) };
      case "Metafield":
        return { kind: "metafield", customerShopifyId: parent.id, metafield: metafieldFromGraphql(object) };
      default:
        return { kind: "orderLine", orderShopifyId: parent.id, line: lineItemFromGraphql(object) };
    }
  } catch (error) {
    if (error instanceof ShopifyRecordError) throw new BulkLineError(lineNumber, error.message, { cause: error });
    throw error;
  }
}
