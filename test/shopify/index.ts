/**
 * The local Shopify: the Admin GraphQL stand-in and the webhook sender, wired together. A change a
 * merchant makes in a stand-in shop (test/shopify/admin/actions.ts) is delivered, signed, to every
 * address the app subscribed for its topic — as Shopify would.
 */
import { startAdminStandIn, type AdminStandIn, type AdminStandInOptions, type ChangeEvent } from "./admin";
import type { DatasetCheckout, DatasetCustomer, DatasetOrder, DatasetProduct, DatasetRefund, ShopDataset } from "./dataset";
import {
  appUninstalledPayload,
  bulkOperationFinishPayload,
  checkoutPayload,
  customerDeletePayload,
  customerPayload,
  metafieldDefinitionDeletePayload,
  metafieldDefinitionPayload,
  orderDeletePayload,
  orderPayload,
  productDeletePayload,
  productPayload,
  refundPayload,
  WebhookSender,
  type DeliveryOptions,
  type MetafieldDefinitionRecord,
} from "./webhooks";

export interface ShopifyStandInOptions extends Omit<AdminStandInOptions, "onChange" | "onBulkOperationFinish" | "shops"> {
  appSecret: string;
  apiVersion: string;
  shops: { dataset: ShopDataset; accessToken: string }[];
  /** how every delivery misbehaves (duplicates, delays, bad signatures); can be changed later */
  delivery?: DeliveryOptions;
  /** sender options for tests: quick retries, seeded shuffles */
  retrySchedule?: number[];
  random?: () => number;
}

export interface ShopifyStandIn {
  readonly url: string;
  readonly admin: AdminStandIn;
  /** the sender of a shop, to hold/release/reorder deliveries or read the delivery log */
  sender(shopDomain: string): WebhookSender;
  /** sends a payload to every subscription of the topic; resolves when delivered */
  deliver(shopDomain: string, topic: string, payload: unknown, options?: DeliveryOptions): Promise<void>;
  /** resolves once every delivery started so far has finished */
  settled(): Promise<void>;
  delivery: DeliveryOptions;
  close(): Promise<void>;
}

export async function startShopifyStandIn(options: ShopifyStandInOptions): Promise<ShopifyStandIn> {
  const senders = new Map<string, WebhookSender>();
  const pending = new Set<Promise<void>>();
  let admin: AdminStandIn | undefined;
  const senderFor = (shopDomain: string) => {
    let sender = senders.get(shopDomain);
    if (!sender) {
      sender = new WebhookSender({ appSecret: options.appSecret, apiVersion: options.apiVersion, shopDomain, retrySchedule: options.retrySchedule, random: options.random });
      senders.set(shopDomain, sender);
    }
    return sender;
  };

  const standIn: ShopifyStandIn = {
    get url() {
      return (admin as AdminStandIn).url;
    },
    get admin() {
      return admin as AdminStandIn;
    },
    sender: senderFor,
    delivery: options.delivery ?? {},
    async deliver(shopDomain, topic, payload, deliveryOptions) {
      const addresses = (admin as AdminStandIn).subscriptions(shopDomain, topic).map((s) => s.uri);
      await Promise.all(addresses.map((address) => senderFor(shopDomain).send({ topic, address, payload }, deliveryOptions ?? standIn.delivery)));
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async close() {
      await (admin as AdminStandIn).close();
    },
  };

  const track = (work: Promise<void>) => {
    const tracked = work.catch(() => undefined).finally(() => pending.delete(tracked));
    pending.add(tracked);
  };

  admin = await startAdminStandIn({
    ...options,
    // Topics nobody subscribed to (segments/create …) are not built at all, as Shopify sends nothing for them.
    onChange: (event) => {
      if ((admin as AdminStandIn).subscriptions(event.shopDomain, event.topic).length === 0) return;
      track(standIn.deliver(event.shopDomain, event.topic, payloadFor(admin as AdminStandIn, event)));
    },
    onBulkOperationFinish: (shopDomain, payload) => track(standIn.deliver(shopDomain, "bulk_operations/finish", bulkOperationFinishPayload(payload))),
  });
  for (const { dataset, accessToken } of options.shops) admin.addShop(dataset, accessToken);
  return standIn;
}

/** The webhook body for a change, from the shop's current records. */
function payloadFor(admin: AdminStandIn, { shopDomain, topic, resource }: ChangeEvent): unknown {
  const shop = admin.shop(shopDomain);
  const customerOf = (id: string | null | undefined): DatasetCustomer | null => (id ? (shop.customers.get(id) ?? null) : null);
  switch (topic) {
    case "customers/create":
    case "customers/update":
      return customerPayload(resource as unknown as DatasetCustomer, shop.data.shop);
    case "customers/delete":
      return customerDeletePayload(resource as unknown as DatasetCustomer);
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled": {
      const order = resource as unknown as DatasetOrder;
      return orderPayload(order, customerOf(order.customerId), shop.data.shop, topic);
    }
    case "orders/delete":
      return orderDeletePayload(resource as unknown as DatasetOrder);
    case "refunds/create": {
      const refund = resource as unknown as DatasetRefund & { orderId?: string; order_id?: string };
      const order = shop.orders.get(String(refund.orderId ?? refund.order_id ?? ""));
      if (!order) throw new Error(`refunds/create: no order for refund ${refund.id}`);
      return refundPayload(refund, order);
    }
    case "products/update":
      return productPayload(resource as unknown as DatasetProduct);
    case "products/delete":
      return productDeletePayload(resource as unknown as DatasetProduct);
    case "checkouts/create":
    case "checkouts/update": {
      const checkout = resource as unknown as DatasetCheckout;
      return checkoutPayload(checkout, customerOf(checkout.customerId), shop.data.shop, topic);
    }
    case "app/uninstalled":
      return appUninstalledPayload(shop.data.shop, Number(shop.numericId));
    case "metafield_definitions/create":
    case "metafield_definitions/update":
      return metafieldDefinitionPayload(resource as unknown as MetafieldDefinitionRecord, Number(shop.numericId));
    case "metafield_definitions/delete": {
      const definition = resource as unknown as { id: string; type: string };
      return metafieldDefinitionDeletePayload({ id: definition.id, type: definition.type });
    }
    default:
      throw new Error(`the stand-in has no payload for ${topic}`);
  }
}

export type { ShopDataset };
