import type { Db } from "~/db/client";
import { logger } from "~/logger.server";
import { storeWebhook } from "~/store/webhook-inbox.server";

/** Shopify's part: check the HMAC and read the delivery (authenticate.webhook in production). */
export type AuthenticateWebhook = (request: Request) => Promise<{
  shop: string;
  topic: string;
  webhookId: string;
  apiVersion: string;
  triggeredAt?: string;
  eventId?: string;
}>;

/**
 * A webhook route's whole job: a bad or missing HMAC gets 401 and nothing is stored; a good
 * delivery is written to the durable inbox (once per X-Shopify-Webhook-Id) and acknowledged
 * with 200 at once — the work happens later, from the inbox.
 */
export async function receiveWebhook(request: Request, deps: { authenticate: AuthenticateWebhook; db: Db; now?: () => Date }): Promise<Response> {
  // Shopify's library calls a missing signature "bad request"; to Shopify's review it is unauthorised.
  if (!request.headers.get("x-shopify-hmac-sha256")) return new Response(null, { status: 401, statusText: "Unauthorized" });
  const rawBody = await request.clone().text();
  let delivery: Awaited<ReturnType<AuthenticateWebhook>>;
  try {
    delivery = await deps.authenticate(request);
  } catch (error) {
    if (error instanceof Response) return error; // 401 bad HMAC, 400 missing headers, 405 not POST
    if (error instanceof SyntaxError) return new Response("Body is not JSON", { status: 400 });
    throw error;
  }
  const topicHeader = request.headers.get("x-shopify-topic");
  const triggeredAt = delivery.triggeredAt ? new Date(delivery.triggeredAt) : null;
  const outcome = await storeWebhook({
    db: deps.db,
    now: deps.now?.() ?? new Date(),
    webhook: {
      shop: delivery.shop,
      webhookId: delivery.webhookId,
      eventId: delivery.eventId ?? null,
      topic: topicHeader ?? delivery.topic,
      apiVersion: delivery.apiVersion || null,
      triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
      rawBody,
    },
  });
  logger.debug({ shop: delivery.shop, topic: topicHeader, webhookId: delivery.webhookId, outcome }, "webhook received");
  return new Response(null, { status: 200 });
}
