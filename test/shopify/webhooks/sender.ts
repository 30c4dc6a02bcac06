import { createHmac, randomUUID } from "node:crypto";

/**
 * Delivers webhooks the way Shopify does: a JSON POST signed with the app secret
 * (X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the raw body), Shopify's headers, at-least-once
 * with retries; and, on demand, the misbehaviour apps must survive — duplicates, delays,
 * reordering, bad signatures.
 */
export interface WebhookSenderOptions {
  appSecret: string;
  apiVersion: string;
  shopDomain: string;
  fetch?: typeof fetch;
  now?: () => Date;
  /** seeded randomness for shuffles; defaults to Math.random */
  random?: () => number;
  /** waits before each retry, in ms; Shopify retries 8 times over about four hours */
  retrySchedule?: number[];
  timeoutMs?: number;
}

export interface WebhookDelivery {
  topic: string;
  /** the subscription's address */
  address: string;
  payload: unknown;
  triggeredAt?: Date;
  webhookId?: string;
  eventId?: string;
}

export interface DeliveryOptions {
  /** send the same delivery this many extra times (same id, same body) */
  duplicate?: number;
  delayMs?: number;
  /** sign with the wrong secret */
  misSign?: boolean;
  /** leave the signature header out */
  dropHmac?: boolean;
}

export interface DeliveryAttempt {
  topic: string;
  webhookId: string;
  address: string;
  attempt: number;
  status: number | "timeout" | "error";
  ms: number;
}

const SHOPIFY_RETRIES_MS = [60_000, 120_000, 300_000, 600_000, 1_200_000, 2_400_000, 3_600_000, 5_400_000];

interface Prepared {
  delivery: WebhookDelivery & { webhookId: string; eventId: string; triggeredAt: Date };
  options: DeliveryOptions;
}

export class WebhookSender {
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly retrySchedule: number[];
  private readonly timeoutMs: number;
  private readonly log: DeliveryAttempt[] = [];
  private held: Prepared[] | null = null;

  constructor(private readonly options: WebhookSenderOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.retrySchedule = options.retrySchedule ?? SHOPIFY_RETRIES_MS;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Sends one delivery (and its duplicates), retrying on failure; resolves when done. Held deliveries resolve on release. */
  async send(delivery: WebhookDelivery, options: DeliveryOptions = {}): Promise<void> {
    const prepared: Prepared = {
      delivery: {
        ...delivery,
        webhookId: delivery.webhookId ?? randomUUID(),
        eventId: delivery.eventId ?? randomUUID(),
        triggeredAt: delivery.triggeredAt ?? this.now(),
      },
      options,
    };
    if (this.held) {
      this.held.push(prepared);
      return;
    }
    await this.deliver(prepared);
  }

  /** From now on, queue deliveries instead of sending them. */
  hold(): void {
    this.held ??= [];
  }

  /** Sends what was held, in the order asked for, one after another. */
  async release({ order = "fifo" }: { order?: "fifo" | "reverse" | "shuffle" } = {}): Promise<void> {
    const queue = this.held ?? [];
    this.held = null;
    if (order === "reverse") queue.reverse();
    if (order === "shuffle") {
      for (let i = queue.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [queue[i], queue[j]] = [queue[j] as Prepared, queue[i] as Prepared];
      }
    }
    for (const prepared of queue) await this.deliver(prepared);
  }

  deliveries(): readonly DeliveryAttempt[] {
    return this.log;
  }

  /** The signature Shopify puts in X-Shopify-Hmac-Sha256. */
  static sign(body: string, secret: string): string {
    return createHmac("sha256", secret).update(body, "utf8").digest("base64");
  }

  private async deliver({ delivery, options }: Prepared): Promise<void> {
    if (options.delayMs) await sleep(options.delayMs);
    const body = JSON.stringify(delivery.payload);
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "User-Agent": "Shopify-Captain-Hook",
      "X-Shopify-Topic": delivery.topic,
      "X-Shopify-Shop-Domain": this.options.shopDomain,
      "X-Shopify-API-Version": this.options.apiVersion,
      "X-Shopify-Webhook-Id": delivery.webhookId,
      "X-Shopify-Triggered-At": delivery.triggeredAt.toISOString(),
      "X-Shopify-Event-Id": delivery.eventId,
    };
    if (!options.dropHmac) headers["X-Shopify-Hmac-Sha256"] = WebhookSender.sign(body, options.misSign ? `${this.options.appSecret}-wrong` : this.options.appSecret);
    for (let copy = 0; copy <= (options.duplicate ?? 0); copy++) await this.attemptWithRetries(delivery, body, headers);
  }

  private async attemptWithRetries(delivery: Prepared["delivery"], body: string, headers: Record<string, string>): Promise<void> {
    for (let attempt = 1; attempt <= this.retrySchedule.length + 1; attempt++) {
      const started = performance.now();
      let status: DeliveryAttempt["status"];
      try {
        const response = await this.fetchImpl(delivery.address, { method: "POST", body, headers, signal: AbortSignal.timeout(this.timeoutMs) });
        await response.arrayBuffer();
        status = response.status;
      } catch (error) {
        status = error instanceof Error && error.name === "TimeoutError" ? "timeout" : "error";
      }
      this.log.push({ topic: delivery.topic, webhookId: delivery.webhookId, address: delivery.address, attempt, status, ms: Math.round(performance.now() - started) });
      if (typeof status === "number" && status >= 200 && status < 300) return;
      const wait = this.retrySchedule[attempt - 1];
      if (wait === undefined) return;
      await sleep(wait);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
