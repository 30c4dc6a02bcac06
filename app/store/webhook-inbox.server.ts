import type { Db } from "~/db/client";

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
 * Stores one delivery in the durable inbox. A delivery whose X-Shopify-Webhook-Id is already
 * there is a retry or duplicate: it is acknowledged and not stored again.
 */
export async function storeWebhook({ db, webhook, now }: { db: Db; webhook: InboundWebhook; now: Date }): Promise<"stored" | "duplicate"> {
  const shopRow = await db.shop.findUnique({ where: { domain: webhook.shop }, select: { id: true } });
  try {
    await db.webhookEvent.create({
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
    });
  } catch (error) {
    if (isUniqueViolation(error)) return "duplicate";
    throw error;
  }
  if (shopRow) await db.shop.updateMany({ where: { domain: webhook.shop }, data: { lastWebhookAt: now } });
  return "stored";
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}

export async function listWebhookEvents({ db, shop, take = 50 }: { db: Db; shop: string; take?: number }) {
  return db.webhookEvent.findMany({ where: { shopDomain: shop }, orderBy: { receivedAt: "desc" }, take });
}
