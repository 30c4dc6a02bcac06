import { GraphQLError } from "graphql";
import type {
  DatasetCheckout,
  DatasetCollection,
  DatasetCustomer,
  DatasetOrder,
  DatasetProduct,
  ShopDataset,
} from "../dataset";

/** A metafield as the stand-in stores it: any Shopify type, with its own id and timestamps. */
export interface StoredMetafield {
  id: number;
  ownerGid: string;
  ownerType: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface StoredMetafieldDefinition {
  id: number;
  name: string;
  namespace: string;
  key: string;
  description: string | null;
  type: string;
  ownerType: string;
  access: { admin: string | null; storefront: string | null; customerAccount: string };
}

export interface StoredSubscription {
  id: number;
  topic: string;
  uri: string;
  format: "JSON" | "XML";
  includeFields: string[];
  filter: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface StoredSegment {
  id: number;
  name: string;
  query: string;
  creationDate: string;
  lastEditDate: string;
}

export interface StoredDiscount {
  id: number;
  kind: "automatic" | "code";
  title: string;
  code: string | null;
  /** the function's id; derived from the handle when the discount named its function by handle */
  functionId: string;
  functionHandle: string | null;
  startsAt: string;
  endsAt: string | null;
  discountClasses: string[];
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  /** context.customerSegments: segment gids */
  segmentIds: string[];
  /** context.customers: customer gids */
  customerIds: string[];
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  createdAt: string;
  updatedAt: string;
}

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";

export interface StoredBulkOperation {
  id: number;
  query: string;
  type: "QUERY" | "MUTATION";
  status: BulkStatus;
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
  createdAt: string;
  completedAt: string | null;
  /** set by bulkOperationCancel; the runner checks it between chunks */
  cancelRequested: boolean;
  /** children directly under their parent (true) or after all parents of their slice (false) */
  groupObjects: boolean;
}

/** One shop's live state: a private copy of its dataset plus everything the app wrote. */
export class ShopState {
  readonly domain: string;
  readonly numericId: string;
  accessToken: string | null;
  readonly data: ShopDataset;
  readonly customers = new Map<string, DatasetCustomer>();
  readonly orders = new Map<string, DatasetOrder>();
  readonly products = new Map<string, DatasetProduct>();
  readonly collections = new Map<string, DatasetCollection>();
  readonly checkouts = new Map<string, DatasetCheckout>();
  /** customer id → ids of their orders, so amountSpent doesn't scan every order */
  readonly ordersByCustomer = new Map<string, Set<string>>();
  /** owner gid → metafields */
  readonly metafields = new Map<string, StoredMetafield[]>();
  readonly metafieldDefinitions: StoredMetafieldDefinition[] = [];
  readonly subscriptions: StoredSubscription[] = [];
  readonly segments: StoredSegment[] = [];
  readonly discounts: StoredDiscount[] = [];
  readonly bulkOperations: StoredBulkOperation[] = [];
  /** the leaky bucket's size and restore rate for this shop (its plan); changeable at runtime */
  readonly limits: { maximumAvailable: number; restoreRate: number };
  readonly bucket: { available: number; updatedAtMs: number };
  /**
   * The bucket's own accounting, for tests: requests priced against it, requests refused as
   * THROTTLED, points kept after refunds, and the lowest level a charge ever left it at.
   */
  readonly usage: { priced: number; throttled: number; charged: number; lowestAvailable: number };
  private nextId = 900_000_000_001;

  constructor(dataset: ShopDataset, accessToken: string, limits: { maximumAvailable: number; restoreRate: number }, nowMs: number) {
    // structuredClone: actions mutate the shop, the caller's dataset must stay untouched
    this.data = structuredClone(dataset);
    this.domain = dataset.shop.myshopifyDomain;
    this.numericId = String(60_000_000 + (hashString(this.domain) % 10_000_000));
    this.accessToken = accessToken;
    this.limits = { ...limits };
    this.bucket = { available: limits.maximumAvailable, updatedAtMs: nowMs };
    this.usage = { priced: 0, throttled: 0, charged: 0, lowestAvailable: limits.maximumAvailable };
    for (const c of this.data.collections) this.collections.set(c.id, c);
    for (const p of this.data.products) this.products.set(p.id, p);
    // older datasets on disk may predate abandonedCheckouts
    for (const c of this.data.abandonedCheckouts ?? []) this.checkouts.set(c.id, c);
    for (const c of this.data.customers) {
      this.customers.set(c.id, c);
      for (const m of c.metafields) {
        this.addMetafield(gid("Customer", c.id), "CUSTOMER", m.namespace, m.key, m.type, m.value, c.updatedAt);
      }
    }
    for (const o of this.data.orders) this.indexOrder(o);
    for (const d of this.data.metafieldDefinitions) {
      this.metafieldDefinitions.push({
        id: this.newId(),
        name: d.name,
        namespace: d.namespace,
        key: d.key,
        description: null,
        type: d.type,
        ownerType: d.ownerType,
        access: { admin: "MERCHANT_READ_WRITE", storefront: "NONE", customerAccount: "NONE" },
      });
    }
  }

  newId(): number {
    return this.nextId++;
  }

  indexOrder(order: DatasetOrder): void {
    this.orders.set(order.id, order);
    if (order.customerId === null) return;
    let set = this.ordersByCustomer.get(order.customerId);
    if (!set) this.ordersByCustomer.set(order.customerId, (set = new Set()));
    set.add(order.id);
  }

  unindexOrder(order: DatasetOrder): void {
    this.orders.delete(order.id);
    if (order.customerId !== null) this.ordersByCustomer.get(order.customerId)?.delete(order.id);
  }

  ordersOf(customerId: string): DatasetOrder[] {
    const ids = this.ordersByCustomer.get(customerId);
    if (!ids) return [];
    const out: DatasetOrder[] = [];
    for (const id of ids) {
      const o = this.orders.get(id);
      if (o) out.push(o);
    }
    return out;
  }

  addMetafield(ownerGid: string, ownerType: string, namespace: string, key: string, type: string, value: string, at: string): StoredMetafield {
    let list = this.metafields.get(ownerGid);
    if (!list) this.metafields.set(ownerGid, (list = []));
    const existing = list.find((m) => m.namespace === namespace && m.key === key);
    if (existing) {
      existing.type = type;
      existing.value = value;
      existing.updatedAt = at;
      return existing;
    }
    const created: StoredMetafield = { id: this.newId(), ownerGid, ownerType, namespace, key, type, value, createdAt: at, updatedAt: at };
    list.push(created);
    return created;
  }
}

export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export function gid(type: string, id: string | number): string {
  return `gid://shopify/${type}/${id}`;
}

/** "gid://shopify/Customer/123" → {type:"Customer", id:"123"}; anything else → null. */
export function parseGid(value: string): { type: string; id: string } | null {
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(value);
  if (!m?.[1] || !m[2]) return null;
  return { type: m[1], id: m[2] };
}

/** The numeric id of a gid of the expected type, or a Shopify-style "Invalid id" error. */
export function requireGid(value: string, type: string): string {
  const parsed = parseGid(value);
  if (!parsed || parsed.type !== type) {
    throw new GraphQLError(`Invalid id: ${value}`, { extensions: { code: "RESOURCE_NOT_FOUND" } });
  }
  return parsed.id;
}
