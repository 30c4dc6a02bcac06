import { GraphQLError, type GraphQLFieldResolver } from "graphql";
import type { DatasetAddress, DatasetCollection, DatasetCustomer, DatasetLineItem, DatasetOrder, DatasetProduct, DatasetRefund, DatasetVariant } from "../dataset";
import { discountNode, findDiscount, type DiscountFunction } from "./discounts";
import { compareDigest, jsonValue, normalizeNamespace } from "./metafields";
import { paginate, search, type ConnectionArgs, type SearchFields } from "./query";
import { gid, parseGid, requireGid, type ShopState, type StoredBulkOperation, type StoredMetafield, type StoredMetafieldDefinition, type StoredSubscription } from "./store";

/** What the stand-in's resolvers need besides the shop: the clock, the app identity, bulk ops. */
export interface Env {
  now: () => number;
  /** numeric app id behind `$app` namespaces */
  appId: string;
  /** the app's client id (AppDiscountType.appKey) */
  apiKey: string;
  /** released discount Functions; undefined accepts any function id or handle */
  discountFunctions: readonly DiscountFunction[] | undefined;
  bulk: {
    run(shop: ShopState, query: string, groupObjects: boolean, version: string): { operation: StoredBulkOperation | null; userErrors: { field: string[] | null; message: string; code: string | null }[] };
    cancel(shop: ShopState, id: string): { operation: StoredBulkOperation | null; userErrors: { field: string[] | null; message: string }[] };
  };
  /** reports a change the app's own call caused (tagsAdd → customers/update); never throws into the call */
  onChange: (shop: ShopState, topic: string, resource: unknown) => void;
  /** sees every request priced against a shop's bucket (executor.ts); never throws into the call */
  onCost?: (shop: ShopState, record: CostRecord) => void;
}

/** One request priced against a shop's leaky bucket, as the stand-in accounted for it. */
export interface CostRecord {
  atMs: number;
  operationName: string | null;
  requestedQueryCost: number;
  /** null when throttled */
  actualQueryCost: number | null;
  /** the bucket after refilling, before this request */
  availableBefore: number;
  /** the bucket once the request was charged (and refunded), or untouched when throttled */
  availableAfter: number;
  throttled: boolean;
}

export interface Ctx {
  shop: ShopState;
  env: Env;
  /** the API version in the request path */
  version: string;
  /** Set while a bulk operation runs a chunk: the root connection serves these, nested ones are unbounded. */
  bulkRoot?: readonly unknown[];
}

export type Resolver = GraphQLFieldResolver<unknown, Ctx>;
export type ResolverMap = Record<string, Record<string, Resolver>>;

/** Types the source and args of a resolver; graphql-js hands them over untyped. */
export function r<S, A = Record<string, unknown>>(fn: (source: S, args: A, ctx: Ctx) => unknown): Resolver {
  return (source, args, ctx) => fn(source as S, args as A, ctx);
}

// --------------------------------------------------------------------------------------------
// helpers

export function cents(amount: string): number {
  return Math.round(Number(amount) * 100);
}
export function decimal(c: number): string {
  return (c / 100).toFixed(2);
}
export function money(amount: string, currencyCode: string): { amount: string; currencyCode: string } {
  return { amount, currencyCode };
}
export function moneyBag(amount: string, currencyCode: string) {
  const m = money(amount, currencyCode);
  return { shopMoney: m, presentmentMoney: m };
}

export function nowIso(ctx: Ctx): string {
  return new Date(ctx.env.now()).toISOString();
}

function refunded(order: DatasetOrder): number {
  return order.refunds.reduce((sum, refund) => sum + cents(refund.totalRefunded), 0);
}

function byTime(field: "createdAt" | "updatedAt" | "processedAt") {
  return (item: Record<string, unknown>) => Date.parse(String(item[field]));
}

type Sortable = { id: string; createdAt: string; updatedAt: string };
function sortValueFor<T extends Sortable>(sortKey: string | undefined): ((item: T) => string | number) | undefined {
  switch (sortKey) {
    case "CREATED_AT":
      return (i) => Date.parse(i.createdAt);
    case "UPDATED_AT":
      return (i) => Date.parse(i.updatedAt);
    default:
      return undefined;
  }
}

