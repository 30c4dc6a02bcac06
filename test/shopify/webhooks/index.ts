/**
 * The stand-in's webhooks: Shopify-shaped payload builders (checked against
 * `shopify-webhook-schemas` at {@link PAYLOAD_SCHEMA_VERSION}) and {@link WebhookSender}, which
 * delivers them signed, with Shopify's headers, retries and on-demand misbehaviour.
 */
export * from "./payloads";
export * from "./sender";
