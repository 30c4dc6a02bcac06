import { z } from "zod";
import { assertNoUserErrors, type AdminClient } from "./admin-client.server";
import { WEBHOOK_TOPICS } from "./webhook-topics";

const LIST = /* GraphQL */ `#graphql
  query AppWebhookSubscriptions($after: String) {
    webhookSubscriptions(first: 100, after: $after) {
      nodes { id topic uri }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

const CREATE = /* GraphQL */ `#graphql
  mutation AppWebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
    webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
      webhookSubscription { id }
      userErrors { field message }
    }
  }
`;

const listResponse = z.object({
  webhookSubscriptions: z.object({
    nodes: z.array(z.object({ id: z.string(), topic: z.string(), uri: z.string().nullable().optional() })),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

const createResponse = z.object({
  webhookSubscriptionCreate: z.object({
    webhookSubscription: z.object({ id: z.string() }).nullable(),
    userErrors: z.array(z.object({ field: z.array(z.string()).nullable().optional(), message: z.string() })),
  }),
});

export interface WebhookRegistration {
  created: string[];
  alreadyPresent: string[];
}

/**
 * Subscribes the shop to every topic the app handles, pointing at appUrl; topics already
 * subscribed at the same address are left alone, so running it twice changes nothing.
 */
export async function registerWebhookSubscriptions(admin: AdminClient, appUrl: string): Promise<WebhookRegistration> {
  const existing = new Set<string>();
  let after: string | null = null;
  do {
    const page: z.infer<typeof listResponse> = listResponse.parse(await admin.request<unknown>(LIST, { after }));
    for (const node of page.webhookSubscriptions.nodes) existing.add(`${node.topic} ${node.uri ?? ""}`);
    after = page.webhookSubscriptions.pageInfo.hasNextPage ? page.webhookSubscriptions.pageInfo.endCursor : null;
  } while (after);

  const result: WebhookRegistration = { created: [], alreadyPresent: [] };
  const base = appUrl.replace(/\/+$/, "");
  for (const { graphqlTopic, path } of WEBHOOK_TOPICS) {
    const uri = `${base}${path}`;
    if (existing.has(`${graphqlTopic} ${uri}`)) {
      result.alreadyPresent.push(graphqlTopic);
      continue;
    }
    const response = createResponse.parse(await admin.request<unknown>(CREATE, { topic: graphqlTopic, uri }));
    assertNoUserErrors(`webhookSubscriptionCreate ${graphqlTopic}`, response.webhookSubscriptionCreate.userErrors);
    result.created.push(graphqlTopic);
  }
  return result;
}