const customerFields: SearchFields<DatasetCustomer> = {
  id: { kind: "number", get: (c) => Number(c.id) },
  created_at: { kind: "date", get: (c) => c.createdAt },
  updated_at: { kind: "date", get: (c) => c.updatedAt },
  email: { kind: "string", get: (c) => c.email },
  phone: { kind: "string", get: (c) => c.phone },
  first_name: { kind: "string", get: (c) => c.firstName },
  last_name: { kind: "string", get: (c) => c.lastName },
  state: { kind: "string", get: (c) => c.state },
  tag: { kind: "list", get: (c) => c.tags },
  country: { kind: "list", get: (c) => c.addresses.flatMap((a) => [a.country, a.countryCode]) },
  accepts_marketing: { kind: "boolean", get: (c) => c.emailMarketingConsent?.marketingState === "SUBSCRIBED" },
};

const orderFields: SearchFields<DatasetOrder> = {
  id: { kind: "number", get: (o) => Number(o.id) },
  created_at: { kind: "date", get: (o) => o.createdAt },
  updated_at: { kind: "date", get: (o) => o.updatedAt },
  processed_at: { kind: "date", get: (o) => o.processedAt },
  customer_id: { kind: "number", get: (o) => (o.customerId === null ? null : Number(o.customerId)) },
  email: { kind: "string", get: (o) => o.email },
  name: { kind: "string", get: (o) => o.name },
  financial_status: { kind: "string", get: (o) => o.financialStatus.toLowerCase() },
  status: { kind: "string", get: (o) => (o.cancelledAt ? "cancelled" : "open") },
  test: { kind: "boolean", get: (o) => o.test },
  discount_code: { kind: "list", get: (o) => o.discountCodes },
  sku: { kind: "list", get: (o) => o.lineItems.flatMap((l) => (l.sku ? [l.sku] : [])) },
};

const productFields: SearchFields<DatasetProduct> = {
  id: { kind: "number", get: (p) => Number(p.id) },
  created_at: { kind: "date", get: (p) => p.createdAt },
  updated_at: { kind: "date", get: (p) => p.updatedAt },
  title: { kind: "string", get: (p) => p.title },
  handle: { kind: "string", get: (p) => p.handle },
  product_type: { kind: "string", get: (p) => p.productType },
  vendor: { kind: "string", get: (p) => p.vendor },
  tag: { kind: "list", get: (p) => p.tags },
  sku: { kind: "list", get: (p) => p.variants.map((v) => v.sku) },
};

/** Customers matching a search, in the order the connection will serve them. */
export function customerList(shop: ShopState, query: string | null | undefined): DatasetCustomer[] {
  return search(shop.customers.values(), query, customerFields, (c) => `${c.firstName} ${c.lastName} ${c.email ?? ""}`);
}
export function orderList(shop: ShopState, query: string | null | undefined): DatasetOrder[] {
  return search(shop.orders.values(), query, orderFields, (o) => `${o.name} ${o.email ?? ""}`);
}
export function productList(shop: ShopState, query: string | null | undefined): DatasetProduct[] {
  return search(shop.products.values(), query, productFields, (p) => `${p.title} ${p.vendor} ${p.productType}`);
}

type RootArgs = ConnectionArgs & { query?: string | null; sortKey?: string };

/** Shopify's default cap on the *Count queries (2025-07+); `limit: null` counts everything. */
export const COUNT_LIMIT = 10_000;

/** A `Count`: exact up to the limit, otherwise the limit itself with precision AT_LEAST. */
export function countOf(total: number, limit: number | null | undefined): { count: number; precision: "EXACT" | "AT_LEAST" } {
  if (limit !== null && limit !== undefined && limit < 0) throw new GraphQLError("The 'limit' argument must be positive.", { extensions: { code: "BAD_REQUEST" } });
  return limit !== null && limit !== undefined && total > limit ? { count: limit, precision: "AT_LEAST" } : { count: total, precision: "EXACT" };
}

type CountArgs = { query?: string | null; limit?: number | null };

function rootConnection<T extends Sortable>(ctx: Ctx, list: () => T[], args: RootArgs, extraSort?: Record<string, (item: T) => string | number>) {
  if (ctx.bulkRoot) return paginate(ctx.bulkRoot as T[], {}, { id: (i) => i.id, unbounded: true, presorted: true });
  const sortValue = (args.sortKey ? extraSort?.[args.sortKey] : undefined) ?? sortValueFor<T>(args.sortKey);
  return paginate(list(), args, { id: (i) => i.id, ...(sortValue ? { sortValue } : {}) });
}

