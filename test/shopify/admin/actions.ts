import type { DatasetCheckout, DatasetCustomer, DatasetOrder, DatasetProduct, DatasetRefund } from "../dataset";
import { cents, decimal } from "./resolvers";
import { gid, type ShopState, type StoredMetafieldDefinition } from "./store";

/** A change to a shop's data, named by the Shopify webhook topic it would trigger. */
export interface ChangeEvent {
  shopDomain: string;
  /** e.g. "customers/update", "orders/create", "refunds/create", "app/uninstalled" */
  topic: string;
  /** the changed record after the change (or what was deleted), with its admin_graphql_api_id */
  resource: Record<string, unknown>;
}

export interface ActionsDeps {
  shop: (domain: string) => ShopState;
  now: () => number;
  emit: (event: ChangeEvent) => void;
  uninstall: (domain: string) => void;
}

type Patch<T> = Partial<Omit<T, "id">>;

/**
 * What a merchant or buyer does in a shop, outside the app: each call changes the shop's data,
 * bumps updatedAt by the injected clock and reports the webhook topic through onChange.
 */
export class MerchantActions {
  constructor(private readonly deps: ActionsDeps) {}

  private stamp(): string {
    return new Date(this.deps.now()).toISOString();
  }

  private emit(shop: ShopState, topic: string, type: string, record: { id: string }): void {
    this.deps.emit({ shopDomain: shop.domain, topic, resource: { ...structuredClone(record), admin_graphql_api_id: gid(type, record.id) } });
  }

  private get<T>(map: Map<string, T>, id: string, what: string): T {
    const found = map.get(id);
    if (!found) throw new Error(`${what} ${id} not found`);
    return found;
  }

  createCustomer(domain: string, customer: DatasetCustomer): DatasetCustomer {
    const shop = this.deps.shop(domain);
    const at = this.stamp();
    const created: DatasetCustomer = { ...structuredClone(customer), createdAt: customer.createdAt || at, updatedAt: at };
    shop.customers.set(created.id, created);
    for (const m of created.metafields) shop.addMetafield(gid("Customer", created.id), "CUSTOMER", m.namespace, m.key, m.type, m.value, at);
    this.emit(shop, "customers/create", "Customer", created);
    return created;
  }

  updateCustomer(domain: string, id: string, patch: Patch<DatasetCustomer>): DatasetCustomer {
    const shop = this.deps.shop(domain);
    const customer = this.get(shop.customers, id, "customer");
    Object.assign(customer, structuredClone(patch), { updatedAt: this.stamp() });
    this.emit(shop, "customers/update", "Customer", customer);
    return customer;
  }

  deleteCustomer(domain: string, id: string): void {
    const shop = this.deps.shop(domain);
    const customer = this.get(shop.customers, id, "customer");
    shop.customers.delete(id);
    shop.metafields.delete(gid("Customer", id));
    this.emit(shop, "customers/delete", "Customer", { id: customer.id });
  }

  createOrder(domain: string, order: DatasetOrder): DatasetOrder {
    const shop = this.deps.shop(domain);
    const at = this.stamp();
    const created: DatasetOrder = { ...structuredClone(order), createdAt: order.createdAt || at, updatedAt: at };
    shop.indexOrder(created);
    this.emit(shop, "orders/create", "Order", created);
    return created;
  }

  updateOrder(domain: string, id: string, patch: Patch<DatasetOrder>): DatasetOrder {
    const shop = this.deps.shop(domain);
    const order = this.get(shop.orders, id, "order");
    shop.unindexOrder(order);
    Object.assign(order, structuredClone(patch), { updatedAt: this.stamp() });
    shop.indexOrder(order);
    this.emit(shop, "orders/updated", "Order", order);
    return order;
  }

  cancelOrder(domain: string, id: string, reason: NonNullable<DatasetOrder["cancelReason"]> = "CUSTOMER"): DatasetOrder {
    const shop = this.deps.shop(domain);
    const order = this.get(shop.orders, id, "order");
    const at = this.stamp();
    Object.assign(order, { cancelledAt: at, cancelReason: reason, updatedAt: at });
    this.emit(shop, "orders/cancelled", "Order", order);
    this.emit(shop, "orders/updated", "Order", order);
    return order;
  }

  deleteOrder(domain: string, id: string): void {
    const shop = this.deps.shop(domain);
    const order = this.get(shop.orders, id, "order");
    shop.unindexOrder(order);
    this.emit(shop, "orders/delete", "Order", { id: order.id });
  }

  /** Adds a refund; the order's financial status follows the refunded total. */
  addRefund(domain: string, orderId: string, refund: Omit<DatasetRefund, "createdAt"> & { createdAt?: string }): DatasetRefund {
    const shop = this.deps.shop(domain);
    const order = this.get(shop.orders, orderId, "order");
    const at = this.stamp();
    const created: DatasetRefund = { ...refund, createdAt: refund.createdAt ?? at };
    order.refunds.push(created);
    const total = order.refunds.reduce((s, r) => s + cents(r.totalRefunded), 0);
    order.financialStatus = total >= cents(order.totalPrice) ? "REFUNDED" : "PARTIALLY_REFUNDED";
    order.updatedAt = at;
    this.deps.emit({
      shopDomain: shop.domain,
      topic: "refunds/create",
      resource: { ...structuredClone(created), order_id: order.id, admin_graphql_api_id: gid("Refund", created.id), total_refunded: decimal(cents(created.totalRefunded)) },
    });
    this.emit(shop, "orders/updated", "Order", order);
    return created;
  }

