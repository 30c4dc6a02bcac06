/** Small hand-made dataset records for the webhook tests: one of each, filled the way a real shop would. */
import type { DatasetCheckout, DatasetCustomer, DatasetOrder, DatasetProduct, DatasetRefund, DatasetShop } from "../dataset";
import type { MetafieldDefinitionRecord, PayloadLookups, TopicResources, WebhookTopic } from "./payloads";

export const shop: DatasetShop = {
  myshopifyDomain: "fixture.myshopify.com",
  name: "Fixture Records",
  email: "owner@fixture.example",
  currencyCode: "EUR",
  ianaTimezone: "Europe/Amsterdam",
  planName: "Basic",
  createdAt: "2024-02-01T09:00:00+01:00",
};

/** not the example's shop id (548380009), so a copied example value would show */
export const SHOP_ID = 61234567;

export const customer: DatasetCustomer = {
  id: "7001",
  firstName: "Anna",
  lastName: "de Vries",
  email: "anna@example.com",
  phone: "+31612345678",
  locale: "nl",
  tags: ["vip", "newsletter"],
  state: "ENABLED",
  verifiedEmail: true,
  note: "Prefers pickup",
  emailMarketingConsent: { marketingState: "SUBSCRIBED", marketingOptInLevel: "SINGLE_OPT_IN", consentUpdatedAt: "2025-03-04T10:00:00+01:00" },
  smsMarketingConsent: { marketingState: "NOT_SUBSCRIBED", marketingOptInLevel: "UNKNOWN", consentUpdatedAt: "2025-03-04T10:00:00+01:00" },
  addresses: [
    { id: "8001", address1: "Keizersgracht 1", city: "Amsterdam", province: "Noord-Holland", provinceCode: "NH", country: "Netherlands", countryCode: "NL", zip: "1015 CJ", company: "Acme BV" },
  ],
  metafields: [{ namespace: "custom", key: "birthday", type: "date", value: "1984-03-02" }],
  createdAt: "2025-01-10T12:00:00+01:00",
  updatedAt: "2025-06-01T08:30:00+02:00",
};

export const product: DatasetProduct = {
  id: "9001",
  handle: "blue-mug",
  title: "Blue mug",
  productType: "Mugs",
  vendor: "Potters",
  tags: ["ceramic", "blue"],
  collectionIds: ["4100000001"],
  variants: [{ id: "9101", sku: "MUG-BLUE", title: "Default Title", price: "12.50" }],
  createdAt: "2024-05-01T10:00:00+02:00",
  updatedAt: "2025-05-01T10:00:00+02:00",
};

export const refund: DatasetRefund = { id: "6001", createdAt: "2025-06-03T11:00:00+02:00", totalRefunded: "12.45", note: "Chipped" };

export const order: DatasetOrder = {
  id: "5001",
  name: "#1001",
  customerId: customer.id,
  email: customer.email,
  currencyCode: "EUR",
  subtotalPrice: "22.50",
  totalDiscounts: "2.50",
  totalShipping: "4.95",
  totalTax: "3.90",
  totalPrice: "27.45",
  discountCodes: ["WELCOME10"],
  financialStatus: "PARTIALLY_REFUNDED",
  cancelledAt: null,
  cancelReason: null,
  test: false,
  processedAt: "2025-06-02T09:00:00+02:00",
  createdAt: "2025-06-02T09:00:00+02:00",
  updatedAt: "2025-06-03T11:00:00+02:00",
  lineItems: [{ id: "5101", productId: product.id, variantId: "9101", sku: "MUG-BLUE", title: "Blue mug", quantity: 2, originalUnitPrice: "12.50", totalDiscount: "2.50" }],
  refunds: [refund],
};

export const checkout: DatasetCheckout = {
  id: "3001",
  token: "c0ffee",
  customerId: customer.id,
  email: customer.email,
  currencyCode: "EUR",
  totalPrice: "25.00",
  lineItems: [{ productId: product.id, variantId: "9101", sku: "MUG-BLUE", title: "Blue mug", quantity: 2, price: "12.50" }],
  abandonedCheckoutUrl: "https://fixture.myshopify.com/checkouts/c0ffee/recover",
  completedAt: null,
  createdAt: "2025-06-05T18:00:00+02:00",
  updatedAt: "2025-06-05T18:10:00+02:00",
};

/** A guest: no customer, no addresses, pending payment, cancelled, no discounts, no shipping, no tax. */
export const guestOrder: DatasetOrder = {
  id: "5002",
  name: "#1002",
  customerId: null,
  email: null,
  currencyCode: "EUR",
  subtotalPrice: "12.50",
  totalDiscounts: "0.00",
  totalShipping: "0.00",
  totalTax: "0.00",
  totalPrice: "12.50",
  discountCodes: [],
  financialStatus: "PENDING",
  cancelledAt: "2025-06-08T09:00:00+02:00",
  cancelReason: "INVENTORY",
  test: true,
  processedAt: "2025-06-07T09:00:00+02:00",
  createdAt: "2025-06-07T09:00:00+02:00",
  updatedAt: "2025-06-08T09:00:00+02:00",
  lineItems: [{ id: "5201", productId: null, variantId: null, sku: null, title: "Custom engraving", quantity: 1, originalUnitPrice: "12.50", totalDiscount: "0.00" }],
  refunds: [],
};