/** Sorted root list for a bulk export; same order the connection would use. */
export function bulkRootList(shop: ShopState, field: string, args: RootArgs): { items: unknown[] } | null {
  const lists: Record<string, () => Sortable[]> = {
    customers: () => customerList(shop, args.query),
    orders: () => orderList(shop, args.query),
    products: () => productList(shop, args.query),
  };
  const list = lists[field];
  if (!list) return null;
  const sortValue = sortValueFor<Sortable>(args.sortKey) ?? ((i: Sortable) => Number(i.id));
  const items = list().sort((a, b) => {
    const va = sortValue(a);
    const vb = sortValue(b);
    return va < vb ? -1 : va > vb ? 1 : Number(a.id) - Number(b.id);
  });
  if (args.reverse) items.reverse();
  return { items };
}

function nestedConnection<T>(ctx: Ctx, items: readonly T[], args: ConnectionArgs, id: (t: T) => string) {
  return paginate(items, args, { id, unbounded: ctx.bulkRoot !== undefined });
}

// --------------------------------------------------------------------------------------------
// sources for nested objects that need their parent's context

interface LineItemSource extends DatasetLineItem {
  currency: string;
}
interface RefundSource extends DatasetRefund {
  currency: string;
}
interface VariantSource extends DatasetVariant {
  productId: string;
}
interface AddressSource extends DatasetAddress {
  customer: DatasetCustomer;
}

function metafieldsOf(ctx: Ctx, ownerGid: string): StoredMetafield[] {
  return ctx.shop.metafields.get(ownerGid) ?? [];
}

/** "$app.segments" → "app--<id>.segments", as the `keys` argument resolves the reserved prefix. */
function resolveKey(key: string, appId: string): string {
  const dot = key.lastIndexOf(".");
  return dot < 0 ? key : `${normalizeNamespace(key.slice(0, dot), appId)}${key.slice(dot)}`;
}

/** `metafield(namespace, key)` and `metafields(...)` for any owner (HasMetafields in Shopify's schema). */
export function ownedMetafieldResolvers<S>(ownerGid: (source: S) => string): Record<string, Resolver> {
  return {
    metafield: r<S, { namespace?: string | null; key: string }>((owner, args, ctx) => {
      const ns = normalizeNamespace(args.namespace, ctx.env.appId);
      return metafieldsOf(ctx, ownerGid(owner)).find((m) => m.namespace === ns && m.key === args.key) ?? null;
    }),
    metafields: r<S, ConnectionArgs & { namespace?: string | null; keys?: string[] | null }>((owner, args, ctx) => {
      const ns = args.namespace == null ? null : normalizeNamespace(args.namespace, ctx.env.appId);
      const keys = args.keys?.length ? new Set(args.keys.map((k) => resolveKey(k, ctx.env.appId))) : null;
      const list = metafieldsOf(ctx, ownerGid(owner)).filter((m) => (ns === null || m.namespace === ns) && (keys === null || keys.has(`${m.namespace}.${m.key}`)));
      return nestedConnection(ctx, list, args, (m) => String(m.id));
    }),
  };
}

/** MetafieldDefinitionType.category as Shopify groups the basic types. */
function typeCategory(type: string): string {
  const base = type.replace(/^list\./, "");
  if (base.startsWith("number_")) return "NUMBER";
  if (base.startsWith("date")) return "DATE_TIME";
  if (base === "boolean") return "TRUE_FALSE";
  if (base === "json") return "JSON";
  if (base === "url") return "URL";
  if (base === "color") return "COLOR";
  return "TEXT";
}

export function metafieldDefinitionNode(d: StoredMetafieldDefinition) {
  return { ...d, id: gid("MetafieldDefinition", d.id), type: { name: d.type, category: typeCategory(d.type) } };
}

function subscriptionNode(s: StoredSubscription) {
  return { ...s, id: gid("WebhookSubscription", s.id), callbackUrl: s.uri };
}

export function bulkNode(op: StoredBulkOperation) {
  return {
    ...op,
    id: gid("BulkOperation", op.id),
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    fileSize: op.fileSize === null ? null : String(op.fileSize),
  };
}

