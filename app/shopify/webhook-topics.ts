/**
 * Every webhook topic the app subscribes to and the route that receives it. shopify.app.toml
 * declares the same list (a test holds them equal), and the install registers it per shop when
 * subscriptions are managed through the Admin API.
 */
export interface WebhookTopic {
  /** Shopify's topic, as sent in X-Shopify-Topic. */
  topic: string;
  /** The GraphQL enum value for webhookSubscriptionCreate. */
  graphqlTopic: string;
  /** Path of the route, relative to the app URL. */
  path: string;
}

const topics = [
  "app/uninstalled",
  "app/scopes_update",
  "customers/create",
  "customers/update",
  "customers/delete",
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/delete",
  "refunds/create",
  "products/update",
  "products/delete",
  "checkouts/create",
  "checkouts/update",
  "bulk_operations/finish",
  // 2024-10+; Shopify lists read_content as these topics' scope (the definitions themselves are read with read_customers)
  "metafield_definitions/create",
  "metafield_definitions/update",
  "metafield_definitions/delete",
] as const;

/** GDPR topics: declared as compliance_topics, never registered through the API. */
export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

export type SubscribedTopic = (typeof topics)[number];
export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];

/** "app/scopes_update" → "/webhooks/app/scopes-update" (route file webhooks.app.scopes-update.tsx). */
export function routePathFor(topic: string): string {
  return `/webhooks/${topic.replace(/_/g, "-")}`;
}

export const WEBHOOK_TOPICS: readonly WebhookTopic[] = topics.map((topic) => ({
  topic,
  graphqlTopic: topic.toUpperCase().replace("/", "_"),
  path: routePathFor(topic),
}));

export const COMPLIANCE_PATH = "/webhooks/compliance";
