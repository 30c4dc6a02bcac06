import { isUniqueViolation, type Db } from "~/db/client";
import { enqueue } from "~/jobs/queue.server";

/** The job that processes one stored delivery (app/sync/inbox.server.ts handles it). */
export const WEBHOOK_JOB_KIND = "webhook.process";

export interface InboundWebhook {
  shop: string;
  webhookId: string;
  eventId: string | null;
  topic: string;
  apiVersion: string | null;
  triggeredAt: Date | null;
  rawBody: string;
}

/**
 * Stores one delivery in the durable inbox and queues its processing in the same transaction, so
 * a stored delivery is never left without work. A delivery whose X-Shopify-Webhook-Id is already
 * there is a retry or duplicate: it is acknowledged and not stored (or queued) again.
 *
 * The job names no shop: uninstalling cancels a shop's queued jobs, but deliveries received before
 * (and compliance requests after) must still be processed.
 */
export async function storeWebhook({ db, webhook, now }: { db: Db; webhook: InboundWebhook; now: Date }): Promise<"stored" | "duplicate"> {
  const shopRow = await db.shop.findUnique({ where: { domain: webhook.shop }, select: { id: true } });
  try {
    await db.$transaction(async (tx) => {
      const event = await tx.webhookEvent.create({
        data: {
          shopId: shopRow?.id ?? null,
          shopDomain: webhook.shop,
          webhookId: webhook.webhookId,
          eventId: webhook.eventId,
          topic: webhook.topic,
          apiVersion: webhook.apiVersion,
          triggeredAt: webhook.triggeredAt,
          payload: webhook.rawBody,
          receivedAt: now,
          nextAttemptAt: now,
        },
        select: { id: true },
      });
      await enqueue(tx, { kind: WEBHOOK_JOB_KIND, payload: { eventId: event.id } }, { now });
      if (shopRow) await tx.shop.updateMany({ where: { id: shopRow.id }, data: { lastWebhookAt: now } });
      // a burst may queue many transactions on SQLite's one connection; Shopify waits up to 5 s
    }, { maxWait: 4_000 });
  } catch (error) {
    if (isUniqueViolation(error)) return "duplicate";
    throw error;
  }
  return "stored";
}

export async function listWebhookEvents({ db, shop, take = 50 }: { db: Db; shop: string; take?: number }) {
  return db.webhookEvent.findMany({ where: { shopDomain: shop }, orderBy: { receivedAt: "desc" }, take });
}