/** The time zone's abbreviation as Shopify shows it ("CET", "EST"), from the IANA name. */
function timezoneAbbreviation(ianaTimezone: string, at: Date): string {
  const short = (locale: string) =>
    new Intl.DateTimeFormat(locale, { timeZone: ianaTimezone, timeZoneName: "short" }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value;
  try {
    // en-US names American zones ("EST"), en-GB European ones ("CET"); either may fall back to "GMT+1"
    const us = short("en-US");
    return us && !us.startsWith("GMT") ? us : (short("en-GB") ?? us ?? "UTC");
  } catch {
    return "UTC";
  }
}

function shopNode(shop: ShopState) {
  const info = shop.data.shop;
  return {
    id: gid("Shop", shop.numericId),
    name: info.name,
    email: info.email,
    contactEmail: info.email,
    myshopifyDomain: info.myshopifyDomain,
    url: `https://${info.myshopifyDomain}`,
    currencyCode: info.currencyCode,
    ianaTimezone: info.ianaTimezone,
    timezoneAbbreviation: timezoneAbbreviation(info.ianaTimezone, new Date(info.createdAt)),
    createdAt: info.createdAt,
    plan: {
      displayName: info.planName,
      publicDisplayName: info.planName,
      partnerDevelopment: /development|partner/i.test(info.planName),
      shopifyPlus: /plus/i.test(info.planName),
    },
  };
}

/** Resolves any supported gid to its node, tagged with __typename for the Node interface. */
export function findNode(ctx: Ctx, id: string): { __typename: string } | null {
  const parsed = parseGid(id);
  if (!parsed) return null;
  const { shop } = ctx;
  const tag = <T extends object>(typename: string, value: T | undefined | null) => (value ? { ...value, __typename: typename } : null);
  switch (parsed.type) {
    case "Customer":
      return tag("Customer", shop.customers.get(parsed.id));
    case "Order":
      return tag("Order", shop.orders.get(parsed.id));
    case "Product":
      return tag("Product", shop.products.get(parsed.id));
    case "Collection":
      return tag("Collection", shop.collections.get(parsed.id));
    case "WebhookSubscription": {
      const s = shop.subscriptions.find((x) => String(x.id) === parsed.id);
      return s ? tag("WebhookSubscription", subscriptionNode(s)) : null;
    }
    case "BulkOperation": {
      const b = shop.bulkOperations.find((x) => String(x.id) === parsed.id);
      return b ? tag("BulkOperation", bulkNode(b)) : null;
    }
    case "Segment": {
      const s = shop.segments.find((x) => String(x.id) === parsed.id);
      return s ? tag("Segment", { ...s, id: gid("Segment", s.id) }) : null;
    }
    case "Shop":
      return parsed.id === shop.numericId ? tag("Shop", shopNode(shop)) : null;
    case "DiscountAutomaticNode": {
      const d = findDiscount(shop, "automatic", id);
      return d ? discountNode(d, ctx) : null;
    }
    case "DiscountCodeNode": {
      const d = findDiscount(shop, "code", id);
      return d ? discountNode(d, ctx) : null;
    }
    default:
      return null;
  }
}

// --------------------------------------------------------------------------------------------

export const queryResolvers: ResolverMap = {
  QueryRoot: {
    shop: r((_s, _a, ctx) => shopNode(ctx.shop)),
    node: r<unknown, { id: string }>((_s, { id }, ctx) => findNode(ctx, id)),
    nodes: r<unknown, { ids: string[] }>((_s, { ids }, ctx) => ids.map((id) => findNode(ctx, id))),
    customer: r<unknown, { id: string }>((_s, { id }, ctx) => ctx.shop.customers.get(requireGid(id, "Customer")) ?? null),
    customersCount: r<unknown, CountArgs>((_s, args, ctx) => countOf(customerList(ctx.shop, args.query).length, args.limit)),
    ordersCount: r<unknown, CountArgs>((_s, args, ctx) => countOf(orderList(ctx.shop, args.query).length, args.limit)),
    productsCount: r<unknown, CountArgs>((_s, args, ctx) => countOf(productList(ctx.shop, args.query).length, args.limit)),
    order: r<unknown, { id: string }>((_s, { id }, ctx) => ctx.shop.orders.get(requireGid(id, "Order")) ?? null),
    product: r<unknown, { id: string }>((_s, { id }, ctx) => ctx.shop.products.get(requireGid(id, "Product")) ?? null),
    customers: r<unknown, RootArgs>((_s, args, ctx) =>
      rootConnection(ctx, () => customerList(ctx.shop, args.query), args, { NAME: (c) => `${c.firstName} ${c.lastName}`.toLowerCase() }),
    ),
    orders: r<unknown, RootArgs>((_s, args, ctx) =>
      rootConnection(ctx, () => orderList(ctx.shop, args.query), args, {
        PROCESSED_AT: (o) => Date.parse(o.processedAt),
        TOTAL_PRICE: (o) => cents(o.totalPrice),
        ORDER_NUMBER: (o) => Number(o.name.replace(/\D/g, "")),
      }),
    ),
    products: r<unknown, RootArgs>((_s, args, ctx) =>
      rootConnection(ctx, () => productList(ctx.shop, args.query), args, {
        TITLE: (p) => p.title.toLowerCase(),
        VENDOR: (p) => p.vendor.toLowerCase(),
        PRODUCT_TYPE: (p) => p.productType.toLowerCase(),
      }),
    ),
    metafieldDefinitions: r<unknown, ConnectionArgs & { ownerType: string; namespace?: string | null; key?: string | null }>((_s, args, ctx) => {
      const ns = args.namespace == null ? null : normalizeNamespace(args.namespace, ctx.env.appId);
      const list = ctx.shop.metafieldDefinitions
        .filter((d) => d.ownerType === args.ownerType && (ns === null || d.namespace === ns) && (args.key == null || d.key === args.key))
        .map(metafieldDefinitionNode);
      return paginate(list, args, { id: (d) => d.id.split("/").pop() ?? "0" });
    }),
    webhookSubscriptions: r<unknown, ConnectionArgs & { topics?: string[] | null; uri?: string | null }>((_s, args, ctx) => {
      const list = ctx.shop.subscriptions.filter(
        (s) => (!args.topics?.length || args.topics.includes(s.topic)) && (args.uri == null || s.uri === args.uri),
      );
      return paginate(list.map(subscriptionNode), args, { id: (s) => s.id.split("/").pop() ?? "0" });
    }),
    webhookSubscription: r<unknown, { id: string }>((_s, { id }, ctx) => {
      const n = requireGid(id, "WebhookSubscription");
      const s = ctx.shop.subscriptions.find((x) => String(x.id) === n);
      return s ? subscriptionNode(s) : null;
    }),
    bulkOperation: r<unknown, { id: string }>((_s, { id }, ctx) => {
      const n = requireGid(id, "BulkOperation");
      const op = ctx.shop.bulkOperations.find((x) => String(x.id) === n);
      return op ? bulkNode(op) : null;
    }),
    currentBulkOperation: r<unknown, { type?: string }>((_s, { type }, ctx) => {
      const ops = ctx.shop.bulkOperations.filter((o) => o.type === (type ?? "QUERY"));
      const last = ops[ops.length - 1];
      return last ? bulkNode(last) : null;
    }),
    bulkOperations: r<unknown, ConnectionArgs & { query?: string | null; sortKey?: string }>((_s, args, ctx) => {
      const list = search(
        ctx.shop.bulkOperations,
        args.query,
        {
          status: { kind: "string", get: (o) => o.status },
          operation_type: { kind: "string", get: (o) => o.type },
          created_at: { kind: "date", get: (o) => o.createdAt },
          completed_at: { kind: "date", get: (o) => o.completedAt },
          id: { kind: "number", get: (o) => o.id },
        },
        () => "",
      );
      // newest first unless reversed, as Shopify documents; ids grow with creation time
      const sortValue =
        args.sortKey === "COMPLETED_AT"
          ? (o: StoredBulkOperation) => -(o.completedAt === null ? Number.MAX_SAFE_INTEGER : Date.parse(o.completedAt))
          : (o: StoredBulkOperation) => -o.id;
      const page = paginate(list, args, { id: (o) => String(o.id), sortValue });
      return { ...page, edges: page.edges.map((edge) => ({ ...edge, node: bulkNode(edge.node) })), nodes: page.nodes.map(bulkNode) };
    }),
    segment: r<unknown, { id: string }>((_s, { id }, ctx) => {
      const n = requireGid(id, "Segment");
      const s = ctx.shop.segments.find((x) => String(x.id) === n);
      return s ? { ...s, id: gid("Segment", s.id) } : null;
    }),
    segments: r<unknown, ConnectionArgs & { query?: string | null }>((_s, args, ctx) => {
      const list = ctx.shop.segments.filter((s) => !args.query || s.name.toLowerCase().includes(args.query.toLowerCase()));
      return paginate(
        list.map((s) => ({ ...s, id: gid("Segment", s.id) })),
        args,
        { id: (s) => s.id.split("/").pop() ?? "0" },
      );
    }),
  },

  Customer: {
    id: r<DatasetCustomer>((c) => gid("Customer", c.id)),
    legacyResourceId: r<DatasetCustomer>((c) => c.id),
    displayName: r<DatasetCustomer>((c) => `${c.firstName} ${c.lastName}`.trim() || c.email || c.phone || ""),
    numberOfOrders: r<DatasetCustomer>((c, _a, ctx) => String(ctx.shop.ordersOf(c.id).filter((o) => !o.test).length)),
    amountSpent: r<DatasetCustomer>((c, _a, ctx) => {
      // cancelled and test orders don't count; refunds are subtracted
      const total = ctx.shop
        .ordersOf(c.id)
        .filter((o) => !o.test && o.cancelledAt === null)
        .reduce((sum, o) => sum + cents(o.totalPrice) - refunded(o), 0);
      return money(decimal(total), ctx.shop.data.shop.currencyCode);
    }),
    smsMarketingConsent: r<DatasetCustomer>((c) =>
      c.smsMarketingConsent ? { ...c.smsMarketingConsent, marketingOptInLevel: c.smsMarketingConsent.marketingOptInLevel ?? "UNKNOWN" } : null,
    ),
    defaultAddress: r<DatasetCustomer>((c) => (c.addresses[0] ? { ...c.addresses[0], customer: c } : null)),
    addresses: r<DatasetCustomer, { first?: number | null }>((c, { first }) =>
      c.addresses.slice(0, first ?? undefined).map((a) => ({ ...a, customer: c })),
    ),
    ...ownedMetafieldResolvers<DatasetCustomer>((c) => gid("Customer", c.id)),
    orders: r<DatasetCustomer, RootArgs>((c, args, ctx) => {
      const list = search(ctx.shop.ordersOf(c.id), args.query, orderFields, (o) => o.name);
      const sortValue = args.sortKey === "PROCESSED_AT" ? byTime("processedAt") : sortValueFor<DatasetOrder>(args.sortKey);
      return paginate(list, args, {
        id: (o) => o.id,
        unbounded: ctx.bulkRoot !== undefined,
        ...(sortValue ? { sortValue: sortValue as (o: DatasetOrder) => number } : {}),
      });
    }),
  },

  MailingAddress: {
    id: r<AddressSource>((a) => `${gid("MailingAddress", a.id)}?model_name=CustomerAddress`),
    countryCodeV2: r<AddressSource>((a) => a.countryCode),
    firstName: r<AddressSource>((a) => a.customer.firstName),
    lastName: r<AddressSource>((a) => a.customer.lastName),
    name: r<AddressSource>((a) => `${a.customer.firstName} ${a.customer.lastName}`.trim()),
    phone: r<AddressSource>((a) => a.customer.phone),
  },

  Metafield: {
    id: r<StoredMetafield>((m) => gid("Metafield", m.id)),
    legacyResourceId: r<StoredMetafield>((m) => String(m.id)),
    jsonValue: r<StoredMetafield>((m) => jsonValue(m.type, m.value)),
    compareDigest: r<StoredMetafield>((m) => compareDigest(m.value)),
    definition: r<StoredMetafield>((m, _a, ctx) => {
      const d = ctx.shop.metafieldDefinitions.find((x) => x.ownerType === m.ownerType && x.namespace === m.namespace && x.key === m.key);
      return d ? metafieldDefinitionNode(d) : null;
    }),
  },

  Shop: ownedMetafieldResolvers<{ id: string }>((s) => s.id),

  Order: {
    ...ownedMetafieldResolvers<DatasetOrder>((o) => gid("Order", o.id)),
    id: r<DatasetOrder>((o) => gid("Order", o.id)),
    legacyResourceId: r<DatasetOrder>((o) => o.id),
    customer: r<DatasetOrder>((o, _a, ctx) => (o.customerId === null ? null : (ctx.shop.customers.get(o.customerId) ?? null))),
    presentmentCurrencyCode: r<DatasetOrder>((o) => o.currencyCode),
    subtotalPriceSet: r<DatasetOrder>((o) => moneyBag(o.subtotalPrice, o.currencyCode)),
    totalPriceSet: r<DatasetOrder>((o) => moneyBag(o.totalPrice, o.currencyCode)),
    totalDiscountsSet: r<DatasetOrder>((o) => moneyBag(o.totalDiscounts, o.currencyCode)),
    totalShippingPriceSet: r<DatasetOrder>((o) => moneyBag(o.totalShipping, o.currencyCode)),
    totalTaxSet: r<DatasetOrder>((o) => moneyBag(o.totalTax, o.currencyCode)),
    totalRefundedSet: r<DatasetOrder>((o) => moneyBag(decimal(refunded(o)), o.currencyCode)),
    discountCode: r<DatasetOrder>((o) => o.discountCodes[0] ?? null),
    displayFinancialStatus: r<DatasetOrder>((o) => o.financialStatus),
    closed: r<DatasetOrder>((o) => o.cancelledAt !== null),
    lineItems: r<DatasetOrder, ConnectionArgs>((o, args, ctx) =>
      nestedConnection<LineItemSource>(ctx, o.lineItems.map((l) => ({ ...l, currency: o.currencyCode })), args, (l) => l.id),
    ),
    refunds: r<DatasetOrder, { first?: number | null }>((o, { first }) =>
      o.refunds.slice(0, first ?? undefined).map((f): RefundSource => ({ ...f, currency: o.currencyCode })),
    ),
  },

  LineItem: {
    id: r<LineItemSource>((l) => gid("LineItem", l.id)),
    name: r<LineItemSource>((l) => l.title),
    product: r<LineItemSource>((l, _a, ctx) => (l.productId === null ? null : (ctx.shop.products.get(l.productId) ?? null))),
    variant: r<LineItemSource>((l, _a, ctx) => {
      if (l.variantId === null) return null;
      const product = l.productId === null ? undefined : ctx.shop.products.get(l.productId);
      const variant = product?.variants.find((v) => v.id === l.variantId);
      return variant && product ? { ...variant, productId: product.id } : null;
    }),
    originalUnitPriceSet: r<LineItemSource>((l) => moneyBag(l.originalUnitPrice, l.currency)),
    totalDiscountSet: r<LineItemSource>((l) => moneyBag(l.totalDiscount, l.currency)),
    discountedTotalSet: r<LineItemSource>((l) => moneyBag(decimal(cents(l.originalUnitPrice) * l.quantity - cents(l.totalDiscount)), l.currency)),
  },

  Refund: {
    id: r<RefundSource>((f) => gid("Refund", f.id)),
    legacyResourceId: r<RefundSource>((f) => f.id),
    updatedAt: r<RefundSource>((f) => f.createdAt),
    totalRefundedSet: r<RefundSource>((f) => moneyBag(f.totalRefunded, f.currency)),
  },

  Product: {
    ...ownedMetafieldResolvers<DatasetProduct>((p) => gid("Product", p.id)),
    id: r<DatasetProduct>((p) => gid("Product", p.id)),
    legacyResourceId: r<DatasetProduct>((p) => p.id),
    collections: r<DatasetProduct, ConnectionArgs>((p, args, ctx) => {
      const list = p.collectionIds.flatMap((id) => {
        const c = ctx.shop.collections.get(id);
        return c ? [c] : [];
      });
      return nestedConnection<DatasetCollection>(ctx, list, args, (c) => c.id);
    }),
    variants: r<DatasetProduct, ConnectionArgs>((p, args, ctx) =>
      nestedConnection<VariantSource>(ctx, p.variants.map((v) => ({ ...v, productId: p.id })), args, (v) => v.id),
    ),
  },

  Collection: {
    id: r<DatasetCollection>((c) => gid("Collection", c.id)),
    legacyResourceId: r<DatasetCollection>((c) => c.id),
  },

  ProductVariant: {
    id: r<VariantSource>((v) => gid("ProductVariant", v.id)),
    legacyResourceId: r<VariantSource>((v) => v.id),
    displayName: r<VariantSource>((v, _a, ctx) => `${ctx.shop.products.get(v.productId)?.title ?? ""} - ${v.title}`),
    product: r<VariantSource>((v, _a, ctx) => {
      const p = ctx.shop.products.get(v.productId);
      if (!p) throw new GraphQLError("Product not found");
      return p;
    }),
  },
};