  updateProduct(domain: string, id: string, patch: Patch<DatasetProduct>): DatasetProduct {
    const shop = this.deps.shop(domain);
    const product = this.get(shop.products, id, "product");
    Object.assign(product, structuredClone(patch), { updatedAt: this.stamp() });
    this.emit(shop, "products/update", "Product", product);
    return product;
  }

  deleteProduct(domain: string, id: string): void {
    const shop = this.deps.shop(domain);
    this.get(shop.products, id, "product");
    shop.products.delete(id);
    this.emit(shop, "products/delete", "Product", { id });
  }

  createCheckout(domain: string, checkout: DatasetCheckout): DatasetCheckout {
    const shop = this.deps.shop(domain);
    const at = this.stamp();
    const created: DatasetCheckout = { ...structuredClone(checkout), createdAt: checkout.createdAt || at, updatedAt: at };
    shop.checkouts.set(created.id, created);
    this.emit(shop, "checkouts/create", "AbandonedCheckout", created);
    return created;
  }

  updateCheckout(domain: string, id: string, patch: Patch<DatasetCheckout>): DatasetCheckout {
    const shop = this.deps.shop(domain);
    const checkout = this.get(shop.checkouts, id, "checkout");
    Object.assign(checkout, structuredClone(patch), { updatedAt: this.stamp() });
    this.emit(shop, "checkouts/update", "AbandonedCheckout", checkout);
    return checkout;
  }

  /** The merchant adds a metafield definition in Shopify's admin (Settings → Custom data). */
  createMetafieldDefinition(domain: string, definition: { ownerType: string; namespace: string; key: string; name: string; type: string; description?: string | null }): StoredMetafieldDefinition {
    const shop = this.deps.shop(domain);
    if (this.findDefinition(shop, definition.ownerType, definition.namespace, definition.key)) throw new Error(`metafield definition ${definition.namespace}.${definition.key} exists`);
    const created: StoredMetafieldDefinition = {
      id: shop.newId(),
      name: definition.name,
      namespace: definition.namespace,
      key: definition.key,
      description: definition.description ?? null,
      type: definition.type,
      ownerType: definition.ownerType,
      access: { admin: "PUBLIC_READ_WRITE", storefront: "NONE", customerAccount: "NONE" },
    };
    shop.metafieldDefinitions.push(created);
    this.emitDefinition(shop, "metafield_definitions/create", created);
    return created;
  }

  /** The merchant renames or describes a definition (its type, namespace and key cannot change). */
  updateMetafieldDefinition(domain: string, ownerType: string, namespace: string, key: string, patch: { name?: string; description?: string | null }): StoredMetafieldDefinition {
    const shop = this.deps.shop(domain);
    const definition = this.findDefinition(shop, ownerType, namespace, key);
    if (!definition) throw new Error(`metafield definition ${namespace}.${key} not found`);
    Object.assign(definition, patch);
    this.emitDefinition(shop, "metafield_definitions/update", definition);
    return definition;
  }

  /** The merchant deletes a definition; the metafields stay, as unstructured ones. */
  deleteMetafieldDefinition(domain: string, ownerType: string, namespace: string, key: string): void {
    const shop = this.deps.shop(domain);
    const definition = this.findDefinition(shop, ownerType, namespace, key);
    if (!definition) throw new Error(`metafield definition ${namespace}.${key} not found`);
    shop.metafieldDefinitions.splice(shop.metafieldDefinitions.indexOf(definition), 1);
    this.emitDefinition(shop, "metafield_definitions/delete", definition);
  }

  private findDefinition(shop: ShopState, ownerType: string, namespace: string, key: string): StoredMetafieldDefinition | undefined {
    return shop.metafieldDefinitions.find((d) => d.ownerType === ownerType && d.namespace === namespace && d.key === key);
  }

  private emitDefinition(shop: ShopState, topic: string, definition: StoredMetafieldDefinition): void {
    this.deps.emit({ shopDomain: shop.domain, topic, resource: { ...structuredClone(definition), id: String(definition.id), admin_graphql_api_id: gid("MetafieldDefinition", definition.id) } });
  }

  /** The merchant removes the app: the token stops working and app/uninstalled is reported. */
  uninstall(domain: string): void {
    const shop = this.deps.shop(domain);
    const info = shop.data.shop;
    // Shopify sends app/uninstalled to the subscription before the subscriptions go away.
    this.deps.emit({
      shopDomain: shop.domain,
      topic: "app/uninstalled",
      resource: { id: Number(shop.numericId), name: info.name, email: info.email, domain: info.myshopifyDomain, myshopify_domain: info.myshopifyDomain, admin_graphql_api_id: gid("Shop", shop.numericId) },
    });
    this.deps.uninstall(domain);
  }
}
