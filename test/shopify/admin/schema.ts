import { buildSchema, type GraphQLSchema } from "graphql";

/** ISO 3166-1 alpha-2 codes; Shopify's CountryCode enum is this list (plus a few specials). */
const COUNTRY_CODES =
  "AC AD AE AF AG AI AL AM AN AO AR AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MK ML MM MN MO MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PS PT PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TA TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VN VU WF WS XK YE YT ZA ZM ZW ZZ";

/** ISO 4217 codes Node knows but Shopify's CurrencyCode enum lacks (checked against the 2026-01 schema). */
const NOT_SHOPIFY_CURRENCIES = new Set(["CUC", "CUP", "KPW", "SLE", "SVC", "XCG", "XDR", "XSU", "ZWG", "ZWL"]);

/** Node 20 knows the ISO 4217 list; Shopify's CurrencyCode enum is that list, less a few, plus XXX. */
const CURRENCY_CODES = [...new Set([...Intl.supportedValuesOf("currency"), "XXX"])].filter((c) => !NOT_SHOPIFY_CURRENCIES.has(c)).join(" ");

export const WEBHOOK_TOPIC_VALUES = [
  "APP_UNINSTALLED",
  "APP_SCOPES_UPDATE",
  "BULK_OPERATIONS_FINISH",
  "CHECKOUTS_CREATE",
  "CHECKOUTS_UPDATE",
  "CHECKOUTS_DELETE",
  "COLLECTIONS_CREATE",
  "COLLECTIONS_UPDATE",
  "COLLECTIONS_DELETE",
  "CUSTOMERS_CREATE",
  "CUSTOMERS_UPDATE",
  "CUSTOMERS_DELETE",
  "CUSTOMERS_DISABLE",
  "CUSTOMERS_ENABLE",
  "CUSTOMERS_MARKETING_CONSENT_UPDATE",
  "CUSTOMER_TAGS_ADDED",
  "CUSTOMER_TAGS_REMOVED",
  "METAFIELD_DEFINITIONS_CREATE",
  "METAFIELD_DEFINITIONS_UPDATE",
  "METAFIELD_DEFINITIONS_DELETE",
  "ORDERS_CREATE",
  "ORDERS_UPDATED",
  "ORDERS_CANCELLED",
  "ORDERS_DELETE",
  "ORDERS_EDITED",
  "ORDERS_FULFILLED",
  "ORDERS_PAID",
  "ORDERS_PARTIALLY_FULFILLED",
  "PRODUCTS_CREATE",
  "PRODUCTS_UPDATE",
  "PRODUCTS_DELETE",
  "REFUNDS_CREATE",
  "SEGMENTS_CREATE",
  "SEGMENTS_UPDATE",
  "SEGMENTS_DELETE",
  "SHOP_UPDATE",
] as const;

/** API versions the stand-in serves, oldest first; the last is the app's pinned version. */
export const SUPPORTED_VERSIONS = ["2025-10", "2026-01", "2026-04", "2026-07", "2026-10"] as const;
export type ApiVersion = (typeof SUPPORTED_VERSIONS)[number];

export function isSupportedVersion(version: string): version is ApiVersion {
  return (SUPPORTED_VERSIONS as readonly string[]).includes(version);
}

/** "YYYY-MM" strings order like the dates they name. */
export function versionAtLeast(version: string, since: string): boolean {
  return version >= since;
}

/**
 * The subset of Shopify's Admin GraphQL schema the stand-in serves, for one API version. Type,
 * field, argument and enum names and nullability follow Shopify's schema (checked against the
 * generated 2026-01 Admin types); fields not listed are simply absent, so a query for them fails
 * validation. Version differences modelled: `bulkOperation`/`bulkOperations` and
 * `groupObjects` defaulting to false arrive in 2026-01.
 */