/** A customer with nothing optional filled in. */
export const bareCustomer: DatasetCustomer = {
  ...customer,
  id: "7002",
  firstName: "",
  lastName: "Jansen",
  email: null,
  phone: null,
  tags: [],
  state: "DISABLED",
  verifiedEmail: false,
  note: null,
  emailMarketingConsent: null,
  smsMarketingConsent: null,
  addresses: [],
  metafields: [],
};

/** the definition of the customer's `custom.birthday` metafield */
export const definition: MetafieldDefinitionRecord = { ownerType: "CUSTOMER", namespace: "custom", key: "birthday", name: "Birthday", type: "date" };

export const lookups: PayloadLookups = { shop, shopId: SHOP_ID, customer: (id) => [customer, bareCustomer].find((c) => c.id === id) };

/** One resource per topic, as `buildPayload` takes it. */
export const resources: { [K in WebhookTopic]: TopicResources[K] } = {
  "customers/create": customer,
  "customers/update": customer,
  "customers/delete": { id: customer.id },
  "orders/create": order,
  "orders/updated": order,
  "orders/cancelled": { ...order, cancelledAt: "2025-06-04T10:00:00+02:00", cancelReason: "CUSTOMER", financialStatus: "REFUNDED" },
  "orders/delete": { id: order.id },
  "refunds/create": { refund, order },
  "products/update": product,
  "products/delete": { id: product.id },
  "checkouts/create": checkout,
  "checkouts/update": { ...checkout, customerId: null, email: null },
  "app/uninstalled": shop,
  "app/scopes_update": { previous: ["read_customers"], current: ["read_customers", "read_orders"], updatedAt: "2025-06-06T00:00:00.000Z" },
  "bulk_operations/finish": {
    admin_graphql_api_id: "gid://shopify/BulkOperation/1",
    completed_at: "2025-06-06T00:01:00-04:00",
    created_at: "2025-06-06T00:00:00-04:00",
    error_code: null,
    status: "completed",
    type: "query",
  },
  "metafield_definitions/create": definition,
  "metafield_definitions/update": { ...definition, name: "Date of birth" },
  "metafield_definitions/delete": { id: "4400000001", type: definition.type },
  "customers/data_request": { customer, orderIds: [order.id], requestId: 9999 },
  "customers/redact": { customer, orderIds: [order.id] },
  "shop/redact": shop,
  "customer.tags_added": { customerId: customer.id, tags: ["vip"], occurredAt: "2025-06-06T10:00:00.000Z" },
  "customer.tags_removed": { customerId: customer.id, tags: ["newsletter"], occurredAt: "2025-06-06T10:00:00.000Z" },
  "customers_email_marketing_consent/update": customer,
  "customers_marketing_consent/update": customer,
  "customers/purchasing_summary": { customer, orders: [order, guestOrder], occurredAt: "2025-06-06T10:00:00.000Z" },
};

/**
 * More resources per topic that take the other branches (guests, empty records), so every
 * builder path is checked against the schema, not just the well-filled one.
 */
export const edgeResources: { [K in WebhookTopic]?: TopicResources[K][] } = {
  "customers/update": [bareCustomer],
  "orders/create": [guestOrder, { ...order, discountCodes: [], customerId: bareCustomer.id }],
  "orders/updated": [{ ...order, discountCodes: ["A", "B", "C"] }],
  "orders/cancelled": [guestOrder],
  "checkouts/create": [{ ...checkout, customerId: bareCustomer.id }],
  "customers_email_marketing_consent/update": [bareCustomer],
  "customers_marketing_consent/update": [bareCustomer],
  "customers/purchasing_summary": [{ customer: bareCustomer, orders: [order], occurredAt: "2025-06-06T10:00:00.000Z" }],
  "customers/data_request": [{ customer: bareCustomer, orderIds: [], requestId: 1 }],
  "metafield_definitions/create": [{ ownerType: "PRODUCTVARIANT", namespace: "specs", key: "weight", name: "Weight", type: "number_decimal" }],
  "metafield_definitions/delete": [{ id: "4400000002", type: "list.single_line_text_field" }],
  "bulk_operations/finish": [{ admin_graphql_api_id: "gid://shopify/BulkOperation/2", completed_at: null, created_at: "2025-06-06T00:00:00-04:00", error_code: "access_denied", status: "failed", type: "mutation" }],
};
