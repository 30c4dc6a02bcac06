import { z } from "zod";
import { defineOperation, graphql } from "../graphql";

export const WEBHOOK_SUBSCRIPTIONS_QUERY = graphql`#graphql
  query AppWebhookSubscriptions($after: String) {
    webhookSubscriptions(first: 100, after: $after) {
      nodes { id topic uri }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const WEBHOOK_SUBSCRIPTION_CREATE = graphql`#graphql
  mutation AppWebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
    webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
      webhookSubscription { id }
      userErrors { field message }
    }
  }
`;

const userError = z.object({ field: z.array(z.string()).nullable().optional(), message: z.string() });

export const webhookSubscriptionsData = z.object({
  webhookSubscriptions: z.object({
    nodes: z.array(z.object({ id: z.string(), topic: z.string(), uri: z.string().nullable().optional() })),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

export const webhookSubscriptionCreateData = z.object({
  webhookSubscriptionCreate: z.object({
    webhookSubscription: z.object({ id: z.string() }).nullable(),
    userErrors: z.array(userError),
  }),
});

export type WebhookSubscriptionsData = z.infer<typeof webhookSubscriptionsData>;

export const webhookSubscriptionsQuery = defineOperation<WebhookSubscriptionsData, { after: string | null }>(WEBHOOK_SUBSCRIPTIONS_QUERY, webhookSubscriptionsData);

export const webhookSubscriptionCreate = defineOperation<z.infer<typeof webhookSubscriptionCreateData>, { topic: string; uri: string }>(
  WEBHOOK_SUBSCRIPTION_CREATE,
  webhookSubscriptionCreateData,
);
