/**
 * The seed of a stand-in shop: what a real Shopify store would hold, in the Admin API's own
 * vocabulary (legacy numeric ids as strings, money as decimal strings with a currency code,
 * ISO-8601 timestamps with offset). The stand-in serves it; the demo-data generator produces it.
 * Everything here is plain JSON so a dataset can be written to and read from disk.
 */

export interface ShopDataset {
  shop: DatasetShop;
  /** Customer metafield definitions the shop has (segment filters are typed by them). */
  metafieldDefinitions: DatasetMetafieldDefinition[];
  collections: DatasetCollection[];
  products: DatasetProduct[];
  customers: DatasetCustomer[];
  orders: DatasetOrder[];
  abandonedCheckouts: DatasetCheckout[];
}

export interface DatasetShop {
  /** e.g. "cdnow-demo.myshopify.com" */
  myshopifyDomain: string;
  name: string;
  email: string;
  currencyCode: string; // ISO 4217, e.g. "USD"
  ianaTimezone: string; // e.g. "Europe/Amsterdam"
  planName: string; // e.g. "Basic", "Shopify Plus"
  /** ISO-8601; when the shop was created. */
  createdAt: string;
}

export type MetafieldType =
  | "date"
  | "date_time"
  | "number_integer"
  | "number_decimal"
  | "single_line_text_field"
  | "boolean";

export interface DatasetMetafieldDefinition {
  ownerType: "CUSTOMER";
  namespace: string;
  key: string;
  name: string;
  type: MetafieldType;
}

export interface DatasetMetafield {
  namespace: string;
  key: string;
  type: MetafieldType;
  /** Shopify's string form: "1984-03-02", "12", "true", "dog" */
  value: string;
}

export interface DatasetCollection {
  id: string; // legacy numeric id, e.g. "4100000001"
  handle: string;
  title: string;
}

export interface DatasetVariant {
  id: string;
  sku: string;
  title: string;
  price: string; // decimal string in the shop currency, e.g. "12.99"
}

export interface DatasetProduct {
  id: string;
  handle: string;
  title: string;
  productType: string;
  vendor: string;
  tags: string[];
  /** ids of DatasetCollection */
  collectionIds: string[];
  variants: DatasetVariant[];
  createdAt: string;
  updatedAt: string;
}

export type EmailMarketingState =
  | "SUBSCRIBED"
  | "NOT_SUBSCRIBED"
  | "PENDING"
  | "UNSUBSCRIBED"
  | "INVALID"
  | "REDACTED";
export type SmsMarketingState = "SUBSCRIBED" | "NOT_SUBSCRIBED" | "PENDING" | "UNSUBSCRIBED" | "REDACTED";
export type CustomerAccountState = "DISABLED" | "INVITED" | "ENABLED" | "DECLINED";

export interface DatasetAddress {
  id: string;
  address1: string;
  city: string;
  province: string | null; // e.g. "Noord-Holland"
  provinceCode: string | null; // e.g. "NH", "CA"
  country: string; // e.g. "Netherlands"
  countryCode: string; // ISO 3166-1 alpha-2, e.g. "NL"
  zip: string;
  company: string | null;
}

export interface DatasetCustomer {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null; // E.164
  locale: string; // e.g. "en", "nl"
  tags: string[];
  state: CustomerAccountState;
  verifiedEmail: boolean;
  note: string | null;
  emailMarketingConsent: {
    marketingState: EmailMarketingState;
    marketingOptInLevel: "SINGLE_OPT_IN" | "CONFIRMED_OPT_IN" | "UNKNOWN" | null;
    consentUpdatedAt: string | null;
  } | null;
  smsMarketingConsent: {
    marketingState: SmsMarketingState;
    marketingOptInLevel: "SINGLE_OPT_IN" | "CONFIRMED_OPT_IN" | "UNKNOWN" | null;
    consentUpdatedAt: string | null;
  } | null;
  /** First is the default address. */
  addresses: DatasetAddress[];
  metafields: DatasetMetafield[];
  createdAt: string;
  updatedAt: string;
}

export type FinancialStatus =
  | "PENDING"
  | "AUTHORIZED"
  | "PARTIALLY_PAID"
  | "PAID"
  | "PARTIALLY_REFUNDED"
  | "REFUNDED"
  | "VOIDED"
  | "EXPIRED";

export interface DatasetLineItem {
  id: string;
  productId: string | null;
  variantId: string | null;
  sku: string | null;
  title: string;
  quantity: number;
  /** unit price before discounts, decimal string */
  originalUnitPrice: string;
  /** discount allocated to the whole line, decimal string */
  totalDiscount: string;
}

export interface DatasetRefund {
  id: string;
  createdAt: string;
  /** decimal string */
  totalRefunded: string;
  note: string | null;
}

export interface DatasetOrder {
  id: string;
  /** "#1001" */
  name: string;
  customerId: string | null;
  email: string | null;
  currencyCode: string;
  /** sum of line prices after line discounts, before shipping and tax; decimal string */
  subtotalPrice: string;
  totalDiscounts: string;
  totalShipping: string;
  totalTax: string;
  /** what the customer was charged; decimal string */
  totalPrice: string;
  discountCodes: string[];
  financialStatus: FinancialStatus;
  cancelledAt: string | null;
  cancelReason: "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF" | null;
  test: boolean;
  processedAt: string;
  createdAt: string;
  updatedAt: string;
  lineItems: DatasetLineItem[];
  refunds: DatasetRefund[];
}

export interface DatasetCheckout {
  id: string;
  token: string;
  customerId: string | null;
  email: string | null;
  currencyCode: string;
  totalPrice: string;
  lineItems: { productId: string | null; variantId: string | null; sku: string | null; title: string; quantity: number; price: string }[];
  abandonedCheckoutUrl: string;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
}