export function sdlFor(version: string): string {
  const since2026 = versionAtLeast(version, "2026-01");
  const bulkQueries = since2026
    ? `bulkOperation(id: ID!): BulkOperation
  bulkOperations(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: BulkOperationsSortKeys = CREATED_AT, query: String): BulkOperationConnection!`
    : "";
  return /* GraphQL */ `
scalar DateTime
scalar Decimal
scalar Money
scalar URL
scalar JSON
scalar UnsignedInt64

enum CountryCode { ${COUNTRY_CODES} }
enum CurrencyCode { ${CURRENCY_CODES} }

interface Node { id: ID! }

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }

# the *Count queries' answer: exact up to the query's limit, AT_LEAST when the limit was reached
enum CountPrecision { AT_LEAST EXACT }
type Count { count: Int! precision: CountPrecision! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }

type ShopPlan { displayName: String! partnerDevelopment: Boolean! shopifyPlus: Boolean! publicDisplayName: String! }

type Shop implements Node {
  id: ID!
  name: String!
  email: String!
  contactEmail: String!
  myshopifyDomain: String!
  url: URL!
  currencyCode: CurrencyCode!
  ianaTimezone: String!
  timezoneAbbreviation: String!
  plan: ShopPlan!
  createdAt: DateTime!
  metafield(namespace: String, key: String!): Metafield
  metafields(first: Int, after: String, last: Int, before: String, namespace: String, keys: [String!], reverse: Boolean = false): MetafieldConnection!
}

enum CustomerState { DECLINED DISABLED ENABLED INVITED }
enum CustomerEmailMarketingState { INVALID NOT_SUBSCRIBED PENDING REDACTED SUBSCRIBED UNSUBSCRIBED }
enum CustomerSmsMarketingState { NOT_SUBSCRIBED PENDING REDACTED SUBSCRIBED UNSUBSCRIBED }
enum CustomerMarketingOptInLevel { CONFIRMED_OPT_IN SINGLE_OPT_IN UNKNOWN }

type CustomerEmailMarketingConsentState {
  marketingState: CustomerEmailMarketingState!
  marketingOptInLevel: CustomerMarketingOptInLevel
  consentUpdatedAt: DateTime
}
type CustomerSmsMarketingConsentState {
  marketingState: CustomerSmsMarketingState!
  marketingOptInLevel: CustomerMarketingOptInLevel!
  consentUpdatedAt: DateTime
}

type MailingAddress implements Node {
  id: ID!
  address1: String
  address2: String
  city: String
  province: String
  provinceCode: String
  country: String
  countryCodeV2: CountryCode
  zip: String
  company: String
  firstName: String
  lastName: String
  name: String
  phone: String
}

enum MetafieldOwnerType { COLLECTION CUSTOMER DISCOUNT ORDER PRODUCT PRODUCTVARIANT SHOP }

type Metafield implements Node {
  id: ID!
  namespace: String!
  key: String!
  type: String!
  value: String!
  jsonValue: JSON!
  compareDigest: String!
  legacyResourceId: UnsignedInt64!
  ownerType: MetafieldOwnerType!
  definition: MetafieldDefinition
  createdAt: DateTime!
  updatedAt: DateTime!
}
type MetafieldEdge { cursor: String! node: Metafield! }
type MetafieldConnection { edges: [MetafieldEdge!]! nodes: [Metafield!]! pageInfo: PageInfo! }

type Customer implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  firstName: String
  lastName: String
  displayName: String!
  email: String
  phone: String
  locale: String!
  tags: [String!]!
  state: CustomerState!
  verifiedEmail: Boolean!
  note: String
  createdAt: DateTime!
  updatedAt: DateTime!
  numberOfOrders: UnsignedInt64!
  amountSpent: MoneyV2!
  emailMarketingConsent: CustomerEmailMarketingConsentState
  smsMarketingConsent: CustomerSmsMarketingConsentState
  defaultAddress: MailingAddress
  addresses(first: Int): [MailingAddress!]!
  metafield(namespace: String, key: String!): Metafield
  metafields(first: Int, after: String, last: Int, before: String, namespace: String, keys: [String!], reverse: Boolean = false): MetafieldConnection!
  orders(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: OrderSortKeys = ID, query: String): OrderConnection!
}
type CustomerEdge { cursor: String! node: Customer! }
type CustomerConnection { edges: [CustomerEdge!]! nodes: [Customer!]! pageInfo: PageInfo! }
enum CustomerSortKeys { CREATED_AT ID LOCATION NAME RELEVANCE UPDATED_AT }

enum OrderDisplayFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
enum OrderCancelReason { CUSTOMER DECLINED FRAUD INVENTORY OTHER STAFF }
enum OrderSortKeys { CREATED_AT CUSTOMER_NAME FINANCIAL_STATUS FULFILLMENT_STATUS ID ORDER_NUMBER PO_NUMBER PROCESSED_AT RELEVANCE TOTAL_ITEMS_QUANTITY TOTAL_PRICE UPDATED_AT }

type LineItem implements Node {
  id: ID!
  title: String!
  name: String!
  quantity: Int!
  sku: String
  product: Product
  variant: ProductVariant
  originalUnitPriceSet: MoneyBag!
  totalDiscountSet: MoneyBag!
  discountedTotalSet: MoneyBag!
}
type LineItemEdge { cursor: String! node: LineItem! }
type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }

type Refund implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  createdAt: DateTime
  updatedAt: DateTime!
  note: String
  totalRefundedSet: MoneyBag!
}

type Order implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  name: String!
  email: String
  customer: Customer
  currencyCode: CurrencyCode!
  presentmentCurrencyCode: CurrencyCode!
  subtotalPriceSet: MoneyBag
  totalPriceSet: MoneyBag!
  totalDiscountsSet: MoneyBag
  totalShippingPriceSet: MoneyBag!
  totalTaxSet: MoneyBag
  totalRefundedSet: MoneyBag!
  discountCode: String
  discountCodes: [String!]!
  displayFinancialStatus: OrderDisplayFinancialStatus
  cancelledAt: DateTime
  cancelReason: OrderCancelReason
  closed: Boolean!
  test: Boolean!
  processedAt: DateTime!
  createdAt: DateTime!
  updatedAt: DateTime!
  lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): LineItemConnection!
  refunds(first: Int): [Refund!]!
  metafield(namespace: String, key: String!): Metafield
  metafields(first: Int, after: String, last: Int, before: String, namespace: String, keys: [String!], reverse: Boolean = false): MetafieldConnection!
}
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }

type Collection implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  handle: String!
  title: String!
}
type CollectionEdge { cursor: String! node: Collection! }
type CollectionConnection { edges: [CollectionEdge!]! nodes: [Collection!]! pageInfo: PageInfo! }

type ProductVariant implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  sku: String
  title: String!
  displayName: String!
  price: Money!
  product: Product!
}
type ProductVariantEdge { cursor: String! node: ProductVariant! }
type ProductVariantConnection { edges: [ProductVariantEdge!]! nodes: [ProductVariant!]! pageInfo: PageInfo! }

type Product implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  title: String!
  handle: String!
  productType: String!
  vendor: String!
  tags: [String!]!
  createdAt: DateTime!
  updatedAt: DateTime!
  collections(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): CollectionConnection!
  variants(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): ProductVariantConnection!
  metafield(namespace: String, key: String!): Metafield
  metafields(first: Int, after: String, last: Int, before: String, namespace: String, keys: [String!], reverse: Boolean = false): MetafieldConnection!
}
type ProductEdge { cursor: String! node: Product! }
type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }
enum ProductSortKeys { CREATED_AT ID INVENTORY_TOTAL PRODUCT_TYPE PUBLISHED_AT RELEVANCE TITLE UPDATED_AT VENDOR }

type MetafieldDefinitionType { name: String! category: String! }
enum MetafieldAdminAccess { MERCHANT_READ MERCHANT_READ_WRITE PRIVATE PUBLIC_READ PUBLIC_READ_WRITE }
enum MetafieldStorefrontAccess { NONE PUBLIC_READ }
enum MetafieldCustomerAccountAccess { NONE READ READ_WRITE }
type MetafieldAccess { admin: MetafieldAdminAccess storefront: MetafieldStorefrontAccess customerAccount: MetafieldCustomerAccountAccess! }
type MetafieldDefinition implements Node {
  id: ID!
  name: String!
  namespace: String!
  key: String!
  description: String
  type: MetafieldDefinitionType!
  ownerType: MetafieldOwnerType!
  access: MetafieldAccess!
}
type MetafieldDefinitionEdge { cursor: String! node: MetafieldDefinition! }
type MetafieldDefinitionConnection { edges: [MetafieldDefinitionEdge!]! nodes: [MetafieldDefinition!]! pageInfo: PageInfo! }

enum WebhookSubscriptionTopic { ${WEBHOOK_TOPIC_VALUES.join(" ")} }
enum WebhookSubscriptionFormat { JSON XML }
type WebhookSubscription implements Node {
  id: ID!
  topic: WebhookSubscriptionTopic!
  uri: String!
  callbackUrl: URL!
  format: WebhookSubscriptionFormat!
  includeFields: [String!]!
  filter: String
  createdAt: DateTime!
  updatedAt: DateTime!
}
type WebhookSubscriptionEdge { cursor: String! node: WebhookSubscription! }
type WebhookSubscriptionConnection { edges: [WebhookSubscriptionEdge!]! nodes: [WebhookSubscription!]! pageInfo: PageInfo! }
input WebhookSubscriptionInput { uri: String callbackUrl: URL format: WebhookSubscriptionFormat includeFields: [String!] filter: String }

type UserError { field: [String!] message: String! }
type WebhookSubscriptionCreatePayload { webhookSubscription: WebhookSubscription userErrors: [UserError!]! }
type WebhookSubscriptionDeletePayload { deletedWebhookSubscriptionId: ID userErrors: [UserError!]! }

enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }
enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
enum BulkOperationType { MUTATION QUERY }
enum BulkOperationsSortKeys { COMPLETED_AT CREATED_AT }
enum BulkOperationUserErrorCode { INVALID LIMIT_REACHED OPERATION_IN_PROGRESS }
type BulkOperation implements Node {
  id: ID!
  status: BulkOperationStatus!
  errorCode: BulkOperationErrorCode
  objectCount: UnsignedInt64!
  rootObjectCount: UnsignedInt64!
  fileSize: UnsignedInt64
  url: URL
  partialDataUrl: URL
  query: String!
  type: BulkOperationType!
  createdAt: DateTime!
  completedAt: DateTime
}
type BulkOperationEdge { cursor: String! node: BulkOperation! }
type BulkOperationConnection { edges: [BulkOperationEdge!]! nodes: [BulkOperation!]! pageInfo: PageInfo! }
type BulkOperationUserError { field: [String!] message: String! code: BulkOperationUserErrorCode }
type BulkOperationRunQueryPayload { bulkOperation: BulkOperation userErrors: [BulkOperationUserError!]! }
type BulkOperationCancelPayload { bulkOperation: BulkOperation userErrors: [UserError!]! }

enum MetafieldsSetUserErrorCode { APP_NOT_AUTHORIZED BLANK CAPABILITY_VIOLATION INCLUSION INTERNAL_ERROR INVALID INVALID_COMPARE_DIGEST INVALID_TYPE INVALID_VALUE LESS_THAN_OR_EQUAL_TO PRESENT STALE_OBJECT TAKEN TOO_LONG TOO_SHORT }
type MetafieldsSetUserError { field: [String!] message: String! code: MetafieldsSetUserErrorCode elementIndex: Int }
input MetafieldsSetInput { ownerId: ID! namespace: String key: String! type: String value: String! compareDigest: String }
type MetafieldsSetPayload { metafields: [Metafield!] userErrors: [MetafieldsSetUserError!]! }
type MetafieldIdentifier { ownerId: ID! namespace: String! key: String! }
input MetafieldIdentifierInput { ownerId: ID! namespace: String! key: String! }
type MetafieldsDeletePayload { deletedMetafields: [MetafieldIdentifier] userErrors: [UserError!]! }

enum MetafieldDefinitionCreateUserErrorCode { ADMIN_ACCESS_INPUT_NOT_ALLOWED BLANK INCLUSION INVALID INVALID_CHARACTER LIMIT_EXCEEDED PRESENT RESERVED_NAMESPACE_KEY TAKEN TOO_LONG TOO_SHORT UNSTRUCTURED_ALREADY_EXISTS }
type MetafieldDefinitionCreateUserError { field: [String!] message: String! code: MetafieldDefinitionCreateUserErrorCode }
enum MetafieldAdminAccessInput { MERCHANT_READ MERCHANT_READ_WRITE }
enum MetafieldStorefrontAccessInput { NONE PUBLIC_READ }
enum MetafieldCustomerAccountAccessInput { NONE READ READ_WRITE }
input MetafieldAccessInput { admin: MetafieldAdminAccessInput storefront: MetafieldStorefrontAccessInput customerAccount: MetafieldCustomerAccountAccessInput }
input MetafieldDefinitionInput { name: String! namespace: String key: String! description: String type: String! ownerType: MetafieldOwnerType! access: MetafieldAccessInput pin: Boolean }
type MetafieldDefinitionCreatePayload { createdDefinition: MetafieldDefinition userErrors: [MetafieldDefinitionCreateUserError!]! }

type Segment implements Node { id: ID! name: String! query: String! creationDate: DateTime! lastEditDate: DateTime! }
type SegmentEdge { cursor: String! node: Segment! }
type SegmentConnection { edges: [SegmentEdge!]! nodes: [Segment!]! pageInfo: PageInfo! }
type SegmentCreatePayload { segment: Segment userErrors: [UserError!]! }
type SegmentUpdatePayload { segment: Segment userErrors: [UserError!]! }
type SegmentDeletePayload { deletedSegmentId: ID userErrors: [UserError!]! }

type TagsAddPayload { node: Node userErrors: [UserError!]! }
type TagsRemovePayload { node: Node userErrors: [UserError!]! }

enum DiscountStatus { ACTIVE EXPIRED SCHEDULED }
enum DiscountClass { ORDER PRODUCT SHIPPING }
enum DiscountErrorCode { BLANK DUPLICATE END_DATE_BEFORE_START_DATE EXCEEDED_MAX GREATER_THAN INCLUSION INTERNAL_ERROR INVALID MISSING_ARGUMENT MISSING_FUNCTION_IDENTIFIER MULTIPLE_FUNCTION_IDENTIFIERS PRESENT TAKEN TOO_LONG TOO_MANY_ARGUMENTS TOO_SHORT VALUE_OUTSIDE_RANGE }
type DiscountUserError { field: [String!] message: String! code: DiscountErrorCode extraInfo: String }
type DiscountCombinesWith { orderDiscounts: Boolean! productDiscounts: Boolean! shippingDiscounts: Boolean! }
input DiscountCombinesWithInput { orderDiscounts: Boolean productDiscounts: Boolean shippingDiscounts: Boolean }
type AppDiscountType { appKey: String! functionId: String! title: String! description: String discountClass: DiscountClass! discountClasses: [DiscountClass!]! }
enum DiscountBuyerSelection { ALL }
type DiscountCustomerSegments { segments: [Segment!]! }
type DiscountCustomers { customers: [Customer!]! }
type DiscountBuyerSelectionAll { all: DiscountBuyerSelection! }
union DiscountContext = DiscountBuyerSelectionAll | DiscountCustomerSegments | DiscountCustomers
input DiscountCustomerSegmentsInput { add: [ID!] remove: [ID!] }
input DiscountCustomersInput { add: [ID!] remove: [ID!] }
input DiscountContextInput { all: DiscountBuyerSelection customerSegments: DiscountCustomerSegmentsInput customers: DiscountCustomersInput }
input MetafieldInput { id: ID namespace: String key: String value: String type: String }
input DiscountAutomaticAppInput {
  title: String functionId: String functionHandle: String startsAt: DateTime endsAt: DateTime
  combinesWith: DiscountCombinesWithInput metafields: [MetafieldInput!] discountClasses: [DiscountClass!]
  context: DiscountContextInput
}
input DiscountCodeAppInput {
  title: String code: String functionId: String functionHandle: String startsAt: DateTime endsAt: DateTime
  combinesWith: DiscountCombinesWithInput metafields: [MetafieldInput!] discountClasses: [DiscountClass!]
  context: DiscountContextInput usageLimit: Int appliesOncePerCustomer: Boolean
}
type DiscountRedeemCode { id: ID! code: String! }
type DiscountRedeemCodeEdge { cursor: String! node: DiscountRedeemCode! }
type DiscountRedeemCodeConnection { edges: [DiscountRedeemCodeEdge!]! nodes: [DiscountRedeemCode!]! pageInfo: PageInfo! }
type DiscountAutomaticApp {
  discountId: ID! title: String! status: DiscountStatus! startsAt: DateTime! endsAt: DateTime
  appDiscountType: AppDiscountType! discountClass: DiscountClass! discountClasses: [DiscountClass!]! combinesWith: DiscountCombinesWith!
  context: DiscountContext! asyncUsageCount: Int! createdAt: DateTime! updatedAt: DateTime!
}
type DiscountCodeApp {
  discountId: ID! title: String! status: DiscountStatus! startsAt: DateTime! endsAt: DateTime
  appDiscountType: AppDiscountType! discountClass: DiscountClass! discountClasses: [DiscountClass!]! combinesWith: DiscountCombinesWith!
  context: DiscountContext! codes(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): DiscountRedeemCodeConnection! usageLimit: Int appliesOncePerCustomer: Boolean!
  asyncUsageCount: Int! createdAt: DateTime! updatedAt: DateTime!
}
# Shopify's native discount types: the stand-in never creates them, they exist so fragments on them validate.
type DiscountAutomaticBasic { title: String! status: DiscountStatus! startsAt: DateTime! endsAt: DateTime }
type DiscountAutomaticBxgy { title: String! status: DiscountStatus! startsAt: DateTime! endsAt: DateTime }
type DiscountAutomaticFreeShipping { title: String! status: DiscountStatus! startsAt: DateTime! endsAt: DateTime }
type DiscountCodeBasic { title: String! status: DiscountStatus! startsAt: DateTime! endsAt: DateTime }
type DiscountCodeBxgy { title: String! status: DiscountStatus! startsAt: DateTime! endsAt: DateTime }
type DiscountCodeFreeShipping { title: String! status: DiscountStatus! startsAt: DateTime! endsAt: DateTime }
union DiscountAutomatic = DiscountAutomaticApp | DiscountAutomaticBasic | DiscountAutomaticBxgy | DiscountAutomaticFreeShipping
union DiscountCode = DiscountCodeApp | DiscountCodeBasic | DiscountCodeBxgy | DiscountCodeFreeShipping
type DiscountAutomaticNode implements Node {
  id: ID!
  automaticDiscount: DiscountAutomatic!
  metafield(namespace: String, key: String!): Metafield
  metafields(first: Int, after: String, last: Int, before: String, namespace: String, keys: [String!], reverse: Boolean = false): MetafieldConnection!
}
type DiscountCodeNode implements Node {
  id: ID!
  codeDiscount: DiscountCode!
  metafield(namespace: String, key: String!): Metafield
  metafields(first: Int, after: String, last: Int, before: String, namespace: String, keys: [String!], reverse: Boolean = false): MetafieldConnection!
}
type DiscountAutomaticActivatePayload { automaticDiscountNode: DiscountAutomaticNode userErrors: [DiscountUserError!]! }
type DiscountAutomaticDeactivatePayload { automaticDiscountNode: DiscountAutomaticNode userErrors: [DiscountUserError!]! }
type DiscountCodeActivatePayload { codeDiscountNode: DiscountCodeNode userErrors: [DiscountUserError!]! }
type DiscountCodeDeactivatePayload { codeDiscountNode: DiscountCodeNode userErrors: [DiscountUserError!]! }
type DiscountAutomaticAppCreatePayload { automaticAppDiscount: DiscountAutomaticApp userErrors: [DiscountUserError!]! }
type DiscountAutomaticAppUpdatePayload { automaticAppDiscount: DiscountAutomaticApp userErrors: [DiscountUserError!]! }
type DiscountCodeAppCreatePayload { codeAppDiscount: DiscountCodeApp userErrors: [DiscountUserError!]! }
type DiscountCodeAppUpdatePayload { codeAppDiscount: DiscountCodeApp userErrors: [DiscountUserError!]! }
type DiscountAutomaticDeletePayload { deletedAutomaticDiscountId: ID userErrors: [DiscountUserError!]! }
type DiscountCodeDeletePayload { deletedCodeDiscountId: ID userErrors: [DiscountUserError!]! }

type QueryRoot {
  shop: Shop!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  customer(id: ID!): Customer
  customers(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: CustomerSortKeys = ID, query: String): CustomerConnection!
  customersCount(limit: Int = 10000, query: String): Count
  order(id: ID!): Order
  orders(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: OrderSortKeys = PROCESSED_AT, query: String): OrderConnection!
  ordersCount(limit: Int = 10000, query: String): Count
  product(id: ID!): Product
  products(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: ProductSortKeys = ID, query: String): ProductConnection!
  productsCount(limit: Int = 10000, query: String): Count
  metafieldDefinitions(ownerType: MetafieldOwnerType!, first: Int, after: String, last: Int, before: String, namespace: String, key: String): MetafieldDefinitionConnection!
  webhookSubscriptions(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, topics: [WebhookSubscriptionTopic!], uri: String): WebhookSubscriptionConnection!
  webhookSubscription(id: ID!): WebhookSubscription
  currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
  ${bulkQueries}
  segment(id: ID!): Segment
  segments(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String): SegmentConnection!
  automaticDiscountNode(id: ID!): DiscountAutomaticNode
  codeDiscountNode(id: ID!): DiscountCodeNode
}

type Mutation {
  webhookSubscriptionCreate(topic: WebhookSubscriptionTopic!, webhookSubscription: WebhookSubscriptionInput!): WebhookSubscriptionCreatePayload
  webhookSubscriptionDelete(id: ID!): WebhookSubscriptionDeletePayload
  bulkOperationRunQuery(query: String!, groupObjects: Boolean! = ${since2026 ? "false" : "true"}): BulkOperationRunQueryPayload
  bulkOperationCancel(id: ID!): BulkOperationCancelPayload
  metafieldsSet(metafields: [MetafieldsSetInput!]!): MetafieldsSetPayload
  metafieldsDelete(metafields: [MetafieldIdentifierInput!]!): MetafieldsDeletePayload
  metafieldDefinitionCreate(definition: MetafieldDefinitionInput!): MetafieldDefinitionCreatePayload
  segmentCreate(name: String!, query: String!): SegmentCreatePayload
  segmentUpdate(id: ID!, name: String, query: String): SegmentUpdatePayload
  segmentDelete(id: ID!): SegmentDeletePayload
  tagsAdd(id: ID!, tags: [String!]!): TagsAddPayload
  tagsRemove(id: ID!, tags: [String!]!): TagsRemovePayload
  discountAutomaticAppCreate(automaticAppDiscount: DiscountAutomaticAppInput!): DiscountAutomaticAppCreatePayload
  discountAutomaticAppUpdate(id: ID!, automaticAppDiscount: DiscountAutomaticAppInput!): DiscountAutomaticAppUpdatePayload
  discountCodeAppCreate(codeAppDiscount: DiscountCodeAppInput!): DiscountCodeAppCreatePayload
  discountCodeAppUpdate(id: ID!, codeAppDiscount: DiscountCodeAppInput!): DiscountCodeAppUpdatePayload
  discountAutomaticDelete(id: ID!): DiscountAutomaticDeletePayload
  discountCodeDelete(id: ID!): DiscountCodeDeletePayload
  discountAutomaticActivate(id: ID!): DiscountAutomaticActivatePayload
  discountAutomaticDeactivate(id: ID!): DiscountAutomaticDeactivatePayload
  discountCodeActivate(id: ID!): DiscountCodeActivatePayload
  discountCodeDeactivate(id: ID!): DiscountCodeDeactivatePayload
}

schema { query: QueryRoot mutation: Mutation }
`;
}

/** A fresh, resolver-less schema for one version; executor.ts attaches resolvers and caches it. */
export function buildVersionSchema(version: string): GraphQLSchema {
  return buildSchema(sdlFor(version));
}
