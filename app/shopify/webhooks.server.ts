import { assertNoUserErrors, runOperation, type AdminClient } from "./admin-client.server";
import { webhookSubscriptionCreate, webhookSubscriptionsQuery, type WebhookSubscriptionsData } from "./operations/webhooks";
import { WEBHOOK_TOPICS } from "./webhook-topics";

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
    const page: WebhookSubscriptionsData = await runOperation(admin, webhookSubscriptionsQuery, { after });
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
    const response = await runOperation(admin, webhookSubscriptionCreate, { topic: graphqlTopic, uri });
    assertNoUserErrors(`webhookSubscriptionCreate ${graphqlTopic}`, response.webhookSubscriptionCreate.userErrors);
    result.created.push(graphqlTopic);
  }
  return result;
}
